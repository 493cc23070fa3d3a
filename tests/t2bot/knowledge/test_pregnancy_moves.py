"""A pregnant member is never offered a move done lying on the back or a curl-up: the
pregnancy note says to skip them, so every such stretch and tip must exclude ``pregnant``.

A word-list check: a stretch's name and steps, or a tip's text, that say lying on your back
(on the floor, a table, a bench or a roller), leaning back over a roller, or curl-ups / sit-ups.
A sentence that warns against it ("never lying flat on your back") does not count."""

from __future__ import annotations

import re
from collections.abc import Iterator

from t2bot.knowledge.model import Knowledge, Stretch
from tests.t2bot.knowledge.reach import Item, excludes

SUPINE = re.compile(
    r"\bl(ie|ying) (back|flat|on your back)\b"
    r"|\bon your back\b"
    r"|\b(lie|lying|lean|leaning)\b[^.]*\b(over|on|at the end of) (a|the) [\w ]*"
    r"(table|bench|roller)\b"
    r"|\bflat on (a|the) (table|bench|floor)\b"
    r"|\b(curl|sit)-?ups?\b",
    re.I,
)
WARNING = re.compile(r"\b(never|avoid|not|no)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?:;])\s+")


def lying_on_back(texts: list[str]) -> Iterator[str]:
    """The sentences of ``texts`` that have the member lie on their back (or do curl-ups)."""
    for text in texts:
        for sentence in _SENTENCE.split(text):
            if SUPINE.search(sentence) and not WARNING.search(sentence):
                yield sentence


def _texts(item: Item) -> list[str]:
    if isinstance(item, Stretch):
        return [item.name, *item.steps]
    return [item.text] if hasattr(item, "text") else []


def problems(kb: Knowledge) -> list[str]:
    found = []
    for item in [*kb.stretches, *kb.tips]:
        said = list(lying_on_back(_texts(item)))
        if said and "pregnant" not in excludes(kb, item):
            found.append(f"{type(item).__name__.lower()} {item.id}: {said[0]!r}")
    return found


def test_moves_lying_on_the_back_exclude_pregnancy(real_kb: Knowledge) -> None:
    assert problems(real_kb) == []


def test_the_word_list_reads_the_usual_ways_of_saying_it() -> None:
    said = [
        "Lie on your back with both knees bent.",
        "Lie back and hug both knees to your chest.",
        "Gently lean back over the roller, then come back up.",
        "Lie at the end of a sturdy table and let one leg hang.",
        "Keep your low back flat on the table.",
        "Do curl-ups and side planks.",
    ]
    not_said = [
        "Do gentle trunk work, never lying flat on your back.",
        "Lie on your side with your knees bent.",
        "Stand with your back to a wall.",
        "Kneel on all fours.",
    ]
    assert list(lying_on_back(said)) == said
    assert list(lying_on_back(not_said)) == []
