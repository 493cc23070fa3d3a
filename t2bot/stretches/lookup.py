"""Find a stretch from what a member types: exact names, aliases, ids, typos and partial words.

Matching uses rapidfuzz over every name and alias; each stretch scores by its best-matching key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from t2bot.knowledge.model import Knowledge, Stretch
from t2bot.stretches.cards import choice_label

#: A fuzzy match at least this good (0-100) is taken as the stretch meant...
CONFIDENT = 86
#: ...when the next stretch scores at least this much lower.
MARGIN = 6
#: Below this a stretch is not offered as a "did you mean".
SUGGEST = 55
MAX_SUGGESTIONS = 3
MAX_CHOICES = 25

_SEPARATORS = re.compile(r"[\s\-_/.,'’()]+")


def normalize(text: str) -> str:
    """Lowercase, with punctuation and repeated spaces folded: ``Hip-Flexor`` -> ``hip flexor``."""
    return _SEPARATORS.sub(" ", text.casefold()).strip()


@dataclass(frozen=True)
class Key:
    text: str  # normalized
    stretch_id: str
    alias: str | None  # the alias as written, when this key is an alias


@dataclass(frozen=True)
class Lookup:
    """What a typed name resolved to: one stretch, or the closest matches (maybe none)."""

    stretch: Stretch | None
    suggestions: tuple[Stretch, ...] = ()


class StretchIndex:
    """Names, aliases and ids of one knowledge version, ready for matching."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.keys: list[Key] = []
        self.exact: dict[str, str] = {}
        for stretch in knowledge.stretches:
            self._add(stretch.name, stretch.id, None)
            for alias in stretch.aliases:
                self._add(alias, stretch.id, alias)
            self.exact.setdefault(stretch.id, stretch.id)
        self._texts = [key.text for key in self.keys]

    def _add(self, text: str, stretch_id: str, alias: str | None) -> None:
        norm = normalize(text)
        if not norm:
            return
        self.keys.append(Key(norm, stretch_id, alias))
        self.exact.setdefault(norm, stretch_id)

    def ranked(self, query: str) -> list[tuple[Stretch, float, Key]]:
        """Every stretch with its best score and the key that gave it, best first."""
        norm = normalize(query)
        if not norm:
            return []
        hits = process.extract(norm, self._texts, scorer=_score, limit=None)
        best: dict[str, tuple[float, Key]] = {}
        for _text, score, index in hits:
            key = self.keys[index]
            if key.stretch_id not in best or score > best[key.stretch_id][0]:
                best[key.stretch_id] = (score, key)
        order = {s.id: i for i, s in enumerate(self.knowledge.stretches)}
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], order[item[0]]))
        return [(self.knowledge.stretch(sid), score, key) for sid, (score, key) in ranked]


def _score(query: str, choice: str, **kwargs: object) -> float:
    """WRatio handles typos and word order; a prefix of the name (as typed so far) also counts."""
    score = fuzz.WRatio(query, choice)
    if choice.startswith(query) and len(query) >= 3:
        score = max(score, 90.0 + min(len(query), 10))
    return score


_cache: dict[int, StretchIndex] = {}


def index_for(knowledge: Knowledge) -> StretchIndex:
    """The index of this knowledge object, built once (a reload makes a new object)."""
    index = _cache.get(id(knowledge))
    if index is None or index.knowledge is not knowledge:
        _cache.clear()  # only the knowledge in use is worth keeping
        index = _cache[id(knowledge)] = StretchIndex(knowledge)
    return index


def symptom_hint(knowledge: Knowledge, query: str) -> str | None:
    """A care pointer when the search names a symptom rather than a stretch: the words and the
    pointer are ``meta.words.symptom_words`` / ``symptom_hint`` in the knowledge."""
    # Whole words only: a stem may take a usual ending ("numbness", "tingling", "discs") but
    # not make another word ("number" is not "numb").
    text = normalize(query)
    endings = r"(?:s|es|e|ed|ing|ness|ion|y)?"
    words = knowledge.meta.words
    found = any(
        re.search(rf"\b{re.escape(normalize(word))}{endings}\b", text)
        for word in words.symptom_words
    )
    return words.symptom_hint if found else None


def find_stretch(knowledge: Knowledge, query: str) -> Lookup:
    """The stretch meant by ``query`` (id, name, alias or a close spelling), or suggestions."""
    index = index_for(knowledge)
    exact = index.exact.get(normalize(query)) or index.exact.get(query.strip())
    if exact:
        return Lookup(knowledge.stretch(exact))
    ranked = index.ranked(query)
    if not ranked:
        return Lookup(None)
    top_stretch, top_score, _ = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if top_score >= CONFIDENT and top_score - runner_up >= MARGIN:
        return Lookup(top_stretch)
    suggestions = tuple(s for s, score, _ in ranked[:MAX_SUGGESTIONS] if score >= SUGGEST)
    return Lookup(None, suggestions)


def choices(knowledge: Knowledge, typed: str, limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    """Autocomplete entries ``(label, stretch id)``, at most ``limit`` (Discord allows 25).

    Nothing typed: all stretches by name. Otherwise the best matches; a stretch found through an
    alias shows it, e.g. ``Kneeling hip-flexor stretch (psoas)``.
    """
    limit = max(0, min(limit, MAX_CHOICES))
    if not normalize(typed):
        stretches = sorted(knowledge.stretches, key=lambda s: s.name.casefold())
        return [(choice_label(s), s.id) for s in stretches[:limit]]
    out: list[tuple[str, str]] = []
    for stretch, score, key in index_for(knowledge).ranked(typed):
        if score < SUGGEST - 10 or len(out) >= limit:
            break
        out.append((choice_label(stretch, key.alias), stretch.id))
    return out
