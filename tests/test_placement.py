"""Where a logged session goes (roadmap.placement, pure): never overlapping, never in the
future, within its day."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roadmap.errors import UsageError
from roadmap.placement import Booked, check_timed, free_gaps, overlapping, place_untimed
from roadmap.timeparse import day_bounds

UTC = timezone.utc
DAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # tests run with TZ=UTC


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def test_an_empty_past_day_fills_from_its_end() -> None:
    assert place_untimed([], 90, date(2026, 11, 19), NOW) == at(22, 30, date(2026, 11, 19))


def test_today_ends_now() -> None:
    assert place_untimed([], 30, DAY, NOW) == at(9, 30)


def test_the_latest_free_gap_that_fits() -> None:
    booked = [Booked(at(9, 0), 45, 1, "a"), Booked(at(8, 0), 30, 2, "b")]
    # 09:45-10:00 is too short for 30m; 08:30-09:00 fits.
    assert place_untimed(booked, 30, DAY, NOW) == at(8, 30)
    assert place_untimed(booked, 15, DAY, NOW) == at(9, 45)
    assert place_untimed(booked, 60, DAY, NOW) == at(7, 0)


def test_a_session_from_the_day_before_blocks_the_morning() -> None:
    booked = [Booked(at(23, 0, date(2026, 11, 19)), 120, 1, "a")]  # until 01:00
    assert place_untimed(booked, 60, DAY, at(2, 0)) == at(1, 0)
    with pytest.raises(UsageError, match="no free 1h30m on 2026-11-20 before now"):
        place_untimed(booked, 90, DAY, at(2, 0))


def test_a_full_day_is_refused() -> None:
    booked = [Booked(at(0, 0, date(2026, 11, 19)), 1440, 1, "a")]
    with pytest.raises(UsageError, match="already holds 24h of sessions"):
        place_untimed(booked, 1, date(2026, 11, 19), NOW)


def test_a_timed_session_that_overlaps_is_refused_naming_the_other() -> None:
    booked = [Booked(at(9, 0), 60, 7, "cuda")]
    assert overlapping(booked, at(8, 30), 45) == booked[0]
    assert overlapping(booked, at(8, 0), 60) is None  # touching is not overlapping
    with pytest.raises(UsageError) as err:
        check_timed(booked, at(8, 30), 45, NOW)
    assert str(err.value) == (
        "2026-11-20 08:30–09:15 overlaps session #7 (2026-11-20 09:00–10:00, 1h on cuda)"
    )
    assert err.value.hint is not None
    assert "--on" in err.value.hint and "roadmap edit 7" in err.value.hint


def test_a_timed_session_ending_in_the_future_is_refused() -> None:
    with pytest.raises(UsageError, match="would end at 10:30, in the future"):
        check_timed([], at(9, 30), 60, NOW)
    check_timed([], at(9, 0), 60, NOW)  # ends exactly now: fine


def test_a_timed_session_filling_a_day_past_24_hours_is_refused() -> None:
    # Sessions that started on the 19th but are long: the 19th holds 23h already.
    day = date(2026, 11, 19)
    booked = [Booked(at(0, 0, day), 1380, 1, "a")]
    with pytest.raises(UsageError, match="more than 24 hours"):
        check_timed(booked, at(23, 0, day), 90, NOW)


# --- properties ----------------------------------------------------------------------------------


@st.composite
def days_with_sessions(draw: st.DrawFn) -> tuple[list[Booked], date, datetime]:
    """A day, the current time (on that day or later), and non-overlapping sessions."""
    day = draw(st.dates(date(2026, 1, 1), DAY))
    lo = datetime(day.year, day.month, day.day, tzinfo=UTC)
    now = lo + timedelta(minutes=draw(st.integers(1, 3 * 1440)))
    booked: list[Booked] = []
    cursor = lo - timedelta(minutes=draw(st.integers(0, 600)))
    for n in range(draw(st.integers(0, 12))):
        cursor += timedelta(minutes=draw(st.integers(0, 300)))
        minutes = draw(st.integers(1, 400))
        booked.append(Booked(cursor, minutes, n + 1, "s"))
        cursor += timedelta(minutes=minutes)
    return booked, day, now


@given(days_with_sessions(), st.integers(1, 1440))
def test_placed_sessions_never_overlap_never_end_in_the_future_and_stay_in_their_day(
    case: tuple[list[Booked], date, datetime], minutes: int
) -> None:
    booked, day, now = case
    try:
        start = place_untimed(booked, minutes, day, now)
    except UsageError:
        # Refused only when no free gap of that length ends by now / the end of the day.
        lo, hi = day_bounds(day, now)
        need = timedelta(minutes=minutes)
        held = sum(b.minutes for b in booked if lo <= b.start < hi)
        fits = any(e - s >= need for s, e in free_gaps(booked, lo, min(hi, now)))
        assert not fits or held + minutes > 1440
        return
    end = start + timedelta(minutes=minutes)
    lo, hi = day_bounds(day, now)
    assert lo <= start and end <= hi
    assert end <= now
    assert overlapping(booked, start, minutes) is None
    check_timed(booked, start, minutes, now)  # what was placed passes the timed checks
    # ... and it is the latest such place: one minute later would not fit.
    later = start + timedelta(minutes=1)
    assert later + timedelta(minutes=minutes) > min(hi, now) or overlapping(booked, later, minutes)


@given(days_with_sessions(), st.integers(0, 1440 * 2), st.integers(1, 1440))
def test_a_timed_session_passes_only_if_it_overlaps_nothing_and_has_ended(
    case: tuple[list[Booked], date, datetime], offset: int, minutes: int
) -> None:
    booked, day, now = case
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=offset)
    end = start + timedelta(minutes=minutes)
    try:
        check_timed(booked, start, minutes, now)
    except UsageError:
        return
    assert end <= now
    assert all(not (b.start < end and start < b.end) for b in booked)


@pytest.mark.usefixtures("berlin")
def test_a_23_hour_day_fills_from_its_real_end() -> None:
    now = datetime(2026, 11, 20, 10, 0).astimezone()
    spring = date(2026, 3, 29)  # 23 hours long in Berlin
    start = place_untimed([], 23 * 60, spring, now)
    assert start == datetime(2026, 3, 29, 0, 0).astimezone()
    with pytest.raises(UsageError, match="no free 24h on 2026-03-29"):
        place_untimed([], 24 * 60, spring, now)


@pytest.mark.usefixtures("berlin")
@given(st.integers(1, 1440))
def test_on_a_dst_day_placed_sessions_stay_in_it(minutes: int) -> None:
    now = datetime(2026, 11, 20, 10, 0).astimezone()
    for day in (date(2026, 3, 29), date(2026, 10, 25)):
        lo, hi = day_bounds(day, now)
        try:
            start = place_untimed([], minutes, day, now)
        except UsageError:
            assert timedelta(minutes=minutes) > hi - lo
            continue
        assert lo <= start and start + timedelta(minutes=minutes) == hi
