"""Turn what the user typed into ids: skills, milestones, targets (stdlib sqlite3 reads).

A skill resolves by exact id, then by an earlier id (``was:``), then by a unique
case-insensitive match on id prefix or name. No match or several: exit 2 with up
to three suggestions.
"""

from __future__ import annotations

import difflib
import sqlite3
from dataclasses import dataclass

from roadmap.errors import UsageError


@dataclass(frozen=True)
class SkillRef:
    id: str
    name: str
    pillar: str
    archived: bool


def _suggest(word: str, choices: list[str]) -> list[str]:
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=3, cutoff=0.5)
    return [lowered[c] for c in close]


def skill(conn: sqlite3.Connection, text: str, *, allow_archived: bool = False) -> SkillRef:
    """Resolve ``text`` to a skill (see module doc)."""
    rows = [
        SkillRef(r[0], r[1], r[2], bool(r[3]))
        for r in conn.execute("SELECT id, name, pillar_id, archived FROM skill")
    ]
    by_id = {r.id: r for r in rows}
    found = by_id.get(text)
    if found is None:
        alias = conn.execute(
            "SELECT skill_id FROM skill_alias WHERE old_id = ?", (text,)
        ).fetchone()
        found = by_id.get(alias[0]) if alias else None
    if found is None:
        needle = text.strip().lower()
        live = [r for r in rows if allow_archived or not r.archived]
        matches = [r for r in live if r.id.startswith(needle) or r.name.lower() == needle]
        if not matches:
            matches = [r for r in live if needle and needle in r.name.lower()]
        if len(matches) == 1:
            found = matches[0]
        elif len(matches) > 1:
            names = ", ".join(sorted(m.id for m in matches)[:3])
            more = f" and {len(matches) - 3} more" if len(matches) > 3 else ""
            raise UsageError(f"'{text}' matches several skills: {names}{more}; be more specific")
        else:
            hints = _suggest(text, [r.id for r in live] + [r.name for r in live])
            ids = []
            for hint in hints:
                ref = by_id.get(hint) or next((r for r in live if r.name == hint), None)
                if ref is not None and ref.id not in ids:
                    ids.append(ref.id)
            tail = f"; did you mean {', '.join(ids)}?" if ids else "; see 'roadmap tree'"
            raise UsageError(f"unknown skill '{text}'{tail}")
    if found.archived and not allow_archived:
        raise UsageError(
            f"skill '{found.id}' is archived (it is no longer in the skills file); its history "
            "is kept, but nothing new can be recorded on it",
            hint=f"add it back to the skills file, or rename it with was: [{found.id}]",
        )
    return found


def milestone(conn: sqlite3.Connection, skill_id: str, text: str) -> tuple[str, str]:
    """Resolve a milestone by id or ``LEVEL.N`` position; return (key, text)."""
    rows = conn.execute(
        "SELECT key, level, position, text FROM milestone "
        "WHERE skill_id = ? AND archived = 0 ORDER BY level, position",
        (skill_id,),
    ).fetchall()
    for key, _level, _position, body in rows:
        if key == text:
            return str(key), str(body)
    if "." in text:
        level, _, position = text.partition(".")
        if level.isdigit() and position.isdigit():
            for key, lv, pos, body in rows:
                if lv == int(level) and pos == int(position):
                    return str(key), str(body)
    if not rows:
        raise UsageError(f"skill '{skill_id}' has no milestones in the skills file")
    listing = ", ".join(f"{lv}.{pos} {key}" for key, lv, pos, _ in rows[:6])
    more = ", ..." if len(rows) > 6 else ""
    raise UsageError(
        f"unknown milestone '{text}' for skill '{skill_id}': use its id or LEVEL.N "
        f"({listing}{more}); see 'roadmap show {skill_id}'"
    )


def target(conn: sqlite3.Connection, text: str | None) -> str:
    """The target id: ``text`` if given (must exist), else the tree's default, else the last."""
    rows = [
        r[0] for r in conn.execute("SELECT id FROM target WHERE archived = 0 ORDER BY position")
    ]
    if text is not None:
        if text in rows:
            return text
        hints = _suggest(text, rows)
        tail = f"; did you mean {', '.join(hints)}?" if hints else f" (targets: {', '.join(rows)})"
        raise UsageError(f"unknown target '{text}'{tail}")
    row = conn.execute("SELECT value FROM meta WHERE key = 'default_target'").fetchone()
    if row and row[0] in rows:
        return str(row[0])
    if rows:
        return str(rows[-1])
    raise UsageError("the skills file defines no targets; add one under 'targets:'")
