"""`roadmap export -o FILE`: the format follows the file's extension; contradictions and
unknown extensions are refused (exit 2) with the choices, and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roadmap.cli.data import EXTENSIONS, export_format
from roadmap.errors import UsageError
from tests.conftest import Run


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROADMAP_NOW", "2026-11-20T18:00:00+00:00")


@pytest.fixture
def logged(run: Run, small: Path, backend: str) -> Run:
    run.ok("log", "linalg", "1h", "--on", "2026-11-19")
    return run


@pytest.mark.parametrize(
    ("name", "looks_like"),
    [
        ("report.html", lambda t: t.startswith("<!DOCTYPE html>")),
        ("REPORT.HTM", lambda t: t.startswith("<!DOCTYPE html>")),
        ("summary.md", lambda t: t.startswith("# Progress")),
        ("state.json", lambda t: json.loads(t)["format"] == "roadmap-export"),
        ("sessions.csv", lambda t: t.startswith("id,date,start,minutes")),
        ("no-extension", lambda t: t.startswith("# Progress")),
    ],
)
def test_the_format_follows_the_extension(
    logged: Run, tmp_path: Path, name: str, looks_like: object
) -> None:
    out = tmp_path / name
    logged.ok("export", "-o", str(out))
    assert callable(looks_like) and looks_like(out.read_text(encoding="utf-8"))


def test_an_unknown_extension_is_refused_with_the_choices(logged: Run, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    result = logged("export", "-o", str(out))
    assert result.exit_code == 2
    assert "md, json, csv, html" in result.stderr and "--format" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() and [p for p in tmp_path.iterdir() if p.name != "home"] == []


def test_an_unknown_extension_with_a_format_is_written(logged: Run, tmp_path: Path) -> None:
    out = tmp_path / "notes.txt"
    logged.ok("export", "--format", "md", "-o", str(out))
    assert out.read_text(encoding="utf-8").startswith("# Progress")


def test_a_format_that_contradicts_the_extension_is_refused(logged: Run, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = logged("export", "--format", "md", "-o", str(out))
    assert result.exit_code == 2
    assert "contradicts" in result.stderr and "report.html" in result.stderr
    assert not out.exists()
    logged.ok("export", "--format", "HTML", "-o", str(out))  # agreeing, in any case
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_stdout_without_a_format_is_markdown(logged: Run) -> None:
    assert logged.ok("export").stdout.startswith("# Progress")


@given(st.from_regex(r"\.[A-Za-z0-9]{1,6}", fullmatch=True))
def test_only_the_four_formats_extensions_are_guessed(suffix: str) -> None:
    path = Path("out" + suffix)
    if suffix.lower() in EXTENSIONS:
        assert export_format(None, path) == EXTENSIONS[suffix.lower()]
    else:
        with pytest.raises(UsageError, match="cannot tell the format"):
            export_format(None, path)
        assert export_format("json", path) == "json"
