"""When the database is locked, gone or unreachable: StoreUnavailable, logged once, nothing
half-written; and the store recovers by itself."""

from __future__ import annotations

import itertools
import logging
import sqlite3

import pytest
import sqlalchemy as sa

from t2bot.storage import Store, StoreUnavailable
from tests.t2bot.storage.conftest import postgres_url

ALICE, BOB = 111_111_111_111_111_111, 222_222_222_222_222_222
#: Each save below is a separate Save tap (saves are idempotent per tap, see test_idempotent).
TAPS = itertools.count()
GUILD = 900_000_000_000_000_001


async def save(store: Store, user_id: int = ALICE):
    return await store.save_result(
        user_id=user_id,
        guild_id=GUILD,
        urgency="soon",
        contributor_ids=["bike_fit"],
        tip_ids=["rest"],
        knowledge_version="v1",
        idempotency_key=f"tap{next(TAPS)}",
    )


@pytest.fixture
async def sqlite_store(tmp_path):
    path = tmp_path / "busy.sqlite3"
    store = Store(f"sqlite:///{path}", lock_timeout=0.2)
    await store.start()
    try:
        yield store, path
    finally:
        await store.close()


async def test_writes_fail_with_store_unavailable_while_another_process_writes(
    sqlite_store, caplog
) -> None:
    store, path = sqlite_store
    await save(store)
    await store.set_followup(ALICE, GUILD, (await store.history(ALICE))[0].saved_utc)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    caplog.set_level(logging.DEBUG, logger="t2bot.storage")
    try:
        with pytest.raises(StoreUnavailable):
            await save(store, BOB)
        with pytest.raises(StoreUnavailable):
            await store.delete_member(ALICE)
        with pytest.raises(StoreUnavailable):
            await store.update_guild_settings(GUILD, retention_days=5)
        # Reading still works while someone writes (WAL).
        assert len(await store.history(ALICE)) == 1
    finally:
        other.rollback()
        other.close()

    assert await store.history(BOB) == []
    assert len(await store.history(ALICE)) == 1 and await store.followup_for(ALICE) is not None
    assert (await store.guild_settings(GUILD)).retention_days == 180
    assert await store.delete_member(ALICE) == 2

    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "database unavailable" in warnings[0].getMessage()
    assert any("available again" in r.getMessage() for r in caplog.records)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert str(ALICE) not in logged and str(BOB) not in logged and "INSERT" not in logged


async def test_a_damaged_database_file_is_store_unavailable(tmp_path) -> None:
    path = tmp_path / "damaged.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    store = Store(f"sqlite:///{path}", lock_timeout=0.2)
    with pytest.raises(StoreUnavailable):
        await store.start()
    await store.close()


async def test_a_failure_half_way_through_undoes_the_whole_operation(sqlite_store) -> None:
    store, path = sqlite_store
    await save(store)
    await store.set_followup(ALICE, None, (await store.history(ALICE))[0].saved_utc)
    other = sqlite3.connect(path, isolation_level=None)
    # The last table delete_member touches refuses: the earlier deletes must be undone.
    other.execute(
        "CREATE TRIGGER refuse BEFORE DELETE ON followup BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    other.close()
    with pytest.raises(sa.exc.DBAPIError):
        await store.delete_member(ALICE)
    assert len(await store.history(ALICE)) == 1
    assert await store.followup_for(ALICE) is not None


async def test_an_unreachable_server_is_store_unavailable_on_start() -> None:
    store = Store("postgresql://t2bot:secret@127.0.0.1:9/nothing", lock_timeout=0.5)
    with pytest.raises(StoreUnavailable) as raised:
        await store.start()
    assert "secret" not in str(raised.value)
    await store.close()


async def test_a_restarted_postgresql_server_costs_no_request() -> None:
    """Connections the server dropped are noticed and replaced before use (pre-ping)."""
    url = postgres_url()
    store = Store(url)
    await store.start()
    try:
        await save(store)
        with sa.create_engine(store.url).connect() as admin:
            killed = admin.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = 't2bot' AND pid <> pg_backend_pid()"
                )
            ).scalar()
        assert killed >= 1
        assert len(await store.history(ALICE)) == 1
    finally:
        await store.close()
