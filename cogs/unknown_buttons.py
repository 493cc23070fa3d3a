"""Answers taps on buttons the bot does not (or no longer) know, so none shows "interaction failed".

Every button the bot makes is a DynamicItem whose custom_id starts with a known prefix
(``t2discord.ui_kit.KNOWN_PREFIXES``); anything else lands here.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Coroutine
from typing import Any

import discord
from discord.ext import commands

from t2discord.ui_kit import KNOWN_PREFIXES, refuse

log = logging.getLogger(__name__)

#: Discord allows 3 s for the first answer; the watchdog answers just before that.
WATCHDOG_SECONDS = 2.5

_OTHERS = "(?!(?:" + "|".join(re.escape(p) for p in KNOWN_PREFIXES) + "):)"


class UnknownButton(discord.ui.DynamicItem[discord.ui.Button], template=_OTHERS + r"(?P<rest>.*)"):
    def __init__(self, rest: str = "") -> None:
        super().__init__(discord.ui.Button(label="?", custom_id=f"unknown:{rest}"[:100]))

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]):  # type: ignore[override]
        return cls(match["rest"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await refuse(
            interaction,
            "This button is no longer active. Use /backpain or /stretch to start again.",
        )


class UnansweredWatchdog(commands.Cog):
    """Last line of defence: a component tap that nothing answered in time gets a polite reply
    (discord.py drops taps whose id is not on the message, and such a tap would otherwise show
    "This interaction failed")."""

    def __init__(self, seconds: float = WATCHDOG_SECONDS) -> None:
        self.seconds = seconds
        self._tasks: set[asyncio.Task[None]] = set()

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component:
            return
        # A timer, not a sleeping task: nothing waits on it, and it costs nothing when answered.
        loop = asyncio.get_running_loop()
        loop.call_later(self.seconds, lambda: self._spawn(self._answer_if_unanswered(interaction)))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer_if_unanswered(self, interaction: discord.Interaction) -> None:
        if interaction.response.is_done():
            return
        log.warning("a button tap went unanswered; answering it with a generic message")
        try:
            await refuse(
                interaction,
                "That button is not active any more. Use /backpain or /stretch to start again.",
            )
        except discord.HTTPException:
            log.warning("the unanswered tap had already expired")


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(UnknownButton)
    await bot.add_cog(UnansweredWatchdog())
