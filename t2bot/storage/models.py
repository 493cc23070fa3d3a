"""The tables (sqlmodel). This is the schema at the newest migration; migrations/ builds it.

Only what a member asked to keep is stored, and only ids: no answers, no names, no message text.
Every table that holds member data has a ``user_id`` column; export and delete rely on that.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime in Python; ``timestamptz`` on PostgreSQL, naive UTC text on SQLite."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("datetimes given to the store must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


#: Stable constraint and index names, so migrations can refer to them on every database.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class SavedResultRow(SQLModel, table=True):
    """A triage result the member saved with "Save to my history" (ids only)."""

    __tablename__ = "saved_result"
    __table_args__ = (
        # Added by revision 0003: a double tap on Save stores one result, not two.
        sa.Index("uq_saved_result_user_save_key", "user_id", "save_key", unique=True),
        {"sqlite_autoincrement": True},  # ids are never reused after a delete
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_type=sa.BigInteger, index=True)
    guild_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    urgency: str | None = Field(default=None, max_length=32)
    contributor_ids: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    tip_ids: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    knowledge_version: str = Field(max_length=64)
    saved_utc: datetime = Field(sa_type=UTCDateTime, index=True)
    # Added by revision 0003 (older rows: None): what makes two saves the same save.
    save_key: str | None = Field(default=None, max_length=80)


class GuildSettingsRow(SQLModel, table=True):
    """Settings of one server (no member data)."""

    __tablename__ = "guild_settings"

    guild_id: int = Field(
        sa_type=sa.BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    emergency_number: str | None = Field(default=None, max_length=100)
    retention_days: int | None = None
    allow_sharing: bool = True  # stretch cards and routines only; triage results are never shared
    ask_mentions: bool = True  # answer members who mention the bot in a channel (t2bot.ask)
    ask_channel_id: int | None = Field(default=None, sa_type=sa.BigInteger)  # None: any channel
    updated_utc: datetime = Field(sa_type=UTCDateTime)


class ReminderRow(SQLModel, table=True):
    """A member's stretch reminder (one per member)."""

    __tablename__ = "reminder"
    __table_args__ = (
        sa.Index("ix_reminder_due", "enabled", "next_due_utc"),
        {"sqlite_autoincrement": True},  # a late "sent" for a replaced reminder hits nothing
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_type=sa.BigInteger, unique=True)
    guild_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    focus: str = Field(max_length=32)
    minutes: int
    local_time: str = Field(max_length=5)
    days: list[int] = Field(default_factory=list, sa_type=sa.JSON)
    timezone: str = Field(max_length=64)
    next_due_utc: datetime = Field(sa_type=UTCDateTime)
    enabled: bool = True
    failure_reason: str | None = Field(default=None, max_length=200)
    last_sent_utc: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_utc: datetime = Field(sa_type=UTCDateTime)
    # Added by revision 0002: which worker holds the reminder, and until when.
    claimed_by: str | None = Field(default=None, max_length=100)
    lease_until_utc: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Added by revision 0004: the occurrence (its due time) a worker started to send; never
    # sent again by another worker after a crash or an expired lease.
    sending_due_utc: datetime | None = Field(default=None, sa_type=UTCDateTime)


class FollowUpRow(SQLModel, table=True):
    """A member's consent to one check-in DM at ``due_utc``."""

    __tablename__ = "followup"

    user_id: int = Field(
        sa_type=sa.BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    guild_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    due_utc: datetime = Field(sa_type=UTCDateTime, index=True)
    created_utc: datetime = Field(sa_type=UTCDateTime)
    # Added by revision 0005: what the result offered, so the check-in can ask what was tried.
    contributor_ids: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    tip_ids: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    stretch_ids: list[str] = Field(default_factory=list, sa_type=sa.JSON)


class FollowUpAnswerRow(SQLModel, table=True):
    """A member's answer to a check-in DM, kept only when they said yes (ids only, revision
    0005): the likely contributors, the tips and stretches tried, the outcome and the date."""

    __tablename__ = "followup_answer"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_type=sa.BigInteger, index=True)
    guild_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    outcome: str = Field(max_length=16)
    contributor_ids: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    tip_ids: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    stretch_ids: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    answered_on: date = Field(index=True)
    answer_key: str = Field(max_length=80, unique=True)
    """One answer per check-in message, however often Keep is tapped."""


class CheckCounterRow(SQLModel, table=True):
    """How many checks ended each way, per server and UTC day (revision 0005). No member id."""

    __tablename__ = "check_counter"

    guild_id: int = Field(
        sa_type=sa.BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    """0 for checks run in DMs."""
    day: date = Field(primary_key=True)
    ending: str = Field(max_length=16, primary_key=True)
    count: int = 0


METADATA = SQLModel.metadata
TABLES: tuple[type[SQLModel], ...] = (
    SavedResultRow,
    GuildSettingsRow,
    ReminderRow,
    FollowUpRow,
    FollowUpAnswerRow,
    CheckCounterRow,
)


def table_of(model: type[SQLModel]) -> sa.Table:
    table = METADATA.tables[str(model.__tablename__)]
    return table


#: Tables holding rows about a member (found by their ``user_id`` column).
MEMBER_TABLES = tuple(t for t in TABLES if "user_id" in table_of(t).c)
