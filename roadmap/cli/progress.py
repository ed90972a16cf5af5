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
    return f"; level {change['previous']} -> {change['level']}"


def _refused(exc: Any, ref: Any, milestone: Any) -> Any:
    """The use-case's "already checked" / "not checked" refusal, naming the milestone by
    ``LEVEL.N`` and its text."""
    from roadmap.errors import StateError

    state = "already checked" if "already" in exc.message else "not checked"
    return StateError(f"milestone {milestone.label} of {ref.id} is {state}")


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
    from roadmap.errors import StateError
    from roadmap.render import clean

    links = track.check_links([link] if link is not None else None)
    track.check_note(note)
    app = app_of(ctx)
    conn = app.conn()
    ref = resolve.skill(conn, skill)
    found = resolve.milestone(conn, ref.id, milestone)
    try:
        with app.write() as conn:
            _, change = progress.check(conn, ref.id, found.key, links[0] if links else None, note)
    except StateError as exc:
        raise _refused(exc, ref, found) from None
    typer.echo(clean(f"checked {ref.id} {found.label}{_level_note(change)}"))


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
    from roadmap.errors import StateError
    from roadmap.render import clean

    app = app_of(ctx)
    conn = app.conn()
    ref = resolve.skill(conn, skill)
    found = resolve.milestone(conn, ref.id, milestone)
    try:
        with app.write() as conn:
            _, change = progress.uncheck(conn, ref.id, found.key)
    except StateError as exc:
        raise _refused(exc, ref, found) from None
    typer.echo(clean(f"unchecked {ref.id} {found.label}{_level_note(change)}"))


def assess(
    ctx: typer.Context,
    skill: Annotated[
        str, typer.Argument(help="Skill id, id prefix or name.", autocompletion=complete.skills)
    ],
    level: Annotated[
        str,
        typer.Argument(
            help="Your own judgement of your level: a whole number, 0..5 on the default scale "
            "(0 None, 1 Novice, ... 5 Expert: the tree's levels).",
        ),
    ],
    note: Annotated[str | None, typer.Option("--note", "-n", help="Why.")] = None,
    evidence: Annotated[
        str | None,
        typer.Option(
            "--evidence",
            help="What proves it: a URL (a merged pull request, a talk) or a file path.",
            metavar="URL|PATH",
        ),
    ] = None,
) -> None:
    """Record your own judgement of a skill's level.

    The level shown is the higher of this and the milestone level.

    Example: roadmap assess mpi 4 --note "wrote the halo exchange for our solver"

    Example: roadmap assess cuda 3 --evidence https://github.com/me/gemm/pull/12
    """
    from roadmap import progress, resolve
    from roadmap.errors import UsageError
    from roadmap.limits import check_note
    from roadmap.store import queries

    app = app_of(ctx)
    conn = app.conn()
    ref = resolve.skill(conn, skill)
    check_note(note)
    proof = None if evidence is None else _evidence(evidence)
    kids = queries.group_children(conn, ref.id)
    if kids is not None:
        listing = ", ".join(kids[:5]) + (f" and {len(kids) - 5} more" if len(kids) > 5 else "")
        raise UsageError(
            f"'{ref.id}' is a group: its level is the roll-up of its skills, not assessed",
            hint=f"assess one of its skills instead: {listing}",
        )
    scale = queries.levels(conn)
    top = max((lv["level"] for lv in scale), default=5)
    text = level.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 3) or int(text) > top:
        shown = resolve.plain(level)[:20]
        meanings = "".join(f"\n  {lv['level']} {resolve.plain(lv['name'])}" for lv in scale)
        raise UsageError(f"'{shown}' is not a level: levels are 0–{top}{meanings}")
    value = int(text)
    with app.write() as conn:
        _, change = progress.assess(conn, ref.id, value, note or "", proof)
    typer.echo(f"assessed {ref.id} at level {value}{_level_note(change)}")


def _evidence(given: str) -> str:
    """Evidence as stored: a full URL (as ``--link`` takes it), or the absolute path of an
    existing file or directory; anything else is a usage error."""
    import os
    from pathlib import Path

    from roadmap.errors import UsageError
    from roadmap.limits import MAX_LINK, link_problem

    shown = "".join(ch if ch.isprintable() else "?" for ch in given[:60])
    stripped = given.strip()
    if not stripped:
        raise UsageError("--evidence is empty: give a URL or a file path")
    if "://" in stripped or stripped.lower().startswith(("http:", "https:", "ftp:", "file:")):
        problem = link_problem(stripped)
        if problem:
            raise UsageError(problem)
        return stripped
    if any(not ch.isprintable() for ch in stripped) or len(stripped) > MAX_LINK:
        raise UsageError(f"'{shown}' is not a URL or a usable file path")
    path = Path(os.path.expanduser(stripped))
    try:
        found = path.exists()
    except (OSError, ValueError):
        found = False
    if not found:
        raise UsageError(
            f"no file or directory '{shown}'",
            hint="give a full URL such as https://example.org/pr/1, or an existing path",
        )
    return str(path.resolve())


def register(app: typer.Typer) -> None:
    for command in (check, uncheck, assess):
        app.command(rich_help_panel=PANEL)(command)
