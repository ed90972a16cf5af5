"""The data the views hand to the renderers and exporters, typed.

These are the ``--json`` contracts (README, "JSON output") as ``TypedDict``s: the views
build them, ``render``, ``export`` and ``report_html`` read them, and ``mypy --strict``
checks both sides against the same keys. Fields are added over time, never renamed or
removed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from typing import NotRequired


class TargetJson(TypedDict):
    id: str
    name: str
    by: str | None


class GapRow(TypedDict):
    skill: str
    name: str
    pillar: str
    current: float
    required: int
    gap: float
    weight: int


class Recommendation(TypedDict):
    skill: str
    name: str
    score: float
    reasons: list[str]


class ReviewRow(TypedDict):
    skill: str
    name: str
    pillar: str
    level: int
    last_practised: str | None
    last_activity: str | None
    interval_days: int | None  # from the last review (of any kind) to due
    overdue_days: int | None  # today − due (negative: not due yet); None: never scheduled
    due: str | None  # the local day the level is due for review
    retrievability: float | None  # the chance the level is still there today (FSRS)
    stability: float | None  # days for that chance to fall to 90 %
    difficulty: float | None  # 1..10
    state: str  # FSRS card state: "review" (scheduled) or "new"
    reviews: int  # reviews replayed: the start, level-ups, explicit reviews, sessions when due
    rusty: bool
    last_review: LastReview | None
    reasons: list[str]  # why it is listed: rusty, or due for review


class LastReview(TypedDict):
    at: str
    recall: str
    note: str


class PillarForecast(TypedDict):
    id: str
    name: str
    remaining_hours: float
    pace_hours_per_week: float
    pace_12w_hours_per_week: float
    eta: str | None
    on_track: bool | None
    needed_hours_per_week: float | None


class Forecast(TypedDict):
    target: TargetJson
    remaining_hours: float
    pace_hours_per_week: float
    pace_12w_hours_per_week: float
    eta: str | None
    by: str | None
    on_track: bool | None
    needed_hours_per_week: float | None
    pillars: list[PillarForecast]
    pace_days: int
    pace_12w_days: int
    pace_assumed: bool
    history_days: int
    history_sessions: int
    enough_history: bool
    eta_likely: str | None
    eta_cautious: str | None


class PillarStatus(TypedDict):
    id: str
    name: str
    readiness: float
    minutes_week: int
    minutes_total: int


class Streak(TypedDict):
    current: int
    longest: int


class TimerJson(TypedDict):
    skill: str
    started_at: str
    minutes: int


class WeekSkill(TypedDict):
    skill: str
    name: str
    done_minutes: int  # logged since Monday
    to_do_minutes: int  # in the blocks planned for the rest of the week
    to_do_blocks: int


class WeekBlock(TypedDict):
    start: str
    end: str
    minutes: int
    skill: str
    name: str


class ThisWeek(TypedDict):
    """This week's plan against what was logged: the ISO week (Monday to Sunday) of the
    local day; done = logged since Monday, to do = what ``roadmap plan`` lays now."""

    first_day: str
    last_day: str
    goal_minutes: int | None
    done_minutes: int
    to_do_minutes: int
    to_do_blocks: int
    skills: list[WeekSkill]  # the planned skills in plan order, then the others done
    next_block: WeekBlock | None


class Status(TypedDict):
    target: TargetJson
    readiness: float
    pillars: list[PillarStatus]
    top_gaps: list[GapRow]
    next: list[Recommendation]
    week_minutes: int
    weekly_goal_minutes: int | None
    streak: Streak
    timer: TimerJson | None
    forecast: Forecast
    rusty: list[RustyRow]
    this_week: ThisWeek


class RustyRow(TypedDict):
    skill: str
    name: str
    level: int
    since: str  # when the review that found it rusty was recorded (local ISO 8601)


class MinutesById(TypedDict):
    id: str
    minutes: int


class NamedMinutes(TypedDict):
    id: str
    name: str
    minutes: int
    hours: NotRequired[float]  # rounded so that the parts add up to the total shown


class MilestoneChecked(TypedDict):
    skill: str
    name: str
    milestone: str
    text: str
    ref: str


class LevelUp(TypedDict):
    skill: str
    name: str
    to: int


class Report(TypedDict):
    since: str
    until: str
    minutes: int
    hours: NotRequired[float]
    sessions: int
    pillars: list[NamedMinutes]
    skills: list[NamedMinutes]
    milestones_checked: list[MilestoneChecked]
    level_ups: list[dict[str, Any]]  # {"skill", "name", "from", "to"}: "from" is a keyword


class Heatmap(TypedDict):
    start: str
    today: str
    weeks: list[list[int | None]]  # minutes per day, Monday first; None after today


class RadarRow(TypedDict):
    id: str
    name: str
    current: float
    required: float


class PillarWeeks(TypedDict):
    id: str
    name: str
    minutes: list[int]  # one per week


class Weekly(TypedDict):
    weeks: list[str]
    pillars: list[PillarWeeks]


class YearTotal(TypedDict):
    since: str
    minutes: int
    days: int


class EvidenceItem(TypedDict):
    """One proof of a level: a checked milestone's link or an assessment's evidence."""

    level: int
    source: str  # "milestone" or "assessment"
    ref: str | None  # the milestone's LEVEL.N
    text: str | None  # the milestone's text, or the assessment's note
    evidence: str  # a URL or a path: shown as text, never as a live link
    at: str


class SkillEvidence(TypedDict):
    skill: str
    name: str
    pillar: str
    level: float | int
    items: list[EvidenceItem]


class UnprovenRow(TypedDict):
    skill: str
    name: str
    pillar: str
    level: int


class Summary(TypedDict):
    """What the Markdown and HTML exports show."""

    title: str
    generated: str
    status: Status
    report: Report
    radar: list[RadarRow]
    max_level: int
    readiness_history: list[tuple[str, float]]
    heatmap: Heatmap
    weekly: Weekly
    year: YearTotal
    skill_pillars: dict[str, str]
    evidence: list[SkillEvidence]  # per skill of the tree, in its order; all time
    unproven: list[UnprovenRow]  # levels held without any evidence
    skill_names: NotRequired[dict[str, str]]  # added by the exporters
