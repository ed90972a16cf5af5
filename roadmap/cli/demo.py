"""``roadmap demo``: a throwaway data dir with a few months of believable history."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Annotated

import typer

from roadmap.cli.common import app_of, confirm, display, info

PANEL = "Tree"


def demo(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            metavar="DIR",
            help="Where to put the demo data dir (default: roadmap-demo-$USER in the temp dir).",
            file_okay=False,
        ),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Replace an earlier demo without asking.")
    ] = False,
) -> None:
    """Fill a separate, throwaway data dir with four months of demo history.

    Never touches your own data dir. Shows the demo's dashboard, then how to look at more of
    it and how to delete it.

    Example: roadmap demo && ROADMAP_HOME=/tmp/roadmap-demo-$USER roadmap status
    """
    import shutil

    from roadmap import clock, paths
    from roadmap import demo as demo_data
    from roadmap.context import App
    from roadmap.errors import StateError

    app = app_of(ctx)
    target = (directory or demo_data.default_dir()).expanduser().resolve()
    own = {app.loc.home.expanduser().resolve(), app.loc.db.expanduser().resolve().parent}
    if target in own:
        raise StateError(
            f"{target} is your own data dir; the demo only ever writes to a separate one",
            hint="pass --dir with another directory",
        )
    marker = target / demo_data.DEMO_MARKER
    if target.exists() and any(target.iterdir()):
        if not marker.exists():
            raise StateError(
                f"{target} exists and is not a roadmap demo dir; nothing was changed",
                hint="pass --dir with a new or empty directory",
            )
        if not confirm(f"replace the earlier demo in {target}?", yes=yes):
            info(f"kept the earlier demo in {target}\n\n" + _looking(target))
            raise typer.Exit(1)
        shutil.rmtree(target)
    target.mkdir(parents=True, exist_ok=True)
    marker.write_text("made by `roadmap demo`; safe to delete this whole directory\n")
    demo_app = App(str(target / paths.DB_NAME), str(paths.bundled_skills()), notify=lambda _: None)
    try:
        conn = demo_app.conn()
        with demo_app.write() as same:
            summary = demo_data.fill(same, clock.now())
        # A first look at it: the demo's dashboard on stdout (what `status` shows there).
        from roadmap import render, resolve, views

        world = views.load(conn, resolve.target(conn, None), clock.now().date())
        display(ctx, render.status_view(views.status(conn, world), world.names))
    finally:
        demo_app.close()
    info(
        f"demo data: {summary.sessions} sessions ({summary.minutes // 60} h) since "
        f"{summary.first_day:%Y-%m-%d}, {summary.milestones} milestones checked, "
        f"{summary.level_changes} level changes, {summary.reviews} reviews\n"
        f"  in {target} (your own data is untouched)\n\n" + _looking(target)
    )


def _looking(target: Path) -> str:
    """How to look at the demo in ``target``, and how to delete it."""
    home = shlex.quote(str(target))
    # $ROADMAP_DB (a server, or another file) and $ROADMAP_SKILLS win over ROADMAP_HOME: the
    # commands that look at the demo clear them, or they would show (or sync) the user's own.
    look = " ".join(
        [f"{name}=" for name in ("ROADMAP_DB", "ROADMAP_SKILLS") if os.environ.get(name)]
        + [f"ROADMAP_HOME={home}"]
    )
    return (
        "Look at it:\n"
        f"  {look} roadmap status\n"
        f"  {look} roadmap tree\n"
        f"  {look} roadmap heatmap\n"
        f"  {look} roadmap export -o demo-report.html\n\n"
        "Delete it:\n"
        f"  rm -r {home}"
    )


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(demo)
