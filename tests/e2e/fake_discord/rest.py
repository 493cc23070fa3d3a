"""REST half of the fake under ``/api/v10``: recording, fault injection and the plain routes
(users, application, gateway URL, commands, DMs, channels). Interaction callbacks and webhooks
are in ``tests.e2e.fake_discord.webhooks``."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.e2e.fake_discord import validation
from tests.e2e.fake_discord.model import Call
from tests.e2e.fake_discord.payloads import FakeUser, guild_payload, snowflake

API = "/api/v10"
Handler = Callable[[re.Match[str], "Request"], Any]


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
    #: None: no failure, only ``delay`` (a slow Discord).
    status: int | None
    times: int
    retry_after: float
    name: str
    hits: int = 0
    delay: float = 0.0


class RestMixin:
    """REST side of ``FakeDiscord``."""

    #: Called after every recorded call (set up by ``FakeDiscord``).
    call_hooks: list[Callable[[Call], None]]

    def fail_next(
        self, method: str, pattern: str, status: int, *, times: int = 1, retry_after: float = 0.4
    ) -> Fault:
        """Answer the next ``times`` matching requests with ``status`` (429 carries retry_after)."""
        fault = Fault(
            method.upper(), re.compile(pattern), status, times, retry_after, f"injected {status}"
        )
        with self._cond:
            self.faults.append(fault)
        return fault

    def delay_next(self, method: str, pattern: str, seconds: float, *, times: int = 1) -> Fault:
        """Handle the next ``times`` matching requests normally, but only after ``seconds``."""
        fault = Fault(
            method.upper(),
            re.compile(pattern),
            None,
            times,
            0.0,
            f"delayed {seconds:.1f} s",
            delay=seconds,
        )
        with self._cond:
            self.faults.append(fault)
        return fault

    def wait_hit(self, fault: Fault, timeout: float = 20.0) -> None:
        """Wait until a request has run into ``fault`` (for a delay: it is being held now)."""
        self._wait(lambda: fault.hits > 0, timeout, f"a request to meet fault {fault.name!r}")

    def recorded(
        self, method: str | None = None, pattern: str | None = None, since: int = 0
    ) -> list[Call]:
        with self._cond:
            calls = self.calls[since:]
        return [
            c
            for c in calls
            if (method is None or c.method == method.upper())
            and (pattern is None or re.search(pattern, c.path))
        ]

    def unknown_routes(self) -> list[Call]:
        """Requests to routes the fake does not implement (the bot used an unexpected API)."""
        return [c for c in self.recorded() if c.fault == "unknown route"]

    def call_count(self) -> int:
        with self._cond:
            return len(self.calls)

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = request.path[len(API) :]
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
                    files.append(
                        {
                            "field": part.name,
                            "filename": part.filename,  # type: ignore[union-attr]
                            "content": bytes(content),
                        }
                    )
        else:
            raw = await request.read()
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    return self._after_call(
                        self._respond(
                            request,
                            path,
                            body,
                            files,
                            error(400, "400: Bad Request (body is not JSON)", 50109),
                        )
                    )
        authorized = request.headers.get("Authorization") == f"Bot {self.token}"
        req = Request(request.method, path, dict(request.query), body, files, authorized)
        fault = self._take_fault(request.method, path)
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
        if fault is not None and fault.status is not None:
            reply = self._fault_reply(fault)
            return self._after_call(self._respond(request, path, body, files, reply, fault.name))
        # The handler's effects and the recorded call become visible together (one hold of the
        # re-entrant lock): a test woken by an answer always finds the callback among the calls.
        with self._cond:
            try:
                result = self._route(req)
            except Reply as reply:
                unknown = "unknown route" if reply.headers.pop("X-Fake-Unrouted", None) else None
                answered = self._respond(request, path, body, files, reply, unknown)
            else:
                answered = self._respond(request, path, body, files, result)
        return self._after_call(answered)

    def _after_call(self, answered: tuple[web.Response, Call]) -> web.Response:
        """Run the call hooks (outside the lock) for the call ``_respond`` just recorded."""
        response, call = answered
        for hook in self.call_hooks:
            hook(call)
        return response

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._cond:
            for fault in self.faults:
                matches = fault.method == method and fault.pattern.search(path)
                if matches and fault.hits < fault.times:
                    fault.hits += 1
                    self._cond.notify_all()
                    return fault
        return None

    @staticmethod
    def _fault_reply(fault: Fault) -> Reply:
        if fault.status == 429:
            return Reply(
                429,
                {
                    "message": "You are being rate limited.",
                    "retry_after": fault.retry_after,
                    "global": False,
                },
                {
                    "Retry-After": str(max(1, round(fault.retry_after))),
                    "X-RateLimit-Scope": "user",
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset-After": str(fault.retry_after),
                    "X-RateLimit-Bucket": "fakebucket",
                },
            )
        if fault.status >= 500:
            return Reply(fault.status, {"message": "500: Internal Server Error", "code": 0})
        return error(fault.status, f"{fault.status}: injected by test")

    def _respond(
        self,
        request: web.Request,
        path: str,
        body: Any,
        files: list[dict[str, Any]],
        result: Any,
        fault: str | None = None,
    ) -> tuple[web.Response, Call]:
        reply = (
            result
            if isinstance(result, Reply)
            else Reply(200 if result is not None else 204, result)
        )
        headers = {"Via": "1.1 google", **reply.headers}
        if reply.status == 204 or reply.body is None:
            response = web.Response(
                status=204 if reply.status < 300 else reply.status, headers=headers
            )
        else:
            # Exactly "application/json": discord.py compares the header with ==.
            headers["Content-Type"] = "application/json"
            response = web.Response(
                status=reply.status, headers=headers, body=json.dumps(reply.body).encode()
            )
        call = Call(
            request.method,
            path,
            dict(request.query),
            body,
            [{k: v for k, v in f.items()} for f in files],
            response.status,
            time.monotonic(),
            fault,
        )
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()
        return response, call

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

    def _route_table(self) -> list[tuple[str, re.Pattern[str], Handler]]:
        app = r"(?P<app>\d+)"
        tok = r"(?P<token>[^/]+)"
        mid = r"(?P<mid>@original|\d+)"
        table: list[tuple[str, str, Handler]] = [
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

    def _auth(self, req: Request) -> None:
        if not req.authorized:
            raise error(401, "401: Unauthorized")

    def _r_me(self, m: re.Match[str], req: Request) -> Any:
        self._auth(req)
        return self.bot_user.user_payload() | {
            "bot": True,
            "verified": True,
            "mfa_enabled": False,
            "email": None,
        }

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
            data |= {
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14_400_000,
                    "max_concurrency": 1,
                },
            }
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
        old = {
            c["name"]: c
            for c in (self.guild_commands.get(guild, []) if guild else self.global_commands)
        }
        stored = []
        for cmd in req.body:
            keep = old.get(cmd["name"])
            entry = {
                "type": 1,
                "default_member_permissions": None,
                "nsfw": False,
                "contexts": None,
                "integration_types": [0],
                "options": [],
                "description": "",  # context menus have none; Discord returns ""
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
        return {
            "id": str(cid),
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user.user_payload()],
        }

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
            if data.get("message_reference") and not self.bot_reads_history:
                raise error(403, "Missing Permissions", 50013)  # a reply needs the history
            message = self._new_message(None, data, req.files, channel_id=cid)
            message["guild_id"] = str(self.guild_id)
            return message
        raise error(404, "Unknown Channel", 10003)

    def _r_channel(self, m: re.Match[str], req: Request) -> Any:
        self._auth(req)
        cid = int(m["channel"])
        if cid in self.dm_channels:
            return {
                "id": str(cid),
                "type": 1,
                "last_message_id": None,
                "flags": 0,
                "recipients": [self.users[self.dm_channels[cid]].user_payload()],
            }
        if cid == self.channel_id:
            return guild_payload(self.guild_id, self.channel_id, self.owner.id, self.guild_name)[
                "channels"
            ][0]
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


_NAME = re.compile(r"^[-_'\w]{1,32}$")


def check_commands(commands: list[dict[str, Any]]) -> list[str]:
    """Discord's limits on slash command definitions."""
    problems: list[str] = []
    if len(commands) > 100:
        problems.append(f"{len(commands)} commands, at most 100")
    names = [(c.get("type", 1), c.get("name", "")) for c in commands]
    if len(set(names)) != len(names):
        problems.append("duplicate command names")  # (per type: a menu may share a name)

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
        if cmd.get("type", 1) in (2, 3):  # user and message menus: 1-32 characters, any case
            if not 1 <= len(name) <= 32 or cmd.get("options"):
                problems.append(f"menu {name!r}: bad name, or options on a context menu")
            continue
        if not _NAME.match(name) or name != name.lower():
            problems.append(f"/{name}: bad name")
        if cmd.get("type", 1) == 1 and not 1 <= len(cmd.get("description", "")) <= 100:
            problems.append(f"/{name}: description must be 1-100 characters")
        walk(cmd.get("options") or [], f"/{name}", 0)
    total = sum(len(json.dumps(c)) for c in commands)
    if total > 400_000:
        problems.append("command payload too large")
    return problems
