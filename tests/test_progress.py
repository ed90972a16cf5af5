"""Progress: check / uncheck milestones, assess, and the level computed from them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SMALL, Run, Sql
from tests.test_track import assert_one_clear_error, dump

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def ready(run: Run, backend: str, small: Path, db_path: Path) -> Path:
    run.ok("tree")
    return db_path


def level(run: Any, skill: str = "linalg") -> int:
    return int(run.json("show", skill)["level"])


def changes(sql: Sql, skill: str = "linalg") -> list[tuple[int, int, str]]:
    return [
        (int(r[0]), int(r[1]), str(r[2]))
        for r in sql(
            "SELECT previous, level, cause FROM level_change WHERE skill_id = ? ORDER BY id",
            (skill,),
        )
    ]


def test_milestone_by_id_or_position(run: Run, ready: Path, sql: Sql) -> None:
    first = run.ok("check", "linalg", "1.1", "--note", "did it").stdout
    assert first == "checked linalg 1.1 Explain LU; level 0 -> 1\n"
    second = run.ok("check", "lin", "BLOCKED-LU", "--link", "https://g.it/lu").stdout
    assert second == "checked linalg 2.1 Implement blocked LU; level 1 -> 2\n"
    stored = sql("SELECT key, link, note, checked_at FROM milestone ORDER BY level")
    assert [(key, link, note) for key, link, note, _ in stored] == [
        ("explain-lu", None, "did it"),
        ("blocked-lu", "https://g.it/lu", None),
    ]
    assert all(r[3].endswith("Z") for r in stored)
    unchecked = run.ok("uncheck", "linalg", "2.1").stdout
    assert unchecked == "unchecked linalg 2.1 Implement blocked LU; level 2 -> 1\n"
    assert sql("SELECT link, note, checked_at FROM milestone WHERE key = 'blocked-lu'") == [
        (None, None, None)
    ]


def test_unknown_milestone_lists_the_choices(run: Run, ready: Path, sql: Sql) -> None:
    before = dump(sql)
    result = run("check", "linalg", "2.2")
    assert result.exit_code == 2
    assert result.stderr == (
        "roadmap: error: unknown milestone '2.2' for skill 'linalg': name it by LEVEL.N\n"
        "  level 1: 1.1 Explain LU\n"
        "  level 2: 2.1 Implement blocked LU\n"
        "  hint: see them all with: roadmap show linalg\n"
    )
    assert_one_clear_error(result.stderr)
    assert dump(sql) == before


def test_checked_twice_or_unchecked_when_not_checked_is_refused(
    run: Run, ready: Path, sql: Sql
) -> None:
    before = dump(sql)
    result = run("uncheck", "linalg", "1.1")
    assert result.exit_code == 1
    assert "milestone 1.1 Explain LU of linalg is not checked" in result.stderr
    assert dump(sql) == before
    run.ok("check", "linalg", "1.1")
    before = dump(sql)
    again = run("check", "linalg", "explain-lu")
    assert again.exit_code == 1
    assert "milestone 1.1 Explain LU of linalg is already checked" in again.stderr
    assert_one_clear_error(again.stderr)
    assert dump(sql) == before


def test_milestone_level_needs_every_lower_level(run: Run, ready: Path, sql: Sql) -> None:
    # Level 2's milestone alone does not make level 2 (nor 1): 1..L must all be checked.
    assert run.ok("check", "linalg", "2.1").stdout.endswith("Implement blocked LU\n")
    assert level(run) == 0 and changes(sql) == []
    run.ok("check", "linalg", "1.1")
    assert level(run) == 2
    assert changes(sql) == [(0, 2, "milestone explain-lu checked")]


def test_a_level_without_milestones_is_not_reached_by_milestones(run: Run, ready: Path) -> None:
    # calculus has no milestones at all: only an assessment gives it a level.
    assert level(run, "calculus") == 0
    run.ok("assess", "calculus", "2")
    assert level(run, "calculus") == 2


def test_level_is_the_higher_of_latest_assessment_and_milestones(
    run: Run, ready: Path, sql: Sql
) -> None:
    assert run.ok("assess", "linalg", "4").stdout == "assessed linalg at level 4; level 0 -> 4\n"
    run.ok("check", "linalg", "1.1")
    run.ok("check", "linalg", "2.1")
    assert level(run) == 4  # the assessment is higher
    # The latest assessment counts, not the highest: lowering it lets milestones decide.
    assert run.ok("assess", "linalg", "1").stdout == "assessed linalg at level 1; level 4 -> 2\n"
    assert level(run) == 2
    run.ok("uncheck", "linalg", "1.1")
    assert level(run) == 1  # milestones now give 0; the assessment gives 1
    run.ok("assess", "linalg", "0")
    assert level(run) == 0
    assert [(p, n) for p, n, _ in changes(sql)] == [(0, 4), (4, 2), (2, 1), (1, 0)]


def test_every_level_change_is_recorded_with_its_date(run: Run, ready: Path, sql: Sql) -> None:
    run.ok("check", "linalg", "1.1")
    # An assessment that does not change the level records no change.
    assert run.ok("assess", "linalg", "1").stdout == "assessed linalg at level 1\n"
    run.ok("assess", "linalg", "3", "--note", "taught a class")
    stored = sql(
        "SELECT previous, level, changed_at, cause FROM level_change ORDER BY id",
    )
    assert [(p, n, c) for p, n, _, c in stored] == [
        (0, 1, "milestone explain-lu checked"),
        (1, 3, "assessed at 3"),
    ]
    for _, _, at, _ in stored:
        assert datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ")
    skill = sql("SELECT level, level_changed_at FROM skill WHERE id = 'linalg'")[0]
    assert skill == (3, stored[-1][2])
    assessments = sql("SELECT level, note FROM assessment ORDER BY id")
    assert assessments == [(1, ""), (3, "taught a class")]
    # The views draw progress over time from these changes.
    history = run.json("show", "linalg")["level_history"]
    assert [(h["previous"], h["level"]) for h in history] == [(0, 1), (1, 3)]
    assert all(datetime.fromisoformat(h["changed_at"]).utcoffset() is not None for h in history)


@pytest.mark.parametrize("text", ["6", "99", "abc", "2.5", "", "١"])
def test_assess_outside_the_scale_is_refused(run: Run, ready: Path, sql: Sql, text: str) -> None:
    before = dump(sql)
    result = run("assess", "linalg", text)
    assert result.exit_code == 2
    shown = text.strip()[:20]
    assert f"'{shown}' is not a level: levels are 0–5" in result.stderr
    assert "\n  0 None\n  1 Novice\n  2 Advanced beginner\n" in result.stderr
    assert_one_clear_error(result.stderr)
    assert dump(sql) == before


def test_assess_follows_the_trees_own_scale(
    run: Run, small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    text = SMALL.read_text(encoding="utf-8").replace(
        "weekly_goal_hours: 5\n",
        "weekly_goal_hours: 5\nlevels:\n"
        + "".join(f"  - {{level: {n}, name: L{n}}}\n" for n in range(4)),
    )
    tree = tmp_path / "three.yaml"
    tree.write_text(text, encoding="utf-8")
    monkeypatch.setenv("ROADMAP_SKILLS", str(tree))
    run.ok("tree")
    assert run("assess", "linalg", "4").stderr == (
        "roadmap: error: '4' is not a level: levels are 0–3\n  0 L0\n  1 L1\n  2 L2\n  3 L3\n"
    )
    run.ok("assess", "linalg", "3")
