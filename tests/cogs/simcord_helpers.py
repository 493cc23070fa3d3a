"""Reading what simcord shows a member (messages, embeds, buttons) and tapping buttons."""

from __future__ import annotations

from typing import Any

import discord
from simcord import actors as simcord_actors
from simcord.results import InteractionResult


def messages(result: InteractionResult) -> list[Any]:
    return [m for m in [result.response, *result.followups] if m is not None]


def text_of(result: InteractionResult) -> str:
    """Everything the member was shown by an interaction."""
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
    return [
        c for row in message.components for c in row.get("components", []) if c.get("type") == 2
    ]


def button_with(message: Any, fragment: str) -> dict[str, Any]:
    found = [b for b in buttons(message) if fragment.lower() in (b.get("label") or "").lower()]
    assert len(found) == 1, [b.get("label") for b in buttons(message)]
    return found[0]


async def tap(member: Any, message: Any, fragment: str) -> InteractionResult:
    return await member.click(message, custom_id=button_with(message, fragment)["custom_id"])


async def forged_tap(member: Any, message: Any, custom_id: str) -> InteractionResult:
    """A tap with any custom_id on ``message``, as a tampered client could send it."""
    stored = member._env.backend.get_message(message.channel_id, message.id)
    data = {"custom_id": custom_id, "component_type": discord.ComponentType.button.value}
    return await simcord_actors._component_interaction(member, stored, data)
