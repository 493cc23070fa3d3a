"""Check-in DMs a week after a back check, for members who asked for one.

The consent is one stored date (see ``Store.set_followup``); taking it uses it up, so a member
gets at most one DM per request, and several bot processes never send the same one twice.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands, tasks

from t2bot.storage import StoreUnavailable
from t2discord.client import T2Bot
from t2discord.ui_kit import COLOUR_INFO

log = logging.getLogger(__name__)

CHECK_EVERY_MINUTES = 5
CHECK_IN_TEXT = (
    "A week ago you ran a back check with me and asked me to check on you.\n\n"
    "If your back is clearly better: good, keep up the tips and stretches that helped.\n"
    "If it is not, book a physiotherapist or doctor. If new warning signs have appeared "
    "(numbness, weakness, fever, trouble peeing), get care now.\n\n"
    "Run /backpain in the club server for a fresh check."
)


class FollowUps(commands.Cog):
    def __init__(self, bot: T2Bot) -> None:
        self.bot = bot
        self.send_due.start()

    async def cog_unload(self) -> None:
        self.send_due.cancel()

    @tasks.loop(minutes=CHECK_EVERY_MINUTES)
    async def send_due(self) -> None:
        try:
            due = await self.bot.store.take_due_followups(discord.utils.utcnow())
        except StoreUnavailable:
            return  # the store logs the outage once; try again next round
        sent = 0
        for follow_up in due:
            if await self.send(follow_up.user_id):
                sent += 1
        if due:
            log.info("check-in DMs: %d due, %d sent", len(due), sent)

    @send_due.before_loop
    async def wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def send(self, user_id: int) -> bool:
        kb = self.bot.knowledge.current
        embed = discord.Embed(
            title="How is your back?", description=CHECK_IN_TEXT, colour=COLOUR_INFO
        )
        embed.add_field(
            name="See a professional", value=kb.meta.professional_reminder, inline=False
        )
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            await user.send(embed=embed)
        except discord.HTTPException:
            log.info("a check-in DM could not be delivered (DMs closed or member gone)")
            return False
        return True


async def setup(bot: T2Bot) -> None:
    await bot.add_cog(FollowUps(bot))
