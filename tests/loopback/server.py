"""A loopback fake of Discord: REST under ``/api/v10`` and the gateway, on 127.0.0.1 only.

It runs in its own thread with its own event loop, so plain (synchronous) tests drive it while a
real bot process talks to it. Every REST call is recorded; every message the bot sends is checked
against Discord's documented limits; interactions must be answered within the 3-second window
like on Discord (a late or refused callback is what members see as "This interaction failed").
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

from tests.loopback import validation
from tests.loopback.gateway import (
    CLOSE_AUTH_FAILED,
    DISPATCH,
    HEARTBEAT,
    HEARTBEAT_ACK,
    HELLO,
    IDENTIFY,
    INVALID_SESSION,
    RECONNECT,
    RESUME,
    Connection,
    GatewayEvent,
    Session,
)
from tests.loopback.model import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    COMPONENT,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE,
    LOADING,
    MODAL,
    UPDATE_MESSAGE,
    Answer,
    Call,
    FakeMessage,
    InteractionRecord,
)
from tests.loopback.payloads import (
    ADMINISTRATOR,
    EPHEMERAL,
    FakeUser,
    guild_payload,
    message_payload,
    snowflake,
)

API = "/api/v10"
HOST = "127.0.0.1"
#: Discord's window for the first answer to an interaction, and a followup token's life.
CALLBACK_WINDOW = 3.0
TOKEN_LIFE = 15 * 60.0
_Handler = Callable[[re.Match[str], "Request"], Any]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: list[dict[str, Any]]
    authorized: bool


class Reply(Exception):
    """Raised by a route to answer with a status and JSON body."""

    def __init__(self, status: int, body: Any = None, headers: dict[str, str] | None = None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def error(status: int, message: str, code: int = 0, **extra: Any) -> Reply:
    return Reply(status, {"message": message, "code": code, **extra})


@dataclass
class Fault:
    """An injected failure for the next ``times`` requests matching ``method`` and ``pattern``."""

    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    retry_after: float
    name: str
    hits: int = 0


class FakeDiscord:
    """The fake server. ``start()`` it, point a bot at ``address``, drive it from tests."""

    def __init__(self, *, token: str | None = None, heartbeat_ms: int = 41_250,
                 callback_window: float = CALLBACK_WINDOW) -> None:
        self.token = token or f"MTE.fake-{secrets.token_urlsafe(24)}.{secrets.token_urlsafe(27)}"
        self.heartbeat_ms = heartbeat_ms
        self.callback_window = callback_window
        self.app_id = snowflake()
        self.bot_user = FakeUser(self.app_id, "T2 Bot", bot=True)
        self.owner = FakeUser(snowflake(), "club_owner_account", "Club Owner", admin=True)
        self.guild_id = snowflake()
        self.channel_id = snowflake()
        self.guild_name = "Tri Club"
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
        self.gateway_log: list[GatewayEvent] = []
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        self.ready_count = 0
        self.faults: list[Fault] = []
        self.refuse_resume = False
        self.ack_heartbeats = True
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._routes: list[tuple[str, re.Pattern[str], _Handler]] = self._route_table()

    # ------------------------------------------------------------------ lifecycle

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

    # ------------------------------------------------------------------ test API: members

    def add_user(self, username: str, global_name: str | None = None, *, admin: bool = False,
                 accepts_dms: bool = True) -> FakeUser:
        user = FakeUser(snowflake(), username, global_name, admin=admin, accepts_dms=accepts_dms)
        with self._cond:
            self.users[user.id] = user
        return user

    # ------------------------------------------------------------------ test API: gateway

    def wait_ready(self, after: int = 0, timeout: float = 30.0,
                   alive: Callable[[], bool] | None = None) -> None:
        """Wait until ``ready_count`` exceeds ``after`` (READY and GUILD_CREATE sent)."""
        self._wait(lambda: self.ready_count > after, timeout, "the bot to IDENTIFY", alive)

    def resumes(self) -> int:
        with self._cond:
            return sum(1 for e in self.gateway_log if e.kind == "resumed")

    def wait_resumed(self, after: int, timeout: float = 20.0) -> None:
        self._wait(lambda: self.resumes() > after, timeout, "the bot to RESUME")

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

    def dispatch(self, event: str, data: dict[str, Any]) -> int:
        """Send a dispatch event in the current session; buffered for replay if disconnected."""
        return self._run(self._dispatch(event, data))

    async def _dispatch(self, event: str, data: dict[str, Any]) -> int:
        session = self.current
        if session is None:
            raise AssertionError("the bot has not identified yet")
        payload = session.next_dispatch(event, data)
        conn = session.connection
        if conn is not None:
            # A send that fails is replayed on RESUME, as Discord does.
            with contextlib.suppress(ConnectionError, RuntimeError):
                await conn.send(payload)
        return payload["s"]

    # ------------------------------------------------------------------ test API: interactions

    def command(self, name: str, guild_id: int | None = None) -> dict[str, Any]:
        """A registered slash command (guild commands first), as the bot published it."""
        with self._cond:
            pools = [self.guild_commands.get(guild_id or self.guild_id, []), self.global_commands]
            for pool in pools:
                for cmd in pool:
                    if cmd["name"] == name:
                        return cmd
        raise AssertionError(f"/{name} is not registered; registered: {self.command_names()}")

    def command_names(self) -> list[str]:
        with self._cond:
            names = [c["name"] for c in self.global_commands]
            for cmds in self.guild_commands.values():
                names += [c["name"] for c in cmds]
        return names

    def slash(self, user: FakeUser, command: str, *path: str, in_dm: bool = False,
              guild_id: int | None = None, **options: Any) -> InteractionRecord:
        """Run ``/command path... option:value``; returns the interaction (see ``wait_answer``)."""
        cmd = self.command(command)
        data = {
            "id": cmd["id"],
            "name": command,
            "type": 1,
            "options": self._options(cmd, list(path), options, focused=None),
        }
        if not in_dm:
            data["guild_id"] = str(guild_id or self.guild_id)
        return self.interact(user, APPLICATION_COMMAND, data, in_dm=in_dm, guild_id=guild_id)

    def autocomplete(self, user: FakeUser, command: str, *path: str, focused: str,
                     **options: Any) -> InteractionRecord:
        """Autocomplete for option ``focused`` (its typed text in ``options``)."""
        cmd = self.command(command)
        data = {
            "id": cmd["id"],
            "name": command,
            "type": 1,
            "options": self._options(cmd, list(path), options, focused=focused),
            "guild_id": str(self.guild_id),
        }
        return self.interact(user, AUTOCOMPLETE, data)

    def tap(self, user: FakeUser, message: FakeMessage | int, custom_id: str | None = None, *,
            label: str | None = None, forge: str | None = None,
            values: list[str] | None = None, guild_id: int | None = None) -> InteractionRecord:
        """Tap a button (or pick ``values`` in a select) on a message the bot sent.

        ``forge="inject"`` puts ``custom_id`` on the message first (a crafted or old button);
        ``forge="raw"`` sends it without it being on the message. Without ``forge`` the id must be
        on the message, as with a real client.
        """
        snapshot = self.message(message if isinstance(message, int) else message.id)
        if label is not None:
            custom_id = snapshot.button(label)["custom_id"]
        if custom_id is None:
            raise ValueError("give custom_id or label")
        payload = snapshot.payload
        component = next(
            (c for c in snapshot.components() if c.get("custom_id") == custom_id), None)
        if component is None:
            if forge is None:
                raise AssertionError(
                    f"{custom_id!r} is not on the message: {snapshot.custom_ids()}")
            if forge == "inject":
                kind = 3 if values is not None else 2
                crafted: dict[str, Any] = {"type": kind, "custom_id": custom_id}
                if kind == 2:
                    crafted |= {"style": 1, "label": "crafted"}
                else:
                    crafted |= {"options": [{"label": v[:100] or "x", "value": v[:100] or "x"}
                                            for v in values or ["x"]]}
                rows = list(payload.get("components") or [])
                rows = [*rows[:4], {"type": 1, "components": [crafted]}]
                payload = {**payload, "components": rows}
            component = {"type": 3 if values is not None else 2}
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if values is not None:
            data["values"] = values
        in_dm = "guild_id" not in payload
        if guild_id is None and not in_dm:
            guild_id = int(payload["guild_id"])
        return self.interact(user, COMPONENT, data, message=payload, in_dm=in_dm,
                             guild_id=guild_id)

    def interact(self, user: FakeUser, kind: int, data: dict[str, Any], *,
                 message: dict[str, Any] | None = None, in_dm: bool = False,
                 guild_id: int | None = None) -> InteractionRecord:
        """Build and dispatch one INTERACTION_CREATE (in the fake's server unless ``in_dm`` or
        another ``guild_id``: a server the bot has no GUILD_CREATE for)."""
        gid = guild_id or self.guild_id
        iid = snowflake()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(120)
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.app_id),
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            "locale": "en-GB",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "app_permissions": str((1 << 50) - 1),
        }
        if in_dm:
            dm = self._dm_channel_for(user)
            payload |= {
                "channel_id": str(dm),
                "channel": {"id": str(dm), "type": 1, "flags": 0, "last_message_id": None,
                            "recipients": [user.user_payload()]},
                "user": user.user_payload(),
                "context": 1,
                "authorizing_integration_owners": {"0": str(self.guild_id)},
            }
        else:
            payload |= {
                "guild_id": str(gid),
                "guild": {"id": str(gid), "locale": "en-US", "features": []},
                "guild_locale": "en-US",
                "channel_id": str(self.channel_id),
                "channel": {"id": str(self.channel_id), "type": 0, "guild_id": str(gid),
                            "name": "training", "position": 0, "permission_overwrites": [],
                            "nsfw": False, "parent_id": None, "flags": 0,
                            "permissions": str(user_permissions(user))},
                "member": user.member_payload(),
                "context": 0,
                "authorizing_integration_owners": {"0": str(gid)},
            }
        if message is not None:
            payload["message"] = message
        record = InteractionRecord(iid, token, kind, user, payload,
                                   message_id=int(message["id"]) if message else None)
        with self._cond:
            self.interactions[iid] = record
            self._by_token[token] = record
        self.dispatch("INTERACTION_CREATE", payload)
        record.delivered = True
        return record

    def wait_answer(self, interaction: InteractionRecord, timeout: float = 10.0,
                    followups: int = 0) -> Answer:
        """Wait until the member sees something (and ``followups`` more messages); snapshot it."""

        def visible() -> bool:
            r = interaction
            if r.ack_type is None:
                return False
            if r.ack_type in (DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE):
                shown = [o for o in r.outputs if o[0] in ("edit", "followup")]
                if not shown:
                    return False
            return len(r.followup_ids) >= followups

        self._wait(visible, timeout, f"an answer to {interaction.label}")
        return self.answer(interaction)

    def answer(self, interaction: InteractionRecord) -> Answer:
        with self._cond:
            r = interaction
            shown = r.original_id
            message = FakeMessage(self.messages[shown]) if shown in self.messages else None
            return Answer(
                interaction_id=r.id,
                ack_type=r.ack_type or 0,
                message=message,
                followups=[FakeMessage(self.messages[m]) for m in r.followup_ids
                           if m in self.messages],
                choices=list(r.choices) if r.choices is not None else None,
                modal=r.modal,
                outputs=list(r.outputs),
            )

    def message(self, message_id: int) -> FakeMessage:
        with self._cond:
            return FakeMessage(self.messages[message_id])

    def unanswered(self, since: int = 0, grace: float | None = None) -> list[str]:
        """Interactions (created after index ``since``) not acknowledged in the window.

        Waits until every pending one is answered or its window has passed.
        """
        window = self.callback_window if grace is None else grace
        with self._cond:
            records = list(self.interactions.values())[since:]
        deadline = max((r.created for r in records), default=0) + window + 0.5
        self._wait(lambda: all(r.ack_type is not None for r in records)
                   or time.monotonic() > deadline, window + 2, "interactions to settle",
                   raise_on_timeout=False)
        problems = []
        for r in records:
            if r.ack_type is None and not r.expected_failure:
                why = "; ".join(f"{s}: {t}" for s, t in r.refused) or "no callback"
                problems.append(f"{r.label}: unanswered ({why})")
        return problems

    def refused_callbacks(self, since: int = 0) -> list[str]:
        """Every callback, followup or edit the fake refused (late, invalid body, ...)."""
        with self._cond:
            records = list(self.interactions.values())[since:]
            return [f"{r.label}: {s} {t}" for r in records if not r.expected_failure
                    for s, t in r.refused]

    def interaction_tokens(self) -> list[str]:
        """Every interaction token handed to the bot (secrets: they must never be logged)."""
        with self._cond:
            return [r.token for r in self.interactions.values()]

    def interaction_count(self) -> int:
        with self._cond:
            return len(self.interactions)

    def dms_to(self, user: FakeUser) -> list[FakeMessage]:
        with self._cond:
            return [FakeMessage(self.messages[m]) for m in self.dms.get(user.id, [])]

    def wait_dm(self, user: FakeUser, count: int = 1, timeout: float = 30.0) -> list[FakeMessage]:
        self._wait(lambda: len(self.dms.get(user.id, [])) >= count, timeout,
                   f"{count} DM(s) to a member")
        return self.dms_to(user)

    # ------------------------------------------------------------------ test API: REST

    def fail_next(self, method: str, pattern: str, status: int, *, times: int = 1,
                  retry_after: float = 0.4) -> Fault:
        """Answer the next ``times`` matching requests with ``status`` (429 carries retry_after)."""
        fault = Fault(method.upper(), re.compile(pattern), status, times, retry_after,
                      f"injected {status}")
        with self._cond:
            self.faults.append(fault)
        return fault

    def recorded(self, method: str | None = None, pattern: str | None = None,
                 since: int = 0) -> list[Call]:
        with self._cond:
            calls = self.calls[since:]
        return [c for c in calls if (method is None or c.method == method.upper())
                and (pattern is None or re.search(pattern, c.path))]

    def unknown_routes(self) -> list[Call]:
        """Requests to routes the fake does not implement (the bot used an unexpected API)."""
        return [c for c in self.recorded() if c.fault == "unknown route"]

    def call_count(self) -> int:
        with self._cond:
            return len(self.calls)

    # ------------------------------------------------------------------ waiting

    def _wait(self, predicate: Callable[[], bool], timeout: float, what: str,
              alive: Callable[[], bool] | None = None, raise_on_timeout: bool = True) -> None:
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

    # ------------------------------------------------------------------ gateway

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0, compress=True)
        await ws.prepare(request)
        conn = Connection(ws, request)
        self._log("connect", path=request.path, query=dict(request.query))
        await conn.send({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_ms},
                         "s": None, "t": None})
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
        self._log("identify", intents=data.get("intents"), compress=data.get("compress"),
                  token_ok=data.get("token") == self.token)
        if data.get("token") != self.token:
            await conn.ws.close(code=CLOSE_AUTH_FAILED, message=b"Authentication failed.")
            return
        session = Session()
        with self._cond:
            old = self.current
            self.sessions[session.id] = session
            self.current = session
        if old is not None and old.connection is not None and old.connection is not conn:
            with contextlib.suppress(Exception):
                await old.connection.ws.close(code=4009, message=b"Session timed out.")
        session.connection = conn
        conn.session = session
        bot = self.bot_user.user_payload() | {"bot": True, "verified": True, "mfa_enabled": False,
                                              "email": None}
        ready = {
            "v": 10,
            "user": bot,
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
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
        await conn.send(session.next_dispatch("READY", ready))
        guild = guild_payload(self.guild_id, self.channel_id, self.owner.id, self.guild_name)
        await conn.send(session.next_dispatch("GUILD_CREATE", guild))
        with self._cond:
            self.ready_count += 1
        self._log("ready", session=session.id)

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        self._log("resume", seq=data.get("seq"), known=session is not None,
                  token_ok=data.get("token") == self.token, path=conn.request.path)
        if data.get("token") != self.token:
            await conn.ws.close(code=CLOSE_AUTH_FAILED, message=b"Authentication failed.")
            return
        if session is None or self.refuse_resume or session is not self.current:
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

    # ------------------------------------------------------------------ REST plumbing

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = request.path[len(API):]
        body: Any = None
        files: list[dict[str, Any]] = []
        ctype = request.headers.get("Content-Type", "")
        if ctype.startswith("multipart/form-data"):
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":  # type: ignore[union-attr]
                    body = json.loads(await part.text())  # type: ignore[union-attr]
                else:
                    content = await part.read()  # type: ignore[union-attr]
                    files.append({"field": part.name, "filename": part.filename,  # type: ignore[union-attr]
                                  "content": bytes(content)})
        else:
            raw = await request.read()
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    return self._respond(request, path, body, files,
                                         error(400, "400: Bad Request (body is not JSON)", 50109))
        authorized = request.headers.get("Authorization") == f"Bot {self.token}"
        req = Request(request.method, path, dict(request.query), body, files, authorized)
        fault = self._take_fault(request.method, path)
        if fault is not None:
            return self._respond(request, path, body, files, self._fault_reply(fault), fault.name)
        try:
            result = self._route(req)
        except Reply as reply:
            unknown = "unknown route" if reply.headers.pop("X-Fake-Unrouted", None) else None
            return self._respond(request, path, body, files, reply, unknown)
        return self._respond(request, path, body, files, result)

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._cond:
            for fault in self.faults:
                matches = fault.method == method and fault.pattern.search(path)
                if matches and fault.hits < fault.times:
                    fault.hits += 1
                    return fault
        return None

    @staticmethod
    def _fault_reply(fault: Fault) -> Reply:
        if fault.status == 429:
            return Reply(429, {"message": "You are being rate limited.",
                               "retry_after": fault.retry_after, "global": False},
                         {"Retry-After": str(max(1, round(fault.retry_after))),
                          "X-RateLimit-Scope": "user", "X-RateLimit-Limit": "5",
                          "X-RateLimit-Remaining": "0",
                          "X-RateLimit-Reset-After": str(fault.retry_after),
                          "X-RateLimit-Bucket": "fakebucket"})
        if fault.status >= 500:
            return Reply(fault.status, {"message": "500: Internal Server Error", "code": 0})
        return error(fault.status, f"{fault.status}: injected by test")

    def _respond(self, request: web.Request, path: str, body: Any, files: list[dict[str, Any]],
                 result: Any, fault: str | None = None) -> web.Response:
        reply = result if isinstance(result, Reply) else Reply(200 if result is not None else 204,
                                                               result)
        headers = {"Via": "1.1 google", **reply.headers}
        if reply.status == 204 or reply.body is None:
            response = web.Response(status=204 if reply.status < 300 else reply.status,
                                    headers=headers)
        else:
            # Exactly "application/json": discord.py compares the header with ==.
            headers["Content-Type"] = "application/json"
            response = web.Response(status=reply.status, headers=headers,
                                    body=json.dumps(reply.body).encode())
        call = Call(request.method, path, dict(request.query), body,
                    [{k: v for k, v in f.items()} for f in files], response.status,
                    time.monotonic(), fault)
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()
        return response

    def _route(self, req: Request) -> Any:
        for method, pattern, handler in self._routes:
            if req.method != method:
                continue
            match = pattern.fullmatch(req.path)
            if match is not None:
                with self._cond:
                    try:
                        return handler(match, req)
                    finally:
                        self._cond.notify_all()
        raise Reply(404, {"message": "404: Not Found", "code": 0}, {"X-Fake-Unrouted": "1"})

    def _route_table(self) -> list[tuple[str, re.Pattern[str], _Handler]]:
        app = r"(?P<app>\d+)"
        tok = r"(?P<token>[^/]+)"
        mid = r"(?P<mid>@original|\d+)"
        table: list[tuple[str, str, _Handler]] = [
            ("GET", r"/users/@me", self._r_me),
            ("GET", r"/users/(?P<user>\d+)", self._r_user),
            ("GET", r"/oauth2/applications/@me", self._r_application),
            ("GET", r"/applications/@me", self._r_application),
            ("GET", r"/gateway", self._r_gateway),
            ("GET", r"/gateway/bot", self._r_gateway),
            ("PUT", rf"/applications/{app}/commands", self._r_put_commands),
            ("GET", rf"/applications/{app}/commands", self._r_get_commands),
            ("PUT", rf"/applications/{app}/guilds/(?P<guild>\d+)/commands", self._r_put_commands),
            ("GET", rf"/applications/{app}/guilds/(?P<guild>\d+)/commands", self._r_get_commands),
            ("POST", rf"/interactions/(?P<iid>\d+)/{tok}/callback", self._r_callback),
            ("POST", rf"/webhooks/{app}/{tok}", self._r_followup),
            ("GET", rf"/webhooks/{app}/{tok}/messages/{mid}", self._r_get_hook_msg),
            ("PATCH", rf"/webhooks/{app}/{tok}/messages/{mid}", self._r_edit_hook_msg),
            ("DELETE", rf"/webhooks/{app}/{tok}/messages/{mid}", self._r_del_hook_msg),
            ("POST", r"/users/@me/channels", self._r_open_dm),
            ("POST", r"/channels/(?P<channel>\d+)/messages", self._r_send),
            ("GET", r"/channels/(?P<channel>\d+)", self._r_channel),
            ("GET", r"/guilds/(?P<guild>\d+)", self._r_guild),
            ("GET", r"/guilds/(?P<guild>\d+)/members/(?P<user>\d+)", self._r_member),
        ]
        return [(m, re.compile(p), h) for m, p, h in table]

    # ------------------------------------------------------------------ REST routes

    def _auth(self, req: Request) -> None:
        if not req.authorized:
            raise error(401, "401: Unauthorized")

    def _r_me(self, m: re.Match[str], req: Request) -> Any:
        self._auth(req)
        return self.bot_user.user_payload() | {"bot": True, "verified": True,
                                               "mfa_enabled": False, "email": None}

    def _r_user(self, m: re.Match[str], req: Request) -> Any:
        self._auth(req)
        user = self.users.get(int(m["user"]))
        if user is None:
            raise error(404, "Unknown User", 10013)
        return user.user_payload()

    def _r_application(self, m: re.Match[str], req: Request) -> Any:
        self._auth(req)
        return {
            "id": str(self.app_id),
            "name": "T2 Bot",
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": self.owner.user_payload(),
            "team": None,
            "verify_key": secrets.token_hex(32),
            "flags": 0,
            "tags": [],
            "interactions_endpoint_url": None,
            "redirect_uris": [],
            "approximate_guild_count": 1,
            "bot": self.bot_user.user_payload() | {"bot": True},
        }

    def _r_gateway(self, m: re.Match[str], req: Request) -> Any:
        data: dict[str, Any] = {"url": f"ws://{self.address}/gateway/"}
        if req.path.endswith("/bot"):
            self._auth(req)
            data |= {"shards": 1, "session_start_limit": {
                "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}}
        return data

    def _r_put_commands(self, m: re.Match[str], req: Request) -> Any:
        self._auth(req)
        if int(m["app"]) != self.app_id:
            raise error(403, "Missing Access", 50001)
        guild = int(m["guild"]) if m.groupdict().get("guild") else None
        if guild is not None and guild != self.guild_id:
            raise error(403, "Missing Access", 50001)
        if not isinstance(req.body, list):
            raise error(400, "Invalid Form Body", 50035)
        problems = check_commands(req.body)
        if problems:
            raise error(400, "Invalid Form Body", 50035, errors=problems)
        old = {c["name"]: c for c in (self.guild_commands.get(guild, []) if guild
                                      else self.global_commands)}
        stored = []
        for cmd in req.body:
            keep = old.get(cmd["name"])
            entry = {
                "type": 1, "default_member_permissions": None, "nsfw": False,
                "contexts": None, "integration_types": [0], "options": [],
                **cmd,
                "id": keep["id"] if keep else str(snowflake()),
                "application_id": str(self.app_id),
                "version": str(snowflake()),
            }
            if guild:
                entry["guild_id"] = str(guild)
            stored.append(entry)
        if guild:
            self.guild_commands[guild] = stored
        else:
            self.global_commands = stored
        self.command_puts += 1
        return stored

    def _r_get_commands(self, m: re.Match[str], req: Request) -> Any:
        self._auth(req)
        guild = m.groupdict().get("guild")
        return self.guild_commands.get(int(guild), []) if guild else self.global_commands

    def _interaction(self, token: str, app: str | None = None) -> InteractionRecord:
        record = self._by_token.get(token)
        if record is None or (app is not None and int(app) != self.app_id):
            raise error(404, "Unknown Webhook", 10015)
        if time.monotonic() - record.created > TOKEN_LIFE:
            raise error(401, "Invalid Webhook Token", 50027)
        return record

    def _refuse(self, record: InteractionRecord, reply: Reply) -> Reply:
        body = reply.body or {}
        reason = body.get("message", "")
        if body.get("errors"):
            reason += ": " + "; ".join(body["errors"])
        record.refused.append((reply.status, reason))
        return reply

    def _r_callback(self, m: re.Match[str], req: Request) -> Any:
        record = self.interactions.get(int(m["iid"]))
        if record is None or record.token != m["token"]:
            raise error(404, "Unknown interaction", 10062)
        if record.ack_type is not None:
            raise self._refuse(record, error(400, "Interaction has already been acknowledged.",
                                             40060))
        if time.monotonic() - record.created > self.callback_window:
            raise self._refuse(record, error(404, "Unknown interaction (answered after "
                                             f"{time.monotonic() - record.created:.1f} s)", 10062))
        body = req.body or {}
        kind = body.get("type")
        data = body.get("data") or {}
        problems = self._check_callback(record, kind, data, bool(req.files))
        if problems:
            raise self._refuse(record, error(400, "Invalid Form Body", 50035, errors=problems))
        record.ack_type = kind
        record.acked_at = time.monotonic()
        resource: dict[str, Any] | None = None
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            flags = int(data.get("flags") or 0)
            if kind == DEFERRED_CHANNEL_MESSAGE:
                data = {"flags": flags | LOADING}
            message = self._new_message(record, data, req.files)
            record.original_id = int(message["id"])
            record.outputs.append(("message" if kind == CHANNEL_MESSAGE else "loading",
                                   record.original_id))
            resource = {"type": kind, "message": message}
        elif kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
            record.original_id = record.message_id
            if kind == UPDATE_MESSAGE:
                message = self._edit_message(record.message_id, data, req.files)
                record.outputs.append(("update", record.message_id))
                resource = {"type": kind, "message": message}
        elif kind == AUTOCOMPLETE_RESULT:
            record.choices = list(data.get("choices") or [])
            record.outputs.append(("choices", None))
        elif kind == MODAL:
            record.modal = data
            record.outputs.append(("modal", None))
        if req.query.get("with_response") not in ("1", "true", "True"):
            return None
        original = record.original_id
        message = self.messages.get(original) if original else None
        result: dict[str, Any] = {"interaction": {
            "id": str(record.id),
            "type": record.type,
            "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
            "response_message_ephemeral": bool(message and int(message["flags"]) & EPHEMERAL),
        }}
        if original and kind not in (AUTOCOMPLETE_RESULT, MODAL):
            result["interaction"]["response_message_id"] = str(original)
        if resource is not None:
            result["resource"] = resource
        return result

    def _check_callback(self, record: InteractionRecord, kind: Any, data: dict[str, Any],
                        has_files: bool) -> list[str]:
        allowed = {
            APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
            COMPONENT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE,
                        UPDATE_MESSAGE, MODAL},
            AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
        }[record.type]
        if kind not in allowed:
            return [f"type: {kind} is not a valid response to interaction type {record.type}"]
        if kind == CHANNEL_MESSAGE:
            return validation.check_message(data, has_files=has_files)
        if kind == UPDATE_MESSAGE:
            return validation.check_message(data, edit=True, has_files=has_files)
        if kind == AUTOCOMPLETE_RESULT:
            return validation.check_choices(data.get("choices") or [])
        if kind == MODAL:
            title = data.get("title") or ""
            problems = [] if 1 <= len(title) <= 45 else ["title: must be 1-45 characters"]
            if not data.get("custom_id") or len(data["custom_id"]) > 100:
                problems.append("custom_id: must be 1-100 characters")
            return problems
        return []

    def _new_message(self, record: InteractionRecord | None, data: dict[str, Any],
                     files: list[dict[str, Any]], channel_id: int | None = None) -> dict[str, Any]:
        mid = snowflake()
        body = dict(data)
        body["attachments"] = self._attachments(files, mid)
        in_dm = record is not None and "guild_id" not in record.payload
        meta = None
        if record is not None:
            meta = {"id": str(record.id), "type": record.type,
                    "user": record.user.user_payload(),
                    "authorizing_integration_owners": {"0": str(self.guild_id)}}
        message = message_payload(
            message_id=mid,
            channel_id=channel_id or (int(record.payload["channel_id"]) if record else 0),
            author=self.bot_user.user_payload() | {"bot": True},
            body=body,
            guild_id=None if in_dm or channel_id in self.dm_channels else int(
                record.payload["guild_id"] if record else self.guild_id),
            application_id=self.app_id if record else None,
            interaction=meta,
        )
        self.messages[mid] = message
        return message

    def _edit_message(self, message_id: int | None, data: dict[str, Any],
                      files: list[dict[str, Any]]) -> dict[str, Any]:
        if message_id is None or message_id not in self.messages:
            raise error(404, "Unknown Message", 10008)
        message = self.messages[message_id]
        for key in ("content", "embeds", "components", "poll"):
            if key in data:
                message[key] = data[key] if data[key] is not None else (
                    "" if key == "content" else [])
        if "embeds" in data:
            message["embeds"] = [{"type": "rich", **e} for e in data["embeds"] or []]
        if "attachments" in data:  # the attachments to keep, by id (new files have no id yet)
            keep = {str(a.get("id")) for a in data["attachments"] or []}
            message["attachments"] = [a for a in message.get("attachments", [])
                                      if a["id"] in keep]
        message["attachments"] = [*message.get("attachments", []),
                                  *self._attachments(files, message_id)]
        message["flags"] = int(message.get("flags") or 0) & ~LOADING
        message["edited_timestamp"] = message["timestamp"]
        return message

    @staticmethod
    def _attachments(files: list[dict[str, Any]], message_id: int) -> list[dict[str, Any]]:
        """Attachment objects for uploaded files; ``_content`` (fake only) keeps the text."""
        return [
            {"id": str(snowflake()), "filename": f["filename"], "size": len(f["content"]),
             "url": f"https://cdn.invalid/{message_id}/{f['filename']}",
             "proxy_url": f"https://cdn.invalid/{message_id}/{f['filename']}",
             "content_type": "application/octet-stream",
             "_content": f["content"].decode("utf-8", "replace")}
            for f in files
        ]

    def _r_followup(self, m: re.Match[str], req: Request) -> Any:
        record = self._interaction(m["token"], m["app"])
        if record.ack_type is None:
            raise self._refuse(record, error(404, "Unknown Webhook (followup before the "
                                             "interaction was acknowledged)", 10015))
        data = req.body or {}
        problems = validation.check_message(data, has_files=bool(req.files))
        if problems:
            raise self._refuse(record, error(400, "Invalid Form Body", 50035, errors=problems))
        original = self.messages.get(record.original_id or -1)
        if (record.ack_type == DEFERRED_CHANNEL_MESSAGE and original is not None
                and int(original["flags"]) & LOADING):
            # Discord: the first followup after a deferred reply fills in the "thinking" message.
            message = self._edit_message(record.original_id, data, req.files)
            record.outputs.append(("edit", record.original_id))
        else:
            message = self._new_message(record, data, req.files)
            record.followup_ids.append(int(message["id"]))
            record.outputs.append(("followup", int(message["id"])))
        return message if req.query.get("wait") in ("1", "true", "True") else None

    def _hook_message(self, m: re.Match[str]) -> tuple[InteractionRecord, int]:
        record = self._interaction(m["token"], m["app"])
        if m["mid"] == "@original":
            if record.original_id is None:
                raise self._refuse(record, error(404, "Unknown Message", 10008))
            return record, record.original_id
        mid = int(m["mid"])
        if mid != record.original_id and mid not in record.followup_ids:
            raise self._refuse(record, error(404, "Unknown Message", 10008))
        return record, mid

    def _r_get_hook_msg(self, m: re.Match[str], req: Request) -> Any:
        record, mid = self._hook_message(m)
        if mid not in self.messages:
            raise self._refuse(record, error(404, "Unknown Message", 10008))
        return self.messages[mid]

    def _r_edit_hook_msg(self, m: re.Match[str], req: Request) -> Any:
        record, mid = self._hook_message(m)
        data = req.body or {}
        problems = validation.check_message(data, edit=True, has_files=bool(req.files))
        if problems:
            raise self._refuse(record, error(400, "Invalid Form Body", 50035, errors=problems))
        message = self._edit_message(mid, data, req.files)
        record.outputs.append(("edit", mid))
        return message

    def _r_del_hook_msg(self, m: re.Match[str], req: Request) -> Any:
        record, mid = self._hook_message(m)
        self.messages.pop(mid, None)
        record.outputs.append(("delete", mid))
        return None

    def _dm_channel_for(self, user: FakeUser) -> int:
        for cid, uid in self.dm_channels.items():
            if uid == user.id:
                return cid
        cid = snowflake()
        self.dm_channels[cid] = user.id
        return cid

    def _r_open_dm(self, m: re.Match[str], req: Request) -> Any:
        self._auth(req)
        user = self.users.get(int((req.body or {}).get("recipient_id") or 0))
        if user is None or user.bot:
            raise error(400, "Invalid Recipient(s)", 50033)
        cid = self._dm_channel_for(user)
        return {"id": str(cid), "type": 1, "last_message_id": None, "flags": 0,
                "recipients": [user.user_payload()]}

    def _r_send(self, m: re.Match[str], req: Request) -> Any:
        self._auth(req)
        cid = int(m["channel"])
        data = req.body or {}
        problems = validation.check_message(data, has_files=bool(req.files))
        if problems:
            raise error(400, "Invalid Form Body", 50035, errors=problems)
        if cid in self.dm_channels:
            user = self.users[self.dm_channels[cid]]
            if not user.accepts_dms:
                raise error(403, "Cannot send messages to this user", 50007)
            message = self._new_message(None, data, req.files, channel_id=cid)
            self.dms.setdefault(user.id, []).append(int(message["id"]))
            return message
        if cid == self.channel_id:
            message = self._new_message(None, data, req.files, channel_id=cid)
            message["guild_id"] = str(self.guild_id)
            return message
        raise error(404, "Unknown Channel", 10003)

    def _r_channel(self, m: re.Match[str], req: Request) -> Any:
        self._auth(req)
        cid = int(m["channel"])
        if cid in self.dm_channels:
            return {"id": str(cid), "type": 1, "last_message_id": None, "flags": 0,
                    "recipients": [self.users[self.dm_channels[cid]].user_payload()]}
        if cid == self.channel_id:
            return guild_payload(self.guild_id, self.channel_id, self.owner.id,
                                 self.guild_name)["channels"][0]
        raise error(404, "Unknown Channel", 10003)

    def _r_guild(self, m: re.Match[str], req: Request) -> Any:
        self._auth(req)
        if int(m["guild"]) != self.guild_id:
            raise error(404, "Unknown Guild", 10004)
        return guild_payload(self.guild_id, self.channel_id, self.owner.id, self.guild_name)

    def _r_member(self, m: re.Match[str], req: Request) -> Any:
        self._auth(req)
        user = self.users.get(int(m["user"]))
        if int(m["guild"]) != self.guild_id or user is None:
            raise error(404, "Unknown Member", 10007)
        data = user.member_payload()
        data.pop("permissions", None)
        return data

    # ------------------------------------------------------------------ options

    @staticmethod
    def _options(cmd: dict[str, Any], path: list[str], values: dict[str, Any],
                 focused: str | None) -> list[dict[str, Any]]:
        """Nest ``values`` under the subcommand ``path`` with the option types the bot declared."""
        schema = cmd.get("options") or []
        chain: list[tuple[str, int]] = []
        for name in path:
            sub = next((o for o in schema if o["name"] == name), None)
            if sub is None:
                raise AssertionError(f"/{cmd['name']} has no subcommand {name!r}")
            chain.append((name, sub["type"]))
            schema = sub.get("options") or []
        leaf = []
        for name, value in values.items():
            spec = next((o for o in schema if o["name"] == name), None)
            kind = spec["type"] if spec else _guess_type(value)
            option: dict[str, Any] = {"name": name, "type": kind, "value": value}
            if name == focused:
                option["focused"] = True
            leaf.append(option)
        options = leaf
        for name, kind in reversed(chain):
            options = [{"name": name, "type": kind, "options": options}]
        return options


def _guess_type(value: Any) -> int:
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    if isinstance(value, float):
        return 10
    return 3


def user_permissions(user: FakeUser) -> int:
    from tests.loopback.payloads import ALL_PERMISSIONS, MEMBER_PERMISSIONS

    return ALL_PERMISSIONS if user.admin else MEMBER_PERMISSIONS


_NAME = re.compile(r"^[-_'\w]{1,32}$")


def check_commands(commands: list[dict[str, Any]]) -> list[str]:
    """Discord's limits on slash command definitions."""
    problems: list[str] = []
    if len(commands) > 100:
        problems.append(f"{len(commands)} commands, at most 100")
    names = [c.get("name", "") for c in commands]
    if len(set(names)) != len(names):
        problems.append("duplicate command names")

    def walk(options: list[dict[str, Any]], where: str, depth: int) -> None:
        if len(options) > 25:
            problems.append(f"{where}: {len(options)} options, at most 25")
        seen_optional = False
        for opt in options:
            here = f"{where} {opt.get('name')}"
            name = opt.get("name", "")
            if not _NAME.match(name) or name != name.lower():
                problems.append(f"{here}: bad name")
            if not 1 <= len(opt.get("description", "")) <= 100:
                problems.append(f"{here}: description must be 1-100 characters")
            if opt.get("type") in (1, 2):
                if depth >= 2 or (opt["type"] == 2 and depth >= 1):
                    problems.append(f"{here}: nested too deep")
                walk(opt.get("options") or [], here, depth + 1)
                continue
            if opt.get("required"):
                if seen_optional:
                    problems.append(f"{here}: required options must come before optional ones")
            else:
                seen_optional = True
            if len(opt.get("choices") or []) > 25:
                problems.append(f"{here}: more than 25 choices")
            if opt.get("choices") and opt.get("autocomplete"):
                problems.append(f"{here}: choices and autocomplete together")

    for cmd in commands:
        name = cmd.get("name", "")
        if not _NAME.match(name) or name != name.lower():
            problems.append(f"/{name}: bad name")
        if cmd.get("type", 1) == 1 and not 1 <= len(cmd.get("description", "")) <= 100:
            problems.append(f"/{name}: description must be 1-100 characters")
        walk(cmd.get("options") or [], f"/{name}", 0)
    total = sum(len(json.dumps(c)) for c in commands)
    if total > 400_000:
        problems.append("command payload too large")
    return problems


__all__ = ["ADMINISTRATOR", "DISPATCH", "FakeDiscord", "FakeUser"]
