"""Follow-up opt-ins: a member's consent to one check-in DM at a given time."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, delete, select

from t2bot.storage import checks
from t2bot.storage.base import Database
from t2bot.storage.models import FollowUpRow, utc_now
from t2bot.storage.records import FollowUp


class FollowUps:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def set(self, user_id: int, guild_id: int | None, due_utc: datetime) -> None:
        checks.check_aware(due_utc, "due_utc")

        def work(session: Session) -> None:
            session.exec(delete(FollowUpRow).where(col(FollowUpRow.user_id) == user_id))
            session.add(
                FollowUpRow(
                    user_id=user_id, guild_id=guild_id, due_utc=due_utc, created_utc=utc_now()
                )
            )

        await self.db.write(work, retry_conflict=True)

    async def clear(self, user_id: int) -> int:
        def work(session: Session) -> int:
            query = delete(FollowUpRow).where(col(FollowUpRow.user_id) == user_id)
            return session.exec(query).rowcount

        return await self.db.write(work)

    async def get(self, user_id: int) -> FollowUp | None:
        def work(session: Session) -> FollowUp | None:
            row = session.get(FollowUpRow, user_id)
            return None if row is None else followup(row)

        return await self.db.read(work)

    async def take_due(self, now_utc: datetime, limit: int = 50) -> list[FollowUp]:
        checks.check_aware(now_utc, "now_utc")

        def work(session: Session) -> list[FollowUp]:
            query = (
                select(FollowUpRow)
                .where(col(FollowUpRow.due_utc) <= now_utc)
                .order_by(col(FollowUpRow.due_utc))
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            rows = list(session.exec(query))
            taken = [followup(row) for row in rows]
            for row in rows:
                session.delete(row)
            return taken

        return await self.db.write(work)


def followup(row: FollowUpRow) -> FollowUp:
    return FollowUp(row.user_id, row.guild_id, row.due_utc, row.created_utc)
