"""Button ids of the check-in DM: they carry everything the answer needs, so nothing about the
DM is stored until the member says "Keep it".

Layout (lowercase ASCII, at most 100 characters)::

    t2f:<verb>:<outcome>:<tried>:<guild>:<refs>

``verb``     ``p`` the "which did you try?" menu, ``o`` an answer button (better / same /
             worse), ``k`` keep the answer, ``n`` don't keep it.
``outcome``  ``b`` better, ``s`` same, ``w`` worse, ``-`` not answered yet.
``tried``    base-36 bitmask over ``refs``: the tips and stretches the member picked.
``guild``    the server the check was run in, base 36 (``-``: a check run in DMs).
``refs``     what the result offered, 5 characters each: ``c`` contributor, ``t`` tip or
             ``s`` stretch, then 4 base-36 digits of a hash of its id (stable when the
             knowledge is reordered; an item removed since is simply dropped).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from t2bot.base36 import from_base36, to_base36

PREFIX = "t2f"
MAX_CUSTOM_ID = 100
REF_DIGITS = 4
KINDS = {"c": "contributor", "t": "tip", "s": "stretch"}
OUTCOMES = {"b": "better", "s": "same", "w": "worse"}
VERBS = ("p", "o", "k", "n")
#: At most this many refs (25 options in a Discord menu; 15 fit the 100 characters anyway).
MAX_REFS = 15


class BadCheckInId(ValueError):
    """Not a check-in id this bot makes (crafted, truncated or corrupted)."""


def ref(kind: str, item_id: str) -> str:
    """``kind`` (``c``/``t``/``s``) and a short, stable hash of ``item_id``."""
    digest = int.from_bytes(hashlib.blake2b(item_id.encode(), digest_size=4).digest(), "big")
    return kind + to_base36(digest % 36**REF_DIGITS).rjust(REF_DIGITS, "0")


@dataclass(frozen=True)
class CheckInId:
    verb: str
    outcome: str | None
    """``better``, ``same``, ``worse`` or ``None``."""
    tried: int
    guild_id: int | None
    refs: tuple[str, ...]

    TEMPLATE: ClassVar[str] = (
        PREFIX + r":(?P<verb>[pokn]):(?P<outcome>[bsw-]):(?P<tried>[0-9a-z]{1,4})"
        r":(?P<guild>[0-9a-z]{1,13}|-):(?P<refs>(?:[cts][0-9a-z]{4}){0,15})"
    )
    _PATTERN: ClassVar[re.Pattern[str]] = re.compile(TEMPLATE)

    @classmethod
    def offer(
        cls,
        guild_id: int | None,
        contributor_ids: Iterable[str],
        tip_ids: Iterable[str],
        stretch_ids: Iterable[str],
    ) -> CheckInId:
        """The first id of a DM: what the result offered, as many as fit (contributors first)."""
        refs: list[str] = []
        for kind, ids in (("c", contributor_ids), ("t", tip_ids), ("s", stretch_ids)):
            for item_id in ids:
                candidate = ref(kind, item_id)
                if candidate not in refs and len(refs) < MAX_REFS:
                    refs.append(candidate)
        return cls("p", None, 0, guild_id, tuple(refs))

    def but(self, verb: str, outcome: str | None = None, tried: int | None = None) -> CheckInId:
        """This id with another verb (and outcome, and picks)."""
        return CheckInId(
            verb,
            self.outcome if outcome is None else outcome,
            self.tried if tried is None else tried,
            self.guild_id,
            self.refs,
        )

    def encode(self) -> str:
        if self.verb not in VERBS:
            raise ValueError(f"unknown verb {self.verb!r}")
        outcome = "-"
        if self.outcome is not None:
            outcome = next(code for code, name in OUTCOMES.items() if name == self.outcome)
        guild = "-" if self.guild_id is None else to_base36(self.guild_id)
        text = (
            f"{PREFIX}:{self.verb}:{outcome}:{to_base36(self.tried)}:{guild}:{''.join(self.refs)}"
        )
        if len(text) > MAX_CUSTOM_ID:
            raise ValueError("custom_id longer than Discord allows")
        return text

    @classmethod
    def decode(cls, custom_id: str) -> CheckInId:
        match = cls._PATTERN.fullmatch(custom_id)
        if match is None:
            raise BadCheckInId("not a check-in id")
        return cls.from_match(match)

    @classmethod
    def from_match(cls, match: re.Match[str]) -> CheckInId:
        refs_text = match["refs"]
        refs = tuple(refs_text[i : i + 1 + REF_DIGITS] for i in range(0, len(refs_text), 5))
        try:
            tried = from_base36(match["tried"], limit=2 ** len(refs))
            guild = None if match["guild"] == "-" else from_base36(match["guild"])
        except ValueError:
            raise BadCheckInId("a part of the id is out of range") from None
        outcome = OUTCOMES.get(match["outcome"])
        if match["verb"] in ("k", "n") and outcome is None:
            raise BadCheckInId("keep or skip without an answer")
        return cls(match["verb"], outcome, tried, guild, refs)

    def picked(self) -> list[int]:
        """Indexes into ``refs`` of the tips and stretches picked."""
        return [i for i in range(len(self.refs)) if self.tried >> i & 1]


def mask(indexes: Sequence[int]) -> int:
    bits = 0
    for index in indexes:
        bits |= 1 << index
    return bits
