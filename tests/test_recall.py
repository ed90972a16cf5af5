"""The review schedule (issue 20): FSRS replay in ``roadmap.recall`` checked against the
``fsrs`` package's own scheduler, and ``roadmap review`` through the real CLI on both
backends (recording a review, rusty levels, undo, errors, study counting as practice)."""

from __future__ import annotations

import bisect
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap import recall
from tests.conftest import Run, Sql

UTC = timezone.utc
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def reference_scheduler() -> fsrs.Scheduler:
    return fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def direct(reviews: list[tuple[datetime, str]]) -> fsrs.Card:
    """The card after ``reviews`` through fsrs itself, with nothing of ours in between."""
    sched = reference_scheduler()
    card = fsrs.Card(card_id=7, due=reviews[0][0])
    for at, rating in reviews:
        card, _ = sched.review_card(card, fsrs.Rating(recall.RATINGS.index(rating) + 1), at)
    return card


def no_sessions(_: datetime) -> datetime | None:
    return None


def sessions_from(starts: list[datetime]) -> Any:
    ordered = sorted(starts)

    def first(since: datetime) -> datetime | None:
        i = bisect.bisect_left(ordered, since)
        return ordered[i] if i < len(ordered) else None

    return first


ratings = st.sampled_from(recall.RATINGS)
gaps = st.integers(min_value=1, max_value=120 * 24 * 60)  # minutes between two reviews


# --- the replay, against fsrs ------------------------------------------------------------


def test_a_known_history_gives_fsrs_own_intervals() -> None:
    history = [
        (T0, "good"),
        (T0 + timedelta(days=3), "hard"),
        (T0 + timedelta(days=10), "good"),
        (T0 + timedelta(days=40), "again"),
        (T0 + timedelta(days=42), "easy"),
    ]
    events = recall.events(T0, [], [(at, r) for at, r in history[1:]])
    now = T0 + timedelta(days=60)
    got = recall.replay(events, no_sessions, now)
    want = direct(history)
    assert got.due == want.due and got.stability == want.stability
    assert got.difficulty == want.difficulty
    assert want.last_review is not None
    assert got.interval_days == (want.due - want.last_review).days
    assert got.retrievability == reference_scheduler().get_card_retrievability(want, now)
    assert got.reviews == 5 and got.state == "review"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(gaps, ratings), min_size=0, max_size=25))
def test_explicit_reviews_replay_exactly_as_fsrs(steps: list[tuple[int, str]]) -> None:
    at, history = T0, [(T0, "good")]
    for minutes, rating in steps:
        at += timedelta(minutes=minutes)
        history.append((at, rating))
    events = recall.events(T0, [], history[1:])
    got = recall.replay(events, no_sessions, at + timedelta(days=1))
    want = direct(history)
    assert (got.due, got.stability, got.difficulty) == (want.due, want.stability, want.difficulty)


def naive(events: list[recall.Event], sessions: list[datetime], now: datetime) -> fsrs.Card:
    """The rule walked session by session: a session is a good review when its local day is
    on or after the day the card is due, unless an explicit review or level-up falls on that
    day."""
    sched = reference_scheduler()
    explicit_days = {e.at.astimezone().date() for e in events}
    items = sorted(
        [(e.at, 0, e.rating) for e in events if e.at <= now]
        + [(s, 1, "good") for s in sessions if s <= now]
    )
    card = fsrs.Card(card_id=7, due=items[0][0])
    for at, kind, rating in items:
        if kind == 1:
            day = at.astimezone().date()
            if day < card.due.astimezone().date() or day in explicit_days:
                continue
        card, _ = sched.review_card(card, fsrs.Rating(recall.RATINGS.index(rating) + 1), at)
    return card


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(gaps, ratings), max_size=8),
    st.lists(st.integers(min_value=1, max_value=400 * 24 * 60), max_size=60),
    st.integers(min_value=0, max_value=400),
)
def test_sessions_count_only_from_the_due_day(
    steps: list[tuple[int, str]], session_minutes: list[int], horizon: int
) -> None:
    at, reviews = T0, []
    for minutes, rating in steps:
        at += timedelta(minutes=minutes * 4)
        reviews.append((at, rating))
    sessions = sorted({T0 + timedelta(minutes=m) for m in session_minutes})
    now = T0 + timedelta(days=horizon)
    events = recall.events(T0, [], reviews)
    applied: list[recall.Event] = []
    got = recall.replay(events, sessions_from(sessions), now, applied)
    want = naive(events, sessions, now)
    assert (got.due, got.stability, got.difficulty) == (want.due, want.stability, want.difficulty)
    # a session before the due day never moves the schedule: at most one per due crossing
    studied = [e.at for e in applied if e.source == "study"]
    assert len(studied) == len(set(studied)) <= len(sessions)


def test_daily_study_does_not_inflate_the_stability() -> None:
    events = recall.events(T0, [], [])
    daily = [T0 + timedelta(days=d, hours=2) for d in range(1, 365)]
    applied: list[recall.Event] = []
    year = recall.replay(events, sessions_from(daily), T0 + timedelta(days=365), applied)
    # a review only when due: a handful over a year, with intervals growing
    assert 3 <= year.reviews <= 12
    assert year.stability is not None and year.stability > 100
    assert year.retrievability is not None and year.retrievability > 0.9


def test_card_start_is_the_latest_rise_from_level_zero() -> None:
    day = timedelta(days=1)
    assert recall.card_start([]) is None
    assert recall.card_start([(T0, 0, 1), (T0 + day, 1, 2)]) == T0
    assert recall.card_start([(T0, 0, 1), (T0 + day, 1, 0)]) is None
    assert recall.card_start([(T0, 0, 2), (T0 + day, 2, 0), (T0 + 2 * day, 0, 1)]) == T0 + 2 * day
    events = recall.events(
        T0, [(T0, 0, 1), (T0 + day, 1, 2), (T0 + 2 * day, 2, 1)], [(T0 - day, "easy")]
    )
    # the start, then the level-up as a good review; the level going down is no review, and
    # a review before the start belongs to an earlier card
    assert [(e.at, e.rating, e.source) for e in events] == [
        (T0, "good", "start"),
        (T0 + day, "good", "level"),
    ]
    assert recall.replay([], no_sessions, T0) == recall.NEW


# --- through the CLI, on both backends ----------------------------------------------------

backend = pytest.mark.usefixtures("backend")


def at(monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    monkeypatch.setenv("ROADMAP_NOW", when)


@backend
def test_review_lists_what_is_due_with_fsrs_intervals(
    run: Run, small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, "2026-11-01T09:00:00+00:00")
    run.ok("check", "linalg", "1.1")  # level 0 -> 1: the card starts
    assert run.json("review") == []
    row = run.json("review", "linalg")[0]
    assert (row["due"], row["state"], row["reviews"], row["rusty"]) == (
        "2026-11-03",
        "review",
        1,
        False,
    )
    at(monkeypatch, "2026-11-04T09:00:00+00:00")
    rows = run.json("review")
    assert [(r["skill"], r["overdue_days"], r["interval_days"]) for r in rows] == [("linalg", 1, 2)]
    assert rows[0]["last_activity"] == "2026-11-01" and rows[0]["last_practised"] is None
    assert rows[0]["reasons"] == [
        f"due for review since 2026-11-03 (recall about {round(rows[0]['retrievability'] * 100)}%)"
    ]
    assert "Linear algebra" in run.ok("review").stdout
    done = run.json("review", "linalg", "--recall", "hard", "--note", "slow on pivoting")
    assert done["review"]["recall"] == "hard" and done["session"] is None
    at(monkeypatch, "2026-11-20T09:00:00+00:00")
    run.ok("review", "linalg", "--recall", "GOOD")
    at(monkeypatch, "2026-12-20T09:00:00+00:00")
    got = run.json("review", "linalg")[0]
    want = direct(
        [
            (datetime(2026, 11, 1, 9, tzinfo=UTC), "good"),
            (datetime(2026, 11, 4, 9, tzinfo=UTC), "hard"),
            (datetime(2026, 11, 20, 9, tzinfo=UTC), "good"),
        ]
    )
    assert want.stability is not None and want.difficulty is not None
    assert got["due"] == want.due.astimezone().date().isoformat()
    assert want.last_review is not None
    assert got["interval_days"] == (want.due - want.last_review).days
    assert got["stability"] == round(want.stability, 2)
    assert got["difficulty"] == round(want.difficulty, 2)
    now = datetime(2026, 12, 20, 9, tzinfo=UTC)
    assert got["retrievability"] == round(
        reference_scheduler().get_card_retrievability(want, now), 3
    )
    last = got["last_review"]
    assert (last["recall"], last["note"]) == ("good", "")
    assert datetime.fromisoformat(last["at"]) == datetime(2026, 11, 20, 9, tzinfo=UTC)


@backend
def test_again_makes_the_level_rusty_everywhere_and_undo_reverts_it(
    run: Run, small: Path, sql: Sql, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, "2026-11-01T09:00:00+00:00")
    run.ok("check", "linalg", "1.1")
    at(monkeypatch, "2026-11-05T18:00:00+00:00")
    before = sql.dump()
    out = run.ok("review", "linalg", "--recall", "again", "--minutes", "45m", "--note", "LU?")
    assert "reviewed linalg at level 1: again" in out.stdout
    assert "rusty" in out.stderr and "milestones" in out.stderr
    assert sql("SELECT skill_id, rating, level, note FROM review") == [
        ("linalg", "again", 1, "LU?")
    ]
    (session,) = run.json("sessions")
    assert (session["skill"], session["minutes"], session["tags"]) == ("linalg", 45, ["review"])
    # it ends by now, as log places a session of today
    assert datetime.fromisoformat(session["started_at"]) == datetime(
        2026, 11, 5, 17, 15, tzinfo=UTC
    )
    # rusty: in review, show, tree and status (text and JSON); the level stays
    assert run.json("review")[0]["rusty"] is True
    shown = run.json("show", "linalg")
    assert (shown["level"], shown["rusty"]) == (1, True)
    assert "rusty" in run.ok("show", "linalg").stdout
    tree = run.json("tree")
    flat = {s["id"]: s for p in tree["pillars"] for s in p["skills"]}
    assert flat["linalg"]["rusty"] is True and flat["calculus"]["rusty"] is False
    assert "rusty" in run.ok("tree").stdout
    status = run.json("status")
    assert [(r["skill"], r["level"]) for r in status["rusty"]] == [("linalg", 1)]
    assert "Rusty      linalg (level 1)" in run.ok("status").stdout
    assert any("rusty at level 1" in r for n in run.json("next") for r in n["reasons"])
    # the time counts as study time
    assert status["pillars"][0]["minutes_total"] == 45
    # undo: the review and its session go, together
    assert "undone: review linalg at level 1: again" in run.ok("undo").stdout
    after = sql.dump()
    assert after.pop("journal") != before.pop("journal")  # the entry stays, marked undone
    assert after == before
    assert run.json("show", "linalg")["rusty"] is False
    assert run.json("status")["rusty"] == []
    # a later good review, or a level change, clears it
    run.ok("review", "linalg", "--recall", "again")
    assert run.json("show", "linalg")["rusty"] is True
    at(monkeypatch, "2026-11-06T09:00:00+00:00")
    run.ok("review", "linalg", "--recall", "good")
    assert run.json("show", "linalg")["rusty"] is False
    run.ok("review", "linalg", "--recall", "again")
    at(monkeypatch, "2026-11-07T09:00:00+00:00")
    run.ok("assess", "linalg", "2")
    assert run.json("show", "linalg")["rusty"] is False


@backend
def test_review_refusals_write_nothing(
    run: Run, small: Path, sql: Sql, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, "2026-11-01T09:00:00+00:00")
    run.ok("check", "linalg", "1.1")
    before = sql.dump()
    unknown = run("review", "no-such-skill", "--recall", "good")
    assert unknown.exit_code == 2 and "no-such-skill" in unknown.stderr
    zero = run("review", "calculus", "--recall", "good", "--minutes", "30m")
    assert zero.exit_code == 1
    assert "level 0" in zero.stderr and "roadmap assess calculus 1" in zero.stderr
    zero_view = run("review", "calculus")
    assert zero_view.exit_code == 1 and "level 0" in zero_view.stderr
    bad = run("review", "linalg", "--recall", "meh")
    assert bad.exit_code == 2 and "again, hard, good or easy" in bad.stderr
    assert run("review", "linalg", "--minutes", "30m").exit_code == 2  # without --recall
    assert run("review", "--recall", "good").exit_code == 2  # which skill?
    assert run("review", "linalg", "--recall", "good", "--minutes", "25h").exit_code == 2
    assert sql.dump() == before


@backend
def test_study_counts_as_practice_from_the_due_day(
    run: Run, small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, "2026-11-01T09:00:00+00:00")
    run.ok("check", "linalg", "1.1")  # due 2026-11-03
    at(monkeypatch, "2026-11-10T09:00:00+00:00")
    run.ok("log", "linalg", "30m", "--on", "2026-11-02T10:00Z")  # before due: no review
    assert run.json("review", "linalg")[0]["reviews"] == 1
    run.ok("log", "linalg", "30m", "--on", "2026-11-03T10:00Z")  # on the due day: good
    row = run.json("review", "linalg")[0]
    assert row["reviews"] == 2
    want = direct(
        [
            (datetime(2026, 11, 1, 9, tzinfo=UTC), "good"),
            (datetime(2026, 11, 3, 10, tzinfo=UTC), "good"),
        ]
    )
    assert row["due"] == want.due.astimezone().date().isoformat()
    assert row["last_practised"] == "2026-11-03"


@backend
def test_next_and_plan_use_the_schedule(
    run: Run, small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, "2026-11-01T09:00:00+00:00")
    run.ok("check", "linalg", "1.1")
    before = {r["skill"]: r["score"] for r in run.json("next", "--limit", "9")}
    at(monkeypatch, "2026-11-20T09:00:00+00:00")
    after = run.json("next", "--limit", "9")
    linalg = next(r for r in after if r["skill"] == "linalg")
    assert linalg["score"] == round(before["linalg"] * 1.5, 3)  # due for review
    assert linalg["reasons"][-1].startswith("due for review since 2026-11-03 (recall about")
    plan = run.json("plan", "--hours", "2")
    reasons = [r for b in plan["blocks"] if b["skill"] == "linalg" for r in b["reasons"]]
    assert any(r.startswith("due for review since 2026-11-03") for r in reasons)


def test_reviews_travel_in_the_json_export_and_undo_of_the_import_removes_them(
    run: Run, small: Path, sql: Sql, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, "2026-11-01T09:00:00+00:00")
    run.ok("check", "linalg", "1.1")
    at(monkeypatch, "2026-11-05T09:00:00+00:00")
    run.ok("review", "linalg", "--recall", "again", "--note", "pivots")
    doc = run.ok("export", "--format", "json").stdout
    assert '"recall": "again"' in doc
    path = tmp_path / "export.json"
    path.write_text(doc)
    monkeypatch.setenv("ROADMAP_HOME", str(tmp_path / "fresh"))
    run.ok("tree")
    assert run.json("import", str(path))["state_items"] >= 3
    fresh = Sql(tmp_path / "fresh")
    assert fresh("SELECT skill_id, rating, level, note, reviewed_at FROM review") == [
        ("linalg", "again", 1, "pivots", "2026-11-05T09:00:00Z")
    ]
    assert run.json("show", "linalg")["rusty"] is True
    assert run.json("import", str(path))["state_items"] == 0  # nothing twice
    run.ok("undo")  # the second import (nothing)
    run.ok("undo")  # the first
    assert fresh("SELECT COUNT(*) FROM review") == [(0,)]


@backend
def test_a_starting_level_from_calibrate_starts_as_easy_one_reached_here_as_good(
    run: Run, small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Years of practice are not a level just learned: a calibrated level's first review
    comes when fsrs schedules an ``easy`` first rating (about two weeks), an assessed one
    when it schedules ``good`` (about two days)."""
    at(monkeypatch, "2026-11-01T09:00:00+00:00")
    run.ok("calibrate", "linalg=2")
    run.ok("assess", "calculus", "2")
    rows = {r["skill"]: r for r in (run.json("review", s)[0] for s in ("linalg", "calculus"))}
    for skill, rating in (("linalg", "easy"), ("calculus", "good")):
        want = direct([(T0, rating)])
        assert want.stability is not None
        assert rows[skill]["due"] == want.due.astimezone().date().isoformat(), skill
        assert rows[skill]["stability"] == round(want.stability, 2), skill
    assert rows["linalg"]["due"] > rows["calculus"]["due"]
