"""The gateway half of the fake: sessions, sequence numbers, replay on RESUME, zlib-stream."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import string
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.e2e.fake_discord.payloads import guild_payload, snowflake

# Gateway opcodes.
DISPATCH = 0
HEARTBEAT = 1
IDENTIFY = 2
PRESENCE = 3
RESUME = 6
RECONNECT = 7
INVALID_SESSION = 9
HELLO = 10
HEARTBEAT_ACK = 11

CLOSE_AUTH_FAILED = 4004


class Connection:
    """One websocket from the bot; compresses with zlib-stream when the bot asked for it."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request) -> None:
        self.ws = ws
        self.request = request
        self.compress = request.query.get("compress")
        self._zlib = zlib.compressobj() if self.compress == "zlib-stream" else None
        self._lock = asyncio.Lock()
        self.session: Session | None = None
        self.heartbeats = 0

    async def send(self, payload: dict[str, Any]) -> None:
        text = json.dumps(payload, separators=(",", ":"))
        async with self._lock:
            if self.ws.closed:
                raise ConnectionResetError("gateway connection closed")
            if self._zlib is not None:
                data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(data)
            else:
                await self.ws.send_str(text)

    def abort(self) -> None:
        """Drop the TCP connection without a close frame (a network failure)."""
        transport = self.request.transport
        if transport is not None:
            transport.abort()


def _session_id() -> str:
    """32 random letters: a hex id may hold a run of 15+ digits, which the log-privacy tests
    would rightly take for a Discord id (it happened once in ~50 runs)."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(32))


@dataclass
class Session:
    id: str = field(default_factory=_session_id)
    seq: int = 0
    #: Every dispatch sent in this session, for replay on RESUME.
    sent: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None
    resumes: int = 0
    #: ``(shard_id, shard_count)`` from IDENTIFY; None: not sharded.
    shard: tuple[int, int] | None = None

    def serves(self, guild_id: int) -> bool:
        """Whether Discord would send this server's events in this session."""
        return self.shard is None or shard_of(guild_id, self.shard[1]) == self.shard[0]

    def next_dispatch(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        self.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.sent.append(payload)
        return payload


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's shard formula: the shard a server's events go to."""
    return (guild_id >> 22) % shard_count


@dataclass
class GatewayEvent:
    """A line of the gateway log the tests can read (what the bot sent and what happened)."""

    kind: str
    detail: dict[str, Any] = field(default_factory=dict)
    #: When it happened (monotonic): the benchmark reads heartbeat spacing from it.
    at: float = field(default_factory=time.monotonic)


class GatewayMixin:
    """Gateway side of ``FakeDiscord``: HELLO, IDENTIFY, heartbeats, RESUME, dispatches."""

    #: RESUME waits for this (see ``resumes_held``); set on the fake's loop.
    _resume_gate: asyncio.Event

    def wait_ready(
        self, after: int = 0, timeout: float = 30.0, alive: Callable[[], bool] | None = None
    ) -> None:
        """Wait until ``ready_count`` exceeds ``after`` (READY and GUILD_CREATE sent)."""
        self._wait(lambda: self.ready_count > after, timeout, "the bot to IDENTIFY", alive)

    def resumes(self) -> int:
        with self._cond:
            return sum(1 for e in self.gateway_log if e.kind == "resumed")

    def wait_resumed(self, after: int, timeout: float = 20.0) -> None:
        self._wait(lambda: self.resumes() > after, timeout, "the bot to RESUME")

    @contextlib.contextmanager
    def resumes_held(self) -> Iterator[None]:
        """Hold every RESUME the bot sends in this block until it ends, so what a test does
        while the bot is away is surely missed (and replayed), however fast it reconnects."""
        held = self._run(self._hold_resumes())
        try:
            yield
        finally:
            assert self._loop is not None
            self._loop.call_soon_threadsafe(held.set)

    async def _hold_resumes(self) -> asyncio.Event:
        self._resume_gate.clear()
        return self._resume_gate

    def gateway_events(self, kind: str | None = None) -> list[GatewayEvent]:
        with self._cond:
            return [e for e in self.gateway_log if kind is None or e.kind == kind]

    def drop_gateway(self, *, code: int | None = 4000, abort: bool = False) -> None:
        """Close the bot's gateway connection (close frame ``code``, or a TCP abort)."""

        async def drop() -> None:
            session = self.current
            conn = session.connection if session else None
            if conn is None:
                raise AssertionError("no gateway connection to drop")
            self._log("dropped", code=code, abort=abort)
            session.connection = None  # type: ignore[union-attr]
            if abort:
                conn.abort()
            else:
                await conn.ws.close(code=code or 1000, message=b"fake: dropped by test")

        self._run(drop())

    def send_reconnect(self) -> None:
        """Op 7 RECONNECT: Discord asks the bot to reconnect and resume."""

        async def send() -> None:
            assert self.current and self.current.connection
            await self.current.connection.send({"op": RECONNECT, "d": None, "s": None, "t": None})

        self._run(send())

    @contextlib.contextmanager
    def via(self, session: Session | None) -> Iterator[None]:
        """Send the events of this block (members' interactions) in ``session``: one bot
        process's gateway session (``BotProcess.session``) when several are connected, as
        Discord does with several instances or shards of a bot."""
        previous, self.target = self.target, session
        try:
            yield
        finally:
            self.target = previous

    def dispatch(self, event: str, data: dict[str, Any]) -> int:
        """Send a dispatch event in the target session (see ``via``), else the newest one;
        buffered for replay if disconnected."""
        return self._run(self._dispatch(event, data, self.target))

    async def _dispatch(
        self, event: str, data: dict[str, Any], session: Session | None = None
    ) -> int:
        session = session or self._session_for(data) or self.current
        if session is None:
            raise AssertionError("the bot has not identified yet")
        payload = session.next_dispatch(event, data)
        conn = session.connection
        if conn is not None:
            # A send that fails is replayed on RESUME, as Discord does.
            with contextlib.suppress(ConnectionError, RuntimeError):
                await conn.send(payload)
        return payload["s"]

    def _session_for(self, data: dict[str, Any]) -> Session | None:
        """With sharded sessions connected: the newest one on the shard of the event's server
        (routing by ``(guild_id >> 22) % shard_count``, as Discord does)."""
        guild = data.get("guild_id")
        if guild is None:
            return None
        with self._cond:
            sharded = [s for s in self.sessions.values() if s.shard is not None]
        for session in reversed(sharded):
            if session.serves(int(guild)):
                return session
        return None

    def guilds_for(self, session: Session) -> list[int]:
        """The servers whose GUILD_CREATE a session gets (all of them when not sharded)."""
        return [g for g in [self.guild_id, *self.more_guilds] if session.serves(g)]

    def add_guild(self, shard: tuple[int, int] | None = None) -> int:
        """Another server the bot is in (sent in READY to the sessions that serve it); with
        ``shard=(id, count)`` its id falls on that shard."""
        while True:
            guild = snowflake()
            if shard is None or shard_of(guild, shard[1]) == shard[0]:
                break
        with self._cond:
            self.more_guilds.append(guild)
        return guild

    def sessions_on(self, shard_id: int) -> list[Session]:
        with self._cond:
            return [s for s in self.sessions.values() if s.shard and s.shard[0] == shard_id]

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0, compress=True)
        await ws.prepare(request)
        conn = Connection(ws, request)
        self._log("connect", path=request.path, query=dict(request.query))
        await conn.send(
            {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_ms}, "s": None, "t": None}
        )
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                await self._on_gateway_message(conn, payload)
        finally:
            session = conn.session
            if session is not None and session.connection is conn:
                session.connection = None
            self._log("disconnect", code=ws.close_code)
        return ws

    async def _on_gateway_message(self, conn: Connection, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == HEARTBEAT:
            conn.heartbeats += 1
            self._log("heartbeat", seq=data)
            if self.ack_heartbeats:
                await conn.send({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        elif op == IDENTIFY:
            await self._identify(conn, data or {})
        elif op == RESUME:
            await self._resume(conn, data or {})
        else:
            self._log("op", op=op)

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        shard = data.get("shard")
        self._log(
            "identify",
            intents=data.get("intents"),
            compress=data.get("compress"),
            token_ok=data.get("token") == self.token,
            shard=shard,
        )
        if data.get("token") != self.token:
            await conn.ws.close(code=CLOSE_AUTH_FAILED, message=b"Authentication failed.")
            return
        session = Session(shard=(int(shard[0]), int(shard[1])) if shard else None)
        with self._cond:
            old = self.current
            if session.shard is not None:  # another shard's session goes on
                old = next(
                    (s for s in reversed(self.sessions.values()) if s.shard == session.shard), None
                )
            self.sessions[session.id] = session
            self.current = session
        if (
            not self.multi_session
            and old is not None
            and old.connection is not None
            and old.connection is not conn
        ):
            with contextlib.suppress(Exception):
                await old.connection.ws.close(code=4009, message=b"Session timed out.")
        session.connection = conn
        conn.session = session
        bot = self.bot_user.user_payload() | {
            "bot": True,
            "verified": True,
            "mfa_enabled": False,
            "email": None,
        }
        ready = {
            "v": 10,
            "user": bot,
            "guilds": [{"id": str(g), "unavailable": True} for g in self.guilds_for(session)],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": f"ws://{self.address}/gateway/resume/",
            "application": {"id": str(self.app_id), "flags": 0},
            "private_channels": [],
            "presences": [],
            "relationships": [],
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
            "auth": {},
            "_trace": ["fake-discord"],
        }
        if session.shard is not None:
            ready["shard"] = list(session.shard)
        await conn.send(session.next_dispatch("READY", ready))
        for guild_id in self.guilds_for(session):
            name = self.guild_name if guild_id == self.guild_id else f"Club {guild_id % 1000}"
            guild = guild_payload(guild_id, self.channel_id, self.owner.id, name)
            await conn.send(session.next_dispatch("GUILD_CREATE", guild))
        with self._cond:
            self.ready_count += 1
        self._log("ready", session=session.id)

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        self._log(
            "resume",
            seq=data.get("seq"),
            known=session is not None,
            token_ok=data.get("token") == self.token,
            path=conn.request.path,
        )
        if data.get("token") != self.token:
            await conn.ws.close(code=CLOSE_AUTH_FAILED, message=b"Authentication failed.")
            return
        await self._resume_gate.wait()
        newest = self.current
        if session is not None and session.shard is not None:
            newest = next(
                (s for s in reversed(self.sessions.values()) if s.shard == session.shard), None
            )
        replaced = session is not newest and not self.multi_session
        if session is None or self.refuse_resume or replaced:
            self.refuse_resume = False
            self._log("invalid_session")
            await conn.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        old = session.connection
        if old is not None and old is not conn:
            with contextlib.suppress(Exception):
                await old.ws.close(code=4000)
        session.connection = conn
        conn.session = session
        seq = int(data.get("seq") or 0)
        missed = [p for p in session.sent if p["s"] > seq]
        for payload in missed:
            await conn.send(payload)
        session.resumes += 1
        await conn.send(session.next_dispatch("RESUMED", {"_trace": ["fake-discord"]}))
        self._log("resumed", replayed=len(missed), seq=seq)
