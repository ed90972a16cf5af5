"""The one source of the limits we accept, at every entrance (the CLI, every import format,
restore): dates, durations, levels, text sizes, ids. Documented in README.md ("Your data
is safe").

Each ``*_problem`` function returns what is wrong (a phrase for a message) or ``""``; the
caller adds where (``FILE:LINE``, ``session 3``) and raises the error its entrance uses
(a usage error on the command line, a data error in a file). ``check_*`` raise
:class:`~roadmap.errors.UsageError` themselves, for the command line.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

from roadmap.errors import UsageError

# --- dates ------------------------------------------------------------------------------------

EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
EARLIEST_DAY = date(1970, 1, 1)
AHEAD = timedelta(days=1)  # how far past now a date may be (clock skew, time zones)

# --- durations, levels ------------------------------------------------------------------------

MIN_MINUTES = 1
MAX_MINUTES = 24 * 60
MIN_LEVEL = 0
MAX_LEVEL = 10  # the highest level a skills file may define

# --- text (characters) ------------------------------------------------------------------------

MAX_NOTE = 10_000  # a session's, milestone check's, assessment's or timer's note
MAX_TAG = 100  # one tag
MAX_TAGS = 50  # tags on one session
MAX_LINK = 2_048  # one link
MAX_LINKS = 20  # links on one session
MAX_NAME = 200  # a skill name, project, source or source key in an import file

# --- ids and counts ---------------------------------------------------------------------------

MAX_ID = 2**63 - 1  # SQLite INTEGER, PostgreSQL BIGINT
MAX_COUNT = 2**63 - 1  # a --limit

LINK_SCHEMES = ("http", "https", "ftp", "file")


def latest(now: datetime) -> datetime:
    """The latest moment accepted: one day past ``now``."""
    return now + AHEAD


def moment_problem(moment: datetime, now: datetime) -> str:
    """Why ``moment`` (aware) is outside 1970-01-01 .. one day past now, or ``""``."""
    try:
        early = moment < EARLIEST
        late = moment > latest(now)
    except (OverflowError, TypeError):
        return "is not a usable date"
    if early:
        return f"{_shown(moment)} is before {EARLIEST_DAY} (the earliest date accepted)"
    if late:
        return f"{_shown(moment)} is more than a day in the future"
    return ""


def day_problem(day: date, today: date) -> str:
    """Why a calendar day is outside 1970-01-01 .. tomorrow, or ``""``."""
    if day < EARLIEST_DAY:
        return f"{day.isoformat()} is before {EARLIEST_DAY} (the earliest date accepted)"
    if day > today + AHEAD:
        return f"{day.isoformat()} is more than a day in the future"
    return ""


def _shown(moment: datetime) -> str:
    try:
        return moment.isoformat(timespec="minutes")
    except (ValueError, OverflowError):
        return f"year {moment.year}"


def minutes_problem(minutes: int) -> str:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        return f"{minutes} minutes (a session lasts {MIN_MINUTES} to {MAX_MINUTES})"
    return ""


def level_problem(level: int, top: int = MAX_LEVEL) -> str:
    if not MIN_LEVEL <= level <= top:
        return f"level {level} is outside the scale {MIN_LEVEL}..{top}"
    return ""


def id_problem(value: int) -> str:
    if not 1 <= value <= MAX_ID:
        return f"{value} is not an id (a whole number from 1 to 2^63-1)"
    return ""


# --- text -------------------------------------------------------------------------------------


def text_problem(value: str, what: str, cap: int) -> str:
    if len(value) > cap:
        return f"{what} is {len(value):,} characters long; at most {cap:,} are accepted"
    return ""


def note_problem(value: str | None) -> str:
    return text_problem(value or "", "the note", MAX_NOTE)


def tags_problem(tags: list[str]) -> str:
    if len(tags) > MAX_TAGS:
        return f"{len(tags)} tags; at most {MAX_TAGS} are accepted"
    for tag in tags:
        problem = text_problem(tag, "a tag", MAX_TAG)
        if problem:
            return problem
    return ""


def link_problem(link: str) -> str:
    """Why ``link`` is not a full URL we keep (http, https, ftp or file), or ``""``.

    Links end up as ``href`` in the HTML report, so ``javascript:`` and the like never get in.
    """
    text = link.strip()
    if len(text) > MAX_LINK:
        return f"a link is {len(text):,} characters long; at most {MAX_LINK:,} are accepted"
    try:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        ok = (
            scheme in LINK_SCHEMES
            and bool(parts.netloc or scheme == "file")
            and not any(ch.isspace() or ord(ch) < 32 for ch in text)
        )
    except ValueError:  # e.g. a bad IPv6 host
        ok = False
    if not ok:
        shown = "".join(ch if ch.isprintable() else "?" for ch in text[:40])
        return f"invalid link '{shown}': give a full URL such as https://example.org/page"
    return ""


def links_problem(links: list[str]) -> str:
    if len(links) > MAX_LINKS:
        return f"{len(links)} links; at most {MAX_LINKS} are accepted"
    for link in links:
        problem = link_problem(link)
        if problem:
            return problem
    return ""


# --- for the command line ---------------------------------------------------------------------


def check_links(links: list[str] | None) -> list[str]:
    """Links as given (stripped), each a full URL (http, https, ftp or file); else a
    UsageError."""
    checked = [link.strip() for link in links or []]
    problem = links_problem(checked)
    if problem:
        raise UsageError(problem)
    return checked


def check_tags(tags: list[str] | None) -> list[str] | None:
    """Tags stripped of surrounding blanks; an empty or too long tag is a UsageError."""
    if tags is None:
        return None
    cleaned = [tag.strip() for tag in tags]
    if any(not tag for tag in cleaned):
        raise UsageError("invalid tag '': a tag needs at least one character")
    problem = tags_problem(cleaned)
    if problem:
        raise UsageError(problem)
    return cleaned


def check_note(note: str | None) -> str | None:
    """The note as given; a note over :data:`MAX_NOTE` characters is a UsageError."""
    problem = note_problem(note)
    if problem:
        raise UsageError(problem)
    return note
