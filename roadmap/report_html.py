"""The HTML report: one self-contained page (inline CSS and SVG, no script, no network).

Built from Jinja2 templates in ``roadmap/templates/`` with autoescaping on for every
expression, so no user string can reach the page unescaped. This module only turns the
summary (:func:`roadmap.views.summary`) into numbers and geometry for the charts; the
templates draw them.

Layout: a dashboard of cards that reflows from a 1280 px screen down to a 390 px phone
(tables turn into label/value lists, charts scale with their ``viewBox``, names wrap instead
of being cut), and prints cleanly. Colours follow the verdict (on track, behind).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

from roadmap.analysis import heat_bucket
from roadmap.viewdata import Summary

TEMPLATES = Path(__file__).resolve().parent / "templates"
PALETTE = ("#2f6fde", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#16a085", "#b7950b", "#6c7a89")
HEAT = ("#ebedf0", "#c6e48b", "#7bc96f", "#239a3b", "#196127")
VERDICT = {True: ("ok", "on track"), False: ("bad", "behind"), None: ("muted", "no verdict")}
COLOURS = {"ok": "#2e8b57", "bad": "#c0392b", "muted": "#5b6474"}


def write_html(summary: Summary, out: IO[str]) -> None:
    """Render the report for ``summary`` into ``out``."""
    out.write(render(summary))


def render(summary: Summary) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name: no string skips escaping
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["h"] = hours
    env.filters["pct"] = lambda v: f"{float(v):.0%}"
    return env.get_template("report.html.j2").render(view(summary))


def hours(minutes: float) -> str:
    return f"{minutes / 60:.1f}"


def _day(text: str) -> date:
    return date.fromisoformat(text[:10])


def _short_day(d: date) -> str:
    return f"{d.day} {d:%b} {d:%Y}"


# --- the view -------------------------------------------------------------------------------


def view(summary: Summary) -> dict[str, Any]:
    """Everything the template shows, as plain values (strings escaped by the template)."""
    status, report = summary["status"], summary["report"]
    fc = status["forecast"]
    colours = {p["id"]: PALETTE[i % len(PALETTE)] for i, p in enumerate(status["pillars"])}
    period = {p["id"]: p["minutes"] for p in report["pillars"]}
    whole = all(period.get(p["id"], 0) == p["minutes_total"] for p in status["pillars"])
    skill_names: dict[str, str] = dict(summary.get("skill_names") or {})
    verdict_class, verdict_word = VERDICT[fc["on_track"]]
    goal = status.get("weekly_goal_minutes")
    return {
        "title": summary["title"],
        "generated": summary["generated"],
        "target": status["target"],
        "report": report,
        "status": status,
        "fc": fc,
        "verdict": {"class": verdict_class, "word": verdict_word},
        "timeline": forecast_range(fc, summary["generated"]),
        "whole": whole,
        "pillars": [
            {
                **p,
                "colour": colours[p["id"]],
                "period_minutes": period.get(p["id"], 0),
            }
            for p in status["pillars"]
        ],
        "levels": levels(summary["radar"], summary["max_level"], colours),
        "max_level": max(int(summary["max_level"]), 1),
        "weekly": weekly_chart(summary.get("weekly"), colours, goal),
        "skills": skills_view(report, summary.get("skill_pillars") or {}, colours),
        "readiness": readiness_chart(
            [(str(d), float(v)) for d, v in summary["readiness_history"]], summary["generated"]
        ),
        "calendar": calendar(summary["heatmap"]),
        "year": summary.get("year"),
        "level_ups": [
            {**u, "name": u.get("name") or skill_names.get(u["skill"], u["skill"])}
            for u in report["level_ups"]
        ],
        "milestones": [
            {**m, "name": m.get("name") or skill_names.get(m["skill"], m["skill"])}
            for m in report["milestones_checked"]
        ],
        "pillar_names": {p["id"]: p["name"] for p in status["pillars"]},
        "evidence": summary.get("evidence") or [],
        "unproven": summary.get("unproven") or [],
        "forecast_pillars": [
            {
                **p,
                "class": VERDICT[p["on_track"]][0],
                "word": VERDICT[p["on_track"]][1],
                "quantiles": quantiles(p),
            }
            for p in fc["pillars"]
        ],
    }


def levels(
    axes: Sequence[Mapping[str, Any]], max_level: float, colours: dict[str, str]
) -> list[dict[str, Any]]:
    """Per pillar: current and required level as bar lengths on a 0..300 scale."""
    top = max(float(max_level), 1.0)
    rows = []
    for axis in axes:
        current = max(0.0, min(float(axis["current"]), top))
        required = max(0.0, min(float(axis["required"]), top))
        rows.append(
            {
                "name": axis["name"],
                "current": current,
                "required": required,
                "current_w": round(300 * current / top, 1),
                "required_w": round(300 * required / top, 1),
                "colour": colours.get(axis["id"], PALETTE[0]),
                "met": current >= required,
            }
        )
    return rows


def _nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5, 5 × 10^k) that splits ``top`` into about ``ticks`` parts."""
    raw = max(top, 1e-9) / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    for mult in (1, 2, 2.5, 5, 10):
        if mult * power >= raw:
            return mult * power
    return 10 * power


def weekly_chart(
    data: Mapping[str, Any] | None, colours: dict[str, str], goal: int | None
) -> dict[str, Any] | None:
    """Stacked bars: hours per week, a segment per pillar; the weekly goal as a line."""
    if not data or not data.get("weeks"):
        return None
    weeks = [_day(w) for w in data["weeks"]]
    count = len(weeks)
    totals = [sum(p["minutes"][i] for p in data["pillars"]) for i in range(count)]
    width, height, left, right, top, bottom = 480, 210, 44, 10, 14, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([*totals, goal or 0, 60]) / 60
    step = _nice_step(peak)
    top_h = step * math.ceil(peak / step - 1e-9)

    def y(h: float) -> float:
        return float(round(top + plot_h * (1 - h / top_h), 1))

    slot = plot_w / count
    bar = max(1.0, slot * 0.72)
    bars = []
    for i, monday in enumerate(weeks):
        x = round(left + slot * i + (slot - bar) / 2, 1)
        base = 0.0
        segments = []
        for p in data["pillars"]:
            minutes = p["minutes"][i]
            if not minutes:
                continue
            h = minutes / 60
            segments.append(
                {
                    "y": y(base + h),
                    "h": round(y(base) - y(base + h), 1),
                    "colour": colours.get(p["id"], PALETTE[-1]),
                    "title": f"week of {monday}: {p['name']} {h:.1f} h",
                }
            )
            base += h
        bars.append({"x": x, "w": round(bar, 1), "segments": segments})
    grid = [{"y": y(k * step), "label": f"{k * step:g} h"} for k in range(round(top_h / step) + 1)]
    labels = [{"x": left, "anchor": "start", "text": _short_day(weeks[0])}]
    if count > 1:
        labels.append({"x": width - right, "anchor": "end", "text": _short_day(weeks[-1])})
    active = [t for t in totals if t]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "bars": bars,
        "grid": grid,
        "labels": labels,
        "label_y": height - 8,
        "goal_y": y(goal / 60) if goal else None,
        "goal_h": f"{goal / 60:g}" if goal else None,
        "legend": [
            {"name": p["name"], "colour": colours.get(p["id"], PALETTE[-1])}
            for p in data["pillars"]
        ],
        "weeks": count,
        "mean_h": f"{sum(totals) / 60 / count:.1f}",
        "best_h": f"{max(totals) / 60:.1f}",
        "active": len(active),
        "over_goal": sum(1 for t in totals if goal and t >= goal),
    }


def skills_view(
    report: Mapping[str, Any], skill_pillars: dict[str, str], colours: dict[str, str]
) -> list[dict[str, Any]]:
    """The period's top skills with their share of the hours."""
    skills = report["skills"][:10]
    total = sum(s["minutes"] for s in report["skills"]) or 1
    top = max((s["minutes"] for s in skills), default=1) or 1
    return [
        {
            "name": s["name"],
            "minutes": s["minutes"],
            "share": s["minutes"] / total,
            "width": round(100 * s["minutes"] / top, 1),
            "colour": colours.get(skill_pillars.get(s["id"], ""), PALETTE[-1]),
        }
        for s in skills
    ]


def readiness_chart(points: list[tuple[str, float]], today: str) -> dict[str, Any] | None:
    """Readiness over time as a step line on an axis fitted to its range, so change shows."""
    if not points:
        return None
    width, height, left, right, top, bottom = 480, 210, 44, 12, 14, 28
    days = [_day(d) for d, _ in points]
    first, last = days[0], max(days[-1], _day(today))
    if last <= first:
        first = last - timedelta(days=1)
    span_days = (last - first).days
    values = [v for _, v in points]
    lo_v, hi_v = min(values), max(values)
    step = _nice_step(max(hi_v - lo_v, 0.04), 4)
    step = max(step, 0.01)
    lo = max(0.0, math.floor((lo_v - step / 2) / step) * step)
    hi = min(1.0, math.ceil((hi_v + step / 2) / step) * step)
    if hi - lo < step:
        hi = min(1.0, lo + step)
        lo = max(0.0, hi - step)

    def xy(d: date, v: float) -> tuple[float, float]:
        x = left + (width - left - right) * (d - first).days / span_days
        yy = top + (height - top - bottom) * (1 - (max(lo, min(v, hi)) - lo) / (hi - lo))
        return round(x, 1), round(yy, 1)

    path: list[str] = []
    dots = []
    for d, v in zip(days, values, strict=True):
        x, yy = xy(d, v)
        path.append(f"M{x},{yy}" if not path else f"H{x}V{yy}")
        dots.append({"x": x, "y": yy, "title": f"{d}: {v:.0%}"})
    end_x, _ = xy(last, lo)
    path.append(f"H{end_x}")
    base_y = xy(first, lo)[1]
    area = "".join(path) + f"V{base_y}H{xy(days[0], lo)[0]}Z"
    grid = []
    k = 0
    while lo + k * step <= hi + 1e-9:
        value = lo + k * step
        grid.append({"y": xy(first, value)[1], "label": f"{value:.0%}"})
        k += 1
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "path": "".join(path),
        "area": area,
        "dots": dots,
        "grid": grid,
        "label_y": height - 8,
        "first": _short_day(first),
        "last": _short_day(last),
        "start_value": values[0],
        "end_value": values[-1],
        "since": days[0].isoformat(),
        "change_points": round(values[-1] * 100) - round(values[0] * 100),  # as shown
    }


def calendar(data: Mapping[str, Any]) -> dict[str, Any]:
    """Minutes per day, a column per week (Monday on top), every month labelled (the first
    too), a legend, and the totals of what it shows."""
    weeks: list[list[int | None]] = data["weeks"]
    cell, gap, left, top = 12, 3, 30, 18
    step = cell + gap
    top_minutes = max((m or 0 for week in weeks for m in week), default=0)
    width = left + len(weeks) * step + 4
    height = top + 7 * step + 24
    start = _day(data["start"])
    cells, months = [], []
    last_month, last_x = None, -100.0
    total = days = 0
    for col, week in enumerate(weeks):
        x = left + col * step
        first_day = next(
            (start + timedelta(days=col * 7 + r) for r, m in enumerate(week) if m is not None), None
        )
        if first_day is not None and first_day.month != last_month:
            if x - last_x >= 3 * step and x + 24 <= width:
                months.append({"x": x, "text": first_day.strftime("%b")})
                last_x = x
            last_month = first_day.month
        for row, minutes in enumerate(week):
            if minutes is None:
                continue
            day = start + timedelta(days=col * 7 + row)
            total += minutes
            days += 1 if minutes else 0
            cells.append(
                {
                    "x": x,
                    "y": top + row * step,
                    "colour": HEAT[heat_bucket(minutes, top_minutes)],
                    "title": f"{day}: {minutes} min",
                }
            )
    legend_y = top + 7 * step + 8
    return {
        "width": max(width, 200),
        "max_width": round(max(width, 200) * min(2.2, max(1.0, 900 / max(width, 200)))),
        "height": height,
        "cell": cell,
        "cells": cells,
        "months": months,
        "rows": [
            {"y": top + r * step + 10, "text": t} for r, t in ((0, "Mon"), (2, "Wed"), (4, "Fri"))
        ],
        "legend": [{"x": left + 30 + i * step, "colour": c} for i, c in enumerate(HEAT)],
        "legend_y": legend_y,
        "legend_more_x": left + 34 + len(HEAT) * step,
        "left": left,
        "minutes": total,
        "days": days,
        "weeks": len(weeks),
        "best": top_minutes,
    }


def quantiles(fc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The forecast's range, when it has one: the likely (P50) and cautious (P90) dates."""
    out = []
    for p, key in ((50, "eta_likely"), (90, "eta_cautious")):
        value = fc.get(key)
        if isinstance(value, str):
            out.append({"p": p, "label": f"P{p}", "date": value[:10]})
    return out


def forecast_range(fc: Mapping[str, Any], today_text: str) -> dict[str, Any] | None:
    """A timeline from today past the target date: the ETA (or its P-range) and the date
    the target is due."""
    today = _day(today_text)
    qs = quantiles(fc)
    marks = [(q["label"], _day(q["date"])) for q in qs]
    if not marks and fc.get("eta"):
        marks = [("ETA", _day(fc["eta"]))]
    if not marks:
        return None
    by = _day(fc["by"]) if fc.get("by") else None
    end = max([d for _, d in marks] + ([by] if by else []) + [today + timedelta(days=30)])
    span = max((end - today).days, 1) * 1.06
    width, left, right = 480, 14, 14
    plot = width - left - right

    def x(d: date) -> float:
        return round(left + plot * max(0, (d - today).days) / span, 1)

    years = list(range(today.year + 1, end.year + 1))
    stride = max(1, math.ceil(len(years) / 7))
    ticks = []
    for year in years[::stride]:
        tx = x(date(year, 1, 1))
        if left + 16 <= tx <= width - right - 16:
            ticks.append({"x": tx, "text": str(year)})
    cls = VERDICT[fc.get("on_track")][0]
    dates = [d for _, d in marks]
    return {
        "width": width,
        "height": 74,
        "left": left,
        "right": width - right,
        "today_x": x(today),
        "band": {"x": x(min(dates)), "w": round(max(x(max(dates)) - x(min(dates)), 3), 1)},
        "marks": [{"label": label, "date": d.isoformat(), "x": x(d)} for label, d in marks],
        "by_x": x(by) if by else None,
        "by": by.isoformat() if by else None,
        "ticks": ticks,
        "colour": COLOURS[cls],
        "quantiles": qs,
    }
