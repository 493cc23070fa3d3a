"""Button ids of the stretch features: every button's state travels in its custom_id.

Layout (after ``t2s:``)::

    show:<stretch>                        open a stretch privately (anyone may tap)
    ls:<area|all>:<page>:<p|n>            list page (``p``/``n`` only keep Prev and Next distinct)
    rt:<spec>:<minutes>:<step>:<owner>    routine walk-through; step ``o`` = overview, ``n`` = done
    rn:<spec>:<minutes>:<owner|any>       a new private routine message (triage "Build my routine")
    sh:s:<stretch> / sh:r:<spec>:<minutes>   post a public copy in the channel
    off:<owner>                           stop my reminders (from a reminder DM)

``spec`` is an encoded ``t2bot.stretches.routines.RoutineSpec`` (``f.<focus>`` or contributor
tags); owners are Discord ids in base 36. Each kind of button is one small class with ``encode``;
``decode`` reads any of them, and ``TEMPLATE`` matches exactly the ids ``decode`` reads the shape
of (numbers out of range are refused by ``decode``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from t2bot.base36 import from_base36, to_base36
from t2bot.stretches.routines import MAX_MINUTES, MIN_MINUTES, SPEC_PATTERN

PREFIX = "t2s"
MAX_CUSTOM_ID = 100

_ID = r"[a-z][a-z0-9_]{0,31}"
_OWNER = r"[0-9a-z]{1,14}"
_MIN = r"[0-9]{1,2}"


class BadStretchId(ValueError):
    """Not a stretch button id this bot makes (crafted, truncated or from an old version)."""


def _minutes(text: str) -> int:
    minutes = int(text)
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise BadStretchId("minutes out of range")
    return minutes


def _owner(text: str) -> int:
    try:
        return from_base36(text)
    except ValueError:
        raise BadStretchId("owner out of range") from None


def _checked(custom_id: str) -> str:
    if len(custom_id) > MAX_CUSTOM_ID:
        raise ValueError("custom_id longer than Discord allows")
    return custom_id


@dataclass(frozen=True)
class ShowStretch:
    stretch_id: str
    PATTERN: ClassVar[str] = rf"show:(?P<id>{_ID})"

    def encode(self) -> str:
        return _checked(f"{PREFIX}:show:{self.stretch_id}")

    @classmethod
    def read(cls, match: re.Match[str]) -> ShowStretch:
        return cls(match["id"])


@dataclass(frozen=True)
class ListPage:
    area: str | None  # None = every area
    page: int
    forward: bool  # keeps "Previous" and "Next" distinct when they point at the same page
    PATTERN: ClassVar[str] = r"ls:(?P<area>[a-z_]{1,20}):(?P<page>[0-9]{1,3}):(?P<dir>[pn])"

    def encode(self) -> str:
        direction = "n" if self.forward else "p"
        return _checked(f"{PREFIX}:ls:{self.area or 'all'}:{self.page}:{direction}")

    @classmethod
    def read(cls, match: re.Match[str]) -> ListPage:
        area = match["area"]
        return cls(None if area == "all" else area, int(match["page"]), match["dir"] == "n")


#: Routine steps: the overview, a move's index, or done.
OVERVIEW = "o"
DONE = "n"


@dataclass(frozen=True)
class RoutineStep:
    spec: str
    minutes: int
    step: str  # OVERVIEW, DONE or a move's index
    owner_id: int
    PATTERN: ClassVar[str] = (
        rf"rt:(?P<spec>{SPEC_PATTERN}):(?P<minutes>{_MIN}):(?P<step>o|n|[0-9]{{1,2}})"
        rf":(?P<owner>{_OWNER})"
    )

    def encode(self) -> str:
        owner = to_base36(self.owner_id)
        return _checked(f"{PREFIX}:rt:{self.spec}:{self.minutes}:{self.step}:{owner}")

    @classmethod
    def read(cls, match: re.Match[str]) -> RoutineStep:
        return cls(match["spec"], _minutes(match["minutes"]), match["step"], _owner(match["owner"]))

    @property
    def move_index(self) -> int | None:
        return int(self.step) if self.step.isdigit() else None


@dataclass(frozen=True)
class NewRoutine:
    spec: str
    minutes: int
    owner_id: int | None  # None = anyone (the copy under a shared routine)
    PATTERN: ClassVar[str] = (
        rf"rn:(?P<spec>{SPEC_PATTERN}):(?P<minutes>{_MIN}):(?P<owner>{_OWNER}|any)"
    )

    def encode(self) -> str:
        owner = "any" if self.owner_id is None else to_base36(self.owner_id)
        return _checked(f"{PREFIX}:rn:{self.spec}:{self.minutes}:{owner}")

    @classmethod
    def read(cls, match: re.Match[str]) -> NewRoutine:
        owner = None if match["owner"] == "any" else _owner(match["owner"])
        return cls(match["spec"], _minutes(match["minutes"]), owner)


@dataclass(frozen=True)
class ShareStretch:
    stretch_id: str
    PATTERN: ClassVar[str] = rf"sh:s:(?P<id>{_ID})"

    def encode(self) -> str:
        return _checked(f"{PREFIX}:sh:s:{self.stretch_id}")

    @classmethod
    def read(cls, match: re.Match[str]) -> ShareStretch:
        return cls(match["id"])


@dataclass(frozen=True)
class ShareRoutine:
    spec: str
    minutes: int
    PATTERN: ClassVar[str] = rf"sh:r:(?P<spec>{SPEC_PATTERN}):(?P<minutes>{_MIN})"

    def encode(self) -> str:
        return _checked(f"{PREFIX}:sh:r:{self.spec}:{self.minutes}")

    @classmethod
    def read(cls, match: re.Match[str]) -> ShareRoutine:
        return cls(match["spec"], _minutes(match["minutes"]))


@dataclass(frozen=True)
class StopReminders:
    owner_id: int
    PATTERN: ClassVar[str] = rf"off:(?P<owner>{_OWNER})"

    def encode(self) -> str:
        return _checked(f"{PREFIX}:off:{to_base36(self.owner_id)}")

    @classmethod
    def read(cls, match: re.Match[str]) -> StopReminders:
        return cls(_owner(match["owner"]))


StretchId = (
    ShowStretch | ListPage | RoutineStep | NewRoutine | ShareStretch | ShareRoutine | StopReminders
)
KINDS: tuple[type[StretchId], ...] = (
    ShowStretch,
    ListPage,
    RoutineStep,
    NewRoutine,
    ShareStretch,
    ShareRoutine,
    StopReminders,
)
_READERS = [(re.compile(kind.PATTERN), kind) for kind in KINDS]
#: Every id of this feature, for the Discord button class (named groups dropped, as the
#: alternatives reuse names).
TEMPLATE = (
    re.escape(PREFIX)
    + ":(?:"
    + "|".join(re.sub(r"\(\?P<\w+>", "(?:", kind.PATTERN) for kind in KINDS)
    + ")"
)


def decode(custom_id: str) -> StretchId:
    """The button a custom_id describes; ``BadStretchId`` for anything else."""
    rest = custom_id.removeprefix(f"{PREFIX}:")
    if rest == custom_id:
        raise BadStretchId("not a stretch id")
    for pattern, kind in _READERS:
        match = pattern.fullmatch(rest)
        if match is not None:
            return kind.read(match)
    raise BadStretchId("not a stretch id")


def owner_of(sid: StretchId) -> int | None:
    """The member a button belongs to (``None``: anyone may tap it)."""
    if isinstance(sid, RoutineStep | NewRoutine | StopReminders):
        return sid.owner_id
    return None
