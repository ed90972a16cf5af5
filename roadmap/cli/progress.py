"""Commands that record progress: check, uncheck, assess."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from roadmap.cli import common, complete
from roadmap.cli.common import TargetOpt, app_of

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


def _level_value(conn: Any, level: str) -> int:
    """A whole level on the scale, or a UsageError (exit 2)."""
    from roadmap.errors import UsageError
    from roadmap.store import queries

    scale = queries.levels(conn)
    top = max((lv["level"] for lv in scale), default=5)
    text = level.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 3) or int(text) > top:
        from roadmap import resolve

        shown = resolve.plain(level)[:20]
        meanings = "".join(f"\n  {lv['level']} {resolve.plain(lv['name'])}" for lv in scale)
        raise UsageError(f"'{shown}' is not a level: levels are 0–{top}{meanings}")
    return int(text)


def _refuse_group(conn: Any, skill_id: str, what: str) -> None:
    from roadmap.errors import UsageError
    from roadmap.store import queries

    kids = queries.group_children(conn, skill_id)
    if kids is not None:
        listing = ", ".join(kids[:5]) + (f" and {len(kids) - 5} more" if len(kids) > 5 else "")
        raise UsageError(
            f"'{skill_id}' is a group: its level is the roll-up of its skills, not {what}",
            hint=f"give a level to one of its skills instead: {listing}",
        )


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

    The level shown is the higher of this and the milestone level. A group (a skill with
    children and no milestones of its own) cannot be assessed: its level is the roll-up of its
    skills. To record where you start, use 'roadmap calibrate' (not counted as progress).

    Levels on the default scale: 0 None (not started); 1 Novice (knows the vocabulary, follows
    worked examples); 2 Advanced beginner (routine tasks alone); 3 Competent (plans and
    delivers real work, debugs and measures independently); 4 Proficient (sees the whole
    system, chooses trade-offs); 5 Expert (pushes the state of the art, teaches).

    Example: roadmap assess mpi 4 --note "wrote the halo exchange for our solver"

    Example: roadmap assess cuda 3 --evidence https://github.com/me/gemm/pull/12
    """
    from roadmap import progress, resolve
    from roadmap.limits import check_note

    app = app_of(ctx)
    conn = app.conn()
    ref = resolve.skill(conn, skill)
    check_note(note)
    proof = None if evidence is None else _evidence(evidence)
    _refuse_group(conn, ref.id, "assessed")
    value = _level_value(conn, level)
    with app.write() as conn:
        _, change = progress.assess(conn, ref.id, value, note or "", evidence=proof)
    typer.echo(f"assessed {ref.id} at level {value}{_level_note(change)}")


def calibrate(
    ctx: typer.Context,
    levels: Annotated[
        list[str] | None,
        typer.Argument(
            help="SKILL=LEVEL pairs, e.g. cuda=2 mpi=4 (without them: ask on a terminal).",
            show_default=False,
        ),
    ] = None,
    target: TargetOpt = None,
) -> None:
    """Record your starting levels: calibration is not progress.

    Walks through the skills the target requires (interactive on a terminal, with the level
    scale explained), or takes SKILL=LEVEL pairs in scripts. Calibrations are kept and shown,
    but never counted as level-ups in reports, nor as pace in forecasts.

    Example: roadmap calibrate cuda=2 mpi=4
    """
    from roadmap import progress, resolve
    from roadmap.errors import UsageError

    app = app_of(ctx)
    conn = app.conn()
    chosen: list[tuple[str, int]] = []
    if levels:
        for pair in levels:
            name, sep, given = pair.partition("=")
            if not sep or not name.strip():
                shown = "".join(ch if ch.isprintable() else "?" for ch in pair[:40])
                raise UsageError(f"'{shown}' is not SKILL=LEVEL (e.g. cuda=2)")
            ref = resolve.skill(conn, name.strip())
            _refuse_group(conn, ref.id, "calibrated")
            chosen.append((ref.id, _level_value(conn, given)))
    elif common.is_interactive():
        chosen = _ask_levels(ctx, conn, target)
    else:
        raise UsageError(
            "give SKILL=LEVEL pairs (e.g. roadmap calibrate cuda=2 mpi=4), or run it on a "
            "terminal to be asked skill by skill"
        )
    if not chosen:
        common.info("nothing calibrated")
        return
    with app.write() as conn:
        changes = [
            (skill_id, lv, progress.assess(conn, skill_id, lv, "", kind="calibrate")[1])
            for skill_id, lv in chosen
        ]
    for skill_id, lv, change in changes:
        typer.echo(f"calibrated {skill_id} at level {lv}{_level_note(change)}")
    common.info("starting levels: not counted as level-ups or pace")


def _ask_levels(ctx: typer.Context, conn: Any, target: str | None) -> list[tuple[str, int]]:
    """Ask for each skill the target requires; Enter keeps the level, q stops."""
    from roadmap import analysis, resolve, views
    from roadmap.store import queries
    from roadmap.timeparse import local_now

    world = views.load(conn, resolve.target(conn, target), local_now().date())
    scale = queries.levels(conn)
    common.info(f"Calibrating for {world.target.name}: your starting level in each skill.")
    for lv in scale:
        common.info(f"  {lv['level']} {lv['name']}: {lv.get('description', '')}".rstrip(": "))
    common.info("Enter keeps the level shown; q stops (what you gave so far is kept).")
    required = analysis.recommendation_requirements(world.skills, world.target)
    children = analysis.children_of(world.skills)
    top = max((lv["level"] for lv in scale), default=5)
    chosen: list[tuple[str, int]] = []
    for skill in world.skills:
        if skill.id not in required or not analysis.has_own_level(skill.id, world.by_id, children):
            continue
        while True:
            answer = typer.prompt(
                f"{skill.name} ({skill.id}), now {skill.level}, target needs {required[skill.id]}",
                default="",
                show_default=False,
                err=True,
            ).strip()
            if answer.lower() in ("q", "quit"):
                return chosen
            if not answer:
                break
            if answer.isdigit() and int(answer) <= top:
                chosen.append((skill.id, int(answer)))
                break
            common.info(f"  a whole number from 0 to {top}, Enter to keep, q to stop")
    return chosen


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
    for command in (check, uncheck, assess, calibrate):
        app.command(rich_help_panel=PANEL)(command)
