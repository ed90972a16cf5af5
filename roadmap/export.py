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
import html
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from roadmap import __version__
from roadmap.clock import local_iso
from roadmap.errors import CannotCreateError, StorageError

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
)


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[IO[str]]:
    """Write ``path`` through a temp file in its directory, fsync, then ``os.replace``.

    An interrupted write leaves the old file intact and no temp file behind.
    """
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except FileNotFoundError:
        raise CannotCreateError(f"cannot write {path}: the directory does not exist") from None
    except OSError as exc:
        raise CannotCreateError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError):
            raise StorageError(
                f"cannot write {path}: {exc.strerror}; the old file is intact"
            ) from None
        raise


# --- escaping -----------------------------------------------------------------------------


def md_cell(value: object) -> str:
    """A Markdown table cell: HTML escaped, ``|`` escaped, newlines as ``<br>``."""
    text = html.escape(str(value), quote=False)
    text = text.replace("|", "\\|").replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", "<br>")


def md_text(value: object) -> str:
    """Inline Markdown text outside tables: HTML escaped, one line."""
    return html.escape(str(value), quote=False).replace("\n", " ").replace("\r", " ")


def csv_cell(value: object) -> object:
    """A CSV cell safe from formula injection: numbers stay numbers."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


# --- JSON: the complete state ---------------------------------------------------------------


def _rows(
    conn: sqlite3.Connection, sql: str, args: tuple[Any, ...] = ()
) -> Iterator[tuple[Any, ...]]:
    cursor = conn.execute(sql, args)
    while True:
        chunk = cursor.fetchmany(1000)
        if not chunk:
            return
        yield from chunk


def tree_state(conn: sqlite3.Connection) -> dict[str, Any]:
    meta = {k: v for k, v in conn.execute("SELECT key, value FROM meta")}
    goal = meta.get("weekly_goal_hours") or None
    targets = []
    for tid, name, desc, by, after, archived in conn.execute(
        "SELECT id, name, description, by, after, archived FROM target ORDER BY position, id"
    ):
        requires = {
            s: lv
            for s, lv in conn.execute(
                "SELECT skill_id, level FROM target_requirement WHERE target_id = ? ORDER BY rowid",
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
    return {
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
    where, args = [], []
    if since:
        where.append("day >= ?")
        args.append(since)
    if until:
        where.append("day <= ?")
        args.append(until)
    return (" WHERE " + " AND ".join(where) if where else ""), tuple(args)


def write_json(
    conn: sqlite3.Connection, out: IO[str], exported_at: str, since: str | None, until: str | None
) -> int:
    """Stream the complete state as one JSON document; return the number of sessions."""
    head = {
        "format": FORMAT,
        "version": VERSION,
        "roadmap_version": __version__,
        "exported_at": exported_at,
        "since": since,
        "until": until,
        "tree": tree_state(conn),
    }
    text = json.dumps(head, ensure_ascii=False, indent=1)
    out.write(text[: text.rstrip().rfind("}")].rstrip() + ',\n "sessions": [')
    where, args = _period(since, until)
    count = 0
    for row in _rows(
        conn,
        "SELECT id, skill_id, started_at, minutes, note, tags, links, source, source_key "
        f"FROM session{where} ORDER BY started_at, id",
        args,
    ):
        out.write(
            ("\n  " if count == 0 else ",\n  ")
            + json.dumps(session_export(row), ensure_ascii=False)
        )
        count += 1
    out.write("\n ],\n")
    rest = {
        "milestone_checks": [
            {"skill": s, "milestone": k, "checked_at": local_iso(c), "link": lk, "note": n}
            for s, k, c, lk, n in conn.execute(
                "SELECT skill_id, key, checked_at, link, note FROM milestone "
                "WHERE checked_at IS NOT NULL ORDER BY checked_at, skill_id, key"
            )
        ],
        "assessments": [
            {"skill": s, "level": lv, "note": n, "assessed_at": local_iso(at)}
            for s, lv, n, at in conn.execute(
                "SELECT skill_id, level, note, assessed_at FROM assessment ORDER BY assessed_at, id"
            )
        ],
        "level_history": [
            {"skill": s, "level": lv, "previous": p, "changed_at": local_iso(at), "cause": c}
            for s, lv, p, at, c in conn.execute(
                "SELECT skill_id, level, previous, changed_at, cause FROM level_change "
                "ORDER BY changed_at, id"
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
    body = json.dumps(rest, ensure_ascii=False, indent=1)
    out.write(body[body.index("{") + 1 :].lstrip("\n"))
    out.write("\n")
    return count


# --- CSV: one row per session -------------------------------------------------------------------


def write_csv(conn: sqlite3.Connection, out: IO[str], since: str | None, until: str | None) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    where, args = _period(since, until)
    where = where.replace("day", "s.day")
    count = 0
    for r in _rows(
        conn,
        "SELECT s.id, s.day, s.started_at, s.minutes, s.skill_id, k.name, k.pillar_id, s.tags, "
        "s.note, s.links, s.source FROM session s JOIN skill k ON k.id = s.skill_id"
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
                csv_cell(" ".join(json.loads(r[7]))),
                csv_cell(r[8]),
                csv_cell(" ".join(json.loads(r[9]))),
                csv_cell(r[10]),
            ]
        )
        count += 1
    return count


# --- Markdown: a progress summary -------------------------------------------------------------


def _h(minutes: float) -> str:
    return f"{minutes / 60:.1f}"


def write_markdown(summary: dict[str, Any], out: IO[str]) -> None:
    """The summary someone pastes into a review (from :func:`roadmap.views.summary`)."""
    status, report, fc = summary["status"], summary["report"], summary["status"]["forecast"]
    target = status["target"]
    w = out.write
    w(f"# Progress: {md_text(summary['title'])}\n\n")
    w(f"Period {report['since']} to {report['until']}; generated {summary['generated']}.\n\n")
    by = f" (by {target['by']})" if target["by"] else ""
    w(f"**Target:** {md_text(target['name'])}{by}. **Readiness:** {status['readiness']:.0%}.\n\n")
    w("## Readiness by pillar\n\n| Pillar | Readiness | Hours in period | Hours total |\n")
    w("|---|---:|---:|---:|\n")
    period = {p["id"]: p["minutes"] for p in report["pillars"]}
    for p in status["pillars"]:
        w(
            f"| {md_cell(p['name'])} | {p['readiness']:.0%} | {_h(period.get(p['id'], 0))} | "
            f"{_h(p['minutes_total'])} |\n"
        )
    w(f"\n## In the period\n\n{_h(report['minutes'])} hours in {report['sessions']} sessions.\n\n")
    if report["skills"]:
        w("| Skill | Hours |\n|---|---:|\n")
        for s in report["skills"][:10]:
            w(f"| {md_cell(s['name'])} | {_h(s['minutes'])} |\n")
        w("\n")
    if report["level_ups"]:
        w("Level-ups:\n\n")
        for up in report["level_ups"]:
            w(f"- {md_text(up['skill'])}: {up['from']} → {up['to']}\n")
        w("\n")
    if report["milestones_checked"]:
        w("Milestones checked:\n\n")
        for m in report["milestones_checked"]:
            w(f"- {md_text(m['skill'])}: {md_text(m['text'])}\n")
        w("\n")
    w("## Biggest gaps\n\n")
    if status["top_gaps"]:
        w("| Skill | Pillar | Now | Required | Weight |\n|---|---|---:|---:|---:|\n")
        for g in status["top_gaps"]:
            w(
                f"| {md_cell(g['name'])} | {md_cell(g['pillar'])} | {g['current']} | "
                f"{g['required']} | {g['weight']} |\n"
            )
    else:
        w("None: every required skill is at its level.\n")
    w("\n## Next steps\n\n")
    for i, rec in enumerate(status["next"], 1):
        w(f"{i}. **{md_text(rec['name'])}** — {md_text('; '.join(rec['reasons']))}\n")
    if not status["next"]:
        w("Nothing to recommend.\n")
    w("\n## Forecast\n\n")
    verdict = {True: "on track", False: "behind", None: "no verdict"}[fc["on_track"]]
    w(
        f"{fc['remaining_hours']:.0f} hours to go at {fc['pace_hours_per_week']:.1f} h/week "
        f"(12 weeks: {fc['pace_12w_hours_per_week']:.1f}); ETA {fc['eta'] or 'none at this pace'}"
        f" — {verdict}."
    )
    if fc.get("needed_hours_per_week") is not None:
        w(f" Arriving by {fc['by']} needs {fc['needed_hours_per_week']:.1f} h/week.")
    w("\n")
