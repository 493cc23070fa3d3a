"""Settings, read once from the environment (and ``.env``) into a typed object that fails fast."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_EMERGENCY_NUMBER = "112 (Europe), 911 (US/Canada) or 999 (UK)"
MAX_EMERGENCY_NUMBER = 100
EMERGENCY_NUMBER_RULE = (
    "digits, spaces and + - ( ) / , with words only in brackets or as 'or'/'and' between "
    f"numbers, for example '{DEFAULT_EMERGENCY_NUMBER}'; at most {MAX_EMERGENCY_NUMBER} characters"
)
#: Words that may stand between numbers outside brackets ("112 or 999", "112 oder 110").
_JOINING_WORDS = frozenset(
    {"or", "and", "oder", "und", "ou", "et", "o", "y", "e", "of", "en", "eller", "og", "lub"}
)
_PUNCTUATION = frozenset("+-/,")
#: Letters that show as nothing (category Lo, so not caught as format characters).
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")


@lru_cache(maxsize=256)  # pure; every card of every screen checks the number it shows
def check_emergency_number(text: str) -> str:
    """The emergency number as it will be shown, or ``ValueError`` saying why it cannot be used.

    One rule for ``EMERGENCY_NUMBER`` and ``/t2admin settings``: it is shown in every urgent
    answer, so only phone-like text (no Markdown, links, invisible or direction characters)."""
    number = text.strip(" ")
    if not number:
        raise ValueError("the emergency number is empty")
    if len(number) > MAX_EMERGENCY_NUMBER:
        raise ValueError(f"the emergency number is longer than {MAX_EMERGENCY_NUMBER} characters")
    depth = 0
    for word in _words(number):
        if word == "(":
            depth += 1
            if depth > 1:
                raise ValueError("brackets in the emergency number cannot be nested")
        elif word == ")":
            depth -= 1
            if depth < 0:
                raise ValueError("the emergency number has a ')' without '('")
        elif word.isalpha() and depth == 0 and word.casefold() not in _JOINING_WORDS:
            raise ValueError(
                f"put words such as '{word}' in brackets after the number, like '112 (Europe)'"
            )
    if depth:
        raise ValueError("the emergency number has a '(' without ')'")
    if not any("0" <= ch <= "9" for ch in number):
        raise ValueError("the emergency number needs at least one digit")
    return number


def _words(number: str) -> list[str]:
    """Split into runs of letters, runs of digits and single other characters, refusing any
    character that is not allowed."""
    words: list[str] = []
    for ch in number:
        kind = _kind(ch)
        if kind in ("letter", "digit") and words and _kind(words[-1][-1]) == kind:
            words[-1] += ch
        else:
            words.append(ch)
    return words


def _kind(ch: str) -> str:
    if "0" <= ch <= "9":
        return "digit"
    if ch == " " or ch in _PUNCTUATION or ch in "()":
        return "other"
    category = unicodedata.category(ch)
    if category in ("Lu", "Ll", "Lt") and unicodedata.bidirectional(ch) == "L":
        return "letter"
    name = unicodedata.name(ch, "")
    code = f"U+{ord(ch):04X}{' ' + name if name else ''}"
    if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs") or ch in _FILLERS:
        raise ValueError(
            f"the emergency number contains an invisible, control or direction character "
            f"({code}); type it again with plain spaces"
        )
    raise ValueError(f"the emergency number may not contain {code}")


DEFAULT_DATABASE_URL = "sqlite:///data/t2bot.sqlite3"
MAX_SHARDS = 4096


def _shards(env: dict[str, str]) -> tuple[int | None, tuple[int, ...] | None]:
    """``SHARD_COUNT`` (shards of the whole bot) and ``SHARD_IDS`` (the ones this process runs,
    e.g. ``0,1``; default: all of them)."""
    count_text = env.get("SHARD_COUNT", "").strip()
    ids_text = env.get("SHARD_IDS", "").strip()
    if not count_text:
        if ids_text:
            raise SettingsError("SHARD_IDS needs SHARD_COUNT (the number of shards in total).")
        return None, None
    try:
        count = int(count_text)
    except ValueError:
        raise SettingsError("SHARD_COUNT must be a whole number, for example 2.") from None
    if not 1 <= count <= MAX_SHARDS:
        raise SettingsError(f"SHARD_COUNT must be between 1 and {MAX_SHARDS}.")
    if not ids_text:
        return count, None
    try:
        ids = tuple(int(part) for part in ids_text.split(","))
    except ValueError:
        raise SettingsError(
            "SHARD_IDS must be shard numbers separated by commas, like 0,1."
        ) from None
    if any(not 0 <= i < count for i in ids):
        raise SettingsError(f"SHARD_IDS must be between 0 and SHARD_COUNT - 1 ({count - 1}).")
    if len(set(ids)) != len(ids):
        raise SettingsError("SHARD_IDS lists a shard twice.")
    return count, ids


class SettingsError(Exception):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    discord_token: str | None = field(default=None, repr=False)
    database_url: str = field(default=DEFAULT_DATABASE_URL, repr=False)  # may hold a password
    emergency_number: str = DEFAULT_EMERGENCY_NUMBER
    knowledge_dir: Path = Path("knowledge")
    dev_guild_id: int | None = None
    retention_days: int = 180
    log_level: str = "INFO"
    #: Sharding (see docs/scaling.md): None = one process, not sharded.
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        token = env.get("DISCORD_TOKEN", "").strip() or None
        try:
            dev_guild = int(env["DEV_GUILD_ID"]) if env.get("DEV_GUILD_ID", "").strip() else None
        except ValueError:
            raise SettingsError("DEV_GUILD_ID must be a server id (a number).") from None
        try:
            retention = int(env.get("RETENTION_DAYS", "180"))
        except ValueError:
            raise SettingsError("RETENTION_DAYS must be a whole number of days.") from None
        if retention < 1:
            raise SettingsError("RETENTION_DAYS must be at least 1.")
        number = env.get("EMERGENCY_NUMBER", "").strip() or DEFAULT_EMERGENCY_NUMBER
        try:
            number = check_emergency_number(number)
        except ValueError as exc:
            raise SettingsError(
                f"EMERGENCY_NUMBER cannot be used: {exc}. Allowed: {EMERGENCY_NUMBER_RULE}."
            ) from None
        level = env.get("LOG_LEVEL", "INFO").strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError("LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR.")
        shard_count, shard_ids = _shards(env)
        return cls(
            discord_token=token,
            database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            emergency_number=number,
            knowledge_dir=Path(env.get("KNOWLEDGE_DIR", "").strip() or "knowledge"),
            dev_guild_id=dev_guild,
            retention_days=retention,
            log_level=level,
            shard_count=shard_count,
            shard_ids=shard_ids,
        )

    def require_token(self) -> str:
        if not self.discord_token:
            raise SettingsError(
                "No Discord bot token. Create an application at "
                "https://discord.com/developers/applications, add a bot, copy its token and put "
                "DISCORD_TOKEN=... in a .env file next to bot.py (see .env.example).\n"
                "To try the flows without Discord, run: uv run bot.py --console"
            )
        return self.discord_token
