"""Opening the database: creation, refusals that leave the file byte-identical, resolution."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from roadmap import models, paths
from roadmap.store import sqlite as db
from tests.conftest import Run


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_created_at_head_and_stamped(db_path: Path) -> None:
    conn = db.open_db(db_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == db.APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert (
        conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        == models.HEAD_REVISION
    )
    conn.close()
    assert db.marker_path(db_path).exists()


def _refused(run: Run, db_path: Path, needle: str) -> None:
    before = digest(db_path)
    siblings = sorted(p.name for p in db_path.parent.iterdir())
    result = run("tree")
    assert result.exit_code == 69, result.stderr
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert digest(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == siblings


def test_newer_database_is_refused_untouched(run: Run, small: Path, db_path: Path) -> None:
    run.ok("tree")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    for extra in ("-wal", "-shm"):
        Path(str(db_path) + extra).unlink(missing_ok=True)
    _refused(run, db_path, "made by a newer version of roadmap (schema 99")


def test_foreign_sqlite_file_is_refused_untouched(run: Run, small: Path, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()
    _refused(run, db_path, "another application")


def test_zero_byte_database_is_refused_untouched(run: Run, small: Path, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"")
    _refused(run, db_path, "is empty (0 bytes)")


def test_random_bytes_are_refused_untouched(run: Run, small: Path, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(os.urandom(8192))
    _refused(run, db_path, "is not a SQLite database")


def test_missing_database_with_history_is_not_silently_recreated(
    run: Run, small: Path, db_path: Path
) -> None:
    run.ok("tree")
    db_path.unlink()
    for extra in ("-wal", "-shm"):
        Path(str(db_path) + extra).unlink(missing_ok=True)
    result = run("tree")
    assert result.exit_code == 69
    assert "is missing, but this directory shows one existed" in result.stderr
    assert not db_path.exists()


def test_blank_sqlite_file_is_adopted(run: Run, small: Path, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 0")
    conn.execute("VACUUM")
    conn.close()
    assert db_path.stat().st_size > 0
    run.ok("tree")
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == db.APPLICATION_ID


def test_data_dir_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "h"
    monkeypatch.setenv("ROADMAP_HOME", str(home))
    loc = paths.resolve()
    assert loc.home == home
    assert loc.db == home / "roadmap.db"
    assert loc.skills == paths.bundled_skills()
    assert loc.skills_origin == "bundled"
    home.mkdir()
    (home / "skills.yaml").write_text("x")
    assert paths.resolve().skills == home / "skills.yaml"
    monkeypatch.setenv("ROADMAP_SKILLS", str(tmp_path / "env.yaml"))
    assert paths.resolve().skills == tmp_path / "env.yaml"
    assert paths.resolve(skills=str(tmp_path / "opt.yaml")).skills == tmp_path / "opt.yaml"
    monkeypatch.setenv("ROADMAP_DB", str(tmp_path / "other.db"))
    assert paths.resolve().db == tmp_path / "other.db"
    assert paths.resolve(db=str(tmp_path / "opt.db")).db == tmp_path / "opt.db"


def test_without_roadmap_home_the_platform_dir_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_data_dir

    monkeypatch.delenv("ROADMAP_HOME")
    assert paths.data_dir() == Path(user_data_dir("roadmap", appauthor=False))


def test_db_option_points_elsewhere(run: Run, small: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "mine.db"
    run.ok("--db", str(other), "tree")
    assert other.exists()
