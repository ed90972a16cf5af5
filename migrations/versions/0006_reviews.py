"""reviews: spaced-repetition reviews of a skill's level (issue 20)

``review`` holds each ``roadmap review SKILL --recall again|hard|good|easy``: when, how well
the level came back, the level reviewed and a note. The schedule (due date, stability,
retrievability) is computed from it when read; nothing derived is stored.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.String(), nullable=False),
        sa.Column("reviewed_at", sa.String(), nullable=False),
        sa.Column("rating", sa.String(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.CheckConstraint("rating IN ('again', 'hard', 'good', 'easy')", name="ck_review_rating"),
        sa.ForeignKeyConstraint(["skill_id"], ["skill.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index("ix_review_skill", ["skill_id", "reviewed_at"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 6")


def downgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index("ix_review_skill")
    op.drop_table("review")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 5")
