"""The log filter that keeps Discord ids and interaction tokens out of every log line."""

from __future__ import annotations

import io
import logging

import pytest

from t2discord.log_privacy import RedactDiscordIds, install, redact

MEMBER = "123456789012345678"
TOKEN = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OlRoaXNJc0FUb2tlbg"


@pytest.mark.parametrize(
    ("line", "secrets"),
    [
        (f"GET https://discord.com/api/v10/users/{MEMBER} responded with 429.", [MEMBER]),
        (f"POST https://discord.com/api/v10/channels/{MEMBER}/messages responded", [MEMBER]),
        (
            f"POST https://discord.com/api/v10/interactions/{MEMBER}/{TOKEN}/callback",
            [MEMBER, TOKEN],
        ),
        (f"PATCH /webhooks/{MEMBER}/{TOKEN}/messages/@original", [MEMBER, TOKEN]),
    ],
)
def test_redact_removes_ids_and_tokens(line: str, secrets: list[str]) -> None:
    cleaned = redact(line)
    for secret in secrets:
        assert secret not in cleaned
    assert "<id>" in cleaned


def test_redact_keeps_ordinary_numbers() -> None:
    line = "synced 7 slash commands; retrying in 0.40 seconds (HTTP 429)"
    assert redact(line) == line


def test_the_filter_rewrites_discord_rate_limit_warnings() -> None:
    """The exact call discord.py makes (discord/http.py) on a 429, through a real handler."""
    stream = io.StringIO()
    logger = logging.getLogger("test_log_privacy.discord.http")
    logger.propagate = False
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        install(logger)
        install(logger)  # idempotent
        assert sum(isinstance(f, RedactDiscordIds) for f in handler.filters) == 1
        fmt = "We are being rate limited. %s %s responded with 429. Retrying in %.2f seconds."
        logger.warning(fmt, "GET", f"https://discord.com/api/v10/users/{MEMBER}", 0.4)
        try:
            raise RuntimeError(f"failed for /interactions/{MEMBER}/{TOKEN}/callback")
        except RuntimeError:
            logger.exception("request failed")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert "rate limited" in out and "Retrying in 0.40 seconds" in out
    assert MEMBER not in out and TOKEN not in out
    assert "RuntimeError" in out, "the traceback itself is kept"


def test_a_record_may_keep_the_public_ids_it_names() -> None:
    import logging

    from t2discord.log_privacy import PUBLIC_IDS, RedactDiscordIds

    record = logging.LogRecord("t", logging.INFO, "f", 1, "app %s member %s", None, None)
    record.args = ("123456789012345678", "223456789012345678")
    setattr(record, PUBLIC_IDS, ("123456789012345678",))
    RedactDiscordIds().filter(record)
    assert record.getMessage() == "app 123456789012345678 member <id>"
