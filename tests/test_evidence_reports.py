"""Evidence in the reports: the Markdown export and the HTML report have an evidence section
per skill, every URL and path shown as text and never as a live link, whatever it holds
(markup, a `javascript:` link, backticks, pipes, newlines); the JSON export keeps carrying
it. Through the real CLI on both backends; the Markdown is rendered back with markdown-it."""

from __future__ import annotations

import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from tests.conftest import Run, Sql

pytestmark = pytest.mark.usefixtures("backend")

NOW = "2026-12-01T09:00:00+00:00"
LINK = "https://www.example.org/a?b=<c>&d=|`x`"
NOTE = "<b>bold</b>\n| table | breaker [x](javascript:alert(9)) see https://evil.example"
# what a database could hold (an import or another client wrote it): every trap at once
PLANTED = (
    "[click](javascript:alert(1)) <script>alert(2)</script> `tick` | pipe\n"
    "<https://evil.example> www.evil.example me@evil.example ``` ~~x~~ *em* _u_ &amp;"
)


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's zone is UTC (the ``berlin`` fixture, set up after this one, moves it)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.codes: list[str] = []
        self._code: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "code":
            self._code = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "code" and self._code is not None:
            self.codes.append("".join(self._code))
            self._code = None

    def handle_data(self, data: str) -> None:
        if self._code is not None:
            self._code.append(data)


@pytest.fixture
def proved(
    run: Run, small: Path, sql: Sql, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Run, str]:
    """Evidence on two skills: a hostile file path, a hostile link, a planted value."""
    monkeypatch.setenv("ROADMAP_NOW", NOW)
    folder = tmp_path / "[x](javascript:alert(1)) <script>alert(2)<"
    folder.mkdir()
    hostile_file = folder / "script> `tick` | pipe.md"
    hostile_file.write_text("proof")
    run.ok("assess", "linalg", "1", "--evidence", str(hostile_file), "--note", NOTE)
    run.ok("check", "linalg", "1.1", "--link", LINK)
    run.ok("assess", "calculus", "2", "--evidence", "https://example.org/pr/1")
    sql("UPDATE assessment SET evidence = ? WHERE skill_id = 'calculus'", (PLANTED,))
    run.ok("assess", "cpp-memory", "1")  # held without evidence
    return run, str(hostile_file)


def _rendered(markdown: str) -> str:
    return str(MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown))


def test_markdown_has_an_evidence_section_per_skill_with_inert_links(
    proved: tuple[Run, str],
) -> None:
    run, hostile_file = proved
    text = run.ok("export", "--format", "md").stdout
    section = text[text.index("## Evidence") :]
    assert "### Linear algebra (linalg), level 1" in section
    assert "### Calculus (calculus), level 2" in section
    assert "Held without evidence: Memory model (level 1)." in section
    items = [line for line in section.splitlines() if line.startswith("- ")]
    assert len(items) == 3  # one line each: no newline of the evidence or note breaks out
    # nothing in the raw text can act: no HTML, no link syntax, no bare URL
    assert "<" not in section and re.search(r"(?<!\\)\]\(", section) is None
    html = _rendered(text)
    assert "<a" not in html and "<script" not in html and "<b>" not in html
    # rendered, the text reads as the evidence itself (a newline as a space)
    shown = _rendered(section)
    plain = re.sub(r"<[^>]+>", "", shown)
    from html import unescape

    plain = unescape(plain)
    assert PLANTED.replace("\n", " ") in plain
    assert LINK in plain and hostile_file in plain
    assert (
        "(<b>bold</b> | table | breaker [x](javascript:alert(9)) see https://evil.example)" in plain
    )


def test_markdown_evidence_survives_a_gfm_style_autolinker(proved: tuple[Run, str]) -> None:
    """What GFM's autolink extension looks for (``scheme:``, ``www.``, ``@``) is never left
    unescaped in the evidence lines, so no bare URL becomes a link."""
    run, _ = proved
    text = run.ok("export", "--format", "md").stdout
    for line in text[text.index("## Evidence") :].splitlines():
        if line.startswith("- "):
            proof = line.split(": ", 1)[1]
            assert re.search(r"(?<!\\)[:@]", proof) is None, line
            # notes too: no unescaped scheme or www. anywhere on the line
            assert "www." not in line.lower() and not re.search(r"(?<!\\)://", line), line


def test_html_report_has_an_evidence_section_and_no_link(
    proved: tuple[Run, str], tmp_path: Path
) -> None:
    run, hostile_file = proved
    out = tmp_path / "report.html"
    run.ok("export", "-o", str(out))
    page = out.read_text(encoding="utf-8")
    parser = Page()
    parser.feed(page)
    assert "a" not in parser.tags and "script" not in parser.tags and "b" not in parser.tags
    assert parser.codes == [LINK, hostile_file, PLANTED]  # exactly, as text
    assert "<h2>Evidence</h2>" in page
    assert "Held without evidence: Memory model (level 1)." in page


def test_without_any_level_there_is_no_evidence_section(
    run: Run, small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROADMAP_NOW", NOW)
    assert "## Evidence" not in run.ok("export", "--format", "md").stdout
    out = tmp_path / "r.html"
    run.ok("export", "-o", str(out))
    assert "<h2>Evidence</h2>" not in out.read_text(encoding="utf-8")


def test_json_export_still_carries_the_evidence(proved: tuple[Run, str]) -> None:
    run, hostile_file = proved
    data: dict[str, Any] = json.loads(run.ok("export", "--format", "json").stdout)
    assert [(a["skill"], a["evidence"]) for a in data["assessments"]] == [
        ("linalg", hostile_file),
        ("calculus", PLANTED),
        ("cpp-memory", None),
    ]
    assert [(m["milestone"], m["link"]) for m in data["milestone_checks"]] == [("explain-lu", LINK)]
