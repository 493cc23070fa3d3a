"""Helpers for driving the bot through simcord (discord.py's real parsing, offline)."""

from __future__ import annotations

from typing import Any

import discord
from simcord import actors as simcord_actors
from simcord.results import InteractionResult

from t2bot.knowledge import load_knowledge
from t2bot.settings import Settings


def settings_for(tmp_path, knowledge_dir) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 't2.sqlite3'}",
        knowledge_dir=knowledge_dir,
        emergency_number="112",
    )


def buttons(message: Any) -> list[dict[str, Any]]:
    return [
        c for row in message.components for c in row.get("components", []) if c.get("type") == 2
    ]


def button_with(message: Any, fragment: str) -> dict[str, Any]:
    """The one button whose label contains ``fragment`` (case-insensitive)."""
    found = [b for b in buttons(message) if fragment.lower() in (b.get("label") or "").lower()]
    assert len(found) == 1, f"{fragment!r} matches {[b.get('label') for b in buttons(message)]}"
    return found[0]


async def tap(member: Any, message: Any, fragment: str) -> InteractionResult:
    return await member.click(message, custom_id=button_with(message, fragment)["custom_id"])


async def forged_tap(member: Any, message: Any, custom_id: str) -> InteractionResult:
    """A tap on ``message`` with any custom_id, as a tampered client could send it (discord.py
    still parses the real payload; only simcord's "could a user see this?" check is skipped)."""
    stored = member._env.backend.get_message(message.channel_id, message.id)
    data = {"custom_id": custom_id, "component_type": discord.ComponentType.button.value}
    return await simcord_actors._component_interaction(member, stored, data)


def answer_text(result: InteractionResult) -> str:
    """Everything the member was shown by an interaction (message, embeds, followups)."""
    parts: list[str] = []
    messages = [m for m in [result.response, *result.followups] if m is not None]
    for message in messages:
        parts.append(message.content or "")
        for embed in message.embeds:
            parts.append(embed.title or "")
            parts.append(embed.description or "")
            parts.extend(f"{f.name}\n{f.value}" for f in embed.fields)
    return "\n".join(parts)


__all__ = [
    "answer_text",
    "button_with",
    "buttons",
    "forged_tap",
    "load_knowledge",
    "settings_for",
    "tap",
]
