"""Stored times (UTC text) to and from aware local datetimes."""

from __future__ import annotations

from datetime import datetime, timezone


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
