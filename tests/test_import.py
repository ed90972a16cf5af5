"""``roadmap import``: Watson, Timewarrior, our CSV and JSON; unknown skills, duplicates,
bad input, all-or-nothing (also when killed), streaming, a progress bar on a terminal.

The fixtures in tests/data/import/ are in the real formats: Watson's ``frames`` file as
Watson writes it (``json.dumps(frames, indent=1)``, old 5-field frames too), the output
of ``timew export`` (one compact interval per line), and our CSV export (CRLF).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import DATA, ROOT, Run, Sql, fresh_pg_database, kill_while_writing

pytestmark = pytest.mark.usefixtures("backend")

FIXTURES = DATA / "import"
WATSON = FIXTURES / "watson-frames"
TIMEW = FIXTURES / "timew-export.json"
OUR_CSV = FIXTURES / "roadmap.csv"
MINIMAL_CSV = FIXTURES / "minimal.csv"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROADMAP_NOW", "2026-11-20T18:00:00+00:00")


def snapshot(sql: Sql) -> list[Any]:
    return [
        sql("SELECT * FROM session ORDER BY id"),
        sql("SELECT * FROM journal ORDER BY id"),
        sql("SELECT * FROM assessment ORDER BY id"),
        sql("SELECT skill_id, key, checked_at FROM milestone ORDER BY skill_id, key"),
    ]


# --- Watson ---------------------------------------------------------------------------------


def test_watson_unknown_projects_stop_the_import(run: Run, small: Path, sql: Sql) -> None:
    run.ok("tree")
    before = snapshot(sql)
    refused = run("import", str(WATSON))
    assert refused.exit_code == 65
    assert refused.stderr.splitlines()[0] == (
        "roadmap: error: unknown skills, nothing imported: cooking (2)"
    )
    assert "--map NAME=SKILL" in refused.stderr and "--skip-unknown" in refused.stderr
    assert snapshot(sql) == before


def test_watson_frames_with_map(run: Run, small: Path) -> None:
    result = run.json("import", str(WATSON), "--map", "cooking=calculus")
    assert result == {
        "imported": 7,
        "duplicates": 0,
        "skipped_running": 0,
        "skipped_invalid": 0,
        "skipped_unknown": 0,
        "unknown": {},
        "dropped": {},
    }
    sessions = {s["started_at"]: s for s in run.json("sessions")}
    first = sessions["2026-11-14T09:00:00+00:00"]
    assert (first["skill"], first["minutes"], first["source"]) == ("linalg", 90, "watson")
    assert first["tags"] == ["book", "deep work"]
    assert sessions["2026-11-15T14:00:00+00:00"]["skill"] == "calculus"  # by name
    assert sessions["2026-11-16T08:00:00+00:00"]["skill"] == "linalg"  # project 'gpu', tag
    assert sessions["2026-11-17T19:00:00+00:00"]["skill"] == "cpp-templates"  # prefix 'templ'
    assert sessions["2026-11-18T07:30:00+00:00"]["skill"] == "calculus"  # --map
    old_format = sessions["2026-11-20T06:00:00+00:00"]  # [start, stop, project, id, updated]
    assert (old_format["skill"], old_format["minutes"], old_format["tags"]) == (
        "cpp-memory",
        50,
        [],
    )


def test_watson_skip_unknown_and_idempotence(run: Run, small: Path) -> None:
    first = run.json("import", str(WATSON), "--skip-unknown")
    assert first["imported"] == 5 and first["skipped_unknown"] == 2
    assert first["unknown"] == {"cooking": 2}
    again = run.json("import", str(WATSON), "--skip-unknown")
    assert again["imported"] == 0 and again["duplicates"] == 5
    mapped = run.json("import", str(WATSON), "--map", "cooking=calculus")
    assert mapped["imported"] == 2 and mapped["duplicates"] == 5
    assert run.json("import", str(WATSON), "--map", "cooking=calculus")["imported"] == 0
    assert len(run.json("sessions")) == 7


def test_watson_running_frame_is_skipped_and_reported(
    run: Run, small: Path, tmp_path: Path
) -> None:
    frames = tmp_path / "frames"
    frames.write_text(
        json.dumps(
            [
                [1794646800, 1794652200, "linalg", "aa", [], 1794652200],
                [1794751200, None, "linalg", "bb", [], 1794751200],
            ],
            indent=1,
        )
    )
    result = run.ok("import", str(frames))
    assert "imported 1 session(s)" in result.stdout and "1 running" in result.stdout
    assert run.json("import", str(frames))["skipped_running"] == 1


# --- Timewarrior ------------------------------------------------------------------------------


def test_timewarrior_export(run: Run, small: Path) -> None:
    refused = run("import", str(TIMEW))
    assert refused.exit_code == 65 and "gardening (1)" in refused.stderr
    result = run.json("import", str(TIMEW), "--skip-unknown")
    assert result["imported"] == 3
    assert result["skipped_running"] == 1 and result["skipped_unknown"] == 1
    sessions = {s["started_at"]: s for s in run.json("sessions")}
    lu = sessions["2026-11-14T09:00:00+00:00"]
    assert lu["skill"] == "linalg" and lu["minutes"] == 90
    assert lu["note"] == 'LU "blocked" <b>by hand</b>' and lu["tags"] == ["deep work", "linalg"]
    assert sessions["2026-11-16T08:00:00+00:00"]["skill"] == "cpp-memory"  # a tag by name
    assert {s["source"] for s in sessions.values()} == {"timewarrior"}
    assert run.json("import", str(TIMEW), "--skip-unknown")["duplicates"] == 3


def test_times_are_kept_in_another_time_zone(
    run: Run, small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    if hasattr(time, "tzset"):
        time.tzset()
    try:
        run.json("import", str(TIMEW), "--skip-unknown")
        sessions = run.json("sessions")
        assert "2026-11-14T04:00:00-05:00" in {s["started_at"] for s in sessions}
    finally:
        monkeypatch.setenv("TZ", "UTC")
        if hasattr(time, "tzset"):
            time.tzset()


# --- CSV --------------------------------------------------------------------------------------


def test_our_csv(run: Run, small: Path) -> None:
    result = run.json("import", str(OUR_CSV))
    assert result["imported"] == 4
    sessions = {s["id"]: s for s in run.json("sessions")}
    by_skill = {s["skill"]: s for s in sessions.values()}
    linalg = by_skill["linalg"]
    assert linalg["note"] == "=cmd|' /C calc'!A0"  # the formula guard is undone
    assert linalg["tags"] == ["@evil", "deep work"] and linalg["links"] == ["https://x.org/a?b=1"]
    assert by_skill["calculus"]["started_at"] == "2026-11-15T13:00:00+00:00"
    assert by_skill["calculus"]["note"] == "multi\r\nline | note"
    assert by_skill["calculus"]["source"] == "timer"
    assert by_skill["cpp-memory"]["started_at"] == "2026-11-16T12:00:00+00:00"  # noon
    assert by_skill["cpp-memory"]["note"] == "-2+3"
    assert by_skill["cpp-templates"]["note"] == "by name"  # no skill_id: the skill_name
    assert run.json("import", str(OUR_CSV))["duplicates"] == 4


def test_minimal_csv(run: Run, small: Path) -> None:
    result = run.json("import", str(MINIMAL_CSV))
    assert result["imported"] == 3
    assert sorted((s["skill"], s["minutes"]) for s in run.json("sessions")) == [
        ("calculus", 30),
        ("cpp-memory", 25),
        ("linalg", 60),
    ]
    assert {s["source"] for s in run.json("sessions")} == {"csv"}
    assert run.json("import", str(MINIMAL_CSV))["duplicates"] == 3


def test_csv_export_round_trip(
    run: Run, small: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    run.json("import", str(OUR_CSV))
    exported = tmp_path / "again.csv"
    run.ok("export", "--format", "csv", "-o", str(exported))
    assert run.json("import", str(exported))["duplicates"] == 4  # same data dir: nothing new
    with pytest.MonkeyPatch.context() as mp:  # an empty data dir (on a server: a new database)
        mp.setenv("ROADMAP_HOME", str(tmp_path / "fresh"))
        if os.environ.get("ROADMAP_DB", "").startswith("postgresql"):
            mp.setenv("ROADMAP_DB", fresh_pg_database(request.getfixturevalue("pg_cluster")))
        assert run.json("import", str(exported))["imported"] == 4
        first = sorted(
            (s["skill"], s["started_at"], s["note"], s["tags"]) for s in run.json("sessions")
        )
    again = sorted(
        (s["skill"], s["started_at"], s["note"], s["tags"]) for s in run.json("sessions")
    )
    assert first == again


def test_a_date_only_row_for_today_is_not_in_the_future(
    run: Run, small: Path, tmp_path: Path
) -> None:
    today = tmp_path / "today.csv"
    today.write_text("date,minutes,skill\n2026-11-20,30,linalg\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ROADMAP_NOW", "2026-11-20T09:00:00+00:00")
        assert run.json("import", str(today))["imported"] == 1
        assert run.json("sessions")[0]["started_at"] == "2026-11-20T08:30:00+00:00"
        assert run.json("import", str(today))["duplicates"] == 1


# --- detection, invalid records, bad input ----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fmt"),
    [(WATSON, "watson"), (TIMEW, "timewarrior"), (OUR_CSV, "csv"), (MINIMAL_CSV, "csv")],
)
def test_the_format_is_detected(run: Run, small: Path, path: Path, fmt: str) -> None:
    result = run.ok("import", str(path), "--dry-run", "--skip-unknown")
    assert f"({fmt})" in result.stdout
    forced = run.ok("import", str(path), "--dry-run", "--skip-unknown", "--from", fmt.upper())
    assert f"({fmt})" in forced.stdout


def test_invalid_records_are_skipped_and_reported(run: Run, small: Path, tmp_path: Path) -> None:
    frames = tmp_path / "frames"
    frames.write_text(
        json.dumps(
            [
                [1794646800, 1794646810, "linalg", "short", [], 0],  # 10 s: 0 minutes
                [1794646800, 1794646800 + 25 * 3600, "linalg", "long", [], 0],  # 25 h
                [1795219200, 1795222800, "linalg", "future", [], 0],  # after "now" (by 6 h)
                [1794751200, 1794753900, "linalg", "fine", [], 0],
            ]
        )
    )
    result = run.ok("import", str(frames))
    assert "imported 1 session(s)" in result.stdout and "3 invalid" in result.stdout
    assert "frame 1: 0 minutes" in result.stderr and "frame 2: 1500 minutes" in result.stderr
    assert "frame 3: starts in the future" in result.stderr


BAD_INPUTS: list[tuple[str, bytes, list[str], int, str]] = [
    ("empty.json", b"", [], 65, "the file is empty"),
    ("blank.json", b"  \n\n ", [], 65, "the file is empty"),
    ("binary.json", b"\x00\xff\xfe\x80 junk", [], 65, "not UTF-8"),
    (
        "latin1.csv",
        "date,minutes,skill\n2026-11-10,30,caf\xe9\n".encode("latin-1"),
        [],
        65,
        "not UTF-8",
    ),
    (
        "truncated.json",
        b'{"format": "roadmap-export", "version": 1, "sessions": [{"id": 1,',
        [],
        65,
        "invalid JSON",
    ),
    (
        "garbage.json",
        b'{"format": "roadmap-export", "version": 1, "sessions": [}',
        [],
        65,
        "truncated.json",
    ),
    ("other.json", b'{"name": "some other app", "sessions": []}', [], 65, "not a roadmap export"),
    ("format.json", b'{"format": "toggl", "sessions": []}', [], 65, "not a roadmap export"),
    (
        "future.json",
        b'{"format": "roadmap-export", "version": 7, "sessions": []}',
        [],
        65,
        "version 7 is not supported",
    ),
    (
        "types.json",
        b'{"format": "roadmap-export", "version": 1, "sessions": [{"id": 1, "skill": "linalg", "started_at": "2026-11-14T09:00:00+00:00", "minutes": "90"}]}',
        [],
        65,
        "minutes must be a whole number",
    ),
    (
        "state.json",
        b'{"format": "roadmap-export", "version": 1, "sessions": [], "assessments": [{"skill": "linalg"}]}',
        [],
        65,
        "assessments[1]: level must be a whole number",
    ),
    (
        "frame.json",
        b'[[1794646800, 1794652200, ["linalg"], "id", [], 0]]',
        [],
        65,
        "frame 1: the project must be text",
    ),
    ("stamp.json", b'[["today", 1794652200, "linalg", "id", [], 0]]', [], 65, "Unix timestamps"),
    (
        "interval.json",
        b'[{"start": "2026-11-14 09:00", "end": "20261114T100000Z"}]',
        [],
        65,
        "not like 20261120T090000Z",
    ),
    (
        "tags.json",
        b'[{"start": "20261114T090000Z", "end": "20261114T100000Z", "tags": "linalg"}]',
        [],
        65,
        "tags must be a list of text",
    ),
    ("numbers.json", b"[1, 2, 3]", [], 65, "not of Watson frames"),
    ("scalar.json", b"42", [], 65, "cannot tell the format"),
    ("notes.txt", b"just some notes\n", [], 65, "cannot tell the format"),
    ("columns.csv", b"when,how long\n2026-11-10,30\n", [], 65, "needs the columns date"),
    (
        "date.csv",
        b"date,minutes,skill\n2026-13-40,30,linalg\n",
        [],
        65,
        "date.csv:2: '2026-13-40' is not a date",
    ),
    (
        "minutes.csv",
        b"date,minutes,skill\n2026-11-10,half an hour,linalg\n",
        [],
        65,
        "minutes 'half an hour' is not a number",
    ),
    (
        "watson.json",
        b'{"format": "roadmap-export", "version": 1, "sessions": []}',
        ["--from", "watson"],
        65,
        "a Watson frames file is a JSON list",
    ),
    ("any.json", b"[]", ["--from", "toggl"], 2, "unknown format 'toggl'"),
    ("map.json", b"[]", ["--map", "nonsense"], 2, "--map takes NAME=SKILL"),
    ("mapto.json", b"[]", ["--map", "gpu=nosuchskill"], 2, "unknown skill 'nosuchskill'"),
]


@pytest.mark.parametrize(
    ("name", "content", "args", "code", "message"),
    BAD_INPUTS,
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_is_one_clear_line_and_writes_nothing(
    run: Run,
    small: Path,
    tmp_path: Path,
    sql: Sql,
    name: str,
    content: bytes,
    args: list[str],
    code: int,
    message: str,
) -> None:
    run.ok("log", "linalg", "1h")
    before = snapshot(sql)
    path = tmp_path / name
    path.write_bytes(content)
    result = run("import", str(path), *args)
    assert result.exit_code == code, result.stderr
    lines = result.stderr.splitlines()
    assert lines and lines[0].startswith("roadmap: error: "), result.stderr
    assert message.replace("truncated.json", "") in result.stderr
    assert len(lines) <= 2 and all(line.startswith("  hint: ") for line in lines[1:])
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert snapshot(sql) == before


def test_json_errors_point_at_the_line(run: Run, small: Path, tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(
        '{"format": "roadmap-export",\n "version": 1,\n "sessions": [\n  {"id": 1,,}\n ]}'
    )
    result = run("import", str(path))
    assert result.exit_code == 65
    assert f"{path}:4:12: invalid JSON" in result.stderr


def test_missing_or_unreadable_files(run: Run, small: Path, tmp_path: Path) -> None:
    missing = run("import", str(tmp_path / "nope.json"))
    assert missing.exit_code == 66 and "import file not found" in missing.stderr
    directory = run("import", str(tmp_path))
    assert directory.exit_code == 66 and "is a directory" in directory.stderr
    if os.geteuid() != 0:
        locked = tmp_path / "locked.json"
        locked.write_text("[]")
        locked.chmod(0)
        result = run("import", str(locked))
        assert result.exit_code == 66 and "permission denied" in result.stderr


# --- all or nothing ---------------------------------------------------------------------------


def test_a_bad_record_late_in_the_file_adds_nothing(
    run: Run, small: Path, tmp_path: Path, sql: Sql
) -> None:
    frames = [
        [1794000000 - i * 7200, 1794000000 - i * 7200 + 1800, "linalg", f"f{i}", [], 0]
        for i in range(3000)
    ]
    frames.append([1794000000, 1794001800, "linalg", "bad", "not tags", 0])
    path = tmp_path / "frames"
    path.write_text(json.dumps(frames))
    run.ok("tree")
    before = snapshot(sql)
    result = run("import", str(path))
    assert result.exit_code == 65 and "frame 3001: the tags must be a list" in result.stderr
    assert snapshot(sql) == before


def test_dry_run_writes_nothing(run: Run, small: Path, sql: Sql) -> None:
    run.ok("tree")
    before = snapshot(sql)
    result = run.json("import", str(WATSON), "--dry-run", "--skip-unknown")
    assert result["imported"] == 5 and result["dry_run"] is True
    assert snapshot(sql) == before
    run.ok("import", str(WATSON), "--skip-unknown")
    again = run.json("import", str(WATSON), "--dry-run", "--skip-unknown")
    assert again["imported"] == 0 and again["duplicates"] == 5


@pytest.mark.sqlite_only  # a read-only database file and directory
def test_dry_run_on_a_read_only_database(run: Run, small: Path, db_path: Path) -> None:
    run.ok("tree")
    db_path.chmod(0o444)
    db_path.parent.chmod(0o555)
    try:
        assert run.json("import", str(WATSON), "--dry-run", "--skip-unknown")["imported"] == 5
        if os.geteuid() != 0:
            refused = run("import", str(WATSON), "--skip-unknown")
            assert refused.exit_code == 77 and "read-only" in refused.stderr
    finally:
        db_path.parent.chmod(0o755)
        db_path.chmod(0o644)


def test_import_can_be_undone(run: Run, small: Path) -> None:
    run.ok("import", str(WATSON), "--skip-unknown")
    assert "import of 5 session(s)" in run.ok("undo").stdout
    assert run.json("sessions") == []
    assert run.json("import", str(WATSON), "--skip-unknown")["imported"] == 5


def test_the_summary_line(run: Run, small: Path) -> None:
    result = run.ok("import", str(TIMEW), "--skip-unknown")
    assert result.stdout.strip() == (
        f"imported 3 session(s) from {TIMEW} (timewarrior); skipped 0 duplicate(s), "
        "1 running, 0 invalid, 1 with unknown skills"
    )
    assert "unknown skills skipped: gardening (1)" in result.stderr


def big_watson(path: Path, frames: int) -> None:
    with path.open("w") as out:
        out.write("[\n")
        for i in range(frames):
            start = 1600000000 + i * 3000
            out.write(
                ("" if i == 0 else ",\n")
                + json.dumps(
                    [
                        start,
                        start + 1800,
                        ("linalg", "calculus", "cpp-memory")[i % 3],
                        f"{i:032x}",
                        ["synthetic"],
                        start,
                    ]
                )
            )
        out.write("\n]\n")


@pytest.mark.sqlite_only  # SQLite's write lock and file; tests/test_postgres.py: the server
@pytest.mark.skipif(sys.platform == "win32", reason="kill -9")
def test_an_import_killed_mid_way_leaves_the_database_as_it_was(
    run: Run, small: Path, tmp_path: Path, db_path: Path, sql: Sql
) -> None:
    run.ok("log", "linalg", "1h")
    path = tmp_path / "frames"
    big_watson(path, 60_000)
    before = snapshot(sql)
    kill_while_writing(
        db_path, "import", str(path), what="import"
    )  # inside its one write transaction
    assert snapshot(sql) == before
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert run.json("import", str(path))["imported"] == 60_000


def test_import_progress_bar_on_a_terminal(run: Run, small: Path, tmp_path: Path) -> None:
    pty = pytest.importorskip("pty")
    run.ok("tree")
    path = tmp_path / "frames"
    big_watson(path, 12_000)  # > 1 MB
    parent, child_end = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "roadmap", "import", str(path)],
        cwd=str(ROOT),
        stdout=subprocess.PIPE,
        stderr=child_end,
        env={**os.environ, "COLUMNS": "80"},
    )
    os.close(child_end)
    seen = b""
    while True:
        try:
            chunk = os.read(parent, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    out, _ = proc.communicate(timeout=60)
    os.close(parent)
    assert proc.returncode == 0
    assert b"reading frames" in seen and b"\xe2\x94\x81" in seen  # the bar (U+2501)
    assert out.startswith(b"imported 12000 session(s)")


def test_no_progress_bar_when_not_a_terminal(run: Run, small: Path, tmp_path: Path) -> None:
    path = tmp_path / "frames"
    big_watson(path, 12_000)
    result = run.ok("import", str(path))
    assert result.stderr == ""


def test_import_streams_without_holding_the_file(
    run: Run, small: Path, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roadmap import importers, importing
    from roadmap.store import server
    from roadmap.store import sqlite as db

    run.ok("tree")
    path = tmp_path / "frames"
    big_watson(path, 10_000)  # ~1.2 MB of JSON: about 20 reads of 64 KiB
    monkeypatch.setattr(importers, "CHUNK", 1 << 16)
    url = os.environ.get("ROADMAP_DB", "")
    conn = (
        server.open_server(url, db.backups_dir(db_path))
        if url.startswith("postgresql")
        else db.open_db(db_path)
    )
    source = importers.TextSource(path)
    try:
        tracemalloc.start()
        _, records = importers.open_records("watson", source)
        resolver = importing.Resolver(conn, {})
        outcome = importing.stage(conn, records, resolver)
        outcome = importing.apply(conn, outcome, "test", None, resolver, dry_run=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        source.close()
        importing.drop_stage(conn)
        conn.close()
    assert outcome.imported == 10_000
    # a read buffer, a batch and the journal's ids; holding the 10,000 records: ~10 MB
    assert peak < 4_000_000, f"peak {peak / 1e6:.1f} MB"


# --- the streaming JSON reader ------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@pytest.mark.no_database
@settings(max_examples=150, deadline=None)
@given(
    items=st.lists(json_values, max_size=8),
    chunk=st.integers(1, 9),
    indent=st.sampled_from([None, 1, 2]),
)
def test_streamed_lists_equal_json_loads(items: list[Any], chunk: int, indent: int | None) -> None:
    import tempfile

    from roadmap import importers

    text = json.dumps(items, indent=indent)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.json"
        path.write_text(text, encoding="utf-8")
        source = importers.TextSource(path)
        try:
            stream = importers.JsonStream(source)
            original = importers.CHUNK
            importers.CHUNK = chunk
            try:
                got = list(stream.items())
                stream.finish()
            finally:
                importers.CHUNK = original
        finally:
            source.close()
    assert got == json.loads(text)


@pytest.mark.no_database
def test_fixtures_parse_the_same_in_tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    from roadmap import importers

    def read_all(path: Path, fmt: str) -> list[tuple[Any, ...]]:
        source = importers.TextSource(path)
        try:
            _, records = importers.open_records(fmt, source)
            return [
                (r.names, r.started, r.minutes, r.note, r.tags, r.source_key, r.where)
                for r in records
            ]
        finally:
            source.close()

    whole = {fmt: read_all(path, fmt) for path, fmt in ((WATSON, "watson"), (TIMEW, "timewarrior"))}
    monkeypatch.setattr(importers, "CHUNK", 3)
    assert {
        fmt: read_all(path, fmt) for path, fmt in ((WATSON, "watson"), (TIMEW, "timewarrior"))
    } == whole
    assert whole["watson"][0][-1] == f"{WATSON}:2:2: frame 1"
    assert whole["timewarrior"][2][-1] == f"{TIMEW}:4:1: interval 3"
