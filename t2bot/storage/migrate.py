"""Alembic, configured in code: apply the migrations in ``migrations/`` to a database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from t2bot.storage.database import WRITE_OPTION

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: Key of the PostgreSQL advisory lock that serialises migrations of several starting processes.
ADVISORY_LOCK_KEY = 0x7432_6274  # "t2bt"
#: How long a starting process waits for another one's migration.
MIGRATION_LOCK_WAIT_MS = 60_000


def alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; safe when several processes start at once."""
    _run(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: sa.Engine, revision: str) -> None:
    _run(engine, lambda config: command.downgrade(config, revision))


def _run(engine: sa.Engine, action: Callable[[Config], None]) -> None:
    # SQLite: one write transaction (BEGIN IMMEDIATE) around the whole upgrade, waiting longer
    # than usual for the lock, so a second process starting at the same time simply waits.
    with engine.execution_options(**{WRITE_OPTION: True}).connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            # Wait for another process's migration longer than for an ordinary row lock.
            connection.exec_driver_sql(f"SET lock_timeout = {MIGRATION_LOCK_WAIT_MS}")
            connection.exec_driver_sql("SET statement_timeout = 0")
            connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
            connection.commit()
        try:
            with _patient_sqlite(connection):
                action(alembic_config(connection))
                connection.commit()
        finally:
            if postgres:
                connection.rollback()
                connection.execute(
                    sa.text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
                connection.exec_driver_sql("RESET lock_timeout")
                connection.exec_driver_sql("RESET statement_timeout")
                connection.commit()


@contextmanager
def _patient_sqlite(connection: sa.Connection) -> Iterator[None]:
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.dbapi_connection
    assert raw is not None
    (usual,) = raw.execute("PRAGMA busy_timeout").fetchone()
    raw.execute(f"PRAGMA busy_timeout = {MIGRATION_LOCK_WAIT_MS}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(usual)}")
