"""The HTML report: one self-contained file (inline CSS and SVG, no script, no network).

Every user string goes through :func:`esc` (``html.escape`` with quotes). It reads
well on a phone (fluid layout, SVG scales) and on paper (print styles).
"""

from __future__ import annotations

import html
import math
from datetime import date, timedelta
from typing import IO, Any

CSS = """
:root{--fg:#1d2330;--muted:#5b6474;--line:#d9dee7;--accent:#2f6fde;--req:#d9822b;--ok:#2e8b57;--bad:#c0392b}
*{box-sizing:border-box}body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);margin:0;padding:1rem;max-width:60rem;margin-inline:auto}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
.muted{color:var(--muted)}.big{font-size:2rem;font-weight:700;color:var(--accent)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(17rem,1fr));gap:1rem}
.card{border:1px solid var(--line);border-radius:.5rem;padding:.8rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.bar{background:#eef1f6;border-radius:.25rem;height:.6rem;min-width:4rem}.bar>span{display:block;height:100%;background:var(--accent);border-radius:.25rem}
svg{max-width:100%;height:auto}.ok{color:var(--ok)}.bad{color:var(--bad)}
ol li{margin-bottom:.3rem}
@media print{body{max-width:none;font-size:11pt}.card{break-inside:avoid}h2{break-after:avoid}a{color:inherit}}
@media (max-width:30rem){body{padding:.6rem}.big{font-size:1.6rem}}
"""


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _h(minutes: float) -> str:
    return f"{minutes / 60:.1f}"


def radar_svg(axes: list[dict[str, Any]], max_level: int) -> str:
    """Current vs required level per pillar on a radar (spider) chart."""
    size, center, radius = 320, 160, 110
    n = max(len(axes), 3)
    parts = [f'<svg viewBox="0 0 {size} {size}" role="img" aria-label="Levels per pillar">']

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * (value / max_level if max_level else 0)
        return center + r * math.cos(angle), center + r * math.sin(angle)

    for ring in range(1, max_level + 1):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(n)))
        parts.append(f'<polygon points="{pts}" fill="none" stroke="#d9dee7"/>')
    for i, axis in enumerate(axes):
        x, y = point(i, max_level)
        lx, ly = point(i, max_level * 1.22)
        anchor = "middle" if abs(lx - center) < 20 else ("start" if lx > center else "end")
        parts.append(
            f'<line x1="{center}" y1="{center}" x2="{x:.1f}" y2="{y:.1f}" stroke="#d9dee7"/>'
        )
        parts.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="11" text-anchor="{anchor}" '
            f'fill="#5b6474">{esc(axis["name"][:28])}</text>'
        )
    for key, colour, dash in (
        ("required", "#d9822b", ' stroke-dasharray="4 3"'),
        ("current", "#2f6fde", ""),
    ):
        pts = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(i, a[key]) for i, a in enumerate(axes))
        )
        parts.append(
            f'<polygon points="{pts}" fill="{colour}" fill-opacity="0.15" stroke="{colour}" '
            f'stroke-width="2"{dash}/>'
        )
    parts.append(
        '<text x="8" y="16" font-size="11" fill="#2f6fde">■ current</text>'
        '<text x="8" y="30" font-size="11" fill="#d9822b">■ required</text></svg>'
    )
    return "".join(parts)


def line_svg(points: list[tuple[str, float]]) -> str:
    """Readiness (0..1) over time as a step line."""
    width, height, pad = 600, 200, 32
    if not points:
        return '<p class="muted">No level changes yet.</p>'
    days = [date.fromisoformat(d) for d, _ in points]
    first, last = days[0], max(days[-1], days[0] + timedelta(days=1))
    span = (last - first).days or 1

    def xy(d: date, value: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * (d - first).days / span
        return x, height - pad - (height - 2 * pad) * value

    path, prev_y = [], None
    for d, (_, value) in zip(days, points, strict=False):
        x, y = xy(d, value)
        if prev_y is None:
            path.append(f"M{x:.1f},{y:.1f}")
        else:
            path.append(f"H{x:.1f}V{y:.1f}")
        prev_y = y
    out = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="Readiness over time">']
    for frac in (0, 0.5, 1):
        _, y = xy(first, frac)
        out.append(
            f'<line x1="{pad}" y1="{y:.1f}" x2="{width - pad}" y2="{y:.1f}" stroke="#d9dee7"/>'
        )
        out.append(f'<text x="2" y="{y + 4:.1f}" font-size="10" fill="#5b6474">{frac:.0%}</text>')
    out.append(f'<path d="{"".join(path)}" fill="none" stroke="#2f6fde" stroke-width="2"/>')
    out.append(f'<text x="{pad}" y="{height - 8}" font-size="10" fill="#5b6474">{first}</text>')
    out.append(
        f'<text x="{width - pad}" y="{height - 8}" font-size="10" fill="#5b6474" '
        f'text-anchor="end">{last}</text></svg>'
    )
    return "".join(out)


def heatmap_svg(data: dict[str, Any]) -> str:
    weeks: list[list[int | None]] = data["weeks"]
    cell = 12
    top = max((m or 0 for week in weeks for m in week), default=0)
    colours = ("#ebedf0", "#c6e48b", "#7bc96f", "#239a3b", "#196127")
    width, height = 30 + len(weeks) * (cell + 2), 7 * (cell + 2) + 4
    out = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="Minutes per day">']
    for row, label in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
        out.append(
            f'<text x="0" y="{row * (cell + 2) + 10}" font-size="9" fill="#5b6474">{label}</text>'
        )
    start = date.fromisoformat(data["start"])
    for col, week in enumerate(weeks):
        for row, minutes in enumerate(week):
            if minutes is None:
                continue
            from roadmap.analysis import heat_bucket

            bucket = heat_bucket(minutes, top)
            day = start + timedelta(days=col * 7 + row)
            out.append(
                f'<rect x="{30 + col * (cell + 2)}" y="{row * (cell + 2)}" width="{cell}" '
                f'height="{cell}" rx="2" fill="{colours[bucket]}"><title>{day}: {minutes} min'
                "</title></rect>"
            )
    out.append("</svg>")
    return "".join(out)


def write_html(summary: dict[str, Any], out: IO[str]) -> None:
    status, report = summary["status"], summary["report"]
    fc = status["forecast"]
    target = status["target"]
    w = out.write
    w('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">')
    w(f"<title>{esc(summary['title'])}: progress report</title><style>{CSS}</style></head><body>")
    w(f"<h1>{esc(summary['title'])}</h1>")
    by = f" by {esc(target['by'])}" if target["by"] else ""
    w(
        f'<p class="muted">Target: <strong>{esc(target["name"])}</strong>{by} · period '
        f"{esc(report['since'])} to {esc(report['until'])} · generated {esc(summary['generated'])}</p>"
    )
    verdict = {True: ("ok", "on track"), False: ("bad", "behind"), None: ("muted", "no verdict")}
    cls, word = verdict[fc["on_track"]]
    w('<div class="grid">')
    w(
        f'<div class="card"><div class="muted">Readiness</div><div class="big">{status["readiness"]:.0%}</div></div>'
    )
    w(
        f'<div class="card"><div class="muted">In the period</div><div class="big">{_h(report["minutes"])} h</div>'
        f'<div class="muted">{report["sessions"]} sessions, {len(report["level_ups"])} level-ups, '
        f"{len(report['milestones_checked'])} milestones</div></div>"
    )
    w(
        f'<div class="card"><div class="muted">Forecast</div><div class="big">{esc(fc["eta"] or "—")}</div>'
        f'<div class="{cls}">{word}</div><div class="muted">{fc["remaining_hours"]:.0f} h to go at '
        f"{fc['pace_hours_per_week']:.1f} h/week</div></div>"
    )
    w("</div>")
    w('<h2>Where I stand</h2><div class="grid"><div class="card">')
    w(radar_svg(summary["radar"], summary["max_level"]))
    w(
        '</div><div class="card"><table><tr><th>Pillar</th><th>Readiness</th><th class="n">Hours</th></tr>'
    )
    for p in status["pillars"]:
        w(
            f'<tr><td>{esc(p["name"])}</td><td><div class="bar"><span style="width:{p["readiness"] * 100:.0f}%">'
            f'</span></div>{p["readiness"]:.0%}</td><td class="n">{_h(p["minutes_total"])}</td></tr>'
        )
    w("</table></div></div>")
    w("<h2>Readiness over time</h2>")
    w(line_svg(summary["readiness_history"]))
    w("<h2>Study calendar</h2>")
    w(heatmap_svg(summary["heatmap"]))
    w("<h2>Biggest gaps</h2>")
    if status["top_gaps"]:
        w(
            '<table><tr><th>Skill</th><th>Pillar</th><th class="n">Now</th><th class="n">Required</th>'
            '<th class="n">Weight</th></tr>'
        )
        for g in status["top_gaps"]:
            w(
                f'<tr><td>{esc(g["name"])}</td><td>{esc(g["pillar"])}</td><td class="n">{g["current"]}</td>'
                f'<td class="n">{g["required"]}</td><td class="n">{g["weight"]}</td></tr>'
            )
        w("</table>")
    else:
        w("<p>None: every required skill is at its level.</p>")
    w("<h2>Next steps</h2><ol>")
    for rec in status["next"]:
        w(
            f'<li><strong>{esc(rec["name"])}</strong><br><span class="muted">'
            f"{esc('; '.join(rec['reasons']))}</span></li>"
        )
    w("</ol>")
    if report["skills"]:
        w(
            '<h2>Hours by skill in the period</h2><table><tr><th>Skill</th><th class="n">Hours</th></tr>'
        )
        for s in report["skills"][:15]:
            w(f'<tr><td>{esc(s["name"])}</td><td class="n">{_h(s["minutes"])}</td></tr>')
        w("</table>")
    w("<h2>Forecast by pillar</h2>")
    w(
        '<table><tr><th>Pillar</th><th class="n">Remaining h</th><th class="n">Pace h/week</th>'
        "<th>ETA</th><th>Verdict</th></tr>"
    )
    for p in fc["pillars"]:
        c, word = verdict[p["on_track"]]
        w(
            f'<tr><td>{esc(p["name"])}</td><td class="n">{p["remaining_hours"]:.0f}</td>'
            f'<td class="n">{p["pace_hours_per_week"]:.1f}</td><td>{esc(p["eta"] or "—")}</td>'
            f'<td class="{c}">{word}</td></tr>'
        )
    w("</table>")
    w('<p class="muted">Made by roadmap. Definitions: see the README.</p></body></html>\n')
