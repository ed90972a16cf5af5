"""The one write path: every change to the rows, as plain SQL over :class:`roadmap.store.protocol.Conn`.

Callers open one :func:`transaction` (``BEGIN IMMEDIATE``: on SQLite the write lock is
taken before anything is read; on PostgreSQL roadmap's advisory lock) and make their
change and its journal entry inside it, so both land or neither does. The rules that
protect the data stay in the schema: one timer at most (a unique slot), foreign keys,
the running totals kept by triggers.

The same statements run on both backends: ``?`` parameters, ``INSERT ... ON CONFLICT``,
booleans passed as parameters, ids read back with ``RETURNING`` on a server.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from roadmap import clock
from roadmap.errors import RoadmapError, StateError
from roadmap.store.protocol import Conn, dialect

SESSION_FIELDS = (
    "id",
    "skill_id",
    "started_at",
    "day",
    "minutes",
    "note",
    "tags",
    "links",
    "source",
    "source_key",
    "created_at",
)
_SESSION_SELECT = f"SELECT {', '.join(SESSION_FIELDS)} FROM session"
HISTORY_TABLES = ("session", "assessment", "level_change", "review", "timer", "skill_alias")


@contextmanager
def transaction(conn: Conn) -> Iterator[Conn]:
    """One write transaction: all of it is committed, or none of it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        with suppress(Exception):  # a lost connection: nothing was committed anyway
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _is_constraint(exc: BaseException) -> bool:
    """A broken unique, foreign-key or check rule: SQLite's IntegrityError, or on a server
    the psycopg error (SQLSTATE class 23) that :mod:`roadmap.store.pg` translated."""
    if isinstance(exc, sqlite3.IntegrityError):
        return True
    cause = exc.__cause__ or exc.__context__
    state = str(getattr(exc, "sqlstate", "") or getattr(cause, "sqlstate", "") or "")
    return state.startswith("23")


def insert(conn: Conn, table: str, row: dict[str, Any]) -> int:
    """Insert one row; return its id (tables with an ``id`` column)."""
    columns = list(row)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    args = tuple(row[c] for c in columns)
    if dialect(conn) == "postgresql":
        return int(conn.execute(sql + " RETURNING id", args).fetchone()[0])
    cursor: Any = conn.execute(sql, args)
    return int(cursor.lastrowid)


def upsert(
    conn: Conn,
    table: str,
    keys: tuple[str, ...],
    rows: Iterable[dict[str, Any]],
    keep: tuple[str, ...] = (),
) -> None:
    """Insert rows, or update the existing ones with the same ``keys`` (the ``keep``
    columns are set on insert only)."""
    batch = list(rows)
    if not batch:
        return
    columns = list(batch[0])
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys + keep)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT ({', '.join(keys)}) DO " + (f"UPDATE SET {updates}" if updates else "NOTHING")
    )
    conn.executemany(sql, [tuple(r[c] for c in columns) for r in batch])


# --- the journal ----------------------------------------------------------------------


def journal(conn: Conn, action: str, summary: str, payload: dict[str, Any]) -> int:
    """Append the journal entry of the change being made (same transaction)."""
    return insert(
        conn,
        "journal",
        {
            "at": clock.stored_now(),
            "action": action,
            "summary": summary,
            "payload": json.dumps(payload, ensure_ascii=False),
        },
    )


def latest_entry(conn: Conn) -> tuple[int, str, str, dict[str, Any]] | None:
    """The newest journal entry not yet undone: (id, action, summary, payload)."""
    row = conn.execute(
        "SELECT id, action, summary, payload FROM journal WHERE undone_at IS NULL "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    return int(row[0]), str(row[1]), str(row[2]), json.loads(row[3])


def mark_undone(conn: Conn, entry_id: int, set_aside: str | None = None) -> None:
    """Mark an entry undone (or, with ``set_aside``, skipped: it can no longer be applied)."""
    if set_aside is None:
        conn.execute(
            "UPDATE journal SET undone_at = ? WHERE id = ?", (clock.stored_now(), entry_id)
        )
        return
    row = conn.execute("SELECT payload FROM journal WHERE id = ?", (entry_id,)).fetchone()
    payload = json.loads(row[0]) if row else {}
    payload["set_aside"] = set_aside
    conn.execute(
        "UPDATE journal SET undone_at = ?, payload = ? WHERE id = ?",
        (clock.stored_now(), json.dumps(payload, ensure_ascii=False), entry_id),
    )


# --- skills -----------------------------------------------------------------------------


def current_skill_id(conn: Conn, skill_id: str) -> str | None:
    """Where a skill id recorded earlier lives now: itself, or the skill it was renamed to
    (``was:``, followed through several renames); None if neither exists."""
    seen: set[str] = set()
    current = skill_id
    while current not in seen:
        seen.add(current)
        if conn.execute("SELECT 1 FROM skill WHERE id = ?", (current,)).fetchone():
            return current
        row = conn.execute(
            "SELECT skill_id FROM skill_alias WHERE old_id = ?", (current,)
        ).fetchone()
        if row is None:
            return None
        current = str(row[0])
    return None


def skill_state(conn: Conn, skill_id: str) -> dict[str, Any]:
    row = conn.execute(
        "SELECT level, level_changed_at FROM skill WHERE id = ?", (skill_id,)
    ).fetchone()
    if row is None:
        raise StateError(f"unknown skill '{skill_id}'")
    return {"level": int(row[0]), "level_changed_at": row[1]}


def set_skill_state(conn: Conn, skill_id: str, level: int, changed_at: str | None) -> None:
    conn.execute(
        "UPDATE skill SET level = ?, level_changed_at = ? WHERE id = ?",
        (level, changed_at, skill_id),
    )


def milestone_counts(conn: Conn, skill_id: str) -> dict[int, tuple[int, int]]:
    rows = conn.execute(
        "SELECT level, COUNT(checked_at), COUNT(*) FROM milestone "
        "WHERE skill_id = ? AND NOT archived GROUP BY level",
        (skill_id,),
    ).fetchall()
    return {int(level): (int(checked), int(total)) for level, checked, total in rows}


def latest_assessment(conn: Conn, skill_id: str) -> int | None:
    row = conn.execute(
        "SELECT level FROM assessment WHERE skill_id = ? "
        "ORDER BY assessed_at DESC, id DESC LIMIT 1",
        (skill_id,),
    ).fetchone()
    return None if row is None else int(row[0])


def recompute_level(conn: Conn, skill_id: str, at: str, cause: str) -> dict[str, Any] | None:
    """Recompute and store the level of ``skill_id`` (:func:`roadmap.analysis.current_level`);
    return the recorded change, if any."""
    from roadmap import analysis

    row = conn.execute("SELECT level FROM skill WHERE id = ?", (skill_id,)).fetchone()
    if row is None:
        return None
    level = analysis.current_level(
        latest_assessment(conn, skill_id),
        analysis.milestone_level(milestone_counts(conn, skill_id)),
    )
    previous = int(row[0])
    if level == previous:
        return None
    change = {
        "skill_id": skill_id,
        "level": level,
        "previous": previous,
        "changed_at": at,
        "cause": cause,
    }
    change["id"] = insert(conn, "level_change", change)
    set_skill_state(conn, skill_id, level, at)
    return change


def delete_ids(conn: Conn, table: str, ids: list[int]) -> None:
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        conn.execute(
            f"DELETE FROM {table} WHERE id IN ({', '.join('?' for _ in chunk)})", tuple(chunk)
        )


# --- sessions ---------------------------------------------------------------------------


def session_row(conn: Conn, session_id: int) -> dict[str, Any] | None:
    row = conn.execute(f"{_SESSION_SELECT} WHERE id = ?", (session_id,)).fetchone()
    return None if row is None else dict(zip(SESSION_FIELDS, row, strict=True))


def insert_session(conn: Conn, row: dict[str, Any]) -> int:
    """Insert a session (with its ``id`` if the row has one: undo puts rows back exactly)."""
    values = {k: row[k] for k in SESSION_FIELDS if k in row and (k != "id" or row[k] is not None)}
    return insert(conn, "session", values)


def update_session(conn: Conn, session_id: int, changes: dict[str, Any]) -> None:
    if not changes:
        return
    sets = ", ".join(f"{column} = ?" for column in changes)
    conn.execute(f"UPDATE session SET {sets} WHERE id = ?", (*changes.values(), session_id))


def delete_session(conn: Conn, session_id: int) -> None:
    conn.execute("DELETE FROM session WHERE id = ?", (session_id,))


# --- the timer --------------------------------------------------------------------------


def timer_row(conn: Conn) -> dict[str, Any] | None:
    row = conn.execute("SELECT id, skill_id, started_at, note FROM timer").fetchone()
    if row is None:
        return None
    return {"id": int(row[0]), "skill_id": row[1], "started_at": row[2], "note": row[3] or ""}


def insert_timer(conn: Conn, timer: dict[str, Any]) -> None:
    """Start a timer; the schema's unique slot refuses a second one (another process won)."""
    values: dict[str, Any] = {
        k: timer[k] for k in ("id", "skill_id", "started_at", "note") if k in timer
    }
    if values.get("id") is None:
        values.pop("id", None)
    values["slot"] = 1
    try:
        insert(conn, "timer", values)
    except (sqlite3.IntegrityError, RoadmapError) as exc:
        if _is_constraint(exc):
            raise StateError("a timer is already running (started by another process)") from None
        raise


def delete_timer(conn: Conn) -> None:
    conn.execute("DELETE FROM timer")


# --- milestones and assessments ---------------------------------------------------------


def milestone_row(conn: Conn, skill_id: str, key: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT level, position, text, checked_at, link, note FROM milestone "
        "WHERE skill_id = ? AND key = ?",
        (skill_id, key),
    ).fetchone()
    if row is None:
        return None
    return {
        "skill_id": skill_id,
        "key": key,
        "level": int(row[0]),
        "position": int(row[1]),
        "text": row[2],
        "checked_at": row[3],
        "link": row[4],
        "note": row[5],
    }


def set_milestone(
    conn: Conn, skill_id: str, key: str, checked_at: str | None, link: str | None, note: str | None
) -> None:
    conn.execute(
        "UPDATE milestone SET checked_at = ?, link = ?, note = ? WHERE skill_id = ? AND key = ?",
        (checked_at, link, note, skill_id, key),
    )


def insert_assessment(
    conn: Conn,
    skill_id: str,
    level: int,
    note: str,
    at: str,
    kind: str = "assess",
    evidence: str | None = None,
) -> int:
    """An assessment (``kind`` ``assess``, with its evidence), or a starting level
    (``calibrate``)."""
    row: dict[str, Any] = {
        "skill_id": skill_id,
        "level": level,
        "note": note,
        "assessed_at": at,
        "kind": kind,
    }
    if evidence is not None:
        row["evidence"] = evidence
    return insert(conn, "assessment", row)


def insert_review(conn: Conn, skill_id: str, rating: str, level: int, note: str, at: str) -> int:
    """A spaced-repetition review of the skill's level (``review SKILL --recall``)."""
    return insert(
        conn,
        "review",
        {"skill_id": skill_id, "reviewed_at": at, "rating": rating, "level": level, "note": note},
    )


def meta_set(conn: Conn, values: dict[str, str]) -> None:
    upsert(conn, "meta", ("key",), ({"key": k, "value": v} for k, v in values.items()))


def drop_unused_skill(conn: Conn, skill_id: str) -> None:
    """Delete a skill that an import created, if nothing refers to it any more."""
    for table in HISTORY_TABLES:
        if conn.execute(f"SELECT 1 FROM {table} WHERE skill_id = ?", (skill_id,)).fetchone():
            return
    for table in ("skill_day", "skill_total"):
        conn.execute(f"DELETE FROM {table} WHERE skill_id = ?", (skill_id,))
    conn.execute("DELETE FROM milestone WHERE skill_id = ?", (skill_id,))
    conn.execute("DELETE FROM skill WHERE id = ?", (skill_id,))


def insert_sessions(conn: Conn, rows: list[dict[str, Any]]) -> None:
    """Many sessions at once (the demo's history): one statement, the same columns each."""
    if not rows:
        return
    columns = list(rows[0])
    conn.executemany(
        f"INSERT INTO session ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        [tuple(r[c] for c in columns) for r in rows],
    )


# --- the tree, synced from the skills file ----------------------------------------------


def archive(conn: Conn, table: str, ids: Iterable[str], at: str | None = None) -> None:
    """Mark pillars, targets or skills (``at``: when, for skills) as no longer in the tree:
    archived, never deleted, so their history stays."""
    if table == "skill":
        conn.executemany(
            "UPDATE skill SET archived = ?, archived_at = ? WHERE id = ?",
            [(True, at, i) for i in ids],
        )
    elif table in ("pillar", "target"):
        conn.executemany(f"UPDATE {table} SET archived = ? WHERE id = ?", [(True, i) for i in ids])
    else:
        raise ValueError(f"nothing to archive in {table}")


def archive_milestones(conn: Conn, keys: Iterable[tuple[str, str]]) -> None:
    """Milestones (skill id, key) the skills file no longer has: kept, with their checks."""
    conn.executemany(
        "UPDATE milestone SET archived = ? WHERE skill_id = ? AND key = ?",
        [(True, s, k) for s, k in keys],
    )


def replace_prerequisites(conn: Conn, rows: list[tuple[str, str, int, int]]) -> None:
    """All prerequisites, as (skill, requires, level, position): the file's, in its order."""
    conn.execute("DELETE FROM prerequisite")
    conn.executemany(
        "INSERT INTO prerequisite (skill_id, requires_id, level, position) VALUES (?, ?, ?, ?)",
        rows,
    )


def replace_target_requirements(conn: Conn, rows: list[tuple[str, str, int, int]]) -> None:
    """All target requirements, as (target, skill, level, position), in the file's order."""
    conn.execute("DELETE FROM target_requirement")
    conn.executemany(
        "INSERT INTO target_requirement (target_id, skill_id, level, position) VALUES (?, ?, ?, ?)",
        rows,
    )


def move_skill_history(conn: Conn, old: str, new: str) -> None:
    """A skill renamed with ``was:``: everything recorded under ``old`` moves to ``new``
    (sessions, assessments, levels, the timer, aliases, milestone checks), then ``old``
    goes. A check on a milestone both have is kept where ``new`` has none."""
    for table in HISTORY_TABLES:
        conn.execute(f"UPDATE {table} SET skill_id = ? WHERE skill_id = ?", (new, old))
    new_keys = {
        str(r[0]) for r in conn.execute("SELECT key FROM milestone WHERE skill_id = ?", (new,))
    }
    moved = conn.execute(
        "SELECT key, level, position, text, checked_at, link, note FROM milestone "
        "WHERE skill_id = ?",
        (old,),
    ).fetchall()
    for key, level, position, text, checked_at, link, note in moved:
        if key in new_keys:
            if checked_at:
                check_open_milestone(conn, new, key, checked_at, link, note)
            continue
        upsert(
            conn,
            "milestone",
            ("skill_id", "key"),
            [
                {
                    "skill_id": new,
                    "key": key,
                    "level": level,
                    "position": position,
                    "text": text,
                    "archived": True,
                    "checked_at": checked_at,
                    "link": link,
                    "note": note,
                }
            ],
        )
    conn.execute("DELETE FROM milestone WHERE skill_id = ?", (old,))


def drop_renamed_skill(conn: Conn, old: str) -> None:
    """The old id of a renamed skill, once its history has moved."""
    conn.execute("DELETE FROM target_requirement WHERE skill_id = ?", (old,))
    conn.execute("DELETE FROM prerequisite WHERE skill_id = ?", (old,))
    conn.execute("DELETE FROM skill WHERE id = ?", (old,))


# --- imported state -------------------------------------------------------------------


def check_open_milestone(
    conn: Conn, skill_id: str, key: str, checked_at: str, link: str | None, note: str | None
) -> tuple[str | None, str | None] | None:
    """Check a milestone that is not checked yet; its (link, note) before, or None if it
    was already checked (or does not exist): an earlier check is never overwritten."""
    before = conn.execute(
        "SELECT link, note FROM milestone WHERE skill_id = ? AND key = ? AND checked_at IS NULL",
        (skill_id, key),
    ).fetchone()
    if before is None:
        return None
    conn.execute(
        "UPDATE milestone SET checked_at = ?, link = ?, note = ? "
        "WHERE skill_id = ? AND key = ? AND checked_at IS NULL",
        (checked_at, link, note, skill_id, key),
    )
    return before[0], before[1]


def advance_skill_level(conn: Conn, skill_id: str, level: int, changed_at: str) -> list[Any] | None:
    """Set a skill's level from a history whose change is newer than the one stored; the
    (level, changed_at) before, or None when the stored one is as new or newer."""
    before = conn.execute(
        "SELECT level, level_changed_at FROM skill WHERE id = ?", (skill_id,)
    ).fetchone()
    cursor = conn.execute(
        "UPDATE skill SET level = ?, level_changed_at = ? "
        "WHERE id = ? AND COALESCE(level_changed_at, '') < ?",
        (level, changed_at, skill_id, changed_at),
    )
    if cursor.rowcount and before is not None:
        return [before[0], before[1]]
    return None


# An id from an import file is kept only when it is free and in our own range: ids from a
# file are never trusted to be ours (a huge one would leave no room for the next session).
MAX_KEPT_ID = 2**31 - 1
_KEEP_IDS = f"""
UPDATE import_stage SET keep_id = session_id WHERE dup = 0 AND session_id IS NOT NULL
    AND session_id BETWEEN 1 AND {MAX_KEPT_ID}
    AND NOT EXISTS (SELECT 1 FROM main.session s WHERE s.id = import_stage.session_id)
    AND NOT EXISTS (SELECT 1 FROM import_stage e WHERE e.session_id = import_stage.session_id
        AND e.dup = 0 AND e.seq < import_stage.seq)
"""
_STAGED = "skill_id, started_at, day, minutes, note, tags, links, source, source_key"
_FROM_STAGE = (
    f"INSERT INTO {{main}}session ({{id}}{_STAGED}, created_at) "
    f"SELECT {{value}}{_STAGED}, ? FROM import_stage WHERE dup = 0 AND {{which}} ORDER BY seq"
)


def sessions_from_stage(conn: Conn, created_at: str) -> list[int]:
    """The staged sessions not marked as duplicates (``import_stage``, a temporary table),
    into ``session``: a free id from the file is kept, the rest are numbered after. The
    new sessions' ids, in order."""
    postgres = dialect(conn) == "postgresql"
    main = "" if postgres else "main."
    conn.execute(_KEEP_IDS.replace("main.", main))
    conn.execute(
        _FROM_STAGE.format(main=main, id="id, ", value="keep_id, ", which="keep_id IS NOT NULL"),
        (created_at,),
    )
    if postgres:
        from roadmap.store.pg import RESYNC_IDS

        conn.execute(RESYNC_IDS)  # new ids follow the kept ones, as on SQLite
        rest = _FROM_STAGE.format(main=main, id="", value="", which="keep_id IS NULL")
    else:
        rest = _FROM_STAGE.format(main=main, id="id, ", value="NULL, ", which="keep_id IS NULL")
    conn.execute(rest, (created_at,))
    return [
        int(r[0])
        for r in conn.execute(
            f"SELECT s.id FROM {main}session s JOIN import_stage e "
            "ON e.source_key = s.source_key WHERE e.dup = 0 ORDER BY s.id"
        )
    ]


# --- the local day of every session, in the zone of the machine that shows it -----------


def reday(conn: Conn) -> int:
    """If the sessions' days were computed in another time zone, compute them again here
    (the totals follow through the triggers); returns how many sessions moved day."""
    zone = clock.zone_fingerprint()
    row = conn.execute("SELECT value FROM meta WHERE key = 'day_zone'").fetchone()
    if row is not None and row[0] == zone:
        return 0
    moved = []
    for session_id, started_at, day in conn.execute("SELECT id, started_at, day FROM session"):
        try:
            local = clock.local_day(clock.from_stored(started_at))
        except ValueError:  # not a stored time: doctor's dates check reports it
            continue
        if local != day:
            moved.append((local, session_id))
    for start in range(0, len(moved), 1000):
        conn.executemany("UPDATE session SET day = ? WHERE id = ?", moved[start : start + 1000])
    meta_set(conn, {"day_zone": zone})
    return len(moved)
