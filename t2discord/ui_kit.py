"""Small helpers shared by the cogs: answering an interaction whatever its state, embeds."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from t2bot.triage.cards import Card

log = logging.getLogger(__name__)

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


Handler = Callable[[discord.Interaction], Awaitable[None]]


async def run_safely(interaction: discord.Interaction, handler: Handler, what: str) -> None:
    """Run a button handler; if it fails, log the cause (no personal data) and still answer."""
    try:
        await handler(interaction)
    except Exception:
        log.exception("button handler failed: %s", what)
        with contextlib.suppress(discord.HTTPException):
            await refuse(interaction, "Sorry, something went wrong on my side. Please try again.")


async def mark_done(interaction: discord.Interaction, label: str) -> None:
    """Disable the tapped button on its message and relabel it, so a second tap cannot repeat
    the action (the rest of the message stays as it was). Call after deferring the update
    (``interaction.response.defer()``) or answering with a followup."""
    if interaction.message is None or not isinstance(interaction.data, dict):
        return
    tapped = interaction.data.get("custom_id")
    view = discord.ui.View.from_message(interaction.message, timeout=None)
    for item in view.children:
        if isinstance(item, discord.ui.Button) and item.custom_id == tapped:
            item.disabled, item.label = True, label
    try:
        await interaction.edit_original_response(view=view)
    except discord.HTTPException:
        log.info("could not mark a button as done")


def embed_from_card(card: Card, colour: discord.Colour) -> discord.Embed:
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
