"""The one server-settings cache: bounded, one TTL, forgets on request, fails closed."""

from __future__ import annotations

from typing import Any

import pytest

from t2bot.storage import GuildSettings, StoreUnavailable
from t2discord.guild_settings import GuildSettingsCache


class FakeStore:
    def __init__(self) -> None:
        self.reads = 0
        self.failure: Exception | None = None
        self.values: dict[int, GuildSettings] = {}

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        self.reads += 1
        if self.failure is not None:
            raise self.failure
        return self.values.get(guild_id, GuildSettings(guild_id, None, 180, True))


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def cache(store: Any, **kwargs: Any) -> tuple[GuildSettingsCache, Clock]:
    clock = Clock()
    return GuildSettingsCache(store, "112", clock=clock, **kwargs), clock


async def test_values_and_ttl() -> None:
    store = FakeStore()
    store.values[1] = GuildSettings(1, "144", 180, False)
    settings, clock = cache(store, ttl=60)
    first = await settings.get(1)
    assert (first.emergency_number, first.allow_sharing) == ("144", False)
    await settings.get(1)
    assert store.reads == 1
    clock.now = 61
    await settings.get(1)
    assert store.reads == 2
    await settings.get(1, fresh=True)
    assert store.reads == 3
    settings.forget(1)
    await settings.get(1)
    assert store.reads == 4


async def test_default_number_when_the_server_has_none() -> None:
    settings, _ = cache(FakeStore())
    assert (await settings.get(5)).emergency_number == "112"
    outside = await settings.get(None)
    assert outside.emergency_number == "112" and not outside.allow_sharing


@pytest.mark.parametrize("failure", [StoreUnavailable("down"), TimeoutError(), KeyError("bug")])
async def test_a_read_failure_means_default_number_and_no_sharing(failure: Exception) -> None:
    store = FakeStore()
    store.values[1] = GuildSettings(1, "144", 180, True)
    settings, _ = cache(store)
    store.failure = failure
    choices = await settings.get(1)
    assert choices.emergency_number == "112" and choices.allow_sharing is False
    assert len(settings) == 0  # not remembered: the next read tries again
    store.failure = None
    assert (await settings.get(1)).allow_sharing is True


async def test_bounded() -> None:
    settings, _ = cache(FakeStore(), max_entries=3)
    for guild_id in range(10):
        await settings.get(guild_id)
    assert len(settings) == 3
