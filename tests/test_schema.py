"""One schema: the migrations build what the SQLModel classes say, the read SQL names only
what exists, and the trigger-kept totals always equal what the sessions add up to."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import SQLModel

from roadmap import models
from roadmap.store import copydb
from roadmap.store import sqlite as db
from roadmap.store.protocol import Conn
from tests.conftest import Run, fresh_pg_database

pytestmark = pytest.mark.usefixtures("backend")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def _made(run: Run, home: Path) -> Path:
    run.ok("log", "cuda", "1h")
    return home / "roadmap.db"


# On a server: tests/test_postgres.py::test_the_server_schema_is_the_sqlmodel_schema.
@pytest.mark.sqlite_only
def test_the_migrations_build_the_sqlmodel_schema(run: Run, isolated_home: Path) -> None:
    conn = sqlite3.connect(_made(run, isolated_home))
    tables = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
        )
    }
    assert tables == set(SQLModel.metadata.tables)
    for name, table in SQLModel.metadata.tables.items():
        columns = {r[1]: (r[3], r[5] > 0) for r in conn.execute(f"PRAGMA table_info({name})")}
        assert set(columns) == {c.name for c in table.columns}, name
        for column in table.columns:
            assert columns[column.name][1] == column.primary_key, (name, column.name)
        indexes = {r[1] for r in conn.execute(f"PRAGMA index_list({name})") if r[3] == "c"}
        assert indexes == {i.name for i in table.indexes}, name
    assert conn.execute("PRAGMA user_version").fetchone()[0] == models.SCHEMA_VERSION
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
        models.HEAD_REVISION
    )
    assert db.SCHEMA_VERSION == models.SCHEMA_VERSION
    conn.close()


@pytest.mark.no_database
def test_the_read_sql_names_only_tables_that_exist() -> None:
    """The store's SQL (the reads and the one write path) names only our tables."""
    store = ROOT / "roadmap" / "store"
    source = "".join(
        (store / name).read_text(encoding="utf-8") for name in ("queries.py", "write.py")
    )
    source = re.sub(r"\{main\}|\bmain\.", "", source)  # the schema a name may be qualified by
    named = set(re.findall(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+([a-z_]+)\b", source))
    named = {n for n in named if len(n) > 1} - {
        "pragma_table_info",
        "json_each",
        "jsonb_array_elements_text",
        "import_stage",  # the import's temporary table (roadmap/importing.py makes it)
    }
    assert named, "no SQL found"
    assert named <= set(SQLModel.metadata.tables), named - set(SQLModel.metadata.tables)


def _check_totals(conn: Conn) -> None:
    by_skill = conn.execute(
        "SELECT skill_id, SUM(minutes), COUNT(*), MAX(day) FROM session GROUP BY skill_id "
        "ORDER BY skill_id"
    ).fetchall()
    assert (
        conn.execute(
            "SELECT skill_id, minutes, sessions, last_day FROM skill_total ORDER BY skill_id"
        ).fetchall()
        == by_skill
    )
    by_day = conn.execute(
        "SELECT day, SUM(minutes), COUNT(*) FROM session GROUP BY day ORDER BY day"
    ).fetchall()
    assert conn.execute("SELECT day, minutes, sessions FROM study_day ORDER BY day").fetchall() == (
        by_day
    )
    by_skill_day = conn.execute(
        "SELECT skill_id, day, SUM(minutes), COUNT(*) FROM session GROUP BY skill_id, day "
        "ORDER BY skill_id, day"
    ).fetchall()
    assert (
        conn.execute(
            "SELECT skill_id, day, minutes, sessions FROM skill_day ORDER BY skill_id, day"
        ).fetchall()
        == by_skill_day
    )


SKILLS = ("cuda-programming", "gpu-architecture", "mpi-openmp")
DAYS = ("2026-11-01", "2026-11-02", "2026-11-03")
ops = st.lists(
    st.one_of(
        st.tuples(
            st.just("insert"), st.sampled_from(SKILLS), st.sampled_from(DAYS), st.integers(1, 300)
        ),
        st.tuples(st.just("delete"), st.integers(0, 30)),
        st.tuples(
            st.just("move"), st.integers(0, 30), st.sampled_from(SKILLS), st.sampled_from(DAYS)
        ),
        st.tuples(st.just("resize"), st.integers(0, 30), st.integers(1, 300)),
    ),
    max_size=40,
)


@pytest.fixture
def sessionless(backend: str, template: Path, tmp_path: Path) -> Iterator[Callable[[], Conn]]:
    """Hands out a connection to a migrated database on the bundled tree without sessions,
    fresh for each example: a copy of the template file on SQLite; on a server, the test's
    one database with its sessions and their totals deleted."""
    if backend == "sqlite":
        counter = itertools.count()

        def fresh_file() -> Conn:
            path = tmp_path / f"t{next(counter)}.db"
            shutil.copyfile(template, path)
            return sqlite3.connect(path, isolation_level=None)

        yield fresh_file
        return
    from roadmap.context import App
    from roadmap.store import pg

    url = os.environ["ROADMAP_DB"]
    app = App(url, str(ROOT / "skills.yaml"), notify=lambda _: None)
    app.conn()  # syncs the bundled tree into the server database
    app.close()

    def fresh_server() -> Conn:
        conn = pg.connect(url)
        for table in ("session", *copydb.TRIGGER_KEPT):
            conn.execute(f"DELETE FROM {table}")
        return conn

    yield fresh_server


def _apply(conn: Conn, sequence: list[tuple[Any, ...]]) -> None:
    """Insert, delete, move and resize sessions, in one transaction."""
    conn.execute("BEGIN")
    for op in sequence:
        ids = [r[0] for r in conn.execute("SELECT id FROM session ORDER BY id").fetchall()]
        if op[0] == "insert":
            _, skill, day, minutes = op
            conn.execute(
                "INSERT INTO session (skill_id, started_at, day, minutes, note, tags, links, "
                "source, created_at) VALUES (?, ?, ?, ?, '', '[]', '[]', 'log', ?)",
                (skill, f"{day}T10:00:00Z", day, minutes, f"{day}T12:00:00Z"),
            )
        elif ids and op[0] == "delete":
            conn.execute("DELETE FROM session WHERE id = ?", (ids[op[1] % len(ids)],))
        elif ids and op[0] == "move":
            _, index, skill, day = op
            conn.execute(
                "UPDATE session SET skill_id = ?, day = ? WHERE id = ?",
                (skill, day, ids[index % len(ids)]),
            )
        elif ids and op[0] == "resize":
            _, index, minutes = op
            conn.execute(
                "UPDATE session SET minutes = ? WHERE id = ?",
                (minutes, ids[index % len(ids)]),
            )
    conn.execute("COMMIT")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops)
def test_the_totals_always_equal_the_sessions(
    sessionless: Callable[[], Conn], sequence: list[tuple[Any, ...]]
) -> None:
    conn = sessionless()
    try:
        _apply(conn, sequence)
        _check_totals(conn)
    finally:
        conn.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database on the bundled tree, without sessions."""
    home = tmp_path_factory.mktemp("template")
    path = home / "roadmap.db"
    from roadmap.context import App

    app = App(str(path), str(ROOT / "skills.yaml"), notify=lambda _: None)
    app.conn()
    app.close()
    return path


def test_an_upgraded_history_gets_its_totals(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    path = tmp_path / "roadmap.db"
    shutil.copyfile(DATA / "schema-0001.db", path)
    if backend == "sqlite":
        db.open_db(path).close()
        conn: Conn = sqlite3.connect(path)
    else:  # the same history at 0001 on a server, upgraded as a client opens it
        from roadmap.store import migrate, pg, server

        url = fresh_pg_database(request.getfixturevalue("pg_cluster"), empty=True)
        migrate.upgrade_server(url, "0001", expect=None)
        source = sqlite3.connect(path)
        dest = pg.connect(url)
        try:
            dest.execute("BEGIN")
            assert copydb.copy(source, dest) > 0
            dest.execute("COMMIT")
        finally:
            source.close()
            dest.close()
        server.open_server(url, tmp_path / "backups").close()
        conn = pg.connect(url)
        assert server.revision(conn) == models.HEAD_REVISION
    try:
        assert conn.execute("SELECT COUNT(*) FROM skill_total").fetchone()[0] > 0
        _check_totals(conn)
    finally:
        conn.close()
