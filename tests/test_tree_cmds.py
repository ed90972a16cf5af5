"""`roadmap tree`: levels as the user sees them, parents as roll-ups, pillars by id or name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run

pytestmark = pytest.mark.usefixtures("backend")


def _find(skills: list[dict[str, Any]], skill_id: str) -> dict[str, Any]:
    for skill in skills:
        if skill["id"] == skill_id:
            return skill
        found = _find(skill["children"], skill_id) if skill["children"] else None
        if found:
            return found
    return {}


def test_tree_json_gives_a_parent_the_roll_up_of_its_children(run: Run, small: Path) -> None:
    run.ok("assess", "cpp-templates", "3")
    run.ok("assess", "cpp-memory", "0")
    data = run.json("tree", "--pillar", "software")
    assert [p["id"] for p in data["pillars"]] == ["software"]
    cpp = _find(data["pillars"][0]["skills"], "cpp")
    assert cpp["level"] == 1.5  # equal weights: (3 + 0) / 2
    assert _find(cpp["children"], "cpp-templates")["level"] == 3


def test_tree_takes_a_pillar_by_name_and_refuses_an_unknown_one(run: Run, small: Path) -> None:
    assert run.json("tree", "--pillar", "Math")["pillars"][0]["id"] == "math"
    result = run("tree", "--pillar", "chemistry")
    assert result.exit_code == 2
    assert "unknown pillar 'chemistry'" in result.stderr
