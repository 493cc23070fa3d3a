"""Small helpers shared by the cogs: answering an interaction whatever its state, embeds."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from t2bot.render.card import Card, problems

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


class CardTooLong(ValueError):
    """A card that Discord would refuse; the knowledge check and the tests keep this from
    happening, so it is a bug, never cut to fit."""


def embed_from_card(card: Card, colour: discord.Colour | None = None) -> discord.Embed:
    """The one renderer of a ``t2bot.render.card.Card`` as an embed: title, text, one field per
    section, the closing reminder as the last field, small print in the footer. Nothing is cut:
    a card that does not fit raises ``CardTooLong``."""
    found = problems(card)
    if found:
        raise CardTooLong("; ".join(found))
    if colour is None:
        colour = COLOUR_BY_URGENCY[card.urgency and card.urgency.value]
    embed = discord.Embed(title=card.title, description=card.body or None, colour=colour)
    for name, value in card.fields:
        embed.add_field(name=name, value=value, inline=False)
    if card.note:
        embed.set_footer(text=card.note)
    if card.image_url:
        embed.set_image(url=card.image_url)
    if card.thumbnail_url:
        embed.set_thumbnail(url=card.thumbnail_url)
    return embed


def clip(text: str, limit: int) -> str:
    """Shorten what a member typed (never the bot's own words) for an echo."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
