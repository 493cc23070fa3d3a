"""Button ids that carry a whole flow's state, so no answer is stored server-side.

Layout (all lowercase ASCII, well under Discord's 100 characters)::

    t2:<version>:<member>:<path>:<ticks>:<action>

``version``  the knowledge flow version (6 hex digits); older ids are stale.
``member``   the Discord id of the member who started, in base 36; other members are refused.
``path``     one base-36 digit per answered screen (the answer's index; 0 = "none" on a
             red-flag screen); a checklist screen's answer is the bitmask of its picked
             options in a fixed number of base-36 digits (``engine.checklist_width``: 1 digit
             for up to 5 options, 2 for up to 10, 5 for 25).
``ticks``    hex bitmask of the signs ticked on the current red-flag screen (may be empty).
``action``   an encoded ``t2bot.triage.actions.Action``: ``a<n>`` answer n, ``f<n>`` tap warning
             sign n, ``go`` continue, ``bk`` back, ``rs`` start over, ``x`` cancel, ``sv`` save
             the result to the member's history, ``fu`` ask for a check-in DM in a week,
             ``p<n>`` show page n of the finished check (Summary, Why, ...), ``ck`` the
             select menu of a checklist screen (the picks arrive as the menu's values).

Buttons read ``TEMPLATE`` (every action but ``ck``), the checklist menu ``SELECT_TEMPLATE``
(only ``ck``), so each id is read by exactly one component class.

``FlowId`` is the codec: ``encode`` and ``decode`` in one class, with ``TEMPLATE`` (the pattern
of every id it reads) for the Discord button class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from t2bot.base36 import digit, digit_value, from_base36, to_base36

if TYPE_CHECKING:
    from t2bot.triage.actions import Action

PREFIX = "t2"
MAX_CUSTOM_ID = 100
#: Screens one flow may pass; with the other parts this keeps ids under ``MAX_CUSTOM_ID``.
MAX_PATH = 60
#: The longest action, ``a19``/``f19``, for length checks (the knowledge allows 20 choices).
LONGEST_ACTION = "a19"
#: The action of a checklist's select menu.
CHECK_ACTION = "ck"

__all__ = [
    "MAX_CUSTOM_ID",
    "MAX_PATH",
    "PREFIX",
    "BadFlowId",
    "FlowId",
    "decode",
    "path_digit",
    "path_index",
    "to_base36",
    "worst_case_length",
]


class BadFlowId(ValueError):
    """The custom_id is not one this bot makes (crafted, truncated or corrupted)."""


@dataclass(frozen=True)
class FlowId:
    version: str
    member_id: int
    path: str
    ticks: int
    action: str

    _STATE: ClassVar[str] = (
        rf"{PREFIX}:(?P<version>[0-9a-f]{{6}}):(?P<member>[0-9a-z]{{1,14}})"
        rf":(?P<path>[0-9a-z]{{0,{MAX_PATH}}}):(?P<ticks>[0-9a-f]{{0,6}})"
    )
    TEMPLATE: ClassVar[str] = (
        # Any action-shaped token but the menu's; ``from_match`` checks it against the action
        # vocabulary (imported late: the knowledge validation imports this module, and the
        # actions import the engine, which imports the knowledge).
        _STATE + rf":(?P<action>(?!{CHECK_ACTION}$)[a-z]{{1,2}}[0-9]{{0,2}})"
    )
    SELECT_TEMPLATE: ClassVar[str] = _STATE + rf":(?P<action>{CHECK_ACTION})"

    @classmethod
    def of(cls, version: str, member_id: int, path: str, ticks: int, action: Action) -> FlowId:
        return cls(version, member_id, path, ticks, action.encode())

    def encode(self) -> str:
        ticks = format(self.ticks, "x") if self.ticks else ""
        return (
            f"{PREFIX}:{self.version}:{to_base36(self.member_id)}:{self.path}:{ticks}:{self.action}"
        )

    @classmethod
    def decode(cls, custom_id: str) -> FlowId:
        match = _PATTERN.fullmatch(custom_id) or _SELECT_PATTERN.fullmatch(custom_id)
        if match is None:
            raise BadFlowId("not a flow id")
        return cls.from_match(match)

    @classmethod
    def from_match(cls, match: re.Match[str]) -> FlowId:
        """The id a ``TEMPLATE`` match describes; ``BadFlowId`` if a part is out of range."""
        from t2bot.triage.actions import Action

        try:
            member = from_base36(match["member"])
            Action.decode(match["action"])
        except ValueError:
            raise BadFlowId("member id or action out of range") from None
        ticks = int(match["ticks"], 16) if match["ticks"] else 0
        return cls(match["version"], member, match["path"], ticks, match["action"])

    @property
    def move(self) -> Action:
        """The action this id asks for."""
        from t2bot.triage.actions import Action

        return Action.decode(self.action)

    @property
    def index(self) -> int | None:
        """The number in ``a<n>`` / ``f<n>`` actions."""
        return self.move.index

    @property
    def verb(self) -> str:
        return self.move.verb.value


_PATTERN = re.compile(FlowId.TEMPLATE)
_SELECT_PATTERN = re.compile(FlowId.SELECT_TEMPLATE)


def decode(custom_id: str) -> FlowId:
    return FlowId.decode(custom_id)


def path_digit(index: int) -> str:
    return digit(index)


def path_index(char: str) -> int:
    return digit_value(char)


def worst_case_length(path_length: int, flag_count: int) -> int:
    """Length of the longest id for a path of this length on a screen with this many flags."""
    ticks = format((1 << flag_count) - 1, "x") if flag_count else ""
    sample = FlowId("f" * 6, 2**64 - 1, "z" * path_length, 0, LONGEST_ACTION).encode()
    return len(sample) + len(ticks)
