"""A member's data across every table: export (/mydata export) and delete (/mydata delete)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, delete, select

from t2bot.storage.base import Database
from t2bot.storage.catalogue import member_summary
from t2bot.storage.database import checkpoint
from t2bot.storage.models import MEMBER_TABLES, table_of, utc_now

EXPORT_FORMAT = "t2bot-member-export/1"


class MemberData:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def export(self, user_id: int) -> dict[str, Any]:
        def work(session: Session) -> dict[str, Any]:
            tables = {
                table_of(model).name: [
                    _jsonable(row.model_dump())
                    for row in session.exec(
                        select(model).where(table_of(model).c.user_id == user_id)
                    )
                ]
                for model in MEMBER_TABLES
            }
            return {
                "format": EXPORT_FORMAT,
                "exported_utc": utc_now().isoformat(),
                "user_id": str(user_id),
                "about": member_summary(),
                "tables": tables,
            }

        return await self.db.read(work)

    async def delete(self, user_id: int) -> int:
        def work(session: Session) -> int:
            removed = 0
            for model in MEMBER_TABLES:
                query = delete(model).where(table_of(model).c.user_id == user_id)
                removed += session.exec(query).rowcount
            return removed

        removed = await self.db.write(work)
        # SQLite: the deleted rows are zeroed in the file (secure_delete); empty the WAL too, so
        # no older copy of those pages stays readable next to it.
        await self.db.run("write", checkpoint, self.db.engine)
        return removed


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """Datetimes as ISO 8601; Discord ids as strings (too large for JavaScript numbers)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, datetime):
            value = value.isoformat()
        elif key in {"user_id", "guild_id"} and value is not None:
            value = str(value)
        out[key] = value
    return out
