"""Copy every roadmap row from one database to another of the same schema revision:
a server database into a SQLite file (its backup) and back (its restore).

Rows go table by table in foreign-key order, in the caller's transaction. The totals
kept by triggers (``skill_day``, ``skill_total``, ``study_day``) are copied last, over
what the triggers made, so the copy is exact either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from roadmap.store.protocol import Conn, dialect

TRIGGER_KEPT = ("skill_day", "skill_total", "study_day")
ORDER = (
    "meta",
    "pillar",
    "skill",
    "skill_alias",
    "prerequisite",
    "milestone",
    "target",
    "target_requirement",
    "session",
    "assessment",
    "level_change",
    "review",
    "timer",
    "journal",
    *TRIGGER_KEPT,
)
BATCH = 1000


def tables(conn: Conn) -> dict[str, list[tuple[str, str]]]:
    """Each roadmap table's columns as (name, type), in foreign-key order."""
    if dialect(conn) == "sqlite":
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        found = {
            n: [(str(c[1]), str(c[2]).lower()) for c in conn.execute(f'PRAGMA table_info("{n}")')]
            for n in names
        }
    else:
        found = {}
        for table, column, kind in conn.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        ):
            found.setdefault(str(table), []).append((str(column), str(kind).lower()))
    return {name: found[name] for name in ORDER if name in found}


def _converter(kind: str, target: str) -> Callable[[Any], Any] | None:
    if target == "postgresql" and kind == "boolean":
        return lambda v: None if v is None else bool(v)
    return None


def _rows(source: Conn, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    quoted = ", ".join(f'"{c}"' for c in columns)
    yield from source.execute(f'SELECT {quoted} FROM "{table}"')


def copy(source: Conn, dest: Conn) -> int:
    """Replace every row of ``dest`` with those of ``source``; returns the rows copied.

    Both must be at the same schema revision; the caller holds the write transaction."""
    have = tables(source)
    want = tables(dest)
    for table in reversed(list(want)):
        dest.execute(f'DELETE FROM "{table}"')
    total = 0
    target = dialect(dest)
    for table, columns in want.items():
        if table not in have:
            continue
        shared = [(c, k) for c, k in columns if c in {name for name, _ in have[table]}]
        names = [c for c, _ in shared]
        convert = [_converter(k, target) for _, k in shared]
        if table in TRIGGER_KEPT:
            dest.execute(f'DELETE FROM "{table}"')
        sql = (
            f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in names)}) '
            f"VALUES ({', '.join('?' for _ in names)})"
        )
        batch: list[tuple[Any, ...]] = []
        for row in _rows(source, table, names):
            if any(convert):
                row = tuple(f(v) if f else v for f, v in zip(convert, row, strict=True))
            batch.append(tuple(row))
            if len(batch) >= BATCH:
                dest.executemany(sql, batch)
                total += len(batch)
                batch = []
        if batch:
            dest.executemany(sql, batch)
            total += len(batch)
    return total
