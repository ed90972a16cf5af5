"""When a skills file was last reviewed, and when to suggest reviewing it again.

A tree of AI-systems skills goes stale fast (new hardware, formats, serving systems), so a
skills file may say when it was last reviewed (top-level ``reviewed: YYYY-MM-DD``). ``doctor``
and the welcome screen suggest a review once that date is more than a year before now
(``roadmap.clock.now()``). docs/bundled-roadmap.md says how to refresh the bundled tree.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

# A top-level ``reviewed:`` line, quoted or not, with an optional trailing comment.
_REVIEWED = re.compile(
    rb"""^reviewed:[ \t]*(['"]?)([0-9]{4}-[0-9]{2}-[0-9]{2})\1[ \t]*(?:#[^\r\n]*)?\r?$""",
    re.MULTILINE,
)


def year_before(today: date) -> date:
    """The same calendar day a year earlier (29 February becomes 28 February)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def review_due(reviewed: date | None, today: date) -> bool:
    """Whether ``reviewed`` lies more than a year before ``today`` (no date: never due)."""
    return reviewed is not None and reviewed < year_before(today)


def review_note(reviewed: date | None, today: date, path: Path | str) -> str | None:
    """The sentence that suggests a review, or None when the tree is recent enough."""
    if reviewed is None or not review_due(reviewed, today):
        return None
    days = (today - reviewed).days
    return (
        f"{path} was last reviewed on {reviewed.isoformat()} ({days} days ago); "
        "AI systems move fast: review its skills, milestones and links "
        "(docs/bundled-roadmap.md, 'Refreshing the tree')"
    )


def reviewed_in(data: bytes) -> date | None:
    """The ``reviewed:`` date of a skills file's text, read cheaply (None if absent or bad)."""
    found = _REVIEWED.search(data)
    if found is None:
        return None
    try:
        return date.fromisoformat(found.group(2).decode("ascii"))
    except ValueError:
        return None
