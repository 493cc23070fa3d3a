"""Reminder leases (exactly-once delivery across processes) and indexes for due and expired rows.

A worker claims a due reminder by writing its name and a lease end; if it crashes, the lease
runs out and another worker can claim the reminder.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reminder") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("lease_until_utc", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_reminder_due", "reminder", ["enabled", "next_due_utc"])
    op.create_index("ix_saved_result_saved_utc", "saved_result", ["saved_utc"])


def downgrade() -> None:
    op.drop_index("ix_saved_result_saved_utc", table_name="saved_result")
    op.drop_index("ix_reminder_due", table_name="reminder")
    with op.batch_alter_table("reminder") as batch:
        batch.drop_column("lease_until_utc")
        batch.drop_column("claimed_by")
