"""Run the Alembic migrations on a SQLite file or a PostgreSQL server, safely
(imported only when due).

On a SQLite file:

- one SQLAlchemy connection with ``PRAGMA foreign_keys=OFF`` (a batch migration
  that recreates a table would otherwise cascade-delete child rows), and
- the whole upgrade in one ``BEGIN IMMEDIATE`` transaction (``transactional_ddl``),
  checked with ``PRAGMA foreign_key_check`` before commit: a failing migration
  rolls back whole and leaves the schema and revision as they were.

On a server (:func:`upgrade_server`): the same scripts in one transaction (PostgreSQL
runs DDL transactionally), holding roadmap's advisory lock so two clients never
migrate at once; the second finds the work done.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from roadmap import paths
from roadmap.errors import DatabaseRefused, RoadmapError


def config(connection: Any | None = None, script_location: Path | None = None) -> Any:
    """An Alembic config for the bundled migrations (or ``script_location``, for tests)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location or paths.migrations_dir()))
    cfg.attributes["connection"] = connection
    return cfg


def engine(db: Path) -> Any:
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    eng = create_engine(f"sqlite:///{db}", poolclass=NullPool, connect_args={"timeout": 5})

    @event.listens_for(eng, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA busy_timeout=5000")
        dbapi_conn.execute("PRAGMA foreign_keys=OFF")
        dbapi_conn.execute("PRAGMA journal_mode=WAL")

    @event.listens_for(eng, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return eng


def upgrade(db: Path, revision: str = "head", script_location: Path | None = None) -> None:
    """Upgrade ``db`` to ``revision`` in one transaction; on any failure nothing changes.

    A database error becomes the matching :class:`~roadmap.errors.RoadmapError`; a
    failing migration script becomes :class:`~roadmap.errors.DatabaseRefused`
    saying the upgrade was rolled back.
    """
    from alembic import command
    from sqlalchemy.exc import DBAPIError

    from roadmap.store import sqlite_errors as dbmod

    eng = engine(db)
    try:
        with eng.connect() as conn, conn.begin():
            command.upgrade(config(conn, script_location), revision)
            bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if bad:
                raise DatabaseRefused(
                    f"migration of {db} would break {len(bad)} references; rolled back"
                )
    except RoadmapError:
        raise
    except DBAPIError as exc:
        if isinstance(exc.orig, sqlite3.Error):
            raise dbmod.translate(exc.orig, db) from None
        raise
    except sqlite3.Error as exc:
        raise dbmod.translate(exc, db) from None
    except Exception as exc:
        raise DatabaseRefused(
            f"the upgrade of {db} failed ({type(exc).__name__}: {exc}); "
            "it was rolled back and the database is as it was"
        ) from exc
    finally:
        eng.dispose()
    checkpoint = sqlite3.connect(str(db))
    try:
        checkpoint.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        checkpoint.close()


def upgrade_server(
    url: str,
    revision: str = "head",
    script_location: Path | None = None,
    *,
    expect: str | None = None,
) -> None:
    """Upgrade the server database at ``url``; ``expect`` is the revision seen before
    taking the lock (if another client moved it meanwhile, nothing is done here)."""
    from alembic import command
    from sqlalchemy.exc import DBAPIError

    from roadmap.store import pg
    from roadmap.store.url import redact

    eng = pg.engine(url)
    label = redact(url)
    try:
        with eng.connect() as conn, conn.begin():
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({pg.LOCK_KEY})")
            now = conn.exec_driver_sql(
                "SELECT version_num FROM alembic_version"
                if conn.exec_driver_sql("SELECT to_regclass('alembic_version')").scalar()
                else "SELECT NULL"
            ).scalar()
            if now != expect:
                return  # another client created or upgraded it while we waited
            command.upgrade(config(conn, script_location), revision)
    except RoadmapError:
        raise
    except DBAPIError as exc:
        raise pg.translate(exc.orig or exc, label) from None
    except Exception as exc:
        raise DatabaseRefused(
            f"the upgrade of {label} failed ({type(exc).__name__}: {exc}); "
            "it was rolled back and the database is as it was"
        ) from exc
    finally:
        eng.dispose()


def current_revision(db: Path) -> str | None:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(row[0]) if row else None
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
