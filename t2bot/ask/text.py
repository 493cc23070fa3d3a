"""Reading a member's own words: normalising, words, and telling apart other languages and
nonsense. Nothing here keeps or logs the text."""

from __future__ import annotations

import re
import unicodedata

#: Discord's limit for a message (without Nitro); longer texts get a kind "please shorten".
MAX_TEXT = 2000
#: Red-flag phrases are still looked for in a longer text, up to this much (safety first).
MAX_SCANNED = 6000

_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>")
_APOSTROPHE = re.compile(r"['\u2019\u2018`´]")
_NOT_WORD = re.compile(r"[^a-z0-9\- ]+")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9_]+(?:-[a-z0-9_]+)*")

ENGLISH = frozenset(
    [
        "a",
        "about",
        "after",
        "again",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "but",
        "by",
        "can",
        "cant",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "dont",
        "during",
        "each",
        "for",
        "from",
        "get",
        "gets",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "him",
        "his",
        "how",
        "i",
        "if",
        "im",
        "in",
        "into",
        "is",
        "it",
        "its",
        "ive",
        "just",
        "like",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "really",
        "still",
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank",
        "please",
        "help",
        "anyone",
        "ok",
        "okay",
        "yes",
    ]
)

#: Common little words of other languages members may write in (a hint, not a detector).
FOREIGN = frozenset(
    [
        "ich",
        "und",
        "der",
        "die",
        "das",
        "nicht",
        "mein",
        "meine",
        "ist",
        "mit",
        "nach",
        "beim",
        "habe",
        "rücken",
        "schmerzen",
        "ein",
        "eine",
        "je",
        "le",
        "la",
        "les",
        "et",
        "mon",
        "ma",
        "dos",
        "mal",
        "après",
        "est",
        "pas",
        "une",
        "des",
        "du",
        "avec",
        "suis",
        "j",
        "ai",
        "yo",
        "el",
        "los",
        "y",
        "mi",
        "espalda",
        "dolor",
        "después",
        "es",
        "con",
        "una",
        "tengo",
        "del",
        "por",
        "que",
        "muy",
        "ik",
        "het",
        "een",
        "mijn",
        "rug",
        "pijn",
        "na",
        "niet",
        "heb",
        "io",
        "il",
        "schiena",
        "dolore",
        "dopo",
        "non",
        "ho",
        "sono",
        "della",
    ]
)
_ENGLISH_ONLY = ENGLISH - FOREIGN


def strip_mentions(text: str) -> str:
    """``text`` without Discord mentions (``<@123>``, ``<@!123>``, ``<#123>``, ``<@&123>``)."""
    return _MENTION.sub(" ", text).strip()


def normalise(text: str) -> str:
    """Lowercase plain words: accents kept apart from letters are dropped, apostrophes removed
    (``can't`` -> ``cant``), every other mark becomes a space."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _APOSTROPHE.sub("", text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _NOT_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """The words of an already normalised text."""
    return _WORD.findall(text)


def is_other_language(raw: str) -> bool:
    """Mostly letters outside the Latin alphabet, or more little words of another language than
    of English."""
    letters = [c for c in raw if c.isalpha()]
    if letters:
        latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
        if latin / len(letters) < 0.5:
            return True
    lowered = _SPACES.sub(" ", unicodedata.normalize("NFKC", raw).casefold())
    tokens = re.findall(r"[^\W\d_]+", lowered)
    foreign = sum(1 for t in tokens if t in FOREIGN and t not in ENGLISH)
    english = sum(1 for t in tokens if t in _ENGLISH_ONLY)
    return foreign >= 2 and foreign > english
