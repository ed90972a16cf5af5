"""effort and calibration: hours per level step, and what kind of assessment a row is

``skill.hours_by_level`` holds the five (one per level step) hours of a skill whose
``hours:`` is a list, as JSON text; NULL when it is one number (``skill.hours``).
``assessment.kind`` is ``assess`` (a self-assessment, as every row before) or
``calibrate`` (a starting level: kept and shown, never counted as progress).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("skill", sa.Column("hours_by_level", sa.String(), nullable=True))
    op.add_column(
        "assessment",
        sa.Column("kind", sa.String(), nullable=False, server_default="assess"),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 4")


def downgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.drop_column("kind")
    with op.batch_alter_table("skill") as batch:
        batch.drop_column("hours_by_level")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 3")
