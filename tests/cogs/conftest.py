"""The cog tests' fixtures: the real bot, with all its extensions, in simcord on a virtual clock.

A module picks its knowledge and whether the unanswered-tap watchdog runs by overriding::

    @pytest.fixture
    def knowledge_source() -> Path:
        return MINI_KNOWLEDGE  # default: the real knowledge/ folder

    @pytest.fixture
    def watchdog() -> bool:
        return True  # default: off, so a tap the bot forgot to answer fails the test
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from t2bot.settings import Settings
from t2discord.client import T2Bot, build_bot
from tests.cogs.simcord_helpers import SETTLE_TIMEOUT, VirtualClockEnv, World
from tests.conftest import REAL_KNOWLEDGE


@pytest.fixture
def knowledge_source() -> Path:
    """The knowledge folder the bot starts with (copied first, see ``knowledge_dir``)."""
    return REAL_KNOWLEDGE


@pytest.fixture
def watchdog() -> bool:
    """Whether the unanswered-tap watchdog (cogs/unknown_buttons.py) stays loaded."""
    return False


@pytest.fixture
def knowledge_dir(tmp_path: Path, knowledge_source: Path) -> Path:
    """A private copy of the knowledge, so a test may break it."""
    folder = tmp_path / "knowledge"
    shutil.copytree(knowledge_source, folder)
    return folder


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.sqlite3'}"


@pytest.fixture
def simcord_bot(database_url: str, knowledge_dir: Path) -> T2Bot:
    """The real bot: every extension it loads in production, nothing left out."""
    settings = Settings(
        database_url=database_url, knowledge_dir=knowledge_dir, emergency_number="112"
    )
    return build_bot(settings, sync_commands=True)


@pytest_asyncio.fixture
async def simcord_env(
    simcord_bot: T2Bot, request: pytest.FixtureRequest
) -> AsyncIterator[VirtualClockEnv]:
    """simcord's own fixture (simcord.pytest_plugin), on ``VirtualClockEnv``; the ``simcord``
    marker's options still apply."""
    marker = request.node.get_closest_marker("simcord")
    options: dict[str, Any] = {"settle_timeout": SETTLE_TIMEOUT}
    options |= marker.kwargs if marker else {}
    env = VirtualClockEnv(simcord_bot, **options)
    await env.start()
    try:
        yield env
    finally:
        await env.shutdown()
        if env.check_errors:
            env._raise_errors_since(env._errors_acknowledged)


@pytest.fixture
async def world(simcord_env: VirtualClockEnv, watchdog: bool) -> World:
    """A server with two members (see ``World``)."""
    bot = simcord_env.bot
    assert isinstance(bot, T2Bot)
    if not watchdog:
        assert await bot.remove_cog("UnansweredWatchdog") is not None
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    alice_user = simcord_env.create_user("alice")
    alice = guild.add_member(alice_user)
    bob = guild.add_member(simcord_env.create_user("bob"))
    return World(simcord_env, bot, guild, channel, alice, bob, alice_user, bot.knowledge.current)
