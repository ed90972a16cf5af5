"""Help reads like a CLI's help: `log SKILL DURATION`, `--on DATE`, and `roadmap help [COMMAND]`."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from roadmap.cli.main import app


def _commands() -> list[str]:
    return sorted(typer.main.get_group(app).commands)


def invoke(*args: str, columns: int = 100) -> object:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns)}, prog_name="roadmap")


@pytest.mark.parametrize("command", _commands())
def test_usage_lines_and_options_name_their_values(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    out: str = result.output  # type: ignore[attr-defined]
    usage = out.splitlines()[0]
    assert usage.startswith(f"Usage: roadmap {command} [OPTIONS]"), usage
    assert "{" not in out and "<str>" not in out and "<int" not in out and "<path>" not in out
    assert re.fullmatch(r"Usage: roadmap \S+ \[OPTIONS\]( \[?[A-Z][A-Z_=|.]*\]?)*", usage), usage


def test_log_usage_reads_skill_duration() -> None:
    out = invoke("log", "--help").output  # type: ignore[attr-defined]
    assert out.startswith("Usage: roadmap log [OPTIONS] SKILL DURATION\n")
    assert "--on DATE" in out and "--note TEXT" in out and "--tag TAG" in out


def test_help_command_shows_a_commands_help() -> None:
    assert invoke("help", "log").output == invoke("log", "--help").output  # type: ignore[attr-defined]
    top = invoke("help")
    assert top.exit_code == 0  # type: ignore[attr-defined]
    assert top.output.startswith("Usage: roadmap [OPTIONS] COMMAND")  # type: ignore[attr-defined]
    assert "--db FILE|URL" in top.output  # type: ignore[attr-defined]


def test_help_for_an_unknown_command_lists_the_commands() -> None:
    result = CliRunner().invoke(app, ["help", "nope"], prog_name="roadmap")
    assert result.exit_code == 2
    assert "no command 'nope'" in result.stderr and "log" in result.stderr
    assert "Traceback" not in result.stderr
