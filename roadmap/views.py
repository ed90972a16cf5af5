"""Use-cases behind the read views: gather plain data with ``queries``, compute with
``analysis``, and return JSON-ready dicts (the documented contracts) for both the
``--json`` output and the renderers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from roadmap import analysis
from roadmap.clock import from_stored
from roadmap.store import queries
from roadmap.store.protocol import Conn

if TYPE_CHECKING:
    from roadmap import viewdata as vd  # the shapes, for the type checker only
    from roadmap.recall import Schedule


@dataclass
class World:
    """Everything the views compute from, read once."""

    today: date
    skills: list[analysis.Skill]
    by_id: dict[str, analysis.Skill]
    names: dict[str, str]
    pillars: list[queries.PillarRow]
    target: analysis.Target
    target_row: queries.TargetRow
    meta: dict[str, str]
    rusty: dict[str, tuple[str, int]]  # skill → (when, level) of the "again" review
    schedules: dict[str, Schedule]  # per skill at level ≥ 1, when loaded with ``now``
    history: queries.RecallHistory | None = None


def schedules(
    conn: Conn, rows: list[queries.SkillRow], now: datetime
) -> tuple[dict[str, Schedule], queries.RecallHistory]:
    """The review schedule of every non-archived skill at level ≥ 1 (``roadmap.recall``)."""
    from roadmap import recall
    from roadmap.clock import to_stored

    history = queries.recall_history(conn)
    out: dict[str, Schedule] = {}
    for row in rows:
        if row.archived or row.level < 1:
            continue
        changes = [(from_stored(at), p, lv) for at, p, lv in history.changes.get(row.id, [])]
        start = recall.card_start(changes)
        if start is None and row.level_changed_at:  # a level with no recorded rise
            start = from_stored(row.level_changed_at)
        reviews = [(from_stored(at), rating) for at, rating in history.reviews.get(row.id, [])]

        def first(since: datetime, skill_id: str = row.id) -> datetime | None:
            found = queries.first_session_from(conn, skill_id, to_stored(since))
            return None if found is None else from_stored(found)

        calibrated = start is not None and to_stored(start) in history.calibrated.get(row.id, ())
        rating = "easy" if calibrated else "good"
        out[row.id] = recall.replay(recall.events(start, changes, reviews, rating), first, now)
    return out, history


def load(conn: Conn, target_id: str, today: date, now: datetime | None = None) -> World:
    """Everything the views compute from; with ``now``, the review schedules too (that
    replay imports ``fsrs``: only the views that use due dates ask for it)."""
    rows = queries.skills(conn)
    stats = queries.skill_stats(conn)
    prereqs = queries.prerequisites(conn)
    rusty = queries.rusty(conn)
    plans, history = schedules(conn, rows, now) if now is not None else ({}, None)
    skills = []
    for row in rows:
        plan = plans.get(row.id)
        total, last, since_change = stats.get(row.id, (0, None, 0))
        changed = from_stored(row.level_changed_at).date() if row.level_changed_at else None
        skills.append(
            analysis.Skill(
                id=row.id,
                name=row.name,
                pillar=row.pillar,
                parent=row.parent,
                weight=row.weight,
                hours=row.hours,
                level=row.level,
                requires=tuple(prereqs.get(row.id, ())),
                minutes_total=total,
                minutes_since_level_change=since_change if changed else total,
                last_practised=date.fromisoformat(last) if last else None,
                level_changed=changed,
                has_milestones=row.has_milestones,
                hours_by_level=row.hours_by_level,
                scheduled=plan is not None,
                due=None if plan is None or plan.due is None else plan.due.astimezone().date(),
                retrievability=None if plan is None else plan.retrievability,
                rusty=row.id in rusty and row.level >= 1,
            )
        )
    target_row = next(t for t in queries.targets(conn) if t.id == target_id)
    target = analysis.Target(
        id=target_row.id,
        name=target_row.name,
        requires=dict(target_row.requires),
        by=date.fromisoformat(target_row.by) if target_row.by else None,
    )
    return World(
        today=today,
        skills=skills,
        by_id={s.id: s for s in skills},
        names={s.id: s.name for s in skills},
        pillars=queries.pillars(conn),
        target=target,
        target_row=target_row,
        meta=queries.meta(conn),
        rusty=rusty,
        schedules=plans,
        history=history,
    )


def target_json(world: World) -> vd.TargetJson:
    return {"id": world.target.id, "name": world.target.name, "by": _iso(world.target.by)}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def week_start(today: date) -> date:
    return analysis.week_start(today)


def forecast(conn: Conn, world: World, assumed_pace: float | None = None) -> vd.Forecast:
    """Remaining effort, pace, ETA (with a likely–cautious range) and verdict, overall and per
    pillar. Pace is over the last 4 weeks, or over the history there is when shorter; with
    under 7 days or 3 sessions of history there is no ETA, only the weekly hours the target
    date needs. ``assumed_pace`` (hours a week) answers "what if I studied that much"."""
    today = world.today
    effort = analysis.remaining_effort(world.skills, world.target)
    first, sessions, calibrated = queries.history_facts(conn)
    starts = [date.fromisoformat(first)] if first else []
    if calibrated:
        starts.append(from_stored(calibrated).date())
    hist = analysis.history(min(starts, default=None), sessions, today)
    w4 = analysis.window_days(hist, analysis.PACE_WINDOW_DAYS)
    w12 = analysis.window_days(hist, analysis.PACE_12W_DAYS, whole_weeks=False)
    m28 = queries.minutes_by_pillar(conn, (today - timedelta(days=w4 - 1)).isoformat())
    m84 = queries.minutes_by_pillar(conn, (today - timedelta(days=w12 - 1)).isoformat())
    pace4 = analysis.pace_over(sum(m28.values()), w4)
    pace12 = analysis.pace_over(sum(m84.values()), w12)
    enough = hist.enough or assumed_pace is not None
    pace = pace4 if assumed_pace is None else assumed_pace
    by = world.target.by
    overall = analysis.forecast(effort.total_hours, pace if enough else 0.0, today, by)
    likely = cautious = None
    if enough:
        if assumed_pace is None:
            start = (today - timedelta(days=w4 - 1)).isoformat()
            per_day = {date.fromisoformat(d): m for d, m in queries.minutes_by_day(conn, start)}
            weeks = analysis.weekly_hours(per_day, today, w4)
        else:
            weeks = [assumed_pace]
        spread = analysis.weeks_needed_range(effort.total_hours, weeks)
        if spread is not None:
            likely = analysis.date_after_weeks(today, spread[0])
            cautious = analysis.date_after_weeks(today, spread[1])
    pillars: list[vd.PillarForecast] = []
    for pillar in world.pillars:
        p4 = analysis.pace_over(m28.get(pillar.id, 0), w4)
        p12 = analysis.pace_over(m84.get(pillar.id, 0), w12)
        remaining = effort.pillars.get(pillar.id, 0.0)
        p_pace = p4
        if assumed_pace is not None:  # split as the work is: every pillar ends with the whole
            p_pace = assumed_pace * remaining / effort.total_hours if remaining > 0 else 0.0
        fc = analysis.forecast(remaining, p_pace if enough else 0.0, today, by)
        pillars.append(
            {
                "id": pillar.id,
                "name": pillar.name,
                "remaining_hours": round(remaining, 1),
                "pace_hours_per_week": round(p_pace, 2),
                "pace_12w_hours_per_week": round(p12, 2),
                "eta": _iso(fc.eta),
                "on_track": fc.on_track,
                "needed_hours_per_week": _needed(fc),
            }
        )
    return {
        "target": target_json(world),
        "remaining_hours": round(effort.total_hours, 1),
        "pace_hours_per_week": round(pace, 2),
        "pace_12w_hours_per_week": round(pace12, 2),
        "eta": _iso(overall.eta),
        "by": _iso(by),
        "on_track": overall.on_track,
        "needed_hours_per_week": _needed(overall),
        "pillars": pillars,
        "pace_days": w4,
        "pace_12w_days": w12,
        "pace_assumed": assumed_pace is not None,
        "history_days": hist.days,
        "history_sessions": hist.sessions,
        "enough_history": hist.enough,
        "eta_likely": _iso(likely),
        "eta_cautious": _iso(cautious),
    }


def _needed(fc: analysis.Forecast) -> float | None:
    needed = fc.needed_hours_per_week
    return None if needed is None else round(needed, 2)


def gaps(world: World, pillar: str | None = None) -> list[vd.GapRow]:
    return [g.to_json() for g in analysis.gaps(world.skills, world.target, pillar)]


def unproven(world: World, conn: Conn, pillar: str | None = None) -> list[vd.UnprovenRow]:
    """Skills with a level of their own at 1 or more and no evidence at all (no checked
    milestone with a link, no assessment with evidence): the ``gaps --unproven`` contract."""
    proven = {e["skill"] for e in queries.evidence(conn)}
    children = analysis.children_of(world.skills)
    return [
        {"skill": s.id, "name": s.name, "pillar": s.pillar, "level": s.level}
        for s in world.skills
        if s.level >= 1
        and s.id not in proven
        and analysis.has_own_level(s.id, world.by_id, children)
        and (pillar is None or s.pillar == pillar)
    ]


def recommendations(world: World, limit: int) -> list[vd.Recommendation]:
    recs = analysis.recommend(world.skills, world.target, world.today, limit)
    return [r.to_json() for r in recs]


def status(conn: Conn, world: World, now: datetime | None = None) -> vd.Status:
    """The dashboard (the ``status --json`` contract); ``now`` (default: the clock's) places
    this week's plan."""
    from roadmap import clock

    today = world.today
    readiness = analysis.readiness(world.skills, world.target)
    week = queries.minutes_by_pillar(conn, week_start(today).isoformat())
    total = queries.minutes_by_pillar(conn, None)
    days = queries.active_days(conn)
    streak = analysis.streaks(days, today)
    goal = world.meta.get("weekly_goal_hours") or ""
    timer = queries.timer(conn)
    timer_json: vd.TimerJson | None = None
    if timer is not None:
        started = from_stored(timer.started_at)
        from roadmap.timeparse import local_now

        timer_json = {
            "skill": timer.skill,
            "started_at": started.isoformat(timespec="seconds"),
            "minutes": max(0, round((local_now() - started).total_seconds() / 60)),
        }
    return {
        "target": target_json(world),
        "readiness": round(readiness.overall, 3),
        "pillars": [
            {
                "id": p.id,
                "name": p.name,
                "readiness": round(readiness.pillars.get(p.id, 1.0), 3),
                "minutes_week": week.get(p.id, 0),
                "minutes_total": total.get(p.id, 0),
            }
            for p in world.pillars
        ],
        "top_gaps": gaps(world)[:5],
        "next": recommendations(world, 3),
        "week_minutes": sum(week.values()),
        "weekly_goal_minutes": round(float(goal) * 60) if goal else None,
        "streak": {"current": streak.current, "longest": streak.longest},
        "timer": timer_json,
        "forecast": forecast(conn, world),
        "rusty": rusty_rows(world),
        "this_week": this_week(conn, world, now or clock.now()),
    }


def rusty_rows(world: World) -> list[vd.RustyRow]:
    """The rusty levels (no replay: :func:`roadmap.store.queries.rusty`), by skill id."""
    return [
        {
            "skill": s.id,
            "name": s.name,
            "level": s.level,
            "since": from_stored(world.rusty[s.id][0]).isoformat(timespec="seconds"),
        }
        for s in sorted(world.skills, key=lambda s: s.id)
        if s.rusty
    ]


def review(world: World, skill_id: str | None = None) -> list[vd.ReviewRow]:
    """The skills whose level is due for review or rusty, most overdue first (never
    scheduled first, then by due day, then id); with ``skill_id``, that skill's row whatever
    its schedule (none if it has no level to review)."""
    rows = []
    for skill in world.skills:
        plan = world.schedules.get(skill.id)
        if plan is None:
            continue
        if skill_id is None:
            if not (skill.rusty or analysis.is_due(skill, world.today)):
                continue
        elif skill.id != skill_id:
            continue
        rows.append(_review_row(world, skill, plan))
    rows.sort(key=lambda r: (r["due"] is not None, r["due"] or "", r["skill"]))
    return rows


def _review_row(world: World, skill: analysis.Skill, plan: Schedule) -> vd.ReviewRow:
    known = [d for d in (skill.last_practised, skill.level_changed) if d is not None]
    last = world.history.last_review.get(skill.id) if world.history else None
    return {
        "skill": skill.id,
        "name": skill.name,
        "pillar": skill.pillar,
        "level": skill.level,
        "last_practised": _iso(skill.last_practised),
        "last_activity": _iso(max(known, default=None)),
        "interval_days": plan.interval_days,
        "overdue_days": None if skill.due is None else (world.today - skill.due).days,
        "due": _iso(skill.due),
        "retrievability": None if plan.retrievability is None else round(plan.retrievability, 3),
        "stability": None if plan.stability is None else round(plan.stability, 2),
        "difficulty": None if plan.difficulty is None else round(plan.difficulty, 2),
        "state": plan.state,
        "reviews": plan.reviews,
        "rusty": skill.rusty,
        "last_review": None
        if last is None
        else {
            "at": from_stored(last[0]).isoformat(timespec="seconds"),
            "recall": last[1],
            "note": last[2],
        },
        "reasons": analysis.review_reasons(skill, world.today),
    }


def show(conn: Conn, world: World, skill_id: str) -> dict[str, Any]:
    """Everything about one skill. ``level`` is the level every view uses: its own for a skill
    with milestones or without children, the roll-up of its children for a group. For a
    parent: its children, the roll-up of their levels (``rollup_level``), and hours and
    sessions over everything under it."""
    row = queries.skill_detail(conn, skill_id)
    skill = world.by_id.get(skill_id)
    by_id = world.by_id
    children = analysis.children_of(world.skills)
    required_by = analysis.target_requirements(world.skills, world.target)
    own = dict(queries.prerequisites(conn).get(skill_id, []))
    prereqs = []
    listed = analysis.prerequisites(skill, by_id, children) if skill else list(own.items())
    for ref, level in listed:
        have = analysis.shown_level(ref, by_id, children)
        prereqs.append(
            {
                "skill": ref,
                "name": world.names.get(ref, ref),
                "level": level,
                "current": _level_json(have),
                "met": have >= level,
                "inherited": ref not in own,
            }
        )
    mine = analysis.shown_level(skill_id, by_id, children)
    unlocks = [
        {"skill": s.id, "name": s.name, "level": lv, "met": mine >= lv}
        for s in world.skills
        for ref, lv in s.requires
        if ref == skill_id
    ]
    kids = [
        {
            "id": k,
            "name": world.names.get(k, k),
            "level": _level_json(analysis.shown_level(k, by_id, children)),
            "required": _max_required(k, by_id, children, required_by),
        }
        for k in children.get(skill_id, [])
    ]
    group = skill is not None and analysis.is_group(skill_id, by_id, children)
    subtree = analysis.subtree_rollup(skill_id, by_id, children) if kids else None
    descendants = queries.descendants(conn, skill_id) if kids else [skill_id]
    if kids:
        minutes, last, count = queries.skills_totals(conn, descendants)
        row.update(minutes_total=minutes, last_practised=last, sessions=count)
    counts: dict[int, tuple[int, int]] = {}
    for m in row["milestones"]:
        checked, total = counts.get(m["level"], (0, 0))
        counts[m["level"]] = (checked + m["checked"], total + 1)
    readiness = analysis.subtree_readiness(world.skills, world.target, skill_id)
    hours_to_next = None
    if skill is not None and not group:
        hours_to_next = round(analysis.remaining_hours(skill, skill.level + 1), 1)
    recent = queries.sessions(conn, queries.SessionFilter(skills=descendants, limit=5))
    return {
        **row,
        "level": _level_json(mine) if skill is not None else row["level"],
        "group": group,
        "rollup_level": None if subtree is None else _level_json(subtree),
        "milestone_level": analysis.milestone_level(counts),
        "required": _max_required(skill_id, by_id, children, required_by),
        "readiness": None if readiness is None else round(readiness, 3),
        "hours_to_next_level": hours_to_next,
        "hours_by_level": list(skill.hours_by_level) if skill and skill.hours_by_level else None,
        "unlocked": analysis.is_unlocked(skill, by_id, children) if skill else None,
        "prerequisites": prereqs,
        "unlocks": unlocks,
        "children": kids,
        "recent_sessions": recent,
        "evidence": [
            {k: v for k, v in e.items() if k != "skill"} for e in queries.evidence(conn, skill_id)
        ],
        "rusty": bool(skill and skill.rusty),
        "rusty_since": from_stored(world.rusty[skill_id][0]).isoformat(timespec="seconds")
        if skill and skill.rusty
        else None,
    }


def _level_json(level: float) -> float | int:
    """A whole level as an int, a roll-up to 2 decimals."""
    return int(level) if float(level).is_integer() else round(level, 2)


def _max_required(
    skill_id: str,
    by_id: dict[str, analysis.Skill],
    children: dict[str, list[str]],
    required: analysis.Requirements,
) -> int | None:
    """The level the target requires of a skill with a level of its own; for a group, the
    highest over its units."""
    levels = [required[x] for x in analysis.units(skill_id, by_id, children) if x in required]
    return max(levels) if levels else None


def report(conn: Conn, since: date, until: date) -> vd.Report:
    """Hours per pillar and skill, sessions, milestones checked and level-ups in a period
    (the ``report --json`` contract; names added beside the ids)."""
    data = queries.period_report(conn, since.isoformat(), until.isoformat())
    skill_names, pillar_names = queries.names(conn)
    for p in data["pillars"]:
        p["name"] = pillar_names.get(p["id"], p["id"])
    for item in (*data["milestones_checked"], *data["level_ups"]):
        item["name"] = skill_names.get(item["skill"], item["skill"])
    # Hours to one decimal that add up to the total shown.
    data["hours"] = analysis.tenths_of_hours(data["minutes"]) / 10
    for part in ("pillars", "skills"):
        rows = data[part]
        shares = analysis.apportion_hours([r["minutes"] for r in rows], data["minutes"])
        for row, hours in zip(rows, shares, strict=True):
            row["hours"] = hours
    return cast("vd.Report", data)  # rows from SQL, named above: the report contract


def heatmap(conn: Conn, today: date, weeks: int) -> vd.Heatmap:
    start = week_start(today) - timedelta(weeks=weeks - 1)
    per_day = {date.fromisoformat(d): m for d, m in queries.minutes_by_day(conn, start.isoformat())}
    grid = analysis.heatmap(per_day, today, weeks)
    return {"start": start.isoformat(), "today": today.isoformat(), "weeks": grid}


def radar(world: World) -> list[vd.RadarRow]:
    """Per pillar: weight-weighted mean current and required level over required skills."""
    required = analysis.target_requirements(world.skills, world.target)
    axes: list[vd.RadarRow] = []
    for pillar in world.pillars:
        cur = req = weights = 0.0
        for skill_id, level in required.items():
            skill = world.by_id.get(skill_id)
            if skill is None or skill.pillar != pillar.id:
                continue
            cur += skill.weight * min(skill.level, level)
            req += skill.weight * level
            weights += skill.weight
        axes.append(
            {
                "id": pillar.id,
                "name": pillar.name,
                "current": round(cur / weights, 2) if weights else 0.0,
                "required": round(req / weights, 2) if weights else 0.0,
            }
        )
    return axes


def readiness_history(conn: Conn, world: World) -> list[tuple[str, float]]:
    """Readiness after each day with level changes, replayed from the level history."""

    levels = {s.id: 0 for s in world.skills}
    points: list[tuple[str, float]] = []
    for day, changes in queries.level_changes_by_day(conn):
        for skill_id, level in changes:
            if skill_id in levels:
                levels[skill_id] = level
        skills = [s._replace(level=levels[s.id]) for s in world.skills]
        value = round(analysis.readiness(skills, world.target).overall, 3)
        points.append((day, value))
    if points and points[-1][0] != world.today.isoformat():
        points.append((world.today.isoformat(), points[-1][1]))
    return points


def summary(conn: Conn, world: World, since: date, until: date) -> vd.Summary:
    """What the Markdown and HTML exports show."""
    max_level = max((lv["level"] for lv in queries.levels(conn)), default=5)
    weeks = max(4, min(53, (until - since).days // 7 + 1))
    return {
        "title": world.meta.get("title", "Roadmap"),
        "generated": world.today.isoformat(),
        "status": status(conn, world),
        "report": report(conn, since, until),
        "radar": radar(world),
        "max_level": max_level,
        "readiness_history": readiness_history(conn, world),
        "heatmap": heatmap(conn, min(until, world.today), weeks),
        "weekly": weekly(conn, world, since, min(until, world.today)),
        "year": year_total(conn, world.today),
        "skill_pillars": {s.id: s.pillar for s in world.skills},
        "evidence": evidence(conn, world),
        "unproven": unproven(world, conn),
    }


def evidence(conn: Conn, world: World) -> list[vd.SkillEvidence]:
    """The evidence of every skill of the tree that has some (in the tree's order): its
    checked milestones' links and its assessments' evidence, by level then time."""
    by_skill: dict[str, list[vd.EvidenceItem]] = {}
    for e in queries.evidence(conn):
        by_skill.setdefault(e["skill"], []).append(
            {
                "level": e["level"],
                "source": e["source"],
                "ref": e["ref"],
                "text": e["text"],
                "evidence": e["evidence"],
                "at": e["at"],
            }
        )
    children = analysis.children_of(world.skills)
    return [
        {
            "skill": s.id,
            "name": s.name,
            "pillar": s.pillar,
            "level": _level_json(analysis.shown_level(s.id, world.by_id, children)),
            "items": by_skill[s.id],
        }
        for s in world.skills
        if s.id in by_skill
    ]


def weekly(conn: Conn, world: World, since: date, until: date) -> vd.Weekly:
    """Minutes per week (Monday first) and pillar over the period's last 53 weeks at most."""
    last = week_start(until)
    first = max(week_start(since), last - timedelta(weeks=52))
    count = (last - first).days // 7 + 1
    mondays = [first + timedelta(weeks=i) for i in range(count)]
    per: dict[str, list[int]] = {p.id: [0] * count for p in world.pillars}
    for day, pillar, minutes in queries.minutes_by_pillar_day(
        conn, first.isoformat(), until.isoformat()
    ):
        index = (date.fromisoformat(day) - first).days // 7
        if pillar in per and 0 <= index < count:
            per[pillar][index] += minutes
    return {
        "weeks": [m.isoformat() for m in mondays],
        "pillars": [{"id": p.id, "name": p.name, "minutes": per[p.id]} for p in world.pillars],
    }


def year_total(conn: Conn, today: date) -> vd.YearTotal:
    """Minutes and active days in the last 365 days (today included)."""
    since = today - timedelta(days=364)
    days = [m for d, m in queries.minutes_by_day(conn, since.isoformat()) if d <= today.isoformat()]
    return {"since": since.isoformat(), "minutes": sum(days), "days": sum(1 for m in days if m)}


def _slots(world: World) -> tuple[tuple[Any, ...], bool]:
    """The stored study slots (or the default evenings) and whether some are stored; a
    :class:`UsageError` if the stored ones cannot be read."""
    from roadmap import planning
    from roadmap.errors import UsageError

    stored = world.meta.get("plan_slots") or ""
    try:
        slots = planning.parse_slots(stored) if stored else planning.DEFAULT_SLOTS
    except planning.SlotError as exc:
        raise UsageError(
            f"the stored study slots cannot be read: {exc}",
            hint=f"set them again: roadmap plan --set '{planning.format_slots(planning.DEFAULT_SLOTS)}'",
        ) from None
    return slots, bool(stored)


def _goal(world: World) -> float | None:
    text = world.meta.get("weekly_goal_hours") or ""
    return float(text) if text else None


def _blocks(
    conn: Conn, world: World, now: datetime, span: int, minutes: int, slots: Sequence[Any]
) -> list[Any]:
    """The study blocks of :func:`plan`: the skills ``next`` recommends, best first, each
    aiming at its next unchecked milestone and needing the hours to its next level (at least
    half an hour), laid in ``slots`` over ``span`` days from ``now``."""
    from roadmap import planning

    milestones = queries.next_milestones(conn)
    recs = analysis.recommend(world.skills, world.target, world.today, limit=len(world.skills))
    items = []
    for rec in recs:
        skill = world.by_id[rec.skill]
        need = analysis.remaining_hours(skill, skill.level + 1)
        ref, text = milestones.get(rec.skill, (None, None))
        items.append(
            planning.Item(
                skill=rec.skill,
                name=rec.name,
                minutes_needed=max(30, math.ceil(round(need * 60, 6))),
                reasons=rec.reasons,
                milestone_ref=ref,
                milestone_text=text,
            )
        )
    # wall-clock slot times in this machine's zone, its summer-time rules included
    return planning.plan(items, slots, now, span, minutes, lambda naive: naive.astimezone())


def plan(
    conn: Conn,
    world: World,
    now: datetime,
    days: int | None = None,
    hours: float | None = None,
) -> dict[str, Any]:
    """Study blocks for the rest of this week (``days`` None: today to Sunday, the ISO week
    of the local day) or for ``days`` days from today (the ``plan --json`` contract). The
    hours: ``hours``; else the weekly goal, less what was logged this week since Monday
    (rest of the week: run again later in the week, it re-plans what is left) or pro rata
    (``days``). See :func:`_blocks` for what fills them."""
    from roadmap import planning
    from roadmap.errors import UsageError

    today = world.today
    span = days if days is not None else 7 - today.weekday()
    goal = _goal(world)
    logged = sum(queries.minutes_by_pillar(conn, week_start(today).isoformat()).values()) / 60
    if hours is not None:
        budget = hours
    elif goal is None:
        raise UsageError(
            "no weekly goal to plan from",
            hint="pass --hours H, or set weekly_goal_hours in the skills file",
        )
    elif days is None:
        budget = max(0.0, goal - logged)
    else:
        budget = goal * days / 7
    slots, stored = _slots(world)
    minutes = math.floor(round(budget * 60, 6))
    blocks = _blocks(conn, world, now, span, minutes, slots)
    return {
        "target": target_json(world),
        "first_day": today.isoformat(),
        "last_day": (today + timedelta(days=span - 1)).isoformat(),
        "slots": planning.format_slots(slots),
        "default_slots": not stored,
        "goal_hours": goal,
        "logged_hours_this_week": round(logged, 2),
        "hours": round(budget, 2),
        "planned_hours": round(sum(b.minutes for b in blocks) / 60, 2),
        "blocks": [
            {
                "start": b.start.isoformat(timespec="minutes"),
                "end": b.end.isoformat(timespec="minutes"),
                "minutes": b.minutes,
                "skill": b.item.skill,
                "name": b.item.name,
                "milestone": None
                if b.item.milestone_ref is None
                else {"ref": b.item.milestone_ref, "text": b.item.milestone_text},
                "reasons": list(b.item.reasons),
            }
            for b in blocks
        ],
    }


def this_week(conn: Conn, world: World, now: datetime) -> vd.ThisWeek:
    """This week's plan against what was logged (the ``this_week`` of ``status --json``).

    The week is the ISO week of the local day: Monday to Sunday in this machine's zone.
    Done: the minutes logged per skill since Monday. To do: the blocks ``roadmap plan``
    lays now for the rest of the week (the weekly goal less what is done, in the study
    slots, never in the past); none without a weekly goal or with unreadable slots."""
    from roadmap.errors import UsageError

    today = world.today
    monday = week_start(today)
    done = queries.minutes_by_skill(conn, monday.isoformat())
    goal = _goal(world)
    blocks: list[Any] = []
    if goal is not None:
        # the same minutes as `plan` with no option: the goal less what is done
        left = math.floor(round(max(0.0, goal - sum(done.values()) / 60) * 60, 6))
        try:
            slots, _ = _slots(world)
        except UsageError:
            slots = ()
        if slots and left:
            blocks = _blocks(conn, world, now, 7 - today.weekday(), left, slots)
    rows: dict[str, vd.WeekSkill] = {}
    for b in blocks:
        row = rows.setdefault(
            b.item.skill,
            {
                "skill": b.item.skill,
                "name": b.item.name,
                "done_minutes": done.get(b.item.skill, 0),
                "to_do_minutes": 0,
                "to_do_blocks": 0,
            },
        )
        row["to_do_minutes"] += b.minutes
        row["to_do_blocks"] += 1
    for skill_id, minutes in sorted(done.items(), key=lambda kv: (-kv[1], kv[0])):
        if skill_id not in rows:
            rows[skill_id] = {
                "skill": skill_id,
                "name": world.names.get(skill_id, skill_id),
                "done_minutes": minutes,
                "to_do_minutes": 0,
                "to_do_blocks": 0,
            }
    first = blocks[0] if blocks else None
    return {
        "first_day": monday.isoformat(),
        "last_day": (monday + timedelta(days=6)).isoformat(),
        "goal_minutes": None if goal is None else round(goal * 60),
        "done_minutes": sum(done.values()),
        "to_do_minutes": sum(b.minutes for b in blocks),
        "to_do_blocks": len(blocks),
        "skills": list(rows.values()),
        "next_block": None
        if first is None
        else {
            "start": first.start.isoformat(timespec="minutes"),
            "end": first.end.isoformat(timespec="minutes"),
            "minutes": first.minutes,
            "skill": first.item.skill,
            "name": first.item.name,
        },
    }


def _target_of(row: queries.TargetRow) -> analysis.Target:
    return analysis.Target(
        id=row.id,
        name=row.name,
        requires=dict(row.requires),
        by=date.fromisoformat(row.by) if row.by else None,
    )


def compare_targets(conn: Conn, world: World, other_id: str) -> dict[str, Any]:
    """``world``'s target against ``other_id`` (the ``targets compare --json`` contract):
    shared skills, what each adds, and the hours each would take from the current levels."""
    other = _target_of(next(t for t in queries.targets(conn) if t.id == other_id))
    cmp = analysis.compare_targets(world.skills, world.target, other)

    def head(target: analysis.Target, hours: float) -> dict[str, Any]:
        return {
            "id": target.id,
            "name": target.name,
            "by": _iso(target.by),
            "remaining_hours": round(hours, 1),
        }

    def adds(rows: tuple[tuple[analysis.Skill, int], ...]) -> list[dict[str, Any]]:
        return [
            {
                "skill": s.id,
                "name": s.name,
                "pillar": s.pillar,
                "current": s.level,
                "required": level,
                "remaining_hours": round(analysis.remaining_hours(s, level), 1),
            }
            for s, level in rows
        ]

    return {
        "a": head(world.target, cmp.hours_a),
        "b": head(other, cmp.hours_b),
        "both_remaining_hours": round(cmp.hours_both, 1),
        "shared": [
            {
                "skill": s.id,
                "name": s.name,
                "pillar": s.pillar,
                "current": s.level,
                "a": la,
                "b": lb,
                "remaining_hours_a": round(analysis.remaining_hours(s, la), 1),
                "remaining_hours_b": round(analysis.remaining_hours(s, lb), 1),
            }
            for s, la, lb in cmp.shared
        ],
        "only_a": adds(cmp.only_a),
        "only_b": adds(cmp.only_b),
    }
