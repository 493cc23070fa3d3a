"""The gateway half of the fake: sessions, sequence numbers, replay on RESUME, zlib-stream."""

from __future__ import annotations

import asyncio
import json
import secrets
import zlib
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

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


@dataclass
class Session:
    id: str = field(default_factory=lambda: secrets.token_hex(16))
    seq: int = 0
    #: Every dispatch sent in this session, for replay on RESUME.
    sent: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None
    resumes: int = 0

    def next_dispatch(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        self.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.sent.append(payload)
        return payload


@dataclass
class GatewayEvent:
    """A line of the gateway log the tests can read (what the bot sent and what happened)."""

    kind: str
    detail: dict[str, Any] = field(default_factory=dict)
