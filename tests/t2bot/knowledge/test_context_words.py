"""Advice never talks about a sport or kit the member may not use.

The rule, kept simple (docs/knowledge.md, "Ground rules"): a contributor's name, summary and
evidence note, a tip's text and evidence note, and a stretch's name may mention

* aero bars or "aero" only if the item needs ``aero``;
* the bike, riding, a saddle or pedalling only if it needs ``rides`` (``aero`` implies it);
* swimming, strokes such as breaststroke or butterfly, a wetsuit or sighting only if it needs
  ``swims``,

where "needs" also counts what the item can only be shown with (``reach.needs``: a tip's
contributors, and facts the flow always sets together). A mention is allowed without the fact
when its sentence is clearly conditional: "if you ride", "if you swim", "if you use aero
bars". Otherwise word it for everyone ("after long sessions or long days sitting").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from t2bot.knowledge.loader import load_knowledge
from t2bot.knowledge.model import Knowledge, Stretch, Tip
from tests.conftest import REAL_KNOWLEDGE
from tests.t2bot.knowledge.reach import Item, needs

#: topic -> (the words that mention it, the facts any one of which allows them)
TOPICS: dict[str, tuple[re.Pattern[str], frozenset[str]]] = {
    "aero": (re.compile(r"\baero\b", re.I), frozenset({"aero"})),
    "bike": (
        re.compile(
            r"\b(bikes?|biking|ride[sr]?|riding|riders|ridden|cycling|cyclists?|saddles?"
            r"|pedal\w*)\b",
            re.I,
        ),
        frozenset({"rides"}),
    ),
    "swim": (
        re.compile(
            r"\b(swim\w*|breaststroke|butterfly|freestyle|wetsuits?|kick-?boards?|sighting)\b",
            re.I,
        ),
        frozenset({"swims"}),
    ),
}
CONDITIONAL = re.compile(r"\bif you (ride|cycle|swim|use aero|train on aero)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?:;])\s+")


def texts(item: Item) -> Iterator[tuple[str, str]]:
    """(field, text) pairs the rule reads."""
    if isinstance(item, Stretch):
        yield "name", item.name
    elif isinstance(item, Tip):
        yield "text", item.text
    else:
        yield "name", item.name
        yield "summary", item.summary
    if not isinstance(item, Stretch) and item.evidence_note:
        yield "evidence_note", item.evidence_note


def mentions(text: str) -> Iterator[tuple[str, str]]:
    """(topic, sentence) for every unconditional mention in ``text``."""
    for sentence in _SENTENCE.split(text):
        if CONDITIONAL.search(sentence):
            continue
        for topic, (words, _facts) in TOPICS.items():
            if words.search(sentence):
                yield topic, sentence


def problems(kb: Knowledge) -> list[str]:
    found: list[str] = []
    items: list[Item] = [*kb.contributors, *kb.tips, *kb.stretches]
    for item in items:
        kind = type(item).__name__.lower()
        has = needs(kb, item)
        for field, text in texts(item):
            for topic, sentence in mentions(text):
                allowed_by = TOPICS[topic][1]
                if not allowed_by & has:
                    wanted = " or ".join(sorted(allowed_by))
                    found.append(
                        f"{kind} {item.id} {field}: mentions {topic} without needs "
                        f"[{wanted}]: {sentence!r}"
                    )
    return found


def test_no_text_mentions_a_sport_the_member_may_not_do(real_kb: Knowledge) -> None:
    assert problems(real_kb) == []


def test_the_rule_finds_a_mention_and_honours_conditions() -> None:
    """The check itself: it reads all three topics, and a condition or a need lets them pass."""
    kb = load_knowledge(REAL_KNOWLEDGE)  # a copy of its own: the probe tip is added to it
    tip = Tip(id="probe", text="Sit up in aero. Stretch after the bike. Swim easy.", sources=["x"])
    assert sorted(topic for topic, _ in mentions(tip.text)) == ["aero", "bike", "swim"]
    assert list(mentions("If you ride, stretch after long rides.")) == []
    kb.tips.append(tip)
    assert len([p for p in problems(kb) if "tip probe " in p]) == 3
    kb.tips[-1] = tip.model_copy(update={"needs": ["aero", "swims"]})
    assert [p for p in problems(kb) if "tip probe " in p] == []  # aero implies rides
