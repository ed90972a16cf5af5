"""Exports (md, json, csv, html): golden files, schema, hostile text, atomic writes.

Time is fixed with ``ROADMAP_NOW`` and ``TZ`` so the golden files are reproducible.
Regenerate them after an intended change of output with::

    ROADMAP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_export.py -k golden
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA, ROOT, MadeOnce, Run, Sql, fresh_pg_database

pytestmark = pytest.mark.usefixtures("backend")

GOLDEN = DATA / "golden"
HOSTILE_TREE = GOLDEN / "hostile.yaml"
NOW = "2026-11-20T18:00:00+00:00"

HOSTILE_NOTE = "<script>alert(1)</script> | pipe\nnew line [bold]markup[/bold]"
FORMULA = "=cmd|' /C calc'!A0"
HOSTILE_NAMES = [
    "Hostile <script>alert('title')</script> | roadmap",
    "Math | <b>bold</b>",
    "<script>alert(1)</script>",
    "=SUM(A1:A9)",
    'C++ "quoted" [link](javascript:alert(3))',
    "@shell -tab",
    "Writing *bold* _under_ `code`",
    "Lead <img src=x onerror=alert(4)>",
]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROADMAP_NOW", NOW)
    monkeypatch.setenv("TZ", "UTC")
    if hasattr(time, "tzset"):
        time.tzset()


def at(run: Run, moment: str, *args: str) -> Any:
    """Run a command as if it were ``moment`` (UTC)."""
    saved = os.environ["ROADMAP_NOW"]
    os.environ["ROADMAP_NOW"] = moment
    try:
        return run.ok(*args)
    finally:
        os.environ["ROADMAP_NOW"] = saved


@pytest.fixture
def hostile(run: Run, monkeypatch: pytest.MonkeyPatch) -> Run:
    """A history on a tree whose every name is hostile, with hostile notes, tags, links."""
    monkeypatch.setenv("ROADMAP_SKILLS", str(HOSTILE_TREE))
    run.ok(
        "log", "linalg", "90m", "--on", "2026-11-01T09:00", "--note", HOSTILE_NOTE,
        "--tag", "@evil", "--tag", "deep work", "--link", "https://x.org/a?b=<c>&d=|",
    )  # fmt: skip
    run.ok("log", "calculus", "45m", "--on", "2026-11-03T18:30", "--note", FORMULA)
    run.ok("log", "cpp", "1h", "--on", "2026-11-05T07:15", "--note", "-2+3", "--tag", "=tag")
    run.ok("log", "shell", "30m", "--on", "2026-11-10T12:00", "--note", "\tTabbed")
    run.ok("log", "writing", "25m", "--on", "2026-11-12T20:00", "--note", "\rCR first")
    run.ok("log", "linalg", "2h", "--on", "2026-11-15", "--note", "+plus | <i>x</i>")
    at(run, "2026-11-06T12:00:00Z", "check", "linalg", "1.1", "--note", "<b>done</b>")
    at(run, "2026-11-08T09:00:00Z", "assess", "calculus", "1", "--note", "| table breaker")
    at(run, "2026-11-16T09:00:00Z", "assess", "cpp", "2", "--note", "=1+1")
    at(run, "2026-11-17T09:00:00Z", "review", "calculus", "--recall", "hard", "--note", "=2+2")
    return run


@pytest.fixture
def history(run: Run, small: Path) -> Run:
    """A short history on the small tree (two pillars)."""
    run.ok("log", "linalg", "1h30m", "--on", "-3d", "--note", HOSTILE_NOTE, "--tag", "@evil")
    run.ok("log", "calculus", "45m", "--on", "-1d", "--note", FORMULA)
    run.ok("log", "cpp-memory", "20m", "--note", "-2+3", "--link", "https://x.org/a?b=<c>")
    run.ok("check", "linalg", "1.1", "--note", "<b>done</b>")
    run.ok("assess", "calculus", "2", "--note", "| table breaker")
    return run


def use_a_fresh_database(
    home: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Sql:
    """Point the CLI at an empty data dir (and, on a server, a fresh database)."""
    monkeypatch.setenv("ROADMAP_HOME", str(home))
    if os.environ.get("ROADMAP_DB", "").startswith("postgresql"):
        monkeypatch.setenv("ROADMAP_DB", fresh_pg_database(request.getfixturevalue("pg_cluster")))
    return Sql(home)


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("ROADMAP_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8", newline="")
    with path.open(encoding="utf-8", newline="") as handle:
        expected = handle.read()
    assert text == expected, f"{name} differs from its golden file (see the module doc)"


# --- golden files ----------------------------------------------------------------------------


def test_markdown_matches_golden(hostile: Run) -> None:
    golden("export.md", hostile.ok("export", "--format", "md").stdout_bytes.decode())


def test_markdown_period_matches_golden(hostile: Run) -> None:
    text = hostile.ok("export", "--format", "md", "--since", "2026-11-09", "--until", "2026-11-20")
    golden("export-period.md", text.stdout_bytes.decode())


def test_csv_matches_golden(hostile: Run) -> None:
    golden("export.csv", hostile.ok("export", "--format", "csv").stdout_bytes.decode())


# --- JSON -----------------------------------------------------------------------------------


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / "docs" / "export.schema.json").read_text())
    return loaded


def validate(doc: Any) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(doc)


def test_json_export_matches_its_schema(hostile: Run) -> None:
    doc = json.loads(hostile.ok("export", "--format", "json").stdout)
    validate(doc)
    assert doc["format"] == "roadmap-export" and doc["version"] == 1
    assert doc["exported_at"] == "2026-11-20T18:00:00Z"
    assert [s["minutes"] for s in doc["sessions"]] == [90, 45, 60, 30, 25, 120]
    assert doc["sessions"][0]["note"] == HOSTILE_NOTE
    assert doc["sessions"][0]["tags"] == ["@evil", "deep work"]
    assert doc["milestone_checks"][0]["milestone"] == "cmd-c-calc-a0"
    assert [a["level"] for a in doc["assessments"]] == [1, 2]
    assert {c["skill"] for c in doc["level_history"]} == {"linalg", "calculus", "cpp"}
    tree = doc["tree"]
    assert tree["title"] == HOSTILE_NAMES[0]
    assert [t["id"] for t in tree["targets"]] == ["lead"]
    assert tree["targets"][0]["requires"]["cpp"] == 2
    assert {s["id"] for s in tree["skills"]} == {"linalg", "calculus", "cpp", "shell", "writing"}
    assert doc["timer"] is None


def test_json_with_a_timer_and_a_period_matches_its_schema(hostile: Run) -> None:
    hostile.ok("start", "writing", "--note", "<draft>")
    doc = json.loads(
        hostile.ok("export", "-f", "json", "--since", "2026-11-04", "--until", "2026-11-10").stdout
    )
    validate(doc)
    assert doc["since"] == "2026-11-04" and doc["until"] == "2026-11-10"
    assert [s["skill"] for s in doc["sessions"]] == ["cpp", "shell"]
    # events are filtered by the period too; the tree is always whole
    assert [c["milestone"] for c in doc["milestone_checks"]] == ["cmd-c-calc-a0"]
    assert [a["skill"] for a in doc["assessments"]] == ["calculus"]
    assert {c["skill"] for c in doc["level_history"]} == {"linalg", "calculus"}
    assert len(doc["tree"]["skills"]) == 5
    assert doc["timer"]["skill"] == "writing" and doc["timer"]["note"] == "<draft>"


def test_the_schema_has_teeth(hostile: Run) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    doc = json.loads(hostile.ok("export", "--format", "json").stdout)
    breakages: list[Callable[[dict[str, Any]], None]] = [
        lambda d: d["sessions"][0].update(extra=1),
        lambda d: d["sessions"][0].update(minutes="90"),
        lambda d: d["sessions"][0].update(started_at="2026-11-01 09:00"),
        lambda d: d.pop("level_history"),
        lambda d: d["tree"]["skills"][0].pop("pillar"),
        lambda d: d["tree"].update(unknown=[]),
        lambda d: d.update(format="something-else"),
        lambda d: d.update(version=2),
        lambda d: d["milestone_checks"][0].update(checked_at=None),
        lambda d: d["reviews"][0].update(recall="meh"),
    ]
    for breaking in breakages:
        broken = json.loads(json.dumps(doc))
        breaking(broken)
        with pytest.raises(jsonschema.ValidationError):
            validate(broken)


def test_json_round_trip_through_an_empty_data_dir(
    hostile: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    first = json.loads(hostile.ok("export", "--format", "json").stdout)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(first, indent=2))
    use_a_fresh_database(tmp_path / "fresh", monkeypatch, request)
    result = hostile.json("import", str(path))
    assert result["imported"] == 6 and result["state_items"] > 0
    second = json.loads(hostile.ok("export", "--format", "json").stdout)
    first.pop("exported_at")
    second.pop("exported_at")
    assert second == first
    again = hostile.json("import", str(path))
    assert again["imported"] == 0 and again["duplicates"] == 6 and again["state_items"] == 0


def test_json_import_into_the_same_data_dir_adds_nothing(hostile: Run, tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(hostile.ok("export", "--format", "json").stdout)
    before = hostile.json("sessions")
    result = hostile.json("import", str(path))
    assert result["imported"] == 0 and result["duplicates"] == 6
    assert hostile.json("sessions") == before


# --- CSV ------------------------------------------------------------------------------------


def test_csv_escapes_formulas_and_keeps_numbers(hostile: Run) -> None:
    text = hostile.ok("export", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "id", "date", "start", "minutes", "skill_id", "skill_name", "pillar",
        "tags", "note", "links", "source", "source_key",
    ]  # fmt: skip
    body = rows[1:]
    notes = [r[8] for r in body]
    assert "'" + FORMULA in notes and "'-2+3" in notes and "'\tTabbed" in notes
    assert "'\rCR first" in notes and "'+plus | <i>x</i>" in notes
    assert "'=SUM(A1:A9)" in [r[5] for r in body] and "'@shell -tab" in [r[5] for r in body]
    assert "'@evil, deep work" in [r[7] for r in body] and "'=tag" in [r[7] for r in body]
    for row in body:
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", cell
    # numbers stay numbers: unquoted, unprefixed
    for line in text.splitlines()[1:]:
        if line[:1].isdigit():
            assert line.split(",")[0].isdigit()
    assert ",90,linalg," in text and ",45,calculus," in text


def test_csv_period(hostile: Run) -> None:
    text = hostile.ok("export", "-f", "csv", "--since", "2026-11-04", "--until", "2026-11-10")
    rows = list(csv.DictReader(io.StringIO(text.stdout)))
    assert [(r["date"], r["skill_id"]) for r in rows] == [
        ("2026-11-05", "cpp"),
        ("2026-11-10", "shell"),
    ]


# --- Markdown -------------------------------------------------------------------------------


def _table_cells(line: str) -> int:
    return line.replace("\\|", "").count("|")


def test_markdown_tables_are_not_broken_by_user_text(hostile: Run) -> None:
    text = hostile.ok("export", "--format", "md").stdout
    assert text.startswith("# Progress: Hostile &lt;script&gt;alert('title')&lt;/script&gt;")
    lines = text.splitlines()
    tables: list[list[str]] = []
    for line in lines:
        if line.startswith("|"):
            if not tables or not lines[lines.index(line) - 1].startswith("|"):
                tables.append([])
            tables[-1].append(line)
    assert len(tables) >= 4
    for table in tables:
        width = _table_cells(table[0])
        assert all(_table_cells(row) == width for row in table), table
    assert "Math \\| &lt;b&gt;bold&lt;/b&gt;" in text
    assert 'C++ "quoted" \\[link\\](javascript:alert(3))' in text
    assert "Writing \\*bold\\* \\_under\\_ \\`code\\`" in text
    assert "People<br>skills" in text  # a newline in a table cell
    for needle in ("<script", "<b>", "<img"):
        assert needle not in text
    assert re.search(r"(?<!\\)\]\(javascript", text) is None  # no live link
    for raw in text.replace("<br>", "").splitlines():
        assert "<" not in raw, raw


def test_markdown_summary_sections(hostile: Run) -> None:
    text = hostile.ok("export", "--format", "md", "--since", "2026-11-01").stdout
    for heading in (
        "## Readiness by pillar",
        "## In the period",
        "## Biggest gaps",
        "## Next steps",
        "## Forecast",
    ):
        assert heading in text
    assert "**Target:** Lead &lt;img src=x onerror=alert(4)&gt; (by 2027-06-30)" in text
    assert (
        "- =SUM(A1:A9): level 0 → 1" in text
        and "- &lt;script&gt;alert(1)&lt;/script&gt;: level 0 → 1" in text
    )
    assert "Milestones checked:" in text and "=cmd\\|' /C calc'!A0" in text
    assert "| &lt;script&gt;alert(1)&lt;/script&gt; | 3.5 |" in text  # top skills, hours


# --- HTML ------------------------------------------------------------------------------------


class Page(HTMLParser):
    """Everything a reader (or an attacker) could get out of the report."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def html_report(run: Run, tmp_path: Path, *args: str) -> str:
    out = tmp_path / "report.html"
    run.ok("export", "--format", "html", "-o", str(out), *args)
    return out.read_text(encoding="utf-8")


def test_html_report_escapes_every_user_string(hostile: Run, tmp_path: Path) -> None:
    page = parse(html_report(hostile, tmp_path, "--since", "2026-11-01"))
    text = "".join(page.text)
    for name in HOSTILE_NAMES:  # shown, as text
        assert name in text, name
    assert "Line one\nline two | piped" not in text  # level 2 milestone: never checked
    assert "=cmd|' /C calc'!A0" in text
    assert set(page.tags) <= {
        "html", "head", "meta", "title", "style", "body", "header", "main", "section", "footer",
        "h1", "h2", "h3", "p", "strong", "span", "div", "br", "ul", "ol", "li", "code",
        "table", "thead", "tbody", "tr", "th", "td",
        "svg", "g", "line", "polygon", "polyline", "path", "rect", "circle", "text",
    }  # fmt: skip
    for tag, name, _value in page.attrs:
        assert not name.startswith("on"), (tag, name)
        assert name not in ("href", "src", "srcset", "action", "formaction", "xlink:href"), name


def test_html_report_is_self_contained(hostile: Run, tmp_path: Path) -> None:
    raw = html_report(hostile, tmp_path)
    page = parse(raw)
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert "iframe" not in page.tags and "object" not in page.tags
    lowered = raw.lower()
    for needle in ("http://", "https://", "url(", "@import", "//cdn", "<script"):
        assert needle not in lowered, needle
    assert raw.count("<style>") == 1  # all CSS inline
    assert list(tmp_path.glob(".report.html*")) == []


def test_html_report_reads_on_a_phone_and_on_paper(hostile: Run, tmp_path: Path) -> None:
    page = parse(html_report(hostile, tmp_path))
    metas = {(name, value) for tag, name, value in page.attrs if tag == "meta"}
    assert ("content", "width=device-width, initial-scale=1") in metas
    assert ("name", "viewport") in metas
    assert "@media print" in page.style and "@page" in page.style
    assert "break-inside:avoid" in page.style and "print-color-adjust:exact" in page.style
    assert "@media (max-width:" in page.style
    assert "svg{display:block;max-width:100%;height:auto" in page.style
    assert "table.reflow thead{display:none}" in page.style  # tables reflow on a phone
    # every chart scales with its viewBox and says what it shows (sizes: test_report_browser)
    svgs = page.tags.count("svg")
    svg_attrs = [(n, v) for t, n, v in page.attrs if t == "svg"]
    assert svgs >= 6
    assert sum(1 for n, _ in svg_attrs if n == "viewbox") == svgs
    assert sum(1 for n, v in svg_attrs if n == "role" and v == "img") == svgs


def test_html_report_charts(hostile: Run, tmp_path: Path) -> None:
    raw = html_report(hostile, tmp_path)
    page = parse(raw)
    labels = [v for t, n, v in page.attrs if t == "svg" and n == "aria-label"]
    # a bar pair per pillar (now against required), full names, then the charts
    assert len(labels) == 3 + 4, labels
    assert labels[0].startswith("Math | <b>bold</b>: level ")
    assert labels[3:] == [
        "Hours per week by pillar",
        "Readiness over time",
        "Minutes studied per day",
        "Forecast range",
    ]
    # readiness over time: a dot per day with level changes, and today's value
    # and the likely (P50) and cautious (P90) ETAs on the forecast's timeline
    assert page.tags.count("circle") == 4 + 2
    text = "".join(page.text)
    for day in ("2026-11-06: 23%", "2026-11-08: 31%", "2026-11-16: 62%", "2026-11-20: 62%"):
        assert day in text, re.findall(r"2026-11-\d+: \d+%", text)
    assert re.search(r"From 23% on 2026-11-06 to 62% today \(\+39 points\)", text), text
    # the calendar: a cell per day, with the minutes in its tooltip; the year's total beside it
    assert "2026-11-01: 90 min" in text and "2026-11-15: 120 min" in text
    assert "Last 12 months" in text
    # hours per week, stacked by pillar; where the time went by skill
    assert "week of 2026-10-26: Math | <b>bold</b> 1.5 h" in text
    assert "Top skills in the period" in text
    for section in ("Where I stand", "Readiness over time", "Study calendar", "Biggest gaps"):
        assert section in text
    assert "Next steps" in text and "Forecast" in text and "Level-ups" in text
    assert "…" not in text  # names are never cut


def test_html_report_period_hours_only_when_they_differ(hostile: Run, tmp_path: Path) -> None:
    whole = "".join(parse(html_report(hostile, tmp_path)).text)
    assert "Period h" not in whole and "Total h" not in whole and "(all of it)" in whole
    part = "".join(parse(html_report(hostile, tmp_path, "--since", "2026-11-10")).text)
    assert "Period h" in part and "Total h" in part and "(all of it)" not in part


def test_html_report_shows_the_forecast_range_when_there_is_one() -> None:
    from roadmap.report_html import forecast_range, quantiles

    fc: dict[str, Any] = {
        "eta": "2030-01-01",
        "eta_likely": "2029-06-01",
        "eta_cautious": "2031-02-01",
        "by": "2030-06-30",
        "on_track": False,
    }
    assert [(q["label"], q["date"]) for q in quantiles(fc)] == [
        ("P50", "2029-06-01"),
        ("P90", "2031-02-01"),
    ]
    line = forecast_range(fc, "2026-11-20")
    assert line is not None and [m["label"] for m in line["marks"]] == ["P50", "P90"]
    assert line["colour"] == "#c0392b"  # behind
    assert quantiles({"eta": "2030-01-01", "eta_likely": None}) == []
    assert forecast_range({"eta": None, "by": None, "on_track": None}, "2026-11-20") is None


def test_html_report_with_two_pillars_draws_bars(history: Run, tmp_path: Path) -> None:
    page = parse(html_report(history, tmp_path))
    assert "polygon" not in page.tags
    labels = [v for t, n, v in page.attrs if t == "svg" and n == "aria-label"]
    assert len([label for label in labels if ": level " in label]) == 2


def test_html_report_of_an_empty_history(run: Run, small: Path, tmp_path: Path) -> None:
    page = parse(html_report(run, tmp_path))
    text = "".join(page.text)
    assert "No level changes yet." in text
    assert "Nothing logged, levelled or checked in this period." in text


# --- atomic writes and errors ------------------------------------------------------------------


def test_failed_export_leaves_the_old_file(history: Run, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    out = tmp_path / "out.md"
    out.write_text("old")
    result = history("export", "--format", "md", "--target", "nope", "-o", str(out))
    assert result.exit_code == 2
    assert out.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_interrupted_export_leaves_the_old_file(
    history: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roadmap import export

    real = export.write_csv

    def interrupted(*args: Any, **kwargs: Any) -> int:
        real(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(export, "write_csv", interrupted)
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    out = tmp_path / "out.csv"
    out.write_text("old")
    result = history("export", "--format", "csv", "-o", str(out))
    assert result.exit_code == 130
    assert "interrupted" in result.stderr
    assert out.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.mark.parametrize("tmpfile", ["unnamed", "named"])
def test_export_replaces_the_file_and_keeps_its_mode(
    history: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tmpfile: str
) -> None:
    if tmpfile == "named":  # no O_TMPFILE (macOS, some file systems): a named temp file
        monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    out = tmp_path / "out.csv"
    out.write_text("old")
    out.chmod(0o640)
    history.ok("export", "--format", "csv", "-o", str(out))
    assert out.read_text().startswith("id,date,start")
    assert out.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    fresh = tmp_path / "new.csv"
    old_umask = os.umask(0o022)
    try:
        history.ok("export", "--format", "csv", "-o", str(fresh))
    finally:
        os.umask(old_umask)
    assert fresh.stat().st_mode & 0o777 == 0o644


def test_export_when_the_unnamed_file_cannot_be_linked(
    history: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", refuse)
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    out = tmp_path / "out.json"
    history.ok("export", "--format", "json", "-o", str(out))
    assert json.loads(out.read_text())["format"] == "roadmap-export"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_export_errors(history: Run, tmp_path: Path, backend: str) -> None:
    cases = [
        (["-f", "pdf"], 2, "unknown format 'pdf'"),
        (["--since", "2026-11-10", "--until", "2026-11-01"], 2, "is after --until"),
        (["--since", "someday"], 2, "someday"),
        (["-o", str(tmp_path)], 73, "it is a directory"),
        (["-o", str(tmp_path / "missing" / "x.md")], 73, "does not exist"),
    ]
    for args, code, message in cases:
        result = history("export", *args)
        assert result.exit_code == code, (args, result.stderr)
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) <= 2  # one line (and a hint)
        assert "Traceback" not in result.stderr
    # no stray output; the data dir holds the SQLite file (a server needs none)
    assert sorted(p.name for p in tmp_path.iterdir()) == (["home"] if backend == "sqlite" else [])


def test_export_to_a_read_only_directory(history: Run, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores directory permissions")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = history("export", "-o", str(locked / "x.md"))
        assert result.exit_code == 73 and "cannot write" in result.stderr
    finally:
        locked.chmod(0o700)


# --- real processes: kill -9, SIGTERM, a closed pipe, memory -----------------------------------


def populate(sql: Sql, sessions: int) -> None:
    """Add ``sessions`` sessions straight into the database (fast)."""
    conn = sql.connect()
    rows = [
        (
            ("linalg", "calculus", "cpp-memory")[i % 3],
            f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z",
            f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
            15 + i % 90,
            f"synthetic session {i} " + "x" * 40,
        )
        for i in range(sessions)
    ]
    try:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO session (skill_id, started_at, day, minutes, note, tags, links, source, "
            "created_at) VALUES (?, ?, ?, ?, ?, '[]', '[]', 'log', '2026-01-01T00:00:00Z')",
            rows,
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


def _writing_into(pid: int, directory: Path) -> bool:
    """Whether process ``pid`` has a file open in ``directory`` (its temp file)."""
    fds = Path(f"/proc/{pid}/fd")
    try:
        for fd in fds.iterdir():
            with_target = os.readlink(fd)
            if with_target.startswith(str(directory) + "/"):
                return True
    except OSError:
        return False
    return False


BIG = 20_000


def _fill_big(sql: Sql) -> None:
    Run().ok("tree")
    populate(sql, BIG)


@pytest.fixture
def big(
    small: Path,
    made_once: MadeOnce,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Sessions enough for an export to be interrupted mid-write and to outgrow a pipe's
    buffer 50 times over (made once, copied for each test)."""
    made_once.use("export-big", _fill_big, request, monkeypatch)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_export_killed_mid_write_leaves_the_old_file(
    big: None, tmp_path: Path, sig: signal.Signals
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "export.json"
    out.write_text("old")
    child = subprocess.Popen(
        [sys.executable, "-m", "roadmap", "export", "--format", "json", "-o", str(out)],
        cwd=str(ROOT),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while not _writing_into(child.pid, out_dir):
        assert child.poll() is None, "the export finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    child.send_signal(sig)
    _, err = child.communicate(timeout=30)
    assert child.returncode != 0
    if sig == signal.SIGTERM:
        assert child.returncode == 130 and b"Traceback" not in err
    assert out.read_text() == "old"
    assert [p.name for p in out_dir.iterdir()] == ["export.json"]


def test_export_into_a_closed_pipe_is_quiet(big: None) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "roadmap", "export", "--format", "csv"],
        cwd=str(ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    assert child.stdout.readline().startswith(b"id,date")
    child.stdout.close()
    _, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert err == b""


class _Sink(io.StringIO):
    def write(self, text: str) -> int:
        return len(text)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_streams_without_holding_the_history(big: None, sql: Sql, fmt: str) -> None:
    from roadmap import export

    conn = sql.connect()
    try:
        tracemalloc.start()
        if fmt == "json":
            count = export.write_json(conn, _Sink(), "now", None, None)
        else:
            count = export.write_csv(conn, _Sink(), None, None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        conn.close()
    assert count == BIG
    # 20,000 sessions are ~3 MB of output (~20 MB as rows in memory); a streaming writer
    # holds a chunk of rows at a time
    assert peak < 2_500_000, f"peak {peak / 1e6:.1f} MB"


def test_markdown_of_a_small_tree_names_skills(history: Run) -> None:
    text = history.ok("export", "--format", "md").stdout
    assert "- Linear algebra: level 0 → 1" in text
    assert "| Linear algebra | Math | 1 | 3 | 3 |" in text  # pillar names, not ids
    assert "**Target:** Engineer (by 2027-12-31)" in text
    junior = history.ok("export", "--format", "md", "--target", "junior").stdout
    assert "**Target:** Junior. **Readiness:** 100%." in junior
    assert "None: every required skill is at its level." in junior


def test_undo_reverts_a_whole_json_import(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    run.ok("log", "cuda", "1h", "--on", "-2d")
    run.ok("check", "cuda", "1.1")
    run.ok("assess", "mpi", "3")
    export = tmp_path / "export.json"
    run.ok("export", "--format", "json", "-o", str(export))

    sql = use_a_fresh_database(tmp_path / "fresh", monkeypatch, request)
    run.ok("tree")  # a database with the tree and nothing else

    def state() -> list[Any]:
        return [
            sql.one("SELECT COUNT(*) FROM session"),
            sql.one("SELECT COUNT(*) FROM milestone WHERE checked_at IS NOT NULL"),
            sql.one("SELECT COUNT(*) FROM assessment"),
            sql.one("SELECT COUNT(*) FROM level_change"),
            sql("SELECT id, level, level_changed_at FROM skill WHERE level > 0 ORDER BY id"),
        ]

    empty = state()
    run.ok("import", str(export))
    imported = state()
    assert imported[:4] == [1, 1, 1, 1] and imported[4] != []
    undone = run.ok("undo")
    assert "import" in undone.stdout + undone.stderr
    assert state() == empty
