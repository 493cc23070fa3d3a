"""Saved results: what a member kept with "Save to my history" (ids only), and their retention."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime

from sqlmodel import Session, col, delete, select

from t2bot.storage import checks
from t2bot.storage.base import Database
from t2bot.storage.database import checkpoint
from t2bot.storage.models import SavedResultRow, utc_now
from t2bot.storage.records import SavedResult
from t2bot.storage.retention import delete_past_retention

log = logging.getLogger("t2bot.storage")
MAX_SAVED_PER_MEMBER = 100


def save_key(
    *,
    idempotency_key: str | None,
    guild_id: int | None,
    urgency: str | None,
    contributor_ids: list[str],
    tip_ids: list[str],
    knowledge_version: str,
    day: str,
) -> str:
    """What makes two saves "the same save": the caller's key if it gave one, else the same
    result (ids, knowledge version, server) on the same UTC day."""
    if idempotency_key is not None:
        return f"k:{idempotency_key}"
    content = json.dumps([guild_id, urgency, contributor_ids, tip_ids, knowledge_version])
    return f"d:{day}:{hashlib.sha256(content.encode()).hexdigest()[:40]}"


class SavedResults:
    def __init__(self, db: Database, retention_days: int) -> None:
        self.db = db
        self.retention_days = retention_days

    async def save(
        self,
        *,
        user_id: int,
        guild_id: int | None,
        urgency: str | None,
        contributor_ids: list[str],
        tip_ids: list[str],
        knowledge_version: str,
        idempotency_key: str | None = None,
    ) -> SavedResult:
        if urgency is not None:
            checks.check_id(urgency, "urgency")
        contributors = checks.check_ids(contributor_ids, "contributor_ids")
        tips = checks.check_ids(tip_ids, "tip_ids")
        if not 0 < len(knowledge_version) <= 64:
            raise ValueError("knowledge_version must be 1 to 64 characters")
        if idempotency_key is not None:
            checks.check_key(idempotency_key, "idempotency_key")

        def work(session: Session) -> SavedResult:
            now = utc_now()
            key = save_key(
                idempotency_key=idempotency_key,
                guild_id=guild_id,
                urgency=urgency,
                contributor_ids=contributors,
                tip_ids=tips,
                knowledge_version=knowledge_version,
                day=now.date().isoformat(),
            )
            existing = session.exec(
                select(SavedResultRow).where(
                    SavedResultRow.user_id == user_id, SavedResultRow.save_key == key
                )
            ).first()
            if existing is not None:
                return saved(existing)  # a second tap on the same Save: nothing new
            row = SavedResultRow(
                user_id=user_id,
                guild_id=guild_id,
                urgency=urgency,
                contributor_ids=contributors,
                tip_ids=tips,
                knowledge_version=knowledge_version,
                saved_utc=now,
                save_key=key,
            )
            session.add(row)
            session.flush()
            _trim_history(session, user_id)
            return saved(row)

        # Two taps at the same moment on PostgreSQL: one insert wins, the other retries and
        # finds it (the unique key on user_id + save_key).
        return await self.db.write(work, retry_conflict=True)

    async def history(self, user_id: int, limit: int = 10) -> list[SavedResult]:
        def work(session: Session) -> list[SavedResult]:
            query = (
                select(SavedResultRow)
                .where(SavedResultRow.user_id == user_id)
                .order_by(col(SavedResultRow.saved_utc).desc(), col(SavedResultRow.id).desc())
                .limit(max(0, limit))
            )
            return [saved(row) for row in session.exec(query)]

        return await self.db.read(work)

    async def purge_expired(self, now: datetime | None = None) -> int:
        moment = now or utc_now()
        default_days = self.retention_days

        def work(session: Session) -> int:
            return delete_past_retention(
                session,
                SavedResultRow,
                SavedResultRow.guild_id,
                SavedResultRow.saved_utc,
                moment,
                default_days,
            )

        removed = await self.db.write(work)
        if removed:
            await self.db.run("write", checkpoint, self.db.engine)
            log.info("retention: deleted %d expired saved result(s)", removed)
        return removed


def _trim_history(session: Session, user_id: int) -> None:
    """Keep a member's newest ``MAX_SAVED_PER_MEMBER`` results."""
    keep = (
        select(SavedResultRow.id)
        .where(SavedResultRow.user_id == user_id)
        .order_by(col(SavedResultRow.saved_utc).desc(), col(SavedResultRow.id).desc())
        .limit(MAX_SAVED_PER_MEMBER)
    )
    kept = list(session.exec(keep))
    if len(kept) == MAX_SAVED_PER_MEMBER:
        session.exec(
            delete(SavedResultRow).where(
                col(SavedResultRow.user_id) == user_id, col(SavedResultRow.id).not_in(kept)
            )
        )


def saved(row: SavedResultRow) -> SavedResult:
    assert row.id is not None
    return SavedResult(
        row.id,
        row.user_id,
        row.guild_id,
        row.urgency,
        tuple(row.contributor_ids),
        tuple(row.tip_ids),
        row.knowledge_version,
        row.saved_utc,
    )
