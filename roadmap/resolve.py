"""Turn what the user typed into ids: skills, pillars, milestones, targets (stdlib sqlite3 reads).

A skill resolves by exact id, then by an earlier id (``was:``), then case-insensitively by
exact id or name, then by a unique id or name prefix, then by a unique part of its name.
The first of these steps that matches anything decides: one match is the skill; several
exit 2 naming up to three of them; none at all exits 2 suggesting the three nearest ids.
An archived skill is refused (it takes no new records) unless the caller only reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from roadmap.errors import UsageError
from roadmap.store.protocol import Conn


@dataclass(frozen=True)
class SkillRef:
    id: str
    name: str
    pillar: str
    archived: bool


def _suggest(word: str, choices: list[str]) -> list[str]:
    import difflib  # only on a miss: not every command pays for it

    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=3, cutoff=0.5)
    return [lowered[c] for c in close]


def nearest(word: str, named: Sequence[tuple[str, str]], n: int = 3) -> list[str]:
    """The ``n`` ids nearest to ``word`` among (id, name) pairs, best first."""
    import difflib  # only on a miss

    needle = word.strip().lower()

    def score(pair: tuple[str, str]) -> float:
        ident, name = pair[0], pair[1].lower()
        best = max(
            difflib.SequenceMatcher(None, needle, ident).ratio(),
            difflib.SequenceMatcher(None, needle, name).ratio(),
        )
        if needle and (needle in ident or needle in name):
            best += 0.5
        return best

    ranked = sorted(named, key=lambda pair: (-score(pair), pair[0]))
    return [ident for ident, _ in ranked[:n]]


def _several(text: str, kind: str, ids: list[str]) -> UsageError:
    ids = sorted(ids)
    more = f" and {len(ids) - 3} more" if len(ids) > 3 else ""
    return UsageError(
        f"'{text}' matches several {kind}s: {', '.join(ids[:3])}{more}; be more specific"
    )


def _tiers(needle: str) -> list[Callable[[str, str], bool]]:
    """Case-insensitive match steps on (id, lower-cased name), tried in order."""
    return [
        lambda ident, name: ident == needle or name == needle,
        lambda ident, name: ident.startswith(needle) or name.startswith(needle),
        lambda ident, name: needle in ident or needle in name,
    ]


def _archived_error(ref: SkillRef) -> UsageError:
    return UsageError(
        f"skill '{ref.id}' is archived (it is no longer in the skills file); its history "
        "is kept, but nothing new can be recorded on it",
        hint=f"add it back to the skills file, or rename it with was: [{ref.id}]",
    )


@dataclass(frozen=True)
class SkillIndex:
    """Every skill and earlier id, read once: ``find`` applies the rules of the module doc
    (``log`` and ``import`` both use them)."""

    rows: list[SkillRef]
    aliases: dict[str, str]

    @classmethod
    def load(cls, conn: Conn) -> SkillIndex:
        rows = [
            SkillRef(r[0], r[1], r[2], bool(r[3]))
            for r in conn.execute("SELECT id, name, pillar_id, archived FROM skill ORDER BY id")
        ]
        aliases = {
            str(r[0]): str(r[1]) for r in conn.execute("SELECT old_id, skill_id FROM skill_alias")
        }
        return cls(rows, aliases)

    def find(self, text: str, *, allow_archived: bool = False) -> SkillRef:
        """Resolve ``text`` to a skill (see module doc); ``allow_archived`` for reads."""
        rows = self.rows
        by_id = {r.id: r for r in rows}
        found = by_id.get(text)
        if found is None and text in self.aliases:
            found = by_id.get(self.aliases[text])
        needle = text.strip().lower()
        if found is None and not needle:
            raise UsageError("no skill given: name one by its id, id prefix or name")
        if found is None:
            for matches in _tiers(needle):
                candidates = [r for r in rows if matches(r.id, r.name.lower())]
                if not candidates:
                    continue
                pool = [r for r in candidates if allow_archived or not r.archived]
                if len(pool) == 1:
                    found = pool[0]
                elif len(pool) > 1:
                    raise _several(text, "skill", [r.id for r in pool])
                elif len(candidates) == 1:
                    raise _archived_error(candidates[0])
                else:
                    archived = ", ".join(r.id for r in candidates[:3])
                    raise UsageError(f"'{text}' matches only archived skills: {archived}")
                break
        if found is None:
            live = [(r.id, r.name) for r in rows if allow_archived or not r.archived]
            if not live:
                raise UsageError(
                    f"unknown skill '{text}': the skills file defines no skills",
                    hint="add skills to the skills file (see 'roadmap validate')",
                )
            raise UsageError(
                f"unknown skill '{text}'; did you mean {', '.join(nearest(text, live))}?",
                hint="see every skill with: roadmap tree",
            )
        if found.archived and not allow_archived:
            raise _archived_error(found)
        return found


def skill(conn: Conn, text: str, *, allow_archived: bool = False) -> SkillRef:
    """Resolve ``text`` to a skill (see module doc); ``allow_archived`` for reads."""
    return SkillIndex.load(conn).find(text, allow_archived=allow_archived)


def pillar(conn: Conn, text: str) -> str:
    """Resolve ``text`` to a pillar id: exact id, then a unique case-insensitive match on id
    or name, id or name prefix, or part of the name (archived pillars included: reads only)."""
    rows = [(str(r[0]), str(r[1])) for r in conn.execute("SELECT id, name FROM pillar")]
    if any(ident == text for ident, _ in rows):
        return text
    needle = text.strip().lower()
    if needle:
        for matches in _tiers(needle):
            pool = [ident for ident, name in rows if matches(ident, name.lower())]
            if len(pool) == 1:
                return pool[0]
            if len(pool) > 1:
                raise _several(text, "pillar", pool)
    tail = f"; did you mean {', '.join(nearest(text, rows))}?" if rows else ""
    raise UsageError(f"unknown pillar '{text}'{tail}", hint="see the pillars with: roadmap tree")


@dataclass(frozen=True)
class MilestoneRef:
    key: str
    level: int
    position: int
    text: str

    @property
    def label(self) -> str:
        """How every message names it: ``1.2 Tile a GEMM in shared memory``."""
        return f"{self.level}.{self.position} {plain(self.text)}"


def plain(text: str) -> str:
    """User text on one line: control characters (newlines included) become spaces."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def milestone_listing(refs: Sequence[MilestoneRef]) -> str:
    """The milestones, one line per level: ``  level 1: 1.1 Explain LU · 1.2 Tile ...``."""
    by_level: dict[int, list[str]] = {}
    for ref in refs:
        by_level.setdefault(ref.level, []).append(ref.label)
    return "\n".join(f"  level {lv}: {' · '.join(labels)}" for lv, labels in by_level.items())


def milestone(conn: Conn, skill_id: str, text: str) -> MilestoneRef:
    """Resolve a milestone by ``LEVEL.N`` position or by id (case-insensitive)."""
    refs = [
        MilestoneRef(str(key), int(level), int(position), str(body))
        for key, level, position, body in conn.execute(
            "SELECT key, level, position, text FROM milestone "
            "WHERE skill_id = ? AND NOT archived ORDER BY level, position",
            (skill_id,),
        ).fetchall()
    ]
    wanted = text.strip()
    level, dot, position = wanted.partition(".")
    if dot and level.isascii() and level.isdigit() and position.isascii() and position.isdigit():
        for ref in refs:
            if ref.level == int(level) and ref.position == int(position):
                return ref
    for ref in refs:
        if ref.key == wanted:
            return ref
    for ref in refs:
        if ref.key.lower() == wanted.lower():
            return ref
    if not refs:
        raise UsageError(f"skill '{skill_id}' has no milestones in the skills file")
    raise UsageError(
        f"unknown milestone '{plain(text)[:40]}' for skill '{skill_id}': name it by LEVEL.N\n"
        + milestone_listing(refs),
        hint=f"see them all with: roadmap show {skill_id}",
    )


def target(conn: Conn, text: str | None) -> str:
    """The target id: ``text`` if given (must exist), else the tree's default, else the last."""
    rows = [
        r[0] for r in conn.execute("SELECT id FROM target WHERE NOT archived ORDER BY position")
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
