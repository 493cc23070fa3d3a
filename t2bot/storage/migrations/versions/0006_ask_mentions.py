"""Server settings for asking in own words: whether mentions are answered, and where.

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
    with op.batch_alter_table("guild_settings") as batch:
        batch.add_column(
            sa.Column("ask_mentions", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("ask_channel_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("guild_settings") as batch:
        batch.drop_column("ask_channel_id")
        batch.drop_column("ask_mentions")
