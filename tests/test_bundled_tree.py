"""Structural promises of the bundled roadmap (skills.yaml at the repository root).

These tests read the YAML directly (no project imports) so they check the content on its own:
the pillars and their order, the leaf skills and their milestones and resources, the
prerequisite graph, the per-level hours and the career stages (their reachability, their
dates and the architect's shape), the areas the second edition added, the fixes it made, and
the recorded list of resource URLs. One test runs `roadmap validate` on the file.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SKILLS_PATH = ROOT / "skills.yaml"
URLS_PATH = Path(__file__).resolve().parent / "data" / "resource-urls.txt"

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PILLAR_IDS = ["math", "hardware", "software", "deployment"]
RESOURCE_KINDS = {"book", "paper", "docs", "course", "video", "article", "code", "tool"}
LEVELS = range(1, 6)
MIN_LEAVES_PER_PILLAR = 12

TOP_FIELDS = {
    "version",
    "title",
    "default_target",
    "weekly_goal_hours",
    "reviewed",
    "levels",
    "pillars",
    "targets",
}
PILLAR_FIELDS = {"id", "name", "description", "skills"}
SKILL_FIELDS = {
    "id",
    "name",
    "description",
    "weight",
    "hours",
    "requires",
    "milestones",
    "resources",
    "was",
    "children",
}
TARGET_FIELDS = {"id", "name", "description", "by", "after", "requires"}


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping in the document repeats a key."""


class StrictLoader(yaml.SafeLoader):
    """A SafeLoader that refuses duplicate mapping keys instead of keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise DuplicateKeyError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, StrictLoader.construct_mapping
)


def milestone_key(item: Any) -> str:
    """The milestone id the loader uses: explicit, or a slug of the text (first 60 characters)."""
    if isinstance(item, dict) and "id" in item:
        return str(item["id"])
    text = item["text"] if isinstance(item, dict) else item
    slug = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:60].rstrip("-")
    return slug or "milestone"


def milestone_text(item: Any) -> Any:
    return item["text"] if isinstance(item, dict) else item


@pytest.fixture(scope="module")
def raw() -> str:
    return SKILLS_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tree() -> dict[str, Any]:
    data = yaml.safe_load(SKILLS_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def walk(skills: list[dict[str, Any]], depth: int = 1) -> Iterator[tuple[dict[str, Any], int]]:
    for skill in skills:
        yield skill, depth
        yield from walk(skill.get("children") or [], depth + 1)


def skills_by_pillar(tree: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {p["id"]: [s for s, _ in walk(p.get("skills") or [])] for p in tree["pillars"]}


def all_skills(tree: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for skills in skills_by_pillar(tree).values() for s in skills]


def is_leaf(skill: dict[str, Any]) -> bool:
    return not skill.get("children")


def leaves(tree: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in all_skills(tree) if is_leaf(s)]


def prerequisites(skill: dict[str, Any]) -> list[tuple[str, int]]:
    out = []
    for entry in skill.get("requires") or []:
        if isinstance(entry, dict):
            out.append((entry["skill"], entry.get("level", 1)))
        else:
            out.append((entry, 1))
    return out


def pillar_of(tree: dict[str, Any]) -> dict[str, str]:
    return {s["id"]: pid for pid, skills in skills_by_pillar(tree).items() for s in skills}


def test_file_is_a_reasonable_size(raw: str) -> None:
    size = len(raw.encode("utf-8"))
    assert 20_000 < size < 1024 * 1024


def test_version_is_1(tree: dict[str, Any]) -> None:
    assert tree["version"] == 1
    assert type(tree["version"]) is int


def test_top_level_fields_are_known(tree: dict[str, Any]) -> None:
    assert set(tree) <= TOP_FIELDS
    assert isinstance(tree["title"], str) and tree["title"]
    hours = tree["weekly_goal_hours"]
    assert isinstance(hours, (int, float)) and not isinstance(hours, bool)
    assert 1 <= hours <= 40


def test_levels_scale_0_to_5(tree: dict[str, Any]) -> None:
    levels = tree["levels"]
    assert [entry["level"] for entry in levels] == list(range(0, 6))
    assert levels[0]["name"] == "None"
    for entry in levels:
        assert set(entry) == {"level", "name", "description"}
        assert isinstance(entry["name"], str) and entry["name"]
        assert isinstance(entry["description"], str) and entry["description"]


def test_pillar_ids_and_order(tree: dict[str, Any]) -> None:
    assert [p["id"] for p in tree["pillars"]] == PILLAR_IDS
    for pillar in tree["pillars"]:
        assert set(pillar) <= PILLAR_FIELDS
        assert isinstance(pillar["name"], str) and pillar["name"]
        assert isinstance(pillar["description"], str) and pillar["description"]


def test_each_pillar_has_enough_leaf_skills(tree: dict[str, Any]) -> None:
    for pid, skills in skills_by_pillar(tree).items():
        count = sum(1 for s in skills if is_leaf(s))
        assert count >= MIN_LEAVES_PER_PILLAR, f"pillar {pid} has only {count} leaf skills"


def test_ids_match_pattern_and_are_unique(tree: dict[str, Any]) -> None:
    ids = [p["id"] for p in tree["pillars"]]
    ids += [s["id"] for s in all_skills(tree)]
    ids += [t["id"] for t in tree["targets"]]
    for ident in ids:
        assert isinstance(ident, str) and ID_PATTERN.match(ident), ident
        assert len(ident) <= 64, ident
    repeated = [ident for ident, n in Counter(ids).items() if n > 1]
    assert not repeated, f"ids used more than once: {repeated}"


def test_skills_have_known_fields_and_shallow_nesting(tree: dict[str, Any]) -> None:
    for pillar in tree["pillars"]:
        for skill, depth in walk(pillar["skills"]):
            assert set(skill) <= SKILL_FIELDS, (skill["id"], set(skill) - SKILL_FIELDS)
            assert depth <= 2, f"{skill['id']} is nested {depth} levels deep"
            assert "was" not in skill, f"{skill['id']}: the bundled file has no renames"
            assert isinstance(skill["name"], str) and skill["name"], skill["id"]
            assert isinstance(skill["description"], str) and skill["description"], skill["id"]


def test_leaf_skills_are_complete(tree: dict[str, Any]) -> None:
    for skill in leaves(tree):
        sid = skill["id"]
        weight = skill["weight"]
        assert type(weight) is int and 1 <= weight <= 5, sid
        hours = skill["hours"]
        assert isinstance(hours, list) and len(hours) == 5, f"{sid}: hours per level step"
        for value in hours:
            assert isinstance(value, (int, float)) and not isinstance(value, bool), sid
            assert value > 0, sid
        assert isinstance(skill.get("requires", []), list), sid


def test_leaf_skills_have_milestones_for_every_level(tree: dict[str, Any]) -> None:
    for skill in leaves(tree):
        sid = skill["id"]
        milestones = skill["milestones"]
        assert set(milestones) == set(LEVELS), f"{sid}: milestone levels {sorted(milestones)}"
        keys: list[str] = []
        texts: list[str] = []
        for level in LEVELS:
            items = milestones[level]
            assert isinstance(items, list) and 1 <= len(items) <= 3, (sid, level)
            for item in items:
                if isinstance(item, dict):
                    assert set(item) <= {"id", "text"} and "text" in item, (sid, item)
                text = milestone_text(item)
                assert isinstance(text, str) and text.strip(), (sid, level, item)
                texts.append(text)
                keys.append(milestone_key(item))
        assert len(set(texts)) == len(texts), f"{sid}: repeated milestone text"
        assert len(set(keys)) == len(keys), f"{sid}: milestone ids collide: {keys}"


def test_leaf_skills_have_https_resources(tree: dict[str, Any]) -> None:
    for skill in leaves(tree):
        sid = skill["id"]
        resources = skill["resources"]
        assert isinstance(resources, list) and resources, f"{sid} has no resource"
        for resource in resources:
            assert set(resource) <= {"title", "url", "kind"}, (sid, resource)
            assert isinstance(resource["title"], str) and resource["title"], sid
            assert re.match(r"^https://\S+$", resource["url"]), (sid, resource["url"])
            assert resource["kind"] in RESOURCE_KINDS, (sid, resource["kind"])


def test_parent_skills_have_identity(tree: dict[str, Any]) -> None:
    for skill in all_skills(tree):
        if not is_leaf(skill):
            assert {"id", "name", "description"} <= set(skill), skill
            assert isinstance(skill["children"], list) and skill["children"], skill["id"]


def test_requires_name_existing_skills(tree: dict[str, Any]) -> None:
    known = {s["id"] for s in all_skills(tree)}
    for skill in all_skills(tree):
        for entry in skill.get("requires") or []:
            if isinstance(entry, dict):
                assert set(entry) <= {"skill", "level"} and "skill" in entry, (skill["id"], entry)
        for ref, level in prerequisites(skill):
            assert ref in known, f"{skill['id']} requires unknown skill {ref!r}"
            assert ref != skill["id"], f"{skill['id']} requires itself"
            assert type(level) is int and 1 <= level <= 5, (skill["id"], ref, level)


def test_prerequisite_graph_is_acyclic(tree: dict[str, Any]) -> None:
    edges = {s["id"]: [ref for ref, _ in prerequisites(s)] for s in all_skills(tree)}
    # Kahn's algorithm: repeatedly remove skills whose prerequisites are all removed.
    indegree = {sid: len(refs) for sid, refs in edges.items()}
    dependants: dict[str, list[str]] = {sid: [] for sid in edges}
    for sid, refs in edges.items():
        for ref in refs:
            dependants.setdefault(ref, []).append(sid)
    ready = [sid for sid, n in indegree.items() if n == 0]
    ordered = []
    while ready:
        sid = ready.pop()
        ordered.append(sid)
        for dependant in dependants[sid]:
            indegree[dependant] -= 1
            if indegree[dependant] == 0:
                ready.append(dependant)
    stuck = sorted(sid for sid, n in indegree.items() if n > 0)
    assert len(ordered) == len(edges), f"prerequisite cycle among: {stuck}"


def test_prerequisite_graph_is_meaningful(tree: dict[str, Any]) -> None:
    leaf_skills = leaves(tree)
    with_prereqs = [s for s in leaf_skills if prerequisites(s)]
    assert len(with_prereqs) >= len(leaf_skills) // 2
    owner = pillar_of(tree)
    cross = [
        (s["id"], ref)
        for s in leaf_skills
        for ref, _ in prerequisites(s)
        if owner[ref] != owner[s["id"]]
    ]
    assert len(cross) >= 10, "expected prerequisites across pillars"


def test_at_least_three_targets_in_career_order(tree: dict[str, Any]) -> None:
    targets = tree["targets"]
    assert len(targets) >= 3
    seen: set[str] = set()
    for target in targets:
        assert set(target) <= TARGET_FIELDS, target["id"]
        assert isinstance(target["name"], str) and target["name"]
        if "after" in target:
            assert target["after"] in seen, f"{target['id']}: after must name an earlier target"
        seen.add(target["id"])
    for earlier, later in itertools.pairwise(targets):
        assert later.get("after") == earlier["id"], (
            f"{later['id']} should come after {earlier['id']}"
        )


def test_default_target_is_the_last_target(tree: dict[str, Any]) -> None:
    assert tree["default_target"] == tree["targets"][-1]["id"]


def test_later_targets_have_dates_in_order(tree: dict[str, Any]) -> None:
    dated = [t["by"] for t in tree["targets"][1:]]
    assert all(dated), "every stage after the first needs a by date"
    assert dated == sorted(dated)


def test_targets_require_existing_skills_with_valid_levels(tree: dict[str, Any]) -> None:
    known = {s["id"] for s in all_skills(tree)}
    for target in tree["targets"]:
        requires = target["requires"]
        assert isinstance(requires, dict) and requires, target["id"]
        for sid, level in requires.items():
            assert sid in known, f"{target['id']} requires unknown skill {sid!r}"
            assert type(level) is int and 1 <= level <= 5, (target["id"], sid, level)


def test_targets_cover_all_four_pillars(tree: dict[str, Any]) -> None:
    owner = pillar_of(tree)
    for target in tree["targets"]:
        covered = {owner[sid] for sid in target["requires"]}
        assert covered == set(PILLAR_IDS), f"{target['id']} covers only {sorted(covered)}"


def test_later_targets_never_lower_a_requirement(tree: dict[str, Any]) -> None:
    targets = tree["targets"]
    for i, earlier in enumerate(targets):
        for later in targets[i + 1 :]:
            for sid, level in earlier["requires"].items():
                if sid in later["requires"]:
                    assert later["requires"][sid] >= level, (
                        f"{later['id']} requires {sid} at {later['requires'][sid]}, "
                        f"below {earlier['id']}'s {level}"
                    )


def test_later_targets_ask_for_more(tree: dict[str, Any]) -> None:
    targets = tree["targets"]
    for earlier, later in itertools.pairwise(targets):
        assert len(later["requires"]) > len(earlier["requires"])
        assert sum(later["requires"].values()) > sum(earlier["requires"].values())


def test_no_duplicate_keys(raw: str) -> None:
    yaml.load(raw, Loader=StrictLoader)  # raises DuplicateKeyError on a repeated key


def test_duplicate_key_detector_works() -> None:
    with pytest.raises(DuplicateKeyError):
        yaml.load("a: 1\nb: 2\na: 3\n", Loader=StrictLoader)


def test_no_anchors_or_aliases(raw: str) -> None:
    for event in yaml.parse(raw, Loader=yaml.SafeLoader):
        assert not isinstance(event, yaml.AliasEvent), f"alias at {event.start_mark}"
        assert getattr(event, "anchor", None) is None, f"anchor at {event.start_mark}"


def test_single_document_without_custom_tags(raw: str) -> None:
    documents = list(yaml.compose_all(raw, Loader=yaml.SafeLoader))
    assert len(documents) == 1
    for event in yaml.parse(raw, Loader=yaml.SafeLoader):
        tag = getattr(event, "tag", None)
        assert tag is None or tag.startswith("tag:yaml.org,2002:"), f"custom tag {tag}"


# --- the second edition: hours, stages, rules, new areas, fixes, URLs -------------------------

STAGES = [
    "hpc-engineer",
    "ai-infra-engineer",
    "ai-systems-engineer",
    "senior-systems-specialist",
    "ai-infra-architect",
]
ARCHITECT_SPECIALITIES = {
    "hw-sw-codesign",
    "heterogeneous-systems",
    "parallelism-strategy",
    "performance-modeling",
}
SLACK = 1.25  # the dates allow 25 % more weeks than the hours need at the weekly goal

# The areas the second edition added: skill id -> pillar.
NEW_AREAS = {
    "reinforcement-learning": "math",
    "rl-post-training-infra": "deployment",
    "model-bring-up": "deployment",
    "ai-assisted-engineering": "software",
    "moe-systems": "deployment",
    "distributed-inference": "deployment",
    "tile-kernel-languages": "software",
    "multi-vendor-compilers": "software",
    "domestic-accelerators": "hardware",
    "emerging-architectures": "hardware",
    "chiplets-packaging-optics": "hardware",
    "workload-discovery": "deployment",
    "hardware-evaluation-procurement": "deployment",
    "design-documents": "deployment",
    "cross-team-leadership": "deployment",
    "open-source-community": "software",
}
# Terms of the 2026 state of the art that must appear somewhere in the tree's text.
TERMS_2026 = [
    "Blackwell",
    "tcgen05",
    "NVFP4",
    "MXFP4",
    "UALink",
    "Ultra Ethernet",
    "NVLink Fusion",
    "CloudMatrix384",
    "UCIe",
    "co-packaged optics",
    "RISC-V",
    "prefill-decode disaggregation",
    "KV transfer",
    "expert parallelism",
    "GRPO",
    "weight-sync",
    "asynchronous RL",
    "games its benchmark",
    "Cambricon",
    "Kunlunxin",
]
# Skills whose milestones need hardware a learner may not have, and the access resources
# (research clouds, vendor developer clouds, rented hours) one of which each must name.
ACCESS_URLS = {
    "https://sites.research.google/trc/about/",
    "https://openi.pcl.ac.cn/",
    "https://www.huaweicloud.com/intl/en-us/product/modelarts.html",
    "https://www.amd.com/en/developer.html",
    "https://access-ci.org/",
    "https://www.chameleoncloud.org/",
    "https://www.runpod.io/",
}
NEEDS_ACCESS = [
    "ai-accelerators",
    "npu-programming",
    "portable-gpu-programming",
    "domestic-accelerators",
    "heterogeneous-deployment",
    "hardware-evaluation-procurement",
    "parallelism-strategy",
    "data-parallelism",
    "gpu-architecture",
]


def skill_index(tree: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in all_skills(tree)}


def leaf_ids_under(skill: dict[str, Any]) -> list[str]:
    if is_leaf(skill):
        return [skill["id"]]
    return [lid for child in skill["children"] for lid in leaf_ids_under(child)]


def ancestors(tree: dict[str, Any]) -> dict[str, set[str]]:
    """Skill id -> the ids of the groups that contain it."""
    out: dict[str, set[str]] = {}

    def visit(skills: list[dict[str, Any]], above: set[str]) -> None:
        for skill in skills:
            out[skill["id"]] = set(above)
            visit(skill.get("children") or [], above | {skill["id"]})

    for pillar in tree["pillars"]:
        visit(pillar["skills"], set())
    return out


def leaf_requirements(tree: dict[str, Any], requires: dict[str, int]) -> dict[str, int]:
    """A target's requirements on leaves (a requirement on a group applies to each leaf)."""
    index = skill_index(tree)
    out: dict[str, int] = {}
    for sid, level in requires.items():
        for leaf in leaf_ids_under(index[sid]):
            out[leaf] = max(level, out.get(leaf, 0))
    return out


def unreachable(tree: dict[str, Any]) -> list[str]:
    """Requirements a stage cannot meet as written.

    For a target T that requires skill S at level L, every prerequisite P of S (at its level,
    default 1) must be required by T or a stage before it at that level or higher; a
    prerequisite that names a group applies to each of its leaves.
    """
    index = skill_index(tree)
    cumulative: dict[str, int] = {}
    problems = []
    for target in tree["targets"]:
        for sid, level in leaf_requirements(tree, target["requires"]).items():
            cumulative[sid] = max(level, cumulative.get(sid, 0))
        for sid in leaf_requirements(tree, target["requires"]):
            for ref, need in prerequisites(index[sid]):
                for leaf in leaf_ids_under(index[ref]):
                    if cumulative.get(leaf, 0) < need:
                        problems.append(
                            f"{target['id']}: {sid} needs {leaf} at {need}, "
                            f"stage has {cumulative.get(leaf, 0)}"
                        )
    return problems


def stage_hours(tree: dict[str, Any]) -> list[float]:
    """Study hours each stage adds over the one before (the first stage adds none)."""
    index = skill_index(tree)
    cumulative: dict[str, int] = {}
    out = []
    for position, target in enumerate(tree["targets"]):
        hours = 0.0
        for sid, level in leaf_requirements(tree, target["requires"]).items():
            have = cumulative.get(sid, 0)
            if position:
                hours += sum(index[sid]["hours"][have:level])
            cumulative[sid] = max(level, have)
        out.append(hours)
    return out


def all_text(tree: dict[str, Any]) -> str:
    parts = []
    for pillar in tree["pillars"]:
        parts.append(pillar["description"])
    for skill in all_skills(tree):
        parts += [skill["name"], skill["description"]]
        for items in (skill.get("milestones") or {}).values():
            parts += [milestone_text(item) for item in items]
    return "\n".join(parts)


def milestones_of(tree: dict[str, Any]) -> Iterator[tuple[str, int, str]]:
    for skill in leaves(tree):
        for level, items in skill["milestones"].items():
            for item in items:
                yield skill["id"], level, milestone_text(item)


def recorded_urls() -> list[str]:
    lines = URLS_PATH.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_reviewed_date_is_set(tree: dict[str, Any]) -> None:
    reviewed = tree["reviewed"]
    assert type(reviewed) is dt.date, "reviewed: must be an unquoted YYYY-MM-DD date"
    assert reviewed == dt.date(2026, 12, 1)


def test_hours_grow_with_the_level(tree: dict[str, Any]) -> None:
    for skill in leaves(tree):
        hours = skill["hours"]
        assert all(a < b for a, b in itertools.pairwise(hours)), (skill["id"], hours)
        # The step to level 5 costs several times the step to level 1: a late level is
        # budgeted as what it is (months of work), not as another introductory course.
        assert hours[4] >= 6 * hours[0], (skill["id"], hours)


def test_stages_are_the_five_of_the_second_edition(tree: dict[str, Any]) -> None:
    assert [t["id"] for t in tree["targets"]] == STAGES
    assert "by" not in tree["targets"][0], "the starting point has no date"


def test_every_stage_is_reachable_as_written(tree: dict[str, Any]) -> None:
    assert unreachable(tree) == []


def test_the_reachability_checker_finds_a_missing_prerequisite(tree: dict[str, Any]) -> None:
    broken = {**tree, "targets": [dict(tree["targets"][0], requires={"cuda-programming": 2})]}
    problems = unreachable(broken)
    assert any("cuda-programming needs modern-cpp at 2" in p for p in problems), problems
    group = {**tree, "targets": [dict(tree["targets"][0], requires={"mpi-openmp": 1})]}
    group["pillars"] = [dict(p) for p in tree["pillars"]]
    # A prerequisite that names a group applies to each of its leaves.
    index = skill_index(group)
    assert prerequisites(index["mpi-openmp"]) == [("modern-cpp", 1)]
    assert leaf_ids_under(index["systems-programming"]) == [
        "modern-cpp",
        "python-systems",
        "linux-systems",
        "mpi-openmp",
    ]


def test_no_skill_requires_a_group_it_belongs_to(tree: dict[str, Any]) -> None:
    above = ancestors(tree)
    for skill in all_skills(tree):
        for ref, _ in prerequisites(skill):
            assert ref not in above[skill["id"]], f"{skill['id']} requires its own group {ref}"


def test_first_stage_is_an_hpc_engineer_who_already_works_on_gpus(tree: dict[str, Any]) -> None:
    first = tree["targets"][0]["requires"]
    for sid in ("mpi-openmp", "modern-cpp", "numerical-linear-algebra", "profiling-tools"):
        assert first[sid] >= 3, sid
    for sid in ("cuda-programming", "gpu-architecture"):
        assert first[sid] >= 2, f"an HPC engineer of 2026 already writes GPU code: {sid}"
    for sid in ("gpu-kernel-optimization", "collective-communication", "ai-assisted-engineering"):
        assert first.get(sid, 0) >= 1, sid
    # Model-side AI is still thin at the start.
    for sid in ("inference-serving", "data-parallelism", "moe-systems", "rl-post-training-infra"):
        assert first.get(sid, 0) == 0, sid


def test_stage_dates_follow_from_the_hours_with_slack(tree: dict[str, Any]) -> None:
    """Each `by` date is the cumulative hours at the weekly goal, plus 25 % slack, from the
    review date, rounded up to the end of that quarter."""
    start = tree["reviewed"]
    goal = tree["weekly_goal_hours"]
    weeks = 0.0
    for target, hours in zip(tree["targets"][1:], stage_hours(tree)[1:], strict=True):
        weeks += hours / goal * SLACK
        earliest = start + dt.timedelta(weeks=weeks)
        by = target["by"]
        assert earliest <= by, f"{target['id']}: needs until {earliest}, dated {by}"
        assert (by - earliest).days <= 92, f"{target['id']}: {by} is far after {earliest}"


def test_the_near_stage_is_about_a_year_out(tree: dict[str, Any]) -> None:
    near = tree["targets"][1]
    assert near["id"] == "ai-infra-engineer"
    months = (near["by"] - tree["reviewed"]).days / 30.4
    assert 10 <= months <= 15, months
    hours = stage_hours(tree)[1]
    assert 300 <= hours <= 52 * tree["weekly_goal_hours"], hours


def test_the_architect_has_depth_in_three_or_four_specialities(tree: dict[str, Any]) -> None:
    architect = tree["targets"][-1]
    assert architect["id"] == tree["default_target"] == "ai-infra-architect"
    requires = leaf_requirements(tree, architect["requires"])
    deep = {sid for sid, level in requires.items() if level >= 4}
    assert deep <= ARCHITECT_SPECIALITIES and 3 <= len(deep) <= 4, deep
    assert any(requires[sid] == 5 for sid in deep)
    rest = {sid: level for sid, level in requires.items() if sid not in deep}
    assert all(2 <= level <= 3 for level in rest.values()), rest
    assert set(requires) == {s["id"] for s in leaves(tree)}, "the architect covers every skill"


def test_the_specialist_stage_deepens_before_the_architect(tree: dict[str, Any]) -> None:
    specialist = leaf_requirements(tree, tree["targets"][-2]["requires"])
    assert tree["targets"][-2]["id"] == "senior-systems-specialist"
    deep = {sid for sid, level in specialist.items() if level >= 4}
    assert deep and deep <= ARCHITECT_SPECIALITIES, deep


def test_the_new_areas_are_present_with_full_milestones(tree: dict[str, Any]) -> None:
    owner = pillar_of(tree)
    index = skill_index(tree)
    for sid, pillar in NEW_AREAS.items():
        assert owner.get(sid) == pillar, (sid, owner.get(sid))
        skill = index[sid]
        assert set(skill["milestones"]) == set(LEVELS), sid
        assert len(skill["resources"]) >= 3, sid
        assert skill["id"] in tree["targets"][-1]["requires"], sid


def test_the_tree_speaks_of_2026(tree: dict[str, Any]) -> None:
    text = all_text(tree)
    missing = [term for term in TERMS_2026 if term not in text]
    assert not missing, f"missing from the tree: {missing}"


def test_level_5_is_shipping_or_upstreaming_with_measured_impact(tree: dict[str, Any]) -> None:
    verbs = re.compile(r"\b(ship|shipped|upstream|deploy|release|maintain|run)\b", re.IGNORECASE)
    impact = re.compile(r"measur|adoption|documented|record|public|compare|stated")
    for sid, level, text in milestones_of(tree):
        assert "tape out" not in text.lower() and "tape-out" not in text.lower(), sid
        if level == 5:
            assert verbs.search(text), f"{sid} level 5 is not shipped or upstreamed: {text}"
            assert impact.search(text), f"{sid} level 5 names no measured impact: {text}"


def test_milestones_are_artefacts_not_job_titles(tree: dict[str, Any]) -> None:
    titles = re.compile(r"^(Lead|Own|Be a|Be the|Become)\b")
    for sid, level, text in milestones_of(tree):
        assert not titles.match(text), f"{sid} {level}: {text}"


def test_levels_in_order_for_the_fine_tune(tree: dict[str, Any]) -> None:
    """A LoRA fine-tune is easier than reproducing a published pre-training result."""
    milestones = skill_index(tree)["deep-learning-fundamentals"]["milestones"]
    lora = [level for level, items in milestones.items() for m in items if "LoRA" in m]
    assert lora == [2]


def test_kernel_targets_compare_with_the_vendor_library_at_the_same_shape(
    tree: dict[str, Any],
) -> None:
    for sid, level, text in milestones_of(tree):
        assert "PyTorch eager" not in text, f"{sid} {level}: compare fused kernels to torch.compile"
        if re.search(r"\d+ % of (cuBLAS|the vendor library|the best)", text):
            assert re.search(r"same (\w+ )*shapes?", text), f"{sid} {level}: {text}"


def test_number_format_facts(tree: dict[str, Any]) -> None:
    for sid, level, text in milestones_of(tree):
        if "FP32" in text and "tensor-core" in text:
            assert "CUDA-core" in text, f"FP32 is not a tensor-core type: {sid} {level}"
        if "delayed" in text.lower() and "scaling" in text.lower():
            assert "given way" in text, f"delayed scaling is legacy: {sid} {level}"
        if "Shampoo" in text:
            assert "inverse matrix roots" in text, f"Shampoo preconditions by inverse roots: {sid}"
        if re.search(r"normalis\w* .*per accelerator", text):
            raise AssertionError(f"MLPerf results are system results: {sid} {level}")
    text = all_text(tree)
    assert "inverse matrix roots" in text and "Newton-Schulz" in text


def test_one_artefact_one_place(tree: dict[str, Any]) -> None:
    """No milestone text appears in two skills; prefill-decode disaggregation has one home."""
    seen: dict[str, str] = {}
    for sid, level, text in milestones_of(tree):
        key = text.lower()
        assert key not in seen, f"{sid} {level} repeats {seen[key]}: {text}"
        seen[key] = sid
    homes = {
        sid
        for sid, level, text in milestones_of(tree)
        if re.search(r"(deploy|configure|implement)\w* prefill-decode disaggregation", text, re.I)
    }
    assert homes == {"distributed-inference"}, homes


def test_hardware_a_learner_may_lack_comes_with_a_way_to_get_access(tree: dict[str, Any]) -> None:
    index = skill_index(tree)
    for sid in NEEDS_ACCESS:
        urls = {r["url"] for r in index[sid]["resources"]}
        assert urls & ACCESS_URLS, f"{sid} names no way to get the hardware"


def test_every_resource_url_is_in_the_recorded_list(tree: dict[str, Any]) -> None:
    recorded = recorded_urls()
    assert recorded == sorted(set(recorded)), "keep resource-urls.txt sorted and unique"
    used = {r["url"] for s in all_skills(tree) for r in s.get("resources") or []}
    unrecorded = sorted(used - set(recorded))
    stale = sorted(set(recorded) - used)
    assert not unrecorded, f"check these URLs and add them to {URLS_PATH.name}: {unrecorded}"
    assert not stale, f"remove these URLs from {URLS_PATH.name}: {stale}"


def test_urls_are_stable_and_current(tree: dict[str, Any]) -> None:
    for url in recorded_urls():
        assert url.startswith("https://"), url
        # Version-pinned vendor pages go stale with the next release.
        assert not re.search(r"/CANNCommunityEdition/\d|/canncommercial/\d", url), url
        assert "pytorch.org/docs/" not in url or url.startswith("https://docs.pytorch.org/"), url
        assert "utm_" not in url and "?" not in url, url


def test_validate_reports_no_warning_on_the_bundled_tree(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ROADMAP_", "PG"))}
    env["ROADMAP_HOME"] = str(tmp_path)
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "roadmap", "validate", str(SKILLS_PATH)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in (result.stdout + result.stderr).lower(), result.stderr
    assert "valid" in result.stdout
