"""Syncing the tree: add, remove (archive), rename (was:), idempotence, milestone state kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SMALL, Run, Sql

pytestmark = pytest.mark.usefixtures("backend")


def without_sync_stamps(dump: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """A dump without the meta rows every sync rewrites (the file's digest, the time)."""
    return {
        table: [r for r in rows if not (table == "meta" and r[0] in ("tree_digest", "synced_at"))]
        for table, rows in dump.items()
    }


@pytest.fixture
def tree_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "skills.yaml"
    path.write_text(SMALL.read_text())
    monkeypatch.setenv("ROADMAP_SKILLS", str(path))
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_first_sync_loads_everything(run: Run, tree_file: Path, sql: Sql) -> None:
    data = run.json("tree")
    assert data["title"] == "Small test tree"
    assert [p["id"] for p in data["pillars"]] == ["math", "software"]
    cpp = data["pillars"][1]["skills"][0]
    assert cpp["id"] == "cpp"
    assert [c["id"] for c in cpp["children"]] == ["cpp-templates", "cpp-memory"]
    assert sql("SELECT count(*) FROM milestone") == [(2,)]
    assert sql("SELECT target_id, skill_id, level FROM target_requirement ORDER BY 1, 2") == [
        ("engineer", "calculus", 1),
        ("engineer", "cpp", 2),
        ("engineer", "linalg", 3),
        ("junior", "linalg", 1),
    ]


def test_syncing_twice_changes_nothing(run: Run, tree_file: Path, sql: Sql) -> None:
    run.ok("tree")
    dump1 = without_sync_stamps(sql.dump())
    result = run.ok("sync")
    assert "in sync" in result.stderr
    tree_file.write_text(tree_file.read_text() + "\n# a comment changes the hash only\n")
    run.ok("tree")
    assert without_sync_stamps(sql.dump()) == dump1


def test_added_skill_appears(run: Run, tree_file: Path) -> None:
    run.ok("tree")
    edit(
        tree_file,
        "      - id: calculus\n",
        "      - id: stats\n        name: Statistics\n      - id: calculus\n",
    )
    result = run.ok("tree", "--json")
    ids = [s["id"] for s in __import__("json").loads(result.stdout)["pillars"][0]["skills"]]
    assert ids == ["linalg", "stats", "calculus"]
    assert "1 skill(s) added" in result.stderr


def test_removed_skill_is_archived_with_history(run: Run, tree_file: Path, sql: Sql) -> None:
    run.ok("log", "calculus", "1h")
    edit(tree_file, "      - id: calculus\n        name: Calculus\n        hours: 5\n", "")
    edit(tree_file, "requires: [{skill: calculus, level: 2}]", "requires: []")
    edit(tree_file, ", calculus: 1}", "}")
    result = run.ok("tree", "--json")
    assert "calculus" not in result.stdout
    assert "archived (calculus)" in result.stderr
    assert sql("SELECT archived FROM skill WHERE id = 'calculus'") == [(1,)]
    sessions = run.json("sessions")
    assert [(s["skill"], s["skill_archived"]) for s in sessions] == [("calculus", True)]
    refused = run("log", "calculus", "1h")
    assert refused.exit_code == 2
    assert "archived" in refused.stderr


def test_rename_with_was_moves_history(run: Run, tree_file: Path, sql: Sql) -> None:
    run.ok("log", "linalg", "90m")
    run.ok("check", "linalg", "1.1")
    run.ok("assess", "linalg", "2")
    text = tree_file.read_text().replace("id: linalg", "id: linear-algebra\n        was: [linalg]")
    text = text.replace("requires: [linalg]", "requires: [linear-algebra]")
    text = text.replace("{linalg: 1}", "{linear-algebra: 1}").replace(
        "{linalg: 3,", "{linear-algebra: 3,"
    )
    tree_file.write_text(text)
    result = run.ok("tree", "--json")
    assert "linalg renamed to linear-algebra" in result.stderr
    assert sql("SELECT skill_id, minutes FROM session") == [("linear-algebra", 90)]
    assert sql(
        "SELECT checked_at IS NOT NULL FROM milestone WHERE skill_id = 'linear-algebra' AND key = 'explain-lu'",
    ) == [(1,)]
    assert sql("SELECT level FROM skill WHERE id = 'linear-algebra'") == [(2,)]
    assert sql("SELECT count(*) FROM skill WHERE id = 'linalg'") == [(0,)]
    assert sql("SELECT count(*) FROM skill_day WHERE skill_id = 'linalg'") == [(0,)]
    # the old id still resolves
    run.ok("log", "linalg", "30m")
    assert sql("SELECT count(*) FROM session WHERE skill_id = 'linear-algebra'") == [(2,)]


def test_milestone_keeps_checked_state_while_its_id_stays(
    run: Run, tree_file: Path, sql: Sql
) -> None:
    run.ok("check", "linalg", "blocked-lu")
    edit(tree_file, 'text: "Implement blocked LU"', 'text: "Implement blocked LU, measure GFLOP/s"')
    run.ok("tree")
    assert sql("SELECT text, checked_at IS NOT NULL FROM milestone WHERE key = 'blocked-lu'") == [
        ("Implement blocked LU, measure GFLOP/s", 1)
    ]
    # a derived id changes with its text: the old milestone is archived with its check
    run.ok("check", "linalg", "explain-lu")
    edit(tree_file, '1: ["Explain LU"]', '1: ["Explain LU and QR"]')
    run.ok("tree")
    assert sql(
        "SELECT key, archived, checked_at IS NOT NULL FROM milestone WHERE skill_id = 'linalg' ORDER BY key",
    ) == [
        ("blocked-lu", 0, 1),
        ("explain-lu", 1, 1),
        ("explain-lu-and-qr", 0, 0),
    ]


def test_invalid_tree_writes_nothing(run: Run, tree_file: Path, sql: Sql) -> None:
    run.ok("tree")
    before = sql.dump()
    edit(tree_file, "weight: 3", "weight: 30")
    result = run("status")
    assert result.exit_code == 65
    assert f"{tree_file}:12:17: weight must be from 1 to 5" in result.stderr
    assert sql.dump() == before


def test_hours_per_level_step_and_the_review_date_are_stored(  # type: ignore[no-untyped-def]
    run, tree_file: Path, sql: Sql
) -> None:
    edit(tree_file, "weekly_goal_hours: 5\n", "weekly_goal_hours: 5\nreviewed: 2026-11-01\n")
    edit(tree_file, "        hours: 10\n", "        hours: [4, 6, 10, 20, 40]\n")
    run.ok("sync")
    assert sql("SELECT hours, hours_by_level FROM skill WHERE id = 'linalg'") == [
        (16.0, "[4.0, 6.0, 10.0, 20.0, 40.0]")
    ]
    assert sql("SELECT hours_by_level FROM skill WHERE id = 'calculus'") == [(None,)]
    assert sql("SELECT value FROM meta WHERE key = 'tree_reviewed'") == [("2026-11-01",)]
    edit(tree_file, "        hours: [4, 6, 10, 20, 40]\n", "        hours: 10\n")
    edit(tree_file, "reviewed: 2026-11-01\n", "")
    run.ok("sync")
    assert sql("SELECT hours, hours_by_level FROM skill WHERE id = 'linalg'") == [(10.0, None)]
    assert sql("SELECT value FROM meta WHERE key = 'tree_reviewed'") == [("",)]
