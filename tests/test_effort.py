"""Effort that matches reality (issue 16): hours per level step in remaining effort, `next` and
`show`; `validate` warns about a target that cannot be reached as written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SMALL, Run

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def stepped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    text = SMALL.read_text().replace("        hours: 10\n", "        hours: [2, 4, 8, 16, 32]\n")
    path = tmp_path / "skills.yaml"
    path.write_text(text)
    monkeypatch.setenv("ROADMAP_SKILLS", str(path))
    monkeypatch.setenv("ROADMAP_NOW", "2026-11-20T20:00:00+00:00")
    return Run()


def test_remaining_effort_adds_the_hours_of_the_missing_steps(
    stepped: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # engineer: linalg 3 → 2 + 4 + 8 = 14; calculus 1 → 5; cpp 2 → two skills × 2 × 20 = 80
    assert stepped.json("forecast")["remaining_hours"] == 14 + 5 + 80
    stepped.ok("check", "linalg", "1.1")  # level 1: 4 + 8 left
    assert stepped.json("forecast")["remaining_hours"] == 12 + 5 + 80
    monkeypatch.setenv("ROADMAP_NOW", "2026-11-21T20:00:00+00:00")
    stepped.ok("log", "linalg", "3h")  # taken off the next step (1 → 2) only
    assert stepped.json("forecast")["remaining_hours"] == 1 + 8 + 5 + 80
    show = stepped.json("show", "linalg")
    assert show["hours_to_next_level"] == 1 and show["hours_by_level"] == [2, 4, 8, 16, 32]
    assert "about 2/4/8/16/32h for levels 1-5" in stepped.ok("show", "linalg").stdout
    assert stepped.json("tree")["pillars"][0]["skills"][0]["hours_by_level"] == [2, 4, 8, 16, 32]


def test_validate_warns_about_a_target_that_cannot_be_reached(run: Run, write_yaml: Any) -> None:
    result = run("validate", str(SMALL))
    assert result.exit_code == 0
    assert result.stderr == (
        f"{SMALL}:43:27: warning: target 'engineer' requires 'cpp' at level 2, which needs "
        "'calculus' at level 2, not required by it or the stages before it: the target cannot "
        "be reached as written\n"
    )
    assert "valid: 2 pillars" in result.stdout
    # Requiring the prerequisite at the level needed in an earlier stage is enough...
    text = SMALL.read_text().replace("requires: {linalg: 1}", "requires: {linalg: 1, calculus: 2}")
    result = run("validate", str(write_yaml(text)))
    assert result.exit_code == 0 and result.stderr == ""
    # ...but not in a target that is not a stage before it.
    alone = write_yaml(text.replace("    after: junior\n", ""))
    result = run("validate", str(alone))
    assert result.exit_code == 0
    assert "needs 'calculus' at level 2, not required by it: the target" in result.stderr


def test_the_bundled_tree_is_reachable_as_written(run: Run) -> None:
    """The second edition's stages require every prerequisite they need (issue 18)."""
    result = run("validate", str(ROOT / "skills.yaml"))
    assert result.exit_code == 0
    assert "warning" not in result.stderr, result.stderr
