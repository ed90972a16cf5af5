"""Shared fixtures: every test gets its own ROADMAP_HOME; none touches the real home."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from roadmap.cli.main import app

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SMALL = DATA / "small.yaml"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("ROADMAP_HOME", str(home))
    monkeypatch.delenv("ROADMAP_DB", raising=False)
    monkeypatch.delenv("ROADMAP_SKILLS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TZ", os.environ.get("ROADMAP_TEST_TZ", "UTC"))
    return home


class Run:
    """Invoke the CLI in-process; ``run("log", "cuda", "1h")`` → Result."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Any:
        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)

    def ok(self, *args: str) -> Any:
        result = self(*args)
        assert result.exit_code == 0, (result.stdout, result.stderr)
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json").stdout)


@pytest.fixture
def run() -> Run:
    return Run()


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Use the small test tree."""
    monkeypatch.setenv("ROADMAP_SKILLS", str(SMALL))
    return SMALL


@pytest.fixture
def db_path(isolated_home: Path) -> Path:
    return isolated_home / "roadmap.db"


def subprocess_run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m roadmap`` as a real process."""
    full = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "roadmap", *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=timeout,
        cwd=str(ROOT),
    )


def holds_write_lock(db_path: Path) -> bool:
    """Whether some process holds the database's write lock right now."""
    probe = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def kill_while_writing(db_path: Path, *args: str, what: str) -> None:
    """Run ``python -m roadmap ARGS`` and ``kill -9`` it inside its write transaction."""
    import time

    child = subprocess.Popen(
        [sys.executable, "-m", "roadmap", *args],
        cwd=str(ROOT),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not holds_write_lock(db_path):
        if child.poll() is not None:
            raise AssertionError(
                f"the {what} ended before it could be killed: {child.communicate()}"
            )
        assert time.monotonic() < deadline
        time.sleep(0.001)
    child.kill()
    child.wait(timeout=30)


@pytest.fixture
def proc() -> Callable[..., subprocess.CompletedProcess[str]]:
    return subprocess_run


@pytest.fixture
def write_yaml(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    counter = iter(range(10_000))

    def make(text: str) -> Path:
        path = tmp_path / f"tree{next(counter)}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    yield make
