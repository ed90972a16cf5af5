"""Durations and dates as people type them (roadmap.timeparse)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roadmap.errors import UsageError
from roadmap.timeparse import (
    EPOCH,
    day_bounds,
    format_duration,
    format_elapsed,
    local_now,
    parse_at,
    parse_date,
    parse_duration,
    parse_when,
)

CET = timezone(timedelta(hours=1))
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=CET)
TODAY = date(2026, 11, 20)


# --- parse_duration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45m", 45),
        ("90", 90),
        ("1", 1),
        ("1h", 60),
        ("1h30m", 90),
        ("1h 30m", 90),
        ("1h30", 90),
        ("1.5h", 90),
        ("2h 15m", 135),
        ("90min", 90),
        ("90 mins", 90),
        ("2 hours", 120),
        ("1 hour", 60),
        ("1 hour 5 minutes", 65),
        ("1 hr 5 min", 65),
        ("1:30", 90),
        ("0:05", 5),
        ("24:00", 1440),
        ("0.75h", 45),
        (".5h", 30),
        ("1H30M", 90),
        ("2 HOURS", 120),
        ("  45m\t", 45),
        ("24h", 1440),
        ("1440", 1440),
        ("1440m", 1440),
        ("0.01h", 1),  # 0.6 minute rounds to 1
        ("1.0125h", 61),  # 60.75 minutes
        ("1.5m", 2),  # half a minute rounds up, when the unit says minutes
    ],
)
def test_parse_duration_accepts(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "0",
        "0m",
        "0h",
        "-5m",
        "-1h",
        "3x",
        "abc",
        "h",
        "m",
        "1h1h",
        "30m 1h",
        "30m1h",
        "1m30m",
        "25h",
        "24h1m",
        "1441",
        "24:01",
        "1:60",
        "1:5",
        "nan",
        "inf",
        "nanm",
        "1e3",
        "1,5h",
        "1 h 30 m x",
        "1..5h",
        "١٢m",  # non-ASCII digits
        "9" * 5000 + "h",
    ],
)
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_duration(text)
    message = str(err.value)
    assert message.startswith("invalid duration '")
    assert "45m, 90, 1h30m, 1.5h" in message


def test_parse_duration_message_names_text_and_range() -> None:
    with pytest.raises(UsageError, match=r"invalid duration '3x': use forms like 45m, 90"):
        parse_duration("3x")
    with pytest.raises(UsageError, match=r"'25h': must be 1 minute to 24 hours"):
        parse_duration("25h")


def test_parse_duration_error_exit_code_is_usage() -> None:
    with pytest.raises(UsageError) as err:
        parse_duration("nope")
    assert err.value.exit_code == 2


@given(st.text())
def test_parse_duration_only_raises_usage_error(text: str) -> None:
    try:
        minutes = parse_duration(text)
    except UsageError:
        return
    assert 1 <= minutes <= 1440


@given(st.text(alphabet="0123456789.:hmorsinute -HM", max_size=16))
def test_parse_duration_only_raises_usage_error_near_valid(text: str) -> None:
    try:
        minutes = parse_duration(text)
    except UsageError:
        return
    assert 1 <= minutes <= 1440


# --- format_duration ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "0m"), (1, "1m"), (45, "45m"), (60, "1h"), (90, "1h30m"), (125, "2h5m"), (1440, "24h")],
)
def test_format_duration(minutes: int, text: str) -> None:
    assert format_duration(minutes) == text


@given(st.integers(min_value=1, max_value=1440))
def test_format_then_parse_round_trips(minutes: int) -> None:
    assert parse_duration(format_duration(minutes)) == minutes


def test_round_trip_exhaustive() -> None:
    assert all(parse_duration(format_duration(m)) == m for m in range(1, 1441))


@given(st.integers(min_value=1, max_value=1440), st.sampled_from(["", " ", "  "]))
def test_every_spelling_of_a_duration_parses_to_its_minutes(minutes: int, gap: str) -> None:
    hours, rest = divmod(minutes, 60)
    spellings = [str(minutes), f"{minutes}m", f"{minutes}{gap}min", f"{hours}:{rest:02d}"]
    if hours:
        spellings += [f"{hours}h{gap}{rest}m", f"{hours}H{gap}{rest}M"]
    if rest == 0:
        spellings += [f"{hours}h", f"{hours}{gap}hours", f"{minutes / 60}h"]
    if rest == 30:
        spellings.append(f"{hours}.5h")
    for text in spellings:
        assert parse_duration(text) == minutes, text


@given(st.integers(min_value=1441, max_value=10**6))
def test_more_than_a_day_is_refused_in_every_spelling(minutes: int) -> None:
    hours, rest = divmod(minutes, 60)
    for text in (str(minutes), f"{minutes}m", f"{hours}h{rest}m", f"{minutes / 60}h"):
        with pytest.raises(UsageError, match="must be 1 minute to 24 hours"):
            parse_duration(text)


# --- parse_when --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("today", date(2026, 11, 20)),
        ("TODAY", date(2026, 11, 20)),
        (" yesterday ", date(2026, 11, 19)),
        ("-3d", date(2026, 11, 17)),
        ("-0d", date(2026, 11, 20)),
        ("3d ago", date(2026, 11, 17)),
        ("3 days ago", date(2026, 11, 17)),
        ("1 day ago", date(2026, 11, 19)),
        ("-3 days", date(2026, 11, 17)),
        ("-2w", date(2026, 11, 6)),
        ("2w ago", date(2026, 11, 6)),
        ("2 weeks ago", date(2026, 11, 6)),
        ("2026-11-20", date(2026, 11, 20)),
        ("2026-01-31", date(2026, 1, 31)),
        ("1970-01-01", date(1970, 1, 1)),
    ],
)
def test_parse_when_days(text: str, day: date) -> None:
    result = parse_when(text, NOW)
    assert type(result) is date
    assert result == day


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-11-20T09:30", datetime(2026, 11, 20, 9, 30, tzinfo=CET)),
        ("2026-11-20 09:30", datetime(2026, 11, 20, 9, 30, tzinfo=CET)),
        ("2026-11-20t09:30", datetime(2026, 11, 20, 9, 30, tzinfo=CET)),
        ("2026-11-20T09:30:15", datetime(2026, 11, 20, 9, 30, 15, tzinfo=CET)),
        ("2026-11-20 10:00:00", NOW),
        ("2026-11-20T08:30Z", datetime(2026, 11, 20, 8, 30, tzinfo=timezone.utc)),
        ("2026-11-20T08:30z", datetime(2026, 11, 20, 8, 30, tzinfo=timezone.utc)),
        ("2026-11-20T09:30+01:00", datetime(2026, 11, 20, 9, 30, tzinfo=CET)),
        ("2026-11-20T09:30+0100", datetime(2026, 11, 20, 9, 30, tzinfo=CET)),
        ("2026-11-19T23:30-05:00", datetime(2026, 11, 20, 4, 30, tzinfo=timezone.utc)),
        # a local date after today's can still be in the past
        ("2026-11-21T00:30+23:00", datetime(2026, 11, 20, 1, 30, tzinfo=timezone.utc)),
    ],
)
def test_parse_when_datetimes(text: str, moment: datetime) -> None:
    result = parse_when(text, NOW)
    assert isinstance(result, datetime)
    assert result.utcoffset() is not None
    assert result == moment


def test_parse_when_naive_takes_the_zone_of_now() -> None:
    tokyo = timezone(timedelta(hours=9))
    result = parse_when("2026-11-20 09:30", datetime(2026, 11, 20, 12, 0, tzinfo=tokyo))
    assert isinstance(result, datetime)
    assert result.utcoffset() == timedelta(hours=9)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-21",
        "2027-01-01",
        "2026-11-20T10:01",
        "2026-11-20 10:00:01",
        "2026-11-20T09:30-01:00",  # 10:30 UTC = 11:30 in CET
        "2026-11-20T09:30Z",  # 10:30 CET
        "9999-12-31T23:59-23:59",
    ],
)
def test_parse_when_rejects_the_future(text: str) -> None:
    with pytest.raises(UsageError, match="is in the future"):
        parse_when(text, NOW)


@pytest.mark.parametrize("text", ["1969-12-31", "1900-01-01", "0001-01-01T00:00", "-30000d"])
def test_parse_when_rejects_before_1970(text: str) -> None:
    with pytest.raises(UsageError, match="before 1970"):
        parse_when(text, NOW)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "now",
        "last week",
        "-1m",  # months only for --since/--until
        "1m ago",
        "-3",
        "3 ago",
        "9",  # an hour needs am/pm or minutes
        "noon",
        "next monday",
        "+3d",
        "-3x",
        "2026-13-01",
        "2026-02-30",
        "2026/11/20",
        "20261120",
        "2026-11-20T25:00",
        "2026-11-20T09:30+24:00",
        "2026-11-20T09:30+01:75",
        "2026-11-20T09",
        "2026-11-20T09:30:00.5",
        "-99999999999d",
    ],
)
def test_parse_when_rejects_garbage(text: str) -> None:
    with pytest.raises(UsageError, match=r"use today, yesterday, monday, last monday, 2 days ago"):
        parse_when(text, NOW)


def test_parse_when_too_far_back_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="too far back"):
        parse_when("-999999999w", NOW)


def test_parse_when_defaults_to_the_current_time() -> None:
    assert parse_when("today") == local_now().date()
    assert parse_when("2020-01-01") == date(2020, 1, 1)
    with pytest.raises(UsageError, match="future"):
        parse_when((local_now() + timedelta(days=2)).date().isoformat())


@given(st.text(max_size=30))
def test_parse_when_only_raises_usage_error(text: str) -> None:
    try:
        result = parse_when(text, NOW)
    except UsageError:
        return
    assert date(1970, 1, 1) <= (result.date() if isinstance(result, datetime) else result)


@given(st.dates(min_value=date(1970, 1, 1), max_value=TODAY))
def test_every_past_iso_day_parses_to_itself(day: date) -> None:
    assert parse_when(day.isoformat(), NOW) == day
    assert parse_when(f"-{(TODAY - day).days}d", NOW) == day


@given(st.dates(min_value=TODAY + timedelta(days=1)))
def test_every_future_day_is_refused(day: date) -> None:
    with pytest.raises(UsageError, match="is in the future"):
        parse_when(day.isoformat(), NOW)


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2026, 11, 20, 10, 0)))
def test_every_past_local_datetime_parses_to_itself(moment: datetime) -> None:
    # A zone no test machine runs in, so naive input takes exactly this offset.
    odd = timezone(timedelta(hours=5, minutes=45))
    moment = moment.replace(microsecond=0)
    assert parse_when(moment.isoformat(), NOW.replace(tzinfo=odd)) == moment.replace(tzinfo=odd)


# --- parse_date --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("today", date(2026, 11, 20)),
        ("yesterday", date(2026, 11, 19)),
        ("-3d", date(2026, 11, 17)),
        ("-2w", date(2026, 11, 6)),
        ("-1m", date(2026, 10, 21)),
        ("-2m", date(2026, 9, 21)),
        ("3 days ago", date(2026, 11, 17)),
        ("2 weeks ago", date(2026, 11, 6)),
        ("1 month ago", date(2026, 10, 21)),
        ("3d ago", date(2026, 11, 17)),
        ("2026-11-01", date(2026, 11, 1)),
        ("2030-01-01", date(2030, 1, 1)),  # the future is fine for filters
        (" Today ", date(2026, 11, 20)),
    ],
)
def test_parse_date_accepts(text: str, day: date) -> None:
    assert parse_date(text, TODAY) == day


@pytest.mark.parametrize(
    "text", ["", "tomorrow", "2026-11-20T09:30", "2026-02-30", "-1y", "1 year ago", "x"]
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(UsageError, match=r"use today, yesterday, -3d, -2w, -1m"):
        parse_date(text, TODAY)


def test_parse_date_defaults_to_today() -> None:
    assert parse_date("today") == local_now().date()


@given(st.text(max_size=30))
def test_parse_date_only_raises_usage_error(text: str) -> None:
    try:
        result = parse_date(text, TODAY)
    except UsageError:
        return
    assert isinstance(result, date)


def test_local_now_is_aware() -> None:
    assert local_now().utcoffset() is not None


@pytest.mark.usefixtures("berlin")
def test_naive_input_uses_the_local_rules_for_its_own_date() -> None:
    now = datetime(2026, 11, 20, 10, 0).astimezone()  # winter: +01:00
    assert now.utcoffset() == timedelta(hours=1)
    summer = parse_when("2026-07-20 09:30", now)
    assert isinstance(summer, datetime)
    assert summer.utcoffset() == timedelta(hours=2)
    assert summer == datetime(2026, 7, 20, 7, 30, tzinfo=timezone.utc)


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# --- bare decimals -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1.5", "0.4", ".5", "2.0", " 1.25 "])
def test_a_bare_decimal_asks_hours_or_minutes(text: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_duration(text)
    bare = text.strip()
    assert str(err.value) == f"invalid duration '{bare}': a number without a unit is whole minutes"
    assert err.value.hint == f"{bare}h or {bare}m?"
    assert err.value.exit_code == 2


@given(st.integers(min_value=0, max_value=10**4), st.integers(min_value=0, max_value=99))
def test_every_bare_decimal_is_refused(whole: int, fraction: int) -> None:
    text = f"{whole}.{fraction}"
    with pytest.raises(UsageError, match="a number without a unit is whole minutes") as err:
        parse_duration(text)
    assert err.value.hint == f"{text}h or {text}m?"


# --- days and times of day as people type them ---------------------------------------------------

# NOW is Friday 2026-11-20 10:00 (+01:00).


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("monday", date(2026, 11, 16)),
        ("Mon", date(2026, 11, 16)),
        ("friday", date(2026, 11, 20)),  # today is a Friday: the latest Friday is today
        ("last friday", date(2026, 11, 13)),  # ... and the one before today a week ago
        ("last monday", date(2026, 11, 16)),
        ("saturday", date(2026, 11, 14)),
        ("thurs", date(2026, 11, 19)),
        ("2 days ago", date(2026, 11, 18)),
        ("  LAST   Sunday ", date(2026, 11, 15)),
    ],
)
def test_parse_when_weekdays(text: str, day: date) -> None:
    assert parse_when(text, NOW) == day


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("yesterday 9am", datetime(2026, 11, 19, 9, 0, tzinfo=CET)),
        ("yesterday 09:00", datetime(2026, 11, 19, 9, 0, tzinfo=CET)),
        ("yesterday at 9:30pm", datetime(2026, 11, 19, 21, 30, tzinfo=CET)),
        ("9am yesterday", datetime(2026, 11, 19, 9, 0, tzinfo=CET)),
        ("9am", datetime(2026, 11, 20, 9, 0, tzinfo=CET)),
        ("9 AM", datetime(2026, 11, 20, 9, 0, tzinfo=CET)),
        ("9:45", datetime(2026, 11, 20, 9, 45, tzinfo=CET)),
        ("12am", datetime(2026, 11, 20, 0, 0, tzinfo=CET)),
        ("12pm yesterday", datetime(2026, 11, 19, 12, 0, tzinfo=CET)),
        ("yesterday 14:30", datetime(2026, 11, 19, 14, 30, tzinfo=CET)),
        ("mon 14:00", datetime(2026, 11, 16, 14, 0, tzinfo=CET)),
        ("last monday 8am", datetime(2026, 11, 16, 8, 0, tzinfo=CET)),
        ("2 days ago 7pm", datetime(2026, 11, 18, 19, 0, tzinfo=CET)),
        ("-3d 14:00", datetime(2026, 11, 17, 14, 0, tzinfo=CET)),
        ("2026-11-19 9am", datetime(2026, 11, 19, 9, 0, tzinfo=CET)),
        ("today 10:00", NOW),
    ],
)
def test_parse_when_times_of_day(text: str, moment: datetime) -> None:
    result = parse_when(text, NOW)
    assert isinstance(result, datetime)
    assert result == moment
    assert result.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize("text", ["14:30", "2pm", "10:01", "friday 11am", "today 23:59"])
def test_a_time_of_day_later_today_is_in_the_future(text: str) -> None:
    with pytest.raises(UsageError, match="is in the future") as err:
        parse_when(text, NOW)
    assert err.value.hint is not None and "yesterday 9am" in err.value.hint


@pytest.mark.parametrize("text", ["25:00", "9:60", "13pm", "0am", "yesterday 24:00"])
def test_a_time_of_day_out_of_range_is_refused(text: str) -> None:
    with pytest.raises(UsageError, match="invalid time of day"):
        parse_when(text, NOW)


@pytest.mark.parametrize("text", ["30/11", "11/30", "30.11", "11-30", "30/11/2026", "1.5"])
def test_ambiguous_dates_are_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_when(text, NOW)
    message = str(err.value)
    assert message.startswith(f"ambiguous date '{text}'")
    assert "YYYY-MM-DD" in message and "'yesterday 9am'" in message and "last monday" in message


def test_parse_at_needs_a_time_of_day() -> None:
    assert parse_at("9:00", NOW) == datetime(2026, 11, 20, 9, 0, tzinfo=CET)
    assert parse_at("yesterday 22:00", NOW) == datetime(2026, 11, 19, 22, 0, tzinfo=CET)
    with pytest.raises(UsageError, match="'yesterday' has no time of day"):
        parse_at("yesterday", NOW)
    with pytest.raises(UsageError, match="in the future"):
        parse_at("18:00", NOW)


def test_format_elapsed_says_days() -> None:
    assert format_elapsed(45) == "45m"
    assert format_elapsed(13 * 60 + 20) == "13h20m"
    assert format_elapsed(24 * 60 + 4 * 60 + 59) == "1 day 4h"
    assert format_elapsed(24 * 60) == "1 day"
    assert format_elapsed(3 * 24 * 60 + 500) == "3 days"


# Pieces of the grammar, to build every form for the property tests.
_DAY_WORDS = st.one_of(
    st.sampled_from(["today", "yesterday", "monday", "last monday", "sun", "last fri", "wed"]),
    st.integers(0, 400).map(lambda n: f"-{n}d"),
    st.integers(0, 60).map(lambda n: f"{n} weeks ago"),
    st.integers(0, 400).map(lambda n: f"{n} days ago"),
    st.dates(date(1970, 1, 2), date(2026, 11, 20)).map(date.isoformat),
)
_TIMES = st.one_of(
    st.tuples(st.integers(1, 12), st.integers(0, 59), st.sampled_from(["am", "pm", " AM"])).map(
        lambda t: f"{t[0]}:{t[1]:02d}{t[2]}" if t[1] else f"{t[0]}{t[2]}"
    ),
    st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f"{t[0]:02d}:{t[1]:02d}"),
)
_FORMS = st.one_of(
    _DAY_WORDS,
    _TIMES,
    st.tuples(_DAY_WORDS, st.sampled_from([" ", " at "]), _TIMES).map("".join),
    st.tuples(_TIMES, _DAY_WORDS).map(" ".join),
)


@given(_FORMS)
def test_every_form_parses_or_is_refused_and_never_lands_in_the_future(text: str) -> None:
    try:
        result = parse_when(text, NOW)
    except UsageError as err:
        assert "in the future" in str(err) or "before 1970" in str(err)
        return
    if isinstance(result, datetime):
        assert result <= NOW
    else:
        assert EPOCH <= result <= TODAY


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2026, 11, 20, 9, 59)))
def test_a_day_and_a_time_round_trip_in_every_spelling(moment: datetime) -> None:
    moment = moment.replace(second=0, microsecond=0)
    expected = moment.replace(tzinfo=CET)
    hour12 = moment.hour % 12 or 12
    ampm = "am" if moment.hour < 12 else "pm"
    back = (TODAY - moment.date()).days
    for text in (
        f"{moment:%Y-%m-%d %H:%M}",
        f"{moment:%Y-%m-%d} {hour12}:{moment:%M}{ampm}",
        f"-{back}d {moment:%H:%M}",
        f"{back} days ago at {moment.hour}:{moment:%M}",
        f"{hour12}:{moment:%M} {ampm} {moment:%Y-%m-%d}",
    ):
        assert parse_when(text, NOW) == expected, text


# --- daylight saving time --------------------------------------------------------------------------


@pytest.mark.usefixtures("berlin")
@pytest.mark.parametrize(
    "text", ["2026-03-29 02:30", "2026-03-29T02:00", "2026-03-29 2:59am", "sun 02:30"]
)
def test_a_local_time_skipped_by_dst_is_refused_not_moved(text: str) -> None:
    now = datetime(2026, 3, 30, 12, 0).astimezone()  # Monday after the spring-forward Sunday
    with pytest.raises(UsageError, match=r"does not exist: 02:[0-9]{2} on 2026-03-29") as err:
        parse_when(text, now)
    assert "clocks go forward" in str(err.value)


@pytest.mark.usefixtures("berlin")
def test_a_local_time_repeated_by_dst_is_its_earlier_occurrence() -> None:
    now = datetime(2026, 10, 26, 12, 0).astimezone()
    result = parse_when("2026-10-25 02:30", now)
    assert result == datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)  # 02:30+02:00
    assert parse_when("yesterday 2:30am", now) == result
    assert parse_when("2026-10-25 03:00", now) == datetime(2026, 10, 25, 2, 0, tzinfo=timezone.utc)


@pytest.mark.usefixtures("new_york")
def test_new_york_spring_gap_and_fall_overlap() -> None:
    now = datetime(2026, 11, 2, 12, 0).astimezone()
    with pytest.raises(UsageError, match="does not exist"):
        parse_when("2026-03-08 02:30", now)
    fall = parse_when("yesterday 1:30am", now)
    assert fall == datetime(2026, 11, 1, 5, 30, tzinfo=timezone.utc)  # 01:30-04:00 (EDT)


@pytest.mark.usefixtures("berlin")
def test_day_bounds_follow_dst() -> None:
    now = datetime(2026, 11, 20, 10, 0).astimezone()
    start, end = day_bounds(date(2026, 3, 29), now)
    assert end - start == timedelta(hours=23)
    start, end = day_bounds(date(2026, 10, 25), now)
    assert end - start == timedelta(hours=25)
    start, end = day_bounds(date(2026, 11, 20), now)
    assert (start.hour, end - start) == (0, timedelta(hours=24))


@pytest.mark.usefixtures("berlin")
@given(
    st.datetimes(min_value=datetime(1980, 1, 1), max_value=datetime(2026, 11, 19)),
)
def test_berlin_local_times_round_trip_or_are_refused_when_skipped(moment: datetime) -> None:
    moment = moment.replace(second=0, microsecond=0)
    now = datetime(2026, 11, 20, 10, 0).astimezone()
    exists = moment.replace(fold=0).astimezone().replace(tzinfo=None) == moment
    text = f"{moment:%Y-%m-%d %H:%M}"
    if not exists:
        with pytest.raises(UsageError, match="does not exist"):
            parse_when(text, now)
        return
    result = parse_when(text, now)
    assert isinstance(result, datetime)
    assert result.astimezone().replace(tzinfo=None) == moment  # the wall clock typed
    assert result <= now
