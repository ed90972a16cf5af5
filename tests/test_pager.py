"""Long views (`tree`, `sessions`) go through a pager on a terminal, as git does:
`$ROADMAP_PAGER`, else `$PAGER`, else `less`; `--no-pager`, an empty value or `cat` turn it
off; a pipe or a short view never starts one. Run as a real process on a pseudo-terminal."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")


def on_a_terminal(*args: str, env: dict[str, str], lines: int = 20) -> str:
    """Run `python -m roadmap ARGS` with a terminal as stdin and stdout; its screen output."""
    import fcntl
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, 100, 0, 0))
    full = {**os.environ, **env, "TERM": "xterm"}
    full.pop("COLUMNS", None)
    child = subprocess.Popen(
        [sys.executable, "-m", "roadmap", *args],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=full,
        cwd=str(ROOT),
    )
    os.close(slave)
    screen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
        elif child.poll() is not None:
            break
    child.wait(timeout=30)
    os.close(master)
    assert child.returncode == 0, child.stderr.read() if child.stderr else ""
    return screen.decode("utf-8", "replace")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    return {"ROADMAP_HOME": str(home), "NO_COLOR": "1", "ROADMAP_NOW": "2026-11-20T18:00:00Z"}


def test_a_long_tree_goes_through_the_pager(env: dict[str, str], tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    env["ROADMAP_PAGER"] = f"cat > {paged}"
    env["PAGER"] = "false"  # ROADMAP_PAGER wins
    screen = on_a_terminal("tree", env=env)
    assert paged.exists(), screen
    text = paged.read_text(encoding="utf-8")
    assert "CUDA programming" in text and len(text.splitlines()) > 20
    assert "CUDA programming" not in screen


def test_pager_falls_back_to_PAGER(env: dict[str, str], tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    env["PAGER"] = f"cat > {paged}"
    on_a_terminal("tree", env=env)
    assert "CUDA programming" in paged.read_text(encoding="utf-8")


@pytest.mark.parametrize("how", ["--no-pager", "ROADMAP_PAGER=", "ROADMAP_PAGER=cat"])
def test_the_pager_can_be_turned_off(env: dict[str, str], tmp_path: Path, how: str) -> None:
    paged = tmp_path / "paged.txt"
    env["PAGER"] = f"cat > {paged}"
    args = ["tree"]
    if how.startswith("--"):
        args.insert(0, how)
    else:
        name, _, value = how.partition("=")
        env[name] = value
    screen = on_a_terminal(*args, env=env)
    assert not paged.exists()
    assert "CUDA programming" in screen


def test_a_short_view_is_not_paged(env: dict[str, str], tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    env["ROADMAP_PAGER"] = f"cat > {paged}"
    screen = on_a_terminal("tree", "--pillar", "math", env=env, lines=200)
    assert not paged.exists()
    assert "Linear algebra" in screen


def test_piped_output_is_never_paged(env: dict[str, str], tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    full = {**os.environ, **env, "ROADMAP_PAGER": f"cat > {paged}"}
    done = subprocess.run(
        [sys.executable, "-m", "roadmap", "tree"],
        capture_output=True,
        text=True,
        env=full,
        cwd=str(ROOT),
        timeout=60,
    )
    assert done.returncode == 0 and "CUDA programming" in done.stdout
    assert not paged.exists()
