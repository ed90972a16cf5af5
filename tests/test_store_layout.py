"""The store's promises about itself: the migrations build exactly the SQLModel schema (on
both databases), and no everyday command imports SQLAlchemy, SQLModel, pydantic or Alembic
(about half a second of every write before the one write path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SMALL, Run

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic")


@pytest.mark.usefixtures("backend")
def test_the_migrated_schema_equals_the_sqlmodel_metadata(run: Run, small: Path) -> None:
    """Tables, columns, types, nullability, defaults' presence, indexes, unique and foreign
    keys: Alembic's own comparison finds no difference."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    from roadmap import models  # noqa: F401  (registers the tables)

    run.ok("tree")
    url = os.environ.get("ROADMAP_DB")
    if url and url.startswith("postgresql"):
        from roadmap.store import pg

        engine = create_engine("postgresql+psycopg://", creator=lambda: pg.raw_connect(url))
    else:
        engine = create_engine(f"sqlite:///{Path(os.environ['ROADMAP_HOME']) / 'roadmap.db'}")
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": False}
            )
            diff: list[Any] = [
                d
                for d in compare_metadata(context, SQLModel.metadata)
                if not (
                    isinstance(d, tuple)
                    and d[0] == "remove_table"
                    and d[1].name == "alembic_version"
                )
            ]
    finally:
        engine.dispose()
    assert diff == [], diff


EVERYDAY: list[tuple[str, ...]] = [
    ("status",),
    ("log", "linalg", "30m", "--on", "2026-11-30"),
    ("sessions",),
    ("edit", "1", "--note", "x"),
    ("check", "linalg", "1.1"),
    ("uncheck", "linalg", "1.1"),
    ("assess", "calculus", "2"),
    ("start", "linalg"),
    ("stop",),
    ("start", "calculus"),
    ("cancel",),
    ("undo",),
    ("delete", "1", "--yes"),
    ("gaps",),
    ("next",),
    ("show", "linalg"),
    ("tree",),
    ("forecast",),
    ("review",),
    ("report", "--week"),
    ("heatmap",),
    ("targets",),
    ("plan",),
    ("review", "calculus", "--recall", "good"),
]


SCHEDULED = {"next", "review", "plan"}  # may import fsrs: they show what is due


def test_no_everyday_command_imports_the_orm(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ROADMAP_HOME": str(tmp_path / "home"),
        "ROADMAP_SKILLS": str(SMALL),
        "ROADMAP_NOW": "2026-12-01T10:00:00+00:00",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("ROADMAP_DB", None)
    first = subprocess.run(
        [sys.executable, "-m", "roadmap", "tree"], env=env, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr  # creating the database may use Alembic
    offenders = {}
    for args in EVERYDAY:
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "roadmap", *args],
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, (args, result.stderr[-2000:])
        loaded = {
            line.split("|")[-1].strip().split(".")[0]
            for line in result.stderr.splitlines()
            if line.startswith("import time:")
        }
        # the review scheduler only where due dates are shown (issue 20)
        light = {"fsrs"} if args[0] not in SCHEDULED else set()
        heavy = sorted(loaded & (set(HEAVY) | light))
        if heavy:
            offenders[" ".join(args)] = heavy
    assert offenders == {}
