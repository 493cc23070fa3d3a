"""Input checks shared by the aggregates: ids only, never free text; aware datetimes; settings."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Ids from the knowledge files (contributors, tips, urgency, stretch focus): never free text.
_ID = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
#: A client-chosen idempotency key (e.g. the id of the message holding the Save button).
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
MAX_IDS = 50
RETENTION_RANGE = (1, 3650)
GUILD_FIELDS = frozenset(
    {"emergency_number", "retention_days", "allow_sharing", "ask_mentions", "ask_channel_id"}
)


def check_id(value: str, what: str) -> None:
    if not isinstance(value, str) or not _ID.match(value):
        raise ValueError(f"{what}: expected an id like 'worn_shoes', not free text")


def check_ids(values: Iterable[str], what: str) -> list[str]:
    values = list(values)
    if len(values) > MAX_IDS:
        raise ValueError(f"{what}: at most {MAX_IDS} ids")
    for value in values:
        check_id(value, what)
    return values


def check_key(value: str, what: str) -> None:
    if not isinstance(value, str) or not _KEY.match(value):
        raise ValueError(f"{what}: 1 to 64 letters, digits or _.:- (an id, not free text)")


def check_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime (UTC)")


def check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {name!r}; use an IANA name (Europe/Berlin)") from None


def check_local_time(value: str) -> None:
    if not _HHMM.match(value):
        raise ValueError("local_time must be HH:MM (24-hour clock)")


def check_weekdays(days: Iterable[int]) -> list[int]:
    clean = sorted(set(days))
    if not clean or any(d not in range(7) for d in clean):
        raise ValueError("days must be weekday numbers 0 (Monday) to 6 (Sunday)")
    return clean


def check_retention(days: int) -> None:
    if not RETENTION_RANGE[0] <= days <= RETENTION_RANGE[1]:
        raise ValueError("retention_days must be between 1 and 3650")


def check_guild_changes(changes: dict[str, Any]) -> dict[str, Any]:
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
    if "ask_mentions" in values and not isinstance(values["ask_mentions"], bool):
        raise ValueError("ask_mentions must be true or false")
    channel = values.get("ask_channel_id")
    if channel is not None and (
        isinstance(channel, bool) or not isinstance(channel, int) or not 0 < channel < 2**63
    ):
        raise ValueError("ask_channel_id must be a channel id or empty")
    return values
