"""Logging sessions, the timer, edit / delete / undo, check / assess: what the user sees."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest


def dump(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def ready(run, small: Path, db_path: Path) -> Path:  # type: ignore[no-untyped-def]
    run.ok("tree")
    return db_path


def test_log_prints_the_session_with_its_id(run, ready: Path) -> None:  # type: ignore[no-untyped-def]
    result = run.ok("log", "linalg", "1h30m", "--note", "LU [bold]x[/bold]", "--tag", "book")
    assert result.stdout.startswith("logged #1 ")
    assert "1h30m  linalg  LU [bold]x[/bold]" in result.stdout
    data = run.json(
        "log",
        "linalg",
        "45m",
        "--on",
        "yesterday",
        "--tag",
        "b",
        "--tag",
        "a",
        "--link",
        "https://x.org",
    )
    assert set(data) >= {
        "id",
        "skill",
        "skill_name",
        "pillar",
        "started_at",
        "minutes",
        "note",
        "tags",
        "links",
        "source",
    }
    assert data["id"] == 2
    assert data["skill"] == "linalg" and data["skill_name"] == "Linear algebra"
    assert data["pillar"] == "math" and data["minutes"] == 45 and data["source"] == "log"
    assert data["tags"] == ["a", "b"] and data["links"] == ["https://x.org"]
    assert data["started_at"].startswith(
        (date.today() - timedelta(days=1)).isoformat() + "T12:00:00"
    )
    assert data["started_at"][-6] in "+-"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("log", "linalg", "0m"), "invalid duration"),
        (("log", "linalg", "25h"), "duration"),
        (("log", "linalg", "abc"), "invalid duration"),
        (("log", "linalg", "1h", "--on", "2999-01-01"), "in the future"),
        (("log", "linalg", "1h", "--on", "someday"), "someday"),
        (("log", "nosuchskill", "1h"), "unknown skill 'nosuchskill'"),
        (("log", "cpp-", "1h"), "matches several skills: cpp-memory, cpp-templates"),
        (("check", "linalg", "9.9"), "unknown milestone '9.9'"),
        (("assess", "linalg", "9"), "outside the scale"),
        (("edit", "99", "--note", "x"), "no session #99"),
        (("delete", "99", "--yes"), "no session #99"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    run, ready: Path, args: tuple[str, ...], needle: str
) -> None:  # type: ignore[no-untyped-def]
    before = dump(ready)
    result = run(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert needle in result.stderr
    assert result.stderr.count("\n") <= 2 and "Traceback" not in result.stderr
    assert dump(ready) == before


def test_state_errors_exit_1_and_write_nothing(run, ready: Path) -> None:  # type: ignore[no-untyped-def]
    before = dump(ready)
    for args, needle in (
        (("stop",), "no timer is running"),
        (("cancel",), "no timer is running"),
        (("undo",), "nothing to undo"),
    ):
        result = run(*args)
        assert result.exit_code == 1
        assert needle in result.stderr
    assert "roadmap start SKILL" in run("stop").stderr
    assert dump(ready) == before


def test_unknown_skill_suggests_the_nearest(run, ready: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("log", "linalj", "1h")
    assert result.exit_code == 2
    assert "did you mean linalg" in result.stderr


def test_skill_resolves_by_prefix_and_name(run, ready: Path) -> None:  # type: ignore[no-untyped-def]
    assert run.json("log", "lin", "1h")["skill"] == "linalg"
    assert run.json("log", "CALCULUS", "1h")["skill"] == "calculus"
    assert run.json("log", "memory model", "1h")["skill"] == "cpp-memory"


def test_timer_start_stop_records_one_session(run, ready: Path) -> None:  # type: ignore[no-untyped-def]
    run.ok("start", "linalg", "--note", "chapter 3")
    again = run("start", "calculus")
    assert again.exit_code == 1
    assert "already running on 'linalg' since" in again.stderr
    status = run.json("status")
    assert status["timer"]["skill"] == "linalg"
    data = run.json("stop", "--note", "done")
    assert data["source"] == "timer" and data["minutes"] == 1
    assert data["note"] == "chapter 3; done"
    assert count(ready, "timer") == 0
    assert count(ready, "session") == 1


def test_switch_stops_the_running_timer(run, ready: Path) -> None:  # type: ignore[no-untyped-def]
    run.ok("start", "linalg")
    result = run.ok("start", "calculus", "--switch")
    assert "stopped #1" in result.stdout
    assert "started timer on calculus" in result.stdout
    assert run.json("status")["timer"]["skill"] == "calculus"


def test_forgotten_timer_needs_yes(run, ready: Path) -> None:  # type: ignore[no-untyped-def]
    run.ok("start", "linalg")
    conn = sqlite3.connect(ready)
    conn.execute("UPDATE timer SET started_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-13 hours')")
    conn.commit()
    conn.close()
    refused = run("stop")
    assert refused.exit_code == 1 and "probably forgotten" in refused.stderr
    assert count(ready, "session") == 0
    data = run.json("stop", "--yes")
    assert 779 <= data["minutes"] <= 781


def test_edit_delete_undo_walk_back(run, ready: Path) -> None:  # type: ignore[no-untyped-def]
    empty = dump(ready)
    run.ok("log", "linalg", "1h")
    after_log = dump(ready)
    run.ok("edit", "1", "--duration", "2h", "--note", "more", "--skill", "calculus")
    edited = run.json("sessions")[0]
    assert (edited["skill"], edited["minutes"], edited["note"]) == ("calculus", 120, "more")
    run.ok("delete", "1", "--yes")
    assert run.json("sessions") == []
    assert "undone: delete #1" in run.ok("undo").stdout
    assert run.json("sessions")[0]["minutes"] == 120
    assert "undone: edit #1" in run.ok("undo").stdout
    restored = run.json("sessions")[0]
    assert (restored["skill"], restored["minutes"], restored["note"]) == ("linalg", 60, "")
    assert strip_journal(dump(ready)) == strip_journal(after_log)
    assert "undone: log #1" in run.ok("undo").stdout
    assert strip_journal(dump(ready)) == strip_journal(empty)
    assert run("undo").exit_code == 1


def strip_journal(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if '"journal"' not in line)


def test_delete_asks_without_yes_and_refuses_off_terminal(run, ready: Path) -> None:  # type: ignore[no-untyped-def]
    run.ok("log", "linalg", "1h")
    result = run("delete", "1")
    assert result.exit_code == 2
    assert "pass --yes" in result.stderr
    assert count(ready, "session") == 1


def test_check_levels_and_undo(run, ready: Path) -> None:  # type: ignore[no-untyped-def]
    assert "level 0 -> 1" in run.ok("check", "linalg", "1.1").stdout
    assert (
        "level 1 -> 2" in run.ok("check", "linalg", "blocked-lu", "--link", "https://g.it").stdout
    )
    assert run("check", "linalg", "2.1").exit_code == 1  # already checked
    show = run.json("show", "linalg")
    assert show["level"] == 2
    assert [h["level"] for h in show["level_history"]] == [1, 2]
    assert show["milestones"][1]["link"] == "https://g.it"
    run.ok("uncheck", "linalg", "1.1")
    assert run.json("show", "linalg")["level"] == 0
    run.ok("undo")
    assert run.json("show", "linalg")["level"] == 2
    run.ok("assess", "linalg", "4", "--note", "taught it")
    show = run.json("show", "linalg")
    assert show["level"] == 4 and show["assessment"]["level"] == 4
    run.ok("undo")
    assert run.json("show", "linalg")["level"] == 2
    assert [h["level"] for h in run.json("show", "linalg")["level_history"]] == [1, 2]


def test_sessions_filters(run, ready: Path) -> None:  # type: ignore[no-untyped-def]
    run.ok("log", "linalg", "1h", "--on", "-10d", "--tag", "x")
    run.ok("log", "cpp-memory", "30m", "--on", "-2d")
    run.ok("log", "cpp-templates", "20m")
    assert [s["skill"] for s in run.json("sessions")] == ["cpp-templates", "cpp-memory", "linalg"]
    assert [s["skill"] for s in run.json("sessions", "--skill", "cpp")] == [
        "cpp-templates",
        "cpp-memory",
    ]
    assert [s["skill"] for s in run.json("sessions", "--pillar", "math")] == ["linalg"]
    assert [s["skill"] for s in run.json("sessions", "--since", "-3d")] == [
        "cpp-templates",
        "cpp-memory",
    ]
    assert [s["skill"] for s in run.json("sessions", "--until", "-3d")] == ["linalg"]
    assert [s["skill"] for s in run.json("sessions", "--tag", "x")] == ["linalg"]
    assert len(run.json("sessions", "--limit", "1")) == 1
    table = run.ok("sessions").stdout
    assert "cpp-templates" in table and "#x" in table
