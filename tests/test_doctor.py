"""``roadmap doctor [--json]``: each check finds what it promises, never writes, and exits
0 when healthy (warnings allowed), 1 with the problems listed otherwise."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest

from roadmap import clock, doctor, models
from roadmap.store import copydb
from roadmap.store import sqlite as db
from roadmap.store.url import redact
from tests.conftest import Run, Sql, fresh_pg_database

pytestmark = pytest.mark.usefixtures("backend")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def report(run: Run, *args: str, code: int | None = None) -> dict[str, Any]:
    result = run(*args, "doctor", "--json")
    data: dict[str, Any] = json.loads(result.stdout)  # one JSON document, whatever was found
    assert result.exit_code == (0 if data["healthy"] else 1), result.stderr
    if code is not None:
        assert result.exit_code == code, data
    assert "Traceback" not in result.stderr
    return data


def status(data: dict[str, Any], check: str) -> tuple[str, str]:
    found = [c for c in data["checks"] if c["check"] == check]
    assert found, f"no {check!r} check in {data['checks']}"
    return found[0]["status"], found[0]["detail"]


def damage(sql: Sql, *statements: str, params: tuple[Any, ...] = ()) -> None:
    """Run ``statements`` with foreign keys unchecked (the triggers still fire): how a
    database gets references that do not resolve."""
    conn = sql.connect()
    try:
        if isinstance(conn, sqlite3.Connection):
            conn.execute("PRAGMA foreign_keys=OFF")
            for statement in statements:
                conn.execute(statement, params)
            return
        # On the server: switch off only the foreign-key triggers, in one transaction.
        conn.execute("BEGIN")
        names = list(copydb.tables(conn))
        for name in names:
            conn.execute(f'ALTER TABLE "{name}" DISABLE TRIGGER ALL')
            conn.execute(f'ALTER TABLE "{name}" ENABLE TRIGGER USER')
        for statement in statements:
            conn.execute(statement, params)
        for name in names:
            conn.execute(f'ALTER TABLE "{name}" ENABLE TRIGGER ALL')
        conn.execute("COMMIT")
    finally:
        conn.close()


def sqlite_file(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


@pytest.fixture
def state(backend: str, db_path: Path, sql: Sql) -> Callable[[], Any]:
    """What the database holds now: the file's bytes on SQLite, every row on a server."""
    return lambda: digest(db_path) if backend == "sqlite" else sql.dump()


@pytest.fixture
def ready(run: Run, small: Path, db_path: Path) -> Path:
    run.ok("log", "linalg", "1h", "--tag", "x")
    run.ok("log", "calculus", "30m", "--on", "yesterday")
    run.ok("assess", "calculus", "1")
    return db_path


def test_a_healthy_database_passes_every_check_and_is_not_written(
    backend: str, run: Run, ready: Path, state: Callable[[], Any]
) -> None:
    before = state()
    data = report(run, code=0)
    assert data["healthy"] is True
    if backend == "sqlite":
        assert data["database"] == str(ready)
    else:
        assert data["database"] == redact(os.environ["ROADMAP_DB"])
    names = [c["check"] for c in data["checks"]]
    common = ("location", "foreign keys", "schema", "orphans", "timer", "skills file")
    # A server has no file to quick_check: it keeps its own pages sound.
    for check in (*common, "integrity") if backend == "sqlite" else common:
        assert check in names
        assert status(data, check)[0] == "ok", status(data, check)
    assert f"revision {models.HEAD_REVISION}" in status(data, "schema")[1]
    assert state() == before
    text = run.ok("doctor").stdout
    assert text.rstrip().endswith("healthy")
    if backend == "sqlite":
        assert "ok       integrity: quick_check: ok" in text
    assert state() == before


def test_a_fresh_data_dir_is_fine_and_doctor_creates_nothing(
    backend: str,
    run: Run,
    small: Path,
    db_path: Path,
    sql: Sql,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if backend == "sqlite":
        data = report(run, code=0)
        assert "does not exist yet" in status(data, "database")[1]
    else:  # the server's counterpart: a database without a single table
        empty = fresh_pg_database(request.getfixturevalue("pg_cluster"), empty=True)
        monkeypatch.setenv("ROADMAP_DB", empty)
        data = report(run, code=0)
        assert "is empty: first use sets it up" in status(data, "database")[1]
        tables = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        assert sql.one(tables) == 0
    assert not db_path.exists() and not db_path.parent.exists()


@pytest.mark.sqlite_only
def test_a_missing_database_with_history_is_a_problem(run: Run, ready: Path) -> None:
    ready.unlink()
    data = report(run, code=1)
    state, detail = status(data, "database")
    assert state == "problem" and "is missing" in detail and ".created" in detail
    assert not ready.exists()


@pytest.mark.sqlite_only
def test_a_damaged_file_is_a_problem(run: Run, ready: Path) -> None:
    raw = bytearray(ready.read_bytes())
    page = 4096
    assert len(raw) > 8 * page
    for offset in range(2 * page, 8 * page, 97):
        raw[offset : offset + 13] = b"\xde\xad\xbe\xef" * 3 + b"\x00"
    ready.write_bytes(bytes(raw))
    before = digest(ready)
    data = report(run, code=1)
    problems = [c for c in data["checks"] if c["status"] == "problem"]
    assert problems and problems[0]["check"] in ("integrity", "database")
    assert digest(ready) == before
    text = run("doctor")
    assert text.exit_code == 1 and "PROBLEM" in text.stdout and "problem(s) found" in text.stdout


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "0 bytes"),
        (os.urandom(4096), "not a SQLite database"),
    ],
)
def test_a_file_that_is_not_ours_is_a_problem_left_untouched(
    run: Run, small: Path, db_path: Path, content: bytes, needle: str
) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(content)
    data = report(run, code=1)
    assert needle in status(data, "database")[1]
    assert db_path.read_bytes() == content


@pytest.mark.sqlite_only
def test_another_applications_sqlite_file_is_a_problem(
    run: Run, small: Path, db_path: Path
) -> None:
    db_path.parent.mkdir(parents=True)
    sqlite_file(
        db_path, "CREATE TABLE photos (id INTEGER PRIMARY KEY)", "INSERT INTO photos VALUES (1)"
    )
    before = digest(db_path)
    assert "another application" in status(report(run, code=1), "database")[1]
    assert digest(db_path) == before


def test_broken_foreign_keys_and_orphans_are_problems(
    backend: str, run: Run, ready: Path, sql: Sql
) -> None:
    damage(
        sql,
        "INSERT INTO session (skill_id, started_at, day, minutes, note, tags, links, source, "
        "created_at) VALUES ('ghost', '2026-01-01T10:00:00Z', '2026-01-01', 30, '', '[]', '[]', "
        "'log', '2026-01-01T10:30:00Z')",
    )
    data = report(run, code=1)
    if backend == "sqlite":
        assert status(data, "foreign keys") == ("problem", "1 broken reference(s), in session")
    else:  # the server checks its foreign keys itself; doctor still finds the orphans
        assert status(data, "foreign keys") == ("ok", "enforced by the server")
    state, detail = status(data, "orphans")
    assert state == "problem" and "1 orphaned sessions" in detail
    assert "1 orphaned daily totals" in detail and "out of step" not in detail


def test_orphans_no_foreign_key_can_catch_are_found(run: Run, ready: Path, sql: Sql) -> None:
    damage(
        sql,
        "INSERT INTO prerequisite (skill_id, requires_id, level) VALUES ('linalg', 'ghost', 1)",
        "UPDATE skill SET parent_id = 'nowhere' WHERE id = 'cpp-memory'",
    )
    data = report(run, code=1)
    assert status(data, "foreign keys")[0] == "ok"
    state, detail = status(data, "orphans")
    assert state == "problem"
    assert "1 orphaned prerequisites" in detail and "1 orphaned child skills" in detail


def test_daily_totals_out_of_step_are_a_problem(run: Run, ready: Path, sql: Sql) -> None:
    sql("UPDATE skill_day SET minutes = minutes + 5 WHERE skill_id = 'linalg'")
    state, detail = status(report(run, code=1), "orphans")
    assert state == "problem" and "1 daily or running total(s) out of step" in detail


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE skill_total SET minutes = minutes + 5 WHERE skill_id = 'linalg'",
        "UPDATE skill_total SET last_day = '2000-01-01' WHERE skill_id = 'linalg'",
        "UPDATE study_day SET sessions = sessions + 1",
        "DELETE FROM study_day",
    ],
)
def test_running_totals_out_of_step_are_a_problem(
    run: Run, ready: Path, sql: Sql, change: str
) -> None:
    sql(change)
    state, detail = status(report(run, code=1), "orphans")
    assert state == "problem" and "out of step with the sessions" in detail


def test_a_timer_running_for_more_than_a_day_is_a_warning(run: Run, ready: Path, sql: Sql) -> None:
    run.ok("start", "linalg")
    assert status(report(run, code=0), "timer")[0] == "ok"
    long_ago = (clock.now().astimezone(UTC) - timedelta(hours=26)).strftime("%Y-%m-%dT%H:%M:%SZ")
    sql("UPDATE timer SET started_at = ?", (long_ago,))
    data = report(run, code=0)
    state, detail = status(data, "timer")
    assert state == "warning" and "linalg" in detail and "roadmap cancel" in detail
    assert long_ago in detail


def test_skills_with_history_missing_from_the_file_are_listed(
    run: Run,
    ready: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    small: Path,
    state: Callable[[], Any],
) -> None:
    trimmed = tmp_path / "trimmed.yaml"
    text = small.read_text()
    trimmed.write_text(
        text.replace("      - id: calculus\n        name: Calculus\n        hours: 5\n", "")
        .replace("{skill: calculus, level: 2}", "linalg")
        .replace(", calculus: 1}", "}")
    )
    monkeypatch.setenv("ROADMAP_SKILLS", str(trimmed))
    before = state()
    data = report(run, code=0)
    found, detail = status(data, "skills file")
    assert found == "warning" and "1 skill(s) with history" in detail and "calculus" in detail
    assert "linalg" not in detail.split(":", 1)[1].split(";")[0]
    assert status(data, "sync")[0] == "warning"
    assert state() == before  # doctor did not sync
    # A rename with was: keeps the history reachable: no warning.
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(
        text.replace("- id: calculus\n", "- id: calc\n        was: [calculus]\n")
        .replace("{skill: calculus, level: 2}", "{skill: calc, level: 2}")
        .replace("calculus: 1}", "calc: 1}")
    )
    monkeypatch.setenv("ROADMAP_SKILLS", str(renamed))
    assert status(report(run, code=0), "skills file")[0] == "ok"
    assert state() == before


def test_an_invalid_skills_file_is_a_problem(
    run: Run, ready: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\npillars: [{id: P, name: x}]\n")
    monkeypatch.setenv("ROADMAP_SKILLS", str(bad))
    state, detail = status(report(run, code=1), "skills file")
    assert state == "problem" and f"{bad}:2:16:" in detail


def test_a_newer_schema_is_a_problem_and_left_untouched(
    backend: str, run: Run, ready: Path, sql: Sql, state: Callable[[], Any]
) -> None:
    if backend == "sqlite":
        sqlite_file(ready, "PRAGMA user_version = 7")
    else:  # a server has no user_version: a newer roadmap shows in the revision alone
        sql("UPDATE alembic_version SET version_num = '0099'")
    before = state()
    found, detail = status(report(run, code=1), "schema")
    assert found == "problem" and "newer version" in detail
    assert state() == before


def test_an_unknown_revision_is_a_problem(run: Run, ready: Path, sql: Sql) -> None:
    sql("UPDATE alembic_version SET version_num = '0099'")
    state, detail = status(report(run, code=1), "schema")
    assert state == "problem" and "0099" in detail


@pytest.mark.no_database
def test_the_schema_identity_matches_the_newest_migration() -> None:
    """One source (roadmap.store.schema), and it says what the newest migration makes."""
    import re

    from roadmap import paths
    from roadmap.store import backups, schema

    assert max(backups.known_revisions()) == schema.HEAD_REVISION == models.HEAD_REVISION
    newest = (paths.migrations_dir() / "versions").glob(f"{schema.HEAD_REVISION}_*.py")
    text = next(newest).read_text(encoding="utf-8")
    assert re.search(rf"user_version = {schema.SCHEMA_VERSION}\b", text)
    assert db.SCHEMA_VERSION == models.SCHEMA_VERSION == schema.SCHEMA_VERSION


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "folder",
    [
        "Dropbox",
        "Dropbox (Personal)",
        "OneDrive - Contoso",
        "Library/Mobile Documents/com~apple~CloudDocs",
        "iCloud Drive",
        "Google Drive/My Drive",
        "Library/CloudStorage/GoogleDrive-me@example.org",
        "Nextcloud",
    ],
)
def test_a_database_in_a_synced_folder_is_a_warning(
    run: Run, small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    home = tmp_path / folder / "roadmap"
    monkeypatch.setenv("ROADMAP_HOME", str(home))
    run.ok("log", "linalg", "1h")
    data = report(run, code=0)
    state, detail = status(data, "location")
    assert state == "warning" and "synced folder" in detail


@pytest.mark.sqlite_only
def test_a_local_folder_is_not_mistaken_for_a_synced_one(run: Run, ready: Path) -> None:
    for name in ("mydropbox", "boxes", "syncing", "mydrive", "dropboxes"):
        assert doctor.synced_folder(Path("/home/u") / name / "roadmap.db") is None, name


MOUNTS = r"""sysfs /sys sysfs rw,nosuid 0 0
/dev/sda1 / ext4 rw,relatime 0 0
server:/export/home /home nfs4 rw,relatime 0 0
//nas/share /mnt/nas cifs rw 0 0
me@host:/data /mnt/remote\040dir fuse.sshfs rw 0 0
drvfs /mnt/c 9p rw 0 0
tmpfs /home/u/scratch tmpfs rw 0 0
"""


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("path", "fstype", "network"),
    [
        ("/var/lib/x/roadmap.db", "ext4", False),
        ("/home/u/.local/share/roadmap/roadmap.db", "nfs4", True),
        ("/mnt/nas/roadmap.db", "cifs", True),
        ("/mnt/remote dir/r/roadmap.db", "fuse.sshfs", True),
        ("/mnt/c/Users/u/roadmap.db", "9p", True),
        ("/home/u/scratch/roadmap.db", "tmpfs", False),
        ("/home/u/scratchpad/roadmap.db", "nfs4", True),
    ],
)
def test_the_mount_holding_the_database_is_found(path: str, fstype: str, network: bool) -> None:
    found = doctor.mount_type(Path(path), MOUNTS)
    assert found == fstype
    assert doctor.is_network_fs(found) is network
    finding = doctor.location(Path(path), MOUNTS)
    assert (finding.status == "warning") is network
    if network:
        assert "network file system" in finding.detail


@pytest.mark.sqlite_only
def test_the_real_mount_table_is_read(ready: Path) -> None:
    finding = doctor.location(ready)
    assert finding.status == "ok"
    assert "(unknown)" not in finding.detail or not Path("/proc/mounts").exists()


@pytest.mark.sqlite_only
def test_a_read_only_database_is_a_warning_not_a_problem(run: Run, ready: Path) -> None:
    ready.chmod(0o444)
    try:
        data = report(run, code=0)
        assert status(data, "permissions")[0] == "warning"
    finally:
        ready.chmod(0o644)
