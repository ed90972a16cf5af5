"""Structural promises of the bundled roadmap (skills.yaml at the repository root).

These tests read the YAML directly (no project imports) so they check the content on its own:
the pillars and their order, the leaf skills and their milestones and resources, the
prerequisite graph and the career targets.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

SKILLS_PATH = Path(__file__).resolve().parent.parent / "skills.yaml"

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
        assert isinstance(hours, (int, float)) and not isinstance(hours, bool), sid
        assert hours > 0, sid
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
