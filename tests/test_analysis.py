"""The product's definitions (roadmap.analysis), checked with exact numbers on hand-built data."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.analysis import (
    Gap,
    Skill,
    Streak,
    Target,
    children_of,
    current_level,
    forecast,
    gaps,
    heat_bucket,
    heatmap,
    index,
    is_due,
    is_leaf,
    is_unlocked,
    leaf_descendants,
    locked_by,
    milestone_level,
    pace,
    prerequisites,
    readiness,
    recommend,
    recommendation_requirements,
    remaining_effort,
    remaining_hours,
    review_reasons,
    rollup_level,
    shown_level,
    streaks,
    subtree_readiness,
    target_requirements,
    week_start,
)

TODAY = date(2026, 11, 20)  # a Friday


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def raise_level(skills: list[Skill], skill_id: str, level: int) -> list[Skill]:
    """What checking the last milestone of a level does: the skill's level goes up."""
    return [s._replace(level=level) if s.id == skill_id else s for s in skills]


# The main hand-built tree.
#   pillar accel: gpu (parent, w2) -> cuda (w3, level 2), nccl (w1, level 0, needs cuda 3),
#                 old-gpu (archived child of gpu)
#   pillar hpc:   mpi (w3, level 1, 4 h logged), cluster (w2, needs linux 2), linux (w1, level 1)
#   pillar ai:    ml (w2, level 3), nothing required
SKILLS = [
    Skill("gpu", "GPU", "accel", weight=2, level=1),
    Skill(
        "cuda",
        "CUDA",
        "accel",
        parent="gpu",
        weight=3,
        level=2,
        hours=10,
        last_practised=days_ago(5),
    ),
    Skill(
        "nccl",
        "NCCL",
        "accel",
        parent="gpu",
        weight=1,
        level=0,
        requires=(("cuda", 3),),
        minutes_since_level_change=600,
    ),
    Skill("old-gpu", "Old GPU", "accel", parent="gpu", level=0, archived=True),
    Skill(
        "mpi",
        "MPI",
        "hpc",
        weight=3,
        level=1,
        hours=10,
        minutes_since_level_change=240,
        last_practised=days_ago(19),
        scheduled=True,
        due=days_ago(12),
        retrievability=0.8134,
    ),
    Skill("cluster", "Clusters", "hpc", weight=2, level=0, requires=(("linux", 2),)),
    Skill(
        "linux",
        "Linux",
        "hpc",
        weight=1,
        level=1,
        hours=5,
        last_practised=days_ago(2),
        scheduled=True,
        due=days_ago(-3),
        retrievability=0.95,
    ),
    Skill("ml", "ML", "ai", weight=2, level=3),
]
TARGET = Target(
    "ai-sys",
    "AI systems engineer",
    {"gpu": 2, "cuda": 3, "mpi": 2, "cluster": 2, "ghost": 4, "old-gpu": 5},
    by=date(2026, 12, 31),
)


# --- the tree ----------------------------------------------------------------------------------


def test_children_and_leaves() -> None:
    children = children_of(SKILLS)
    assert children == {"gpu": ["cuda", "nccl"]}  # the archived child is left out
    assert not is_leaf("gpu", children)
    assert is_leaf("cuda", children)
    assert is_leaf("mpi", children)
    assert leaf_descendants("gpu", children) == ["cuda", "nccl"]
    assert leaf_descendants("mpi", children) == ["mpi"]


NESTED = [
    Skill("a", "A", "p"),
    Skill("b", "B", "p", parent="a", weight=1),
    Skill("c", "C", "p", parent="b", weight=1, level=4),
    Skill("d", "D", "p", parent="b", weight=3, level=0),
    Skill("e", "E", "p", parent="a", weight=2, level=3),
]


def test_leaf_descendants_nested_in_order() -> None:
    assert leaf_descendants("a", children_of(NESTED)) == ["c", "d", "e"]


def test_rollup_level_is_weighted_mean_of_children() -> None:
    by_id, children = index(NESTED), children_of(NESTED)
    assert rollup_level("c", by_id, children) == 4.0
    assert rollup_level("b", by_id, children) == pytest.approx((1 * 4 + 3 * 0) / 4)  # 1.0
    assert rollup_level("a", by_id, children) == pytest.approx((1 * 1.0 + 2 * 3) / 3)  # 7/3
    # gpu: (3·2 + 1·0) / 4, its own stored level (1) and the archived child ignored
    assert rollup_level("gpu", index(SKILLS), children_of(SKILLS)) == pytest.approx(1.5)


# --- requirements, gaps, readiness -------------------------------------------------------------


def test_target_requirements_expand_parents_and_drop_unknown_and_archived() -> None:
    required = target_requirements(SKILLS, TARGET)
    # gpu: 2 applies to cuda and nccl; cuda is named again at 3 -> max
    assert required == {"cuda": 3, "nccl": 2, "mpi": 2, "cluster": 2}


def test_target_requirements_max_when_named_twice() -> None:
    target = Target("t", "T", {"cuda": 4, "gpu": 1})
    assert target_requirements(SKILLS, target) == {"cuda": 4, "nccl": 1}


def test_gaps_sorted_by_weight_times_gap_then_gap_then_id() -> None:
    found = gaps(SKILLS, TARGET)
    assert [(g.skill, g.weight * g.gap, g.gap) for g in found] == [
        ("cluster", 4, 2),
        ("cuda", 3, 1),
        ("mpi", 3, 1),
        ("nccl", 2, 2),
    ]
    assert found[1] == Gap("cuda", "CUDA", "accel", 2, 3, 1, 3)
    assert found[1].to_json() == {
        "skill": "cuda",
        "name": "CUDA",
        "pillar": "accel",
        "current": 2,
        "required": 3,
        "gap": 1,
        "weight": 3,
    }


def test_gaps_in_one_pillar() -> None:
    assert [g.skill for g in gaps(SKILLS, TARGET, "accel")] == ["cuda", "nccl"]
    assert gaps(SKILLS, TARGET, "ai") == []


def test_gaps_tie_broken_by_gap_then_id() -> None:
    skills = [
        Skill("z", "Z", "p", weight=2, level=0),  # 2 x 1 = 2, gap 1
        Skill("y", "Y", "p", weight=1, level=0),  # 1 x 2 = 2, gap 2
        Skill("x", "X", "p", weight=2, level=0),  # 2 x 1 = 2, gap 1
    ]
    target = Target("t", "T", {"z": 1, "y": 2, "x": 1})
    assert [g.skill for g in gaps(skills, target)] == ["y", "x", "z"]


def test_readiness_weights_3_and_1() -> None:
    skills = [
        Skill("x", "X", "p", weight=3, level=1),
        Skill("y", "Y", "q", weight=1, level=2),
    ]
    result = readiness(skills, Target("t", "T", {"x": 2, "y": 2}))
    assert result.overall == pytest.approx((3 * 1 + 1 * 2) / (3 * 2 + 1 * 2))  # 0.625
    assert result.overall == 0.625
    assert result.pillars == {"p": 0.5, "q": 1.0}


def test_readiness_caps_current_at_required() -> None:
    skills = [Skill("x", "X", "p", weight=3, level=5), Skill("y", "Y", "p", weight=1)]
    assert readiness(skills, Target("t", "T", {"x": 2, "y": 2})).overall == 0.75


def test_readiness_of_the_tree_per_pillar() -> None:
    result = readiness(SKILLS, TARGET)
    # cuda 3·2/3·3, nccl 1·0/1·2 ; mpi 3·1/3·2, cluster 2·0/2·2 ; ml not required
    assert result.pillars == {
        "accel": pytest.approx(6 / 11),
        "hpc": pytest.approx(3 / 10),
        "ai": 1.0,
    }
    assert result.overall == pytest.approx(9 / 21)
    assert result.to_json() == {
        "overall": 0.429,
        "pillars": {"accel": 0.545, "hpc": 0.3, "ai": 1.0},
    }


def test_readiness_without_requirements_is_one() -> None:
    result = readiness(SKILLS, Target("t", "T", {}))
    assert result.overall == 1.0
    assert result.pillars == {"accel": 1.0, "hpc": 1.0, "ai": 1.0}


def test_raising_a_level_moves_readiness_and_gaps_exactly() -> None:
    after = raise_level(SKILLS, "cuda", 3)
    result = readiness(after, TARGET)
    assert result.pillars["accel"] == pytest.approx(9 / 11)
    assert result.overall == pytest.approx(12 / 21)
    assert [g.skill for g in gaps(after, TARGET)] == ["cluster", "mpi", "nccl"]
    # one more: mpi to 2 closes its gap and hpc goes from 3/10 to 6/10
    after = raise_level(after, "mpi", 2)
    assert readiness(after, TARGET).pillars["hpc"] == pytest.approx(6 / 10)
    assert [g.skill for g in gaps(after, TARGET)] == ["cluster", "nccl"]


# --- remaining effort --------------------------------------------------------------------------


def test_remaining_hours_takes_logged_hours_off_the_first_step_only() -> None:
    skill = Skill("s", "S", "p", level=1, hours=10, minutes_since_level_change=240)
    assert remaining_hours(skill, 4) == pytest.approx(6 + 10 + 10)
    assert remaining_hours(skill, 2) == pytest.approx(6)
    assert remaining_hours(skill, 1) == 0.0
    assert remaining_hours(skill, 0) == 0.0


def test_remaining_hours_first_step_never_below_zero() -> None:
    skill = Skill("s", "S", "p", level=0, hours=10, minutes_since_level_change=900)  # 15 h
    assert remaining_hours(skill, 3) == pytest.approx(0 + 10 + 10)


def test_remaining_effort_total_and_per_pillar() -> None:
    effort = remaining_effort(SKILLS, TARGET)
    # cuda 10 ; nccl (20 - 10) + 20 ; mpi 10 - 4 ; cluster 20 + 20
    assert effort.pillars == {
        "accel": pytest.approx(10 + 30),
        "hpc": pytest.approx(6 + 40),
        "ai": 0.0,
    }
    assert effort.total_hours == pytest.approx(86)
    assert effort.to_json() == {
        "total_hours": 86.0,
        "pillars": {"accel": 40.0, "hpc": 46.0, "ai": 0.0},
    }


# --- pace and forecast -------------------------------------------------------------------------


def test_pace_is_hours_per_week_over_4_and_12_weeks() -> None:
    assert pace(420, 2520) == (1.75, 3.5)
    assert pace(0, 0) == (0.0, 0.0)


def test_forecast_on_track() -> None:
    fc = forecast(10, 4, TODAY, date(2026, 12, 31))
    assert fc.eta == TODAY + timedelta(days=18)  # ceil(10 / 4 × 7) = ceil(17.5)
    assert fc.on_track is True
    assert fc.needed_hours_per_week == pytest.approx(10 / (41 / 7))
    assert fc.to_json() == {
        "remaining_hours": 10.0,
        "pace_hours_per_week": 4.0,
        "eta": "2026-12-08",
        "by": "2026-12-31",
        "on_track": True,
        "needed_hours_per_week": 1.707,
    }


def test_forecast_late() -> None:
    fc = forecast(10, 4, TODAY, date(2026, 12, 7))
    assert fc.eta == date(2026, 12, 8)
    assert fc.on_track is False


def test_forecast_eta_on_by_is_on_track() -> None:
    fc = forecast(8, 4, TODAY, date(2026, 12, 4))  # exactly 14 days
    assert fc.eta == date(2026, 12, 4)
    assert fc.on_track is True


def test_forecast_eta_ignores_float_noise() -> None:
    # 0.1 × 3 = 0.30000000000000004: still 21 days, not 22
    assert forecast(0.1 * 3, 0.1, TODAY, None).eta == TODAY + timedelta(days=21)


def test_forecast_without_pace() -> None:
    fc = forecast(10, 0, TODAY, date(2026, 12, 31))
    assert fc.eta is None
    assert fc.on_track is None
    assert fc.needed_hours_per_week == pytest.approx(70 / 41)


def test_forecast_without_by() -> None:
    fc = forecast(10, 4, TODAY, None)
    assert fc.eta == date(2026, 12, 8)
    assert fc.on_track is None
    assert fc.needed_hours_per_week is None
    assert fc.to_json()["by"] is None


def test_forecast_nothing_remaining() -> None:
    fc = forecast(0, 0, TODAY, date(2026, 12, 31))
    assert fc.eta == TODAY
    assert fc.on_track is True
    assert fc.needed_hours_per_week == 0.0
    assert forecast(0, 2, TODAY, None).on_track is None
    assert forecast(0, 0, TODAY, date(2026, 1, 1)).on_track is True


@pytest.mark.parametrize("by", [TODAY, date(2026, 11, 1)])
@pytest.mark.parametrize("pace_per_week", [0.0, 5.0])
def test_forecast_by_today_or_past(by: date, pace_per_week: float) -> None:
    fc = forecast(10, pace_per_week, TODAY, by)
    assert fc.on_track is False
    assert fc.needed_hours_per_week is None
    json.dumps(fc.to_json(), allow_nan=False)


def test_forecast_beyond_the_calendar() -> None:
    fc = forecast(1e9, 1e-9, TODAY, date(2026, 12, 31))
    assert fc.eta is None
    assert fc.on_track is False


# --- unlocking ---------------------------------------------------------------------------------


def test_unlocking() -> None:
    by_id = index(SKILLS)
    assert not is_unlocked(by_id["nccl"], by_id)
    assert locked_by(by_id["nccl"], by_id) == [("cuda", 2, 3)]
    assert is_unlocked(by_id["cuda"], by_id)
    assert locked_by(by_id["cuda"], by_id) == []
    after = index(raise_level(SKILLS, "cuda", 3))
    assert is_unlocked(after["nccl"], after)


INHERITED = [
    Skill("linalg", "Linear algebra", "math", weight=3, hours=10),
    Skill("calculus", "Calculus", "math", hours=5),
    Skill("cpp", "C++", "sw", weight=2, requires=(("linalg", 1),)),
    Skill("cpp-templates", "Templates", "sw", parent="cpp", requires=(("calculus", 2),)),
    Skill("cpp-memory", "Memory model", "sw", parent="cpp"),
]


def test_a_child_inherits_its_parents_prerequisites() -> None:
    by_id = index(INHERITED)
    assert prerequisites(by_id["cpp-templates"], by_id) == [("calculus", 2), ("linalg", 1)]
    assert locked_by(by_id["cpp-memory"], by_id) == [("linalg", 0, 1)]
    assert locked_by(by_id["cpp-templates"], by_id) == [("calculus", 0, 2), ("linalg", 0, 1)]
    after = index(raise_level(INHERITED, "linalg", 1))
    assert is_unlocked(after["cpp-memory"], after)
    assert not is_unlocked(after["cpp-templates"], after)


def test_inherited_prerequisites_join_the_closure_and_the_bonus() -> None:
    target = Target("engineer", "Engineer", {"linalg": 3, "cpp": 2, "calculus": 1})
    assert recommendation_requirements(INHERITED, target) == {
        "linalg": 3,
        "cpp-templates": 2,
        "cpp-memory": 2,
        "calculus": 2,
    }
    recs = recommend(INHERITED, target, TODAY, limit=10)
    # linalg: 3·3 / 10 × (1 + 0.25·2) = 1.35 ; calculus: 1·2 / 5 × 1.25 = 0.5
    assert [(r.skill, r.score) for r in recs] == [("linalg", 1.35), ("calculus", 0.5)]
    assert recs[0].reasons[1] == "prerequisite of cpp-templates, cpp-memory (level 1 needed)"
    assert recs[1].reasons[:2] == (
        "1 level below the required 1 (weight 1)",
        "prerequisite of cpp-templates (level 2 needed)",
    )


def test_a_dependent_counts_once() -> None:
    skills = [
        Skill("base", "Base", "p", hours=10),
        Skill("parent", "Parent", "p", requires=(("base", 1),)),
        Skill("leaf", "Leaf", "p", parent="parent", requires=(("base", 2),)),
    ]
    recs = recommend(skills, Target("t", "T", {"leaf": 1}), TODAY)
    # base required at 2, gap 2: 1·2 / 10 × (1 + 0.25·1) = 0.25
    assert [(r.skill, r.score) for r in recs] == [("base", 0.25)]
    assert recs[0].reasons[0] == "prerequisite of leaf (level 2 needed)"


def test_unknown_prerequisite_is_unmet() -> None:
    skill = Skill("s", "S", "p", requires=(("ghost", 1),))
    assert not is_unlocked(skill, {"s": skill})
    assert locked_by(skill, {"s": skill}) == [("ghost", 0, 1)]


PARENT_PREREQ = [
    Skill("tools", "Tools", "p"),
    Skill("git", "Git", "p", parent="tools", weight=1, level=2),
    Skill("make", "Make", "p", parent="tools", weight=3, level=1),
    Skill("goal", "Goal", "p", requires=(("tools", 2),)),
]


def test_a_parent_prerequisite_is_judged_by_its_roll_up() -> None:
    by_id, children = index(PARENT_PREREQ), children_of(PARENT_PREREQ)
    assert shown_level("tools", by_id, children) == pytest.approx((1 * 2 + 3 * 1) / 4)  # 1.25
    assert shown_level("git", by_id, children) == 2
    assert shown_level("ghost", by_id, children) == 0
    assert locked_by(by_id["goal"], by_id) == [("tools", 1.25, 2)]
    after = index(raise_level(PARENT_PREREQ, "make", 2))
    assert shown_level("tools", after, children) == 2
    assert is_unlocked(after["goal"], after)
    # the parent's own stored level plays no part once it has children
    stored = index([s._replace(level=5) if s.id == "tools" else s for s in PARENT_PREREQ])
    assert not is_unlocked(stored["goal"], stored)


def test_subtree_readiness_is_the_roll_up_of_the_formula() -> None:
    # gpu's required leaves: cuda 3·min(2, 3) / 3·3 and nccl 1·0 / 1·2 → 6 / 11
    assert subtree_readiness(SKILLS, TARGET, "gpu") == pytest.approx(6 / 11)
    assert subtree_readiness(SKILLS, TARGET, "cuda") == pytest.approx(2 / 3)
    assert subtree_readiness(SKILLS, TARGET, "ml") is None  # not required
    assert subtree_readiness(SKILLS, TARGET, "ghost") is None
    after = raise_level(SKILLS, "nccl", 2)
    assert subtree_readiness(after, TARGET, "gpu") == pytest.approx(8 / 11)


# --- reviews due (the schedules are roadmap.recall's: tests/test_recall.py) -------------------

DUE_SKILLS = [
    Skill("s1", "S1", "p", level=1, scheduled=True, due=days_ago(3), retrievability=0.85),
    Skill("s2", "S2", "p", level=3, scheduled=True, due=TODAY, retrievability=0.9),
    Skill("s3", "S3", "p", level=2, scheduled=True, due=days_ago(-1), retrievability=0.92),
    Skill("s4", "S4", "p", level=2, scheduled=True),  # a level never scheduled: due
    Skill("s5", "S5", "p", level=0, scheduled=True),  # level 0: nothing to review
    Skill("s6", "S6", "p", level=1, scheduled=True, due=days_ago(9), archived=True),
    Skill("s7", "S7", "p", level=1, due=days_ago(9)),  # no schedule computed (status)
    Skill("s8", "S8", "p", level=2, scheduled=True, due=days_ago(-5), rusty=True),
]


def test_is_due() -> None:
    due = [s.id for s in DUE_SKILLS if is_due(s, TODAY)]
    assert due == ["s1", "s2", "s4"]


def test_review_reasons() -> None:
    by_id = index(DUE_SKILLS)
    assert review_reasons(by_id["s1"], TODAY) == [
        "due for review since 2026-11-17 (recall about 85%)"
    ]
    assert review_reasons(by_id["s2"], TODAY) == ["due for review today (recall about 90%)"]
    assert review_reasons(by_id["s3"], TODAY) == []
    assert review_reasons(by_id["s4"], TODAY) == ["level 2 never reviewed"]
    assert review_reasons(by_id["s8"], TODAY) == [
        "rusty at level 2: re-check its level-2 milestones"
    ]


# --- recommendations ---------------------------------------------------------------------------


def test_recommend_exact_scores_and_order() -> None:
    recs = recommend(SKILLS, TARGET, TODAY, limit=5)
    # mpi:   3·1 / (10 - 4) = 0.5, due for review × 1.5                     = 0.75
    # cuda:  3·1 / 10 = 0.3, unlocks nccl (gap, needs cuda 3) × 1.25       = 0.375
    # linux: not required, but cluster needs it at 2: 1·1 / 5 × 1.25       = 0.25
    assert [(r.skill, r.score) for r in recs] == [("mpi", 0.75), ("cuda", 0.375), ("linux", 0.25)]
    assert recs[0].reasons == (
        "1 level below the required 2 (weight 3)",
        "about 6 h to level 2",
        "due for review since 2026-11-08 (recall about 81%)",
    )
    assert recs[1].reasons == (
        "1 level below the required 3 (weight 3)",
        "prerequisite of nccl (level 3 needed)",
        "about 10 h to level 3",
    )
    assert recs[2].reasons == ("prerequisite of cluster (level 2 needed)", "about 5 h to level 2")
    assert recs[1].to_json() == {
        "skill": "cuda",
        "name": "CUDA",
        "score": 0.375,
        "reasons": list(recs[1].reasons),
    }


def test_recommend_limit() -> None:
    assert [r.skill for r in recommend(SKILLS, TARGET, TODAY)] == ["mpi", "cuda", "linux"]
    assert [r.skill for r in recommend(SKILLS, TARGET, TODAY, limit=2)] == ["mpi", "cuda"]
    assert recommend(SKILLS, TARGET, TODAY, limit=0) == []


def test_locked_skills_are_never_recommended() -> None:
    recommended = {r.skill for r in recommend(SKILLS, TARGET, TODAY, limit=100)}
    assert "nccl" not in recommended  # locked by cuda 2 < 3, although it has the biggest gap
    assert "cluster" not in recommended  # locked by linux 1 < 2
    assert "gpu" not in recommended  # a parent
    assert "old-gpu" not in recommended  # archived


def test_levelling_the_prerequisite_unlocks_the_skill() -> None:
    after = raise_level(SKILLS, "cuda", 3)
    recs = {r.skill: r for r in recommend(after, TARGET, TODAY, limit=100)}
    assert "cuda" not in recs
    # nccl: 1·2 / max(1, 20 - 10) = 0.2, not due (level 0), unlocks nothing
    assert recs["nccl"].score == 0.2
    assert recs["nccl"].reasons == (
        "2 levels below the required 2 (weight 1)",
        "about 10 h to level 1",
    )


def test_prerequisite_closure_is_transitive() -> None:
    skills = [
        Skill("goal", "Goal", "p", level=0, requires=(("mid", 2),)),
        Skill("mid", "Mid", "p", level=0, requires=(("base", 1),)),
        Skill("base", "Base", "p", level=0, hours=2),
        Skill("other", "Other", "p", level=0),  # not required by anything
    ]
    target = Target("t", "T", {"goal": 1})
    assert recommendation_requirements(skills, target) == {"goal": 1, "mid": 2, "base": 1}
    recs = recommend(skills, target, TODAY)
    # base: 1·1 / 2 = 0.5, unlocks mid (gap, locked) × 1.25 = 0.625
    assert [(r.skill, r.score) for r in recs] == [("base", 0.625)]
    assert recs[0].reasons == ("prerequisite of mid (level 1 needed)", "about 2 h to level 1")


def test_prerequisites_of_skills_without_a_gap_are_not_required() -> None:
    skills = [
        Skill("done", "Done", "p", level=2, requires=(("pre", 3),)),
        Skill("pre", "Pre", "p", level=0),
    ]
    target = Target("t", "T", {"done": 2})
    assert recommendation_requirements(skills, target) == {"done": 2}
    assert recommend(skills, target, TODAY) == []


def test_prerequisite_on_a_parent_applies_to_its_leaves() -> None:
    skills = [
        Skill("goal", "Goal", "p", requires=(("tools", 1),)),
        Skill("tools", "Tools", "p"),
        Skill("git", "Git", "p", parent="tools", hours=4),
        Skill("make", "Make", "p", parent="tools", hours=8),
    ]
    target = Target("t", "Platform", {"goal": 1})
    recs = recommend(skills, target, TODAY)
    assert [(r.skill, r.score) for r in recs] == [("git", 0.25), ("make", 0.125)]
    assert recs[0].reasons == ("on the path to Platform (level 1 needed)", "about 4 h to level 1")


def test_recommend_floor_of_one_hour_and_hours_already_logged() -> None:
    skills = [
        Skill("quick", "Quick", "p", weight=5, hours=0.5),
        Skill("done", "Done", "p", weight=2, hours=10, minutes_since_level_change=900),
    ]
    recs = recommend(skills, Target("t", "T", {"quick": 1, "done": 2}), TODAY)
    assert [(r.skill, r.score) for r in recs] == [("quick", 5.0), ("done", 4.0)]
    assert recs[1].reasons[-1] == "the hours for level 1 are already logged"


def test_recommend_a_level_never_scheduled_or_rusty() -> None:
    never = [Skill("s", "S", "p", level=1, hours=10, scheduled=True)]
    recs = recommend(never, Target("t", "T", {"s": 2}), TODAY)
    assert recs[0].score == 0.15  # 1·1 / 10 × 1.5
    assert recs[0].reasons[-1] == "level 1 never reviewed"
    rusty = [Skill("s", "S", "p", level=1, hours=10, scheduled=True, due=TODAY, rusty=True)]
    recs = recommend(rusty, Target("t", "T", {"s": 2}), TODAY)
    assert recs[0].score == 0.15
    assert recs[0].reasons[-1] == "rusty at level 1: re-check its level-1 milestones"
    unscheduled = [Skill("s", "S", "p", level=1, hours=10)]  # a view without schedules
    assert recommend(unscheduled, Target("t", "T", {"s": 2}), TODAY)[0].score == 0.1


def test_recommend_counts_each_locked_dependent() -> None:
    skills = [
        Skill("base", "Base", "p", hours=10),
        Skill("a", "A", "p", requires=(("base", 1),)),
        Skill("b", "B", "p", requires=(("base", 2),)),
        Skill("c", "C", "p", requires=(("base", 1),)),  # no gap: not counted
    ]
    recs = recommend(skills, Target("t", "T", {"a": 1, "b": 1}), TODAY)
    # base required at 2 (closure), gap 2: 1·2 / 10 × (1 + 0.25·2) = 0.3
    assert [(r.skill, r.score) for r in recs] == [("base", 0.3)]
    assert recs[0].reasons[0] == "prerequisite of a, b (level 2 needed)"


def test_a_long_list_of_dependents_is_cut_to_three() -> None:
    base = Skill("base", "Base", "p", hours=10)
    deps = [Skill(f"d{i}", f"D{i}", "p", requires=(("base", 1),)) for i in range(5)]
    recs = recommend([base, *deps], Target("t", "T", {d.id: 1 for d in deps}), TODAY)
    assert recs[0].skill == "base"
    assert recs[0].score == round(1 / 10 * (1 + 0.25 * 5), 3)  # all five count in the score
    assert recs[0].reasons[0] == "prerequisite of d0, d1, d2 and 2 more (level 1 needed)"


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[Skill], Target]:
    n = draw(st.integers(1, 8))
    skills = []
    for i in range(n):
        earlier = list(range(i))
        parent = draw(st.none() | st.sampled_from(earlier)) if earlier else None
        prereqs = draw(st.lists(st.sampled_from(earlier), unique=True, max_size=3)) if i else []
        requires = tuple((f"s{j}", draw(st.integers(1, 5))) for j in prereqs)
        skills.append(
            Skill(
                f"s{i}",
                f"S{i}",
                draw(st.sampled_from(["p", "q"])),
                parent=None if parent is None else f"s{parent}",
                weight=draw(st.integers(1, 5)),
                hours=draw(st.sampled_from([0.5, 5.0, 20.0])),
                level=draw(st.integers(0, 5)),
                requires=requires,
                minutes_since_level_change=draw(st.integers(0, 1200)),
                last_practised=draw(st.none() | st.sampled_from([days_ago(1), days_ago(100)])),
                archived=draw(st.booleans()) if i else False,
                has_milestones=draw(st.booleans()),
            )
        )
    ids = [s.id for s in skills]
    wanted = draw(st.dictionaries(st.sampled_from(ids), st.integers(0, 5), max_size=n))
    return skills, Target("t", "T", wanted)


def shown(skill_id: str, by_id: dict[str, Skill]) -> float:
    """An independent roll-up: the own level of a leaf or of a skill with milestones, else
    (a group) the weighted mean of its live children."""
    kids = [s for s in by_id.values() if s.parent == skill_id and not s.archived]
    if not kids or by_id[skill_id].has_milestones:
        return by_id[skill_id].level
    return sum(k.weight * shown(k.id, by_id) for k in kids) / sum(k.weight for k in kids)


def all_prerequisites_met(skill: Skill, by_id: dict[str, Skill]) -> bool:
    """An independent check: the skill's and every ancestor's prerequisites are met (a group
    prerequisite by the roll-up of its children), except those that could never be met
    first: a group containing the skill; inherited, the skill itself or a skill inside it."""
    chain: list[Skill] = [skill]
    while chain[-1].parent is not None:
        chain.append(by_id[chain[-1].parent])
    containing = {s.id for s in chain[1:]}

    def is_group(ref: str) -> bool:
        kids = [s for s in by_id.values() if s.parent == ref and not s.archived]
        return bool(kids) and not by_id[ref].has_milestones

    def inside_skill(ref: str) -> bool:
        node = by_id.get(ref)
        while node is not None and node.parent is not None:
            if node.parent == skill.id:
                return True
            node = by_id.get(node.parent)
        return False

    for owner in chain:
        for ref, level in owner.requires:
            if ref in containing and is_group(ref):
                continue
            if owner is not skill and (ref == skill.id or inside_skill(ref)):
                continue
            if ref not in by_id or shown(ref, by_id) < level:
                return False
    return True


@settings(max_examples=300, deadline=None)
@given(worlds())
def test_property_recommendations_are_unlocked_leaves_with_a_gap(
    world: tuple[list[Skill], Target],
) -> None:
    skills, target = world
    by_id, children = index(skills), children_of(skills)
    required = recommendation_requirements(skills, target)
    recs = recommend(skills, target, TODAY, limit=100)
    for rec in recs:
        skill = by_id[rec.skill]
        assert all_prerequisites_met(skill, by_id)
        assert is_unlocked(skill, by_id)
        assert not skill.archived
        assert skill.has_milestones or is_leaf(skill.id, children)
        assert skill.level < required[skill.id]
        assert rec.score > 0
        assert rec.reasons
    assert [(-r.score, r.skill) for r in recs] == sorted((-r.score, r.skill) for r in recs)
    for rec in recommend(skills, target, TODAY, limit=100):
        json.dumps(rec.to_json(), allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_property_readiness_bounds_and_gaps(world: tuple[list[Skill], Target]) -> None:
    skills, target = world
    result = readiness(skills, target)
    assert 0.0 <= result.overall <= 1.0
    assert all(0.0 <= v <= 1.0 for v in result.pillars.values())
    assert (result.overall == 1.0) == (not gaps(skills, target))
    effort = remaining_effort(skills, target)
    assert effort.total_hours == pytest.approx(sum(effort.pillars.values()))
    assert effort.total_hours >= 0


# --- streaks, weeks, heatmap -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "current", "longest"),
    [
        ([], 0, 0),
        ([0], 1, 1),
        ([0, 1, 2], 3, 3),
        ([1, 2], 2, 2),  # nothing today yet: the run ending yesterday
        ([2, 3], 0, 2),  # the run ended the day before yesterday
        ([0, 2, 3, 4, 5], 1, 4),
        ([1, 10, 11, 12, 13, 14, 30], 1, 5),
        ([0, 0, 1], 2, 2),  # duplicates count once
    ],
)
def test_streaks(days: list[int], current: int, longest: int) -> None:
    result = streaks((days_ago(n) for n in days), TODAY)
    assert result == Streak(current, longest)
    assert result.to_json() == {"current": current, "longest": longest}


def test_week_start_is_monday() -> None:
    assert week_start(TODAY) == date(2026, 11, 16)
    assert week_start(date(2026, 11, 16)) == date(2026, 11, 16)
    assert week_start(date(2026, 11, 22)) == date(2026, 11, 16)


def test_heatmap_shape_values_and_future_nones() -> None:
    minutes = {date(2026, 11, 9): 30, date(2026, 11, 18): 90, TODAY: 15, date(2026, 11, 21): 99}
    grid = heatmap(minutes, TODAY, 2)
    assert grid == [
        [30, 0, 0, 0, 0, 0, 0],  # Mon 9 .. Sun 15
        [0, 0, 90, 0, 15, None, None],  # Mon 16 .. Sun 22; Sat and Sun are after today
    ]


def test_heatmap_many_weeks() -> None:
    grid = heatmap({}, TODAY, 53)
    assert len(grid) == 53
    assert all(len(week) == 7 for week in grid)
    assert grid[-1][4] == 0 and grid[-1][5] is None
    assert sum(cell is None for week in grid for cell in week) == 2
    sunday = date(2026, 11, 22)
    assert heatmap({}, sunday, 1) == [[0] * 7]


@pytest.mark.parametrize(
    ("minutes", "top", "bucket"),
    [
        (0, 100, 0),
        (1, 100, 1),
        (25, 100, 1),
        (26, 100, 2),
        (50, 100, 2),
        (51, 100, 3),
        (75, 100, 3),
        (76, 100, 4),
        (100, 100, 4),
        (1, 1, 4),
        (0, 0, 0),
    ],
)
def test_heat_bucket(minutes: int, top: int, bucket: int) -> None:
    assert heat_bucket(minutes, top) == bucket


# --- levels ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "level"),
    [
        ({}, 0),
        ({1: (1, 2)}, 0),
        ({1: (0, 0)}, 0),
        ({1: (2, 2)}, 1),
        ({1: (2, 2), 2: (1, 1), 3: (0, 1)}, 2),
        ({1: (1, 1), 3: (1, 1)}, 1),  # level 2 has no milestones: cannot pass it
        ({1: (1, 1), 2: (3, 3), 3: (2, 2), 4: (1, 1), 5: (1, 1)}, 5),
        ({2: (1, 1)}, 0),
    ],
)
def test_milestone_level(counts: dict[int, tuple[int, int]], level: int) -> None:
    assert milestone_level(counts) == level


def test_current_level_is_the_higher() -> None:
    assert current_level(None, 2) == 2
    assert current_level(4, 2) == 4
    assert current_level(1, 3) == 3
    assert current_level(None, 0) == 0


# --- effort per level step (issue 16) -----------------------------------------------------------


def test_remaining_hours_use_the_hours_of_each_level_step() -> None:
    steps = (2.0, 4.0, 8.0, 16.0, 32.0)
    s = Skill("a", "A", "p", level=1, hours=12.4, hours_by_level=steps)
    assert remaining_hours(s, 4) == 4 + 8 + 16
    logged = Skill("a", "A", "p", level=1, hours_by_level=steps, minutes_since_level_change=180)
    assert remaining_hours(logged, 4) == 1 + 8 + 16
    over = Skill("a", "A", "p", level=1, hours_by_level=steps, minutes_since_level_change=600)
    assert remaining_hours(over, 2) == 0 and remaining_hours(over, 5) == 8 + 16 + 32
    assert remaining_hours(Skill("a", "A", "p", level=0, hours_by_level=steps), 5) == 62
    assert remaining_hours(Skill("a", "A", "p", level=0, hours=20), 2) == 40  # one number


def test_recommendation_effort_uses_the_next_step() -> None:
    steps = (1.0, 30.0, 30.0, 30.0, 30.0)
    cheap = Skill("cheap", "Cheap", "p", level=0, hours_by_level=steps)
    dear = Skill("dear", "Dear", "p", level=1, hours_by_level=steps, last_practised=TODAY)
    recs = recommend([cheap, dear], Target("t", "T", {"cheap": 1, "dear": 2}), TODAY)
    assert [r.skill for r in recs] == ["cheap", "dear"]
    assert recs[0].score == 1.0 and recs[1].score == round(1 / 30, 3)
    assert "about 1 h to level 1" in recs[0].reasons and "about 30 h to level 2" in recs[1].reasons


# --- nested skills (issue 16) ------------------------------------------------------------------


def _nested() -> list[Skill]:
    """topic (milestones) ⊃ sub requiring topic; group ⊃ {a (weight 3), b}; b requires a;
    the group requires 'sub' (inherited by a and b)."""
    return [
        Skill("topic", "Topic", "p", level=2, has_milestones=True),
        Skill("sub", "Sub", "p", parent="topic", level=0, requires=(("topic", 1),)),
        Skill("group", "Group", "p", level=4, requires=(("sub", 1),)),
        Skill("a", "A", "p", parent="group", weight=3, level=3),
        Skill("b", "B", "p", parent="group", level=1, requires=(("a", 2),)),
    ]


def test_a_skill_with_milestones_has_its_own_level_and_a_group_rolls_up() -> None:
    from roadmap.analysis import has_own_level, is_group, subtree_rollup, units

    skills = _nested()
    by_id, children = index(skills), children_of(skills)
    assert rollup_level("topic", by_id, children) == 2  # its own, not its child's 0
    assert subtree_rollup("topic", by_id, children) == 0
    assert rollup_level("group", by_id, children) == (3 * 3 + 1) / 4  # stored 4 is ignored
    assert has_own_level("topic", by_id, children) and is_group("group", by_id, children)
    assert units("group", by_id, children) == ["a", "b"] and units("topic", by_id, children) == [
        "topic"
    ]
    target = Target("t", "T", {"topic": 3, "group": 2})
    assert target_requirements(skills, target) == {"topic": 3, "a": 2, "b": 2}
    assert [g.skill for g in gaps(skills, target)] == ["b", "topic"]


def test_inherited_prerequisites_never_name_the_skill_or_its_insides() -> None:
    skills = [
        Skill("p", "P", "x", requires=(("c", 1), ("d", 2))),
        Skill("c", "C", "x", parent="p", has_milestones=True),
        Skill("c1", "C1", "x", parent="c"),
        Skill("d", "D", "x", parent="p"),
    ]
    by_id = index(skills)
    assert prerequisites(by_id["c"], by_id) == [("d", 2)]  # (c, 1) would be itself
    # c1 waits for c (it has milestones: a level of its own, learnt first)
    assert prerequisites(by_id["c1"], by_id) == [("c", 1), ("d", 2)]
    assert prerequisites(by_id["d"], by_id) == [("c", 1)]
    # a child requiring its parent with milestones: unlocked once the parent is level 1
    for level, unlocked in ((0, False), (1, True)):
        topic = Skill("topic", "Topic", "p", level=level, has_milestones=True)
        world = index([topic, *_nested()[1:]])
        assert is_unlocked(world["sub"], world) is unlocked


def test_a_parent_with_milestones_is_recommended() -> None:
    skills = _nested()
    recs = recommend(skills, Target("t", "T", {"sub": 1}), TODAY, limit=5)
    assert [r.skill for r in recs] == ["sub"]  # topic (level 2) already unlocks it
    fresh = [Skill("topic", "Topic", "p", has_milestones=True), *_nested()[1:]]
    recs = recommend(fresh, Target("t", "T", {"sub": 1}), TODAY, limit=5)
    assert [r.skill for r in recs] == ["topic"]  # sub is locked until topic reaches 1
