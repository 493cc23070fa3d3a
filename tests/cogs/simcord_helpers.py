"""Driving the real bot in simcord: the environment on a virtual clock, the test server
(``World``), and reading and tapping what a member is shown.

The fixtures built from these live in tests/cogs/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import discord
import simcord
from simcord import actors as simcord_actors
from simcord.results import InteractionResult

from t2bot.knowledge.model import Knowledge

#: How long one simcord step (a tap, a command, one ``advance_time``) may take in real time
#: before simcord calls the bot hung. Only a hang guard: no bot timer ever fires on the wall
#: clock in these tests (``VirtualClockEnv``), so nothing here waits for it to run out.
SETTLE_TIMEOUT = 120.0


class VirtualClockEnv(simcord.Env):
    """simcord's Env where the bot's timers fire only through ``advance_time``.

    simcord gives every bot timer that is not a recognised wait (a ``tasks.loop`` sleep, a
    View timeout, ``wait_for``) a wall-clock fallback, and a settle waits in real time for
    fallbacks due inside ``settle_timeout``. That ties the tests to machine speed: the
    unanswered-tap watchdog (2.5 s ``call_later``) is waited for after every tap, the triage's
    0.5 s ``wait_for`` around the database fires if the box is busy, and a long
    ``advance_time`` must finish within ``settle_timeout`` of real time. Here no fallback is
    armed: a pending timer counts as parked, settling waits only for runnable work (tasks,
    executor jobs), and bot time moves only when a test advances it.
    """

    def _schedule_timer(self, record: Any, callback: Any, args: Any, context: Any) -> None:
        return None


# simcord 3.2.1 arms the fallback in Env._schedule_timer; fail loudly if an upgrade moves it.
assert callable(getattr(simcord.Env, "_schedule_timer", None)), "simcord changed: see above"


@dataclass
class World:
    """A server with a text channel and two members, Alice and Bob.

    Unpacks as ``env, channel, alice, bob`` for the tests written that way."""

    env: simcord.Env
    bot: Any
    guild: simcord.GuildHandle
    channel: simcord.ChannelHandle
    alice: simcord.MemberActor
    bob: simcord.MemberActor
    alice_user: simcord.UserHandle
    kb: Knowledge

    def __iter__(self) -> Iterator[Any]:
        return iter((self.env, self.channel, self.alice, self.bob))


def messages(result: InteractionResult) -> list[Any]:
    return [m for m in [result.response, *result.followups] if m is not None]


def text_of(result: InteractionResult) -> str:
    """Everything the member was shown by an interaction (messages, embeds, followups)."""
    parts: list[str] = []
    for message in messages(result):
        parts.append(message.content or "")
        for embed in message.embeds:
            parts += [embed.title or "", embed.description or "", embed.footer.text or ""]
            parts += [f"{field.name}\n{field.value}" for field in embed.fields]
    return "\n".join(parts)


def last(result: InteractionResult) -> Any:
    return messages(result)[-1]


def buttons(message: Any) -> list[dict[str, Any]]:
    """Every button of a message (a simcord ResponseMessage or a discord.Message), flattened."""
    found: list[dict[str, Any]] = []
    for row in message.components:
        children = row.get("components", []) if isinstance(row, dict) else row.children
        for child in children:
            item = child if isinstance(child, dict) else child.to_dict()
            if item.get("type") == discord.ComponentType.button.value:
                found.append(item)
    return found


def labels(message: Any) -> list[str]:
    return [b.get("label", "") for b in buttons(message)]


def button_with(message: Any, fragment: str) -> dict[str, Any]:
    """The one button whose label contains ``fragment`` (case-insensitive)."""
    found = [b for b in buttons(message) if fragment.lower() in (b.get("label") or "").lower()]
    assert len(found) == 1, f"{fragment!r} matches {[b.get('label') for b in buttons(message)]}"
    return found[0]


async def tap(member: simcord.MemberActor, message: Any, fragment: str) -> InteractionResult:
    return await member.click(message, custom_id=button_with(message, fragment)["custom_id"])


async def forged_tap(member: Any, message: Any, custom_id: str) -> InteractionResult:
    """A tap on ``message`` with any custom_id, as a tampered client could send it (discord.py
    still parses the real payload; only simcord's "could a user see this?" check is skipped)."""
    stored = member._env.backend.get_message(message.channel_id, message.id)
    data = {"custom_id": custom_id, "component_type": discord.ComponentType.button.value}
    result: InteractionResult = await simcord_actors._component_interaction(member, stored, data)
    return result
