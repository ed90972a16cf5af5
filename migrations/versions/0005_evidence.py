"""evidence: what proves a self-assessed level

``assessment.evidence`` holds a URL or a file path given with ``assess --evidence`` (NULL
without: every row before).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assessment", sa.Column("evidence", sa.String(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 5")


def downgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.drop_column("evidence")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 4")
