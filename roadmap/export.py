"""Exports: Markdown summary, complete JSON state, CSV of sessions (HTML in ``report_html``).

User text is hostile until escaped (GUIDE §6): Markdown table cells escape ``|``,
HTML and newlines; CSV text cells that a spreadsheet would run as a formula are
prefixed with ``'``. Large exports stream row by row, never holding the whole
history in memory. Files are written to a temp file beside the target and moved
into place (:func:`atomic_output`).
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from roadmap import __version__, atomic, jsontext
from roadmap.clock import local_iso
from roadmap.store.protocol import Conn
from roadmap.viewdata import Summary

FORMAT = "roadmap-export"
VERSION = 1
CSV_COLUMNS = (
    "id",
    "date",
    "start",
    "minutes",
    "skill_id",
    "skill_name",
    "pillar",
    "tags",
    "note",
    "links",
    "source",
    "source_key",
)
# A session's identity wherever it travels: the key it came with, else ours (its id and the
# moment it was recorded, which an edit never changes). Import skips a record whose identity
# is already there, never one that merely looks alike (two real sessions can).
SOURCE_KEY = "COALESCE({t}source_key, 'roadmap:' || {t}id || '@' || {t}created_at)"


def atomic_output(path: Path) -> contextlib.AbstractContextManager[IO[str]]:
    """Write ``path`` whole or not at all (:func:`roadmap.atomic.open_output`: a temp file
    beside it, fsync, ``os.replace``; a device or FIFO is written through, never replaced)."""
    return atomic.open_output(path)


# --- escaping -----------------------------------------------------------------------------


_MD_SPECIAL = re.compile(r"([\\`*_\[\]~|])")


_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def _md_escape(value: object) -> str:
    """Markdown's inline syntax (emphasis, links, code, pipes) backslash-escaped; HTML made
    inert: ``<`` and ``>`` escaped, and ``&`` where it would start an entity (a plain
    ``&`` stays readable)."""
    text = _MD_SPECIAL.sub(r"\\\1", str(value))
    text = _ENTITY.sub("&amp;", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def md_cell(value: object) -> str:
    """A Markdown table cell: HTML and ``|`` (and the rest of the inline syntax) escaped,
    newlines as ``<br>``."""
    text = _md_escape(value).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", "<br>")


def md_text(value: object) -> str:
    """Inline Markdown text outside tables: escaped like a cell, on one line."""
    text = _md_escape(value).replace("\r\n", " ").replace("\r", " ")
    return text.replace("\n", " ")


_AUTOLINK = re.compile(r"(:|@|(?<=www)\.)", re.IGNORECASE)


def md_inert(value: object) -> str:
    """A URL or path shown as text, never as a live link: escaped like :func:`md_text`, and
    every ``:``, ``@`` and the dot of ``www.`` backslash-escaped too, so that no renderer's
    autolinking (GFM's ``https://…``, ``www.…``, ``user@host``) finds a link in it. A
    backslash-escaped character renders as itself."""
    return _AUTOLINK.sub(r"\\\1", md_text(value))


def csv_cell(value: object) -> object:
    """A CSV cell safe from formula injection: numbers stay numbers; text starting with
    ``= + - @``, tab or CR gets a ``'`` in front, and so does text starting with ``'``, so
    that the import strips exactly one ``'`` and every text comes back exactly."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r", "'"):
        return "'" + text
    return text


def join_tags(tags: list[str]) -> str:
    """A session's tags in one CSV cell: ``", "``-separated, a comma inside a tag written
    ``\\,`` and a backslash ``\\\\`` (read back by :func:`roadmap.importers.split_tags`)."""
    return ", ".join(tag.replace("\\", "\\\\").replace(",", "\\,") for tag in tags)


# --- JSON: the complete state ---------------------------------------------------------------


def _rows(conn: Conn, sql: str, args: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    stream = getattr(conn, "stream", None)  # a server: rows stream from a server-side cursor
    if stream is not None:
        yield from stream(sql, args)
        return
    cursor = conn.execute(sql, args)
    while True:
        chunk = cursor.fetchmany(1000)
        if not chunk:
            return
        yield from chunk


def tree_state(conn: Conn) -> dict[str, Any]:
    meta = {k: v for k, v in conn.execute("SELECT key, value FROM meta")}
    goal = meta.get("weekly_goal_hours") or None
    targets = []
    for tid, name, desc, by, after, archived in conn.execute(
        "SELECT id, name, description, by, after, archived FROM target ORDER BY position, id"
    ):
        requires = {
            s: lv
            for s, lv in conn.execute(
                "SELECT skill_id, level FROM target_requirement WHERE target_id = ? ORDER BY position",
                (tid,),
            )
        }
        targets.append(
            {
                "id": tid,
                "name": name,
                "description": desc,
                "by": by,
                "after": after,
                "archived": bool(archived),
                "requires": requires,
            }
        )
    state = {
        "title": meta.get("title", ""),
        "default_target": meta.get("default_target") or None,
        "weekly_goal_hours": float(goal) if goal else None,
        "levels": json.loads(meta.get("levels", "[]")),
        "pillars": [
            {"id": i, "name": n, "description": d, "archived": bool(a)}
            for i, n, d, a in conn.execute(
                "SELECT id, name, description, archived FROM pillar ORDER BY position, id"
            )
        ],
        "skills": [
            {
                "id": r[0],
                "name": r[1],
                "pillar": r[2],
                "parent": r[3],
                "description": r[4],
                "weight": r[5],
                "hours": r[6],
                "level": r[7],
                "level_changed_at": local_iso(r[8]) if r[8] else None,
                "archived": bool(r[9]),
                "resources": json.loads(r[10] or "[]"),
            }
            for r in conn.execute(
                "SELECT s.id, s.name, s.pillar_id, s.parent_id, s.description, s.weight, s.hours, "
                "s.level, s.level_changed_at, s.archived, s.resources FROM skill s "
                "JOIN pillar p ON p.id = s.pillar_id ORDER BY p.position, s.depth, s.position, s.id"
            )
        ],
        "prerequisites": [
            {"skill": s, "requires": r, "level": lv}
            for s, r, lv in conn.execute(
                "SELECT skill_id, requires_id, level FROM prerequisite ORDER BY skill_id, requires_id"
            )
        ],
        "milestones": [
            {"skill": s, "id": k, "level": lv, "position": p, "text": t, "archived": bool(a)}
            for s, k, lv, p, t, a in conn.execute(
                "SELECT skill_id, key, level, position, text, archived FROM milestone "
                "ORDER BY skill_id, level, position, key"
            )
        ],
        "aliases": [
            {"old": o, "skill": s}
            for o, s in conn.execute("SELECT old_id, skill_id FROM skill_alias ORDER BY old_id")
        ],
        "targets": targets,
    }
    _nested_levels(state)
    return state


def _nested_levels(state: dict[str, Any]) -> None:
    """Add to each skill ``group`` (children and no milestones of its own: its level is their
    roll-up) and ``rollup_level`` (its children's weighted roll-up, None without children);
    ``level`` stays the stored level, which for a group is not used."""
    from roadmap import analysis

    with_milestones = {m["skill"] for m in state["milestones"] if not m["archived"]}
    flat = [
        analysis.Skill(
            s["id"],
            s["name"],
            s["pillar"],
            s["parent"],
            s["weight"],
            level=s["level"],
            archived=s["archived"],
            has_milestones=s["id"] in with_milestones,
        )
        for s in state["skills"]
    ]
    by_id, children = analysis.index(flat), analysis.children_of(flat)
    for s in state["skills"]:
        below = analysis.subtree_rollup(s["id"], by_id, children)
        s["group"] = not s["archived"] and analysis.is_group(s["id"], by_id, children)
        s["rollup_level"] = None if below is None else round(below, 2)


def session_export(row: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "id": row[0],
        "skill": row[1],
        "started_at": local_iso(row[2]),
        "minutes": row[3],
        "note": row[4],
        "tags": json.loads(row[5]),
        "links": json.loads(row[6]),
        "source": row[7],
        "source_key": row[8],
    }


def _period(since: str | None, until: str | None) -> tuple[str, tuple[str, ...]]:
    """A WHERE clause on a session's local ``day`` for the period (inclusive)."""
    where, args = [], []
    if since:
        where.append("day >= ?")
        args.append(since)
    if until:
        where.append("day <= ?")
        args.append(until)
    return (" WHERE " + " AND ".join(where) if where else ""), tuple(args)


def _stamp_bounds(since: str | None, until: str | None) -> tuple[str, str]:
    """Stored-time bounds [lo, hi) of the local days ``since``..``until``."""
    from datetime import date, datetime, time, timedelta

    from roadmap.clock import to_stored

    def start_of(day: date) -> str:
        return to_stored(datetime.combine(day, time.min).astimezone())

    lo = start_of(date.fromisoformat(since)) if since else ""
    hi = start_of(date.fromisoformat(until) + timedelta(days=1)) if until else "9999"
    return lo, hi


Progress = Callable[[int], None]


def write_json(
    conn: Conn,
    out: IO[str],
    exported_at: str,
    since: str | None,
    until: str | None,
    progress: Progress | None = None,
) -> int:
    """Stream the complete state as one JSON document; return the number of sessions.

    The tree is always complete; with a period, only the sessions, milestone checks,
    assessments and level changes in it are included. Sessions are written one by one.
    """
    head = {
        "format": FORMAT,
        "version": VERSION,
        "roadmap_version": __version__,
        "exported_at": exported_at,
        "since": since,
        "until": until,
        "tree": tree_state(conn),
    }
    text = jsontext.dumps(head, indent=1)
    out.write(text[: text.rstrip().rfind("}")].rstrip() + ',\n "sessions": [')
    where, args = _period(since, until)
    count = 0
    for row in _rows(
        conn,
        "SELECT id, skill_id, started_at, minutes, note, tags, links, source, "
        + SOURCE_KEY.format(t="")
        + " "
        f"FROM session{where} ORDER BY started_at, id",
        args,
    ):
        out.write(("\n  " if count == 0 else ",\n  ") + jsontext.dumps(session_export(row)))
        count += 1
        if progress is not None and count % 1000 == 0:
            progress(1000)
    out.write("\n ],\n")
    lo, hi = _stamp_bounds(since, until)
    rest = {
        "milestone_checks": [
            {"skill": s, "milestone": k, "checked_at": local_iso(c), "link": lk, "note": n}
            for s, k, c, lk, n in conn.execute(
                "SELECT skill_id, key, checked_at, link, note FROM milestone "
                "WHERE checked_at >= ? AND checked_at < ? ORDER BY checked_at, skill_id, key",
                (lo, hi),
            )
        ],
        "assessments": [
            {
                "skill": s,
                "level": lv,
                "note": n,
                "assessed_at": local_iso(at),
                "kind": k,
                "evidence": e,
            }
            for s, lv, n, at, k, e in conn.execute(
                "SELECT skill_id, level, note, assessed_at, kind, evidence FROM assessment "
                "WHERE assessed_at >= ? AND assessed_at < ? ORDER BY assessed_at, id",
                (lo, hi),
            )
        ],
        "level_history": [
            {"skill": s, "level": lv, "previous": p, "changed_at": local_iso(at), "cause": c}
            for s, lv, p, at, c in conn.execute(
                "SELECT skill_id, level, previous, changed_at, cause FROM level_change "
                "WHERE changed_at >= ? AND changed_at < ? ORDER BY changed_at, id",
                (lo, hi),
            )
        ],
        "reviews": [
            {"skill": s, "level": lv, "recall": r, "note": n, "reviewed_at": local_iso(at)}
            for s, lv, r, n, at in conn.execute(
                "SELECT skill_id, level, rating, note, reviewed_at FROM review "
                "WHERE reviewed_at >= ? AND reviewed_at < ? ORDER BY reviewed_at, id",
                (lo, hi),
            )
        ],
        "timer": next(
            (
                {"skill": s, "started_at": local_iso(at), "note": n}
                for s, at, n in conn.execute("SELECT skill_id, started_at, note FROM timer")
            ),
            None,
        ),
    }
    body = jsontext.dumps(rest, indent=1)
    out.write(body[body.index("{") + 1 :].lstrip("\n"))
    out.write("\n")
    return count


def count_sessions(conn: Conn, since: str | None, until: str | None) -> int:
    where, args = _period(since, until)
    return int(conn.execute(f"SELECT COUNT(*) FROM session{where}", args).fetchone()[0])


# --- CSV: one row per session -------------------------------------------------------------------


def write_csv(
    conn: Conn,
    out: IO[str],
    since: str | None,
    until: str | None,
    progress: Progress | None = None,
) -> int:
    """One row per session (:data:`CSV_COLUMNS`), streamed; return the number of rows."""
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: a CR in a cell gets quoted
    writer.writerow(CSV_COLUMNS)
    where, args = _period(since, until)
    where = where.replace("day", "s.day")
    count = 0
    for r in _rows(
        conn,
        "SELECT s.id, s.day, s.started_at, s.minutes, s.skill_id, k.name, k.pillar_id, s.tags, "
        "s.note, s.links, s.source, "
        + SOURCE_KEY.format(t="s.")
        + " FROM session s JOIN skill k ON k.id = s.skill_id"
        f"{where} ORDER BY s.started_at, s.id",
        args,
    ):
        writer.writerow(
            [
                csv_cell(r[0]),
                csv_cell(r[1]),
                csv_cell(local_iso(r[2])),
                csv_cell(r[3]),
                csv_cell(r[4]),
                csv_cell(r[5]),
                csv_cell(r[6]),
                csv_cell(join_tags(json.loads(r[7]))),
                csv_cell(r[8]),
                csv_cell(" ".join(json.loads(r[9]))),
                csv_cell(r[10]),
                csv_cell(r[11]),
            ]
        )
        count += 1
        if progress is not None and count % 1000 == 0:
            progress(1000)
    return count


# --- Markdown: a progress summary -------------------------------------------------------------


def _h(minutes: float) -> str:
    return f"{minutes / 60:.1f}"


def _totals(pillars: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """All-time hours per pillar, rounded so that they add up like the period's."""
    from roadmap.analysis import apportion_hours

    hours = apportion_hours([p["minutes_total"] for p in pillars])
    return {p["id"]: f"{h:.1f}" for p, h in zip(pillars, hours, strict=True)}


def _part(item: Mapping[str, Any]) -> str:
    """A report part's hours, rounded so the parts add up to the total shown."""
    return f"{item['hours']:.1f}" if "hours" in item else _h(item["minutes"])


def verdict(on_track: bool | None) -> str:
    return {True: "on track", False: "behind", None: "no verdict"}[on_track]


def names(summary: Summary) -> tuple[dict[str, str], dict[str, str]]:
    """Skill and pillar names by id (ids where a name is unknown)."""
    skills = dict(summary.get("skill_names") or {})
    pillars = {p["id"]: p["name"] for p in summary["status"]["pillars"]}
    return skills, pillars


def write_markdown(summary: Summary, out: IO[str]) -> None:
    """The summary someone pastes into a review (from :func:`roadmap.views.summary`)."""
    status, report, fc = summary["status"], summary["report"], summary["status"]["forecast"]
    target = status["target"]
    skill_name, pillar_name = names(summary)
    w = out.write
    w(f"# Progress: {md_text(summary['title'])}\n\n")
    w(f"Period {report['since']} to {report['until']}; generated {summary['generated']}.\n\n")
    by = f" (by {target['by']})" if target["by"] else ""
    w(f"**Target:** {md_text(target['name'])}{by}. **Readiness:** {status['readiness']:.0%}.\n\n")
    w("## Readiness by pillar\n\n| Pillar | Readiness | Hours in period | Hours total |\n")
    w("|---|---:|---:|---:|\n")
    period = {p["id"]: _part(p) for p in report["pillars"]}
    totals = _totals(status["pillars"])
    for p in status["pillars"]:
        w(
            f"| {md_cell(p['name'])} | {p['readiness']:.0%} | {period.get(p['id'], '0.0')} | "
            f"{totals[p['id']]} |\n"
        )
    w(f"\n## In the period\n\n{_part(report)} hours in {report['sessions']} sessions.\n\n")
    if report["skills"]:
        w("Top skills:\n\n| Skill | Hours |\n|---|---:|\n")
        for s in report["skills"][:10]:
            w(f"| {md_cell(s['name'])} | {_part(s)} |\n")
        w("\n")
    if report["level_ups"]:
        w("Level-ups:\n\n")
        for up in report["level_ups"]:
            name = skill_name.get(up["skill"], up["skill"])
            w(f"- {md_text(name)}: level {up['from']} → {up['to']}\n")
        w("\n")
    if report["milestones_checked"]:
        w("Milestones checked:\n\n")
        for m in report["milestones_checked"]:
            name = skill_name.get(m["skill"], m["skill"])
            w(f"- {md_text(name)}: {md_text(m['text'])}\n")
        w("\n")
    if not (report["skills"] or report["level_ups"] or report["milestones_checked"]):
        w("Nothing logged, levelled or checked in this period.\n\n")
    w("## Biggest gaps\n\n")
    if status["top_gaps"]:
        w("| Skill | Pillar | Now | Required | Weight |\n|---|---|---:|---:|---:|\n")
        for g in status["top_gaps"]:
            w(
                f"| {md_cell(g['name'])} | {md_cell(pillar_name.get(g['pillar'], g['pillar']))} | "
                f"{g['current']} | {g['required']} | {g['weight']} |\n"
            )
    else:
        w("None: every required skill is at its level.\n")
    w("\n## Next steps\n\n")
    for i, rec in enumerate(status["next"], 1):
        w(f"{i}. **{md_text(rec['name'])}** — {md_text('; '.join(rec['reasons']))}\n")
    if not status["next"]:
        w("Nothing to recommend.\n")
    w("\n## Forecast\n\n")
    if not fc.get("enough_history", True):
        w(
            f"{fc['remaining_hours']:.0f} hours to go; not enough history yet "
            f"({fc['history_days']} days, {fc['history_sessions']} sessions) for a pace."
        )
    else:
        w(
            f"{fc['remaining_hours']:.0f} hours to go at {fc['pace_hours_per_week']:.1f} h/week "
            f"(12 weeks: {fc['pace_12w_hours_per_week']:.1f}); "
            f"ETA {fc['eta'] or 'none at this pace'} — {verdict(fc['on_track'])}."
        )
        if fc.get("eta_likely"):
            w(f" Likely by {fc['eta_likely']}, cautiously by {fc['eta_cautious'] or 'never'}.")
    if fc.get("needed_hours_per_week") is not None and fc.get("by"):
        w(f" Arriving by {fc['by']} needs {fc['needed_hours_per_week']:.1f} h/week.")
    w("\n")
    if fc.get("pillars"):
        w("\n| Pillar | Hours to go | Pace h/week | ETA | Verdict |\n|---|---:|---:|---|---|\n")
        for pf in fc["pillars"]:
            w(
                f"| {md_cell(pf['name'])} | {pf['remaining_hours']:.0f} | "
                f"{pf['pace_hours_per_week']:.1f} | {pf['eta'] or '—'} | "
                f"{verdict(pf['on_track'])} |\n"
            )
    write_evidence(summary, out)


def evidence_line(item: Mapping[str, Any]) -> str:
    """One proof as a Markdown list item's text: what it proves, then the URL or path
    itself, all inert (:func:`md_inert`: a URL in a note is no link either)."""
    if item["source"] == "milestone":
        what = f"milestone {md_text(item['ref'])}"
        if item["text"]:
            what += f" {md_inert(item['text'])}"
        what += f", checked {item['at'][:10]}"
    else:
        what = f"assessed {item['at'][:10]}"
        if item["text"]:
            what += f" ({md_inert(item['text'])})"
    return f"level {item['level']}, {what}: {md_inert(item['evidence'])}"


def write_evidence(summary: Summary, out: IO[str]) -> None:
    """The evidence section: per skill, what proves its levels (links shown as text)."""
    w = out.write
    proofs, bare = summary.get("evidence") or [], summary.get("unproven") or []
    if not (proofs or bare):
        return
    w("\n## Evidence\n\n")
    if proofs:
        w("What proves the levels held: checked milestones' links and assessments' evidence ")
        w("(URLs and paths shown as text, not links).\n")
    else:
        w("No evidence yet: attach some with `roadmap check SKILL LEVEL.N --link URL` or ")
        w("`roadmap assess SKILL LEVEL --evidence URL|PATH`.\n")
    for skill in proofs:
        w(f"\n### {md_text(skill['name'])} ({md_text(skill['skill'])}), level {skill['level']}\n\n")
        for item in skill["items"]:
            w(f"- {evidence_line(item)}\n")
    if bare:
        held = ", ".join(f"{md_text(u['name'])} (level {u['level']})" for u in bare)
        w(f"\nHeld without evidence: {held}.\n")
