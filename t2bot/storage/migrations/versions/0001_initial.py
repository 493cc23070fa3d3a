"""Initial schema: saved results, server settings, reminders, follow-up opt-ins.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "saved_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("urgency", sa.String(length=32), nullable=True),
        sa.Column("contributor_ids", sa.JSON(), nullable=False),
        sa.Column("tip_ids", sa.JSON(), nullable=False),
        sa.Column("knowledge_version", sa.String(length=64), nullable=False),
        sa.Column("saved_utc", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_saved_result"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_saved_result_user_id", "saved_result", ["user_id"])

    op.create_table(
        "guild_settings",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("emergency_number", sa.String(length=100), nullable=True),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("allow_sharing", sa.Boolean(), nullable=False),
        sa.Column("updated_utc", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name="pk_guild_settings"),
    )

    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("focus", sa.String(length=32), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("local_time", sa.String(length=5), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("next_due_utc", UTC_TIME, nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("failure_reason", sa.String(length=200), nullable=True),
        sa.Column("last_sent_utc", UTC_TIME, nullable=True),
        sa.Column("created_utc", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reminder"),
        sa.UniqueConstraint("user_id", name="uq_reminder_user_id"),
        sqlite_autoincrement=True,
    )

    op.create_table(
        "followup",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("due_utc", UTC_TIME, nullable=False),
        sa.Column("created_utc", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_followup"),
    )
    op.create_index("ix_followup_due_utc", "followup", ["due_utc"])


def downgrade() -> None:
    op.drop_index("ix_followup_due_utc", table_name="followup")
    op.drop_table("followup")
    op.drop_table("reminder")
    op.drop_table("guild_settings")
    op.drop_index("ix_saved_result_user_id", table_name="saved_result")
    op.drop_table("saved_result")
