"""Where a logged session goes in time (pure: no database, no I/O).

Two sessions never overlap, a session never ends in the future, and no day holds more than
24 hours. A session typed without a time of day goes into the latest free gap of its day
that ends no later than now (today) or the end of that day (an earlier day); one typed with
a time starts then, and is refused if it overlaps another (named) or ends in the future.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from roadmap.errors import UsageError
from roadmap.timeparse import MAX_MINUTES, day_bounds, format_duration, in_system_zone


@dataclass(frozen=True)
class Booked:
    """A session already recorded: when it started and for how long."""

    start: datetime
    minutes: int
    id: int = 0
    skill: str = ""

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    def describe(self) -> str:
        """``#12 (2026-11-20 09:00–10:30, 1h30m on cuda)`` in local time."""
        start, end = self.start.astimezone(), self.end.astimezone()
        spell = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
        what = f", {format_duration(self.minutes)} on {self.skill}" if self.skill else ""
        name = f"#{self.id}" if self.id else "the running timer"
        return f"{name} ({start:%Y-%m-%d %H:%M}–{spell}{what})"


def _second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _busy(booked: Sequence[Booked], lo: datetime, hi: datetime) -> list[tuple[datetime, datetime]]:
    """The booked intervals clipped to [lo, hi), merged, in order."""
    spans = sorted(
        (max(b.start, lo), min(b.end, hi)) for b in booked if b.start < hi and b.end > lo
    )
    merged: list[tuple[datetime, datetime]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def free_gaps(
    booked: Sequence[Booked], lo: datetime, hi: datetime
) -> list[tuple[datetime, datetime]]:
    """The free intervals of [lo, hi), in order."""
    gaps: list[tuple[datetime, datetime]] = []
    cursor = lo
    for start, end in _busy(booked, lo, hi):
        if start > cursor:
            gaps.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < hi:
        gaps.append((cursor, hi))
    return gaps


def _day_minutes(booked: Sequence[Booked], lo: datetime, hi: datetime) -> int:
    return sum(b.minutes for b in booked if lo <= b.start < hi)


def _too_full(day: date, held: int, minutes: int) -> UsageError:
    return UsageError(
        f"{day:%Y-%m-%d} already holds {format_duration(held)} of sessions: with "
        f"{format_duration(minutes)} more it would hold more than 24 hours",
        hint="log it on another day with --on, or see that day with: "
        f"roadmap sessions --since {day:%Y-%m-%d} --until {day:%Y-%m-%d}",
    )


def place_untimed(booked: Sequence[Booked], minutes: int, day: date, now: datetime) -> datetime:
    """Where a session of ``minutes`` typed without a time of day starts: at the end of the
    latest free gap of ``day`` long enough for it, the gap ending no later than ``now`` (if
    ``day`` is today) or the end of the day. ``booked``: the sessions that may touch that
    day. UsageError when the day has no such gap (or would hold more than 24 hours)."""
    lo, hi = day_bounds(day, now)
    hi = min(hi, _second(now))
    held = _day_minutes(booked, *day_bounds(day, now))
    if held + minutes > MAX_MINUTES:
        raise _too_full(day, held, minutes)
    need = timedelta(minutes=minutes)
    gaps = free_gaps(booked, lo, hi) if hi > lo else []
    for start, end in reversed(gaps):
        if end - start >= need:
            return end - need
    largest = max((end - start for start, end in gaps), default=timedelta(0))
    until = "now" if hi < day_bounds(day, now)[1] else "the end of the day"
    raise UsageError(
        f"no free {format_duration(minutes)} on {day:%Y-%m-%d} before {until}: the longest "
        f"free time left is {format_duration(int(largest.total_seconds() // 60))}",
        hint="give the time it started with --on (e.g. --on 'yesterday 7am'), or shorten it",
    )


def overlapping(booked: Sequence[Booked], start: datetime, minutes: int) -> Booked | None:
    """The earliest booked session that [start, start + minutes) overlaps, if any."""
    end = start + timedelta(minutes=minutes)
    hits = [b for b in booked if b.start < end and start < b.end]
    return min(hits, key=lambda b: (b.start, b.id)) if hits else None


def check_timed(booked: Sequence[Booked], start: datetime, minutes: int, now: datetime) -> None:
    """Refuse (UsageError) a session typed with its start time that ends in the future,
    overlaps a booked one, or would make its day hold more than 24 hours."""
    end = start + timedelta(minutes=minutes)
    if end > now:
        raise UsageError(
            f"a session of {format_duration(minutes)} from {start.astimezone():%Y-%m-%d %H:%M} "
            f"would end at {end.astimezone():%H:%M}, in the future",
            hint="start it earlier with --on, or shorten it",
        )
    hit = overlapping(booked, start, minutes)
    if hit is not None:
        raise UsageError(
            f"{start.astimezone():%Y-%m-%d %H:%M}–{end.astimezone():%H:%M} overlaps "
            f"session {hit.describe()}",
            hint="give another start with --on 'DAY HH:MM', leave the time out to place it "
            + (
                f"in the day's free time, or change #{hit.id} with: roadmap edit {hit.id}"
                if hit.id
                else "in the day's free time, or stop the timer first: roadmap stop"
            ),
        )
    day = (start.astimezone() if in_system_zone(now) else start.astimezone(now.tzinfo)).date()
    lo, hi = day_bounds(day, now)
    held = _day_minutes(booked, lo, hi)
    if held + minutes > MAX_MINUTES:
        raise _too_full(day, held, minutes)
