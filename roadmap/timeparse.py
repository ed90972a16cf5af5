"""Parse and format what people type for durations and dates (pure: no I/O).

Durations are whole minutes, 1 to 1440. Dates are local calendar days; date-times are aware.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta, timezone, tzinfo

from roadmap.errors import UsageError
from roadmap.limits import MAX_MINUTES as MAX_MINUTES

EPOCH = date(1970, 1, 1)

_DURATION_FORMS = "use forms like 45m, 90, 1h30m, 1.5h, 2 hours, 1:30"
_WHEN_FORMS = (
    "use today, yesterday, monday, last monday, 2 days ago, -3d, -2w or 2026-11-20, "
    "optionally with a time of day: 9am, 14:30, 'yesterday 9am', 'mon 14:00', 2026-11-20T09:30"
)
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
    """Whole minutes in ``text``: ``45m``, ``90`` (a bare whole number is minutes; a bare
    ``1.5`` is refused: hours or minutes?), ``1h30m``,
    ``1h 30m``, ``1h30``, ``1.5h``, ``90min``, ``2 hours``, ``1 hour 5 minutes``, ``1:30``
    (h:mm); case and surrounding whitespace are ignored. Fractions round half up to the
    nearest minute. The result must be 1..1440; anything else raises :class:`UsageError`.
    """
    stripped = text.strip().lower()
    if _BARE.fullmatch(stripped) and "." in stripped:
        raise UsageError(
            f"invalid duration '{_shown(text)}': a number without a unit is whole minutes",
            hint=f"{stripped}h or {stripped}m?",
        )
    raw = _raw_minutes(stripped)
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
#
# The grammar of ``--on`` / ``--at`` (case and surrounding blanks ignored):
#
#   when  := ISO-DATETIME | DAY | TIME | DAY [at] TIME | TIME [DAY]
#   DAY   := today | yesterday | -Nd | -Nw | N days ago | N weeks ago | WEEKDAY
#          | last WEEKDAY | YYYY-MM-DD
#   TIME  := H[:MM[:SS]] am|pm | H:MM[:SS]          (9am, 9:30pm, 09:00, 14:30)
#   ISO-DATETIME := YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]
#
# ``monday`` (or ``mon``) is the latest Monday, today included; ``last monday`` is the latest
# Monday before today. A local time that does not exist (the hour skipped when the clocks go
# forward) is refused; a local time that happens twice (the hour repeated when the clocks go
# back) means its earlier occurrence.

_WEEKDAYS = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
_TIME = re.compile(
    r"(?P<h>[0-9]{1,2})(?::(?P<m>[0-9]{2})(?::(?P<s>[0-9]{2}))?)?\s*(?P<ampm>[ap]\.?m\.?)?",
    re.ASCII,
)
_AMBIGUOUS = re.compile(r"[0-9]{1,4}[/.][0-9]{1,2}(?:[/.][0-9]{1,4})?|[0-9]{1,2}-[0-9]{1,2}")


def _time_of_day(text: str) -> tuple[int, int, int] | None:
    """(hour, minute, second) of ``9am``, ``9:30 pm``, ``09:00``, ``14:30:15``; None if
    ``text`` is no time of day; UsageError for a time of day that is out of range."""
    match = _TIME.fullmatch(text)
    if match is None or (match["m"] is None and match["ampm"] is None):
        return None
    hour, minute, second = int(match["h"]), int(match["m"] or 0), int(match["s"] or 0)
    ampm = match["ampm"]
    valid = minute < 60 and second < 60 and (1 <= hour <= 12 if ampm else hour < 24)
    if not valid:
        raise UsageError(f"invalid time of day '{_shown(text)}': use 9am, 9:30pm, 09:00 or 14:30")
    if ampm:
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    return hour, minute, second


def _weekday(text: str, today: date) -> date | None:
    last = text.startswith("last ")
    name = text.removeprefix("last ").strip()
    if name not in _WEEKDAYS:
        return None
    back = (today.weekday() - _WEEKDAYS[name]) % 7
    if last and back == 0:
        back = 7
    return today - timedelta(days=back)


def _when_day(text: str, today: date) -> date | None:
    return _weekday(text, today) or _day(text, today, False, _WHEN_FORMS)


def _split(text: str, today: date) -> tuple[date | None, tuple[int, int, int] | None] | None:
    """``text`` as a day, a time of day, or both (either order, ``at`` between allowed)."""
    day = _when_day(text, today)
    if day is not None:
        return day, None
    clock = _time_of_day(text)
    if clock is not None:
        return None, clock
    words = text.split()
    for cut in range(1, len(words)):
        left, right = " ".join(words[:cut]), words[cut:]
        if right[0] == "at" and len(right) > 1:
            right = right[1:]
        rest = " ".join(right)
        day, clock = _when_day(left, today), _time_of_day(rest)
        if day is not None and clock is not None:
            return day, clock
        clock, day = _time_of_day(left), _when_day(rest, today)
        if day is not None and clock is not None:
            return day, clock
    return None


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


def in_system_zone(now: datetime) -> bool:
    """Whether ``now`` is in the machine's local time zone (whose DST rules then apply)."""
    return now.utcoffset() == now.astimezone().utcoffset()


def localize(naive: datetime, now: datetime, text: str = "") -> datetime:
    """A naive local date-time made aware in the time zone of ``now``.

    In the machine's zone its own DST rules apply: a time skipped when the clocks go forward
    raises :class:`UsageError`; a time repeated when they go back is its earlier occurrence.
    """
    if not in_system_zone(now):
        return naive.replace(tzinfo=now.tzinfo)
    earlier = naive.replace(fold=0).astimezone()
    if earlier.replace(tzinfo=None) != naive:
        shown = f"'{_shown(text)}' " if text else ""
        raise UsageError(
            f"{shown}does not exist: {naive:%H:%M} on {naive:%Y-%m-%d} is skipped when the "
            "clocks go forward (daylight saving time); give a time outside that gap"
        )
    return earlier


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


def _check_moment(moment: datetime, text: str, now: datetime) -> datetime:
    if moment > now:
        raise UsageError(
            f"'{_shown(text)}' is in the future (it is {now:%Y-%m-%d %H:%M} now)",
            hint="for an earlier day, name it: 'yesterday 9am', 'mon 14:00'",
        )
    return moment


def _when_datetime(text: str, now: datetime) -> datetime | None:
    parsed = _naive_datetime(text.upper())
    if parsed is None:
        return None
    naive, offset = parsed
    _check_day(naive.date(), text, now.date() + timedelta(days=2))
    moment = localize(naive, now, text) if offset is None else naive.replace(tzinfo=offset)
    return _check_moment(moment, text, now)


def _ambiguous(text: str) -> None:
    for word in text.split():
        if _AMBIGUOUS.fullmatch(word):
            raise UsageError(
                f"ambiguous date '{_shown(word)}': the order of day and month differs from "
                f"country to country; write the day as YYYY-MM-DD, or {_WHEN_FORMS}"
            )


def parse_when(text: str, now: datetime | None = None) -> date | datetime:
    """When a session happened (see the grammar above).

    A day alone (``today``, ``yesterday``, ``-3d``, ``3 days ago``, ``-2w``, ``monday``,
    ``last monday``, ``2026-11-20``) gives a ``date``. With a time of day (``9am``,
    ``yesterday 09:00``, ``mon 14:00``, ``2026-11-20T09:30``, optionally with ``Z`` or
    ``+01:00``) it gives an aware ``datetime``: naive input is local time in the zone of
    ``now`` (default: the current local time); a time alone means today. Future moments,
    days before 1970, ambiguous dates (``30/11``) and local times that do not exist raise
    :class:`UsageError`.
    """
    now = _aware(now)
    stripped = text.strip()
    moment = _when_datetime(stripped, now)
    if moment is not None:
        return moment
    lowered = " ".join(stripped.lower().split())
    found = _split(lowered, now.date())
    if found is None:
        _ambiguous(lowered)
        raise UsageError(f"invalid date '{_shown(text)}': {_WHEN_FORMS}")
    day, clock = found
    day = day if day is not None else now.date()
    _check_day(day, stripped, now.date())
    if clock is None:
        return day
    naive = datetime(day.year, day.month, day.day, *clock)
    return _check_moment(localize(naive, now, stripped), stripped, now)


def parse_at(text: str, now: datetime | None = None) -> datetime:
    """A past moment for ``start --at`` / ``stop --at``: the forms of :func:`parse_when`
    with a time of day (``9:00``, ``yesterday 22:00``)."""
    found = parse_when(text, now)
    if not isinstance(found, datetime):
        raise UsageError(
            f"'{_shown(text)}' has no time of day: give one, e.g. 9:00, 18:30 or 'yesterday 22:00'"
        )
    return found


def day_bounds(day: date, now: datetime) -> tuple[datetime, datetime]:
    """The first moment of ``day`` and of the day after, in the time zone of ``now`` (a day
    is 23 or 25 hours long when the clocks change)."""
    after = day + timedelta(days=1)
    if not in_system_zone(now):
        zone = now.tzinfo
        return (
            datetime(day.year, day.month, day.day, tzinfo=zone),
            datetime(after.year, after.month, after.day, tzinfo=zone),
        )
    return (
        datetime(day.year, day.month, day.day).astimezone(),
        datetime(after.year, after.month, after.day).astimezone(),
    )


# --- how long ago ------------------------------------------------------------------------------


def format_elapsed(minutes: int) -> str:
    """A running time as people say it: ``45m``, ``13h20m``, ``1 day 4h``, ``3 days``."""
    days, rest = divmod(max(0, minutes), MAX_MINUTES)
    if days == 0:
        return format_duration(minutes)
    if days == 1:
        hours = rest // 60
        return "1 day" + (f" {hours}h" if hours else "")
    return f"{days} days"
