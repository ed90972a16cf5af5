"""The pure planning module: slot specs, and blocks that respect slots, budget and now."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap import planning
from roadmap.planning import Item, Slot, SlotError, format_slots, parse_slots, plan

UTC = timezone.utc


def test_parse_a_spec_and_format_it_back() -> None:
    slots = parse_slots("mon,wed 19:00-21:00; sat 09:00-12:00")
    assert slots == (
        Slot(0, time(19), time(21)),
        Slot(2, time(19), time(21)),
        Slot(5, time(9), time(12)),
    )
    assert format_slots(slots) == "mon,wed 19:00-21:00; sat 09:00-12:00"


def test_ranges_full_names_daily_and_several_times() -> None:
    assert {s.weekday for s in parse_slots("mon-fri 7:30-8:00")} == {0, 1, 2, 3, 4}
    assert parse_slots("Saturday 9:00-10:00") == (Slot(5, time(9), time(10)),)
    assert len(parse_slots("daily 06:00-07:00,20:00-21:00")) == 14


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("", "no slot"),
        ("mon", "needs days and a time range"),
        ("funday 19:00-21:00", "'funday' is not a day"),
        ("fri-mon 19:00-21:00", "Monday to Sunday"),
        ("mon 21:00-19:00", "end must come after the start"),
        ("mon 19:00-19:00", "end must come after the start"),
        ("mon 24:00-25:00", "'24:00' is not a time"),
        ("mon 19:00", "not a time range"),
        ("mon 7pm-9pm", "not a time"),
        ("mon 19:00-21:00; " * 40, "longer than"),
    ],
)
def test_bad_specs_say_what_is_wrong(spec: str, says: str) -> None:
    with pytest.raises(SlotError, match=says):
        parse_slots(spec)


def test_default_slots_are_every_evening() -> None:
    assert format_slots(planning.DEFAULT_SLOTS) == "mon,tue,wed,thu,fri,sat,sun 19:00-21:00"


def test_a_slot_already_under_way_starts_at_the_next_quarter_hour() -> None:
    now = datetime(2026, 12, 1, 19, 7, tzinfo=UTC)  # a Tuesday
    items = [Item("a", "A", 600)]
    blocks = plan(items, parse_slots("tue 19:00-21:00"), now, 1, 600)
    assert [(b.start, b.end) for b in blocks] == [
        (datetime(2026, 12, 1, 19, 15, tzinfo=UTC), datetime(2026, 12, 1, 21, 0, tzinfo=UTC))
    ]


def test_items_take_turns_and_stop_when_their_need_is_met() -> None:
    now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday
    items = [Item("a", "A", 60), Item("b", "B", 600), Item("c", "C", 600)]
    blocks = plan(items, planning.DEFAULT_SLOTS, now, 4, 8 * 60)
    got = [(b.start.day, b.start.strftime("%H:%M"), b.minutes, b.item.skill) for b in blocks]
    assert got == [
        (30, "19:00", 60, "a"),  # a needs only an hour: b takes the rest of the slot
        (30, "20:00", 60, "b"),
        (1, "19:00", 120, "c"),
        (2, "19:00", 120, "b"),
        (3, "19:00", 120, "c"),
    ]
    assert sum(b.minutes for b in blocks) == 8 * 60


def test_overlapping_slots_are_merged() -> None:
    now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    spans = planning.windows(
        parse_slots("mon 19:00-21:00; mon 20:00-22:00"),
        now,
        now.date(),
        1,
        lambda naive: naive.replace(tzinfo=UTC),
    )
    assert spans == [
        (datetime(2026, 11, 30, 19, tzinfo=UTC), datetime(2026, 11, 30, 22, tzinfo=UTC))
    ]


def test_slots_follow_the_zone_across_a_change_of_summer_time() -> None:
    paris = ZoneInfo("Europe/Paris")
    now = datetime(2027, 3, 26, 12, 0, tzinfo=paris)  # Friday; clocks go forward on Sunday
    blocks = plan(
        [Item("a", "A", 6000)],
        planning.DEFAULT_SLOTS,
        now,
        4,
        6000,
        lambda naive: naive.replace(tzinfo=paris),
    )
    assert [b.start.isoformat() for b in blocks] == [
        "2027-03-26T19:00:00+01:00",
        "2027-03-27T19:00:00+01:00",
        "2027-03-28T19:00:00+02:00",
        "2027-03-29T19:00:00+02:00",
    ]
    assert {b.minutes for b in blocks} == {120}


def test_nothing_to_study_or_no_hours_plans_nothing() -> None:
    now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert plan([], planning.DEFAULT_SLOTS, now, 7, 600) == []
    assert plan([Item("a", "A", 600)], planning.DEFAULT_SLOTS, now, 7, 0) == []


times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 5, 15, 30, 45, 59]))


@st.composite
def slot_lists(draw: st.DrawFn) -> list[Slot]:
    found = []
    for _ in range(draw(st.integers(0, 8))):
        a, b = sorted(draw(st.lists(times, min_size=2, max_size=2, unique=True)))
        found.append(Slot(draw(st.integers(0, 6)), a, b))
    return found


items = st.lists(
    st.builds(Item, st.text("abc", min_size=1, max_size=3), st.just("n"), st.integers(0, 900)),
    max_size=6,
)
zones = st.sampled_from(
    [
        UTC,
        timezone(timedelta(hours=5, minutes=30)),
        timezone(timedelta(hours=-8)),
        ZoneInfo("Europe/Paris"),
        ZoneInfo("America/New_York"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    slots=slot_lists(),
    todo=items,
    moment=st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31)),
    zone=zones,
    days=st.integers(1, 14),
    minutes=st.integers(0, 40 * 60),
)
def test_blocks_lie_in_slots_never_overlap_stay_in_budget_and_after_now(
    slots: list[Slot],
    todo: list[Item],
    moment: datetime,
    zone: tzinfo,
    days: int,
    minutes: int,
) -> None:
    now = moment.replace(tzinfo=zone)
    blocks = plan(todo, slots, now, days, minutes, lambda naive: naive.replace(tzinfo=zone))
    assert sum(b.minutes for b in blocks) <= minutes
    last_day = now.date() + timedelta(days=days - 1)
    for b in blocks:
        assert b.start >= now
        assert b.end > b.start
        assert b.minutes >= planning.MIN_BLOCK_MINUTES
        assert now.date() <= b.start.date() <= last_day
        assert any(
            s.weekday == b.start.weekday()
            and datetime.combine(b.start.date(), s.start, tzinfo=zone) <= b.start
            for s in slots
        )
        inside = [
            s
            for s in slots
            if s.weekday == b.start.weekday()
            and s.start <= b.start.time()
            and b.end.time() <= s.end
            and b.end.date() == b.start.date()
        ]
        # inside one slot, or across slots that overlap (merged): every minute is covered
        if not inside:
            probe = b.start
            while probe < b.end:
                assert any(
                    s.weekday == probe.weekday() and s.start <= probe.time() < s.end for s in slots
                ), (b, slots)
                probe += timedelta(minutes=1)
    ordered = sorted(blocks, key=lambda b: b.start)
    for first, second in itertools.pairwise(ordered):
        assert first.end <= second.start
    per_item: dict[int, int] = {}
    for b in blocks:
        key = id(b.item)
        per_item[key] = per_item.get(key, 0) + b.minutes
    for item in todo:
        assert per_item.get(id(item), 0) <= max(0, item.minutes_needed)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_spec_parses_or_is_refused_cleanly(spec: str) -> None:
    try:
        slots = parse_slots(spec)
    except SlotError as exc:
        assert str(exc)
    else:
        assert parse_slots(format_slots(slots)) == slots
