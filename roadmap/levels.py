"""Keep a skill's level current (write path) and record every change of it.

A skill's level is the higher of its latest assessment and the highest level L
for which every milestone of levels 1..L is checked (see
:func:`roadmap.analysis.milestone_level`).
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from roadmap import analysis, models


def compute(session: Session, skill_id: str) -> int:
    latest = session.exec(
        select(models.Assessment.level)
        .where(models.Assessment.skill_id == skill_id)
        .order_by(col(models.Assessment.assessed_at).desc(), col(models.Assessment.id).desc())
        .limit(1)
    ).first()
    rows = session.exec(
        select(
            models.Milestone.level,
            func.count(col(models.Milestone.checked_at)),
            func.count(),
        )
        .where(models.Milestone.skill_id == skill_id, col(models.Milestone.archived).is_(False))
        .group_by(col(models.Milestone.level))
    ).all()
    counts = {int(level): (int(checked), int(total)) for level, checked, total in rows}
    return analysis.current_level(latest, analysis.milestone_level(counts))


def recompute(session: Session, skill_id: str, at: str, cause: str) -> models.LevelChange | None:
    """Recompute and store the level of ``skill_id``; return the change, if any."""
    skill = session.get(models.Skill, skill_id)
    if skill is None:
        return None
    level = compute(session, skill_id)
    if level == skill.level:
        return None
    change = models.LevelChange(
        skill_id=skill_id, level=level, previous=skill.level, changed_at=at, cause=cause
    )
    skill.level = level
    skill.level_changed_at = at
    session.add(skill)
    session.add(change)
    session.flush()
    return change
