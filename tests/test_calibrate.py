"""Calibration is not progress (issue 16): `roadmap calibrate` records starting levels that are
kept and shown but never counted as level-ups or pace; `assess --help` explains the levels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roadmap.cli import common
from tests.conftest import Run, Sql

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch, small: Path) -> Run:
    monkeypatch.setenv("ROADMAP_NOW", "2026-11-20T20:00:00+00:00")
    return Run()


def test_calibrated_levels_are_kept_and_shown_but_are_not_progress(at: Run, sql: Sql) -> None:
    result = at.ok("calibrate", "linalg=2", "cpp-memory=1")
    assert result.stdout == (
        "calibrated linalg at level 2; level 0 -> 2\ncalibrated cpp-memory at level 1; level 0 -> 1\n"
    )
    assert "not counted" in result.stderr
    assert sql("SELECT skill_id, level, kind FROM assessment ORDER BY skill_id") == [
        ("cpp-memory", 1, "calibrate"),
        ("linalg", 2, "calibrate"),
    ]
    show = at.json("show", "linalg")
    assert show["level"] == 2 and show["assessment"]["kind"] == "calibrate"
    assert "calibrated at 2 on 2026-11-20" in at.ok("show", "linalg").stdout
    report = at.json("report", "--week")
    assert report["level_ups"] == []
    html = at.ok("export", "--format", "html").stdout
    assert "0 level-ups" in html
    # Progress after the calibration counts from the calibrated level.
    at.ok("assess", "linalg", "3")
    ups = at.json("report", "--week")["level_ups"]
    assert [(u["skill"], u["from"], u["to"]) for u in ups] == [("linalg", 2, 3)]
    # Undo takes a calibration back like an assessment (the newest first).
    at.ok("undo")
    assert "calibrate cpp-memory at level 1" in at.ok("undo").stdout
    assert "calibrate linalg at level 2" in at.ok("undo").stdout
    assert at.json("show", "cpp-memory")["level"] == 0 and at.json("show", "linalg")["level"] == 0
    assert sql("SELECT skill_id FROM assessment") == []


def test_calibration_starts_the_history_but_adds_no_pace(
    at: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    at.ok("calibrate", "linalg=1")
    monkeypatch.setenv("ROADMAP_NOW", "2026-11-29T20:00:00+00:00")
    for day in ("2026-11-27", "2026-11-28", "2026-11-29"):
        at.ok("log", "calculus", "1h", "--on", day)
    data = at.json("forecast")
    assert (data["history_days"], data["history_sessions"], data["enough_history"]) == (10, 3, True)
    assert data["pace_days"] == 7 and data["pace_hours_per_week"] == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cpp=2"], "'cpp' is a group"),
        (["linalg"], "'linalg' is not SKILL=LEVEL"),
        (["linalg=9"], "'9' is not a level: levels are 0–5"),
        (["nope=1"], "nope"),
        ([], "give SKILL=LEVEL pairs"),
    ],
)
def test_bad_calibrations_write_nothing(at: Run, sql: Sql, args: list[str], message: str) -> None:
    at.ok("tree")
    before = sql.dump()
    result = at("calibrate", "linalg=1", *args) if args else at("calibrate")
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert sql.dump() == before


def test_calibrate_asks_on_a_terminal(at: Run, sql: Sql, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "is_interactive", lambda: True)
    # engineer requires linalg, calculus, cpp (its two skills), and the path to them
    result = at("calibrate", input="2\n\nx\n1\nq\n")
    assert result.exit_code == 0, result.stderr
    assert "1 Novice" in result.stderr and "5 Expert" in result.stderr  # the scale, explained
    assert "a whole number from 0 to 5" in result.stderr
    assert sql("SELECT skill_id, level, kind FROM assessment ORDER BY skill_id") == [
        ("cpp-templates", 1, "calibrate"),
        ("linalg", 2, "calibrate"),
    ]


def test_assess_help_explains_the_levels(at: Run) -> None:
    text = " ".join(at.ok("assess", "--help").stdout.split())
    for words in ("0 None", "1 Novice", "3 Competent", "5 Expert", "roadmap calibrate"):
        assert words in text, words


@pytest.mark.sqlite_only
def test_calibrations_survive_export_and_import(
    at: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at.ok("calibrate", "linalg=2")
    at.ok("assess", "calculus", "1")
    dump = tmp_path / "all.json"
    at.ok("export", "--format", "json", "-o", str(dump))
    kinds = {a["skill"]: a["kind"] for a in json.loads(dump.read_text())["assessments"]}
    assert kinds == {"linalg": "calibrate", "calculus": "assess"}
    monkeypatch.setenv("ROADMAP_HOME", str(tmp_path / "other"))
    at.ok("import", str(dump))
    assert Sql(tmp_path / "other")("SELECT skill_id, kind FROM assessment ORDER BY skill_id") == [
        ("calculus", "assess"),
        ("linalg", "calibrate"),
    ]
