"""The views on a small tree with hand-made history: JSON contracts and exact numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Run


@pytest.fixture
def ready(run: Run, small: Path) -> Run:
    run.ok("tree")
    return run


def test_status_json_contract_and_numbers(ready: Run) -> None:
    data = ready.json("status")
    assert set(data) == {
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
    }
    assert data["target"] == {"id": "engineer", "name": "Engineer", "by": "2027-12-31"}
    # engineer requires linalg 3 (w3), cpp 2 (parent: its leaves cpp-templates, cpp-memory, w1 each),
    # calculus 1 (w1): nothing done yet
    assert data["readiness"] == 0.0
    assert [p["id"] for p in data["pillars"]] == ["math", "software"]
    assert set(data["pillars"][0]) == {"id", "name", "readiness", "minutes_week", "minutes_total"}
    assert data["weekly_goal_minutes"] == 300
    assert data["timer"] is None
    assert data["streak"] == {"current": 0, "longest": 0}
    gap = data["top_gaps"][0]
    assert set(gap) == {"skill", "name", "pillar", "current", "required", "gap", "weight"}
    assert gap["skill"] == "linalg" and gap["gap"] == 3
    rec = data["next"][0]
    assert set(rec) == {"skill", "name", "score", "reasons"} and rec["reasons"]


def test_checked_milestone_moves_readiness_by_the_formula(ready: Run) -> None:
    before = ready.json("status")["readiness"]
    ready.ok("check", "linalg", "1.1")
    after = ready.json("status")
    # Σw·req = 3·3 + 1·2 + 1·2 + 1·1 = 14; linalg now 1 → 3/14
    assert before == 0.0
    assert after["readiness"] == round(3 / 14, 3)
    math = next(p for p in after["pillars"] if p["id"] == "math")
    assert math["readiness"] == round(3 / 10, 3)  # linalg 3·3 + calculus 1·1
    gaps = {g["skill"]: g["gap"] for g in ready.json("gaps")}
    assert gaps["linalg"] == 2


def test_locked_skills_are_never_recommended(ready: Run) -> None:
    recs = [r["skill"] for r in ready.json("next", "--limit", "10")]
    # cpp-templates needs calculus 2; cpp-memory's parent cpp needs linalg 1: both locked now
    assert "cpp-templates" not in recs
    assert "cpp-memory" not in recs
    assert "calculus" in recs and "linalg" in recs


def test_gaps_pillar_filter_and_order(ready: Run) -> None:
    gaps = ready.json("gaps")
    weights = [g["weight"] * g["gap"] for g in gaps]
    assert weights == sorted(weights, reverse=True)
    assert {g["pillar"] for g in ready.json("gaps", "--pillar", "software")} == {"software"}


def test_forecast_without_sessions_says_the_needed_pace(ready: Run) -> None:
    data = ready.json("forecast")
    assert set(data) >= {
        "target",
        "remaining_hours",
        "pace_hours_per_week",
        "pace_12w_hours_per_week",
        "eta",
        "by",
        "on_track",
        "pillars",
    }
    # linalg 3 steps × 10h + calculus 1 × 5h + cpp leaves 2 × 20h × 2
    assert data["remaining_hours"] == 30 + 5 + 80
    assert data["pace_hours_per_week"] == 0
    assert data["eta"] is None
    assert data["needed_hours_per_week"] > 0
    text = ready.ok("forecast").stdout
    assert "needs" in text


def test_logged_time_reduces_remaining_effort_and_sets_pace(ready: Run) -> None:
    ready.ok("log", "linalg", "4h", "--on", "-1d")
    data = ready.json("forecast")
    assert data["remaining_hours"] == 115 - 4
    assert data["pace_hours_per_week"] == 1.0  # 4h over 4 weeks
    assert data["eta"] is not None


def test_report_counts_the_period(ready: Run) -> None:
    ready.ok("log", "linalg", "1h", "--on", "-40d")
    ready.ok("log", "calculus", "30m")
    ready.ok("check", "linalg", "1.1")
    week = ready.json("report", "--week")
    assert set(week) == {
        "since",
        "until",
        "minutes",
        "sessions",
        "pillars",
        "skills",
        "milestones_checked",
        "level_ups",
    }
    assert week["minutes"] == 30 and week["sessions"] == 1
    assert week["level_ups"] == [{"skill": "linalg", "from": 0, "to": 1}]
    everything = ready.json("report")
    assert everything["minutes"] == 90 and everything["sessions"] == 2
    assert everything["skills"][0] == {"id": "linalg", "name": "Linear algebra", "minutes": 60}


def test_show_lists_everything_about_a_skill(ready: Run) -> None:
    ready.ok("log", "cpp-templates", "20m", "--note", "SFINAE")
    data = ready.json("show", "cpp-templates")
    assert data["prerequisites"] == [
        {"skill": "calculus", "name": "Calculus", "level": 2, "current": 0, "met": False}
    ]
    assert data["unlocked"] is False
    assert data["minutes_total"] == 20
    assert data["recent_sessions"][0]["note"] == "SFINAE"
    assert ready.json("show", "linalg")["unlocks"] == [{"skill": "cpp", "name": "C++", "level": 1}]


def test_review_lists_stale_skills(ready: Run, db_path: Path) -> None:
    import sqlite3

    ready.ok("assess", "linalg", "2")
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE skill SET level_changed_at = '2020-01-01T00:00:00Z' WHERE id = 'linalg'")
    conn.commit()
    conn.close()
    stale = ready.json("review")
    assert stale[0]["skill"] == "linalg"
    assert stale[0]["interval_days"] == 14


def test_heatmap_renders_weeks(ready: Run) -> None:
    ready.ok("log", "linalg", "2h")
    out = ready.ok("heatmap", "--weeks", "8").stdout
    assert "Mon" in out and "less" in out and "more" in out
    assert "2.0h" in out


@pytest.mark.parametrize("width", ["60", "120"])
@pytest.mark.parametrize("color", [True, False])
def test_status_renders_at_each_width(
    ready: Run, width: str, color: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", width)
    if color:
        monkeypatch.delenv("NO_COLOR")
        monkeypatch.setenv("FORCE_COLOR", "1")
    ready.ok("log", "linalg", "1h", "--note", "[red]not markup[/red] \x1b[31m")
    ready.ok("start", "calculus")
    out = ready.ok("status").stdout
    lines = out.splitlines()
    import re

    plain = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in lines]
    assert max(len(line) for line in plain) <= int(width)
    assert "Target: Engineer" in plain[0]
    assert ("\x1b[" in out) == color
    # At any width the note shows as typed (markup literal, escapes made visible);
    # the JSON view carries it whole while the table may wrap it.
    sessions = re.sub(r"[\s│┃]+", "", ready.ok("sessions").stdout)
    assert "[red]notmarkup[/red]" in sessions
    assert "\\x1b[31m" in sessions
