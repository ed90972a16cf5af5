"""Planning study time: the user's study slots and the blocks that fill them (pure: no I/O).

A slot spec reads ``mon,wed 19:00-21:00; sat 09:00-12:00``: groups separated by ``;``, each
a list of days (``mon`` … ``sun``, ranges such as ``mon-fri``, or ``daily``) and one or more
times ``HH:MM-HH:MM`` (end after start, within the day). Without slots, every evening
19:00–21:00.

:func:`plan` lays blocks in the slots of the days asked for: never before ``now``, never
overlapping, in all at most the hours asked for, each block at least
:data:`MIN_BLOCK_MINUTES` long. The items (skills to study, best first) take turns slot by
slot; an item stops getting time once the hours it needs are planned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MIN_BLOCK_MINUTES = 15
SPEC_FORM = (
    "DAYS HH:MM-HH:MM[; ...], e.g. 'mon,wed 19:00-21:00; sat 09:00-12:00' "
    "(days mon..sun, ranges such as mon-fri, or daily)"
)
MAX_SPEC_LENGTH = 500

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class SlotError(ValueError):
    """A slot spec that cannot be read; the message says which part."""


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    weekday: int  # 0 = Monday
    start: time
    end: time


DEFAULT_SLOTS = tuple(Slot(d, time(19, 0), time(21, 0)) for d in range(7))


def _days(text: str) -> list[int]:
    found: list[int] = []
    for part in text.split(","):
        part = part.strip().lower()
        if part in ("daily", "every", "all"):
            found.extend(range(7))
        elif "-" in part:
            first, _, last = part.partition("-")
            if first.strip() not in DAYS or last.strip() not in DAYS:
                raise SlotError(f"'{part}' is not a range of days such as mon-fri")
            a, b = DAYS.index(first.strip()), DAYS.index(last.strip())
            if b < a:
                raise SlotError(f"'{part}': a range of days runs from Monday to Sunday")
            found.extend(range(a, b + 1))
        elif part in DAYS:
            found.append(DAYS.index(part))
        elif part in _FULL:
            found.append(_FULL.index(part))
        else:
            raise SlotError(f"'{part}' is not a day (mon, tue, wed, thu, fri, sat, sun)")
    return found


def _time(text: str) -> time:
    match = _TIME.match(text.strip())
    if match is None:
        raise SlotError(f"'{text.strip()}' is not a time HH:MM (00:00 to 23:59)")
    return time(int(match.group(1)), int(match.group(2)))


def parse_slots(spec: str) -> tuple[Slot, ...]:
    """The slots of ``spec``, sorted and without duplicates; :class:`SlotError` if unreadable."""
    if len(spec) > MAX_SPEC_LENGTH:
        raise SlotError(f"the spec is longer than {MAX_SPEC_LENGTH} characters")
    slots: set[Slot] = set()
    for group in spec.split(";"):
        group = group.strip()
        if not group:
            continue
        words = group.split()
        if len(words) < 2:
            raise SlotError(f"'{group}' needs days and a time range")
        days_text = " ".join(words[:-1]).replace(" ", "")
        days = _days(days_text)
        for span in words[-1].split(","):
            start_text, dash, end_text = span.partition("-")
            if not dash:
                raise SlotError(f"'{span}' is not a time range HH:MM-HH:MM")
            start, end = _time(start_text), _time(end_text)
            if end <= start:
                raise SlotError(f"'{span}': the end must come after the start, the same day")
            slots.update(Slot(d, start, end) for d in days)
    if not slots:
        raise SlotError("no slot given")
    return tuple(sorted(slots))


def format_slots(slots: Sequence[Slot]) -> str:
    """The canonical spec of ``slots`` (days with the same times grouped)."""
    by_times: dict[tuple[time, time], list[int]] = {}
    for s in sorted(slots):
        by_times.setdefault((s.start, s.end), []).append(s.weekday)
    groups = sorted(by_times.items(), key=lambda kv: (min(kv[1]), kv[0]))
    return "; ".join(
        f"{','.join(DAYS[d] for d in days)} {a:%H:%M}-{b:%H:%M}" for (a, b), days in groups
    )


@dataclass(frozen=True, slots=True)
class Item:
    """Something to study, best first: a skill, the milestone to aim at, why, how long."""

    skill: str
    name: str
    minutes_needed: int
    reasons: tuple[str, ...] = ()
    milestone_ref: str | None = None
    milestone_text: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    start: datetime
    end: datetime
    item: Item

    @property
    def minutes(self) -> int:
        return round((self.end - self.start).total_seconds() / 60)


def windows(
    slots: Sequence[Slot],
    now: datetime,
    first: date,
    days: int,
    localize: Callable[[datetime], datetime],
) -> list[tuple[datetime, datetime]]:
    """The free time of ``slots`` on ``days`` days from ``first`` (wall-clock times made
    aware by ``localize``): merged where slots overlap,
    cut at ``now`` (rounded up to the next quarter hour), sorted; shorter pieces than
    :data:`MIN_BLOCK_MINUTES` dropped."""
    begin = _ceil_quarter(now)
    spans: list[tuple[datetime, datetime]] = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        for s in slots:
            if s.weekday != day.weekday():
                continue
            a = localize(datetime.combine(day, s.start))
            b = localize(datetime.combine(day, s.end))
            spans.append((max(a, begin), b))
    spans.sort()
    merged: list[tuple[datetime, datetime]] = []
    for a, b in spans:
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return [(a, b) for a, b in merged if b - a >= timedelta(minutes=MIN_BLOCK_MINUTES)]


def _ceil_quarter(moment: datetime) -> datetime:
    base = moment.replace(second=0, microsecond=0)
    if base < moment:
        base += timedelta(minutes=1)
    extra = (-base.minute) % 15
    return base + timedelta(minutes=extra)


def plan(
    items: Sequence[Item],
    slots: Sequence[Slot],
    now: datetime,
    days: int,
    minutes: int,
    localize: Callable[[datetime], datetime] | None = None,
) -> list[Block]:
    """Blocks for ``items`` in the ``slots`` of ``days`` days from ``now``'s date (in
    ``now``'s zone; ``localize`` turns a local wall-clock time into an aware one, by default
    at ``now``'s offset: pass the zone's rules to follow a change of summer time): at most ``minutes`` in all, never before ``now``, never overlapping.
    Slot by slot the items take turns (each slot starts with the item after the last one
    served that still needs time); within a slot, an item whose need is met hands the rest
    of the slot to the next."""
    zone = now.tzinfo
    assert zone is not None, "now must be aware"
    if localize is None:
        localize = lambda naive: naive.replace(tzinfo=zone)  # noqa: E731
    need = {i: max(0, item.minutes_needed) for i, item in enumerate(items)}
    budget = max(0, minutes)
    blocks: list[Block] = []
    turn = 0
    for start, end in windows(slots, now, now.date(), days, localize):
        cursor = start
        waiting = [i for i in range(len(items)) if need[i] >= MIN_BLOCK_MINUTES]
        if not waiting or budget < MIN_BLOCK_MINUTES:
            break
        order = sorted(waiting, key=lambda i: (i < turn % len(items), i))
        for i in order:
            room = int((end - cursor).total_seconds() // 60)
            length = min(room, budget, need[i])
            if length < MIN_BLOCK_MINUTES:
                continue
            block_end = cursor + timedelta(minutes=length)
            blocks.append(Block(cursor, block_end, items[i]))
            cursor = block_end
            budget -= length
            need[i] -= length
            turn = i + 1  # the next slot starts with the item after the last one served
            if end - cursor < timedelta(minutes=MIN_BLOCK_MINUTES):
                break
    return blocks
