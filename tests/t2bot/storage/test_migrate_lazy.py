"""Alembic is loaded only when a migration runs: a restart on an up-to-date database checks the
revision with one SELECT and keeps Alembic (and Mako) out of the running bot's memory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from t2bot.storage import migrate

ROOT = Path(__file__).resolve().parents[3]

START_STORE = """
import asyncio, sys
from t2bot.storage import Store
async def main():
    store = Store(sys.argv[1], retention_days=180)
    await store.start()
    await store.close()
asyncio.run(main())
print("alembic" in sys.modules, "mako" in sys.modules)
"""


def _start_store(url: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", START_STORE, url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip()


def test_the_newest_revision_read_from_the_files_is_alembics_head() -> None:
    assert migrate.newest_revision() == migrate.head_revision()


def test_alembic_is_imported_for_a_migration_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    assert _start_store(url) == "True True", "a new database is migrated with Alembic"
    assert _start_store(url) == "False False", "an up-to-date one is not"


def test_an_older_or_unstamped_database_is_upgraded(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        assert migrate.stamped_revision(engine) is None  # no alembic_version table yet
        migrate.upgrade(engine, "0001")
        assert migrate.stamped_revision(engine) == "0001"
        assert migrate.upgrade_if_needed(engine) is True
        assert migrate.stamped_revision(engine) == migrate.head_revision()
        assert migrate.upgrade_if_needed(engine) is False
    finally:
        engine.dispose()
