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
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from roadmap import clock
from roadmap.dbapi import Conn, dialect
from roadmap.errors import DataError
from roadmap.importers import ExportState, Record

BATCH = 1000
MAX_MINUTES = 24 * 60
SHOWN_INVALID = 5

_STAGE = """
CREATE TEMP TABLE import_stage (
    seq {serial} PRIMARY KEY,
    session_id INTEGER,
    skill_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    day TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    note TEXT NOT NULL,
    tags TEXT NOT NULL,
    links TEXT NOT NULL,
    source TEXT NOT NULL,
    source_key TEXT,
    dup INTEGER NOT NULL DEFAULT 0,
    keep_id INTEGER
)"""
_STAGE_INDEXES = (
    "CREATE INDEX {temp}ix_stage_key ON import_stage (source_key)",
    "CREATE INDEX {temp}ix_stage_natural ON import_stage (skill_id, started_at, minutes)",
    "CREATE INDEX {temp}ix_stage_session ON import_stage (session_id)",
)
_MARK_DUPLICATES = """
UPDATE import_stage SET dup = 1 WHERE
    (source_key IS NOT NULL AND EXISTS
        (SELECT 1 FROM main.session s WHERE s.source_key = import_stage.source_key))
    OR EXISTS (SELECT 1 FROM main.session s WHERE s.skill_id = import_stage.skill_id
        AND s.started_at = import_stage.started_at AND s.minutes = import_stage.minutes)
    OR (source_key IS NOT NULL AND EXISTS (SELECT 1 FROM import_stage e
        WHERE e.source_key = import_stage.source_key AND e.seq < import_stage.seq))
    OR EXISTS (SELECT 1 FROM import_stage e WHERE e.skill_id = import_stage.skill_id
        AND e.started_at = import_stage.started_at AND e.minutes = import_stage.minutes
        AND e.seq < import_stage.seq)
"""
_KEEP_IDS = """
UPDATE import_stage SET keep_id = session_id WHERE dup = 0 AND session_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM main.session s WHERE s.id = import_stage.session_id)
    AND NOT EXISTS (SELECT 1 FROM import_stage e WHERE e.session_id = import_stage.session_id
        AND e.dup = 0 AND e.seq < import_stage.seq)
"""
_COLUMNS = "skill_id, started_at, day, minutes, note, tags, links, source, source_key"
_INSERT = (
    f"INSERT INTO {{main}}session ({{id}}{_COLUMNS}, created_at) "
    f"SELECT {{value}}{_COLUMNS}, ? FROM import_stage WHERE dup = 0 AND {{which}} ORDER BY seq"
)


class Dialect:
    """The few spellings that differ between SQLite and PostgreSQL here."""

    def __init__(self, conn: Conn) -> None:
        self.postgres = dialect(conn) == "postgresql"
        self.main = "" if self.postgres else "main."
        self.temp = "pg_temp." if self.postgres else "temp."

    def sql(self, text: str) -> str:
        return text.replace("main.", self.main)

    def insert(self, keep: bool) -> str:
        if keep:
            return _INSERT.format(
                main=self.main, id="id, ", value="keep_id, ", which="keep_id IS NOT NULL"
            )
        if self.postgres:  # the id comes from the sequence
            return _INSERT.format(main=self.main, id="", value="", which="keep_id IS NULL")
        return _INSERT.format(main=self.main, id="id, ", value="NULL, ", which="keep_id IS NULL")


def insert_returning_id(conn: Conn, sql: str, args: tuple[Any, ...]) -> int:
    """Insert one row and return its id (``lastrowid`` on SQLite, ``RETURNING`` elsewhere)."""
    if dialect(conn) == "postgresql":
        return int(conn.execute(sql + " RETURNING id", args).fetchone()[0])
    cursor: Any = conn.execute(sql, args)
    return int(cursor.lastrowid)


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
    """Skill names from other trackers → our skill ids, like the CLI names skills: ``--map``,
    then (case-insensitively) a live skill's id or name, an old id (``was:``), an archived
    skill's id, then a unique prefix of a live skill's id or name (``triton`` for
    ``triton-kernels``). Ambiguous prefixes resolve to nothing (reported as unknown)."""

    def __init__(self, conn: Conn, mapping: dict[str, str]) -> None:
        self.known: dict[str, str] = {}
        rows = conn.execute("SELECT id, name, archived FROM skill ORDER BY id").fetchall()
        self.live = [(sid.lower(), name.strip().lower(), sid) for sid, name, a in rows if not a]
        for low_id, _name, sid in self.live:
            self.known[low_id] = sid
        for _id, low_name, sid in self.live:
            self.known.setdefault(low_name, sid)
        for old, sid in conn.execute("SELECT old_id, skill_id FROM skill_alias"):
            self.known.setdefault(old.lower(), sid)
        for sid, _name, archived in rows:
            if archived:
                self.known.setdefault(sid.lower(), sid)
        self.mapping = {k.strip().lower(): v for k, v in mapping.items()}
        self.prefixes: dict[str, str | None] = {}

    def _prefix(self, key: str) -> str | None:
        if key not in self.prefixes:
            found = {
                sid
                for low_id, low_name, sid in self.live
                if low_id.startswith(key) or low_name.startswith(key)
            }
            self.prefixes[key] = found.pop() if len(found) == 1 and key else None
        return self.prefixes[key]

    def __call__(self, names: list[str]) -> str | None:
        keys = [name.strip().lower() for name in names]
        for key in keys:
            if key in self.mapping:
                return self.mapping[key]
        for key in keys:
            found = self.known.get(key)
            if found is not None:
                return found
        for key in keys:
            found = self._prefix(key)
            if found is not None:
                return found
        return None


def _json_list(values: list[str]) -> str:
    return json.dumps(sorted(set(values)), ensure_ascii=False) if values else "[]"


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
    batch: list[tuple[Any, ...]] = []
    insert = (
        "INSERT INTO import_stage (session_id, skill_id, started_at, day, minutes, note, tags, "
        "links, source, source_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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
                record.source_key,
            )
        )
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return out


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
) -> Outcome:
    """Phase 2: mark duplicates and insert the rest, all in one transaction (or, for a
    dry run, count in a read transaction that is rolled back)."""
    spell = Dialect(conn)
    for statement in _STAGE_INDEXES:
        conn.execute(statement.format(temp="" if spell.postgres else spell.temp))
    if spell.postgres:
        conn.execute("ANALYZE import_stage")  # temp tables get no statistics on their own
    conn.execute("BEGIN" if dry_run else "BEGIN IMMEDIATE")
    try:
        conn.execute(spell.sql(_MARK_DUPLICATES))
        out.duplicates = conn.execute("SELECT COUNT(*) FROM import_stage WHERE dup = 1").fetchone()[
            0
        ]
        out.imported = out.staged - out.duplicates
        undo: dict[str, list[Any]] = {}
        if state is not None:
            out.state_items = apply_state(conn, state, resolve, dry_run=dry_run, undo=undo)
        if dry_run:
            out.dry_run = True
            conn.execute("ROLLBACK")
            return out
        now = clock.to_stored(clock.now())
        conn.execute(spell.sql(_KEEP_IDS))
        kept = [r[0] for r in conn.execute("SELECT keep_id FROM import_stage WHERE keep_id > 0")]
        conn.execute(spell.insert(keep=True), (now,))
        top = conn.execute(spell.sql("SELECT COALESCE(MAX(id), 0) FROM main.session")).fetchone()[0]
        if spell.postgres:
            from roadmap.pg import RESYNC_IDS

            conn.execute(RESYNC_IDS)  # new ids follow the kept ones, as on SQLite
        conn.execute(spell.insert(keep=False), (now,))
        ids = kept + [
            r[0]
            for r in conn.execute(
                spell.sql("SELECT id FROM main.session WHERE id > ? ORDER BY id"), (top,)
            )
        ]
        out.imported = len(ids)
        conn.execute(
            spell.sql(
                "INSERT INTO main.journal (at, action, summary, payload) VALUES (?, 'import', ?, ?)"
            ),
            (
                now,
                f"import of {len(ids)} session(s) from {label}",
                json.dumps({"sessions": ids, "state": undo}),
            ),
        )
        del ids, kept
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return out


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
    """Our own export: milestone checks, assessments, level history and levels.

    Only what is not there yet is added; returns how many items were (or would be) added.
    What was changed is noted in ``undo`` (for the journal), so ``roadmap undo`` reverts
    the whole import, not only its sessions.
    """
    stored = clock.to_stored
    added = 0
    if undo is None:
        undo = {}
    for part in ("checks", "assessments", "level_changes", "skills"):
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
        before = conn.execute(
            "SELECT link, note FROM milestone WHERE skill_id = ? AND key = ? AND checked_at IS NULL",
            args,
        ).fetchone()
        if before is None:
            continue
        conn.execute(
            "UPDATE milestone SET checked_at = ?, link = ?, note = ? "
            "WHERE skill_id = ? AND key = ? AND checked_at IS NULL",
            (stored(check["checked_at"]), check["link"], check["note"], *args),
        )
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
                insert_returning_id(
                    conn,
                    "INSERT INTO assessment (skill_id, level, note, assessed_at, kind) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        skill,
                        item["level"],
                        item["note"] or "",
                        key[1],
                        "calibrate" if item.get("kind") == "calibrate" else "assess",
                    ),
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
                insert_returning_id(
                    conn,
                    "INSERT INTO level_change (skill_id, level, previous, changed_at, cause) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (skill, item["level"], item["previous"], key[1], item["cause"] or ""),
                )
            )
    if not dry_run:
        for item in state.skill_levels:
            skill = resolve([item["id"]])
            if skill is None or item["level_changed_at"] is None:
                continue
            before = conn.execute(
                "SELECT level, level_changed_at FROM skill WHERE id = ?", (skill,)
            ).fetchone()
            cursor = conn.execute(
                "UPDATE skill SET level = ?, level_changed_at = ? "
                "WHERE id = ? AND COALESCE(level_changed_at, '') < ?",
                (
                    item["level"],
                    stored(item["level_changed_at"]),
                    skill,
                    stored(item["level_changed_at"]),
                ),
            )
            if cursor.rowcount and before is not None:
                undo["skills"].append([skill, *before])
    return added
