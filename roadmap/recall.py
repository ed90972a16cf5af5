"""Spaced repetition of skill levels: when a level is due for review, and how likely it is
still there (FSRS, the ``fsrs`` package's scheduler, the one Anki uses). Pure: no I/O.

Each skill at level 1 or more is one FSRS card. Nothing derived is stored: the card is
computed when read, by replaying its history through ``fsrs.Scheduler`` without fuzzing
(the same history always gives the same schedule) and without the minute-long learning
steps (a skill is reviewed in days, not minutes):

* the card starts when the skill last rose from level 0 to 1 or more: rated ``good`` when
  the level was reached here (milestones, an assessment), ``easy`` when it was a starting
  level given to ``calibrate`` (years of practice, not a level just learned: its first
  review comes after about two weeks, not two days);
* every later level-up is a ``good`` review (the level was just shown);
* every ``review SKILL --recall again|hard|good|easy`` is a review with that rating;
* a study session is a ``good`` review only when it falls on or after the local day the card
  is due, and not on the day of an explicit review or level-up (that one speaks for the
  day): logging every day cannot inflate the stability, and the replay asks for one session
  per due date crossed (an index seek), not for every session.

``fsrs`` is imported by the functions that replay (``review``, ``next``, ``plan``), never by
the everyday writes nor by ``status``, ``show`` and ``tree``. Whether a level is *rusty* needs no
replay: the skill's latest review was ``again`` and no review or level change came after it
(``roadmap.store.queries.rusty``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timezone
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import fsrs

RATINGS = ("again", "hard", "good", "easy")
DESIRED_RETENTION = 0.9  # fsrs's default: a level is due when its recall falls to 90 %


@dataclass(frozen=True, slots=True)
class Event:
    """A rated review of a skill's level: ``source`` is ``start`` (the level reached),
    ``level`` (a level-up), ``review`` (an explicit review) or ``study`` (a session)."""

    at: datetime  # aware
    rating: str
    source: str


@dataclass(frozen=True, slots=True)
class Schedule:
    """A skill's card after its history, seen at ``now``."""

    state: str  # "review" (scheduled), or "new": a level with no known start
    due: datetime | None
    stability: float | None  # days for recall to fall to 90 %
    difficulty: float | None  # 1 (easy) .. 10 (hard)
    last_review: datetime | None  # of any kind (start, level-up, review, study)
    interval_days: int | None  # from the last review to due
    retrievability: float | None  # the estimated chance the level is still there now
    reviews: int  # how many reviews the replay applied, of every kind

    def is_due(self, now: datetime) -> bool:
        return self.due is None or self.due <= now


NEW = Schedule("new", None, None, None, None, None, None, 0)


@lru_cache(maxsize=1)
def scheduler() -> fsrs.Scheduler:
    """The one scheduler: fsrs's default parameters, day-scale steps only, no fuzzing."""
    import fsrs

    return fsrs.Scheduler(
        desired_retention=DESIRED_RETENTION,
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=False,
    )


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def _local_day_start(moment: datetime) -> datetime:
    """Local midnight of the local day ``moment`` falls on, as UTC."""
    return _utc(datetime.combine(moment.astimezone().date(), time()).astimezone())


def card_start(changes: Iterable[tuple[datetime, int, int]]) -> datetime | None:
    """When the level last rose from 0 to 1 or more: ``changes`` are (at, previous, level)
    in time order; None if it never did (or is back at 0)."""
    start: datetime | None = None
    for at, previous, level in changes:
        if previous < 1 <= level:
            start = at
        elif level < 1:
            start = None
    return start


def events(
    start: datetime | None,
    changes: Iterable[tuple[datetime, int, int]],
    reviews: Iterable[tuple[datetime, str]],
    start_rating: str = "good",
) -> list[Event]:
    """The rated history of a card from ``start`` (rated ``start_rating``): the start,
    level-ups after it and the explicit reviews at or after it, in time order (a review at
    the start's very moment comes after it)."""
    if start is None:
        return []
    found = [Event(start, start_rating, "start")]
    found += [Event(at, "good", "level") for at, prev, lv in changes if at > start and lv > prev]
    found += [Event(at, rating, "review") for at, rating in reviews if at >= start]
    order = {"start": 0, "level": 1, "review": 1}
    return sorted(found, key=lambda e: (e.at, order[e.source]))


def _rating(name: str) -> fsrs.Rating:
    import fsrs

    return fsrs.Rating(RATINGS.index(name) + 1)


def replay(
    history: Sequence[Event],
    first_session_from: Callable[[datetime], datetime | None],
    now: datetime,
    applied: list[Event] | None = None,
) -> Schedule:
    """The card after ``history`` (from :func:`events`) and the study sessions, at ``now``.

    ``first_session_from(t)`` gives the start of the skill's first session at or after ``t``
    (None if there is none). ``applied``, if given, receives every review applied, sessions
    included, in order (for tests and explanations)."""
    if not history:
        return NEW
    import fsrs

    sched = scheduler()
    now = _utc(now)
    card = fsrs.Card(card_id=1, state=fsrs.State.Learning, step=0, due=_utc(history[0].at))
    reviews = 0
    pending = [e for e in history if _utc(e.at) <= now]

    def apply(event: Event) -> None:
        nonlocal card, reviews
        card, _ = sched.review_card(card, _rating(event.rating), _utc(event.at))
        reviews += 1
        if applied is not None:
            applied.append(event)

    if not pending:  # it starts later than now (a clock set back)
        return NEW
    apply(pending[0])
    i = 1
    while True:
        upcoming = pending[i] if i < len(pending) else None
        study = None
        threshold = _local_day_start(card.due)
        if threshold <= now:
            found = first_session_from(threshold)
            if found is not None and _utc(found) <= now:
                study = found
        if study is not None and (
            upcoming is None or study.astimezone().date() < upcoming.at.astimezone().date()
        ):
            apply(Event(study, "good", "study"))
            continue
        if upcoming is None:
            break
        apply(upcoming)
        i += 1
    last = card.last_review
    assert last is not None and card.stability is not None and card.difficulty is not None
    return Schedule(
        state=card.state.name.lower(),
        due=card.due,
        stability=float(card.stability),
        difficulty=float(card.difficulty),
        last_review=last,
        interval_days=(card.due - last).days,
        retrievability=float(sched.get_card_retrievability(card, now)),
        reviews=reviews,
    )
