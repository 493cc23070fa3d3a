"""The bare discord.py 2.7.1 bot the benchmark compares T2 with: the least a bot can do.

One slash command (``/ping``) answers privately with a fixed message and a button; tapping the
button edits that message (its count goes up). Same intents, same ``--sync`` (publish the
commands and exit) before the start, same process model as ``bot.py``, nothing else.

With ``BARE_SCREEN=t2`` (``bench/run.py --bare-screen t2``) the message is as big as a T2 screen
instead: an embed (title, a paragraph, a list) and 7 more buttons of the same class (Back, Start
over, Cancel and four answers), still answered with no work at all. It measures what discord.py
itself spends on T2's bigger messages (parsing the tapped message, rebuilding its view,
sending the answer), apart from T2's own code.
"""

from __future__ import annotations

import os
import re
import signal
import sys
from typing import Any

import discord
from discord import app_commands

BIG = os.environ.get("BARE_SCREEN", "") == "t2"
EXTRA = ("Back", "Start over", "Cancel", "Answer one", "Answer two", "Answer three", "Answer 4")
TEXT = (
    "How long have you had this pain, and is it getting better, worse or staying the same? "
    "Pick the answer that fits best; you can go back at any time. "
) * 2
LINES = "\n".join(f"{i}. A warning sign written out in a few plain words" for i in range(1, 6))


class Tap(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"bare:tap:(?P<n>\d+)(?::(?P<k>\d))?"
):
    """The one button: its count is in its custom id, like T2's buttons carry their state."""

    def __init__(self, n: int, k: int | None = None) -> None:
        label = f"Tap ({n})" if k is None else EXTRA[k]
        custom_id = f"bare:tap:{n}" if k is None else f"bare:tap:{n}:{k}"
        super().__init__(discord.ui.Button(label=label, custom_id=custom_id))
        self.n = n

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Tap:
        return cls(int(match["n"]), int(match["k"]) if match["k"] else None)

    async def callback(self, interaction: discord.Interaction) -> None:
        content = f"Tapped {self.n + 1} times."
        await interaction.response.edit_message(
            content=None if BIG else content, embed=screen(content), view=buttons(self.n + 1)
        )


def screen(title: str) -> discord.Embed | None:
    if not BIG:
        return None
    embed = discord.Embed(title=title, description=TEXT)
    embed.add_field(name="Any of these? (tick all that apply)", value=LINES, inline=False)
    return embed


def buttons(n: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(Tap(n))
    if BIG:
        for k in range(len(EXTRA)):
            view.add_item(Tap(n, k))
    return view


@app_commands.command(description="Answer with a fixed message and a button")
async def ping(interaction: discord.Interaction) -> None:
    text = "Hello! Tap the button."
    if BIG:
        await interaction.response.send_message(embed=screen(text), view=buttons(0), ephemeral=True)
        return
    await interaction.response.send_message(text, view=buttons(0), ephemeral=True)


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
