"""A review is suggested (doctor, welcome screen) when the tree's ``reviewed:`` date is more
than a year before now; never before, and never for a file without the date."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roadmap.review import review_due, review_note, reviewed_in, year_before
from tests.conftest import SMALL, Run

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "skills.yaml"
WELCOME = "roadmap tracks your skill roadmap"


def tree_reviewed_on(tmp_path: Path, reviewed: str | None) -> Path:
    """The small test tree, with a top-level ``reviewed:`` line (or none)."""
    text = SMALL.read_text(encoding="utf-8")
    if reviewed is not None:
        text = text.replace("version: 1\n", f"version: 1\nreviewed: {reviewed}\n", 1)
        assert f"reviewed: {reviewed}" in text
    path = tmp_path / "skills.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("ROADMAP_NOW", moment)


def test_due_only_after_more_than_a_year() -> None:
    reviewed = date(2026, 12, 1)
    assert not review_due(reviewed, date(2026, 12, 1))
    assert not review_due(reviewed, date(2027, 12, 1))  # exactly a year: not yet
    assert review_due(reviewed, date(2027, 12, 2))
    assert not review_due(None, date(2099, 1, 1))
    assert not review_due(date(2030, 1, 1), date(2027, 1, 1))  # a date in the future


def test_a_leap_day_review_is_due_a_year_and_a_day_later() -> None:
    assert year_before(date(2028, 2, 29)) == date(2027, 2, 28)
    assert not review_due(date(2027, 2, 28), date(2028, 2, 29))
    assert review_due(date(2027, 2, 27), date(2028, 2, 29))


def test_the_note_names_the_file_the_date_and_how_to_refresh() -> None:
    note = review_note(date(2026, 12, 1), date(2028, 1, 1), "/x/skills.yaml")
    assert note is not None
    assert "/x/skills.yaml" in note and "2026-12-01" in note and "396 days" in note
    assert "docs/bundled-roadmap.md" in note
    assert review_note(date(2026, 12, 1), date(2027, 6, 1), "/x/skills.yaml") is None


@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)),
    style=st.sampled_from(["{d}", "'{d}'", '"{d}"', "{d}  # last review", "{d}\r"]),
    before=st.text(alphabet="abc: \n", max_size=30),
)
def test_reviewed_in_reads_the_top_level_date(day: date, style: str, before: str) -> None:
    line = "reviewed: " + style.format(d=day.isoformat())
    text = f"{before}\nversion: 1\n{line}\ntitle: x\n"
    assert reviewed_in(text.encode()) == day


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\n",
        "version: 1\n  reviewed: 2020-01-01\n",  # nested: not the tree's date
        "version: 1\nreviewed: 2020-13-01\n",  # not a date
        "version: 1\nreviewed: 2020-01-01x\n",
        "version: 1\n# reviewed: 2020-01-01\n",
        "version: 1\nreviewed: '2020-01-01\"\n",  # mismatched quotes
    ],
)
def test_reviewed_in_ignores_what_is_not_the_top_level_date(text: str) -> None:
    assert reviewed_in(text.encode()) is None


def test_the_bundled_tree_says_when_it_was_reviewed() -> None:
    assert reviewed_in(BUNDLED.read_bytes()) == date(2026, 12, 1)


def test_welcome_suggests_a_review_of_an_old_tree(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROADMAP_SKILLS", str(tree_reviewed_on(tmp_path, "2026-12-01")))
    at(monkeypatch, "2027-12-01T12:00:00+00:00")
    out = run.ok().stdout
    assert WELCOME in out and "last reviewed" not in out
    at(monkeypatch, "2027-12-02T12:00:00+00:00")
    out = run.ok().stdout
    assert WELCOME in out
    assert "last reviewed on 2026-12-01 (366 days ago)" in out
    assert "Refreshing the tree" in out


def test_welcome_says_nothing_for_a_tree_without_a_date(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROADMAP_SKILLS", str(tree_reviewed_on(tmp_path, None)))
    at(monkeypatch, "2099-01-01T12:00:00+00:00")
    out = run.ok().stdout
    assert WELCOME in out and "reviewed" not in out


def test_welcome_on_the_bundled_tree(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROADMAP_SKILLS", str(BUNDLED))
    at(monkeypatch, "2026-12-01T09:00:00+00:00")
    assert "last reviewed" not in run.ok().stdout
    at(monkeypatch, "2028-03-01T09:00:00+00:00")
    assert "last reviewed on 2026-12-01" in run.ok().stdout


@pytest.mark.usefixtures("backend")
def test_doctor_suggests_a_review_as_a_warning(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    skills = tree_reviewed_on(tmp_path, "2026-12-01")
    monkeypatch.setenv("ROADMAP_SKILLS", str(skills))
    at(monkeypatch, "2027-06-01T12:00:00+00:00")
    run.ok("tree")  # creates the database and syncs the tree

    def checks() -> tuple[int, dict[str, Any]]:
        result = run("doctor", "--json")
        return result.exit_code, json.loads(result.stdout)

    code, data = checks()
    assert code == 0 and data["healthy"]
    assert not [c for c in data["checks"] if c["check"] == "review"]

    at(monkeypatch, (date(2027, 12, 1) + timedelta(days=40)).isoformat() + "T12:00:00+00:00")
    code, data = checks()
    assert code == 0 and data["healthy"], "a review reminder is a warning, not a problem"
    found = [c for c in data["checks"] if c["check"] == "review"]
    assert len(found) == 1 and found[0]["status"] == "warning", found
    assert str(skills) in found[0]["detail"] and "2026-12-01" in found[0]["detail"]
