"""The store: every database operation, run in worker threads so the event loop never waits.

Each public method is one transaction: it happens completely or not at all. When the database
cannot be used (locked, gone, unreachable) the method raises ``StoreUnavailable``; the outage is
logged once, without any personal data, and its end is logged once too.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlmodel import Session, col, delete, select

from t2bot.storage import migrate
from t2bot.storage.database import (
    WRITE_OPTION,
    is_memory,
    make_engine,
    normalize_url,
    prepare_sqlite_file,
    sqlite_file,
)
from t2bot.storage.models import (
    MEMBER_TABLES,
    FollowUpRow,
    GuildSettingsRow,
    ReminderRow,
    SavedResultRow,
    utc_now,
)
from t2bot.storage.records import FollowUp, GuildSettings, Reminder, SavedResult

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Ids from the knowledge files (contributors, tips, urgency, stretch focus): never free text.
_ID = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_IDS = 50
MAX_SAVED_PER_MEMBER = 100
RETENTION_RANGE = (1, 3650)
#: Members may post stretch cards and routines in the channel unless an admin turns it off.
DEFAULT_ALLOW_SHARING = True
#: A database that fails again this soon after a warning is not warned about again.
OUTAGE_WARN_SECONDS = 300.0
GUILD_FIELDS = frozenset({"emergency_number", "retention_days", "allow_sharing"})

#: Errors that mean "the database cannot be used right now", as opposed to a bug.
_UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError)


class StoreUnavailable(Exception):
    """The database cannot be used right now (locked, gone, unreachable). Nothing was written."""


class Store:
    """Saved results, reminders, follow-up opt-ins and server settings."""

    def __init__(self, url: str, *, retention_days: int = 180, lock_timeout: float = 2.0) -> None:
        if not RETENTION_RANGE[0] <= retention_days <= RETENTION_RANGE[1]:
            raise ValueError("retention_days must be between 1 and 3650")
        self.url = normalize_url(url)
        self.retention_days = retention_days
        self.dialect = self.url.get_backend_name()
        self._engine = make_engine(self.url, lock_timeout=lock_timeout)
        self._writer = self._engine.execution_options(**{WRITE_OPTION: True})
        self._workers = 1 if is_memory(self.url) else 4
        self._executor: ThreadPoolExecutor | None = None
        self._started = False
        self._down = False
        self._warned_at = -OUTAGE_WARN_SECONDS

    def __repr__(self) -> str:
        return f"Store({self.url.render_as_string(hide_password=True)!r})"

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Create the SQLite file if needed and bring the schema to the newest migration."""
        path = sqlite_file(self.url)
        if path is not None:
            prepare_sqlite_file(path)
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=self._workers, thread_name_prefix="t2store"
            )
        self._started = True
        try:
            await self._run(migrate.upgrade, self._engine)
        except BaseException:
            self._started = False
            raise

    async def close(self) -> None:
        """Close the database connections (idempotent; ``start`` may be awaited again)."""
        self._started = False
        executor, self._executor = self._executor, None
        if executor is None:
            return
        await asyncio.get_running_loop().run_in_executor(executor, self._engine.dispose)
        executor.shutdown(wait=False)
        log.info("storage closed (%s)", self.dialect)

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
    ) -> SavedResult:
        """Keep a finished check for the member: ids, urgency and today's date; no free text."""
        if urgency is not None:
            _check_id(urgency, "urgency")
        contributors = _check_ids(contributor_ids, "contributor_ids")
        tips = _check_ids(tip_ids, "tip_ids")
        if not 0 < len(knowledge_version) <= 64:
            raise ValueError("knowledge_version must be 1 to 64 characters")
        row = SavedResultRow(
            user_id=user_id,
            guild_id=guild_id,
            urgency=urgency,
            contributor_ids=contributors,
            tip_ids=tips,
            knowledge_version=knowledge_version,
            saved_utc=utc_now(),
        )

        def work(session: Session) -> SavedResult:
            session.add(row)
            session.flush()
            _trim_history(session, user_id)
            return _saved(row)

        return await self._write(work)

    async def history(self, user_id: int, limit: int = 10) -> list[SavedResult]:
        """The member's saved results, newest first."""

        def work(session: Session) -> list[SavedResult]:
            query = (
                select(SavedResultRow)
                .where(SavedResultRow.user_id == user_id)
                .order_by(col(SavedResultRow.saved_utc).desc(), col(SavedResultRow.id).desc())
                .limit(max(0, limit))
            )
            return [_saved(row) for row in session.exec(query)]

        return await self._read(work)

    async def purge_expired(self, now: datetime | None = None) -> int:
        """Delete saved results older than their server's retention; returns how many."""
        now = now or utc_now()

        def work(session: Session) -> int:
            custom = dict(
                session.exec(
                    select(GuildSettingsRow.guild_id, GuildSettingsRow.retention_days).where(
                        col(GuildSettingsRow.retention_days).is_not(None)
                    )
                ).all()
            )
            removed = 0
            for guild_id, days in custom.items():
                removed += session.exec(
                    delete(SavedResultRow).where(
                        SavedResultRow.guild_id == guild_id,
                        col(SavedResultRow.saved_utc) < now - timedelta(days=days),
                    )
                ).rowcount
            default_scope = sa.or_(
                col(SavedResultRow.guild_id).is_(None),
                col(SavedResultRow.guild_id).not_in(list(custom)),
            )
            removed += session.exec(
                delete(SavedResultRow).where(
                    default_scope,
                    col(SavedResultRow.saved_utc) < now - timedelta(days=self.retention_days),
                )
            ).rowcount
            return removed

        removed = await self._write(work)
        if removed:
            log.info("retention: deleted %d expired saved result(s)", removed)
        return removed

    # ------------------------------------------------------------------ member data

    async def export_member(self, user_id: int) -> dict[str, Any]:
        """Every row about the member in every table, as JSON-ready data."""

        def work(session: Session) -> dict[str, Any]:
            tables = {
                model.__tablename__: [  # type: ignore[attr-defined]
                    _jsonable(row.model_dump())
                    for row in session.exec(select(model).where(model.user_id == user_id))
                ]
                for model in MEMBER_TABLES
            }
            return {
                "format": "t2bot-member-export/1",
                "exported_utc": utc_now().isoformat(),
                "user_id": str(user_id),
                "about": (
                    "Everything the T2 bot stores about you: results you saved (ids of "
                    "contributors and tips, urgency, date), your stretch reminder and your "
                    "follow-up opt-in. Your answers, messages and name are never stored."
                ),
                "tables": tables,
            }

        return await self._read(work)

    async def delete_member(self, user_id: int) -> int:
        """Remove every row about the member in every table; returns how many rows."""

        def work(session: Session) -> int:
            return sum(
                session.exec(delete(model).where(model.user_id == user_id)).rowcount
                for model in MEMBER_TABLES
            )

        return await self._write(work)

    # ------------------------------------------------------------------ server settings

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        def work(session: Session) -> GuildSettings:
            return self._guild(guild_id, session.get(GuildSettingsRow, guild_id))

        return await self._read(work)

    async def update_guild_settings(self, guild_id: int, **changes: Any) -> GuildSettings:
        """Change some of: ``emergency_number`` (None: the bot's default), ``retention_days``
        (1-3650, None: the bot's default) and ``allow_sharing``."""
        values = _check_guild_changes(changes)

        def work(session: Session) -> GuildSettings:
            row = session.get(GuildSettingsRow, guild_id)
            if row is None:
                row = GuildSettingsRow(guild_id=guild_id, updated_utc=utc_now())
                session.add(row)
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_utc = utc_now()
            session.flush()
            return self._guild(guild_id, row)

        return await self._write(work, retry_conflict=True)

    def _guild(self, guild_id: int, row: GuildSettingsRow | None) -> GuildSettings:
        if row is None:
            return GuildSettings(guild_id, None, self.retention_days, DEFAULT_ALLOW_SHARING)
        return GuildSettings(
            guild_id,
            row.emergency_number,
            row.retention_days or self.retention_days,
            row.allow_sharing,
        )

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
        _check_id(focus, "focus")
        if not 1 <= minutes <= 180:
            raise ValueError("minutes must be between 1 and 180")
        if not _HHMM.match(local_time):
            raise ValueError("local_time must be HH:MM (24-hour clock)")
        clean_days = sorted(set(days))
        if not clean_days or any(d not in range(7) for d in clean_days):
            raise ValueError("days must be weekday numbers 0 (Monday) to 6 (Sunday)")
        _check_timezone(timezone)
        _check_aware(next_due_utc, "next_due_utc")

        def work(session: Session) -> Reminder:
            session.exec(delete(ReminderRow).where(ReminderRow.user_id == user_id))
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
            return _reminder(row)

        return await self._write(work, retry_conflict=True)

    async def reminders_for(self, user_id: int) -> list[Reminder]:
        def work(session: Session) -> list[Reminder]:
            query = select(ReminderRow).where(ReminderRow.user_id == user_id)
            return [_reminder(row) for row in session.exec(query)]

        return await self._read(work)

    async def delete_reminders(self, user_id: int) -> int:
        def work(session: Session) -> int:
            return session.exec(delete(ReminderRow).where(ReminderRow.user_id == user_id)).rowcount

        return await self._write(work)

    async def claim_due_reminders(
        self, now_utc: datetime, *, worker: str, lease_seconds: int = 300, limit: int = 50
    ) -> list[Reminder]:
        """Claim reminders due at ``now_utc`` for ``worker``: each due reminder goes to exactly
        one worker, also across processes. Call ``reminder_sent`` or ``reminder_failed`` for
        each; a claim not settled within ``lease_seconds`` (crashed worker) can be claimed again.
        """
        _check_aware(now_utc, "now_utc")
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
            return [_reminder(row) for row in rows]

        return await self._write(work)

    async def reminder_sent(self, reminder_id: int, next_due_utc: datetime) -> None:
        """The reminder was delivered: schedule the next one and release the claim."""
        _check_aware(next_due_utc, "next_due_utc")
        values = {
            "next_due_utc": next_due_utc,
            "last_sent_utc": utc_now(),
            "claimed_by": None,
            "lease_until_utc": None,
        }
        await self._update_reminder(reminder_id, values)

    async def reminder_failed(self, reminder_id: int, reason: str) -> None:
        """The reminder cannot be delivered (e.g. DMs closed): switch it off and keep why, so
        it is reported once instead of retried forever."""
        values = {
            "enabled": False,
            "failure_reason": reason.strip()[:200] or "failed",
            "claimed_by": None,
            "lease_until_utc": None,
        }
        await self._update_reminder(reminder_id, values)

    async def _update_reminder(self, reminder_id: int, values: dict[str, Any]) -> None:
        def work(session: Session) -> None:
            session.exec(
                sa.update(ReminderRow).where(col(ReminderRow.id) == reminder_id).values(**values)
            )

        await self._write(work)

    # ------------------------------------------------------------------ follow-up opt-in

    async def set_followup(self, user_id: int, guild_id: int | None, due_utc: datetime) -> None:
        """Store the member's consent to one check-in DM at ``due_utc`` (replaces older)."""
        _check_aware(due_utc, "due_utc")

        def work(session: Session) -> None:
            session.exec(delete(FollowUpRow).where(FollowUpRow.user_id == user_id))
            session.add(
                FollowUpRow(
                    user_id=user_id, guild_id=guild_id, due_utc=due_utc, created_utc=utc_now()
                )
            )

        await self._write(work, retry_conflict=True)

    async def clear_followup(self, user_id: int) -> int:
        def work(session: Session) -> int:
            return session.exec(delete(FollowUpRow).where(FollowUpRow.user_id == user_id)).rowcount

        return await self._write(work)

    async def followup_for(self, user_id: int) -> FollowUp | None:
        def work(session: Session) -> FollowUp | None:
            row = session.get(FollowUpRow, user_id)
            return None if row is None else _followup(row)

        return await self._read(work)

    async def take_due_followups(self, now_utc: datetime, limit: int = 50) -> list[FollowUp]:
        """Remove and return the follow-ups due at ``now_utc``; each goes to one process only.
        (The consent is used up by taking it: a crash before sending skips that check-in.)"""
        _check_aware(now_utc, "now_utc")

        def work(session: Session) -> list[FollowUp]:
            query = (
                select(FollowUpRow)
                .where(col(FollowUpRow.due_utc) <= now_utc)
                .order_by(col(FollowUpRow.due_utc))
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            rows = list(session.exec(query))
            taken = [_followup(row) for row in rows]
            for row in rows:
                session.delete(row)
            return taken

        return await self._write(work)

    # ------------------------------------------------------------------ plumbing

    async def _read(self, work: Callable[[Session], T]) -> T:
        return await self._run(_in_session, self._engine, work)

    async def _write(self, work: Callable[[Session], T], *, retry_conflict: bool = False) -> T:
        """One write transaction; with ``retry_conflict``, retried once if another process
        inserted the same member's row at the same moment."""
        try:
            return await self._run(_in_session, self._writer, work)
        except sa.exc.IntegrityError:
            if not retry_conflict:
                raise
            return await self._run(_in_session, self._writer, work)

    async def _run(self, function: Callable[..., T], *args: Any) -> T:
        if not self._started:
            raise RuntimeError("Store.start() has not been awaited (or the store was closed)")
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(self._executor, functools.partial(function, *args))
        except (sa.exc.DBAPIError, sa.exc.TimeoutError, sa.exc.DisconnectionError) as exc:
            if not _is_unavailable(exc):
                raise
            self._note_down(exc)
            raise StoreUnavailable(_reason(exc)) from exc
        if self._down:
            self._down = False
            log.info("database available again")
        return result

    def _note_down(self, exc: Exception) -> None:
        """Warn once per outage; a database that flaps (one connection still works, another
        fails) is warned about at most once per ``OUTAGE_WARN_SECONDS``."""
        flapping = time.monotonic() - self._warned_at < OUTAGE_WARN_SECONDS
        if self._down or flapping:
            self._down = True
            log.debug("database still unavailable: %s", _reason(exc))
            return
        self._down = True
        self._warned_at = time.monotonic()
        log.warning(
            "database unavailable (%s): %s; members are told to try again",
            self.dialect,
            _reason(exc),
        )


def _is_unavailable(exc: Exception) -> bool:
    """Locked, timed out, unreachable, no free connection, damaged file: yes. Integrity, data
    and programming errors: no, those are bugs and propagate as they are."""
    if not isinstance(exc, sa.exc.DBAPIError):
        return True  # pool timeout, disconnection
    return isinstance(exc, _UNAVAILABLE) or type(exc) is sa.exc.DatabaseError


def _in_session(engine: sa.Engine, work: Callable[[Session], T]) -> T:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        return work(session)


def _reason(exc: BaseException) -> str:
    """A short cause without SQL or parameters (which could hold member ids)."""
    cause = getattr(exc, "orig", None) or exc
    first = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first[:160]}"


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
                SavedResultRow.user_id == user_id, col(SavedResultRow.id).not_in(kept)
            )
        )


def _saved(row: SavedResultRow) -> SavedResult:
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


def _reminder(row: ReminderRow) -> Reminder:
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
    )


def _followup(row: FollowUpRow) -> FollowUp:
    return FollowUp(row.user_id, row.guild_id, row.due_utc, row.created_utc)


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


def _check_id(value: str, what: str) -> None:
    if not isinstance(value, str) or not _ID.match(value):
        raise ValueError(f"{what}: expected an id like 'worn_shoes', not free text")


def _check_ids(values: Iterable[str], what: str) -> list[str]:
    values = list(values)
    if len(values) > MAX_IDS:
        raise ValueError(f"{what}: at most {MAX_IDS} ids")
    for value in values:
        _check_id(value, what)
    return values


def _check_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime (UTC)")


def _check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {name!r}; use an IANA name (Europe/Berlin)") from None


def _check_guild_changes(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - GUILD_FIELDS
    if unknown:
        raise TypeError(f"unknown server setting(s): {', '.join(sorted(unknown))}")
    values = dict(changes)
    if "emergency_number" in values:
        number = values["emergency_number"]
        number = number.strip() if isinstance(number, str) else number
        if number is not None and not 0 < len(number) <= 100:
            raise ValueError("the emergency number must be 1 to 100 characters")
        values["emergency_number"] = number or None
    if "retention_days" in values:
        days = values["retention_days"]
        if days is not None and (
            isinstance(days, bool)
            or not isinstance(days, int)
            or not RETENTION_RANGE[0] <= days <= RETENTION_RANGE[1]
        ):
            raise ValueError("retention must be between 1 and 3650 days")
    if "allow_sharing" in values and not isinstance(values["allow_sharing"], bool):
        raise ValueError("allow_sharing must be true or false")
    return values
