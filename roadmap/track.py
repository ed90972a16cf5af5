"""Use-cases that record study time: log, timer (start/stop/cancel), edit, delete.

Each runs inside one write transaction given by the caller and appends one journal
entry, so ``undo`` can revert it exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from roadmap import clock, journal, models
from roadmap.db import utcnow
from roadmap.errors import StateError, UsageError
from roadmap.limits import check_links as check_links
from roadmap.limits import check_note as check_note
from roadmap.limits import check_tags as check_tags
from roadmap.timeparse import format_duration

MAX_MINUTES = 24 * 60
FORGOTTEN_HOURS = 12
NO_TIMER = "no timer is running; start one with `roadmap start SKILL`"


def no_timer() -> StateError:
    return StateError(NO_TIMER)


def new_session(
    skill_id: str,
    started: datetime,
    minutes: int,
    note: str = "",
    tags: list[str] | None = None,
    links: list[str] | None = None,
    source: str = "log",
    source_key: str | None = None,
) -> models.Session:
    return models.Session(
        skill_id=skill_id,
        started_at=clock.to_stored(started),
        day=clock.local_day(started),
        minutes=minutes,
        note=note,
        tags=json.dumps(sorted(set(tags or [])), ensure_ascii=False),
        links=json.dumps(list(links or []), ensure_ascii=False),
        source=source,
        source_key=source_key,
        created_at=utcnow(),
    )


def log(session: Session, row: models.Session, skill_name: str) -> models.Session:
    """Record a study session."""
    session.add(row)
    session.flush()
    journal.record(
        session,
        "log",
        f"log #{row.id}: {format_duration(row.minutes)} on {row.skill_id} ({row.day})",
        {"session": journal.session_dict(row)},
    )
    return row


def running(session: Session) -> models.Timer | None:
    return session.exec(select(models.Timer)).first()


def _start(session: Session, skill_id: str, note: str, now: datetime) -> models.Timer:
    current = running(session)
    if current is not None:
        raise already_running(current, skill_id)
    timer = models.Timer(skill_id=skill_id, started_at=clock.to_stored(now), note=note)
    session.add(timer)
    try:
        session.flush()
    except IntegrityError:  # a second terminal won the race
        raise StateError("a timer is already running (started by another process)") from None
    return timer


def start(session: Session, skill_id: str, note: str, now: datetime) -> models.Timer:
    """Start the timer; at most one runs (the schema enforces it)."""
    timer = _start(session, skill_id, note, now)
    journal.record(
        session,
        "start",
        f"start timer on {skill_id}",
        {"timer": {"skill_id": skill_id, "started_at": timer.started_at, "note": note}},
    )
    return timer


def already_running(timer: models.Timer, wanted: str) -> StateError:
    since = clock.from_stored(timer.started_at)
    return StateError(
        f"a timer is already running on '{timer.skill_id}' since {since:%Y-%m-%d %H:%M}",
        hint="roadmap stop to record it, roadmap cancel to drop it, "
        f"or roadmap start {wanted} --switch to record it and start this one",
    )


def elapsed_minutes(timer: models.Timer, now: datetime) -> int:
    seconds = (now - clock.from_stored(timer.started_at)).total_seconds()
    return max(1, round(seconds / 60))


def stop(session: Session, now: datetime, note: str | None, confirmed: bool) -> models.Session:
    """Stop the timer and record its session.

    ``confirmed`` must be True when the timer ran for more than 12 hours (the caller
    asks the user first); more than 24 hours cannot be one session.
    """
    row, saved = _stop(session, now, note, confirmed)
    journal.record(
        session,
        "stop",
        f"stop #{row.id}: {format_duration(row.minutes)} on {row.skill_id}",
        {"session": journal.session_dict(row), "timer": saved},
    )
    return row


def switch(
    session: Session, skill_id: str, note: str, now: datetime, confirmed: bool
) -> tuple[models.Session | None, models.Timer]:
    """Stop the running timer, if any (recording its session), and start one on ``skill_id``.

    One change, so one ``undo`` reverts both halves.
    """
    if running(session) is None:
        return None, start(session, skill_id, note, now)
    row, saved = _stop(session, now, None, confirmed)
    timer = _start(session, skill_id, note, now)
    journal.record(
        session,
        "switch",
        f"switch from {row.skill_id} to {skill_id} "
        f"(stop #{row.id}: {format_duration(row.minutes)} on {row.skill_id})",
        {"session": journal.session_dict(row), "timer": saved},
    )
    return row, timer


def _stop(
    session: Session, now: datetime, note: str | None, confirmed: bool
) -> tuple[models.Session, dict[str, object]]:
    timer = running(session)
    if timer is None:
        raise no_timer()
    minutes = elapsed_minutes(timer, now)
    if minutes > MAX_MINUTES:
        raise StateError(
            f"the timer on '{timer.skill_id}' has run for {format_duration_long(minutes)}, "
            "longer than one session can be (24h)",
            hint="roadmap cancel, then log the real time: roadmap log SKILL 2h --on DATE",
        )
    if minutes > FORGOTTEN_HOURS * 60 and not confirmed:
        raise StateError(
            f"the timer on '{timer.skill_id}' ran for {format_duration(minutes)}: probably "
            "forgotten; pass --yes to record it anyway",
            hint="or drop it with: roadmap cancel, then log the real time with roadmap log",
        )
    text = timer.note if note is None else (note if not timer.note else f"{timer.note}; {note}")
    saved = timer_dict(timer)
    row = new_session(
        timer.skill_id, clock.from_stored(timer.started_at), minutes, text, source="timer"
    )
    session.delete(timer)
    session.add(row)
    session.flush()
    return row, saved


def timer_dict(timer: models.Timer) -> dict[str, object]:
    """What ``undo`` needs to put a stopped or cancelled timer back exactly."""
    return {
        "id": timer.id,
        "skill_id": timer.skill_id,
        "started_at": timer.started_at,
        "note": timer.note,
    }


def format_duration_long(minutes: int) -> str:
    days, rest = divmod(minutes, MAX_MINUTES)
    return f"{days}d {format_duration(rest)}" if days else format_duration(minutes)


def cancel(session: Session) -> models.Timer:
    timer = running(session)
    if timer is None:
        raise no_timer()
    saved = timer_dict(timer)
    session.delete(timer)
    session.flush()
    journal.record(session, "cancel", f"cancel timer on {timer.skill_id}", {"timer": saved})
    return timer


def get(session: Session, session_id: int) -> models.Session:
    row = session.get(models.Session, session_id)
    if row is None:
        raise UsageError(f"no session #{session_id}", hint="see ids with: roadmap sessions")
    return row


@dataclass
class Changes:
    minutes: int | None = None
    started: datetime | None = None
    note: str | None = None
    skill_id: str | None = None
    tags: list[str] | None = None


def edit(session: Session, session_id: int, changes: Changes) -> models.Session:
    row = get(session, session_id)
    before = journal.session_dict(row)
    if changes.minutes is not None:
        row.minutes = changes.minutes
    if changes.started is not None:
        row.started_at = clock.to_stored(changes.started)
        row.day = clock.local_day(changes.started)
    if changes.note is not None:
        row.note = changes.note
    if changes.skill_id is not None:
        row.skill_id = changes.skill_id
    if changes.tags is not None:
        row.tags = json.dumps(sorted(set(changes.tags)), ensure_ascii=False)
    session.add(row)
    session.flush()
    journal.record(session, "edit", f"edit #{row.id}", {"before": before})
    return row


def delete(session: Session, session_id: int) -> models.Session:
    row = get(session, session_id)
    saved = journal.session_dict(row)
    session.delete(row)
    session.flush()
    journal.record(
        session,
        "delete",
        f"delete #{row.id}: {format_duration(row.minutes)} on {row.skill_id} ({row.day})",
        {"session": saved},
    )
    return row


def started_for(when: date | datetime, minutes: int, now: datetime) -> datetime:
    """When a logged session started: a date-time as given; a past date at noon local
    time; today: ending now (but not before midnight)."""
    if isinstance(when, datetime):
        return when
    if when == now.date():
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return max(now - timedelta(minutes=minutes), midnight)
    return datetime(when.year, when.month, when.day, 12).astimezone()
