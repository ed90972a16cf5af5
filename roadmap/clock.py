"""Stored times (UTC text) to and from aware local datetimes; the current time.

``ROADMAP_NOW`` (ISO 8601, e.g. ``2026-11-20T18:00:00+01:00``) fixes the current time
for every command: tests and golden files use it to make output reproducible.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

# ROADMAP_NOW must lie in these years: every date computed from "now" (a week back, a
# forecast years ahead) then stays within what a datetime can hold.
NOW_YEARS = (1970, 2999)


def now() -> datetime:
    """The current time, aware, in the local time zone (``ROADMAP_NOW`` overrides it).

    An override that is not an ISO 8601 date-time from 1970 to 2999 is a usage error
    (exit 2) rather than silently ignored or a crash deep in some date arithmetic.
    """
    fixed = os.environ.get("ROADMAP_NOW")
    if fixed:
        try:
            moment = datetime.fromisoformat(fixed.strip().replace("Z", "+00:00"))
            moment = moment.astimezone()
            usable = NOW_YEARS[0] <= moment.year <= NOW_YEARS[1]
        except (ValueError, OverflowError, OSError):
            usable = False
        if not usable:
            from roadmap.errors import UsageError
            from roadmap.safetext import one_line

            raise UsageError(
                f"ROADMAP_NOW '{one_line(fixed[:40])}' is not a date-time from "
                f"{NOW_YEARS[0]} to {NOW_YEARS[1]}",
                hint="write it as 2026-11-20T18:00:00+01:00, or unset it",
            )
        return moment
    return datetime.now().astimezone()


def stored_now() -> str:
    """Now as stored: UTC ISO 8601 with a Z."""
    return to_stored(now())


def to_stored(moment: datetime) -> str:
    """An aware datetime as stored: ``2026-11-20T09:30:00Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_stored(text: str) -> datetime:
    """A stored time as an aware datetime in the local time zone."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone()


def local_iso(text: str) -> str:
    """A stored time shown as ISO 8601 local time with its offset."""
    return from_stored(text).isoformat(timespec="seconds")


def local_day(moment: datetime) -> str:
    return moment.astimezone().date().isoformat()


def zone_fingerprint() -> str:
    """This machine's local time zone, as far as it changes local days: its names and its
    standard and summer offsets (``Asia/Tokyo`` and ``America/Los_Angeles`` differ)."""
    import time

    return f"{'/'.join(time.tzname)} {time.timezone} {time.altzone} {time.daylight}"
