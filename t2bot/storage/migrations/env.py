"""Alembic environment: always run on a connection handed over by t2bot.storage.migrate."""

from __future__ import annotations

from alembic import context

from t2bot.storage.models import METADATA

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations with: uv run python -m t2bot.storage upgrade")

context.configure(
    connection=connection,
    target_metadata=METADATA,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite rebuilds tables to alter them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
