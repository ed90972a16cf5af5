"""Is a SQLite file's schema exactly what our migrations make? (restore, doctor)

A backup carrying one extra trigger can rewrite history on the next write (one foreign
``AFTER INSERT`` trigger turned ten sessions into one). So a file is compared, object by
object, with a reference database built by our own migrations at the file's revision:
every table (its columns), index (its columns), trigger and view (its SQL) must be ours,
and nothing may be missing. The reference is built in a temporary directory with Alembic,
which only these rare commands import.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import tempfile
from pathlib import Path

Objects = dict[tuple[str, str], str]


def objects(conn: sqlite3.Connection) -> Objects:
    """Every schema object, as (type, name) -> what must match."""
    out: Objects = {}
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
    ).fetchall()
    for kind, name, table, sql in rows:
        if kind == "table":
            columns = conn.execute(f'PRAGMA table_info("{name}")').fetchall()
            out[(kind, name)] = ",".join(sorted(str(c[1]) for c in columns))
        elif kind == "index":
            columns = conn.execute(f'PRAGMA index_info("{name}")').fetchall()
            out[(kind, name)] = f"{table}({','.join(str(c[2]) for c in columns)})"
        else:  # trigger, view: their whole text
            out[(kind, name)] = re.sub(r"\s+", " ", str(sql or "")).strip().lower()
    return out


@functools.lru_cache(maxsize=4)
def reference(revision: str) -> Objects:
    """The objects our migrations make at ``revision``."""
    from roadmap.store import migrate

    with tempfile.TemporaryDirectory(prefix="roadmap-schema-") as folder:
        path = Path(folder) / "reference.db"
        migrate.upgrade(path, revision)
        conn = sqlite3.connect(path)
        try:
            return objects(conn)
        finally:
            conn.close()


def differences(conn: sqlite3.Connection, revision: str) -> list[str]:
    """What in ``conn``'s schema our migrations at ``revision`` would not have made (or
    made otherwise, or made and is missing); empty when the schema is exactly ours."""
    mine, ours = objects(conn), reference(revision)
    found = []
    for key in sorted(set(mine) | set(ours)):
        kind, name = key
        if key not in ours:
            found.append(f"an unknown {kind} '{name}'")
        elif key not in mine:
            found.append(f"the {kind} '{name}' is missing")
        elif mine[key] != ours[key]:
            found.append(f"the {kind} '{name}' is not as roadmap makes it")
    return found
