"""Settings, read once from the environment (and ``.env``) into a typed object that fails fast."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_EMERGENCY_NUMBER = "112 (Europe), 911 (US/Canada) or 999 (UK)"
MAX_EMERGENCY_NUMBER = 100
#: Digits in one phone number: emergency short codes have 2 or more, E.164 numbers at most 15.
PHONE_DIGITS = (2, 15)
EMERGENCY_NUMBER_RULE = (
    "digits, spaces and + - ( ) / , with words only in brackets or as 'or'/'and' between "
    f"numbers, {PHONE_DIGITS[0]} to {PHONE_DIGITS[1]} digits in each number and '+' only at "
    f"its start, for example '{DEFAULT_EMERGENCY_NUMBER}'; at most {MAX_EMERGENCY_NUMBER} "
    "characters"
)
#: One phone number: digits, optionally grouped by single spaces or hyphens ("0800 555-123").
_ONE_NUMBER = re.compile(r"\d+(?:[ -]\d+)*")
#: Limits of the settings checked at start (README table and .env.example say the same).
RETENTION_DAYS_RANGE = (1, 3650)
#: Discord ids (snowflakes) are positive 64-bit numbers.
_SNOWFLAKE = re.compile(r"[1-9][0-9]{0,19}")
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
    _check_phone_shape(number)
    return number


def _check_phone_shape(number: str) -> None:
    """Each number has a plausible count of digits; '+' only starts a number."""
    for found in _ONE_NUMBER.finditer(number):
        digits = sum(ch.isdigit() for ch in found.group())
        low, high = PHONE_DIGITS
        if not low <= digits <= high:
            raise ValueError(
                f"'{found.group()}' in the emergency number has {digits} digit(s); a phone "
                f"number has {low} to {high}"
            )
    for at, ch in enumerate(number):
        if ch == "+" and not (
            at + 1 < len(number)
            and number[at + 1].isdigit()
            and (at == 0 or not number[at - 1].isdigit())
        ):
            raise ValueError("the emergency number has a '+' that does not start a number")


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
        """Read and check every setting; ``SettingsError`` names the first bad one and the fix."""
        env = dict(os.environ if env is None else env)
        shard_count, shard_ids = _shards(env)
        return cls(
            discord_token=_token(env),
            database_url=_database_url(env),
            emergency_number=_emergency_number(env),
            knowledge_dir=_knowledge_dir(env),
            dev_guild_id=_dev_guild_id(env),
            retention_days=_retention_days(env),
            log_level=_log_level(env),
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


# One reader per setting: each returns the checked value or raises a one-line SettingsError.


def _token(env: dict[str, str]) -> str | None:
    token = env.get("DISCORD_TOKEN", "").strip() or None
    if token is not None and (any(ch.isspace() or not ch.isprintable() for ch in token)):
        # Never repeat the token: it is a password.
        raise SettingsError(
            "DISCORD_TOKEN contains spaces or invisible characters: copy the token again from "
            "the developer portal (Bot > Reset Token), without quotes or 'Bot ' in front."
        )
    return token


def _database_url(env: dict[str, str]) -> str:
    url = env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    if not url.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:", "postgres:")):
        raise SettingsError(
            "DATABASE_URL must start with sqlite:/// (a file, the default "
            f"{DEFAULT_DATABASE_URL}) or postgresql:// (user:password@host:5432/dbname)."
        )
    return url


def _emergency_number(env: dict[str, str]) -> str:
    number = env.get("EMERGENCY_NUMBER", "").strip() or DEFAULT_EMERGENCY_NUMBER
    try:
        return check_emergency_number(number)
    except ValueError as exc:
        raise SettingsError(
            f"EMERGENCY_NUMBER cannot be used: {exc}. Allowed: {EMERGENCY_NUMBER_RULE}."
        ) from None


def _knowledge_dir(env: dict[str, str]) -> Path:
    return Path(env.get("KNOWLEDGE_DIR", "").strip() or "knowledge")


def _dev_guild_id(env: dict[str, str]) -> int | None:
    raw = env.get("DEV_GUILD_ID", "").strip()
    if not raw:
        return None
    if not _SNOWFLAKE.fullmatch(raw) or int(raw) >= 2**64:
        raise SettingsError(
            "DEV_GUILD_ID must be a server id (a number: right-click the server > Copy Server ID, "
            "with Developer Mode on), or empty."
        )
    return int(raw)


def _retention_days(env: dict[str, str]) -> int:
    low, high = RETENTION_DAYS_RANGE
    raw = env.get("RETENTION_DAYS", "").strip() or "180"
    try:
        days = int(raw)
    except ValueError:
        raise SettingsError(
            f"RETENTION_DAYS must be a whole number of days from {low} to {high}."
        ) from None
    if not low <= days <= high:
        raise SettingsError(f"RETENTION_DAYS must be from {low} to {high} days (got {days}).")
    return days


def _log_level(env: dict[str, str]) -> str:
    level = env.get("LOG_LEVEL", "").strip().upper() or "INFO"
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise SettingsError("LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR.")
    return level
