"""Use-cases that record progress: check / uncheck a milestone, assess a level."""

from __future__ import annotations

from sqlmodel import Session

from roadmap import journal, levels, models
from roadmap.db import utcnow
from roadmap.errors import StateError, UsageError


def _level_changes(change: models.LevelChange | None) -> list[int]:
    return [change.id] if change is not None and change.id is not None else []


def check(
    session: Session, skill_id: str, key: str, link: str | None, note: str | None
) -> tuple[models.Milestone, models.LevelChange | None]:
    milestone = session.get(models.Milestone, (skill_id, key))
    if milestone is None:
        raise UsageError(f"unknown milestone '{key}' for skill '{skill_id}'")
    if milestone.checked_at is not None:
        raise StateError(f"milestone '{key}' of '{skill_id}' is already checked")
    before = {"checked_at": None, "link": milestone.link, "note": milestone.note}
    state = journal.skill_state(session, skill_id)
    now = utcnow()
    milestone.checked_at = now
    milestone.link = link
    milestone.note = note
    session.add(milestone)
    session.flush()
    change = levels.recompute(session, skill_id, now, f"milestone {key} checked")
    journal.record(
        session,
        "check",
        f"check {skill_id} {key}",
        {
            "skill": skill_id,
            "key": key,
            "before": before,
            "skill_before": state,
            "level_changes": _level_changes(change),
        },
    )
    return milestone, change


def uncheck(
    session: Session, skill_id: str, key: str
) -> tuple[models.Milestone, models.LevelChange | None]:
    milestone = session.get(models.Milestone, (skill_id, key))
    if milestone is None:
        raise UsageError(f"unknown milestone '{key}' for skill '{skill_id}'")
    if milestone.checked_at is None:
        raise StateError(f"milestone '{key}' of '{skill_id}' is not checked")
    before = {"checked_at": milestone.checked_at, "link": milestone.link, "note": milestone.note}
    state = journal.skill_state(session, skill_id)
    milestone.checked_at = None
    milestone.link = None
    milestone.note = None
    session.add(milestone)
    session.flush()
    now = utcnow()
    change = levels.recompute(session, skill_id, now, f"milestone {key} unchecked")
    journal.record(
        session,
        "uncheck",
        f"uncheck {skill_id} {key}",
        {
            "skill": skill_id,
            "key": key,
            "before": before,
            "skill_before": state,
            "level_changes": _level_changes(change),
        },
    )
    return milestone, change


def assess(
    session: Session, skill_id: str, level: int, note: str, kind: str = "assess"
) -> tuple[models.Assessment, models.LevelChange | None]:
    """Record a self-assessment, or (``kind="calibrate"``) a starting level: kept and shown,
    but its level change is never counted as progress (cause ``calibrated at N``)."""
    if kind not in ("assess", "calibrate"):
        raise UsageError(f"unknown assessment kind '{kind}'")
    state = journal.skill_state(session, skill_id)
    now = utcnow()
    row = models.Assessment(skill_id=skill_id, level=level, note=note, assessed_at=now, kind=kind)
    session.add(row)
    session.flush()
    cause = f"calibrated at {level}" if kind == "calibrate" else f"assessed at {level}"
    change = levels.recompute(session, skill_id, now, cause)
    verb = "calibrate" if kind == "calibrate" else "assess"
    journal.record(
        session,
        "assess",
        f"{verb} {skill_id} at level {level}",
        {
            "assessment": row.id,
            "skill": skill_id,
            "skill_before": state,
            "level_changes": _level_changes(change),
        },
    )
    return row, change
