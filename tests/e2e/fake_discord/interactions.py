"""Interactions the tests send as members (slash commands, autocomplete, taps), and waiting
for what the bot answered."""

from __future__ import annotations

import secrets
import time
from typing import Any

from tests.e2e.fake_discord.model import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    COMPONENT,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE,
    Answer,
    FakeMessage,
    InteractionRecord,
)
from tests.e2e.fake_discord.payloads import FakeUser, snowflake


class InteractionsMixin:
    """Test API of ``FakeDiscord`` for members' interactions."""

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

    def slash(
        self,
        user: FakeUser,
        command: str,
        *path: str,
        in_dm: bool = False,
        guild_id: int | None = None,
        **options: Any,
    ) -> InteractionRecord:
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

    def autocomplete(
        self, user: FakeUser, command: str, *path: str, focused: str, **options: Any
    ) -> InteractionRecord:
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

    def tap(
        self,
        user: FakeUser,
        message: FakeMessage | int,
        custom_id: str | None = None,
        *,
        label: str | None = None,
        forge: str | None = None,
        values: list[str] | None = None,
        guild_id: int | None = None,
        as_seen: bool = False,
    ) -> InteractionRecord:
        """Tap a button (or pick ``values`` in a select) on a message the bot sent.

        ``forge="inject"`` puts ``custom_id`` on the message first (a crafted or old button);
        ``forge="raw"`` sends it without it being on the message. Without ``forge`` the id must be
        on the message, as with a real client. The message is taken as it is now, or with
        ``as_seen`` as the given snapshot (a second tap before the first one's update arrived).
        """
        if as_seen and isinstance(message, FakeMessage):
            snapshot = message
        else:
            snapshot = self.message(message if isinstance(message, int) else message.id)
        if label is not None:
            custom_id = snapshot.button(label)["custom_id"]
        if custom_id is None:
            raise ValueError("give custom_id or label")
        payload = snapshot.payload
        component = next(
            (c for c in snapshot.components() if c.get("custom_id") == custom_id), None
        )
        if component is None:
            if forge is None:
                raise AssertionError(
                    f"{custom_id!r} is not on the message: {snapshot.custom_ids()}"
                )
            if forge == "inject":
                kind = 3 if values is not None else 2
                crafted: dict[str, Any] = {"type": kind, "custom_id": custom_id}
                if kind == 2:
                    crafted |= {"style": 1, "label": "crafted"}
                else:
                    crafted |= {
                        "options": [
                            {"label": v[:100] or "x", "value": v[:100] or "x"}
                            for v in values or ["x"]
                        ]
                    }
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
        return self.interact(user, COMPONENT, data, message=payload, in_dm=in_dm, guild_id=guild_id)

    def interact(
        self,
        user: FakeUser,
        kind: int,
        data: dict[str, Any],
        *,
        message: dict[str, Any] | None = None,
        in_dm: bool = False,
        guild_id: int | None = None,
    ) -> InteractionRecord:
        """Build and dispatch one INTERACTION_CREATE (in the fake's server unless ``in_dm`` or
        another ``guild_id``: a server the bot has no GUILD_CREATE for)."""
        record = self.build_interaction(
            user, kind, data, message=message, in_dm=in_dm, guild_id=guild_id
        )
        self.dispatch("INTERACTION_CREATE", record.payload)
        record.delivered = True
        return record

    async def interact_async(
        self,
        user: FakeUser,
        kind: int,
        data: dict[str, Any],
        *,
        message: dict[str, Any] | None = None,
        guild_id: int | None = None,
    ) -> InteractionRecord:
        """``interact`` for code running on the fake's own event loop (the benchmark's
        members): dispatches without blocking the loop; ``created`` is the time it was sent."""
        record = self.build_interaction(user, kind, data, message=message, guild_id=guild_id)
        record.created = time.monotonic()
        await self._dispatch("INTERACTION_CREATE", record.payload, self.target)
        record.delivered = True
        return record

    def build_interaction(
        self,
        user: FakeUser,
        kind: int,
        data: dict[str, Any],
        *,
        message: dict[str, Any] | None = None,
        in_dm: bool = False,
        guild_id: int | None = None,
    ) -> InteractionRecord:
        """One INTERACTION_CREATE payload, recorded but not sent yet (see ``interact``)."""
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
                "channel": {
                    "id": str(dm),
                    "type": 1,
                    "flags": 0,
                    "last_message_id": None,
                    "recipients": [user.user_payload()],
                },
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
                "channel": {
                    "id": str(self.channel_id),
                    "type": 0,
                    "guild_id": str(gid),
                    "name": "training",
                    "position": 0,
                    "permission_overwrites": [],
                    "nsfw": False,
                    "parent_id": None,
                    "flags": 0,
                    "permissions": str(user_permissions(user)),
                },
                "member": user.member_payload(),
                "context": 0,
                "authorizing_integration_owners": {"0": str(gid)},
            }
        if message is not None:
            payload["message"] = message
        record = InteractionRecord(
            iid, token, kind, user, payload, message_id=int(message["id"]) if message else None
        )
        with self._cond:
            self.interactions[iid] = record
            self._by_token[token] = record
        return record

    def wait_answer(
        self, interaction: InteractionRecord, timeout: float = 10.0, followups: int = 0
    ) -> Answer:
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
                followups=[
                    FakeMessage(self.messages[m]) for m in r.followup_ids if m in self.messages
                ],
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
        self._wait(
            lambda: all(r.ack_type is not None for r in records) or time.monotonic() > deadline,
            window + 2,
            "interactions to settle",
            raise_on_timeout=False,
        )
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
            return [
                f"{r.label}: {s} {t}"
                for r in records
                if not r.expected_failure
                for s, t in r.refused
            ]

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
        self._wait(
            lambda: len(self.dms.get(user.id, [])) >= count, timeout, f"{count} DM(s) to a member"
        )
        return self.dms_to(user)

    @staticmethod
    def _options(
        cmd: dict[str, Any], path: list[str], values: dict[str, Any], focused: str | None
    ) -> list[dict[str, Any]]:
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
    return user.permission_bits()
