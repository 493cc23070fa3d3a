"""Stretch reminders: one per member; each due one claimed by exactly one worker (a lease)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, delete, select

from t2bot.storage import checks
from t2bot.storage.base import Database
from t2bot.storage.models import ReminderRow, utc_now
from t2bot.storage.records import Reminder


class Reminders:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def set(
        self,
        *,
        user_id: int,
        guild_id: int | None,
        focus: str,
        minutes: int,
        local_time: str,
        days: list[int],
        timezone: str,
        next_due_utc: datetime,
    ) -> Reminder:
        checks.check_id(focus, "focus")
        if not 1 <= minutes <= 180:
            raise ValueError("minutes must be between 1 and 180")
        checks.check_local_time(local_time)
        clean_days = checks.check_weekdays(days)
        checks.check_timezone(timezone)
        checks.check_aware(next_due_utc, "next_due_utc")

        def work(session: Session) -> Reminder:
            session.exec(delete(ReminderRow).where(col(ReminderRow.user_id) == user_id))
            row = ReminderRow(
                user_id=user_id,
                guild_id=guild_id,
                focus=focus,
                minutes=minutes,
                local_time=local_time,
                days=clean_days,
                timezone=timezone,
                next_due_utc=next_due_utc,
                created_utc=utc_now(),
            )
            session.add(row)
            session.flush()
            return reminder(row)

        return await self.db.write(work, retry_conflict=True)

    async def of(self, user_id: int) -> list[Reminder]:
        def work(session: Session) -> list[Reminder]:
            query = select(ReminderRow).where(ReminderRow.user_id == user_id)
            return [reminder(row) for row in session.exec(query)]

        return await self.db.read(work)

    async def delete(self, user_id: int) -> int:
        def work(session: Session) -> int:
            query = delete(ReminderRow).where(col(ReminderRow.user_id) == user_id)
            return session.exec(query).rowcount

        return await self.db.write(work)

    async def claim_due(
        self, now_utc: datetime, *, worker: str, lease_seconds: int = 300, limit: int = 50
    ) -> list[Reminder]:
        checks.check_aware(now_utc, "now_utc")
        if not 0 < len(worker) <= 100:
            raise ValueError("worker must be 1 to 100 characters")
        lease_end = now_utc + timedelta(seconds=lease_seconds)

        def work(session: Session) -> list[Reminder]:
            query = (
                select(ReminderRow)
                .where(
                    col(ReminderRow.enabled).is_(True),
                    col(ReminderRow.next_due_utc) <= now_utc,
                    sa.or_(
                        col(ReminderRow.lease_until_utc).is_(None),
                        col(ReminderRow.lease_until_utc) <= now_utc,
                    ),
                )
                .order_by(col(ReminderRow.next_due_utc), col(ReminderRow.id))
                .limit(limit)
                # PostgreSQL: rows another worker is claiming right now are skipped, not waited
                # for. SQLite: ignored; BEGIN IMMEDIATE already lets one writer in at a time.
                .with_for_update(skip_locked=True)
            )
            rows = list(session.exec(query))
            for row in rows:
                row.claimed_by = worker
                row.lease_until_utc = lease_end
            session.flush()
            return [reminder(row) for row in rows]

        return await self.db.write(work)

    async def sent(self, reminder_id: int, next_due_utc: datetime) -> None:
        checks.check_aware(next_due_utc, "next_due_utc")
        values = {
            "next_due_utc": next_due_utc,
            "last_sent_utc": utc_now(),
            "claimed_by": None,
            "lease_until_utc": None,
            "sending_due_utc": None,
        }
        await self._update(reminder_id, values)

    async def sending(self, reminder_id: int, *, worker: str, now_utc: datetime) -> bool:
        checks.check_aware(now_utc, "now_utc")

        def work(session: Session) -> bool:
            query = (
                sa.update(ReminderRow)
                .where(
                    col(ReminderRow.id) == reminder_id,
                    col(ReminderRow.enabled).is_(True),
                    col(ReminderRow.claimed_by) == worker,
                    col(ReminderRow.lease_until_utc) > now_utc,
                    sa.or_(
                        col(ReminderRow.sending_due_utc).is_(None),
                        col(ReminderRow.sending_due_utc) != col(ReminderRow.next_due_utc),
                    ),
                )
                .values(sending_due_utc=ReminderRow.next_due_utc)
            )
            return bool(session.exec(query).rowcount == 1)

        return await self.db.write(work)

    async def failed(self, reminder_id: int, reason: str) -> None:
        values = {
            "enabled": False,
            "failure_reason": reason.strip()[:200] or "failed",
            "claimed_by": None,
            "lease_until_utc": None,
        }
        await self._update(reminder_id, values)

    async def _update(self, reminder_id: int, values: dict[str, Any]) -> None:
        def work(session: Session) -> None:
            session.exec(
                sa.update(ReminderRow).where(col(ReminderRow.id) == reminder_id).values(**values)
            )

        await self.db.write(work)


def reminder(row: ReminderRow) -> Reminder:
    assert row.id is not None
    return Reminder(
        row.id,
        row.user_id,
        row.guild_id,
        row.focus,
        row.minutes,
        row.local_time,
        tuple(row.days),
        row.timezone,
        row.next_due_utc,
        row.enabled,
        row.failure_reason,
        row.last_sent_utc,
        row.created_utc,
        row.claimed_by,
        row.lease_until_utc,
        row.sending_due_utc,
    )
