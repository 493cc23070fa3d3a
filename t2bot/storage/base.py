"""Transactions and worker threads shared by every aggregate.

Every database call runs in a worker thread, so the event loop never waits. Reads and writes have
separate threads: writes that wait for a lock (SQLite locked by another process, a busy
PostgreSQL row) never hold the threads that reads need. Both queues are bounded: when too many
calls wait already, a new one fails at once with ``StoreBusy`` instead of waiting its turn. Each
call has a time limit (queueing included); a call past it fails with ``StoreUnavailable`` and its
connection is interrupted, so a hung server cannot hold a thread for ever.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlmodel import Session

from t2bot.storage.database import WRITE_OPTION, is_memory, make_engine, scrub

log = logging.getLogger("t2bot.storage")
T = TypeVar("T")
Kind = Literal["read", "write"]

#: A database that fails again this soon after a warning is not warned about again.
OUTAGE_WARN_SECONDS = 300.0
#: Calls that may wait for a worker thread (beyond those running) before new ones are refused.
MAX_QUEUED_WRITES = 16
MAX_QUEUED_READS = 64
#: How often the watchdog looks for calls past their time limit (seconds).
WATCHDOG_TICK = 0.25


def _real_now() -> float:
    """Seconds on the machine's real clock. ``perf_counter``, not ``monotonic``: test harnesses
    with virtual time (simcord) replace ``time.monotonic``, and a jump of the virtual clock must
    not fire a database call's time limit while the call is still working."""
    return time.perf_counter()


#: Errors that mean "the database cannot be used right now", as opposed to a bug.
_UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError)


class StoreUnavailable(Exception):
    """The database cannot be used right now (locked, gone, unreachable). Nothing was written."""


class StoreBusy(StoreUnavailable):
    """Too many calls are already waiting for the database; this one was refused at once and
    nothing was written. Tell the member the bot is busy and to try again in a moment."""


class _Abandoned(Exception):
    """A queued call whose caller gave up: it never starts."""


class Database:
    """One engine, its worker threads, its transactions and its outage log."""

    def __init__(
        self,
        url: URL,
        *,
        lock_timeout: float,
        call_timeout: float | None = None,
        max_queued_writes: int = MAX_QUEUED_WRITES,
        max_queued_reads: int = MAX_QUEUED_READS,
    ) -> None:
        self.url = url
        self.dialect = url.get_backend_name()
        #: Longest a call may take, waiting for a thread included (past PostgreSQL's own
        #: statement_timeout, which is 5 × lock_timeout, so the server's limit comes first).
        self.call_timeout = call_timeout if call_timeout is not None else 6 * lock_timeout + 3
        self.engine = make_engine(url, lock_timeout=lock_timeout)
        self.writer = self.engine.execution_options(**{WRITE_OPTION: True})
        memory = is_memory(url)
        self._memory = memory
        # SQLite has one writer at a time anyway: one write thread; readers in parallel (WAL).
        # In-memory SQLite is one shared connection: one thread for everything.
        self._threads: dict[Kind, int] = {
            "read": 1 if memory else 3,
            "write": 1 if memory or self.dialect == "sqlite" else 3,
        }
        self._caps: dict[Kind, int] = {"read": max_queued_reads, "write": max_queued_writes}
        self._pending: dict[Kind, int] = {"read": 0, "write": 0}
        self._pending_lock = threading.Lock()
        self._pools: dict[Kind, ThreadPoolExecutor] = {}
        #: The DB-API connection each worker thread is using (set on checkout), to interrupt it.
        self._owned: dict[int, Any] = {}
        sa.event.listen(self.engine, "checkout", self._on_checkout)
        self._deadlines: dict[int, tuple[float, asyncio.AbstractEventLoop, Callable[[], None]]] = {}
        self._deadlines_lock = threading.Lock()
        self._tickets = 0
        self._watchdog: threading.Thread | None = None
        self.started = False
        self._down = False
        self._warned_at = -OUTAGE_WARN_SECONDS

    @property
    def shown_url(self) -> str:
        """The URL without its password, for messages."""
        return self.url.render_as_string(hide_password=True)

    # ------------------------------------------------------------------ lifecycle

    def open(self) -> None:
        if self._pools:
            return
        if self._memory:
            shared = ThreadPoolExecutor(max_workers=1, thread_name_prefix="t2store")
            self._pools = {"read": shared, "write": shared}
            return
        self._pools = {
            kind: ThreadPoolExecutor(max_workers=n, thread_name_prefix=f"t2store-{kind}")
            for kind, n in self._threads.items()
        }

    async def close(self) -> None:
        self.started = False
        pools, self._pools = self._pools, {}
        if not pools:
            return
        await asyncio.to_thread(self.engine.dispose)
        for pool in set(pools.values()):
            pool.shutdown(wait=False, cancel_futures=True)
        log.info("storage closed (%s)", self.dialect)

    # ------------------------------------------------------------------ transactions

    async def read(self, work: Callable[[Session], T]) -> T:
        """One read-only transaction."""
        return await self.run("read", in_session, self.engine, work)

    async def write(self, work: Callable[[Session], T], *, retry_conflict: bool = False) -> T:
        """One write transaction; with ``retry_conflict``, retried once if another process
        inserted the same member's row at the same moment."""
        try:
            return await self.run("write", in_session, self.writer, work)
        except sa.exc.IntegrityError:
            if not retry_conflict:
                raise
            return await self.run("write", in_session, self.writer, work)

    async def run(
        self,
        kind: Kind,
        function: Callable[..., T],
        *args: Any,
        timeout: float | Literal["default"] | None = "default",
    ) -> T:
        """``function(*args)`` in a ``kind`` worker thread; database outages (and a full queue,
        and the time limit) become ``StoreUnavailable``."""
        if not self.started or not self._pools:
            raise RuntimeError("Store.start() has not been awaited (or the store was closed)")
        limit = self.call_timeout if timeout == "default" else timeout
        with self._pending_lock:
            if self._pending[kind] >= self._threads[kind] + self._caps[kind]:
                busy = StoreBusy(f"too many {kind}s are waiting for the database")
                self._note_down(busy)
                raise busy
            self._pending[kind] += 1
        state = threading.Lock()
        thread: list[int] = []  # the worker thread's id, once the call started
        abandoned: list[bool] = []  # the caller gave up before the call started

        running: list[bool] = []  # non-empty while ``function`` runs in its thread

        def job() -> T:
            with state:
                if abandoned:
                    raise _Abandoned
                thread.append(threading.get_ident())
                running.append(True)
            try:
                return function(*args)
            finally:
                with state:
                    running.clear()  # from here on, the thread may serve another call
                self._owned.pop(thread[0], None)
                self._finished(kind)

        def give_up(*, interrupt: bool) -> None:
            with state:
                if running:
                    # Only this call's own time limit stops it where it waits; a caller that
                    # merely stopped waiting (asyncio.wait_for) lets it finish in the background.
                    if interrupt:
                        self._interrupt(thread)
                elif not thread:
                    abandoned.append(True)
                    self._finished(kind)

        # loop.run_in_executor awaited directly (no executor.submit, no asyncio.wait_for): test
        # harnesses with virtual time track work through it.
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pools[kind], job)
        expired: list[bool] = []

        def expire() -> None:
            expired.append(True)
            future.cancel()

        # The limit is real time (a hung server does not care about the loop's clock), kept by
        # the watchdog thread: no loop timer that a virtual clock could fire early.
        ticket = None if limit is None else self._watch(limit, loop, expire)
        try:
            result = await future
        except asyncio.CancelledError:
            give_up(interrupt=bool(expired))
            if not expired:
                raise
            timed_out = StoreUnavailable(f"the database did not answer within {limit:g} s")
            self._note_down(timed_out)
            raise timed_out from None
        except (sa.exc.DBAPIError, sa.exc.TimeoutError, sa.exc.DisconnectionError) as exc:
            if not is_unavailable(exc):
                raise
            unavailable = StoreUnavailable(self.reason(exc))
            self._note_down(unavailable)
            raise unavailable from exc
        finally:
            if ticket is not None:
                with self._deadlines_lock:
                    self._deadlines.pop(ticket, None)
        if self._down:
            self._down = False
            log.info("database available again")
        return result

    def reason(self, exc: BaseException) -> str:
        """A short cause without SQL, parameters (member ids) or the password."""
        cause = getattr(exc, "orig", None) or exc
        first = (str(cause).strip().splitlines() or [""])[0]
        return scrub(f"{type(cause).__name__}: {first[:160]}", self.url)

    # ------------------------------------------------------------------ internals

    def _watch(
        self, limit: float, loop: asyncio.AbstractEventLoop, expire: Callable[[], None]
    ) -> int:
        with self._deadlines_lock:
            self._tickets += 1
            self._deadlines[self._tickets] = (_real_now() + limit, loop, expire)
            if self._watchdog is None or not self._watchdog.is_alive():
                self._watchdog = threading.Thread(
                    target=self._watchdog_loop, name="t2store-watchdog", daemon=True
                )
                self._watchdog.start()
            return self._tickets

    def _watchdog_loop(self) -> None:
        while True:
            time.sleep(WATCHDOG_TICK)
            now = _real_now()
            with self._deadlines_lock:
                if not self._deadlines:
                    self._watchdog = None
                    return
                due = [t for t, (deadline, _, _) in self._deadlines.items() if deadline <= now]
                fired = [self._deadlines.pop(t) for t in due]
            for _, loop, expire in fired:
                with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                    loop.call_soon_threadsafe(expire)

    def _finished(self, kind: Kind) -> None:
        with self._pending_lock:
            self._pending[kind] -= 1

    def _on_checkout(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        self._owned[threading.get_ident()] = dbapi_connection
        if self.dialect != "postgresql":
            return
        # The pre-ping, here (after the connection is known) so that it can be interrupted too:
        # a connection the server dropped is replaced before use.
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            dbapi_connection.rollback()
        except Exception as exc:
            raise sa.exc.DisconnectionError() from exc

    def _interrupt(self, thread: list[int]) -> None:
        """Make the call running in ``thread`` fail now instead of waiting on."""
        raw = self._owned.get(thread[0]) if thread else None
        if raw is None:
            return
        with contextlib.suppress(Exception):
            if isinstance(raw, sqlite3.Connection):
                raw.interrupt()
                return
            # psycopg has no client-side query timeout: shut the socket down under it. The call
            # fails with OperationalError and the pool throws the connection away.
            fd = raw.pgconn.socket
            with socket.socket(fileno=os.dup(fd)) as sock:
                sock.shutdown(socket.SHUT_RDWR)

    def _note_down(self, exc: StoreUnavailable) -> None:
        """Warn once per outage; a database that flaps (one connection still works, another
        fails) is warned about at most once per ``OUTAGE_WARN_SECONDS``."""
        flapping = time.monotonic() - self._warned_at < OUTAGE_WARN_SECONDS
        if self._down or flapping:
            self._down = True
            log.debug("database still unavailable: %s", exc)
            return
        self._down = True
        self._warned_at = time.monotonic()
        log.warning(
            "database unavailable (%s): %s; members are told to try again", self.dialect, exc
        )


def is_unavailable(exc: Exception) -> bool:
    """Locked, timed out, unreachable, no free connection, damaged file: yes. Integrity, data
    and programming errors: no, those are bugs and propagate as they are."""
    if not isinstance(exc, sa.exc.DBAPIError):
        return True  # pool timeout, disconnection
    return isinstance(exc, _UNAVAILABLE) or type(exc) is sa.exc.DatabaseError


def in_session(engine: sa.Engine, work: Callable[[Session], T]) -> T:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        return work(session)
