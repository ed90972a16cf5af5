"""Where do I stand: status, gaps, next, show, forecast, review, heatmap, report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from roadmap.cli import complete
from roadmap.cli.common import JsonOpt, TargetOpt, app_of, display, print_json

if TYPE_CHECKING:
    from roadmap.store.protocol import Conn
    from roadmap.views import World

PANEL = "Views"


def _world(ctx: typer.Context, target: str | None, schedules: bool = False) -> tuple[Conn, World]:
    """The views' data; ``schedules``: with the review schedules (a replay through ``fsrs``),
    for the views that show what is due (review, next); the dashboard does without it."""
    from roadmap import resolve, views
    from roadmap.timeparse import local_now

    conn = app_of(ctx).conn()
    target_id = resolve.target(conn, target)
    now = local_now()
    return conn, views.load(conn, target_id, now.date(), now if schedules else None)


def status(
    ctx: typer.Context,
    target: TargetOpt = None,
    full: Annotated[
        bool,
        typer.Option("--full", help="All five gaps and every reason (longer than a screen)."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """The dashboard: readiness per pillar, biggest gaps, next steps, pace and ETA.

    It fits a 40-row terminal; --full shows all of it.

    Example: roadmap status --target ai-systems-engineer
    """
    from roadmap import render, views

    conn, world = _world(ctx, target)  # no replay: rusty levels come from one query
    data = views.status(conn, world)
    if as_json:
        print_json(data)
        return
    display(ctx, render.status_view(data, world.names, full))


def gaps(
    ctx: typer.Context,
    target: TargetOpt = None,
    pillar: Annotated[str | None, typer.Option("--pillar", "-p", help="Only this pillar.")] = None,
    unproven: Annotated[
        bool,
        typer.Option(
            "--unproven",
            help="Instead: the skills held at level 1 or more without any evidence.",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Skills below the target's required level, sorted by weight x gap.

    Example: roadmap gaps --pillar hardware

    Example: roadmap gaps --unproven
    """
    from roadmap import render, views
    from roadmap.errors import UsageError

    conn, world = _world(ctx, target)
    if pillar is not None and pillar not in {p.id for p in world.pillars}:
        known = ", ".join(p.id for p in world.pillars)
        raise UsageError(f"unknown pillar '{pillar}' (pillars: {known})")
    if unproven:
        rows = views.unproven(world, conn, pillar)
        if as_json:
            print_json(rows)
            return
        display(ctx, render.unproven_view(rows))
        return
    data = views.gaps(world, pillar)
    if as_json:
        print_json(data)
        return
    display(ctx, render.gaps_table(data, f"Gaps to {world.target.name}"))


def next_(
    ctx: typer.Context,
    target: TargetOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-l", help="How many.", min=1)] = 5,
    as_json: JsonOpt = False,
) -> None:
    """What to study next, and why (locked skills are never recommended).

    Example: roadmap next --limit 3
    """
    from roadmap import render, views

    _, world = _world(ctx, target, schedules=True)
    data = views.recommendations(world, limit)
    if as_json:
        print_json(data)
        return
    display(ctx, render.next_view(data, world.target.name))


def show(
    ctx: typer.Context,
    skill: Annotated[
        str, typer.Argument(help="Skill id, id prefix or name.", autocompletion=complete.skills)
    ],
    target: TargetOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Everything about one skill: level, milestones, prerequisites, hours, resources.

    Example: roadmap show cuda
    """
    from roadmap import render, resolve, views

    conn, world = _world(ctx, target)
    ref = resolve.skill(conn, skill, allow_archived=True)
    data = views.show(conn, world, ref.id)
    if as_json:
        print_json(data)
        return
    display(ctx, render.show_view(data))


def forecast(
    ctx: typer.Context,
    target: TargetOpt = None,
    pace: Annotated[
        str | None,
        typer.Option("--pace", help="What if I studied this much a week (e.g. 8h, 90m)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Remaining effort, pace, ETA (likely and cautious) and verdict, overall and per pillar.

    Example: roadmap forecast --pace 8h
    """
    from roadmap import render, views

    assumed = None if pace is None else _weekly_hours(pace)
    conn, world = _world(ctx, target)
    data = views.forecast(conn, world, assumed)
    if as_json:
        print_json(data)
        return
    display(ctx, render.forecast_view(data))


def _weekly_hours(text: str) -> float:
    """Hours a week from a duration with a unit (``8h``, ``90m``, ``1h30m``): more than 0, at
    most 168; a bare number is refused (hours or minutes?)."""
    import math
    import re

    from roadmap.errors import UsageError
    from roadmap.timeparse import _raw_minutes

    cleaned = text.strip().lower()
    raw = None if re.fullmatch(r"[0-9.]+", cleaned) else _raw_minutes(cleaned)
    if raw is None or not math.isfinite(raw) or not 0 < raw <= 168 * 60:
        shown = "".join(ch if ch.isprintable() else "?" for ch in text[:20])
        raise UsageError(
            f"invalid --pace '{shown}': give hours a week with a unit, e.g. 8h, 90m or 1h30m "
            "(more than 0, at most 168h)"
        )
    return raw / 60


RecallOpt = Annotated[
    str | None,
    typer.Option(
        "--recall",
        "-r",
        help="How well the level came back: again (it did not: the level is rusty), hard, "
        "good, easy. Records a review and schedules the next.",
        show_default=False,
    ),
]


def review(
    ctx: typer.Context,
    skill: Annotated[
        str | None,
        typer.Argument(
            help="Skill id, id prefix or name: its schedule, or with --recall a review of it.",
            autocompletion=complete.skills,
        ),
    ] = None,
    recall: RecallOpt = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="A note (free text).")] = None,
    minutes: Annotated[
        str | None,
        typer.Option(
            "--minutes",
            "-m",
            help="Time the review took (45m, 1h, 1h30m): logged as a study session too.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Levels due for review (FSRS), most overdue first; or record a review of one.

    Each due level is shown with its recall: the estimated chance it is still there.

    Every skill at level 1 or more has a review schedule, learnt from your reviews: study on
    or after the due day counts as a good review. A review rated again marks the level rusty
    (shown by show, tree and status) until a later review or level change; it never lowers
    the level.

    Example: roadmap review

    Example: roadmap review cuda --recall hard --note "had to look up warp shuffles" --minutes 30m
    """
    from roadmap import render, resolve, views

    if recall is None:
        if note is not None or minutes is not None:
            from roadmap.errors import UsageError

            raise UsageError("--note and --minutes go with --recall again|hard|good|easy")
        conn, world = _world(ctx, None, schedules=True)
        skill_id = None if skill is None else resolve.skill(conn, skill).id
        data = views.review(world, skill_id)
        if skill_id is not None and not data:
            from roadmap.errors import StateError

            raise StateError(
                f"'{skill_id}' is at level 0: there is no level to review yet",
                hint=f"reach level 1 first: roadmap check {skill_id} 1.1, or roadmap assess "
                f"{skill_id} 1",
            )
        if as_json:
            print_json(data)
            return
        display(ctx, render.review_table(data, one=skill_id is not None))
        return
    _record_review(ctx, skill, recall, note, minutes, as_json)


def _record_review(
    ctx: typer.Context,
    skill: str | None,
    rating: str,
    note: str | None,
    minutes_text: str | None,
    as_json: bool,
) -> None:
    from roadmap import progress, recall, resolve, track, views
    from roadmap.cli.common import info
    from roadmap.errors import UsageError
    from roadmap.store import queries
    from roadmap.timeparse import local_now, parse_duration

    if skill is None:
        raise UsageError("which skill? roadmap review SKILL --recall again|hard|good|easy")
    rating = rating.strip().lower()
    if rating not in recall.RATINGS:
        raise UsageError(
            f"invalid --recall '{rating[:20]}': give again, hard, good or easy",
            hint="again: it did not come back (the level is rusty); hard: with effort; "
            "good: as expected; easy: without effort",
        )
    track.check_note(note)
    minutes = None if minutes_text is None else parse_duration(minutes_text)
    app = app_of(ctx)
    ref = resolve.skill(app.conn(), skill)
    now = local_now()
    with app.write() as conn:  # the review and its session: one change, one undo
        done = progress.review(conn, ref.id, rating, note or "", minutes, now)
    conn = app.conn()
    world = views.load(conn, resolve.target(conn, None), now.date(), now)
    rows = views.review(world, ref.id)
    session = None if done["session"] is None else queries.session_by_id(conn, done["session"])
    if as_json:
        print_json({"review": done, "session": session, "schedule": rows[0] if rows else None})
        return
    line = f"reviewed {ref.id} at level {done['level']}: {rating}"
    if rows and rows[0]["due"]:
        line += f"; next review {rows[0]['due']}"
    typer.echo(line)
    if session is not None:
        from roadmap.timeparse import format_duration

        typer.echo(f"logged #{session['id']}: {format_duration(session['minutes'])} on {ref.id}")
    if rating == "again":
        info(
            f"{ref.id} is rusty at level {done['level']} (its level stays): re-check its "
            f"level-{done['level']} milestones (roadmap show {ref.id}; "
            f"roadmap check {ref.id} {done['level']}.N), or assess it again"
        )


def heatmap(
    ctx: typer.Context,
    weeks: Annotated[
        int, typer.Option("--weeks", "-w", help="How many weeks.", min=1, max=520)
    ] = 26,
    as_json: JsonOpt = False,
) -> None:
    """A calendar heatmap of minutes per day (weeks as columns).

    Example: roadmap heatmap --weeks 52
    """
    from roadmap import render, views
    from roadmap.timeparse import local_now

    conn = app_of(ctx).conn()
    data = views.heatmap(conn, local_now().date(), weeks)
    if as_json:
        print_json(data)
        return
    display(ctx, render.heatmap_view(data))


def report(
    ctx: typer.Context,
    week: Annotated[bool, typer.Option("--week", help="This week (from Monday).")] = False,
    month: Annotated[bool, typer.Option("--month", help="This calendar month.")] = False,
    since: Annotated[str | None, typer.Option("--since", help="From this day.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this day.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Hours per pillar and skill, sessions, milestones checked and level-ups in a period.

    Without options: all history.

    Example: roadmap report --month
    """
    from roadmap import render, views
    from roadmap.errors import UsageError
    from roadmap.timeparse import local_now, parse_date

    today = local_now().date()
    if sum([week, month, since is not None or until is not None]) > 1:
        raise UsageError("choose one of --week, --month or --since/--until")
    start, end = period(today, week, month, since, until, parse_date)
    if start > end:
        raise UsageError(f"--since {start} is after --until {end}")
    conn = app_of(ctx).conn()
    data = views.report(conn, start, end)
    if as_json:
        print_json(data)
        return
    display(ctx, render.report_view(data))


def period(
    today: date,
    week: bool,
    month: bool,
    since: str | None,
    until: str | None,
    parse: Callable[[str, date], date],
) -> tuple[date, date]:
    if week:
        return today - timedelta(days=today.weekday()), today
    if month:
        return today.replace(day=1), today
    start = parse(since, today) if since else date(1970, 1, 1)
    end = parse(until, today) if until else today
    return start, end


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(status)
    app.command(rich_help_panel=PANEL)(gaps)
    app.command("next", rich_help_panel=PANEL)(next_)
    app.command(rich_help_panel=PANEL)(show)
    app.command(rich_help_panel=PANEL)(forecast)
    app.command(rich_help_panel=PANEL)(review)
    app.command(rich_help_panel=PANEL)(heatmap)
    app.command(rich_help_panel=PANEL)(report)
