"""The stretches extension: /stretch commands, every ``t2s:`` button, and the reminder DMs.

``commands.py``  the /stretch commands (cog ``Stretches``)
``buttons.py``   the one DynamicItem for ``t2s:`` ids and its table of tap handlers
``embeds.py``    how cards, lists and routines look (no I/O)
``reminders.py`` the reminder DM loop (cog ``StretchReminders``)
"""

from __future__ import annotations

from cogs.stretches.buttons import StretchButton
from cogs.stretches.commands import Stretches
from cogs.stretches.reminders import StretchReminders
from t2discord.client import T2Bot


async def setup(bot: T2Bot) -> None:
    bot.add_dynamic_items(StretchButton)
    await bot.add_cog(Stretches(bot))
    await bot.add_cog(StretchReminders(bot))
