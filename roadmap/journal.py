"""``undo``: revert the newest change in the journal, exactly.

Every change a user makes (log, start, stop, switch, cancel, edit, delete, check,
uncheck, assess, review, import) appends one journal entry in the same transaction (see
:mod:`roadmap.store.write`); its payload holds what is needed to revert it. ``undo``
reverts the newest entry not yet undone and marks it undone; repeated ``undo`` walks
further back. Entries are never deleted.

Skills may have been renamed (``was:``) or archived since the entry was written: every
skill id in a payload is followed to where that skill lives now. An entry that can no
longer be applied (its skill or milestone is gone) is set aside with the reason, so the
entries before it can still be undone; ``doctor`` lists such entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roadmap.errors import StateError
from roadmap.store import write
from roadmap.store.protocol import Conn


@dataclass
class Undone:
    summary: str
    after: str = ""
    set_aside: str | None = None  # why the entry could not be applied

    @property
    def message(self) -> str:
        if self.set_aside is not None:
            return (
                f"cannot undo '{self.summary}': {self.set_aside}; it is set aside "
                "(roadmap undo again reverts the change before it)"
            )
        return self.summary + self.after


def _skills_of(action: str, payload: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    if "session" in payload:
        ids.append(payload["session"]["skill_id"])
    if "before" in payload and action == "edit":
        ids.append(payload["before"]["skill_id"])
    if "timer" in payload:
        ids.append(payload["timer"]["skill_id"])
    if "skill" in payload:
        ids.append(payload["skill"])
    return ids


def problem(conn: Conn, action: str, payload: dict[str, Any]) -> str | None:
    """Why an entry can no longer be applied, or None if it can."""
    for skill_id in _skills_of(action, payload):
        if write.current_skill_id(conn, skill_id) is None:
            return f"the skill '{skill_id}' no longer exists"
    if action in ("check", "uncheck"):
        skill = write.current_skill_id(conn, payload["skill"])
        if skill is None or write.milestone_row(conn, skill, payload["key"]) is None:
            return f"the milestone '{payload['key']}' of '{payload['skill']}' no longer exists"
    return None


def _moved(conn: Conn, skill_id: str) -> str:
    found = write.current_skill_id(conn, skill_id)
    assert found is not None  # checked by problem()
    return found


def _put_timer_back(conn: Conn, timer: dict[str, Any]) -> None:
    if write.timer_row(conn) is not None:
        raise StateError("cannot undo: a timer is running now; stop or cancel it first")
    write.insert_timer(conn, {**timer, "skill_id": _moved(conn, timer["skill_id"])})


def _put_session_back(conn: Conn, row: dict[str, Any]) -> None:
    row = {**row, "skill_id": _moved(conn, row["skill_id"])}
    if write.session_row(conn, int(row["id"])) is not None:
        row.pop("id")  # its id was given to another session since: it gets a new one
    write.insert_session(conn, row)


def _restore_skill(conn: Conn, payload: dict[str, Any]) -> None:
    write.delete_ids(conn, "level_change", [int(i) for i in payload["level_changes"]])
    state = payload["skill_before"]
    write.set_skill_state(
        conn, _moved(conn, payload["skill"]), int(state["level"]), state["level_changed_at"]
    )


def undo(conn: Conn) -> Undone:
    """Revert the newest change not yet undone (inside the caller's transaction)."""
    entry = write.latest_entry(conn)
    if entry is None:
        raise StateError("nothing to undo")
    entry_id, action, summary, payload = entry
    reason = problem(conn, action, payload)
    if reason is not None:
        write.mark_undone(conn, entry_id, set_aside=reason)
        return Undone(summary, set_aside=reason)
    after = ""
    if action in ("log", "stop", "switch"):
        if action == "switch":  # the timer it started goes first
            write.delete_timer(conn)
        write.delete_session(conn, int(payload["session"]["id"]))
        if action in ("stop", "switch"):
            _put_timer_back(conn, payload["timer"])
            after = f"; the timer on {_moved(conn, payload['timer']['skill_id'])} is running again"
    elif action == "import":
        write.delete_ids(conn, "session", [int(i) for i in payload["sessions"]])
        _undo_import_state(conn, payload.get("state") or {})
        for skill_id in payload.get("created_skills", []):
            write.drop_unused_skill(conn, skill_id)
    elif action == "start":
        write.delete_timer(conn)
    elif action == "cancel":
        _put_timer_back(conn, payload["timer"])
        after = "; it is running again"
    elif action == "edit":
        before = {**payload["before"], "skill_id": _moved(conn, payload["before"]["skill_id"])}
        session_id = int(before.pop("id"))
        if write.session_row(conn, session_id) is not None:
            write.update_session(conn, session_id, before)
    elif action == "delete":
        _put_session_back(conn, payload["session"])
    elif action in ("check", "uncheck"):
        before = payload["before"]
        write.set_milestone(
            conn,
            _moved(conn, payload["skill"]),
            payload["key"],
            before["checked_at"],
            before["link"],
            before["note"],
        )
        _restore_skill(conn, payload)
    elif action == "review":
        write.delete_ids(conn, "review", [int(payload["review"])])
        if "session" in payload:
            write.delete_session(conn, int(payload["session"]["id"]))
    elif action == "assess":
        write.delete_ids(conn, "assessment", [int(payload["assessment"])])
        _restore_skill(conn, payload)
    else:  # a journal written by a newer version
        raise StateError(f"cannot undo '{action}': not known to this version")
    write.mark_undone(conn, entry_id)
    return Undone(summary, after)


def _undo_import_state(conn: Conn, state: dict[str, Any]) -> None:
    """Revert what an import of our JSON export added besides sessions."""
    for skill_id, key, link, note in state.get("checks", []):
        skill = write.current_skill_id(conn, skill_id)
        if skill is not None:
            write.set_milestone(conn, skill, key, None, link, note)
    write.delete_ids(conn, "assessment", [int(i) for i in state.get("assessments", [])])
    write.delete_ids(conn, "level_change", [int(i) for i in state.get("level_changes", [])])
    write.delete_ids(conn, "review", [int(i) for i in state.get("reviews", [])])
    for skill_id, level, changed_at in state.get("skills", []):
        skill = write.current_skill_id(conn, skill_id)
        if skill is not None:
            write.set_skill_state(conn, skill, int(level), changed_at)
