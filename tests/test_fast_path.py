"""``log``, ``start`` and ``stop`` run without typer when their arguments are plain
(roadmap/cli/fast.py). The two ways must be one command: the same output, exit code and
database for the same arguments, and the fast parser's table must say what typer says."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.main import get_command

from roadmap.cli import fast
from roadmap.cli.main import app
from tests.conftest import SMALL, Run

pytestmark = pytest.mark.no_database


def _click_params(name: str) -> tuple[list[str], dict[str, str], dict[str, str], set[str]]:
    """typer's own view of a command: arguments, value options, flags, repeatable params."""
    group: Any = get_command(app)
    command = group.commands[name] if name else group
    arguments: list[str] = []
    values: dict[str, str] = {}
    flags: dict[str, str] = {}
    many: set[str] = set()
    for param in command.params:
        if param.param_type_name == "argument":
            arguments.append(param.name)
            continue
        names = [*param.opts, *param.secondary_opts]
        if param.name in ("help", "version", "install_completion", "show_completion"):
            continue
        target = flags if param.is_flag else values
        for option in names:
            target[option] = param.name
        if param.multiple:
            many.add(param.name)
    return arguments, values, flags, many


@pytest.mark.parametrize("name", sorted(fast.SPECS))
def test_the_fast_table_says_what_typer_declares(name: str) -> None:
    arguments, values, flags, many = _click_params(name)
    spec = fast.SPECS[name]
    assert list(spec.arguments) == arguments
    assert spec.values == values
    assert spec.flags == flags
    assert set(spec.many) == many


def test_the_global_options_are_typers() -> None:
    _, values, flags, _ = _click_params("")
    assert values == fast.GLOBAL_VALUES
    assert flags == fast.GLOBAL_FLAGS


@pytest.mark.parametrize(
    "args",
    [
        ["log", "cuda"],  # an argument missing
        ["log", "cuda", "1h", "extra"],
        ["log", "cuda", "1h", "--help"],
        ["-h", "log", "cuda", "1h"],
        ["log", "cuda", "1h", "--nope"],
        ["log", "cuda", "1h", "--note"],  # no value
        ["log", "cuda", "1h", "--note", "a", "--note", "b"],  # repeated
        ["log", "cuda", "1h", "--json", "--json"],
        ["log", "cuda", "1h", "--json=yes"],
        ["log", "cuda", "-5m"],  # an option to click
        ["log", "cuda", "1h", "-nx"],  # short option with its value attached
        ["log", "--", "cuda", "1h"],
        ["log", "cuda", "-", "1h"],
        ["log", "cuda", "1h", "--db", "x.db"],  # a global option after the command
        ["--db"],
        ["--version", "log", "cuda", "1h"],
        ["start"],
        ["stop", "now"],
        ["status"],
        [],
    ],
)
def test_anything_not_plain_goes_to_typer(args: list[str]) -> None:
    assert fast.parse(args) is None


def test_plain_calls_are_parsed_as_click_would() -> None:
    call = fast.parse(
        ["--db", "x.db", "--no-pager", "log", "--tag", "a", "cuda", "--note=-x", "1h", "--tag=b"]
    )
    assert call == fast.Call(
        "log",
        {"db": "x.db", "no_pager": True},
        {"tag": ["a", "b"], "note": "-x", "skill": "cuda", "duration": "1h"},
    )
    assert fast.parse(["stop", "-n", "--at"]) == fast.Call("stop", {}, {"note": "--at"})
    assert fast.parse(["start", "cuda", "-y", "--switch", "--at", "9:00"]) == fast.Call(
        "start", {}, {"skill": "cuda", "yes": True, "switch": True, "at": "9:00"}
    )


def test_completion_always_goes_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_ROADMAP_COMPLETE", "complete_bash")
    assert fast.parse(["log", "cuda", "1h"]) is None


# --- the same arguments, both ways -----------------------------------------------------------


def _template(root: Path, timer: bool) -> Path:
    """A data dir with a little history (and a running timer): made once, copied per try.
    (Module-scoped: it sets the environment itself; ``templates`` puts it back.)"""
    home = root / ("timer" if timer else "idle")
    os.environ.update(ROADMAP_HOME=str(home), ROADMAP_SKILLS=str(SMALL))
    run = Run()
    run.ok("log", "linalg", "1h", "--on", "2026-11-30", "--note", "first")
    run.ok("log", "cpp", "30m", "--on", "2026-11-30", "--tag", "t")
    if timer:
        run.ok("start", "linalg", "--at", "8:15", "--note", "running")
    return home


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    root = tmp_path_factory.mktemp("fast")
    saved = {k: os.environ.get(k) for k in ("ROADMAP_HOME", "ROADMAP_SKILLS")}
    try:
        return {timer: _template(root, timer) for timer in (False, True)}
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _dump(home: Path) -> list[str]:
    conn = sqlite3.connect(home / "roadmap.db")
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _both_ways(
    args: list[str], template: Path, work: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[int, str, str, list[str]], tuple[int, str, str, list[str]]]:
    results = []
    for way in ("typer", "fast"):
        home = work / way
        shutil.rmtree(home, ignore_errors=True)
        shutil.copytree(template, home)
        monkeypatch.setenv("ROADMAP_HOME", str(home))
        if way == "typer":
            result = Run()(*args)
            results.append((result.exit_code, result.stdout, result.stderr, _dump(home)))
        else:
            call = fast.parse(args)
            assert call is not None
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = fast.perform(call)
            results.append((code, out.getvalue(), err.getvalue(), _dump(home)))
    return results[0], results[1]


WORDS = ["linalg", "cpp", "c", "nosuch", "Linear algebra", "1h", "90", "1.5", "0m", "25h", "1:30"]
OPTIONS: dict[str, list[list[str]]] = {
    "log": [
        ["--on", "2026-11-29"],
        ["--on", "yesterday 9am"],
        ["--on", "2026-11-30"],
        ["--on", "tomorrow"],
        ["--note", "a note"],
        ["--note", "\x1b[31mred"],
        ["--tag", "gemm"],
        ["--tag", "bad tag!"],
        ["--link", "https://example.org/pr/1"],
        ["--link", "javascript:alert(1)"],
        ["--json"],
    ],
    "start": [["--note", "n"], ["--switch"], ["--yes"], ["--at", "7:00"], ["--at", "23:00"]],
    "stop": [["--note", "done"], ["--yes"], ["--at", "8:30"], ["--at", "8:00"], ["--json"]],
}


@st.composite
def plain_calls(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted(fast.SPECS)))
    spec = fast.SPECS[command]
    units = [[draw(st.sampled_from(WORDS))] for _ in spec.arguments]
    units += draw(st.lists(st.sampled_from(OPTIONS[command]), max_size=3, unique_by=lambda o: o[0]))
    # options anywhere between the arguments, as click allows; the arguments stay in order
    order = draw(st.permutations(range(len(units))))
    arguments = iter(u for u in units if u[0] in WORDS)
    args = [part for i in order for part in (next(arguments) if units[i][0] in WORDS else units[i])]
    return [command, *args]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(args=plain_calls(), timer=st.booleans())
def test_both_ways_give_the_same_result(
    args: list[str],
    timer: bool,
    templates: dict[bool, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ROADMAP_SKILLS", str(SMALL))
    typer_way, fast_way = _both_ways(args, templates[timer], tmp_path, monkeypatch)
    assert fast_way == typer_way


def test_a_real_process_runs_the_writes_without_typer(tmp_path: Path) -> None:
    env = {**os.environ, "ROADMAP_HOME": str(tmp_path / "home"), "ROADMAP_SKILLS": str(SMALL)}
    for args in (
        ["log", "linalg", "30m", "--on", "2026-11-30"],
        ["start", "cpp"],
        ["stop", "--json"],
    ):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "roadmap", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        imported = {
            line.split("|")[-1].strip().split(".")[0]
            for line in result.stderr.splitlines()
            if line.startswith("import time:")
        }
        assert "typer" not in imported and "click" not in imported, args
    # not plain: typer answers, with its usage error and exit code
    result = subprocess.run(
        [sys.executable, "-m", "roadmap", "log", "linalg"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "missing argument 'duration'" in result.stderr.lower()
