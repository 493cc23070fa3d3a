"""Keep Discord ids and interaction tokens out of the log.

discord.py logs whole request URLs at WARNING when Discord rate-limits a call
(``We are being rate limited. POST …/channels/<dm channel>/messages responded with 429``), and
those URLs hold member and channel ids and interaction or webhook tokens. A filter on every
handler rewrites such records before anything is written.
"""

from __future__ import annotations

import logging
import re

#: Snowflakes (Discord ids) are 17-20 digits; anything of 15+ digits is treated as one.
_SNOWFLAKE = re.compile(r"(?<![\w])\d{15,21}(?![\w])")
#: Interaction and webhook tokens follow the id in these URL paths.
_TOKEN_PATHS = re.compile(r"/(interactions|webhooks)/(\d+|<id>)/[A-Za-z0-9_.\-]+")


#: ``extra`` key of a record that names public ids to keep (the bot's own application id in
#: its invite link): ``log.info(..., extra={PUBLIC_IDS: (str(app_id),)})``.
PUBLIC_IDS = "t2_public_ids"


def redact(text: str, keep: tuple[str, ...] = ()) -> str:
    """``text`` with Discord ids and interaction/webhook tokens replaced by placeholders
    (except the public ids in ``keep``)."""
    text = _TOKEN_PATHS.sub(lambda m: f"/{m[1]}/<id>/<token>", text)
    return _SNOWFLAKE.sub(lambda m: m[0] if m[0] in keep else "<id>", text)


class RedactDiscordIds(logging.Filter):
    """Rewrites each record's message (and exception text) with :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: keep it as it is rather than drop it
            return True
        cleaned = redact(message, tuple(getattr(record, PUBLIC_IDS, ())))
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Add the filter to every handler of ``logger`` (default: the root logger)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactDiscordIds) for f in handler.filters):
            handler.addFilter(RedactDiscordIds())
