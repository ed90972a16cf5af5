"""The views on a small tree with hand-made history: JSON contracts (exact key sets, so any
addition is deliberate) and exact numbers through the whole stack (CLI → SQL → analysis)."""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import ROOT, Run, Sql

pytestmark = pytest.mark.usefixtures("backend")

BY = date(2027, 12, 31)  # the engineer target's date in tests/data/small.yaml

STATUS_KEYS = {
    "target",
    "readiness",
    "pillars",
    "top_gaps",
    "next",
    "week_minutes",
    "weekly_goal_minutes",
    "streak",
    "timer",
    "forecast",
    "rusty",
    "this_week",
}
TARGET_KEYS = {"id", "name", "by"}
STATUS_PILLAR_KEYS = {"id", "name", "readiness", "minutes_week", "minutes_total"}
GAP_KEYS = {"skill", "name", "pillar", "current", "required", "gap", "weight"}
RECOMMENDATION_KEYS = {"skill", "name", "score", "reasons"}
FORECAST_KEYS = {
    "target",
    "remaining_hours",
    "pace_hours_per_week",
    "pace_12w_hours_per_week",
    "eta",
    "by",
    "on_track",
    "needed_hours_per_week",
    "pillars",
    "pace_days",
    "pace_12w_days",
    "pace_assumed",
    "history_days",
    "history_sessions",
    "enough_history",
    "eta_likely",
    "eta_cautious",
}
FORECAST_PILLAR_KEYS = {
    "id",
    "name",
    "remaining_hours",
    "pace_hours_per_week",
    "pace_12w_hours_per_week",
    "eta",
    "on_track",
    "needed_hours_per_week",
}
REPORT_KEYS = {
    "since",
    "until",
    "minutes",
    "sessions",
    "pillars",
    "skills",
    "milestones_checked",
    "level_ups",
    "hours",
}
REVIEW_KEYS = {
    "skill",
    "name",
    "pillar",
    "level",
    "last_practised",
    "last_activity",
    "interval_days",
    "overdue_days",
    "due",
    "retrievability",
    "stability",
    "difficulty",
    "state",
    "reviews",
    "rusty",
    "last_review",
    "reasons",
}


@pytest.fixture(autouse=True)
def _pinned(pinned: datetime) -> None:
    """Every view here is computed on a pinned day (conftest.PINNED_NOW)."""


def today() -> date:
    """The day the CLI sees as today (the pinned one)."""
    from roadmap import clock

    return clock.now().date()


@pytest.fixture
def ready(run: Run, small: Path) -> Run:
    run.ok("tree")
    return run


def set_level_changed(sql: Sql, skill: str, day: date) -> None:
    sql("UPDATE skill SET level_changed_at = ? WHERE id = ?", (f"{day}T12:00:00Z", skill))


# --- JSON contracts ----------------------------------------------------------------------------


def test_status_json_contract(ready: Run) -> None:
    ready.ok("log", "linalg", "1h")
    ready.ok("start", "calculus")
    data = ready.json("status")
    assert set(data) == STATUS_KEYS
    assert data["target"] == {"id": "engineer", "name": "Engineer", "by": "2027-12-31"}
    assert set(data["target"]) == TARGET_KEYS
    assert [p["id"] for p in data["pillars"]] == ["math", "software"]
    assert all(set(p) == STATUS_PILLAR_KEYS for p in data["pillars"])
    assert data["top_gaps"] and all(set(g) == GAP_KEYS for g in data["top_gaps"])
    assert data["next"] and all(set(r) == RECOMMENDATION_KEYS for r in data["next"])
    assert all(r["reasons"] and all(isinstance(x, str) for x in r["reasons"]) for r in data["next"])
    assert set(data["streak"]) == {"current", "longest"}
    assert set(data["timer"]) == {"skill", "started_at", "minutes"}
    assert data["timer"]["skill"] == "calculus" and data["timer"]["minutes"] == 0
    assert datetime.fromisoformat(data["timer"]["started_at"]).tzinfo is not None
    assert data["weekly_goal_minutes"] == 300
    assert set(data["forecast"]) == FORECAST_KEYS
    assert data["forecast"] == ready.json("forecast")
    assert isinstance(data["readiness"], float) and isinstance(data["week_minutes"], int)


def test_status_without_goal_or_timer_gives_nulls(ready: Run, sql: Sql) -> None:
    sql("DELETE FROM meta WHERE key = 'weekly_goal_hours'")
    data = ready.json("status")
    assert data["weekly_goal_minutes"] is None
    assert data["timer"] is None


def test_forecast_json_contract(ready: Run) -> None:
    data = ready.json("forecast")
    assert set(data) == FORECAST_KEYS
    assert set(data["target"]) == TARGET_KEYS
    assert [p["id"] for p in data["pillars"]] == ["math", "software"]
    assert all(set(p) == FORECAST_PILLAR_KEYS for p in data["pillars"])


def test_gaps_and_next_json_contract(ready: Run) -> None:
    assert all(set(g) == GAP_KEYS for g in ready.json("gaps"))
    recs = ready.json("next")
    assert recs and all(set(r) == RECOMMENDATION_KEYS for r in recs)


def test_report_json_contract(ready: Run) -> None:
    ready.ok("log", "linalg", "1h")
    ready.ok("check", "linalg", "1.1")
    data = ready.json("report", "--week")
    assert set(data) == REPORT_KEYS
    assert all(set(p) == {"id", "name", "minutes", "hours"} for p in data["pillars"])
    assert all(set(s) == {"id", "name", "minutes", "hours"} for s in data["skills"])
    assert data["milestones_checked"] == [
        {
            "skill": "linalg",
            "name": "Linear algebra",
            "milestone": "explain-lu",
            "ref": "1.1",
            "text": "Explain LU",
        }
    ]
    assert data["level_ups"] == [{"skill": "linalg", "name": "Linear algebra", "from": 0, "to": 1}]


def test_review_json_contract(ready: Run, sql: Sql) -> None:
    ready.ok("assess", "linalg", "1")
    month_ago = f"{today() - timedelta(days=30)}T12:00:00Z"
    sql("UPDATE level_change SET changed_at = ? WHERE skill_id = 'linalg'", (month_ago,))
    set_level_changed(sql, "linalg", today() - timedelta(days=30))
    rows = ready.json("review")
    assert rows and all(set(r) == REVIEW_KEYS for r in rows)
    assert rows[0]["overdue_days"] > 0 and 0 < rows[0]["retrievability"] < 0.9


# --- exact numbers -----------------------------------------------------------------------------


def test_checked_milestone_moves_readiness_and_gaps_by_the_formula(ready: Run) -> None:
    # engineer requires linalg 3 (w3), cpp 2 (a parent: its leaves cpp-templates and
    # cpp-memory, w1 each) and calculus 1 (w1): Σ weight·required = 9 + 2 + 2 + 1 = 14
    before = ready.json("status")
    assert before["readiness"] == 0.0
    assert {p["id"]: p["readiness"] for p in before["pillars"]} == {"math": 0.0, "software": 0.0}
    assert {g["skill"]: g["gap"] for g in ready.json("gaps")}["linalg"] == 3

    ready.ok("check", "linalg", "1.1")  # every level-1 milestone: linalg is now level 1
    after = ready.json("status")
    assert after["readiness"] == round(3 * 1 / 14, 3)
    assert {p["id"]: p["readiness"] for p in after["pillars"]} == {
        "math": round(3 / 10, 3),  # linalg 3·1 / (3·3 + 1·1)
        "software": 0.0,
    }
    gaps = {g["skill"]: g for g in ready.json("gaps")}
    assert (gaps["linalg"]["current"], gaps["linalg"]["gap"]) == (1, 2)

    ready.ok("check", "linalg", "2.1")  # level 2
    assert ready.json("status")["readiness"] == round(3 * 2 / 14, 3)
    gaps = {g["skill"]: g for g in ready.json("gaps")}
    assert (gaps["linalg"]["current"], gaps["linalg"]["gap"]) == (2, 1)

    ready.ok("uncheck", "linalg", "1.1")  # levels 1..L must all be complete: back to 0
    assert ready.json("status")["readiness"] == 0.0


def test_gaps_sorted_by_weight_times_gap(ready: Run) -> None:
    gaps = ready.json("gaps")
    assert [(g["skill"], g["weight"] * g["gap"]) for g in gaps] == [
        ("linalg", 9),
        ("cpp-memory", 2),
        ("cpp-templates", 2),
        ("calculus", 1),
    ]
    assert gaps[0] == {
        "skill": "linalg",
        "name": "Linear algebra",
        "pillar": "math",
        "current": 0,
        "required": 3,
        "gap": 3,
        "weight": 3,
    }
    assert [g["skill"] for g in ready.json("gaps", "--pillar", "software")] == [
        "cpp-memory",
        "cpp-templates",
    ]
    assert [g["skill"] for g in ready.json("gaps", "--target", "junior")] == ["linalg"]


def test_gaps_unknown_pillar_is_a_usage_error(ready: Run) -> None:
    result = ready("gaps", "--pillar", "nope")
    assert result.exit_code == 2
    assert "unknown pillar 'nope' (pillars: math, software)" in result.stderr


def test_current_level_is_the_higher_of_assessment_and_milestones(ready: Run) -> None:
    ready.ok("check", "linalg", "1.1")
    ready.ok("check", "linalg", "2.1")
    ready.ok("assess", "linalg", "1")
    show = ready.json("show", "linalg")
    assert (show["level"], show["milestone_level"], show["assessment"]["level"]) == (2, 2, 1)
    ready.ok("assess", "linalg", "3")
    show = ready.json("show", "linalg")
    assert (show["level"], show["milestone_level"]) == (3, 2)
    assert ready.json("status")["readiness"] == round(9 / 14, 3)


def test_locked_skills_are_never_recommended(ready: Run) -> None:
    recs = [r["skill"] for r in ready.json("next", "--limit", "10")]
    # cpp-templates needs calculus 2 and (from its parent cpp) linalg 1; cpp-memory needs
    # linalg 1 through cpp: both locked, whatever their gaps
    assert recs == ["linalg", "calculus"]
    ready.ok("assess", "linalg", "1")
    recs = [r["skill"] for r in ready.json("next", "--limit", "10")]
    assert "cpp-memory" in recs and "cpp-templates" not in recs
    ready.ok("assess", "calculus", "2")
    recs = [r["skill"] for r in ready.json("next", "--limit", "10")]
    assert "cpp-templates" in recs
    text = ready.ok("next").stdout
    assert "Next steps toward Engineer" in text
    assert "below the required" in text  # each recommendation says why


def test_next_exact_scores_and_reasons(ready: Run) -> None:
    recs = ready.json("next")
    # linalg: 3·3 / 10 h, × (1 + 0.25·2: it unlocks cpp-templates and cpp-memory) = 1.35
    # calculus: required 1, but cpp-templates needs 2 → 1·2 / 5 h × 1.25 = 0.5
    assert [(r["skill"], r["score"]) for r in recs] == [("linalg", 1.35), ("calculus", 0.5)]
    assert recs[0]["reasons"] == [
        "3 levels below the required 3 (weight 3)",
        "prerequisite of cpp-templates, cpp-memory (level 1 needed)",
        "about 10 h to level 1",
    ]
    assert [r["skill"] for r in ready.json("next", "--limit", "1")] == ["linalg"]


def test_forecast_exact_numbers(ready: Run) -> None:
    ready.ok("log", "linalg", "4h", "--on", "-1d")
    ready.ok("log", "calculus", "2h", "--on", "-20d")
    ready.ok("log", "cpp-memory", "3h", "--on", "-50d")
    data = ready.json("forecast")
    # remaining: linalg (10 − 4) + 10 + 10 = 26; calculus 5 − 2 = 3;
    # cpp-templates 20 + 20 = 40; cpp-memory (20 − 3) + 20 = 37
    assert data["remaining_hours"] == 106
    assert data["pace_hours_per_week"] == 1.5  # (4 h + 2 h) over 4 weeks
    # 51 days of history (from the first session): the 12-week pace is over those 51 days
    assert (data["history_days"], data["history_sessions"], data["enough_history"]) == (51, 3, True)
    assert (data["pace_days"], data["pace_12w_days"]) == (28, 51)
    assert data["pace_12w_hours_per_week"] == round(9 / (51 / 7), 2)
    eta = today() + timedelta(days=math.ceil(106 / 1.5 * 7))
    assert data["eta"] == eta.isoformat()
    assert data["by"] == "2027-12-31"
    assert data["on_track"] is (eta <= BY if today() < BY else False)
    weeks = (BY - today()).days / 7
    assert data["needed_hours_per_week"] == (round(106 / weeks, 2) if weeks > 0 else None)
    math_p, software = data["pillars"]
    assert (math_p["remaining_hours"], math_p["pace_hours_per_week"]) == (29, 1.5)
    assert math_p["pace_12w_hours_per_week"] == round(6 / (51 / 7), 2)
    assert (software["remaining_hours"], software["pace_hours_per_week"]) == (77, 0)
    assert software["pace_12w_hours_per_week"] == round(3 / (51 / 7), 2)
    assert software["eta"] is None and software["on_track"] is None
    assert software["needed_hours_per_week"] == (round(77 / weeks, 2) if weeks > 0 else None)


def test_forecast_without_sessions_says_the_needed_pace(ready: Run) -> None:
    data = ready.json("forecast")
    assert data["remaining_hours"] == 30 + 5 + 80
    assert (data["pace_hours_per_week"], data["eta"], data["on_track"]) == (0, None, None)
    weeks = (BY - today()).days / 7
    assert data["needed_hours_per_week"] == round(115 / weeks, 2)
    assert (data["history_days"], data["enough_history"], data["eta_likely"]) == (0, False, None)
    text = ready.ok("forecast").stdout
    assert "not enough history yet" in text and "0 days, 0 sessions" in text
    assert f"arriving by 2027-12-31 needs {115 / weeks:.1f}h/week" in text
    status = ready.ok("status").stdout
    assert "needs" in status


def test_a_level_change_restarts_the_hours_towards_the_next_level(ready: Run, sql: Sql) -> None:
    ready.ok("log", "linalg", "4h", "--on", "-3d")
    assert ready.json("forecast")["remaining_hours"] == 115 - 4
    ready.ok("assess", "linalg", "1")  # hours logged before this change no longer count
    assert ready.json("forecast")["remaining_hours"] == 115 - 10
    assert ready.json("show", "linalg")["hours_to_next_level"] == 10
    set_level_changed(sql, "linalg", today() - timedelta(days=5))
    assert ready.json("forecast")["remaining_hours"] == 115 - 10 - 4
    assert ready.json("show", "linalg")["hours_to_next_level"] == 6


def test_week_minutes_totals_and_streaks(ready: Run) -> None:
    for days in (0, 1, 2, 5, 6, 7, 8):
        ready.ok("log", "linalg", "30m", "--on", f"-{days}d")
    ready.ok("log", "cpp-memory", "1h", "--on", "-40d")
    data = ready.json("status")
    assert data["streak"] == {"current": 3, "longest": 4}
    monday = today() - timedelta(days=today().weekday())
    this_week = sum(30 for d in (0, 1, 2, 5, 6, 7, 8) if today() - timedelta(days=d) >= monday)
    assert data["week_minutes"] == this_week
    pillars = {p["id"]: p for p in data["pillars"]}
    assert pillars["math"]["minutes_total"] == 7 * 30
    assert pillars["math"]["minutes_week"] == this_week
    assert (pillars["software"]["minutes_total"], pillars["software"]["minutes_week"]) == (60, 0)


def test_report_counts_the_period(ready: Run) -> None:
    ready.ok("log", "linalg", "1h", "--on", "-40d")
    ready.ok("log", "calculus", "30m")
    ready.ok("check", "linalg", "1.1")
    week = ready.json("report", "--week")
    assert week["since"] == (today() - timedelta(days=today().weekday())).isoformat()
    assert week["until"] == today().isoformat()
    assert (week["minutes"], week["sessions"]) == (30, 1)
    assert week["pillars"] == [{"id": "math", "name": "Math", "minutes": 30, "hours": 0.5}]
    everything = ready.json("report")
    assert (everything["minutes"], everything["sessions"]) == (90, 2)
    assert everything["skills"][0] == {
        "id": "linalg",
        "name": "Linear algebra",
        "minutes": 60,
        "hours": 1.0,
    }
    old = (today() - timedelta(days=45)).isoformat()
    until = (today() - timedelta(days=35)).isoformat()
    period = ready.json("report", "--since", old, "--until", until)
    assert (period["minutes"], period["milestones_checked"], period["level_ups"]) == (60, [], [])
    text = ready.ok("report", "--week").stdout
    assert "1 session" in text and "Linear algebra 1.1: Explain LU" in text
    assert "Linear algebra  0 → 1" in text
    bad = ready("report", "--week", "--month")
    assert bad.exit_code == 2


@pytest.mark.no_database
def test_report_events_are_counted_by_local_day(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from roadmap.store.queries import local_day_bounds

    monkeypatch.setenv("TZ", "Asia/Tokyo")  # UTC+9, no daylight saving
    time.tzset()
    try:
        assert local_day_bounds("2026-11-20", "2026-11-20") == (
            "2026-11-19T15:00:00Z",
            "2026-11-20T15:00:00Z",
        )
        assert local_day_bounds("1970-01-01", "2026-11-22")[1] == "2026-11-22T15:00:00Z"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_show_lists_everything_about_a_leaf(ready: Run) -> None:
    ready.ok("log", "cpp-templates", "20m", "--note", "SFINAE")
    data = ready.json("show", "cpp-templates")
    # its own prerequisite, and the one it inherits from its parent cpp
    assert data["prerequisites"] == [
        {
            "skill": "calculus",
            "name": "Calculus",
            "level": 2,
            "current": 0,
            "met": False,
            "inherited": False,
        },
        {
            "skill": "linalg",
            "name": "Linear algebra",
            "level": 1,
            "current": 0,
            "met": False,
            "inherited": True,
        },
    ]
    assert data["unlocked"] is False
    assert (data["required"], data["readiness"]) == (2, 0.0)
    assert (data["minutes_total"], data["sessions"]) == (20, 1)
    assert data["last_practised"] == today().isoformat()
    assert data["recent_sessions"][0]["note"] == "SFINAE"
    assert data["hours_to_next_level"] == round(20 - 20 / 60, 1)
    linalg = ready.json("show", "linalg")
    assert linalg["unlocks"] == [{"skill": "cpp", "name": "C++", "level": 1, "met": False}]
    assert [m["ref"] for m in linalg["milestones"]] == ["1.1", "2.1"]
    assert linalg["resources"][0]["title"] == "Matrix Computations"
    assert linalg["description"] == "" or isinstance(linalg["description"], str)
    text = ready.ok("show", "cpp-templates").stdout
    for part in ("Templates", "Level", "How", "Practised", "locked", "Prerequisites"):
        assert part in text, part
    assert "not yet" in text and "(from its parent)" in text


def test_show_of_a_parent_rolls_up_its_children(ready: Run) -> None:
    ready.ok("assess", "cpp-templates", "1")
    ready.ok("assess", "cpp-memory", "2")
    ready.ok("log", "cpp-templates", "20m")
    ready.ok("log", "cpp-memory", "40m")
    data = ready.json("show", "cpp")
    assert data["rollup_level"] == 1.5  # (1·1 + 1·2) / 2
    assert data["children"] == [
        {"id": "cpp-templates", "name": "Templates", "level": 1, "required": 2},
        {"id": "cpp-memory", "name": "Memory model", "level": 2, "required": 2},
    ]
    assert data["required"] == 2
    assert data["readiness"] == 0.75  # (1·1 + 1·2) / (1·2 + 1·2)
    assert (data["minutes_total"], data["sessions"]) == (60, 2)
    assert len(data["recent_sessions"]) == 2
    text = ready.ok("show", "cpp").stdout
    assert "1.5 (roll-up of its children)" in text
    assert "across its skills" in text


def test_a_prerequisite_on_a_parent_is_met_by_its_roll_up(
    run: Run, write_yaml: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_yaml(  # type: ignore[operator]
        """
version: 1
title: t
default_target: t
pillars:
  - id: p
    name: P
    skills:
      - id: tools
        name: Tools
        children:
          - {id: git, name: Git}
          - {id: make, name: Make}
      - id: goal
        name: Goal
        requires: [{skill: tools, level: 2}]
targets:
  - {id: t, name: T, requires: {goal: 1}}
"""
    )
    monkeypatch.setenv("ROADMAP_SKILLS", str(path))
    assert [r["skill"] for r in run.json("next")] == ["git", "make"]
    run.ok("assess", "git", "2")
    run.ok("assess", "make", "1")  # roll-up 1.5 < 2: still locked
    assert run.json("show", "goal")["unlocked"] is False
    run.ok("assess", "make", "2")
    assert run.json("show", "goal")["unlocked"] is True
    assert [r["skill"] for r in run.json("next")] == ["goal"]


def test_heatmap_renders_weeks(ready: Run) -> None:
    ready.ok("log", "linalg", "2h")
    out = ready.ok("heatmap", "--weeks", "8").stdout
    assert "Mon" in out and "less" in out and "more" in out and "≤2h" in out
    assert "8 weeks from" in out and "2.0h on 1 day" in out
    data = ready.json("heatmap", "--weeks", "8")
    assert len(data["weeks"]) == 8 and data["weeks"][-1][today().weekday()] == 120


@pytest.mark.no_database
def test_read_path_does_not_import_the_orm() -> None:
    code = (
        "import sys\n"
        "import roadmap.analysis, roadmap.views, roadmap.render, roadmap.store.queries\n"
        "import roadmap.cli.views\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'alembic')]\n"
        "print(bad)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=str(ROOT), timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_status_reads_without_the_orm(ready: Run) -> None:
    """Once the tree is synced, the views run on stdlib sqlite3 (or psycopg) only."""
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from roadmap.cli.main import app\n"
        "for args in (['status', '--json'], ['show', 'cpp'], ['report'], ['review']):\n"
        "    r = CliRunner().invoke(app, args)\n"
        "    assert r.exit_code == 0, r.output\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'alembic')]\n"
        "print(bad)\n"
    )
    import os

    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        timeout=60,
        env=dict(os.environ),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_show_of_an_archived_skill(
    run: Run, small: Path, write_yaml: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    run.ok("log", "cpp-memory", "25m")
    text = small.read_text().replace(
        "          - id: cpp-memory\n            name: Memory model\n", ""
    )
    assert "cpp-memory" not in text
    monkeypatch.setenv("ROADMAP_SKILLS", str(write_yaml(text)))  # type: ignore[operator]
    data = run.json("show", "cpp-memory")
    assert data["archived"] is True
    assert data["minutes_total"] == 25
    assert data["unlocked"] is None and data["hours_to_next_level"] is None
    assert "(archived)" in run.ok("show", "cpp-memory").stdout
    # the parent now rolls up its one remaining child
    assert [c["id"] for c in run.json("show", "cpp")["children"]] == ["cpp-templates"]
