"""Opening a database on a PostgreSQL server: the server's counterpart of ``roadmap.store.sqlite``.

1. connect (libpq: the URL, ``~/.pgpass``, ``$PGPASSWORD``...); unreachable or a refused
   login is one clear message, exit 69;
2. an empty database (no tables) gets the schema from the same Alembic migrations;
   a database with other tables and no roadmap schema is refused, untouched;
3. a revision this version does not know (a newer roadmap) is refused, untouched;
4. an older revision is copied into a SQLite backup in the data dir's ``backups/``,
   then upgraded in one transaction under the advisory lock.
"""

from __future__ import annotations

from pathlib import Path

from roadmap.errors import DatabaseRefused, RoadmapError
from roadmap.store import pg
from roadmap.store.url import redact

ROADMAP_TABLES = {"meta", "session", "skill", "journal"}


def revision(conn: pg.PgConnection) -> str | None:
    """The Alembic revision, or None when the database has no ``alembic_version``."""
    if conn.execute("SELECT to_regclass('alembic_version')").fetchone()[0] is None:
        return None
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else None


def table_names(conn: pg.PgConnection) -> set[str]:
    return {
        str(r[0])
        for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    }


def open_server(url: str, backups_to: Path) -> pg.PgConnection:
    """Connect, create or upgrade as needed, and return a ready connection."""
    label = redact(url)
    conn = pg.connect(url)
    try:
        current = revision(conn)
        if current is None and (names := table_names(conn)):
            raise DatabaseRefused(
                f"the database {label} holds other tables ({', '.join(sorted(names)[:5])}"
                f"{'...' if len(names) > 5 else ''}) and is not a roadmap database; left untouched",
                hint="give roadmap a database of its own (createdb roadmap)",
            )
        from roadmap.store.backups import known_revisions

        known = known_revisions()
        if current is not None and current not in known:
            if not table_names(conn) >= ROADMAP_TABLES:
                raise DatabaseRefused(
                    f"the database {label} is another application's (Alembic revision "
                    f"{current}), not a roadmap database; left untouched",
                    hint="give roadmap a database of its own (createdb roadmap)",
                )
            raise DatabaseRefused(
                f"the database {label} was made by a newer version of roadmap (schema revision "
                f"{current}; this version knows up to {max(known)}); left untouched",
                hint="upgrade roadmap (pip install -U skill-roadmap) on this machine",
            )
        target = max(known)
        if current == target:
            return conn
        conn.close()
        from roadmap.store import migrate

        if current is None:
            migrate.upgrade_server(url, expect=None)
        else:
            saved = snapshot(url, _backup_name(backups_to, f"before-{target}"), current)
            try:
                migrate.upgrade_server(url, expect=current)
            except RoadmapError as exc:
                exc.hint = f"a copy made before the upgrade is in {saved}; please report this"
                raise
        conn = pg.connect(url)
        return conn
    except BaseException:
        conn.close()
        raise


def _backup_name(folder: Path, note: str) -> Path:
    from roadmap.store.sqlite import stamped

    return stamped(folder, "roadmap-server", note)


def backup(url: str, dest: Path | None, folder: Path) -> Path:
    """``roadmap backup`` of a server database: a new SQLite file (``dest``, a file or a
    directory; default: a timestamped file in the data dir's ``backups/``)."""
    from roadmap.errors import CannotCreateError

    name = _backup_name(folder, "manual")
    if dest is None:
        dest = name
    elif dest.is_dir():
        dest = dest / name.name
    if dest.exists():
        raise CannotCreateError(
            f"{dest} exists; not overwriting it", hint="give a new file name or a directory"
        )
    return snapshot(url, dest)


def snapshot(url: str, dest: Path, at_revision: str | None = None) -> Path:
    """Copy the server database into a new SQLite roadmap database at ``dest`` (its
    backup: ``roadmap restore`` takes it back, ``roadmap --db FILE`` reads it).

    Read in one repeatable-read transaction, so it is consistent while others write;
    written to a temp file that is fsynced and renamed into place."""
    from roadmap import atomic
    from roadmap.errors import CannotCreateError
    from roadmap.store import copydb, migrate
    from roadmap.store import sqlite as db

    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CannotCreateError(f"cannot create {dest.parent}: {exc.strerror}") from None
    if dest.exists():
        raise CannotCreateError(f"{dest} exists; not overwriting it")
    tmp = atomic.reserve(dest)
    source = pg.connect(url)
    try:
        source.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        rev = at_revision or revision(source)
        migrate.upgrade(tmp, revision=rev or "head")
        target = db.connect(tmp)
        try:
            target.execute("BEGIN IMMEDIATE")
            copydb.copy(source, target)
            target.execute("COMMIT")
        finally:
            target.close()
        source.execute("COMMIT")
        atomic.commit(tmp, dest)
    except BaseException:
        atomic.discard(tmp)
        raise
    finally:
        source.close()
    return dest


def restore(url: str, source_file: Path, backups_to: Path) -> Path:
    """Replace the server database's rows with those of the SQLite backup ``source_file``
    (already inspected), in one transaction under the lock; the current rows are saved
    to a SQLite backup first. Returns where they were saved."""
    import shutil
    import tempfile

    from roadmap.store import copydb, migrate
    from roadmap.store import sqlite as db

    saved = snapshot(url, _backup_name(backups_to, "before-restore"))
    with tempfile.TemporaryDirectory() as work:
        staged = Path(work) / "restore.db"
        shutil.copyfile(source_file, staged)
        migrate.upgrade(staged)  # bring an older backup to the server's revision
        src = db.connect(staged, readonly=True)
        dest = pg.connect(url)
        try:
            dest.execute("BEGIN IMMEDIATE")
            try:
                copydb.copy(src, dest)
                dest.resync_ids()
            except BaseException:
                dest.execute("ROLLBACK")
                raise
            dest.execute("COMMIT")
        finally:
            dest.close()
            src.close()
    return saved
