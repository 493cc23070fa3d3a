"""Settings, read once from the environment (and ``.env``) into a typed object that fails fast."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_EMERGENCY_NUMBER = "112 (Europe), 911 (US/Canada) or 999 (UK)"
DEFAULT_DATABASE_URL = "sqlite:///data/t2bot.sqlite3"


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
        level = env.get("LOG_LEVEL", "INFO").strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError("LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR.")
        return cls(
            discord_token=token,
            database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            emergency_number=env.get("EMERGENCY_NUMBER", "").strip() or DEFAULT_EMERGENCY_NUMBER,
            knowledge_dir=Path(env.get("KNOWLEDGE_DIR", "").strip() or "knowledge"),
            dev_guild_id=dev_guild,
            retention_days=retention,
            log_level=level,
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
