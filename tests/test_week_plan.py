"""This week's plan against what was logged: `status` (its `this_week`, the "Plan" line and
`--full`'s table) and `plan` re-planning the rest of the week, on both backends.

"This week" is the ISO week of the local day, Monday to Sunday in the machine's zone. Each
test pins ROADMAP_NOW: a Monday, a Sunday, the first and the last day of a month (weeks that
cross a month and a year), and Berlin, where the week starts an hour before it does in UTC.
The small tree has a weekly goal of 5 h; without stored slots the plan uses the evenings
19:00-21:00."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run, Sql

pytestmark = pytest.mark.usefixtures("backend")

WEEK_KEYS = {
    "first_day",
    "last_day",
    "goal_minutes",
    "done_minutes",
    "to_do_minutes",
    "to_do_blocks",
    "skills",
    "next_block",
}
ROW_KEYS = {"skill", "name", "done_minutes", "to_do_minutes", "to_do_blocks"}


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's zone is UTC (the ``berlin`` fixture, set up after this one, moves it)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch, small: Path) -> Any:
    def set_now(moment: str) -> None:
        monkeypatch.setenv("ROADMAP_NOW", moment)

    return set_now


def _agree(week: dict[str, Any], plan: dict[str, Any]) -> None:
    """`status`'s to-do is exactly what `plan` lays now."""
    assert week["to_do_minutes"] == sum(b["minutes"] for b in plan["blocks"])
    assert week["to_do_blocks"] == len(plan["blocks"])
    planned: dict[str, int] = {}
    for b in plan["blocks"]:
        planned[b["skill"]] = planned.get(b["skill"], 0) + b["minutes"]
    assert {r["skill"]: r["to_do_minutes"] for r in week["skills"] if r["to_do_blocks"]} == planned
    first = plan["blocks"][0] if plan["blocks"] else None
    if first is None:
        assert week["next_block"] is None
    else:
        assert week["next_block"] == {
            k: first[k] for k in ("start", "end", "minutes", "skill", "name")
        }


def test_on_a_monday_the_whole_week_is_to_do(run: Run, at: Any) -> None:
    at("2026-11-30T09:00:00+00:00")  # Monday, and the last day of November
    plan = run.json("plan")
    assert (plan["first_day"], plan["last_day"]) == ("2026-11-30", "2026-12-06")
    assert plan["hours"] == 5.0 and plan["planned_hours"] == 5.0
    assert plan["blocks"][0]["start"] == "2026-11-30T19:00+00:00"
    week = run.json("status")["this_week"]
    assert set(week) == WEEK_KEYS and all(set(r) == ROW_KEYS for r in week["skills"])
    assert (week["first_day"], week["last_day"]) == ("2026-11-30", "2026-12-06")
    assert week["goal_minutes"] == 300 and week["done_minutes"] == 0
    assert week["to_do_minutes"] == 300
    _agree(week, plan)
    shown = run.ok("status").stdout
    assert "Plan       5.0h to do in 3 blocks; next Mon 19:00-21:00 Linear algebra" in shown


def test_later_in_the_week_what_was_logged_is_done_and_the_rest_replanned(
    run: Run, at: Any
) -> None:
    at("2026-12-02T08:00:00+00:00")  # Wednesday
    run.ok("log", "linalg", "2h", "--on", "2026-11-30T19:00")  # Monday: this week
    run.ok("log", "calculus", "30m", "--on", "2026-12-01T19:00")
    run.ok("log", "cpp-memory", "45m", "--on", "2026-11-29T19:00")  # Sunday: last week
    plan = run.json("plan")
    assert (plan["first_day"], plan["last_day"]) == ("2026-12-02", "2026-12-06")
    assert plan["logged_hours_this_week"] == 2.5 and plan["hours"] == 2.5
    assert plan["planned_hours"] == 2.5
    assert plan["blocks"][0]["start"] == "2026-12-02T19:00+00:00"  # never before now
    week = run.json("status")["this_week"]
    assert week["done_minutes"] == 150 and week["to_do_minutes"] == 150
    done = {r["skill"]: r["done_minutes"] for r in week["skills"]}
    assert done.get("linalg") == 120 and done.get("calculus") == 30
    assert "cpp-memory" not in done  # last week's
    _agree(week, plan)
    full = run.ok("status", "--full").stdout
    assert "This week by skill (2026-11-30 to 2026-12-06)" in full
    # with the goal met, nothing is left: plan and status agree
    run.ok("log", "linalg", "3h", "--on", "2026-12-01T08:00")
    assert run.json("plan")["blocks"] == []
    week = run.json("status")["this_week"]
    assert week["done_minutes"] == 330 and week["to_do_blocks"] == 0
    assert week["next_block"] is None
    assert "the goal is met: nothing left to plan" in run.ok("status").stdout


def test_on_a_sunday_only_sunday_is_left(run: Run, at: Any) -> None:
    at("2026-12-06T10:00:00+00:00")  # Sunday
    run.ok("log", "linalg", "1h", "--on", "2026-11-30T20:00")  # Monday, the same week
    plan = run.json("plan")
    assert plan["first_day"] == plan["last_day"] == "2026-12-06"
    assert plan["hours"] == 4.0 and plan["planned_hours"] == 2.0  # one evening holds 2 h
    assert [b["start"] for b in plan["blocks"]] == ["2026-12-06T19:00+00:00"]
    week = run.json("status")["this_week"]
    assert (week["first_day"], week["last_day"]) == ("2026-11-30", "2026-12-06")
    assert week["done_minutes"] == 60 and week["to_do_minutes"] == 120
    _agree(week, plan)
    at("2026-12-06T21:30:00+00:00")  # Sunday night: the week is over
    week = run.json("status")["this_week"]
    assert week["to_do_blocks"] == 0 and run.json("plan")["blocks"] == []
    assert "nothing planned: no free study slot left this week" in run.ok("status").stdout
    at("2026-12-07T00:30:00+00:00")  # Monday: a new week, nothing done yet
    week = run.json("status")["this_week"]
    assert (week["first_day"], week["done_minutes"], week["to_do_minutes"]) == (
        "2026-12-07",
        0,
        300,
    )


def test_the_week_crosses_a_month_and_a_year(run: Run, at: Any) -> None:
    at("2026-12-01T12:00:00+00:00")  # Tuesday, the first day of December
    run.ok("log", "linalg", "1h", "--on", "2026-11-30T19:00")  # in November, this week
    assert run.json("status")["this_week"]["done_minutes"] == 60
    assert run.json("plan")["hours"] == 4.0
    at("2026-12-31T12:00:00+00:00")  # Thursday, the last day of the year
    run.ok("log", "calculus", "90m", "--on", "2026-12-28T19:00")  # Monday of that week
    plan = run.json("plan")
    assert (plan["first_day"], plan["last_day"]) == ("2026-12-31", "2027-01-03")
    assert plan["logged_hours_this_week"] == 1.5 and plan["hours"] == 3.5
    assert plan["blocks"][-1]["start"].startswith("2027-01-0")
    week = run.json("status")["this_week"]
    assert (week["first_day"], week["last_day"]) == ("2026-12-28", "2027-01-03")
    assert week["done_minutes"] == 90
    _agree(week, plan)


@pytest.mark.usefixtures("berlin")
def test_in_berlin_the_week_starts_at_local_midnight(run: Run, at: Any) -> None:
    # Sunday 22:45 in Berlin (21:45 UTC): a session of last week
    at("2026-11-29T21:45:00+00:00")
    run.ok("log", "linalg", "30m", "--on", "2026-11-29T22:00")
    # 00:30 on Monday in Berlin, still Sunday 23:30 in UTC
    at("2026-11-29T23:30:00+00:00")
    plan = run.json("plan")
    assert (plan["first_day"], plan["last_day"]) == ("2026-11-30", "2026-12-06")
    assert plan["logged_hours_this_week"] == 0 and plan["hours"] == 5.0
    assert plan["blocks"][0]["start"] == "2026-11-30T19:00+01:00"  # the evening, Berlin time
    week = run.json("status")["this_week"]
    assert (week["first_day"], week["done_minutes"], week["to_do_minutes"]) == (
        "2026-11-30",
        0,
        300,
    )
    _agree(week, plan)
    run.ok("log", "calculus", "20m", "--on", "2026-11-30T00:05")  # after midnight, Berlin
    week = run.json("status")["this_week"]
    assert week["done_minutes"] == 20 and week["to_do_minutes"] == 280


def test_without_a_goal_status_has_no_plan_line(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.conftest import SMALL

    tree = tmp_path / "nogoal.yaml"
    tree.write_text(SMALL.read_text().replace("weekly_goal_hours: 5\n", ""))
    monkeypatch.setenv("ROADMAP_SKILLS", str(tree))
    monkeypatch.setenv("ROADMAP_NOW", "2026-12-02T08:00:00+00:00")
    run.ok("log", "linalg", "1h", "--on", "2026-11-30T19:00")
    week = run.json("status")["this_week"]
    assert week["goal_minutes"] is None and week["to_do_blocks"] == 0
    assert week["done_minutes"] == 60 and week["skills"][0]["skill"] == "linalg"
    assert "Plan " not in run.ok("status").stdout


def test_unreadable_slots_leave_status_working(run: Run, at: Any, sql: Sql) -> None:
    at("2026-12-02T08:00:00+00:00")
    run.ok("plan", "--set", "sat 09:00-12:00")
    sql("UPDATE meta SET value = 'someday 25:00' WHERE key = 'plan_slots'")
    week = run.json("status")["this_week"]
    assert week["goal_minutes"] == 300 and week["to_do_blocks"] == 0
    result = run("plan")
    assert result.exit_code == 2 and "the stored study slots cannot be read" in result.stderr
