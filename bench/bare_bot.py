"""The bare discord.py 2.7.1 bot the benchmark compares T2 with: the least a bot can do.

One slash command (``/ping``) answers privately with a fixed message and a button; tapping the
button edits that message (its count goes up). Same intents, same ``--sync`` (publish the
commands and exit) before the start, same process model as ``bot.py``, nothing else.
"""

from __future__ import annotations

import os
import re
import signal
import sys
from typing import Any

import discord
from discord import app_commands


class Tap(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"bare:tap:(?P<n>\d+)"):
    """The one button: its count is in its custom id, like T2's buttons carry their state."""

    def __init__(self, n: int) -> None:
        super().__init__(discord.ui.Button(label=f"Tap ({n})", custom_id=f"bare:tap:{n}"))
        self.n = n

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Tap:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(Tap(self.n + 1))
        await interaction.response.edit_message(content=f"Tapped {self.n + 1} times.", view=view)


@app_commands.command(description="Answer with a fixed message and a button")
async def ping(interaction: discord.Interaction) -> None:
    view = discord.ui.View(timeout=None)
    view.add_item(Tap(0))
    await interaction.response.send_message("Hello! Tap the button.", view=view, ephemeral=True)


class BareBot(discord.Client):
    def __init__(self) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(intents=intents)
        self.tree = app_commands.CommandTree(self)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(Tap)
        self.tree.add_command(ping)
        if "--sync" in sys.argv:  # like ``bot.py --sync``: publish the commands and exit
            await self.tree.sync()
            await self.close()
            return
        loop = self.loop
        loop.add_signal_handler(signal.SIGTERM, lambda: loop.create_task(self.close()))


def main() -> None:
    BareBot().run(os.environ["DISCORD_TOKEN"], log_handler=None)


if __name__ == "__main__":
    main()
