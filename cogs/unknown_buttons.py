"""Answers taps on buttons the bot does not (or no longer) read, so none shows "interaction failed".

Every button the bot reads is a DynamicItem registered on the bot (``T2Bot.claims``). Two cases
are left, and both are answered here at once:

* an id on the message that no registered button class reads (an old layout, another bot's
  button, a prefix nobody handles): ``UnknownButton``, a catch-all that stays silent when
  another class claims the id, so no tap is answered twice;
* an id that is not on the message at all (a crafted tap): discord.py drops it without a
  word, so ``UnansweredWatchdog`` answers it as soon as it arrives.

For a tap some handler forgot to answer, the watchdog still answers just before Discord's
3 s deadline.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Coroutine
from typing import Any

import discord
from discord.ext import commands

from t2discord.client import T2Bot
from t2discord.ui_kit import refuse

log = logging.getLogger(__name__)

#: Discord allows 3 s for the first answer; the watchdog answers just before that.
WATCHDOG_SECONDS = 2.5
NOT_ACTIVE = "That button is not active any more. Use /backpain or /stretch to start again."


class UnknownButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=re.compile(r"(?P<rest>.*)", re.DOTALL),
):
    def __init__(self, rest: str = "") -> None:
        super().__init__(discord.ui.Button(label="?", custom_id=rest[:100] or "unknown"))

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> UnknownButton:
        return cls(match["rest"])

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # Silent when a registered button class reads this id: that one answers.
        return not claimed(interaction, custom_id_of(interaction))

    async def callback(self, interaction: discord.Interaction) -> None:
        await refuse(interaction, NOT_ACTIVE)


def custom_id_of(interaction: discord.Interaction) -> str:
    data = interaction.data
    return str(data.get("custom_id", "")) if isinstance(data, dict) else ""


def claimed(interaction: discord.Interaction, custom_id: str) -> bool:
    bot = interaction.client
    return isinstance(bot, T2Bot) and bot.claims(custom_id, besides=UnknownButton)


def on_message(message: discord.Message | None, custom_id: str) -> bool:
    """Whether the tapped message has a component with this custom_id (else discord.py drops
    the tap before any button class sees it)."""
    if message is None:
        return False
    view = discord.ui.View.from_message(message, timeout=None)
    return any(getattr(item, "custom_id", None) == custom_id for item in view.walk_children())


class UnansweredWatchdog(commands.Cog):
    """Last line of defence: a component tap nothing will answer gets a polite reply (at once
    for a crafted id, else just before Discord's deadline)."""

    def __init__(self, seconds: float = WATCHDOG_SECONDS) -> None:
        self.seconds = seconds
        self._tasks: set[asyncio.Task[None]] = set()

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component:
            return
        if not on_message(interaction.message, custom_id_of(interaction)):
            await self._answer_if_unanswered(interaction, crafted=True)
            return
        # A timer, not a sleeping task: nothing waits on it, and it costs nothing when answered.
        loop = asyncio.get_running_loop()
        loop.call_later(self.seconds, lambda: self._spawn(self._answer_if_unanswered(interaction)))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer_if_unanswered(
        self, interaction: discord.Interaction, *, crafted: bool = False
    ) -> None:
        if interaction.response.is_done():
            return
        if crafted:
            log.info("a tap named a button that is not on its message; answered at once")
        else:
            log.warning("a button tap went unanswered; answering it with a generic message")
        try:
            await refuse(interaction, NOT_ACTIVE)
        except discord.HTTPException:
            log.warning("the unanswered tap had already expired")


async def setup(bot: T2Bot) -> None:
    bot.add_dynamic_items(UnknownButton)
    await bot.add_cog(UnansweredWatchdog())
