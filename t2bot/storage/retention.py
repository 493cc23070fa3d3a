"""Per-server retention: the one rule for deleting what members kept once it is too old.

Each server may set its own number of days (``guild_settings.retention_days``); rows of servers
without one, and rows kept in DMs (no server), use the bot's ``RETENTION_DAYS``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, delete, select

from t2bot.storage.models import GuildSettingsRow


def delete_past_retention(
    session: Session,
    row: type[Any],
    guild_id: Any,
    kept_on: Any,
    now: date,
    default_days: int,
) -> int:
    """Delete the rows of table ``row`` whose ``kept_on`` column is older than their server's
    retention at ``now`` (a date or a datetime, like the column); the number deleted."""
    custom = {
        server: days
        for server, days in session.exec(
            select(GuildSettingsRow.guild_id, GuildSettingsRow.retention_days)
        ).all()
        if days is not None
    }
    removed = 0
    for server, days in custom.items():
        removed += session.exec(
            delete(row).where(col(guild_id) == server, col(kept_on) < now - timedelta(days=days))
        ).rowcount
    default_scope = sa.or_(col(guild_id).is_(None), col(guild_id).not_in(list(custom)))
    removed += session.exec(
        delete(row).where(default_scope, col(kept_on) < now - timedelta(days=default_days))
    ).rowcount
    return int(removed)
