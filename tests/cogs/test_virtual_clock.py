"""The cog tests run on a virtual clock only: bot timers never fire on the wall clock, so no
test depends on how fast the machine is (tests/cogs/simcord_helpers.py, VirtualClockEnv)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.cogs.simcord_helpers import World, button_with, forged_tap, text_of
from tests.conftest import MINI_KNOWLEDGE


@pytest.fixture
def knowledge_source() -> Path:
    return MINI_KNOWLEDGE


@pytest.fixture
def watchdog() -> bool:
    return True


async def test_the_watchdog_answers_after_virtual_time_only(world: World) -> None:
    first = await world.alice.slash(world.channel, "backpain")
    custom_id = button_with(first.response, "None of these")["custom_id"]
    # An id that is not on the message: discord.py drops the tap, only the watchdog answers.
    result = await forged_tap(world.alice, first.response, custom_id[:-1] + "9")
    assert not result.acknowledged
    await asyncio.sleep(3)  # longer than the watchdog's 2.5 s, on the wall clock
    assert not result.acknowledged, "a bot timer fired on the wall clock"
    await world.env.advance_time(2.4)
    assert not result.acknowledged
    await world.env.advance_time(0.2)
    assert result.acknowledged and "not active" in text_of(result)
    assert not world.env.errors
