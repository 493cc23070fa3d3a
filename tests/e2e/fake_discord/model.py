"""What the fake remembers: REST calls, messages and interactions, as test-friendly snapshots."""

from __future__ import annotations

import copy
import re
import time
from dataclasses import dataclass, field
from typing import Any

from tests.e2e.fake_discord.payloads import EPHEMERAL, FakeUser

#: Interaction callback types (https://discord.com/developers/docs/interactions/receiving-and-responding).
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9
LOADING = 1 << 7

#: Interaction types.
APPLICATION_COMMAND = 2
COMPONENT = 3
AUTOCOMPLETE = 4


@dataclass
class Call:
    """One REST request the bot made, and what the fake answered."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: list[dict[str, Any]]
    status: int
    at: float
    fault: str | None = None

    def __repr__(self) -> str:
        fault = f" ({self.fault})" if self.fault else ""
        return f"<Call {self.method} {self.path} -> {self.status}{fault}>"


class FakeMessage:
    """A snapshot of a message the bot sent (deep copy: safe to keep across threads)."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = copy.deepcopy(payload)

    def __repr__(self) -> str:
        return f"<FakeMessage {self.id} {self.text()[:60]!r}>"

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def flags(self) -> int:
        return int(self.payload.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def content(self) -> str:
        return self.payload.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.payload.get("embeds") or []

    @property
    def attachments(self) -> list[dict[str, Any]]:
        return self.payload.get("attachments") or []

    def components(self) -> list[dict[str, Any]]:
        """Every interactive component (buttons and selects), in order."""
        found: list[dict[str, Any]] = []

        def walk(items: list[dict[str, Any]]) -> None:
            for item in items:
                if item.get("type") in (1, 9, 17):  # action row, section, container
                    walk(item.get("components") or [])
                    if item.get("accessory"):
                        walk([item["accessory"]])
                elif item.get("type") in (2, 3, 5, 6, 7, 8):
                    found.append(item)

        walk(self.payload.get("components") or [])
        return found

    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in self.components() if c.get("type") == 2]

    def labels(self) -> list[str]:
        return [b.get("label") or "" for b in self.buttons()]

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.components() if c.get("custom_id")]

    def button(self, label: str | re.Pattern[str], *, exact: bool = False) -> dict[str, Any]:
        """The first button whose label matches (substring, case-insensitive; or a regex)."""
        for item in self.buttons():
            text = item.get("label") or ""
            if isinstance(label, re.Pattern):
                if label.search(text):
                    return item
            elif (text == label) if exact else (label.lower() in text.lower()):
                return item
        raise AssertionError(f"no button {label!r} on message; buttons: {self.labels()}")

    def has_button(self, label: str) -> bool:
        return any(label.lower() in (b.get("label") or "").lower() for b in self.buttons())

    def text(self) -> str:
        """Content plus every embed's title, description, fields and footer, for assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            for fld in embed.get("fields") or []:
                parts += [fld.get("name") or "", fld.get("value") or ""]
            parts.append((embed.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)


@dataclass
class InteractionRecord:
    """One INTERACTION_CREATE the fake sent, and how the bot answered it (server-side state)."""

    id: int
    token: str
    type: int
    user: FakeUser
    payload: dict[str, Any]
    created: float = field(default_factory=time.monotonic)
    #: The message a component sits on.
    message_id: int | None = None
    ack_type: int | None = None
    acked_at: float | None = None
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    choices: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None
    #: Visible outputs in order: ("message"|"update"|"edit"|"followup"|"choices"|"modal", id).
    outputs: list[tuple[str, int | None]] = field(default_factory=list)
    #: Callbacks refused by the fake: (status, reason). Late ones mean "This interaction failed".
    refused: list[tuple[int, str]] = field(default_factory=list)
    delivered: bool = False
    #: Set by a test that provokes a failure on purpose (left out of the unanswered checks).
    expected_failure: bool = False

    @property
    def label(self) -> str:
        data = self.payload.get("data") or {}
        what = data.get("name") or data.get("custom_id") or "?"
        return f"interaction {self.id} type {self.type} ({str(what)[:40]})"


@dataclass
class Answer:
    """What the member sees after the bot answered one interaction (a snapshot)."""

    interaction_id: int
    ack_type: int
    message: FakeMessage | None
    followups: list[FakeMessage]
    choices: list[dict[str, Any]] | None
    modal: dict[str, Any] | None
    outputs: list[tuple[str, int | None]]

    @property
    def last(self) -> FakeMessage:
        """The newest message the member saw for this interaction (followup, else the message)."""
        if self.followups:
            return self.followups[-1]
        if self.message is None:
            raise AssertionError(f"interaction {self.interaction_id} produced no message")
        return self.message

    def all_text(self) -> str:
        msgs = ([self.message] if self.message else []) + self.followups
        return "\n".join(m.text() for m in msgs)
