"""Faults, with real processes and real files (no mocked SQLite): concurrent writers,
racing timers, ``kill -9`` mid-write, refused files, read-only data, a full disk, and
output discipline (issue 7, cases 1-3, 6-8 and 11).

The concurrency and kill tests are marked ``slow``; CI runs them (plain ``pytest``).
Each side of a race is one child Python process that calls the CLI's entry point
in-process many times (an interpreter start per call would dominate the run time).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, ProcRunner, Run


def finish(process: subprocess.Popen[str], timeout: float = 120) -> Any:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return json.loads(out)


def query(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path, timeout=10)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def integrity(path: Path) -> str:
    return str(query(path, "PRAGMA integrity_check")[0][0])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def only_notices(stderr: str) -> bool:
    """stderr holds nothing but the 'synced' notice of the first sync."""
    return all(line.startswith("roadmap: synced ") for line in stderr.splitlines())


# --- 1. two processes each logging 200 sessions at once ------------------------------


@pytest.mark.slow
def test_two_processes_logging_200_sessions_each_at_once(
    child: Any, small: Path, db_path: Path, run: Run
) -> None:
    # Both start on a data dir that has no database yet: creating it races too.
    start_at = time.time() + 2.0
    sides = [child("log", "200", name, start_at=start_at) for name in ("a", "b")]
    results = {name: finish(p) for name, p in zip("ab", sides, strict=True)}

    reported: list[int] = []
    for name, calls in results.items():
        assert len(calls) == 200
        for code, out, err in calls:
            assert code == 0 and only_notices(err), (name, code, err)
            reported.append(json.loads(out)["id"])
    assert len(set(reported)) == 400
    rows = query(db_path, "SELECT id, note FROM session")
    assert len(rows) == 400
    assert {r[0] for r in rows} == set(reported)
    assert {r[1] for r in rows} == {f"{s}-{i}" for s in "ab" for i in range(200)}
    assert integrity(db_path) == "ok"
    assert query(db_path, "SELECT SUM(minutes), SUM(sessions) FROM skill_day") == [(400, 400)]
    assert json.loads(run("doctor", "--json").stdout)["healthy"] is True


# --- 2. two processes racing start/stop 100 times ------------------------------------


@pytest.mark.slow
def test_two_processes_racing_start_and_stop(
    child: Any, run: Run, small: Path, db_path: Path
) -> None:
    run.ok("tree")  # the database exists; the race is on the timer
    start_at = time.time() + 2.0
    sides = [child("race", "100", start_at=start_at) for _ in range(2)]

    most_timers, stop_watch = 0, threading.Event()

    def watch() -> None:  # an observer: never two timers at any moment
        nonlocal most_timers
        conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True, timeout=10)
        while not stop_watch.is_set():
            most_timers = max(most_timers, conn.execute("SELECT count(*) FROM timer").fetchone()[0])
            time.sleep(0.002)
        conn.close()

    observer = threading.Thread(target=watch)
    observer.start()
    try:
        results = [finish(p) for p in sides]
    finally:
        stop_watch.set()
        observer.join()

    started = stopped = 0
    stop_ids: list[int] = []
    for calls in results:
        for verb, code, out, err in calls:
            assert "locked" not in err and "busy" not in err, err
            if verb == "start":
                assert code in (0, 1), (code, err)
                if code == 0:
                    started += 1
                else:
                    assert "already running" in err, err
            else:
                assert code in (0, 1), (code, err)
                if code == 0:
                    stopped += 1
                    stop_ids.append(json.loads(out)["id"])
                else:
                    assert "no timer is running" in err, err
    assert most_timers <= 1
    timers = query(db_path, "SELECT count(*) FROM timer")[0][0]
    assert timers <= 1
    assert started == stopped + timers  # every start ended in exactly one stop, or runs on
    assert stopped >= 100  # each side's own start/stop pairs mostly succeed
    sessions = query(db_path, "SELECT id FROM session WHERE source = 'timer'")
    assert len(stop_ids) == len(set(stop_ids)) == stopped
    assert sorted(r[0] for r in sessions) == sorted(stop_ids)
    assert integrity(db_path) == "ok"


# --- 3. kill -9 at random moments ------------------------------------------------------

FRAMES = 16_000  # enough that the transaction spills pages into the log


def frames_file(path: Path, count: int, prefix: str) -> Path:
    """A Watson frames file of ``count`` half-hour sessions, all in the past."""
    base = 1_600_000_000  # 2020
    frames = [
        [base + i * 7200, base + i * 7200 + 1800, "linalg", f"{prefix}{i}", ["bulk"], 0]
        for i in range(count)
    ]
    path.write_text(json.dumps(frames), encoding="utf-8")
    return path


def start_cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "roadmap", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=str(ROOT),
    )


def _sigkill_at(process: subprocess.Popen[str], delay: float) -> bool:
    """SIGKILL after ``delay`` s; True if the process was still running (really killed)."""
    try:
        process.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


def _wal_size(db_path: Path) -> int:
    wal = Path(str(db_path) + "-wal")
    try:
        return wal.stat().st_size
    except FileNotFoundError:
        return 0


def _kill_when_writing(process: subprocess.Popen[str], db_path: Path, rng: random.Random) -> bool:
    """SIGKILL soon after the write-ahead log starts to grow (the transaction is writing
    pages); True if the process was still running (really killed)."""
    while process.poll() is None:
        if _wal_size(db_path) > 0:
            time.sleep(rng.uniform(0.0, 0.05))
            return _sigkill_at(process, 0)
        time.sleep(0.001)
    return False


@pytest.mark.slow
def test_kill_9_during_a_large_import_is_all_or_nothing(
    run: Run, small: Path, db_path: Path, tmp_path: Path
) -> None:
    run.ok("log", "calculus", "1h", "--note", "before the import")
    frames = frames_file(tmp_path / "frames", FRAMES, "k")
    pristine = tmp_path / "pristine.db"
    shutil.copyfile(db_path, pristine)
    # How long a whole import takes here (on a copy), to spread some kills over all of
    # it: start-up, reading, planning, writing, committing.
    calibration = tmp_path / "calibration.db"
    shutil.copyfile(pristine, calibration)
    started = time.monotonic()
    done = start_cli("--db", str(calibration), "import", str(frames), "--json")
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0 and json.loads(out)["imported"] == FRAMES, err
    whole = time.monotonic() - started

    rng = random.Random(7)
    kills = mid_write = 0
    for attempt in range(10):
        for extra in ("", "-wal", "-shm"):  # each attempt starts before the import
            Path(str(db_path) + extra).unlink(missing_ok=True)
        shutil.copyfile(pristine, db_path)
        process = start_cli("import", str(frames), "--json")
        if attempt % 3 == 0:  # anywhere
            killed = _sigkill_at(process, rng.uniform(0.1, 1.0) * whole)
        else:  # while the one transaction writes its pages
            killed = _kill_when_writing(process, db_path, rng)
        out, err = process.communicate()
        if not killed:
            assert process.returncode == 0, err
        kills += killed
        wal = _wal_size(db_path)
        assert integrity(db_path) == "ok"
        imported = query(db_path, "SELECT count(*) FROM session WHERE source = 'watson'")[0][0]
        assert imported in (0, FRAMES)  # all or nothing, whenever the kill came
        if killed and wal and not imported:
            mid_write += 1  # pages were in the log, the commit was not: rolled back
        if not killed:
            assert imported == FRAMES
        assert query(db_path, "SELECT note FROM session WHERE source = 'log'") == [
            ("before the import",)
        ]
    assert kills >= 7, f"only {kills} of 10 kills landed while the import ran"
    assert mid_write >= 3, f"only {mid_write} kills landed inside the write transaction"
    summary = run.json("import", str(frames))
    assert summary["imported"] + summary["duplicates"] == FRAMES
    assert query(db_path, "SELECT count(*) FROM session WHERE source = 'watson'") == [(FRAMES,)]
    assert json.loads(run("doctor", "--json").stdout)["healthy"] is True


@pytest.mark.slow
def test_kill_9_during_a_loop_of_log_keeps_every_reported_session(
    child: Any, run: Run, small: Path, db_path: Path
) -> None:
    rng = random.Random(11)
    reported: dict[int, str] = {}
    for round_ in range(13):  # with the import test: 20+ kills
        process = child("logloop", f"r{round_}")
        assert process.stdout is not None
        assert process.stdout.readline() == "ready\n"
        lines = []
        if round_ == 0:  # the first round may die while the database is being created
            delay = rng.uniform(0.0, 0.3)
        else:  # once it is logging, at a random moment of the loop
            lines.append(process.stdout.readline())
            delay = rng.uniform(0.0, 0.4)
        assert _sigkill_at(process, delay)
        out, _ = process.communicate()
        for line in lines + out.splitlines(keepends=True):
            if not line.endswith("\n"):
                continue  # cut short by the kill
            word, *rest = line.split(" ", 2)
            assert word == "saved", line
            reported[int(rest[0])] = rest[1].strip()
        if db_path.exists():
            assert integrity(db_path) == "ok"
    assert len(reported) >= 12
    rows = dict(query(db_path, "SELECT id, note FROM session"))
    missing = {i: n for i, n in reported.items() if rows.get(i) != n}
    assert not missing, f"sessions reported as saved but not in the database: {missing}"
    assert len(rows) - len(reported) <= 13  # at most one unreported commit per kill
    # no stale lock: the next command writes at once
    run.ok("log", "calculus", "5m")
    assert json.loads(run("doctor", "--json").stdout)["healthy"] is True


# --- 6. files that are not (or no longer) a usable roadmap database -------------------


def _newer(path: Path, run: Run) -> None:
    run.ok("log", "linalg", "1h")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()


def _foreign(path: Path, run: Run) -> None:
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('mine')")
    conn.commit()
    conn.close()


def _zero(path: Path, run: Run) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")


def _random(path: Path, run: Run) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(random.Random(3).randbytes(3 * 4096))


REFUSED = {
    "newer": (_newer, "newer version of roadmap"),
    "foreign": (_foreign, "another application"),
    "zero": (_zero, "empty (0 bytes)"),
    "random": (_random, "not a SQLite database"),
}
COMMANDS = [
    ("status", "--json"),
    ("log", "linalg", "1h", "--json"),
    ("start", "linalg"),
    ("import", "IMPORT"),
    ("export", "--format", "json"),
    ("undo",),
]


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_unusable_database_is_refused_by_every_command_and_left_byte_identical(
    run: Run, small: Path, db_path: Path, tmp_path: Path, kind: str
) -> None:
    make, needle = REFUSED[kind]
    make(db_path, run)
    for extra in ("-wal", "-shm"):
        Path(str(db_path) + extra).unlink(missing_ok=True)
    before = digest(db_path)
    siblings = sorted(p.name for p in db_path.parent.iterdir())
    frames = tmp_path / "frames"
    frames.write_text(json.dumps([[1_600_000_000, 1_600_003_600, "linalg", "x", [], 0]]))
    for command in COMMANDS:
        args = [str(frames) if a == "IMPORT" else a for a in command]
        result = run(*args)
        assert result.exit_code == 69, (args, result.stdout, result.stderr)
        assert needle in result.stderr and "Traceback" not in result.stderr
        assert result.stdout == ""
        assert digest(db_path) == before, args
        assert sorted(p.name for p in db_path.parent.iterdir()) == siblings, args


@pytest.mark.parametrize("sign", ["backup", "wal", "journal", "marker"])
def test_missing_database_where_one_existed_is_not_started_afresh(
    run: Run, small: Path, db_path: Path, sign: str
) -> None:
    run.ok("log", "linalg", "1h")
    backup = run.ok("backup").stdout
    assert "backed up" in backup
    db_path.unlink()
    db_path.with_name("roadmap.db.created").unlink()
    if sign != "backup":
        for old in (db_path.parent / "backups").iterdir():
            old.unlink()
    if sign == "wal":
        Path(str(db_path) + "-wal").write_bytes(b"\0" * 32)
    elif sign == "journal":
        Path(str(db_path) + "-journal").write_bytes(b"\0" * 32)
    elif sign == "marker":
        db_path.with_name("roadmap.db.created").write_text("x")
    for args in (("status", "--json"), ("log", "linalg", "1h")):
        result = run(*args)
        assert result.exit_code == 69, (sign, result.stderr)
        assert "is missing, but this directory shows one existed" in result.stderr
        assert "hint:" in result.stderr and result.stdout == ""
        assert not db_path.exists()


def test_a_database_is_created_only_in_a_data_dir_that_never_held_one(
    run: Run, small: Path, db_path: Path
) -> None:
    db_path.parent.mkdir(parents=True)
    (db_path.parent / "skills-notes.txt").write_text("unrelated")
    result = run.ok("log", "linalg", "1h")
    assert db_path.exists() and db_path.with_name("roadmap.db.created").exists()
    assert "logged #1" in result.stdout
    assert not [p for p in db_path.parent.iterdir() if p.name.startswith(".")]  # no temp file left


# --- 7. read-only data -------------------------------------------------------------------

READS = [
    ("status",),
    ("status", "--json"),
    ("sessions",),
    ("tree",),
    ("show", "linalg"),
    ("gaps", "--json"),
    ("next",),
    ("forecast",),
    ("review",),
    ("heatmap",),
    ("report", "--json"),
    ("export", "--format", "md"),
    ("doctor",),
]
WRITES = [
    ("log", "linalg", "1h"),
    ("log", "linalg", "1h", "--json"),
    ("start", "linalg"),
    ("check", "linalg", "1.1"),
    ("assess", "linalg", "2"),
    ("edit", "1", "--note", "x"),
    ("delete", "1", "--yes"),
    ("undo",),
    ("import", "IMPORT"),
]


def _exercise_read_only(run: Run, db_path: Path, frames: Path) -> None:
    before = digest(db_path)
    for args in READS:
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr
        if "--json" in args:
            json.loads(result.stdout)
    for command in WRITES:
        write = [str(frames) if a == "IMPORT" else a for a in command]
        result = run(*write)
        assert result.exit_code == 77, (write, result.stdout, result.stderr)
        assert "read-only" in result.stderr and "Traceback" not in result.stderr
        assert result.stderr.startswith("roadmap: error: ")
        assert result.stdout == ""
    assert digest(db_path) == before


@pytest.fixture
def readonly_setup(run: Run, small: Path, db_path: Path, tmp_path: Path) -> Path:
    run.ok("log", "linalg", "1h", "--note", "kept")
    frames = tmp_path / "frames"
    frames.write_text(json.dumps([[1_600_000_000, 1_600_003_600, "linalg", "x", [], 0]]))
    return frames


@pytest.mark.parametrize("what", ["file", "directory"])
def test_read_only_database_file_or_directory(
    run: Run, db_path: Path, readonly_setup: Path, what: str
) -> None:
    # Tests run as root, which ignores permission bits: roadmap checks the mode bits
    # itself (and opens with mode=ro), so this holds for root too.
    target = db_path if what == "file" else db_path.parent
    mode = target.stat().st_mode
    target.chmod(0o444 if what == "file" else 0o555)
    try:
        _exercise_read_only(run, db_path, readonly_setup)
    finally:
        target.chmod(mode)
    assert query(db_path, "SELECT note FROM session") == [("kept",)]


@contextlib.contextmanager
def mounted(*command: str, target: Path) -> Iterator[None]:
    """Run a ``mount`` command; skip the test (with the reason) where it cannot run."""
    try:
        done = subprocess.run(["mount", *command], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot mount here: {exc}")
    if done.returncode != 0:
        pytest.skip(f"cannot mount here (needs root): {done.stderr.strip()}")
    try:
        yield
    finally:
        if subprocess.run(["umount", str(target)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(target)], capture_output=True)


def test_database_on_a_read_only_file_system(run: Run, db_path: Path, readonly_setup: Path) -> None:
    """A read-only bind mount: even root cannot write, whatever the permission bits say."""
    home = db_path.parent
    with mounted("--bind", str(home), str(home), target=home):
        done = subprocess.run(
            ["mount", "-o", "remount,bind,ro", str(home)], capture_output=True, text=True
        )
        if done.returncode != 0:
            pytest.skip(f"cannot remount read-only: {done.stderr.strip()}")
        assert not os.access(db_path, os.W_OK)
        _exercise_read_only(run, db_path, readonly_setup)
    assert query(db_path, "SELECT note FROM session") == [("kept",)]


def test_no_database_yet_in_a_read_only_data_dir(run: Run, small: Path, db_path: Path) -> None:
    home = db_path.parent
    home.mkdir(parents=True)
    with mounted("--bind", str(home), str(home), target=home):
        done = subprocess.run(
            ["mount", "-o", "remount,bind,ro", str(home)], capture_output=True, text=True
        )
        if done.returncode != 0:
            pytest.skip(f"cannot remount read-only: {done.stderr.strip()}")
        for args in (("status", "--json"), ("log", "linalg", "1h")):
            result = run(*args)
            assert result.exit_code == 77, (args, result.stderr)
            assert f"{db_path}: it is read-only" in result.stderr, result.stderr
            assert "creating" not in result.stderr and "Traceback" not in result.stderr
            assert result.stdout == ""
    assert list(home.iterdir()) == []


def test_read_only_database_with_a_changed_skills_file_still_shows_views(
    run: Run, db_path: Path, readonly_setup: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed = tmp_path / "changed.yaml"
    changed.write_text((ROOT / "tests" / "data" / "small.yaml").read_text() + "# edited\n")
    monkeypatch.setenv("ROADMAP_SKILLS", str(changed))
    db_path.chmod(0o444)
    try:
        before = digest(db_path)
        result = run("sessions", "--json")
        assert result.exit_code == 0, result.stderr
        assert [s["note"] for s in json.loads(result.stdout)] == ["kept"]
        assert "read-only" in result.stderr and "not synced" in result.stderr
        assert digest(db_path) == before
    finally:
        db_path.chmod(0o644)


# --- 8. a full disk -------------------------------------------------------------------


def test_full_disk_gives_a_clear_error_and_recovers(
    run: Run, small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    with mounted("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk), target=disk):
        home = disk / "home"
        monkeypatch.setenv("ROADMAP_HOME", str(home))
        db_path = home / "roadmap.db"
        for i in range(3):
            run.ok("log", "linalg", "1h", "--note", f"early {i}")
        filler = disk / "filler"
        with contextlib.suppress(OSError), filler.open("wb", buffering=0) as handle:
            while True:
                handle.write(b"\0" * 4096)
        big = "x" * 10_000  # the longest note accepted; needs fresh pages: cannot fit
        for args in (
            ("log", "linalg", "1h", "--note", big),
            ("log", "linalg", "1h", "--note", big, "--json"),
        ):
            result = run(*args)
            assert result.exit_code == 74, (args, result.stdout, result.stderr)
            assert "full" in result.stderr and "Traceback" not in result.stderr
            assert result.stdout == ""
        # the earlier data is read if SQLite can map its -shm, else the disk is named
        read = run("sessions", "--json")
        if read.exit_code == 0:
            assert len(json.loads(read.stdout)) == 3
        else:
            assert read.exit_code == 74 and "is full" in read.stderr, read.stderr
            assert "free some space" in read.stderr and read.stdout == ""
        filler.unlink()
        notes = [s["note"] for s in run.json("sessions")]
        assert sorted(notes) == ["early 0", "early 1", "early 2"]
        run.ok("log", "linalg", "1h", "--note", big)
        assert len(run.json("sessions")) == 4
        assert integrity(db_path) == "ok"
        assert json.loads(run("doctor", "--json").stdout)["healthy"] is True


# --- 11. output discipline ---------------------------------------------------------------

JSON_COMMANDS = [
    ("status",),
    ("gaps",),
    ("next",),
    ("show", "linalg"),
    ("forecast",),
    ("review",),
    ("sessions",),
    ("report",),
    ("tree",),
    ("targets",),
    ("doctor",),
    ("log", "calculus", "30m"),
]


def test_json_stdout_is_one_document_even_with_warnings(
    proc: ProcRunner, run: Run, small: Path, tmp_path: Path, db_path: Path
) -> None:
    """Nothing but the JSON document reaches stdout (no notice, no log line, no progress),
    while the warning goes to stderr. A few commands run as real processes (so even a
    stray write to file descriptor 1 would show); the rest in-process, for time."""
    run.ok("log", "linalg", "1h")
    text = small.read_text()
    real = {"status", "log", "doctor"}
    for i, args in enumerate(JSON_COMMANDS):
        # change the skills file each time: every command syncs it and says so on stderr
        changed = tmp_path / f"changed{i}.yaml"
        changed.write_text(
            text.replace(
                "      - id: calculus\n",
                f"      - id: new{i}\n        name: New {i}\n      - id: calculus\n",
            )
        )
        argv = ("--skills", str(changed), *args, "--json")
        if args[0] in real:
            done = proc(*argv)
            code, stdout, stderr = done.returncode, done.stdout, done.stderr
        else:
            result = run(*argv)
            code, stdout, stderr = result.exit_code, result.stdout, result.stderr
        assert code == 0, (args, stderr)
        json.loads(stdout)  # exactly one document: trailing text would fail here
        assert stdout.strip().startswith(("{", "["))
        if args[0] != "doctor":  # doctor never syncs: it reports the change in its JSON
            assert "roadmap: synced" in stderr, args


def test_json_with_an_archived_skill_warning(run: Run, small: Path, tmp_path: Path) -> None:
    run.ok("log", "calculus", "1h")
    trimmed = tmp_path / "trimmed.yaml"
    trimmed.write_text(
        small.read_text()
        .replace("      - id: calculus\n        name: Calculus\n        hours: 5\n", "")
        .replace("{skill: calculus, level: 2}", "linalg")
        .replace(", calculus: 1}", "}")
    )
    result = run("--skills", str(trimmed), "sessions", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["skill_archived"] is True
    assert "archived" in result.stderr


@pytest.fixture
def broken(tmp_path: Path) -> dict[str, Path]:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\npillars: [{id: P, name: x}]\n")
    zero = tmp_path / "zero.db"
    zero.write_bytes(b"")
    return {"bad": bad, "zero": zero, "nowhere": tmp_path / "no" / "such" / "dir" / "out.md"}


ERRORS = [
    (("log", "linalg", "soon", "--json"), 2, "invalid duration"),
    (("log", "nosuchskill", "1h", "--json"), 2, "unknown skill"),
    (("sessions", "--no-such-option"), 2, "No such option"),
    (("--skills", "{bad}", "status", "--json"), 65, ":2:16: pillar id 'P'"),
    (("import", "{nowhere}", "--json"), 66, "not found"),
    (("--skills", "{nowhere}", "status", "--json"), 66, "not found"),
    (("--db", "{zero}", "status", "--json"), 69, "0 bytes"),
    (("export", "--format", "md", "-o", "{nowhere}"), 73, "cannot"),
    (("stop", "--json"), 1, "no timer is running"),
    (("undo",), 1, "nothing to undo"),
]


@pytest.mark.parametrize(("args", "code", "needle"), ERRORS, ids=[str(e[1]) for e in ERRORS])
def test_every_error_goes_to_stderr_with_its_documented_exit_code(
    run: Run, small: Path, broken: dict[str, Path], args: tuple[str, ...], code: int, needle: str
) -> None:
    run.ok("tree")
    argv = [a.format(**{k: str(v) for k, v in broken.items()}) for a in args]
    result = run(*argv)
    assert result.exit_code == code, (argv, result.stdout, result.stderr)
    assert result.stdout == ""
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(("roadmap: error: ", "Usage: "))


@pytest.mark.slow
def test_a_busy_database_exits_75_after_the_timeout(
    proc: ProcRunner, run: Run, small: Path, db_path: Path
) -> None:
    run.ok("tree")
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        started = time.monotonic()
        result = proc("log", "linalg", "1h", "--json")
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 75, result.stderr
    assert result.stdout == ""
    assert "busy" in result.stderr and "try again" in result.stderr
    assert "Traceback" not in result.stderr
    assert waited >= 4.5  # it waited for the lock (busy_timeout) before giving up
    assert query(db_path, "SELECT count(*) FROM session") == [(0,)]


@pytest.mark.slow
def test_ctrl_c_during_an_import_exits_130_and_saves_nothing(
    run: Run, small: Path, db_path: Path, tmp_path: Path
) -> None:
    run.ok("tree")
    frames = frames_file(tmp_path / "frames", 100_000, "c")
    process = start_cli("import", str(frames), "--json")
    shm = Path(str(db_path) + "-shm")
    while not shm.exists() and process.poll() is None:
        time.sleep(0.005)  # start-up: until the command has opened the database
    time.sleep(0.3)  # it is reading and planning
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    if process.returncode == 0:
        pytest.skip("the import finished before the interrupt (a very fast machine)")
    assert process.returncode == 130, err
    assert out == "" and "interrupted" in err and "Traceback" not in err
    assert query(db_path, "SELECT count(*) FROM session") == [(0,)]
    assert integrity(db_path) == "ok"


def test_errors_do_not_echo_escape_sequences_from_arguments(run: Run, small: Path) -> None:
    result = run("log", "\x1b]0;pwned\x07\x1b[31mred", "1h")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert re.search(r"\\x1b", result.stderr)
