"""The knowledge as a search index: FAQ entries, contributors, tips and stretches ranked by BM25
(``bm25s``) for a member's words, after coach-editable synonyms (knowledge/synonyms.yaml) and
typo correction against the index's own words (rapidfuzz).

Built once per knowledge load, on the first question: ``IndexCache.get`` rebuilds only when the
holder's knowledge is another object (a reload), never per message. ``bm25s`` (with numpy, about
13 MiB and 0.1 s to import) is imported then too, so a bot whose members never ask does not
keep it resident (docs/benchmarks.md).
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from t2bot.ask.phrases import PhraseMatcher
from t2bot.ask.text import ENGLISH, normalise, words
from t2bot.knowledge.model import Knowledge

Kind = Literal["faq", "contributor", "tip", "stretch"]

#: A BM25 score below this is not an answer (tuned on tests/t2bot/ask/messages.yaml).
MIN_SCORE = 1.6
#: Further matches must score at least this share of the best one.
RELATIVE = 0.6
MAX_MATCHES = 3
#: Added to a FAQ entry whose keyword (two words or more) the question writes out.
KEYWORD_BONUS = 3.0
#: rapidfuzz ratio for a member's word to count as a typo of an index word.
TYPO_SCORE = 90
MIN_TYPO_LENGTH = 4
#: Words that say nothing about which answer fits (besides English little words).
QUIET = frozenset(
    [
        "every",
        "fine",
        "good",
        "today",
        "yesterday",
        "tomorrow",
        "always",
        "sometimes",
        "usually",
        "need",
        "want",
        "think",
        "know",
        "anything",
        "back",
        "sore",
        "feel",
        "feels",
        "felt",
        "after",
        "long",
        "day",
        "days",
        "week",
        "weeks",
        "time",
        "times",
        "bit",
        "lot",
        "much",
        "get",
        "getting",
        "go",
        "going",
        "ive",
        "got",
        "things",
        "thing",
        "something",
        "way",
        "make",
        "made",
        "also",
    ]
)


@dataclass(frozen=True)
class Doc:
    kind: Kind
    id: str


@dataclass(frozen=True)
class Match:
    doc: Doc
    score: float


def _stem(word: str) -> str:
    """A very light English stemmer (plurals); other forms are synonyms ("running": run)."""
    for suffix in ("ies", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            stem = word[: -len(suffix)]
            return stem + "y" if suffix == "ies" else stem
    return word


class AskIndex:
    def __init__(self, kb: Knowledge) -> None:
        self.kb = kb
        self.phrases = PhraseMatcher(kb)
        self._synonyms = _SynonymMap(kb.synonyms)
        self.docs: list[Doc] = []
        corpus: list[list[str]] = []
        for kind, item_id, text in _documents(kb):
            self.docs.append(Doc(kind, item_id))
            corpus.append(self.tokens(text, correct=False))
        self._doc_words = [set(doc) for doc in corpus]
        self.vocabulary = sorted({token for doc in corpus for token in doc} | self._synonyms.words)
        import bm25s  # here, not at the top: see the module docstring

        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)
        self._known = set(self.vocabulary)
        self.position = {doc: i for i, doc in enumerate(self.docs)}
        # A FAQ keyword of two words or more written out in the question points to its entry.
        self._keywords: list[tuple[int, str]] = [
            (self.position[Doc("faq", entry.id)], f" {plain} ")
            for entry in kb.faq
            for keyword in entry.keywords
            if len(words(plain := self._synonyms.replace(normalise(keyword)))) >= 2
        ]
        shape = [f"{d.kind}:{d.id}" for d in self.docs] + [f.id for f in self.phrases.flags]
        self.version = hashlib.sha256("|".join(shape).encode()).hexdigest()[:4]
        """Changes when entries are added, removed or reordered: older buttons are stale."""

    def tokens(self, text: str, *, correct: bool = True) -> list[str]:
        plain = normalise(text)
        if correct:
            plain = " ".join(self._correct(word) for word in words(plain))
        plain = self._synonyms.replace(plain)
        stems = [_stem(word) for word in words(plain)]
        return [
            word for word in stems if word not in ENGLISH and word not in QUIET and len(word) > 1
        ]

    def known(self, text: str) -> int:
        """How many of ``text``'s words the index or plain English knows (for nonsense)."""
        return sum(
            1
            for word in words(normalise(text))
            if word in ENGLISH or _stem(self._correct(word)) in self._known or word in QUIET
        )

    def _correct(self, word: str) -> str:
        stem = _stem(word)
        if len(word) < MIN_TYPO_LENGTH or word in ENGLISH or stem in self._known:
            return word
        best = process.extractOne(stem, self.vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE)
        return best[0] if best else word

    def scores(self, text: str) -> list[float]:
        """BM25 score of every entry for ``text``, plus ``KEYWORD_BONUS`` for an entry whose
        keyword the text writes out."""
        query = self.tokens(text)
        if not query or not self.docs:
            return [0.0] * len(self.docs)
        scores = [float(score) for score in self._bm25.get_scores(query)]
        plain = (
            " "
            + self._synonyms.replace(
                " ".join(self._correct(word) for word in words(normalise(text)))
            )
            + " "
        )
        for position in {pos for pos, keyword in self._keywords if keyword in plain}:
            scores[position] += KEYWORD_BONUS
        # An entry that shares less than half the question's words is not its answer (one
        # common word, "dead" in "my legs are dead", must not bring up the dead bug).
        needed = (len(set(query)) + 1) // 2
        for position, words_of_doc in enumerate(self._doc_words):
            if scores[position] < KEYWORD_BONUS and len(words_of_doc & set(query)) < needed:
                scores[position] = 0.0
        return scores

    def search(self, text: str) -> list[Match]:
        """The best one to three entries for ``text``, or none if nothing fits well enough:
        the best must score ``MIN_SCORE``, and at least half the question's words must be
        words of the guide (so one shared word in an off-topic question is no answer)."""
        query = self.tokens(text)
        if not query or sum(word in self._known for word in query) * 2 < len(query):
            return []
        scores = self.scores(text)
        ranked = sorted(range(len(self.docs)), key=lambda i: -float(scores[i]))
        best = float(scores[ranked[0]])
        if best < MIN_SCORE:
            return []
        return [
            Match(self.docs[i], float(scores[i]))
            for i in ranked[:MAX_MATCHES]
            if float(scores[i]) >= best * RELATIVE
        ]


class _SynonymMap:
    """Every term of a group is written as the group's one word (``lower back`` -> lower_back)."""

    def __init__(self, groups: dict[str, list[str]]) -> None:
        self.canonical: dict[str, str] = {}
        for head, others in groups.items():
            token = "_".join(words(normalise(head)))
            for term in [head, *others]:
                plain = " ".join(words(normalise(term)))
                if plain:
                    self.canonical.setdefault(plain, token)
        terms = sorted(self.canonical, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<![a-z0-9_])(" + "|".join(map(re.escape, terms)) + r")(?![a-z0-9_])")
            if terms
            else None
        )
        self.words = {w for term in self.canonical for w in words(term)} | {
            _stem(token) for token in self.canonical.values()
        }

    def replace(self, plain: str) -> str:
        if self._pattern is None:
            return plain
        return self._pattern.sub(lambda m: self.canonical[m.group(1)], plain)


def _documents(kb: Knowledge) -> list[tuple[Kind, str, str]]:
    docs: list[tuple[Kind, str, str]] = []
    for entry in kb.faq:
        keywords = " . ".join(entry.keywords)
        docs.append(
            ("faq", entry.id, f"{entry.question} . {keywords} . {keywords} . {entry.answer}")
        )
    for contributor in kb.contributors:
        docs.append(("contributor", contributor.id, f"{contributor.name} . {contributor.summary}"))
    for tip in kb.tips:
        docs.append(("tip", tip.id, tip.text))
    for stretch in kb.stretches:
        text = " . ".join(
            [stretch.name, *stretch.aliases, stretch.area.replace("_", " "), *stretch.steps[:2]]
        )
        docs.append(("stretch", stretch.id, text))
    return docs


class IndexCache:
    """The index of the knowledge in use; rebuilt when the holder serves another knowledge."""

    def __init__(self) -> None:
        self._kb: Knowledge | None = None
        self._index: AskIndex | None = None
        self._building = threading.Lock()  # two first questions at once build it once

    def ready(self, kb: Knowledge) -> bool:
        """True when ``get(kb)`` answers at once (the index of this knowledge is built)."""
        return self._index is not None and self._kb is kb

    def get(self, kb: Knowledge) -> AskIndex:
        index = self._index
        if index is not None and self._kb is kb:
            return index
        with self._building:
            if self._index is None or self._kb is not kb:
                self._index = AskIndex(kb)
                self._kb = kb
            return self._index
