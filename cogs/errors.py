"""Global error reporting for events and component callbacks (commands go through the tree)."""

from __future__ import annotations

import logging

from t2discord.client import T2Bot

log = logging.getLogger(__name__)


async def setup(bot: T2Bot) -> None:
    async def on_error(event: str, *args: object, **kwargs: object) -> None:
        log.exception("unhandled error in event %s", event)

    bot.on_error = on_error  # type: ignore[method-assign]
