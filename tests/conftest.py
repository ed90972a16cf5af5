"""Shared fixtures: every test gets its own ROADMAP_HOME; none touches the real home."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from roadmap.cli.main import app

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SMALL = DATA / "small.yaml"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("ROADMAP_HOME", str(home))
    monkeypatch.delenv("ROADMAP_DB", raising=False)
    monkeypatch.delenv("ROADMAP_SKILLS", raising=False)
    for name in [k for k in os.environ if k.startswith("PG")]:  # libpq's own settings
        monkeypatch.delenv(name)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TZ", os.environ.get("ROADMAP_TEST_TZ", "UTC"))
    # Every test runs at one fixed moment, never at the hour the suite happens to run (at
    # 00:03 there is no free hour "today" before now): tests that need another moment set
    # their own; ROADMAP_TEST_NOW runs the whole suite at another one.
    monkeypatch.setenv("ROADMAP_NOW", PINNED_NOW)
    return home


@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's zone is Europe/Berlin (summer time: 29 March and 25 October 2026)."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


class Run:
    """Invoke the CLI in-process; ``run("log", "cuda", "1h")`` → Result."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Any:
        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)

    def ok(self, *args: str) -> Any:
        result = self(*args)
        assert result.exit_code == 0, (result.stdout, result.stderr)
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json").stdout)


@pytest.fixture
def run() -> Run:
    return Run()


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Use the small test tree."""
    monkeypatch.setenv("ROADMAP_SKILLS", str(SMALL))
    return SMALL


# The moment tests that depend on the date pin "now" to (``ROADMAP_NOW``). Override it to try
# them on another day: ``ROADMAP_TEST_NOW=2026-12-31T23:30:00+00:00 pytest tests/test_views.py``.
PINNED_NOW = os.environ.get("ROADMAP_TEST_NOW", "2026-12-01T09:00:00+00:00")
# Also for what runs outside a test's own environment: fixtures made once per module or
# session, and the processes they start.
os.environ["ROADMAP_NOW"] = PINNED_NOW


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Pin the CLI's "now" (``ROADMAP_NOW``) for this test; returns it (aware, local)."""
    from roadmap import clock

    monkeypatch.setenv("ROADMAP_NOW", PINNED_NOW)
    return clock.now()


@pytest.fixture
def db_path(isolated_home: Path) -> Path:
    return isolated_home / "roadmap.db"


def subprocess_run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m roadmap`` as a real process."""
    full = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "roadmap", *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=timeout,
        cwd=str(ROOT),
    )


def holds_write_lock(db_path: Path) -> bool:
    """Whether some process holds the database's write lock right now."""
    probe = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def kill_while_writing(db_path: Path, *args: str, what: str) -> None:
    """Run ``python -m roadmap ARGS`` and ``kill -9`` it inside its write transaction."""
    import time

    child = subprocess.Popen(
        [sys.executable, "-m", "roadmap", *args],
        cwd=str(ROOT),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not holds_write_lock(db_path):
        if child.poll() is not None:
            raise AssertionError(
                f"the {what} ended before it could be killed: {child.communicate()}"
            )
        assert time.monotonic() < deadline
        time.sleep(0.001)
    child.kill()
    child.wait(timeout=30)


ProcRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def proc() -> ProcRunner:
    return subprocess_run


@pytest.fixture
def write_yaml(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    counter = iter(range(10_000))

    def make(text: str) -> Path:
        path = tmp_path / f"tree{next(counter)}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    yield make


# --- the database backends -----------------------------------------------------------
#
# A module that says ``pytestmark = pytest.mark.usefixtures("backend")`` runs every test
# twice: on a SQLite file and on a PostgreSQL server (a throwaway cluster started once per
# test session by ``tests/pgcluster.py``, a fresh database per test). Without a server the
# PostgreSQL half is skipped, unless ``ROADMAP_TEST_POSTGRES=required`` (CI) makes that
# a failure.

PG_TEMPLATE = "roadmap_head"
PER_TEST = "t_"  # the prefix of every database a test makes; dropped when the test ends
_STARTED: list[Any] = []  # the session's cluster, once a test has asked for it


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    from tests import pgcluster

    required = os.environ.get("ROADMAP_TEST_POSTGRES") == "required"
    if pgcluster.find_bin_dir() is None:
        if required:
            pytest.fail("ROADMAP_TEST_POSTGRES=required but no PostgreSQL server is installed")
        pytest.skip("no PostgreSQL server installed (Debian: apt install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        if required:
            pytest.fail("ROADMAP_TEST_POSTGRES=required but psycopg is not installed")
        pytest.skip("psycopg is not installed (pip install -e '.[dev,postgres]')")
    cluster = pgcluster.start()
    try:
        # A database at the schema head, copied for each test (CREATE DATABASE ... TEMPLATE).
        cluster.create_database(PG_TEMPLATE)
        from roadmap.store import migrate

        migrate.upgrade_server(cluster.url(PG_TEMPLATE), expect=None)
        _STARTED.append(cluster)
        yield cluster
    finally:
        _STARTED.clear()
        cluster.stop()


@pytest.fixture(autouse=True)
def _drop_test_databases(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that used the server: drop the databases it made (a few MB each; kept,
    they made the server's data dir grow by gigabytes and its teardown take minutes)."""
    yield
    if _STARTED and "pg_cluster" in request.fixturenames:
        _STARTED[0].drop_databases(PER_TEST)


def fresh_pg_database(cluster: Any, *, empty: bool = False) -> str:
    """A new database (at the schema head, or ``empty``); returns its URL."""
    import uuid

    name = f"{PER_TEST}{uuid.uuid4().hex[:12]}"
    if empty:
        cluster.create_database(name)
    else:
        cluster.psql_exec("postgres", f'CREATE DATABASE "{name}" TEMPLATE "{PG_TEMPLATE}"')
    return str(cluster.url(name))


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(
    request: pytest.FixtureRequest, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """Which database this test runs on; for PostgreSQL, ROADMAP_DB is a fresh database."""
    if request.param == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        monkeypatch.setenv("ROADMAP_DB", fresh_pg_database(cluster))
    return str(request.param)


class Sql:
    """Read (or, for setting up a case, write) the test's database, whatever the backend."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def connect(self) -> Any:
        url = os.environ.get("ROADMAP_DB")
        if url and url.startswith("postgresql"):
            from roadmap.store import pg

            return pg.connect(url)
        conn = sqlite3.connect(url or str(self.home / "roadmap.db"), isolation_level=None)
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def __call__(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        conn = self.connect()
        try:
            cursor = conn.execute(query, params)
            rows = (
                cursor.fetchall() if query.lstrip().upper().startswith(("SELECT", "WITH")) else []
            )
            return [tuple(r) for r in rows]
        finally:
            conn.close()

    def one(self, query: str, params: tuple[Any, ...] = ()) -> Any:
        """The single value of a one-row, one-column query."""
        rows = self(query, params)
        assert len(rows) == 1 and len(rows[0]) == 1, rows
        return rows[0][0]

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every roadmap table, sorted: to compare before and after."""
        from roadmap.store import copydb

        conn = self.connect()
        try:
            out = {}
            for table in copydb.tables(conn):
                rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
                out[table] = sorted((tuple(_plain(v) for v in r) for r in rows), key=repr)
            return out
        finally:
            conn.close()


def _plain(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


@pytest.fixture
def sql(isolated_home: Path) -> Sql:
    return Sql(isolated_home)


class MadeOnce:
    """Databases filled once per test session and copied for each test that asks for them.

    ``made_once.use("big", build)`` runs ``build(sql)`` the first time, in a data dir (and, on
    the server, a database) of its own with the test's other settings (``ROADMAP_SKILLS``,
    ``ROADMAP_NOW``...), then points the test at a copy: the SQLite data dir copied file by
    file, the server database with ``CREATE DATABASE ... TEMPLATE``. For fixtures that are
    slow to fill (tens of thousands of rows through the triggers) and the same every time.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.built: set[tuple[str, str]] = set()

    def use(
        self,
        key: str,
        build: Callable[[Sql], None],
        request: pytest.FixtureRequest,
        monkeypatch: pytest.MonkeyPatch,
    ) -> Sql:
        import shutil
        import uuid

        on_server = os.environ.get("ROADMAP_DB", "").startswith("postgresql")
        backend = "postgresql" if on_server else "sqlite"
        source = self.root / f"{backend}-{key}"
        cluster = request.getfixturevalue("pg_cluster") if on_server else None
        template = f"made_{key}"
        if (backend, key) not in self.built:
            with pytest.MonkeyPatch.context() as env:
                env.setenv("ROADMAP_HOME", str(source))
                if cluster is not None:
                    cluster.psql_exec(
                        "postgres", f'CREATE DATABASE "{template}" TEMPLATE "{PG_TEMPLATE}"'
                    )
                    env.setenv("ROADMAP_DB", cluster.url(template))
                else:
                    env.delenv("ROADMAP_DB", raising=False)
                build(Sql(source))
            if cluster is None:  # the file alone is the whole database
                conn = sqlite3.connect(source / "roadmap.db")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.close()
            self.built.add((backend, key))
        home = Path(os.environ["ROADMAP_HOME"])
        if cluster is not None:
            name = f"{PER_TEST}{uuid.uuid4().hex[:12]}"
            cluster.psql_exec("postgres", f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            monkeypatch.setenv("ROADMAP_DB", cluster.url(name))
        elif source.exists():
            shutil.copytree(source, home, dirs_exist_ok=True)
        return Sql(home)


@pytest.fixture(scope="session")
def made_once(tmp_path_factory: pytest.TempPathFactory) -> MadeOnce:
    return MadeOnce(tmp_path_factory.mktemp("made-once"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked ``sqlite_only`` (about the file itself: bytes, WAL, permissions) or
    ``no_database`` (in a module whose tests run on both, but touches no database) runs only
    in its SQLite variant."""
    keep = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_server = callspec is not None and callspec.params.get("backend") == "postgresql"
        if on_server and (
            item.get_closest_marker("sqlite_only") or item.get_closest_marker("no_database")
        ):
            continue
        keep.append(item)
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


# A child process: ``child.py MODE ARGS...``. It waits until the wall-clock time given
# as its first argument (so both sides start at once, imports done), then drives the
# CLI in-process, reporting on its real stdout.
CHILD = r"""
import io, json, sys, time
from contextlib import redirect_stderr, redirect_stdout

from typer.main import get_command

from roadmap.cli.main import app

command = get_command(app)
real_stdout = sys.stdout


def call(*args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = command.main(list(args), prog_name="roadmap", standalone_mode=False)
        except SystemExit as exc:
            code = exc.code
        except BaseException as exc:  # reported, so the parent can fail the test
            code = f"{type(exc).__name__}: {exc}"
    return code or 0, out.getvalue(), err.getvalue()


mode, start_at, args = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
while time.time() < start_at:
    time.sleep(0.001)

if mode == "log":  # log N sessions, report every call
    count, tag = int(args[0]), args[1]
    calls = [call("log", "linalg", "1m", "--note", f"{tag}-{i}", "--json") for i in range(count)]
    real_stdout.write(json.dumps(calls))
elif mode == "race":  # start then stop N times, report every call
    calls = []
    for _ in range(int(args[0])):
        calls.append(("start", *call("start", "linalg")))
        calls.append(("stop", *call("stop", "--json")))
    real_stdout.write(json.dumps(calls))
elif mode == "logloop":  # log until killed; say "saved ID NOTE" after each success
    import roadmap.store.write, roadmap.track  # warm up: the write path's lazy imports
    real_stdout.write("ready\n")
    real_stdout.flush()
    i = 0
    while True:
        note = f"{args[0]}-{i}"
        # a day each (a day holds 24 hours of sessions at most, and today only what is past)
        code, out, err = call("log", "calculus", "5m", "--on", f"-{i + 1}d", "--note", note, "--json")
        if code != 0:
            real_stdout.write(f"error {code} {err!r}\n")
        else:
            real_stdout.write(f"saved {json.loads(out)['id']} {note}\n")
        real_stdout.flush()
        i += 1
"""


@pytest.fixture
def child(tmp_path: Path) -> Callable[..., subprocess.Popen[str]]:
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")

    def spawn(mode: str, *args: str, start_at: float = 0.0) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-u", str(script), mode, str(start_at), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=str(ROOT),
        )

    return spawn
