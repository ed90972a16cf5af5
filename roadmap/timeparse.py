"""Parse and format what people type for durations and dates (pure: no I/O).

Durations are whole minutes, 1 to 1440. Dates are local calendar days; date-times are aware.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta, timezone, tzinfo

from roadmap.errors import UsageError

MAX_MINUTES = 24 * 60
EPOCH = date(1970, 1, 1)

_DURATION_FORMS = "use forms like 45m, 90, 1h30m, 1.5h, 2 hours, 1:30"
_WHEN_FORMS = "use today, yesterday, -3d, 3d ago, -2w, 2026-11-20 or 2026-11-20T09:30"
_DATE_FORMS = "use today, yesterday, -3d, -2w, -1m, 3 days ago or 2026-11-20"

_NUM = r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
_HOURS_UNIT = r"(?:h|hr|hrs|hour|hours)"
_MINUTES_UNIT = r"(?:m|min|mins|minute|minutes)"
_UNITS = re.compile(
    rf"(?:(?P<h>{_NUM})\s*{_HOURS_UNIT})?\s*"
    rf"(?:(?P<m>{_NUM})\s*{_MINUTES_UNIT}|(?P<bare>(?<=[a-z])\s*[0-9]+))?",
    re.ASCII,
)
_BARE = re.compile(_NUM, re.ASCII)
_CLOCK = re.compile(r"(?P<h>[0-9]{1,2}):(?P<m>[0-5][0-9])", re.ASCII)

_DAY_UNITS = {"d": 1, "day": 1, "days": 1, "w": 7, "week": 7, "weeks": 7}
_MONTH_UNITS = {"m": 30, "mo": 30, "month": 30, "months": 30}
_BACK = re.compile(r"-(?P<n>[0-9]{1,9})\s*(?P<unit>[a-z]+)", re.ASCII)
_AGO = re.compile(r"(?P<n>[0-9]{1,9})\s*(?P<unit>[a-z]+)\s+ago", re.ASCII)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_ISO_DATETIME = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[T ]"
    r"(?P<time>[0-9]{2}:[0-9]{2}(?::[0-9]{2})?)"
    r"(?P<offset>Z|[+-][0-9]{2}:?[0-9]{2})?",
    re.ASCII,
)


def local_now() -> datetime:
    """The current time as an aware datetime in the local time zone."""
    from roadmap.clock import now

    return now()


def _shown(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 40 else text[:39] + "…"


# --- durations ---------------------------------------------------------------------------------


def _duration_error(text: str, detail: str = "") -> UsageError:
    return UsageError(f"invalid duration '{_shown(text)}': {detail}{_DURATION_FORMS}")


def _raw_minutes(text: str) -> float | None:
    """Minutes (possibly fractional) for a recognised form, None for anything else."""
    if _BARE.fullmatch(text):
        return float(text)
    clock = _CLOCK.fullmatch(text)
    if clock:
        return int(clock["h"]) * 60.0 + int(clock["m"])
    units = _UNITS.fullmatch(text)
    if units is None or not any(units.group("h", "m", "bare")):
        return None
    if units["bare"] is not None and units["h"] is None:
        return None
    minutes = units["m"] or units["bare"] or "0"
    return float(units["h"] or 0) * 60 + float(minutes)


def parse_duration(text: str) -> int:
    """Whole minutes in ``text``: ``45m``, ``90`` (bare number = minutes), ``1h30m``,
    ``1h 30m``, ``1h30``, ``1.5h``, ``90min``, ``2 hours``, ``1 hour 5 minutes``, ``1:30``
    (h:mm); case and surrounding whitespace are ignored. Fractions round half up to the
    nearest minute. The result must be 1..1440; anything else raises :class:`UsageError`.
    """
    raw = _raw_minutes(text.strip().lower())
    if raw is None or not math.isfinite(raw):
        raise _duration_error(text)
    minutes = math.floor(raw + 0.5)
    if not 1 <= minutes <= MAX_MINUTES:
        raise _duration_error(text, "must be 1 minute to 24 hours; ")
    return minutes


def format_duration(minutes: int) -> str:
    """``45m``, ``1h``, ``1h30m``, ``24h``; ``0m`` for 0 (negative values get a ``-``).

    For every m in 1..1440, ``parse_duration(format_duration(m)) == m``.
    """
    if minutes < 0:
        return "-" + format_duration(-minutes)
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{rest}m"
    return f"{hours}h" if rest == 0 else f"{hours}h{rest}m"


# --- days --------------------------------------------------------------------------------------


def _days_back(n: str, unit: str, months: bool) -> int | None:
    units = {**_DAY_UNITS, **_MONTH_UNITS} if months else _DAY_UNITS
    if unit not in units:
        return None
    return int(n) * units[unit]


def _relative_day(text: str, today: date, months: bool) -> date | None:
    """``today``, ``yesterday``, ``-Nd``/``-Nw`` (``-Nm`` with ``months``), ``N days ago``."""
    if text in ("today", "yesterday"):
        return today if text == "today" else today - timedelta(days=1)
    match = _BACK.fullmatch(text) or _AGO.fullmatch(text)
    if match is None:
        return None
    days = _days_back(match["n"], match["unit"], months)
    if days is None:
        return None
    try:
        return today - timedelta(days=days)
    except OverflowError:
        raise UsageError(f"'{_shown(text)}' is too far back") from None


def _iso_date(text: str, forms: str) -> date | None:
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"invalid date '{_shown(text)}': {forms}") from None


def _day(text: str, today: date, months: bool, forms: str) -> date | None:
    """A day form (relative or ISO date) of lower-cased ``text``, None if it is none."""
    return _relative_day(text, today, months) or _iso_date(text, forms)


def parse_date(text: str, today: date | None = None) -> date:
    """A day for ``--since``/``--until``: ``today``, ``yesterday``, ``-3d``, ``-2w``, ``-1m``
    (a month is 30 days), ``3 days ago``, ``2 weeks ago``, ``1 month ago``, or an ISO date
    ``2026-11-20``. Future dates are allowed. Anything else raises :class:`UsageError`.
    """
    today = today if today is not None else local_now().date()
    found = _day(text.strip().lower(), today, True, _DATE_FORMS)
    if found is None:
        raise UsageError(f"invalid date '{_shown(text)}': {_DATE_FORMS}")
    return found


# --- when a session happened -------------------------------------------------------------------


def _offset(text: str | None) -> tzinfo | None:
    """The fixed offset ``Z``, ``+01:00`` or ``-0530`` (ValueError when out of range)."""
    if text is None:
        return None
    if text == "Z":
        return timezone.utc
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError(text)
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _naive_datetime(text: str) -> tuple[datetime, tzinfo | None] | None:
    """The naive date-time and the offset (if any) of an ISO date-time, None if it is none."""
    match = _ISO_DATETIME.fullmatch(text)
    if match is None:
        return None
    try:
        naive = datetime.fromisoformat(f"{match['date']}T{match['time']}")
        return naive, _offset(match["offset"])
    except ValueError:
        raise UsageError(f"invalid date-time '{_shown(text)}': {_WHEN_FORMS}") from None


def _localize(naive: datetime, now: datetime) -> datetime:
    """A naive local date-time made aware in the time zone of ``now`` (DST-correct when
    ``now`` is in the system's local time zone)."""
    if now.utcoffset() == now.astimezone().utcoffset():
        return naive.astimezone()
    return naive.replace(tzinfo=now.tzinfo)


def _aware(now: datetime | None) -> datetime:
    """``now`` as given when aware; naive means local time; None means the current time."""
    if now is None:
        return local_now()
    return now if now.utcoffset() is not None else now.astimezone()


def _check_day(day: date, text: str, today: date) -> None:
    if day < EPOCH:
        raise UsageError(f"'{_shown(text)}' is before 1970")
    if day > today:
        raise UsageError(f"'{_shown(text)}' is in the future")


def _when_datetime(text: str, now: datetime) -> datetime | None:
    parsed = _naive_datetime(text.upper())
    if parsed is None:
        return None
    naive, offset = parsed
    _check_day(naive.date(), text, now.date() + timedelta(days=2))
    moment = _localize(naive, now) if offset is None else naive.replace(tzinfo=offset)
    if moment > now:
        raise UsageError(f"'{_shown(text)}' is in the future")
    return moment


def parse_when(text: str, now: datetime | None = None) -> date | datetime:
    """When a session happened. Day forms (``today``, ``yesterday``, ``-3d``, ``3d ago``,
    ``3 days ago``, ``-2w``, ``2026-11-20``) give a ``date``; an ISO date-time
    (``2026-11-20T09:30``, ``2026-11-20 09:30:15``, optionally with ``Z`` or ``+01:00``) gives
    an aware ``datetime``, naive input being local time in the zone of ``now`` (default: the
    current local time). Future moments and days before 1970 raise :class:`UsageError`.
    """
    now = _aware(now)
    stripped = text.strip()
    moment = _when_datetime(stripped, now)
    if moment is not None:
        return moment
    day = _day(stripped.lower(), now.date(), False, _WHEN_FORMS)
    if day is None:
        raise UsageError(f"invalid date '{_shown(text)}': {_WHEN_FORMS}")
    _check_day(day, stripped, now.date())
    return day
