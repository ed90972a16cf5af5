"""``undo``: every kind of change is reverted exactly, newest first, from an append-only journal."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_track import assert_one_clear_error, count, dump


@pytest.fixture
def ready(run, small: Path, db_path: Path) -> Path:  # type: ignore[no-untyped-def]
    run.ok("tree")
    return db_path


def state(db: Path) -> str:
    """Every row of every table but the journal (which undo appends to, never rewinds), in
    a stable order: a derived row deleted and re-inserted (``skill_day``) gets a new rowid."""
    return "\n".join(sorted(line for line in dump(db).splitlines() if '"journal"' not in line))


def journal(db: Path) -> list[tuple[str, bool]]:
    conn = sqlite3.connect(db)
    try:
        return [
            (str(action), undone is not None)
            for action, undone in conn.execute("SELECT action, undone_at FROM journal ORDER BY id")
        ]
    finally:
        conn.close()


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
        "check linalg blocked-lu",
    ),
    (
        "uncheck",
        [("check", "linalg", "1.1"), ("check", "linalg", "2.1")],
        ("uncheck", "linalg", "1.1"),
        "uncheck linalg explain-lu",
    ),
    ("assess", [("assess", "linalg", "2")], ("assess", "linalg", "4", "-n", "x"), "assess linalg"),
]


@pytest.mark.parametrize(
    ("setup", "action", "summary"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_kind_of_change_is_undone_exactly(
    run, ready: Path, setup: list[tuple[str, ...]], action: tuple[str, ...], summary: str
) -> None:  # type: ignore[no-untyped-def]
    for args in setup:
        run.ok(*args)
    before = state(ready)
    entries = len(journal(ready))
    run.ok(*action)
    assert state(ready) != before
    result = run.ok("undo")
    assert result.stdout.startswith(f"undone: {summary}"), result.stdout
    assert state(ready) == before
    # The journal is append-only: the entry stays, marked undone.
    assert journal(ready)[entries:] == [(action[0], True)]


def test_undo_walks_back_through_a_mixed_history(run, ready: Path) -> None:  # type: ignore[no-untyped-def]
    steps: list[tuple[tuple[str, ...], str]] = [
        (("log", "linalg", "1h"), "log #1"),
        (("start", "calculus"), "start timer on calculus"),
        (("stop",), "stop #2"),
        (("edit", "1", "--duration", "90m"), "edit #1"),
        (("check", "linalg", "1.1"), "check linalg explain-lu"),
        (("assess", "calculus", "3"), "assess calculus at level 3"),
        (("delete", "2", "--yes"), "delete #2"),
        (("uncheck", "linalg", "1.1"), "uncheck linalg explain-lu"),
    ]
    snapshots = []
    for args, _ in steps:
        snapshots.append(state(ready))
        run.ok(*args)
    for (_, summary), snapshot in zip(reversed(steps), reversed(snapshots), strict=True):
        assert run.ok("undo").stdout.startswith(f"undone: {summary}")
        assert state(ready) == snapshot
    before = dump(ready)
    nothing = run("undo")
    assert nothing.exit_code == 1 and nothing.stderr == "roadmap: error: nothing to undo\n"
    assert dump(ready) == before
    assert len(journal(ready)) == len(steps) and all(undone for _, undone in journal(ready))


def test_refused_commands_are_not_journalled(run, ready: Path) -> None:  # type: ignore[no-untyped-def]
    run.ok("log", "linalg", "1h")
    for args in (("log", "linalg", "0m"), ("stop",), ("check", "linalg", "9.9")):
        assert run(*args).exit_code != 0
    assert journal(ready) == [("log", False)]
    assert run.ok("undo").stdout.startswith("undone: log #1")


def test_a_new_change_after_undo_is_undone_first(run, ready: Path) -> None:  # type: ignore[no-untyped-def]
    empty = state(ready)
    run.ok("log", "linalg", "1h")
    run.ok("undo")
    run.ok("log", "calculus", "30m")
    assert run.ok("undo").stdout.startswith("undone: log #1: 30m on calculus")
    assert state(ready) == empty
    assert run("undo").exit_code == 1  # the first log was undone already: no redo
    assert journal(ready) == [("log", True), ("log", True)]


def test_switch_is_one_change(run, ready: Path) -> None:  # type: ignore[no-untyped-def]
    run.ok("start", "linalg", "--note", "a")
    running = state(ready)
    run.ok("start", "calculus", "--switch")
    assert count(ready, "timer") == 1 and count(ready, "session") == 1
    assert run.ok("undo").stdout == (
        "undone: switch from linalg to calculus (stop #1: 1m on linalg); "
        "the timer on linalg is running again\n"
    )
    assert state(ready) == running
    assert run.ok("undo").stdout.startswith("undone: start timer on linalg")


def test_undo_refused_while_a_timer_runs_writes_nothing(run, ready: Path) -> None:  # type: ignore[no-untyped-def]
    run.ok("start", "linalg")
    run.ok("stop")
    # A timer started outside the journal (e.g. by an older version) blocks undoing the stop.
    conn = sqlite3.connect(ready)
    conn.execute(
        "INSERT INTO timer (slot, skill_id, started_at, note) "
        "VALUES (1, 'calculus', '2026-01-01T00:00:00Z', '')"
    )
    conn.commit()
    conn.close()
    before = dump(ready)
    result = run("undo")
    assert result.exit_code == 1
    assert "cannot undo: a timer is running now; stop or cancel it first" in result.stderr
    assert_one_clear_error(result.stderr)
    assert dump(ready) == before


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


@pytest.fixture
def template(run, ready: Path, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A synced database to copy for each example (SQLite backup: header and WAL mode kept)."""
    path = tmp_path / "template.db"
    source, target = sqlite3.connect(ready), sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()
    return path


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(COMMANDS), min_size=1, max_size=8))
def test_any_sequence_undoes_back_to_the_start(
    run: Any, template: Path, commands: list[tuple[str, ...]]
) -> None:
    """Each change pushes the state it changed; each undo must pop exactly that state; each
    refusal leaves everything (journal included) as it was; at the end undo empties it all."""
    with tempfile.TemporaryDirectory() as home:
        db = Path(home) / "roadmap.db"
        source, target = sqlite3.connect(template), sqlite3.connect(db)
        source.backup(target)
        source.close()
        target.close()
        old = os.environ["ROADMAP_HOME"]
        os.environ["ROADMAP_HOME"] = home
        try:
            stack = []
            for args in commands:
                before, full = state(db), dump(db)
                result = run(*args)
                if result.exit_code != 0:
                    assert dump(db) == full, args
                elif args == ("undo",):
                    assert state(db) == stack.pop(), args
                else:
                    stack.append(before)
            while stack:
                run.ok("undo")
                assert state(db) == stack.pop()
            assert run("undo").exit_code == 1
        finally:
            os.environ["ROADMAP_HOME"] = old
