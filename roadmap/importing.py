"""The import use-case: records from :mod:`roadmap.importers` into the database.

Two phases, so memory stays flat however large the file and the database is written
in one short transaction:

1. *Stage*: records stream from the file into a TEMP table (skill names resolved,
   running and invalid records counted, unknown skills counted). The database
   itself is not touched.
2. *Apply*: in one ``BEGIN IMMEDIATE`` transaction, duplicates are marked with SQL
   (the same source identity, or the same skill, start and length, already in the
   database or earlier in the file), the rest is inserted, and the import is
   journalled for ``undo``. A failure or a kill before ``COMMIT`` adds nothing.

Unknown skills stop the import (listed with counts) unless ``--skip-unknown`` or
``--map NAME=SKILL``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from roadmap import clock
from roadmap.errors import DataError
from roadmap.importers import ExportState, Record
from roadmap.limits import MAX_MINUTES as MAX_MINUTES
from roadmap.store import write
from roadmap.store.protocol import Conn, dialect

BATCH = 1000
SHOWN_INVALID = 5

_STAGE = """
CREATE TEMP TABLE import_stage (
    seq {serial} PRIMARY KEY,
    session_id BIGINT,
    skill_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    day TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    note TEXT NOT NULL,
    tags TEXT NOT NULL,
    links TEXT NOT NULL,
    source TEXT NOT NULL,
    source_key TEXT,
    own_id BIGINT,
    own_created TEXT,
    dup INTEGER NOT NULL DEFAULT 0,
    keep_id INTEGER
)"""
_STAGE_INDEXES = (
    "CREATE INDEX {temp}ix_stage_key ON import_stage (source_key)",
    "CREATE INDEX {temp}ix_stage_session ON import_stage (session_id)",
)
# A duplicate is the same record coming back: the same source identity (``source_key``:
# a Watson frame id, our own session identity...), in the database or earlier in the file.
# Two records that merely look alike (same skill, start and length) are two real sessions.
_MARK_DUPLICATES = """
UPDATE import_stage SET dup = 1 WHERE
    EXISTS (SELECT 1 FROM main.session s WHERE s.source_key = import_stage.source_key)
    OR (own_id IS NOT NULL AND EXISTS (SELECT 1 FROM main.session s WHERE s.id = own_id
        AND s.created_at = own_created AND s.source_key IS NULL))
    OR EXISTS (SELECT 1 FROM import_stage e
        WHERE e.source_key = import_stage.source_key AND e.seq < import_stage.seq)
"""


class Dialect:
    """The few spellings that differ between SQLite and PostgreSQL here."""

    def __init__(self, conn: Conn) -> None:
        self.postgres = dialect(conn) == "postgresql"
        self.main = "" if self.postgres else "main."
        self.temp = "pg_temp." if self.postgres else "temp."

    def sql(self, text: str) -> str:
        return text.replace("main.", self.main)


@dataclass
class Outcome:
    """What an import did (or, with ``dry_run``, would do)."""

    imported: int = 0
    duplicates: int = 0
    running: int = 0
    invalid: int = 0
    invalid_examples: list[str] = field(default_factory=list)
    unknown: Counter[str] = field(default_factory=Counter)
    skipped_unknown: int = 0
    state_items: int | None = None
    dry_run: bool = False
    staged: int = 0

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "skipped_running": self.running,
            "skipped_invalid": self.invalid,
            "skipped_unknown": self.skipped_unknown,
            "unknown": dict(self.unknown.most_common()),
        }
        if self.state_items is not None:
            out["state_items"] = self.state_items
        if self.dry_run:
            out["dry_run"] = True
        return out


class Resolver:
    """Skill names from other trackers → our skill ids: ``--map`` first (case-insensitively),
    then the rules ``roadmap log`` names skills by (roadmap.resolve: exact id, earlier id,
    id or name, unique prefix, unique part of the name), then an archived skill's exact id
    (history may belong to one). A name that ``log`` would refuse (unknown, ambiguous)
    resolves to nothing (reported as unknown)."""

    def __init__(self, conn: Conn, mapping: dict[str, str]) -> None:
        from roadmap import resolve

        self.index = resolve.SkillIndex.load(conn)
        self.archived = {r.id.lower(): r.id for r in self.index.rows if r.archived}
        self.mapping = {k.strip().lower(): v for k, v in mapping.items()}
        self.cache: dict[str, str | None] = {}

    def _one(self, name: str) -> str | None:
        if name not in self.cache:
            from roadmap.errors import UsageError

            try:
                self.cache[name] = self.index.find(name).id
            except UsageError:
                self.cache[name] = self.archived.get(name.strip().lower())
        return self.cache[name]

    def __call__(self, names: list[str]) -> str | None:
        for name in names:
            key = name.strip().lower()
            if key in self.mapping:
                return self.mapping[key]
        for name in names:
            found = self._one(name.strip())
            if found is not None:
                return found
        return None


_LISTS: dict[tuple[str, ...], str] = {}  # tags repeat across a history: each list encoded once


def _json_list(values: list[str]) -> str:
    if not values:
        return "[]"
    key = tuple(values)
    text = _LISTS.get(key)
    if text is None:
        text = json.dumps(sorted(set(values)), ensure_ascii=False)
        if len(_LISTS) < 4096:  # links are mostly unique: the cache stays small
            _LISTS[key] = text
    return text


def stage(
    conn: Conn,
    records: Iterable[Record],
    resolve: Callable[[list[str]], str | None],
    progress: Callable[[], None] | None = None,
) -> Outcome:
    """Phase 1: stream ``records`` into the TEMP table ``import_stage``."""
    spell = Dialect(conn)
    conn.execute(f"DROP TABLE IF EXISTS {spell.temp}import_stage")
    conn.execute(_STAGE.format(serial="BIGSERIAL" if spell.postgres else "INTEGER"))
    out = Outcome()
    now = clock.now()
    natural: Counter[str] = Counter()
    batch: list[tuple[Any, ...]] = []
    insert = (
        "INSERT INTO import_stage (session_id, skill_id, started_at, day, minutes, note, tags, "
        "links, source, source_key, own_id, own_created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )

    def flush() -> None:
        conn.execute("BEGIN")
        try:
            conn.executemany(insert, batch)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        out.staged += len(batch)
        batch.clear()
        if progress is not None:
            progress()

    for record in records:
        problem = _problem(record, now)
        if problem == "running":
            out.running += 1
            continue
        if problem:
            out.invalid += 1
            if len(out.invalid_examples) < SHOWN_INVALID:
                out.invalid_examples.append(f"{record.where}: {problem}")
            continue
        skill = resolve(record.names)
        if skill is None:
            out.unknown[record.label or (record.names[0] if record.names else "(no skill)")] += 1
            continue
        key = record.source_key or nth(natural, f"{record.source}:{record.started}|{skill}")
        batch.append(
            (
                record.session_id,
                skill,
                clock.to_stored(record.started),
                clock.local_day(record.started),
                record.minutes,
                record.note,
                _json_list(record.tags),
                _json_list(record.links),
                record.source,
                key,
                *_own_identity(key),
            )
        )
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return out


_OWN_KEY = re.compile(r"roadmap:(\d{1,18})@(\S+)")


def _own_identity(key: str) -> tuple[int | None, str | None]:
    """A key our own export wrote for a session recorded here (``roadmap:ID@CREATED_AT``):
    that session's id and creation time, to find it without a key of its own."""
    match = _OWN_KEY.fullmatch(key)
    return (int(match[1]), match[2]) if match else (None, None)


def nth(seen: Counter[str], key: str) -> str:
    """``key`` made unique by its occurrence: the 2nd of two look-alike records is ``key#2``."""
    seen[key] += 1
    return key if seen[key] == 1 else f"{key}#{seen[key]}"


def archived_resolver(
    state: ExportState | None, resolve: Callable[[list[str]], str | None]
) -> tuple[Callable[[list[str]], str | None], set[str]]:
    """``resolve``, then the archived skills our own export carries (their history comes
    along: the skill is created, archived, when the import is applied)."""
    needed: set[str] = set()

    def resolver(names: list[str]) -> str | None:
        found = resolve(names)
        if found is not None or state is None:
            return found
        for name in names:
            spec = state.skills.get(name.strip())
            if spec is not None and spec.get("archived"):
                needed.add(spec["id"])
                return str(spec["id"])
        return None

    return resolver, needed


def create_archived(conn: Conn, state: ExportState, needed: set[str] | None) -> list[str]:
    """Create, archived, the skills (and pillars) of ``needed`` not in the database yet."""
    made: list[str] = []
    now = clock.stored_now()
    for skill_id in sorted(needed or ()):
        if write.current_skill_id(conn, skill_id) is not None:
            continue
        spec = state.skills[skill_id]
        pillar = str(spec.get("pillar") or "archived")
        if not conn.execute("SELECT 1 FROM pillar WHERE id = ?", (pillar,)).fetchone():
            p = state.pillars.get(pillar, {})
            write.upsert(
                conn,
                "pillar",
                ("id",),
                [
                    {
                        "id": pillar,
                        "name": str(p.get("name") or pillar),
                        "description": str(p.get("description") or ""),
                        "position": 1000,
                        "archived": True,
                    }
                ],
                keep=("name", "description", "position", "archived"),
            )
        write.upsert(
            conn,
            "skill",
            ("id",),
            [
                {
                    "id": skill_id,
                    "pillar_id": pillar,
                    "parent_id": None,
                    "name": str(spec.get("name") or skill_id),
                    "description": str(spec.get("description") or ""),
                    "weight": int(spec.get("weight") or 1),
                    "hours": float(spec.get("hours") or 20.0),
                    "position": 1000,
                    "depth": 0,
                    "resources": "[]",
                    "level": 0,
                    "archived": True,
                    "archived_at": now,
                }
            ],
        )
        made.append(skill_id)
    return made


def _problem(record: Record, now: datetime) -> str:
    if not record.ended:
        return "running"
    if not 1 <= record.minutes <= MAX_MINUTES:
        return f"{record.minutes} minutes (a session lasts 1 to {MAX_MINUTES})"
    if record.started > now:
        return f"starts in the future ({record.started.isoformat(timespec='minutes')})"
    return ""


def check_unknown(out: Outcome, skip_unknown: bool) -> None:
    """Unknown skills stop the import unless skipped (then they are counted)."""
    if not out.unknown:
        return
    if not skip_unknown:
        listing = ", ".join(f"{name} ({n})" for name, n in out.unknown.most_common(10))
        more = f" and {len(out.unknown) - 10} more" if len(out.unknown) > 10 else ""
        raise DataError(
            f"unknown skills, nothing imported: {listing}{more}",
            hint="map them with --map NAME=SKILL, or pass --skip-unknown",
        )
    out.skipped_unknown = sum(out.unknown.values())


def apply(
    conn: Conn,
    out: Outcome,
    label: str,
    state: ExportState | None,
    resolve: Callable[[list[str]], str | None],
    *,
    dry_run: bool,
    archived_needed: set[str] | None = None,
) -> Outcome:
    """Phase 2: mark duplicates and insert the rest, all in one transaction (or, for a
    dry run, count in a read transaction that is rolled back)."""
    spell = Dialect(conn)
    for statement in _STAGE_INDEXES:
        conn.execute(statement.format(temp="" if spell.postgres else spell.temp))
    if spell.postgres:
        conn.execute("ANALYZE import_stage")  # temp tables get no statistics on their own
    if dry_run:  # count in a read transaction, then roll it all back
        conn.execute("BEGIN")
        try:
            _mark_duplicates(conn, spell, out)
            if state is not None:
                out.state_items = apply_state(conn, state, resolve, dry_run=True, undo={})
            out.dry_run = True
        finally:
            conn.execute("ROLLBACK")
        return out
    with write.transaction(conn):  # the one write path: all of it and its journal, or none
        _mark_duplicates(conn, spell, out)
        undo: dict[str, list[Any]] = {}
        created: list[str] = []
        if state is not None:
            created = create_archived(conn, state, archived_needed)
            out.state_items = apply_state(conn, state, resolve, dry_run=False, undo=undo)
        ids = write.sessions_from_stage(conn, clock.to_stored(clock.now()))
        out.imported = len(ids)
        write.journal(
            conn,
            "import",
            f"import of {len(ids)} session(s) from {label}",
            {"sessions": ids, "state": undo, "created_skills": created},
        )
    return out


def _mark_duplicates(conn: Conn, spell: Dialect, out: Outcome) -> None:
    """Mark the staged rows already in the database (or twice in the file)."""
    conn.execute(spell.sql(_MARK_DUPLICATES))
    out.duplicates = conn.execute("SELECT COUNT(*) FROM import_stage WHERE dup = 1").fetchone()[0]
    out.imported = out.staged - out.duplicates


def drop_stage(conn: Conn) -> None:
    try:
        if getattr(conn, "in_transaction", False):
            conn.execute("ROLLBACK")
        conn.execute(f"DROP TABLE IF EXISTS {Dialect(conn).temp}import_stage")
    except Exception:
        pass  # the connection is closing anyway


def apply_state(
    conn: Conn,
    state: ExportState,
    resolve: Callable[[list[str]], str | None],
    *,
    dry_run: bool,
    undo: dict[str, list[Any]] | None = None,
) -> int:
    """Our own export: milestone checks, assessments, level history, reviews and levels.

    Only what is not there yet is added; returns how many items were (or would be) added.
    What was changed is noted in ``undo`` (for the journal), so ``roadmap undo`` reverts
    the whole import, not only its sessions.
    """
    stored = clock.to_stored
    added = 0
    if undo is None:
        undo = {}
    for part in ("checks", "assessments", "level_changes", "reviews", "skills"):
        undo.setdefault(part, [])
    for check in state.checks:
        skill = resolve([check["skill"]])
        if skill is None:
            continue
        args = (skill, check["milestone"])
        if dry_run:
            row = conn.execute(
                "SELECT 1 FROM milestone WHERE skill_id = ? AND key = ? AND checked_at IS NULL",
                args,
            ).fetchone()
            added += row is not None
            continue
        before = write.check_open_milestone(
            conn, *args, stored(check["checked_at"]), check["link"], check["note"]
        )
        if before is None:
            continue
        undo["checks"].append([*args, *before])
        added += 1
    for item in state.assessments:
        skill = resolve([item["skill"]])
        key = (skill, stored(item["assessed_at"]), item["level"])
        if (
            skill is None
            or conn.execute(
                "SELECT 1 FROM assessment WHERE skill_id = ? AND assessed_at = ? AND level = ?", key
            ).fetchone()
        ):
            continue
        added += 1
        if not dry_run:
            undo["assessments"].append(
                write.insert_assessment(
                    conn,
                    skill,
                    item["level"],
                    item["note"] or "",
                    key[1],
                    "calibrate" if item.get("kind") == "calibrate" else "assess",
                    item.get("evidence"),
                )
            )
    for item in state.level_history:
        skill = resolve([item["skill"]])
        key = (skill, stored(item["changed_at"]), item["level"])
        if (
            skill is None
            or conn.execute(
                "SELECT 1 FROM level_change WHERE skill_id = ? AND changed_at = ? AND level = ?",
                key,
            ).fetchone()
        ):
            continue
        added += 1
        if not dry_run:
            undo["level_changes"].append(
                write.insert(
                    conn,
                    "level_change",
                    {
                        "skill_id": skill,
                        "level": item["level"],
                        "previous": item["previous"],
                        "changed_at": key[1],
                        "cause": item["cause"] or "",
                    },
                )
            )
    for item in state.reviews:
        skill = resolve([item["skill"]])
        key = (skill, stored(item["reviewed_at"]), item["recall"])
        if (
            skill is None
            or conn.execute(
                "SELECT 1 FROM review WHERE skill_id = ? AND reviewed_at = ? AND rating = ?", key
            ).fetchone()
        ):
            continue
        added += 1
        if not dry_run:
            undo["reviews"].append(
                write.insert_review(
                    conn, skill, item["recall"], item["level"], item["note"] or "", key[1]
                )
            )
    if not dry_run:
        for item in state.skill_levels:
            skill = resolve([item["id"]])
            if skill is None or item["level_changed_at"] is None:
                continue
            prior = write.advance_skill_level(
                conn, skill, item["level"], stored(item["level_changed_at"])
            )
            if prior is not None:
                undo["skills"].append([skill, *prior])
    return added
