"""What the store hands back: plain frozen dataclasses, safe to use on the event loop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class SavedResult:
    id: int
    user_id: int
    guild_id: int | None
    urgency: str | None
    contributor_ids: tuple[str, ...]
    tip_ids: tuple[str, ...]
    knowledge_version: str
    saved_utc: datetime


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    emergency_number: str | None
    """``None``: the bot's default (``EMERGENCY_NUMBER``)."""
    retention_days: int
    """Days a saved result is kept (the server's own value, else the bot's default)."""
    allow_sharing: bool
    ask_mentions: bool = True
    """Whether members who mention the bot in a channel are answered (DMs always are)."""
    ask_channel_id: int | None = None
    """The one channel where mentions are answered; ``None``: every channel."""


@dataclass(frozen=True)
class Reminder:
    id: int
    user_id: int
    guild_id: int | None
    focus: str
    minutes: int
    local_time: str
    days: tuple[int, ...]
    timezone: str
    next_due_utc: datetime
    enabled: bool
    failure_reason: str | None
    last_sent_utc: datetime | None
    created_utc: datetime
    claimed_by: str | None
    lease_until_utc: datetime | None
    sending_due_utc: datetime | None = None
    """Set when a worker recorded its intent to send the occurrence due at this time."""

    @property
    def in_doubt(self) -> bool:
        """A worker started sending this occurrence and never confirmed it (crash, or the
        database failed after the DM): it may have been delivered, so it is not sent again."""
        return self.sending_due_utc is not None and self.sending_due_utc == self.next_due_utc


@dataclass(frozen=True)
class FollowUp:
    user_id: int
    guild_id: int | None
    due_utc: datetime
    created_utc: datetime
    contributor_ids: tuple[str, ...] = ()
    """What the result offered (revision 0005; empty for older opt-ins)."""
    tip_ids: tuple[str, ...] = ()
    stretch_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class FollowUpAnswer:
    """A check-in answer the member chose to keep: ids, outcome and date only."""

    id: int
    user_id: int
    guild_id: int | None
    outcome: str
    contributor_ids: tuple[str, ...]
    tip_ids: tuple[str, ...]
    stretch_ids: tuple[str, ...]
    answered_on: date


@dataclass(frozen=True)
class ClubNumbers:
    """A server's numbers over a period, before any small group is hidden.

    ``endings``: finished checks per ending (from the daily counters, no member ids).
    ``contributors``: contributor id -> how many members saved a result or kept an answer
    naming it. ``tried`` / ``better``: tip or stretch id -> members who said they tried it /
    of those, members who said their back was better."""

    days: int
    endings: dict[str, int]
    contributors: dict[str, int]
    tried: dict[str, int]
    better: dict[str, int]

    @property
    def checks(self) -> int:
        return sum(self.endings.values())
