"""Interaction callbacks, followups and @original edits: the 3-second window, "already
acknowledged", Discord's limits on what is sent, and the messages that result."""

from __future__ import annotations

import re
import time
from typing import Any

from tests.e2e.fake_discord import validation
from tests.e2e.fake_discord.model import (
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
    InteractionRecord,
)
from tests.e2e.fake_discord.payloads import EPHEMERAL, message_payload, snowflake
from tests.e2e.fake_discord.rest import Reply, Request, error

#: Discord's window for the first answer to an interaction, and a followup token's life.
CALLBACK_WINDOW = 3.0
TOKEN_LIFE = 15 * 60.0


class WebhookMixin:
    """Interaction-callback and webhook routes of ``FakeDiscord``."""

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
            raise self._refuse(
                record, error(400, "Interaction has already been acknowledged.", 40060)
            )
        if time.monotonic() - record.created > self.callback_window:
            raise self._refuse(
                record,
                error(
                    404,
                    "Unknown interaction (answered after "
                    f"{time.monotonic() - record.created:.1f} s)",
                    10062,
                ),
            )
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
            record.outputs.append(
                ("message" if kind == CHANNEL_MESSAGE else "loading", record.original_id)
            )
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
        result: dict[str, Any] = {
            "interaction": {
                "id": str(record.id),
                "type": record.type,
                "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool(message and int(message["flags"]) & EPHEMERAL),
            }
        }
        if original and kind not in (AUTOCOMPLETE_RESULT, MODAL):
            result["interaction"]["response_message_id"] = str(original)
        if resource is not None:
            result["resource"] = resource
        return result

    def _check_callback(
        self, record: InteractionRecord, kind: Any, data: dict[str, Any], has_files: bool
    ) -> list[str]:
        allowed = {
            APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
            COMPONENT: {
                CHANNEL_MESSAGE,
                DEFERRED_CHANNEL_MESSAGE,
                DEFERRED_UPDATE,
                UPDATE_MESSAGE,
                MODAL,
            },
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

    def _new_message(
        self,
        record: InteractionRecord | None,
        data: dict[str, Any],
        files: list[dict[str, Any]],
        channel_id: int | None = None,
    ) -> dict[str, Any]:
        mid = snowflake()
        body = dict(data)
        body["attachments"] = self._attachments(files, mid)
        in_dm = record is not None and "guild_id" not in record.payload
        meta = None
        if record is not None:
            meta = {
                "id": str(record.id),
                "type": record.type,
                "user": record.user.user_payload(),
                "authorizing_integration_owners": {"0": str(self.guild_id)},
            }
        message = message_payload(
            message_id=mid,
            channel_id=channel_id or (int(record.payload["channel_id"]) if record else 0),
            author=self.bot_user.user_payload() | {"bot": True},
            body=body,
            guild_id=None
            if in_dm or channel_id in self.dm_channels
            else int(record.payload["guild_id"] if record else self.guild_id),
            application_id=self.app_id if record else None,
            interaction=meta,
        )
        self.messages[mid] = message
        return message

    def _edit_message(
        self, message_id: int | None, data: dict[str, Any], files: list[dict[str, Any]]
    ) -> dict[str, Any]:
        if message_id is None or message_id not in self.messages:
            raise error(404, "Unknown Message", 10008)
        message = self.messages[message_id]
        for key in ("content", "embeds", "components", "poll"):
            if key in data:
                message[key] = (
                    data[key] if data[key] is not None else ("" if key == "content" else [])
                )
        if "embeds" in data:
            message["embeds"] = [{"type": "rich", **e} for e in data["embeds"] or []]
        if "attachments" in data:  # the attachments to keep, by id (new files have no id yet)
            keep = {str(a.get("id")) for a in data["attachments"] or []}
            message["attachments"] = [a for a in message.get("attachments", []) if a["id"] in keep]
        message["attachments"] = [
            *message.get("attachments", []),
            *self._attachments(files, message_id),
        ]
        message["flags"] = int(message.get("flags") or 0) & ~LOADING
        message["edited_timestamp"] = message["timestamp"]
        return message

    @staticmethod
    def _attachments(files: list[dict[str, Any]], message_id: int) -> list[dict[str, Any]]:
        """Attachment objects for uploaded files; ``_content`` (fake only) keeps the text."""
        return [
            {
                "id": str(snowflake()),
                "filename": f["filename"],
                "size": len(f["content"]),
                "url": f"https://cdn.invalid/{message_id}/{f['filename']}",
                "proxy_url": f"https://cdn.invalid/{message_id}/{f['filename']}",
                "content_type": "application/octet-stream",
                "_content": f["content"].decode("utf-8", "replace"),
            }
            for f in files
        ]

    def _r_followup(self, m: re.Match[str], req: Request) -> Any:
        record = self._interaction(m["token"], m["app"])
        if record.ack_type is None:
            raise self._refuse(
                record,
                error(
                    404, "Unknown Webhook (followup before the interaction was acknowledged)", 10015
                ),
            )
        data = req.body or {}
        problems = validation.check_message(data, has_files=bool(req.files))
        if problems:
            raise self._refuse(record, error(400, "Invalid Form Body", 50035, errors=problems))
        original = self.messages.get(record.original_id or -1)
        if (
            record.ack_type == DEFERRED_CHANNEL_MESSAGE
            and original is not None
            and int(original["flags"]) & LOADING
        ):
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
