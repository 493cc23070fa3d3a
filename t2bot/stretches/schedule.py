"""When a reminder fires: a local wall-clock time on some weekdays in the member's IANA timezone.

Daylight-saving changes are handled on purpose:

* a local time that does not exist that day (clocks jump forward over it) fires at the same
  distance after the jump, i.e. shifted forward by the gap (01:30 on a 01:00->02:00 day is 02:30);
* a local time that happens twice (clocks go back) fires once, at the first occurrence.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rapidfuzz import fuzz, process

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ALL_DAYS = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
WEEKEND = frozenset({5, 6})
_GROUPS = {
    "daily": ALL_DAYS,
    "everyday": ALL_DAYS,
    "every day": ALL_DAYS,
    "all": ALL_DAYS,
    "weekdays": WEEKDAYS,
    "weekday": WEEKDAYS,
    "workdays": WEEKDAYS,
    "weekends": WEEKEND,
    "weekend": WEEKEND,
}
_TIME = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*$")
MAX_CHOICES = 25


class ScheduleError(ValueError):
    """The time, days or timezone typed cannot be used; the message says what is expected."""


def parse_time(text: str) -> time:
    """``"7:30"``, ``"07:30"``, ``"19.05"`` -> a time. 24-hour clock."""
    match = _TIME.match(text)
    if not match:
        raise ScheduleError("Write the time as HH:MM on the 24-hour clock, e.g. 07:30 or 18:15.")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise ScheduleError("That time does not exist. Use 00:00 to 23:59.")
    return time(hour, minute)


def format_time(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def _day(token: str) -> int:
    for names in (DAY_NAMES, _FULL_NAMES):
        if token in names:
            return names.index(token)
    for index, name in enumerate(_FULL_NAMES):  # "tues", "thurs", "wednes"...
        if len(token) >= 3 and name.startswith(token):
            return index
    raise ScheduleError(
        f"'{token}' is not a day. Use e.g. mon,wed,fri or weekdays, weekends, daily."
    )


def parse_days(text: str) -> frozenset[int]:
    """``"mon,wed,fri"``, ``"Mon Wed"``, ``"mon-fri"``, ``"weekdays"``, ``"daily"`` -> weekday
    numbers (Monday = 0)."""
    cleaned = text.strip().casefold()
    if cleaned in _GROUPS:
        return _GROUPS[cleaned]
    days: set[int] = set()
    for token in re.split(r"[\s,;/+&]+|\band\b", cleaned):
        if not token:
            continue
        if token in _GROUPS:
            days |= _GROUPS[token]
        elif "-" in token:
            first, _, last = token.partition("-")
            start, end = _day(first), _day(last)
            days.update((start + i) % 7 for i in range((end - start) % 7 + 1))
        else:
            days.add(_day(token))
    if not days:
        raise ScheduleError("Say which days, e.g. mon,wed,fri or weekdays or daily.")
    return frozenset(days)


def format_days(days: frozenset[int] | set[int]) -> str:
    """The canonical text stored and shown: ``daily``, ``weekdays``, ``weekends`` or ``mon,wed``."""
    days = frozenset(days)
    for name in ("daily", "weekdays", "weekends"):
        if days == _GROUPS[name]:
            return name
    return ",".join(DAY_NAMES[d] for d in sorted(days))


def describe_days(days: frozenset[int] | set[int]) -> str:
    """Words for members: ``every day``, ``on weekdays``, ``on Mon, Wed and Fri``."""
    text = format_days(days)
    if text == "daily":
        return "every day"
    if text in ("weekdays", "weekends"):
        return f"on {text}"
    names = [DAY_NAMES[d].capitalize() for d in sorted(days)]
    return "on " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])


@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(name for name in available_timezones() if "/" in name or name == "UTC"))


def parse_timezone(name: str) -> ZoneInfo:
    """An IANA timezone such as ``Europe/London``; case and spaces are forgiven."""
    cleaned = name.strip().replace(" ", "_")
    lookup = {zone.casefold(): zone for zone in _zone_names()}
    real = lookup.get(cleaned.casefold())
    if real is None:
        raise ScheduleError(
            "Pick a timezone from the list, like Europe/London or America/New_York."
        )
    try:
        return ZoneInfo(real)
    except ZoneInfoNotFoundError:  # pragma: no cover - listed zones exist
        raise ScheduleError("That timezone is not available.") from None


def timezone_choices(typed: str, limit: int = MAX_CHOICES) -> list[str]:
    """Autocomplete: IANA names closest to what was typed (``london`` -> ``Europe/London``)."""
    limit = max(0, min(limit, MAX_CHOICES))
    names = _zone_names()
    query = typed.strip().replace(" ", "_").casefold()
    if not query:
        popular = (
            "UTC",
            "Europe/London",
            "Europe/Berlin",
            "Europe/Paris",
            "America/New_York",
            "America/Chicago",
            "America/Denver",
            "America/Los_Angeles",
            "Australia/Sydney",
            "Pacific/Auckland",
        )
        return list(popular[:limit])
    starts = [
        n
        for n in names
        if n.casefold().startswith(query) or n.casefold().split("/")[-1].startswith(query)
    ]
    rest = process.extract(
        query, [n.casefold() for n in names], scorer=fuzz.WRatio, limit=limit * 2, score_cutoff=60
    )
    out = list(dict.fromkeys(starts + [names[index] for _, _, index in rest]))
    return out[:limit]


def resolve_local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of ``at`` on ``day`` in ``zone``, with the DST rules in the module doc."""
    local = datetime.combine(day, at, tzinfo=zone)  # fold=0: the first of two, or before a gap
    instant = local.astimezone(UTC)
    # A gap time converts with the offset before the jump, which is exactly "shifted forward by
    # the gap"; an ambiguous time with fold=0 is its first occurrence. Both are what we want.
    return instant


def is_skipped(day: date, at: time, zone: ZoneInfo) -> bool:
    """True if the clocks jump over ``at`` on ``day`` (the time does not exist there)."""
    local = datetime.combine(day, at, tzinfo=zone)
    back = local.astimezone(UTC).astimezone(zone)
    return back.replace(tzinfo=None) != local.replace(tzinfo=None)


def is_ambiguous(day: date, at: time, zone: ZoneInfo) -> bool:
    """True if ``at`` happens twice on ``day`` (clocks go back over it)."""
    first = datetime.combine(day, at, tzinfo=zone)
    second = first.replace(fold=1)
    return first.utcoffset() != second.utcoffset() and not is_skipped(day, at, zone)


def next_occurrence(
    at: time, days: frozenset[int] | set[int], zone: ZoneInfo | str, after: datetime
) -> datetime:
    """The first instant strictly after ``after`` (aware) when the reminder fires, in UTC."""
    if after.tzinfo is None:
        raise ValueError("'after' must be timezone-aware")
    if not days:
        raise ScheduleError("no days chosen")
    zone = parse_timezone(zone) if isinstance(zone, str) else zone
    start = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(9):  # a full week plus both edges
        day = start + timedelta(days=offset)
        if day.weekday() not in days:
            continue
        instant = resolve_local(day, at, zone)
        if instant > after:
            return instant
    raise AssertionError("a weekly schedule always fires within 8 days")  # pragma: no cover
