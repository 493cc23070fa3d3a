"""Tests only: point discord.py at the loopback fake Discord (put this folder on PYTHONPATH).

Python imports ``sitecustomize`` at start-up, before ``bot.py`` runs, so the bot's own code stays
unmodified. With ``T2_FAKE_DISCORD=127.0.0.1:PORT`` set, this

- sets ``discord.http.Route.BASE`` to ``http://127.0.0.1:PORT/api/v10`` (REST, webhooks,
  interaction callbacks all build their URLs from it),
- sets ``DiscordWebSocket.DEFAULT_GATEWAY`` to ``ws://127.0.0.1:PORT/gateway/``,
- refuses any HTTP or websocket connection to a host other than 127.0.0.1, so a test can never
  reach the real Discord (the refusal is written to stderr as ``T2-LOOPBACK-BLOCKED``).

Without the variable it does nothing.
"""

from __future__ import annotations

import os
import sys

_TARGET = os.environ.get("T2_FAKE_DISCORD", "").strip()


def _install(target: str) -> None:
    host, _, port = target.rpartition(":")
    if host != "127.0.0.1" or not port.isdigit():
        raise SystemExit(f"T2_FAKE_DISCORD must be 127.0.0.1:PORT, not {target!r}")

    import aiohttp
    import yarl
    from discord import gateway, http

    http.Route.BASE = f"http://{target}/api/v10"
    gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://{target}/gateway/")

    original = aiohttp.ClientSession._request

    async def loopback_only(self, method, str_or_url, *args, **kwargs):  # type: ignore[no-untyped-def]
        url = yarl.URL(str(str_or_url))
        if url.host != "127.0.0.1":
            print(f"T2-LOOPBACK-BLOCKED {method} {url.host}", file=sys.stderr, flush=True)
            raise aiohttp.ClientConnectionError(f"loopback tests: refused to contact {url.host}")
        return await original(self, method, str_or_url, *args, **kwargs)

    aiohttp.ClientSession._request = loopback_only  # type: ignore[method-assign]


if _TARGET:
    _install(_TARGET)
