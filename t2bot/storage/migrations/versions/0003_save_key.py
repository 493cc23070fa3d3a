"""Idempotent saves: a key per saved result, unique per member (a double tap saves once).

Older rows keep no key (NULL), which the unique index allows any number of times.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("saved_result") as batch:
        batch.add_column(sa.Column("save_key", sa.String(length=80), nullable=True))
    op.create_index(
        "uq_saved_result_user_save_key", "saved_result", ["user_id", "save_key"], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_saved_result_user_save_key", table_name="saved_result")
    with op.batch_alter_table("saved_result") as batch:
        batch.drop_column("save_key")
