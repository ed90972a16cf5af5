"""Hostile input (issue 7, cases 9 and 10), through the CLI end to end.

- Hostile skills files are refused with ``FILE:LINE:COL`` and exit 65, and the
  database is left as it was (``tests/test_loader.py`` covers the parser itself;
  ``bench/bench.py`` times the refusals).
- Hostile user text (names, descriptions, milestones, notes, tags, links) in every
  export format and every terminal view: no live HTML, no broken Markdown table, no CSV
  formula cell, and no escape sequence from user text reaches the terminal (rich markup
  in user text is shown as typed).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import uuid
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PG_TEMPLATE, Run, Sql

pytestmark = pytest.mark.usefixtures("backend")

LOCATION = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): ", re.MULTILINE)


# --- 9. hostile skills files ------------------------------------------------------------

SKILL = "version: 1\npillars:\n  - id: p\n    name: P\n    skills:\n"


def _alias_bomb() -> bytes:
    lines = ["a: &a [x,x,x,x,x,x,x,x,x]"]
    for i in range(9):
        prev, name = chr(97 + i), chr(98 + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    assert len(text) < 600
    return text.encode()


def _deep(depth: int, open_: str, close: str) -> bytes:
    return f"version: 1\npillars: {open_ * depth}{close * depth}\n".encode()


HOSTILE_FILES: dict[str, tuple[bytes, str]] = {
    "alias bomb": (_alias_bomb(), "anchors"),
    "merge-key bomb": (
        b"version: 1\nbase: &b {x: 1}\npillars:\n  - <<: *b\n    id: p\n    name: P\n",
        "anchors",
    ),
    "deep flow nesting": (_deep(50_000, "[", "]"), "nesting"),
    "deep mapping nesting": (_deep(50_000, "{a: ", "}"), "nesting"),
    "deep block nesting": (
        b"version: 1\npillars:\n"
        + b"".join(b"  " * i + b"- \n" for i in range(1, 3000))
        + b"  " * 3000
        + b"- x\n",
        "",
    ),
    "duplicate top-level key": (b"version: 1\npillars: []\nversion: 1\n", "duplicate key"),
    "duplicate key in a skill": (
        (SKILL + "      - id: a\n        name: A\n        id: b\n").encode(),
        "duplicate key 'id'",
    ),
    "skill id no": ((SKILL + "      - {id: no, name: A}\n").encode(), "boolean 'no'"),
    "skill id 1:30": ((SKILL + "      - {id: 1:30, name: A}\n").encode(), "'1:30'"),
    "skill id 012": ((SKILL + "      - {id: 012, name: A}\n").encode(), "'012'"),
    "skill name yes": ((SKILL + "      - {id: a, name: yes}\n").encode(), "boolean 'yes'"),
    "skill name 1:30": ((SKILL + "      - {id: a, name: 1:30}\n").encode(), "'1:30'"),
    "skill name 012": ((SKILL + "      - {id: a, name: 012}\n").encode(), "'012'"),
    "pillar id off": (b"version: 1\npillars: [{id: off, name: P}]\n", "boolean 'off'"),
    "pillar name null": (b"version: 1\npillars: [{id: p, name: ~}]\n", "name"),
    "target id 0x1f": (
        (
            SKILL + "      - {id: a, name: A}\ntargets: [{id: 0x1f, name: T, requires: {a: 1}}]\n"
        ).encode(),
        "0x1f",
    ),
    "latin-1 bytes": (b"version: 1\ntitle: caf\xe9\npillars: []\n", "not UTF-8"),
    "utf-16 file": ("version: 1\npillars: []\n".encode("utf-16"), ""),
    "nul byte": (b"version: 1\ntitle: a\x00b\npillars: []\n", ""),
    "python tag": (b"version: 1\npillars: !!python/object/apply:os.system [echo hi]\n", "tag"),
}


@pytest.fixture
def synced(run: Run, small: Path, sql: Sql) -> Sql:
    """A database with a synced tree and some history; ``.dump()`` gives every row."""
    run.ok("log", "linalg", "1h", "--note", "history")
    return sql


def _check_refused(result: Any, path: Path, needle: str) -> None:
    assert result.exit_code == 65, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    located = [m for m in LOCATION.finditer(result.stderr) if m["file"] == str(path)]
    assert located, result.stderr
    assert all(int(m["line"]) >= 1 and int(m["col"]) >= 1 for m in located)
    assert needle in result.stderr, result.stderr


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_hostile_skills_file_is_refused_and_writes_nothing(
    run: Run, synced: Sql, tmp_path: Path, name: str
) -> None:
    content, needle = HOSTILE_FILES[name]
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content)
    before = synced.dump()
    for args in (("--skills", str(path), "status", "--json"), ("validate", str(path))):
        _check_refused(run(*args), path, needle)
    assert synced.dump() == before


def test_a_50_mib_skills_file_is_refused_before_it_is_read(
    run: Run, synced: Sql, tmp_path: Path
) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(b"version: 1\npillars:\n")
        handle.truncate(50 * 1024 * 1024)  # 50 MiB (sparse: cheap to make)
    before = synced.dump()
    for args in (("--skills", str(path), "log", "linalg", "1h"), ("validate", str(path))):
        _check_refused(run(*args), path, "1 MiB")
    assert synced.dump() == before


@pytest.mark.parametrize("source", ["/dev/zero", "/dev/urandom"])
def test_an_endless_skills_file_is_refused(run: Run, synced: Sql, source: str) -> None:
    if not Path(source).exists():
        pytest.skip(f"no {source} here")
    before = synced.dump()
    result = run("--skills", source, "status")  # it ends at all: read no further than 1 MiB
    assert result.exit_code == 65, result.stderr
    assert f"{source}:1:1: " in result.stderr and "1 MiB" in result.stderr
    assert synced.dump() == before


# --- 10. hostile user text ----------------------------------------------------------------

ESC = "\x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x1b[2J \x9b1m \x1b]8;;https://evil.example\x1b\\x"
MARKUP = "[bold red]markup[/bold red] [link=https://evil.example]here[/link]"
HTML = "<script>alert(1)</script><img src=x onerror=alert(2)>"
TABLE = "a | b \\| c\nnext line\r\nthird"
FORMULA = '=HYPERLINK("https://evil.example","x")'


def y(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text)


S2_NAME = "@SUM(A1) +cmd -2 \t=1 " + FORMULA
TREE = f"""version: 1
title: {y("Title " + MARKUP + " " + HTML + " " + ESC)}
default_target: t
pillars:
  - id: p
    name: {y("=1+1 " + HTML + " | pillar " + MARKUP)}
    description: {y(TABLE + " " + ESC)}
    skills:
      - id: s1
        name: {y(ESC + " " + MARKUP + " | " + HTML)}
        description: {y(HTML + " " + TABLE)}
        hours: 2
        milestones:
          1: [{{id: m1, text: {y("<img src=x onerror=alert(3)> | " + ESC + " " + MARKUP)}}}]
        resources:
          - {{title: {y("<script>r</script> " + ESC + " | " + MARKUP)}, url: "https://example.org/?q=<x>&y=%22", kind: book}}
      - id: s2
        name: {y(S2_NAME)}
        requires: [s1]
  - id: q
    name: {y(FORMULA)}
    skills:
      - id: s3
        name: {y("-" + TABLE)}
targets:
  - id: t
    name: {y("<i>target</i> =t | " + MARKUP + " " + ESC)}
    description: {y(HTML)}
    by: 2030-01-01
    requires: {{s1: 2, s2: 1, s3: 1}}
"""
NOTE = f"{ESC} {MARKUP} {HTML} {TABLE}"
TAGS = ["=tag", "<t>", "|", "[b]t[/b]", "\x1b[1mtag"]
LINK = "https://example.org/a?b=<c>&d=\"e\"&f='g'"


def _fill_with_hostile_text(home: Path, skills: Path, database: str | None) -> None:
    """Sync the hostile tree and write hostile text everywhere, through the CLI."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ROADMAP_HOME", str(home))
        env.setenv("ROADMAP_SKILLS", str(skills))
        if database is None:
            env.delenv("ROADMAP_DB", raising=False)
        else:
            env.setenv("ROADMAP_DB", database)
        env.setenv("NO_COLOR", "1")
        run = Run()
        tag_args = [a for tag in TAGS for a in ("--tag", tag)]
        run.ok("log", "s1", "1h", "--on", "-2d", "--note", NOTE, *tag_args, "--link", LINK)
        run.ok("log", "s2", "30m", "--on", "-1d", "--note", FORMULA, "--tag", "+1")
        run.ok("log", "s3", "20m", "--note", "-2+3 " + ESC)
        run.ok("check", "s1", "m1", "--note", NOTE, "--link", LINK)
        run.ok("assess", "s2", "1", "--note", "@cmd " + NOTE)
        run.ok("start", "s3", "--note", MARKUP + ESC)


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A database full of hostile text, made once (through the CLI) and copied per test."""
    work = tmp_path_factory.mktemp("hostile")
    skills = work / "hostile-tree.yaml"
    skills.write_text(TREE, encoding="utf-8")
    _fill_with_hostile_text(work / "home", skills, None)
    return work / "home", skills


@pytest.fixture(scope="module")
def hostile_server_template(
    hostile_template: tuple[Path, Path], pg_cluster: Any, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """The same on the server, made once through the CLI: the name of its database."""
    _, skills = hostile_template
    name = f"hostile_{uuid.uuid4().hex[:12]}"
    pg_cluster.psql_exec("postgres", f'CREATE DATABASE "{name}" TEMPLATE "{PG_TEMPLATE}"')
    home = tmp_path_factory.mktemp("hostile-server") / "home"
    _fill_with_hostile_text(home, skills, pg_cluster.url(name))
    return name


@pytest.fixture
def hostile(
    backend: str,
    run: Run,
    hostile_template: tuple[Path, Path],
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> Run:
    home, skills = hostile_template
    if backend == "postgresql":  # a copy of the server template (CREATE DATABASE ... TEMPLATE)
        template = request.getfixturevalue("hostile_server_template")
        cluster = request.getfixturevalue("pg_cluster")
        name = f"t_{uuid.uuid4().hex[:12]}"
        cluster.psql_exec("postgres", f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        monkeypatch.setenv("ROADMAP_DB", cluster.url(name))
    else:
        shutil.copytree(home, isolated_home)
    monkeypatch.setenv("ROADMAP_SKILLS", str(skills))
    monkeypatch.setenv("COLUMNS", "400")  # so tables do not wrap the text under test
    return run


def test_json_export_keeps_the_text_exactly(hostile: Run) -> None:
    doc = json.loads(hostile.ok("export", "--format", "json").stdout)
    notes = {s["note"] for s in doc["sessions"]}
    assert NOTE in notes and FORMULA in notes
    assert any(set(TAGS) <= set(s["tags"]) for s in doc["sessions"])
    assert sorted(s["skill"] for s in doc["sessions"]) == ["s1", "s2", "s3"]
    names = {s["id"]: s["name"] for s in doc["tree"]["skills"]}  # sessions carry the id only
    assert names["s2"] == S2_NAME
    assert doc["timer"]["note"] == MARKUP + ESC


def test_csv_export_has_no_formula_cell(hostile: Run) -> None:
    text = hostile.ok("export", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert len(body) == 3
    for row in body:
        assert len(row) == len(header)
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", (header, row)
    by_name = {r[header.index("skill_id")]: r for r in body}
    assert by_name["s2"][header.index("skill_name")].startswith("'@SUM(A1)")
    assert by_name["s3"][header.index("pillar")] in ("q", "'" + FORMULA)
    assert by_name["s1"][header.index("minutes")] == "60"  # numbers stay numbers


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, name, value) for name, value in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_has_no_live_html_from_user_text(hostile: Run, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    hostile.ok("export", "--format", "html", "-o", str(out))
    page = out.read_text(encoding="utf-8")
    parser = Collector()
    parser.feed(page)
    assert not {"script", "img", "iframe", "object", "embed"} & set(parser.tags)
    assert "i" not in parser.tags  # the target's <i> is text
    for tag, name, value in parser.attrs:
        assert not name.startswith("on"), (tag, name, value)
        if name in ("href", "src", "action", "xlink:href"):
            assert value is not None and re.match(r"^(https?|ftp|file):", value), (tag, value)
            assert "javascript" not in value.lower()
    shown = "".join(parser.text)
    assert "<script>alert(1)</script>" in shown  # as text, not as markup
    assert "<i>target</i>" in shown


def test_markdown_tables_stay_tables(hostile: Run) -> None:
    text = hostile.ok("export", "--format", "md").stdout
    assert "<script" not in text and "<img" not in text and "<i>" not in text
    assert "&lt;script&gt;" in text
    lines = text.splitlines()
    table: list[str] = []
    tables = 0
    for line in [*lines, ""]:
        if line.startswith("|"):
            table.append(line)
            continue
        if table:
            tables += 1
            widths = {len(re.findall(r"(?<!\\)\|", row)) for row in table}
            assert len(widths) == 1, table  # every row has the header's columns
            assert re.match(r"^\|( *:?-+:? *\|)+$", table[1]), table
            table = []
        assert "\r" not in line
    assert tables >= 1


VIEWS = [
    ("status",),
    ("gaps",),
    ("next",),
    ("show", "s1"),
    ("show", "s2"),
    ("forecast",),
    ("review",),
    ("heatmap",),
    ("report", "--week"),
    ("sessions",),
    ("tree",),
    ("targets",),
    ("targets", "compare", "t", "t"),
    ("plan", "--hours", "6", "--days", "7"),
    ("gaps", "--unproven"),
    ("doctor",),
    ("validate",),
    ("log", "s1", "5m", "--note", NOTE),
    ("edit", "1", "--note", NOTE),
    ("stop", "--note", ESC),
    ("delete", "2", "--yes"),
    ("undo",),
    ("log", "nosuch" + ESC, "1h"),
    ("check", "s1", "m1"),
]
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize("args", VIEWS, ids=[" ".join(a)[:24] for a in VIEWS])
def test_terminal_views_never_pass_escape_sequences_through(
    hostile: Run, args: tuple[str, ...]
) -> None:
    if args == ("validate",):
        import os

        args = ("validate", os.environ["ROADMAP_SKILLS"])
    result = hostile(*args)
    assert result.exit_code in (0, 1, 2), result.stderr
    for stream in (result.stdout, result.stderr):
        assert not CONTROL.search(stream), (args, CONTROL.findall(stream), stream[:2000])
        assert "Traceback" not in stream


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("show", "s1"), "[bold red]markup[/bold red]"),
        (("sessions",), "[link=https://evil.example]here[/link]"),
        (("tree",), "[bold red]markup[/bold red]"),
        (("targets",), "red]markup[/bold"),  # the name column wraps at spaces
    ],
)
def test_rich_markup_in_user_text_is_shown_as_typed(
    hostile: Run, args: tuple[str, ...], shown: str
) -> None:
    out = hostile.ok(*args).stdout
    assert "".join(shown.split()) in "".join(out.split())  # a narrow column may wrap it
    assert "\\x1b[31mred" in hostile.ok("show", "s1").stdout  # escapes made visible


def test_with_colour_only_our_own_styles_reach_the_terminal(
    hostile: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    for args in (("status",), ("show", "s1"), ("sessions",), ("tree",)):
        out = hostile.ok(*args).stdout
        assert "\x1b[" in out  # colour is on
        plain = re.sub(r"\x1b\[[0-9;]*m", "", out)  # rich's own SGR styles
        assert not CONTROL.search(plain), (args, CONTROL.findall(plain))
        assert "\\x1b[31mred" in plain or args == ("status",)


@pytest.mark.parametrize("args", [("sessions",), ("tree",), ("show", "s1"), ("status",)])
def test_json_output_escapes_every_control_character(hostile: Run, args: tuple[str, ...]) -> None:
    out = hostile.ok(*args, "--json").stdout
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", out), CONTROL.findall(out)
    if args == ("tree",):
        assert json.loads(out)["title"].endswith(ESC)  # the data itself is kept exactly


def test_no_c1_or_del_control_reaches_a_terminal_through_json(run: Any, tmp_path: Path) -> None:
    csi = "\x9b31m\x7f"  # the one-byte CSI, and DEL
    run.ok("log", "cuda", "1h", "--note", f"note {csi}")
    for args in (("sessions", "--json"), ("export", "--format", "json")):
        out = run.ok(*args).stdout
        assert "\x9b" not in out and "\x7f" not in out, args
        assert "\\u009b31m\\u007f" in out, args
