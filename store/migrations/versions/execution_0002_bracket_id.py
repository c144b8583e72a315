"""Orders: the broker-side bracket (Upstox multi-leg GTT id) a leg belongs to.

Revision ID: execution_0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "execution_0002"
down_revision = "0001"
branch_labels = ("execution",)
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("bracket_id", sa.String(40), nullable=True))
    op.create_index("ix_orders_bracket_id", "orders", ["bracket_id"])


def downgrade() -> None:
    op.drop_index("ix_orders_bracket_id", "orders")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("bracket_id")
