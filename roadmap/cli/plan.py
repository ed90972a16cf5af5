"""Plan the week: study blocks in the user's slots (and the slots themselves)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from roadmap.cli.common import JsonOpt, TargetOpt, app_of, display, info, print_json

PANEL = "Views"
MAX_DAYS = 28


def plan(
    ctx: typer.Context,
    week: Annotated[
        bool, typer.Option("--week", help="The rest of this week, to Sunday (the default).")
    ] = False,
    days: Annotated[
        int | None,
        typer.Option("--days", help=f"The next N days from today (1 to {MAX_DAYS}).", metavar="N"),
    ] = None,
    hours: Annotated[
        float | None,
        typer.Option(
            "--hours",
            help="Hours to plan (default: the weekly goal, less what you logged this week).",
            metavar="H",
        ),
    ] = None,
    ics: Annotated[
        Path | None,
        typer.Option("--ics", help="Also write the plan as an iCalendar file.", metavar="FILE"),
    ] = None,
    set_slots: Annotated[
        str | None,
        typer.Option(
            "--set",
            help="Store your study slots, e.g. 'mon,wed 19:00-21:00; sat 09:00-12:00'.",
            metavar="SLOTS",
        ),
    ] = None,
    target: TargetOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Study blocks for the coming days: which skill, which milestone, how long, and why.

    The weekly goal (or --hours) fills your study slots (default: evenings 19:00-21:00),
    never in the past, with the skills `next` recommends (locked skills never).

    Example: roadmap plan --set "mon,wed 19:00-21:00; sat 09:00-12:00"

    Example: roadmap plan --ics week.ics
    """
    from roadmap import planning
    from roadmap.errors import UsageError

    if set_slots is not None:
        try:
            slots = planning.parse_slots(set_slots)
        except planning.SlotError as exc:
            raise UsageError(
                f"cannot read the slots: {exc}", hint=f"write them as {planning.SPEC_FORM}"
            ) from None
        app = app_of(ctx)
        app.conn()
        from roadmap.store import write

        with app.write() as conn:
            write.meta_set(conn, {"plan_slots": planning.format_slots(slots)})
        info(f"study slots saved: {planning.format_slots(slots)}")
        return
    if week and days is not None:
        raise UsageError("--week and --days go separately: pick one")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise UsageError(f"--days must be from 1 to {MAX_DAYS}, not {days}")
    if hours is not None and not 0 <= hours <= 168:
        raise UsageError(f"--hours must be from 0 to 168, not {hours:g}")
    from roadmap import clock, render_plan, resolve, views

    conn = app_of(ctx).conn()
    now = clock.now()
    world = views.load(conn, resolve.target(conn, target), now.date(), now)
    data = views.plan(conn, world, now, days, hours)
    if ics is not None:
        from roadmap import atomic

        with atomic.open_output(ics, binary=True) as handle:
            handle.write(render_plan.ics(data, now))
        info(f"wrote {len(data['blocks'])} event(s) to {ics}")
    if as_json:
        print_json(data)
        return
    display(ctx, render_plan.plan_view(data))


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(plan)
