"""Load and validate a skills.yaml (format version 1) into plain dataclasses.

Every problem is collected (not just the first) with its 1-based line and column,
and reported as ``FILE:LINE:COL: message``. The validator walks the positioned node
tree from :mod:`roadmap.yamlstrict` directly, so semantic problems (unknown
prerequisites, cycles, repeated ids) point at the exact place too.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from roadmap import yamlstrict
from roadmap.errors import DataError
from roadmap.skillsfile import digest, read_bytes
from roadmap.yamlstrict import Node, Problem

FORMAT_VERSION = 1
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MAX_SKILL_DEPTH = 8
RESOURCE_KINDS = ("book", "paper", "docs", "course", "video", "article", "code", "tool")
DEFAULT_LEVELS: tuple[tuple[int, str, str], ...] = (
    (0, "None", "Not started."),
    (1, "Novice", "Knows the vocabulary; follows instructions and worked examples."),
    (2, "Advanced beginner", "Completes routine tasks alone; needs help with the unusual."),
    (3, "Competent", "Plans and delivers real work; debugs and measures independently."),
    (4, "Proficient", "Sees the whole system; chooses trade-offs; others ask for advice."),
    (5, "Expert", "Pushes the state of the art; teaches and designs at scale."),
)
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TS = "tag:yaml.org,2002:timestamp"
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Level:
    level: int
    name: str
    description: str


@dataclass(frozen=True)
class Milestone:
    key: str
    level: int
    position: int
    text: str


@dataclass(frozen=True)
class Resource:
    title: str
    url: str
    kind: str


@dataclass
class SkillDef:
    id: str
    name: str
    pillar: str
    parent: str | None
    description: str = ""
    weight: int = 1
    hours: float = 20.0  # per level step; the mean of ``hours_by_level`` when that is given
    hours_by_level: tuple[float, ...] | None = None  # hours for steps 0→1, 1→2, … (or None)
    requires: list[tuple[str, int]] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    was: list[str] = field(default_factory=list)
    position: int = 0
    depth: int = 0


@dataclass
class PillarDef:
    id: str
    name: str
    description: str
    position: int


@dataclass
class TargetDef:
    id: str
    name: str
    description: str
    by: date | None
    after: str | None
    requires: dict[str, int]
    position: int


@dataclass
class Tree:
    version: int
    title: str
    default_target: str | None
    weekly_goal_hours: float | None
    levels: list[Level]
    pillars: list[PillarDef]
    skills: list[SkillDef]
    targets: list[TargetDef]
    digest: str
    reviewed: date | None = None  # when the tree was last reviewed (top-level ``reviewed:``)

    @property
    def max_level(self) -> int:
        return max(level.level for level in self.levels)

    def skill(self, skill_id: str) -> SkillDef | None:
        return next((s for s in self.skills if s.id == skill_id), None)


def slug(text: str) -> str:
    """A milestone id derived from its text."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].rstrip("-") or "milestone"


class _Checker:
    """Collects problems while reading the node tree."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def err(self, node: Node, message: str) -> None:
        self.problems.append(Problem(node.line, node.col, message))

    def fields(
        self, node: Node, where: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()
    ) -> dict[str, Node] | None:
        if node.kind != "map":
            self.err(node, f"{where} must be a mapping")
            return None
        out: dict[str, Node] = {}
        for key, value in node.pairs:
            name = key.value if isinstance(key.value, str) else key.raw
            if name not in allowed:
                close = difflib.get_close_matches(str(name), allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.err(key, f"unknown field '{name}' in {where}{hint}")
                continue
            out[name] = value
        for name in required:
            if name not in out:
                self.err(node, f"{where} is missing the required field '{name}'")
        return out

    def text(self, node: Node | None, where: str, default: str = "") -> str:
        if node is None:
            return default
        if node.kind != "scalar" or node.tag != _STR:
            found = node.kind if node.kind != "scalar" else f"{_kind(node)} {node.raw!r}"
            quote = " (quote it)" if node.kind == "scalar" else ""
            self.err(node, f"{where} must be a string, found {found}{quote}")
            return default
        return str(node.value)

    def ident(self, node: Node | None, where: str) -> str | None:
        if node is None:
            return None
        if node.kind != "scalar" or node.tag != _STR:
            self.err(node, f"{where} must be an id string, found {_kind(node)} {node.raw!r}")
            return None
        value = str(node.value)
        if not ID_RE.match(value):
            self.err(
                node,
                f"{where} '{value}' must be lowercase letters, digits and '-' "
                "(start with a letter or digit, at most 64 characters)",
            )
            return None
        return value

    def integer(self, node: Node | None, where: str, low: int, high: int) -> int | None:
        if node is None:
            return None
        if node.kind != "scalar" or node.tag != _INT or isinstance(node.value, bool):
            self.err(node, f"{where} must be a whole number from {low} to {high}")
            return None
        if not re.fullmatch(r"[-+]?(0|[1-9][0-9_]*)", node.raw):
            self.err(node, f"{where} {node.raw!r} is ambiguous in YAML 1.1; write a plain number")
            return None
        value = int(node.value)
        if not low <= value <= high:
            self.err(node, f"{where} must be from {low} to {high}, found {value}")
            return None
        return value

    def number(self, node: Node | None, where: str, low: float, high: float) -> float | None:
        if node is None:
            return None
        if node.kind != "scalar" or node.tag not in (_INT, _FLOAT):
            self.err(node, f"{where} must be a number")
            return None
        if not re.fullmatch(r"[-+]?(0|[1-9][0-9_]*)(\.[0-9_]*)?([eE][-+]?[0-9]+)?", node.raw):
            self.err(node, f"{where} {node.raw!r} is ambiguous in YAML 1.1; write a plain number")
            return None
        value = float(node.value)
        if not low < value <= high:
            self.err(node, f"{where} must be more than {low} and at most {high}, found {value:g}")
            return None
        return value

    def day(self, node: Node | None, where: str) -> date | None:
        """A calendar date: an unquoted YAML date or a quoted ``YYYY-MM-DD``, nothing else."""
        if node is None:
            return None
        if node.kind == "scalar" and node.tag == _TS and type(node.value) is date:
            return node.value
        if node.kind == "scalar" and node.tag == _STR and _DATE_RE.fullmatch(str(node.value)):
            try:
                return date.fromisoformat(str(node.value))
            except ValueError:
                pass
        found = repr(node.raw) if node.kind == "scalar" else _kind(node)
        self.err(node, f"{where} must be a date like 2027-12-31, found {found}")
        return None

    def listing(self, node: Node | None, where: str) -> list[Node]:
        if node is None:
            return []
        if node.kind != "seq":
            self.err(node, f"{where} must be a list")
            return []
        return node.items


def _kind(node: Node) -> str:
    if node.kind != "scalar":
        return "a mapping" if node.kind == "map" else "a list"
    return {
        "tag:yaml.org,2002:bool": "a boolean",
        "tag:yaml.org,2002:null": "null",
        _INT: "a number",
        _FLOAT: "a number",
        _TS: "a date",
    }.get(node.tag, "a string")


@dataclass
class _Refs:
    """References to check once every id is known: (node, referenced id, what)."""

    skills: list[tuple[Node, str, str]] = field(default_factory=list)
    levels: list[tuple[Node, int]] = field(default_factory=list)


class _Reader:
    def __init__(self) -> None:
        self.c = _Checker()
        self.skills: list[SkillDef] = []
        self.skill_nodes: dict[str, Node] = {}
        self.ids: dict[str, Node] = {}
        self.requires_nodes: dict[tuple[str, str], Node] = {}
        self.refs = _Refs()
        self.max_level = 5

    def claim(self, node: Node, value: str, what: str) -> bool:
        first = self.ids.get(value)
        if first is not None:
            self.c.err(
                node,
                f"{what} id '{value}' repeats (first at line {first.line}, column {first.col})",
            )
            return False
        self.ids[value] = node
        return True

    def read(self, root: Node | None) -> Tree | None:
        c = self.c
        if root is None:
            c.problems.append(Problem(1, 1, "the file is empty; expected 'version: 1' and pillars"))
            return None
        top = c.fields(
            root,
            "the file",
            (
                "version",
                "title",
                "default_target",
                "weekly_goal_hours",
                "reviewed",
                "levels",
                "pillars",
                "targets",
            ),
            ("version", "pillars"),
        )
        if top is None:
            return None
        version = self.version(top.get("version"))
        title = c.text(top.get("title"), "title", "Skill roadmap")
        goal = c.number(top.get("weekly_goal_hours"), "weekly_goal_hours", 0, 168)
        reviewed = c.day(top.get("reviewed"), "reviewed")
        levels = self.levels(top.get("levels"))
        max_level = max(level.level for level in levels)
        self.max_level = max_level
        pillars: list[PillarDef] = []
        for position, node in enumerate(c.listing(top.get("pillars"), "pillars")):
            pillar = self.pillar(node, position)
            if pillar is not None:
                pillars.append(pillar)
        if "pillars" in top and not pillars and not c.problems:
            c.err(top["pillars"], "pillars must list at least one pillar")
        targets = [
            t
            for position, node in enumerate(c.listing(top.get("targets"), "targets"))
            if (t := self.target(node, position)) is not None
        ]
        default = c.ident(top.get("default_target"), "default_target")
        target_ids = {t.id for t in targets}
        if default is not None and default not in target_ids:
            node = top["default_target"]
            c.err(
                node,
                f"default_target '{default}' is not a target{self.suggest(default, target_ids)}",
            )
        self.check_refs(max_level)
        self.check_cycles()
        if not c.problems:
            self.check_groups()
        if c.problems or version is None:
            return None
        return Tree(
            version=version,
            title=title,
            default_target=default,
            weekly_goal_hours=goal,
            levels=levels,
            pillars=pillars,
            skills=self.skills,
            targets=targets,
            digest="",
            reviewed=reviewed,
        )

    def version(self, node: Node | None) -> int | None:
        if node is None:
            return None
        value = self.c.integer(node, "version", 1, 10**6)
        if value is not None and value != FORMAT_VERSION:
            self.c.err(
                node,
                f"format version {value} is not supported; this roadmap reads version "
                f"{FORMAT_VERSION}",
            )
            return None
        return value

    def levels(self, node: Node | None) -> list[Level]:
        if node is None:
            return [Level(*row) for row in DEFAULT_LEVELS]
        out: list[Level] = []
        seen: set[int] = set()
        for item in self.c.listing(node, "levels"):
            f = self.c.fields(item, "a level", ("level", "name", "description"), ("level", "name"))
            if f is None:
                continue
            number = self.c.integer(f.get("level"), "level", 0, 10)
            name = self.c.text(f.get("name"), "level name")
            if number is None:
                continue
            if number in seen:
                self.c.err(item, f"level {number} is defined twice")
                continue
            seen.add(number)
            out.append(Level(number, name, self.c.text(f.get("description"), "description")))
        numbers = sorted(seen)
        expected = list(range(1, len(numbers) + 1)) if 0 not in seen else list(range(len(numbers)))
        if not out:
            self.c.err(node, "levels must list at least level 1")
            return [Level(*row) for row in DEFAULT_LEVELS]
        if numbers != expected:
            self.c.err(node, "levels must be consecutive from 0 or 1 (for example 0..5)")
        if 0 not in seen:
            out.insert(0, Level(0, "None", "Not started."))
        return sorted(out, key=lambda level: level.level)

    def pillar(self, node: Node, position: int) -> PillarDef | None:
        c = self.c
        f = c.fields(node, "a pillar", ("id", "name", "description", "skills"), ("id", "name"))
        if f is None:
            return None
        pid = c.ident(f.get("id"), "pillar id")
        name = c.text(f.get("name"), "pillar name")
        description = c.text(f.get("description"), "description")
        if pid is None or not self.claim(f["id"], pid, "pillar"):
            return None
        self.skill_list(f.get("skills"), pid, None, 0)
        return PillarDef(pid, name, description, position)

    def skill_list(self, node: Node | None, pillar: str, parent: str | None, depth: int) -> None:
        where = "skills" if parent is None else "children"
        if depth > MAX_SKILL_DEPTH and node is not None:
            self.c.err(node, f"skills are nested deeper than {MAX_SKILL_DEPTH} levels")
            return
        for position, item in enumerate(self.c.listing(node, where)):
            self.skill(item, pillar, parent, depth, position)

    def skill(self, node: Node, pillar: str, parent: str | None, depth: int, position: int) -> None:
        c = self.c
        allowed = (
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
        )
        f = c.fields(node, "a skill", allowed, ("id", "name"))
        if f is None:
            return
        sid = c.ident(f.get("id"), "skill id")
        name = c.text(f.get("name"), "skill name")
        if sid is None or not self.claim(f["id"], sid, "skill"):
            return
        skill = SkillDef(
            id=sid,
            name=name,
            pillar=pillar,
            parent=parent,
            description=c.text(f.get("description"), "description"),
            weight=c.integer(f.get("weight"), "weight", 1, 5) or 1,
            position=position,
            depth=depth,
        )
        self.hours(f.get("hours"), skill)
        self.skill_nodes[sid] = node
        self.skills.append(skill)
        skill.requires = self.requires(f.get("requires"), sid)
        skill.milestones = self.milestones(f.get("milestones"))
        skill.resources = self.resources(f.get("resources"))
        for item in c.listing(f.get("was"), "was"):
            old = c.ident(item, "earlier id (was)")
            if old is not None and self.claim(item, old, "earlier"):
                skill.was.append(old)
        self.skill_list(f.get("children"), pillar, sid, depth + 1)

    def hours(self, node: Node | None, skill: SkillDef) -> None:
        """``hours``: one number for every level step, or a list with one per step."""
        if node is None:
            return
        if node.kind != "seq":
            skill.hours = self.c.number(node, "hours", 0, 10_000) or 20.0
            return
        steps = self.max_level
        if len(node.items) != steps:
            self.c.err(
                node,
                f"hours must be one number or a list of {steps} numbers (one per level step "
                f"0→1 … {steps - 1}→{steps}), found a list of {len(node.items)}",
            )
            return
        values = [self.c.number(item, "hours", 0, 10_000) for item in node.items]
        numbers = [v for v in values if v is not None]
        if len(numbers) == steps:
            skill.hours_by_level = tuple(numbers)
            skill.hours = sum(numbers) / steps

    def requires(self, node: Node | None, sid: str) -> list[tuple[str, int]]:
        c = self.c
        out: list[tuple[str, int]] = []
        for item in c.listing(node, "requires"):
            if item.kind == "map":
                f = c.fields(item, "a prerequisite", ("skill", "level"), ("skill",))
                if f is None:
                    continue
                ref, ref_node = c.ident(f.get("skill"), "prerequisite"), f.get("skill")
                level_node = f.get("level")
                level = c.integer(level_node, "prerequisite level", 1, 10) or 1
                if level_node is not None:
                    self.refs.levels.append((level_node, level))
            else:
                ref, ref_node, level = c.ident(item, "prerequisite"), item, 1
            if ref is None or ref_node is None:
                continue
            if ref == sid:
                c.err(ref_node, f"skill '{sid}' cannot require itself")
                continue
            if any(r == ref for r, _ in out):
                c.err(ref_node, f"prerequisite '{ref}' is listed twice")
                continue
            self.refs.skills.append((ref_node, ref, "prerequisite"))
            self.requires_nodes[(sid, ref)] = ref_node
            out.append((ref, level))
        return out

    def milestones(self, node: Node | None) -> list[Milestone]:
        c = self.c
        if node is None:
            return []
        if node.kind != "map":
            c.err(node, 'milestones must be a mapping of level to a list, e.g. 1: ["..."]')
            return []
        out: list[Milestone] = []
        keys: dict[str, Node] = {}
        for level_node, items in node.pairs:
            level = c.integer(level_node, "milestone level", 1, 10)
            if level is None:
                continue
            self.refs.levels.append((level_node, level))
            for position, item in enumerate(c.listing(items, "milestones"), start=1):
                if item.kind == "map":
                    f = c.fields(item, "a milestone", ("id", "text"), ("text",))
                    if f is None:
                        continue
                    text = c.text(f.get("text"), "milestone text")
                    key = c.ident(f.get("id"), "milestone id") if "id" in f else slug(text)
                else:
                    text = c.text(item, "milestone text")
                    key = slug(text)
                if not text or key is None:
                    if not text and item.kind == "scalar" and item.tag == _STR:
                        c.err(item, "milestone text must not be empty")
                    continue
                if key in keys:
                    first = keys[key]
                    c.err(
                        item,
                        f"milestone id '{key}' repeats in this skill (first at line "
                        f"{first.line}); give one an explicit id",
                    )
                    continue
                keys[key] = item
                out.append(Milestone(key, level, position, text))
        return out

    def resources(self, node: Node | None) -> list[Resource]:
        c = self.c
        out: list[Resource] = []
        for item in c.listing(node, "resources"):
            f = c.fields(item, "a resource", ("title", "url", "kind"), ("title",))
            if f is None:
                continue
            title = c.text(f.get("title"), "resource title")
            url = c.text(f.get("url"), "resource url")
            if url and not re.match(r"^https?://\S+$", url):
                c.err(f["url"], f"resource url '{url}' must start with https:// or http://")
            kind = c.text(f.get("kind"), "resource kind", "docs")
            if kind not in RESOURCE_KINDS:
                c.err(
                    f["kind"], f"resource kind '{kind}' must be one of {', '.join(RESOURCE_KINDS)}"
                )
            out.append(Resource(title, url, kind))
        return out

    def target(self, node: Node, position: int) -> TargetDef | None:
        c = self.c
        f = c.fields(
            node,
            "a target",
            ("id", "name", "description", "by", "after", "requires"),
            ("id", "name", "requires"),
        )
        if f is None:
            return None
        tid = c.ident(f.get("id"), "target id")
        name = c.text(f.get("name"), "target name")
        if tid is None or not self.claim(f["id"], tid, "target"):
            return None
        by = c.day(f.get("by"), "by")
        after = c.ident(f.get("after"), "after")
        if after is not None and after not in self.ids:
            c.err(f["after"], f"after '{after}' must name a target defined before this one")
        requires: dict[str, int] = {}
        req_node = f.get("requires")
        if req_node is not None and req_node.kind != "map":
            c.err(req_node, "requires must be a mapping of skill id to level")
        elif req_node is not None:
            for key, value in req_node.pairs:
                ref = c.ident(key, "required skill")
                level = c.integer(value, "required level", 1, 10)
                if ref is None or level is None:
                    continue
                self.refs.skills.append((key, ref, "required skill"))
                self.refs.levels.append((value, level))
                requires[ref] = level
            if not req_node.pairs:
                c.err(req_node, "a target must require at least one skill")
        return TargetDef(
            tid,
            name,
            c.text(f.get("description"), "description"),
            by,
            after,
            requires,
            position,
        )

    def suggest(self, ref: str, known: set[str] | dict[str, Any]) -> str:
        close = difflib.get_close_matches(ref, list(known), n=3)
        return f" (did you mean {', '.join(repr(x) for x in close)}?)" if close else ""

    def check_refs(self, max_level: int) -> None:
        known = {s.id for s in self.skills}
        for node, ref, what in self.refs.skills:
            if ref not in known:
                self.c.err(
                    node, f"{what} '{ref}' is not a skill in this file{self.suggest(ref, known)}"
                )
        for node, level in self.refs.levels:
            if level > max_level:
                self.c.err(node, f"level {level} is outside the scale (0..{max_level})")

    def check_cycles(self) -> None:
        graph = {s.id: [r for r, _ in s.requires] for s in self.skills}
        state: dict[str, int] = {}
        reported: set[frozenset[str]] = set()
        for start in graph:
            if state.get(start):
                continue
            stack: list[tuple[str, int]] = [(start, 0)]
            path: list[str] = []
            while stack:
                sid, index = stack.pop()
                if index == 0:
                    state[sid] = 1
                    path.append(sid)
                deps = graph.get(sid, [])
                if index < len(deps):
                    stack.append((sid, index + 1))
                    nxt = deps[index]
                    if state.get(nxt) == 1:
                        cycle = [*path[path.index(nxt) :], nxt]
                        key = frozenset(cycle)
                        if key not in reported:
                            reported.add(key)
                            node = self.requires_nodes[(sid, nxt)]
                            self.c.err(node, "prerequisite cycle: " + " -> ".join(cycle))
                    elif not state.get(nxt) and nxt in graph:
                        stack.append((nxt, 0))
                else:
                    state[sid] = 2
                    path.pop()

    def check_groups(self) -> None:
        """Requirements that could never be met first because of nesting: a skill requiring a
        group it belongs to, and prerequisite cycles through groups (a group's level needs
        its children's)."""
        by_id = {s.id: s for s in self.skills}
        kids: dict[str, list[str]] = {}
        for s in self.skills:
            if s.parent is not None:
                kids.setdefault(s.parent, []).append(s.id)

        def is_group(sid: str) -> bool:
            return bool(kids.get(sid)) and not by_id[sid].milestones

        def ancestors(sid: str) -> list[str]:
            found, parent = [], by_id[sid].parent
            while parent is not None:
                found.append(parent)
                parent = by_id[parent].parent
            return found

        chains = {s.id: ancestors(s.id) for s in self.skills}
        bad = False
        for s in self.skills:
            for ref, _ in s.requires:
                if ref in chains[s.id] and is_group(ref):
                    bad = True
                    self.c.err(
                        self.requires_nodes[(s.id, ref)],
                        f"skill '{s.id}' requires '{ref}', a group it belongs to: a group's "
                        "level is the roll-up of its skills, so this could never be met first "
                        f"(give '{ref}' milestones of its own, or require one of its skills)",
                    )
        if bad:
            return
        # Edges: a skill with a level of its own → what it needs (own and inherited
        # prerequisites, as roadmap.analysis.prerequisites keeps them); a group → its children.
        edges: dict[str, list[tuple[str, Node | None]]] = {}
        for s in self.skills:
            out: list[tuple[str, Node | None]] = []
            if is_group(s.id):
                out = [(k, None) for k in kids[s.id]]
            else:
                inside = set(chains[s.id])
                for owner in (s.id, *chains[s.id]):
                    for ref, _ in by_id[owner].requires:
                        if ref in inside and is_group(ref):
                            continue
                        if owner != s.id and (ref == s.id or s.id in chains[ref]):
                            continue
                        out.append((ref, self.requires_nodes[(owner, ref)]))
            edges[s.id] = out
        state: dict[str, int] = {}
        for start in edges:
            if state.get(start):
                continue
            stack: list[tuple[str, int]] = [(start, 0)]
            path: list[str] = []
            via: dict[str, Node | None] = {}
            while stack:
                sid, i = stack.pop()
                if i == 0:
                    state[sid] = 1
                    path.append(sid)
                if i < len(edges[sid]):
                    stack.append((sid, i + 1))
                    nxt, node = edges[sid][i]
                    via[sid] = node
                    if state.get(nxt) == 1:
                        cycle = [*path[path.index(nxt) :], nxt]
                        where = next((n for x in cycle[:-1] if (n := via.get(x))), None)
                        self.c.err(
                            where or self.skill_nodes[sid],
                            "prerequisite cycle through groups (a group's level is the roll-up "
                            "of its skills, so none of these can be met first): "
                            + " -> ".join(cycle),
                        )
                        return
                    if not state.get(nxt):
                        stack.append((nxt, 0))
                else:
                    state[sid] = 2
                    path.pop()


def parse_tree(data: bytes, source: str) -> Tree:
    """Validate ``data``; raise DataError listing every problem as ``source:line:col: msg``."""
    reader = _Reader()
    try:
        root = yamlstrict.load(data)
    except yamlstrict.StrictYAMLError as exc:
        problems = exc.problems
        tree = None
    else:
        tree = reader.read(root)
        problems = reader.c.problems
    if tree is None or problems:
        lines = [f"{source}:{p.line}:{p.col}: {p.message}" for p in sorted_problems(problems)]
        count = len(lines)
        raise DataError(
            f"{source}: {count} problem{'s' if count != 1 else ''} in the skills file",
            problems=lines,
        )
    tree.digest = digest(data)
    return tree


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line, p.col))


def load_tree(path: Path) -> Tree:
    """Read and validate the skills file at ``path``."""
    return parse_tree(read_bytes(path), str(path))
