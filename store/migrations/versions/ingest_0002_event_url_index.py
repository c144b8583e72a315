"""Events: an index on source_url so URL dedup is a lookup, not a scan (hash index on Postgres,
which has no length limit for long URLs).

Revision ID: ingest_0002
Revises: 0001
"""
from __future__ import annotations

from alembic import op

revision = "ingest_0002"
down_revision = "0001"
branch_labels = ("ingest",)
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_source_url", "events", ["source_url"],
                    postgresql_using="hash")


def downgrade() -> None:
    op.drop_index("ix_events_source_url", "events")
