"""Issue 15 hardening: a locked or hung database does not hold unrelated calls; no password in
any output; a double tap saves once; deleted data does not linger in the SQLite files; the
SQLite files are private."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sqlite3
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from t2bot.console.history import ConsoleHistory
from t2bot.settings import Settings
from t2bot.storage import Store, StoreBusy, StoreConfigError, StoreUnavailable
from t2bot.storage.database import normalize_url, scrub
from tests.t2bot.storage.conftest import postgres_url

ALICE, BOB = 111_111_111_111_111_111, 222_222_222_222_222_222
GUILD = 900_000_000_000_000_001
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
GUARD = 60  # seconds; only against a hang, nothing is timed this closely


async def save(store: Store, user_id: int = ALICE, **overrides):
    values = dict(
        user_id=user_id,
        guild_id=GUILD,
        urgency=None,
        contributor_ids=["bike_fit"],
        tip_ids=["rest"],
        knowledge_version="v1",
    )
    values.update(overrides)
    return await store.save_result(**values)


# ---------------------------------------------------------------- item 3: locked / hung database


async def test_reads_answer_while_queued_writes_wait_for_a_locked_sqlite(tmp_path) -> None:
    path = tmp_path / "locked.sqlite3"
    # Each write waits up to 30 s for the lock: with the writes holding every thread, a read
    # would be answered after the first 30 s at best.
    store = Store(f"sqlite:///{path}", lock_timeout=30.0)
    await store.start()
    try:
        await save(store, idempotency_key="first")
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            writes = [
                asyncio.create_task(save(store, idempotency_key=f"tap{n}")) for n in range(100)
            ]
            await asyncio.sleep(0)  # every write is queued (or refused) now
            history = await asyncio.wait_for(store.history(ALICE), 10)
            assert len(history) == 1
            assert not any(task.done() and task.exception() is None for task in writes)
            refused = [t for t in writes if t.done() and isinstance(t.exception(), StoreBusy)]
            assert refused, "a full write queue must refuse new writes at once"
            assert isinstance(refused[0].exception(), StoreUnavailable)  # callers handle it
        finally:
            other.rollback()
            other.close()
        results = await asyncio.wait_for(asyncio.gather(*writes, return_exceptions=True), GUARD)
        saved = [r for r in results if not isinstance(r, BaseException)]
        assert all(isinstance(r, StoreBusy) for r in results if isinstance(r, BaseException))
        assert saved and len(await store.history(ALICE, limit=200)) == 1 + len(saved)
    finally:
        await store.close()


class FreezingProxy:
    """Forwards 127.0.0.1:port to ``target``; ``freeze()`` keeps every connection open but stops
    forwarding bytes (a hung server: nothing is refused, nothing answers)."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.flowing = threading.Event()
        self.flowing.set()
        self.sockets: list[socket.socket] = []
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def freeze(self) -> None:
        self.flowing.clear()

    def thaw(self) -> None:
        self.flowing.set()

    def close(self) -> None:
        self.flowing.set()
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                return
            upstream.settimeout(None)
            self.sockets += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                self.flowing.wait()
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)


async def test_a_hung_postgresql_fails_with_store_unavailable_instead_of_hanging(caplog) -> None:
    url = normalize_url(postgres_url())
    proxy = FreezingProxy((url.host or "127.0.0.1", url.port or 5432))
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    store = Store(proxied, lock_timeout=0.5, call_timeout=3.0)
    await store.start()
    try:
        await save(store)
        proxy.freeze()
        # A pooled connection (the read), and a new connection (the write, other threads).
        for call in (store.history(ALICE), save(store, user_id=BOB), store.guild_settings(GUILD)):
            with pytest.raises(StoreUnavailable):
                await asyncio.wait_for(call, GUARD)
        proxy.thaw()
        for _ in range(10):  # the interrupted connections are replaced
            with contextlib.suppress(StoreUnavailable):
                assert len(await asyncio.wait_for(store.history(ALICE), GUARD)) == 1
                break
        else:
            pytest.fail("the store did not recover after the server came back")
    finally:
        await store.close()
        proxy.close()
    assert url.password and str(url.password) not in caplog.text


def test_postgresql_gets_client_timeouts() -> None:
    from t2bot.storage.database import postgres_connect_args

    args = postgres_connect_args(2.0)
    assert args["connect_timeout"] >= 2 and args["keepalives"] == 1
    assert args["tcp_user_timeout"] > 0
    assert "statement_timeout=10000" in args["options"] and "lock_timeout=2000" in args["options"]


# ---------------------------------------------------------------- item 10: no password shown


def test_the_console_never_prints_the_database_password() -> None:
    url = normalize_url(postgres_url())
    assert url.password
    raw = url.render_as_string(hide_password=False)
    history = ConsoleHistory(Settings(database_url=raw))
    try:

        class Kb:
            version = "v1"

        class Result:
            contributors = ()
            tips = ()

        message = history.save(Kb(), Result())
    finally:
        history.close()
    assert message.startswith("Saved")
    assert f":{url.password}@" not in message and "***" in message
    assert f":{url.password}@" not in repr(Settings(database_url=raw))


def test_a_raw_at_sign_in_the_password_is_explained_without_showing_it() -> None:
    with pytest.raises(StoreConfigError) as raised:
        Store("postgresql://t2bot:pa@ss-Secret9@127.0.0.1:5432/t2bot")
    assert "%40" in str(raised.value)
    assert "Secret9" not in str(raised.value) and "ss-" not in str(raised.value)


def test_a_port_that_is_not_a_number_is_a_clear_message() -> None:
    with pytest.raises(StoreConfigError) as raised:
        Store("postgresql://t2bot:s3cret@db.example.org:fivefourthree/t2bot")
    assert "port" in str(raised.value) and "s3cret" not in str(raised.value)


def test_error_texts_lose_the_password_in_any_spelling() -> None:
    url = normalize_url("postgresql://t2bot:p%40ss%2Fw0rd@db.example.org/t2bot")
    text = "could not connect with p@ss/w0rd (also p%40ss%2Fw0rd)"
    assert "w0rd" not in scrub(text, url)


async def test_an_unreachable_server_with_a_password_logs_no_password(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    store = Store("postgresql://t2bot:Hidden-Secret9@127.0.0.1:9/t2bot", lock_timeout=0.5)
    with pytest.raises(StoreUnavailable) as raised:
        await store.start()
    await store.close()
    assert "Hidden-Secret9" not in str(raised.value) and "Hidden-Secret9" not in caplog.text
    assert "Hidden-Secret9" not in repr(store)


# ---------------------------------------------------------------- item 13: a double tap


async def test_tapping_save_again_and_again_saves_once(store) -> None:
    first = await save(store)
    again = [await save(store) for _ in range(99)]
    at_once = await asyncio.gather(*(save(store) for _ in range(10)))
    assert {r.id for r in [*again, *at_once]} == {first.id}
    assert len(await store.history(ALICE, limit=200)) == 1
    # Another result, or another member, is another save.
    assert (await save(store, tip_ids=[])).id != first.id
    assert (await save(store, user_id=BOB)).id != first.id
    assert len(await store.history(ALICE, limit=200)) == 2


async def test_an_idempotency_key_decides_what_the_same_save_is(store) -> None:
    one = await save(store, idempotency_key="1234567890:save")
    assert (await save(store, idempotency_key="1234567890:save")).id == one.id
    two = await save(store, idempotency_key="1234567891:save")
    assert two.id != one.id and len(await store.history(ALICE)) == 2
    with pytest.raises(ValueError):
        await save(store, idempotency_key="my back hurts")


# ---------------------------------------------------------------- item 15: deleted means gone


def sqlite_bytes(path: Path) -> bytes:
    return b"".join(
        file.read_bytes()
        for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal"))
        if file.exists()
    )


async def test_deleted_member_data_is_not_left_in_the_sqlite_files(tmp_path) -> None:
    path = tmp_path / "gone.sqlite3"
    store = Store(f"sqlite:///{path}")
    await store.start()
    try:
        await save(store, contributor_ids=["zz_marker_contributor"], tip_ids=["zz_marker_tip"])
        await store.set_reminder(
            user_id=ALICE,
            guild_id=GUILD,
            focus="hips",
            minutes=5,
            local_time="07:00",
            days=[0],
            timezone="America/Argentina/Buenos_Aires",
            next_due_utc=NOW,
        )
        await store.set_followup(ALICE, GUILD, NOW)
        await save(store, user_id=BOB)
        before = sqlite_bytes(path)
        assert b"zz_marker_contributor" in before and b"Buenos_Aires" in before
        assert await store.delete_member(ALICE) == 3
        after = sqlite_bytes(path)  # while the bot still runs
    finally:
        await store.close()
    for secret in (b"zz_marker_contributor", b"zz_marker_tip", b"Buenos_Aires"):
        assert secret not in after, secret
    assert ALICE.to_bytes(8, "big") not in after
    assert BOB.to_bytes(8, "big") in sqlite_bytes(path)  # the others' data is still there


# ---------------------------------------------------------------- item 16: private files


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_world_readable_database_is_made_private_on_start(tmp_path) -> None:
    path = tmp_path / "restored.sqlite3"
    backup = sqlite3.connect(path)
    backup.execute("PRAGMA journal_mode = WAL")
    backup.execute("CREATE TABLE t (x)")
    backup.commit()
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        os.chmod(file, 0o644)  # a restored backup
    backup.close()
    Path(f"{path}-wal").touch(mode=0o644)
    os.chmod(f"{path}-wal", 0o644)
    store = Store(f"sqlite:///{path}")
    await store.start()
    try:
        await save(store)
        assert mode(path) == 0o600
        for end in ("-wal", "-shm"):
            companion = Path(f"{path}{end}")
            if companion.exists():
                assert mode(companion) == 0o600, end
    finally:
        await store.close()


async def test_a_database_that_cannot_be_made_private_is_refused(tmp_path, monkeypatch) -> None:
    path = tmp_path / "foreign.sqlite3"
    sqlite3.connect(path).close()
    os.chmod(path, 0o644)

    def refuse(*_args, **_kwargs):
        raise PermissionError("not the owner")

    monkeypatch.setattr("t2bot.storage.database.os.chmod", refuse)
    store = Store(f"sqlite:///{path}")
    with pytest.raises(StoreConfigError) as raised:
        await store.start()
    await store.close()
    assert "chmod 600" in str(raised.value)


# ---------------------------------------------------------------- item 8: a reminder DMed once


async def test_an_occurrence_started_by_one_worker_is_never_sent_by_another(store) -> None:
    from datetime import timedelta

    reminder = await store.set_reminder(
        user_id=ALICE,
        guild_id=GUILD,
        focus="hips",
        minutes=5,
        local_time="07:00",
        days=[0],
        timezone="UTC",
        next_due_utc=NOW,
    )
    (claimed,) = await store.claim_due_reminders(NOW, worker="w1", lease_seconds=60)
    assert not claimed.in_doubt
    assert not await store.reminder_sending(reminder.id, worker="w2", now_utc=NOW)  # not w2's
    assert await store.reminder_sending(reminder.id, worker="w1", now_utc=NOW)
    assert not await store.reminder_sending(reminder.id, worker="w1", now_utc=NOW)  # once
    # w1 sends the DM, then dies (or reminder_sent fails on a locked database): the lease ends.
    later = NOW + timedelta(seconds=61)
    (again,) = await store.claim_due_reminders(later, worker="w2", lease_seconds=60)
    assert again.id == reminder.id and again.in_doubt
    assert not await store.reminder_sending(reminder.id, worker="w2", now_utc=later)
    await store.reminder_sent(reminder.id, NOW + timedelta(days=7))  # skipped, rescheduled
    (next_week,) = await store.claim_due_reminders(NOW + timedelta(days=7), worker="w2")
    assert not next_week.in_doubt
    assert await store.reminder_sending(reminder.id, worker="w2", now_utc=NOW + timedelta(days=7))


async def test_a_caller_that_stops_waiting_does_not_interrupt_the_call(tmp_path: Path) -> None:
    """A read given up by its caller (the first screen waits only briefly for the server's
    settings) finishes in the background instead of being interrupted (on PostgreSQL that
    would throw its connection away), and the worker threads keep serving calls."""
    import sqlalchemy as sa

    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    await store.start()
    started, finished = threading.Event(), threading.Event()
    outcome: list[object] = []
    count = sa.text(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) "
        "SELECT count(*) FROM n"
    )

    def slow(session) -> int:
        started.set()
        try:
            outcome.append(session.execute(count).scalar_one())
        except Exception as exc:
            outcome.append(exc)
        finally:
            finished.set()
        return 1

    try:
        waiting = asyncio.create_task(store.db.read(slow))
        await asyncio.to_thread(started.wait, 30)
        waiting.cancel()  # the caller gives up, as asyncio.wait_for does
        with contextlib.suppress(asyncio.CancelledError):
            await waiting
        assert await asyncio.to_thread(finished.wait, 60)
        assert outcome == [3000000], outcome
        for _ in range(20):  # every reader thread, including the one that ran ``slow``
            assert (await store.guild_settings(42)).emergency_number is None
    finally:
        await store.close()


async def test_a_virtual_clock_jump_does_not_fire_the_time_limit(
    tmp_path: Path, monkeypatch
) -> None:
    """simcord's advance_time replaces ``time.monotonic``; an hour jumped while a call works
    must not end it as "did not answer within 15 s" (the limit is real time)."""
    import time as time_module

    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}", call_timeout=15.0)
    await store.start()
    started, jumped = threading.Event(), threading.Event()
    real_monotonic = time_module.monotonic

    def slow(_session) -> int:
        started.set()
        assert jumped.wait(30)
        time_module.sleep(3 * 0.25)  # a few watchdog ticks see the jumped clock
        return 1

    try:
        working = asyncio.create_task(store.db.read(slow))
        await asyncio.to_thread(started.wait, 30)
        monkeypatch.setattr(time_module, "monotonic", lambda: real_monotonic() + 3600)
        jumped.set()
        assert await working == 1
    finally:
        monkeypatch.setattr(time_module, "monotonic", real_monotonic)
        await store.close()
