"""Fixtures for the cog tests: the real bot in simcord on a private copy of the knowledge."""

from __future__ import annotations

import pytest


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
