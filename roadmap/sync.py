"""Sync a validated tree into the database, in one transaction.

Pillars, skills, milestones and targets are upserted by id. What the file no
longer has is archived, never deleted: its sessions, checks and assessments stay.
A skill's ``was:`` ids move the history of the old id to the new one. A milestone
keeps its checked state while its id (explicit, or derived from its text) stays.
Syncing the same tree twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import delete, update
from sqlmodel import Session, SQLModel, col, select

from roadmap import levels, models
from roadmap.db import utcnow
from roadmap.tree import Tree


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    level_changes: list[tuple[str, int, int]] = field(default_factory=list)
    first: bool = False

    def summary(self) -> str:
        parts = []
        if self.added and not self.first:
            parts.append(f"{len(self.added)} skill(s) added")
        if self.renamed:
            parts.append(", ".join(f"{a} renamed to {b}" for a, b in self.renamed))
        if self.archived:
            parts.append(f"{len(self.archived)} archived ({', '.join(self.archived[:5])})")
        if self.restored:
            parts.append(f"{len(self.restored)} restored")
        if self.level_changes:
            parts.append(f"{len(self.level_changes)} level(s) changed")
        return "; ".join(parts)


HISTORY_TABLES: tuple[type[SQLModel], ...] = (
    models.Session,
    models.Assessment,
    models.LevelChange,
    models.Timer,
    models.SkillAlias,
)


def apply(session: Session, tree: Tree, source: str) -> SyncReport:
    """Make the database match ``tree``; return what changed."""
    now = utcnow()
    report = SyncReport()
    stored = session.get(models.Meta, "tree_digest")
    if stored is not None and stored.value == tree.digest:
        return report  # another process synced the same file first
    existing = {s.id: s for s in session.exec(select(models.Skill)).all()}
    report.first = not existing
    _pillars(session, tree)
    tree_ids = {s.id for s in tree.skills}
    for spec in tree.skills:
        row = existing.get(spec.id)
        if row is None:
            row = models.Skill(id=spec.id, pillar_id=spec.pillar, name=spec.name)
            existing[spec.id] = row
            report.added.append(spec.id)
        elif row.archived:
            report.restored.append(spec.id)
        row.pillar_id = spec.pillar
        row.parent_id = spec.parent
        row.name = spec.name
        row.description = spec.description
        row.weight = spec.weight
        row.hours = spec.hours
        row.hours_by_level = json.dumps(spec.hours_by_level) if spec.hours_by_level else None
        row.position = spec.position
        row.depth = spec.depth
        row.resources = json.dumps(
            [{"title": r.title, "url": r.url, "kind": r.kind} for r in spec.resources],
            ensure_ascii=False,
        )
        row.archived = False
        row.archived_at = None
        session.add(row)
    session.flush()
    for spec in tree.skills:
        for old in spec.was:
            old_row = existing.get(old)
            if old_row is not None and old not in tree_ids:
                _move_history(session, old_row, existing[spec.id])
                del existing[old]
                report.renamed.append((old, spec.id))
                if spec.id in report.added:
                    report.added.remove(spec.id)
            alias = session.get(models.SkillAlias, old)
            if alias is None:
                session.add(models.SkillAlias(old_id=old, skill_id=spec.id))
            else:
                alias.skill_id = spec.id
    for sid, row in existing.items():
        if sid not in tree_ids and not row.archived:
            row.archived = True
            row.archived_at = now
            session.add(row)
            report.archived.append(sid)
    session.flush()
    _prerequisites(session, tree)
    _milestones(session, tree)
    _targets(session, tree)
    _meta(session, tree, source, now)
    session.flush()
    for spec in tree.skills:
        change = levels.recompute(session, spec.id, now, "skills file changed")
        if change is not None:
            report.level_changes.append((spec.id, change.previous, change.level))
    return report


def _pillars(session: Session, tree: Tree) -> None:
    rows = {p.id: p for p in session.exec(select(models.Pillar)).all()}
    for spec in tree.pillars:
        row = rows.pop(spec.id, None) or models.Pillar(id=spec.id, name=spec.name)
        row.name = spec.name
        row.description = spec.description
        row.position = spec.position
        row.archived = False
        session.add(row)
    for row in rows.values():
        row.archived = True
        session.add(row)
    session.flush()


def _move_history(session: Session, old: models.Skill, new: models.Skill) -> None:
    """Move everything recorded under ``old`` to ``new`` and drop ``old``."""
    for table in HISTORY_TABLES:
        column = table.__table__.c.skill_id  # type: ignore[attr-defined]
        session.execute(update(table).where(column == old.id).values(skill_id=new.id))
    new_keys = set(
        session.exec(select(models.Milestone.key).where(models.Milestone.skill_id == new.id)).all()
    )
    for milestone in session.exec(
        select(models.Milestone).where(models.Milestone.skill_id == old.id)
    ).all():
        if milestone.key in new_keys:
            target = session.get(models.Milestone, (new.id, milestone.key))
            if target is not None and target.checked_at is None and milestone.checked_at:
                target.checked_at = milestone.checked_at
                target.link = milestone.link
                target.note = milestone.note
                session.add(target)
        else:
            session.add(
                models.Milestone(
                    skill_id=new.id,
                    key=milestone.key,
                    level=milestone.level,
                    position=milestone.position,
                    text=milestone.text,
                    archived=True,
                    checked_at=milestone.checked_at,
                    link=milestone.link,
                    note=milestone.note,
                )
            )
        session.delete(milestone)
    if new.level_changed_at is None or (
        old.level_changed_at and old.level_changed_at > new.level_changed_at
    ):
        new.level = old.level
        new.level_changed_at = old.level_changed_at
    session.add(new)
    session.flush()
    session.execute(
        delete(models.TargetRequirement).where(col(models.TargetRequirement.skill_id) == old.id)
    )
    session.execute(delete(models.Prerequisite).where(col(models.Prerequisite.skill_id) == old.id))
    session.delete(old)
    session.flush()


def _prerequisites(session: Session, tree: Tree) -> None:
    session.execute(delete(models.Prerequisite))
    position = 0
    for spec in tree.skills:
        for ref, level in spec.requires:
            position += 1
            session.add(
                models.Prerequisite(
                    skill_id=spec.id, requires_id=ref, level=level, position=position
                )
            )


def _milestones(session: Session, tree: Tree) -> None:
    rows = {(m.skill_id, m.key): m for m in session.exec(select(models.Milestone)).all()}
    for spec in tree.skills:
        for milestone in spec.milestones:
            row = rows.pop((spec.id, milestone.key), None) or models.Milestone(
                skill_id=spec.id,
                key=milestone.key,
                level=milestone.level,
                position=milestone.position,
                text=milestone.text,
            )
            row.level = milestone.level
            row.position = milestone.position
            row.text = milestone.text
            row.archived = False
            session.add(row)
    for row in rows.values():
        if not row.archived:
            row.archived = True
            session.add(row)


def _targets(session: Session, tree: Tree) -> None:
    rows = {t.id: t for t in session.exec(select(models.Target)).all()}
    session.execute(delete(models.TargetRequirement))
    for spec in tree.targets:
        row = rows.pop(spec.id, None) or models.Target(id=spec.id, name=spec.name)
        row.name = spec.name
        row.description = spec.description
        row.by = spec.by.isoformat() if spec.by else None
        row.after = spec.after
        row.position = spec.position
        row.archived = False
        session.add(row)
    session.flush()
    position = 0
    for spec in tree.targets:
        for skill_id, level in spec.requires.items():
            position += 1
            session.add(
                models.TargetRequirement(
                    target_id=spec.id, skill_id=skill_id, level=level, position=position
                )
            )
    for row in rows.values():
        row.archived = True
        session.add(row)


def _meta(session: Session, tree: Tree, source: str, now: str) -> None:
    values = {
        "tree_digest": tree.digest,
        "tree_source": source,
        "synced_at": now,
        "tree_reviewed": tree.reviewed.isoformat() if tree.reviewed else "",
        "title": tree.title,
        "default_target": tree.default_target or "",
        "weekly_goal_hours": "" if tree.weekly_goal_hours is None else str(tree.weekly_goal_hours),
        "levels": json.dumps(
            [
                {"level": lv.level, "name": lv.name, "description": lv.description}
                for lv in tree.levels
            ],
            ensure_ascii=False,
        ),
    }
    for key, value in values.items():
        row = session.get(models.Meta, key) or models.Meta(key=key, value=value)
        row.value = value
        session.add(row)
