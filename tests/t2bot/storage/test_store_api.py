"""The store's API, the same on a SQLite file, in-memory SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from t2bot.storage import GuildSettings, Store
from t2bot.storage.models import MEMBER_TABLES, METADATA, SavedResultRow
from t2bot.storage.store import MAX_SAVED_PER_MEMBER

ALICE, BOB = 111_111_111_111_111_111, 222_222_222_222_222_222
#: Each save below is a separate Save tap (saves are idempotent per tap, see test_idempotent).
TAPS = itertools.count()
GUILD, OTHER_GUILD = 900_000_000_000_000_001, 900_000_000_000_000_002
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


async def save(store: Store, user_id: int = ALICE, guild_id: int | None = GUILD, **overrides):
    values = dict(
        user_id=user_id,
        guild_id=guild_id,
        urgency=None,
        contributor_ids=["not_aero_adapted", "worn_shoes"],
        tip_ids=["build_aero_gradually"],
        knowledge_version="abc123",
        idempotency_key=f"tap{next(TAPS)}",
    )
    values.update(overrides)
    return await store.save_result(**values)


async def remind(store: Store, user_id: int = ALICE, due: datetime = NOW, **overrides):
    values = dict(
        user_id=user_id,
        guild_id=GUILD,
        focus="after_ride",
        minutes=10,
        local_time="07:30",
        days=[0, 2, 4],
        timezone="Europe/Berlin",
        next_due_utc=due,
    )
    values.update(overrides)
    return await store.set_reminder(**values)


def backdate(store: Store, result_id: int, when: datetime) -> None:
    """Pretend a result was saved at ``when`` (the API always uses the current time)."""
    with store._engine.begin() as connection:
        connection.execute(
            sa.update(SavedResultRow.__table__)
            .where(SavedResultRow.__table__.c.id == result_id)
            .values(saved_utc=when)
        )


async def test_saved_results_come_back_newest_first_and_only_the_members(store) -> None:
    first = await save(store, urgency="soon")
    second = await save(store, contributor_ids=["bike_fit"], tip_ids=[])
    await save(store, user_id=BOB)
    history = await store.history(ALICE)
    assert [r.id for r in history] == [second.id, first.id]
    assert history[1].urgency == "soon"
    assert history[1].contributor_ids == ("not_aero_adapted", "worn_shoes")
    assert history[0].tip_ids == ()
    assert history[0].user_id == ALICE and history[0].guild_id == GUILD
    assert history[0].saved_utc.tzinfo is not None
    assert abs(history[0].saved_utc - datetime.now(UTC)) < timedelta(minutes=5)
    assert [r.id for r in await store.history(ALICE, limit=1)] == [second.id]
    assert await store.history(333) == []


async def test_results_saved_in_dms_have_no_server(store) -> None:
    saved = await save(store, guild_id=None)
    assert saved.guild_id is None
    assert (await store.history(ALICE))[0].guild_id is None


@pytest.mark.parametrize(
    "field, value",
    [
        ("contributor_ids", ["My back hurts since Sunday"]),
        ("tip_ids", ["ok_id", "DROP TABLE"]),
        ("urgency", "call me at 555"),
        ("contributor_ids", ["x" * 40]),
        ("knowledge_version", ""),
    ],
)
async def test_free_text_is_never_stored(store, field, value) -> None:
    with pytest.raises(ValueError):
        await save(store, **{field: value})
    assert await store.history(ALICE) == []


async def test_history_keeps_only_the_newest_results_per_member(store, monkeypatch) -> None:
    monkeypatch.setattr("t2bot.storage.saved_results.MAX_SAVED_PER_MEMBER", 3)
    ids = [(await save(store)).id for _ in range(5)]
    await save(store, user_id=BOB)
    assert [r.id for r in await store.history(ALICE)] == ids[:-4:-1]
    assert len(await store.history(BOB)) == 1
    assert MAX_SAVED_PER_MEMBER >= 50  # the real cap is far above what a member reads


async def test_export_holds_every_row_about_the_member_and_nothing_else(store) -> None:
    await save(store, urgency="same_day")
    await save(store, user_id=BOB)
    await remind(store)
    await remind(store, user_id=BOB)
    await store.set_followup(ALICE, GUILD, NOW + timedelta(days=3))
    await store.update_guild_settings(GUILD, emergency_number="112")

    data = await store.export_member(ALICE)
    json.dumps(data)  # JSON-ready as it is
    assert data["user_id"] == str(ALICE)
    tables = data["tables"]
    assert set(tables) == {model.__tablename__ for model in MEMBER_TABLES}
    assert len(tables["saved_result"]) == 1 and len(tables["reminder"]) == 1
    assert len(tables["followup"]) == 1
    saved = tables["saved_result"][0]
    assert saved["user_id"] == str(ALICE) and saved["guild_id"] == str(GUILD)
    assert saved["urgency"] == "same_day"
    assert saved["contributor_ids"] == ["not_aero_adapted", "worn_shoes"]
    assert datetime.fromisoformat(saved["saved_utc"]).tzinfo is not None
    reminder = tables["reminder"][0]
    assert reminder["focus"] == "after_ride" and reminder["days"] == [0, 2, 4]
    assert reminder["timezone"] == "Europe/Berlin" and reminder["local_time"] == "07:30"
    assert tables["followup"][0]["due_utc"] == (NOW + timedelta(days=3)).isoformat()
    assert str(BOB) not in json.dumps(data)


def test_every_table_with_member_data_is_covered_by_export_and_delete() -> None:
    """A new table about members must have a user_id column, or export/delete would miss it."""
    member_tables = {model.__tablename__ for model in MEMBER_TABLES}
    assert set(METADATA.tables) - member_tables == {"guild_settings", "check_counter"}
    assert "user_id" not in METADATA.tables["guild_settings"].c
    assert "user_id" not in METADATA.tables["check_counter"].c


async def test_delete_member_removes_every_row_of_that_member_only(store) -> None:
    await save(store)
    await save(store, guild_id=OTHER_GUILD)
    await remind(store)
    await store.set_followup(ALICE, None, NOW)
    await save(store, user_id=BOB)
    await remind(store, user_id=BOB)
    await store.update_guild_settings(GUILD, allow_sharing=False)

    assert await store.delete_member(ALICE) == 4
    assert all(rows == [] for rows in (await store.export_member(ALICE))["tables"].values())
    assert await store.followup_for(ALICE) is None
    assert len(await store.history(BOB)) == 1 and len(await store.reminders_for(BOB)) == 1
    assert (await store.guild_settings(GUILD)).allow_sharing is False
    assert await store.delete_member(ALICE) == 0


async def test_purge_uses_each_servers_retention_and_the_default_elsewhere(store) -> None:
    await store.update_guild_settings(OTHER_GUILD, retention_days=30)
    kept_default = await save(store, guild_id=GUILD)
    expired_default = await save(store, guild_id=GUILD)
    expired_dm = await save(store, guild_id=None)
    kept_short = await save(store, guild_id=OTHER_GUILD)
    expired_short = await save(store, guild_id=OTHER_GUILD)
    backdate(store, kept_default.id, NOW - timedelta(days=179))
    backdate(store, expired_default.id, NOW - timedelta(days=181))
    backdate(store, expired_dm.id, NOW - timedelta(days=200))
    backdate(store, kept_short.id, NOW - timedelta(days=29))
    backdate(store, expired_short.id, NOW - timedelta(days=31))

    assert await store.purge_expired(NOW) == 3
    assert {r.id for r in await store.history(ALICE)} == {kept_default.id, kept_short.id}
    assert await store.purge_expired(NOW) == 0


async def test_purge_without_a_time_uses_now(store) -> None:
    old = await save(store)
    recent = await save(store)
    backdate(store, old.id, datetime.now(UTC) - timedelta(days=181))
    assert await store.purge_expired() == 1
    assert [r.id for r in await store.history(ALICE)] == [recent.id]


async def test_guild_settings_default_then_change(store) -> None:
    assert await store.guild_settings(GUILD) == GuildSettings(GUILD, None, 180, True)
    changed = await store.update_guild_settings(GUILD, emergency_number=" 144 ", retention_days=30)
    assert changed == GuildSettings(GUILD, "144", 30, True)
    changed = await store.update_guild_settings(GUILD, allow_sharing=False)
    assert changed == GuildSettings(GUILD, "144", 30, False)
    assert await store.guild_settings(GUILD) == changed
    reset = await store.update_guild_settings(GUILD, emergency_number=None, retention_days=None)
    assert reset == GuildSettings(GUILD, None, 180, False)
    assert await store.guild_settings(OTHER_GUILD) == GuildSettings(OTHER_GUILD, None, 180, True)


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"retention_days": 0}, ValueError),
        ({"retention_days": 3651}, ValueError),
        ({"retention_days": True}, ValueError),
        ({"emergency_number": "9" * 101}, ValueError),
        ({"allow_sharing": "yes"}, ValueError),
        ({"colour": "red"}, TypeError),
    ],
)
async def test_bad_guild_settings_are_refused(store, changes, error) -> None:
    with pytest.raises(error):
        await store.update_guild_settings(GUILD, **changes)
    assert await store.guild_settings(GUILD) == GuildSettings(GUILD, None, 180, True)


async def test_a_members_reminder_is_replaced_not_added(store) -> None:
    first = await remind(store)
    second = await remind(store, focus="hips", minutes=15, local_time="18:05", days=[6, 5, 5])
    reminders = await store.reminders_for(ALICE)
    assert [r.id for r in reminders] == [second.id] and second.id != first.id
    only = reminders[0]
    assert (only.focus, only.minutes, only.local_time, only.days) == ("hips", 15, "18:05", (5, 6))
    assert only.enabled and only.failure_reason is None and only.next_due_utc == NOW
    assert await store.delete_reminders(ALICE) == 1
    assert await store.reminders_for(ALICE) == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"focus": "Stretch my back please"},
        {"minutes": 0},
        {"local_time": "7:30"},
        {"local_time": "24:00"},
        {"days": []},
        {"days": [7]},
        {"timezone": "Mars/Olympus"},
        {"due": datetime(2025, 3, 1, 12, 0)},  # naive
    ],
)
async def test_bad_reminders_are_refused(store, overrides) -> None:
    with pytest.raises(ValueError):
        await remind(store, **overrides)
    assert await store.reminders_for(ALICE) == []


async def test_due_reminders_are_claimed_once_then_rescheduled(store) -> None:
    due = await remind(store, due=NOW - timedelta(minutes=1))
    await remind(store, user_id=BOB, due=NOW + timedelta(hours=1))  # not due yet

    claimed = await store.claim_due_reminders(NOW, worker="w1")
    assert [r.id for r in claimed] == [due.id]
    assert claimed[0].claimed_by == "w1" and claimed[0].lease_until_utc > NOW
    assert await store.claim_due_reminders(NOW, worker="w2") == []  # leased to w1

    await store.reminder_sent(due.id, NOW + timedelta(days=2))
    (after,) = await store.reminders_for(ALICE)
    assert after.next_due_utc == NOW + timedelta(days=2)
    assert after.claimed_by is None and after.lease_until_utc is None
    assert after.last_sent_utc is not None
    tomorrow = await store.claim_due_reminders(NOW + timedelta(days=1), worker="w2")
    assert [r.user_id for r in tomorrow] == [BOB]  # Alice's next one is not due yet
    await store.reminder_sent(tomorrow[0].id, NOW + timedelta(days=30))
    again = await store.claim_due_reminders(NOW + timedelta(days=2), worker="w2")
    assert [r.id for r in again] == [due.id]


async def test_a_crashed_workers_claim_expires(store) -> None:
    reminder = await remind(store, due=NOW)
    assert len(await store.claim_due_reminders(NOW, worker="crashes", lease_seconds=60)) == 1
    later = NOW + timedelta(seconds=30)
    assert await store.claim_due_reminders(later, worker="other") == []
    expired = NOW + timedelta(seconds=61)
    reclaimed = await store.claim_due_reminders(expired, worker="other")
    assert [(r.id, r.claimed_by) for r in reclaimed] == [(reminder.id, "other")]


async def test_claims_respect_the_limit_and_due_order(store) -> None:
    for offset in range(5):
        await remind(store, user_id=1000 + offset, due=NOW - timedelta(minutes=offset))
    first = await store.claim_due_reminders(NOW, worker="w", limit=2)
    assert [r.user_id for r in first] == [1004, 1003]
    rest = await store.claim_due_reminders(NOW, worker="w", limit=10)
    assert [r.user_id for r in rest] == [1002, 1001, 1000]


async def test_an_undeliverable_reminder_is_switched_off_with_its_reason(store) -> None:
    reminder = await remind(store, due=NOW)
    await store.claim_due_reminders(NOW, worker="w")
    await store.reminder_failed(reminder.id, "DMs closed " + "x" * 300)
    (after,) = await store.reminders_for(ALICE)
    assert not after.enabled and after.failure_reason.startswith("DMs closed")
    assert len(after.failure_reason) == 200 and after.claimed_by is None
    assert await store.claim_due_reminders(NOW + timedelta(days=9), worker="w") == []
    # Setting the reminder again starts afresh.
    assert (await remind(store, due=NOW)).enabled


async def test_followup_opt_in_is_stored_replaced_taken_once_and_cleared(store) -> None:
    await store.set_followup(ALICE, GUILD, NOW + timedelta(days=1))
    await store.set_followup(ALICE, GUILD, NOW + timedelta(days=2))
    await store.set_followup(BOB, None, NOW + timedelta(days=5))
    mine = await store.followup_for(ALICE)
    assert mine is not None and mine.due_utc == NOW + timedelta(days=2) and mine.guild_id == GUILD
    assert await store.take_due_followups(NOW + timedelta(days=1)) == []
    taken = await store.take_due_followups(NOW + timedelta(days=2))
    assert [f.user_id for f in taken] == [ALICE]
    assert await store.take_due_followups(NOW + timedelta(days=2)) == []
    assert await store.followup_for(ALICE) is None
    assert await store.clear_followup(BOB) == 1
    assert await store.clear_followup(BOB) == 0


async def test_store_must_be_started_first(db_url) -> None:
    store = Store(db_url)
    with pytest.raises(RuntimeError):
        await store.history(ALICE)
    await store.close()


async def test_a_closed_store_can_start_again(db_url) -> None:
    store = Store(db_url)
    await store.start()
    await save(store)
    await store.close()
    await store.close()  # twice is fine
    with pytest.raises(RuntimeError):
        await store.history(ALICE)
    await store.start()
    try:
        if db_url != "sqlite://":  # an in-memory database ends with its connections
            assert len(await store.history(ALICE)) == 1
    finally:
        await store.close()


def test_postgresql_url_variants_use_psycopg() -> None:
    from t2bot.storage.database import StoreConfigError, normalize_url

    assert normalize_url("postgresql://u:p@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("postgres://u:p@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("postgresql+psycopg://u:p@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("sqlite:///data/t2bot.sqlite3").database == "data/t2bot.sqlite3"
    for bad in ("", "not a url", "mysql://u:p@h/db"):
        with pytest.raises(StoreConfigError):
            normalize_url(bad)
