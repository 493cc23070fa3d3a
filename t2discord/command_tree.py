"""The bot's command tree: one place that refuses bursts politely and answers every error."""

from __future__ import annotations

import logging
import time

import discord
from discord import app_commands

from t2discord.ui_kit import refuse

log = logging.getLogger(__name__)

#: Per member: this many commands in this many seconds, then a polite wait message.
BURST_RATE = 5
BURST_SECONDS = 10.0


class T2CommandTree(app_commands.CommandTree):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._cooldowns: dict[int, app_commands.Cooldown] = {}

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.type is not discord.InteractionType.application_command:
            return True  # autocomplete and buttons are not rate limited here
        retry_after = self._take_token(interaction.user.id)
        if retry_after:
            await refuse(
                interaction,
                f"Easy there! Please wait {retry_after:.0f} s before the next command.",
            )
            return False
        return True

    def _take_token(self, member_id: int) -> float | None:
        now = time.monotonic()
        if len(self._cooldowns) > 10_000:  # forget idle members so memory stays flat
            self._cooldowns = {k: v for k, v in self._cooldowns.items() if v.get_tokens(now) == 0}
        bucket = self._cooldowns.setdefault(
            member_id, app_commands.Cooldown(BURST_RATE, BURST_SECONDS)
        )
        retry = bucket.update_rate_limit(now)
        return max(retry, 1.0) if retry else None

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Answer the member whatever went wrong; log the cause without personal data."""
        if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
            log.warning(
                "a member used a command that differs from this version of the bot; "
                "publish the current commands with: uv run bot.py --sync"
            )
            text = (
                "This command changed in a recent update of the bot. Please try again in a "
                "few minutes; the server admin has been told in the logs."
            )
        elif isinstance(error, app_commands.CommandOnCooldown):
            text = f"Please wait {error.retry_after:.0f} s and try again."
        elif isinstance(error, app_commands.CheckFailure):
            text = "You can't use this command here."
        elif isinstance(error, app_commands.TransformerError):
            text = "I couldn't read one of the options. Please check it and try again."
        else:
            command = interaction.command.qualified_name if interaction.command else "?"
            original = getattr(error, "original", error)
            log.error(
                "command /%s failed: %s",
                command,
                type(original).__name__,
                exc_info=(type(original), original, original.__traceback__),
            )
            text = (
                "Sorry, something went wrong on my side. Nothing you saved was lost; "
                "please try again."
            )
        try:
            await refuse(interaction, text)
        except discord.HTTPException:
            log.warning("could not tell the member about an error (interaction expired)")
