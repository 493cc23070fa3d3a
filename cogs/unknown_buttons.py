"""Answers taps on buttons this bot does not (or no longer) knows, so none shows "interaction failed".

Every button the bot makes is a DynamicItem whose custom_id starts with a known prefix
(``cogs.ui_kit.KNOWN_PREFIXES``); anything else lands here.
"""

from __future__ import annotations

import re

import discord
from discord.ext import commands

from cogs.ui_kit import KNOWN_PREFIXES, refuse

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


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(UnknownButton)
