"""Read-only questions about when sessions happened: the sessions near a moment (to place a
new one), overlapping pairs and sessions ending in the future (imported history may hold
both), and whether a new session repeats the last one. Stdlib DB-API reads, both backends.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from roadmap import placement
from roadmap.clock import from_stored, to_stored
from roadmap.store.protocol import Conn
from roadmap.timeparse import MAX_MINUTES, day_bounds

_SPAN = timedelta(minutes=MAX_MINUTES)  # no session is longer: it bounds the look-back


def _booked(rows: list[tuple[object, ...]]) -> list[placement.Booked]:
    """Sessions as booked time; a start that is not a stored time (damage that ``doctor``'s
    dates check reports) is left out rather than stopping every check."""
    out = []
    for r in rows:
        try:
            started = from_stored(str(r[2]))
        except ValueError:
            continue
        out.append(placement.Booked(started, int(str(r[3])), int(str(r[0])), str(r[1])))
    return out


def sessions_touching(
    conn: Conn, lo: datetime, hi: datetime, exclude: int | None = None
) -> list[placement.Booked]:
    """The sessions that may overlap [lo, hi): started from ``lo`` - 24h up to ``hi``
    (stored UTC text sorts as time), oldest first; ``exclude``: a session being edited."""
    rows = conn.execute(
        "SELECT id, skill_id, started_at, minutes FROM session "
        "WHERE started_at >= ? AND started_at < ? ORDER BY started_at, id",
        (to_stored(lo - _SPAN), to_stored(hi)),
    ).fetchall()
    return [b for b in _booked(rows) if b.id != exclude]


def place(
    conn: Conn, when: date | datetime, minutes: int, now: datetime, exclude: int | None = None
) -> datetime:
    """When a session typed as ``--on WHEN`` of ``minutes`` starts, or a UsageError
    (``exclude``: the session being edited, which may overlap its old self).

    The one read behind placement: the write path should call this inside its write
    transaction, so that two ``log`` at once cannot both take the same free time.
    """
    timer = running_timer(conn, now)
    if isinstance(when, datetime):
        end = when + timedelta(minutes=minutes)
        booked = sessions_touching(conn, when, end, exclude) + timer
        placement.check_timed(booked, when, minutes, now)
        return when
    lo, hi = day_bounds(when, now)
    booked = sessions_touching(conn, lo, hi, exclude) + timer
    return placement.place_untimed(booked, minutes, when, now)


def running_timer(conn: Conn, now: datetime) -> list[placement.Booked]:
    """The running timer's time so far, as booked time (a session logged meanwhile must not
    land inside it); empty when no timer runs."""
    row = conn.execute("SELECT skill_id, started_at FROM timer").fetchone()
    if row is None:
        return []
    try:
        started = from_stored(str(row[1]))
    except ValueError:
        return []
    minutes = max(1, -(-int((now - started).total_seconds()) // 60))
    return [placement.Booked(started, minutes, 0, str(row[0]))]


def clash(
    conn: Conn, start: datetime, minutes: int, until: datetime | None = None
) -> placement.Booked | None:
    """The recorded session that [start, start + minutes) would overlap by more than a
    minute, if any (``until``: where the time really ends, e.g. a timer stopped now). A
    timer's session is rounded to whole minutes (a timer stopped after 20 seconds records
    1m, ending a little after now): a minute of overlap is that rounding, not two sessions
    at once."""
    end = start + timedelta(minutes=minutes)
    if until is not None:
        end = max(start, min(end, until))
    for b in sessions_touching(conn, start, end):
        if (min(end, b.end) - max(start, b.start)).total_seconds() > 60:
            return b
    return None


def repeat_of(
    conn: Conn, skill_id: str, minutes: int, day: str, note: str, tags: list[str] | None
) -> int | None:
    """The id of the newest session if a new one (skill, minutes, day, note, tags) repeats
    it: the sign of a command run twice by mistake."""
    row = conn.execute(
        "SELECT id, skill_id, minutes, day, note, tags, source FROM session "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None or row[6] != "log":
        return None
    same = (
        row[1] == skill_id
        and int(row[2]) == minutes
        and row[3] == day
        and row[4] == note
        and sorted(set(json.loads(row[5]))) == sorted(set(tags or []))
    )
    return int(row[0]) if same else None


@dataclass(frozen=True)
class Overlap:
    first: placement.Booked
    second: placement.Booked

    @property
    def minutes(self) -> int:
        shared = min(self.first.end, self.second.end) - max(self.first.start, self.second.start)
        return int(shared.total_seconds() // 60)


def _all(conn: Conn) -> list[placement.Booked]:
    rows = conn.execute(
        "SELECT id, skill_id, started_at, minutes FROM session ORDER BY started_at, id"
    ).fetchall()
    return _booked(rows)


def overlaps(conn: Conn) -> list[Overlap]:
    """Every pair of sessions that overlap, by the earlier one's start (a sweep over the
    sessions in start order: the ones still running when the next starts)."""
    found: list[Overlap] = []
    active: list[placement.Booked] = []
    for session in _all(conn):
        active = [a for a in active if a.end > session.start]
        found.extend(Overlap(a, session) for a in active)
        active.append(session)
    return found


def future(conn: Conn, now: datetime) -> list[placement.Booked]:
    """The sessions that end after ``now``."""
    rows = conn.execute(
        "SELECT id, skill_id, started_at, minutes FROM session WHERE started_at >= ? "
        "ORDER BY started_at, id",
        (to_stored(now - _SPAN),),
    ).fetchall()
    return [b for b in _booked(rows) if b.end > now]


def finding(conn: Conn, now: datetime) -> tuple[str, str, str]:
    """``doctor``'s check of session times: (check, status, detail). Overlaps and sessions
    ending in the future are warnings (imported history may hold them), never problems."""
    pairs = overlaps(conn)
    ahead = future(conn, now)
    if not pairs and not ahead:
        return "session times", "ok", "no overlapping sessions, none ending in the future"
    parts = []
    if pairs:
        shown = ", ".join(f"#{p.first.id} and #{p.second.id}" for p in pairs[:3])
        more = f" and {len(pairs) - 3} more" if len(pairs) > 3 else ""
        parts.append(
            f"{len(pairs)} overlapping pair(s) of sessions ({shown}{more}): "
            "see them with roadmap sessions --overlaps"
        )
    if ahead:
        ids = ", ".join(f"#{b.id}" for b in ahead[:3])
        more = f" and {len(ahead) - 3} more" if len(ahead) > 3 else ""
        parts.append(
            f"{len(ahead)} session(s) ending in the future ({ids}{more}): fix with roadmap edit"
        )
    return "session times", "warning", "; ".join(parts)
