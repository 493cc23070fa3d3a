"""Storage fixtures: the same tests on a SQLite file, in-memory SQLite and a real PostgreSQL.

PostgreSQL comes from ``T2_TEST_POSTGRES_URL`` (``.ci/run`` starts a server and sets it). Without
it the PostgreSQL tests fail in CI (``CI`` set) and are skipped on a developer machine.
"""

from __future__ import annotations

import pytest

from t2bot.storage import Store
from tests.postgres import POSTGRES_ENV, reset_database
from tests.postgres import postgres_url as shared_postgres_url

__all__ = ["POSTGRES_ENV", "postgres_url"]


def postgres_url() -> str:
    """The test server's URL, with an empty schema; fails in CI, skips elsewhere, if unset."""
    url = shared_postgres_url()
    reset_database(url)
    return url


@pytest.fixture(params=["sqlite", "memory", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    if request.param == "memory":
        return "sqlite://"
    return postgres_url()


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_db_url(request, tmp_path) -> str:
    """A database that several stores (or processes) can open."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    return postgres_url()


@pytest.fixture
async def store(db_url):
    store = Store(db_url, retention_days=180)
    await store.start()
    try:
        yield store
    finally:
        await store.close()
