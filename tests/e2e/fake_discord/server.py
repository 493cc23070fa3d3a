"""A loopback fake of Discord: REST under ``/api/v10`` and the gateway, on 127.0.0.1 only.

It runs in its own thread with its own event loop, so plain (synchronous) tests drive it while a
real bot process talks to it. Every REST call is recorded; every message the bot sends is checked
against Discord's documented limits; interactions must be answered within the 3-second window
like on Discord (a late or refused callback is what members see as "This interaction failed").
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.e2e.fake_discord.gateway import GatewayEvent, GatewayMixin, Session
from tests.e2e.fake_discord.interactions import InteractionsMixin
from tests.e2e.fake_discord.members import MembersMixin
from tests.e2e.fake_discord.model import Call, InteractionRecord
from tests.e2e.fake_discord.payloads import FakeUser, snowflake
from tests.e2e.fake_discord.rest import API, Fault, Handler, RestMixin
from tests.e2e.fake_discord.webhooks import CALLBACK_WINDOW, WebhookMixin

HOST = "127.0.0.1"


class FakeDiscord(GatewayMixin, InteractionsMixin, MembersMixin, RestMixin, WebhookMixin):
    """The fake server. ``start()`` it, point a bot at ``address``, drive it from tests."""

    def __init__(
        self,
        *,
        token: str | None = None,
        heartbeat_ms: int = 41_250,
        callback_window: float = CALLBACK_WINDOW,
        multi_session: bool = False,
    ) -> None:
        """``multi_session``: several bot processes stay connected at once (a new IDENTIFY
        does not end the other sessions); a test picks the receiving one with ``via``."""
        self.token = token or f"MTE.fake-{secrets.token_urlsafe(24)}.{secrets.token_urlsafe(27)}"
        self.heartbeat_ms = heartbeat_ms
        self.callback_window = callback_window
        self.app_id = snowflake()
        self.bot_user = FakeUser(self.app_id, "T2 Bot", bot=True)
        self.owner = FakeUser(snowflake(), "club_owner_account", "Club Owner", admin=True)
        self.guild_id = snowflake()
        self.channel_id = snowflake()
        self.guild_name = "Tri Club"
        #: Servers besides ``guild_id`` (``add_guild``), e.g. one per shard.
        self.more_guilds: list[int] = []
        self.users: dict[int, FakeUser] = {self.owner.id: self.owner}
        # Recorded state (guarded by self._cond).
        self._cond = threading.Condition()
        self.calls: list[Call] = []
        self.messages: dict[int, dict[str, Any]] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self._by_token: dict[str, InteractionRecord] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.command_puts = 0
        self.dm_channels: dict[int, int] = {}  # channel id -> user id
        self.dms: dict[int, list[int]] = {}  # user id -> message ids
        #: Whether the bot may read the channel's history (replies need it; Discord: 50013).
        self.bot_reads_history = True
        self.gateway_log: list[GatewayEvent] = []
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        self.multi_session = multi_session
        #: The session members' interactions go to (``via``); None: the newest.
        self.target: Session | None = None
        self.ready_count = 0
        self.faults: list[Fault] = []
        self.refuse_resume = False
        self._resume_gate = asyncio.Event()
        self._resume_gate.set()
        self.ack_heartbeats = True
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = self._route_table()
        #: Called on the fake's loop after every REST call (the benchmark waits on them).
        self.call_hooks: list[Callable[[Call], None]] = []

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"

    def start(self) -> FakeDiscord:
        started = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._serve())
            except BaseException as exc:
                failure.append(exc)
                started.set()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-discord", daemon=True)
        self._thread.start()
        started.wait(10)
        if failure:
            raise failure[0]
        return self

    async def _serve(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway/", self._gateway)
        app.router.add_get("/gateway/resume/", self._gateway)
        app.router.add_route("*", API + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        if self._loop is None:
            return

        async def shutdown() -> None:
            for session in self.sessions.values():
                if session.connection is not None:
                    with contextlib.suppress(Exception):
                        await session.connection.ws.close(code=1001)
            if self._runner is not None:
                await self._runner.cleanup()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = None

    def _run(self, coro: Any, timeout: float = 10.0) -> Any:
        assert self._loop is not None, "the fake is not running"
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def add_user(
        self,
        username: str,
        global_name: str | None = None,
        *,
        admin: bool = False,
        permissions: int | None = None,
        accepts_dms: bool = True,
    ) -> FakeUser:
        user = FakeUser(
            snowflake(),
            username,
            global_name,
            admin=admin,
            accepts_dms=accepts_dms,
            permissions=permissions,
        )
        with self._cond:
            self.users[user.id] = user
        return user

    def _wait(
        self,
        predicate: Callable[[], bool],
        timeout: float,
        what: str,
        alive: Callable[[], bool] | None = None,
        raise_on_timeout: bool = True,
    ) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    if raise_on_timeout:
                        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
                    return
                if alive is not None and not alive():
                    raise AssertionError(f"the bot process ended while waiting for {what}")
                self._cond.wait(min(left, 0.2))

    def _log(self, kind: str, **detail: Any) -> None:
        with self._cond:
            self.gateway_log.append(GatewayEvent(kind, detail))
            self._cond.notify_all()
