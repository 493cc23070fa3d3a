"""Small helpers shared by the cogs: answering an interaction whatever its state."""

from __future__ import annotations

import contextlib
import logging
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


async def run_safely(interaction: discord.Interaction, handler: Any, what: str) -> None:
    """Run a button handler; if it fails, log the cause (no personal data) and still answer."""
    try:
        await handler(interaction)
    except Exception:
        logging.getLogger(__name__).exception("button handler failed: %s", what)
        with contextlib.suppress(discord.HTTPException):
            await refuse(interaction, "Sorry, something went wrong on my side. Please try again.")


def embed_from_card(card: Any, colour: discord.Colour) -> discord.Embed:
    """Lay out a ``t2bot.triage.cards.Card`` as an embed, inside Discord's limits.

    The professional reminder is the last field and is never dropped: its room is kept first,
    and sections that do not fit are shortened or left out instead.
    """
    embed = discord.Embed(
        title=clip(card.title, 256), description=clip(card.body, 4000), colour=colour
    )
    budget = EMBED_TOTAL - len(embed.title or "") - len(embed.description or "")
    reminder = ("See a professional", clip(card.footer, FIELD_VALUE)) if card.footer else None
    if reminder:
        budget -= len(reminder[0]) + len(reminder[1])
    room_for_sections = MAX_FIELDS - (1 if reminder else 0)
    for section in card.sections[:room_for_sections]:
        name = clip(section.heading, 256)
        room = min(FIELD_VALUE, budget - len(name))
        if room < 40:
            break
        value = clip("\n".join(section.lines), room)
        embed.add_field(name=name, value=value, inline=False)
        budget -= len(name) + len(value)
    if reminder:
        embed.add_field(name=reminder[0], value=reminder[1], inline=False)
    return embed


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


EMBED_TOTAL = 6000
FIELD_VALUE = 1024
MAX_FIELDS = 25
