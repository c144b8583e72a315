"""Transfer proposals: link to the signal they fund and an idempotency reference.

Revision ID: treasury_0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "treasury_0002"
down_revision = "0001"
branch_labels = ("treasury",)
depends_on = None


def upgrade() -> None:
    op.add_column("transfer_proposals", sa.Column("signal_id", sa.Integer(), nullable=True))
    op.add_column("transfer_proposals", sa.Column("reference", sa.String(100), nullable=True))
    op.create_index("ix_transfer_proposals_reference", "transfer_proposals", ["reference"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("ix_transfer_proposals_reference", "transfer_proposals")
    with op.batch_alter_table("transfer_proposals") as batch:
        batch.drop_column("reference")
        batch.drop_column("signal_id")
