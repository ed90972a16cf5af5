"""What ``log``, ``start`` and ``stop`` do, without typer.

These are the commands typed many times a day, so they run without loading typer when
their arguments are plain (:mod:`roadmap.cli.fast`): typer's import alone is ~35 ms, more
than the rest of the command. The typer commands in :mod:`roadmap.cli.track` call the same
functions, so both ways share every rule, message and exit code.

Output goes to stdout (results) and stderr (messages); errors are raised as
:class:`roadmap.errors.RoadmapError` and reported by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from roadmap.cli.output import echo, info, is_interactive, print_json
from roadmap.context import App
from roadmap.errors import Declined

FORGOTTEN_HINT = (
    "end it when you stopped with roadmap stop --at TIME (e.g. --at 'yesterday 18:00'), "
    "or drop it with roadmap cancel"
)


def session_line(session: Mapping[str, Any]) -> str:
    """``#42  2026-11-20 09:30  1h30m  cuda-programming  note``, terminal-safe."""
    from roadmap.safetext import visible
    from roadmap.timeparse import format_duration

    when = session["started_at"][:16].replace("T", " ")
    text = f"#{session['id']}  {when}  {format_duration(session['minutes'])}  {session['skill']}"
    if session["note"]:
        text += f"  {session['note']}"
    return visible(text)


def show_session(app: App, session_id: int, verb: str, as_json: bool) -> None:
    from roadmap.store import queries

    row = queries.session_by_id(app.conn(), session_id)
    assert row is not None
    if as_json:
        print_json(row)
    else:
        echo(f"{verb} {session_line(row)}")


def timer_end_ok(app: App, end: datetime, yes: bool, explicit: bool = False) -> bool:
    """May the running timer be recorded as ending at ``end``? An ``explicit`` end (--at)
    must be after its start. More than 24 hours is refused; more than 12 is probably a
    forgotten timer: ``--yes`` records it, a terminal asks (no: exit 1, the timer keeps
    running), anything else is refused with the hint to ``stop --at`` or ``cancel``."""
    from roadmap import track
    from roadmap.clock import from_stored
    from roadmap.errors import StateError, UsageError
    from roadmap.store import queries
    from roadmap.timeparse import format_elapsed

    running = queries.timer(app.conn())
    if running is None:
        return yes
    since = from_stored(running.started_at)
    if explicit and end <= since:
        raise UsageError(
            f"the timer on {running.skill} started at {since:%Y-%m-%d %H:%M}: "
            f"it cannot end at {end:%Y-%m-%d %H:%M}",
            hint="give a later --at, or drop the timer with roadmap cancel",
        )
    minutes = round((end - since).total_seconds() / 60)
    ran = f"the timer on {running.skill} has been running for {format_elapsed(minutes)} "
    ran += f"(since {since:%a %Y-%m-%d %H:%M})"
    if minutes > track.MAX_MINUTES:
        raise StateError(f"{ran}: longer than one session can be (24h)", hint=FORGOTTEN_HINT)
    if yes or minutes <= track.FORGOTTEN_HOURS * 60:
        return yes
    if not is_interactive():
        raise StateError(
            f"{ran}: probably forgotten", hint=f"{FORGOTTEN_HINT}; or record it all with --yes"
        )
    from roadmap.cli.common import confirm  # a terminal is asking: typer's prompt is fine

    if confirm(f"{ran}, probably forgotten: record it?", yes=False):
        return True
    info(f"not recorded; the timer is still running ({FORGOTTEN_HINT})")
    raise Declined(1)


def _already_running(app: App, wanted: str, now: datetime) -> None:
    """Refuse to start a second timer, saying for how long the first has been running."""
    from roadmap import track
    from roadmap.clock import from_stored
    from roadmap.errors import StateError
    from roadmap.store import queries
    from roadmap.timeparse import format_elapsed

    running = queries.timer(app.conn())
    if running is None:
        return
    since = from_stored(running.started_at)
    minutes = max(0, round((now - since).total_seconds() / 60))
    hint = (
        "roadmap stop to record it, roadmap cancel to drop it, "
        f"or roadmap start {wanted} --switch to record it and start this one"
    )
    if minutes > track.FORGOTTEN_HOURS * 60:
        hint = f"it was probably forgotten: {FORGOTTEN_HINT}"
    raise StateError(
        f"a timer is already running on '{running.skill}' since {since:%Y-%m-%d %H:%M} "
        f"({format_elapsed(minutes)})",
        hint=hint,
    )


def log(
    app: App,
    skill: str,
    duration: str,
    on: str = "today",
    note: str | None = None,
    tag: list[str] | None = None,
    link: list[str] | None = None,
    as_json: bool = False,
) -> None:
    """``roadmap log``: record a session, placed in free time, and print it with its id."""
    from roadmap import overlaps, resolve, track
    from roadmap.clock import local_day
    from roadmap.timeparse import local_now, parse_duration, parse_when

    minutes = parse_duration(duration)
    now = local_now()
    when = parse_when(on, now)
    track.check_note(note)
    tags = track.check_tags(tag)
    links = track.check_links(link)
    ref = resolve.skill(app.conn(), skill)
    with app.write() as conn:  # placed inside the write: no other session can slip in between
        started = overlaps.place(conn, when, minutes, now)
        repeat = overlaps.repeat_of(conn, ref.id, minutes, local_day(started), note or "", tags)
        row = track.new_session(ref.id, started, minutes, note or "", tags, links)
        session_id = track.log(conn, row)["id"]
    show_session(app, session_id, "logged", as_json)
    if repeat is not None:
        info(
            f"this looks like a repeat of #{repeat} (same skill, length, day and note); "
            f"if it is, undo it with: roadmap undo (or roadmap delete {session_id})"
        )


def start(
    app: App,
    skill: str,
    note: str | None = None,
    switch: bool = False,
    yes: bool = False,
    at: str | None = None,
) -> None:
    """``roadmap start``: a live timer on a skill (``switch``: record the running one)."""
    from roadmap import resolve, track
    from roadmap.timeparse import local_now, parse_at

    track.check_note(note)
    ref = resolve.skill(app.conn(), skill)
    now = local_now() if at is None else parse_at(at, local_now())
    if switch:
        confirmed = timer_end_ok(app, now, yes, explicit=at is not None)
    else:
        confirmed = False
        _already_running(app, ref.id, local_now())
    stopped = None
    with app.write() as conn:
        if switch:
            stopped, _ = track.switch(conn, ref.id, note or "", now, confirmed)
        else:
            track.start(conn, ref.id, note or "", now)
    if stopped is not None:
        show_session(app, stopped["id"], "stopped", False)
    when = f"{now:%H:%M}" if now.date() == local_now().date() else f"{now:%Y-%m-%d %H:%M}"
    echo(f"started timer on {ref.id} at {when}; stop it with: roadmap stop")


def stop(
    app: App,
    note: str | None = None,
    yes: bool = False,
    at: str | None = None,
    as_json: bool = False,
) -> None:
    """``roadmap stop``: record the running timer as a session and print it."""
    from roadmap import track
    from roadmap.store import queries
    from roadmap.timeparse import local_now, parse_at

    track.check_note(note)
    if queries.timer(app.conn()) is None:
        raise track.no_timer()
    now = local_now() if at is None else parse_at(at, local_now())
    confirmed = timer_end_ok(app, now, yes, explicit=at is not None)
    with app.write() as conn:
        session_id = track.stop(conn, now, note, confirmed)["id"]
    show_session(app, session_id, "stopped", as_json)
