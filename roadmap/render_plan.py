"""The study plan shown: a terminal view, and an RFC 5545 calendar (stdlib only, no DB)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import RenderableType

FOLD_OCTETS = 75


def plan_view(data: dict[str, Any]) -> RenderableType:
    """The blocks day by day: time, skill, the milestone to aim at, and why."""
    from rich.console import Group

    from roadmap.render import _grid, text

    target = data["target"]["name"]
    head = text(
        f"Plan {data['first_day']} to {data['last_day']} toward {target}: "
        f"{_h(data['planned_hours'])} of {_h(data['hours'])} planned",
        "bold",
    )
    slots = "evenings 19:00-21:00 (set yours: roadmap plan --set ...)"
    where = text("slots: " + (slots if data["default_slots"] else data["slots"]), "dim")
    if not data["blocks"]:
        why = "no hours left to plan" if data["hours"] <= 0 else "no free slot or nothing to study"
        return Group(head, where, text(f"Nothing planned: {why}.", "yellow"))
    grid = _grid(10, 11, None)
    last_day = None
    for block in data["blocks"]:
        start = datetime.fromisoformat(block["start"])
        end = datetime.fromisoformat(block["end"])
        day = f"{start:%a %d %b}"
        what = text(block["name"], "bold")
        what.append(f" ({block['skill']})")
        lines: list[RenderableType] = [what]
        milestone = block["milestone"]
        if milestone:
            lines.append(text(f"aim: {milestone['ref']} {milestone['text']}"))
        if block["reasons"]:
            lines.append(text("; ".join(block["reasons"][:2]), "dim"))
        grid.add_row("" if day == last_day else day, f"{start:%H:%M}-{end:%H:%M}", Group(*lines))
        last_day = day
    return Group(head, where, grid)


def _h(hours: float) -> str:
    return f"{hours:g} h"


# --- RFC 5545 -------------------------------------------------------------------------------


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped;
    other control characters dropped."""
    out = []
    for ch in value.replace("\r\n", "\n").replace("\r", "\n"):
        if ch == "\\":
            out.append("\\\\")
        elif ch in ";,":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            continue
        else:
            out.append(ch)
    return "".join(out)


def fold(line: str) -> bytes:
    """One content line as UTF-8, folded so no physical line exceeds 75 octets (a
    continuation starts with a space; a character is never split), ending in CRLF."""
    data = line.encode("utf-8")
    parts: list[bytes] = []
    limit = FOLD_OCTETS
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # inside a UTF-8 character
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
        limit = FOLD_OCTETS - 1  # the leading space takes one octet
    parts.append(data)
    return b"\r\n ".join(parts) + b"\r\n"


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def block_uid(block: dict[str, Any]) -> str:
    """Stable for a (local date, start time, skill): re-exporting the same week updates the
    events instead of adding new ones."""
    start = datetime.fromisoformat(block["start"])
    key = f"{start:%Y-%m-%d}|{start:%H:%M}|{block['skill']}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@roadmap"


def ics(data: dict[str, Any], stamp: datetime) -> bytes:
    """The plan as a VCALENDAR with one VEVENT per block (``stamp``: DTSTAMP, now)."""
    lines: list[str] = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//roadmap//study plan//EN",
        "CALSCALE:GREGORIAN",
    ]
    for block in data["blocks"]:
        lines.extend(_event(block, stamp))
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) for line in lines)


def _event(block: dict[str, Any], stamp: datetime) -> Iterable[str]:
    milestone = block["milestone"]
    summary = f"Study {block['name']}"
    if milestone:
        summary += f": {milestone['ref']} {milestone['text']}"
    description = "\n".join(block["reasons"])
    return [
        "BEGIN:VEVENT",
        f"UID:{block_uid(block)}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(datetime.fromisoformat(block['start']))}",
        f"DTEND:{_utc(datetime.fromisoformat(block['end']))}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"CATEGORIES:{escape_text(block['skill'])}",
        "END:VEVENT",
    ]
