"""running totals: per skill and per day, kept by the session triggers

So the views read a row per skill (and a row per study day) instead of scanning
``skill_day``, which grows with history: ``status`` costs the same at 100,000 sessions
as at 1,000.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OLD_TRIGGERS = ("session_after_insert", "session_after_delete", "session_after_update")

# Add a session's minutes to skill_day, skill_total and study_day (NEW.*).
_ADD = """
      INSERT INTO skill_day (skill_id, day, minutes, sessions)
      VALUES (NEW.skill_id, NEW.day, NEW.minutes, 1)
      ON CONFLICT (skill_id, day) DO UPDATE
        SET minutes = minutes + excluded.minutes, sessions = sessions + 1;
      INSERT INTO skill_total (skill_id, minutes, sessions, last_day)
      VALUES (NEW.skill_id, NEW.minutes, 1, NEW.day)
      ON CONFLICT (skill_id) DO UPDATE
        SET minutes = minutes + excluded.minutes, sessions = sessions + 1,
            last_day = MAX(last_day, excluded.last_day);
      INSERT INTO study_day (day, minutes, sessions)
      VALUES (NEW.day, NEW.minutes, 1)
      ON CONFLICT (day) DO UPDATE
        SET minutes = minutes + excluded.minutes, sessions = sessions + 1;
"""

# Take a session's minutes off the three (OLD.*); rows that reach zero sessions go.
_REMOVE = """
      UPDATE skill_day SET minutes = minutes - OLD.minutes, sessions = sessions - 1
        WHERE skill_id = OLD.skill_id AND day = OLD.day;
      DELETE FROM skill_day WHERE skill_id = OLD.skill_id AND day = OLD.day AND sessions <= 0;
      UPDATE skill_total SET minutes = minutes - OLD.minutes, sessions = sessions - 1,
        last_day = (SELECT MAX(day) FROM skill_day WHERE skill_id = OLD.skill_id)
        WHERE skill_id = OLD.skill_id;
      DELETE FROM skill_total WHERE skill_id = OLD.skill_id AND sessions <= 0;
      UPDATE study_day SET minutes = minutes - OLD.minutes, sessions = sessions - 1
        WHERE day = OLD.day;
      DELETE FROM study_day WHERE day = OLD.day AND sessions <= 0;
"""

TRIGGERS = (
    f"CREATE TRIGGER session_after_insert AFTER INSERT ON session BEGIN {_ADD} END",
    f"CREATE TRIGGER session_after_delete AFTER DELETE ON session BEGIN {_REMOVE} END",
    "CREATE TRIGGER session_after_update AFTER UPDATE OF skill_id, day, minutes ON session "
    f"BEGIN {_REMOVE} {_ADD} END",
)


def upgrade() -> None:
    op.create_table(
        "skill_total",
        sa.Column("skill_id", sa.String(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("last_day", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("skill_id"),
    )
    op.create_table(
        "study_day",
        sa.Column("day", sa.String(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_index("ix_skill_day_day", "skill_day", ["day"])
    postgres = op.get_bind().dialect.name != "sqlite"
    if postgres:
        op.execute(PG_FUNCTION)  # the trigger made by 0001 now calls the new body
    else:
        for name in OLD_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement in TRIGGERS:
            op.execute(statement)
    # The history so far.
    op.execute(
        "INSERT INTO skill_total (skill_id, minutes, sessions, last_day) "
        "SELECT skill_id, SUM(minutes), SUM(sessions), MAX(day) FROM skill_day GROUP BY skill_id"
    )
    op.execute(
        "INSERT INTO study_day (day, minutes, sessions) "
        "SELECT day, SUM(minutes), SUM(sessions) FROM skill_day GROUP BY day"
    )
    if not postgres:
        op.execute("PRAGMA user_version = 2")


# PostgreSQL: the body of the one trigger function 0001 created, now keeping all three.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION roadmap_session_totals() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE skill_day SET minutes = skill_day.minutes - OLD.minutes,
                         sessions = skill_day.sessions - 1
      WHERE skill_id = OLD.skill_id AND day = OLD.day;
    DELETE FROM skill_day WHERE skill_id = OLD.skill_id AND day = OLD.day AND sessions <= 0;
    UPDATE skill_total SET minutes = skill_total.minutes - OLD.minutes,
                           sessions = skill_total.sessions - 1,
      last_day = (SELECT MAX(d.day) FROM skill_day d WHERE d.skill_id = OLD.skill_id)
      WHERE skill_id = OLD.skill_id;
    DELETE FROM skill_total WHERE skill_id = OLD.skill_id AND sessions <= 0;
    UPDATE study_day SET minutes = study_day.minutes - OLD.minutes,
                         sessions = study_day.sessions - 1
      WHERE day = OLD.day;
    DELETE FROM study_day WHERE day = OLD.day AND sessions <= 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO skill_day (skill_id, day, minutes, sessions)
    VALUES (NEW.skill_id, NEW.day, NEW.minutes, 1)
    ON CONFLICT (skill_id, day) DO UPDATE
      SET minutes = skill_day.minutes + excluded.minutes, sessions = skill_day.sessions + 1;
    INSERT INTO skill_total (skill_id, minutes, sessions, last_day)
    VALUES (NEW.skill_id, NEW.minutes, 1, NEW.day)
    ON CONFLICT (skill_id) DO UPDATE
      SET minutes = skill_total.minutes + excluded.minutes,
          sessions = skill_total.sessions + 1,
          last_day = GREATEST(skill_total.last_day, excluded.last_day);
    INSERT INTO study_day (day, minutes, sessions)
    VALUES (NEW.day, NEW.minutes, 1)
    ON CONFLICT (day) DO UPDATE
      SET minutes = study_day.minutes + excluded.minutes, sessions = study_day.sessions + 1;
  END IF;
  RETURN NULL;
END
$body$
"""


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        # Back to 0001's body: skill_day only.
        start, rest = PG_FUNCTION.split("    UPDATE skill_total", 1)
        middle = "  END IF;\n  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n"
        tail = rest.split(middle, 1)[1].split("    INSERT INTO skill_total", 1)[0]
        op.execute(start + middle + tail + "  END IF;\n  RETURN NULL;\nEND\n$body$\n")
        op.drop_index("ix_skill_day_day", table_name="skill_day")
        op.drop_table("study_day")
        op.drop_table("skill_total")
        return
    for name in OLD_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    day_only = (
        _ADD.split("INSERT INTO skill_total")[0],
        _REMOVE.split("UPDATE skill_total")[0],
    )
    op.execute(
        f"CREATE TRIGGER session_after_insert AFTER INSERT ON session BEGIN {day_only[0]} END"
    )
    op.execute(
        f"CREATE TRIGGER session_after_delete AFTER DELETE ON session BEGIN {day_only[1]} END"
    )
    op.execute(
        "CREATE TRIGGER session_after_update AFTER UPDATE OF skill_id, day, minutes ON session "
        f"BEGIN {day_only[1]} {day_only[0]} END"
    )
    op.drop_index("ix_skill_day_day", table_name="skill_day")
    op.drop_table("study_day")
    op.drop_table("skill_total")
    op.execute("PRAGMA user_version = 1")
