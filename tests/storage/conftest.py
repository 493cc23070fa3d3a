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


# --- the bot in simcord (for /mydata and /t2admin) ----------------------------------------------


@pytest.fixture
def knowledge_dir(tmp_path):
    """A private copy of the real knowledge, so a test may break it."""
    import shutil

    from tests.conftest import REAL_KNOWLEDGE

    folder = tmp_path / "knowledge"
    shutil.copytree(REAL_KNOWLEDGE, folder)
    return folder


@pytest.fixture
def database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'bot.sqlite3'}"


@pytest.fixture
def simcord_bot(database_url, knowledge_dir):
    from bot import build_bot
    from t2bot.settings import Settings

    settings = Settings(
        database_url=database_url, knowledge_dir=knowledge_dir, emergency_number="112"
    )
    return build_bot(settings, sync_commands=True)


@pytest.fixture
async def world(simcord_env):
    """A server with two members; without the watchdog, so an unanswered tap fails the test."""
    await simcord_env.bot.remove_cog("UnansweredWatchdog")
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    bob = guild.add_member(simcord_env.create_user("bob"))
    return simcord_env, guild, channel, alice, bob
