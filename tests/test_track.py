"""Logging sessions, the timer, edit / delete / undo, check / assess: what the user sees."""

from __future__ import annotations

import json
import os
import platform
import pty
import select
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from roadmap import clock
from tests.conftest import ROOT, SMALL, ProcRunner, Run, Sql

pytestmark = pytest.mark.usefixtures("backend")


def dump(sql: Sql) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every roadmap table, whatever the backend."""
    return sql.dump()


def count(sql: Sql, table: str) -> int:
    return int(sql.one(f"SELECT count(*) FROM {table}"))


@pytest.fixture
def ready(run: Run, backend: str, small: Path, db_path: Path) -> Path:
    run.ok("tree")
    return db_path


def test_log_prints_the_session_with_its_id(run: Run, ready: Path, pinned: datetime) -> None:
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
    # Without a time of day, a past day's session ends at the end of that day.
    assert data["started_at"].startswith(
        (pinned.date() - timedelta(days=1)).isoformat() + "T23:15:00"
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
        (("assess", "linalg", "9"), "'9' is not a level: levels are 0–5"),
        (("edit", "99", "--note", "x"), "no session #99"),
        (("delete", "99", "--yes"), "no session #99"),
        (("log", "linalg", "1441"), "must be 1 minute to 24 hours"),
        (("log", "linalg", "24h1m"), "must be 1 minute to 24 hours"),
        (("log", "linalg", "1h", "--on", "2999-01-01T10:00"), "in the future"),
        (("log", "linalg", "1h", "--on", "tomorrow"), "invalid date 'tomorrow'"),
        (("log", "linalg", "1h", "--on", "2026-02-30"), "invalid date '2026-02-30'"),
        (("log", "linalg", "1h", "--link", "javascript:alert(1)"), "invalid link"),
        (("log", "linalg", "1h", "--link", "not a url"), "invalid link"),
        (("log", "linalg", "1h", "--tag", " "), "invalid tag"),
        (("log", "", "1h"), "no skill given"),
        (("log", "c", "1h"), "matches several skills: calculus, cpp, cpp-memory and 1 more"),
        (("start", "nosuchskill"), "unknown skill 'nosuchskill'"),
        (("check", "nosuchskill", "1.1"), "unknown skill 'nosuchskill'"),
        (("check", "linalg", "nosuch"), "unknown milestone 'nosuch' for skill 'linalg'"),
        (("check", "calculus", "1.1"), "has no milestones"),
        (("check", "linalg", "1.1", "--link", "ftp:nohost"), "invalid link"),
        (("uncheck", "linalg", "3.1"), "unknown milestone '3.1'"),
        (("assess", "nosuchskill", "1"), "unknown skill"),
        (("assess", "linalg", "6"), "'6' is not a level: levels are 0–5\n  0 None\n  1 Novice"),
        (("assess", "linalg", "abc"), "not a level"),
        (("assess", "linalg", "2.5"), "not a level"),
        (("edit", "abc", "--note", "x"), "invalid session id 'abc'"),
        (("edit", "1", "--note", "x"), "no session #1"),
        (("delete", "#7", "--yes"), "no session #7"),
        (("sessions", "--pillar", "nosuch"), "unknown pillar 'nosuch'; did you mean"),
        (("sessions", "--skill", "nosuch"), "unknown skill 'nosuch'"),
        (("sessions", "--since", "someday"), "invalid date 'someday'"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    run: Run, ready: Path, sql: Sql, args: tuple[str, ...], needle: str
) -> None:
    before = dump(sql)
    result = run(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert needle in result.stderr
    assert_one_clear_error(result.stderr)
    assert result.stdout == ""
    assert dump(sql) == before


def assert_one_clear_error(stderr: str) -> None:
    """One ``roadmap: error:`` line, perhaps a listing on indented lines, at most one
    ``hint:`` line last, nothing else."""
    lines = stderr.splitlines()
    assert lines and lines[0].startswith("roadmap: error: "), stderr
    assert all(line.startswith("  ") for line in lines[1:]), stderr
    hints = [i for i, line in enumerate(lines) if line.startswith("  hint: ")]
    assert hints in ([], [len(lines) - 1]), stderr


def test_state_errors_exit_1_and_write_nothing(run: Run, ready: Path, sql: Sql) -> None:
    before = dump(sql)
    for args, needle in (
        (("stop",), "no timer is running"),
        (("cancel",), "no timer is running"),
        (("undo",), "nothing to undo"),
    ):
        result = run(*args)
        assert result.exit_code == 1
        assert needle in result.stderr
    assert run("stop").stderr == (
        "roadmap: error: no timer is running; start one with `roadmap start SKILL`\n"
    )
    assert dump(sql) == before


def test_unknown_skill_suggests_the_nearest(run: Run, ready: Path) -> None:
    result = run("log", "linalj", "1h")
    assert result.exit_code == 2
    assert "did you mean linalg" in result.stderr
    assert "hint: see every skill with: roadmap tree" in result.stderr
    # Always the three nearest ids, however far off the word is.
    far = run("log", "zzzz", "1h").stderr.splitlines()[0]
    ids = far.split("did you mean ")[1].rstrip("?").split(", ")
    assert len(ids) == 3 and set(ids) <= {
        "linalg",
        "calculus",
        "cpp",
        "cpp-templates",
        "cpp-memory",
    }
    assert run("log", "cpp-memroy", "1h").stderr.count("did you mean cpp-memory") == 1


def test_skill_resolves_by_prefix_and_name(run: Run, ready: Path) -> None:
    assert run.json("log", "lin", "1h")["skill"] == "linalg"
    assert run.json("log", "CALCULUS", "1h")["skill"] == "calculus"
    assert run.json("log", "memory model", "1h")["skill"] == "cpp-memory"
    # An exact id wins over the ids it is a prefix of (cpp-templates, cpp-memory).
    assert run.json("log", "cpp", "1h")["skill"] == "cpp"
    assert run.json("log", "CPP", "1h")["skill"] == "cpp"
    # An exact name wins too ("C++" is the name of cpp), then a name prefix, then a part.
    assert run.json("log", "c++", "1h")["skill"] == "cpp"
    assert run.json("log", "linear", "1h")["skill"] == "linalg"
    assert run.json("log", "cpp-t", "1h")["skill"] == "cpp-templates"
    assert run.json("log", "algebra", "1h")["skill"] == "linalg"
    # Several matches: up to three named, the rest counted.
    several = run("log", "cpp-", "1h")
    assert several.exit_code == 2
    assert "'cpp-' matches several skills: cpp-memory, cpp-templates; be more specific" in (
        several.stderr
    )


def test_timer_start_stop_records_one_session(run: Run, ready: Path, sql: Sql) -> None:
    run.ok("start", "linalg", "--note", "chapter 3")
    again = run("start", "calculus")
    assert again.exit_code == 1
    assert "already running on 'linalg' since" in again.stderr
    status = run.json("status")
    assert status["timer"]["skill"] == "linalg"
    data = run.json("stop", "--note", "done")
    assert data["source"] == "timer" and data["minutes"] == 1
    assert data["note"] == "chapter 3; done"
    assert count(sql, "timer") == 0
    assert count(sql, "session") == 1


def test_switch_stops_the_running_timer(run: Run, ready: Path) -> None:
    run.ok("start", "linalg")
    result = run.ok("start", "calculus", "--switch")
    assert "stopped #1" in result.stdout
    assert "started timer on calculus" in result.stdout
    assert run.json("status")["timer"]["skill"] == "calculus"


def test_forgotten_timer_needs_yes(run: Run, ready: Path, sql: Sql) -> None:
    run.ok("start", "linalg")
    _timer_started(sql, 13)
    refused = run("stop")
    assert refused.exit_code == 1 and "probably forgotten" in refused.stderr
    assert count(sql, "session") == 0
    data = run.json("stop", "--yes")
    assert 779 <= data["minutes"] <= 781


def test_edit_delete_undo_walk_back(run: Run, ready: Path, sql: Sql) -> None:
    empty = dump(sql)
    run.ok("log", "linalg", "1h")
    after_log = dump(sql)
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
    assert strip_journal(dump(sql)) == strip_journal(after_log)
    assert "undone: log #1" in run.ok("undo").stdout
    assert strip_journal(dump(sql)) == strip_journal(empty)
    assert run("undo").exit_code == 1


def strip_journal(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """A dump without the journal (undo appends to it, never rewinds it)."""
    return {table: found for table, found in rows.items() if table != "journal"}


def test_delete_asks_without_yes_and_refuses_off_terminal(run: Run, ready: Path, sql: Sql) -> None:
    run.ok("log", "linalg", "1h")
    result = run("delete", "1")
    assert result.exit_code == 2
    assert "pass --yes" in result.stderr
    assert count(sql, "session") == 1


def test_check_levels_and_undo(run: Run, ready: Path) -> None:
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


def test_sessions_filters(run: Run, ready: Path) -> None:
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


def test_log_accepts_durations_as_people_type_them(run: Run, ready: Path) -> None:
    for text, minutes in (
        ("45m", 45),
        ("90", 90),
        ("1h", 60),
        ("1h30m", 90),
        ("1.5h", 90),
        ("2h 15m", 135),
        ("1m", 1),
        ("24h", 1440),
    ):
        assert run.json("log", "linalg", text, "--on", "2026-01-05")["minutes"] == minutes, text
        run.ok("undo")  # a day holds 24 hours at most


# Just after midnight on the 1st (a 30-minute session would begin the month before), the
# last evening of a year, the 1st after a short month.
@pytest.mark.parametrize(
    "now", ["2026-12-01T00:20:00+00:00", "2026-12-31T23:50:00+00:00", "2027-03-01T12:00:00+00:00"]
)
def test_log_dates_as_people_type_them(
    run: Run, ready: Path, monkeypatch: pytest.MonkeyPatch, now: str
) -> None:
    monkeypatch.setenv("ROADMAP_NOW", now)
    moment = datetime.fromisoformat(now)
    today = moment.date()
    default = run.json("log", "linalg", "15m")  # fits even at 00:20
    assert default["started_at"][:10] == today.isoformat()
    started = datetime.fromisoformat(default["started_at"])
    # Today's session ends now: the latest free time of today that ends by now.
    assert started + timedelta(minutes=15) == moment
    for on, day in (
        ("yesterday", today - timedelta(days=1)),
        ("-3d", today - timedelta(days=3)),
        ("2026-01-05", date(2026, 1, 5)),
    ):
        data = run.json("log", "linalg", "1h", "--on", on)
        assert data["started_at"].startswith(f"{day.isoformat()}T23:00:00"), on
    exact = run.json("log", "linalg", "1h", "--on", "2026-01-05T09:30")
    assert exact["started_at"].startswith("2026-01-05T09:30:00")


def test_log_validates_links_and_tags(run: Run, ready: Path) -> None:
    data = run.json(
        "log", "linalg", "1h", "--link", " https://ex.org/a?b=1 ", "--tag", " x ", "--tag", "x"
    )
    assert data["links"] == ["https://ex.org/a?b=1"]
    assert data["tags"] == ["x"]


# --- archived skills ---------------------------------------------------------------------------


@pytest.fixture
def archived(run: Run, ready: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """cpp-memory has session #1 and is then removed from the skills file (archived)."""
    run.ok("log", "cpp-memory", "1h", "--on", "-1d")
    run.ok("log", "linalg", "30m")
    text = SMALL.read_text(encoding="utf-8")
    gone = "          - id: cpp-memory\n            name: Memory model\n"
    assert gone in text
    tree = tmp_path / "without-memory.yaml"
    tree.write_text(text.replace(gone, ""), encoding="utf-8")
    monkeypatch.setenv("ROADMAP_SKILLS", str(tree))
    run.ok("tree")
    return ready


@pytest.mark.parametrize(
    "args",
    [
        ("log", "cpp-memory", "1h"),
        ("log", "cpp-mem", "1h"),
        ("log", "Memory model", "1h"),
        ("start", "cpp-memory"),
        ("assess", "cpp-memory", "2"),
        ("check", "cpp-memory", "1.1"),
        ("edit", "2", "--skill", "cpp-memory"),
    ],
)
def test_archived_skill_is_refused(
    run: Run, archived: Path, sql: Sql, args: tuple[str, ...]
) -> None:
    before = dump(sql)
    result = run(*args)
    assert result.exit_code == 2
    assert "skill 'cpp-memory' is archived" in result.stderr
    assert_one_clear_error(result.stderr)
    assert dump(sql) == before


def test_archived_skills_sessions_are_listed_and_marked(run: Run, archived: Path) -> None:
    rows = run.json("sessions")
    assert [(r["skill"], r["skill_archived"]) for r in rows] == [
        ("linalg", False),
        ("cpp-memory", True),
    ]
    assert [r["id"] for r in run.json("sessions", "--skill", "cpp-memory")] == [1]
    table = run.ok("sessions").stdout
    line = next(line for line in table.splitlines() if "cpp-memory" in line)
    assert "(archived)" in line
    # Its history can still be fixed.
    run.ok("edit", "1", "--note", "old notes")


# --- the timer ---------------------------------------------------------------------------------


def _timer_started(sql: Sql, hours_ago: float) -> None:
    """Move the running timer's start ``hours_ago`` into the past (stored as UTC text)."""
    moment = clock.now().astimezone(UTC) - timedelta(seconds=int(hours_ago * 3600))
    sql("UPDATE timer SET started_at = ?", (moment.strftime("%Y-%m-%dT%H:%M:%SZ"),))


def test_stop_prints_the_length_and_cancel_records_nothing(run: Run, ready: Path, sql: Sql) -> None:
    run.ok("start", "linalg")
    _timer_started(sql, 1.5)
    result = run.ok("stop")
    assert result.stdout.startswith("stopped #1 ") and "  1h30m  linalg" in result.stdout
    started = run.ok("start", "calculus", "--note", "limits")
    assert started.stdout.startswith("started timer on calculus at ")
    assert run.ok("cancel").stdout == "cancelled the timer on calculus\n"
    assert count(sql, "timer") == 0 and count(sql, "session") == 1
    assert run("cancel").stderr.startswith("roadmap: error: no timer is running; start one")


def test_start_while_running_says_which_and_since_when(run: Run, ready: Path, sql: Sql) -> None:
    run.ok("start", "linalg")
    since = clock.now().strftime("%Y-%m-%d %H:")
    before = dump(sql)
    result = run("start", "calculus")
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith("roadmap: error: a timer is already running on 'linalg' since ")
    assert since in first
    assert "roadmap start calculus --switch" in result.stderr
    assert_one_clear_error(result.stderr)
    assert dump(sql) == before


def test_switch_with_a_forgotten_timer_needs_yes(run: Run, ready: Path, sql: Sql) -> None:
    run.ok("start", "linalg")
    _timer_started(sql, 13)
    before = dump(sql)
    refused = run("start", "calculus", "--switch")
    assert refused.exit_code == 1
    assert "has been running for 13h" in refused.stderr
    assert "probably forgotten" in refused.stderr and "--yes" in refused.stderr
    assert dump(sql) == before
    result = run.ok("start", "calculus", "--switch", "--yes")
    assert "stopped #1" in result.stdout and "13h" in result.stdout
    assert run.json("status")["timer"]["skill"] == "calculus"


def test_a_timer_over_a_day_is_refused_whatever_the_answer(run: Run, ready: Path, sql: Sql) -> None:
    run.ok("start", "linalg")
    _timer_started(sql, 30)
    before = dump(sql)
    result = run("stop", "--yes")
    assert result.exit_code == 1
    assert "has been running for 1 day 6h (since " in result.stderr
    assert "longer than one session can be (24h)" in result.stderr
    assert "roadmap stop --at TIME" in result.stderr
    assert "roadmap cancel" in result.stderr
    assert dump(sql) == before


def test_at_most_one_timer_is_enforced_by_the_schema(run: Run, ready: Path, sql: Sql) -> None:
    run.ok("start", "linalg")
    conn = sql.connect()
    refused: type[Exception]
    if isinstance(conn, sqlite3.Connection):
        execute, refused = conn.execute, sqlite3.IntegrityError
    else:  # the driver's own error, not roadmap's translation of it
        import psycopg

        execute, refused = conn.raw.execute, psycopg.errors.IntegrityError
    try:
        with pytest.raises(refused):
            execute(
                "INSERT INTO timer (slot, skill_id, started_at, note) "
                "VALUES (1, 'calculus', '2026-01-01T00:00:00Z', '')"
            )
        with pytest.raises(refused):
            execute(
                "INSERT INTO timer (slot, skill_id, started_at, note) "
                "VALUES (2, 'calculus', '2026-01-01T00:00:00Z', '')"
            )
    finally:
        conn.close()
    assert sql("SELECT skill_id FROM timer") == [("linalg",)]


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "roadmap", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=str(ROOT),
    )


# nanosleep and clock_nanosleep, where SQLite's busy handler waits, by architecture
SLEEPING = {"x86_64": {"35", "230"}, "aarch64": {"101", "115"}}.get(platform.machine(), set())


def _waiting_on_the_lock(racers: list[subprocess.Popen[str]], sql: Sql, db: Path) -> int:
    """How many of ``racers`` are blocked on the write lock right now.

    PostgreSQL: the server's own view, ungranted advisory locks. SQLite: the process has the
    database open and sleeps in the busy handler (``/proc/PID/syscall``)."""
    if os.environ.get("ROADMAP_DB", "").startswith("postgresql"):
        return int(
            sql.one("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        )
    blocked = 0
    for racer in racers:
        try:
            opened = {os.readlink(fd) for fd in Path(f"/proc/{racer.pid}/fd").iterdir()}
            syscall = Path(f"/proc/{racer.pid}/syscall").read_text().split()[0]
        except PermissionError:  # ptrace restrictions (Yama scope 2 or 3)
            pytest.skip("cannot read /proc/PID/syscall here")
        except OSError:  # gone, or a descriptor closed while we looked
            continue
        blocked += str(db.resolve()) in opened and syscall in SLEEPING
    return blocked


@pytest.mark.skipif(
    not Path("/proc/self/syscall").exists() or not SLEEPING, reason="needs /proc/PID/syscall"
)
def test_two_processes_starting_at_once_get_one_timer(
    run: Run, ready: Path, sql: Sql, proc: ProcRunner, db_path: Path
) -> None:
    # Hold the write lock, start both processes, see both blocked on it, then let them race.
    # (On PostgreSQL, BEGIN IMMEDIATE takes the advisory lock every roadmap writer takes.)
    blocker = sql.connect()
    blocker.execute("BEGIN IMMEDIATE")
    try:
        racers = [_spawn("start", skill) for skill in ("linalg", "calculus")]
        deadline = time.monotonic() + 60
        while _waiting_on_the_lock(racers, sql, db_path) < 2:  # both queued on the lock
            assert all(r.poll() is None for r in racers), [r.communicate() for r in racers]
            assert time.monotonic() < deadline, "the two processes never both waited"
            time.sleep(0.005)
        assert count(sql, "timer") == 0  # neither got past the lock
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    results = [(p.wait(timeout=60), *p.communicate()) for p in racers]
    assert sorted(code for code, _, _ in results) == [0, 1], results
    loser = next(err for code, _, err in results if code == 1)
    assert loser.startswith("roadmap: error: a timer is already running on '")
    assert_one_clear_error(loser)
    assert count(sql, "timer") == 1
    winner = "linalg" if results[0][0] == 0 else "calculus"
    # The timer lives in the database: a later, separate process stops it.
    stopped = proc("stop", "--json")
    assert stopped.returncode == 0, stopped.stderr
    assert json.loads(stopped.stdout)["skill"] == winner
    assert count(sql, "timer") == 0 and count(sql, "session") == 1


# --- confirmation on a terminal ----------------------------------------------------------------


def tty_run(*args: str, answer: str, prompt: bytes = b"[y/N]") -> tuple[int, str]:
    """Run ``python -m roadmap ARGS`` on a pseudo-terminal, answering the prompt."""
    master, slave = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "roadmap", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=str(ROOT),
        close_fds=True,
    )
    os.close(slave)
    out = b""
    answered = False
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready_fds, _, _ = select.select([master], [], [], 0.2)
            if not ready_fds:
                if child.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
            if not answered and prompt in out:
                os.write(master, answer.encode() + b"\n")
                answered = True
        code = child.wait(timeout=30)
    finally:
        os.close(master)
        if child.poll() is None:
            child.kill()
    return code, out.decode("utf-8", "replace").replace("\r\n", "\n")


def test_delete_asks_on_a_terminal(run: Run, ready: Path, sql: Sql) -> None:
    run.ok("log", "linalg", "1h")
    code, out = tty_run("delete", "1", answer="n")
    assert code == 1 and "delete #1 " in out and "kept" in out
    assert count(sql, "session") == 1
    code, out = tty_run("delete", "1", answer="y")
    assert code == 0 and "deleted #1 " in out
    assert count(sql, "session") == 0


def test_forgotten_timer_asks_on_a_terminal(run: Run, ready: Path, sql: Sql) -> None:
    run.ok("start", "linalg")
    _timer_started(sql, 13)
    code, out = tty_run("stop", answer="n")
    assert code == 1 and "probably forgotten: record it?" in out
    assert "the timer is still running" in out
    assert count(sql, "timer") == 1 and count(sql, "session") == 0
    code, out = tty_run("stop", answer="y")
    assert code == 0 and "stopped #1 " in out
    assert count(sql, "timer") == 0 and count(sql, "session") == 1


def test_delete_with_yes_and_off_a_terminal(run: Run, ready: Path, sql: Sql) -> None:
    run.ok("log", "linalg", "1h")
    before = dump(sql)
    refused = run("delete", "1")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "roadmap: error: not deleting session #1 without confirmation: input is not a terminal\n"
        "  hint: pass --yes to delete it: roadmap delete 1 --yes\n"
    )
    assert dump(sql) == before
    assert "deleted #1 " in run.ok("delete", "#1", "--yes").stdout
    assert count(sql, "session") == 0


# --- edit --------------------------------------------------------------------------------------


def test_edit_changes_what_it_is_given(run: Run, ready: Path) -> None:
    run.ok("log", "linalg", "1h", "--tag", "a", "--note", "n", "--link", "https://x.org")
    data = run.json("edit", "1", "--on", "2026-01-05", "--tag", "b", "--tag", "c")
    assert data["started_at"].startswith("2026-01-05T23:00:00")  # placed as log places it
    assert data["tags"] == ["b", "c"]
    assert (data["minutes"], data["note"], data["links"]) == (60, "n", ["https://x.org"])
    data = run.json("edit", "1", "--duration", "1.5h", "--note", "")
    assert (data["minutes"], data["note"]) == (90, "")
    assert data["started_at"].startswith("2026-01-05T23:00:00")
    assert run.json("sessions", "--since", "2026-01-05", "--until", "2026-01-05")[0]["id"] == 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--duration", "0m"), "invalid duration"),
        (("--duration", "25h"), "must be 1 minute to 24 hours"),
        (("--on", "2999-01-01"), "in the future"),
        (("--on", "someday"), "invalid date"),
        (("--skill", "nosuch"), "unknown skill 'nosuch'"),
        (("--tag", ""), "invalid tag"),
        ((), "nothing to change"),
    ],
)
def test_refused_edit_writes_nothing(
    run: Run, ready: Path, sql: Sql, args: tuple[str, ...], needle: str
) -> None:
    run.ok("log", "linalg", "1h")
    before = dump(sql)
    result = run("edit", "1", *args)
    assert result.exit_code == 2
    assert needle in result.stderr
    assert_one_clear_error(result.stderr)
    assert dump(sql) == before


def test_sessions_limit(run: Run, ready: Path, sql: Sql) -> None:
    for n in range(25):
        sql(
            "INSERT INTO session (skill_id, started_at, day, minutes, note, tags, links, "
            "source, created_at) VALUES ('linalg', ?, ?, 30, '', '[]', '[]', 'log', "
            "'2026-01-01T00:00:00Z')",
            (f"2025-12-{n + 1:02d}T10:00:00Z", f"2025-12-{n + 1:02d}"),
        )
    assert len(run.json("sessions")) == 20
    assert len(run.json("sessions", "--limit", "0")) == 25
    newest = run.json("sessions", "--limit", "2")
    assert [s["started_at"][:10] for s in newest] == ["2025-12-25", "2025-12-24"]
    assert run.json("sessions", "--pillar", "MATH", "--limit", "1")[0]["pillar"] == "math"


# --- JSON contract, UTC storage, local display --------------------------------------------------

SESSION_KEYS = {
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
    "skill_archived",
}


def test_session_json_contract(run: Run, ready: Path) -> None:
    logged = run.json("log", "linalg", "1h", "--on", "-1d")
    run.ok("start", "calculus")
    stopped = run.json("stop")
    listed = run.json("sessions")
    for data in (logged, stopped, *listed):
        assert set(data) == SESSION_KEYS
        assert isinstance(data["id"], int) and isinstance(data["minutes"], int)
        assert isinstance(data["tags"], list) and isinstance(data["links"], list)
        assert datetime.fromisoformat(data["started_at"]).utcoffset() is not None
    assert [s["id"] for s in listed] == [stopped["id"], logged["id"]]
    assert (logged["source"], stopped["source"]) == ("log", "timer")


@pytest.fixture
def shanghai() -> Iterator[str]:
    """The local time zone is UTC+8 for this test (no DST)."""
    zone = "Asia/Shanghai" if Path("/usr/share/zoneinfo/Asia/Shanghai").exists() else "CST-8"
    old = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield zone
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


def test_times_are_stored_in_utc_and_shown_in_local_time(
    run: Run,
    ready: Path,
    sql: Sql,
    shanghai: str,
    proc: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    assert datetime.now().astimezone().utcoffset() == timedelta(hours=8)
    data = run.json("log", "linalg", "1h", "--on", "2026-01-10T07:30")
    assert data["started_at"] == "2026-01-10T07:30:00+08:00"
    late = run.json("log", "linalg", "1h", "--on", "2026-01-11")
    assert late["started_at"] == "2026-01-11T23:00:00+08:00"
    run.ok("start", "calculus")
    run.ok("check", "linalg", "1.1")
    stored = sql("SELECT started_at, day FROM session ORDER BY id")
    timer = sql.one("SELECT started_at FROM timer")
    checked = sql("SELECT checked_at FROM milestone WHERE key != 'blocked-lu'")
    changed = sql.one("SELECT changed_at FROM level_change")
    journal_at = sql("SELECT at FROM journal")
    moments = [timer, changed, *(r[0] for r in checked), *(r[0] for r in journal_at)]
    # 07:30 in UTC+8 is 23:30 UTC the day before; the day column keeps the local day.
    assert stored == [
        ("2026-01-09T23:30:00Z", "2026-01-10"),
        ("2026-01-11T15:00:00Z", "2026-01-11"),
    ]
    for moment in moments:
        assert moment.endswith("Z")
        datetime.strptime(moment, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    # The table shows local time too.
    assert "2026-01-10 07:30" in run.ok("sessions").stdout
    # Another zone shows the same stored moment in its own local time.
    other = proc("sessions", "--json", env={"TZ": "EST5"})
    assert other.returncode == 0, other.stderr
    assert [s["started_at"] for s in json.loads(other.stdout)][-1] == "2026-01-09T18:30:00-05:00"
