"""positions: the order of prerequisites and target requirements, as written in the file

SQLite kept it implicitly (rowid); PostgreSQL has no rowid, so the order the skills file
gives is stored in a column on both. Existing rows keep the order they had.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("prerequisite", "target_requirement")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        op.add_column(
            table, sa.Column("position", sa.Integer(), nullable=False, server_default="0")
        )
        # The order rows were written in: rowid on SQLite, the physical order elsewhere.
        order = "rowid" if sqlite else "ctid"
        op.execute(
            f"UPDATE {table} SET position = ranked.n FROM "
            f"(SELECT {order} AS r, ROW_NUMBER() OVER (ORDER BY {order}) AS n FROM {table}) "
            f"AS ranked WHERE ranked.r = {table}.{order}"
        )
    if sqlite:
        op.execute("PRAGMA user_version = 3")


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("position")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 2")
