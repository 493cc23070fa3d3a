"""Answering a member's own words: warning signs first, then the knowledge, never a guess.

``ask`` reads the text once and returns an ``AskAnswer`` that holds no words of it: only which
warning signs or knowledge entries to show. ``answer_card`` lays that out as a plain card (the
cogs turn it into an embed); ``public_line`` is the one line a channel may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from t2bot.ask.index import AskIndex, Doc
from t2bot.ask.text import MAX_SCANNED, MAX_TEXT, is_other_language, strip_mentions, words
from t2bot.knowledge.model import Flag, Knowledge, Urgency
from t2bot.render.card import Card, Section, sections_of
from t2bot.render.sources import source_lines
from t2bot.triage.cards import URGENT, fill

#: Warning signs shown in one answer at most (most urgent first).
MAX_FLAGS = 3


class AskKind(StrEnum):
    empty = "empty"
    too_long = "too_long"
    other_language = "other_language"
    nonsense = "nonsense"
    red_flag = "red_flag"
    answers = "answers"
    no_match = "no_match"


#: One letter per kind, for button ids (``t2bot.ask.ids``).
KIND_CODES: dict[AskKind, str] = {
    AskKind.empty: "e",
    AskKind.too_long: "l",
    AskKind.other_language: "o",
    AskKind.nonsense: "z",
    AskKind.red_flag: "r",
    AskKind.answers: "a",
    AskKind.no_match: "u",
}
#: Kinds that say nothing about the member's health: a channel may see their reply in full.
NOT_PERSONAL = frozenset(
    {AskKind.empty, AskKind.too_long, AskKind.other_language, AskKind.nonsense}
)


@dataclass(frozen=True)
class AskAnswer:
    kind: AskKind
    flags: tuple[Flag, ...] = ()
    negated: bool = False
    """Every warning sign found came after a negation ("no numbness"): still escalated."""
    matches: tuple[Doc, ...] = ()

    @property
    def urgency(self) -> Urgency | None:
        return max((f.urgency for f in self.flags), key=lambda u: u.rank, default=None)

    @property
    def public_emergency(self) -> bool:
        """Whether a channel is told to call the emergency number (naming nothing else)."""
        return self.urgency is Urgency.emergency and not self.negated


def sources_line(kb: Knowledge, sources: list[str]) -> str:
    """The sources of one entry on one line: short names, linked (the one source formatter)."""
    return ", ".join(line.removeprefix("• ") for line in source_lines(kb, sources))


def ask(index: AskIndex, text: str) -> AskAnswer:
    """What to answer to ``text`` (a mention's text with or without the mention itself)."""
    text = strip_mentions(text)
    if not words(text.casefold()) and not any(c.isalpha() for c in text):
        return AskAnswer(AskKind.empty)
    hits = index.phrases.find(text[:MAX_SCANNED])  # safety first, even in a long text
    if hits:
        shown = hits[:MAX_FLAGS]
        return AskAnswer(
            AskKind.red_flag,
            flags=tuple(hit.flag for hit in shown),
            negated=all(hit.negated for hit in hits),
        )
    if len(text) > MAX_TEXT:
        return AskAnswer(AskKind.too_long)
    if is_other_language(text):
        return AskAnswer(AskKind.other_language)
    if index.known(text) == 0:
        return AskAnswer(AskKind.nonsense)
    if not index.tokens(text):  # only little words: "hi", "hello?", "are you there"
        return AskAnswer(AskKind.empty)
    matches = index.search(text)
    if not matches:
        return AskAnswer(AskKind.no_match)
    return AskAnswer(AskKind.answers, matches=tuple(m.doc for m in matches))


# --- What the member reads ------------------------------------------------------------------

OPEN_LABEL = "Open my answer"
CHECK_LABEL = "Start the private check"
PUBLIC_LINE = "I have an answer for you. Only you can open it:"
PUBLIC_EMERGENCY = "Please call the emergency number ({number}) now. Then open this, only you can:"
NOT_YOURS = "This answer belongs to the member who asked. Ask your own by mentioning me or in a DM."
STALE = "This answer was made from an older version of the guide. Please ask again."

SHORT_REPLIES: dict[AskKind, str] = {
    AskKind.empty: (
        "Hi! Ask me about back pain on the run in your own words, for example "
        '"ice or heat?" or "my lower back hurts on the run after long rides". '
        "In a channel I only post a button: your answer opens privately. DMs work too."
    ),
    AskKind.too_long: (
        "That's a long message (over 2,000 characters). Please ask in a few short "
        "sentences, or start the private check for a step-by-step answer."
    ),
    AskKind.other_language: (
        "Sorry, I can only read English for now. Please ask in English, or start the "
        "private check (buttons, in English)."
    ),
    AskKind.nonsense: (
        "Sorry, I couldn't make sense of that. Try a short question about your back, for "
        'example "ice or heat?" or "can I still race?".'
    ),
}


def public_line(answer: AskAnswer, number: str) -> str:
    """The one line a channel sees: never the member's words or what the answer is about."""
    if answer.kind in NOT_PERSONAL:
        return SHORT_REPLIES[answer.kind]
    if answer.public_emergency:
        return PUBLIC_EMERGENCY.format(number=fill("{emergency_number}", number))
    return PUBLIC_LINE


def answer_card(kb: Knowledge, answer: AskAnswer, number: str) -> Card:
    if answer.kind in NOT_PERSONAL:
        return Card("T2 back guide", SHORT_REPLIES[answer.kind], (), "")
    if answer.kind is AskKind.red_flag:
        return _red_flag_card(kb, answer, number)
    reminder = kb.meta.professional_reminder
    if answer.kind is AskKind.no_match:
        return Card(
            "I don't have a good answer to that",
            "Nothing in the club's back guide fits your question well enough, and I'd "
            "rather not guess. The private check asks a few short questions and points to "
            "what may help.",
            (),
            reminder,
        )
    sections: list[Section] = []
    for doc in answer.matches:
        sections += _doc_sections(kb, doc)
    body = (
        "What the club's back guide says (general education, not a diagnosis). "
        "For an answer that fits you, take the private check."
    )
    return Card("From the T2 back guide", body, tuple(sections), reminder)


def _red_flag_card(kb: Knowledge, answer: AskAnswer, number: str) -> Card:
    urgency = answer.urgency or Urgency.soon
    level = kb.meta.urgency[urgency]
    body = f"**{fill(level.action, number)}**"
    if answer.negated:
        body += (
            "\n\nYou may have written that you do *not* have this sign. I can't be sure I "
            "read that right, so I'd rather tell you what to do if you do. If you don't, "
            "the private check lets you say so."
        )
    why = tuple(f"• {flag.label}: {flag.explain}" for flag in answer.flags)
    sections = list(sections_of("Why I'm telling you this", why))
    if urgency is Urgency.soon:
        sections += sections_of("Meanwhile", (kb.meta.stay_active_until_seen,))
    sections += sections_of(
        "Then",
        (
            "When you have done that, the private check goes through every sign, step by "
            "step. If I misread you, it lets you say so.",
        ),
    )
    reminder = kb.meta.urgent_reminder if urgency in URGENT else kb.meta.professional_reminder
    return Card(level.title, body, tuple(sections), fill(reminder, number), urgency)


def _doc_sections(kb: Knowledge, doc: Doc) -> tuple[Section, ...]:
    if doc.kind == "faq":
        entry = next(e for e in kb.faq if e.id == doc.id)
        lines = [f"*{entry.cannot_say}*"] if entry.cannot_say else []
        lines += [entry.answer, "Source: " + sources_line(kb, entry.sources)]
        return sections_of(entry.question, lines)
    if doc.kind == "contributor":
        contributor = kb.contributor(doc.id)
        lines = [contributor.summary]
        if contributor.evidence_note:
            lines.append(f"Note: {contributor.evidence_note}")
        lines.append("Source: " + sources_line(kb, contributor.sources))
        return sections_of(f"Can add to it: {contributor.name}", lines)
    if doc.kind == "tip":
        tip = kb.tip(doc.id)
        lines = [tip.text]
        if tip.evidence_note:
            lines.append(f"Note: {tip.evidence_note}")
        lines.append("Source: " + sources_line(kb, tip.sources))
        return sections_of("Tip", lines)
    stretch = kb.stretch(doc.id)
    lines = [
        f"{stretch.steps[0]} … {stretch.dose}.",
        f"Careful: {stretch.cautions[0]}",
        "Source: " + sources_line(kb, stretch.sources),
    ]
    return sections_of(f"Stretch: {stretch.name}", lines)


# --- Rebuilding an answer from its button (no text involved) --------------------------------


class StaleAnswer(ValueError):
    """The button was made from another version of the knowledge."""


def refs_of(index: AskIndex, answer: AskAnswer) -> tuple[int, ...]:
    if answer.kind is AskKind.red_flag:
        return tuple(index.phrases.flags.index(flag) for flag in answer.flags)
    return tuple(index.position[doc] for doc in answer.matches)


def rebuild(index: AskIndex, kind: AskKind, refs: tuple[int, ...], negated: bool) -> AskAnswer:
    """The answer a button stands for; ``StaleAnswer`` if a position does not exist."""
    try:
        if kind is AskKind.red_flag:
            if not refs:
                raise StaleAnswer("no warning sign")
            flags = tuple(index.phrases.flags[i] for i in refs[:MAX_FLAGS])
            return AskAnswer(kind, flags=flags, negated=negated)
        if kind is AskKind.answers:
            if not refs:
                raise StaleAnswer("no entry")
            return AskAnswer(kind, matches=tuple(index.docs[i] for i in refs[:3]))
    except IndexError:
        raise StaleAnswer("position out of range") from None
    return AskAnswer(kind)


def stretch_matches(kb: Knowledge, answer: AskAnswer) -> list[str]:
    """Ids of the stretches an answer shows (the cog adds a button for each)."""
    return [doc.id for doc in answer.matches if doc.kind == "stretch" and kb.has_stretch(doc.id)]
