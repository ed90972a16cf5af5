"""The numbers in the views: roll-ups, requirements, gaps, readiness, effort, pace, forecast,
unlocking, reviews due, recommendations, streaks, the heatmap and levels (pure: no I/O).

Inputs are plain frozen dataclasses (:class:`Skill`, :class:`Target`); every output is a frozen
dataclass with a ``to_json()`` returning JSON-ready values (dates as ISO strings, floats rounded
to 3 decimals). The definitions here are the ones documented in README.md.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:  # the view data's shapes, for the type checker only (~2 ms an import)
    from roadmap import viewdata as vd

Requirements = dict[str, int]


# --- inputs ------------------------------------------------------------------------------------


class Skill(NamedTuple):
    id: str
    name: str
    pillar: str
    parent: str | None = None
    weight: int = 1
    hours: float = 20.0
    level: int = 0
    requires: tuple[tuple[str, int], ...] = ()
    minutes_total: int = 0
    minutes_since_level_change: int = 0
    last_practised: date | None = None
    level_changed: date | None = None
    archived: bool = False
    has_milestones: bool = False  # milestones of its own: a level of its own, children or not
    hours_by_level: tuple[float, ...] | None = None  # hours per level step 0→1, 1→2, …
    # its review schedule (roadmap.recall), when the view computed one:
    scheduled: bool = False
    due: date | None = None  # the local day its level is due for review (None: never scheduled)
    retrievability: float | None = None  # the chance the level is still there today
    rusty: bool = False  # its latest review was "again", and nothing since cleared it


class Target(NamedTuple):
    id: str
    name: str
    requires: Mapping[str, int]
    by: date | None = None


# --- outputs -----------------------------------------------------------------------------------


def _r(value: float) -> float:
    return round(value, 3)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


class Gap(NamedTuple):
    skill: str
    name: str
    pillar: str
    current: int
    required: int
    gap: int
    weight: int

    def to_json(self) -> vd.GapRow:
        return {
            "skill": self.skill,
            "name": self.name,
            "pillar": self.pillar,
            "current": self.current,
            "required": self.required,
            "gap": self.gap,
            "weight": self.weight,
        }


class Readiness(NamedTuple):
    overall: float
    pillars: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        return {"overall": _r(self.overall), "pillars": {k: _r(v) for k, v in self.pillars.items()}}


class Effort(NamedTuple):
    total_hours: float
    pillars: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        pillars = {k: _r(v) for k, v in self.pillars.items()}
        return {"total_hours": _r(self.total_hours), "pillars": pillars}


class Forecast(NamedTuple):
    remaining_hours: float
    pace_hours_per_week: float
    eta: date | None
    by: date | None
    on_track: bool | None
    needed_hours_per_week: float | None

    def to_json(self) -> dict[str, Any]:
        needed = self.needed_hours_per_week
        return {
            "remaining_hours": _r(self.remaining_hours),
            "pace_hours_per_week": _r(self.pace_hours_per_week),
            "eta": _iso(self.eta),
            "by": _iso(self.by),
            "on_track": self.on_track,
            "needed_hours_per_week": None if needed is None else _r(needed),
        }


class Recommendation(NamedTuple):
    skill: str
    name: str
    score: float
    reasons: tuple[str, ...]

    def to_json(self) -> vd.Recommendation:
        return {
            "skill": self.skill,
            "name": self.name,
            "score": _r(self.score),
            "reasons": list(self.reasons),
        }


class Streak(NamedTuple):
    current: int
    longest: int

    def to_json(self) -> dict[str, Any]:
        return {"current": self.current, "longest": self.longest}


# --- the tree ----------------------------------------------------------------------------------


class SkillNode(Protocol):
    """A skill as the tree read from the database gives it (``queries.SkillRow``)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def pillar(self) -> str: ...
    @property
    def parent(self) -> str | None: ...
    @property
    def weight(self) -> int: ...
    @property
    def level(self) -> int: ...
    @property
    def has_milestones(self) -> bool: ...
    @property
    def children(self) -> Sequence[SkillNode]: ...


def flatten(roots: Iterable[SkillNode]) -> list[Skill]:
    """The skills of a nested tree, parents before their children, in tree order: what
    :func:`rollup_level`, :func:`is_group` and friends take."""
    flat: list[Skill] = []

    def collect(node: SkillNode) -> None:
        flat.append(
            Skill(
                node.id,
                node.name,
                node.pillar,
                node.parent,
                node.weight,
                level=node.level,
                has_milestones=node.has_milestones,
            )
        )
        for child in node.children:
            collect(child)

    for root in roots:
        collect(root)
    return flat


def index(skills: Iterable[Skill]) -> dict[str, Skill]:
    """Skills by id."""
    return {s.id: s for s in skills}


def children_of(skills: Iterable[Skill]) -> dict[str, list[str]]:
    """Parent id → ids of its non-archived children, in input order. Archived skills are
    left out, so a parent whose children are all archived counts as a leaf."""
    children: dict[str, list[str]] = defaultdict(list)
    for s in skills:
        if s.parent is not None and not s.archived:
            children[s.parent].append(s.id)
    return dict(children)


def is_leaf(skill_id: str, children: Mapping[str, list[str]]) -> bool:
    """A skill with no (non-archived) children."""
    return not children.get(skill_id)


def leaf_descendants(skill_id: str, children: Mapping[str, list[str]]) -> list[str]:
    """The leaves under ``skill_id`` in depth-first input order; ``[skill_id]`` for a leaf."""
    leaves: list[str] = []
    stack, seen = [skill_id], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        kids = children.get(current)
        if kids:
            stack.extend(reversed(kids))
        else:
            leaves.append(current)
    return leaves


def has_own_level(
    skill_id: str, by_id: Mapping[str, Skill], children: Mapping[str, list[str]]
) -> bool:
    """A skill with milestones of its own, or without children, has a level of its own (its
    milestones and assessments). The rest are groups."""
    skill = by_id.get(skill_id)
    return skill is not None and (skill.has_milestones or not children.get(skill_id))


def is_group(skill_id: str, by_id: Mapping[str, Skill], children: Mapping[str, list[str]]) -> bool:
    """A skill with children and no milestones of its own: its level is their roll-up."""
    return skill_id in by_id and not has_own_level(skill_id, by_id, children)


def units(
    skill_id: str, by_id: Mapping[str, Skill], children: Mapping[str, list[str]]
) -> list[str]:
    """The skills with a level of their own that make up ``skill_id``: itself when it has one;
    for a group, the units of each child in depth-first input order. A requirement on a group
    applies to each of these."""
    found: list[str] = []
    stack, seen = [skill_id], set()
    while stack:
        current = stack.pop()
        if current in seen or current not in by_id:
            continue
        seen.add(current)
        if has_own_level(current, by_id, children):
            found.append(current)
        else:
            stack.extend(reversed(children.get(current, [])))
    return found


def rollup_level(
    skill_id: str, by_id: Mapping[str, Skill], children: Mapping[str, list[str]]
) -> float:
    """The level a skill has: its own for a skill with a level of its own (a leaf, or a parent
    with milestones); for a group, the weight-weighted mean of its children's levels."""
    if has_own_level(skill_id, by_id, children):
        return float(by_id[skill_id].level)
    return subtree_rollup(skill_id, by_id, children) or 0.0


def subtree_rollup(
    skill_id: str, by_id: Mapping[str, Skill], children: Mapping[str, list[str]]
) -> float | None:
    """The weight-weighted mean of the children's levels (:func:`rollup_level`); None without
    children. A group's level; shown beside the own level of a parent with milestones."""
    kids = [by_id[c] for c in children.get(skill_id, ()) if c in by_id]
    total = sum(k.weight for k in kids)
    if not kids or total <= 0:
        return None
    return sum(k.weight * rollup_level(k.id, by_id, children) for k in kids) / total


# --- requirements, gaps, readiness, effort -----------------------------------------------------


def target_requirements(skills: Sequence[Skill], target: Target) -> Requirements:
    """Skill id → required level: the target's requirements, a requirement on a skill with a
    level of its own applying to it, one on a group to each of its :func:`units` (the maximum
    when a skill is named twice). Archived and unknown skills are dropped."""
    by_id, children = index(skills), children_of(skills)
    required: Requirements = {}
    for skill_id, level in target.requires.items():
        skill = by_id.get(skill_id)
        if skill is None or skill.archived:
            continue
        for leaf in units(skill_id, by_id, children):
            required[leaf] = max(level, required.get(leaf, level))
    return required


def gaps(skills: Sequence[Skill], target: Target, pillar: str | None = None) -> list[Gap]:
    """Required skills below their required level (optionally in one pillar):
    gap = required − current > 0, sorted by weight × gap desc, then gap desc, then id."""
    by_id = index(skills)
    found = []
    for skill_id, required in target_requirements(skills, target).items():
        s = by_id[skill_id]
        if (pillar is None or s.pillar == pillar) and required > s.level:
            gap = required - s.level
            found.append(Gap(s.id, s.name, s.pillar, s.level, required, gap, s.weight))
    return sorted(found, key=lambda g: (-g.weight * g.gap, -g.gap, g.skill))


def _ratio(done: float, total: float) -> float:
    return done / total if total > 0 else 1.0


def readiness(skills: Sequence[Skill], target: Target) -> Readiness:
    """Σ weight·min(current, required) / Σ weight·required over the required skills, overall
    and per pillar; 1.0 where nothing is required. Every pillar of ``skills`` has an entry."""
    by_id = index(skills)
    done: dict[str, float] = dict.fromkeys((s.pillar for s in skills), 0.0)
    total = dict(done)
    for skill_id, required in target_requirements(skills, target).items():
        s = by_id[skill_id]
        done[s.pillar] += s.weight * min(s.level, required)
        total[s.pillar] += s.weight * required
    pillars = {p: _ratio(done[p], total[p]) for p in done}
    return Readiness(_ratio(sum(done.values()), sum(total.values())), pillars)


def subtree_readiness(skills: Sequence[Skill], target: Target, skill_id: str) -> float | None:
    """The readiness formula over the required :func:`units` of ``skill_id`` (the skill itself
    when it has a level of its own). None when the target requires none of them."""
    by_id, children = index(skills), children_of(skills)
    if skill_id not in by_id:
        return None
    required = target_requirements(skills, target)
    done = total = 0.0
    for leaf in units(skill_id, by_id, children):
        if leaf in required:
            s = by_id[leaf]
            done += s.weight * min(s.level, required[leaf])
            total += s.weight * required[leaf]
    return _ratio(done, total) if total > 0 else None


def step_hours(skill: Skill, level: int) -> float:
    """The hours the level step ``level`` → ``level + 1`` costs: its entry in
    ``hours_by_level`` when the skill has one, else ``hours``."""
    by_level = skill.hours_by_level
    if by_level and 0 <= level < len(by_level):
        return by_level[level]
    return skill.hours


def remaining_hours(skill: Skill, required: int) -> float:
    """Σ of the hours of each missing level step (current → required, :func:`step_hours`),
    less the hours logged since the last level change taken off the first missing step only
    (never below zero)."""
    if required <= skill.level:
        return 0.0
    first = max(0.0, step_hours(skill, skill.level) - skill.minutes_since_level_change / 60)
    return first + sum(step_hours(skill, k) for k in range(skill.level + 1, required))


def remaining_effort(skills: Sequence[Skill], target: Target) -> Effort:
    """Remaining hours over the required skills, in total and per pillar (every pillar of
    ``skills`` has an entry)."""
    by_id = index(skills)
    pillars: dict[str, float] = dict.fromkeys((s.pillar for s in skills), 0.0)
    for skill_id, required in target_requirements(skills, target).items():
        s = by_id[skill_id]
        pillars[s.pillar] += remaining_hours(s, required)
    return Effort(sum(pillars.values()), pillars)


# --- pace and forecast -------------------------------------------------------------------------


def pace(minutes_last_28_days: int, minutes_last_84_days: int) -> tuple[float, float]:
    """Hours per week over the last 4 weeks and over the last 12 weeks."""
    return minutes_last_28_days / 60 / 4, minutes_last_84_days / 60 / 12


def _eta(remaining: float, pace_per_week: float, today: date) -> date | None:
    """today + ceil(remaining / pace × 7) days; today when nothing remains; None without
    pace or beyond the calendar."""
    if remaining <= 0:
        return today
    if pace_per_week <= 0:
        return None
    days = math.ceil(round(remaining / pace_per_week * 7, 9))
    if days > (date.max - today).days:
        return None
    return today + timedelta(days=days)


def _needed(remaining: float, today: date, by: date | None) -> float | None:
    """remaining ÷ weeks until ``by``; 0 when nothing remains; None without a future ``by``."""
    if by is None:
        return None
    if remaining <= 0:
        return 0.0
    days = (by - today).days
    return remaining / (days / 7) if days > 0 else None


def _on_track(
    remaining: float, pace_per_week: float, eta: date | None, today: date, by: date | None
) -> bool | None:
    if by is None:
        return None
    if remaining <= 0:
        return True
    if by <= today:
        return False
    if eta is None:
        return False if pace_per_week > 0 else None
    return eta <= by


def forecast(
    remaining_hours: float, pace_hours_per_week: float, today: date, by: date | None
) -> Forecast:
    """ETA = today + ceil(remaining ÷ pace × 7) days (today when nothing remains, None with no
    pace). On track = ETA ≤ by; None without a by, or without pace while by is ahead; True
    when nothing remains; False when by is today or past and something remains. Needed pace =
    remaining ÷ weeks until by (0 when nothing remains; None without a by or when by is not in
    the future)."""
    eta = _eta(remaining_hours, pace_hours_per_week, today)
    on_track = _on_track(remaining_hours, pace_hours_per_week, eta, today, by)
    needed = _needed(remaining_hours, today, by)
    return Forecast(remaining_hours, pace_hours_per_week, eta, by, on_track, needed)


# --- an honest pace: over the history there is, with a range ------------------------------------

PACE_WINDOW_DAYS = 28
PACE_12W_DAYS = 84
MIN_HISTORY_DAYS = 7
MIN_HISTORY_SESSIONS = 3
RANGE_SAMPLES = 500


class History(NamedTuple):
    """How much history the pace stands on: days from its start (the first session, or the
    first calibration) to today inclusive, and sessions logged."""

    start: date | None
    days: int
    sessions: int

    @property
    def enough(self) -> bool:
        """At least 7 days and 3 sessions: below that, no pace is given, only what is needed."""
        return self.days >= MIN_HISTORY_DAYS and self.sessions >= MIN_HISTORY_SESSIONS


def history(start: date | None, sessions: int, today: date) -> History:
    days = 0 if start is None or start > today else (today - start).days + 1
    return History(start, days, sessions)


def window_days(hist: History, longest: int = PACE_WINDOW_DAYS, whole_weeks: bool = True) -> int:
    """The days a pace covers: the last ``longest`` days, or the history when it is shorter —
    with ``whole_weeks``, its whole weeks (7, 14, 21 … days ending today; all of its days, at
    least one, under a week), so that the pace is the mean of the weeks :func:`weekly_hours`
    gives for the range."""
    days = min(longest, hist.days)
    if days >= 7 and whole_weeks:
        return days - days % 7
    return max(1, days)


def pace_over(minutes: int, days: int) -> float:
    """Hours per week over ``days`` days: minutes ÷ 60 ÷ (days ÷ 7)."""
    return minutes / 60 / (days / 7) if days > 0 else 0.0


def weekly_hours(minutes_by_day: Mapping[date, int], today: date, days: int) -> list[float]:
    """Hours in each whole 7-day block of the last ``days`` days ending today, oldest first
    (none when ``days`` < 7)."""
    blocks = days // 7
    out = []
    for b in range(blocks, 0, -1):
        first = today - timedelta(days=7 * b - 1)
        out.append(sum(minutes_by_day.get(first + timedelta(days=i), 0) for i in range(7)) / 60)
    return out


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    """The nearest-rank quantile (q in 0..1) of sorted values."""
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


def weeks_needed_range(
    remaining: float, weeks: Sequence[float], samples: int = RANGE_SAMPLES, seed: int = 16
) -> tuple[float, float] | None:
    """(P50, P90) of the weeks needed to study ``remaining`` hours, when each future week's
    hours are drawn at random (with replacement) from the past ``weeks``; deterministic (a fixed
    seed). With a long way to go (over 52 weeks at the mean) the sum of the weeks is taken as
    normal (mean n·μ, variance n·σ²) instead of drawing. None when no past week has hours."""
    import random

    if remaining <= 0:
        return 0.0, 0.0
    mean = sum(weeks) / len(weeks) if weeks else 0.0
    if mean <= 0:
        return None
    if remaining / mean > 52:
        var = sum((w - mean) ** 2 for w in weeks) / len(weeks)
        sd = math.sqrt(var)
        p50 = remaining / mean
        # n·μ − z·σ·√n = remaining, for z = 1.2816 (the 90th percentile of a normal)
        z = 1.2816
        root = (z * sd + math.sqrt(z * z * var + 4 * mean * remaining)) / (2 * mean)
        return p50, max(p50, root * root)
    rng = random.Random(seed)
    results = []
    for _ in range(samples):
        done, count = 0.0, 0
        while True:
            week = rng.choice(weeks)
            if done + week >= remaining:
                results.append(count + (remaining - done) / week)
                break
            done += week
            count += 1
    results.sort()
    return _quantile(results, 0.5), _quantile(results, 0.9)


def date_after_weeks(today: date, weeks: float) -> date | None:
    """today + ceil(weeks × 7) days; None beyond the calendar."""
    days = math.ceil(round(weeks * 7, 9))
    if days > (date.max - today).days:
        return None
    return today + timedelta(days=days)


# --- unlocking ---------------------------------------------------------------------------------


def _ancestors(skill: Skill, by_id: Mapping[str, Skill]) -> list[str]:
    """The ids of the skills containing ``skill``, nearest first."""
    found: list[str] = []
    current = by_id.get(skill.parent) if skill.parent is not None else None
    while current is not None and current.id not in found and current.id != skill.id:
        found.append(current.id)
        current = by_id.get(current.parent) if current.parent is not None else None
    return found


def prerequisites(
    skill: Skill,
    by_id: Mapping[str, Skill],
    children: Mapping[str, list[str]] | None = None,
) -> list[tuple[str, int]]:
    """The skill's own prerequisites, then those of each ancestor (a child inherits what its
    parent requires), nearest first. Left out, as they could never be met first: a group the
    skill belongs to (``validate`` refuses one named by the skill itself), and an inherited
    prerequisite naming the skill itself or a skill inside it."""
    if children is None:
        children = children_of(by_id.values())
    chain = _ancestors(skill, by_id)
    inside = set(chain)
    found = [
        (ref, level)
        for ref, level in skill.requires
        if not (ref in inside and is_group(ref, by_id, children))
    ]
    for ancestor in chain:
        for ref, level in by_id[ancestor].requires:
            if ref == skill.id or (ref in inside and is_group(ref, by_id, children)):
                continue
            ref_skill = by_id.get(ref)
            if ref_skill is not None and skill.id in _ancestors(ref_skill, by_id):
                continue
            found.append((ref, level))
    return found


def shown_level(
    skill_id: str, by_id: Mapping[str, Skill], children: Mapping[str, list[str]]
) -> float:
    """The level a skill shows (:func:`rollup_level`); 0 for an unknown skill."""
    if skill_id not in by_id:
        return 0.0
    return rollup_level(skill_id, by_id, children)


def locked_by(
    skill: Skill,
    by_id: Mapping[str, Skill],
    children: Mapping[str, list[str]] | None = None,
) -> list[tuple[str, float, int]]:
    """The unmet prerequisites, own and inherited from ancestors, as (prerequisite id,
    current level, needed level). A prerequisite's level is the one it shows (the roll-up
    of its children for a parent); an unknown prerequisite counts as level 0, unmet."""
    if children is None:
        children = children_of(by_id.values())
    unmet = []
    for ref, need in prerequisites(skill, by_id, children):
        have = shown_level(ref, by_id, children)
        if have < need:
            unmet.append((ref, have, need))
    return unmet


def is_unlocked(
    skill: Skill,
    by_id: Mapping[str, Skill],
    children: Mapping[str, list[str]] | None = None,
) -> bool:
    """Every prerequisite (id, level) of the skill and of its ancestors is a known skill
    showing that level or above."""
    return not locked_by(skill, by_id, children)


# --- reviews (the schedule itself is roadmap.recall's) -------------------------------------------


def is_due(skill: Skill, today: date) -> bool:
    """A non-archived skill at level ≥ 1 whose review schedule says its level is due by
    ``today`` (or was never scheduled: no known day it reached its level)."""
    if skill.archived or skill.level < 1 or not skill.scheduled:
        return False
    return skill.due is None or skill.due <= today


def _recall_text(skill: Skill) -> str:
    r = skill.retrievability
    return "" if r is None else f" (recall about {round(r * 100)}%)"


def review_reasons(skill: Skill, today: date) -> list[str]:
    """Why a skill's level needs a look: rusty, or due for review."""
    if skill.rusty:
        return [f"rusty at level {skill.level}: re-check its level-{skill.level} milestones"]
    if not is_due(skill, today):
        return []
    if skill.due is None:
        return [f"level {skill.level} never reviewed"]
    when = "today" if skill.due == today else f"since {skill.due.isoformat()}"
    return [f"due for review {when}{_recall_text(skill)}"]


# --- recommendations ---------------------------------------------------------------------------


def dependents_of(skills: Sequence[Skill]) -> dict[str, list[tuple[str, int]]]:
    """Prerequisite id → (dependent skill id, level needed), in input order; a skill depends
    on its own and its ancestors' prerequisites."""
    by_id, children = index(skills), children_of(skills)
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for s in skills:
        for ref, level in prerequisites(s, by_id, children):
            found[ref].append((s.id, level))
    return dict(found)


def recommendation_requirements(skills: Sequence[Skill], target: Target) -> Requirements:
    """The target requirements plus their prerequisite closure: every prerequisite (id, level)
    of a required skill with a gap (own or inherited) is required at least at that level,
    transitively; a prerequisite on a group applies to the group and each of its units."""
    by_id, children = index(skills), children_of(skills)
    required = target_requirements(skills, target)
    queue = list(required)
    while queue:
        s = by_id.get(queue.pop())
        if s is None or s.archived or s.level >= required.get(s.id, 0):
            continue
        for ref, level in prerequisites(s, by_id, children):
            if ref not in by_id or by_id[ref].archived:
                continue
            for t in dict.fromkeys([ref, *units(ref, by_id, children)]):
                if required.get(t, 0) < level:
                    required[t] = level
                    queue.append(t)
    return required


class _Context(NamedTuple):
    """What scoring a candidate needs, computed once."""

    target: Target
    today: date
    by_id: dict[str, Skill]
    target_required: Requirements
    required: Requirements
    dependents: dict[str, list[tuple[str, int]]]
    children: dict[str, list[str]]


def _hours_to_next(skill: Skill) -> float:
    return max(0.0, step_hours(skill, skill.level) - skill.minutes_since_level_change / 60)


def _blocked_dependents(skill: Skill, ctx: _Context) -> list[tuple[str, int]]:
    """Locked skills with a gap that list ``skill`` as a prerequisite (own or inherited) at a
    level it lacks, each once with the highest such level."""
    found: dict[str, int] = {}
    for dep_id, level in ctx.dependents.get(skill.id, ()):
        dep = ctx.by_id.get(dep_id)
        if dep is None or dep.archived or level <= skill.level:
            continue
        if dep.level < ctx.required.get(dep_id, 0) and not is_unlocked(
            dep, ctx.by_id, ctx.children
        ):
            found[dep_id] = max(level, found.get(dep_id, level))
    return list(found.items())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _hours_text(hours: float) -> str:
    return f"{hours:.0f}" if hours >= 10 else f"{hours:.1f}".removesuffix(".0")


def _gap_reasons(skill: Skill, ctx: _Context, blocked: list[tuple[str, int]]) -> list[str]:
    reasons = []
    wanted = ctx.target_required.get(skill.id, 0)
    if wanted > skill.level:
        below = _plural(wanted - skill.level, "level")
        reasons.append(f"{below} below the required {wanted} (weight {skill.weight})")
    if blocked:
        ids = [dep for dep, _ in blocked]
        names = ", ".join(ids) if len(ids) <= 4 else f"{', '.join(ids[:3])} and {len(ids) - 3} more"
        need = max(level for _, level in blocked)
        reasons.append(f"prerequisite of {names} (level {need} needed)")
    elif ctx.required.get(skill.id, 0) > wanted:
        reasons.append(f"on the path to {ctx.target.name} (level {ctx.required[skill.id]} needed)")
    return reasons


def _effort_reasons(skill: Skill, ctx: _Context) -> list[str]:
    hours, nxt = _hours_to_next(skill), skill.level + 1
    reasons = [
        f"about {_hours_text(hours)} h to level {nxt}"
        if hours > 0
        else f"the hours for level {nxt} are already logged"
    ]
    reasons += review_reasons(skill, ctx.today)
    return reasons


def _recommendation(skill: Skill, ctx: _Context) -> Recommendation:
    gap = ctx.required[skill.id] - skill.level
    score = skill.weight * gap / max(1.0, _hours_to_next(skill))
    if skill.rusty or is_due(skill, ctx.today):
        score *= 1.5
    blocked = _blocked_dependents(skill, ctx)
    score *= 1 + 0.25 * len(blocked)
    reasons = (*_gap_reasons(skill, ctx, blocked), *_effort_reasons(skill, ctx))
    return Recommendation(skill.id, skill.name, round(score, 3), reasons)


def _candidates(skills: Sequence[Skill], ctx: _Context) -> list[Skill]:
    """Non-archived, unlocked skills with a level of their own below their recommendation
    requirement."""
    return [
        s
        for s in skills
        if not s.archived
        and has_own_level(s.id, ctx.by_id, ctx.children)
        and s.level < ctx.required.get(s.id, 0)
        and is_unlocked(s, ctx.by_id, ctx.children)
    ]


def recommend(
    skills: Sequence[Skill], target: Target, today: date, limit: int = 3
) -> list[Recommendation]:
    """What to study next: unlocked non-archived skills with a level of their own (leaves, and
    parents with milestones) with a gap against the target's
    requirements plus their prerequisite closure. Score = weight × gap ÷ max(1, hours to the
    next level), × 1.5 if due for review or rusty, × (1 + 0.25 × locked skills with a gap it is a prerequisite of
    and below the level they need); rounded to 3 decimals; best first, then by id."""
    ctx = _Context(
        target=target,
        today=today,
        by_id=index(skills),
        target_required=target_requirements(skills, target),
        required=recommendation_requirements(skills, target),
        dependents=dependents_of(skills),
        children=children_of(skills),
    )
    found = [_recommendation(s, ctx) for s in _candidates(skills, ctx)]
    found.sort(key=lambda r: (-r.score, r.skill))
    return found[: max(0, limit)]


# --- streaks, weeks, heatmap -------------------------------------------------------------------


def _run_ending(day: date, days: set[date]) -> int:
    length = 0
    while day in days:
        length += 1
        day -= timedelta(days=1)
    return length


def streaks(days: Iterable[date], today: date) -> Streak:
    """Over days with at least one session: current = the run of consecutive days ending
    today (or yesterday when today has none yet), 0 otherwise; longest = the longest run."""
    active = set(days)
    yesterday = today - timedelta(days=1)
    current = _run_ending(today if today in active else yesterday, active)
    ends = [d for d in active if d + timedelta(days=1) not in active]
    longest = max((_run_ending(d, active) for d in ends), default=0)
    return Streak(current, longest)


def week_start(d: date) -> date:
    """The Monday of the week of ``d``."""
    return d - timedelta(days=d.weekday())


def heatmap(minutes_by_day: Mapping[date, int], today: date, weeks: int) -> list[list[int | None]]:
    """``weeks`` columns, oldest first, the last containing today; each is 7 cells Monday..
    Sunday with that day's minutes (0 if none) and None for days after today."""
    start = week_start(today) - timedelta(weeks=max(0, weeks - 1))
    grid: list[list[int | None]] = []
    for w in range(max(0, weeks)):
        days = [start + timedelta(days=7 * w + i) for i in range(7)]
        grid.append([None if d > today else minutes_by_day.get(d, 0) for d in days])
    return grid


def heat_bucket(minutes: int, max_minutes: int) -> int:
    """0 for no minutes; otherwise 1..4 by quarter of ``max_minutes``: (0, ¼] → 1, (¼, ½] → 2,
    (½, ¾] → 3, above ¾ → 4."""
    if minutes <= 0:
        return 0
    if max_minutes <= 0 or minutes >= max_minutes:
        return 4
    return max(1, min(4, math.ceil(minutes * 4 / max_minutes)))


# --- report ------------------------------------------------------------------------------------


def tenths_of_hours(minutes: int) -> int:
    """Minutes as tenths of an hour (6 minutes each), rounded half up."""
    return (minutes + 3) // 6


def apportion_hours(minutes: Sequence[int], total_minutes: int | None = None) -> list[float]:
    """Each part's hours to one decimal, rounded so that they add up exactly to the total's
    rounded hours (largest remainder, in whole minutes: each part gets its tenths rounded
    down, then the tenths left over go to the parts with the largest remainders, earlier
    parts first on a tie)."""
    total = tenths_of_hours(sum(minutes) if total_minutes is None else total_minutes)
    units = [m // 6 for m in minutes]
    left = total - sum(units)
    order = sorted(range(len(minutes)), key=lambda i: (-(minutes[i] % 6), i))
    for i in order[: max(0, left)]:
        units[i] += 1
    return [u / 10 for u in units]


def net_level_ups(
    changes: Sequence[tuple[str, int, int, bool]],
) -> list[tuple[str, int, int]]:
    """From a period's level changes (skill, previous, level, is a calibration) in time order:
    one (skill, from, to) per skill whose level rose over the period, counted from its level
    at the start (or right after its latest calibration in the period) to its level at the
    end. Check, uncheck, check again of one milestone is one level-up, not two."""
    start: dict[str, int] = {}
    end: dict[str, int] = {}
    for skill, previous, level, calibration in changes:
        start.setdefault(skill, previous)
        if calibration:
            start[skill] = level
        end[skill] = level
    return [(s, start[s], end[s]) for s in start if end[s] > start[s]]


# --- levels ------------------------------------------------------------------------------------


def milestone_level(counts: Mapping[int, tuple[int, int]]) -> int:
    """With counts[level] = (checked, total): the highest L such that every level 1..L has
    at least one milestone and all of them checked; 0 if level 1 does not qualify."""
    level = 0
    while True:
        checked, total = counts.get(level + 1, (0, 0))
        if total < 1 or checked != total:
            return level
        level += 1


def current_level(latest_assessment: int | None, milestone_level: int) -> int:
    """The higher of the latest self-assessment (None counts as 0) and the milestone level."""
    return max(latest_assessment or 0, milestone_level)


# --- comparing targets -------------------------------------------------------------------------


class TargetComparison(NamedTuple):
    """Two targets side by side: requirements as :func:`target_requirements` gives them
    (skill id → level), hours as :func:`remaining_hours` from the current levels."""

    shared: tuple[tuple[Skill, int, int], ...]  # (skill, level for a, level for b)
    only_a: tuple[tuple[Skill, int], ...]
    only_b: tuple[tuple[Skill, int], ...]
    hours_a: float
    hours_b: float
    hours_both: float  # every skill of either at the higher of the two levels


def compare_targets(skills: Sequence[Skill], a: Target, b: Target) -> TargetComparison:
    """The skills both targets require (each with both levels), those only one requires,
    and the remaining hours of each target and of both together; skills in ``skills``
    order."""
    req_a, req_b = target_requirements(skills, a), target_requirements(skills, b)
    shared, only_a, only_b = [], [], []
    both = 0.0
    for s in skills:
        la, lb = req_a.get(s.id), req_b.get(s.id)
        if la is not None and lb is not None:
            shared.append((s, la, lb))
        elif la is not None:
            only_a.append((s, la))
        elif lb is not None:
            only_b.append((s, lb))
        if la is not None or lb is not None:
            both += remaining_hours(s, max(la or 0, lb or 0))
    return TargetComparison(
        shared=tuple(shared),
        only_a=tuple(only_a),
        only_b=tuple(only_b),
        hours_a=remaining_effort(skills, a).total_hours,
        hours_b=remaining_effort(skills, b).total_hours,
        hours_both=both,
    )
