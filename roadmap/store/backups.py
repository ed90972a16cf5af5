"""``roadmap backup`` and ``roadmap restore``: whole-database copies, done safely.

- A backup is made with SQLite's online backup API (consistent while another process
  writes), into a temp file beside the destination that is fsynced and then renamed:
  an interrupted backup leaves no half file.
- A restore first checks that the file is a roadmap database (our application id,
  a migration revision this version knows, an intact file), backs the current
  database up (or, if the current one is damaged, copies its bytes aside), then
  copies the backup *into* the live database with the backup API: SQLite locks and
  journals the copy, so other processes never see half of it and a kill mid-way
  leaves the old database as it was.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from roadmap import atomic, paths
from roadmap.errors import CannotCreateError, DatabaseRefused, NoInputError
from roadmap.store import schemacheck
from roadmap.store import sqlite as db

_REVISION = re.compile(r"""^revision\s*(?::\s*str\s*)?=\s*["']([^"']+)["']""", re.MULTILINE)


def known_revisions() -> set[str]:
    """The migration revisions this version of roadmap knows."""
    found: set[str] = set()
    for script in (paths.migrations_dir() / "versions").glob("*.py"):
        match = _REVISION.search(script.read_text(encoding="utf-8"))
        if match:
            found.add(match.group(1))
    return found


@dataclass
class Info:
    path: Path
    revision: str
    schema: int
    sessions: int


def inspect(path: Path) -> Info:
    """Check that ``path`` is a usable roadmap database; say clearly why not."""
    if not path.exists():
        raise NoInputError(f"backup not found: {path}")
    if path.is_dir():
        raise NoInputError(f"{path} is a directory, not a database backup")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise NoInputError(f"cannot read {path}: {exc.strerror}") from None
    if not header:
        raise DatabaseRefused(f"{path} is empty (0 bytes), not a roadmap database")
    if not header.startswith(db.SQLITE_MAGIC) or len(header) < 100:
        raise DatabaseRefused(f"{path} is not a SQLite database, so not a roadmap backup")
    if int.from_bytes(header[68:72], "big") != db.APPLICATION_ID:
        raise DatabaseRefused(
            f"{path} is a SQLite database of another application, not a roadmap backup"
        )
    try:
        conn = db.connect(path, readonly=True)
    except sqlite3.Error as exc:
        raise DatabaseRefused(f"{path} cannot be opened: {exc}") from None
    try:
        schema = db.user_version(conn)
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            row = None
        revision = str(row[0]) if row else ""
        if schema > db.SCHEMA_VERSION:
            raise DatabaseRefused(
                f"{path} was made by a newer version of roadmap (schema {schema}; this "
                f"version knows up to {db.SCHEMA_VERSION}); not restoring it",
                hint="upgrade roadmap first",
            )
        if revision not in known_revisions():
            raise DatabaseRefused(
                f"{path} is at a schema revision this version does not know "
                f"({revision or 'none'}); not restoring it",
                hint="a backup made by a newer roadmap needs that version to restore it",
            )
        quick = conn.execute("PRAGMA quick_check").fetchone()[0]
        if quick != "ok":
            raise DatabaseRefused(f"{path} is damaged ({quick}); not restoring it")
        foreign = schemacheck.differences(conn, revision)
        if foreign:
            raise DatabaseRefused(
                f"{path} holds a schema roadmap does not make ({'; '.join(foreign[:5])}); "
                "not restoring it",
                hint="a backup is restored only as roadmap wrote it: an extra trigger or "
                "table could change your data on the next write",
            )
        sessions = int(conn.execute("SELECT COUNT(*) FROM session").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise DatabaseRefused(f"{path} is damaged ({exc}); not restoring it") from None
    finally:
        conn.close()
    return Info(path, revision, schema, sessions)


def copy(source: Path, dest: Path) -> Path:
    """``source`` → ``dest`` with the backup API, whole or not at all."""
    return db.backup(source, dest)


def backup(database: Path, dest: Path | None) -> Path:
    """Back ``database`` up to ``dest`` (a file, or a directory to put it in; default: a
    timestamped file in ``backups/`` beside the database). Never overwrites a file."""
    if not database.exists():
        raise NoInputError(f"there is no database at {database}: nothing to back up")
    if db.check_header(database):
        raise NoInputError(f"{database} is an empty SQLite file: nothing to back up")
    if dest is None:
        dest = db.backup_name(database, "manual")
    elif dest.is_dir():
        dest = dest / db.backup_name(database, "manual").name
    if dest.exists():
        raise CannotCreateError(
            f"{dest} exists; not overwriting it", hint="give a new file name or a directory"
        )
    if dest.resolve() == database.resolve():
        raise CannotCreateError("the backup cannot be the database itself")
    return copy(database, dest)


def _is_usable(database: Path) -> bool:
    try:
        return not db.check_header(database)
    except Exception:
        return False


def restore(database: Path, source: Path) -> Path | None:
    """Replace ``database`` with the backup ``source`` (already :func:`inspect`-ed).

    Returns where the previous database was saved (None if there was none)."""
    if database.exists() and source.resolve() == database.resolve():
        raise DatabaseRefused(f"{source} is the database itself; nothing to restore")
    saved: Path | None = None
    if database.exists():
        if _is_usable(database):
            saved = copy(database, db.backup_name(database, "before-restore"))
        else:  # damaged, empty or foreign: keep its bytes, then replace the file
            saved = db.backup_name(database, "before-restore-damaged")
            try:
                saved.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(database, saved)
            except OSError as exc:
                raise CannotCreateError(f"cannot save {database} first: {exc.strerror}") from None
    if saved is not None and _is_usable(database):
        _copy_into_live(source, database)
        return saved
    staged = atomic.reserve(database)
    try:
        copy(source, staged)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        atomic.commit(staged, database)
    except BaseException:
        atomic.discard(staged)
        raise
    return saved


def _copy_into_live(source: Path, database: Path) -> None:
    """Copy ``source`` over the live ``database`` with the backup API (one locked,
    journalled step: other connections see the old or the new database, nothing between)."""
    src = db.connect(source, readonly=True)
    try:
        dst = db.connect(database)
        try:
            src.backup(dst)
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            raise db.translate(exc, database) from None
        finally:
            dst.close()
    finally:
        src.close()
