"""Nested skills (issue 16): a skill with milestones has a level of its own, children or not;
a group (children, no milestones) is the roll-up of its children; every view agrees; a
skill requiring a group it belongs to is refused; progressing in prerequisite order
unlocks every skill of any valid tree."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadmap import analysis
from roadmap.errors import DataError
from roadmap.tree import Tree, parse_tree
from tests.conftest import Run, fresh_pg_database

pytestmark = pytest.mark.usefixtures("backend")

# A roadmap.sh-shaped tree: topics with milestones and sub-topics, each topic requiring the one
# before; a group ('tools') with no milestones of its own.
NESTED = """\
version: 1
title: Nested
default_target: dev
pillars:
  - id: web
    name: Web
    skills:
      - id: html
        name: HTML
        weight: 2
        hours: [2, 4, 8, 16, 32]
        milestones:
          1: ["Write a page by hand"]
          2: ["Use semantic elements"]
        children:
          - id: forms
            name: Forms
            requires: [html]
            milestones: {1: ["Build a form"]}
          - id: a11y
            name: Accessibility
            requires: [{skill: html, level: 2}]
      - id: css
        name: CSS
        requires: [html]
        milestones: {1: ["Style a page"]}
        children:
          - id: flexbox
            name: Flexbox
            requires: [css]
      - id: tools
        name: Tools
        children:
          - {id: git, name: Git, weight: 3}
          - {id: npm, name: npm}
targets:
  - id: dev
    name: Developer
    requires: {html: 2, css: 1, flexbox: 1, tools: 2, forms: 1}
"""


@pytest.fixture
def nested(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "nested.yaml"
    path.write_text(NESTED, encoding="utf-8")
    monkeypatch.setenv("ROADMAP_SKILLS", str(path))
    return path


def test_a_parent_with_milestones_has_a_level_of_its_own(run: Run, nested: Path) -> None:
    result = run.ok("check", "html", "1.1")
    assert "level 0 -> 1" in result.stdout
    show = run.json("show", "html")
    assert show["level"] == 1 and show["group"] is False
    assert show["rollup_level"] == 0  # its sub-topics, labelled apart
    assert "1 (its own; its skills: 0 roll-up)" in run.ok("show", "html").stdout
    tree = run.json("tree")
    html = tree["pillars"][0]["skills"][0]
    assert (html["level"], html["group"], html["rollup_level"]) == (1, False, 0)
    assert html["hours_by_level"] == [2, 4, 8, 16, 32]
    assert "(own; its skills 0 roll-up)" in run.ok("tree").stdout
    # A requirement on it is judged on that level: dev needs html 2, so one level is missing.
    gaps = {g["skill"]: (g["current"], g["required"]) for g in run.json("gaps")}
    assert gaps["html"] == (1, 2)
    assert "forms" in gaps and "a11y" not in gaps  # dev requires html itself, not its children


def test_a_child_requiring_its_parent_is_unlocked_by_the_parent(run: Run, nested: Path) -> None:
    recommended = [r["skill"] for r in run.json("next", "--limit", "10")]
    assert "html" in recommended and "forms" not in recommended and "css" not in recommended
    run.ok("check", "html", "1.1")
    recommended = [r["skill"] for r in run.json("next", "--limit", "10")]
    assert {"forms", "css", "html"} <= set(recommended)
    assert run.json("show", "forms")["unlocked"] is True
    assert run.json("show", "flexbox")["unlocked"] is False
    run.ok("check", "css", "1.1")
    assert run.json("show", "flexbox")["unlocked"] is True


def test_a_group_is_the_roll_up_of_its_children_and_cannot_be_assessed(
    run: Run, nested: Path
) -> None:
    run.ok("assess", "git", "3")
    run.ok("assess", "npm", "1")
    show = run.json("show", "tools")
    assert show["group"] is True
    assert show["level"] == show["rollup_level"] == 2.5  # (3·3 + 1·1) / 4
    assert "2.5 (roll-up of its children)" in run.ok("show", "tools").stdout
    # A requirement on a group applies to each of its skills.
    gaps = {g["skill"]: (g["current"], g["required"]) for g in run.json("gaps")}
    assert gaps["npm"] == (1, 2) and "git" not in gaps and "tools" not in gaps
    result = run("assess", "tools", "3")
    assert result.exit_code == 2
    assert "'tools' is a group" in result.stderr and "git, npm" in result.stderr
    assert "Traceback" not in result.stderr
    assert run.json("show", "tools")["assessment"] is None


def test_validate_refuses_a_skill_requiring_a_group_it_belongs_to(
    run: Run, write_yaml: Any
) -> None:
    bad = write_yaml(
        NESTED.replace("{id: npm, name: npm}", "{id: npm, name: npm, requires: [tools]}")
    )
    result = run("validate", str(bad))
    assert result.exit_code == 65
    assert f"{bad}:35:45: skill 'npm' requires 'tools', a group it belongs to" in result.stderr, (
        result.stderr
    )
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_validate_refuses_a_prerequisite_cycle_through_groups(run: Run, write_yaml: Any) -> None:
    text = (
        "version: 1\npillars:\n  - id: p\n    name: P\n    skills:\n"
        "      - id: g1\n        name: G1\n        children:\n"
        "          - {id: x, name: X, requires: [g2]}\n"
        "      - id: g2\n        name: G2\n        children:\n"
        "          - {id: y, name: Y, requires: [g1]}\n"
    )
    result = run("validate", str(write_yaml(text)))
    assert result.exit_code == 65
    assert ":9:41: prerequisite cycle through groups" in result.stderr
    assert "g1 -> x -> g2 -> y -> g1" in result.stderr


# --- random nested trees ---------------------------------------------------------------------


@st.composite
def nested_trees(draw: st.DrawFn) -> str:
    """A random nested skills file: parents earlier than children, prerequisites on earlier
    skills (so plain cycles cannot happen; group ones can), milestones on some parents."""
    n = draw(st.integers(2, 9))
    parents: list[int | None] = []
    lines: dict[int, list[str]] = {}
    for i in range(n):
        parents.append(draw(st.none() | st.integers(0, i - 1)) if i else None)
        fields = [f"id: s{i}", f"name: S{i}", f"weight: {draw(st.integers(1, 3))}"]
        if draw(st.booleans()):
            fields.append('milestones: {1: ["a"], 2: ["b"]}')
        if draw(st.booleans()):
            fields.append("hours: [1, 2, 3, 4, 5]")
        if i:
            refs = draw(st.lists(st.integers(0, i - 1), unique=True, max_size=2))
            levels = [draw(st.integers(1, 5)) for _ in refs]
            if refs:
                listed = ", ".join(
                    f"{{skill: s{r}, level: {lv}}}" for r, lv in zip(refs, levels, strict=True)
                )
                fields.append(f"requires: [{listed}]")
        lines[i] = fields

    def emit(i: int, indent: int) -> list[str]:
        pad = " " * indent
        out = [f"{pad}- {lines[i][0]}"] + [f"{pad}  {f}" for f in lines[i][1:]]
        kids = [j for j in range(n) if parents[j] == i]
        if kids:
            out.append(f"{pad}  children:")
            for j in kids:
                out.extend(emit(j, indent + 4))
        return out

    body = [line for i in range(n) if parents[i] is None for line in emit(i, 6)]
    wanted = draw(st.dictionaries(st.integers(0, n - 1), st.integers(1, 5), min_size=1))
    requires = ", ".join(f"s{k}: {v}" for k, v in sorted(wanted.items()))
    return (
        "version: 1\ndefault_target: t\npillars:\n  - id: p\n    name: P\n    skills:\n"
        + "\n".join(body)
        + f"\ntargets:\n  - {{id: t, name: T, requires: {{{requires}}}}}\n"
    )


def _skills(tree: Tree) -> list[analysis.Skill]:
    return [
        analysis.Skill(
            s.id,
            s.name,
            s.pillar,
            s.parent,
            s.weight,
            requires=tuple(s.requires),
            has_milestones=bool(s.milestones),
        )
        for s in tree.skills
    ]


def _parse(text: str) -> Tree | None:
    try:
        return parse_tree(text.encode(), "f.yaml")
    except DataError as exc:
        allowed = ("a group it belongs to", "prerequisite cycle through groups")
        assert all(any(a in p for a in allowed) for p in exc.problems), exc.problems
        return None


@pytest.mark.sqlite_only
@settings(max_examples=300, deadline=None)
@given(nested_trees())
def test_progressing_in_prerequisite_order_unlocks_every_skill(text: str) -> None:
    tree = _parse(text)
    if tree is None:
        return
    skills = {s.id: s for s in _skills(tree)}
    top = tree.max_level
    for _ in range(len(skills) * top + 1):
        by_id = dict(skills)
        children = analysis.children_of(by_id.values())
        movers = [
            s
            for s in by_id.values()
            if analysis.has_own_level(s.id, by_id, children)
            and s.level < top
            and analysis.is_unlocked(s, by_id, children)
        ]
        if not movers:
            break
        for s in movers:  # every unlocked skill one level up, then look again
            skills[s.id] = analysis.Skill(**{**_fields(s), "level": s.level + 1})
    by_id = dict(skills)
    children = analysis.children_of(by_id.values())
    for s in by_id.values():
        assert analysis.is_unlocked(s, by_id, children), (s.id, text)
        assert analysis.rollup_level(s.id, by_id, children) == top, (s.id, text)
    assert analysis.readiness(list(by_id.values()), _target(tree)).overall == 1.0


def _fields(skill: analysis.Skill) -> dict[str, Any]:
    return skill._asdict()


def _target(tree: Tree) -> analysis.Target:
    t = tree.targets[0]
    return analysis.Target(t.id, t.name, t.requires)


@contextmanager
def _fresh_database(backend: str, request: pytest.FixtureRequest, home: Path) -> Iterator[None]:
    """A new, empty database for one hypothesis example."""
    saved = os.environ.get("ROADMAP_DB")
    if backend == "postgresql":
        os.environ["ROADMAP_DB"] = fresh_pg_database(request.getfixturevalue("pg_cluster"))
    else:
        home.mkdir(parents=True, exist_ok=True)
        index = len(list(home.glob("example-*.db")))
        os.environ["ROADMAP_DB"] = str(home / f"example-{index}.db")
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("ROADMAP_DB", None)
        else:
            os.environ["ROADMAP_DB"] = saved


def _tree_levels(tree_json: dict[str, Any]) -> dict[str, float]:
    found: dict[str, float] = {}
    stack = [s for p in tree_json["pillars"] for s in p["skills"]]
    while stack:
        s = stack.pop()
        found[s["id"]] = s["level"]
        stack.extend(s["children"])
    return found


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=nested_trees(), data=st.data())
def test_every_view_agrees_on_every_level(
    text: str,
    data: st.DataObject,
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    tree = _parse(text)
    if tree is None:
        return
    run = Run()
    with _fresh_database(backend, request, tmp_path / "dbs"):
        path = tmp_path / "tree.yaml"
        path.write_text(text, encoding="utf-8")
        os.environ["ROADMAP_SKILLS"] = str(path)
        own = [
            s for s in tree.skills if s.milestones or not any(c.parent == s.id for c in tree.skills)
        ]
        for s in data.draw(st.lists(st.sampled_from(own), min_size=2, max_size=8)):
            if s.milestones and bool(data.draw(st.booleans())):
                result = run("check", s.id, data.draw(st.sampled_from(["1.1", "2.1"])))
                assert result.exit_code in (0, 1), result.stderr  # 1: already checked
            else:
                run.ok("assess", s.id, str(data.draw(st.integers(1, 5))))
        tree_levels = _tree_levels(run.json("tree"))
        export = json.loads(run.ok("export", "--format", "json").stdout)["tree"]["skills"]
        status = run.json("status")
        gaps = run.json("gaps")
        for s in tree.skills:
            shown = run.json("show", s.id)
            level = shown["level"]
            assert tree_levels[s.id] == level, (s.id, text)
            exported = next(e for e in export if e["id"] == s.id)
            assert (exported["rollup_level"] if exported["group"] else exported["level"]) == level
            assert shown["group"] == exported["group"]
        units = {g["skill"]: g["current"] for g in gaps}
        for skill_id, current in units.items():
            assert tree_levels[skill_id] == current
        for g in status["top_gaps"]:
            assert units[g["skill"]] == g["current"]
