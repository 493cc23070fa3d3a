"""Warning signs in plain words: the coach's phrases (knowledge/phrases.yaml) matched against a
member's text, exactly or with small typos (rapidfuzz), before anything else is answered.

Phrases match in order, with at most one other word among their words. A typo keeps the first
letter, and a few real words are never typos: so "the hills" is not "the chills", "ever" not
"fever" and "painted" not "fainted", while "chils" and "chlls" still are. Negations ("no
numbness") are noticed but never stop the escalation: reading a negation wrong would hide an
emergency, while escalating a negated sign only costs the member a tap ("if you meant you do
not have this, the full check lets you say so"); only the public "call the emergency number"
line is left out. See ``PhraseHit.negated``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from t2bot.ask.text import normalise, words
from t2bot.knowledge.model import Flag, Knowledge, Urgency

#: rapidfuzz ratio (0-100) a word needs to count as a typo of a phrase's word.
TYPO_SCORE = 85
#: Words shorter than this must be written exactly ("pee" vs "see", "bum" vs "bus").
TYPO_MIN_LENGTH = 5
#: Real words that are never read as a typo of a phrase's word, although they are close to one
#: and start with the same letter ("crushed it on the bike" is not "crashed"). Words that differ
#: in their first letter ("hills" / "chills", "ever" / "fever") are never typos anyway.
REAL_WORDS = frozenset(
    {
        "crushed",  # crashed
        "hear",  # heart
        "heat",  # heart
        "leaning",  # leaking
        "moment",  # movement
        "moments",  # movements
        "reacting",  # racing
        "should",  # shoulder
        "unstable",  # unable
        "waives",  # waves
    }
)
NEGATIONS = frozenset({"no", "not", "never", "without", "dont", "didnt", "doesnt", "isnt", "nor"})
#: Words between a negation and the phrase that still count as negating it ("no real numbness").
NEGATION_REACH = 3
#: A phrase of several words may have this many other words among its own (in order).
_SLACK = 1


@dataclass(frozen=True)
class PhraseHit:
    flag: Flag
    negated: bool
    """Every place the sign was found, a negation word came just before it."""


@dataclass(frozen=True)
class _Phrase:
    flag_index: int
    words: tuple[str, ...]
    text: str


class PhraseMatcher:
    """Built once per knowledge load (see ``t2bot.ask.index.AskIndex``)."""

    def __init__(self, kb: Knowledge) -> None:
        self.flags: list[Flag] = kb.all_signs()
        position = {flag.id: i for i, flag in enumerate(self.flags)}
        self._phrases: list[_Phrase] = []
        for flag_id, phrases in kb.phrases.items():
            if flag_id not in position:
                continue  # the loader refuses this; a hand-built knowledge may still have it
            for phrase in phrases:
                tokens = tuple(words(normalise(phrase)))
                if tokens:
                    self._phrases.append(_Phrase(position[flag_id], tokens, " ".join(tokens)))

    def find(self, text: str) -> list[PhraseHit]:
        """The warning signs ``text`` names, most urgent first (each once)."""
        tokens = words(normalise(text))
        found: dict[int, bool] = {}  # flag index -> negated everywhere so far
        for phrase in self._phrases:
            for start in self._places(tokens, phrase):
                negated = _negated(tokens, start)
                found[phrase.flag_index] = found.get(phrase.flag_index, True) and negated
        hits = [PhraseHit(self.flags[i], negated) for i, negated in found.items()]
        hits.sort(key=lambda hit: (-hit.flag.urgency.rank, self.flags.index(hit.flag)))
        return hits

    @staticmethod
    def _places(tokens: list[str], phrase: _Phrase) -> list[int]:
        """Where the phrase's words appear in order, each exactly or with a small typo, with at
        most one other word among them ("numb in both legs" finds "numb both legs"). In order,
        so "racing heart rate" is not "heart racing"."""
        places: list[int] = []
        for start, first in enumerate(tokens):
            if not _same(first, phrase.words[0]):
                continue
            at, extra = start + 1, 0
            for wanted in phrase.words[1:]:
                while at < len(tokens) and not _same(tokens[at], wanted) and extra < _SLACK:
                    at, extra = at + 1, extra + 1
                if at >= len(tokens) or not _same(tokens[at], wanted):
                    break
                at += 1
            else:
                places.append(start)
        return places


def _same(word: str, wanted: str) -> bool:
    """The same word, or a typo of it: long words only, so "pee" never matches "see". A typo
    starts with the same letter (people rarely mistype the first one): a different first letter
    makes another word ("hills", "ever", "painted"), as do the ``REAL_WORDS``."""
    if word == wanted:
        return True
    if len(wanted) < TYPO_MIN_LENGTH or abs(len(word) - len(wanted)) > 2:
        return False
    if word in REAL_WORDS:
        return False
    if word[0] != wanted[0]:
        return False
    return fuzz.ratio(word, wanted) >= TYPO_SCORE


def _negated(tokens: list[str], start: int) -> bool:
    before = tokens[max(0, start - NEGATION_REACH) : start]
    return any(word in NEGATIONS for word in before)


def most_urgent(hits: list[PhraseHit]) -> Urgency | None:
    return max((hit.flag.urgency for hit in hits), key=lambda u: u.rank, default=None)
