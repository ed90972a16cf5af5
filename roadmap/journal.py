"""The append-only journal of changes, and ``undo``.

Every change a user makes (log, start, stop, switch, cancel, edit, delete, check,
uncheck, assess, import) appends one entry whose payload holds what is needed to revert it
exactly. ``undo`` reverts the newest entry not yet undone and marks it undone;
repeated ``undo`` walks further back. Entries are never deleted.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from roadmap import models
from roadmap.db import utcnow
from roadmap.errors import StateError


def record(session: Session, action: str, summary: str, payload: dict[str, Any]) -> None:
    session.add(
        models.Journal(
            at=utcnow(),
            action=action,
            summary=summary,
            payload=json.dumps(payload, ensure_ascii=False),
        )
    )


def session_dict(row: models.Session) -> dict[str, Any]:
    return row.model_dump()


def skill_state(session: Session, skill_id: str) -> dict[str, Any]:
    skill = session.get(models.Skill, skill_id)
    assert skill is not None
    return {"level": skill.level, "level_changed_at": skill.level_changed_at}


def _restore_skill(
    session: Session, skill_id: str, state: dict[str, Any], changes: list[int]
) -> None:
    if changes:
        session.execute(delete(models.LevelChange).where(col(models.LevelChange.id).in_(changes)))
    skill = session.get(models.Skill, skill_id)
    if skill is not None:
        skill.level = int(state["level"])
        skill.level_changed_at = state["level_changed_at"]
        session.add(skill)


def _insert_timer(session: Session, timer: dict[str, Any]) -> None:
    if session.exec(select(models.Timer)).first() is not None:
        raise StateError("cannot undo: a timer is running now; stop or cancel it first")
    session.add(models.Timer(**timer))


def undo(session: Session) -> str:
    """Revert the newest change not yet undone; return what was reverted."""
    entry = session.exec(
        select(models.Journal)
        .where(col(models.Journal.undone_at).is_(None))
        .order_by(col(models.Journal.id).desc())
        .limit(1)
    ).first()
    if entry is None:
        raise StateError("nothing to undo")
    payload = json.loads(entry.payload)
    action = entry.action
    after = ""
    if action in ("log", "stop", "switch"):
        if action == "switch":  # the timer it started goes first
            session.execute(delete(models.Timer))
        row = session.get(models.Session, payload["session"]["id"])
        if row is not None:
            session.delete(row)
        if action in ("stop", "switch"):
            session.flush()
            _insert_timer(session, payload["timer"])
            after = f"; the timer on {payload['timer']['skill_id']} is running again"
    elif action == "import":
        ids = payload["sessions"]
        for start in range(0, len(ids), 500):
            session.execute(
                delete(models.Session).where(col(models.Session.id).in_(ids[start : start + 500]))
            )
        _undo_import_state(session, payload.get("state") or {})
    elif action == "start":
        session.execute(delete(models.Timer))
    elif action == "cancel":
        _insert_timer(session, payload["timer"])
        after = "; it is running again"
    elif action == "edit":
        row = session.get(models.Session, payload["before"]["id"])
        if row is not None:
            for key, value in payload["before"].items():
                setattr(row, key, value)
            session.add(row)
    elif action == "delete":
        session.add(models.Session(**payload["session"]))
    elif action in ("check", "uncheck"):
        milestone = session.get(models.Milestone, (payload["skill"], payload["key"]))
        if milestone is not None:
            for key, value in payload["before"].items():
                setattr(milestone, key, value)
            session.add(milestone)
        _restore_skill(session, payload["skill"], payload["skill_before"], payload["level_changes"])
    elif action == "assess":
        assessment = session.get(models.Assessment, payload["assessment"])
        if assessment is not None:
            session.delete(assessment)
        _restore_skill(session, payload["skill"], payload["skill_before"], payload["level_changes"])
    else:  # pragma: no cover - a journal written by a newer version
        raise StateError(f"cannot undo '{action}': not known to this version")
    entry.undone_at = utcnow()
    session.add(entry)
    session.flush()
    return entry.summary + after


def _undo_import_state(session: Session, state: dict[str, Any]) -> None:
    """Revert what an import of our JSON export added besides sessions."""
    for skill_id, key, link, note in state.get("checks", []):
        milestone = session.get(models.Milestone, (skill_id, key))
        if milestone is not None:
            milestone.checked_at, milestone.link, milestone.note = None, link, note
            session.add(milestone)
    for table, name in ((models.Assessment, "assessments"), (models.LevelChange, "level_changes")):
        ids = state.get(name, [])
        for start in range(0, len(ids), 500):
            session.execute(delete(table).where(col(table.id).in_(ids[start : start + 500])))
    for skill_id, level, changed_at in state.get("skills", []):
        skill = session.get(models.Skill, skill_id)
        if skill is not None:
            skill.level, skill.level_changed_at = level, changed_at
            session.add(skill)
