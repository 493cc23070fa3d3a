"""On start, log the bot's invite link with exactly what it needs.

Scopes: ``bot`` (the bot must share a server with members to send them check-in and reminder
DMs) and ``applications.commands`` (the slash commands). Permissions: none. Everything the bot
shows in a server is an answer to an interaction (a command or a tap), which Discord delivers
through the interaction's own webhook and which needs no channel permission, attachments and
embeds included; everything else is a DM, which no server permission covers. So the link asks
for ``permissions=0``; a server admin grants nothing beyond the bot's presence.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from t2discord.client import T2Bot
from t2discord.log_privacy import PUBLIC_IDS

log = logging.getLogger("t2bot")

SCOPES = ("bot", "applications.commands")
PERMISSIONS = discord.Permissions.none()


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=SCOPES)


class Invite(commands.Cog):
    def __init__(self, bot: T2Bot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        app_id = self.bot.application_id
        if app_id is not None:  # known once logged in (setup_hook)
            log.info(
                "invite link (scopes: %s; no permissions needed): %s",
                ", ".join(SCOPES),
                invite_url(app_id),
                extra={PUBLIC_IDS: (str(app_id),)},  # the bot's own id is public, not a member's
            )


async def setup(bot: T2Bot) -> None:
    await bot.add_cog(Invite(bot))
