"""Members' own messages: MESSAGE_CREATE in the channel or a DM, message context menus, and the
bot's posts in the channel, as Discord sends and shows them.

Like Discord, a guild message reaches a bot without the message_content intent with empty
content unless it mentions the bot (DMs always carry it); the intents are the bot's IDENTIFY.
"""

from __future__ import annotations

from typing import Any

from tests.e2e.fake_discord.model import APPLICATION_COMMAND, FakeMessage, InteractionRecord
from tests.e2e.fake_discord.payloads import FakeUser, iso_now, snowflake

MESSAGE_CONTENT = 1 << 15
MESSAGE_MENU = 3


class MembersMixin:
    """Test API of ``FakeDiscord`` for messages members write."""

    def post(self, user: FakeUser, content: str, *, in_dm: bool = False) -> dict[str, Any]:
        """``user`` writes ``content`` in the fake's channel (or to the bot in a DM); returns the
        full message (what a context menu on it resolves to)."""
        mid = snowflake()
        channel = self._dm_channel_for(user) if in_dm else self.channel_id
        mentions_bot = f"<@{self.app_id}>" in content or f"<@!{self.app_id}>" in content
        message: dict[str, Any] = {
            "id": str(mid),
            "type": 0,
            "channel_id": str(channel),
            "author": user.user_payload(),
            "content": content,
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [self.bot_user.user_payload() | {"bot": True}] if mentions_bot else [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "flags": 0,
            "components": [],
        }
        if not in_dm:
            message["guild_id"] = str(self.guild_id)
        with self._cond:
            self.messages[mid] = message
        event = dict(message)
        if not in_dm:
            member = user.member_payload()
            member.pop("user", None)
            member.pop("permissions", None)
            event["member"] = member
            if not mentions_bot and not self._bot_intents() & MESSAGE_CONTENT:
                event["content"] = ""  # what Discord sends a bot without message_content
        self.dispatch("MESSAGE_CREATE", event)
        return message

    def message_menu(self, user: FakeUser, name: str, target: dict[str, Any]) -> InteractionRecord:
        """``user`` runs the message context menu ``name`` on ``target`` (in the channel)."""
        cmd = self.command(name)
        assert cmd.get("type") == MESSAGE_MENU, f"{name!r} is not a message menu"
        data = {
            "id": cmd["id"],
            "name": name,
            "type": MESSAGE_MENU,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
            "guild_id": str(self.guild_id),
        }
        return self.interact(user, APPLICATION_COMMAND, data)

    def channel_posts(self) -> list[FakeMessage]:
        """The bot's own messages in the fake's channel (not interaction responses), oldest
        first."""
        bot = str(self.app_id)
        with self._cond:
            return [
                FakeMessage(m)
                for m in self.messages.values()
                if m["channel_id"] == str(self.channel_id)
                and m["author"]["id"] == bot
                and "interaction_metadata" not in m
            ]

    def wait_post(self, count: int, timeout: float = 15.0) -> FakeMessage:
        """Wait until the bot has posted ``count`` messages in the channel; the newest."""
        self._wait(lambda: len(self.channel_posts()) >= count, timeout, f"{count} channel post(s)")
        return self.channel_posts()[-1]

    def _bot_intents(self) -> int:
        identify = [e for e in self.gateway_log if e.kind == "identify"]
        return int(identify[-1].detail.get("intents") or 0) if identify else 0
