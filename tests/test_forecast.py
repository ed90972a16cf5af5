"""An honest forecast (issue 16): pace over the history there is when it is shorter than 4
weeks, "not enough history yet" under 7 days or 3 sessions, a likely–cautious ETA range from
resampled weeks, and ``forecast --pace``. Every test pins ROADMAP_NOW."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap import analysis
from tests.conftest import Run

pytestmark = pytest.mark.usefixtures("backend")

TODAY = date(2026, 11, 20)
BY = date(2027, 12, 31)
REMAINING = 115.0  # the engineer target of tests/data/small.yaml, nothing done yet


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch, small: Path) -> Run:
    monkeypatch.setenv("ROADMAP_NOW", f"{TODAY}T20:00:00+00:00")
    run = Run()
    run.ok("tree")
    return run


def log_on(run: Run, days_ago: int, duration: str, skill: str = "cpp-memory") -> None:
    run.ok("log", skill, duration, "--on", (TODAY - timedelta(days=days_ago)).isoformat())


def test_fourteen_days_at_12_4_hours_a_week_is_on_pace(at: Run) -> None:
    """The issue's case: a user on pace was told "pace 6.2h/week … behind"."""
    for days_ago in range(0, 14, 2):  # 7 sessions over the last 14 days: 24.8 h
        log_on(at, days_ago, "3h32m" if days_ago else "3h44m")
    data = at.json("forecast")
    assert (data["history_days"], data["history_sessions"]) == (13, 7)
    assert data["enough_history"] is True and data["pace_days"] == 7  # its one whole week
    log_on(at, 13, "1m")  # the history now reaches back 14 days
    data = at.json("forecast")
    assert (data["history_days"], data["pace_days"]) == (14, 14)
    assert data["pace_hours_per_week"] == pytest.approx((6 * 212 + 224 + 1) / 60 / 2, abs=0.01)
    assert data["pace_hours_per_week"] > 12
    assert data["on_track"] is True
    text = at.ok("status").stdout
    assert "over 14 days of history" in text and "behind" not in text


def test_the_first_day_has_no_eta_only_the_hours_the_date_needs(at: Run) -> None:
    log_on(at, 0, "2h")
    data = at.json("forecast")
    assert (data["enough_history"], data["history_days"], data["history_sessions"]) == (
        False,
        1,
        1,
    )
    assert (data["eta"], data["eta_likely"], data["eta_cautious"], data["on_track"]) == (
        None,
        None,
        None,
        None,
    )
    weeks = (BY - TODAY).days / 7
    assert data["needed_hours_per_week"] == round((REMAINING - 2) / weeks, 2)
    text = at.ok("forecast").stdout
    assert "not enough history yet: arriving by 2027-12-31" in text
    assert "1 day, 1 session (a pace needs 7 days and 3 sessions)" in text
    assert f"needs {(REMAINING - 2) / weeks:.1f}h/week" in text
    assert "behind" not in text and "22" not in text.split("ETA", 1)[1].split(";")[0]
    assert "not enough history yet" in at.ok("status").stdout


@pytest.mark.parametrize(("days", "sessions"), [(6, 5), (30, 2)])
def test_under_7_days_or_3_sessions_is_not_enough(at: Run, days: int, sessions: int) -> None:
    for i in range(sessions):
        log_on(at, (days - 1) if i == 0 else 0, "1h", skill=["linalg", "calculus", "cpp"][i % 2])
    data = at.json("forecast")
    assert (data["history_days"], data["history_sessions"]) == (days, sessions)
    assert data["enough_history"] is False and data["eta"] is None


def test_steady_weeks_give_a_narrow_range_and_varied_weeks_a_wide_one(at: Run) -> None:
    for days_ago in range(28):  # 1 h every day: every week the same
        log_on(at, days_ago, "1h")
    data = at.json("forecast")
    eta = TODAY + timedelta(days=math.ceil(round(data["remaining_hours"] / 7 * 7, 9)))
    assert data["pace_hours_per_week"] == 7
    assert data["eta"] == data["eta_likely"] == data["eta_cautious"] == eta.isoformat()
    text = at.ok("forecast").stdout
    assert f"likely {eta}, cautious {eta}" in text
    assert "of 500 futures" in text


def test_varied_weeks_give_a_later_cautious_date(at: Run) -> None:
    for week, hours in enumerate(["1h", "12h", "2h", "13h"]):  # a mean of 7 h a week
        log_on(at, 7 * week + 6, hours)
    data = at.json("forecast")
    assert data["pace_hours_per_week"] == 7
    likely, cautious = (
        date.fromisoformat(data["eta_likely"]),
        date.fromisoformat(data["eta_cautious"]),
    )
    assert likely < cautious
    assert abs((likely - date.fromisoformat(data["eta"])).days) <= 14


def test_pace_answers_what_if(at: Run) -> None:
    log_on(at, 0, "1h")  # not enough history: an assumed pace still gives an ETA
    data = at.json("forecast", "--pace", "8h")
    assert data["pace_assumed"] is True and data["pace_hours_per_week"] == 8
    eta = TODAY + timedelta(days=math.ceil((REMAINING - 1) / 8 * 7))
    assert data["eta"] == data["eta_likely"] == data["eta_cautious"] == eta.isoformat()
    assert data["on_track"] is True
    assert sum(p["pace_hours_per_week"] for p in data["pillars"]) == pytest.approx(8, abs=0.02)
    assert {p["eta"] for p in data["pillars"]} == {eta.isoformat()}
    assert "pace 8.0h/week (assumed)" in at.ok("forecast", "--pace", "8h").stdout
    assert at.json("forecast", "--pace", "1h30m")["pace_hours_per_week"] == 1.5
    for bad in ("8", "0h", "200h", "soon"):
        result = at("forecast", "--pace", bad)
        assert result.exit_code == 2, bad
        assert "invalid --pace" in result.stderr and "Traceback" not in result.stderr


# --- the pure functions ------------------------------------------------------------------------


def test_window_is_whole_weeks_of_a_short_history() -> None:
    def window(days: int, longest: int = 28, whole_weeks: bool = True) -> int:
        return analysis.window_days(analysis.History(None, days, 10), longest, whole_weeks)

    assert [window(d) for d in (0, 1, 6, 7, 13, 14, 27, 28, 400)] == [1, 1, 6, 7, 7, 14, 21, 28, 28]
    assert window(60, 84) == 56 and window(400, 84) == 84
    assert window(60, 84, whole_weeks=False) == 60 and window(0, 84, whole_weeks=False) == 1


def test_weekly_hours_are_whole_blocks_ending_today() -> None:
    per_day = {TODAY: 60, TODAY - timedelta(days=6): 60, TODAY - timedelta(days=7): 120}
    assert analysis.weekly_hours(per_day, TODAY, 14) == [2.0, 2.0]
    assert analysis.weekly_hours(per_day, TODAY, 6) == []


def test_the_long_way_uses_the_normal_approximation() -> None:
    p50, p90 = analysis.weeks_needed_range(1000.0, [1.0, 3.0]) or (0, 0)
    assert p50 == 500.0
    # n·2 − 1.2816·1·√n = 1000
    assert p90 * 2 - 1.2816 * math.sqrt(p90) == pytest.approx(1000)


def test_no_hours_in_any_week_gives_no_range() -> None:
    assert analysis.weeks_needed_range(10.0, [0.0, 0.0]) is None
    assert analysis.weeks_needed_range(0.0, [0.0]) == (0.0, 0.0)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0.5, 300),
    st.lists(st.floats(0, 40).map(lambda x: round(x, 1)), min_size=1, max_size=12),
)
def test_range_is_ordered_and_within_the_extremes(remaining: float, weeks: list[float]) -> None:
    spread = analysis.weeks_needed_range(remaining, weeks)
    if max(weeks) <= 0:
        assert spread is None
        return
    assert spread is not None
    p50, p90 = spread
    assert p50 <= p90
    if remaining / (sum(weeks) / len(weeks)) <= 52:  # drawn: never faster than the best week
        assert p50 >= remaining / max(weeks) * (1 - 1e-9)
    assert analysis.weeks_needed_range(remaining, weeks) == spread  # deterministic


def test_a_narrow_terminal_says_not_enough_history_per_pillar(
    at: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_on(at, 0, "1h")
    monkeypatch.setenv("COLUMNS", "50")
    text = at.ok("forecast").stdout
    assert text.count("not enough history yet") == 3 and "no date" not in text
