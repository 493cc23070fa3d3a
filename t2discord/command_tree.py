"""The bot's command tree: one place that refuses bursts politely and answers every error."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands

from t2discord.ui_kit import refuse

log = logging.getLogger(__name__)

#: Per member: this many commands in this many seconds, then a polite wait message.
BURST_RATE = 5
BURST_SECONDS = 10.0
#: Per member: this many button taps in this many seconds (a routine or a check is tapped
#: through quickly, so more than commands; a whole triage check, up to 22 screens, fits).
TAP_BURST_RATE = 30
TAP_BURST_SECONDS = 10.0


class BurstLimiter:
    """Per member: ``rate`` uses in ``per`` seconds, then the seconds to wait."""

    def __init__(self, rate: int, per: float, *, clock: Callable[[], float] | None = None) -> None:
        self.rate, self.per = rate, per
        # Late bound: simulations replace time.monotonic.
        self.clock = clock or (lambda: time.monotonic())
        self._buckets: dict[int, app_commands.Cooldown] = {}

    def take(self, member_id: int) -> float | None:
        """Use one token; ``None`` if allowed, else how long to wait (at least 1 s)."""
        now = self.clock()
        if len(self._buckets) > 10_000:  # forget idle members so memory stays flat
            self._buckets = {k: v for k, v in self._buckets.items() if v.get_tokens(now) == 0}
        bucket = self._buckets.setdefault(member_id, app_commands.Cooldown(self.rate, self.per))
        retry = bucket.update_rate_limit(now)
        return max(retry, 1.0) if retry else None


class T2CommandTree(app_commands.CommandTree[Any]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.command_bursts = BurstLimiter(BURST_RATE, BURST_SECONDS)
        self.tap_bursts = BurstLimiter(TAP_BURST_RATE, TAP_BURST_SECONDS)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.type is not discord.InteractionType.application_command:
            return True  # autocomplete is not rate limited; buttons use ``tap_allowed``
        retry_after = self.command_bursts.take(interaction.user.id)
        if retry_after:
            await refuse(
                interaction,
                f"Easy there! Please wait {retry_after:.0f} s before the next command.",
            )
            return False
        return True

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


async def tap_allowed(interaction: discord.Interaction) -> bool:
    """The per-member burst limit for button taps (every button of the bot checks it first);
    a refused tap gets a polite private answer."""
    tree = getattr(interaction.client, "tree", None)
    if not isinstance(tree, T2CommandTree):
        return True
    retry_after = tree.tap_bursts.take(interaction.user.id)
    if retry_after:
        await refuse(
            interaction, f"Easy there! Please wait {retry_after:.0f} s before tapping again."
        )
        return False
    return True


async def owner_tap_allowed(
    interaction: discord.Interaction, owner_id: int | None, not_yours: str
) -> bool:
    """:func:`tap_allowed`, then: only ``owner_id`` (if the button has one) may tap it; anyone
    else gets ``not_yours`` privately."""
    if not await tap_allowed(interaction):
        return False
    if owner_id is not None and owner_id != interaction.user.id:
        await refuse(interaction, not_yours)
        return False
    return True
