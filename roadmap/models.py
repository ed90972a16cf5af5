"""The SQLModel tables: the one definition of the schema.

Times are stored as UTC ISO 8601 text (``2026-11-20T09:30:00Z``) so they sort and
compare as text; ``day`` columns hold the local calendar date at the time of
writing (``2026-11-20``). Lists (tags, links, resources) are JSON text.

The Alembic migrations in ``migrations/`` create exactly these tables; a test
compares the two so they cannot drift. Fast read paths (``roadmap.store.queries``) use
the stdlib ``sqlite3`` driver against the same tables.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from roadmap.store.schema import APPLICATION_ID as APPLICATION_ID
from roadmap.store.schema import HEAD_REVISION as HEAD_REVISION
from roadmap.store.schema import SCHEMA_VERSION as SCHEMA_VERSION


class Meta(SQLModel, table=True):
    """Key/value facts: tree digest and settings from the synced skills file."""

    key: str = Field(primary_key=True)
    value: str


class Pillar(SQLModel, table=True):
    id: str = Field(primary_key=True)
    name: str
    description: str = ""
    position: int = 0
    archived: bool = False


class Skill(SQLModel, table=True):
    __table_args__ = (
        Index("ix_skill_pillar", "pillar_id"),
        Index("ix_skill_parent", "parent_id"),
    )

    id: str = Field(primary_key=True)
    pillar_id: str = Field(foreign_key="pillar.id")
    parent_id: str | None = None
    name: str
    description: str = ""
    weight: int = 1
    hours: float = 20.0
    hours_by_level: str | None = None  # JSON list: hours per level step, when the file gives it
    position: int = 0
    depth: int = 0
    resources: str = "[]"
    level: int = 0
    level_changed_at: str | None = None
    archived: bool = False
    archived_at: str | None = None


class SkillAlias(SQLModel, table=True):
    """An earlier id of a skill (``was:``), so history and imports follow a rename."""

    __tablename__ = "skill_alias"

    old_id: str = Field(primary_key=True)
    skill_id: str = Field(foreign_key="skill.id")


class Prerequisite(SQLModel, table=True):
    skill_id: str = Field(foreign_key="skill.id", primary_key=True)
    requires_id: str = Field(primary_key=True)
    level: int = 1
    position: int = 0  # the order the skills file lists them in


class Milestone(SQLModel, table=True):
    """A milestone of a skill; its checked state lives here and survives re-syncs."""

    skill_id: str = Field(foreign_key="skill.id", primary_key=True)
    key: str = Field(primary_key=True)
    level: int
    position: int
    text: str
    archived: bool = False
    checked_at: str | None = None
    link: str | None = None
    note: str | None = None


class Target(SQLModel, table=True):
    id: str = Field(primary_key=True)
    name: str
    description: str = ""
    by: str | None = None
    after: str | None = None
    position: int = 0
    archived: bool = False


class TargetRequirement(SQLModel, table=True):
    __tablename__ = "target_requirement"

    target_id: str = Field(foreign_key="target.id", primary_key=True)
    skill_id: str = Field(foreign_key="skill.id", primary_key=True)
    level: int
    position: int = 0  # the order the skills file lists them in


class Session(SQLModel, table=True):
    """One study session."""

    __table_args__ = (
        CheckConstraint("minutes BETWEEN 1 AND 1440", name="ck_session_minutes"),
        Index("ix_session_started", "started_at"),
        Index("ix_session_skill_started", "skill_id", "started_at"),
        Index("ix_session_day", "day"),
        UniqueConstraint("source_key", name="uq_session_source_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    skill_id: str = Field(foreign_key="skill.id")
    started_at: str
    day: str
    minutes: int
    note: str = ""
    tags: str = "[]"
    links: str = "[]"
    source: str = "log"
    source_key: str | None = None
    created_at: str


class SkillDay(SQLModel, table=True):
    """Minutes per skill per local day, kept by triggers on ``session``.

    Views aggregate this small table instead of every session, so they stay fast
    however long the history grows.
    """

    __tablename__ = "skill_day"
    __table_args__ = (Index("ix_skill_day_day", "day"),)

    skill_id: str = Field(primary_key=True)
    day: str = Field(primary_key=True)
    minutes: int = 0
    sessions: int = 0


class SkillTotal(SQLModel, table=True):
    """All-time minutes, sessions and last day per skill, kept by the ``session`` triggers."""

    __tablename__ = "skill_total"

    skill_id: str = Field(primary_key=True)
    minutes: int = 0
    sessions: int = 0
    last_day: str | None = None


class StudyDay(SQLModel, table=True):
    """Minutes and sessions per local day (all skills), kept by the ``session`` triggers."""

    __tablename__ = "study_day"

    day: str = Field(primary_key=True)
    minutes: int = 0
    sessions: int = 0


class Assessment(SQLModel, table=True):
    __table_args__ = (Index("ix_assessment_skill", "skill_id", "assessed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    skill_id: str = Field(foreign_key="skill.id")
    level: int
    note: str = ""
    assessed_at: str
    kind: str = "assess"  # "assess", or "calibrate": a starting level, never counted as progress
    evidence: str | None = None  # a URL or file path that proves the level (0005)


class LevelChange(SQLModel, table=True):
    """Every change of a skill's level, with its date: progress over time."""

    __tablename__ = "level_change"
    __table_args__ = (Index("ix_level_change_skill", "skill_id", "changed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    skill_id: str = Field(foreign_key="skill.id")
    level: int
    previous: int
    changed_at: str
    cause: str


class Review(SQLModel, table=True):
    """A spaced-repetition review of a skill's level (``review SKILL --recall``, 0006):
    how well it came back. The schedule is computed from these, the level changes and the
    sessions when it is read (``roadmap.recall``); nothing derived is stored."""

    __table_args__ = (
        CheckConstraint("rating IN ('again', 'hard', 'good', 'easy')", name="ck_review_rating"),
        Index("ix_review_skill", "skill_id", "reviewed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    skill_id: str = Field(foreign_key="skill.id")
    reviewed_at: str
    rating: str
    level: int  # the level reviewed
    note: str = ""


class Timer(SQLModel, table=True):
    """The running timer. ``slot`` is always 1 and unique: at most one timer runs."""

    __table_args__ = (CheckConstraint("slot = 1", name="ck_timer_single"),)

    id: int | None = Field(default=None, primary_key=True)
    slot: int = Field(default=1, sa_column=Column(Integer, nullable=False, unique=True))
    skill_id: str = Field(sa_column=Column(ForeignKey("skill.id"), nullable=False))
    started_at: str
    note: str = ""


class Journal(SQLModel, table=True):
    """Append-only journal of changes; ``undo`` reverts the newest not yet undone."""

    id: int | None = Field(default=None, primary_key=True)
    at: str
    action: str
    summary: str
    payload: str = "{}"
    undone_at: str | None = None
