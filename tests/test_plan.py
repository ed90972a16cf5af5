"""`roadmap plan`: the week's study blocks through the real CLI, on both backends; the slots
stored in the database; the calendar parsed back with the `icalendar` package."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import icalendar
import pytest

from tests.conftest import SMALL, ProcRunner, Run, Sql

pytestmark = pytest.mark.usefixtures("backend")

PLAN_KEYS = {
    "target",
    "first_day",
    "last_day",
    "slots",
    "default_slots",
    "goal_hours",
    "logged_hours_this_week",
    "hours",
    "planned_hours",
    "blocks",
}
BLOCK_KEYS = {"start", "end", "minutes", "skill", "name", "milestone", "reasons"}
TUESDAY_MORNING = "2026-12-01T09:00:00+00:00"


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch, small: Path) -> Any:
    def set_now(moment: str) -> None:
        monkeypatch.setenv("ROADMAP_NOW", moment)

    set_now(TUESDAY_MORNING)
    return set_now


def _spans(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(b["start"], b["end"], b["skill"]) for b in data["blocks"]]


def test_the_week_fills_the_evenings_with_unlocked_skills(run: Run, at: Any) -> None:
    data = run.json("plan")
    assert set(data) == PLAN_KEYS
    assert all(set(b) == BLOCK_KEYS for b in data["blocks"])
    assert data["first_day"] == "2026-12-01" and data["last_day"] == "2026-12-06"
    assert data["default_slots"] is True
    assert data["goal_hours"] == 5.0 and data["hours"] == 5.0 and data["planned_hours"] == 5.0
    assert _spans(data) == [
        ("2026-12-01T19:00+00:00", "2026-12-01T21:00+00:00", "linalg"),
        ("2026-12-02T19:00+00:00", "2026-12-02T21:00+00:00", "calculus"),
        ("2026-12-03T19:00+00:00", "2026-12-03T20:00+00:00", "linalg"),
    ]
    linalg = data["blocks"][0]
    assert linalg["milestone"] == {"ref": "1.1", "text": "Explain LU"}
    next_reasons = run.json("next")[0]
    assert next_reasons["skill"] == "linalg"
    assert linalg["reasons"] == next_reasons["reasons"]
    assert data["blocks"][1]["milestone"] is None  # calculus has no milestones
    # cpp's units are locked (they need linalg 1 and calculus 2): never planned
    assert {b["skill"] for b in data["blocks"]} <= {"linalg", "calculus"}
    shown = run.ok("plan").stdout
    assert "Linear algebra (linalg)" in shown and "1.1 Explain LU" in shown
    assert "5 h of 5 h planned" in shown


def test_never_in_the_past_and_the_rest_of_the_week_is_replanned(
    run: Run, at: Any, sql: Sql
) -> None:
    at("2026-12-01T19:40:00+00:00")  # Tuesday, inside the evening slot
    run.ok("log", "linalg", "2h", "--note", "done already")
    data = run.json("plan")
    assert data["logged_hours_this_week"] == 2.0
    assert data["hours"] == 3.0 and data["planned_hours"] == 3.0
    assert data["blocks"][0]["start"] == "2026-12-01T19:45+00:00"
    now = datetime(2026, 12, 1, 19, 40, tzinfo=timezone.utc)
    assert all(datetime.fromisoformat(b["start"]) >= now for b in data["blocks"])
    at("2026-12-06T21:30:00+00:00")  # Sunday night: nothing left of the week
    late = run.json("plan")
    assert late["blocks"] == [] and late["last_day"] == "2026-12-06"
    assert "Nothing planned" in run.ok("plan").stdout


def test_hours_and_days(run: Run, at: Any) -> None:
    data = run.json("plan", "--days", "14", "--hours", "10")
    assert data["last_day"] == "2026-12-14" and data["hours"] == 10.0
    assert data["planned_hours"] == 10.0
    assert sum(b["minutes"] for b in data["blocks"]) == 600
    pro_rata = run.json("plan", "--days", "7")
    assert pro_rata["hours"] == 5.0  # the weekly goal over 7 days


def test_slots_are_stored_and_used(run: Run, at: Any, sql: Sql) -> None:
    result = run.ok("plan", "--set", "wed , sat 09:00-10:30 ; mon-fri 06:00-06:30")
    assert "study slots saved: mon,tue,wed,thu,fri 06:00-06:30; wed,sat 09:00-10:30" in (
        result.stderr
    )
    stored = "mon,tue,wed,thu,fri 06:00-06:30; wed,sat 09:00-10:30"
    assert sql.one("SELECT value FROM meta WHERE key = 'plan_slots'") == stored
    data = run.json("plan")
    assert data["slots"] == stored and data["default_slots"] is False
    assert [b["start"][:16] for b in data["blocks"]] == [
        "2026-12-02T06:00",
        "2026-12-02T09:00",
        "2026-12-03T06:00",
        "2026-12-04T06:00",
        "2026-12-05T09:00",
    ]
    assert data["hours"] == 5.0 and data["planned_hours"] == 4.5  # all the slots hold
    # a sync of the skills file keeps them
    run.ok("sync")
    assert sql.one("SELECT value FROM meta WHERE key = 'plan_slots'") == stored


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--set", "mon 19:00-18:00"], "the end must come after the start"),
        (["--set", "someday 19:00-21:00"], "'someday' is not a day"),
        (["--set", ""], "no slot given"),
        (["--days", "0"], "--days must be from 1 to 28"),
        (["--days", "3", "--week"], "pick one"),
        (["--hours", "-1"], "--hours must be from 0 to 168"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    run: Run, at: Any, sql: Sql, args: list[str], says: str
) -> None:
    run.ok("plan", "--set", "sat 09:00-12:00")
    before = sql.dump()
    result = run("plan", *args)
    assert result.exit_code == 2, result.stderr
    assert says in result.stderr and "Traceback" not in result.stderr
    if args[0] == "--set":
        assert "write them as DAYS HH:MM-HH:MM" in result.stderr
    assert result.stdout == ""
    assert sql.dump() == before


def test_without_a_goal_it_asks_for_hours(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tree = tmp_path / "nogoal.yaml"
    tree.write_text(SMALL.read_text().replace("weekly_goal_hours: 5\n", ""))
    monkeypatch.setenv("ROADMAP_SKILLS", str(tree))
    monkeypatch.setenv("ROADMAP_NOW", TUESDAY_MORNING)
    result = run("plan")
    assert result.exit_code == 2
    assert "no weekly goal to plan from" in result.stderr and "--hours" in result.stderr
    assert run.json("plan", "--hours", "2")["planned_hours"] == 2.0


TRICKY = """version: 1
title: Tricky
default_target: t
weekly_goal_hours: 6
pillars:
  - id: p
    name: P
    skills:
      - id: odd
        name: "Odd; name, with \\\\ backslash"
        hours: 50
        milestones:
          1: ["Write a résumé of ünïcode, then; more — {long}"]
targets:
  - id: t
    name: T
    requires: {{odd: 2}}
""".format(long="é" * 60)


def test_the_calendar_parses_back_with_icalendar(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tree = tmp_path / "tricky.yaml"
    tree.write_text(TRICKY, encoding="utf-8")
    monkeypatch.setenv("ROADMAP_SKILLS", str(tree))
    monkeypatch.setenv("ROADMAP_NOW", TUESDAY_MORNING)
    out = tmp_path / "week.ics"
    data = json.loads(run.ok("plan", "--ics", str(out), "--json").stdout)
    raw = out.read_bytes()
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the long summary was folded
    cal = icalendar.Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(data["blocks"]) == 3
    for event, block in zip(events, data["blocks"], strict=True):
        assert event.decoded("DTSTART") == datetime.fromisoformat(block["start"])
        assert event.decoded("DTEND") == datetime.fromisoformat(block["end"])
        assert event.decoded("DTSTART").tzinfo is not None
        assert str(event["SUMMARY"]) == (
            "Study Odd; name, with \\ backslash: 1.1 "
            f"Write a résumé of ünïcode, then; more — {'é' * 60}"
        )
        assert str(event["DESCRIPTION"]) == "\n".join(block["reasons"])
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == 3
    # the same week exported again: the same events (same UIDs), not new ones
    monkeypatch.setenv("ROADMAP_NOW", "2026-12-01T10:00:00+00:00")
    again = tmp_path / "again.ics"
    run.ok("plan", "--ics", str(again))
    assert [
        str(e["UID"]) for e in icalendar.Calendar.from_ical(again.read_bytes()).walk("VEVENT")
    ] == uids


def test_evening_slots_stay_at_19_00_across_a_change_of_summer_time(
    proc: ProcRunner, small: Path
) -> None:
    env = {"TZ": "Europe/Paris", "ROADMAP_NOW": "2027-03-26T12:00:00+01:00"}  # Friday
    result = proc("plan", "--days", "4", "--hours", "8", "--json", env=env)
    assert result.returncode == 0, result.stderr
    starts = [b["start"] for b in json.loads(result.stdout)["blocks"]]
    assert starts == [
        "2027-03-26T19:00+01:00",
        "2027-03-27T19:00+01:00",
        "2027-03-28T19:00+02:00",  # the clocks went forward that night
        "2027-03-29T19:00+02:00",
    ]
