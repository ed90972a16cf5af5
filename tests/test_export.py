"""Exports (md, json, csv, html) and imports (json, watson, timewarrior, csv), hostile text."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import ROOT, Run

HOSTILE_NOTE = "<script>alert(1)</script> | pipe\nnew line [bold]markup[/bold]"
FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture
def history(run: Run, small: Path) -> Run:
    run.ok("log", "linalg", "1h30m", "--on", "-3d", "--note", HOSTILE_NOTE, "--tag", "@evil")
    run.ok("log", "calculus", "45m", "--on", "-1d", "--note", FORMULA)
    run.ok("log", "cpp-memory", "20m", "--note", "-2+3", "--link", "https://x.org/a?b=<c>")
    run.ok("check", "linalg", "1.1", "--note", "<b>done</b>")
    run.ok("assess", "calculus", "2", "--note", "| table breaker")
    return run


def test_json_export_matches_its_schema(history: Run) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    doc = json.loads(history.ok("export", "--format", "json").stdout)
    schema = json.loads((ROOT / "docs" / "export.schema.json").read_text())
    jsonschema.validate(doc, schema)
    assert doc["format"] == "roadmap-export" and doc["version"] == 1
    assert [s["minutes"] for s in doc["sessions"]] == [90, 45, 20]
    assert doc["milestone_checks"][0]["milestone"] == "explain-lu"
    assert doc["assessments"][0]["level"] == 2
    assert {c["skill"] for c in doc["level_history"]} == {"linalg", "calculus"}


def test_json_round_trip_through_an_empty_data_dir(
    history: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = json.loads(history.ok("export", "--format", "json").stdout)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(first))
    monkeypatch.setenv("ROADMAP_HOME", str(tmp_path / "fresh"))
    result = history.json("import", str(path))
    assert result["imported"] == 3
    second = json.loads(history.ok("export", "--format", "json").stdout)
    first.pop("exported_at")
    second.pop("exported_at")
    assert second == first
    again = history.json("import", str(path))
    assert again["imported"] == 0 and again["duplicates"] == 3


def test_csv_escapes_formulas_and_keeps_numbers(history: Run) -> None:
    text = history.ok("export", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "id",
        "date",
        "start",
        "minutes",
        "skill_id",
        "skill_name",
        "pillar",
        "tags",
        "note",
        "links",
        "source",
    ]
    notes = [r[8] for r in rows[1:]]
    assert "'" + FORMULA in notes
    assert "'-2+3" in notes
    assert "'@evil" in [r[7] for r in rows[1:]]
    assert all(r[3].isdigit() for r in rows[1:])
    for row in rows[1:]:
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", cell


def test_markdown_tables_are_not_broken_by_user_text(history: Run, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE skill SET name = 'Lin|alg <i>x</i>' WHERE id = 'linalg'")
    conn.commit()
    conn.close()
    text = history.ok("export", "--format", "md").stdout
    assert text.startswith("# Progress: Small test tree")
    assert "Lin\\|alg &lt;i&gt;x&lt;/i&gt;" in text
    for line in text.splitlines():
        if line.startswith("|"):
            cells = line.replace("\\|", "").count("|")
            header = cells
            assert cells == header
    assert "<i>" not in text and "<script>" not in text


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_is_self_contained_and_escaped(
    history: Run, db_path: Path, tmp_path: Path
) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE skill SET name = '<script>alert(2)</script>' WHERE id = 'linalg'")
    conn.commit()
    conn.close()
    out = tmp_path / "report.html"
    history.ok("export", "--format", "html", "-o", str(out))
    page = out.read_text()
    parser = Collector()
    parser.feed(page)
    assert "script" not in parser.tags
    assert parser.urls == []
    assert "<script>alert(2)</script>" in "".join(parser.text)  # shown, as text
    assert "svg" in parser.tags and "polygon" in parser.tags and "rect" in parser.tags
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert list(tmp_path.glob(".report.html.*")) == []


def test_failed_export_leaves_the_old_file(history: Run, tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    out.write_text("old")
    result = history("export", "--format", "md", "--target", "nope", "-o", str(out))
    assert result.exit_code == 2
    assert out.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


WATSON = [
    [1763200800, 1763204400, "linalg", "a1", ["book"], 1763204400],
    [1763287200, 1763289000, "Calculus", "a2", [], 1763289000],
    [1763373600, 1763377200, "gpu", "a3", ["linalg"], 1763377200],
]


def test_watson_import_maps_projects_and_is_idempotent(
    run: Run, small: Path, tmp_path: Path
) -> None:
    frames = tmp_path / "frames"
    frames.write_text(json.dumps(WATSON))
    result = run.json("import", str(frames))
    assert result["imported"] == 3  # 'gpu' resolves through its tag 'linalg'
    sessions = run.json("sessions")
    assert sorted(s["skill"] for s in sessions) == ["calculus", "linalg", "linalg"]
    assert {s["source"] for s in sessions} == {"watson"}
    assert run.json("import", str(frames))["duplicates"] == 3


def test_unknown_skills_stop_the_import_unless_mapped(
    run: Run, small: Path, tmp_path: Path, db_path: Path
) -> None:
    frames = tmp_path / "frames"
    frames.write_text(
        json.dumps(
            [
                [1763200800, 1763204400, "cooking", "z1", [], 0],
                [1763287200, 1763289000, "linalg", "z2", [], 0],
            ]
        )
    )
    refused = run("import", str(frames))
    assert refused.exit_code == 65
    assert "unknown skills, nothing imported: cooking (1)" in refused.stderr
    assert run.json("sessions") == []
    assert run.json("import", str(frames), "--skip-unknown")["imported"] == 1
    assert run.json("import", str(frames), "--map", "cooking=calculus")["imported"] == 1


def test_timewarrior_import_skips_running_intervals(run: Run, small: Path, tmp_path: Path) -> None:
    export = tmp_path / "timew.json"
    export.write_text(
        json.dumps(
            [
                {
                    "id": 2,
                    "start": "20261120T090000Z",
                    "end": "20261120T103000Z",
                    "tags": ["linalg", "deep"],
                    "annotation": "LU",
                },
                {"id": 1, "start": "20261121T090000Z", "tags": ["calculus"]},
            ]
        )
    )
    result = run.json("import", str(export))
    assert result["imported"] == 1 and result["skipped_running"] == 1
    session = run.json("sessions")[0]
    assert session["minutes"] == 90 and session["note"] == "LU" and "deep" in session["tags"]


def test_csv_round_trip(history: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.csv"
    path.write_text(history.ok("export", "--format", "csv").stdout)
    monkeypatch.setenv("ROADMAP_HOME", str(tmp_path / "fresh"))
    assert history.json("import", str(path))["imported"] == 3
    notes = sorted(s["note"] for s in history.json("sessions"))
    assert FORMULA in notes and HOSTILE_NOTE in notes


def test_dry_run_writes_nothing(run: Run, small: Path, tmp_path: Path) -> None:
    frames = tmp_path / "frames"
    frames.write_text(json.dumps(WATSON))
    result = run.json("import", str(frames), "--dry-run")
    assert result["imported"] == 3 and result["dry_run"] is True
    assert run.json("sessions") == []


def test_import_can_be_undone(run: Run, small: Path, tmp_path: Path) -> None:
    frames = tmp_path / "frames"
    frames.write_text(json.dumps(WATSON))
    run.ok("import", str(frames))
    assert "import of 3 session(s)" in run.ok("undo").stdout
    assert run.json("sessions") == []


def test_backup_and_restore(run: Run, small: Path, tmp_path: Path) -> None:
    run.ok("log", "linalg", "1h")
    dest = tmp_path / "b.db"
    run.ok("backup", str(dest))
    run.ok("log", "linalg", "2h")
    assert len(run.json("sessions")) == 2
    run.ok("restore", str(dest), "--yes")
    assert [s["minutes"] for s in run.json("sessions")] == [60]
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"nope" * 100)
    refused = run("restore", str(bad), "--yes")
    assert refused.exit_code == 69
    assert [s["minutes"] for s in run.json("sessions")] == [60]
