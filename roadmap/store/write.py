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


# --- the local day of every session, in the zone of the machine that shows it -----------


def zone_fingerprint() -> str:
    """This machine's local time zone, as far as it changes local days: its names and its
    standard and summer offsets (``Asia/Tokyo`` and ``America/Los_Angeles`` differ)."""
    import time

    return f"{'/'.join(time.tzname)} {time.timezone} {time.altzone} {time.daylight}"


def reday(conn: Conn) -> int:
    """If the sessions' days were computed in another time zone, compute them again here
    (the totals follow through the triggers); returns how many sessions moved day."""
    zone = zone_fingerprint()
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
