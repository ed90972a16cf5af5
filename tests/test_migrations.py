"""Schema migrations: every released schema upgrades with every row intact; a failing
migration rolls back whole; a batch ("move and copy") migration keeps child rows.

Issue 7, cases 4 and 5. The fixture databases under ``tests/data/schema-REV.db`` are
made by ``tests/data/make_fixture_db.py`` with the code at that revision.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from roadmap import models, paths
from roadmap.errors import DatabaseRefused
from roadmap.store import sqlite as db
from tests.conftest import ROOT, Run

DATA = Path(__file__).resolve().parent / "data"
FIXTURES = sorted(DATA.glob("schema-*.db"))
NEXT_VERSION = models.SCHEMA_VERSION + 1  # of the throwaway revision put on top of head

Snapshot = dict[str, tuple[list[str], list[tuple[Any, ...]]]]


def snapshot(path: Path) -> Snapshot:
    """Every row of every table (read-only), sorted, with the column names."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        out: Snapshot = {}
        tables = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for (table,) in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}"')
            columns = [d[0] for d in cursor.description]
            out[table] = (columns, sorted(cursor.fetchall(), key=repr))
        return out
    finally:
        conn.close()


def schema(path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    finally:
        conn.close()


def pragma(path: Path, name: str) -> Any:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(f"PRAGMA {name}").fetchall()
    finally:
        conn.close()


def revision(path: Path) -> str:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        conn.close()


def assert_rows_kept(before: Snapshot, after: Snapshot) -> None:
    """Every row of every earlier table is still there (projected on the earlier
    columns, so a later migration may add columns but never lose or change data)."""
    for table, (columns, rows) in before.items():
        if table == "alembic_version":
            continue  # the one table an upgrade is meant to change
        assert table in after, f"table {table} disappeared"
        new_columns, new_rows = after[table]
        assert set(columns) <= set(new_columns), (table, columns, new_columns)
        index = [new_columns.index(c) for c in columns]
        projected = sorted((tuple(r[i] for i in index) for r in new_rows), key=repr)
        assert projected == rows, f"rows of {table} changed"


def released_revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(paths.migrations_dir()))
    return sorted(rev.revision for rev in script.walk_revisions())


def test_every_released_revision_has_a_fixture_database() -> None:
    have = {p.stem.removeprefix("schema-") for p in FIXTURES}
    missing = set(released_revisions()) - have
    assert not missing, (
        f"no fixture database for revision(s) {sorted(missing)}: run "
        "tests/data/make_fixture_db.py with the code at that revision"
    )
    assert released_revisions()[-1] == models.HEAD_REVISION


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_database_upgrades_to_head_with_every_row_intact(
    fixture: Path, tmp_path: Path, run: Run
) -> None:
    copy = tmp_path / "data" / "roadmap.db"
    copy.parent.mkdir()
    shutil.copyfile(fixture, copy)
    before = snapshot(copy)
    assert all(rows for _, rows in before.values()), "the fixture must have rows in every table"

    db.open_db(copy).close()

    after = snapshot(copy)
    assert_rows_kept(before, after)
    assert revision(copy) == models.HEAD_REVISION
    assert pragma(copy, "user_version") == [(db.SCHEMA_VERSION,)]
    assert pragma(copy, "application_id") == [(db.APPLICATION_ID,)]
    assert pragma(copy, "quick_check") == [("ok",)]
    assert pragma(copy, "foreign_key_check") == []
    # ...and the current code reads it: doctor finds no problem.
    report = run("--db", str(copy), "doctor", "--json")
    assert '"healthy": true' in report.stdout, (report.stdout, report.stderr)
    # Opening again changes nothing.
    db.open_db(copy).close()
    assert snapshot(copy) == after


# --- throwaway revisions against a copy of the real migrations -------------------------

FAILING = '''
"""broken: creates a table, changes rows, recreates a table, then fails"""
import sqlalchemy as sa
from alembic import op

revision = "9002"
down_revision = "__HEAD__"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("extra", sa.Column("id", sa.Integer(), primary_key=True))
    op.add_column("session", sa.Column("mood", sa.String(), nullable=True))
    op.execute("UPDATE session SET note = 'clobbered'")
    with op.batch_alter_table("milestone", recreate="always") as batch:
        batch.add_column(sa.Column("extra", sa.Integer(), nullable=True))
    op.execute("DELETE FROM journal")
    op.execute("PRAGMA user_version = __NEXT__")
    raise RuntimeError("boom half-way")


def downgrade() -> None:
    pass
'''

BATCH = '''
"""batch: recreate the parent table 'skill' (move and copy) with its FK children"""
import sqlalchemy as sa
from alembic import op

revision = "9002"
down_revision = "__HEAD__"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("skill", recreate="always") as batch:
        batch.add_column(sa.Column("colour", sa.String(), nullable=True))
    with op.batch_alter_table("pillar", recreate="always") as batch:
        batch.add_column(sa.Column("icon", sa.String(), nullable=True))
    op.execute("PRAGMA user_version = __NEXT__")


def downgrade() -> None:
    pass
'''


@pytest.fixture
def head_plus_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Point roadmap at a copy of migrations/ with an extra revision 9002 on top of head."""

    def install(source: str) -> Path:
        scripts = tmp_path / "migrations"
        shutil.copytree(ROOT / "migrations", scripts, ignore=shutil.ignore_patterns("__pycache__"))
        source = source.replace("__HEAD__", models.HEAD_REVISION)
        source = source.replace("__NEXT__", str(NEXT_VERSION))
        (scripts / "versions" / "9002_test.py").write_text(source, encoding="utf-8")
        monkeypatch.setattr(paths, "migrations_dir", lambda: scripts)
        monkeypatch.setattr(db, "SCHEMA_VERSION", NEXT_VERSION)
        return scripts

    return install


@pytest.fixture
def populated(tmp_path: Path) -> Path:
    """A database at 0001 with rows in every table."""
    path = tmp_path / "data" / "roadmap.db"
    path.parent.mkdir()
    shutil.copyfile(DATA / "schema-0001.db", path)
    return path


def test_a_migration_failing_half_way_rolls_back_whole(
    head_plus_one: Any, populated: Path, run: Run
) -> None:
    head_plus_one(FAILING)
    rows, tables = snapshot(populated), schema(populated)

    with pytest.raises(DatabaseRefused) as info:
        db.open_db(populated)
    assert "boom half-way" in info.value.message
    assert "rolled back" in info.value.message
    assert info.value.hint is not None and "backups" in info.value.hint

    assert schema(populated) == tables  # no 'extra', no 'mood', milestone as it was
    assert snapshot(populated) == rows
    assert revision(populated) == "0001"
    assert pragma(populated, "user_version") == [(1,)]
    assert pragma(populated, "quick_check") == [("ok",)]
    backups = list(db.backups_dir(populated).glob(f"roadmap-*-before-v{NEXT_VERSION}.db"))
    assert len(backups) == 1
    assert snapshot(backups[0]) == rows

    # The CLI says so clearly (exit 69, no traceback) and still changes nothing.
    result = run("--db", str(populated), "sessions", "--json")
    assert result.exit_code == 69, result.stderr
    assert "rolled back" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert snapshot(populated) == rows and schema(populated) == tables


def test_the_raw_upgrade_also_rolls_back(head_plus_one: Any, populated: Path) -> None:
    """``migrate.upgrade`` itself (as used on create) is all-or-nothing."""
    from roadmap.store import migrate

    scripts = head_plus_one(FAILING)
    rows, tables = snapshot(populated), schema(populated)
    with pytest.raises(DatabaseRefused):
        migrate.upgrade(populated, script_location=scripts)
    assert (snapshot(populated), schema(populated)) == (rows, tables)


def test_a_batch_migration_keeps_every_child_row(head_plus_one: Any, populated: Path) -> None:
    head_plus_one(BATCH)
    before = snapshot(populated)
    children = {
        table
        for table in before
        if any(
            fk[2] in ("skill", "pillar") for fk in pragma(populated, f"foreign_key_list({table})")
        )
    }
    assert children >= {"session", "milestone", "assessment", "timer", "skill_alias", "skill"}

    conn = db.open_db(populated)
    conn.close()

    after = snapshot(populated)
    assert_rows_kept(before, after)
    assert "colour" in after["skill"][0] and "icon" in after["pillar"][0]
    assert revision(populated) == "9002"
    assert pragma(populated, "foreign_key_check") == []
    assert pragma(populated, "quick_check") == [("ok",)]
    # the children still point at the recreated tables, and the triggers survived
    for table in children:
        targets = {fk[2] for fk in pragma(populated, f"foreign_key_list({table})")}
        assert targets & {"skill", "pillar"}, table
    triggers = {r[1] for r in schema(populated) if r[0] == "trigger"}
    assert triggers == {"session_after_insert", "session_after_delete", "session_after_update"}
    assert len(list(db.backups_dir(populated).glob(f"*-before-v{NEXT_VERSION}.db"))) == 1
