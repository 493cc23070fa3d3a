"""The store: one facade over the aggregates (saved results, reminders, follow-ups, server
settings, a member's data), each in its own module on a shared ``Database``.

Each public method is one transaction: it happens completely or not at all. When the database
cannot be used (locked, gone, unreachable, too busy) the method raises ``StoreUnavailable`` (or
its subclass ``StoreBusy``); the outage is logged once, without any personal data, and its end is
logged once too. See ``t2bot.storage.base`` for the worker threads and time limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from t2bot.storage import checks, migrate
from t2bot.storage.base import (
    MAX_QUEUED_READS,
    MAX_QUEUED_WRITES,
    OUTAGE_WARN_SECONDS,
    Database,
    StoreBusy,
    StoreUnavailable,
)
from t2bot.storage.checks import GUILD_FIELDS, MAX_IDS, RETENTION_RANGE
from t2bot.storage.counters import ENDINGS, Counters
from t2bot.storage.database import normalize_url, prepare_sqlite_file, sqlite_file
from t2bot.storage.followups import OUTCOMES, FollowUpAnswers, FollowUps
from t2bot.storage.guild_settings import DEFAULT_ALLOW_SHARING, GuildSettingsStore
from t2bot.storage.member_data import MemberData
from t2bot.storage.records import (
    ClubNumbers,
    FollowUp,
    FollowUpAnswer,
    GuildSettings,
    Reminder,
    SavedResult,
)
from t2bot.storage.reminders import Reminders
from t2bot.storage.saved_results import MAX_SAVED_PER_MEMBER, SavedResults

__all__ = [
    "DEFAULT_ALLOW_SHARING",
    "ENDINGS",
    "GUILD_FIELDS",
    "MAX_IDS",
    "MAX_SAVED_PER_MEMBER",
    "OUTAGE_WARN_SECONDS",
    "OUTCOMES",
    "RETENTION_RANGE",
    "Store",
    "StoreBusy",
    "StoreUnavailable",
]


class Store:
    """Saved results, reminders, follow-up opt-ins and server settings."""

    def __init__(
        self,
        url: str,
        *,
        retention_days: int = 180,
        lock_timeout: float = 2.0,
        call_timeout: float | None = None,
        max_queued_writes: int = MAX_QUEUED_WRITES,
        max_queued_reads: int = MAX_QUEUED_READS,
    ) -> None:
        checks.check_retention(retention_days)
        self.url = normalize_url(url)
        self.retention_days = retention_days
        self.dialect = self.url.get_backend_name()
        self.db = Database(
            self.url,
            lock_timeout=lock_timeout,
            call_timeout=call_timeout,
            max_queued_writes=max_queued_writes,
            max_queued_reads=max_queued_reads,
        )
        self._engine = self.db.engine
        self.saved_results = SavedResults(self.db, retention_days)
        self.guilds = GuildSettingsStore(self.db, retention_days)
        self.reminders = Reminders(self.db)
        self.followups = FollowUps(self.db)
        self.answers = FollowUpAnswers(self.db, retention_days)
        self.counters = Counters(self.db)
        self.members = MemberData(self.db)

    def __repr__(self) -> str:
        return f"Store({self.shown_url!r})"

    @property
    def shown_url(self) -> str:
        """The database URL with its password masked: the only form to print or log."""
        return self.db.shown_url

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Create the SQLite file if needed (private to this user) and bring the schema to the
        newest migration (Alembic is loaded only if it is not there yet)."""
        path = sqlite_file(self.url)
        if path is not None:
            prepare_sqlite_file(path)
        self.db.open()
        self.db.started = True
        try:
            await self.db.run("write", migrate.upgrade_if_needed, self.db.engine, timeout=None)
        except BaseException:
            self.db.started = False
            raise

    async def close(self) -> None:
        """Close the database connections (idempotent; ``start`` may be awaited again)."""
        await self.db.close()

    # ------------------------------------------------------------------ saved results

    async def save_result(
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
        """Keep a finished check for the member: ids and today's date; no free text.

        Idempotent: saving the same result again returns the row saved first. "The same" is the
        caller's ``idempotency_key`` if given (e.g. the id of the message holding the Save
        button), else the same ids, knowledge version and server on the same UTC day."""
        return await self.saved_results.save(
            user_id=user_id,
            guild_id=guild_id,
            urgency=urgency,
            contributor_ids=contributor_ids,
            tip_ids=tip_ids,
            knowledge_version=knowledge_version,
            idempotency_key=idempotency_key,
        )

    async def history(self, user_id: int, limit: int = 10) -> list[SavedResult]:
        """The member's saved results, newest first."""
        return await self.saved_results.history(user_id, limit)

    async def purge_expired(self, now: datetime | None = None) -> int:
        """Delete saved results and kept check-in answers older than their server's retention
        (and club counters older than ``COUNTER_DAYS``); returns how many member rows."""
        removed = await self.saved_results.purge_expired(now)
        # One more transaction for both (each round of the hourly purge stays short).
        removed += await self.answers.purge_expired(now, also=self.counters.purge_work(now))
        return removed

    # ------------------------------------------------------------------ member data

    async def export_member(self, user_id: int) -> dict[str, Any]:
        """Every row about the member in every table, as JSON-ready data."""
        return await self.members.export(user_id)

    async def delete_member(self, user_id: int) -> int:
        """Remove every row about the member in every table; returns how many rows."""
        return await self.members.delete(user_id)

    # ------------------------------------------------------------------ server settings

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        return await self.guilds.get(guild_id)

    async def update_guild_settings(self, guild_id: int, **changes: Any) -> GuildSettings:
        """Change some of: ``emergency_number`` (None: the bot's default), ``retention_days``
        (1-3650, None: the bot's default) and ``allow_sharing``."""
        return await self.guilds.update(guild_id, **changes)

    # ------------------------------------------------------------------ reminders

    async def set_reminder(
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
        """Store the member's reminder, replacing the one they had (one per member)."""
        return await self.reminders.set(
            user_id=user_id,
            guild_id=guild_id,
            focus=focus,
            minutes=minutes,
            local_time=local_time,
            days=days,
            timezone=timezone,
            next_due_utc=next_due_utc,
        )

    async def reminders_for(self, user_id: int) -> list[Reminder]:
        return await self.reminders.of(user_id)

    async def delete_reminders(self, user_id: int) -> int:
        return await self.reminders.delete(user_id)

    async def claim_due_reminders(
        self, now_utc: datetime, *, worker: str, lease_seconds: int = 300, limit: int = 50
    ) -> list[Reminder]:
        """Claim reminders due at ``now_utc`` for ``worker``: each due reminder goes to exactly
        one worker, also across processes. Call ``reminder_sent`` or ``reminder_failed`` for
        each; a claim not settled within ``lease_seconds`` (crashed worker) can be claimed again.
        """
        return await self.reminders.claim_due(
            now_utc, worker=worker, lease_seconds=lease_seconds, limit=limit
        )

    async def reminder_sent(self, reminder_id: int, next_due_utc: datetime) -> None:
        """The reminder was delivered: schedule the next one and release the claim."""
        await self.reminders.sent(reminder_id, next_due_utc)

    async def reminder_sending(self, reminder_id: int, *, worker: str, now_utc: datetime) -> bool:
        """Record that ``worker`` is about to send the claimed reminder's current occurrence.

        True: send it, then call ``reminder_sent``. False: do not send: the lease is gone, or
        this occurrence was already started by someone (a crash, or the database failed after
        the DM, then the lease expired; ``Reminder.in_doubt``): it may have been delivered, so
        the member never gets it twice; just call ``reminder_sent`` to schedule the next one.
        """
        return await self.reminders.sending(reminder_id, worker=worker, now_utc=now_utc)

    async def reminder_failed(self, reminder_id: int, reason: str) -> None:
        """The reminder cannot be delivered (e.g. DMs closed): switch it off and keep why, so
        it is reported once instead of retried forever."""
        await self.reminders.failed(reminder_id, reason)

    # ------------------------------------------------------------------ follow-up opt-in

    async def set_followup(
        self,
        user_id: int,
        guild_id: int | None,
        due_utc: datetime,
        *,
        contributor_ids: Sequence[str] = (),
        tip_ids: Sequence[str] = (),
        stretch_ids: Sequence[str] = (),
    ) -> None:
        """Store the member's consent to one check-in DM at ``due_utc`` (replaces older), with
        the ids of what their result offered, so the DM can ask which they tried."""
        await self.followups.set(
            user_id,
            guild_id,
            due_utc,
            contributor_ids=contributor_ids,
            tip_ids=tip_ids,
            stretch_ids=stretch_ids,
        )

    async def clear_followup(self, user_id: int) -> int:
        return await self.followups.clear(user_id)

    async def followup_for(self, user_id: int) -> FollowUp | None:
        return await self.followups.get(user_id)

    async def take_due_followups(self, now_utc: datetime, limit: int = 50) -> list[FollowUp]:
        """Remove and return the follow-ups due at ``now_utc``; each goes to one process only.
        (The consent is used up by taking it: a crash before sending skips that check-in.)"""
        return await self.followups.take_due(now_utc, limit)

    # ------------------------------------------------------------------ check-in answers

    async def keep_followup_answer(
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
        """Keep a check-in answer the member agreed to keep: ids, outcome (``OUTCOMES``) and
        the date, nothing else. Idempotent per ``answer_key`` (the check-in message)."""
        return await self.answers.keep(
            user_id=user_id,
            guild_id=guild_id,
            outcome=outcome,
            contributor_ids=contributor_ids,
            tip_ids=tip_ids,
            stretch_ids=stretch_ids,
            answer_key=answer_key,
            today=today,
        )

    async def followup_answers(self, user_id: int) -> list[FollowUpAnswer]:
        """The member's kept check-in answers, newest first."""
        return await self.answers.of(user_id)

    # ------------------------------------------------------------------ club insights

    async def count_check(self, guild_id: int | None, ending: str, day: date | None = None) -> None:
        """Count one finished check of the server (``ENDINGS``); no member id is stored."""
        await self.counters.count_check(guild_id, ending, day)

    async def club_numbers(
        self, guild_id: int, days: int, now: datetime | None = None
    ) -> ClubNumbers:
        """The server's numbers over the last ``days`` days, before small groups are hidden."""
        return await self.counters.club_numbers(guild_id, days, now)

    async def insight_guilds(self) -> list[int]:
        """Servers that have club numbers (0: checks run in DMs)."""
        return await self.counters.guild_ids()
