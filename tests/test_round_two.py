"""Nothing lost, round two (the write-path cases): twins survive a round trip, undo
follows renames, archived history moves, ids from a file are never trusted.

Each case was reproduced on a clean clone before the fix; every test runs on SQLite
and on PostgreSQL.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SMALL, Run, Sql

pytestmark = pytest.mark.usefixtures("backend")

NOW = "2026-12-01T09:00:00+00:00"


@pytest.fixture
def ready(run: Run, small: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("ROADMAP_NOW", NOW)
    run.ok("tree")
    return run


def _sessions(run: Run) -> list[dict[str, Any]]:
    rows = run.json("sessions", "--limit", "0")
    return sorted(
        ({k: r[k] for k in ("skill", "started_at", "minutes", "note", "tags")} for r in rows),
        key=json.dumps,
    )


@pytest.fixture
def fresh_home(request: pytest.FixtureRequest) -> Callable[[pytest.MonkeyPatch, Path, str], None]:
    """Point the CLI at a new, empty data dir (on PostgreSQL: a new database too)."""

    def move(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str) -> None:
        import os

        monkeypatch.setenv("ROADMAP_HOME", str(tmp_path / name))
        url = os.environ.get("ROADMAP_DB")
        if url and url.startswith("postgresql"):
            from tests.conftest import fresh_pg_database

            monkeypatch.setenv(
                "ROADMAP_DB", fresh_pg_database(request.getfixturevalue("pg_cluster"))
            )

    return move


FreshHome = Callable[[pytest.MonkeyPatch, Path, str], None]


def _without_time(text: str) -> dict[str, Any]:
    """An export without the moment it was made."""
    return {k: v for k, v in json.loads(text).items() if k != "exported_at"}


# --- 1. export -> import keeps twins -----------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_twins_survive_export_and_import(
    ready: Run, fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_home: FreshHome
) -> None:
    for _ in range(2):  # two real sessions that look alike
        ready.ok("log", "linalg", "1h", "--on", "2026-11-30")
    ready.ok("log", "calculus", "30m", "--on", "2026-11-29", "--note", "x")
    before = _sessions(ready)
    first = ready.ok("export", "--format", fmt).stdout
    path = tmp_path / f"history.{fmt}"
    path.write_text(first, encoding="utf-8")

    fresh_home(monkeypatch, tmp_path, "other")
    ready.ok("tree")
    result = ready.json("import", str(path), "--from", fmt)
    assert result["imported"] == 3 and result["duplicates"] == 0, result
    assert _sessions(ready) == before
    again = ready.json("import", str(path), "--from", fmt)  # the same records coming back
    assert again["imported"] == 0 and again["duplicates"] == 3, again
    if fmt == "json":
        second = ready.ok("export", "--format", "json").stdout
        assert _without_time(second) == _without_time(first)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["linalg", "calculus", "cpp-memory"]),
            st.integers(1, 3),  # day offset
            st.sampled_from(["30m", "1h", "90m"]),
            st.sampled_from(["", "a", "twin", "=1+1", "'quoted"]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_json_round_trip_is_exact_for_any_history(
    ready: Run,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    fresh_home: FreshHome,
    rows: list[tuple[str, int, str, str]],
) -> None:
    with monkeypatch.context() as m:
        home = tmp_path_factory.mktemp("rt")
        fresh_home(m, home, "a")
        ready.ok("tree")
        for skill, days, length, note in rows:
            ready.ok("log", skill, length, "--on", f"2026-11-2{days}", "--note", note)
        first = ready.ok("export", "--format", "json").stdout
        path = home / "x.json"
        path.write_text(first, encoding="utf-8")
        fresh_home(m, home, "b")
        ready.ok("tree")
        assert ready.json("import", str(path))["imported"] == len(rows)
        second = ready.ok("export", "--format", "json").stdout
    assert _without_time(second) == _without_time(first)


# --- 2. undo after a rename --------------------------------------------------------------


def _renamed_tree(tmp_path: Path) -> Path:
    text = SMALL.read_text(encoding="utf-8").replace(
        "      - id: linalg\n        name: Linear algebra\n",
        "      - id: linear-algebra\n        name: Linear algebra\n        was: [linalg]\n",
    )
    text = text.replace("requires: [linalg]", "requires: [linear-algebra]")
    text = text.replace("{linalg: 1}", "{linear-algebra: 1}").replace(
        "{linalg: 3,", "{linear-algebra: 3,"
    )
    path = tmp_path / "renamed.yaml"
    path.write_text(text, encoding="utf-8")
    return path


CHANGES: list[tuple[str, list[tuple[str, ...]], tuple[str, ...]]] = [
    ("log", [], ("log", "linalg", "1h", "--on", "2026-11-30")),
    ("delete", [("log", "linalg", "1h", "--on", "2026-11-30")], ("delete", "1", "--yes")),
    ("edit", [("log", "linalg", "1h", "--on", "2026-11-30")], ("edit", "1", "-d", "2h")),
    ("stop", [("start", "linalg", "--at", "08:00")], ("stop",)),
    ("cancel", [("start", "linalg")], ("cancel",)),
    ("check", [], ("check", "linalg", "1.1")),
    ("assess", [], ("assess", "linalg", "3")),
]


@pytest.mark.parametrize(("name", "setup", "change"), CHANGES, ids=[c[0] for c in CHANGES])
def test_undo_reverts_exactly_after_a_rename(
    ready: Run,
    sql: Sql,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    setup: list[tuple[str, ...]],
    change: tuple[str, ...],
) -> None:
    for args in setup:
        ready.ok(*args)
    before = {
        "sessions": sql("SELECT id, started_at, minutes FROM session ORDER BY id"),
        "timer": sql("SELECT started_at FROM timer"),
        "checked": sql("SELECT key FROM milestone WHERE checked_at IS NOT NULL"),
        "assessments": sql("SELECT level FROM assessment"),
        "level": sql("SELECT level FROM skill WHERE id = 'linalg'"),
    }
    ready.ok(*change)
    monkeypatch.setenv("ROADMAP_SKILLS", str(_renamed_tree(tmp_path)))
    ready.ok("sync")
    result = ready("undo")
    assert result.exit_code == 0, result.output
    after = {
        "sessions": sql("SELECT id, started_at, minutes FROM session ORDER BY id"),
        "timer": sql("SELECT started_at FROM timer"),
        "checked": sql("SELECT key FROM milestone WHERE checked_at IS NOT NULL"),
        "assessments": sql("SELECT level FROM assessment"),
        "level": sql("SELECT level FROM skill WHERE id = 'linear-algebra'"),
    }
    assert after == before
    # everything that is left lives on the new id
    assert sql("SELECT COUNT(*) FROM session WHERE skill_id = 'linalg'") == [(0,)]
    for _args in reversed(setup):  # older entries can still be undone
        assert ready("undo").exit_code == 0


def test_an_entry_that_cannot_apply_is_set_aside_and_older_ones_still_undo(
    ready: Run, sql: Sql
) -> None:
    ready.ok("log", "linalg", "1h", "--on", "2026-11-30")
    ready.ok("log", "calculus", "30m", "--on", "2026-11-29")
    # a journal entry naming a skill that no longer exists anywhere (written by hand)
    payload = json.dumps({"timer": {"skill_id": "gone", "started_at": "x", "note": ""}})
    sql(
        "INSERT INTO journal (at, action, summary, payload) VALUES (?, 'cancel', ?, ?)",
        ("2026-12-01T09:00:00Z", "cancel timer on gone", payload),
    )
    doctor = ready("doctor", "--json")
    report = json.loads(doctor.stdout)
    assert any(
        "journal" in json.dumps(c).lower() and "gone" in json.dumps(c)
        for c in report["checks"]
        if c["status"] != "ok"
    ), report
    refused = ready("undo")
    assert refused.exit_code == 1
    assert "cannot undo 'cancel timer on gone'" in refused.stderr
    assert "set aside" in refused.stderr
    assert ready("undo").exit_code == 0  # the log of calculus
    assert sql("SELECT skill_id FROM session") == [("linalg",)]


# --- 3. archived skills' history moves -----------------------------------------------------


def test_history_of_an_archived_skill_moves_with_a_json_export(
    ready: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sql: Sql, fresh_home: FreshHome
) -> None:
    ready.ok("log", "calculus", "45m", "--on", "2026-11-30", "--note", "limits")
    ready.ok("log", "linalg", "1h", "--on", "2026-11-30")
    dropped = SMALL.read_text(encoding="utf-8").replace(
        "      - id: calculus\n        name: Calculus\n        hours: 5\n", ""
    )
    dropped = dropped.replace("requires: [{skill: calculus, level: 2}]", "requires: []")
    dropped = dropped.replace(", calculus: 1}", "}")
    tree = tmp_path / "dropped.yaml"
    tree.write_text(dropped, encoding="utf-8")
    monkeypatch.setenv("ROADMAP_SKILLS", str(tree))
    ready.ok("sync")
    assert sql("SELECT archived FROM skill WHERE id = 'calculus'") in ([(1,)], [(True,)])
    path = tmp_path / "h.json"
    path.write_text(ready.ok("export", "--format", "json").stdout, encoding="utf-8")

    fresh_home(monkeypatch, tmp_path, "new")
    ready.ok("tree")
    sql = Sql(Path(os.environ["ROADMAP_HOME"]))  # the new data dir (or the new server database)
    result = ready.json("import", str(path))
    assert result["imported"] == 2 and result["skipped_unknown"] == 0, result
    rows = ready.json("sessions", "--skill", "calculus")
    assert [r["note"] for r in rows] == ["limits"]
    assert sql("SELECT archived FROM skill WHERE id = 'calculus'") in ([(1,)], [(True,)])
    ready.ok("undo")  # the whole import goes, the skill it brought too
    assert sql("SELECT COUNT(*) FROM session") == [(0,)]
    assert sql("SELECT COUNT(*) FROM skill WHERE id = 'calculus'") == [(0,)]


# --- 6. ids from a file are never ours ------------------------------------------------------


def test_a_huge_id_in_a_file_is_not_taken(
    ready: Run, tmp_path: Path, sql: Sql, write_json: Callable[..., Path]
) -> None:
    path = write_json(
        [
            {
                "id": 2**63 - 1,
                "skill": "linalg",
                "started_at": "2026-11-20T10:00:00+00:00",
                "minutes": 30,
            },
        ]
    )
    first = ready.json("import", str(path))
    assert first["imported"] == 1
    assert sql("SELECT MAX(id) FROM session")[0][0] < 2**31
    ready.ok("log", "linalg", "1h", "--on", "2026-11-30")
    other = write_json(
        [{"id": 7, "skill": "calculus", "started_at": "2026-11-21T10:00:00+00:00", "minutes": 20}],
        name="second.json",
    )
    second = ready.json("import", str(other))
    assert second["imported"] == 1
    assert sql("SELECT COUNT(*) FROM session") == [(3,)]
    ready.ok("undo")
    assert sql("SELECT COUNT(*) FROM session") == [(2,)]


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[..., Path]:
    def make(sessions: list[dict[str, Any]], name: str = "in.json") -> Path:
        doc = {"format": "roadmap-export", "version": 1, "sessions": sessions}
        path = tmp_path / name
        path.write_text(json.dumps(doc), encoding="utf-8")
        return path

    return make


# --- 11. special files where the database or the data dir should be ------------------------


@pytest.mark.sqlite_only
def test_a_dangling_symlink_as_the_database_is_refused_and_nothing_written(
    run: Run, small: Path, isolated_home: Path
) -> None:
    isolated_home.mkdir(parents=True)
    link = isolated_home / "roadmap.db"
    link.symlink_to(isolated_home / "elsewhere.db")
    for args in (("log", "linalg", "1h"), ("status",)):
        result = run(*args)
        assert result.exit_code == 69, result.output
        assert "symbolic link" in result.stderr and "Traceback" not in result.output
    assert sorted(p.name for p in isolated_home.iterdir()) == ["roadmap.db"]
    link.unlink()
    run.ok("log", "linalg", "1h")  # once the link is gone, a new database starts cleanly


@pytest.mark.sqlite_only
def test_a_fifo_as_the_database_never_hangs(small: Path, isolated_home: Path) -> None:
    import os
    import subprocess
    import sys

    isolated_home.mkdir(parents=True)
    os.mkfifo(isolated_home / "roadmap.db")
    for args in (("status",), ("doctor",), ("log", "linalg", "1h")):
        result = subprocess.run(
            [sys.executable, "-m", "roadmap", *args],
            capture_output=True,
            text=True,
            timeout=30,  # it used to wait for a writer for ever
        )
        assert result.returncode in (1, 69), (args, result.stderr)
        assert "FIFO" in result.stderr + result.stdout


@pytest.mark.sqlite_only
def test_roadmap_home_pointing_at_a_file_is_refused(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "not-a-dir"
    home.write_text("mine\n")
    monkeypatch.setenv("ROADMAP_HOME", str(home))
    for args in (("init",), ("status",), ("doctor",)):
        result = run(*args)
        assert result.exit_code == 69, (args, result.output)
        assert "is a file, not a directory" in result.stderr
    assert home.read_text() == "mine\n"


# --- 8. restore takes only our own schema ---------------------------------------------------


def test_restore_refuses_a_backup_carrying_a_foreign_trigger(
    ready: Run, sql: Sql, tmp_path: Path
) -> None:
    import sqlite3

    ready.ok("log", "linalg", "1h", "--on", "2026-11-30")
    backup = tmp_path / "planted.db"
    ready.ok("backup", str(backup))
    conn = sqlite3.connect(backup)
    conn.execute(
        "CREATE TRIGGER wipe AFTER INSERT ON session BEGIN "
        "DELETE FROM session WHERE id <> NEW.id; END"
    )
    conn.commit()
    conn.close()
    before = sql("SELECT id, minutes FROM session ORDER BY id")
    result = ready("restore", str(backup), "--yes")
    assert result.exit_code == 69, result.output
    assert "unknown trigger 'wipe'" in result.stderr
    assert sql("SELECT id, minutes FROM session ORDER BY id") == before
    ready.ok("log", "linalg", "30m", "--on", "2026-11-29")
    assert len(sql("SELECT id FROM session")) == 2


def test_doctor_finds_a_foreign_table_or_trigger_in_the_live_database(ready: Run, sql: Sql) -> None:
    ready.ok("log", "linalg", "1h", "--on", "2026-11-30")
    ok = json.loads(ready("doctor", "--json").stdout)
    assert ("schema objects", "ok") in {(c["check"], c["status"]) for c in ok["checks"]}
    sql("CREATE TABLE spy (x TEXT)")
    report = json.loads(ready("doctor", "--json").stdout)
    found = [c for c in report["checks"] if c["check"] == "schema objects"]
    assert found and found[0]["status"] == "problem", report
    assert "unknown table" in found[0]["detail"] and "'spy'" in found[0]["detail"]
    assert report["healthy"] is False


# --- 10. a move to another time zone ------------------------------------------------------


def test_after_a_move_every_view_counts_days_where_it_is_shown(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Logged in Tokyo on the morning of the 30th, shown in Los Angeles: it started on the
    29th there, and sessions, the --since/--until filter, the report and the CSV all agree."""
    import csv
    import io

    from tests.conftest import subprocess_run

    monkeypatch.setenv("ROADMAP_NOW", NOW)

    def run_in(zone: str, *args: str) -> str:
        result = subprocess_run(*args, env={"TZ": zone})
        assert result.returncode == 0, result.stderr
        return result.stdout

    run_in("Asia/Tokyo", "log", "linalg", "1h", "--on", "2026-11-30T08:00")
    assert json.loads(run_in("Asia/Tokyo", "sessions", "--json"))[0]["started_at"].startswith(
        "2026-11-30T08:00"
    )
    la = "America/Los_Angeles"
    rows = json.loads(run_in(la, "sessions", "--json"))
    assert rows[0]["started_at"].startswith("2026-11-29T15:00")
    assert (
        len(
            json.loads(
                run_in(la, "sessions", "--since", "2026-11-29", "--until", "2026-11-29", "--json")
            )
        )
        == 1
    )
    assert json.loads(run_in(la, "sessions", "--since", "2026-11-30", "--json")) == []
    report = json.loads(
        run_in(la, "report", "--since", "2026-11-29", "--until", "2026-11-29", "--json")
    )
    assert report["minutes"] == 60, report
    table = list(csv.DictReader(io.StringIO(run_in(la, "export", "--format", "csv"))))
    assert table[0]["date"] == "2026-11-29" and table[0]["start"].startswith("2026-11-29T15:00")
    back = json.loads(
        run_in("Asia/Tokyo", "report", "--since", "2026-11-30", "--until", "2026-11-30", "--json")
    )
    assert back["minutes"] == 60, back
