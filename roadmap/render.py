"""Terminal views built with rich from plain result objects (no database, no typer).

User text (names, notes, tags) is never interpreted: it goes into ``Text`` objects
(so ``[bold]`` shows literally) after control characters are made visible (so no
escape sequence from user text reaches the terminal).

Layout: every view fits the width it is given, from 60 to 200+ columns. Names wrap inside
their own column instead of squeezing the numbers; prose and reasons wrap with a hanging
indent; what depends on the width (bars, optional columns, the heatmap) is built for the
width rich gives at render time (:class:`Fit`). Nothing relies on colour alone: states are
words or symbols, so ``NO_COLOR``, piped output and ``TERM=dumb`` read the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.table import Table
    from rich.text import Text

    from roadmap import viewdata as vd
    from roadmap.store.queries import PillarRow, SkillRow, TargetRow

WIDE = 80  # from this width on, views add their optional columns and longer bars


def clean(value: str) -> str:
    """User text made safe for a terminal (:func:`roadmap.safetext.visible`)."""
    from roadmap.safetext import visible

    return visible(value)


def text(value: str, style: str = "") -> Text:
    from rich.text import Text

    return Text(clean(value), style=style)


class Fit:
    """A renderable built for the width rich gives it when it is printed."""

    def __init__(self, build: Callable[[int], RenderableType]) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.build(options.max_width)


def _table(title: str | None = None, width: int | None = None) -> Table:
    """A light table: a header rule, no borders (two spaces between columns); ``width``
    makes it exactly that wide (a view's sections share one width)."""
    from rich import box
    from rich.table import Table

    return Table(
        title=text(title) if title is not None else None,  # user text (a target's name)
        title_justify="left",
        title_style="bold",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        expand=width is not None,
        width=width,
    )


def _name_column(table: Table, header: str, max_width: int | None = 44, min_width: int = 8) -> None:
    """The column that gives way on a narrow terminal: its text wraps (at ``max_width`` on a
    wide one), the others do not."""
    ratio = 1 if table.expand else None  # a table of a set width: the name takes the slack
    table.add_column(header, overflow="fold", min_width=min_width, max_width=max_width, ratio=ratio)


def _number_column(table: Table, header: str, justify: str = "right") -> None:
    table.add_column(header, justify=justify, no_wrap=True)  # type: ignore[arg-type]


def _grid(*widths: int | None) -> Table:
    """A borderless grid; the last column wraps (a hanging indent for what follows the
    first columns)."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    for i, width in enumerate(widths):
        last = i == len(widths) - 1
        grid.add_column(no_wrap=not last, min_width=width, overflow="fold")
    return grid


VIEW_MAX = 120  # the widest a view with several sections grows: one width for all of them


def short_label(name: str, ident: str) -> str:
    """A pillar's name for a narrow column: the part before a colon, else before " & " when
    that is still long (``Software``, ``Computer architecture``), else its id."""
    short = name.split(":", 1)[0].strip()
    if len(short) > 22:
        short = short.split(" & ", 1)[0].strip()
    return short if 0 < len(short) <= 24 else ident


def pillar_labels(pillars: Sequence[Mapping[str, Any]], room: int) -> dict[str, str]:
    """Full names when they all fit in ``room`` columns, else short labels for all (one
    style per view)."""
    if all(len(p["name"]) <= room for p in pillars):
        return {p["id"]: p["name"] for p in pillars}
    return {p["id"]: short_label(p["name"], p["id"]) for p in pillars}


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def _hours(minutes: float) -> str:
    return f"{minutes / 60:.1f}h"


def _part_hours(item: Mapping[str, Any]) -> str:
    """A report part's hours: its ``hours`` (rounded so the parts add up to the total shown),
    else its minutes in hours."""
    return f"{item['hours']:.1f}h" if "hours" in item else _hours(item["minutes"])


def _h(hours: float) -> str:
    """Hours for a person: ``3036h``, ``42h``, ``7.5h``, ``0.0h``."""
    return f"{hours:.0f}h" if hours >= 10 else f"{hours:.1f}h"


def _day(stamp: str | None) -> str:
    """The date part of an ISO stamp."""
    return stamp[:10] if stamp else "-"


def bar(fraction: float, width: int = 20) -> str:
    """A text progress bar that needs no colour: ``██████░░░░``."""
    fraction = min(1.0, max(0.0, fraction))
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled)


def level_bar(level: float, max_level: int, width: int = 5) -> str:
    filled = round(level / max_level * width) if max_level else 0
    filled = min(width, max(0, filled))
    return "●" * filled + "○" * (width - filled)


def _level_text(level: float) -> str:
    return f"{level:g}" if float(level).is_integer() else f"{level:.1f}"


# --- the tree and targets ----------------------------------------------------------------------


def tree_view(
    title: str,
    pillars: Sequence[PillarRow],
    max_level: int,
    need: dict[str, int] | None = None,
    target: str | None = None,
    rusty: set[str] | None = None,
) -> RenderableType:
    """Pillars and nested skills with their level (:func:`roadmap.analysis.rollup_level`): a
    group shows the roll-up of its children, labelled; a parent with milestones its own level
    and, labelled beside it, its children's roll-up. With ``need``
    (the target's required level per skill), a skill it requires reads ``now/need``: green
    when reached, yellow when not."""
    from roadmap import analysis

    flat = analysis.flatten(s for p in pillars for s in p.skills)
    by_id, children = analysis.index(flat), analysis.children_of(flat)

    head = text(title, "bold")
    if need is not None and target:
        head.append("  levels now/need for ", style="dim")
        head.append_text(text(target, "dim"))
    root = Outline(head)
    need = need or {}
    rusty_ids = rusty or set()

    def add(branch: Any, skill: SkillRow) -> None:
        label = text(skill.name)
        label.append(f"  {skill.id}", style="dim")
        level = analysis.rollup_level(skill.id, by_id, children)
        shown = _level_text(level)
        group = analysis.is_group(skill.id, by_id, children)
        required = need.get(skill.id) if not group else None
        style = "cyan" if required is None else ("green" if level >= required else "yellow")
        label.append(f"  {level_bar(level, max_level)} {shown}", style=style)
        if required is not None:
            label.append(f"/{required}", style=style)
        if group:
            label.append(" (roll-up)", style="cyan")
        elif skill.children:
            below = analysis.subtree_rollup(skill.id, by_id, children) or 0.0
            label.append(f" (own; its skills {_level_text(below)} roll-up)", style="cyan")
        if skill.id in rusty_ids:
            label.append(" rusty", style="bold red")
        node = branch.add(label)
        for child in skill.children:
            add(node, child)

    for pillar in pillars:
        branch = root.add(text(pillar.name, "bold magenta"))
        for skill in pillar.skills:
            add(branch, skill)
    return root


class Outline:
    """A tree drawn with rich's tree guides, like ``rich.tree.Tree`` but several times
    faster: each label is wrapped once and rendered straight to segments, where rich's Tree
    sends every node through the full render pipeline (0.5 s for a 2,000-skill tree)."""

    GUIDES = ("├── ", "└── ", "│   ", "    ")
    ASCII_GUIDES = ("+-- ", "`-- ", "|   ", "    ")

    def __init__(self, label: Text) -> None:
        self.label = label
        self.children: list[Outline] = []

    def add(self, label: Text) -> Outline:
        node = Outline(label)
        self.children.append(node)
        return node

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.cells import cell_len
        from rich.segment import Segment

        fork, last, pipe, space = self.ASCII_GUIDES if options.ascii_only else self.GUIDES
        guide = console.get_style("tree.line")
        width = options.max_width
        stack: list[tuple[Outline, str, str]] = [(self, "", "")]
        while stack:
            node, first, rest = stack.pop()
            room = max(1, width - cell_len(first))
            label = node.label
            lines = label.wrap(console, room) if label.cell_len > room else [label]
            for index, line in enumerate(lines):
                prefix = first if index == 0 else rest
                if prefix:
                    yield Segment(prefix, guide)
                segments = line.render(console)
                if line.style:  # the label's base style, as Text.__rich_console__ applies it
                    segments = Segment.apply_style(segments, console.get_style(line.style))
                yield from segments
                yield Segment.line()
            count = len(node.children)
            for index in range(count - 1, -1, -1):
                final = index == count - 1
                stack.append(
                    (
                        node.children[index],
                        rest + (last if final else fork),
                        rest + (space if final else pipe),
                    )
                )


def targets_view(targets: Sequence[TargetRow], default: str | None) -> RenderableType:
    """The career targets: a table (the stage each follows only where the width allows);
    under 100 columns, a list (the name under its id), so names are not squeezed."""
    return Fit(
        lambda width: (
            _targets(targets, default, width >= 120)
            if width >= 100
            else _targets_stacked(targets, default)
        )
    )


def _targets_stacked(targets: Sequence[TargetRow], default: str | None) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    parts: list[RenderableType] = [Text("Career targets", style="bold")]
    for target in targets:
        name = text(target.name)
        if target.id == default:
            name.append(" (default)", style="green")
        about = Text(f"by {target.by}" if target.by else "no date", style="dim")
        about.append(f" · {_plural(len(target.requires), 'skill')}")
        if target.after:
            about.append(" · after ")
            about.append_text(text(target.after))
        grid = _grid(1, None)
        grid.add_row("", name)
        grid.add_row("", about)
        parts += [text(target.id, "bold"), grid]
    return Group(*parts)


def _targets(targets: Sequence[TargetRow], default: str | None, wide: bool) -> RenderableType:
    table = _table("Career targets")
    table.add_column("id", no_wrap=True)
    _name_column(table, "name", 60, min_width=16)
    table.add_column("by", no_wrap=True)
    if wide:
        table.add_column("after", no_wrap=True)
    _number_column(table, "skills")
    for target in targets:
        name = text(target.name)
        if target.id == default:
            name.append(" (default)", style="green")
        after = [text(target.after or "-")] if wide else []
        table.add_row(text(target.id), name, target.by or "-", *after, str(len(target.requires)))
    return table


def doctor_view(findings: Sequence[Any]) -> RenderableType:
    """One line per check (status, check: detail), the detail wrapping under itself."""
    from rich.text import Text

    styles = {"ok": "green", "warning": "yellow", "problem": "bold red"}
    words = {"ok": "ok", "warning": "warning", "problem": "PROBLEM"}
    grid = _grid(8, None)
    for f in findings:
        line = text(f.check, "bold")
        line.append(": ")
        line.append_text(text(f.detail))
        grid.add_row(Text(words[f.status], style=styles[f.status]), line)
    return grid


# --- sessions ----------------------------------------------------------------------------------


def sessions_table(rows: Sequence[dict[str, Any]], show_skill: bool = True) -> RenderableType:
    from roadmap.timeparse import format_duration

    table = _table()
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("when", no_wrap=True)
    table.add_column("time", justify="right", no_wrap=True)
    if show_skill:
        table.add_column("skill", no_wrap=True, overflow="ellipsis", max_width=28)
    table.add_column("note", overflow="fold", min_width=10)
    for row in rows:
        skill = text(row["skill"])
        if row.get("skill_archived"):
            skill.append(" (archived)", style="dim")
        note = text(row["note"])
        if row["tags"]:
            note.append("  " + " ".join("#" + clean(t) for t in row["tags"]), style="dim")
        cells: list[Any] = [
            str(row["id"]),
            row["started_at"][:16].replace("T", " "),
            format_duration(row["minutes"]),
        ]
        if show_skill:
            cells.append(skill)
        table.add_row(*cells, note)
    return table


# --- status ------------------------------------------------------------------------------------


def _verdict(on_track: bool | None, pace: float = 1.0, remaining: float = 1.0) -> Text:
    from rich.text import Text

    if remaining <= 0:
        return Text("done", style="green")
    if on_track is None:
        return Text("no pace yet" if pace <= 0 else "no date", style="dim")
    return Text("on track", style="green") if on_track else Text("behind", style="red")


def _pace_text(fc: vd.Forecast) -> str:
    """The pace and what it stands on: "4 weeks", or the days of a shorter history."""
    pace, pace12 = fc["pace_hours_per_week"], fc["pace_12w_hours_per_week"]
    if fc.get("pace_assumed"):
        return f"pace {_h(pace)}/week (assumed)"
    days = fc.get("pace_days", 28)
    if days < 28:
        return f"pace {_h(pace)}/week over {_plural(days, 'day')} of history"
    return f"pace {_h(pace)}/week over 4 weeks, {_h(pace12)}/week over 12 weeks"


def _forecast_rows(fc: vd.Forecast, explain: bool = True) -> list[tuple[str, Text]]:
    """(label, text) rows: remaining effort and pace, then the ETA and verdict in words, and the
    likely–cautious range with (``explain``) one line on where it comes from."""
    from rich.text import Text

    remaining, pace = fc["remaining_hours"], fc["pace_hours_per_week"]
    by, needed = fc["by"], fc.get("needed_hours_per_week")
    effort = Text(f"{_h(remaining)} to go; {_pace_text(fc)}")
    eta = Text()
    rows = [("Forecast", effort), ("ETA", eta)]
    if remaining <= 0:
        eta.append("nothing left to do for this target", style="green")
    elif not fc.get("enough_history", True) and not fc.get("pace_assumed"):
        days, sessions = fc.get("history_days", 0), fc.get("history_sessions", 0)
        effort = Text(f"{_h(remaining)} to go")
        eta.append("not enough history yet")
        if needed is not None:
            eta.append(f": arriving by {by} needs {_h(needed)}/week", style="bold")
        elif by is not None:
            eta.append(f"; the target date {by} has passed")
        history = Text(
            f"{_plural(days, 'day')}, {_plural(sessions, 'session')} "
            "(a pace needs 7 days and 3 sessions)"
        )
        rows = [("Forecast", effort), ("ETA", eta), ("History", history)]
    elif pace <= 0:
        eta.append(f"none: no study logged in the last {_plural(fc.get('pace_days', 28), 'day')}")
        if needed is not None:
            eta.append(f"; arriving by {by} needs {_h(needed)}/week", style="bold")
        elif by is not None:
            eta.append(f"; the target date {by} has passed")
    else:
        eta.append(fc["eta"] or "beyond the calendar at this pace")
        eta.append(": ")
        eta.append_text(_verdict(fc["on_track"], pace, remaining))
        if by is None:
            eta.append(" (the target has no date)")
        elif fc["on_track"]:
            eta.append(f" for {by}")
        elif needed is not None:
            eta.append(f"; arriving by {by} needs {_h(needed)}/week")
        else:
            eta.append(f"; the target date {by} has passed")
        if fc.get("eta_likely"):
            spread = Text(f"likely {fc['eta_likely']}, cautious {fc['eta_cautious'] or 'never'}")
            how = (
                " (at the assumed pace every week)"
                if fc.get("pace_assumed")
                else " (half, and 9 in 10, of 500 futures drawn from your weeks of the pace)"
            )
            if explain:
                spread.append(how, style="dim")
            rows.append(("Range", spread))
    return rows


def _fields(rows: Sequence[tuple[str, RenderableType]]) -> Table:
    """Label / value lines; a long value wraps under itself."""
    from rich.text import Text

    grid = _grid(10, None)
    for label, value in rows:
        grid.add_row(Text(label, style="bold"), value)
    return grid


def status_view(data: vd.Status, names: dict[str, str], full: bool = False) -> RenderableType:
    """The dashboard, built for the terminal width: every section as wide as the widest
    (at most :data:`VIEW_MAX`); it fits a 40-row terminal unless ``full``."""
    return _FitRows(lambda width, keep: _status(data, names, width, full, keep), not full)


STATUS_ROWS = 40  # the dashboard fits a terminal this tall (unless --full)


class _FitRows:
    """The dashboard rendered once at the width rich gives it; when it is taller than
    :data:`STATUS_ROWS` (a running timer, a rusty level, a narrow terminal add lines), again
    with fewer gaps and next steps (all of them are in ``status --full``)."""

    def __init__(self, build: Callable[[int, int], RenderableType], fit: bool) -> None:
        self.build, self.fit = build, fit

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        width = min(options.max_width, VIEW_MAX)
        options = options.update(width=width)
        for keep in (3, 2, 1):
            lines = console.render_lines(self.build(width, keep), options, pad=False)
            if not self.fit or len(lines) <= STATUS_ROWS:
                break
        for line in lines:
            yield from line
            yield Segment.line()


def _rusty_line(data: vd.Status, room: int) -> Text:
    """One line (``room`` characters): the rusty levels by id when they fit, else how many."""
    from rich.text import Text

    rusty = data["rusty"]
    named = ", ".join(f"{r['skill']} (level {r['level']})" for r in rusty)
    if len(named) > room:
        named = _plural(len(rusty), "level")
    line = Text(named, style="bold red")
    if len(line.plain) + 34 <= room:
        line.append(": re-check their milestones", style="dim")
    elif len(line.plain) + 17 <= room:
        line.append(" (roadmap review)", style="dim")
    return line


def _status(
    data: vd.Status, names: dict[str, str], width: int, full: bool = False, keep: int = 3
) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    wide = width >= WIDE
    target = data["target"]
    head = text(target["name"])
    if target["by"]:
        head.append(f" (by {target['by']})")
    ready = Text(bar(data["readiness"], 30 if wide else 20) + " ")
    ready.append(f"{data['readiness']:.0%}", style="bold cyan")
    parts: list[RenderableType] = [_fields([("Target", head), ("Readiness", ready)]), Text("")]

    pillars = _table(width=width)
    labels = pillar_labels(data["pillars"], width - (17 if wide else 11) - 13 - 6)
    _name_column(pillars, "pillar", None)
    pillars.add_column("readiness", no_wrap=True)
    _number_column(pillars, "week")
    _number_column(pillars, "total")
    from roadmap.analysis import apportion_hours, tenths_of_hours

    # Hours rounded so that the pillars' week hours add up to "This week" below.
    week_hours = apportion_hours([p["minutes_week"] for p in data["pillars"]], data["week_minutes"])
    total_hours = apportion_hours([p["minutes_total"] for p in data["pillars"]])
    for p, wk, tot in zip(data["pillars"], week_hours, total_hours, strict=True):
        pillars.add_row(
            text(labels[p["id"]]),
            _readiness_cell(p["readiness"], 12 if wide else 6),
            f"{wk:.1f}h",
            f"{tot:.1f}h",
        )
    parts += [pillars, Text("")]

    week = Text(f"{tenths_of_hours(data['week_minutes']) / 10:.1f}h")
    goal = data["weekly_goal_minutes"]
    if goal:
        share = data["week_minutes"] / goal
        week.append(f" of {_hours(goal)} goal  ")
        met = "green" if share >= 1 else ""
        week.append(bar(share, 12 if wide else 8), style=met)
        week.append(f" {share:.0%}", style="bold green" if share >= 1 else "")
        if share > 1:
            week.append(" goal exceeded", style="green")
    streak = data["streak"]
    rows: list[tuple[str, RenderableType]] = [("This week", week)]
    planned = _week_plan_line(data.get("this_week"))
    if planned is not None:
        rows.append(("Plan", planned))
    rows += [
        (
            "Streak",
            Text(
                f"{_plural(streak['current'], 'day')} with a session (longest {streak['longest']})"
            ),
        ),
    ]
    if data["timer"]:
        timer = data["timer"]
        line = text(f"{names.get(timer['skill'], timer['skill'])} ({timer['skill']})")
        line.append(f", running for {_elapsed(timer['minutes'])}")
        if timer["minutes"] > 12 * 60:
            line.append(": forgotten? roadmap stop --at TIME, or roadmap cancel")
        rows.append(("Timer", line))
    # narrow, the dashboard keeps to 40 rows: where the range comes from is in `forecast`
    rows += _forecast_rows(data["forecast"], explain=wide or full)
    if data["rusty"]:
        rows.append(("Rusty", _rusty_line(data, width - 11)))
    parts.append(_fields(rows))

    gaps = data["top_gaps"] if full else data["top_gaps"][:keep]
    if gaps:
        parts += [Text(""), _gaps(gaps, "Biggest gaps", wide, width)]
    reasons = None if full else (2 if width >= 100 else 1)
    steps = data["next"] if full else data["next"][:keep]
    if steps:
        parts += [Text(""), next_view(steps, reasons=reasons)]
    week_rows = (data.get("this_week") or {}).get("skills") or []
    if full and week_rows:
        parts += [Text(""), _week_skills(data["this_week"], width)]
    cut = (
        len(gaps) < len(data["top_gaps"])
        or len(steps) < len(data["next"])
        or (reasons is not None and any(len(r["reasons"]) > reasons for r in data["next"]))
    )
    if cut or (not full and week_rows):
        what = "all gaps and reasons" if cut else "this week by skill"
        parts += [Text(""), Text(f"{what}: roadmap status --full", style="dim")]
    return Group(*parts)


def _week_plan_line(week: vd.ThisWeek | None) -> Text | None:
    """This week's plan in one line (what is done is on the line above): what is left to do,
    in how many blocks, and the next one (None without a weekly goal)."""
    from datetime import datetime

    from rich.text import Text

    if not week or week["goal_minutes"] is None:
        return None
    line = Text()
    if week["to_do_blocks"]:
        line.append(f"{_hours(week['to_do_minutes'])} to do in ")
        line.append(_plural(week["to_do_blocks"], "block"))
        block = week["next_block"]
        if block is not None:
            start = datetime.fromisoformat(block["start"])
            end = datetime.fromisoformat(block["end"])
            line.append(f"; next {start:%a} {start:%H:%M}-{end:%H:%M} ")
            line.append_text(text(block["name"], "bold"))
    elif week["done_minutes"] >= week["goal_minutes"]:
        line.append("the goal is met: nothing left to plan", style="green")
    else:
        line.append("nothing planned: no free study slot left this week", style="yellow")
    line.no_wrap, line.overflow = True, "ellipsis"  # one line: `status --full` has it all
    return line


def _week_skills(week: vd.ThisWeek, width: int) -> RenderableType:
    """This week by skill: done (logged since Monday) and to do (the blocks planned)."""
    table = _table(f"This week by skill ({week['first_day']} to {week['last_day']})", width=width)
    _name_column(table, "skill", None)
    _number_column(table, "done")
    _number_column(table, "to do")
    _number_column(table, "blocks")
    for row in week["skills"]:
        table.add_row(
            text(row["name"]),
            _hours(row["done_minutes"]),
            _hours(row["to_do_minutes"]),
            str(row["to_do_blocks"]) if row["to_do_blocks"] else "",
        )
    return table


def _elapsed(minutes: int) -> str:
    from roadmap.timeparse import format_elapsed

    return format_elapsed(minutes)


def _readiness_cell(fraction: float, width: int) -> Text:
    """A bar and a percentage, coloured by how far along it is."""
    from rich.text import Text

    style = "green" if fraction >= 0.999 else ("yellow" if fraction >= 0.5 else "red")
    cell = Text(bar(fraction, width), style=style)
    cell.append(f" {fraction:>4.0%}")
    return cell


def _minutes(minutes: int) -> str:
    from roadmap.timeparse import format_duration

    return format_duration(minutes)


# --- gaps, next --------------------------------------------------------------------------------


def gaps_table(rows: Sequence[vd.GapRow], title: str) -> RenderableType:
    """Skills with a gap; the pillar column only where the width allows."""
    if not rows:
        return text("No gaps: every required skill is at its level.", "green")
    return Fit(lambda width: _gaps(rows, title, width >= WIDE))


def _gaps(
    rows: Sequence[vd.GapRow], title: str, wide: bool, width: int | None = None
) -> RenderableType:
    table = _table(title, width=width)
    _name_column(table, "skill", None if width else 52)
    if wide:
        table.add_column("pillar", no_wrap=True)
    _number_column(table, "now")
    _number_column(table, "need")
    _number_column(table, "gap")
    _number_column(table, "weight")
    for g in rows:
        numbers = [str(g["current"]), str(g["required"]), str(g["gap"]), str(g["weight"])]
        pillar = [text(g["pillar"])] if wide else []
        table.add_row(text(g["name"]), *pillar, *numbers)
    return table


def next_view(
    rows: Sequence[vd.Recommendation], target: str | None = None, reasons: int | None = None
) -> RenderableType:
    """Recommendations with their reasons (with ``reasons``: that many, on one line, and no
    score, for the dashboard)."""
    from rich.console import Group
    from rich.text import Text

    if not rows:
        return text("Nothing to recommend: no unlocked skill has a gap.", "green")
    title = Text("Next steps", style="bold")
    if target:
        title.append(" toward ", style="bold")
        title.append_text(text(target, "bold"))
    grid = _grid(3, None)
    for i, rec in enumerate(rows, 1):
        head = text(rec["name"], "bold")
        head.append(f" ({rec['skill']})")
        if reasons is not None:
            grid.add_row(f"{i}.", Group(head, text("; ".join(rec["reasons"][:reasons]), "dim")))
            continue
        head.append(f"  score {rec['score']:.2f}", style="dim")
        listed = _grid(1, None)
        for reason in rec["reasons"]:
            listed.add_row("-", text(reason))
        grid.add_row(f"{i}.", Group(head, listed))
    return Group(title, grid)


# --- show --------------------------------------------------------------------------------------


def _how(data: dict[str, Any]) -> str:
    """How the level was reached, in words (the higher of assessment and milestones)."""
    parts = []
    reached = data["milestone_level"]
    if reached:
        levels = "level 1" if reached == 1 else f"levels 1-{reached}"
        parts.append(f"every milestone of {levels} checked")
    if data["assessment"]:
        a = data["assessment"]
        how = "calibrated at" if a.get("kind") == "calibrate" else "self-assessed"
        parts.append(f"{how} {a['level']} on {_day(a['at'])}")
    if not parts:
        return "not started: no milestone level complete, no self-assessment"
    history = data["level_history"]
    if history:
        parts.append(f"last change {_day(history[-1]['changed_at'])}")
    return "; ".join(parts)


def show_view(data: dict[str, Any]) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    head = text(data["name"], "bold")
    head.append(f"  {data['id']} · {data['pillar']}", style="dim")
    if data["archived"]:
        head.append("  (archived)", style="red")
    parts: list[RenderableType] = [head]
    if data["description"]:
        parts.append(text(data["description"]))
    parts.append(Text(""))

    fields = _grid(10, None)
    parent = data["children"] != []
    group = bool(data.get("group"))
    level = Text()
    if group:
        level.append(f"{_level_text(data['level'])} (roll-up of its children)")
    else:
        level.append(str(data["level"]))
        if parent and data.get("rollup_level") is not None:
            level.append(f" (its own; its skills: {_level_text(data['rollup_level'])} roll-up)")
    if data.get("required") is not None:
        level.append(f", target needs {data['required']}")
    if data.get("readiness") is not None:
        level.append(f", readiness {data['readiness']:.0%}")
    if data.get("rusty"):
        level.append(" rusty", style="bold red")
        level.append(
            f": a review found it gone; re-check its level-{data['level']} milestones "
            f"(roadmap check), or review it again"
        )
    fields.add_row(Text("Level", style="bold"), level)
    if not group:
        fields.add_row(Text("How", style="bold"), Text(_how(data)))
        steps = data.get("hours_by_level")
        effort = (
            "about " + "/".join(f"{h:g}" for h in steps) + "h for levels 1-" + str(len(steps))
            if steps
            else f"about {data['hours']:g}h per level"
        )
        if data.get("hours_to_next_level") is not None:
            effort += f" ({_h(data['hours_to_next_level'])} left to level {data['level'] + 1})"
        effort += f"; weight {data['weight']}"
        fields.add_row(Text("Effort", style="bold"), Text(effort))
    sessions = _plural(data["sessions"], "session")
    practised = f"{_hours(data['minutes_total'])} in {sessions}"
    if parent:
        practised += " across its skills"
    practised += f"; last {data['last_practised'] or 'never'}"
    fields.add_row(Text("Practised", style="bold"), Text(practised))
    if data["unlocked"] is not None and data["prerequisites"]:
        state = Text("unlocked", style="green") if data["unlocked"] else Text("locked", "red")
        fields.add_row(Text("State", style="bold"), state)
    parts.append(fields)

    if parent:
        parts.append(Text(""))
        table = _table("Children")
        _name_column(table, "skill", 60)
        _number_column(table, "level")
        _number_column(table, "target")
        for c in data["children"]:
            name = text(c["name"])
            name.append(f" ({c['id']})", style="dim")
            need = "-" if c["required"] is None else str(c["required"])
            table.add_row(name, _level_text(c["level"]), need)
        parts.append(table)
    if data["milestones"]:
        parts.append(_section("Milestones"))
        grid = _grid(1, 3, 3, None)
        for m in data["milestones"]:
            mark = Text("[x]", style="green") if m["checked"] else Text("[ ]")
            line = text(m["text"])
            if m["checked"] and m["checked_at"]:
                line.append(f"  (checked {_day(m['checked_at'])})", style="dim")
            grid.add_row("", mark, m["ref"], line)
        parts.append(grid)
    if data.get("evidence"):
        parts.append(_section("Evidence"))
        grid = _grid(1, 8, None)
        for e in data["evidence"]:
            what = f"milestone {e['ref']}" if e["source"] == "milestone" else "assessed"
            line = text(f"{what} ({_day(e['at'])}): ")
            line.append_text(text(e["evidence"], "blue"))
            grid.add_row("", f"level {e['level']}", line)
        parts.append(grid)
    if data["prerequisites"]:
        parts.append(_section("Prerequisites"))
        grid = _grid(1, 7, None)
        for p in data["prerequisites"]:
            mark = Text("met", style="green") if p["met"] else Text("not yet", style="red")
            line = text(p["name"])
            line.append(f" ({p['skill']})", style="dim")
            line.append(f"  level {_level_text(p['current'])}, needs {p['level']}")
            if p.get("inherited"):
                line.append("  (from its parent)", style="dim")
            grid.add_row("", mark, line)
        parts.append(grid)
    if data["unlocks"]:
        parts.append(_section("Unlocks (skills that need this one)"))
        grid = _grid(1, None)
        for u in data["unlocks"]:
            line = text(u["name"])
            line.append(f" ({u['skill']})", style="dim")
            line.append(f"  at level {u['level']}")
            if u.get("met"):
                line.append(" (reached)", style="green")
            grid.add_row("", line)
        parts.append(grid)
    if data["resources"]:
        parts.append(_section("Resources"))
        grid = _grid(1, None)
        for r in data["resources"]:
            line = text(f"[{r['kind']}] " if r.get("kind") else "")
            line.append_text(text(r["title"]))
            if r.get("url"):
                line.append("\n")
                line.append_text(text(r["url"], "blue"))
            grid.add_row("", line)
        parts.append(grid)
    if data["recent_sessions"]:
        parts.append(_section("Recent sessions"))
        parts.append(sessions_table(data["recent_sessions"], show_skill=parent))
    return Group(*parts)


def _section(title: str) -> Text:
    from rich.text import Text

    return Text(title, style="bold")


# --- forecast ----------------------------------------------------------------------------------


def forecast_view(data: vd.Forecast) -> RenderableType:
    return Fit(lambda width: _forecast(data, width))


def _forecast(data: vd.Forecast, width: int) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    wide = width >= WIDE
    head = text(data["target"]["name"])
    if data["by"]:
        head.append(f" (by {data['by']})")
    rows: list[tuple[str, RenderableType]] = [("Target", head), *_forecast_rows(data)]
    lines: list[RenderableType] = [_fields(rows), Text("")]
    room = width - 62  # what the numbers leave for the pillar's name
    shortest = max((len(short_label(p["name"], p["id"])) for p in data["pillars"]), default=0)
    if not wide or room < shortest:
        enough = data.get("enough_history", True) or bool(data.get("pace_assumed"))
        return Group(*lines, *_forecast_pillars_stacked(data["pillars"], width, enough))
    labels = pillar_labels(data["pillars"], room)
    table = _table()
    _name_column(table, "pillar", None)
    _number_column(table, "left")
    _number_column(table, "pace/wk")
    _number_column(table, "12w/wk")
    _number_column(table, "need/wk")
    table.add_column("ETA", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    for p in data["pillars"]:
        needed = p.get("needed_hours_per_week")
        table.add_row(
            text(labels[p["id"]]),
            _h(p["remaining_hours"]),
            _h(p["pace_hours_per_week"]),
            _h(p["pace_12w_hours_per_week"]),
            "-" if needed is None else _h(needed),
            _pillar_eta(p),
            _verdict(p["on_track"], p["pace_hours_per_week"], p["remaining_hours"])
            if data.get("enough_history", True) or data.get("pace_assumed")
            else Text("-", style="dim"),
        )
    lines.append(table)
    return Group(*lines)


def _pillar_eta(p: vd.PillarForecast) -> str:
    return p["eta"] if p["eta"] and p["remaining_hours"] > 0 else "-"


def _forecast_pillars_stacked(
    pillars: Sequence[vd.PillarForecast], width: int, enough: bool = True
) -> list[RenderableType]:
    """On a narrow terminal: each pillar's name on its own line (short where the whole name
    does not fit), its numbers below."""
    from rich.text import Text

    out: list[RenderableType] = []
    for p in pillars:
        fits = len(p["name"]) <= width
        out.append(text(p["name"] if fits else short_label(p["name"], p["id"]), "bold"))
        left, pace = p["remaining_hours"], p["pace_hours_per_week"]
        needed = p.get("needed_hours_per_week")
        line = Text(f"{_h(left)} left")
        if left <= 0:
            line.append(": ")
        elif not enough:
            line.append(", not enough history yet")
        elif pace <= 0:
            line.append(", no pace yet")
        else:
            line.append(f" at {_h(pace)}/week, ETA {_pillar_eta(p)}: ")
        if left <= 0 or (pace > 0 and enough):
            line.append_text(_verdict(p["on_track"], pace, left))
        if left > 0 and needed is not None and not p["on_track"]:
            line.append(f"; needs {_h(needed)}/week")
        grid = _grid(1, None)
        grid.add_row("", line)
        out.append(grid)
    return out


# --- review ------------------------------------------------------------------------------------


def review_table(rows: Sequence[vd.ReviewRow], one: bool = False) -> RenderableType:
    if not rows:
        return text("Nothing is due for review.", "green")
    return Fit(lambda width: _review(rows, width >= WIDE, one))


def _review(rows: Sequence[vd.ReviewRow], wide: bool, one: bool) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    table = _table("Review schedule" if one else "Due for review (most overdue first)")
    _name_column(table, "skill")
    _number_column(table, "level")
    table.add_column("due", no_wrap=True)
    _number_column(table, "recall")
    if wide:
        _number_column(table, "stability")
        table.add_column("last review", no_wrap=True)
    for row in rows:
        overdue = row["overdue_days"]
        if row["due"] is None:
            due = "never reviewed"
        elif overdue is not None and overdue > 0:
            due = f"{row['due']} ({overdue}d ago)"
        else:
            due = row["due"]
        r = row["retrievability"]
        last = row["last_review"]
        extra = []
        if wide:
            stability = row["stability"]
            extra = [
                "" if stability is None else f"{stability:.0f}d",
                "" if last is None else f"{last['at'][:10]} {last['recall']}",
            ]
        name = text(row["name"])
        if row["rusty"]:
            name.append(" rusty", style="bold red")
        table.add_row(
            name, str(row["level"]), due, "" if r is None else f"{round(r * 100)}%", *extra
        )
    note = Text(
        "recall: the estimated chance the level is still there (FSRS); a level is due when it "
        "falls to 90%. Record a review: roadmap review SKILL --recall again|hard|good|easy.",
        style="dim",
    )
    parts: list[RenderableType] = [table]
    parts += [
        Text(f"{row['skill']}: {reason}")
        for row in rows
        for reason in row["reasons"]
        if row["rusty"]
    ]
    parts.append(note)
    return Group(*parts)


# --- heatmap -----------------------------------------------------------------------------------

HEAT = (" ", "░", "▒", "▓", "█")
_HEAT_STYLES = ("dim", "green", "green", "bold green", "bold green")
_DAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def heatmap_view(data: vd.Heatmap) -> RenderableType:
    """GitHub-style: weeks as columns (Monday on top), month labels above, a legend below.
    Cells are two characters wide when that fits, else one; weeks that do not fit the width
    are drawn in further blocks below, oldest first."""
    return Fit(lambda width: _heatmap(data, width))


def _heatmap(data: vd.Heatmap, width: int) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    from roadmap.analysis import heat_bucket

    weeks: list[list[int | None]] = data["weeks"]
    start = date.fromisoformat(data["start"])
    top = max((m or 0 for week in weeks for m in week), default=0)
    label = 4
    cell = 2 if label + 2 * len(weeks) <= width else 1
    per_block = max(1, (width - label) // cell)
    parts: list[RenderableType] = []
    for first in range(0, len(weeks), per_block):
        block = weeks[first : first + per_block]
        if first:
            parts.append(Text(""))
        parts.append(_month_row(start + timedelta(weeks=first), len(block), cell, label))
        for day, name in enumerate(_DAYS):
            line = Text(f"{name:<{label}}")
            for week in block:
                minutes = week[day]
                if minutes is None:
                    line.append(" " * cell)
                    continue
                bucket = heat_bucket(minutes, top)
                glyph = "·" if bucket == 0 else HEAT[bucket]
                line.append(glyph * cell, style=_HEAT_STYLES[bucket])
            line.rstrip()
            parts.append(line)
    parts.append(_legend(top, label))
    days = sum(1 for week in weeks for m in week if m)
    total = sum(m or 0 for week in weeks for m in week)
    summary = Text(
        f"{_plural(len(weeks), 'week')} from {data['start']} to {data['today']}: "
        f"{_hours(total)} on {_plural(days, 'day')}"
    )
    if top:
        summary.append(f"; most in a day {_minutes(top)}")
    grid = _grid(label - 1, None)
    grid.add_row("", summary)
    parts.append(grid)
    return Group(*parts)


def _month_row(start: date, weeks: int, cell: int, label: int) -> Text:
    """Month names above the first week column of each month, where they fit."""
    from rich.text import Text

    row = [" "] * (label + weeks * cell)
    free = label
    for w in range(weeks):
        monday = start + timedelta(weeks=w)
        first_week = w == 0 or (monday - timedelta(weeks=1)).month != monday.month
        name = _MONTHS[monday.month - 1]
        at = label + w * cell
        if first_week and at >= free and at + len(name) <= len(row):
            row[at : at + len(name)] = name
            free = at + len(name) + 1
    return Text("".join(row).rstrip(), style="dim")


def _legend(top: int, label: int) -> Table:
    """GitHub's "less … more" scale, then what each shade means in minutes per day (quarters
    of the busiest day)."""
    from rich.text import Text

    legend = Text("less ")
    for bucket in range(5):
        legend.append("·" if bucket == 0 else HEAT[bucket], style=_HEAT_STYLES[bucket])
        legend.append(" ")
    legend.append("more")
    grid = _grid(label - 1, None)
    grid.add_row("", legend)
    if top:
        scale = Text("per day:", style="dim")
        for bucket in range(1, 5):
            scale.append("  ")
            scale.append(HEAT[bucket], style=_HEAT_STYLES[bucket])
            scale.append(f" ≤{_minutes(top * bucket // 4)}")
        grid.add_row("", scale)
    return grid


# --- report ------------------------------------------------------------------------------------


def report_view(data: vd.Report) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    since = "the start" if data["since"] <= "1970-01-01" else data["since"]
    head = Text(f"Report from {since} to {data['until']}", style="bold")
    summary = Text(
        f"{_part_hours(data)} in {_plural(data['sessions'], 'session')}; "
        f"{_plural(len(data['milestones_checked']), 'milestone')} checked; "
        f"{_plural(len(data['level_ups']), 'level-up')}"
    )
    parts: list[RenderableType] = [head, summary]
    if data["pillars"]:
        table = _table()
        _name_column(table, "pillar")
        _number_column(table, "hours")
        for p in data["pillars"]:
            table.add_row(text(p.get("name", p["id"])), _part_hours(p))
        parts += [Text(""), table]
    if data["skills"]:
        shown = data["skills"][:15]
        table = _table()
        _name_column(table, "skill")
        _number_column(table, "hours")
        for s in shown:
            table.add_row(text(s["name"]), _part_hours(s))
        parts += [Text(""), table]
        more = len(data["skills"]) - len(shown)
        if more:
            rest = {
                "minutes": sum(s["minutes"] for s in data["skills"][15:]),
                "hours": round(sum(s.get("hours", 0.0) for s in data["skills"][15:]), 1),
            }
            parts.append(Text(f"and {_plural(more, 'more skill')} ({_part_hours(rest)})", "dim"))
    if data["level_ups"]:
        parts += [Text(""), _section("Level-ups")]
        grid = _grid(1, None)
        for up in data["level_ups"]:
            line = text(up.get("name", up["skill"]))
            line.append(f"  {up['from']} → {up['to']}", style="green")
            grid.add_row("", line)
        parts.append(grid)
    if data["milestones_checked"]:
        parts += [Text(""), _section("Milestones checked")]
        grid = _grid(1, None)
        for m in data["milestones_checked"]:
            line = text(m.get("name", m["skill"]), "bold")
            if m.get("ref"):
                line.append(f" {m['ref']}", style="bold")
            line.append(": ")
            line.append_text(text(m["text"]))
            grid.add_row("", line)
        parts.append(grid)
    return Group(*parts)


# --- targets compare ---------------------------------------------------------------------------


def targets_compare_view(data: dict[str, Any]) -> RenderableType:
    """Two targets: the hours each would take, the skills they share, what each adds."""
    from rich.console import Group
    from rich.table import Table

    a, b = data["a"], data["b"]
    head = text(f"{a['name']} ({a['id']}) vs {b['name']} ({b['id']})", "bold")
    hours = _grid(None, None)
    hours.add_row(text(a["id"]), text(f"{a['remaining_hours']:g} h to go"))
    hours.add_row(text(b["id"]), text(f"{b['remaining_hours']:g} h to go"))
    hours.add_row(text("both"), text(f"{data['both_remaining_hours']:g} h to go"))
    parts: list[RenderableType] = [head, hours]
    shared = Table(box=None, padding=(0, 1), show_edge=False, title_justify="left")
    shared.title = f"Shared ({len(data['shared'])})"
    for name in ("skill", "now", a["id"], b["id"]):
        shared.add_column(clean(name), overflow="fold")
    for row in data["shared"]:
        shared.add_row(
            text(f"{row['name']} ({row['skill']})"),
            str(row["current"]),
            str(row["a"]),
            str(row["b"]),
        )
    parts.append(shared if data["shared"] else text("Shared: none", "dim"))
    for key, target in (("only_a", a), ("only_b", b)):
        rows = data[key]
        if not rows:
            parts.append(text(f"Only {target['id']}: none", "dim"))
            continue
        table = Table(box=None, padding=(0, 1), show_edge=False, title_justify="left")
        table.title = clean(f"Only {target['id']} ({len(rows)})")
        for name in ("skill", "now", "needs", "hours"):
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(
                text(f"{row['name']} ({row['skill']})"),
                str(row["current"]),
                str(row["required"]),
                f"{row['remaining_hours']:g}",
            )
        parts.append(table)
    return Group(*parts)


def unproven_view(rows: Sequence[Mapping[str, Any]]) -> RenderableType:
    """Skills held at a level without any evidence."""
    from rich.console import Group

    if not rows:
        return text("Every level you hold has evidence.", "green")
    grid = _grid(None, None)
    for row in rows:
        name = text(row["name"])
        name.append(f" ({row['skill']})", style="dim")
        grid.add_row(f"level {row['level']}", name)
    hint = text(
        "attach some: roadmap check SKILL LEVEL.N --link URL, "
        "or roadmap assess SKILL LEVEL --evidence URL|PATH",
        "dim",
    )
    return Group(text(f"Levels held without evidence ({len(rows)})", "bold"), grid, hint)
