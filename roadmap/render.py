"""Terminal views built with rich from plain result objects (no database, no typer).

User text (names, notes, tags) is never interpreted: it goes into ``Text`` objects
(so ``[bold]`` shows literally) after control characters are made visible (so no
escape sequence from user text reaches the terminal).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

    from roadmap.queries import PillarRow, SkillRow, TargetRow

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(value: str) -> str:
    """User text made safe for a terminal: control characters shown as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)


def text(value: str, style: str = "") -> Text:
    from rich.text import Text

    return Text(clean(value), style=style)


def level_bar(level: float, max_level: int, width: int = 5) -> str:
    filled = round(level / max_level * width) if max_level else 0
    return "●" * filled + "○" * (width - filled)


def tree_view(title: str, pillars: Sequence[PillarRow], max_level: int) -> RenderableType:
    from rich.tree import Tree

    root = Tree(text(title, "bold"))

    def add(branch: Any, skill: SkillRow) -> None:
        label = text(skill.name)
        label.append(f"  {skill.id}", style="dim")
        if not skill.children:
            label.append(f"  {level_bar(skill.level, max_level)} {skill.level}", style="cyan")
        node = branch.add(label)
        for child in skill.children:
            add(node, child)

    for pillar in pillars:
        branch = root.add(text(pillar.name, "bold magenta"))
        for skill in pillar.skills:
            add(branch, skill)
    return root


def targets_view(targets: Sequence[TargetRow], default: str | None) -> RenderableType:
    from rich.table import Table

    table = Table(title="Career targets", title_justify="left", expand=False)
    table.add_column("id", no_wrap=True)
    table.add_column("name")
    table.add_column("by", no_wrap=True)
    table.add_column("after", no_wrap=True)
    table.add_column("skills", justify="right")
    for target in targets:
        name = text(target.name)
        if target.id == default:
            name.append(" (default)", style="green")
        table.add_row(
            text(target.id),
            name,
            target.by or "-",
            text(target.after or "-"),
            str(len(target.requires)),
        )
    return table


def sessions_table(rows: Sequence[dict[str, Any]]) -> RenderableType:
    from rich.table import Table

    from roadmap.timeparse import format_duration

    table = Table(expand=False)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("when", no_wrap=True)
    table.add_column("time", justify="right", no_wrap=True)
    table.add_column("skill", no_wrap=True, overflow="ellipsis", max_width=28)
    table.add_column("note", overflow="fold")
    for row in rows:
        skill = text(row["skill"])
        if row.get("skill_archived"):
            skill.append(" (archived)", style="dim")
        note = text(row["note"])
        if row["tags"]:
            note.append("  " + " ".join("#" + clean(t) for t in row["tags"]), style="dim")
        table.add_row(
            str(row["id"]),
            row["started_at"][:16].replace("T", " "),
            format_duration(row["minutes"]),
            skill,
            note,
        )
    return table


def _hours(minutes: float) -> str:
    return f"{minutes / 60:.1f}h"


def bar(fraction: float, width: int = 20) -> str:
    """A text progress bar that needs no colour: ``██████░░░░``."""
    fraction = min(1.0, max(0.0, fraction))
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled)


def _verdict(on_track: bool | None) -> Text:
    from rich.text import Text

    if on_track is None:
        return Text("no verdict", style="dim")
    return Text("on track", style="green") if on_track else Text("behind", style="red")


def status_view(data: dict[str, Any], names: dict[str, str]) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    target = data["target"]
    head = Text()
    head.append("Target: ", style="bold")
    head.append_text(text(target["name"]))
    if target["by"]:
        head.append(f"  by {target['by']}")
    head.append(f"   readiness {data['readiness']:.0%}", style="bold cyan")
    parts: list[RenderableType] = [head, Text(bar(data["readiness"], 30))]

    pillars = Table(box=None, pad_edge=False, show_edge=False, expand=False)
    pillars.add_column("pillar", overflow="ellipsis", max_width=34, no_wrap=True)
    pillars.add_column("readiness", no_wrap=True)
    pillars.add_column("week", justify="right", no_wrap=True)
    pillars.add_column("total", justify="right", no_wrap=True)
    for p in data["pillars"]:
        pillars.add_row(
            text(p["name"]),
            f"{bar(p['readiness'], 12)} {p['readiness']:>4.0%}",
            _hours(p["minutes_week"]),
            _hours(p["minutes_total"]),
        )
    parts += [Text(""), pillars]

    week = Text()
    goal = data["weekly_goal_minutes"]
    week.append("This week: ", style="bold")
    week.append(_hours(data["week_minutes"]))
    if goal:
        week.append(f" of {_hours(goal)} goal  {bar(data['week_minutes'] / goal, 12)}")
    streak = data["streak"]
    week.append(f"   streak {streak['current']}d (longest {streak['longest']}d)")
    parts += [Text(""), week]
    if data["timer"]:
        timer = data["timer"]
        line = Text("Timer: ", style="bold yellow")
        line.append_text(text(f"{timer['skill']} running for {timer['minutes']}m"))
        parts.append(line)

    fc = data["forecast"]
    line = Text("Forecast: ", style="bold")
    line.append(f"{fc['remaining_hours']:.0f}h to go at {fc['pace_hours_per_week']:.1f}h/week")
    line.append(f" (12w: {fc['pace_12w_hours_per_week']:.1f})")
    line.append(f"  ETA {fc['eta'] or 'never at this pace'}  ")
    line.append_text(_verdict(fc["on_track"]))
    if fc.get("needed_hours_per_week") is not None and not fc["on_track"]:
        line.append(f"  (needs {fc['needed_hours_per_week']:.1f}h/week)")
    parts.append(line)

    if data["top_gaps"]:
        parts += [Text(""), gaps_table(data["top_gaps"], "Biggest gaps")]
    if data["next"]:
        parts += [Text(""), next_view(data["next"])]
    return Group(*parts)


def gaps_table(rows: Sequence[dict[str, Any]], title: str) -> RenderableType:
    from rich.table import Table

    if not rows:
        return text("No gaps: every required skill is at its level.", "green")
    table = Table(title=title, title_justify="left", expand=False)
    table.add_column("skill", overflow="ellipsis", no_wrap=True, max_width=36)
    table.add_column("pillar", no_wrap=True, overflow="ellipsis", max_width=12)
    table.add_column("now", justify="right")
    table.add_column("need", justify="right")
    table.add_column("gap", justify="right")
    table.add_column("weight", justify="right")
    for g in rows:
        table.add_row(
            text(g["name"]),
            text(g["pillar"]),
            str(g["current"]),
            str(g["required"]),
            str(g["gap"]),
            str(g["weight"]),
        )
    return table


def next_view(rows: Sequence[dict[str, Any]]) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    if not rows:
        return text("Nothing to recommend: no unlocked skill has a gap.", "green")
    parts: list[RenderableType] = [Text("Next steps", style="bold")]
    for i, rec in enumerate(rows, 1):
        line = Text(f"{i}. ")
        line.append_text(text(rec["name"], "bold"))
        line.append(f"  {rec['skill']}  score {rec['score']:.2f}", style="dim")
        parts.append(line)
        for reason in rec["reasons"]:
            parts.append(text(f"   - {reason}"))
    return Group(*parts)


def show_view(data: dict[str, Any]) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    head = text(data["name"], "bold")
    head.append(f"  {data['id']}  ({data['pillar']})", style="dim")
    if data["archived"]:
        head.append("  archived", style="red")
    parts: list[RenderableType] = [head]
    if data["description"]:
        parts.append(text(data["description"]))
    level = Text(f"Level {data['level']}")
    if data.get("required") is not None:
        level.append(f" of {data['required']} required")
    how = data["level_history"][-1]["cause"] if data["level_history"] else None
    if how:
        level.append_text(text(f" (last change: {how})", "dim"))
    if data["assessment"]:
        level.append(f"  self-assessed {data['assessment']['level']}")
    level.append(f"   weight {data['weight']}, ~{data['hours']:g}h per level")
    parts.append(level)
    parts.append(
        Text(
            f"Practised {_hours(data['minutes_total'])} in {data['sessions']} session(s); "
            f"last {data['last_practised'] or 'never'}"
        )
    )
    if data["milestones"]:
        parts.append(Text("Milestones", style="bold"))
        for m in data["milestones"]:
            mark = "[x]" if m["checked"] else "[ ]"
            line = Text(f"  {mark} {m['ref']} ", style="green" if m["checked"] else "")
            line.append_text(text(m["text"]))
            line.append(f"  ({m['id']})", style="dim")
            parts.append(line)
    if data["prerequisites"]:
        parts.append(Text("Prerequisites", style="bold"))
        for p in data["prerequisites"]:
            line = Text("  ok " if p["met"] else "  -- ", style="green" if p["met"] else "red")
            line.append_text(text(f"{p['name']} ({p['skill']}) level {p['current']}/{p['level']}"))
            parts.append(line)
    if data["unlocks"]:
        parts.append(Text("Unlocks", style="bold"))
        parts.append(
            text("  " + ", ".join(f"{u['skill']} (at {u['level']})" for u in data["unlocks"]))
        )
    if data["resources"]:
        parts.append(Text("Resources", style="bold"))
        for r in data["resources"]:
            parts.append(text(f"  [{r.get('kind', '')}] {r['title']}  {r.get('url', '')}"))
    if data["recent_sessions"]:
        parts.append(Text("Recent sessions", style="bold"))
        parts.append(sessions_table(data["recent_sessions"]))
    return Group(*parts)


def forecast_view(data: dict[str, Any]) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = Text("Forecast for ", style="bold")
    head.append_text(text(data["target"]["name"], "bold"))
    if data["by"]:
        head.append(f" (by {data['by']})")
    lines: list[RenderableType] = [head]
    lines.append(
        Text(
            f"Remaining {data['remaining_hours']:.0f}h; pace {data['pace_hours_per_week']:.1f}h/week"
            f" over 4 weeks, {data['pace_12w_hours_per_week']:.1f}h/week over 12"
        )
    )
    eta = Text(f"ETA {data['eta'] or 'none at this pace'}  ")
    eta.append_text(_verdict(data["on_track"]))
    if data["needed_hours_per_week"] is not None:
        eta.append(f"  (arriving by {data['by']} needs {data['needed_hours_per_week']:.1f}h/week)")
    lines.append(eta)
    table = Table(expand=False)
    table.add_column("pillar", overflow="ellipsis", max_width=34, no_wrap=True)
    table.add_column("remaining", justify="right")
    table.add_column("pace/wk", justify="right")
    table.add_column("ETA", no_wrap=True)
    table.add_column("verdict")
    for p in data["pillars"]:
        table.add_row(
            text(p["name"]),
            f"{p['remaining_hours']:.0f}h",
            f"{p['pace_hours_per_week']:.1f}h",
            p["eta"] or "-",
            _verdict(p["on_track"]),
        )
    lines.append(table)
    return Group(*lines)


def review_table(rows: Sequence[dict[str, Any]]) -> RenderableType:
    from rich.table import Table

    if not rows:
        return text("Nothing is going stale.", "green")
    table = Table(title="Going stale", title_justify="left", expand=False)
    table.add_column("skill", overflow="ellipsis", no_wrap=True, max_width=36)
    table.add_column("level", justify="right")
    table.add_column("last", no_wrap=True)
    table.add_column("every", justify="right")
    table.add_column("overdue", justify="right")
    for row in rows:
        overdue = row["overdue_days"]
        table.add_row(
            text(row["name"]),
            str(row["level"]),
            row["last_practised"] or "never",
            f"{row['interval_days']}d",
            "-" if overdue is None else f"{overdue}d",
        )
    return table


HEAT = (" ", "░", "▒", "▓", "█")


def heatmap_view(data: dict[str, Any]) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    from roadmap.analysis import heat_bucket

    weeks: list[list[int | None]] = data["weeks"]
    top = max((m or 0 for week in weeks for m in week), default=0)
    styles = ("dim", "green", "green", "bold green", "bold green")
    rows: list[RenderableType] = []
    for day, label in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        line = Text(f"{label:<4}")
        for week in weeks:
            minutes = week[day]
            if minutes is None:
                line.append(" ")
                continue
            bucket = heat_bucket(minutes, top)
            line.append("·" if bucket == 0 else HEAT[bucket], style=styles[bucket])
        rows.append(line)
    total = sum(m or 0 for week in weeks for m in week)
    legend = Text("    less · ░ ▒ ▓ █ more", style="dim")
    summary = Text(
        f"    {len(weeks)} weeks from {data['start']}: {_hours(total)}; max {_hours(top)}/day"
    )
    return Group(*rows, legend, summary)


def report_view(data: dict[str, Any]) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = Text(f"Report {data['since']} .. {data['until']}", style="bold")
    summary = Text(
        f"{_hours(data['minutes'])} in {data['sessions']} session(s); "
        f"{len(data['milestones_checked'])} milestone(s) checked; "
        f"{len(data['level_ups'])} level-up(s)"
    )
    parts: list[RenderableType] = [head, summary]
    if data["pillars"]:
        table = Table(expand=False, title="By pillar", title_justify="left")
        table.add_column("pillar")
        table.add_column("hours", justify="right")
        for p in data["pillars"]:
            table.add_row(text(p["id"]), _hours(p["minutes"]))
        parts.append(table)
    if data["skills"]:
        table = Table(expand=False, title="By skill", title_justify="left")
        table.add_column("skill", overflow="ellipsis", no_wrap=True, max_width=40)
        table.add_column("hours", justify="right")
        for s in data["skills"][:15]:
            table.add_row(text(s["name"]), _hours(s["minutes"]))
        parts.append(table)
    for up in data["level_ups"]:
        parts.append(text(f"level-up: {up['skill']} {up['from']} -> {up['to']}", "green"))
    for m in data["milestones_checked"]:
        parts.append(text(f"checked: {m['skill']} {m['milestone']}"))
    return Group(*parts)
