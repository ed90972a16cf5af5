"""Shell completion for skill and target ids, read from the database (stdlib, read-only).

Completion runs on every <TAB>, so it opens the database read-only, makes one small
query and never creates, migrates or syncs anything; any problem means "no suggestions".
"""

from __future__ import annotations

import sqlite3
from typing import Any


def _where(ctx: Any) -> tuple[str | None, str | None]:
    """(SQLite path if the file exists, server URL) from ``--db`` / ``$ROADMAP_DB``."""
    from roadmap import paths

    root = ctx.find_root() if ctx is not None else None
    option = root.params.get("db") if root is not None else None
    try:
        location = paths.resolve(option, None)
    except Exception:
        return None, None
    if location.server is not None:
        return None, location.server
    return (str(location.db) if location.db.is_file() else None), None


def _ids(ctx: Any, sql: str, incomplete: str) -> list[tuple[str, str]]:
    path, server = _where(ctx)
    escaped = incomplete.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if server is not None:
        return _server_ids(server, sql, escaped + "%")
    if path is None:
        return []
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.5)
        try:
            rows = conn.execute(sql, (escaped + "%",)).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return []
    return [(str(a), str(b)) for a, b in rows]


def _server_ids(url: str, sql: str, pattern: str) -> list[tuple[str, str]]:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=2, autocommit=True) as conn:
            conn.execute("SET default_transaction_read_only = on")
            rows = conn.execute(sql.replace("?", "%s"), (pattern,)).fetchall()
    except Exception:
        return []
    return [(str(a), str(b)) for a, b in rows]


def skills(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """Leaf and parent skill ids (not archived) starting with what was typed."""
    return _ids(
        ctx,
        "SELECT id, name FROM skill WHERE NOT archived AND id LIKE ? ESCAPE '\\' ORDER BY id",
        incomplete,
    )


def targets(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """Target ids starting with what was typed."""
    return _ids(
        ctx,
        "SELECT id, name FROM target WHERE NOT archived AND id LIKE ? ESCAPE '\\' ORDER BY id",
        incomplete,
    )
