"""The "Open my answer" button id: enough to rebuild the answer, never the member's words.

Layout (lowercase ASCII, well under Discord's 100 characters)::

    t2a:<member>:<version>:<kind>:<refs>:<negated>

``member``   the asking member's Discord id in base 36; anyone else is refused.
``version``  ``AskIndex.version`` (4 hex digits): entries added or removed make old ids stale.
``kind``     one letter of ``AskKind`` (``KIND_CODES``).
``refs``     what the answer shows, as base-36 positions joined by ``.``: warning signs
             (positions among the flow's flags) or entries of the index (``AskIndex.docs``).
             Empty for the kinds without any.
``negated``  ``1`` when every warning sign found came after "no", "not" ... (else ``0``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from t2bot.ask.answer import KIND_CODES, AskKind
from t2bot.base36 import from_base36, to_base36

PREFIX = "t2a"
MAX_REFS = 6
_CODE_KINDS = {code: kind for kind, code in KIND_CODES.items()}


class BadAskId(ValueError):
    """Not an id this bot makes (crafted, truncated or corrupted)."""


@dataclass(frozen=True)
class AskId:
    member_id: int
    version: str
    kind: AskKind
    refs: tuple[int, ...] = ()
    negated: bool = False

    TEMPLATE: ClassVar[str] = (
        PREFIX + r":(?P<member>[0-9a-z]{1,13}):(?P<version>[0-9a-f]{4}):(?P<kind>[a-z])"
        r":(?P<refs>[0-9a-z.]{0,40}):(?P<negated>[01])"
    )

    def encode(self) -> str:
        refs = ".".join(to_base36(ref) for ref in self.refs)
        code = KIND_CODES[self.kind]
        negated = "1" if self.negated else "0"
        return f"{PREFIX}:{to_base36(self.member_id)}:{self.version}:{code}:{refs}:{negated}"

    @classmethod
    def from_match(cls, match: re.Match[str]) -> AskId:
        kind = _CODE_KINDS.get(match["kind"])
        if kind is None:
            raise BadAskId("unknown kind")
        try:
            member = from_base36(match["member"])
            refs = tuple(from_base36(part, limit=1296) for part in match["refs"].split(".") if part)
        except ValueError as exc:
            raise BadAskId(str(exc)) from None
        if len(refs) > MAX_REFS or ".." in match["refs"]:
            raise BadAskId("too many parts")
        return cls(member, match["version"], kind, refs, match["negated"] == "1")

    @classmethod
    def decode(cls, custom_id: str) -> AskId:
        match = re.fullmatch(cls.TEMPLATE, custom_id)
        if match is None:
            raise BadAskId("not an ask id")
        return cls.from_match(match)
