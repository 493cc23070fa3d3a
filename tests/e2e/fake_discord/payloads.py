"""JSON payloads shaped like Discord's API v10 (users, guilds, messages, interactions)."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
EPHEMERAL = 1 << 6
#: Permissions bitfield of a server administrator, and of an ordinary member.
ADMINISTRATOR = 1 << 3
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 31)  # view channel, send messages, use app cmds
ALL_PERMISSIONS = (1 << 51) - 1
MANAGE_GUILD = 1 << 5

_counter = itertools.count()
_counter_lock = threading.Lock()


def snowflake() -> int:
    """A fresh, realistic snowflake (time-ordered, unique in this process)."""
    with _counter_lock:
        increment = next(_counter) & 0xFFF
    return ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (1 << 17) | increment


def iso_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass
class FakeUser:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    admin: bool = False
    #: Explicit permission bits in the server (overrides ``admin``), e.g. Manage Server only.
    permissions: int | None = None
    #: When False, opening a DM with this user answers 403 "Cannot send messages to this user".
    accepts_dms: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def user_payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.global_name,
            "discriminator": "0",
            "avatar": None,
            "public_flags": 0,
            "flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data

    def permission_bits(self) -> int:
        if self.permissions is not None:
            return self.permissions
        return ALL_PERMISSIONS if self.admin else MEMBER_PERMISSIONS

    def member_payload(self) -> dict[str, Any]:
        """The member object sent inside a guild interaction (with resolved permissions)."""
        return {
            "user": self.user_payload(),
            "nick": None,
            "avatar": None,
            "roles": [],
            "joined_at": "2024-03-01T10:00:00.000000+00:00",
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
            "permissions": str(self.permission_bits()),
        }


def guild_payload(guild_id: int, channel_id: int, owner_id: int, name: str) -> dict[str, Any]:
    """A full GUILD_CREATE payload: one text channel, the @everyone role."""
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": [
            {
                "id": str(guild_id),
                "name": "@everyone",
                "color": 0,
                "hoist": False,
                "icon": None,
                "unicode_emoji": None,
                "position": 0,
                "permissions": str(MEMBER_PERMISSIONS),
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": str(channel_id),
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": "2024-03-01T10:00:00.000000+00:00",
        "large": False,
        "unavailable": False,
        "member_count": 2,
        "voice_states": [],
        "members": [],
        "channels": [
            {
                "id": str(channel_id),
                "type": 0,
                "guild_id": str(guild_id),
                "name": "training",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "topic": None,
                "last_message_id": None,
                "rate_limit_per_user": 0,
                "parent_id": None,
            }
        ],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def message_payload(
    *,
    message_id: int,
    channel_id: int,
    author: dict[str, Any],
    body: dict[str, Any],
    guild_id: int | None = None,
    application_id: int | None = None,
    interaction: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A message as Discord returns it, from the JSON body the bot sent."""
    data: dict[str, Any] = {
        "id": str(message_id),
        "type": 20 if interaction else 0,
        "channel_id": str(channel_id),
        "author": author,
        "content": body.get("content") or "",
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": bool(body.get("tts", False)),
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": body.get("attachments", []),
        "embeds": [normalise_embed(e) for e in body.get("embeds") or []],
        "pinned": False,
        "flags": int(body.get("flags") or 0),
        "components": body.get("components") or [],
        "webhook_id": str(application_id) if application_id else None,
    }
    if data["webhook_id"] is None:
        del data["webhook_id"]
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if application_id is not None:
        data["application_id"] = str(application_id)
    if interaction is not None:
        data["interaction_metadata"] = interaction
    if isinstance(body.get("message_reference"), dict):  # a reply
        data["message_reference"] = {
            "message_id": str(body["message_reference"].get("message_id")),
            "channel_id": str(channel_id),
        }
    return data


def normalise_embed(embed: dict[str, Any]) -> dict[str, Any]:
    """Discord adds ``type: rich`` and drops nothing else we care about."""
    return {"type": "rich", **embed}
