"""Commands about the tree itself: init, validate, sync, tree, targets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from roadmap.cli.common import JsonOpt, TargetOpt, app_of, display, info, print_json

PANEL = "Tree"


def init(ctx: typer.Context) -> None:
    """Create the data dir and database, and copy the bundled tree there for editing.

    Never overwrites an existing skills.yaml.

    Example: roadmap init
    """
    from roadmap import atomic, paths

    app = app_of(ctx)
    home = app.loc.home
    home.mkdir(parents=True, exist_ok=True)
    target = home / paths.SKILLS_NAME
    if target.exists():
        info(f"kept your skills file: {target}")
    else:
        if not atomic.create_new(target, paths.bundled_skills().read_bytes()):
            info(f"kept your skills file: {target}")  # it appeared meanwhile: never overwritten
        if target.exists():
            info(f"copied the bundled roadmap to {target} (edit it; roadmap syncs on change)")
    app.resolve()  # the copied file is now the one in use (unless --skills says otherwise)
    app.conn()
    info(f"database: {app.loc.label}")
    info(f"skills:   {app.loc.skills}")
    info("next: roadmap tree, roadmap status, roadmap log SKILL 1h")


def validate(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Argument(help="Skills file (default: the one in use).", show_default=False),
    ] = None,
) -> None:
    """Check a skills file strictly; print a one-line summary when it is valid.

    Problems are listed as FILE:LINE:COL: message (exit 65); warnings (a target that cannot be
    reached as written) as FILE:LINE:COL: warning: message on stderr (exit 0).

    Example: roadmap validate ~/my-roadmap.yaml
    """
    from roadmap.tree import load_tree

    path = file if file is not None else app_of(ctx).loc.skills
    tree = load_tree(path)
    for line in tree.warnings:
        typer.echo(line, err=True)
    parents = {s.parent for s in tree.skills if s.parent}
    studyable = sum(1 for s in tree.skills if s.id not in parents or s.milestones)
    milestones = sum(len(s.milestones) for s in tree.skills)
    from roadmap.safetext import visible

    typer.echo(
        visible(f"{path}") + f": valid: {len(tree.pillars)} pillars, {len(tree.skills)} skills "
        f"({studyable} to study), {milestones} milestones, {len(tree.targets)} targets"
    )


def sync(ctx: typer.Context) -> None:
    """Sync the skills file into the database now (it also happens on change).

    Example: roadmap --skills my.yaml sync
    """
    app = app_of(ctx)
    app.conn()  # opens, migrates and syncs on change
    report = app.sync()
    summary = report.summary()
    info(f"{app.loc.skills}: in sync" + (f" ({summary})" if summary else ""))


def tree(
    ctx: typer.Context,
    pillar: Annotated[str | None, typer.Option("--pillar", "-p", help="Only this pillar.")] = None,
    target: TargetOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the skill tree: pillars, nested skills, each level now and the target's need.

    Example: roadmap tree --pillar hardware --target ai-systems-engineer
    """
    from roadmap import analysis, render, resolve, views
    from roadmap.store import queries
    from roadmap.timeparse import local_now

    conn = app_of(ctx).conn()
    pillars = queries.tree(conn)
    meta = queries.meta(conn)
    if pillar is not None:
        chosen = resolve.pillar(conn, pillar)
        pillars = [p for p in pillars if p.id == chosen]
    rusty = set(queries.rusty(conn))
    if as_json:
        levels = _levels(pillars)
        print_json(
            {
                "title": meta.get("title", ""),
                "pillars": [_pillar_json(p, levels, rusty) for p in pillars],
            }
        )
        return
    max_level = max((lv["level"] for lv in queries.levels(conn)), default=5)
    world = views.load(conn, resolve.target(conn, target), local_now().date())
    need = analysis.target_requirements(world.skills, world.target)
    title = meta.get("title", "Roadmap")
    rusty = {s.id for s in world.skills if s.rusty}
    view = render.tree_view(title, pillars, max_level, need, world.target.name, rusty)
    display(ctx, view, page=True)


def _skill_json(
    skill: Any, levels: dict[str, tuple[float, float | None, bool]], rusty: set[str]
) -> dict[str, Any]:
    level, below, group = levels[skill.id]
    return {
        "id": skill.id,
        "name": skill.name,
        "level": int(level) if level.is_integer() else round(level, 2),
        "group": group,
        "rollup_level": None if below is None else round(below, 2),
        "weight": skill.weight,
        "hours": skill.hours,
        "hours_by_level": list(skill.hours_by_level) if skill.hours_by_level else None,
        "rusty": skill.id in rusty and skill.level >= 1,
        "children": [_skill_json(c, levels, rusty) for c in skill.children],
    }


def _levels(pillars: Any) -> dict[str, tuple[float, float | None, bool]]:
    """Per skill: (its level, its children's roll-up or None, whether it is a group), by the
    rules of :mod:`roadmap.analysis`."""
    from roadmap import analysis

    flat = analysis.flatten(s for p in pillars for s in p.skills)
    by_id, children = analysis.index(flat), analysis.children_of(flat)
    return {
        s.id: (
            analysis.rollup_level(s.id, by_id, children),
            analysis.subtree_rollup(s.id, by_id, children),
            analysis.is_group(s.id, by_id, children),
        )
        for s in flat
    }


def _pillar_json(
    pillar: Any, levels: dict[str, tuple[float, float | None, bool]], rusty: set[str]
) -> dict[str, Any]:
    return {
        "id": pillar.id,
        "name": pillar.name,
        "skills": [_skill_json(s, levels, rusty) for s in pillar.skills],
    }


def targets(
    ctx: typer.Context,
    action: Annotated[
        str | None, typer.Argument(metavar="COMPARE", help="'compare' to compare A with B.")
    ] = None,
    first: Annotated[str | None, typer.Argument(metavar="A", help="A target id.")] = None,
    second: Annotated[str | None, typer.Argument(metavar="B", help="Another target id.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the career targets (stages), or compare two (targets compare A B).

    With compare: the skills two targets share, what each adds, and the hours each would take
    from where you stand.

    Example: roadmap targets --json

    Example: roadmap targets compare junior engineer
    """
    from roadmap import render
    from roadmap.store import queries

    if action is not None:
        _compare(ctx, action, first, second, as_json)
        return
    conn = app_of(ctx).conn()
    rows = queries.targets(conn)
    default = queries.meta(conn).get("default_target") or None
    if as_json:
        print_json(
            [
                {
                    "id": t.id,
                    "name": t.name,
                    "description": t.description,
                    "by": t.by,
                    "after": t.after,
                    "default": t.id == default,
                    "requires": t.requires,
                }
                for t in rows
            ]
        )
        return
    display(ctx, render.targets_view(rows, default))


def _compare(
    ctx: typer.Context, action: str, first: str | None, second: str | None, as_json: bool
) -> None:
    from roadmap import render, resolve, views
    from roadmap.errors import UsageError
    from roadmap.timeparse import local_now

    if action != "compare":
        raise UsageError(
            f"unknown action '{action}'", hint="roadmap targets compare A B, or roadmap targets"
        )
    if first is None or second is None:
        raise UsageError("compare needs two targets", hint="roadmap targets compare A B")
    conn = app_of(ctx).conn()
    a, b = resolve.target(conn, first), resolve.target(conn, second)
    world = views.load(conn, a, local_now().date())
    data = views.compare_targets(conn, world, b)
    if as_json:
        print_json(data)
        return
    display(ctx, render.targets_compare_view(data))


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(init)
    app.command(rich_help_panel=PANEL)(validate)
    app.command(rich_help_panel=PANEL)(sync)
    app.command(rich_help_panel=PANEL)(tree)
    app.command(rich_help_panel=PANEL)(targets)
