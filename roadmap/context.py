"""One invocation's view of the data: resolved paths, an open connection, a synced tree.

Commands ask for :meth:`App.conn` (stdlib sqlite3, fast, or psycopg for a server; the
database is opened, migrated if needed and the tree synced if the skills file changed)
and for :meth:`App.write` (one write transaction on that same connection: the one write
path of :mod:`roadmap.store.write`).
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from roadmap import paths
from roadmap.skillsfile import digest, read_bytes
from roadmap.store import sqlite as db
from roadmap.store.protocol import Conn

if TYPE_CHECKING:
    from roadmap.sync import SyncReport


def _stderr(message: str) -> None:
    sys.stderr.write(message + "\n")


class App:
    def __init__(
        self,
        db_path: str | None = None,
        skills: str | None = None,
        notify: Callable[[str], None] = _stderr,
    ) -> None:
        self.options = (db_path, skills)
        self.loc = paths.resolve(db_path, skills)
        self.notify = notify
        self._conn: Conn | None = None

    def resolve(self) -> None:
        """Resolve the paths again (after ``init`` created a skills file)."""
        self.loc = paths.resolve(*self.options)

    @property
    def on_server(self) -> bool:
        return self.loc.server is not None

    def writable(self) -> bool:
        """Whether writes may be tried (a server says for itself when they fail)."""
        return self.on_server or db.writable(self.loc.db)

    def open_raw(self) -> Conn:
        if self.loc.server is not None:
            from roadmap.store import server

            return server.open_server(self.loc.server, db.backups_dir(self.loc.db))
        return db.open_db(self.loc.db)

    def conn(self) -> Conn:
        """The open, migrated and synced database (opened once per invocation)."""
        if self._conn is None:
            conn = self.open_raw()
            self._conn = conn  # a sync below writes through this same connection
            try:
                self._sync_if_changed(conn)
                self._reday_if_moved(conn)
            except BaseException:
                self._conn = None
                conn.close()
                raise
        return self._conn

    def _reday_if_moved(self, conn: Conn) -> None:
        """A session's day is the local day of its start where it is shown: after a move to
        another time zone, the stored days (and the totals kept from them) follow."""
        from roadmap.clock import zone_fingerprint

        row = conn.execute("SELECT value FROM meta WHERE key = 'day_zone'").fetchone()
        if row is not None and row[0] == zone_fingerprint():
            return
        from roadmap.store import write

        if not self.writable():
            if row is not None:
                self.notify(
                    "roadmap: warning: this machine's time zone differs from the one the days "
                    "were counted in, and the database is read-only: days shown as counted there"
                )
            return
        with self.write() as same:
            moved = write.reday(same)
        if moved:
            self.notify(f"roadmap: time zone changed: {moved} session(s) now fall on another day")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def stored_digest(self, conn: Conn) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key = 'tree_digest'").fetchone()
        return str(row[0]) if row else None

    def _sync_if_changed(self, conn: Conn) -> None:
        data = read_bytes(self.loc.skills)
        if digest(data) == self.stored_digest(conn):
            return
        if not self.writable():  # views still work, on the tree as last synced
            from roadmap.tree import parse_tree

            parse_tree(data, str(self.loc.skills))  # an invalid file is still reported
            self.notify(
                f"roadmap: warning: {self.loc.skills} changed, but the database is read-only: "
                "not synced; showing the tree as last synced"
            )
            return
        previous = None
        if self.on_server:
            row = conn.execute("SELECT value FROM meta WHERE key = 'tree_source'").fetchone()
            previous = str(row[0]) if row else None
        report = self.sync(data)
        text = report.summary()
        if text:
            self.notify(f"roadmap: synced {self.loc.skills}: {text}")
        if previous is not None and previous != self.tree_source():
            self.notify(
                f"roadmap: warning: the tree on the server was last synced from {previous}; "
                f"it now follows {self.tree_source()}. Use the same skills file on every "
                "machine, or the two will take turns"
            )

    def tree_source(self) -> str:
        """Where the tree comes from, as recorded (on a server: which machine, which file)."""
        if self.on_server:
            import socket

            return f"{socket.gethostname()}:{self.loc.skills}"
        return str(self.loc.skills)

    def sync(self, data: bytes | None = None) -> SyncReport:
        """Validate the skills file and sync it into the database (one transaction)."""
        if data is None:
            data = read_bytes(self.loc.skills)
        from roadmap.tree import parse_tree

        tree = parse_tree(data, str(self.loc.skills))
        from roadmap import sync

        with self.write() as conn:
            return sync.apply(conn, tree, self.tree_source())

    @contextmanager
    def write(self) -> Iterator[Conn]:
        """One write transaction on the database (BEGIN IMMEDIATE; all or nothing)."""
        if self.loc.server is None and not db.writable(self.loc.db):
            from roadmap.errors import PermissionDenied

            raise PermissionDenied(
                f"the database {self.loc.db} (or its directory) is read-only; nothing was written"
            )
        conn = self.conn()
        from roadmap.store import write

        try:
            with write.transaction(conn):
                yield conn
        except sqlite3.Error as exc:
            raise db.translate(exc, self.loc.db) from None
