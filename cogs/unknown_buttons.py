"""Answers taps on buttons the bot does not (or no longer) read, so none shows "interaction failed".

Every button the bot reads is a DynamicItem registered on the bot (``T2Bot.claims``). Two cases
are left, and ``UnansweredWatchdog`` answers both as soon as the tap arrives:

* an id on the message that no registered button class reads (an old layout, another bot's
  button, a prefix nobody handles): no class answers it, so the watchdog does (a claimed id is
  left to its class, so no tap is answered twice);
* an id that is not on the message at all (a crafted tap): discord.py drops it without a
  word.

For a tap some handler forgot to answer, the watchdog still answers just before Discord's
3 s deadline. (No catch-all button class: discord.py rebuilds the whole view of the message for
every class whose template matches a tap, so a catch-all doubled the work of every tap.)
"""

from __future__ import annotations

import asyncio
import logging
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


def custom_id_of(interaction: discord.Interaction) -> str:
    data = interaction.data
    return str(data.get("custom_id", "")) if isinstance(data, dict) else ""


def claimed(interaction: discord.Interaction, custom_id: str) -> bool:
    bot = interaction.client
    return isinstance(bot, T2Bot) and bot.claims(custom_id)


def on_message(message: discord.Message | None, custom_id: str) -> bool:
    """Whether the tapped message has a component with this custom_id (else discord.py drops
    the tap before any button class sees it). Walks the parsed components (rows, sections,
    containers) without building a view."""
    if message is None:
        return False
    pending: list[Any] = list(message.components)
    while pending:
        component = pending.pop()
        if getattr(component, "custom_id", None) == custom_id:
            return True
        pending.extend(getattr(component, "children", None) or ())
        pending.extend(getattr(component, "components", None) or ())
        accessory = getattr(component, "accessory", None)
        if accessory is not None:
            pending.append(accessory)
    return False


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
        custom_id = custom_id_of(interaction)
        if not on_message(interaction.message, custom_id):
            await self._answer_if_unanswered(interaction, crafted=True)
            return
        if not claimed(interaction, custom_id):  # no button class reads it
            await self._answer_if_unanswered(interaction, unclaimed=True)
            return
        # A timer, not a sleeping task: nothing waits on it, and it costs nothing when answered.
        loop = asyncio.get_running_loop()
        loop.call_later(self.seconds, self._check_answered, interaction)

    def _check_answered(self, interaction: discord.Interaction) -> None:
        """The timer: a task only for a tap still unanswered (not one per tap)."""
        if not interaction.response.is_done():
            self._spawn(self._answer_if_unanswered(interaction))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer_if_unanswered(
        self, interaction: discord.Interaction, *, crafted: bool = False, unclaimed: bool = False
    ) -> None:
        if interaction.response.is_done():
            return
        if crafted:
            log.info("a tap named a button that is not on its message; answered at once")
        elif not unclaimed:  # a class claimed it but did not answer in time
            log.warning("a button tap went unanswered; answering it with a generic message")
        try:
            await refuse(interaction, NOT_ACTIVE)
        except discord.HTTPException:
            log.warning("the unanswered tap had already expired")


async def setup(bot: T2Bot) -> None:
    await bot.add_cog(UnansweredWatchdog())
