"""Reminder times: parsing, weekdays, timezones, and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from t2bot.stretches.schedule import (
    ALL_DAYS,
    WEEKDAYS,
    ScheduleError,
    describe_days,
    format_days,
    is_ambiguous,
    is_skipped,
    next_occurrence,
    parse_days,
    parse_time,
    parse_timezone,
    timezone_choices,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07:30", time(7, 30)),
        ("7:30", time(7, 30)),
        ("19.05", time(19, 5)),
        (" 0:00 ", time(0, 0)),
        ("23:59", time(23, 59)),
        ("6h15", time(6, 15)),
    ],
)
def test_parse_time(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "7", "7:5", "12:60", "noon", "", "7:30pm"])
def test_parse_time_refuses(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon,wed,fri", {0, 2, 4}),
        ("Mon Wed  Fri", {0, 2, 4}),
        ("monday and thursday", {0, 3}),
        ("weekdays", set(WEEKDAYS)),
        ("daily", set(ALL_DAYS)),
        ("every day", set(ALL_DAYS)),
        ("weekends", {5, 6}),
        ("mon-fri", set(WEEKDAYS)),
        ("fri-mon", {4, 5, 6, 0}),
        ("tues, thurs", {1, 3}),
        ("sat,sat", {5}),
    ],
)
def test_parse_days(text: str, expected: set[int]) -> None:
    assert parse_days(text) == expected


@pytest.mark.parametrize("text", ["", "someday", "mon,xyz", ",", "mo"])
def test_parse_days_refuses(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_days(text)


def test_days_round_trip_through_their_canonical_text() -> None:
    for text in ("daily", "weekdays", "weekends", "mon,wed,fri", "sun", "tue,sat"):
        assert format_days(parse_days(text)) == text
    assert describe_days(parse_days("mon,wed,fri")) == "on Mon, Wed and Fri"
    assert describe_days(parse_days("daily")) == "every day"
    assert describe_days(parse_days("sun")) == "on Sun"


def test_timezones() -> None:
    assert parse_timezone("europe/london") == LONDON
    assert parse_timezone("America/New York") == NEW_YORK
    with pytest.raises(ScheduleError):
        parse_timezone("Mars/Olympus")
    with pytest.raises(ScheduleError):
        parse_timezone("")


def test_timezone_choices() -> None:
    assert "Europe/London" in timezone_choices("london")
    assert timezone_choices("new yor")[0] == "America/New_York"
    assert "Australia/Sydney" in timezone_choices("sydny")
    for typed in ("", "a", "europe", "zzzzzz", "x" * 300):
        offered = timezone_choices(typed)
        assert len(offered) <= 25
        for name in offered:
            parse_timezone(name)


def test_next_occurrence_is_strictly_after_and_on_a_chosen_day() -> None:
    days = parse_days("mon,wed,fri")
    # Tuesday 2026-06-09 12:00 UTC = 13:00 in London (BST).
    now = utc(2026, 6, 9, 12, 0)
    first = next_occurrence(time(7, 30), days, LONDON, now)
    assert first == utc(2026, 6, 10, 6, 30)  # Wednesday 07:30 BST
    second = next_occurrence(time(7, 30), days, LONDON, first)
    assert second == utc(2026, 6, 12, 6, 30)  # Friday
    # Exactly at the instant: the next one, never the same again.
    assert next_occurrence(time(7, 30), days, LONDON, second) > second


def test_later_the_same_local_day() -> None:
    now = utc(2026, 1, 14, 8, 0)  # Wednesday 03:00 in New York (EST, UTC-5)
    assert next_occurrence(time(18, 0), ALL_DAYS, NEW_YORK, now) == utc(2026, 1, 14, 23, 0)


def test_local_date_differs_from_utc_date() -> None:
    # 2026-03-02 (Monday) 22:00 UTC is already Tuesday 09:00 in Sydney (AEDT, UTC+11).
    now = utc(2026, 3, 2, 22, 0)
    fired = next_occurrence(time(6, 0), {1}, SYDNEY, now)  # Tuesdays 06:00 Sydney
    assert fired.astimezone(SYDNEY).date() == date(2026, 3, 10)
    assert fired == utc(2026, 3, 9, 19, 0)


def test_requires_aware_after() -> None:
    with pytest.raises(ValueError):
        next_occurrence(time(7, 0), ALL_DAYS, LONDON, datetime(2026, 1, 1))


def _every_day_fires(at: time, zone: ZoneInfo, start: datetime, days: int) -> list[datetime]:
    fired = []
    moment = start
    for _ in range(days):
        moment = next_occurrence(at, ALL_DAYS, zone, moment)
        fired.append(moment)
    return fired


@pytest.mark.parametrize(
    ("zone", "spring", "autumn"),
    [
        (LONDON, date(2026, 3, 29), date(2026, 10, 25)),
        (NEW_YORK, date(2026, 3, 8), date(2026, 11, 1)),
        (SYDNEY, date(2026, 10, 4), date(2026, 4, 5)),
    ],
)
def test_normal_times_keep_their_wall_clock_across_changes(
    zone: ZoneInfo, spring: date, autumn: date
) -> None:
    for change in (spring, autumn):
        start = datetime.combine(change - timedelta(days=3), time(12, 0), tzinfo=zone)
        for fired in _every_day_fires(time(7, 0), zone, start, 7):
            assert fired.astimezone(zone).time() == time(7, 0)
        # One firing per day, 23 or 25 hours apart around the change.
        fired = _every_day_fires(time(7, 0), zone, start, 6)
        gaps = {(b - a) for a, b in pairwise(fired)}
        assert gaps <= {timedelta(hours=23), timedelta(hours=24), timedelta(hours=25)}


@pytest.mark.parametrize(
    ("zone", "day", "skipped", "expected_local"),
    [
        (LONDON, date(2026, 3, 29), time(1, 30), time(2, 30)),  # 01:00 -> 02:00
        (NEW_YORK, date(2026, 3, 8), time(2, 15), time(3, 15)),  # 02:00 -> 03:00
        (SYDNEY, date(2026, 10, 4), time(2, 45), time(3, 45)),  # 02:00 -> 03:00
    ],
)
def test_skipped_local_time_fires_once_shifted_forward(
    zone: ZoneInfo, day: date, skipped: time, expected_local: time
) -> None:
    assert is_skipped(day, skipped, zone)
    start = datetime.combine(day - timedelta(days=1), time(12, 0), tzinfo=zone)
    fired = _every_day_fires(skipped, zone, start, 3)
    assert [f.astimezone(zone).date() for f in fired] == [day + timedelta(days=i) for i in range(3)]
    assert fired[0].astimezone(zone).time() == expected_local
    assert fired[1].astimezone(zone).time() == skipped  # back to normal the day after


@pytest.mark.parametrize(
    ("zone", "day", "twice"),
    [
        (LONDON, date(2026, 10, 25), time(1, 30)),  # 02:00 -> 01:00
        (NEW_YORK, date(2026, 11, 1), time(1, 30)),  # 02:00 -> 01:00
        (SYDNEY, date(2026, 4, 5), time(2, 30)),  # 03:00 -> 02:00
    ],
)
def test_repeated_local_time_fires_once_at_the_first(
    zone: ZoneInfo, day: date, twice: time
) -> None:
    assert is_ambiguous(day, twice, zone)
    start = datetime.combine(day - timedelta(days=1), time(12, 0), tzinfo=zone)
    fired = _every_day_fires(twice, zone, start, 2)
    first_occurrence = datetime.combine(day, twice, tzinfo=zone).astimezone(UTC)
    second_occurrence = datetime.combine(day, twice, tzinfo=zone).replace(fold=1).astimezone(UTC)
    assert second_occurrence - first_occurrence == timedelta(hours=1)
    assert fired[0] == first_occurrence
    assert fired[1].astimezone(zone).date() == day + timedelta(days=1)


def test_ordinary_times_are_neither_skipped_nor_ambiguous() -> None:
    assert not is_skipped(date(2026, 3, 29), time(7, 0), LONDON)
    assert not is_ambiguous(date(2026, 10, 25), time(7, 0), LONDON)
    assert not is_ambiguous(date(2026, 3, 29), time(1, 30), LONDON)  # skipped, not repeated
