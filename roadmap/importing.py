"""The import use-case: records from :mod:`roadmap.importers` into the database.

All or nothing: one transaction. Unknown skills stop the import (listed with
counts) unless ``--skip-unknown`` or ``--map NAME=SKILL``. Records already imported
(same source identity, or for our own format the same skill, start and length) are
counted as duplicates and skipped.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from roadmap.errors import DataError
from roadmap.importers import Record


@dataclass
class Plan:
    rows: list[dict[str, Any]] = field(default_factory=list)
    duplicates: int = 0
    running: int = 0
    invalid: list[str] = field(default_factory=list)
    unknown: Counter[str] = field(default_factory=Counter)
    skipped_unknown: int = 0

    def summary(self, imported: int | None = None) -> dict[str, Any]:
        return {
            "imported": len(self.rows) if imported is None else imported,
            "duplicates": self.duplicates,
            "skipped_running": self.running,
            "skipped_invalid": len(self.invalid),
            "skipped_unknown": self.skipped_unknown,
        }


class Resolver:
    """Skill names from other trackers → our skill ids (id, alias, name, --map)."""

    def __init__(self, conn: sqlite3.Connection, mapping: dict[str, str]) -> None:
        self.live: dict[str, str] = {}
        for sid, name, archived in conn.execute("SELECT id, name, archived FROM skill"):
            if not archived:
                self.live[sid.lower()] = sid
                self.live.setdefault(name.lower(), sid)
        for old, sid in conn.execute("SELECT old_id, skill_id FROM skill_alias"):
            self.live.setdefault(old.lower(), sid)
        self.mapping = {k.lower(): v for k, v in mapping.items()}

    def __call__(self, names: list[str]) -> str | None:
        for name in names:
            key = name.strip().lower()
            if key in self.mapping:
                return self.mapping[key]
            if key in self.live:
                return self.live[key]
        return None


def plan(
    conn: sqlite3.Connection,
    records: Iterable[Record],
    resolve: Callable[[list[str]], str | None],
    skip_unknown: bool,
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """Decide what to import; raise DataError on unknown skills (unless skipping)."""
    from roadmap import clock
    from roadmap.db import utcnow

    known_keys = {
        r[0] for r in conn.execute("SELECT source_key FROM session WHERE source_key IS NOT NULL")
    }
    natural = {
        (r[0], r[1], r[2])
        for r in conn.execute("SELECT skill_id, started_at, minutes FROM session")
    }
    used_ids = {r[0] for r in conn.execute("SELECT id FROM session")}
    out = Plan()
    now = utcnow()
    seen = 0
    for record in records:
        seen += 1
        if progress is not None and seen % 1000 == 0:
            progress(1000)
        if not record.ended:
            out.running += 1
            continue
        if record.started is None or not 1 <= record.minutes <= 1440:
            out.invalid.append(f"record {record.line}: {record.minutes} minutes (must be 1..1440)")
            continue
        skill = resolve(record.names)
        if skill is None:
            label = record.names[0] if record.names else "(no project or tag)"
            out.unknown[label] += 1
            continue
        started = clock.to_stored(record.started)
        key = record.source_key
        if (key is not None and key in known_keys) or (skill, started, record.minutes) in natural:
            out.duplicates += 1
            continue
        if key is not None:
            known_keys.add(key)
        natural.add((skill, started, record.minutes))
        row: dict[str, Any] = {
            "skill_id": skill,
            "started_at": started,
            "day": clock.local_day(record.started),
            "minutes": record.minutes,
            "note": record.note,
            "tags": _json_list(record.tags),
            "links": _json_list(record.links),
            "source": record.source,
            "source_key": key,
            "created_at": now,
        }
        if record.session_id is not None and record.session_id not in used_ids:
            row["id"] = record.session_id
            used_ids.add(record.session_id)
        out.rows.append(row)
    if out.unknown:
        if not skip_unknown:
            listing = ", ".join(f"{name} ({n})" for name, n in out.unknown.most_common(10))
            more = f" and {len(out.unknown) - 10} more" if len(out.unknown) > 10 else ""
            raise DataError(
                f"unknown skills, nothing imported: {listing}{more}",
                hint="map them with --map NAME=SKILL, or pass --skip-unknown",
            )
        out.skipped_unknown = sum(out.unknown.values())
    return out


def _json_list(values: list[str]) -> str:
    import json

    return json.dumps(sorted(set(values)) if values else [], ensure_ascii=False)


def apply(session: Any, rows: list[dict[str, Any]], label: str) -> list[int]:
    """Insert the planned rows in the caller's transaction; journal them for undo."""
    from sqlalchemy import insert

    from roadmap import journal, models

    ids: list[int] = []
    chunk = 2000
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        with_id = [r for r in part if "id" in r]
        without = [r for r in part if "id" not in r]
        if with_id:
            session.execute(insert(models.Session), with_id)
            ids.extend(r["id"] for r in with_id)
        if without:
            result = session.execute(
                insert(models.Session).returning(models.Session.__table__.c.id),  # type: ignore[attr-defined]
                without,
            )
            ids.extend(int(r[0]) for r in result)
    journal.record(
        session, "import", f"import of {len(ids)} session(s) from {label}", {"sessions": ids}
    )
    return ids


def apply_state(
    session: Any, doc: dict[str, Any], resolve: Callable[[list[str]], str | None]
) -> int:
    """Our own export: milestone checks, assessments, level history and levels.

    Only what is not there yet is added; returns how many items were added.
    """
    from sqlmodel import select

    from roadmap import clock, models

    def stored(text: str) -> str:
        from datetime import datetime

        return clock.to_stored(datetime.fromisoformat(text))

    added = 0
    for check in doc.get("milestone_checks", []):
        skill = resolve([check["skill"]])
        row = session.get(models.Milestone, (skill, check["milestone"])) if skill else None
        if row is not None and row.checked_at is None and check.get("checked_at"):
            row.checked_at = stored(check["checked_at"])
            row.link, row.note = check.get("link"), check.get("note")
            session.add(row)
            added += 1
    existing = {
        (a.skill_id, a.assessed_at, a.level) for a in session.exec(select(models.Assessment)).all()
    }
    for item in doc.get("assessments", []):
        skill = resolve([item["skill"]])
        key = (skill, stored(item["assessed_at"]), item["level"])
        if skill and key not in existing:
            session.add(
                models.Assessment(
                    skill_id=skill,
                    level=item["level"],
                    note=item.get("note", ""),
                    assessed_at=key[1],
                )
            )
            existing.add(key)
            added += 1
    history = {
        (c.skill_id, c.changed_at, c.level) for c in session.exec(select(models.LevelChange)).all()
    }
    for item in doc.get("level_history", []):
        skill = resolve([item["skill"]])
        key = (skill, stored(item["changed_at"]), item["level"])
        if skill and key not in history:
            session.add(
                models.LevelChange(
                    skill_id=skill,
                    level=item["level"],
                    previous=item["previous"],
                    changed_at=key[1],
                    cause=item.get("cause", ""),
                )
            )
            history.add(key)
            added += 1
    for item in doc.get("tree", {}).get("skills", []):
        skill_id = resolve([item["id"]])
        row = session.get(models.Skill, skill_id) if skill_id else None
        changed = stored(item["level_changed_at"]) if item.get("level_changed_at") else None
        if row is not None and changed and (row.level_changed_at or "") < changed:
            row.level, row.level_changed_at = item["level"], changed
            session.add(row)
    return added
