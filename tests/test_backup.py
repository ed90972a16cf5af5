"""``roadmap backup`` and ``roadmap restore``: SQLite's backup API, never a half file,
only roadmap databases of a known revision, the current database saved first."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from tests.conftest import Run, kill_while_writing

APP_ID = 0x524D4150


def minutes(run: Run) -> list[int]:
    return sorted(s["minutes"] for s in run.json("sessions"))


def app_id(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA application_id").fetchone()[0])
    finally:
        conn.close()


def test_backup_to_a_file_and_restore_it(run: Run, small: Path, tmp_path: Path) -> None:
    run.ok("log", "linalg", "1h")
    dest = tmp_path / "b.db"
    result = run.ok("backup", str(dest))
    assert f"to {dest}" in result.stdout
    assert app_id(dest) == APP_ID
    run.ok("log", "linalg", "2h")
    assert minutes(run) == [60, 120]
    restored = run.ok("restore", str(dest), "--yes")
    assert "restored" in restored.stdout and "(1 sessions)" in restored.stdout
    assert minutes(run) == [60]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_backup_default_is_timestamped_in_the_data_dir(
    run: Run, small: Path, db_path: Path
) -> None:
    run.ok("log", "linalg", "1h")
    run.ok("backup")
    time.sleep(0.01)
    run.ok("backup")
    made = sorted((db_path.parent / "backups").glob("roadmap-*-manual.db"))
    assert len(made) == 2
    for path in made:
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT COUNT(*) FROM session").fetchone()[0] == 1
        conn.close()


def test_backup_into_a_directory_and_never_over_a_file(
    run: Run, small: Path, tmp_path: Path
) -> None:
    run.ok("log", "linalg", "1h")
    folder = tmp_path / "keep"
    folder.mkdir()
    run.ok("backup", str(folder))
    assert len(list(folder.glob("roadmap-*-manual.db"))) == 1
    taken = tmp_path / "taken.db"
    taken.write_text("precious")
    refused = run("backup", str(taken))
    assert refused.exit_code == 73 and "exists; not overwriting it" in refused.stderr
    assert taken.read_text() == "precious"


def test_backup_without_a_database(run: Run, small: Path, tmp_path: Path) -> None:
    result = run("backup", str(tmp_path / "b.db"))
    assert result.exit_code == 66 and "nothing to back up" in result.stderr
    assert not (tmp_path / "b.db").exists()


def test_backup_sees_only_committed_data(
    run: Run, small: Path, tmp_path: Path, db_path: Path
) -> None:
    run.ok("log", "linalg", "1h")
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO session (skill_id, started_at, day, minutes, note, tags, links, source, "
        "created_at) VALUES ('linalg', '2026-01-01T10:00:00Z', '2026-01-01', 5, '', '[]', '[]', "
        "'log', '2026-01-01T10:00:00Z')"
    )
    try:
        dest = tmp_path / "b.db"
        run.ok("backup", str(dest))  # while another process is mid-transaction
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    conn = sqlite3.connect(dest)
    assert conn.execute("SELECT minutes FROM session").fetchall() == [(60,)]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_restore_backs_the_current_database_up_first(
    run: Run, small: Path, tmp_path: Path, db_path: Path
) -> None:
    run.ok("log", "linalg", "1h")
    dest = tmp_path / "b.db"
    run.ok("backup", str(dest))
    run.ok("log", "linalg", "2h")
    result = run.ok("restore", str(dest), "--yes")
    saved = sorted((db_path.parent / "backups").glob("*before-restore.db"))
    assert len(saved) == 1 and str(saved[0]) in result.stdout
    conn = sqlite3.connect(saved[0])
    assert sorted(r[0] for r in conn.execute("SELECT minutes FROM session")) == [60, 120]
    conn.close()
    assert minutes(run) == [60]


def test_restore_needs_confirmation(run: Run, small: Path, tmp_path: Path) -> None:
    run.ok("log", "linalg", "1h")
    dest = tmp_path / "b.db"
    run.ok("backup", str(dest))
    run.ok("log", "linalg", "2h")
    result = run("restore", str(dest))  # no terminal, no --yes
    assert result.exit_code == 2 and "pass --yes" in result.stderr
    assert minutes(run) == [60, 120]


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()


def _blank(path: Path) -> None:
    sqlite3.connect(path).close()
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")
    conn.close()


def _edit_copy(source: Path, dest: Path, *sql: str) -> None:
    conn = sqlite3.connect(source)
    target = sqlite3.connect(dest)
    conn.backup(target)
    conn.close()
    for statement in sql:
        target.execute(statement)
    target.commit()
    target.close()


@pytest.mark.parametrize(
    ("kind", "code", "message"),
    [
        ("missing", 66, "backup not found"),
        ("directory", 66, "is a directory"),
        ("empty", 69, "is empty (0 bytes)"),
        ("text", 69, "is not a SQLite database"),
        ("foreign", 69, "of another application"),
        ("blank", 69, "of another application"),
        ("newer", 69, "newer version of roadmap"),
        ("revision", 69, "revision this version does not know (zzzz)"),
        ("damaged", 69, "damaged"),
    ],
)
def test_restore_refuses_what_is_not_a_usable_roadmap_database(
    run: Run, small: Path, tmp_path: Path, db_path: Path, kind: str, code: int, message: str
) -> None:
    run.ok("log", "linalg", "1h")
    good = tmp_path / "good.db"
    run.ok("backup", str(good))
    path = tmp_path / f"{kind}.db"
    if kind == "directory":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("not a database at all\n" * 20)
    elif kind == "foreign":
        _foreign(path)
    elif kind == "blank":
        _blank(path)
    elif kind == "newer":
        _edit_copy(good, path, "PRAGMA user_version = 99")
    elif kind == "revision":
        _edit_copy(good, path, "UPDATE alembic_version SET version_num = 'zzzz'")
    elif kind == "damaged":
        data = bytearray(good.read_bytes())
        page = 4096
        data[page * 2 : page * 2 + 600] = b"\xff" * 600  # scribble over a b-tree page
        path.write_bytes(bytes(data))
    before = db_path.read_bytes()
    result = run("restore", str(path), "--yes")
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) <= 2
    assert db_path.read_bytes() == before
    assert not (db_path.parent / "backups").exists() or not list(
        (db_path.parent / "backups").glob("*before-restore*")
    )
    assert minutes(run) == [60]


@pytest.mark.parametrize("damage", ["zero-bytes", "garbage"])
def test_restore_over_a_damaged_database(
    run: Run, small: Path, tmp_path: Path, db_path: Path, damage: str
) -> None:
    run.ok("log", "linalg", "1h")
    good = tmp_path / "good.db"
    run.ok("backup", str(good))
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_path.write_bytes(b"" if damage == "zero-bytes" else b"garbage" * 1000)
    refused = run("sessions")
    assert refused.exit_code == 69 and "restore" in refused.stderr  # the hint
    result = run.ok("restore", str(good), "--yes")
    assert "before-restore-damaged" in result.stdout
    assert minutes(run) == [60]
    saved = list((db_path.parent / "backups").glob("*before-restore-damaged.db"))
    assert saved[0].read_bytes() == (b"" if damage == "zero-bytes" else b"garbage" * 1000)


def test_restore_into_a_data_dir_whose_database_is_gone(
    run: Run, small: Path, tmp_path: Path, db_path: Path
) -> None:
    run.ok("log", "linalg", "1h")
    good = tmp_path / "good.db"
    run.ok("backup", str(good))
    for path in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        path.unlink(missing_ok=True)
    assert run("sessions").exit_code == 69  # missing, but the data dir shows it existed
    run.ok("restore", str(good), "--yes")
    assert minutes(run) == [60]


def test_restore_while_another_process_reads(
    run: Run, small: Path, tmp_path: Path, db_path: Path
) -> None:
    run.ok("log", "linalg", "1h")
    good = tmp_path / "good.db"
    run.ok("backup", str(good))
    run.ok("log", "linalg", "2h")
    reader = sqlite3.connect(db_path)
    assert reader.execute("SELECT COUNT(*) FROM session").fetchone()[0] == 2
    try:
        run.ok("restore", str(good), "--yes")
        # the other connection sees the restored database, not a mix
        assert reader.execute("SELECT COUNT(*) FROM session").fetchone()[0] == 1
        assert reader.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        reader.close()


def test_restore_killed_mid_way_leaves_the_old_database(
    run: Run, small: Path, tmp_path: Path, db_path: Path
) -> None:
    run.ok("log", "linalg", "1h")
    other = tmp_path / "other"
    os.environ["ROADMAP_HOME"] = str(other)
    try:
        run.ok("tree")
        conn = sqlite3.connect(other / "roadmap.db")
        conn.executemany(
            "INSERT INTO session (skill_id, started_at, day, minutes, note, tags, links, source, "
            "created_at) VALUES ('linalg', ?, '2025-01-01', 30, ?, '[]', '[]', 'log', "
            "'2025-01-01T00:00:00Z')",
            [(f"2025-01-01T00:00:{i % 60:02d}Z", "x" * 200 + str(i)) for i in range(40_000)],
        )
        conn.commit()
        conn.close()
        big = tmp_path / "big.db"
        run.ok("backup", str(big))
    finally:
        os.environ["ROADMAP_HOME"] = str(db_path.parent)
    kill_while_writing(
        db_path, "restore", str(big), "--yes", what="restore"
    )  # copying into the live database
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM session").fetchone()[0] == 1
    finally:
        conn.close()
    assert minutes(run) == [60]
    assert [p.name for p in db_path.parent.iterdir() if p.name.startswith(".")] == []
