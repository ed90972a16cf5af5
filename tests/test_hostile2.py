"""Hostile input, round two (issue 15): what a hostile tester broke, each through the CLI.

- 4, 5, 12, 13: dates outside 1970 .. a day past now, levels off the scale, ``javascript:``
  links, oversized text and ids are refused at every import format with the record's
  line or index (exit 65), and on the command line (exit 2); nothing is written.
- 7: the CSV round trip is exact for any text (a leading ``'``, a comma in a tag).
- 9: a read-only data dir and database still show ``status``, ``sessions`` and ``export``
  to an unprivileged user (the suite runs as root, which would hide it: see
  :func:`unprivileged`).
- 15: no terminal escape, bidi override or zero-width character from data reaches the
  terminal raw.
- 16: a PostgreSQL password never shows, however it is spelled in the URL.
- 17: ``export -o`` never replaces a device, FIFO or symlink.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, SMALL, Run, Sql, fresh_pg_database

pytestmark = pytest.mark.usefixtures("backend")

NOW = "2026-11-20T18:00:00+00:00"
NOW_TS = 1795197600  # NOW as a Unix timestamp

# What a terminal acts on or hides: ESC (ANSI/OSC: colours, screen clear, hyperlinks, a
# clipboard write), a one-byte CSI, bidi overrides and isolates, zero-width characters.
OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"  # writes "rm -rf ~" to the clipboard
HOSTILE = f"{OSC52}\x1b[2J\x9b31m\u202eevil\u2066\u200b\u200d\ufeff"
RAW = ("\x1b", "\x9b", "\x07", "\u202e", "\u2066", "\u200b", "\u200d", "\ufeff")


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROADMAP_NOW", NOW)


def raw_escapes(text: str) -> list[str]:
    return [ch for ch in RAW if ch in text]


def snapshot(sql: Sql) -> list[Any]:
    return [
        sql("SELECT * FROM session ORDER BY id"),
        sql("SELECT * FROM journal ORDER BY id"),
        sql("SELECT * FROM assessment ORDER BY id"),
        sql("SELECT skill_id, key, checked_at, link, note FROM milestone ORDER BY skill_id, key"),
        sql("SELECT * FROM level_change ORDER BY id"),
    ]


def export_doc(**parts: Any) -> str:
    doc = {"format": "roadmap-export", "version": 1, "sessions": [], **parts}
    return json.dumps(doc)


def session(**fields: Any) -> dict[str, Any]:
    return {
        "id": 1,
        "skill": "linalg",
        "started_at": "2026-11-14T09:00:00+00:00",
        "minutes": 60,
        "note": "",
        "tags": [],
        "links": [],
        **fields,
    }


# --- 15. terminal escapes from data -----------------------------------------------------------


def test_safetext_escapes_what_a_terminal_would_act_on() -> None:
    from roadmap.safetext import one_line, visible

    assert visible(HOSTILE) == (
        "\\x1b]52;c;cm0gLXJmIH4=\\x07\\x1b[2J\\x9b31m\\u202eevil\\u2066\\u200b\\u200d\\ufeff"
    )
    assert visible("tab\tand\nnewline kept, é ü 日本 🙂") == "tab\tand\nnewline kept, é ü 日本 🙂"
    assert one_line("a\nb\tc\rd") == "a\\x0ab\\x09c\\x0dd"
    assert visible("\U000e0041\udc80") == "\\U000e0041\\udc80"  # a tag char, a lone surrogate


@given(st.text(alphabet=st.characters(codec=None), max_size=50))
@settings(max_examples=300, deadline=None)
def test_safetext_output_is_always_visible(text: str) -> None:
    from roadmap.safetext import one_line, visible

    for shown, allowed in ((visible(text), "\t\n"), (one_line(text), "")):
        for ch in shown:
            category = unicodedata.category(ch)
            assert category not in ("Cf", "Cs", "Zl", "Zp"), (text, shown)
            assert category != "Cc" or ch in allowed, (text, shown)
        shown.encode("utf-8")  # printable on a UTF-8 terminal
    if all(unicodedata.category(ch)[0] not in "CZ" or ch == " " for ch in text):
        assert visible(text) == text  # ordinary text is left alone


def watson_frames(path: Path, *frames: list[Any]) -> Path:
    path.write_text(json.dumps(list(frames)), encoding="utf-8")
    return path


def test_import_skip_unknown_shows_project_names_safely(
    run: Run, small: Path, tmp_path: Path
) -> None:
    frames = watson_frames(
        tmp_path / "frames",
        [NOW_TS - 7200, NOW_TS - 3600, f"proj{HOSTILE}", "a", [], 0],
        [NOW_TS - 9000, NOW_TS - 8000, "linalg", "b", [], 0],
    )
    refused = run("import", str(frames))
    assert refused.exit_code == 65 and "proj" in refused.stderr
    assert raw_escapes(refused.stderr) == []
    faked = watson_frames(
        tmp_path / "faked",
        [NOW_TS - 7200, NOW_TS - 3600, "x\nroadmap: imported 999 session(s)", "a", [], 0],
    )
    refused = run("import", str(faked))
    assert refused.exit_code == 65 and "x\\x0aroadmap: imported 999" in refused.stderr
    assert [line.split(":")[0] for line in refused.stderr.splitlines()] == ["roadmap", "  hint"]
    result = run.ok("import", str(frames), "--skip-unknown")
    assert "unknown skills skipped: proj\\x1b]52;" in result.stderr
    assert raw_escapes(result.stdout + result.stderr) == []


def test_import_file_name_is_safe_in_the_summary_and_in_undo(
    run: Run, small: Path, tmp_path: Path
) -> None:
    name = f"frames{HOSTILE}\nfake line"
    frames = watson_frames(tmp_path / name, [NOW_TS - 7200, NOW_TS - 3600, "linalg", "a", [], 0])
    result = run.ok("import", str(frames), "--from", "watson")
    assert "imported 1 session(s)" in result.stdout and "\\x1b" in result.stdout
    assert raw_escapes(result.stdout + result.stderr) == [] and "\nfake" not in result.stdout
    undone = run.ok("undo")
    assert undone.stdout.startswith("undone: import of 1 session(s)") and "\\x1b" in undone.stdout
    assert raw_escapes(undone.stdout) == [] and "\nfake" not in undone.stdout


def test_the_output_path_is_shown_safely(history_run: Run, tmp_path: Path) -> None:
    out = tmp_path / f"report{HOSTILE}.md"
    result = history_run.ok("export", "-o", str(out))
    assert out.read_text(encoding="utf-8").startswith("# Progress")
    assert "wrote" in result.stderr and raw_escapes(result.stderr) == []


def test_roadmap_home_on_the_welcome_screen(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    if backend == "postgresql":
        monkeypatch.delenv("ROADMAP_DB")
    home = tmp_path / f"home{HOSTILE}"
    monkeypatch.setenv("ROADMAP_HOME", str(home))
    result = run.ok()
    assert "data:" in result.stdout and "\\u202eevil" in result.stdout
    assert raw_escapes(result.stdout + result.stderr) == []


def test_bidi_and_zero_width_in_notes_and_tags_are_visible(run: Run, small: Path) -> None:
    run.ok("log", "linalg", "1h", "--note", f"paid\u202e$001\u200b{OSC52}", "--tag", "a\u2066b")
    shown = run.ok("sessions")
    assert "\\u202e" in shown.stdout and "\\u2066" in shown.stdout
    assert raw_escapes(shown.stdout) == []
    assert run.json("sessions")[0]["note"] == f"paid\u202e$001\u200b{OSC52}"  # data as typed


@pytest.fixture
def history_run(run: Run, small: Path) -> Run:
    run.ok("log", "linalg", "1h", "--on", "2026-11-18", "--note", "=1+1", "--tag", "x")
    run.ok("log", "calculus", "45m", "--on", "2026-11-19")
    return run


# --- 17. export -o never replaces a device, FIFO or symlink -------------------------------------


def test_export_into_a_fifo_writes_through(history_run: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def reader() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    history_run.ok("export", "--format", "csv", "-o", str(fifo))
    thread.join(timeout=30)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and received[0].decode().startswith("id,date,start")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["pipe"]


@pytest.mark.parametrize("args", [["log", "linalg", "10m"], ["status"], ["validate"]])
def test_a_fifo_as_the_skills_file_is_refused_not_waited_on(
    tmp_path: Path, args: list[str]
) -> None:
    """Opening a FIFO waits for a writer that never comes: the skills file must be a file.
    A real process (``log`` takes the typer-free path, ``status`` typer's), with a bound."""
    fifo = tmp_path / "skills.yaml"
    os.mkfifo(fifo)
    env = {**os.environ, "ROADMAP_HOME": str(tmp_path / "home"), "ROADMAP_SKILLS": str(fifo)}
    if args == ["validate"]:
        args = ["validate", str(fifo)]
    result = subprocess.run(
        [sys.executable, "-m", "roadmap", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 66, result.stderr
    assert f"skills file {fifo} is a FIFO, not a file" in result.stderr
    assert "Traceback" not in result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def null_device(path: Path) -> Path:
    """A private node of the null device (1, 3): never the system's ``/dev/null``, so even
    a broken export replaces only this test's node. Needs root (mknod)."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("creating a device node needs root")
    return path


def test_export_into_a_character_device_leaves_it_a_device(
    history_run: Run, tmp_path: Path
) -> None:
    null = null_device(tmp_path / "null")
    before = os.lstat(null)
    history_run.ok("export", "--format", "json", "-o", str(null))
    after = os.lstat(null)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino
    assert not any(".roadmap-tmp-" in name for name in os.listdir(tmp_path))


def test_export_through_a_symlink_keeps_the_link(history_run: Run, tmp_path: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = real_dir / "out.csv"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    history_run.ok("export", "--format", "csv", "-o", str(link))
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("id,date,start")
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in real_dir.iterdir()] == ["out.csv"]  # no temp file left
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(real_dir / "new.md")
    history_run.ok("export", "-o", str(dangling))
    assert dangling.is_symlink() and (real_dir / "new.md").read_text().startswith("# Progress")
    null = null_device(real_dir / "null")
    to_null = tmp_path / "to-null"
    to_null.symlink_to(null)
    history_run.ok("export", "-o", str(to_null))
    assert to_null.is_symlink() and stat.S_ISCHR(os.lstat(null).st_mode)


def test_export_refuses_a_socket_and_leaves_it(history_run: Run, tmp_path: Path) -> None:
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        result = history_run("export", "-o", str(path))
        assert result.exit_code == 73, result.stderr
        assert "it is a socket, not a file" in result.stderr
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        server.close()


def test_temp_files_are_exclusive_random_and_cleaned(tmp_path: Path) -> None:
    from roadmap import atomic

    target = tmp_path / "backup.db"
    names = {atomic.temp_path(target).name for _ in range(50)}
    assert len(names) == 50 and all(atomic.is_ours(n) for n in names)
    # a planted symlink at a temp name is never followed: a fresh name is created instead
    victim = tmp_path / "victim"
    victim.write_text("keep")
    fd, tmp = atomic.create_temp(target)
    os.close(fd)
    os.unlink(tmp)
    os.symlink(victim, tmp)
    with pytest.raises(FileExistsError):
        os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW)
    reserved = atomic.reserve(target)
    assert reserved != tmp and reserved.stat().st_size == 0
    atomic.commit(reserved, target)
    assert target.exists() and victim.read_text() == "keep"
    # leftovers: ours and old are removed; fresh, foreign, links and others' are kept
    old = time.time() - 2 * 3600
    stale = [
        tmp_path / ".x.db.roadmap-tmp-0123456789abcdef",
        tmp_path / ".roadmap.db.77.tmp",
    ]
    fresh = tmp_path / ".y.roadmap-tmp-fedcba9876543210"
    foreign = tmp_path / ".z.something.tmp"
    for path in (*stale, fresh, foreign):
        path.write_text("x")
    for path in (*stale, foreign):
        os.utime(path, (old, old))
    os.utime(tmp, (old, old), follow_symlinks=False)
    assert atomic.stale_temp_files(tmp_path) == stale[:1]  # another app's ".NAME.77.tmp" stays
    assert atomic.stale_temp_files(tmp_path, legacy=True) == sorted(stale)  # in the data dir
    assert atomic.cleanup_stale(tmp_path, legacy=True) == sorted(stale)
    assert fresh.exists() and foreign.exists() and tmp.is_symlink()
    assert not any(p.exists() for p in stale)


def test_commit_never_replaces_a_non_regular_file(tmp_path: Path) -> None:
    from roadmap import atomic
    from roadmap.errors import CannotCreateError

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    tmp = atomic.reserve(fifo)
    with pytest.raises(CannotCreateError, match="it is a FIFO"):
        atomic.commit(tmp, fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and not tmp.exists()


# --- 4. dates outside 1970 .. a day past now, at every import format ---------------------------


def bad_dates(tmp_path: Path) -> list[tuple[str, str, str]]:
    """(file name, content, expected message) per format, each one bad record among good."""
    good = session(id=1, started_at="2026-11-14T09:00:00+00:00")
    return [
        (
            "typo.csv",
            "date,minutes,skill\r\n2026-11-10,30,linalg\r\n0206-01-15,30,linalg\r\n",
            "typo.csv:3: the date 0206-01-15 is before 1970-01-01",
        ),
        (
            "future.csv",
            "start,minutes,skill\r\n2026-11-10T09:00:00+00:00,30,linalg\r\n"
            "2126-11-10T09:00:00+00:00,30,linalg\r\n",
            "future.csv:3: the start 2126-11-10T09:00+00:00 is more than a day in the future",
        ),
        (
            "frames",
            json.dumps(
                [
                    [NOW_TS - 7200, NOW_TS - 3600, "linalg", "a", [], 0],
                    [-62135596800, -62135593200, "linalg", "b", [], 0],
                ]
            ),
            "frame 2: the start 0001-01-01T00:00+00:00 is before 1970-01-01",
        ),
        (
            "timew.json",
            '[{"start": "20261114T090000Z", "end": "20261114T100000Z", "tags": ["linalg"]},\n'
            ' {"start": "19691231T230000Z", "end": "20261114T100000Z", "tags": ["linalg"]}]',
            "interval 2: start 1969-12-31T23:00+00:00 is before 1970-01-01",
        ),
        (
            "year1.json",
            export_doc(sessions=[good, session(id=2, started_at="0001-01-01T00:00:00+14:00")]),
            "session 2: started_at 0001-01-01T00:00+14:00 is before 1970-01-01",
        ),
        (
            "check.json",
            export_doc(
                milestone_checks=[
                    {
                        "skill": "linalg",
                        "milestone": "m1",
                        "checked_at": "2999-01-01T00:00:00+00:00",
                    }
                ]
            ),
            "milestone_checks[1]: checked_at 2999-01-01T00:00+00:00 is more than a day in the future",
        ),
    ]


def test_dates_out_of_range_are_refused_at_every_import_format(
    run: Run, small: Path, tmp_path: Path, sql: Sql
) -> None:
    run.ok("log", "linalg", "1h")
    before = snapshot(sql)
    for name, content, message in bad_dates(tmp_path):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        result = run("import", str(path))
        assert result.exit_code == 65, (name, result.stdout, result.stderr)
        assert message in result.stderr, (name, result.stderr)
        assert len(result.stderr.splitlines()) <= 2 and "Traceback" not in result.stderr
        assert snapshot(sql) == before, name
    # and every view still works
    for args in (("sessions",), ("status",), ("export", "-f", "csv"), ("export", "-f", "md")):
        run.ok(*args)


# --- 5. our JSON import checks every field as strictly as the CLI -------------------------------

STRICT_CASES = [
    (
        {"assessments": [{"skill": "linalg", "level": 99, "assessed_at": NOW}]},
        "assessments[1]: level: level 99 is outside the scale 0..10",
    ),
    (
        {"assessments": [{"skill": "linalg", "level": -7, "assessed_at": NOW}]},
        "assessments[1]: level: level -7 is outside the scale",
    ),
    (
        {
            "level_history": [
                {"skill": "linalg", "level": 2, "previous": 11, "changed_at": NOW, "cause": "x"}
            ]
        },
        "level_history[1]: previous: level 11 is outside the scale",
    ),
    (
        {"tree": {"skills": [{"id": "linalg", "level": 12, "level_changed_at": NOW}]}},
        "tree.skills[1]: level: level 12 is outside the scale",
    ),
    (
        {
            "milestone_checks": [
                {
                    "skill": "linalg",
                    "milestone": "m1",
                    "checked_at": NOW,
                    "link": "javascript:alert(1)",
                }
            ]
        },
        "milestone_checks[1]: invalid link 'javascript:alert(1)'",
    ),
    ({"sessions": [session(links=["javascript:alert(1)"])]}, "session 1: invalid link"),
    ({"sessions": [session(tags=["ok", "  "])]}, "session 1: a tag is empty"),
    ({"sessions": [session(id=2**63)]}, "session 1: id 9223372036854775808 is not an id"),
    ({"sessions": [session(id=0)]}, "session 1: id 0 is not an id"),
    ({"sessions": [session(minutes=10**30)]}, "session 1: 1000000000000000000000000000000 minutes"),
]


@pytest.mark.parametrize(("parts", "message"), STRICT_CASES)
def test_json_import_is_as_strict_as_the_cli(
    run: Run, small: Path, tmp_path: Path, sql: Sql, parts: dict[str, Any], message: str
) -> None:
    run.ok("log", "linalg", "1h")
    before = snapshot(sql)
    path = tmp_path / "export.json"
    path.write_text(export_doc(**parts), encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code == 65, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) <= 2
    assert snapshot(sql) == before


# --- 12. exit 70 on extreme values: each a clear usage or data error -----------------------------


def test_extreme_values_are_clear_errors(
    run: Run, small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run.ok("log", "linalg", "1h")
    result = run("sessions", "--limit", "99999999999999999999")
    assert result.exit_code == 2 and "--limit" in result.stderr
    for value in ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "soon"):
        monkeypatch.setenv("ROADMAP_NOW", value)
        for args in (("status",), ("log", "linalg", "1h"), ("sessions", "--since", "-3d")):
            result = run(*args)
            assert result.exit_code == 2, (value, args, result.stderr)
            assert "ROADMAP_NOW" in result.stderr and "Traceback" not in result.stderr


# --- 13. text sizes are capped at every entrance ------------------------------------------------


def test_text_caps_on_the_command_line(run: Run, small: Path, sql: Sql) -> None:
    from roadmap import limits

    run.ok("log", "linalg", "1h", "--note", "n" * limits.MAX_NOTE, "--tag", "t" * limits.MAX_TAG)
    before = snapshot(sql)
    cases = [
        ("log", "linalg", "1h", "--note", "n" * (limits.MAX_NOTE + 1)),
        ("log", "linalg", "1h", "--tag", "t" * (limits.MAX_TAG + 1)),
        ("log", "linalg", "1h", "--link", "https://example.org/" + "l" * limits.MAX_LINK),
        ("start", "linalg", "--note", "n" * (limits.MAX_NOTE + 1)),
        ("edit", "1", "--note", "n" * (limits.MAX_NOTE + 1)),
        ("assess", "linalg", "2", "--note", "n" * (limits.MAX_NOTE + 1)),
        ("check", "linalg", "1.1", "--note", "n" * (limits.MAX_NOTE + 1)),
    ]
    for args in cases:
        result = run(*args)
        assert result.exit_code == 2, (args[:2], result.stderr)
        assert "characters long; at most" in result.stderr
    assert snapshot(sql) == before


def test_text_caps_in_import_files(run: Run, small: Path, tmp_path: Path, sql: Sql) -> None:
    from roadmap import limits

    big = "n" * (limits.MAX_NOTE + 1)
    files = {
        "note.json": export_doc(sessions=[session(note=big)]),
        "tag.json": export_doc(sessions=[session(tags=["t" * (limits.MAX_TAG + 1)])]),
        "tags.json": export_doc(sessions=[session(tags=[f"t{i}" for i in range(51)])]),
        "note.csv": f"date,minutes,skill,note\r\n2026-11-10,30,linalg,{big}\r\n",
        "timew.json": json.dumps(
            [
                {
                    "start": "20261114T090000Z",
                    "end": "20261114T100000Z",
                    "tags": ["linalg"],
                    "annotation": big,
                }
            ]
        ),
        "frames": json.dumps([[NOW_TS - 7200, NOW_TS - 3600, "p" * 201, "a", [], 0]]),
    }
    run.ok("log", "linalg", "1h")
    before = snapshot(sql)
    for name, content in files.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        result = run("import", str(path))
        assert result.exit_code == 65, (name, result.stderr)
        assert "characters long; at most" in result.stderr or "at most 50" in result.stderr
        assert snapshot(sql) == before


# --- 7. the CSV round trip is exact for any text -----------------------------------------------

NASTY = [
    "'=1+1",
    "'",
    "''",
    "'plain",
    '=HYPERLINK("http://x")',
    "+1",
    "-1",
    "@SUM(A1)",
    "\tstarts with a tab",
    "\rstarts with a CR",
    'a "quoted", comma',
    "multi\nline\r\nnote",
    "back\\slash, and \\, too",
    "  spaces around  ",
    "",
]
NASTY_TAGS = [["a,b", "c"], ["x\\"], ["a\\,b"], ["'=t", "-t"], ["\\\\,,"], ["plain"], []]


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_round_trip_is_exact(
    run: Run,
    small: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    backend: str,
) -> None:
    for i, note in enumerate(NASTY):
        tags = NASTY_TAGS[i % len(NASTY_TAGS)]
        args = ["log", "linalg", "1h", "--on", f"2026-11-{i + 1:02d}T09:00", "--note", note]
        for tag in tags:
            args += ["--tag", tag]
        run.ok(*args)
    path, again = tmp_path / "sessions.csv", tmp_path / "again.csv"
    run.ok("export", "-f", "csv", "-o", str(path))  # (click's .stdout drops CRs: a file)
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("ROADMAP_HOME", str(fresh))
    if backend == "postgresql":
        monkeypatch.setenv("ROADMAP_DB", fresh_pg_database(request.getfixturevalue("pg_cluster")))
    run.ok("import", str(path))
    run.ok("export", "-f", "csv", "-o", str(again))
    first, second = path.read_bytes().decode(), again.read_bytes().decode()
    assert csv_rows(second) == csv_rows(first)  # ids too: 1..n in the same order
    assert second == first
    notes = {s["note"] for s in run.json("sessions", "--limit", "0")}
    assert notes == set(NASTY)
    stored: list[list[str]] = sorted(
        sorted(s["tags"]) for s in run.json("sessions", "--limit", "0")
    )
    expected: list[list[str]] = sorted(
        sorted(NASTY_TAGS[i % len(NASTY_TAGS)]) for i in range(len(NASTY))
    )
    assert stored == expected


ANY_TEXT = st.characters(codec="utf-8", exclude_categories=["Cs"])


@pytest.mark.sqlite_only  # the round trip on PostgreSQL: test_csv_round_trip_is_exact
@given(
    notes=st.lists(st.text(ANY_TEXT, max_size=20), min_size=1, max_size=3),
    tags=st.lists(
        st.text(ANY_TEXT, min_size=1, max_size=6).map(str.strip).filter(bool), max_size=3
    ),
)
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_csv_export_import_export_is_identical_for_any_text(
    run: Run, small: Path, notes: list[str], tags: list[str]
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as work, pytest.MonkeyPatch.context() as mp:
        first, second = Path(work) / "first.csv", Path(work) / "second.csv"
        mp.setenv("ROADMAP_HOME", f"{work}/a")
        for i, note in enumerate(notes):
            args = ["log", "linalg", "1h", "--on", f"2026-11-0{i + 1}T09:00", "--note", note]
            for tag in tags:
                args += ["--tag", tag]
            run.ok(*args)
        run.ok("export", "-f", "csv", "-o", str(first))
        mp.setenv("ROADMAP_HOME", f"{work}/b")
        run.ok("import", str(first))
        run.ok("export", "-f", "csv", "-o", str(second))
        assert second.read_bytes() == first.read_bytes()
        assert [s["note"] for s in run.json("sessions", "--limit", "0")] == notes[::-1]


@given(
    note=st.text(ANY_TEXT, max_size=30),
    tags=st.lists(
        st.text(ANY_TEXT, min_size=1, max_size=8).map(str.strip).filter(bool),
        max_size=4,
    ),
)
@settings(max_examples=300, deadline=None)
def test_csv_cells_and_tag_lists_read_back_exactly(note: str, tags: list[str]) -> None:
    from roadmap.export import csv_cell, join_tags
    from roadmap.importers import _unquote, split_tags

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([csv_cell(note), csv_cell(join_tags(tags))])
    row = next(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert _unquote(row[0]) == note
    assert split_tags(_unquote(row[1])) == tags
    assert not row[0] or row[0][0] not in "=+-@\t\r"  # still no formula


# --- 9. read-only data as an unprivileged user ---------------------------------------------------


def unprivileged() -> list[str]:
    """A command prefix that runs a process without root's power over files.

    As ``nobody`` (``setpriv --reuid=65534``) when that user can run this Python (CI); where
    the interpreter lives in a directory only root may enter, as root with every capability
    dropped (``setpriv --bounding-set=-all``): then file permissions apply to it as to any
    owner, so a 0444 file is read-only and a 0555 directory cannot be written. The data
    must be where nobody can reach it: see :func:`reachable_home`.
    """
    setpriv = shutil.which("setpriv")
    if setpriv is None or os.geteuid() != 0:
        if os.geteuid() != 0:
            return []  # already unprivileged
        pytest.skip("needs setpriv (util-linux) to run as an unprivileged user")
    as_nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run(
        [*as_nobody, sys.executable, "-c", "import roadmap, typer"],
        capture_output=True,
        cwd=str(ROOT),
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if probe.returncode == 0:
        return as_nobody
    return [setpriv, "--bounding-set=-all", "--inh-caps=-all"]


@pytest.fixture
def reachable_home(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data dir any user can reach (pytest's tmp_path is under a 0700 directory that a
    concurrent pytest may reset to 0700 at any moment)."""
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="roadmap-ro-"))
    top.chmod(0o755)
    home = top / "home"
    monkeypatch.setenv("ROADMAP_HOME", str(home))
    try:
        yield home
    finally:
        for path in (home, *home.rglob("*")) if home.exists() else ():
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(top, ignore_errors=True)


@pytest.mark.sqlite_only  # file permissions (a server has its own: tests/test_postgres.py)
def test_read_only_data_dir_and_database_for_an_unprivileged_user(
    run: Run, small: Path, reachable_home: Path
) -> None:
    run.ok("log", "linalg", "1h", "--note", "kept")
    home = reachable_home
    db_path = home / "roadmap.db"
    for path in home.iterdir():
        if path.name != db_path.name:
            path.chmod(0o444)
    db_path.chmod(0o444)
    home.chmod(0o555)
    files = sorted(p.name for p in home.iterdir())
    prefix = unprivileged()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ROADMAP_SKILLS": str(SMALL)}
    try:
        check = subprocess.run(
            [*prefix, sys.executable, "-c", f"open({str(db_path)!r}, 'r+b')"],
            capture_output=True,
            env=env,
        )
        assert check.returncode != 0, "the test process could still write the database"

        def cli(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [*prefix, sys.executable, "-m", "roadmap", *args],
                capture_output=True,
                text=True,
                env=env,
                cwd=str(ROOT),
                timeout=60,
            )

        sessions = cli("sessions", "--json")
        assert sessions.returncode == 0, sessions.stderr
        assert [s["note"] for s in json.loads(sessions.stdout)] == ["kept"]
        for args in (
            ("status",),
            ("sessions",),
            ("export", "-f", "json"),
            ("export", "-f", "md"),
            ("doctor",),
        ):
            result = cli(*args)
            assert result.returncode == 0, (args, result.stderr)
            assert "Traceback" not in result.stderr
        refused = cli("log", "linalg", "1h")
        assert refused.returncode == 77 and "read-only" in refused.stderr
        assert sorted(p.name for p in home.iterdir()) == files
    finally:
        home.chmod(0o755)


# --- 16. PostgreSQL passwords never shown ------------------------------------------------------

SECRET = "S3cr3t"
PASSWORD_URLS = [
    f"postgresql://alice:{SECRET}@db.example/roadmap",
    f"postgresql://alice:p@ss{SECRET}@db.example/roadmap",  # a raw @ in the password
    f"postgresql://alice@db.example/roadmap?password={SECRET}",
    f"postgresql://alice@db.example/roadmap?%70assword={SECRET}",
    f"postgresql://alice@db.example/roadmap?sslmode=require&PassWord={SECRET}",
    f"postgresql://alice@db.example/roadmap?pass%77ord={SECRET}&x=1",
    f"postgresql://alice@db.example/roadmap?%50%41%53%53%57%4F%52%44={SECRET}",
    f"postgresql://alice@db.example/roadmap?PGPASSWORD={SECRET}",
    f"postgres://alice:{SECRET}@[::1]:5432/roadmap",
    f"postgresql://alice:{SECRET.replace('3', '%33')}@db.example/roadmap",
    f"postgresql://alice@db.example/roadmap?password%3D={SECRET}",
    f"postgresql://alice@db.example/roadmap?x=1;password={SECRET}",
    f"postgresql://alice@db.example/roadmap?password={SECRET}#frag",
]


@pytest.mark.parametrize("url", PASSWORD_URLS)
def test_redact_hides_every_spelling_of_a_password(url: str) -> None:
    from roadmap.store import url as dburl

    shown = dburl.redact(url)
    assert SECRET not in shown and SECRET.replace("3", "%33") not in shown, shown
    assert "db.example" in shown or "::1" in shown
    assert dburl.has_password(url)


def test_a_url_without_a_password_is_left_alone() -> None:
    from roadmap.store import url as dburl

    for url in (
        "postgresql://alice@db.example/roadmap?sslmode=require",
        "postgresql:///roadmap?host=/run/postgresql",
        "postgresql://db.example/roadmap?passfile=/home/a/.pgpass",
    ):
        assert dburl.redact(url) == url
        assert not dburl.has_password(url)


@pytest.mark.sqlite_only  # the URL points nowhere: no server involved
def test_password_never_shown_in_errors_or_doctor(
    run: Run, small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("psycopg")
    for url in PASSWORD_URLS[:8]:
        bad = url.replace("db.example", "127.0.0.1:1")
        for args in (("status",), ("doctor",), ("--db", bad, "status")):
            if args[0] != "--db":
                monkeypatch.setenv("ROADMAP_DB", bad)
            result = run(*args)
            assert result.exit_code != 0
            assert SECRET not in result.stdout + result.stderr, (url, args, result.stderr)
        monkeypatch.setenv("ROADMAP_DB", bad)
        doctor = run("doctor", "--json")
        assert SECRET not in doctor.stdout
        if "p@ss" not in url:  # (a raw @ is refused before doctor runs)
            checks = {c["check"]: c for c in json.loads(doctor.stdout)["checks"]}
            assert checks["credentials"]["status"] == "warning", url
        monkeypatch.delenv("ROADMAP_DB")


# --- doctor notices what can still arise -------------------------------------------------------


def test_doctor_finds_dates_out_of_range(run: Run, small: Path, sql: Sql) -> None:
    run.ok("log", "linalg", "1h")
    healthy = json.loads(run.ok("doctor", "--json").stdout)
    assert ("dates", "ok") in {(c["check"], c["status"]) for c in healthy["checks"]}
    sql("UPDATE session SET started_at = '206-01-15T12:00:00Z'")  # as an old import stored it
    result = run("doctor", "--json")
    assert result.exit_code == 1
    found = {c["check"]: c for c in json.loads(result.stdout)["checks"]}
    assert found["dates"]["status"] == "problem"
    assert "1 in session" in found["dates"]["detail"]


@pytest.mark.sqlite_only  # the data dir's files
def test_doctor_reports_temp_files_left_behind(run: Run, small: Path, db_path: Path) -> None:
    run.ok("log", "linalg", "1h")
    left = db_path.parent / ".roadmap.db.roadmap-tmp-0123456789abcdef"
    left.write_bytes(b"half a backup")
    old = time.time() - 3 * 3600
    os.utime(left, (old, old))
    data = json.loads(run.ok("doctor", "--json").stdout)
    found = {c["check"]: c for c in data["checks"]}
    assert found["temp files"]["status"] == "warning"
    assert left.name in found["temp files"]["detail"]
    assert left.exists()  # doctor never writes
