"""Server settings: emergency number, retention, sharing (no member data)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from t2bot.storage import checks
from t2bot.storage.base import Database
from t2bot.storage.models import GuildSettingsRow, utc_now
from t2bot.storage.records import GuildSettings

#: Members may post stretch cards and routines in the channel unless an admin turns it off.
DEFAULT_ALLOW_SHARING = True


class GuildSettingsStore:
    def __init__(self, db: Database, retention_days: int) -> None:
        self.db = db
        self.retention_days = retention_days

    async def get(self, guild_id: int) -> GuildSettings:
        def work(session: Session) -> GuildSettings:
            return self._settings(guild_id, session.get(GuildSettingsRow, guild_id))

        return await self.db.read(work)

    async def update(self, guild_id: int, **changes: Any) -> GuildSettings:
        values = checks.check_guild_changes(changes)

        def work(session: Session) -> GuildSettings:
            row = session.get(GuildSettingsRow, guild_id)
            if row is None:
                row = GuildSettingsRow(guild_id=guild_id, updated_utc=utc_now())
                session.add(row)
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_utc = utc_now()
            session.flush()
            return self._settings(guild_id, row)

        return await self.db.write(work, retry_conflict=True)

    def _settings(self, guild_id: int, row: GuildSettingsRow | None) -> GuildSettings:
        if row is None:
            return GuildSettings(guild_id, None, self.retention_days, DEFAULT_ALLOW_SHARING)
        return GuildSettings(
            guild_id,
            row.emergency_number,
            row.retention_days or self.retention_days,
            row.allow_sharing,
            row.ask_mentions,
            row.ask_channel_id,
        )
