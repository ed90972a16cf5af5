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
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="When, if not now (in the past): 9:00, 14:30, 9am, 'yesterday 22:00', "
        "2026-11-20T09:30.",
    ),
]
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


def _line(session: dict[str, Any]) -> str:
    from roadmap.cli.record import session_line

    return session_line(session)


def _show(ctx: typer.Context, session_id: int, verb: str, as_json: bool) -> None:
    from roadmap.cli.record import show_session

    show_session(app_of(ctx), session_id, verb, as_json)


def log(
    ctx: typer.Context,
    skill: Annotated[
        str, typer.Argument(help="Skill id, id prefix or name.", autocompletion=complete.skills)
    ],
    duration: Annotated[
        str,
        typer.Argument(
            help="45m, 1h, 1h30m, 1.5h, '2h 15m', 1:30. A bare whole number is minutes "
            "(90 = 1h30m); a bare 1.5 is refused: write 1.5h or 1.5m."
        ),
    ],
    on: Annotated[
        str,
        typer.Option(
            "--on",
            help="The day: today, yesterday, monday, 'last monday', '2 days ago', -3d, "
            "2026-11-20; with a time of day the session starts then: 9am, 14:30, "
            "'yesterday 9am', 'mon 14:00', 2026-11-20T09:30. Not 30/11 (ambiguous).",
        ),
    ] = "today",
    note: NoteOpt = None,
    tag: TagOpt = None,
    link: LinkOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a study session and print it with its id.

    A bare number is minutes: log cuda 90 is 1h30m (1.5 alone is refused: 1.5h or 1.5m?).
    Without a time of day the session goes into that day's latest free time (today: ending
    by now); with one it starts then. Sessions never overlap and never end in the future.

    Example: roadmap log cuda 1h30m --on "yesterday 9am" --note "tiled GEMM" --tag gemm
    """
    from roadmap.cli import record

    record.log(app_of(ctx), skill, duration, on, note, tag, link, as_json)


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
    at: AtOpt = None,
) -> None:
    """Start a live timer on a skill (it survives closed terminals and reboots).

    Only one timer runs at a time: --switch stops (records) the running one first.
    Started late? --at 9:00 starts it when you began.

    Example: roadmap start triton --note "fused softmax" --at 9:30
    """
    from roadmap.cli import record

    record.start(app_of(ctx), skill, note, switch, yes, at)


def stop(
    ctx: typer.Context,
    note: NoteOpt = None,
    yes: YesOpt = False,
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Stop the timer and record the session; prints its length.

    Left it running? --at 18:00 ends it when you stopped (after its start, not in the
    future). A timer that ran more than 12 hours asks first (probably forgotten).

    Example: roadmap stop --note "finished chapter 3" --at 18:00
    """
    from roadmap.cli import record

    record.stop(app_of(ctx), note, yes, at, as_json)


def cancel(ctx: typer.Context) -> None:
    """Drop the running timer without recording anything (undo brings it back).

    Example: roadmap cancel
    """
    from roadmap import track

    app = app_of(ctx)
    app.conn()
    with app.write() as conn:
        timer = track.cancel(conn)
    typer.echo(f"cancelled the timer on {timer['skill_id']}")


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
    limit: Annotated[
        int, typer.Option("--limit", "-l", help="At most N (0: all).", min=0, max=2**63 - 1)
    ] = 20,
    overlapping: Annotated[
        bool,
        typer.Option(
            "--overlaps",
            help="Only sessions that overlap another, in pairs (imported history may).",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """List study sessions, newest first (archived skills' sessions are marked).

    Example: roadmap sessions --pillar hardware --since -30d
    """
    from roadmap import render, resolve
    from roadmap.store import queries
    from roadmap.timeparse import parse_date

    conn = app_of(ctx).conn()
    if overlapping:
        _overlaps(conn, as_json)
        return
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


def _overlaps(conn: Any, as_json: bool) -> None:
    """``sessions --overlaps``: each overlapping pair, with the minutes they share."""
    from roadmap import overlaps
    from roadmap.store import queries

    pairs: list[dict[str, Any]] = []
    for pair in overlaps.overlaps(conn):
        first = queries.session_by_id(conn, pair.first.id)
        second = queries.session_by_id(conn, pair.second.id)
        pairs.append({"first": first, "second": second, "shared_minutes": pair.minutes})
    if as_json:
        print_json(pairs)
        return
    if not pairs:
        info("no sessions overlap")
        return
    from roadmap.timeparse import format_duration

    for item in pairs:
        typer.echo(f"{_line(item['first'])}")
        typer.echo(
            f"  overlaps by {format_duration(item['shared_minutes'])}: {_line(item['second'])}"
        )
    info(
        f"{len(pairs)} overlapping pair(s): fix with roadmap edit ID --on ... or roadmap delete ID"
    )


def edit(
    ctx: typer.Context,
    session_arg: IdArg,
    duration: Annotated[str | None, typer.Option("--duration", "-d", help="New length.")] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="New day, or day and time of day: the forms of log --on."),
    ] = None,
    note: NoteOpt = None,
    skill: Annotated[str | None, typer.Option("--skill", "-s", help="Move to this skill.")] = None,
    tag: TagOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a recorded session (undo reverts it).

    A new --on is placed as by log: without a time of day in that day's latest free time;
    with one, refused if it overlaps another session or ends in the future.

    Example: roadmap edit 42 --duration 2h --note "with exercises"
    """
    from roadmap import overlaps, resolve, track
    from roadmap.errors import UsageError
    from roadmap.store import queries
    from roadmap.timeparse import local_now, parse_duration, parse_when

    session_id = _session_id(session_arg)
    app = app_of(ctx)
    conn = app.conn()
    current = queries.session_by_id(conn, session_id)
    if current is None:
        raise UsageError(f"no session #{session_id}", hint="see ids with: roadmap sessions")
    changes = track.Changes(note=track.check_note(note), tags=track.check_tags(tag))
    if duration is not None:
        changes.minutes = parse_duration(duration)
    now = local_now()
    when = parse_when(on, now) if on is not None else None
    if skill is not None:
        changes.skill_id = resolve.skill(conn, skill).id
    if changes == track.Changes() and when is None:
        raise UsageError("nothing to change: give --duration, --on, --note, --skill or --tag")
    with app.write() as conn:
        if when is not None:  # placed like log, inside the write: nothing slips in between
            minutes = changes.minutes or int(current["minutes"])
            changes.started = overlaps.place(conn, when, minutes, now, exclude=session_id)
        track.edit(conn, session_id, changes)
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

    from roadmap import track
    from roadmap.errors import UsageError
    from roadmap.store import queries

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
    with app.write() as conn:
        track.delete(conn, session_id)
    typer.echo(f"deleted {_line(current)} (roadmap undo brings it back)")


def undo(ctx: typer.Context) -> None:
    """Revert the most recent change (log, stop, edit, delete, check, assess, ...).

    Repeated undo walks further back.

    Example: roadmap undo
    """
    from roadmap import journal
    from roadmap.safetext import one_line

    app = app_of(ctx)
    app.conn()
    with app.write() as conn:
        done = journal.undo(conn)
    # the summary may quote an import file's name: made visible-safe on one line
    if done.set_aside is not None:
        from roadmap.errors import StateError

        raise StateError(one_line(done.message))
    typer.echo(f"undone: {one_line(done.message)}")


def register(app: typer.Typer) -> None:
    for command in (log, start, stop, cancel, sessions, edit, delete, undo):
        app.command(rich_help_panel=PANEL)(command)
