"""Use-cases that record progress: check / uncheck a milestone, assess a level, review it.

Each runs inside the caller's write transaction and appends one journal entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from roadmap import clock
from roadmap.errors import StateError, UsageError
from roadmap.store import write
from roadmap.store.protocol import Conn

Row = dict[str, Any]


def _level_changes(change: Row | None) -> list[int]:
    return [int(change["id"])] if change is not None else []


def _milestone(conn: Conn, skill_id: str, key: str) -> Row:
    milestone = write.milestone_row(conn, skill_id, key)
    if milestone is None:
        raise UsageError(f"unknown milestone '{key}' for skill '{skill_id}'")
    return milestone


def _named(milestone: Row) -> str:
    """A milestone as every message names it: ``LEVEL.N`` and its text."""
    return f"{milestone['level']}.{milestone['position']} {milestone['text']}"


def check(
    conn: Conn, skill_id: str, key: str, link: str | None, note: str | None
) -> tuple[Row, Row | None]:
    milestone = _milestone(conn, skill_id, key)
    if milestone["checked_at"] is not None:
        raise StateError(f"milestone '{key}' of '{skill_id}' is already checked")
    before = {"checked_at": None, "link": milestone["link"], "note": milestone["note"]}
    state = write.skill_state(conn, skill_id)
    now = clock.stored_now()
    write.set_milestone(conn, skill_id, key, now, link, note)
    change = write.recompute_level(conn, skill_id, now, f"milestone {key} checked")
    write.journal(
        conn,
        "check",
        f"check {skill_id} {_named(milestone)}",
        {
            "skill": skill_id,
            "key": key,
            "before": before,
            "skill_before": state,
            "level_changes": _level_changes(change),
        },
    )
    return {**milestone, "checked_at": now, "link": link, "note": note}, change


def uncheck(conn: Conn, skill_id: str, key: str) -> tuple[Row, Row | None]:
    milestone = _milestone(conn, skill_id, key)
    if milestone["checked_at"] is None:
        raise StateError(f"milestone '{key}' of '{skill_id}' is not checked")
    before = {
        "checked_at": milestone["checked_at"],
        "link": milestone["link"],
        "note": milestone["note"],
    }
    state = write.skill_state(conn, skill_id)
    write.set_milestone(conn, skill_id, key, None, None, None)
    now = clock.stored_now()
    change = write.recompute_level(conn, skill_id, now, f"milestone {key} unchecked")
    write.journal(
        conn,
        "uncheck",
        f"uncheck {skill_id} {_named(milestone)}",
        {
            "skill": skill_id,
            "key": key,
            "before": before,
            "skill_before": state,
            "level_changes": _level_changes(change),
        },
    )
    return {**milestone, "checked_at": None, "link": None, "note": None}, change


def assess(
    conn: Conn,
    skill_id: str,
    level: int,
    note: str,
    kind: str = "assess",
    evidence: str | None = None,
) -> tuple[int, Row | None]:
    """Record a self-assessment (with its ``evidence``: a URL or a path), or
    (``kind="calibrate"``) a starting level: kept and shown, but its level change is never
    counted as progress (cause ``calibrated at N``)."""
    if kind not in ("assess", "calibrate"):
        raise UsageError(f"unknown assessment kind '{kind}'")
    state = write.skill_state(conn, skill_id)
    now = clock.stored_now()
    assessment = write.insert_assessment(conn, skill_id, level, note, now, kind, evidence)
    cause = f"calibrated at {level}" if kind == "calibrate" else f"assessed at {level}"
    change = write.recompute_level(conn, skill_id, now, cause)
    verb = "calibrate" if kind == "calibrate" else "assess"
    write.journal(
        conn,
        "assess",
        f"{verb} {skill_id} at level {level}",
        {
            "assessment": assessment,
            "skill": skill_id,
            "skill_before": state,
            "level_changes": _level_changes(change),
        },
    )
    return assessment, change


def review(
    conn: Conn, skill_id: str, rating: str, note: str, minutes: int | None, now: datetime
) -> Row:
    """Record a spaced-repetition review of the skill's level (``rating``: again, hard, good,
    easy) at ``now``; with ``minutes``, the study session it took too (placed as ``log``
    places a session of today: in the latest free time ending by now). One journal entry:
    ``undo`` removes both. The level itself never changes here."""
    from roadmap import overlaps, track
    from roadmap.timeparse import format_duration

    level = int(write.skill_state(conn, skill_id)["level"])
    if level < 1:
        raise StateError(
            f"'{skill_id}' is at level 0: there is no level to review yet",
            hint=f"reach level 1 first: roadmap check {skill_id} 1.1, or roadmap assess "
            f"{skill_id} 1",
        )
    session: Row | None = None
    if minutes is not None:
        started = overlaps.place(conn, now.date(), minutes, now)
        session = track.new_session(skill_id, started, minutes, note, ["review"])
        session["id"] = write.insert_session(conn, session)
    at = clock.to_stored(now)
    review_id = write.insert_review(conn, skill_id, rating, level, note, at)
    spent = (
        ""
        if session is None
        else f", {format_duration(session['minutes'])} logged as #{session['id']}"
    )
    payload: Row = {"review": review_id, "skill": skill_id}
    if session is not None:
        payload["session"] = session
    write.journal(conn, "review", f"review {skill_id} at level {level}: {rating}{spent}", payload)
    return {
        "id": review_id,
        "skill": skill_id,
        "level": level,
        "recall": rating,
        "at": clock.local_iso(at),
        "note": note,
        "session": None if session is None else int(session["id"]),
    }
