"""Use-cases that record study time: log, timer (start/stop/cancel), edit, delete.

Each runs inside one write transaction given by the caller and appends one journal
entry, so ``undo`` can revert it exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from roadmap import clock, overlaps
from roadmap.errors import StateError, UsageError
from roadmap.limits import MAX_MINUTES as MAX_MINUTES
from roadmap.limits import check_links as check_links
from roadmap.limits import check_note as check_note
from roadmap.limits import check_tags as check_tags
from roadmap.store import write
from roadmap.store.protocol import Conn
from roadmap.timeparse import format_duration

Row = dict[str, Any]

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
) -> Row:
    """A session row as stored (without its id, which the database gives it)."""
    return {
        "skill_id": skill_id,
        "started_at": clock.to_stored(started),
        "day": clock.local_day(started),
        "minutes": minutes,
        "note": note,
        "tags": json.dumps(sorted(set(tags or [])), ensure_ascii=False),
        "links": json.dumps(list(links or []), ensure_ascii=False),
        "source": source,
        "source_key": source_key,
        "created_at": clock.stored_now(),
    }


def log(conn: Conn, row: Row) -> Row:
    """Record a study session; returns it with its id."""
    row = {**row, "id": write.insert_session(conn, row)}
    write.journal(
        conn,
        "log",
        f"log #{row['id']}: {format_duration(row['minutes'])} on {row['skill_id']} ({row['day']})",
        {"session": row},
    )
    return row


def running(conn: Conn) -> Row | None:
    return write.timer_row(conn)


def _start(conn: Conn, skill_id: str, note: str, now: datetime) -> Row:
    current = running(conn)
    if current is not None:
        raise already_running(current, skill_id)
    hit = overlaps.clash(conn, now, 2)  # inside a session by more than the rounding
    if hit is not None:  # start --at inside a recorded session: two sessions would overlap
        raise StateError(
            f"a timer started at {now:%Y-%m-%d %H:%M} would overlap session {hit.describe()}",
            hint=f"start it when #{hit.id} ended: --at {hit.end.astimezone():%H:%M}",
        )
    timer = {"skill_id": skill_id, "started_at": clock.to_stored(now), "note": note}
    write.insert_timer(conn, timer)
    return timer


def start(conn: Conn, skill_id: str, note: str, now: datetime) -> Row:
    """Start the timer; at most one runs (the schema enforces it)."""
    timer = _start(conn, skill_id, note, now)
    write.journal(conn, "start", f"start timer on {skill_id}", {"timer": timer})
    return timer


def already_running(timer: Row, wanted: str) -> StateError:
    since = clock.from_stored(timer["started_at"])
    return StateError(
        f"a timer is already running on '{timer['skill_id']}' since {since:%Y-%m-%d %H:%M}",
        hint="roadmap stop to record it, roadmap cancel to drop it, "
        f"or roadmap start {wanted} --switch to record it and start this one",
    )


def elapsed_minutes(timer: Row, now: datetime) -> int:
    seconds = (now - clock.from_stored(timer["started_at"])).total_seconds()
    return max(1, round(seconds / 60))


def stop(conn: Conn, now: datetime, note: str | None, confirmed: bool) -> Row:
    """Stop the timer and record its session.

    ``confirmed`` must be True when the timer ran for more than 12 hours (the caller
    asks the user first); more than 24 hours cannot be one session.
    """
    row, saved = _stop(conn, now, note, confirmed)
    write.journal(
        conn,
        "stop",
        f"stop #{row['id']}: {format_duration(row['minutes'])} on {row['skill_id']}",
        {"session": row, "timer": saved},
    )
    return row


def switch(
    conn: Conn, skill_id: str, note: str, now: datetime, confirmed: bool
) -> tuple[Row | None, Row]:
    """Stop the running timer, if any (recording its session), and start one on ``skill_id``.

    One change, so one ``undo`` reverts both halves.
    """
    if running(conn) is None:
        return None, start(conn, skill_id, note, now)
    row, saved = _stop(conn, now, None, confirmed)
    timer = _start(conn, skill_id, note, now)
    write.journal(
        conn,
        "switch",
        f"switch from {row['skill_id']} to {skill_id} "
        f"(stop #{row['id']}: {format_duration(row['minutes'])} on {row['skill_id']})",
        {"session": row, "timer": saved},
    )
    return row, timer


def _stop(conn: Conn, now: datetime, note: str | None, confirmed: bool) -> tuple[Row, Row]:
    timer = running(conn)
    if timer is None:
        raise no_timer()
    minutes = elapsed_minutes(timer, now)
    if minutes > MAX_MINUTES:
        raise StateError(
            f"the timer on '{timer['skill_id']}' has run for {format_duration_long(minutes)}, "
            "longer than one session can be (24h)",
            hint="roadmap cancel, then log the real time: roadmap log SKILL 2h --on DATE",
        )
    if minutes > FORGOTTEN_HOURS * 60 and not confirmed:
        raise StateError(
            f"the timer on '{timer['skill_id']}' ran for {format_duration(minutes)}: probably "
            "forgotten; pass --yes to record it anyway",
            hint="or drop it with: roadmap cancel, then log the real time with roadmap log",
        )
    started = clock.from_stored(timer["started_at"])
    hit = overlaps.clash(conn, started, minutes, until=now)
    if hit is not None:  # a session logged inside the timer's time (or an edit moved one there)
        raise StateError(
            f"the timer's session ({started:%Y-%m-%d %H:%M}, {format_duration(minutes)}) "
            f"would overlap session {hit.describe()}",
            hint=(
                f"stop it before #{hit.id} began: roadmap stop --at "
                f"{hit.start.astimezone():%H:%M}, or drop it: roadmap cancel"
                if hit.start > started
                else f"drop it (roadmap cancel) and log the real time, or move #{hit.id}: "
                f"roadmap edit {hit.id} --on ..."
            ),
        )
    old = timer["note"]
    text = old if note is None else (note if not old else f"{old}; {note}")
    row = new_session(
        timer["skill_id"], clock.from_stored(timer["started_at"]), minutes, text, source="timer"
    )
    write.delete_timer(conn)
    row = {**row, "id": write.insert_session(conn, row)}
    return row, timer


def format_duration_long(minutes: int) -> str:
    days, rest = divmod(minutes, MAX_MINUTES)
    return f"{days}d {format_duration(rest)}" if days else format_duration(minutes)


def cancel(conn: Conn) -> Row:
    timer = running(conn)
    if timer is None:
        raise no_timer()
    write.delete_timer(conn)
    write.journal(conn, "cancel", f"cancel timer on {timer['skill_id']}", {"timer": timer})
    return timer


def get(conn: Conn, session_id: int) -> Row:
    row = write.session_row(conn, session_id)
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


def edit(conn: Conn, session_id: int, changes: Changes) -> Row:
    before = get(conn, session_id)
    update: Row = {}
    if changes.minutes is not None:
        update["minutes"] = changes.minutes
    if changes.started is not None:
        update["started_at"] = clock.to_stored(changes.started)
        update["day"] = clock.local_day(changes.started)
    if changes.note is not None:
        update["note"] = changes.note
    if changes.skill_id is not None:
        update["skill_id"] = changes.skill_id
    if changes.tags is not None:
        update["tags"] = json.dumps(sorted(set(changes.tags)), ensure_ascii=False)
    write.update_session(conn, session_id, update)
    write.journal(conn, "edit", f"edit #{session_id}", {"before": before})
    return {**before, **update}


def delete(conn: Conn, session_id: int) -> Row:
    row = get(conn, session_id)
    write.delete_session(conn, session_id)
    write.journal(
        conn,
        "delete",
        f"delete #{row['id']}: {format_duration(row['minutes'])} on {row['skill_id']} ({row['day']})",
        {"session": row},
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
