"""The schema's identity, in one place (stdlib only: every command reads it).

``roadmap.models`` (the SQLModel declaration), the SQLite opener, restore and doctor all
take these from here; a test checks that the newest migration sets them.
"""

from __future__ import annotations

APPLICATION_ID = 0x524D4150  # "RMAP": PRAGMA application_id stamps the file as ours
SCHEMA_VERSION = 6  # PRAGMA user_version after the newest migration
HEAD_REVISION = "0006"  # the newest Alembic revision
SQLITE_MAGIC = b"SQLite format 3\x00"
