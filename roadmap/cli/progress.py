"""Commands that record progress: check, uncheck, assess."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from roadmap.cli import complete
from roadmap.cli.common import app_of

PANEL = "Progress"


def _level_note(change: Any) -> str:
    if change is None:
        return ""
    return f"; level {change.previous} -> {change.level}"


def check(
    ctx: typer.Context,
    skill: Annotated[
        str, typer.Argument(help="Skill id, id prefix or name.", autocompletion=complete.skills)
    ],
    milestone: Annotated[str, typer.Argument(help="Milestone id or LEVEL.N (e.g. 2.1).")],
    link: Annotated[str | None, typer.Option("--link", help="Evidence: a URL.")] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="A note.")] = None,
) -> None:
    """Check a milestone off (levels follow: all milestones of 1..L checked = level L).

    Example: roadmap check cuda 2.1 --link https://github.com/me/gemm
    """
    from roadmap import progress, resolve, track
    from roadmap.render import clean

    links = track.check_links([link] if link is not None else None)
    app = app_of(ctx)
    conn = app.conn()
    ref = resolve.skill(conn, skill)
    key, text = resolve.milestone(conn, ref.id, milestone)
    with app.write() as session:
        _, change = progress.check(session, ref.id, key, links[0] if links else None, note)
    typer.echo(clean(f"checked {ref.id} {key}: {text}{_level_note(change)}"))


def uncheck(
    ctx: typer.Context,
    skill: Annotated[
        str, typer.Argument(help="Skill id, id prefix or name.", autocompletion=complete.skills)
    ],
    milestone: Annotated[str, typer.Argument(help="Milestone id or LEVEL.N (e.g. 2.1).")],
) -> None:
    """Uncheck a milestone.

    Example: roadmap uncheck cuda 2.1
    """
    from roadmap import progress, resolve
    from roadmap.render import clean

    app = app_of(ctx)
    conn = app.conn()
    ref = resolve.skill(conn, skill)
    key, text = resolve.milestone(conn, ref.id, milestone)
    with app.write() as session:
        _, change = progress.uncheck(session, ref.id, key)
    typer.echo(clean(f"unchecked {ref.id} {key}: {text}{_level_note(change)}"))


def assess(
    ctx: typer.Context,
    skill: Annotated[
        str, typer.Argument(help="Skill id, id prefix or name.", autocompletion=complete.skills)
    ],
    level: Annotated[
        str, typer.Argument(help="Your own judgement of your level (0..5 on the default scale).")
    ],
    note: Annotated[str | None, typer.Option("--note", "-n", help="Why.")] = None,
) -> None:
    """Record your own judgement of a skill's level.

    The level shown is the higher of this and the milestone level.

    Example: roadmap assess mpi 4 --note "wrote the halo exchange for our solver"
    """
    from roadmap import progress, queries, resolve
    from roadmap.errors import UsageError

    app = app_of(ctx)
    conn = app.conn()
    ref = resolve.skill(conn, skill)
    kids = queries.group_children(conn, ref.id)
    if kids is not None:
        listing = ", ".join(kids[:5]) + (f" and {len(kids) - 5} more" if len(kids) > 5 else "")
        raise UsageError(
            f"'{ref.id}' is a group: its level is the roll-up of its skills, not assessed",
            hint=f"assess one of its skills instead: {listing}",
        )
    top = max((lv["level"] for lv in queries.levels(conn)), default=5)
    text = level.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 3) or int(text) > top:
        shown = "".join(ch if ch.isprintable() else "?" for ch in level[:20])
        raise UsageError(
            f"level '{shown}' is outside the scale: give a whole number from 0 to {top}"
        )
    value = int(text)
    with app.write() as session:
        _, change = progress.assess(session, ref.id, value, note or "")
    typer.echo(f"assessed {ref.id} at level {value}{_level_note(change)}")


def register(app: typer.Typer) -> None:
    for command in (check, uncheck, assess):
        app.command(rich_help_panel=PANEL)(command)
