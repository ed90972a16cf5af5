"""The HTML report: one self-contained file (inline CSS and SVG, no script, no network).

Every user string goes through :func:`esc` (``html.escape`` with quotes). It reads
well on a phone (fluid layout, tables scroll sideways, SVGs scale down with their
``viewBox`` and never grow past their natural size) and on paper (print styles:
no page-splitting of cards, charts or table rows; colours kept).
"""

from __future__ import annotations

import html
import math
from datetime import date, timedelta
from typing import IO, Any

from roadmap.analysis import heat_bucket

CSS = """
:root{--fg:#1d2330;--muted:#5b6474;--line:#d9dee7;--soft:#eef1f6;--accent:#2f6fde;--req:#d9822b;--ok:#2e8b57;--bad:#c0392b}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fff;margin:0 auto;padding:1rem;max-width:62rem}
h1{font-size:1.5rem;margin:.2rem 0;overflow-wrap:break-word}
h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
h3{font-size:1rem;margin:1rem 0 .3rem}
p,li,td{overflow-wrap:break-word}
th{white-space:nowrap}
td.d{white-space:nowrap}
.muted{color:var(--muted)}.big{font-size:2rem;font-weight:700;color:var(--accent);line-height:1.2}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
.grid.wide{grid-template-columns:repeat(auto-fit,minmax(22rem,1fr))}
.card{border:1px solid var(--line);border-radius:.5rem;padding:.8rem;min-width:0}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.bar{background:var(--soft);border-radius:.25rem;height:.6rem;min-width:4rem;margin:.35rem 0 .1rem}
.bar>span{display:block;height:100%;background:var(--accent);border-radius:.25rem}
svg{display:block;max-width:100%;height:auto;margin:0 auto}
.ok{color:var(--ok)}.bad{color:var(--bad)}
ol li,ul li{margin-bottom:.3rem}
footer{margin-top:2rem;font-size:.85rem}
@media (max-width:30rem){body{padding:.6rem;font-size:14px}.big{font-size:1.6rem}th,td{padding:.25rem .3rem}}
@media print{
@page{margin:1.4cm}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{max-width:none;padding:0;font-size:10.5pt}
.grid{gap:.6rem}.card{break-inside:avoid;page-break-inside:avoid}
h2,h3{break-after:avoid;page-break-after:avoid}
tr,li,svg,figure{break-inside:avoid;page-break-inside:avoid}
.scroll{overflow:visible}
a{color:inherit;text-decoration:none}
}
"""

VERDICT = {True: ("ok", "on track"), False: ("bad", "behind"), None: ("muted", "no verdict")}
HEAT = ("#ebedf0", "#c6e48b", "#7bc96f", "#239a3b", "#196127")
MUTED, LINE, ACCENT, REQ = "#5b6474", "#d9dee7", "#2f6fde", "#d9822b"


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _h(minutes: float) -> str:
    return f"{minutes / 60:.1f}"


def _totals(pillars: list[dict[str, Any]]) -> dict[str, str]:
    """All-time hours per pillar, rounded so that they add up like the period's."""
    from roadmap.analysis import apportion_hours

    hours = apportion_hours([p["minutes_total"] for p in pillars])
    return {p["id"]: f"{h:.1f}" for p, h in zip(pillars, hours, strict=True)}


def _part(item: dict[str, Any]) -> str:
    """A report part's hours, rounded so the parts add up to the total shown."""
    return f"{item['hours']:.1f}" if "hours" in item else _h(item["minutes"])


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(width: int, height: int, label: str, scale: float = 1.0) -> str:
    """An SVG that scales down to its container (``viewBox``, CSS ``max-width:100%``) and
    never grows past ``scale`` times its natural size."""
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width * scale:.0f}" '
        f'height="{height * scale:.0f}" role="img" aria-label="{esc(label)}">'
        f"<title>{esc(label)}</title>"
    )


def radar_svg(axes: list[dict[str, Any]], max_level: int) -> str:
    """Current vs required level per pillar on a radar chart (bars under three pillars,
    where a radar has no area)."""
    max_level = max(max_level, 1)
    if len(axes) < 3:
        return level_bars_svg(axes, max_level)
    width, height, cx, cy, radius = 520, 350, 260, 185, 108
    n = len(axes)
    parts = [_svg(width, height, "Current and required level per pillar")]

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * max(0.0, min(value, max_level)) / max_level
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    for ring in range(1, max_level + 1):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(n)))
        parts.append(f'<polygon points="{pts}" fill="none" stroke="{LINE}"/>')
    for i, axis in enumerate(axes):
        x, y = point(i, max_level)
        lx, ly = point(i, max_level * 1.13)
        anchor = "middle" if abs(lx - cx) < 12 else ("start" if lx > cx else "end")
        ly += 4 if abs(ly - cy) < 12 else (12 if ly > cy else -2)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="{LINE}"/>')
        parts.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="14" text-anchor="{anchor}" '
            f'fill="{MUTED}"><title>{esc(axis["name"])}</title>{esc(_short(axis["name"], 16))}'
            "</text>"
        )
    for key, colour, dash in (
        ("required", REQ, ' stroke-dasharray="5 3"'),
        ("current", ACCENT, ""),
    ):
        pts = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(i, a[key]) for i, a in enumerate(axes))
        )
        parts.append(
            f'<polygon points="{pts}" fill="{colour}" fill-opacity="0.15" stroke="{colour}" '
            f'stroke-width="2"{dash}/>'
        )
    parts.append(_legend(8, 16))
    parts.append("</svg>")
    return "".join(parts)


def _legend(x: int, y: int) -> str:
    return (
        f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{ACCENT}"/>'
        f'<text x="{x + 14}" y="{y}" font-size="11" fill="{MUTED}">current</text>'
        f'<rect x="{x + 70}" y="{y - 9}" width="10" height="10" fill="{REQ}"/>'
        f'<text x="{x + 84}" y="{y}" font-size="11" fill="{MUTED}">required</text>'
    )


def level_bars_svg(axes: list[dict[str, Any]], max_level: int) -> str:
    """Current vs required level per pillar as paired bars."""
    width, left, row = 440, 120, 44
    height = 34 + row * max(len(axes), 1)
    span = width - left - 16
    parts = [_svg(width, height, "Current and required level per pillar"), _legend(8, 14)]
    for level in range(max_level + 1):
        x = left + span * level / max_level
        parts.append(
            f'<line x1="{x:.1f}" y1="24" x2="{x:.1f}" y2="{height - 4}" stroke="{LINE}"/>'
            f'<text x="{x:.1f}" y="{height}" font-size="9" fill="{MUTED}" '
            f'text-anchor="middle">{level}</text>'
        )
    for i, axis in enumerate(axes):
        y = 30 + row * i
        parts.append(
            f'<text x="{left - 8}" y="{y + 16}" font-size="12" text-anchor="end" fill="{MUTED}">'
            f"<title>{esc(axis['name'])}</title>{esc(_short(axis['name'], 16))}</text>"
        )
        for offset, key, colour in ((0, "current", ACCENT), (14, "required", REQ)):
            value = max(0.0, min(float(axis[key]), max_level))
            parts.append(
                f'<rect x="{left}" y="{y + offset}" width="{span * value / max_level:.1f}" '
                f'height="11" rx="2" fill="{colour}"><title>{key} {value:g}</title></rect>'
            )
    parts.append("</svg>")
    return "".join(parts)


def line_svg(points: list[tuple[str, float]], today: str | None = None) -> str:
    """Readiness (0..1) over time as a step line, one dot per day with level changes."""
    if not points:
        return '<p class="muted">No level changes yet.</p>'
    width, height, left, right, top, bottom = 480, 200, 42, 16, 12, 28
    days = [date.fromisoformat(d) for d, _ in points]
    first = days[0]
    last = max(days[-1], date.fromisoformat(today) if today else days[-1])
    if last <= first:  # one day of history: show it at the end of a one-day axis
        first = last - timedelta(days=1)
    span = (last - first).days

    def xy(d: date, value: float) -> tuple[float, float]:
        x = left + (width - left - right) * (d - first).days / span
        return x, top + (height - top - bottom) * (1 - max(0.0, min(value, 1.0)))

    out = [_svg(width, height, "Readiness over time")]
    for frac in (0, 0.25, 0.5, 0.75, 1):
        _, y = xy(first, frac)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{LINE}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="12" fill="{MUTED}" '
            f'text-anchor="end">{frac:.0%}</text>'
        )
    path: list[str] = []
    for d, (_, value) in zip(days, points, strict=True):
        x, y = xy(d, value)
        path.append(f"M{x:.1f},{y:.1f}" if not path else f"H{x:.1f}V{y:.1f}")
    end_x, _ = xy(last, 0)
    path.append(f"H{end_x:.1f}")
    out.append(
        f'<path d="{"".join(path)}" fill="none" stroke="{ACCENT}" stroke-width="2.5" '
        'stroke-linejoin="round"/>'
    )
    for d, (_, value) in zip(days, points, strict=True):
        x, y = xy(d, value)
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{ACCENT}">'
            f"<title>{d}: {value:.0%}</title></circle>"
        )
    base = height - 8
    out.append(f'<text x="{left}" y="{base}" font-size="12" fill="{MUTED}">{first}</text>')
    out.append(
        f'<text x="{width - right}" y="{base}" font-size="12" fill="{MUTED}" '
        f'text-anchor="end">{last}</text>'
    )
    out.append("</svg>")
    return "".join(out)


def heatmap_svg(data: dict[str, Any]) -> str:
    """Minutes per day, a column per week (Monday on top), months labelled, a legend."""
    weeks: list[list[int | None]] = data["weeks"]
    cell, gap, left, top = 12, 2, 30, 16
    step = cell + gap
    top_minutes = max((m or 0 for week in weeks for m in week), default=0)
    width = max(left + len(weeks) * step + 4, 200)
    height = top + 7 * step + 22
    scale = max(1.0, min(2.0, 640 / width))
    out = [_svg(width, height, "Minutes studied per day", scale)]
    for row, label in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
        out.append(
            f'<text x="0" y="{top + row * step + 10}" font-size="9" fill="{MUTED}">{label}</text>'
        )
    start = date.fromisoformat(data["start"])
    last_month = None
    for col, week in enumerate(weeks):
        monday = start + timedelta(days=col * 7)
        if monday.month != last_month and (col > 0 or monday.day <= 7):
            out.append(
                f'<text x="{left + col * step}" y="10" font-size="9" fill="{MUTED}">'
                f"{monday.strftime('%b')}</text>"
            )
        last_month = monday.month
        for row, minutes in enumerate(week):
            if minutes is None:
                continue
            day = start + timedelta(days=col * 7 + row)
            colour = HEAT[heat_bucket(minutes, top_minutes)]
            out.append(
                f'<rect x="{left + col * step}" y="{top + row * step}" width="{cell}" '
                f'height="{cell}" rx="2" fill="{colour}"><title>{day}: {minutes} min</title></rect>'
            )
    y = top + 7 * step + 8
    out.append(f'<text x="{left}" y="{y + 9}" font-size="9" fill="{MUTED}">less</text>')
    for i, colour in enumerate(HEAT):
        out.append(
            f'<rect x="{left + 24 + i * step}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
            f'rx="2" fill="{colour}"/>'
        )
    out.append(
        f'<text x="{left + 28 + len(HEAT) * step}" y="{y + 9}" font-size="9" fill="{MUTED}">'
        "more</text></svg>"
    )
    return "".join(out)


def _table(head: list[tuple[str, bool]], rows: list[list[str]]) -> str:
    """A table (cells already escaped); ``head`` is (title, numeric)."""
    cells = "".join(f"<th{' class=n' if n else ''}>{esc(t)}</th>" for t, n in head)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=n' if head[i][1] else ''}>{value}</td>" for i, value in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f'<div class="scroll"><table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table></div>'


def write_html(summary: dict[str, Any], out: IO[str]) -> None:
    status, report = summary["status"], summary["report"]
    fc = status["forecast"]
    target = status["target"]
    skill_names: dict[str, str] = dict(summary.get("skill_names") or {})
    pillar_names = {p["id"]: p["name"] for p in status["pillars"]}
    w = out.write
    w('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
    w('<meta name="color-scheme" content="light">\n')
    w(f"<title>{esc(summary['title'])}: progress report</title>\n<style>{CSS}</style></head>\n")
    w("<body>\n<header>")
    w(f"<h1>{esc(summary['title'])}</h1>")
    by = f" by {esc(target['by'])}" if target["by"] else ""
    w(
        f'<p class="muted">Target: <strong>{esc(target["name"])}</strong>{by} · period '
        f"{esc(report['since'])} to {esc(report['until'])} · generated {esc(summary['generated'])}</p>"
    )
    w("</header>\n<main>\n")

    cls, word = VERDICT[fc["on_track"]]
    w('<section class="grid">')
    w(
        f'<div class="card"><div class="muted">Readiness for {esc(target["name"])}</div>'
        f'<div class="big">{status["readiness"]:.0%}</div>'
        f'<div class="bar"><span style="width:{status["readiness"] * 100:.0f}%"></span></div></div>'
    )
    w(
        f'<div class="card"><div class="muted">In the period</div>'
        f'<div class="big">{_part(report)} h</div>'
        f'<div class="muted">{report["sessions"]} sessions · {len(report["level_ups"])} level-ups · '
        f"{len(report['milestones_checked'])} milestones</div></div>"
    )
    needed = ""
    if fc.get("needed_hours_per_week") is not None and fc.get("by"):
        needed = f" · {fc['needed_hours_per_week']:.1f} h/week needed by {esc(fc['by'])}"
    w(
        f'<div class="card"><div class="muted">Forecast</div>'
        f'<div class="big">{esc(fc["eta"] or "—")}</div><div class="{cls}">{word}</div>'
        f'<div class="muted">{fc["remaining_hours"]:.0f} h to go at '
        f"{fc['pace_hours_per_week']:.1f} h/week{needed}</div></div>"
    )
    w("</section>\n")

    w('<section><h2>Where I stand</h2><div class="grid wide"><div class="card">')
    w(radar_svg(summary["radar"], summary["max_level"]))
    w('</div><div class="card">')
    period = {p["id"]: _part(p) for p in report["pillars"]}
    totals = _totals(status["pillars"])
    w(
        _table(
            [("Pillar", False), ("Readiness", False), ("Period h", True), ("Total h", True)],
            [
                [
                    esc(p["name"]),
                    f'<div class="bar"><span style="width:{p["readiness"] * 100:.0f}%"></span>'
                    f"</div>{p['readiness']:.0%}",
                    period.get(p["id"], "0.0"),
                    totals[p["id"]],
                ]
                for p in status["pillars"]
            ],
        )
    )
    w("</div></div></section>\n")

    w("<section><h2>Readiness over time</h2>")
    w(line_svg([tuple(p) for p in summary["readiness_history"]], summary["generated"]))
    w("</section>\n<section><h2>Study calendar</h2>")
    w(heatmap_svg(summary["heatmap"]))
    w("</section>\n")

    w("<section><h2>In the period</h2>")
    if report["skills"]:
        w("<h3>Top skills</h3>")
        w(
            _table(
                [("Skill", False), ("Hours", True)],
                [[esc(s["name"]), _part(s)] for s in report["skills"][:15]],
            )
        )
    if report["level_ups"]:
        w("<h3>Level-ups</h3><ul>")
        for up in report["level_ups"]:
            name = up.get("name") or skill_names.get(up["skill"], up["skill"])
            w(f"<li>{esc(name)}: level {esc(up['from'])} → {esc(up['to'])}</li>")
        w("</ul>")
    if report["milestones_checked"]:
        w("<h3>Milestones checked</h3><ul>")
        for m in report["milestones_checked"]:
            name = m.get("name") or skill_names.get(m["skill"], m["skill"])
            w(f"<li>{esc(name)}: {esc(m['text'])}</li>")
        w("</ul>")
    if not (report["skills"] or report["level_ups"] or report["milestones_checked"]):
        w('<p class="muted">Nothing logged, levelled or checked in this period.</p>')
    w("</section>\n")

    w("<section><h2>Biggest gaps</h2>")
    if status["top_gaps"]:
        w(
            _table(
                [
                    ("Skill", False),
                    ("Pillar", False),
                    ("Now", True),
                    ("Required", True),
                    ("Weight", True),
                ],
                [
                    [
                        esc(g["name"]),
                        esc(pillar_names.get(g["pillar"], g["pillar"])),
                        esc(g["current"]),
                        esc(g["required"]),
                        esc(g["weight"]),
                    ]
                    for g in status["top_gaps"]
                ],
            )
        )
    else:
        w("<p>None: every required skill is at its level.</p>")
    w("</section>\n<section><h2>Next steps</h2>")
    if status["next"]:
        w("<ol>")
        for rec in status["next"]:
            w(
                f'<li><strong>{esc(rec["name"])}</strong><br><span class="muted">'
                f"{esc('; '.join(rec['reasons']))}</span></li>"
            )
        w("</ol>")
    else:
        w('<p class="muted">Nothing to recommend.</p>')
    w("</section>\n")

    w("<section><h2>Forecast</h2>")
    w(
        f"<p>{fc['remaining_hours']:.0f} hours to go at {fc['pace_hours_per_week']:.1f} h/week "
        f"(12 weeks: {fc['pace_12w_hours_per_week']:.1f}); ETA "
        f'{esc(fc["eta"] or "none at this pace")} — <span class="{cls}">{word}</span>.'
    )
    if needed:
        w(f" Arriving by {esc(fc['by'])} needs {fc['needed_hours_per_week']:.1f} h/week.")
    w("</p>")
    rows = []
    for p in fc["pillars"]:
        c, verdict = VERDICT[p["on_track"]]
        rows.append(
            [
                esc(p["name"]),
                f"{p['remaining_hours']:.0f}",
                f"{p['pace_hours_per_week']:.1f}",
                esc(p["eta"] or "—"),
                f'<span class="{c}">{verdict}</span>',
            ]
        )
    w(
        _table(
            [
                ("Pillar", False),
                ("Hours to go", True),
                ("h/week", True),
                ("ETA", True),
                ("Verdict", False),
            ],
            rows,
        )
    )
    w("</section>\n</main>\n")
    w('<footer class="muted">Made by roadmap. Definitions: see its README.</footer>\n')
    w("</body></html>\n")
