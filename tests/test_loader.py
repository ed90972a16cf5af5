"""The strict skills.yaml loader: every kind of problem, with its line and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.errors import DataError
from roadmap.tree import load_tree, parse_tree
from tests.conftest import Run

HEAD = "version: 1\npillars:\n  - id: p\n    name: P\n    skills:\n"


def problems(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(DataError) as info:
        parse_tree(data, "f.yaml")
    return info.value.problems


def skill(body: str) -> str:
    return HEAD + body


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\na: 2\n", "f.yaml:2:1: duplicate key 'a'"),
        ("version: &v 1\npillars: []\n", "f.yaml:1:10: anchors"),
        ("version: 1\npillars: [\n", "f.yaml:3:1: invalid YAML"),
        ("version: 2\npillars: []\n", "f.yaml:1:10: format version 2 is not supported"),
        (
            "version: 1\npilars: []\n",
            "f.yaml:2:1: unknown field 'pilars' in the file (did you mean 'pillars'?)",
        ),
        ("version: 1\n", "f.yaml:1:1: the file is missing the required field 'pillars'"),
        ("", "f.yaml:1:1: the file is empty"),
        ("- 1\n", "f.yaml:1:1: the file must be a mapping"),
        (
            "version: 1\ntitle: no\npillars: []\n",
            "f.yaml:2:8: title must be a string, found a boolean 'no' (quote it)",
        ),
        (
            "version: 1\npillars: [{id: P, name: x}]\n",
            "f.yaml:2:16: pillar id 'P' must be lowercase",
        ),
        (
            "version: 1\npillars: [{id: p, name: 012}]\n",
            "f.yaml:2:25: pillar name must be a string, found a number '012'",
        ),
        (
            skill("      - {id: a, name: A, weight: 9}\n"),
            "f.yaml:6:34: weight must be from 1 to 5, found 9",
        ),
        (
            skill("      - {id: a, name: A, hours: 1:30}\n"),
            "f.yaml:6:33: hours '1:30' is ambiguous",
        ),
        (skill("      - {id: a, name: A, hours: -3}\n"), "f.yaml:6:33: hours must be more than 0"),
        (
            skill("      - {id: a, name: A}\n      - {id: a, name: B}\n"),
            "f.yaml:7:14: skill id 'a' repeats (first at line 6, column 14)",
        ),
        (
            skill("      - {id: a, name: A, requires: [b]}\n"),
            "f.yaml:6:37: prerequisite 'b' is not a skill",
        ),
        (
            skill("      - {id: a, name: A, requires: [a]}\n"),
            "f.yaml:6:37: skill 'a' cannot require itself",
        ),
        (
            skill(
                "      - {id: a, name: A, requires: [b]}\n      - {id: b, name: B, requires: [a]}\n"
            ),
            "prerequisite cycle: ",
        ),
        (
            skill("      - {id: a, name: A, milestones: {7: [x]}}\n"),
            "f.yaml:6:39: level 7 is outside the scale (0..5)",
        ),
        (
            skill("      - {id: a, name: A, milestones: {1: [x, x]}}\n"),
            "f.yaml:6:46: milestone id 'x' repeats",
        ),
        (
            skill("      - {id: a, name: A, resources: [{title: t, url: ftp://x}]}\n"),
            "must start with https://",
        ),
        (
            skill("      - {id: a, name: A, resources: [{title: t, kind: blog}]}\n"),
            "resource kind 'blog' must be one of",
        ),
        (
            skill("      - {id: a, name: A, colour: red}\n"),
            "f.yaml:6:26: unknown field 'colour' in a skill",
        ),
        (
            HEAD + "      - {id: a, name: A}\ntargets:\n  - {id: t, name: T, requires: {zz: 2}}\n",
            "f.yaml:8:33: required skill 'zz' is not a skill",
        ),
        (
            HEAD
            + "      - {id: a, name: A}\ntargets:\n  - {id: t, name: T, after: u, requires: {a: 2}}\n",
            "f.yaml:8:29: after 'u' must name a target defined before this one",
        ),
        (
            HEAD + "      - {id: a, name: A}\ndefault_target: nope\n",
            "f.yaml:7:17: default_target 'nope' is not a target",
        ),
        (
            HEAD
            + "      - {id: a, name: A}\ntargets:\n  - {id: t, name: T, by: soon, requires: {a: 2}}\n",
            "f.yaml:8:26: by must be a date",
        ),
        ("version: 1\npillars: []\nx: !!python/object:os.system 1\n", "unsupported YAML tag"),
        ("version: 1\npillars: []\n---\nversion: 1\n", "only one YAML document"),
    ],
)
def test_each_problem_is_reported_at_its_line_and_column(text: str, expected: str) -> None:
    found = problems(text)
    assert any(p.startswith(expected) or expected in p for p in found), found


def test_every_problem_is_reported_at_once() -> None:
    text = skill(
        "      - {id: A, name: x}\n"
        "      - {id: b, name: B, weight: 0}\n"
        "      - {id: c, name: C, requires: [zz]}\n"
    )
    found = problems(text)
    assert len(found) == 3, found
    assert [p.split(":")[1] for p in found] == ["6", "7", "8"]


def test_non_utf8_points_at_the_bad_byte() -> None:
    found = problems(b"version: 1\ntitle: caf\xe9\npillars: []\n")
    assert found == ["f.yaml:2:11: not UTF-8: byte 0xe9 cannot be decoded"]


def test_alias_bomb_is_refused() -> None:
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)}]\n"
        for i in range(9)
    )
    assert len(bomb) < 700
    found = problems(bomb)  # refused, not expanded (bench/bench.py times it)
    assert found[0].startswith("f.yaml:1:4: anchors")


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"version: 1\n" + b"# padding\n" * 200_000)
    with pytest.raises(DataError) as info:
        load_tree(path)
    assert "limit is 1 MiB" in info.value.problems[0]


def test_deep_nesting_is_refused() -> None:
    deep = "version: 1\npillars: " + "[" * 200 + "]" * 200 + "\n"
    found = problems(deep)
    assert "nesting deeper than" in found[0]


def test_small_tree_loads(small: Path) -> None:
    tree = load_tree(small)
    assert [p.id for p in tree.pillars] == ["math", "software"]
    assert tree.skill("cpp") is not None
    assert tree.skill("cpp-templates").parent == "cpp"  # type: ignore[union-attr]
    assert tree.skill("cpp-templates").requires == [("calculus", 2)]  # type: ignore[union-attr]
    assert [m.key for m in tree.skill("linalg").milestones] == ["explain-lu", "blocked-lu"]  # type: ignore[union-attr]


def test_validate_command_summarises_and_fails_with_65(
    run: Run, small: Path, tmp_path: Path
) -> None:
    result = run.ok("validate", str(small))
    assert "valid: 2 pillars, 5 skills (4 to study), 2 milestones, 2 targets" in result.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\npillars: [{id: P, name: x}]\n")
    result = run("validate", str(bad))
    assert result.exit_code == 65
    assert f"{bad}:2:16: pillar id 'P'" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes_the_loader(text: str) -> None:
    try:
        parse_tree(text.encode("utf-8", "surrogatepass"), "f.yaml")
    except DataError as exc:
        assert exc.problems and all(p.startswith("f.yaml:") for p in exc.problems)


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")), min_size=1, max_size=30
)


@settings(max_examples=40, deadline=None)
@given(names, names)
def test_any_quoted_name_round_trips(pillar_name: str, skill_name: str) -> None:
    import json

    text = (
        f"version: 1\npillars:\n  - id: p\n    name: {json.dumps(pillar_name, ensure_ascii=False)}\n"
        f"    skills:\n      - id: s\n        name: {json.dumps(skill_name, ensure_ascii=False)}\n"
    )
    tree = parse_tree(text.encode(), "f.yaml")
    assert tree.pillars[0].name == pillar_name
    assert tree.skills[0].name == skill_name


# --- hours per level step and the review date (issue 16) -------------------------------


def test_hours_may_be_one_number_or_one_per_level_step() -> None:
    tree = parse_tree(
        skill(
            "      - {id: a, name: A, hours: [2, 4, 8.5, 16, 40]}\n      - {id: b, name: B}\n"
        ).encode(),
        "f.yaml",
    )
    a, b = tree.skill("a"), tree.skill("b")
    assert a is not None and b is not None
    assert a.hours_by_level == (2.0, 4.0, 8.5, 16.0, 40.0)
    assert a.hours == pytest.approx(70.5 / 5)
    assert b.hours_by_level is None and b.hours == 20.0


def test_hours_list_follows_a_custom_level_scale() -> None:
    text = (
        "version: 1\nlevels:\n  - {level: 1, name: One}\n  - {level: 2, name: Two}\n"
        "pillars:\n  - id: p\n    name: P\n    skills:\n      - {id: a, name: A, hours: [3, 9]}\n"
    )
    a = parse_tree(text.encode(), "f.yaml").skill("a")
    assert a is not None and a.hours_by_level == (3.0, 9.0)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "      - {id: a, name: A, hours: [1, 2, 3]}\n",
            "f.yaml:6:33: hours must be one number or a list of 5 numbers (one per level step "
            "0→1 … 4→5), found a list of 3",
        ),
        (
            "      - {id: a, name: A, hours: [1, 2, 0, 4, 5]}\n",
            "f.yaml:6:40: hours must be more than 0",
        ),
        (
            "      - {id: a, name: A, hours: [1, 2, x, 4, 5]}\n",
            "f.yaml:6:40: hours must be a number",
        ),
        ("      - {id: a, name: A, hours: [1, 2, 3, 4, 1:30]}\n", "f.yaml:6:46: hours '1:30'"),
        ("      - {id: a, name: A, hours: {1: 2}}\n", "f.yaml:6:33: hours must be a number"),
    ],
)
def test_bad_hours_are_reported_where_they_are(body: str, expected: str) -> None:
    found = problems(skill(body))
    assert any(p.startswith(expected) for p in found), found


@pytest.mark.parametrize("value", ["2026-11-20", "'2026-11-20'", '"2026-11-20"'])
def test_reviewed_is_a_date_quoted_or_not(value: str) -> None:
    from datetime import date

    tree = parse_tree(
        f"version: 1\nreviewed: {value}\npillars: [{{id: p, name: P}}]\n".encode(), "f"
    )
    assert tree.reviewed == date(2026, 11, 20)
    assert parse_tree(b"version: 1\npillars: [{id: p, name: P}]\n", "f").reviewed is None


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("'2026-13-01'", "'2026-13-01'"),
        ("'20261120'", "'20261120'"),
        ("'2026-W47-1'", "'2026-W47-1'"),
        ("2026-11-20 10:00:00", "'2026-11-20 10:00:00'"),
        ("20261120", "'20261120'"),
        ("yesterday", "'yesterday'"),
        ("[2026-11-20]", "a list"),
    ],
)
def test_reviewed_must_be_a_plain_date(value: str, found: str) -> None:
    assert problems(f"version: 1\nreviewed: {value}\npillars: [{{id: p, name: P}}]\n") == [
        f"f.yaml:2:11: reviewed must be a date like 2027-12-31, found {found}"
    ]
    # An impossible unquoted date is refused by the YAML reader, at the same place.
    assert problems("version: 1\nreviewed: 2026-13-01\npillars: [{id: p, name: P}]\n")[
        0
    ].startswith("f.yaml:2:11: cannot read '2026-13-01'")
