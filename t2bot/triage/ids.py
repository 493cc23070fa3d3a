"""Button ids that carry a whole flow's state, so no answer is stored server-side.

Layout (all lowercase ASCII, well under Discord's 100 characters)::

    t2:<version>:<member>:<path>:<ticks>:<action>

``version``  the knowledge flow version (6 hex digits); older ids are stale.
``member``   the Discord id of the member who started, in base 36; other members are refused.
``path``     one base-36 digit per answered screen (the answer's index; 0 = "none" on a
             red-flag screen).
``ticks``    hex bitmask of the signs ticked on the current red-flag screen (may be empty).
``action``   ``a<n>`` answer n, ``f<n>`` tap warning sign n, ``go`` continue, ``bk`` back,
             ``rs`` start over, ``x`` cancel, ``sv`` save the result to the member's history,
             ``fu`` ask for a check-in DM in a week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "t2"
MAX_CUSTOM_ID = 100
#: Screens one flow may pass; with the other parts this keeps ids under ``MAX_CUSTOM_ID``.
MAX_PATH = 60
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_PATTERN = re.compile(
    rf"t2:(?P<version>[0-9a-f]{{6}}):(?P<member>[0-9a-z]{{1,14}}):(?P<path>[0-9a-z]{{0,{MAX_PATH}}})"
    r":(?P<ticks>[0-9a-f]{0,6}):(?P<action>a[0-9]{1,2}|f[0-9]{1,2}|go|bk|rs|x|sv|fu)"
)
#: The longest action, ``a19``/``f19``, for length checks.
LONGEST_ACTION = "a19"


class BadFlowId(ValueError):
    """The custom_id is not one this bot makes (crafted, truncated or corrupted)."""


@dataclass(frozen=True)
class FlowId:
    version: str
    member_id: int
    path: str
    ticks: int
    action: str

    def encode(self) -> str:
        ticks = format(self.ticks, "x") if self.ticks else ""
        return (
            f"{PREFIX}:{self.version}:{to_base36(self.member_id)}:{self.path}:{ticks}:{self.action}"
        )

    @property
    def index(self) -> int | None:
        """The number in ``a<n>`` / ``f<n>`` actions."""
        return int(self.action[1:]) if self.action[0] in "af" else None

    @property
    def verb(self) -> str:
        return self.action[0] if self.action[0] in "af" else self.action


def decode(custom_id: str) -> FlowId:
    match = _PATTERN.fullmatch(custom_id)
    if match is None:
        raise BadFlowId(custom_id[:20])
    member = int(match["member"], 36)
    if member >= 2**64:
        raise BadFlowId("member id out of range")
    ticks = int(match["ticks"], 16) if match["ticks"] else 0
    return FlowId(match["version"], member, match["path"], ticks, match["action"])


def to_base36(number: int) -> str:
    if number < 0:
        raise ValueError("ids are not negative")
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _DIGITS[rest] + digits
        if number == 0:
            return digits


def path_digit(index: int) -> str:
    return _DIGITS[index]


def path_index(digit: str) -> int:
    return _DIGITS.index(digit)


def worst_case_length(path_length: int, flag_count: int) -> int:
    """Length of the longest id for a path of this length on a screen with this many flags."""
    ticks = format((1 << flag_count) - 1, "x") if flag_count else ""
    sample = FlowId("f" * 6, 2**64 - 1, "z" * path_length, 0, LONGEST_ACTION).encode()
    return len(sample) + len(ticks)
