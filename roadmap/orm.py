"""The write path: SQLModel sessions on a SQLite file or a PostgreSQL server.

Every write is one transaction started with ``BEGIN IMMEDIATE`` (a deferred BEGIN
that reads then writes fails under concurrency in WAL mode; GUIDE §2), with the
pragmas set on each connection. On a server the transaction first takes roadmap's
advisory lock (``roadmap.pg``): writers from every machine take turns, as on a file.
SQLAlchemy is imported only by commands that write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from roadmap import db as dbmod


def engine(path: Path) -> Engine:
    eng = create_engine(f"sqlite:///{path}", poolclass=NullPool, connect_args={"timeout": 5})

    @event.listens_for(eng, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute(f"PRAGMA busy_timeout={dbmod.BUSY_TIMEOUT_MS}")
        dbapi_conn.execute("PRAGMA synchronous=NORMAL")
        dbapi_conn.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(eng, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return eng


@contextmanager
def transaction(path: Path) -> Iterator[Session]:
    """One write transaction: commits at the end, rolls back whole on any error."""
    eng = engine(path)
    try:
        with Session(eng, expire_on_commit=False) as session, session.begin():
            yield session
    except DBAPIError as exc:
        orig = exc.orig
        if isinstance(orig, sqlite3.Error):
            raise dbmod.translate(orig, path) from None
        raise
    finally:
        eng.dispose()


@contextmanager
def server_transaction(url: str) -> Iterator[Session]:
    """One write transaction on a server, holding roadmap's advisory lock throughout."""
    from roadmap import pg
    from roadmap.dburl import redact

    eng = pg.engine(url)

    @event.listens_for(eng, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({pg.LOCK_KEY})")
        conn.exec_driver_sql(pg.RESYNC_IDS)

    try:
        with Session(eng, expire_on_commit=False) as session, session.begin():
            yield session
    except DBAPIError as exc:
        raise pg.translate(exc.orig or exc, redact(url)) from None
    finally:
        eng.dispose()
