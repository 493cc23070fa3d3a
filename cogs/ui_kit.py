"""Small helpers shared by the cogs: answering an interaction whatever its state."""

from __future__ import annotations

from typing import Any

import discord

#: Every custom_id this bot makes starts with one of these prefixes (see cogs/unknown_buttons.py).
PREFIX_FLOW = "t2"
PREFIX_STRETCH = "t2s"
PREFIX_DATA = "t2d"
KNOWN_PREFIXES = (PREFIX_FLOW, PREFIX_STRETCH, PREFIX_DATA)

COLOUR_INFO = discord.Colour.blurple()
COLOUR_BY_URGENCY = {
    None: discord.Colour.green(),
    "soon": discord.Colour.gold(),
    "same_day": discord.Colour.orange(),
    "emergency": discord.Colour.red(),
}


async def reply(interaction: discord.Interaction, *, ephemeral: bool = True, **kwargs: Any) -> None:
    """Send a message answering ``interaction``: the first response, or a followup after it."""
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=ephemeral, **kwargs)
    else:
        await interaction.response.send_message(ephemeral=ephemeral, **kwargs)


async def refuse(interaction: discord.Interaction, text: str) -> None:
    """A polite private refusal (never leave the member with "This interaction failed")."""
    await reply(interaction, content=text, ephemeral=True)


async def update(interaction: discord.Interaction, **kwargs: Any) -> None:
    """Replace the message the tapped button sits on (ephemeral messages included)."""
    if interaction.response.is_done():
        await interaction.edit_original_response(**kwargs)
    else:
        await interaction.response.edit_message(**kwargs)
