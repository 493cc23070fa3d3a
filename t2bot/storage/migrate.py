"""Alembic, configured in code: apply the migrations in ``migrations/`` to a database.

Alembic (and Mako with it, some 13 MiB) is imported only when a migration runs: a bot restarted
on a database that is already at the newest revision checks that with one SELECT
(``upgrade_if_needed``) and never loads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from t2bot.storage.database import WRITE_OPTION

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: Key of the PostgreSQL advisory lock that serialises migrations of several starting processes.
ADVISORY_LOCK_KEY = 0x7432_6274  # "t2bt"
#: How long a starting process waits for another one's migration.
MIGRATION_LOCK_WAIT_MS = 60_000


_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*=\s*(?:['\"]([^'\"]+)['\"]|None)", re.MULTILINE)


@cache
def newest_revision() -> str | None:
    """The head of the migration chain, read from the files in ``migrations/versions`` without
    Alembic; None if it is not one plain chain (then Alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN_REVISION.search(text)
        if revision is None or down is None:
            return None
        revisions.add(revision[1])
        if down[1] is not None:
            parents.add(down[1])
    heads = revisions - parents
    return next(iter(heads)) if len(heads) == 1 else None


def stamped_revision(engine: sa.Engine) -> str | None:
    """The revision recorded in the database (``alembic_version``), or None: none yet, several,
    or the table cannot be read."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    except sa.exc.DBAPIError:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def upgrade_if_needed(engine: sa.Engine) -> bool:
    """``upgrade`` to the newest revision unless the database is at it already (one SELECT,
    no Alembic import); returns whether a migration ran."""
    newest = newest_revision()
    if newest is not None and stamped_revision(engine) == newest:
        return False
    upgrade(engine)
    return True


def alembic_config(connection: sa.Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; safe when several processes start at once."""
    from alembic import command

    _run(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: sa.Engine, revision: str) -> None:
    from alembic import command

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
