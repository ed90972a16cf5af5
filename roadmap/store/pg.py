"""PostgreSQL through psycopg 3, shaped like the stdlib ``sqlite3`` connection.

- ``?`` parameters become ``%s`` (outside string literals), so the SQL in
  ``roadmap.store.queries`` runs unchanged;
- ``BEGIN IMMEDIATE`` becomes ``BEGIN`` plus ``pg_advisory_xact_lock``: roadmap's
  writers take turns on the server as they do on a SQLite file, whichever machine
  they run on (the lock goes with the transaction, so a killed client frees it);
- ids are handed out as SQLite does (the largest so far plus one), so both databases
  number sessions alike;
- psycopg errors become :class:`~roadmap.errors.RoadmapError` with their exit code.

psycopg is an optional dependency (``pip install 'skill-roadmap[postgres]'``), imported
only when the database is a server.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from roadmap.errors import (
    BusyError,
    DatabaseRefused,
    PermissionDenied,
    RoadmapError,
    StorageError,
    Unavailable,
)
from roadmap.store.url import redact

if TYPE_CHECKING:
    import psycopg

LOCK_KEY = 0x524D4150  # "RMAP": the advisory lock every roadmap writer takes
LOCK_TIMEOUT = "5s"  # as SQLite's busy timeout: then "busy, try again" (exit 75)
CONNECT_TIMEOUT = 10
ID_TABLES = ("session", "assessment", "level_change", "review", "timer", "journal")
RESYNC_IDS = "SELECT " + ", ".join(
    f"setval(pg_get_serial_sequence('{t}', 'id'), "
    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {t}), false)"
    for t in ID_TABLES
)


def driver() -> Any:
    """The psycopg module, or a clear error saying how to install it."""
    try:
        import psycopg
    except ImportError:
        raise Unavailable(
            "PostgreSQL support is not installed",
            hint="pip install 'skill-roadmap[postgres]' (it adds psycopg 3)",
        ) from None
    return psycopg


@functools.lru_cache(maxsize=512)
def translate_sql(sql: str) -> str:
    """``?`` → ``%s`` and ``%`` → ``%%``, outside quoted strings and identifiers."""
    out: list[str] = []
    quote: str | None = None
    for ch in sql:
        if quote is not None:
            if ch == quote:
                quote = None
            out.append("%%" if ch == "%" else ch)
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


class PgCursor:
    """A psycopg cursor with sqlite3's reading methods; errors translated."""

    def __init__(self, cursor: Any, label: str) -> None:
        self._cursor = cursor
        self._label = label

    def fetchone(self) -> Any:
        try:
            return self._cursor.fetchone()
        except Exception as exc:
            raise translate(exc, self._label) from None

    def fetchall(self) -> list[Any]:
        try:
            return list(self._cursor.fetchall())
        except Exception as exc:
            raise translate(exc, self._label) from None

    def fetchmany(self, size: int = 1000) -> list[Any]:
        try:
            return list(self._cursor.fetchmany(size))
        except Exception as exc:
            raise translate(exc, self._label) from None

    @property
    def description(self) -> Any:
        return self._cursor.description

    def __iter__(self) -> Iterator[Any]:
        while True:
            rows = self._cursor.fetchmany(1000)
            if not rows:
                return
            yield from rows

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)


class PgConnection:
    """A psycopg connection in autocommit mode, used like ``sqlite3.Connection``."""

    dialect = "postgresql"

    def __init__(self, raw: psycopg.Connection[Any], url: str) -> None:
        self.raw = raw
        self.url = url
        self.label = redact(url)

    def execute(self, sql: str, parameters: Any = None, /) -> PgCursor:
        statement = sql.strip().rstrip(";").upper()
        try:
            if statement == "BEGIN IMMEDIATE":
                self.raw.execute("BEGIN")
                self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                self.raw.execute(RESYNC_IDS)
                return PgCursor(self.raw.cursor(), self.label)
            if statement == "BEGIN":
                self.raw.execute("BEGIN")
                return PgCursor(self.raw.cursor(), self.label)
            if parameters is None or parameters == ():
                cursor = self.raw.execute(sql)  # no parameters: sent as written
            else:
                cursor = self.raw.execute(translate_sql(sql), parameters)
        except RoadmapError:
            raise
        except Exception as exc:
            raise translate(exc, self.label) from None
        return PgCursor(cursor, self.label)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> PgCursor:
        try:
            cursor = self.raw.cursor()
            cursor.executemany(translate_sql(sql), parameters)
        except Exception as exc:
            raise translate(exc, self.label) from None
        return PgCursor(cursor, self.label)

    def stream(self, sql: str, parameters: Any = ()) -> Iterator[Any]:
        """Rows of a large result, a thousand at a time, through a server-side cursor (a
        client-side one would hold the whole result in memory)."""
        cursor = self.raw.cursor(name=f"roadmap_stream_{id(self)}", withhold=True)
        try:
            if parameters:
                cursor.execute(translate_sql(sql), parameters)
            else:
                cursor.execute(sql)
            while True:
                rows = cursor.fetchmany(1000)
                if not rows:
                    return
                yield from rows
        except Exception as exc:
            raise translate(exc, self.label) from None
        finally:
            cursor.close()

    @property
    def in_transaction(self) -> bool:
        return bool(self.raw.info.transaction_status != 0)  # 0: idle

    def resync_ids(self) -> None:
        """Let the next inserted id be the largest so far plus one (as SQLite does)."""
        self.execute(RESYNC_IDS)

    def close(self) -> None:
        self.raw.close()


def raw_connect(url: str, *, autocommit: bool = True) -> Any:
    """A psycopg connection to ``url`` (libpq reads .pgpass, PGPASSWORD, PGSERVICE...)."""
    psycopg = driver()
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
    except psycopg.Error as exc:
        raise connect_error(exc, url) from None
    except ValueError as exc:  # psycopg's own check of the URL
        raise Unavailable(f"bad database URL '{redact(url)}': {exc}") from None
    try:
        conn.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        conn.execute("SET TIME ZONE 'UTC'")
    except psycopg.Error as exc:
        conn.close()
        raise translate(exc, redact(url)) from None
    conn.autocommit = autocommit
    return conn


def engine(url: str) -> Any:
    """A SQLAlchemy engine on ``url`` (libpq parses the URL; one connection per use)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(
        "postgresql+psycopg://",
        poolclass=NullPool,
        creator=lambda: raw_connect(url, autocommit=False),
    )


def connect(url: str) -> PgConnection:
    return PgConnection(raw_connect(url), url)


def connect_error(exc: Exception, url: str) -> RoadmapError:
    text = _first_line(exc)
    lower = text.lower()
    label = redact(url)
    if "password" in lower or "authentication" in lower:
        return Unavailable(
            f"the database server at {label} refused the login: {text}",
            hint="put the password in ~/.pgpass (chmod 600) or in $PGPASSWORD, "
            "not on the command line",
        )
    if "does not exist" in lower:
        return Unavailable(
            f"cannot use {label}: {text}",
            hint="create it first (createdb DBNAME), or check the name in the URL",
        )
    return Unavailable(
        f"cannot connect to the database server at {label}: {text}",
        hint="check that the server runs and the URL (host, port, database) is right",
    )


def translate(exc: Exception, label: str) -> RoadmapError:
    """A psycopg error as one clear message with its exit code."""
    sqlstate = str(getattr(exc, "sqlstate", "") or "")
    text = _first_line(exc)
    if sqlstate in ("55P03", "40P01", "40001") or (sqlstate == "57014" and "lock" in text):
        return BusyError(f"the database {label} is busy (another roadmap is writing); try again")
    if sqlstate == "53100":
        return StorageError(
            f"the server's disk holding {label} is full; nothing was written",
            hint="free some space on the server and try again: your data is intact",
        )
    if sqlstate in ("42501", "25006"):
        return PermissionDenied(f"cannot write to the database {label}: {text}")
    if sqlstate.startswith("08") or sqlstate.startswith("57P") or not sqlstate:
        if not sqlstate and type(exc).__module__.split(".")[0] != "psycopg":
            return RoadmapError(f"database error on {label}: {text}")
        return Unavailable(
            f"lost the connection to the database server at {label}: {text}; "
            "nothing partial was saved"
        )
    if sqlstate.startswith("42"):  # undefined table or column: not our schema
        return DatabaseRefused(
            f"the database {label} does not have the expected tables ({text})",
            hint="run 'roadmap doctor'",
        )
    return RoadmapError(f"database error on {label}: {text}")


def _first_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
