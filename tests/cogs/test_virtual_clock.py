"""The cog tests run on a virtual clock only: bot timers never fire on the wall clock, so no
test depends on how fast the machine is (tests/cogs/simcord_helpers.py, VirtualClockEnv)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.cogs.simcord_helpers import World, tap, text_of
from tests.conftest import MINI_KNOWLEDGE


@pytest.fixture
def knowledge_source() -> Path:
    return MINI_KNOWLEDGE


@pytest.fixture
def watchdog() -> bool:
    return True


async def test_the_watchdog_answers_after_virtual_time_only(world: World, monkeypatch) -> None:
    first = await world.alice.slash(world.channel, "backpain")
    triage = world.bot.get_cog("Triage")

    async def forgets_to_answer(interaction, fid) -> None:
        return None

    # A handler that forgets to answer: only the watchdog's 2.5 s timer answers the tap (ids
    # that are not on the message are answered at once, see test_buttons.py).
    monkeypatch.setattr(triage, "on_tap", forgets_to_answer)
    result = await tap(world.alice, first.response, "None of these")
    assert not result.acknowledged
    await asyncio.sleep(3)  # longer than the watchdog's 2.5 s, on the wall clock
    assert not result.acknowledged, "a bot timer fired on the wall clock"
    await world.env.advance_time(2.4)
    assert not result.acknowledged
    await world.env.advance_time(0.2)
    assert result.acknowledged and "not active" in text_of(result)
    assert not world.env.errors
