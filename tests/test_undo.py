"""``undo``: every kind of change is reverted exactly, newest first, from an append-only journal."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Run, Sql, fresh_pg_database
from tests.test_track import assert_one_clear_error, count, dump

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def ready(run: Run, backend: str, small: Path, db_path: Path) -> Path:
    run.ok("tree")
    return db_path


def state(sql: Sql) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the journal (which undo appends to, never rewinds),
    each table's rows sorted: a derived row deleted and re-inserted (``skill_day``) gets a
    new rowid."""
    return {table: rows for table, rows in dump(sql).items() if table != "journal"}


def journal(sql: Sql) -> list[tuple[str, bool]]:
    return [
        (str(action), undone is not None)
        for action, undone in sql("SELECT action, undone_at FROM journal ORDER BY id")
    ]


SESSION = ("log", "linalg", "1h", "--on", "-1d", "--tag", "t", "--link", "https://x.org")

CASES: list[tuple[str, list[tuple[str, ...]], tuple[str, ...], str]] = [
    ("log", [], SESSION, "log #1: 1h on linalg ("),
    ("start", [], ("start", "linalg", "--note", "n"), "start timer on linalg"),
    (
        "stop",
        [("start", "linalg", "--note", "a")],
        ("stop", "--note", "b"),
        "stop #1: 1m on linalg; the timer on linalg is running again",
    ),
    ("cancel", [("start", "linalg")], ("cancel",), "cancel timer on linalg; it is running again"),
    (
        "edit",
        [SESSION],
        ("edit", "1", "-d", "2h", "--on", "-3d", "-n", "x", "-s", "calculus", "--tag", "u"),
        "edit #1",
    ),
    ("delete", [SESSION], ("delete", "1", "--yes"), "delete #1: 1h on linalg ("),
    (
        "check",
        [("check", "linalg", "1.1")],
        ("check", "linalg", "2.1", "--link", "https://g.it", "--note", "n"),
        "check linalg 2.1 Implement blocked LU",
    ),
    (
        "uncheck",
        [("check", "linalg", "1.1"), ("check", "linalg", "2.1")],
        ("uncheck", "linalg", "1.1"),
        "uncheck linalg 1.1 Explain LU",
    ),
    ("assess", [("assess", "linalg", "2")], ("assess", "linalg", "4", "-n", "x"), "assess linalg"),
]


@pytest.mark.parametrize(
    ("setup", "action", "summary"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_kind_of_change_is_undone_exactly(
    run: Run,
    ready: Path,
    sql: Sql,
    setup: list[tuple[str, ...]],
    action: tuple[str, ...],
    summary: str,
) -> None:
    for args in setup:
        run.ok(*args)
    before = state(sql)
    entries = len(journal(sql))
    run.ok(*action)
    assert state(sql) != before
    result = run.ok("undo")
    assert result.stdout.startswith(f"undone: {summary}"), result.stdout
    assert state(sql) == before
    # The journal is append-only: the entry stays, marked undone.
    assert journal(sql)[entries:] == [(action[0], True)]


def test_undo_walks_back_through_a_mixed_history(run: Run, ready: Path, sql: Sql) -> None:
    steps: list[tuple[tuple[str, ...], str]] = [
        (("log", "linalg", "1h"), "log #1"),
        (("start", "calculus"), "start timer on calculus"),
        (("stop",), "stop #2"),
        (("edit", "1", "--duration", "90m"), "edit #1"),
        (("check", "linalg", "1.1"), "check linalg 1.1 Explain LU"),
        (("assess", "calculus", "3"), "assess calculus at level 3"),
        (("delete", "2", "--yes"), "delete #2"),
        (("uncheck", "linalg", "1.1"), "uncheck linalg 1.1 Explain LU"),
    ]
    snapshots = []
    for args, _ in steps:
        snapshots.append(state(sql))
        run.ok(*args)
    for (_, summary), snapshot in zip(reversed(steps), reversed(snapshots), strict=True):
        assert run.ok("undo").stdout.startswith(f"undone: {summary}")
        assert state(sql) == snapshot
    before = dump(sql)
    nothing = run("undo")
    assert nothing.exit_code == 1 and nothing.stderr == "roadmap: error: nothing to undo\n"
    assert dump(sql) == before
    assert len(journal(sql)) == len(steps) and all(undone for _, undone in journal(sql))


def test_refused_commands_are_not_journalled(run: Run, ready: Path, sql: Sql) -> None:
    run.ok("log", "linalg", "1h")
    for args in (("log", "linalg", "0m"), ("stop",), ("check", "linalg", "9.9")):
        assert run(*args).exit_code != 0
    assert journal(sql) == [("log", False)]
    assert run.ok("undo").stdout.startswith("undone: log #1")


def test_a_new_change_after_undo_is_undone_first(run: Run, ready: Path, sql: Sql) -> None:
    empty = state(sql)
    run.ok("log", "linalg", "1h")
    run.ok("undo")
    run.ok("log", "calculus", "30m")
    assert run.ok("undo").stdout.startswith("undone: log #1: 30m on calculus")
    assert state(sql) == empty
    assert run("undo").exit_code == 1  # the first log was undone already: no redo
    assert journal(sql) == [("log", True), ("log", True)]


def test_switch_is_one_change(run: Run, ready: Path, sql: Sql) -> None:
    run.ok("start", "linalg", "--note", "a")
    running = state(sql)
    run.ok("start", "calculus", "--switch")
    assert count(sql, "timer") == 1 and count(sql, "session") == 1
    assert run.ok("undo").stdout == (
        "undone: switch from linalg to calculus (stop #1: 1m on linalg); "
        "the timer on linalg is running again\n"
    )
    assert state(sql) == running
    assert run.ok("undo").stdout.startswith("undone: start timer on linalg")


def test_undo_refused_while_a_timer_runs_writes_nothing(run: Run, ready: Path, sql: Sql) -> None:
    run.ok("start", "linalg")
    run.ok("stop")
    # A timer started outside the journal (e.g. by an older version) blocks undoing the stop.
    sql(
        "INSERT INTO timer (slot, skill_id, started_at, note) "
        "VALUES (1, 'calculus', '2026-01-01T00:00:00Z', '')"
    )
    before = dump(sql)
    result = run("undo")
    assert result.exit_code == 1
    assert "cannot undo: a timer is running now; stop or cancel it first" in result.stderr
    assert_one_clear_error(result.stderr)
    assert dump(sql) == before


COMMANDS: list[tuple[str, ...]] = [
    ("log", "linalg", "1h"),
    ("log", "calculus", "45m", "--on", "-2d", "--tag", "t", "--link", "https://x.org/"),
    ("start", "linalg", "--note", "a"),
    ("start", "calculus", "--switch"),
    ("stop", "--note", "b"),
    ("cancel",),
    ("edit", "1", "--duration", "2h", "--on", "-1d"),
    ("edit", "2", "--skill", "linalg", "--note", "moved", "--tag", "u"),
    ("delete", "1", "--yes"),
    ("delete", "2", "--yes"),
    ("check", "linalg", "1.1", "--note", "n"),
    ("check", "linalg", "2.1"),
    ("uncheck", "linalg", "1.1"),
    ("assess", "linalg", "3"),
    ("assess", "linalg", "0"),
    ("undo",),
    ("undo",),
    ("log", "linalg", "0m"),  # always refused
]


@contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def _sqlite_copy(source: Path, target: Path) -> None:
    """An SQLite backup: header and WAL mode kept."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


@pytest.fixture
def fresh(
    run: Run, backend: str, ready: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> Callable[[], AbstractContextManager[Sql]]:
    """A new synced database for each example: on SQLite a copy of a synced file (in a home
    of its own), on PostgreSQL a fresh database synced the same way."""
    if backend == "sqlite":
        template = tmp_path / "template.db"
        _sqlite_copy(ready, template)

        @contextmanager
        def make() -> Iterator[Sql]:
            with tempfile.TemporaryDirectory() as home:
                _sqlite_copy(template, Path(home) / "roadmap.db")
                with _env("ROADMAP_HOME", home):
                    yield Sql(Path(home))

        return make

    cluster = request.getfixturevalue("pg_cluster")

    @contextmanager
    def make_pg() -> Iterator[Sql]:
        with _env("ROADMAP_DB", fresh_pg_database(cluster)):
            run.ok("tree")
            yield Sql(Path(os.environ["ROADMAP_HOME"]))

    return make_pg


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(COMMANDS), min_size=1, max_size=8))
def test_any_sequence_undoes_back_to_the_start(
    run: Any, fresh: Callable[[], AbstractContextManager[Sql]], commands: list[tuple[str, ...]]
) -> None:
    """Each change pushes the state it changed; each undo must pop exactly that state; each
    refusal leaves everything (journal included) as it was; at the end undo empties it all."""
    with fresh() as sql:
        stack: list[Any] = []
        for args in commands:
            before, full = state(sql), dump(sql)
            result = run(*args)
            if result.exit_code != 0:
                assert dump(sql) == full, args
            elif args == ("undo",):
                assert state(sql) == stack.pop(), args
            else:
                stack.append(before)
        while stack:
            run.ok("undo")
            assert state(sql) == stack.pop()
        assert run("undo").exit_code == 1
