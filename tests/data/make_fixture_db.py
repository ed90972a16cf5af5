"""Regenerate the fixture database of the current schema revision.

    .venv/bin/python tests/data/make_fixture_db.py            # writes tests/data/schema-REV.db

Run it with the code *at* the revision being released (today: 0006), never later:
``tests/test_migrations.py`` opens every ``schema-*.db`` with the current code and checks
that each upgrades to head with every row intact. The database is filled through the
CLI so that every table holds rows: sessions (logged, timed, imported, edited, one
deleted and brought back by undo), checked milestones, assessments, level changes, a review, a
renamed skill (alias), an archived skill with history, target requirements, a running
timer and the journal.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import sys
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
SMALL = (HERE / "small.yaml").read_text(encoding="utf-8")

# The small tree with a review date and hours per level step (0004).
BASE = SMALL.replace("weekly_goal_hours: 5\n", "weekly_goal_hours: 5\nreviewed: 2026-11-01\n")
BASE = BASE.replace("        hours: 10\n", "        hours: [4, 6, 10, 20, 40]\n")
# v1: plus a 'stats' skill (removed in v2: archived with its history).
V1 = BASE.replace(
    "      - id: calculus\n        name: Calculus\n        hours: 5\n",
    "      - id: calculus\n        name: Calculus\n        hours: 5\n"
    "      - id: stats\n        name: Statistics\n        hours: 4\n"
    '        milestones:\n          1: ["Explain the CLT"]\n',
)
# v2: 'calculus' renamed to 'calc' (was: [calculus]); 'stats' removed.
V2 = (
    BASE.replace(
        "      - id: calculus\n        name: Calculus\n",
        "      - id: calc\n        name: Calculus\n        was: [calculus]\n",
    )
    .replace("{skill: calculus, level: 2}", "{skill: calc, level: 2}")
    .replace("calculus: 1}", "calc: 1}")
)
WATSON = [
    [1763200800, 1763204400, "linalg", "f1", ["book"], 1763204400],
    [1763287200, 1763289000, "calculus", "f2", [], 1763289000],
]


def cli(*args: str) -> str:
    from typer.main import get_command

    from roadmap.cli.main import app

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = get_command(app).main(list(args), prog_name="roadmap", standalone_mode=False)
    if code:
        raise SystemExit(f"roadmap {' '.join(args)} failed ({code}): {err.getvalue()}")
    return out.getvalue()


def fill(work: Path) -> Path:
    home = work / "home"
    os.environ.update(ROADMAP_HOME=str(home), NO_COLOR="1", TZ="UTC")
    os.environ.pop("ROADMAP_DB", None)
    tree = work / "skills.yaml"
    tree.write_text(V1, encoding="utf-8")
    os.environ["ROADMAP_SKILLS"] = str(tree)
    cli("log", "linalg", "1h30m", "--on", "-3d", "--note", "LU | <b>x</b>", "--tag", "book")
    cli("log", "calculus", "45m", "--on", "-2d", "--tag", "a", "--tag", "b")
    cli("log", "stats", "20m", "--on", "-1d", "--link", "https://example.org/clt")
    cli("log", "cpp-memory", "25m", "--note", "atomics")
    cli("edit", "4", "--duration", "20m", "--note", "atomics, edited")
    cli("delete", "4", "--yes")
    cli("undo")
    cli("check", "linalg", "1.1", "--note", "done")
    cli("review", "linalg", "--recall", "again", "--note", "pivoting | <i>?</i>")
    cli("check", "stats", "1.1", "--link", "https://example.org/proof")
    cli("assess", "calculus", "2", "--note", "exam", "--evidence", "https://example.org/exam")
    cli("assess", "stats", "1")
    cli("calibrate", "cpp-memory=1")
    frames = work / "frames"
    frames.write_text(json.dumps(WATSON), encoding="utf-8")
    cli("import", str(frames), "--from", "watson")
    tree.write_text(V2, encoding="utf-8")
    cli("sync")
    cli("start", "cpp-memory", "--note", "running at release time")
    return home / "roadmap.db"


def main() -> None:
    sys.path.insert(0, str(HERE.parent.parent))
    from roadmap import models

    with tempfile.TemporaryDirectory() as tmp:
        source = fill(Path(tmp))
        dest = HERE / f"schema-{models.HEAD_REVISION}.db"
        part = dest.with_name(dest.name + ".tmp")
        part.unlink(missing_ok=True)
        src = sqlite3.connect(source)
        out = sqlite3.connect(part)
        src.backup(out)
        src.close()
        out.execute("PRAGMA journal_mode=DELETE")
        out.execute("VACUUM")
        tables = [r[0] for r in out.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        empty = [t for t in tables if not out.execute(f'SELECT 1 FROM "{t}"').fetchone()]
        out.close()
        if empty:
            part.unlink()
            raise SystemExit(f"tables left empty: {', '.join(empty)}")
        part.replace(dest)
        print(f"wrote {dest} ({len(tables)} tables, none empty)")


if __name__ == "__main__":
    main()
