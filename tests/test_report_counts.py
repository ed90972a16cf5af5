"""Progress that counts once (issue 16): a level-up counted once per net change in the period,
and a report's total equal to the sum of the parts it shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap import analysis
from tests.conftest import Run

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch, small: Path) -> Run:
    monkeypatch.setenv("ROADMAP_NOW", "2026-11-20T20:00:00+00:00")
    return Run()


def test_check_uncheck_check_is_one_level_up(at: Run) -> None:
    at.ok("check", "linalg", "1.1")
    at.ok("uncheck", "linalg", "1.1")
    at.ok("check", "linalg", "1.1")
    report = at.json("report", "--week")
    assert [(u["skill"], u["from"], u["to"]) for u in report["level_ups"]] == [("linalg", 0, 1)]
    assert "1 level-up" in at.ok("report", "--week").stdout
    at.ok("uncheck", "linalg", "1.1")  # back where it started: no level-up at all
    assert at.json("report", "--week")["level_ups"] == []
    at.ok("assess", "calculus", "1")
    at.ok("assess", "calculus", "3")
    ups = at.json("report", "--week")["level_ups"]
    assert [(u["skill"], u["from"], u["to"]) for u in ups] == [("calculus", 0, 3)]


def test_the_total_is_the_sum_of_the_parts_shown(at: Run) -> None:
    at.ok("log", "linalg", "208m")  # 3.47 h
    at.ok("log", "calculus", "166m")  # 2.77 h; together 6.23 h
    report = at.json("report", "--week")
    assert report["hours"] == 6.2
    assert [s["hours"] for s in report["skills"]] == [3.5, 2.7]
    assert [p["hours"] for p in report["pillars"]] == [6.2]
    text = at.ok("report", "--week").stdout
    assert "6.2h in 2 sessions" in text and "3.5h" in text and "2.7h" in text
    md = at.ok("export", "--format", "md").stdout
    assert "6.2 hours in 2 sessions" in md and "| 3.5 |" in md and "| 2.7 |" in md


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 5000), max_size=20))
def test_apportioned_hours_add_up_and_stay_close(minutes: list[int]) -> None:
    hours = analysis.apportion_hours(minutes)
    assert round(sum(hours) * 10) == analysis.tenths_of_hours(sum(minutes))
    for m, h in zip(minutes, hours, strict=True):
        assert abs(h - m / 60) < 0.1 + 1e-9


def test_net_level_ups_reset_at_a_calibration() -> None:
    changes = [
        ("a", 0, 2, True),  # calibrated: the starting level, not progress
        ("a", 2, 3, False),
        ("b", 1, 2, False),
        ("b", 2, 1, False),
        ("c", 0, 1, False),
        ("c", 1, 0, False),
        ("c", 0, 1, False),
    ]
    assert analysis.net_level_ups(changes) == [("a", 2, 3), ("c", 0, 1)]


def test_status_week_hours_add_up(at: Run) -> None:
    at.ok("log", "linalg", "208m")  # math
    at.ok("log", "cpp-memory", "166m")  # software; 6.23 h this week
    text = at.ok("status").stdout
    week_line = next(line for line in text.splitlines() if line.startswith("This week"))
    assert "6.2h" in week_line
    math_row = next(line for line in text.splitlines() if line.startswith("Math "))
    software_row = next(line for line in text.splitlines() if line.startswith("Software "))
    assert "3.5h" in math_row and "2.7h" in software_row
