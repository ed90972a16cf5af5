"""Logging typed the way people type (issue 17, input): durations, --on / --at, the timer
left running, what assess and check say. Through the real CLI, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Run, Sql
from tests.test_track import assert_one_clear_error, dump

pytestmark = pytest.mark.usefixtures("backend")

NOW = "2026-11-20T10:00:00+00:00"  # a Friday; the tests run with TZ=UTC


@pytest.fixture
def ready(run, backend: str, small: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ROADMAP_NOW", NOW)
    run.ok("tree")


def starts(run) -> list[str]:  # type: ignore[no-untyped-def]
    return [s["started_at"][:16] for s in run.json("sessions", "--limit", "0")]


@pytest.mark.usefixtures("ready")
@pytest.mark.parametrize("text", ["1.5", "0.5", ".75", "2.0"])
def test_a_bare_decimal_duration_is_refused_with_the_question(run, sql: Sql, text: str) -> None:  # type: ignore[no-untyped-def]
    before = dump(sql)
    result = run("log", "linalg", text)
    assert result.exit_code == 2
    assert result.stderr == (
        f"roadmap: error: invalid duration '{text}': a number without a unit is whole minutes\n"
        f"  hint: {text}h or {text}m?\n"
    )
    assert dump(sql) == before


@pytest.mark.usefixtures("ready")
def test_a_bare_whole_number_is_minutes_and_the_help_says_so(run) -> None:  # type: ignore[no-untyped-def]
    assert run.json("log", "linalg", "90")["minutes"] == 90
    help_text = " ".join(run.ok("log", "--help").stdout.split())
    assert "A bare whole number is minutes (90 = 1h30m)" in help_text
    assert "1.5 is refused: write 1.5h or 1.5m" in help_text
    for form in ("'yesterday 9am'", "'last monday'", "'mon 14:00'", "'2 days ago'", "14:30"):
        assert form in help_text, form


@pytest.mark.usefixtures("ready")
@pytest.mark.parametrize(
    ("on", "started"),
    [
        ("yesterday 9am", "2026-11-19T09:00"),
        ("yesterday 09:00", "2026-11-19T09:00"),
        ("9am", "2026-11-20T09:00"),
        ("8:30", "2026-11-20T08:30"),
        ("mon 14:00", "2026-11-16T14:00"),
        ("last friday 7pm", "2026-11-13T19:00"),
        ("2026-11-18T09:30", "2026-11-18T09:30"),
    ],
)
def test_a_time_of_day_means_the_session_starts_then(run, on: str, started: str) -> None:  # type: ignore[no-untyped-def]
    data = run.json("log", "linalg", "30m", "--on", on)
    assert data["started_at"].startswith(started)


@pytest.mark.usefixtures("ready")
@pytest.mark.parametrize(
    ("on", "day"),
    [("monday", "2026-11-16"), ("last monday", "2026-11-16"), ("2 days ago", "2026-11-18")],
)
def test_day_forms_log_on_that_day(run, on: str, day: str) -> None:  # type: ignore[no-untyped-def]
    assert run.json("log", "linalg", "30m", "--on", on)["started_at"][:10] == day


@pytest.mark.usefixtures("ready")
@pytest.mark.parametrize(
    ("on", "needle"),
    [
        ("30/11", "ambiguous date '30/11'"),
        ("11/30", "ambiguous date '11/30'"),
        ("14:30", "'14:30' is in the future"),
        ("9", "invalid date '9'"),
        ("25:00", "invalid time of day '25:00'"),
    ],
)
def test_bad_times_are_refused_and_write_nothing(run, sql: Sql, on: str, needle: str) -> None:  # type: ignore[no-untyped-def]
    before = dump(sql)
    result = run("log", "linalg", "30m", "--on", on)
    assert result.exit_code == 2
    assert needle in result.stderr
    assert_one_clear_error(result.stderr)
    assert dump(sql) == before


@pytest.mark.usefixtures("ready")
def test_ambiguous_dates_list_the_accepted_forms(run) -> None:  # type: ignore[no-untyped-def]
    stderr = run("log", "linalg", "1h", "--on", "30/11").stderr
    for form in ("YYYY-MM-DD", "yesterday", "last monday", "'yesterday 9am'", "14:30"):
        assert form in stderr


@pytest.mark.usefixtures("ready")
def test_start_at_starts_a_timer_in_the_past_and_stop_at_ends_it(run, sql: Sql) -> None:  # type: ignore[no-untyped-def]
    assert run.ok("start", "linalg", "--at", "9:00").stdout.startswith(
        "started timer on linalg at 09:00"
    )
    stopped = run.json("stop", "--at", "9:45")
    assert (stopped["started_at"][:16], stopped["minutes"]) == ("2026-11-20T09:00", 45)
    run.ok("start", "calculus", "--at", "yesterday 22:00")
    before = dump(sql)
    for at, needle in (
        ("21:00 yesterday", "cannot end at 2026-11-19 21:00"),
        ("10:30", "'10:30' is in the future"),
        ("yesterday", "has no time of day"),
    ):
        result = run("stop", "--at", at)
        assert result.exit_code == 2 and needle in result.stderr, result.stderr
        assert dump(sql) == before
    assert run.json("stop", "--at", "yesterday 23:30")["minutes"] == 90


@pytest.mark.usefixtures("ready")
def test_a_forgotten_timer_is_shown_in_days_with_the_way_out(run, sql: Sql, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ROADMAP_NOW", "2026-11-17T09:00:00+00:00")
    run.ok("start", "linalg")
    monkeypatch.setenv("ROADMAP_NOW", NOW)
    before = dump(sql)
    result = run("stop")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "roadmap: error: the timer on linalg has been running for 3 days "
        "(since Tue 2026-11-17 09:00): longer than one session can be (24h)"
    )
    assert "roadmap stop --at TIME" in result.stderr and "roadmap cancel" in result.stderr
    again = run("start", "calculus")
    assert "(3 days)" in again.stderr and "roadmap stop --at TIME" in again.stderr
    status = " ".join(run.ok("status").stdout.split())
    assert "running for 3 days: forgotten? roadmap stop --at TIME" in status
    assert dump(sql) == before
    data = run.json("stop", "--at", "2026-11-17 11:30")
    assert data["minutes"] == 150


@pytest.mark.usefixtures("ready")
def test_switch_at_stops_the_running_timer_then_and_starts_the_next(run) -> None:  # type: ignore[no-untyped-def]
    run.ok("start", "linalg", "--at", "8:00")
    result = run.ok("start", "calculus", "--switch", "--at", "9:15")
    assert "stopped #1  2026-11-20 08:00  1h15m  linalg" in result.stdout
    assert run.json("stop")["minutes"] == 45


# --- where a session goes --------------------------------------------------------------------------


@pytest.mark.usefixtures("ready")
def test_sessions_without_a_time_fill_the_latest_free_time(run) -> None:  # type: ignore[no-untyped-def]
    assert run.json("log", "linalg", "1h")["started_at"] == "2026-11-20T09:00:00+00:00"
    assert run.json("log", "calculus", "30m")["started_at"] == "2026-11-20T08:30:00+00:00"
    yesterday = run.json("log", "linalg", "2h", "--on", "yesterday")
    assert yesterday["started_at"] == "2026-11-19T22:00:00+00:00"
    run.ok("log", "linalg", "1h", "--on", "yesterday 20:30")
    # 21:30-22:00 is too short for 45m: the next gap back ends at 20:30.
    assert run.json("log", "linalg", "45m", "--on", "yesterday")["started_at"] == (
        "2026-11-19T19:45:00+00:00"
    )


@pytest.mark.usefixtures("ready")
def test_a_timed_session_that_overlaps_is_refused_naming_the_other(run, sql: Sql) -> None:  # type: ignore[no-untyped-def]
    run.ok("log", "linalg", "1h", "--on", "yesterday 9am")
    before = dump(sql)
    result = run("log", "calculus", "1h", "--on", "yesterday 9:30")
    assert result.exit_code == 2
    assert result.stderr == (
        "roadmap: error: 2026-11-19 09:30–10:30 overlaps session #1 "
        "(2026-11-19 09:00–10:00, 1h on linalg)\n"
        "  hint: give another start with --on 'DAY HH:MM', leave the time out to place it in "
        "the day's free time, or change #1 with: roadmap edit 1\n"
    )
    assert dump(sql) == before
    run.ok("log", "calculus", "1h", "--on", "yesterday 10:00")  # touching is fine


@pytest.mark.usefixtures("ready")
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("2h", "--on", "9am"), "would end at 11:00, in the future"),
        (("11h",), "no free 11h on 2026-11-20 before now"),
    ],
)
def test_a_session_never_ends_in_the_future(
    run: Run, sql: Sql, args: tuple[str, ...], needle: str
) -> None:
    before = dump(sql)
    result = run("log", "linalg", *args)
    assert result.exit_code == 2 and needle in result.stderr, result.stderr
    assert_one_clear_error(result.stderr)
    assert dump(sql) == before


@pytest.mark.usefixtures("ready")
def test_no_day_holds_more_than_24_hours(run, sql: Sql) -> None:  # type: ignore[no-untyped-def]
    run.ok("log", "linalg", "20h", "--on", "yesterday")
    run.ok("log", "calculus", "4h", "--on", "yesterday")
    before = dump(sql)
    result = run("log", "cpp", "1m", "--on", "yesterday")
    assert result.exit_code == 2
    assert "2026-11-19 already holds 24h of sessions" in result.stderr
    assert dump(sql) == before


@pytest.mark.usefixtures("ready")
def test_the_same_log_twice_is_kept_but_flagged_as_a_repeat(run, sql: Sql) -> None:  # type: ignore[no-untyped-def]
    first = run.ok("log", "linalg", "1h", "--note", "ch 3")
    assert first.stderr == ""
    second = run.ok("log", "linalg", "1h", "--note", "ch 3")
    assert second.stdout.startswith("logged #2 ")
    assert second.stderr == (
        "this looks like a repeat of #1 (same skill, length, day and note); "
        "if it is, undo it with: roadmap undo (or roadmap delete 2)\n"
    )
    assert sql.one("SELECT count(*) FROM session") == 2
    assert run.ok("log", "linalg", "1h", "--note", "ch 4").stderr == ""


# --- overlaps already recorded (imported history) ------------------------------------------------


def insert_session(sql: Sql, skill: str, started_at: str, minutes: int) -> None:
    """A session as an import from another tracker may leave it (no placement rules)."""
    sql(
        "INSERT INTO session (skill_id, started_at, day, minutes, note, tags, links, source, "
        "source_key, created_at) VALUES (?, ?, ?, ?, '', '[]', '[]', 'watson', NULL, ?)",
        (skill, started_at, started_at[:10], minutes, started_at),
    )


@pytest.mark.usefixtures("ready")
def test_sessions_overlaps_lists_the_overlapping_pairs(run, sql: Sql) -> None:  # type: ignore[no-untyped-def]
    assert run.json("sessions", "--overlaps") == []
    assert run.ok("sessions", "--overlaps").stderr == "no sessions overlap\n"
    run.ok("log", "linalg", "1h", "--on", "yesterday 9am")  # #1 09:00-10:00
    insert_session(sql, "calculus", "2026-11-19T09:30:00Z", 60)  # #2 09:30-10:30
    insert_session(sql, "cpp", "2026-11-19T08:00:00Z", 180)  # #3 08:00-11:00
    run.ok("log", "linalg", "1h", "--on", "yesterday 11am")  # #4 touches #3: no overlap
    pairs = run.json("sessions", "--overlaps")
    assert [(p["first"]["id"], p["second"]["id"], p["shared_minutes"]) for p in pairs] == [
        (3, 1, 60),
        (3, 2, 60),
        (1, 2, 30),
    ]
    result = run.ok("sessions", "--overlaps")
    lines = result.stdout.splitlines()
    assert lines[0] == "#3  2026-11-19 08:00  3h  cpp"
    assert lines[1] == "  overlaps by 1h: #1  2026-11-19 09:00  1h  linalg"
    assert "3 overlapping pair(s)" in result.stderr


@pytest.mark.usefixtures("ready")
def test_doctor_reports_overlaps_and_future_sessions(run, sql: Sql) -> None:  # type: ignore[no-untyped-def]
    def times() -> tuple[str, str]:
        data = json.loads(run("doctor", "--json").stdout)
        found = [c for c in data["checks"] if c["check"] == "session times"]
        return found[0]["status"], found[0]["detail"]

    run.ok("log", "linalg", "1h", "--on", "yesterday 9am")
    assert times() == ("ok", "no overlapping sessions, none ending in the future")
    insert_session(sql, "calculus", "2026-11-19T09:30:00Z", 60)
    insert_session(sql, "cpp", "2026-11-20T09:30:00Z", 60)  # ends 10:30, after now
    status, detail = times()
    assert status == "warning"
    assert "1 overlapping pair(s) of sessions (#1 and #2)" in detail
    assert "roadmap sessions --overlaps" in detail
    assert "1 session(s) ending in the future (#3)" in detail
    assert run("doctor").exit_code == 0  # warnings, not problems


# --- import names skills as log does -------------------------------------------------------------


def frames(tmp_path: Path, *projects: str) -> Path:
    """A Watson frames file: one hour a day per project, from 2026-11-10 09:00 UTC."""
    base = 1794301200  # 2026-11-10T09:00:00Z
    path = tmp_path / "frames"
    path.write_text(
        json.dumps(
            [
                [base + i * 86400, base + i * 86400 + 3600, p, f"id{i}", [], base + i * 86400]
                for i, p in enumerate(projects)
            ],
            indent=1,
        ),
        encoding="utf-8",
    )
    return path


@pytest.mark.usefixtures("ready")
@pytest.mark.parametrize("name", ["linalg", "LINALG", "lin", "Linear algebra", "algebra"])
def test_import_resolves_a_project_as_log_does(run, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    logged = run.json("log", name, "1h", "--on", "2026-11-01")["skill"]
    result = run.json("import", str(frames(tmp_path, name)))
    assert result["imported"] == 1
    imported = [s for s in run.json("sessions", "--limit", "0") if s["source"] == "watson"]
    assert [s["skill"] for s in imported] == [logged] == ["linalg"]


@pytest.mark.usefixtures("ready")
def test_import_refuses_what_log_refuses(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("log", "c", "1h").exit_code == 2  # ambiguous for log ...
    result = run("import", str(frames(tmp_path, "c")))
    assert result.exit_code == 65  # ... unknown for import
    assert "unknown skills, nothing imported: c (1)" in result.stderr


@pytest.mark.usefixtures("ready")
def test_map_to_dash_drops_a_projects_frames(run, sql: Sql, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = frames(tmp_path, "linalg", "cooking", "cooking", "calculus")
    data = run.json("import", str(path), "--map", "Cooking=-")
    assert data["imported"] == 2 and data["dropped"] == {"cooking": 2}
    assert data["unknown"] == {}
    assert sorted(s["skill"] for s in run.json("sessions")) == ["calculus", "linalg"]
    text = run.ok("import", str(path), "--map", "cooking=-", "--dry-run")
    assert "; dropped 2 (--map NAME=-)" in text.stdout
    assert "dropped (--map NAME=-): cooking (2)" in text.stderr


@pytest.mark.usefixtures("ready")
def test_edit_on_places_the_session_as_log_does(run, sql: Sql) -> None:  # type: ignore[no-untyped-def]
    run.ok("log", "linalg", "1h", "--on", "yesterday 9am")  # #1
    run.ok("log", "calculus", "1h", "--on", "yesterday 11am")  # #2
    before = dump(sql)
    refused = run("edit", "2", "--on", "yesterday 9:30")
    assert refused.exit_code == 2 and "overlaps session #1" in refused.stderr
    assert dump(sql) == before
    # Its own old place does not count against it.
    assert run.json("edit", "2", "--on", "yesterday 11:30")["started_at"].startswith(
        "2026-11-19T11:30"
    )
    assert run.json("edit", "1", "--on", "yesterday")["started_at"].startswith("2026-11-19T23:00")


@pytest.mark.usefixtures("ready", "berlin")
def test_dst_a_skipped_local_time_is_refused_a_repeated_one_is_the_earlier(run, sql: Sql) -> None:  # type: ignore[no-untyped-def]
    run.ok("sessions")  # the first command in the new zone counts the days there (once)
    before = dump(sql)
    refused = run("log", "linalg", "30m", "--on", "2026-03-29 02:30")
    assert refused.exit_code == 2
    assert "does not exist: 02:30 on 2026-03-29 is skipped when the clocks go forward" in (
        refused.stderr
    )
    assert run("start", "linalg", "--at", "2026-03-29 02:15").exit_code == 2
    assert dump(sql) == before
    repeated = run.json("log", "linalg", "30m", "--on", "2026-10-25 02:30")
    assert repeated["started_at"] == "2026-10-25T02:30:00+02:00"  # the first 02:30 (CEST)
    # The 25-hour day: a session without a time ends at its real midnight.
    late = run.json("log", "calculus", "1h", "--on", "2026-10-25")
    assert late["started_at"] == "2026-10-25T23:00:00+01:00"


@pytest.mark.usefixtures("ready")
def test_a_timer_stopped_the_moment_it_started_records_a_minute(run) -> None:  # type: ignore[no-untyped-def]
    run.ok("start", "linalg")  # ROADMAP_NOW is fixed: start and stop happen at once
    assert run.json("stop")["minutes"] == 1
    run.ok("start", "linalg", "--at", "9:00")
    assert "cannot end at 2026-11-20 09:00" in run("stop", "--at", "9:00").stderr


# --- the timer and logged sessions never overlap --------------------------------------------


@pytest.mark.usefixtures("ready")
def test_a_session_logged_while_a_timer_runs_avoids_the_timers_time(run: Run, sql: Sql) -> None:
    run.ok("start", "linalg", "--at", "8:00")  # NOW is 2026-11-20 10:00 (UTC)
    logged = run.json("log", "calculus", "30m")  # placed before the timer began
    assert logged["started_at"] < "2026-11-20T08:00", logged
    refused = run("log", "calculus", "30m", "--on", "9:00")
    assert refused.exit_code == 2 and "the running timer" in refused.stderr
    assert "roadmap stop" in refused.stderr
    stopped = run.json("stop")
    assert stopped["started_at"].startswith("2026-11-20T08:00") and stopped["minutes"] == 120


@pytest.mark.usefixtures("ready")
def test_a_timer_never_starts_inside_or_ends_across_a_recorded_session(run: Run, sql: Sql) -> None:
    run.ok("log", "calculus", "1h", "--on", "today 7:00")
    refused = run("start", "linalg", "--at", "7:30")
    assert refused.exit_code == 1 and "would overlap session #1" in refused.stderr
    assert "--at 08:00" in refused.stderr
    assert sql("SELECT COUNT(*) FROM timer") == [(0,)]
    run.ok("start", "linalg", "--at", "6:00")
    before = dump(sql)
    refused = run("stop")  # 06:00-10:00 would cover #1
    assert refused.exit_code == 1 and "would overlap session #1" in refused.stderr
    assert "roadmap stop --at 07:00" in refused.stderr
    assert dump(sql) == before
    assert run.json("stop", "--at", "7:00")["minutes"] == 60


@pytest.mark.usefixtures("ready")
def test_stop_then_start_at_once_is_not_an_overlap(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A timer stopped after seconds records 1m (it ends a little after now); starting the
    next one right away is fine, the rounding is not two sessions at once."""
    monkeypatch.setenv("ROADMAP_NOW", "2026-11-20T10:00:00+00:00")
    run.ok("start", "linalg")
    monkeypatch.setenv("ROADMAP_NOW", "2026-11-20T10:00:20+00:00")
    assert run.json("stop")["minutes"] == 1
    monkeypatch.setenv("ROADMAP_NOW", "2026-11-20T10:00:30+00:00")
    run.ok("start", "calculus")
    monkeypatch.setenv("ROADMAP_NOW", "2026-11-20T10:20:00+00:00")
    assert run.json("stop")["minutes"] == 20
