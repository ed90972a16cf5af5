"""Read queries over the stdlib ``sqlite3`` driver (the fast read path).

All SQL of the read views lives here. It reads the tables defined in
``roadmap.models``; ``tests/test_schema.py`` checks every table and column named
here exists in the SQLModel schema, so the two cannot drift. Aggregates come from
``skill_day``, ``skill_total`` and ``study_day`` (kept by triggers), so their cost does not
grow with history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from roadmap.store.protocol import Conn, dialect


@dataclass
class SkillRow:
    id: str
    name: str
    pillar: str
    parent: str | None
    description: str
    weight: int
    hours: float
    level: int
    level_changed_at: str | None
    archived: bool
    position: int
    depth: int
    resources: list[dict[str, str]] = field(default_factory=list)
    children: list[SkillRow] = field(default_factory=list)
    has_milestones: bool = False  # milestones of its own: a level of its own, children or not
    hours_by_level: tuple[float, ...] | None = None


@dataclass
class PillarRow:
    id: str
    name: str
    description: str
    skills: list[SkillRow] = field(default_factory=list)


@dataclass
class TargetRow:
    id: str
    name: str
    description: str
    by: str | None
    after: str | None
    requires: dict[str, int] = field(default_factory=dict)


def meta(conn: Conn) -> dict[str, str]:
    return {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM meta")}


def levels(conn: Conn) -> list[dict[str, Any]]:
    raw = meta(conn).get("levels")
    return list(json.loads(raw)) if raw else []


def skills(conn: Conn, include_archived: bool = False) -> list[SkillRow]:
    sql = (
        "SELECT s.id, s.name, s.pillar_id, s.parent_id, s.description, s.weight, s.hours, "
        "s.level, s.level_changed_at, s.archived, s.position, s.depth, s.resources, "
        "EXISTS (SELECT 1 FROM milestone m WHERE m.skill_id = s.id AND NOT m.archived), "
        "s.hours_by_level "
        "FROM skill s JOIN pillar p ON p.id = s.pillar_id "
    )
    if not include_archived:
        sql += "WHERE NOT s.archived "
    sql += "ORDER BY p.position, s.depth, s.position"
    return [
        SkillRow(
            id=r[0],
            name=r[1],
            pillar=r[2],
            parent=r[3],
            description=r[4],
            weight=int(r[5]),
            hours=float(r[6]),
            level=int(r[7]),
            level_changed_at=r[8],
            archived=bool(r[9]),
            position=int(r[10]),
            depth=int(r[11]),
            resources=json.loads(r[12] or "[]"),
            has_milestones=bool(r[13]),
            hours_by_level=tuple(float(h) for h in json.loads(r[14])) if r[14] else None,
        )
        for r in conn.execute(sql)
    ]


def pillars(conn: Conn, include_archived: bool = False) -> list[PillarRow]:
    sql = "SELECT id, name, description FROM pillar"
    if not include_archived:
        sql += " WHERE NOT archived"
    return [PillarRow(r[0], r[1], r[2]) for r in conn.execute(sql + " ORDER BY position")]


def tree(conn: Conn) -> list[PillarRow]:
    """Pillars with their skills nested as in the file (archived skills left out)."""
    result = pillars(conn)
    by_pillar = {p.id: p for p in result}
    rows = skills(conn)
    by_id = {s.id: s for s in rows}
    for row in sorted(rows, key=lambda s: (s.depth, s.position)):
        parent = by_id.get(row.parent) if row.parent else None
        if parent is not None:
            parent.children.append(row)
        elif row.pillar in by_pillar:
            by_pillar[row.pillar].skills.append(row)
    return result


def prerequisites(conn: Conn) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = {}
    for skill_id, requires_id, level in conn.execute(
        "SELECT skill_id, requires_id, level FROM prerequisite ORDER BY position"
    ):
        out.setdefault(skill_id, []).append((requires_id, int(level)))
    return out


def targets(conn: Conn, include_archived: bool = False) -> list[TargetRow]:
    sql = "SELECT id, name, description, by, after FROM target"
    if not include_archived:
        sql += " WHERE NOT archived"
    rows = [
        TargetRow(r[0], r[1], r[2], r[3], r[4]) for r in conn.execute(sql + " ORDER BY position")
    ]
    by_id = {t.id: t for t in rows}
    for target_id, skill_id, level in conn.execute(
        "SELECT target_id, skill_id, level FROM target_requirement ORDER BY position"
    ):
        if target_id in by_id:
            by_id[target_id].requires[skill_id] = int(level)
    return rows


@dataclass
class SessionFilter:
    skills: list[str] | None = None  # skill ids (a parent's descendants included by caller)
    pillar: str | None = None
    since: str | None = None  # local day, inclusive
    until: str | None = None  # local day, inclusive
    tag: str | None = None
    limit: int | None = 20


SESSION_COLUMNS = (
    "s.id, s.skill_id, k.name, k.pillar_id, s.started_at, s.minutes, s.note, s.tags, "
    "s.links, s.source, k.archived"
)


def session_json(row: tuple[Any, ...]) -> dict[str, Any]:
    """A session as the JSON contract shows it (time in local ISO 8601 with offset)."""
    from roadmap.clock import local_iso

    return {
        "id": row[0],
        "skill": row[1],
        "skill_name": row[2],
        "pillar": row[3],
        "started_at": local_iso(row[4]),
        "minutes": row[5],
        "note": row[6],
        "tags": json.loads(row[7]),
        "links": json.loads(row[8]),
        "source": row[9],
        "skill_archived": bool(row[10]),
    }


def sessions(conn: Conn, flt: SessionFilter) -> list[dict[str, Any]]:
    """Sessions, newest first, filtered."""
    where: list[str] = []
    args: list[Any] = []
    if flt.skills is not None:
        where.append(f"s.skill_id IN ({','.join('?' * len(flt.skills))})")
        args.extend(flt.skills)
    if flt.pillar is not None:
        where.append("k.pillar_id = ?")
        args.append(flt.pillar)
    if flt.since is not None:
        where.append("s.day >= ?")
        args.append(flt.since)
    if flt.until is not None:
        where.append("s.day <= ?")
        args.append(flt.until)
    if flt.tag is not None:
        if dialect(conn) == "sqlite":
            where.append("EXISTS (SELECT 1 FROM json_each(s.tags) WHERE json_each.value = ?)")
        else:  # tags is JSON text
            where.append(
                "EXISTS (SELECT 1 FROM jsonb_array_elements_text(s.tags::jsonb) AS t(value) "
                "WHERE t.value = ?)"
            )
        args.append(flt.tag)
    sql = f"SELECT {SESSION_COLUMNS} FROM session s JOIN skill k ON k.id = s.skill_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY s.started_at DESC, s.id DESC"
    if flt.limit:
        sql += " LIMIT ?"
        args.append(flt.limit)
    return [session_json(r) for r in conn.execute(sql, args)]


def session_by_id(conn: Conn, session_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        f"SELECT {SESSION_COLUMNS} FROM session s JOIN skill k ON k.id = s.skill_id WHERE s.id = ?",
        (session_id,),
    ).fetchone()
    return session_json(row) if row else None


def group_children(conn: Conn, skill_id: str) -> list[str] | None:
    """The children of ``skill_id`` when it is a group (children and no milestones of its
    own, so its level is their roll-up); None otherwise."""
    if conn.execute(
        "SELECT 1 FROM milestone WHERE skill_id = ? AND NOT archived LIMIT 1", (skill_id,)
    ).fetchone():
        return None
    kids = [
        str(r[0])
        for r in conn.execute(
            "SELECT id FROM skill WHERE parent_id = ? AND NOT archived ORDER BY position",
            (skill_id,),
        )
    ]
    return kids or None


def descendants(conn: Conn, skill_id: str) -> list[str]:
    """``skill_id`` and every skill below it (archived included)."""
    rows = conn.execute(
        "WITH RECURSIVE d(id) AS (SELECT id FROM skill WHERE id = ? UNION SELECT s.id FROM skill s JOIN d "
        "ON s.parent_id = d.id) SELECT id FROM d",
        (skill_id,),
    ).fetchall()
    return [str(r[0]) for r in rows]


@dataclass
class TimerRow:
    skill: str
    skill_name: str
    started_at: str  # stored UTC text
    note: str


def timer(conn: Conn) -> TimerRow | None:
    row = conn.execute(
        "SELECT t.skill_id, k.name, t.started_at, t.note FROM timer t "
        "JOIN skill k ON k.id = t.skill_id"
    ).fetchone()
    return TimerRow(*row) if row else None


def skill_stats(conn: Conn) -> dict[str, tuple[int, str | None, int]]:
    """Per skill: (minutes total, last day practised, minutes since its last level change).

    Totals come from ``skill_total`` (a row per skill, kept by triggers); the minutes
    since a level change read only the sessions after that change, through the
    (skill_id, started_at) index.
    """
    out: dict[str, tuple[int, str | None, int]] = {}
    for skill_id, minutes, last in conn.execute(
        "SELECT skill_id, minutes, last_day FROM skill_total"
    ):
        out[skill_id] = (int(minutes), last, 0)
    for skill_id, minutes in conn.execute(
        "SELECT k.id, (SELECT COALESCE(SUM(s.minutes), 0) FROM session s "
        "WHERE s.skill_id = k.id AND s.started_at >= k.level_changed_at) "
        "FROM skill k WHERE k.level_changed_at IS NOT NULL"
    ):
        if skill_id in out:
            total, last, _ = out[skill_id]
            out[skill_id] = (total, last, int(minutes))
    return out


def minutes_by_pillar(conn: Conn, since_day: str | None) -> dict[str, int]:
    """Minutes per pillar: all time from ``skill_total``; since a day from ``skill_day``
    through its day index."""
    if since_day is None:
        sql = "SELECT k.pillar_id, SUM(t.minutes) FROM skill_total t JOIN skill k ON k.id = t.skill_id"
        args: tuple[str, ...] = ()
    else:
        sql = (
            "SELECT k.pillar_id, SUM(d.minutes) FROM skill_day d JOIN skill k ON k.id = d.skill_id"
            " WHERE d.day >= ?"
        )
        args = (since_day,)
    return {str(p): int(m) for p, m in conn.execute(sql + " GROUP BY k.pillar_id", args)}


def minutes_by_skill(conn: Conn, since_day: str) -> dict[str, int]:
    """Minutes per skill logged on local days from ``since_day`` on (``skill_day``)."""
    return {
        str(k): int(m)
        for k, m in conn.execute(
            "SELECT skill_id, SUM(minutes) FROM skill_day WHERE day >= ? GROUP BY skill_id",
            (since_day,),
        )
        if m
    }


def minutes_by_pillar_day(conn: Conn, since: str, until: str) -> list[tuple[str, str, int]]:
    """(day, pillar, minutes) for local days ``since``..``until`` inclusive."""
    return [
        (str(d), str(p), int(m))
        for d, p, m in conn.execute(
            "SELECT d.day, k.pillar_id, SUM(d.minutes) FROM skill_day d "
            "JOIN skill k ON k.id = d.skill_id WHERE d.day BETWEEN ? AND ? "
            "GROUP BY d.day, k.pillar_id ORDER BY d.day",
            (since, until),
        )
    ]


def minutes_by_day(conn: Conn, since_day: str) -> list[tuple[str, int]]:
    return [
        (str(d), int(m))
        for d, m in conn.execute(
            "SELECT day, minutes FROM study_day WHERE day >= ? ORDER BY day",
            (since_day,),
        )
    ]


def history_facts(conn: Conn) -> tuple[str | None, int, str | None]:
    """(first study day, sessions in all, first calibration as stored time): where the
    history a pace can stand on starts."""
    first, count = conn.execute(
        "SELECT MIN(day), COALESCE(SUM(sessions), 0) FROM study_day"
    ).fetchone()
    calibrated = conn.execute(
        "SELECT MIN(assessed_at) FROM assessment WHERE kind = 'calibrate'"
    ).fetchone()[0]
    return first, int(count), calibrated


def active_days(conn: Conn) -> list[Any]:
    from datetime import date

    return [date.fromisoformat(r[0]) for r in conn.execute("SELECT day FROM study_day")]


def skill_detail(conn: Conn, skill_id: str) -> dict[str, Any]:
    from roadmap.clock import local_iso

    row = conn.execute(
        "SELECT id, name, pillar_id, parent_id, description, weight, hours, level, "
        "level_changed_at, archived, resources FROM skill WHERE id = ?",
        (skill_id,),
    ).fetchone()
    stats = conn.execute(
        "SELECT COALESCE(SUM(minutes), 0), MAX(last_day), COALESCE(SUM(sessions), 0) "
        "FROM skill_total WHERE skill_id = ?",
        (skill_id,),
    ).fetchone()
    milestones = [
        {
            "id": key,
            "level": level,
            "position": position,
            "ref": f"{level}.{position}",
            "text": text,
            "checked": checked is not None,
            "checked_at": local_iso(checked) if checked else None,
            "link": link,
            "note": note,
        }
        for key, level, position, text, checked, link, note in conn.execute(
            "SELECT key, level, position, text, checked_at, link, note FROM milestone "
            "WHERE skill_id = ? AND NOT archived ORDER BY level, position",
            (skill_id,),
        )
    ]
    assessment = conn.execute(
        "SELECT level, note, assessed_at, kind FROM assessment WHERE skill_id = ? "
        "ORDER BY assessed_at DESC, id DESC LIMIT 1",
        (skill_id,),
    ).fetchone()
    history = [
        {"level": lv, "previous": prev, "changed_at": local_iso(at), "cause": cause}
        for lv, prev, at, cause in conn.execute(
            "SELECT level, previous, changed_at, cause FROM level_change WHERE skill_id = ? "
            "ORDER BY changed_at, id",
            (skill_id,),
        )
    ]
    children = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM skill WHERE parent_id = ? AND NOT archived ORDER BY position",
            (skill_id,),
        )
    ]
    return {
        "id": row[0],
        "name": row[1],
        "pillar": row[2],
        "parent": row[3],
        "description": row[4],
        "weight": row[5],
        "hours": row[6],
        "level": row[7],
        "archived": bool(row[9]),
        "resources": json.loads(row[10] or "[]"),
        "children": children,
        "minutes_total": int(stats[0]),
        "sessions": int(stats[2]),
        "last_practised": stats[1],
        "milestones": milestones,
        "assessment": (
            {
                "level": assessment[0],
                "note": assessment[1],
                "at": local_iso(assessment[2]),
                "kind": assessment[3],
            }
            if assessment
            else None
        ),
        "level_history": history,
    }


CALIBRATION_CAUSE = "calibrated"  # the cause of a level change a calibration made


def period_report(conn: Conn, since: str, until: str) -> dict[str, Any]:
    """Minutes per pillar and skill, sessions, milestones checked, level-ups: local days
    ``since``..``until`` inclusive (from ``skill_day``, or ``skill_total`` when the period
    covers the whole history, so a report over all time does not scan it; events by their
    local day)."""
    first, last = conn.execute("SELECT MIN(day), MAX(day) FROM study_day").fetchone()
    if first is None or (since <= first and until >= last):
        args: tuple[str, ...] = ()
        source, where = "skill_total d", ""
    else:
        source, where, args = "skill_day d", " WHERE d.day BETWEEN ? AND ?", (since, until)
    pillars = [
        {"id": p, "minutes": int(m)}
        for p, m in conn.execute(
            f"SELECT k.pillar_id, SUM(d.minutes) FROM {source} JOIN skill k ON k.id = d.skill_id "
            f"JOIN pillar p ON p.id = k.pillar_id{where} "
            "GROUP BY k.pillar_id, p.position ORDER BY p.position",
            args,
        )
    ]
    skills = [
        {"id": s, "name": n, "minutes": int(m)}
        for s, n, m in conn.execute(
            f"SELECT d.skill_id, k.name, SUM(d.minutes) AS m FROM {source} "
            f"JOIN skill k ON k.id = d.skill_id{where} "
            "GROUP BY d.skill_id, k.name ORDER BY m DESC, d.skill_id",
            args,
        )
    ]
    minutes, count = conn.execute(
        "SELECT COALESCE(SUM(minutes), 0), COALESCE(SUM(sessions), 0) FROM study_day "
        "WHERE day BETWEEN ? AND ?",
        (since, until),
    ).fetchone()
    lo, hi = local_day_bounds(since, until)
    checked = [
        {"skill": s, "milestone": k, "text": t, "ref": f"{lv}.{pos}"}
        for s, k, t, lv, pos in conn.execute(
            "SELECT skill_id, key, text, level, position FROM milestone "
            "WHERE checked_at >= ? AND checked_at < ? ORDER BY checked_at",
            (lo, hi),
        )
    ]
    from roadmap.analysis import net_level_ups

    changes = [
        (str(s), int(p), int(lv), str(cause).startswith(CALIBRATION_CAUSE))
        for s, p, lv, cause in conn.execute(
            "SELECT skill_id, previous, level, cause FROM level_change WHERE changed_at >= ? "
            "AND changed_at < ? ORDER BY changed_at, id",
            (lo, hi),
        )
    ]
    level_ups = [{"skill": s, "from": p, "to": lv} for s, p, lv in net_level_ups(changes)]
    return {
        "since": since,
        "until": until,
        "minutes": int(minutes),
        "sessions": int(count),
        "pillars": pillars,
        "skills": skills,
        "milestones_checked": checked,
        "level_ups": level_ups,
    }


def level_changes_by_day(conn: Conn) -> list[tuple[str, list[tuple[str, int]]]]:
    """Level changes grouped by the local day they happened, oldest first."""
    from roadmap.clock import from_stored

    out: list[tuple[str, list[tuple[str, int]]]] = []
    for skill_id, level, changed_at in conn.execute(
        "SELECT skill_id, level, changed_at FROM level_change ORDER BY changed_at, id"
    ):
        day = from_stored(changed_at).date().isoformat()
        if not out or out[-1][0] != day:
            out.append((day, []))
        out[-1][1].append((str(skill_id), int(level)))
    return out


# --- added for the views (skill names, totals over a subtree, local-day bounds) ----------------


def names(conn: Conn) -> tuple[dict[str, str], dict[str, str]]:
    """(skill id → name, pillar id → name), archived ones included."""
    skill_names = {str(i): str(n) for i, n in conn.execute("SELECT id, name FROM skill")}
    pillar_names = {str(i): str(n) for i, n in conn.execute("SELECT id, name FROM pillar")}
    return skill_names, pillar_names


def skills_totals(conn: Conn, skill_ids: list[str]) -> tuple[int, str | None, int]:
    """(minutes, last day practised, sessions) over several skills, from ``skill_total``."""
    if not skill_ids:
        return 0, None, 0
    row = conn.execute(
        "SELECT COALESCE(SUM(minutes), 0), MAX(last_day), COALESCE(SUM(sessions), 0) "
        "FROM skill_total "
        f"WHERE skill_id IN ({','.join('?' * len(skill_ids))})",
        skill_ids,
    ).fetchone()
    return int(row[0]), row[1], int(row[2])


def local_day_bounds(since: str, until: str) -> tuple[str, str]:
    """Stored-time (UTC) bounds [lo, hi) of the local days ``since``..``until`` inclusive, to
    compare with stored stamps such as ``checked_at`` and ``changed_at``."""
    from datetime import date, datetime, time, timedelta

    from roadmap.clock import to_stored

    def midnight(day: date) -> str:
        try:
            return to_stored(datetime.combine(day, time()).astimezone())
        except (OverflowError, ValueError):
            return "0000" if day.year < 1000 else "9999"

    first, last = date.fromisoformat(since), date.fromisoformat(until)
    end = midnight(last + timedelta(days=1)) if last < date.max else "9999"
    return midnight(first), end


def next_milestones(conn: Conn) -> dict[str, tuple[str, str]]:
    """Skill id → (``LEVEL.N``, text) of its first unchecked milestone, by level then
    position (skills with every milestone checked are absent)."""
    found: dict[str, tuple[str, str]] = {}
    for skill_id, level, position, text in conn.execute(
        "SELECT skill_id, level, position, text FROM milestone "
        "WHERE checked_at IS NULL AND NOT archived ORDER BY skill_id, level, position"
    ):
        found.setdefault(str(skill_id), (f"{level}.{position}", str(text)))
    return found


def evidence(conn: Conn, skill_id: str | None = None) -> list[dict[str, Any]]:
    """What proves a level: the links of checked milestones and the evidence given with
    assessments (of one skill, or of all), by skill, level, then time."""
    from roadmap.clock import local_iso

    where, args = ("AND skill_id = ? ", (skill_id, skill_id)) if skill_id else ("", ())
    rows = conn.execute(
        "SELECT skill_id, level, 'milestone', level || '.' || position, text, link, checked_at "
        "FROM milestone WHERE checked_at IS NOT NULL AND link IS NOT NULL AND link <> '' "
        f"AND NOT archived {where}"
        "UNION ALL "
        "SELECT skill_id, level, 'assessment', NULL, note, evidence, assessed_at "
        f"FROM assessment WHERE evidence IS NOT NULL AND evidence <> '' {where}"
        "ORDER BY 1, 2, 7",
        args,
    ).fetchall()
    return [
        {
            "skill": str(skill),
            "level": int(level),
            "source": str(source),
            "ref": ref,
            "text": text,
            "evidence": str(proof),
            "at": local_iso(str(at)),
        }
        for skill, level, source, ref, text, proof, at in rows
    ]


@dataclass
class RecallHistory:
    """What the spaced-repetition schedules replay (``roadmap.recall``), per skill."""

    changes: dict[str, list[tuple[str, int, int]]]  # (changed_at, previous, level), in order
    reviews: dict[str, list[tuple[str, str]]]  # (reviewed_at, rating), in order
    last_review: dict[str, tuple[str, str, str]]  # the latest: (reviewed_at, rating, note)
    calibrated: dict[str, set[str]]  # when a level was set by calibrate (changed_at)


def recall_history(conn: Conn) -> RecallHistory:
    """Every level change and review (small tables: one row per change, per review)."""
    changes: dict[str, list[tuple[str, int, int]]] = {}
    calibrated: dict[str, set[str]] = {}
    for skill_id, at, previous, level, cause in conn.execute(
        "SELECT skill_id, changed_at, previous, level, cause FROM level_change "
        "ORDER BY changed_at, id"
    ):
        changes.setdefault(skill_id, []).append((at, int(previous), int(level)))
        if str(cause).startswith("calibrated at"):
            calibrated.setdefault(skill_id, set()).add(at)
    reviews: dict[str, list[tuple[str, str]]] = {}
    last: dict[str, tuple[str, str, str]] = {}
    for skill_id, at, rating, note in conn.execute(
        "SELECT skill_id, reviewed_at, rating, note FROM review ORDER BY reviewed_at, id"
    ):
        reviews.setdefault(skill_id, []).append((at, rating))
        last[skill_id] = (at, rating, note)
    return RecallHistory(changes, reviews, last, calibrated)


def first_session_from(conn: Conn, skill_id: str, since: str) -> str | None:
    """The start of the skill's first session at or after ``since`` (stored time): one seek
    in the (skill_id, started_at) index."""
    row = conn.execute(
        "SELECT MIN(started_at) FROM session WHERE skill_id = ? AND started_at >= ?",
        (skill_id, since),
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def rusty(conn: Conn) -> dict[str, tuple[str, int]]:
    """Skills whose latest review was ``again`` with no review or level change after it:
    skill → (when, the level reviewed). No replay needed."""
    return {
        str(skill_id): (str(at), int(level))
        for skill_id, at, level in conn.execute(
            "SELECT r.skill_id, r.reviewed_at, r.level FROM review r WHERE r.rating = 'again' "
            "AND NOT EXISTS (SELECT 1 FROM review o WHERE o.skill_id = r.skill_id "
            "AND (o.reviewed_at > r.reviewed_at OR (o.reviewed_at = r.reviewed_at AND o.id > r.id))) "
            "AND NOT EXISTS (SELECT 1 FROM level_change c WHERE c.skill_id = r.skill_id "
            "AND c.changed_at > r.reviewed_at)"
        )
    }
