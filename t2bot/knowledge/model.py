"""Typed model of the knowledge files. Field docs here are the reference for coaches' YAML.

Every item that gives information carries ``sources``: ``thread#N`` (a post of the source thread)
or the key of an entry under ``references``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

#: A source that cites a post of the club thread: ``thread#N``.
THREAD_SOURCE = re.compile(r"^thread#(\d+)$")

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
ButtonLabel = Annotated[str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]
#: A select-menu option's label or description (Discord allows 100); answer buttons allow 80
#: (checked where the button is rendered, ``t2bot.knowledge.rendered``).
#: A note's ``brief``, on the Summary page under its heading: one short line on a phone.
NOTE_BRIEF = 100
OptionText = Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Urgency(StrEnum):
    """How soon to get care. Ordered from least to most urgent."""

    soon = "soon"
    same_day = "same_day"
    emergency = "emergency"

    @property
    def rank(self) -> int:
        return list(Urgency).index(self)


class Reference(Strict):
    title: Text
    url: Annotated[str, StringConstraints(pattern=r"^https://\S+$")]


class UrgencyText(Strict):
    """What the member is told to do for one urgency level. ``{emergency_number}`` is filled in."""

    title: Text
    action: Text
    """What to do now, where and how fast."""
    stop: Text | None = None
    """What to stop until seen."""
    call_if: Text | None = None
    """Which new signs mean calling the emergency number, named in words."""


class PageLabels(Strict):
    """The buttons of an answer's pages (each page is also its heading)."""

    summary: ButtonLabel
    why: ButtonLabel
    tips: ButtonLabel
    stretches: ButtonLabel
    clinician: ButtonLabel
    sources: ButtonLabel


class Words(Strict):
    """Member-facing words of the answer pages, stretch replies and DMs (one place per feature,
    so a translation is one folder)."""

    pages: PageLabels
    result_title: Text
    likely: Text
    """Summary: the line above the top contributors."""
    try_first: Text
    """Summary: the line above the three most useful actions."""
    more: Text
    """Summary: where the rest is (Discord: tap)."""
    more_console: Text
    """The same for the terminal (type a number)."""
    safety_net: Text
    """Summary and stretch replies: the signs that mean get care now."""
    evidence: Text
    """Before a contributor's or tip's evidence note."""
    club_source: Text
    """The short name of the club's shared experience on the Sources page."""
    no_stretches: Text
    clinician_intro: Text
    clinician_copy: Text
    ruled_out: Text
    answered: Text
    contributors: Text
    nothing_named: Text
    tell_them: Text
    stop_heading: Text
    call_if_heading: Text
    stretch_safety: Text
    """One line on every stretch reply: when to stop, when to get care."""
    stretch_pointer: Text
    """Points stretch replies to /backpain."""
    stretch_safety_heading: ButtonLabel
    routine_done: Text
    """After a walked-through routine; ``{moves}`` and ``{time}`` are filled in."""
    symptom_words: list[Text] = Field(min_length=1)
    """Words that name a symptom rather than a stretch (stems: "numb" finds "numbness")."""
    symptom_hint: Text
    """The care pointer a stretch search naming a symptom gets."""
    generic_aliases: list[Text] = Field(default_factory=list)
    """Aliases too general to show under "Also called" (they still find the stretch)."""


class Meta(Strict):
    title: Text
    intro: Text
    """First message: what the bot is and is not, with ``{emergency_number}``."""
    professional_reminder: Text
    """Ends every answer, whatever the path (urgent answers end with ``urgent_reminder``)."""
    urgent_reminder: Text
    """Ends emergency and same-day answers instead, where "book a physio" would mislead."""
    nothing_stands_out: Text
    stay_active_until_seen: Text
    """The only advice a see-soon reply gives."""
    urgency: dict[Urgency, UrgencyText]
    thread_title: Text
    thread_posts: int = Field(ge=1)
    max_contributors: int = Field(default=3, ge=1, le=5)
    min_score: int = Field(default=2, ge=1)
    """A contributor needs at least this score to be named; below it, nothing stands out."""
    sources: list[str] = Field(default_factory=list)
    words: Words


class Answer(Strict):
    label: OptionText
    """Button text (question: at most 80 characters) or menu option (checklist: at most 100)."""
    description: OptionText | None = None
    """Checklist options only: a grey line under the option in the menu."""
    exclusive: bool = False
    """Checklist options only: this option is picked alone ("None of these", "Not sure")."""
    one_of: Id | None = None
    """Checklist options only: a group id; the options of one checklist that share it are
    alternatives ("rarely" / "sometimes" / "a lot"): the member picks at most one of them."""
    next: Id | None = None
    """Node to go to. Exactly one of ``next`` and ``end`` is set (checklist options have
    neither: the node's ``next`` or ``end`` applies to every combination)."""
    end: Id | None = None
    """``result`` for the ranked answer, or the id of an entry under ``endings``."""
    weights: dict[Id, int] = Field(default_factory=dict)
    """Contributor id -> points this answer adds (negative points count against it)."""
    why: Text | None = None
    """Short phrase shown as the reason under each contributor this answer points to."""
    sign: Id | None = None
    """A warning sign (on a red-flag screen or under ``signs``) this answer reports. An emergency
    sign ends the check at once; other signs are collected and end the check before the first
    ``advice`` screen (or at the end), unless a fact in the sign's ``unless`` is set."""
    sets: list[Id] = Field(default_factory=list)
    """Facts this answer declares about the member (ids under ``facts``)."""


class Flag(Strict):
    """One warning sign on a red-flag screen."""

    id: Id
    label: ButtonLabel
    """Short button text."""
    text: Text
    """The sign in full, as listed on the screen."""
    urgency: Urgency
    explain: Text
    """Plain words on why this needs care, without naming a diagnosis."""
    sources: list[str] = Field(min_length=1)
    alone: bool = False
    """``soon`` signs on a screen with ``escalate_together``: this sign never adds up with
    others (a pattern that NICE makes a routine referral however many are ticked)."""
    unless: list[Id] = Field(default_factory=list)
    """``soon`` signs only: facts that waive this sign (e.g. ``assessed``: a clinician already
    checked this pain and it is unchanged); the member then gets self-care and when to go back."""
    within: Id | None = None
    """Emergency signs only: an earlier emergency sign whose text already includes this one
    (the first screen's combined pregnancy line holds each maternity sign). Only the tap table
    uses it: a member with this sign can already tap the earlier one."""


class Fact(Strict):
    """Something an answer declares about the member (``aero``, ``pregnant``, ``runs``...)."""

    id: Id
    text: Text
    """What the member said, in plain words (for coaches and the knowledge check)."""


class Note(Strict):
    """A fixed part of every self-care result, or of those whose answers set a fact."""

    id: Id
    when: list[Id] = Field(default_factory=list)
    """Shown when any of these facts is set; left out: shown on every self-care result."""
    unless: list[Id] = Field(default_factory=list)
    """Not shown when any of these facts is set (another note says it for them)."""
    heading: Annotated[str, StringConstraints(min_length=1, max_length=60, strip_whitespace=True)]
    text: Text
    brief: (
        Annotated[
            str, StringConstraints(min_length=1, max_length=NOTE_BRIEF, strip_whitespace=True)
        ]
        | None
    ) = None
    """The note in a few words for the Summary page (notes with ``when``); ``text`` is whole on
    the What to try page."""
    sources: list[str] = Field(min_length=1)


class Node(Strict):
    id: Id
    kind: Literal["question", "red_flags", "checklist"]
    text: Text
    help: Text | None = None
    sources: list[str] = Field(min_length=1)
    answers: list[Answer] = Field(default_factory=list)
    """For ``question`` nodes: the choices, one button each. For ``checklist`` nodes: the
    options of one select menu; the member picks every one that fits, in one tap."""
    flags: list[Flag] = Field(default_factory=list)
    """For ``red_flags`` nodes: the warning signs, one toggle button each."""
    none_label: ButtonLabel = "None of these"
    next: Id | None = None
    """For ``red_flags`` nodes: where to go when none is ticked. For ``checklist`` nodes:
    where every combination of options goes (unless one reports an emergency sign)."""
    end: Id | None = None
    """For ``checklist`` nodes instead of ``next``: ``result`` or an ending id."""
    placeholder: (
        Annotated[str, StringConstraints(min_length=1, max_length=150, strip_whitespace=True)]
        | None
    ) = None
    """For ``checklist`` nodes: the words in the closed menu (default "Tick all that fit")."""
    escalate_together: int | None = Field(default=None, ge=2)
    """For ``red_flags`` nodes: this many ``soon`` signs ticked together mean ``same_day``."""
    advice: bool = False
    """For ``question`` and ``checklist`` nodes: questions about causes start here. Signs
    collected from answers end the check before this screen is shown."""


class Ending(Strict):
    """A short terminal answer that is not the ranked result (out of scope, urgent scope exits)."""

    id: Id
    title: Text
    text: Text
    urgency: Urgency | None = None
    sources: list[str] = Field(min_length=1)


def allowed(item: Contributor | Tip | Stretch, facts: frozenset[str]) -> bool:
    """Whether the member's facts fit what the item needs and excludes."""
    return set(item.needs) <= facts and not set(item.excludes) & facts


class Contributor(Strict):
    id: Id
    name: Text
    summary: Text
    """One or two sentences on how it contributes to back pain on the run."""
    evidence_note: Text | None = None
    """The accepted view where the thread's explanation is doubtful."""
    tips: list[Id] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    needs: list[Id] = Field(default_factory=list)
    """Facts that must all be set for this to be shown (e.g. ``aero``)."""
    excludes: list[Id] = Field(default_factory=list)
    """Facts that keep this from being shown (e.g. ``pregnant``)."""


class Tip(Strict):
    id: Id
    text: Text
    evidence_note: Text | None = None
    general: bool = False
    """Offered when nothing stands out."""
    sources: list[str] = Field(min_length=1)
    needs: list[Id] = Field(default_factory=list)
    excludes: list[Id] = Field(default_factory=list)


class Stretch(Strict):
    id: Id
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    area: Literal[
        "hips", "lower_back", "trunk", "glutes", "hamstrings", "upper_back", "neck", "legs"
    ]
    kind: Literal["stretch", "mobility", "strength", "self_massage"]
    steps: list[Text] = Field(min_length=2)
    dose: Text
    """Hold time or reps and sets, as told to the member."""
    seconds: int = Field(ge=20, le=900)
    """Time the move takes in a routine, both sides and all sets included."""
    cues: list[Text] = Field(default_factory=list)
    mistakes: list[Text] = Field(default_factory=list)
    cautions: list[Text] = Field(min_length=1)
    equipment: list[Text] = Field(default_factory=list)
    addresses: list[Id] = Field(min_length=1)
    """Contributor ids this move helps with."""
    focus: list[Literal["after_ride", "before_run", "lower_back", "hips", "aero_neck"]] = Field(
        min_length=1
    )
    order: int = Field(default=50, ge=0, le=100)
    """Position in a routine: low numbers first (gentle mobility), high last (strength)."""
    image_url: Annotated[str, StringConstraints(pattern=r"^https://\S+$")] | None = None
    image_credit: Text | None = None
    link_url: Annotated[str, StringConstraints(pattern=r"^https://\S+$")] | None = None
    link_label: ButtonLabel | None = None
    sources: list[str] = Field(min_length=1)
    needs: list[Id] = Field(default_factory=list)
    """Facts that must all be set for the triage result to suggest this move."""
    excludes: list[Id] = Field(default_factory=list)
    """Facts that keep the triage result from suggesting this move (e.g. ``pregnant``)."""


class FaqEntry(Strict):
    """A question members ask in their own words, answered from knowledge/faq.yaml."""

    id: Id
    question: Text
    """The question as a member might put it; shown as the answer's title."""
    keywords: list[Text] = Field(min_length=1)
    """Words and phrases that point to this entry (synonyms are added from ``synonyms``)."""
    answer: Text
    """The answer: general education, no dose, no diagnosis."""
    cannot_say: Text | None = None
    """What the bot cannot tell (for diagnosis and medicine questions)."""
    sources: list[str] = Field(min_length=1)


class CheckInAnswer(Strict):
    """One answer button of the check-in DM and what the bot says when it is tapped."""

    label: ButtonLabel
    reply: Text


class CheckIn(Strict):
    """The words of the check-in DM a week after a check (knowledge/followups.yaml)."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=256, strip_whitespace=True)]
    intro: Text
    tried_placeholder: Annotated[
        str, StringConstraints(min_length=1, max_length=150, strip_whitespace=True)
    ]
    """Shown in the empty "which did you try?" menu."""
    better: CheckInAnswer
    same: CheckInAnswer
    worse: CheckInAnswer
    """Its reply says when to see someone; ``{emergency_number}`` is filled in."""
    warning_signs: list[Id] = Field(min_length=1)
    """Ids of red-flag signs listed after a "worse" answer (get care now if any appear)."""
    warning_signs_title: Text
    consent: Text
    """Asked at the first tap: may the answer be kept? Says exactly what is kept."""
    keep_label: ButtonLabel
    skip_label: ButtonLabel
    kept: Text
    not_kept: Text
    sources: list[str] = Field(min_length=1)


class Knowledge(Strict):
    """Everything the bot knows, merged from all YAML files in the knowledge folder."""

    meta: Meta
    references: dict[Id, Reference]
    start: Id
    nodes: list[Node]
    endings: list[Ending]
    contributors: list[Contributor]
    tips: list[Tip]
    stretches: list[Stretch]
    faq: list[FaqEntry] = Field(default_factory=list)
    """Answers to questions asked in own words (knowledge/faq.yaml)."""
    phrases: dict[Id, list[Text]] = Field(default_factory=dict)
    """Flag id -> the plain words a member may type for it (knowledge/phrases.yaml)."""
    synonyms: dict[Text, list[Text]] = Field(default_factory=dict)
    """A word -> words that mean the same for matching questions (knowledge/synonyms.yaml)."""
    followups: CheckIn | None = None
    """The check-in DM's words (knowledge/followups.yaml); without it the DM only reminds."""
    facts: list[Fact] = Field(default_factory=list)
    signs: list[Flag] = Field(default_factory=list)
    """Warning signs asked by question answers (``sign``) rather than on a red-flag screen."""
    notes: list[Note] = Field(default_factory=list)
    version: str = ""
    """Short hash of the flow, set by the loader; buttons from another version are stale."""

    def node(self, node_id: str) -> Node:
        found: Node = self._index("nodes")[node_id]
        return found

    def ending(self, ending_id: str) -> Ending:
        found: Ending = self._index("endings")[ending_id]
        return found

    def contributor(self, contributor_id: str) -> Contributor:
        found: Contributor = self._index("contributors")[contributor_id]
        return found

    def tip(self, tip_id: str) -> Tip:
        found: Tip = self._index("tips")[tip_id]
        return found

    def stretch(self, stretch_id: str) -> Stretch:
        found: Stretch = self._index("stretches")[stretch_id]
        return found

    def all_signs(self) -> list[Flag]:
        """Every warning sign: those on red-flag screens, then those answers report (``signs``)."""
        return [flag for node in self.nodes for flag in node.flags] + list(self.signs)

    def sign(self, sign_id: str) -> Flag:
        """A warning sign by id, from any red-flag screen or from ``signs``."""
        entry = self.section_indexes.get("sign")
        if entry is None or entry[0] is not self.signs:  # a model_copy may have replaced it
            entry = (self.signs, {flag.id: flag for flag in self.all_signs()})
            self.section_indexes["sign"] = entry
        flag: Flag = entry[1][sign_id]
        return flag

    def has_sign(self, sign_id: str) -> bool:
        try:
            self.sign(sign_id)
        except KeyError:
            return False
        return True

    def has_stretch(self, stretch_id: str) -> bool:
        return stretch_id in self._index("stretches")

    @cached_property
    def section_indexes(self) -> dict[str, tuple[list[Any], dict[str, Any]]]:
        """Per section: the list indexed and its items by id (see ``_index``). A plain cached
        property: a pydantic private attribute costs some 15 µs per lookup, and a tap looks
        up a dozen nodes."""
        return {}

    def _index(self, section: str) -> dict[str, Any]:
        items: list[Any] = getattr(self, section)
        entry = self.section_indexes.get(section)
        if entry is None or entry[0] is not items:  # a model_copy may have replaced the list
            entry = (items, {item.id: item for item in items})
            self.section_indexes[section] = entry
        return entry[1]
