"""One cache of the servers' settings the cogs read on every screen.

The emergency number (every back-check screen) and whether members may share (every stretch
card) come from ``Store.guild_settings``; a short cache keeps that off the database for busy
servers, and ``/t2admin settings`` forgets a server's entry when it changes something.

If the settings cannot be read, the safe choices apply: the bot's default emergency number, no
sharing and no answers to @mentions (a server that turned either off must never see it switched
back on by an outage; DMs and "Ask T2 privately" still answer).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from t2bot.storage import Store, StoreUnavailable

log = logging.getLogger(__name__)

TTL_SECONDS = 60.0
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class ServerChoices:
    """What the cogs need from a server's settings."""

    emergency_number: str
    allow_sharing: bool
    ask_mentions: bool = False
    """Answer members who mention the bot in a channel (unknown settings: no, fail closed)."""
    ask_channel_id: int | None = None
    """The one channel for mentions; ``None``: every channel."""

    def answers_mentions_in(self, channel_id: int, parent_id: int | None = None) -> bool:
        """Whether a mention in this channel (or a thread of ``parent_id``) is answered."""
        if not self.ask_mentions:
            return False
        return self.ask_channel_id is None or self.ask_channel_id in (channel_id, parent_id)


class GuildSettingsCache:
    def __init__(
        self,
        store: Store,
        default_number: str,
        *,
        ttl: float = TTL_SECONDS,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.store = store
        self.default_number = default_number
        self.ttl, self.max_entries = ttl, max_entries
        # Late bound: simulations replace time.monotonic.
        self.clock = clock or (lambda: time.monotonic())
        self._entries: dict[int, tuple[float, ServerChoices]] = {}

    @property
    def fallback(self) -> ServerChoices:
        """The choices when a server's settings are unknown: default number, no sharing."""
        return ServerChoices(self.default_number, allow_sharing=False)

    async def get(
        self, guild_id: int | None, *, timeout: float | None = None, fresh: bool = False
    ) -> ServerChoices:
        """The server's choices (outside a server: the fallback). ``fresh`` reads the store
        even if a recent copy is cached; ``timeout`` bounds the wait for the store."""
        if guild_id is None:
            return self.fallback
        now = self.clock()
        cached = self._entries.get(guild_id)
        if not fresh and cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        try:
            if timeout is None:
                settings = await self.store.guild_settings(guild_id)
            else:
                settings = await asyncio.wait_for(self.store.guild_settings(guild_id), timeout)
        except (StoreUnavailable, TimeoutError):
            log.warning("server settings unavailable; using the default number and no sharing")
            return self.fallback
        except Exception:
            log.exception("reading server settings failed; using the default number and no sharing")
            return self.fallback
        choices = ServerChoices(
            settings.emergency_number or self.default_number,
            settings.allow_sharing is True,
            settings.ask_mentions is True,
            settings.ask_channel_id,
        )
        self._remember(guild_id, now, choices)
        return choices

    def _remember(self, guild_id: int, now: float, choices: ServerChoices) -> None:
        self._entries.pop(guild_id, None)
        while len(self._entries) >= self.max_entries:  # oldest first (insertion order)
            del self._entries[next(iter(self._entries))]
        self._entries[guild_id] = (now, choices)

    def forget(self, guild_id: int) -> None:
        """After a change of the server's settings: read them again next time."""
        self._entries.pop(guild_id, None)

    def __len__(self) -> int:
        return len(self._entries)
