"""Opening the database safely: checks, pragmas, migrate-on-open with a backup.

Only the stdlib ``sqlite3`` module is imported here, so read commands stay fast;
Alembic (and SQLAlchemy) are imported only when a migration is due.

Opening a file goes through these checks, in order, before anything is written:

1. missing: created only if the data dir never held a database (no marker, no
   backup, no journal); otherwise refused;
2. 0 bytes, not SQLite, or another application's SQLite file: refused;
3. a schema newer than this code knows: refused;
4. an older schema: backed up with the SQLite backup API, then migrated in one
   transaction.

A refused file is left byte-identical.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

from roadmap import clock
from roadmap.errors import (
    CannotCreateError,
    DatabaseRefused,
    PermissionDenied,
    RoadmapError,
    StorageError,
)
from roadmap.store.schema import APPLICATION_ID as APPLICATION_ID
from roadmap.store.schema import SCHEMA_VERSION as SCHEMA_VERSION
from roadmap.store.schema import SQLITE_MAGIC as SQLITE_MAGIC
from roadmap.store.sqlite_errors import translate as translate

MARKER_SUFFIX = ".created"
BUSY_TIMEOUT_MS = 5000


def marker_path(db: Path) -> Path:
    return db.with_name(db.name + MARKER_SUFFIX)


def backups_dir(db: Path) -> Path:
    return db.parent / "backups"


def history_signs(db: Path) -> list[str]:
    """Evidence that a database existed at ``db`` (so a missing file is not 'new')."""
    signs = []
    for path in (
        marker_path(db),
        db.with_name(db.name + "-wal"),
        db.with_name(db.name + "-journal"),
    ):
        if path.exists():
            signs.append(path.name)
    backups = backups_dir(db)
    if backups.is_dir() and any(backups.glob(db.stem + "-*.db")):
        signs.append(f"{backups.name}/")
    return signs


def check_path(db: Path) -> None:
    """Refuse, before anything opens it, a database path that is not a regular file or
    nothing: a dangling symbolic link, a FIFO (opening one waits for ever), a device."""
    if db.is_symlink() and not db.exists():
        raise DatabaseRefused(
            f"the database {db} is a symbolic link to {os.readlink(db)}, which does not exist; "
            "nothing was written",
            hint="restore the file it points to, or remove the link to start a new database",
        )
    try:
        mode = db.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StorageError(f"cannot read the database {db}: {exc.strerror}") from None
    if stat.S_ISDIR(mode):
        raise DatabaseRefused(f"the database path {db} is a directory")
    if not stat.S_ISREG(mode):
        kind = (
            "FIFO"
            if stat.S_ISFIFO(mode)
            else "device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "socket or special file"
        )
        raise DatabaseRefused(
            f"the database path {db} is a {kind}, not a file; left untouched",
            hint="point --db / ROADMAP_DB at a roadmap database file",
        )


def _read_header(db: Path) -> bytes:
    try:
        with db.open("rb") as handle:
            return handle.read(100)
    except PermissionError:
        raise PermissionDenied(f"cannot read the database {db}: permission denied") from None
    except IsADirectoryError:
        raise DatabaseRefused(f"the database path {db} is a directory") from None
    except OSError as exc:
        raise StorageError(f"cannot read the database {db}: {exc.strerror}") from None


def check_header(db: Path) -> bool:
    """Refuse what is not ours. Returns True if the file is a blank SQLite file to adopt."""
    header = _read_header(db)
    if not header:
        raise DatabaseRefused(
            f"the database {db} is empty (0 bytes): it was damaged or truncated",
            hint="restore a backup with 'roadmap restore PATH' (backups live in "
            f"{backups_dir(db)}), or move the file away to start a new database",
        )
    if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
        raise DatabaseRefused(
            f"{db} is not a SQLite database (damaged, or another kind of file); left untouched",
            hint="point --db / ROADMAP_DB at your roadmap database, or restore a backup",
        )
    app_id = int.from_bytes(header[68:72], "big")
    if app_id == APPLICATION_ID:
        return False
    if app_id == 0 and _table_count(db) == 0:
        return True
    raise DatabaseRefused(
        f"{db} is a SQLite database of another application, not a roadmap database; left untouched",
        hint="point --db / ROADMAP_DB at a roadmap database or at a new file",
    )


def _table_count(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return int(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return -1


def connect(db: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A raw connection in autocommit mode (we issue BEGIN ourselves)."""
    if readonly:
        conn = _connect_readonly(db)
    else:
        conn = sqlite3.connect(str(db), isolation_level=None, timeout=5)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def _connect_readonly(db: Path) -> sqlite3.Connection:
    """A read-only connection (``mode=ro``: no write can happen, even as root).

    A WAL-mode database needs its ``-shm`` file; in a read-only directory or file system
    with no ``-shm`` (and no unfinished ``-wal``) SQLite cannot open it, so it is then read
    as ``immutable``: nothing can be writing it without a ``-shm`` beside it. SQLite says
    "unable to open database file" (SQLITE_CANTOPEN) as root on a read-only file system, and
    "attempt to write a readonly database" (SQLITE_READONLY_DIRECTORY, or _CANTINIT) to an
    unprivileged user whose directory is read-only (root's permission override hides it).
    """
    uri = db.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, timeout=5)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        wal = db.with_name(db.name + "-wal")
        pending = wal.exists() and wal.stat().st_size > 0
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        cannot_open = code in (8, 14) or any(  # SQLITE_READONLY_*, SQLITE_CANTOPEN
            words in str(exc) for words in ("unable to open", "readonly database")
        )
        if not cannot_open or pending or os.access(db.parent, os.W_OK):
            raise
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None, timeout=5)


def apply_pragmas(conn: sqlite3.Connection, *, readonly: bool = False) -> None:
    if not readonly:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def writable(db: Path) -> bool:
    """Whether we may write: the file and its directory (root bypasses chmod, so
    a file-mode check is made too, not only ``os.access``)."""
    for path in (db, db.parent):
        try:
            mode = path.stat().st_mode
        except OSError:
            return False
        if not os.access(path, os.W_OK) or not mode & 0o222:
            return False
    return True


def backup(db: Path, dest: Path) -> Path:
    """Copy ``db`` to ``dest`` with SQLite's online backup API (consistent under writes)
    into an exclusive temp file beside ``dest`` that is fsynced and moved into place: the
    copy is whole, or not there at all (:mod:`roadmap.atomic`)."""
    from roadmap import atomic

    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CannotCreateError(f"cannot create {dest.parent}: {exc.strerror}") from None
    tmp: Path | None = None
    try:
        tmp = atomic.reserve(dest)
        src = connect(db, readonly=True)
        try:
            target = sqlite3.connect(str(tmp))
            try:
                src.backup(target)
            finally:
                target.close()
        finally:
            src.close()
        atomic.commit(tmp, dest)
    except BaseException as exc:
        if tmp is not None:
            atomic.discard(tmp)
        if isinstance(exc, sqlite3.Error | OSError):
            text = getattr(exc, "strerror", None) or str(exc)
            if "full" in text.lower() or getattr(exc, "errno", None) == 28:
                raise StorageError(f"cannot write {dest}: the disk is full") from None
            raise CannotCreateError(f"cannot write {dest}: {text}") from None
        raise
    return dest


def backup_name(db: Path, note: str) -> Path:
    return stamped(backups_dir(db), db.stem, note)


def stamped(folder: Path, stem: str, note: str) -> Path:
    """A new backup's path: the clock's time (``ROADMAP_NOW`` pins it) and a random part,
    so two backups in the same second never share a name."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    return folder / f"{stem}-{stamp}-{os.urandom(3).hex()}-{note}.db"


def create(db: Path) -> None:
    """Create a new database at head, atomically.

    It is built under a temporary name in the same directory and then linked into
    place without replacing anything, so another process never sees a half-made
    (or 0-byte) file, and two processes creating it at once both end up using the
    one that was linked first.
    """
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PermissionDenied(
            f"cannot create the data directory {db.parent}: {exc.strerror}"
        ) from None
    from roadmap import atomic
    from roadmap.store import migrate

    try:
        tmp = atomic.reserve(db)  # exclusive, random name: never a planted file or link
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise PermissionDenied(
                f"cannot write to the database {db}: it is read-only ({exc.strerror})"
            ) from None
        raise StorageError(f"cannot create the database {db}: {exc.strerror}") from None
    try:
        try:
            migrate.upgrade(tmp)
        except RoadmapError as exc:  # name the database, not the temporary file
            exc.message = exc.message.replace(str(tmp), str(db))
            raise
        try:
            os.link(tmp, db)
        except FileExistsError:
            pass  # another process created it first: use that one
        except OSError:  # a file system without hard links
            if not db.exists():
                os.replace(tmp, db)
    finally:
        atomic.discard(tmp)
    _write_marker(db)


def adopt(db: Path) -> None:
    """Bring a blank SQLite file (no tables) to head in place."""
    from roadmap.store import migrate

    migrate.upgrade(db)
    _write_marker(db)


def _write_marker(db: Path) -> None:
    marker = marker_path(db)
    if marker.exists():
        return
    with contextlib.suppress(OSError):
        marker.write_text(f"roadmap database created {clock.stored_now()}\n", encoding="utf-8")


def open_db(db: Path) -> sqlite3.Connection:
    """Open (creating or migrating as needed) and return a ready connection."""
    try:
        return _open(db)
    except sqlite3.Error as exc:
        raise translate(exc, db) from None


def _open(db: Path) -> sqlite3.Connection:
    check_path(db)
    if not db.exists():
        signs = history_signs(db)
        if signs:
            raise DatabaseRefused(
                f"the database {db} is missing, but this directory shows one existed "
                f"({', '.join(signs)}); not starting a new one",
                hint="restore it with 'roadmap restore BACKUP', or remove "
                f"{marker_path(db).name} to really start afresh",
            )
        create(db)
    elif check_header(db):
        adopt(db)  # a blank SQLite file (no tables)
    readonly = not writable(db)
    conn = connect(db, readonly=readonly)
    try:
        version = user_version(conn)
        if version > SCHEMA_VERSION:
            raise DatabaseRefused(
                f"the database {db} was made by a newer version of roadmap "
                f"(schema {version}; this version knows up to {SCHEMA_VERSION}); left untouched",
                hint="upgrade roadmap (pip install -U skill-roadmap)",
            )
        if version < SCHEMA_VERSION:
            if readonly:
                raise PermissionDenied(f"the database {db} needs an upgrade but is read-only")
            conn.close()
            from roadmap.store import migrate

            saved = backup(db, backup_name(db, f"before-v{SCHEMA_VERSION}"))
            try:
                migrate.upgrade(db)
            except RoadmapError as exc:
                exc.hint = f"a copy made before the upgrade is in {saved}; please report this"
                raise
            conn = connect(db)
        apply_pragmas(conn, readonly=readonly)
    except BaseException:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, started with BEGIN IMMEDIATE (see GUIDE §2)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
