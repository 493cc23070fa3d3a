"""Check-in answers and club counters: what a result offered (on the follow-up opt-in), the
answers members chose to keep, and per-server daily counts of finished checks (no member id).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OFFERED = ("contributor_ids", "tip_ids", "stretch_ids")


def upgrade() -> None:
    with op.batch_alter_table("followup") as batch:
        for name in OFFERED:  # older opt-ins offered nothing to pick from
            batch.add_column(sa.Column(name, sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("followup") as batch:
        for name in OFFERED:
            batch.alter_column(name, server_default=None)

    op.create_table(
        "followup_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("contributor_ids", sa.JSON(), nullable=False),
        sa.Column("tip_ids", sa.JSON(), nullable=False),
        sa.Column("stretch_ids", sa.JSON(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("answer_key", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_followup_answer"),
        sa.UniqueConstraint("answer_key", name="uq_followup_answer_answer_key"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_followup_answer_user_id", "followup_answer", ["user_id"])
    op.create_index("ix_followup_answer_answered_on", "followup_answer", ["answered_on"])

    op.create_table(
        "check_counter",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("ending", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "day", "ending", name="pk_check_counter"),
    )


def downgrade() -> None:
    op.drop_table("check_counter")
    op.drop_index("ix_followup_answer_answered_on", table_name="followup_answer")
    op.drop_index("ix_followup_answer_user_id", table_name="followup_answer")
    op.drop_table("followup_answer")
    with op.batch_alter_table("followup") as batch:
        for name in OFFERED:
            batch.drop_column(name)
