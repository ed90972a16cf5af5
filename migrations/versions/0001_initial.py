"""initial schema: the tree, sessions, progress, timer and journal

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("payload", sa.String(), nullable=False),
        sa.Column("undone_at", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "pillar",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "skill_day",
        sa.Column("skill_id", sa.String(), nullable=False),
        sa.Column("day", sa.String(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("skill_id", "day"),
    )
    op.create_table(
        "target",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("by", sa.String(), nullable=True),
        sa.Column("after", sa.String(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "skill",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("pillar_id", sa.String(), nullable=False),
        sa.Column("parent_id", sa.String(), nullable=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("resources", sa.String(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("level_changed_at", sa.String(), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("archived_at", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pillar_id"],
            ["pillar.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("skill", schema=None) as batch_op:
        batch_op.create_index("ix_skill_parent", ["parent_id"], unique=False)
        batch_op.create_index("ix_skill_pillar", ["pillar_id"], unique=False)

    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.String(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("assessed_at", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skill.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index("ix_assessment_skill", ["skill_id", "assessed_at"], unique=False)

    op.create_table(
        "level_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.String(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("previous", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.String(), nullable=False),
        sa.Column("cause", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skill.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("level_change", schema=None) as batch_op:
        batch_op.create_index("ix_level_change_skill", ["skill_id", "changed_at"], unique=False)

    op.create_table(
        "milestone",
        sa.Column("skill_id", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("checked_at", sa.String(), nullable=True),
        sa.Column("link", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skill.id"],
        ),
        sa.PrimaryKeyConstraint("skill_id", "key"),
    )
    op.create_table(
        "prerequisite",
        sa.Column("skill_id", sa.String(), nullable=False),
        sa.Column("requires_id", sa.String(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skill.id"],
        ),
        sa.PrimaryKeyConstraint("skill_id", "requires_id"),
    )
    op.create_table(
        "session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.String(), nullable=False),
        sa.Column("started_at", sa.String(), nullable=False),
        sa.Column("day", sa.String(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("tags", sa.String(), nullable=False),
        sa.Column("links", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("source_key", sa.String(), nullable=True),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.CheckConstraint("minutes BETWEEN 1 AND 1440", name="ck_session_minutes"),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skill.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_key", name="uq_session_source_key"),
    )
    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.create_index("ix_session_skill_started", ["skill_id", "started_at"], unique=False)
        batch_op.create_index("ix_session_started", ["started_at"], unique=False)
        batch_op.create_index("ix_session_day", ["day"], unique=False)

    op.create_table(
        "skill_alias",
        sa.Column("old_id", sa.String(), nullable=False),
        sa.Column("skill_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skill.id"],
        ),
        sa.PrimaryKeyConstraint("old_id"),
    )
    op.create_table(
        "target_requirement",
        sa.Column("target_id", sa.String(), nullable=False),
        sa.Column("skill_id", sa.String(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skill.id"],
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["target.id"],
        ),
        sa.PrimaryKeyConstraint("target_id", "skill_id"),
    )
    op.create_table(
        "timer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.String(), nullable=False),
        sa.Column("started_at", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.CheckConstraint("slot = 1", name="ck_timer_single"),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skill.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slot"),
    )

    if op.get_bind().dialect.name != "sqlite":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
        return
    for statement in TRIGGERS:
        op.execute(statement)
    op.execute("PRAGMA application_id = 1380794704")  # 0x524D4150, "RMAP"
    op.execute("PRAGMA user_version = 1")


# PostgreSQL: one trigger function does what the three SQLite triggers below do.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION roadmap_session_totals() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE skill_day SET minutes = skill_day.minutes - OLD.minutes,
                         sessions = skill_day.sessions - 1
      WHERE skill_id = OLD.skill_id AND day = OLD.day;
    DELETE FROM skill_day WHERE skill_id = OLD.skill_id AND day = OLD.day AND sessions <= 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO skill_day (skill_id, day, minutes, sessions)
    VALUES (NEW.skill_id, NEW.day, NEW.minutes, 1)
    ON CONFLICT (skill_id, day) DO UPDATE
      SET minutes = skill_day.minutes + excluded.minutes, sessions = skill_day.sessions + 1;
  END IF;
  RETURN NULL;
END
$body$
"""
PG_TRIGGER = (
    "CREATE TRIGGER session_totals AFTER INSERT OR DELETE OR UPDATE OF skill_id, day, minutes "
    "ON session FOR EACH ROW EXECUTE FUNCTION roadmap_session_totals()"
)


TRIGGERS = (
    # skill_day keeps minutes per skill per day, whatever path writes sessions.
    """
    CREATE TRIGGER session_after_insert AFTER INSERT ON session BEGIN
      INSERT INTO skill_day (skill_id, day, minutes, sessions)
      VALUES (NEW.skill_id, NEW.day, NEW.minutes, 1)
      ON CONFLICT (skill_id, day) DO UPDATE
        SET minutes = minutes + excluded.minutes, sessions = sessions + 1;
    END
    """,
    """
    CREATE TRIGGER session_after_delete AFTER DELETE ON session BEGIN
      UPDATE skill_day SET minutes = minutes - OLD.minutes, sessions = sessions - 1
        WHERE skill_id = OLD.skill_id AND day = OLD.day;
      DELETE FROM skill_day WHERE skill_id = OLD.skill_id AND day = OLD.day AND sessions <= 0;
    END
    """,
    """
    CREATE TRIGGER session_after_update AFTER UPDATE OF skill_id, day, minutes ON session BEGIN
      UPDATE skill_day SET minutes = minutes - OLD.minutes, sessions = sessions - 1
        WHERE skill_id = OLD.skill_id AND day = OLD.day;
      DELETE FROM skill_day WHERE skill_id = OLD.skill_id AND day = OLD.day AND sessions <= 0;
      INSERT INTO skill_day (skill_id, day, minutes, sessions)
      VALUES (NEW.skill_id, NEW.day, NEW.minutes, 1)
      ON CONFLICT (skill_id, day) DO UPDATE
        SET minutes = minutes + excluded.minutes, sessions = sessions + 1;
    END
    """,
)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS session_totals ON session")
        op.execute("DROP FUNCTION IF EXISTS roadmap_session_totals()")
    for name in ("session_after_insert", "session_after_delete", "session_after_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("timer")
    op.drop_table("target_requirement")
    op.drop_table("skill_alias")
    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.drop_index("ix_session_day")
        batch_op.drop_index("ix_session_started")
        batch_op.drop_index("ix_session_skill_started")

    op.drop_table("session")
    op.drop_table("prerequisite")
    op.drop_table("milestone")
    with op.batch_alter_table("level_change", schema=None) as batch_op:
        batch_op.drop_index("ix_level_change_skill")

    op.drop_table("level_change")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_skill")

    op.drop_table("assessment")
    with op.batch_alter_table("skill", schema=None) as batch_op:
        batch_op.drop_index("ix_skill_pillar")
        batch_op.drop_index("ix_skill_parent")

    op.drop_table("skill")
    op.drop_table("target")
    op.drop_table("skill_day")
    op.drop_table("pillar")
    op.drop_table("meta")
    op.drop_table("journal")
