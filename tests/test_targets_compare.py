"""`roadmap targets compare A B`: shared skills, what each adds, the hours each would take,
through the real CLI on both backends; the pure comparison's invariants with hypothesis."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap import analysis
from tests.conftest import Run, Sql

pytestmark = pytest.mark.usefixtures("backend")

HEAD_KEYS = {"id", "name", "by", "remaining_hours"}
SHARED_KEYS = {
    "skill",
    "name",
    "pillar",
    "current",
    "a",
    "b",
    "remaining_hours_a",
    "remaining_hours_b",
}
ADDS_KEYS = {"skill", "name", "pillar", "current", "required", "remaining_hours"}


def test_compare_from_where_the_user_stands(
    run: Run, small: Path, pinned: object, sql: Sql
) -> None:
    data = run.json("targets", "compare", "junior", "engineer")
    assert set(data) == {"a", "b", "both_remaining_hours", "shared", "only_a", "only_b"}
    assert set(data["a"]) == set(data["b"]) == HEAD_KEYS
    assert data["a"] == {"id": "junior", "name": "Junior", "by": None, "remaining_hours": 10.0}
    assert data["b"]["remaining_hours"] == 115.0  # linalg 3 x 10 + calculus 5 + cpp 2 x 2 x 20
    assert data["both_remaining_hours"] == 115.0
    assert data["shared"] == [
        {
            "skill": "linalg",
            "name": "Linear algebra",
            "pillar": "math",
            "current": 0,
            "a": 1,
            "b": 3,
            "remaining_hours_a": 10.0,
            "remaining_hours_b": 30.0,
        }
    ]
    assert data["only_a"] == []
    # a requirement on the group cpp applies to each of its units
    assert [(r["skill"], r["required"], r["remaining_hours"]) for r in data["only_b"]] == [
        ("calculus", 1, 5.0),
        ("cpp-templates", 2, 40.0),
        ("cpp-memory", 2, 40.0),
    ]
    assert all(set(r) == ADDS_KEYS for r in data["only_b"])
    # progress changes the hours: linalg to level 1, 3 hours logged on calculus
    run.ok("check", "linalg", "1.1")
    run.ok("log", "calculus", "3h")
    after = run.json("targets", "compare", "engineer", "junior")
    assert after["a"]["id"] == "engineer" and after["b"]["remaining_hours"] == 0.0
    assert after["a"]["remaining_hours"] == 20.0 + 2.0 + 80.0
    assert [r["skill"] for r in after["only_a"]] == ["calculus", "cpp-templates", "cpp-memory"]
    assert after["only_b"] == []
    assert after["shared"][0]["current"] == 1
    before = sql.dump()
    shown = run.ok("targets", "compare", "junior", "engineer").stdout
    assert sql.dump() == before  # read-only
    assert "Junior (junior) vs Engineer (engineer)" in shown
    assert "Only engineer (3)" in shown and "Only junior: none" in shown
    # the plain listing is unchanged
    assert [t["id"] for t in run.json("targets")] == ["junior", "engineer"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["compare", "junior"], "compare needs two targets"),
        (["compare"], "compare needs two targets"),
        (["diff", "junior", "engineer"], "unknown action 'diff'"),
        (["compare", "junior", "nope"], "unknown target 'nope'"),
    ],
)
def test_bad_input_exits_2(run: Run, small: Path, args: list[str], says: str) -> None:
    result = run("targets", *args)
    assert result.exit_code == 2
    assert says in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


@st.composite
def trees(draw: st.DrawFn) -> tuple[list[analysis.Skill], analysis.Target, analysis.Target]:
    n = draw(st.integers(1, 8))
    skills = [
        analysis.Skill(
            id=f"s{i}",
            name=f"S{i}",
            pillar="p",
            level=draw(st.integers(0, 5)),
            hours=draw(st.floats(1, 100)),
            minutes_since_level_change=draw(st.integers(0, 3000)),
        )
        for i in range(n)
    ]
    ids = [s.id for s in skills]
    req = st.dictionaries(st.sampled_from(ids), st.integers(1, 5), max_size=n)
    return (
        skills,
        analysis.Target("a", "A", draw(req)),
        analysis.Target("b", "B", draw(req)),
    )


@pytest.mark.no_database
@settings(max_examples=200, deadline=None)
@given(trees())
def test_the_comparison_partitions_the_requirements(
    case: tuple[list[analysis.Skill], analysis.Target, analysis.Target],
) -> None:
    skills, a, b = case
    cmp = analysis.compare_targets(skills, a, b)
    shared = {s.id for s, _, _ in cmp.shared}
    only_a, only_b = {s.id for s, _ in cmp.only_a}, {s.id for s, _ in cmp.only_b}
    assert shared | only_a == set(a.requires) and shared | only_b == set(b.requires)
    assert not (shared & only_a) and not (shared & only_b) and not (only_a & only_b)
    slack = 1e-6
    assert max(cmp.hours_a, cmp.hours_b) - slack <= cmp.hours_both
    assert cmp.hours_both <= cmp.hours_a + cmp.hours_b + slack
    swapped = analysis.compare_targets(skills, b, a)
    assert swapped.hours_both == pytest.approx(cmp.hours_both)
    assert swapped.only_a == cmp.only_b
