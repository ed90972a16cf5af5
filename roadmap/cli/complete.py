"""Shell completion for skill and target ids, read from the database (stdlib, read-only).

Completion runs on every <TAB>, so it opens the database read-only, makes one small
query and never creates, migrates or syncs anything; any problem means "no suggestions".
"""

from __future__ import annotations

import sqlite3
from typing import Any


def _db_path(ctx: Any) -> str | None:
    from roadmap import paths

    root = ctx.find_root() if ctx is not None else None
    option = root.params.get("db") if root is not None else None
    location = paths.resolve(option, None)
    return str(location.db) if location.db.is_file() else None


def _ids(ctx: Any, sql: str, incomplete: str) -> list[tuple[str, str]]:
    path = _db_path(ctx)
    if path is None:
        return []
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.5)
        try:
            escaped = incomplete.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            rows = conn.execute(sql, (escaped + "%",)).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
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
