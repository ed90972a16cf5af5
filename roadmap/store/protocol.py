"""The small connection interface the read path and the importer use.

``sqlite3.Connection`` has it as it is; :class:`roadmap.store.pg.PgConnection` gives a
psycopg connection the same shape (``?`` parameters, ``BEGIN IMMEDIATE``), so the SQL
in ``roadmap.store.queries`` and friends runs unchanged on both databases.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol


class Cursor(Protocol):
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchmany(self, size: int = ..., /) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...
    @property
    def rowcount(self) -> int: ...


class Conn(Protocol):
    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Cursor: ...
    def close(self) -> None: ...


def dialect(conn: Conn) -> str:
    """``"sqlite"`` or ``"postgresql"``."""
    return str(getattr(conn, "dialect", "sqlite"))
