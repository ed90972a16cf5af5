"""Commands that record study time: log, start, stop, cancel, sessions, edit, delete, undo."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from roadmap.cli import complete
from roadmap.cli.common import (
    JsonOpt,
    app_of,
    confirm,
    display,
    info,
    is_interactive,
    print_json,
)

PANEL = "Track"

NoteOpt = Annotated[str | None, typer.Option("--note", "-n", help="A note (free text).")]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", help="A tag (repeat for several).", show_default=False)
]
LinkOpt = Annotated[
    list[str] | None, typer.Option("--link", help="A URL (repeat for several).", show_default=False)
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
IdArg = Annotated[
    str, typer.Argument(metavar="ID", help="Session id, as shown by roadmap sessions.")
]


def _session_id(text: str) -> int:
    """A session id as typed: ``42`` or ``#42``."""
    from roadmap.errors import UsageError

    digits = text.strip().removeprefix("#")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
        shown = "".join(ch if ch.isprintable() else "?" for ch in text[:40])
        raise UsageError(f"invalid session id '{shown}': give the number shown by roadmap sessions")
    return int(digits)


def _forgotten_ok(ctx: typer.Context, now: Any, yes: bool) -> bool:
    """May a timer that ran more than 12 hours be recorded? ``--yes`` says so; on a terminal
    the user is asked (no: exit 1, the timer keeps running); off a terminal, False, and
    ``track.stop`` refuses with a message naming ``--yes``."""
    from roadmap import queries, track
    from roadmap.clock import from_stored
    from roadmap.timeparse import format_duration

    running = queries.timer(app_of(ctx).conn())
    if yes or running is None:
        return yes
    minutes = round((now - from_stored(running.started_at)).total_seconds() / 60)
    if not track.FORGOTTEN_HOURS * 60 < minutes <= track.MAX_MINUTES or not is_interactive():
        return False
    since = from_stored(running.started_at)
    if confirm(
        f"the timer on {running.skill} has run for {format_duration(minutes)} "
        f"(since {since:%Y-%m-%d %H:%M}), probably forgotten: record it?",
        yes=False,
    ):
        return True
    info("not recorded; the timer is still running (roadmap cancel drops it)")
    raise typer.Exit(1)


def _line(session: dict[str, Any]) -> str:
    from roadmap.render import clean
    from roadmap.timeparse import format_duration

    when = session["started_at"][:16].replace("T", " ")
    text = f"#{session['id']}  {when}  {format_duration(session['minutes'])}  {session['skill']}"
    if session["note"]:
        text += f"  {session['note']}"
    return clean(text)


def _show(ctx: typer.Context, session_id: int, verb: str, as_json: bool) -> None:
    from roadmap import queries

    row = queries.session_by_id(app_of(ctx).conn(), session_id)
    assert row is not None
    if as_json:
        print_json(row)
    else:
        typer.echo(f"{verb} {_line(row)}")


def log(
    ctx: typer.Context,
    skill: Annotated[
        str, typer.Argument(help="Skill id, id prefix or name.", autocompletion=complete.skills)
    ],
    duration: Annotated[str, typer.Argument(help="45m, 90, 1h, 1h30m, 1.5h, '2h 15m'.")],
    on: Annotated[
        str, typer.Option("--on", help="today, yesterday, -3d, 2026-11-20 or a date-time.")
    ] = "today",
    note: NoteOpt = None,
    tag: TagOpt = None,
    link: LinkOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a study session and print it with its id.

    Example: roadmap log cuda 1h30m --on yesterday --note "tiled GEMM" --tag gemm
    """
    from roadmap import resolve, track
    from roadmap.timeparse import local_now, parse_duration, parse_when

    minutes = parse_duration(duration)
    now = local_now()
    when = parse_when(on, now)
    tags = track.check_tags(tag)
    links = track.check_links(link)
    app = app_of(ctx)
    ref = resolve.skill(app.conn(), skill)
    started = track.started_for(when, minutes, now)
    row = track.new_session(ref.id, started, minutes, note or "", tags, links)
    with app.write() as session:
        track.log(session, row, ref.name)
        session_id = row.id
    assert session_id is not None
    _show(ctx, session_id, "logged", as_json)


def start(
    ctx: typer.Context,
    skill: Annotated[
        str, typer.Argument(help="Skill id, id prefix or name.", autocompletion=complete.skills)
    ],
    note: NoteOpt = None,
    switch: Annotated[
        bool, typer.Option("--switch", help="Stop the running timer first (records it).")
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", "-y", help="With --switch: record a timer older than 12 hours without asking."
        ),
    ] = False,
) -> None:
    """Start a live timer on a skill (it survives closed terminals and reboots).

    Only one timer runs at a time: --switch stops (records) the running one first.

    Example: roadmap start triton --note "fused softmax"
    """
    from roadmap import resolve, track
    from roadmap.timeparse import local_now

    app = app_of(ctx)
    ref = resolve.skill(app.conn(), skill)
    now = local_now()
    confirmed = _forgotten_ok(ctx, now, yes) if switch else False
    stopped = None
    with app.write() as session:
        if switch:
            stopped, _ = track.switch(session, ref.id, note or "", now, confirmed)
        else:
            track.start(session, ref.id, note or "", now)
    if stopped is not None:
        _show(ctx, stopped.id or 0, "stopped", False)
    typer.echo(f"started timer on {ref.id} at {now:%H:%M}; stop it with: roadmap stop")


def stop(
    ctx: typer.Context,
    note: NoteOpt = None,
    yes: YesOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Stop the timer and record the session; prints its length.

    A timer that ran more than 12 hours asks first (probably forgotten).

    Example: roadmap stop --note "finished chapter 3"
    """
    from roadmap import queries, track
    from roadmap.timeparse import local_now

    app = app_of(ctx)
    if queries.timer(app.conn()) is None:
        raise track.no_timer()
    now = local_now()
    confirmed = _forgotten_ok(ctx, now, yes)
    with app.write() as session:
        row = track.stop(session, now, note, confirmed)
        session_id = row.id
    assert session_id is not None
    _show(ctx, session_id, "stopped", as_json)


def cancel(ctx: typer.Context) -> None:
    """Drop the running timer without recording anything (undo brings it back).

    Example: roadmap cancel
    """
    from roadmap import track

    app = app_of(ctx)
    app.conn()
    with app.write() as session:
        timer = track.cancel(session)
    typer.echo(f"cancelled the timer on {timer.skill_id}")


def sessions(
    ctx: typer.Context,
    skill: Annotated[
        str | None, typer.Option("--skill", "-s", help="Only this skill (and its children).")
    ] = None,
    pillar: Annotated[str | None, typer.Option("--pillar", "-p", help="Only this pillar.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this day (inclusive).")] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Up to this day (inclusive).")
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only sessions with this tag.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-l", help="At most N (0: all).", min=0)] = 20,
    as_json: JsonOpt = False,
) -> None:
    """List study sessions, newest first (archived skills' sessions are marked).

    Example: roadmap sessions --pillar hardware --since -30d
    """
    from roadmap import queries, render, resolve
    from roadmap.timeparse import parse_date

    conn = app_of(ctx).conn()
    flt = queries.SessionFilter(limit=limit or None, tag=tag)
    if pillar is not None:
        flt.pillar = resolve.pillar(conn, pillar)
    if skill is not None:
        flt.skills = queries.descendants(conn, resolve.skill(conn, skill, allow_archived=True).id)
    if since is not None:
        flt.since = parse_date(since).isoformat()
    if until is not None:
        flt.until = parse_date(until).isoformat()
    rows = queries.sessions(conn, flt)
    if as_json:
        print_json(rows)
        return
    if not rows:
        info("no sessions match; log one with: roadmap log SKILL 1h")
        return
    display(ctx, render.sessions_table(rows), page=True)


def edit(
    ctx: typer.Context,
    session_arg: IdArg,
    duration: Annotated[str | None, typer.Option("--duration", "-d", help="New length.")] = None,
    on: Annotated[str | None, typer.Option("--on", help="New day or date-time.")] = None,
    note: NoteOpt = None,
    skill: Annotated[str | None, typer.Option("--skill", "-s", help="Move to this skill.")] = None,
    tag: TagOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a recorded session (undo reverts it).

    Example: roadmap edit 42 --duration 2h --note "with exercises"
    """
    from roadmap import queries, resolve, track
    from roadmap.errors import UsageError
    from roadmap.timeparse import local_now, parse_duration, parse_when

    session_id = _session_id(session_arg)
    app = app_of(ctx)
    conn = app.conn()
    current = queries.session_by_id(conn, session_id)
    if current is None:
        raise UsageError(f"no session #{session_id}", hint="see ids with: roadmap sessions")
    changes = track.Changes(note=note, tags=track.check_tags(tag))
    if duration is not None:
        changes.minutes = parse_duration(duration)
    if on is not None:
        now = local_now()
        when = parse_when(on, now)
        minutes = changes.minutes or int(current["minutes"])
        changes.started = track.started_for(when, minutes, now)
    if skill is not None:
        changes.skill_id = resolve.skill(conn, skill).id
    if changes == track.Changes():
        raise UsageError("nothing to change: give --duration, --on, --note, --skill or --tag")
    with app.write() as session:
        track.edit(session, session_id, changes)
    _show(ctx, session_id, "edited", as_json)


def delete(
    ctx: typer.Context,
    session_arg: IdArg,
    yes: YesOpt = False,
) -> None:
    """Delete a session (asks on a terminal; undo brings it back).

    Without a terminal (a script, a pipe) it refuses unless given --yes.

    Example: roadmap delete 42 --yes
    """
    import sys

    from roadmap import queries, track
    from roadmap.errors import UsageError

    session_id = _session_id(session_arg)
    app = app_of(ctx)
    current = queries.session_by_id(app.conn(), session_id)
    if current is None:
        raise UsageError(f"no session #{session_id}", hint="see ids with: roadmap sessions")
    if not yes and not sys.stdin.isatty():
        raise UsageError(
            f"not deleting session #{session_id} without confirmation: input is not a terminal",
            hint=f"pass --yes to delete it: roadmap delete {session_id} --yes",
        )
    if not confirm(f"delete {_line(current)}?", yes=yes):
        info("kept")
        raise typer.Exit(1)
    with app.write() as session:
        track.delete(session, session_id)
    typer.echo(f"deleted {_line(current)} (roadmap undo brings it back)")


def undo(ctx: typer.Context) -> None:
    """Revert the most recent change (log, stop, edit, delete, check, assess, ...).

    Repeated undo walks further back.

    Example: roadmap undo
    """
    from roadmap import journal

    app = app_of(ctx)
    app.conn()
    with app.write() as session:
        summary = journal.undo(session)
    typer.echo(f"undone: {summary}")


def register(app: typer.Typer) -> None:
    for command in (log, start, stop, cancel, sessions, edit, delete, undo):
        app.command(rich_help_panel=PANEL)(command)
