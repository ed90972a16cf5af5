"""Sync a validated tree into the database, in the caller's one write transaction.

Pillars, skills, milestones and targets are upserted by id. What the file no
longer has is archived, never deleted: its sessions, checks and assessments stay.
A skill's ``was:`` ids move the history of the old id to the new one. A milestone
keeps its checked state while its id (explicit, or derived from its text) stays.
Syncing the same tree twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from roadmap import clock
from roadmap.store import write
from roadmap.store.protocol import Conn
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


def apply(conn: Conn, tree: Tree, source: str) -> SyncReport:
    """Make the database match ``tree``; return what changed."""
    now = clock.stored_now()
    report = SyncReport()
    stored = conn.execute("SELECT value FROM meta WHERE key = 'tree_digest'").fetchone()
    if stored is not None and stored[0] == tree.digest:
        return report  # another process synced the same file first
    existing: dict[str, dict[str, Any]] = {
        str(r[0]): {"archived": bool(r[1]), "level": int(r[2]), "level_changed_at": r[3]}
        for r in conn.execute("SELECT id, archived, level, level_changed_at FROM skill")
    }
    report.first = not existing
    _pillars(conn, tree)
    tree_ids = {s.id for s in tree.skills}
    rows = []
    for spec in tree.skills:
        row = existing.get(spec.id)
        if row is None:
            report.added.append(spec.id)
        elif row["archived"]:
            report.restored.append(spec.id)
        rows.append(
            {
                "id": spec.id,
                "pillar_id": spec.pillar,
                "parent_id": spec.parent,
                "name": spec.name,
                "description": spec.description,
                "weight": spec.weight,
                "hours": spec.hours,
                "hours_by_level": json.dumps(spec.hours_by_level) if spec.hours_by_level else None,
                "position": spec.position,
                "depth": spec.depth,
                "resources": json.dumps(
                    [{"title": r.title, "url": r.url, "kind": r.kind} for r in spec.resources],
                    ensure_ascii=False,
                ),
                "archived": False,
                "archived_at": None,
                "level": 0,
            }
        )
    write.upsert(conn, "skill", ("id",), rows, keep=("level",))
    for spec in tree.skills:
        for old in spec.was:
            if old in existing and old not in tree_ids:
                _move_history(conn, old, spec.id, existing)
                del existing[old]
                report.renamed.append((old, spec.id))
                if spec.id in report.added:
                    report.added.remove(spec.id)
            write.upsert(conn, "skill_alias", ("old_id",), [{"old_id": old, "skill_id": spec.id}])
    gone = [sid for sid, row in existing.items() if sid not in tree_ids and not row["archived"]]
    write.archive(conn, "skill", gone, now)
    report.archived.extend(gone)
    _prerequisites(conn, tree)
    _milestones(conn, tree)
    _targets(conn, tree)
    _meta(conn, tree, source, now)
    for spec in tree.skills:
        change = write.recompute_level(conn, spec.id, now, "skills file changed")
        if change is not None:
            report.level_changes.append((spec.id, change["previous"], change["level"]))
    return report


def _pillars(conn: Conn, tree: Tree) -> None:
    known = {str(r[0]) for r in conn.execute("SELECT id FROM pillar")}
    write.upsert(
        conn,
        "pillar",
        ("id",),
        (
            {
                "id": p.id,
                "name": p.name,
                "description": p.description,
                "position": p.position,
                "archived": False,
            }
            for p in tree.pillars
        ),
    )
    gone = known - {p.id for p in tree.pillars}
    write.archive(conn, "pillar", sorted(gone))


def _move_history(conn: Conn, old: str, new: str, existing: dict[str, dict[str, Any]]) -> None:
    """Move everything recorded under ``old`` to ``new`` and drop ``old``."""
    write.move_skill_history(conn, old, new)
    before, after = existing[old], existing.get(new)
    if (
        after is None
        or after["level_changed_at"] is None
        or (before["level_changed_at"] and before["level_changed_at"] > after["level_changed_at"])
    ):
        write.set_skill_state(conn, new, before["level"], before["level_changed_at"])
    write.drop_renamed_skill(conn, old)


def _prerequisites(conn: Conn, tree: Tree) -> None:
    rows: list[tuple[str, str, int, int]] = []
    for spec in tree.skills:
        for ref, level in spec.requires:
            rows.append((spec.id, ref, level, len(rows) + 1))
    write.replace_prerequisites(conn, rows)


def _milestones(conn: Conn, tree: Tree) -> None:
    known = {
        (str(r[0]), str(r[1]))
        for r in conn.execute("SELECT skill_id, key FROM milestone WHERE NOT archived")
    }
    rows = [
        {
            "skill_id": spec.id,
            "key": m.key,
            "level": m.level,
            "position": m.position,
            "text": m.text,
            "archived": False,
        }
        for spec in tree.skills
        for m in spec.milestones
    ]
    write.upsert(conn, "milestone", ("skill_id", "key"), rows)
    gone = known - {(r["skill_id"], r["key"]) for r in rows}
    write.archive_milestones(conn, sorted(gone))


def _targets(conn: Conn, tree: Tree) -> None:
    known = {str(r[0]) for r in conn.execute("SELECT id FROM target")}
    write.upsert(
        conn,
        "target",
        ("id",),
        (
            {
                "id": t.id,
                "name": t.name,
                "description": t.description,
                "by": t.by.isoformat() if t.by else None,
                "after": t.after,
                "position": t.position,
                "archived": False,
            }
            for t in tree.targets
        ),
    )
    rows: list[tuple[str, str, int, int]] = []
    for spec in tree.targets:
        for skill_id, level in spec.requires.items():
            rows.append((spec.id, skill_id, level, len(rows) + 1))
    write.replace_target_requirements(conn, rows)
    write.archive(conn, "target", sorted(known - {t.id for t in tree.targets}))


def _meta(conn: Conn, tree: Tree, source: str, now: str) -> None:
    write.meta_set(
        conn,
        {
            "tree_digest": tree.digest,
            "tree_source": source,
            "synced_at": now,
            "tree_reviewed": tree.reviewed.isoformat() if tree.reviewed else "",
            "title": tree.title,
            "default_target": tree.default_target or "",
            "weekly_goal_hours": ""
            if tree.weekly_goal_hours is None
            else str(tree.weekly_goal_hours),
            "levels": json.dumps(
                [
                    {"level": lv.level, "name": lv.name, "description": lv.description}
                    for lv in tree.levels
                ],
                ensure_ascii=False,
            ),
        },
    )
