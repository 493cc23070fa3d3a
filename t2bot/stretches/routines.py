"""Stretch routines that fit the time a member has: for a focus, or aimed at triage contributors.

A routine is rebuilt from its ``RoutineSpec`` (focus or contributors, and minutes), so buttons only
carry the spec and the step, never the list of moves.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from t2bot.base36 import to_base36
from t2bot.knowledge.model import Knowledge, Stretch

MIN_MINUTES = 5
MAX_MINUTES = 30
DEFAULT_MINUTES = 10

#: Focus value -> what members read.
FOCUS_LABELS: dict[str, str] = {
    "after_ride": "After a ride",
    "before_run": "Before a run",
    "lower_back": "Lower back",
    "hips": "Hips",
    "aero_neck": "Aero neck and upper back",
}
#: Body areas that come first for a focus (the rest follow in curated order).
FOCUS_AREAS: dict[str, tuple[str, ...]] = {
    "hips": ("hips", "glutes"),
    "lower_back": ("lower_back", "trunk"),
    "aero_neck": ("neck", "upper_back"),
}
#: Said when a routine uses every move of its focus and still leaves two minutes or more.
ALL_USED = "That is every move for this focus. Repeat the set if you have more time."
#: Used when a contributor routine finds nothing that fits.
FALLBACK_FOCUS = "lower_back"


class RoutineError(ValueError):
    """No routine can be made from this request (unknown focus, bad minutes, stale ids)."""


class StaleRoutine(RoutineError):
    """The routine names contributors the current knowledge no longer has (an older button)."""


@dataclass(frozen=True)
class Routine:
    title: str
    minutes: int
    moves: tuple[Stretch, ...]
    note: str = ""

    @property
    def total_seconds(self) -> int:
        return sum(move.seconds for move in self.moves)

    @property
    def budget_seconds(self) -> int:
        return self.minutes * 60


def check_minutes(minutes: int) -> int:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise RoutineError(f"Pick between {MIN_MINUTES} and {MAX_MINUTES} minutes.")
    return minutes


def build_for_focus(knowledge: Knowledge, focus: str, minutes: int) -> Routine:
    """The stretches tagged with ``focus`` that fit in ``minutes``, in routine order."""
    if focus not in FOCUS_LABELS:
        raise RoutineError(f"Unknown focus '{focus}'.")
    check_minutes(minutes)
    areas = FOCUS_AREAS.get(focus, ())
    candidates = [s for s in knowledge.stretches if focus in s.focus]
    # The focus's own areas first, then moves that help with more contributors; stable sort,
    # so curated order breaks ties.
    candidates.sort(key=lambda s: (s.area not in areas, -len(s.addresses)))
    picked = _fill(candidates, minutes * 60)
    if not picked:
        raise RoutineError("No stretch for this focus fits that time.")
    left = minutes * 60 - sum(s.seconds for s in picked)
    note = ALL_USED if len(picked) == len(candidates) and left >= 120 else ""
    return Routine(FOCUS_LABELS[focus], minutes, _in_order(knowledge, picked), note)


def build_for_contributors(
    knowledge: Knowledge, contributor_ids: list[str], minutes: int
) -> Routine:
    """Moves for the member's top contributors (first = most important), fitted to ``minutes``.

    Each contributor first gets its best fitting move, then the time left goes to the moves that
    address the most (and highest-ranked) contributors.
    """
    check_minutes(minutes)
    known = [cid for cid in dict.fromkeys(contributor_ids) if _has_contributor(knowledge, cid)]
    if not known:
        raise RoutineError("None of these contributors is known any more.")
    weight = {cid: len(known) - rank for rank, cid in enumerate(known)}
    scored = [
        (sum(weight.get(cid, 0) for cid in s.addresses), i, s)
        for i, s in enumerate(knowledge.stretches)
    ]
    ranked = [s for score, _, s in sorted(scored, key=lambda t: (-t[0], t[1])) if score > 0]
    budget = minutes * 60
    picked: list[Stretch] = []
    for cid in known:
        for stretch in ranked:
            fits = stretch not in picked and _fits(picked, stretch, budget)
            if cid in stretch.addresses and fits:
                picked.append(stretch)
                break
    for stretch in ranked:
        if stretch not in picked and _fits(picked, stretch, budget):
            picked.append(stretch)
    names = ", ".join(knowledge.contributor(cid).name for cid in known)
    note = f"For what your check found: {names}."
    if not picked:
        fallback = [s for s in knowledge.stretches if FALLBACK_FOCUS in s.focus]
        picked = _fill(fallback, budget)
        note = (
            "No move is listed for what your check found, so this is a general lower-back set."
            if not ranked
            else "The moves for what your check found need more time than this, so this is a "
            "general lower-back set. Pick more minutes below for your own moves."
        )
    if not picked:
        raise RoutineError("No stretch fits that time.")
    return Routine("Your routine", minutes, _in_order(knowledge, picked), note)


def _has_contributor(knowledge: Knowledge, contributor_id: str) -> bool:
    return any(c.id == contributor_id for c in knowledge.contributors)


def _fits(picked: list[Stretch], stretch: Stretch, budget: int) -> bool:
    return sum(s.seconds for s in picked) + stretch.seconds <= budget


def _fill(candidates: list[Stretch], budget: int) -> list[Stretch]:
    """Greedy in curated order: one move per body area first (variety), then the rest."""
    picked: list[Stretch] = []
    areas: set[str] = set()
    for stretch in candidates:
        if stretch.area not in areas and _fits(picked, stretch, budget):
            picked.append(stretch)
            areas.add(stretch.area)
    for stretch in candidates:
        if stretch not in picked and _fits(picked, stretch, budget):
            picked.append(stretch)
    return picked


def _in_order(knowledge: Knowledge, picked: list[Stretch]) -> tuple[Stretch, ...]:
    """Gentle mobility first, strength last (``order``), then curated order."""
    position = {s.id: i for i, s in enumerate(knowledge.stretches)}
    return tuple(sorted(picked, key=lambda s: (s.order, position[s.id])))


# --- Compact specs for button ids -----------------------------------------------------------

TAG_LENGTH = 4
MAX_ENCODED_CONTRIBUTORS = 8
#: The pattern of an encoded spec, for embedding in other ids' regular expressions.
SPEC_PATTERN = r"(?:f\.[a-z_]{1,20}|c\.(?:[0-9a-z]{4}){1,8})"
_SPEC = re.compile(r"f\.(?P<focus>[a-z_]{1,20})|c\.(?P<tags>(?:[0-9a-z]{4}){1,8})")


def contributor_tag(contributor_id: str) -> str:
    """4 base-36 characters derived from a contributor id, so ids need no lookup table.

    A renamed or removed contributor no longer matches, which makes old buttons stale."""
    number = int.from_bytes(hashlib.sha256(contributor_id.encode()).digest()[:8], "big")
    # The lowest base-36 digits, least significant first (the format of ids already sent).
    return to_base36(number % 36**TAG_LENGTH).rjust(TAG_LENGTH, "0")[::-1]


@dataclass(frozen=True)
class RoutineSpec:
    """What a routine is for: a focus, or contributor ids (minutes travel separately)."""

    focus: str | None = None
    contributors: tuple[str, ...] = ()

    def build(self, knowledge: Knowledge, minutes: int) -> Routine:
        if self.focus is not None:
            return build_for_focus(knowledge, self.focus, minutes)
        return build_for_contributors(knowledge, list(self.contributors), minutes)

    def encode(self) -> str:
        """``f.<focus>``, or ``c.`` and one tag per contributor (at most 8)."""
        if self.focus is not None:
            return f"f.{self.focus}"
        ids = list(dict.fromkeys(self.contributors))[:MAX_ENCODED_CONTRIBUTORS]
        if not ids:
            raise RoutineError("a routine needs a focus or contributors")
        return "c." + "".join(contributor_tag(cid) for cid in ids)

    @classmethod
    def decode(cls, text: str, knowledge: Knowledge) -> RoutineSpec:
        """Raise ``RoutineError`` for malformed specs or contributors this knowledge lacks."""
        match = _SPEC.fullmatch(text)
        if match is None:
            raise RoutineError("malformed routine")
        if match["focus"]:
            if match["focus"] not in FOCUS_LABELS:
                raise RoutineError("unknown focus")
            return cls(focus=match["focus"])
        by_tag = {contributor_tag(c.id): c.id for c in knowledge.contributors}
        tags = match["tags"]
        try:
            ids = [by_tag[tags[i : i + TAG_LENGTH]] for i in range(0, len(tags), TAG_LENGTH)]
        except KeyError:
            raise StaleRoutine("stale routine") from None
        return cls(contributors=tuple(ids))
