"""A tiny discord.py bot to check the fake itself (run with the loopback sitecustomize).

/ping answers privately with a button; tapping it updates the message; /slow defers and then
edits the deferred answer and sends a followup; /dm opens a DM and writes to the member.
"""

from __future__ import annotations

import logging
import os
import re
import signal

import discord
from discord import app_commands


class Counter(discord.ui.DynamicItem[discord.ui.Button], template=r"bare:count:(?P<n>\d+)"):
    def __init__(self, n: int) -> None:
        super().__init__(discord.ui.Button(label=f"Tapped {n}", custom_id=f"bare:count:{n}"))
        self.n = n

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]):  # type: ignore[override]
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(Counter(self.n + 1))
        await interaction.response.edit_message(content=f"count {self.n + 1}", view=view)


class BareBot(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.none() | discord.Intents(guilds=True))
        self.tree = app_commands.CommandTree(self)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(Counter)
        self.tree.add_command(ping)
        self.tree.add_command(slow)
        self.tree.add_command(dm)
        await self.tree.sync()
        loop = self.loop
        loop.add_signal_handler(signal.SIGTERM, lambda: loop.create_task(self.close()))


@app_commands.command(description="Answer with a button")
async def ping(interaction: discord.Interaction) -> None:
    view = discord.ui.View(timeout=None)
    view.add_item(Counter(0))
    await interaction.response.send_message("pong", view=view, ephemeral=True)


@app_commands.command(description="Defer, then edit and follow up")
async def slow(interaction: discord.Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    await interaction.edit_original_response(content="done slowly")
    await interaction.followup.send("and a followup", ephemeral=True)


@app_commands.command(description="Send me a DM")
async def dm(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("check your DMs", ephemeral=True)
    await interaction.user.send("hello in private")


def main() -> None:
    discord.utils.setup_logging(level=logging.INFO)
    BareBot().run(os.environ["DISCORD_TOKEN"], log_handler=None)


if __name__ == "__main__":
    main()
