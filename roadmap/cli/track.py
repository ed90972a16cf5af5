"""Commands that record study time: log, start, stop, cancel, sessions, edit, delete, undo."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from roadmap.cli.common import JsonOpt, app_of, confirm, console, info, is_interactive, print_json

PANEL = "Track"

NoteOpt = Annotated[str | None, typer.Option("--note", "-n", help="A note (free text).")]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", help="A tag (repeat for several).", show_default=False)
]
LinkOpt = Annotated[
    list[str] | None, typer.Option("--link", help="A URL (repeat for several).", show_default=False)
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


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
    skill: Annotated[str, typer.Argument(help="Skill id, id prefix or name.")],
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
    app = app_of(ctx)
    ref = resolve.skill(app.conn(), skill)
    started = track.started_for(when, minutes, now)
    row = track.new_session(ref.id, started, minutes, note or "", tag, link)
    with app.write() as session:
        track.log(session, row, ref.name)
        session_id = row.id
    assert session_id is not None
    _show(ctx, session_id, "logged", as_json)


def start(
    ctx: typer.Context,
    skill: Annotated[str, typer.Argument(help="Skill id, id prefix or name.")],
    note: NoteOpt = None,
    switch: Annotated[
        bool, typer.Option("--switch", help="Stop the running timer first (records it).")
    ] = False,
) -> None:
    """Start a live timer on a skill (it survives closed terminals and reboots).

    Example: roadmap start triton --note "fused softmax"
    """
    from roadmap import resolve, track
    from roadmap.timeparse import local_now

    app = app_of(ctx)
    ref = resolve.skill(app.conn(), skill)
    now = local_now()
    stopped = None
    with app.write() as session:
        if switch and track.running(session) is not None:
            stopped = track.stop(session, now, None, confirmed=False)
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
    from roadmap.errors import StateError
    from roadmap.timeparse import format_duration, local_now

    app = app_of(ctx)
    running = queries.timer(app.conn())
    if running is None:
        raise StateError("no timer is running", hint="start one with: roadmap start SKILL")
    now = local_now()
    from roadmap.clock import from_stored

    minutes = round((now - from_stored(running.started_at)).total_seconds() / 60)
    confirmed = yes
    if minutes > track.FORGOTTEN_HOURS * 60 and not yes and is_interactive():
        confirmed = confirm(
            f"the timer on {running.skill} ran for {format_duration(min(minutes, 1440))}+: "
            "record it?",
            yes=False,
        )
        if not confirmed:
            info("not recorded; roadmap cancel drops the timer")
            raise typer.Exit(1)
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
    flt = queries.SessionFilter(limit=limit or None, tag=tag, pillar=pillar)
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
    console().print(render.sessions_table(rows))


def edit(
    ctx: typer.Context,
    session_id: Annotated[int, typer.Argument(metavar="ID", help="Session id (see sessions).")],
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

    app = app_of(ctx)
    conn = app.conn()
    current = queries.session_by_id(conn, session_id)
    if current is None:
        raise UsageError(f"no session #{session_id}", hint="see ids with: roadmap sessions")
    changes = track.Changes(note=note, tags=tag)
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
    session_id: Annotated[int, typer.Argument(metavar="ID", help="Session id (see sessions).")],
    yes: YesOpt = False,
) -> None:
    """Delete a session (asks on a terminal; undo brings it back).

    Example: roadmap delete 42 --yes
    """
    from roadmap import queries, track
    from roadmap.errors import UsageError

    app = app_of(ctx)
    current = queries.session_by_id(app.conn(), session_id)
    if current is None:
        raise UsageError(f"no session #{session_id}", hint="see ids with: roadmap sessions")
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
