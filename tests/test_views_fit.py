"""The terminal views on the demo's four months, through the real CLI, at 60, 80 and 200
columns: every line fits, no trailing spaces, one width per view, short pillar labels where
narrow, `status` within 40 rows, colour that carries meaning, and `tree`'s now/need."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Run

NOW = "2026-11-20T18:00:00+00:00"
SGR = re.compile(r"\x1b\[[0-9;]*m")
WIDTHS = (60, 80, 200)
VIEWS = [
    ("status",),
    ("status", "--full"),
    ("forecast",),
    ("targets",),
    ("targets", "compare", "hpc-engineer", "ai-systems-engineer"),
    ("plan",),
    ("plan", "--days", "14"),
    ("doctor",),
    ("gaps",),
    ("next",),
    ("review",),
    ("report", "--month"),
    ("heatmap",),
    ("sessions",),
    ("tree", "--pillar", "software"),
    ("show", "cuda-programming"),
]
FULL_NAMES = (
    "Math & computational methods",
    "Computer architecture & AI hardware",
    "Software: systems, compilers, kernels, frameworks",
    "Large-scale deployment: training at scale, inference serving, operations, cost",
)


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = tmp_path_factory.mktemp("views-fit")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ROADMAP_HOME", str(base / "user"))
        mp.delenv("ROADMAP_DB", raising=False)
        mp.delenv("ROADMAP_SKILLS", raising=False)
        mp.setenv("ROADMAP_NOW", NOW)
        Run().ok("demo", "--dir", str(base / "demo"))
    yield base / "demo"


@pytest.fixture
def demo(demo_home: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("ROADMAP_HOME", str(demo_home))
    monkeypatch.setenv("ROADMAP_NOW", NOW)
    return run


def view(run: Run, width: int, *args: str) -> str:
    from roadmap.cli.main import app

    result = run.runner.invoke(app, list(args), env={"COLUMNS": str(width)})
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return str(result.stdout)


@pytest.mark.parametrize("args", VIEWS, ids=lambda a: "-".join(a))
@pytest.mark.parametrize("width", WIDTHS)
def test_every_view_fits_without_trailing_spaces(
    demo: Run, width: int, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    out = view(demo, width, *args)
    lines = out.splitlines()
    assert lines and all(len(line) <= width for line in lines), max(lines, key=len)
    assert [line for line in lines if line != line.rstrip()] == []


@pytest.mark.parametrize("width", WIDTHS)
def test_status_fits_forty_rows_and_full_shows_everything(
    demo: Run, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    out = view(demo, width, "status")
    assert len(out.splitlines()) <= 40, len(out.splitlines())
    assert "roadmap status --full" in out
    assert "score" not in out  # the one-line "score 2.37" is for `next` and --full
    full = view(demo, width, "status", "--full")
    gaps = full.split("Biggest gaps")[1].split("Next steps")[0]
    assert len(re.findall(r"\d\s*$", gaps, re.M)) == 5
    assert "score " in full and "roadmap status --full" not in full


@pytest.mark.parametrize("width", WIDTHS)
def test_status_with_a_running_timer_still_fits_forty_rows(
    demo: Run, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A timer line on top of the plan and rusty lines: fewer gaps and next steps, never more
    than 40 rows; `--full` still has them all."""
    monkeypatch.setenv("COLUMNS", str(width))
    demo.ok("start", "cuda-programming")  # at 18:00, after the last session
    try:
        out = view(demo, width, "status")
        assert "Timer" in out and "Rusty" in out and "Plan" in out
        assert len(out.splitlines()) <= 40, len(out.splitlines())
        assert "Next steps" in out and "roadmap status --full" in out
        full = view(demo, width, "status", "--full")
        assert len(re.findall(r"^\d\.\s", full.split("Next steps")[1], re.M)) == 3
    finally:
        demo.ok("cancel")


def test_status_sections_share_one_width(demo: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    for width, expected in ((60, 60), (80, 80), (200, 120)):
        monkeypatch.setenv("COLUMNS", str(width))
        out = view(demo, width, "status")
        rules = [len(line) for line in out.splitlines() if line.startswith("───")]
        assert rules == [expected, expected], (width, rules)
        assert max(len(line) for line in out.splitlines()) <= expected


def test_status_labels_pillars_short_when_narrow(
    demo: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    narrow = view(demo, 80, "status")
    rows = [line.split("  ")[0] for line in narrow.splitlines() if re.search(r"\d%\s", line)]
    assert rows == ["Math", "Computer architecture", "Software", "Large-scale deployment"]
    wide = view(demo, 200, "status")
    for name in FULL_NAMES:
        assert re.search(rf"^{re.escape(name)}\s+█*░*\s+\d+%", wide, re.M), name


@pytest.mark.parametrize("width", WIDTHS)
def test_forecast_never_wraps_a_pillar_name(demo: Run, width: int) -> None:
    out = view(demo, width, "forecast")
    shown = out.splitlines()
    short = ("Math", "Computer architecture", "Software", "Large-scale deployment")
    for full, label in zip(FULL_NAMES, short, strict=True):
        whole = any(line.startswith(full) for line in shown)
        assert whole or any(re.match(rf"{re.escape(label)}(\s+\d|$)", line) for line in shown), (
            width,
            full,
        )
    if width == 200:  # a table that uses the room, full names on one line each
        assert all(any(line.startswith(f"{n}  ") for line in shown) for n in FULL_NAMES)


@pytest.mark.parametrize("width", WIDTHS)
def test_targets_keep_a_name_on_one_line(demo: Run, width: int) -> None:
    out = view(demo, width, "targets")
    assert "AI infrastructure & co-design architect (default)" in out


def test_doctor_wraps_at_the_width(demo: Run) -> None:
    out = view(demo, 60, "doctor")
    assert max(len(line) for line in out.splitlines()) <= 60
    assert re.search(r"^ok {7}integrity: quick_check: ok$", out, re.M)


def test_tree_shows_now_and_need_for_the_chosen_target(demo: Run) -> None:
    default = view(demo, 200, "tree", "--pillar", "math")
    assert "levels now/need for AI infrastructure & co-design architect" in default
    line = next(x for x in default.splitlines() if "  linear-algebra-ml  " in x)
    now, need = re.search(r"(\d+)/(\d+)$", line).groups()  # type: ignore[union-attr]
    base = view(demo, 200, "tree", "--pillar", "math", "--target", "hpc-engineer")
    line = next(x for x in base.splitlines() if "  linear-algebra-ml  " in x)
    assert re.search(rf"{now}/(\d+)$", line)
    assert int(re.search(r"/(\d+)$", line)[1]) < int(need)  # type: ignore[index]
    # parents show their roll-up, without a need of their own
    assert re.search(r"math-foundations  \S+ [\d.]+ \(roll-up\)$", default, re.M)


def test_colour_carries_meaning(demo: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    forecast = view(demo, 120, "forecast")
    assert re.search(r"\x1b\[31m(\x1b\[[0-9;]*m)*behind", forecast)  # behind: red
    assert re.search(r"\x1b\[32m(\x1b\[[0-9;]*m)*on track", forecast)  # on track: green
    tree = view(demo, 120, "tree", "--pillar", "math")
    reached = next(x for x in tree.splitlines() if "floating-point-analysis" in x)
    below = next(x for x in tree.splitlines() if "linear-algebra-ml" in x)
    assert "\x1b[32m" in reached and "3/3" in SGR.sub("", reached)
    assert "\x1b[33m" in below
    status = view(demo, 120, "status")
    assert "\x1b[" in status and SGR.sub("", status) == view_plain(demo, monkeypatch)


def view_plain(demo: Run, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR")
    return view(demo, 120, "status")


def test_a_weekly_goal_exceeded_is_green(
    run: Run, small: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tree = tmp_path / "goal.yaml"
    text = small.read_text(encoding="utf-8")
    assert "weekly_goal_hours: 5\n" in text
    tree.write_text(text.replace("weekly_goal_hours: 5\n", "weekly_goal_hours: 1\n"), "utf-8")
    monkeypatch.setenv("ROADMAP_SKILLS", str(tree))
    monkeypatch.setenv("ROADMAP_NOW", NOW)
    run.ok("log", "linalg", "2h", "--on", "2026-11-19")
    plain = view(run, 100, "status")
    assert "2.0h of 1.0h goal" in plain and "200% goal exceeded" in plain
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = view(run, 100, "status")
    assert re.search(r"\x1b\[[0-9;]*32m(\x1b\[[0-9;]*m)* ?200%", coloured)
