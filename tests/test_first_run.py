"""The first five minutes: welcome, demo, the README's quick start, help, completion."""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from roadmap.cli.main import app
from tests.conftest import Run, Sql, fresh_pg_database

pytestmark = pytest.mark.usefixtures("backend")

ROOT = Path(__file__).resolve().parent.parent

PUBLIC_TABLES = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"


def test_no_command_on_a_fresh_data_dir_welcomes_and_creates_nothing(
    backend: str,
    run: Run,
    isolated_home: Path,
    sql: Sql,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = isolated_home
    if backend == "postgresql":  # the server's counterpart: a database without a table
        empty = fresh_pg_database(request.getfixturevalue("pg_cluster"), empty=True)
        monkeypatch.setenv("ROADMAP_DB", empty)
    out = run.ok().stdout
    assert "roadmap tracks your skill roadmap" in out
    assert str(home) in out
    for command in ("roadmap log SKILL", "roadmap status", "roadmap demo"):
        assert command in out
    assert not (home / "roadmap.db").exists()
    if backend == "postgresql":
        assert sql.one(PUBLIC_TABLES) == 0


def test_no_command_without_history_welcomes(run: Run, sql: Sql) -> None:
    """A database with a synced tree but nothing logged yet still gets the welcome."""
    run.ok("tree")
    before = sql.dump()
    out = run.ok().stdout
    assert "roadmap tracks your skill roadmap" in out
    assert "readiness" not in out
    assert sql.dump() == before


def test_no_command_with_history_shows_status(run: Run) -> None:
    run.ok("log", "cuda", "1h")
    out = run.ok().stdout
    assert "readiness" in out and "Next steps" in out
    assert "roadmap tracks your skill roadmap" not in out


@pytest.fixture
def home(isolated_home: Path) -> Path:
    return isolated_home


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    return tmp_path / "demo"


# The first and the last day of a month, and a month after a short one: the demo's history
# ends "today" (ROADMAP_NOW), whatever day that is.
@pytest.mark.parametrize(
    "now", ["2026-12-01T08:00:00+00:00", "2026-12-31T23:30:00+00:00", "2027-03-01T21:00:00+00:00"]
)
def test_demo_fills_a_separate_dir_and_leaves_the_users_alone(
    run: Run, home: Path, demo_dir: Path, sql: Sql, monkeypatch: pytest.MonkeyPatch, now: str
) -> None:
    monkeypatch.setenv("ROADMAP_NOW", now)
    today, now_stored = now[:10], now[:19] + "Z"  # stored times are UTC, "...Z"
    before = sql.dump() if os.environ.get("ROADMAP_DB") else None  # the user's server
    result = run.ok("demo", "--dir", str(demo_dir))
    assert not (home / "roadmap.db").exists(), "the user's own data dir was touched"
    # a first look: the demo's dashboard on stdout, the hints on stderr
    assert result.stdout.startswith("Target ") and "Next steps" in result.stdout
    if before is not None:
        assert sql.dump() == before, "the user's own database was touched"
    assert f"ROADMAP_HOME={demo_dir} roadmap status" in result.stderr
    assert f"rm -r {demo_dir}" in result.stderr
    # The demo is always a SQLite file in its own dir, whatever database the user has.
    conn = sqlite3.connect(demo_dir / "roadmap.db")
    sessions, days = conn.execute("SELECT COUNT(*), COUNT(DISTINCT day) FROM session").fetchone()
    last_day, last_start = conn.execute("SELECT MAX(day), MAX(started_at) FROM session").fetchone()
    this_month = conn.execute(
        "SELECT COALESCE(SUM(minutes), 0) FROM session WHERE day >= ?", (today[:8] + "01",)
    ).fetchone()[0]
    checked = conn.execute("SELECT COUNT(*) FROM milestone WHERE checked_at IS NOT NULL").fetchone()
    ups = conn.execute("SELECT COUNT(*) FROM level_change WHERE level > previous").fetchone()
    conn.close()
    assert sessions >= 60 and days >= 50
    assert checked[0] >= 5 and ups[0] >= 20
    assert last_day == today and last_start <= now_stored  # the streak runs up to now, not past it

    # The views look alive on it, looked at the way the demo says.
    hint = re.search(r"^  ((?:\w+=\S* )+)roadmap status$", result.stderr, re.MULTILINE)
    assert hint, result.stderr
    for assignment in shlex.split(hint[1]):
        name, _, value = assignment.partition("=")
        monkeypatch.setenv(name, value)
    status = run.json("status")
    assert 0.1 < status["readiness"] < 0.9
    assert status["streak"]["current"] >= 7
    assert status["forecast"]["pace_hours_per_week"] > 3
    assert all(p["minutes_total"] > 0 for p in status["pillars"])
    assert len(status["next"]) == 3
    assert run.json("report", "--since", "-27d")["minutes"] > 600  # four busy weeks
    assert run.json("report", "--month")["minutes"] == this_month > 0
    due = run.json("review")
    assert len(due) > 3, "an experienced engineer has levels due for review"
    assert [r["skill"] for r in due if r["rusty"]] == [r["skill"] for r in status["rusty"]]
    assert len(status["rusty"]) == 1 and any(r["last_review"] for r in due)
    assert "more" in run.ok("heatmap").stdout


def test_demo_refuses_the_users_own_data_dir_and_foreign_dirs(
    run: Run, home: Path, tmp_path: Path
) -> None:
    home.mkdir(parents=True, exist_ok=True)
    result = run("demo", "--dir", str(home))
    assert result.exit_code == 1
    assert "your own data dir" in result.stderr
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "cat.jpg").write_bytes(b"\xff\xd8")
    result = run("demo", "--dir", str(foreign))
    assert result.exit_code == 1 and "not a roadmap demo dir" in result.stderr
    assert sorted(p.name for p in foreign.iterdir()) == ["cat.jpg"]


def test_demo_replaces_an_earlier_demo_only_when_confirmed(run: Run, demo_dir: Path) -> None:
    run.ok("demo", "--dir", str(demo_dir))
    result = run("demo", "--dir", str(demo_dir))  # not a terminal, no --yes
    assert result.exit_code == 2 and "--yes" in result.stderr
    assert (demo_dir / "roadmap.db").exists()
    run.ok("demo", "--dir", str(demo_dir), "--yes")
    conn = sqlite3.connect(demo_dir / "roadmap.db")
    assert conn.execute("SELECT COUNT(*) FROM session").fetchone()[0] >= 60
    conn.close()


def test_the_demo_dir_is_per_user(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    made = {}
    for user in ("alice", "bob"):
        for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
            monkeypatch.setenv(name, user)
        result = run.ok("demo")
        made[user] = tmp_path / f"roadmap-demo-{user}"
        assert f"in {made[user]} " in result.stderr
        assert (made[user] / "roadmap.db").exists()
    assert made["alice"] != made["bob"]


def test_declining_to_replace_the_demo_says_how_to_look_at_it(
    run: Run, demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import roadmap.cli.demo as demo_cli

    run.ok("demo", "--dir", str(demo_dir))
    before = (demo_dir / "roadmap.db").stat().st_mtime_ns
    # as on a terminal: the question is asked, and answered N
    monkeypatch.setattr(
        demo_cli, "confirm", lambda q, yes: typer.confirm(q, default=False, err=True)
    )
    result = run("demo", "--dir", str(demo_dir), input="n\n")
    assert result.exit_code == 1
    assert "replace the earlier demo" in result.stderr
    assert f"kept the earlier demo in {demo_dir}" in result.stderr
    assert f"ROADMAP_HOME={demo_dir} roadmap status" in result.stderr
    assert (demo_dir / "roadmap.db").stat().st_mtime_ns == before


def _quickstart() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- quickstart -->", 1)[1].split("<!-- /quickstart -->", 1)[0]
    lines = block.split("```sh", 1)[1].split("```", 1)[0].strip().splitlines()
    commands = [shlex.split(line, comments=True) for line in lines]
    assert commands and all(c[0] == "roadmap" for c in commands)
    return [c[1:] for c in commands]


def test_the_readme_quick_start_runs_in_order(
    run: Run, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the demo's default dir
    monkeypatch.chdir(tmp_path)
    commands = _quickstart()
    assert len(commands) >= 8
    for args in commands:
        run.ok(*args)
    from roadmap.demo import default_dir

    assert default_dir().parent == tmp_path and default_dir().name.startswith("roadmap-demo-")
    assert (default_dir() / "roadmap.db").exists()
    assert (home / "skills.yaml").exists() and (tmp_path / "report.html").exists()
    sessions = run.json("sessions")
    assert [s["skill"] for s in sessions] == ["triton-kernels", "cuda-programming"]


def _commands() -> list[str]:
    group = typer.main.get_group(app)
    return sorted(group.commands)


@pytest.mark.no_database
@pytest.mark.parametrize("command", _commands())
def test_every_command_has_a_summary_and_an_example(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    group = typer.main.get_group(app)
    help_text = group.commands[command].help or ""
    summary = help_text.strip().splitlines()[0]
    assert 10 < len(summary) <= 100 and summary.endswith(".")
    assert "Example:" in help_text
    example = help_text.split("Example:", 1)[1]
    assert re.match(rf"\s*roadmap (--?\S+ \S+ )*{command}\b", example), example
    assert "Example" in result.output


@pytest.mark.no_database
def test_top_level_help_groups_commands() -> None:
    out = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "120"}).output
    for panel in ("Track", "Progress", "Views", "Data", "Tree"):
        assert re.search(rf"^{panel}:$", out, re.MULTILINE), panel


def _complete(words: str, home: Path) -> list[str]:
    env = dict(os.environ)
    env.update(
        {
            "ROADMAP_HOME": str(home),
            "_ROADMAP_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        }
    )
    done = subprocess.run(
        [str(Path(sys.executable).parent / "roadmap")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_completion_offers_commands_skill_ids_and_targets(run: Run, home: Path) -> None:
    assert _complete("roadmap log ", home) == [], "no database yet: nothing to offer, no error"
    run.ok("log", "cuda", "1h")  # creates the database
    assert {"status", "start", "stop"} <= set(_complete("roadmap st", home))
    assert _complete("roadmap log cuda", home) == ["cuda-programming"]
    assert set(_complete("roadmap show gpu-", home)) == {
        "gpu-architecture",
        "gpu-kernel-optimization",
    }
    assert _complete("roadmap status --target ai-s", home) == ["ai-systems-engineer"]
    assert "--pillar" in _complete("roadmap gaps --p", home)
    assert not (home / "skills.yaml").exists()


@pytest.mark.no_database
def test_completion_is_documented_for_bash_zsh_and_fish() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Shell completion", 1)[1].split("\n## ", 1)[0]
    for shell in ("bash", "zsh", "fish"):
        assert shell in section


@pytest.mark.no_database
def test_pictures_in_the_readme_exist() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"\]\((docs/img/[^)]+)\)", text)
    pictures += re.findall(r'<img src="(docs/img/[^"]+)"', text)
    assert {"docs/img/status.svg", "docs/img/tree.svg", "docs/img/heatmap.svg"} <= set(pictures)
    for picture in pictures:
        data = (ROOT / picture).read_bytes()
        if picture.endswith(".png"):
            assert data.startswith(b"\x89PNG\r\n\x1a\n")
            continue
        assert data.startswith(b"<svg") or b"<html" in data[:200].lower()
        assert b"\x1b[" not in data


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stats"], "No such command 'stats'. Did you mean 'status'"),
        (["status", "--bogus"], "No such option: --bogus"),
        (["log"], "Missing argument 'skill'"),
        (["assess", "cuda", "high"], "high"),
    ],
)
def test_usage_errors_are_one_line_with_a_hint(run: Run, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("roadmap: error: ") and message in lines[0]
    # One line, then at most a hint; `assess` lists what each level means on indented lines.
    assert len(lines) <= 2 or all(line.startswith("  ") for line in lines[1:])
    assert "╭" not in result.stderr
    assert result.stdout == ""


def test_a_closed_pipe_ends_quietly(run: Run, home: Path) -> None:
    run.ok("log", "cuda", "30m")
    env = {**os.environ, "ROADMAP_HOME": str(home)}
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before we write (like `| head` that has quit)
    writer = subprocess.Popen(
        [str(Path(sys.executable).parent / "roadmap"), "sessions", "--limit", "1000", "--json"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(write_end)
    assert writer.stderr is not None
    err = writer.stderr.read().decode()
    assert writer.wait(timeout=60) == 141, err
    assert "Traceback" not in err and "internal error" not in err


def test_a_real_process_registers_what_it_runs_and_still_knows_every_command(
    proc: Any, home: Path
) -> None:
    # A real process builds only the command it runs; unknown names still get suggestions.
    assert proc("log", "cuda", "1h").returncode == 0
    database = os.environ.get("ROADMAP_DB") or str(home / "roadmap.db")
    done = proc("--db", database, "sessions", "--json")
    assert done.returncode == 0 and '"cuda-programming"' in done.stdout
    typo = proc("stats")
    assert typo.returncode == 2 and "Did you mean 'status'" in typo.stderr
    listing = proc("--help").stdout
    assert all(name in listing for name in ("status", "import", "demo", "undo", "doctor"))
    assert "Record a study session" in proc("log", "--help").stdout
