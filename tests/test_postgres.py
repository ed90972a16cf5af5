"""PostgreSQL as the shared database (issue 9): what only a server has.

The behavioural suites (logging, progress, undo, views, sync, export, import) run on both
databases through the ``backend`` fixture; this file covers the rest against a real
server (a throwaway cluster, ``tests/pgcluster.py``): URLs and credentials, refusing
what is not ours, creating and upgrading the schema, several machines at once, ``kill -9``
mid-write, moving a history between SQLite and PostgreSQL, backup, restore and doctor.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from roadmap.errors import UsageError
from roadmap.store import url as dburl
from tests.conftest import ROOT, Run, Sql, fresh_pg_database
from tests.test_faults import finish

SECRET = "s3cret-Pa55"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roadmap", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        cwd=str(ROOT),
    )


@pytest.fixture
def server(pg_cluster: Any, monkeypatch: pytest.MonkeyPatch, small: Path) -> str:
    """ROADMAP_DB is a fresh database at the schema head; the small tree."""
    url = fresh_pg_database(pg_cluster)
    monkeypatch.setenv("ROADMAP_DB", url)
    return url


@pytest.fixture
def empty_server(pg_cluster: Any, monkeypatch: pytest.MonkeyPatch, small: Path) -> str:
    """ROADMAP_DB is a new, empty database (no tables at all)."""
    url = fresh_pg_database(pg_cluster, empty=True)
    monkeypatch.setenv("ROADMAP_DB", url)
    return url


# --- URLs ------------------------------------------------------------------------------


def test_database_urls_and_paths() -> None:
    assert dburl.parse("sqlite:///rel/path.db") == (Path("rel/path.db"), None)
    assert dburl.parse("sqlite:////abs/path.db") == (Path("/abs/path.db"), None)
    assert dburl.parse("/plain/path.db") == (Path("/plain/path.db"), None)
    url = "postgresql://me@db.example.org:5433/roadmap?sslmode=require"
    assert dburl.parse(url) == (None, url)
    assert dburl.parse("postgres://me@host/db") == (None, "postgres://me@host/db")
    for bad in ("mysql://me@host/db", "sqlite://relative.db", "postgresql:db", "sqlite:///"):
        with pytest.raises(UsageError):
            dburl.parse(bad)
    shown = dburl.redact(f"postgresql://me:{SECRET}@host/db?password={SECRET}&sslmode=require")
    assert SECRET not in shown and shown.startswith("postgresql://me:***@host/db?password=***")
    assert dburl.has_password(f"postgresql://me:{SECRET}@host/db")
    assert not dburl.has_password("postgresql://me@host/db")


def test_a_sqlite_url_is_the_same_as_a_path(run: Run, small: Path, tmp_path: Path) -> None:
    path = tmp_path / "via-url.db"
    run.ok("--db", f"sqlite:///{path}", "log", "linalg", "1h")
    assert path.is_file()
    assert len(run.json("--db", str(path), "sessions")) == 1


def test_an_unsupported_url_is_a_usage_error(run: Run, small: Path, isolated_home: Path) -> None:
    result = run("--db", f"mysql://me:{SECRET}@host/db", "status")
    assert result.exit_code == 2
    assert "unsupported database URL" in result.stderr and SECRET not in result.stderr
    assert "Traceback" not in result.stderr
    assert not isolated_home.exists() or not any(isolated_home.iterdir())


# --- reaching the server ---------------------------------------------------------------


def test_an_unreachable_server_is_one_message_exit_69(small: Path, isolated_home: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for command in (["status"], ["log", "linalg", "1h"], ["doctor"]):
        result = cli("--db", f"postgresql://me@127.0.0.1:{port}/roadmap", *command)
        assert result.returncode == (1 if command == ["doctor"] else 69), result.stderr
        assert "cannot connect to the database server" in result.stderr + result.stdout
        assert "Traceback" not in result.stderr
        assert result.stderr.count("roadmap: error:") <= 1
    assert not (isolated_home / "roadmap.db").exists()  # nothing written locally


def test_passwords_come_from_pgpass_or_pgpassword_and_are_never_shown(
    pg_cluster: Any, small: Path, tmp_path: Path
) -> None:
    pg_cluster.create_role("alice", SECRET)
    name = pg_cluster.create_database(owner="alice")
    url = pg_cluster.url(name, user="alice", tcp=True)
    nopass = {"PGPASSFILE": str(tmp_path / "none"), "PGPASSWORD": ""}

    refused = cli("--db", url, "status", env={**nopass, "PGPASSWORD": "wrong"})
    assert refused.returncode == 69
    assert "refused the login" in refused.stderr and ".pgpass" in refused.stderr
    assert "Traceback" not in refused.stderr

    assert (
        cli("--db", url, "log", "linalg", "1h", env={**nopass, "PGPASSWORD": SECRET}).returncode
        == 0
    )

    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_cluster.port}:{name}:alice:{SECRET}\n", encoding="utf-8")
    pgpass.chmod(0o600)
    ok = cli("--db", url, "sessions", "--json", env={"PGPASSFILE": str(pgpass), "PGPASSWORD": ""})
    assert ok.returncode == 0, ok.stderr
    assert len(json.loads(ok.stdout)) == 1

    # A password in the URL works but is never echoed, and doctor warns about it.
    in_url = pg_cluster.url(name, user="alice", tcp=True, password=SECRET)
    for args in (["tree"], ["doctor"], ["init"], ["backup", str(tmp_path / "b.db")]):
        result = cli("--db", in_url, *args, env=nopass)
        assert SECRET not in result.stdout + result.stderr, args
    doctor = cli("--db", in_url, "doctor", "--json", env=nopass)
    report = json.loads(doctor.stdout)
    assert any(c["check"] == "credentials" and c["status"] == "warning" for c in report["checks"])
    wrong = cli("--db", in_url.replace(SECRET, "nope-" + SECRET), "status", env=nopass)
    assert wrong.returncode == 69 and SECRET not in wrong.stderr


# --- what is not ours -------------------------------------------------------------------


def test_an_empty_database_gets_the_schema_on_first_use(
    empty_server: str, run: Run, sql: Sql
) -> None:
    from roadmap import models

    assert (
        sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'") == []
    )
    run.ok("log", "linalg", "1h")
    assert sql.one("SELECT version_num FROM alembic_version") == models.HEAD_REVISION
    assert run.json("status")["readiness"] >= 0
    assert json.loads(run("doctor", "--json").stdout)["healthy"] is True


def test_the_server_schema_is_the_sqlmodel_schema(server: str) -> None:
    """The migrations build on PostgreSQL exactly the tables and columns the models define."""
    from sqlalchemy import inspect
    from sqlmodel import SQLModel

    import roadmap.models  # noqa: F401
    from roadmap.store import pg

    engine = pg.engine(server)
    try:
        found = inspect(engine)
        tables = set(found.get_table_names()) - {"alembic_version"}
        assert tables == set(SQLModel.metadata.tables)
        for name, table in SQLModel.metadata.tables.items():
            columns = {c["name"]: c for c in found.get_columns(name)}
            assert set(columns) == {c.name for c in table.columns}, name
            for column in table.columns:
                assert columns[column.name]["nullable"] == column.nullable, (name, column.name)
            pk = found.get_pk_constraint(name)["constrained_columns"]
            assert set(pk) == {c.name for c in table.primary_key.columns}, name
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "setup, message",
    [
        ("CREATE TABLE users (id int PRIMARY KEY, name text)", "not a roadmap database"),
        (
            "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);"
            "INSERT INTO alembic_version VALUES ('ae1027a6acf');"
            "CREATE TABLE invoices (id int)",
            "another application's",
        ),
    ],
    ids=["other-tables", "another-alembic-app"],
)
def test_a_foreign_database_is_refused_untouched(
    empty_server: str, pg_cluster: Any, run: Run, sql: Sql, setup: str, message: str
) -> None:
    name = empty_server.split("@/", 1)[1].split("?")[0]
    pg_cluster.psql_exec(name, setup)

    def everything() -> list[tuple[Any, ...]]:
        return sql(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' ORDER BY 1, 2"
        )

    before = everything()
    for args in (["status"], ["log", "linalg", "1h"], ["sessions", "--json"], ["undo"]):
        result = run(*args)
        assert result.exit_code == 69, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr
    assert everything() == before
    assert "healthy" not in run("doctor").stdout.splitlines()[-1:]


def test_a_database_from_a_newer_roadmap_is_refused_untouched(
    server: str, run: Run, sql: Sql
) -> None:
    run.ok("log", "linalg", "1h")
    sql("UPDATE alembic_version SET version_num = '0999'")
    before = sql.dump()
    for args in (["status"], ["log", "linalg", "1h"], ["sessions"]):
        result = run(*args)
        assert result.exit_code == 69, result.stderr
        assert "newer version of roadmap" in result.stderr and "Traceback" not in result.stderr
    doctor = run("doctor")
    assert doctor.exit_code == 1 and "newer version" in doctor.stdout
    assert sql.dump() == before


def test_an_older_schema_is_backed_up_then_upgraded(
    empty_server: str, run: Run, sql: Sql, isolated_home: Path
) -> None:
    from roadmap import models
    from roadmap.store import migrate

    migrate.upgrade_server(empty_server, "0002", expect=None)
    # History written at schema 0002 (requirements in file order: cpp before linalg).
    sql(
        "INSERT INTO pillar (id, name, description, position, archived) VALUES ('math', 'Math', '', 0, false)"
    )
    for sid in ("linalg", "cpp", "calculus"):
        sql(
            "INSERT INTO skill (id, pillar_id, name, description, weight, hours, position, depth, "
            "resources, level, archived) VALUES (?, 'math', ?, '', 1, 10, 0, 0, '[]', 0, false)",
            (sid, sid),
        )
    sql("INSERT INTO prerequisite (skill_id, requires_id, level) VALUES ('linalg', 'cpp', 1)")
    sql("INSERT INTO prerequisite (skill_id, requires_id, level) VALUES ('linalg', 'calculus', 2)")
    sql(
        "INSERT INTO session (skill_id, started_at, day, minutes, note, tags, links, source, "
        "created_at) VALUES ('linalg', '2026-11-01T10:00:00Z', '2026-11-01', 90, 'old', '[]', "
        "'[]', 'log', '2026-11-01T11:30:00Z')"
    )
    assert sql("SELECT minutes, sessions FROM skill_total") == [(90, 1)]

    run.ok("tree")

    assert sql.one("SELECT version_num FROM alembic_version") == models.HEAD_REVISION
    saved = list((isolated_home / "backups").glob("roadmap-server-*-before-*.db"))
    assert len(saved) == 1
    import sqlite3

    backup = sqlite3.connect(saved[0])
    try:
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)
        assert backup.execute("SELECT note, minutes FROM session").fetchall() == [("old", 90)]
        assert backup.execute("SELECT minutes, sessions FROM skill_total").fetchall() == [(90, 1)]
    finally:
        backup.close()
    assert sql("SELECT note FROM session") == [("old",)]


# --- several machines at once ---------------------------------------------------------


@pytest.mark.slow
def test_two_machines_logging_at_once_lose_nothing(
    empty_server: str, run: Run, sql: Sql, child: Any
) -> None:
    # The database is empty: creating the schema races too.
    start_at = time.time() + 2.0
    sides = [child("log", "60", name, start_at=start_at) for name in ("laptop", "cluster")]
    results = [finish(p, timeout=300) for p in sides]
    reported = []
    for calls in results:
        for code, out, err in calls:
            assert code == 0, err
            reported.append(json.loads(out)["id"])
    assert len(set(reported)) == 120
    assert sorted(r[0] for r in sql("SELECT id FROM session")) == sorted(reported)
    assert sql("SELECT SUM(minutes), SUM(sessions) FROM skill_day") == [(120, 120)]
    assert sql("SELECT minutes, sessions FROM skill_total") == [(120, 120)]
    assert json.loads(run("doctor", "--json").stdout)["healthy"] is True


@pytest.mark.slow
def test_at_most_one_timer_runs_across_machines(
    server: str, run: Run, sql: Sql, child: Any
) -> None:
    run.ok("tree")
    most, stop = 0, threading.Event()

    def watch() -> None:
        nonlocal most
        from roadmap.store import pg

        conn = pg.connect(server)
        while not stop.is_set():
            most = max(most, conn.execute("SELECT count(*) FROM timer").fetchone()[0])
            time.sleep(0.002)
        conn.close()

    observer = threading.Thread(target=watch)
    observer.start()
    start_at = time.time() + 2.0
    try:
        sides = [child("race", "30", start_at=start_at) for _ in range(3)]
        results = [finish(p, timeout=300) for p in sides]
    finally:
        stop.set()
        observer.join()
    started = stopped = 0
    for calls in results:
        for verb, code, _out, err in calls:
            assert code in (0, 1), (verb, code, err)
            assert "busy" not in err, err
            if verb == "start" and code == 0:
                started += 1
            elif verb == "start":
                assert "already running" in err, err
            elif code == 0:
                stopped += 1
            else:
                assert "no timer is running" in err, err
    timers = sql.one("SELECT count(*) FROM timer")
    assert most <= 1 and timers <= 1
    assert started == stopped + timers and stopped >= 30
    assert sql.one("SELECT count(*) FROM session WHERE source = 'timer'") == stopped


def _lock_holder(url: str) -> bool:
    """Whether some session holds roadmap's advisory lock right now."""
    from roadmap.store import pg

    conn = pg.connect(url)
    try:
        got = conn.execute("SELECT pg_try_advisory_lock(?)", (pg.LOCK_KEY,)).fetchone()[0]
        if got:
            conn.execute("SELECT pg_advisory_unlock(?)", (pg.LOCK_KEY,))
        return not got
    finally:
        conn.close()


@pytest.mark.slow
def test_kill_9_inside_the_write_transaction_saves_nothing_and_frees_the_lock(
    server: str, run: Run, sql: Sql, tmp_path: Path
) -> None:
    from tests.test_faults import frames_file

    run.ok("log", "calculus", "1h", "--note", "before")
    frames = frames_file(tmp_path / "frames", 6000, "k")
    for _ in range(3):
        importer = subprocess.Popen(
            [sys.executable, "-m", "roadmap", "import", str(frames)],
            cwd=str(ROOT),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 120
        while not _lock_holder(server):
            assert importer.poll() is None, importer.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.002)
        importer.kill()
        importer.wait(timeout=30)
        assert sql.one("SELECT count(*) FROM session WHERE source = 'watson'") == 0
        assert sql("SELECT note FROM session") == [("before",)]
        time.sleep(0.2)  # the server notices the dead client and ends its transaction
        run.ok("log", "calculus", "5m", "--note", "after")  # the lock was freed
        sql("DELETE FROM session WHERE note = 'after'")
    assert run.json("import", str(frames))["imported"] == 6000
    assert json.loads(run("doctor", "--json").stdout)["healthy"] is True


@pytest.mark.slow
def test_a_writer_waits_for_the_lock_then_reports_busy(server: str, run: Run, sql: Sql) -> None:
    from roadmap.store import pg

    run.ok("tree")
    holder = pg.connect(server)
    try:
        holder.execute("SELECT pg_advisory_lock(?)", (pg.LOCK_KEY,))
        started = time.monotonic()
        result = run("log", "linalg", "1h")
        assert time.monotonic() - started >= 4
        assert result.exit_code == 75, result.stderr
        assert "busy" in result.stderr and "Traceback" not in result.stderr
        assert run("sessions").exit_code == 0  # reading never waits
    finally:
        holder.close()
    assert sql.one("SELECT count(*) FROM session") == 0
    run.ok("log", "linalg", "1h")


# --- moving a history, backup, restore, doctor ----------------------------------------


def _history(run: Run) -> None:
    run.ok(
        "log", "linalg", "1h30m", "--on", "2026-11-01", "--note", "LU | blocked", "--tag", "book"
    )
    run.ok("log", "cpp", "45m", "--on", "2026-11-03", "--note", "ünïcode ✓")
    run.ok("log", "calculus", "2h", "--on", "2026-11-10")
    run.ok("check", "linalg", "1.1", "--note", "done")
    run.ok("assess", "calculus", "2", "--note", "exam")
    run.ok("assess", "linalg", "1")


def _comparable(export: dict[str, Any]) -> dict[str, Any]:
    out = dict(export)
    out.pop("exported_at", None)
    out.pop("database", None)
    return out


def test_a_history_moves_sqlite_to_server_and_back_with_nothing_lost(
    pg_cluster: Any, run: Run, small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROADMAP_NOW", "2026-11-20T18:00:00+00:00")
    first, last = tmp_path / "first.db", tmp_path / "last.db"
    monkeypatch.setenv("ROADMAP_DB", str(first))
    _history(run)
    run.ok("export", "--format", "json", "-o", str(tmp_path / "a.json"))
    status_a = run.json("status")

    server_url = fresh_pg_database(pg_cluster, empty=True)
    monkeypatch.setenv("ROADMAP_DB", server_url)
    moved = run.json("import", str(tmp_path / "a.json"))
    assert moved["imported"] == 3 and moved["state_items"] >= 3
    run.ok("export", "--format", "json", "-o", str(tmp_path / "b.json"))
    assert run.json("status") == status_a
    assert run.json("import", str(tmp_path / "a.json"))["imported"] == 0  # idempotent

    monkeypatch.setenv("ROADMAP_DB", str(last))
    run.ok("import", str(tmp_path / "b.json"))
    run.ok("export", "--format", "json", "-o", str(tmp_path / "c.json"))
    assert run.json("status") == status_a

    exports = [json.loads((tmp_path / f"{n}.json").read_text()) for n in "abc"]
    assert _comparable(exports[0]) == _comparable(exports[1]) == _comparable(exports[2])


def test_backup_and_restore_of_a_server_database(
    server: str, run: Run, sql: Sql, tmp_path: Path
) -> None:
    _history(run)
    saved = run.ok("backup", str(tmp_path / "snap.db"))
    assert "snap.db" in saved.stdout
    at_backup = sql.dump()
    run.ok("log", "linalg", "3h", "--note", "after the backup")
    run.ok("start", "cpp")

    # The backup is an ordinary roadmap database.
    assert len(run.json("--db", str(tmp_path / "snap.db"), "sessions")) == 3

    refused = run("restore", str(tmp_path / "snap.db"))
    assert refused.exit_code == 2  # no terminal, no --yes: nothing happens
    assert sql.one("SELECT count(*) FROM session") == 4

    run.ok("restore", str(tmp_path / "snap.db"), "--yes")
    assert sql.dump() == at_backup
    assert run.json("sessions")[0]["note"] != "after the backup"
    run.ok("log", "calculus", "5m")  # ids go on from the restored history
    assert sql.one("SELECT max(id) FROM session") == 4
    before_restore = list(Path(os.environ["ROADMAP_HOME"]).glob("backups/*before-restore.db"))
    assert len(before_restore) == 1


def test_doctor_checks_a_server_database_without_writing(server: str, run: Run, sql: Sql) -> None:
    _history(run)
    before = sql.dump()
    report = json.loads(run("doctor", "--json").stdout)
    assert report["healthy"] is True and SECRET not in json.dumps(report)
    checks = {c["check"]: c["status"] for c in report["checks"]}
    assert checks["schema"] == "ok" and checks["orphans"] == "ok"
    sql("UPDATE skill_total SET minutes = minutes + 1")
    broken = run("doctor", "--json")
    assert broken.exit_code == 1
    assert "out of step" in broken.stdout
    sql("UPDATE skill_total SET minutes = minutes - 1")
    assert sql.dump() == before


def test_the_totals_triggers_agree_with_the_sessions_on_the_server(
    server: str, run: Run, sql: Sql
) -> None:
    run.ok("tree")
    for i, (skill, day, minutes) in enumerate(
        [("linalg", "2026-11-01", 30), ("linalg", "2026-11-01", 15), ("cpp", "2026-11-02", 60)]
    ):
        sql(
            "INSERT INTO session (skill_id, started_at, day, minutes, note, tags, links, source, "
            "created_at) VALUES (?, ?, ?, ?, '', '[]', '[]', 'log', '2026-11-03T00:00:00Z')",
            (skill, f"{day}T0{i}:00:00Z", day, minutes),
        )
    sql("UPDATE session SET minutes = 20, day = '2026-11-05' WHERE minutes = 15")
    sql("UPDATE session SET skill_id = 'calculus' WHERE minutes = 60")
    sql("DELETE FROM session WHERE minutes = 30")
    assert sql("SELECT skill_id, day, minutes, sessions FROM skill_day ORDER BY skill_id") == [
        ("calculus", "2026-11-02", 60, 1),
        ("linalg", "2026-11-05", 20, 1),
    ]
    assert sql(
        "SELECT skill_id, minutes, sessions, last_day FROM skill_total ORDER BY skill_id"
    ) == [
        ("calculus", 60, 1, "2026-11-02"),
        ("linalg", 20, 1, "2026-11-05"),
    ]
    assert sql("SELECT day, minutes, sessions FROM study_day ORDER BY day") == [
        ("2026-11-02", 60, 1),
        ("2026-11-05", 20, 1),
    ]
    assert json.loads(run("doctor", "--json").stdout)["healthy"] is True


def test_completion_reads_skill_ids_from_the_server(server: str, run: Run) -> None:
    from roadmap.cli import complete

    run.ok("tree")
    assert [s for s, _ in complete.skills(None, "cpp")] == ["cpp", "cpp-memory", "cpp-templates"]


def test_ids_are_numbered_as_on_sqlite(backend: str, run: Run, small: Path) -> None:
    for minutes in ("10m", "20m", "30m"):
        run.ok("log", "linalg", minutes)
    run.ok("delete", "3", "--yes")
    assert run.json("log", "linalg", "40m")["id"] == 3
    run.ok("undo")
    run.ok("undo")  # the delete: #3 comes back with its id
    assert sorted(s["id"] for s in run.json("sessions")) == [1, 2, 3]


def test_a_different_skills_file_on_another_machine_is_pointed_out(
    server: str, run: Run, small: Path, write_yaml: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    run.ok("log", "linalg", "1h")
    other = write_yaml(small.read_text(encoding="utf-8").replace("Small test tree", "Other tree"))
    monkeypatch.setenv("ROADMAP_SKILLS", str(other))
    result = run.ok("status")
    assert "last synced from" in result.stderr and str(small) in result.stderr
    assert str(other) in result.stderr
    again = run.ok("status")  # the same machine and file again: nothing to say
    assert "last synced from" not in again.stderr


def test_roadmap_alone_on_an_empty_server_database_welcomes_and_creates_nothing(
    empty_server: str, run: Run, sql: Sql
) -> None:
    result = run.ok()
    assert "roadmap tracks your skill roadmap" in result.stdout
    assert (
        sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'") == []
    )
    run.ok("log", "linalg", "1h")
    assert "Readiness" in run.ok().stdout or "readiness" in run.ok().stdout.lower()


def test_sql_is_sent_as_written_except_for_parameters(server: str) -> None:
    from roadmap.store import pg

    assert pg.translate_sql("SELECT ? WHERE a LIKE 'x%' AND b = '?'") == (
        "SELECT %s WHERE a LIKE 'x%%' AND b = '?'"
    )
    conn = pg.connect(server)
    try:
        assert conn.execute("SELECT 'a%b', 'x' LIKE 'x%', '?'").fetchone() == ("a%b", True, "?")
        assert conn.execute("SELECT 'a%b', ? LIKE 'x%', '?'", ("xy",)).fetchone() == (
            "a%b",
            True,
            "?",
        )
    finally:
        conn.close()
