"""SQLite errors as one clear message with its exit code (used by the opener, the write
path and the migrations alike)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from roadmap.errors import (
    BusyError,
    DatabaseRefused,
    PermissionDenied,
    RoadmapError,
    StorageError,
)


def translate(exc: sqlite3.Error, db: Path) -> RoadmapError:
    """Turn a sqlite3 error into one clear message with its exit code."""
    text = str(exc)
    lower = text.lower()
    if "locked" in lower or "busy" in lower:
        return BusyError(f"the database {db} is busy (another roadmap is writing); try again")
    if "readonly" in lower or "read-only" in lower or "unable to open" in lower:
        return PermissionDenied(f"cannot write to the database {db}: it is read-only ({text})")
    if "full" in lower or ("disk i/o" in lower and _disk_full(db)):
        return StorageError(
            f"the disk holding {db} is full; nothing was written",
            hint="free some space and try again: your data is intact",
        )
    if "disk i/o" in lower:
        return StorageError(f"I/O error on {db}: {text}; nothing was written")
    if "malformed" in lower or "not a database" in lower or "corrupt" in lower:
        return DatabaseRefused(
            f"the database {db} is damaged ({text})",
            hint="run 'roadmap doctor', or restore a backup with 'roadmap restore PATH'",
        )
    return RoadmapError(f"database error on {db}: {text}")


def _disk_full(db: Path) -> bool:
    """Whether the file system holding ``db`` has (almost) no space left: SQLite reports
    a failed ``-shm`` allocation on a full disk as a plain "disk I/O error"."""
    try:
        stats = os.statvfs(db.parent)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False
    return stats.f_bavail * stats.f_frsize < 64 * 1024
