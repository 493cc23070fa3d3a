"""Follow-up opt-ins (a member's consent to one check-in DM at a given time, with what their
result offered) and the check-in answers members chose to keep."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from sqlmodel import Session, col, delete, select

from t2bot.storage import checks
from t2bot.storage.base import Database
from t2bot.storage.models import FollowUpAnswerRow, FollowUpRow, utc_now
from t2bot.storage.records import FollowUp, FollowUpAnswer
from t2bot.storage.retention import delete_past_retention

#: What a member can answer to "How is your back?".
OUTCOMES = ("better", "same", "worse")


class FollowUps:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def set(
        self,
        user_id: int,
        guild_id: int | None,
        due_utc: datetime,
        *,
        contributor_ids: Sequence[str] = (),
        tip_ids: Sequence[str] = (),
        stretch_ids: Sequence[str] = (),
    ) -> None:
        checks.check_aware(due_utc, "due_utc")
        offered = {
            "contributor_ids": checks.check_ids(list(contributor_ids), "contributor_ids"),
            "tip_ids": checks.check_ids(list(tip_ids), "tip_ids"),
            "stretch_ids": checks.check_ids(list(stretch_ids), "stretch_ids"),
        }

        def work(session: Session) -> None:
            session.exec(delete(FollowUpRow).where(col(FollowUpRow.user_id) == user_id))
            session.add(
                FollowUpRow(
                    user_id=user_id,
                    guild_id=guild_id,
                    due_utc=due_utc,
                    created_utc=utc_now(),
                    **offered,
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
    return FollowUp(
        row.user_id,
        row.guild_id,
        row.due_utc,
        row.created_utc,
        tuple(row.contributor_ids or ()),
        tuple(row.tip_ids or ()),
        tuple(row.stretch_ids or ()),
    )


class FollowUpAnswers:
    """Check-in answers kept with the member's consent, for the club's counts."""

    def __init__(self, db: Database, retention_days: int) -> None:
        self.db = db
        self.retention_days = retention_days

    async def keep(
        self,
        *,
        user_id: int,
        guild_id: int | None,
        outcome: str,
        contributor_ids: Sequence[str],
        tip_ids: Sequence[str],
        stretch_ids: Sequence[str],
        answer_key: str,
        today: date | None = None,
    ) -> FollowUpAnswer:
        """Keep one answer; the same ``answer_key`` again returns the answer kept first."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}")
        if not 1 <= len(answer_key) <= 80:
            raise ValueError("answer_key must be 1-80 characters")
        contributors = checks.check_ids(list(contributor_ids), "contributor_ids")
        tips = checks.check_ids(list(tip_ids), "tip_ids")
        stretches = checks.check_ids(list(stretch_ids), "stretch_ids")
        day = today or utc_now().date()

        def work(session: Session) -> FollowUpAnswer:
            found = session.exec(
                select(FollowUpAnswerRow).where(col(FollowUpAnswerRow.answer_key) == answer_key)
            ).first()
            if found is None:
                found = FollowUpAnswerRow(
                    user_id=user_id,
                    guild_id=guild_id,
                    outcome=outcome,
                    answered_on=day,
                    answer_key=answer_key,
                    contributor_ids=contributors,
                    tip_ids=tips,
                    stretch_ids=stretches,
                )
                session.add(found)
                session.flush()
            return answer(found)

        return await self.db.write(work, retry_conflict=True)

    async def of(self, user_id: int) -> list[FollowUpAnswer]:
        """The member's kept answers, newest first."""

        def work(session: Session) -> list[FollowUpAnswer]:
            query = (
                select(FollowUpAnswerRow)
                .where(col(FollowUpAnswerRow.user_id) == user_id)
                .order_by(col(FollowUpAnswerRow.answered_on).desc(), col(FollowUpAnswerRow.id))
            )
            return [answer(row) for row in session.exec(query)]

        return await self.db.read(work)

    async def purge_expired(
        self, now: datetime | None = None, also: Callable[[Session], object] | None = None
    ) -> int:
        """Delete answers older than their server's retention (the saved results' setting);
        ``also`` runs in the same transaction (the counters' purge)."""
        today = (now or utc_now()).date()
        default_days = self.retention_days

        def work(session: Session) -> int:
            removed = delete_past_retention(
                session,
                FollowUpAnswerRow,
                FollowUpAnswerRow.guild_id,
                FollowUpAnswerRow.answered_on,
                today,
                default_days,
            )
            if also is not None:
                also(session)
            return removed

        return await self.db.write(work)


def answer(row: FollowUpAnswerRow) -> FollowUpAnswer:
    assert row.id is not None
    return FollowUpAnswer(
        row.id,
        row.user_id,
        row.guild_id,
        row.outcome,
        tuple(row.contributor_ids),
        tuple(row.tip_ids),
        tuple(row.stretch_ids),
        row.answered_on,
    )
