"""Rendering of the views on the bundled roadmap with a realistic history: every line fits the
width (60, 100, 120, 200 columns), colour only when asked for, none with NO_COLOR, when piped
or with TERM=dumb, and user text never reaches the terminal as markup or escape codes."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run

SGR = re.compile(r"\x1b\[[0-9;]*m")

# Read views and the arguments that show most of each.
VIEWS = [
    ("status",),
    ("gaps",),
    ("next", "--limit", "5"),
    ("show", "cuda-programming"),
    ("show", "math-foundations"),
    ("show", "triton-kernels"),
    ("forecast",),
    ("review",),
    ("heatmap",),
    ("heatmap", "--weeks", "130"),
    ("report", "--month"),
    ("report",),
    ("tree", "--pillar", "math"),
]
WIDTHS = [60, 100, 120, 200]


def _build_history(run: Run) -> None:
    """An HPC engineer five weeks into the move: a self-assessment, sessions most days,
    a few milestones checked, a timer running, and a note with markup and an escape."""
    for skill, level in [
        ("mpi-openmp", "4"),
        ("modern-cpp", "4"),
        ("numerical-linear-algebra", "4"),
        ("linux-systems", "3"),
        ("cpu-microarchitecture", "3"),
        ("parallel-algorithms", "3"),
        ("linear-algebra-ml", "2"),
        ("python-systems", "2"),
        ("gpu-architecture", "1"),
    ]:
        run.ok("assess", skill, level)
    plan = [
        ("cuda-programming", "1h30m", "tiled GEMM with shared memory, then a long note " * 3),
        ("gpu-architecture", "1h", "Hopper whitepaper"),
        ("calculus-autodiff", "45m", "micrograd"),
        ("transformer-math", "1h", "FLOPs per token"),
    ]
    for i, days in enumerate([35, 33, 30, 27, 24, 20, 17, 14, 12, 9, 7, 5, 3, 2, 1, 0]):
        skill, duration, note = plan[i % len(plan)]
        run.ok("log", skill, duration, "--on", f"-{days}d", "--note", note, "--tag", "study")
    run.ok("log", "mpi-openmp", "2h", "--on", "-80d", "--note", "[red]not markup[/red] \x1b[31m")
    run.ok("check", "cuda-programming", "1.1")
    run.ok("check", "cuda-programming", "1.2")
    run.ok("check", "calculus-autodiff", "1.1")
    run.ok("start", "triton-kernels", "--note", "softmax")


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One database with the history above, shared read-only by the tests of this module."""
    home = tmp_path_factory.mktemp("render-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ROADMAP_HOME", str(home))
        mp.delenv("ROADMAP_DB", raising=False)
        mp.delenv("ROADMAP_SKILLS", raising=False)
        mp.setenv("NO_COLOR", "1")
        _build_history(Run())
    db = home / "roadmap.db"
    # Age the self-assessment so that some skills are stale, as after weeks of real use.
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "UPDATE skill SET level_changed_at = '2020-01-01T12:00:00Z' "
            "WHERE id IN ('mpi-openmp', 'linux-systems', 'python-systems')"
        )
    conn.close()
    yield db


@pytest.fixture
def hist(history: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("ROADMAP_DB", str(history))
    return run


def _lines(out: str) -> list[str]:
    return [SGR.sub("", line) for line in out.splitlines()]


def _too_long(out: str, width: int) -> list[str]:
    return [line for line in _lines(out) if len(line) > width]


@pytest.mark.parametrize("args", VIEWS, ids=lambda a: "-".join(a))
@pytest.mark.parametrize("width", WIDTHS)
def test_every_line_fits_without_colour(
    hist: Run, args: tuple[str, ...], width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    out = hist.ok(*args).stdout
    assert out.strip()
    assert "\x1b" not in out  # NO_COLOR (and not a terminal): no escape codes at all
    assert _too_long(out, width) == []


@pytest.mark.parametrize("args", VIEWS, ids=lambda a: "-".join(a))
@pytest.mark.parametrize("width", [60, 120])
def test_every_line_fits_with_colour(
    hist: Run, args: tuple[str, ...], width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = hist.ok(*args).stdout
    assert "\x1b[" in out
    assert "\x1b" not in SGR.sub("", out)  # colour codes only: no cursor moves, no user escapes
    assert _too_long(out, width) == []


def test_colour_and_plain_show_the_same_text(hist: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = hist.ok("status").stdout
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = hist.ok("status").stdout
    # the timer line moves with the clock; everything else is identical once colour is gone
    drop = re.compile(r"running for \S+")
    assert drop.sub("", SGR.sub("", coloured)) == drop.sub("", plain)


@pytest.mark.parametrize("args", [("status",), ("heatmap",), ("show", "cuda-programming")])
def test_term_dumb_has_no_escape_codes(
    hist: Run, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")  # even when colour is forced, a dumb terminal wins
    monkeypatch.setenv("TERM", "dumb")
    assert "\x1b" not in hist.ok(*args).stdout


def test_piped_output_has_no_escape_codes(
    history: Path,
    proc: Callable[..., subprocess.CompletedProcess[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    done = proc("status", env={"ROADMAP_DB": str(history), "TERM": "xterm-256color"})
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "Readiness" in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) <= 100


def test_user_text_is_shown_literally(hist: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = SGR.sub("", hist.ok("show", "mpi-openmp").stdout)
    flat = re.sub(r"\s+", "", out)
    assert "[red]notmarkup[/red]" in flat
    assert "\\x1b[31m" in flat


def test_status_shows_every_part(hist: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    out = hist.ok("status", "--full").stdout
    for part in (
        "Target",
        "AI infrastructure & co-design architect (by 2036-03-31)",
        "Readiness",
        "pillar",
        "Math  ",  # short pillar labels: the full names do not fit beside the numbers
        "This week",
        "of 10.0h goal",
        "Streak",
        "Timer      Triton kernels (triton-kernels)",
        "Forecast",
        "ETA",
        "Biggest gaps",
        "Next steps",
    ):
        assert part in out, part
    # the five biggest gaps and the top three next steps
    gaps = out.split("Biggest gaps")[1].split("Next steps")[0]
    assert len([line for line in gaps.splitlines() if re.search(r"\d\s*$", line)]) == 5
    assert re.findall(r"^(\d)\.", out.split("Next steps")[1], re.M) == ["1", "2", "3"]


def test_narrow_tables_wrap_names_but_keep_numbers(
    hist: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    out = hist.ok("gaps").stdout
    header = next(line for line in out.splitlines() if line.startswith("skill"))
    assert header.split() == ["skill", "now", "need", "gap", "weight"]
    # every row keeps its four numbers whole
    rows = [line for line in out.splitlines() if re.search(r"\d+\s+\d+\s+\d+\s+\d+$", line)]
    assert len(rows) >= 10
    monkeypatch.setenv("COLUMNS", "120")
    header = next(line for line in hist.ok("gaps").stdout.splitlines() if "skill" in line)
    assert header.split() == ["skill", "pillar", "now", "need", "gap", "weight"]


def test_next_reasons_wrap_with_a_hanging_indent(
    hist: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    lines = hist.ok("next", "--limit", "5").stdout.splitlines()[1:]
    for line in lines:
        # a rank, a reason (indented "-") or a continuation indented under either
        assert re.match(r"^(\d\.\s|\s{4}(- |\S)|\s{6}\S)", line), line


def test_heatmap_has_months_days_legend_and_blocks(
    hist: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    out = hist.ok("heatmap", "--weeks", "26").stdout
    lines = out.splitlines()
    assert re.match(r"^\s+[A-Z][a-z]{2}\b", lines[0])  # month labels above the weeks
    assert [line[:3] for line in lines[1:8:2]] == ["Mon", "Wed", "Fri", "Sun"]
    assert "less" in out and "more" in out and "per day:" in out and "≤" in out  # legend
    assert "26 weeks from" in out
    # 26 weeks in two-character cells on 100 columns
    assert len(lines[1].rstrip()) <= 4 + 2 * 26
    monkeypatch.setenv("COLUMNS", "60")
    narrow = hist.ok("heatmap", "--weeks", "130").stdout
    assert narrow.count("Mon") == 3  # 130 weeks in three blocks of at most 56


def test_forecast_narrow_stacks_pillars(hist: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    out = hist.ok("forecast").stdout
    assert "Math & computational methods\n" in out
    assert re.search(r"^\s{2}\d+h left", out, re.M)
    monkeypatch.setenv("COLUMNS", "120")
    wide = hist.ok("forecast").stdout
    header = next(line for line in wide.splitlines() if line.startswith("pillar"))
    assert header.split() == ["pillar", "left", "pace/wk", "12w/wk", "need/wk", "ETA", "verdict"]


def test_data_on_stdout_messages_on_stderr(run: Run) -> None:
    import json

    first = run.ok("status")
    assert first.stdout.startswith("Target")
    assert json.loads(run.ok("status", "--json").stdout)["target"]["id"]
    run.ok("start", "cuda-programming")
    assert json.loads(run.ok("status", "--json").stdout)["timer"]["skill"] == "cuda-programming"
    error = run("gaps", "--pillar", "nope")
    assert error.exit_code == 2
    assert error.stdout == ""
    assert "unknown pillar 'nope'" in error.stderr


@pytest.mark.parametrize("width", [20, 40, 60, 120])
@pytest.mark.parametrize("ascii_only", [False, True])
def test_outline_draws_exactly_what_rich_tree_draws(width: int, ascii_only: bool) -> None:
    """``render.Outline`` is a faster stand-in for ``rich.tree.Tree``: same lines, same styles."""
    import io

    from rich.console import Console
    from rich.text import Text
    from rich.tree import Tree

    from roadmap.render import Outline

    def build(root: Any) -> None:
        for p in range(3):
            pillar = root.add(Text(f"Pillar {p} with a rather long name to wrap", style="bold"))
            for s in range(3):
                label = Text(f"Skill {p}.{s} " + "word " * (s * 4))
                label.append(f"  id-{p}-{s}", style="dim")
                node = pillar.add(label)
                if s == 1:
                    node.add(Text("a child [not markup] \\x1b", style="cyan"))

    class Sink(io.StringIO):
        encoding = "ascii" if ascii_only else "utf-8"  # rich picks its guides from this

    outputs = []
    for tree in (Tree(Text("Title", style="bold")), Outline(Text("Title", style="bold"))):
        build(tree)
        console = Console(
            file=Sink(),
            width=width,
            force_terminal=True,
            color_system="truecolor",
            record=True,
            legacy_windows=False,
        )
        console.print(tree)
        outputs.append(console.export_text(styles=True))
    assert outputs[0] == outputs[1]
