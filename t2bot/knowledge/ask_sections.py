"""Checks for the sections that answer questions asked in own words: ``faq`` (knowledge/faq.yaml),
``phrases`` (knowledge/phrases.yaml) and ``synonyms`` (knowledge/synonyms.yaml).

Each problem is ``(place, message)`` like ``validate.check_semantics``; the loader adds file and
line. Sources of FAQ entries are checked with every other item's (``validate._source_items``).
"""

from __future__ import annotations

import re
from typing import Any

from t2bot.knowledge.limits import FIELD_VALUE
from t2bot.knowledge.model import Knowledge, Urgency

Place = tuple[Any, ...]
Problem = tuple[Place, str]

#: Room an answer leaves in its embed field for the "Source:" line.
MAX_FAQ_ANSWER = FIELD_VALUE - 200
MIN_PHRASE = 3
#: A number with a unit of medicine: the bot never gives doses, so no FAQ text may hold one.
DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:mg|milligrams?|g\b|grams?|tablets?|pills?|capsules?|ml\b)",
    re.IGNORECASE,
)
WORD = re.compile(r"^[a-z0-9][a-z0-9' -]*$")


def check_ask_sections(kb: Knowledge) -> list[Problem]:
    problems: list[Problem] = []
    problems += _phrases(kb)
    problems += _faq(kb)
    problems += _synonyms(kb)
    return problems


def _phrases(kb: Knowledge) -> list[Problem]:
    problems: list[Problem] = []
    flags = {flag.id: flag for flag in kb.all_signs()}
    for flag_id, phrases in kb.phrases.items():
        if flag_id not in flags:
            problems.append(
                (
                    ("phrases", flag_id),
                    f"'{flag_id}' is not the id of a warning sign in the flow (a flag of a "
                    "red_flags screen, or an entry of `signs`)",
                )
            )
            continue
        if not phrases:
            problems.append((("phrases", flag_id), "give at least one phrase"))
        for index, phrase in enumerate(phrases):
            if len(phrase.strip()) < MIN_PHRASE:
                problems.append(
                    (("phrases", flag_id, index), f"a phrase needs at least {MIN_PHRASE} letters")
                )
    if kb.phrases:  # once a folder has phrases, every emergency sign must be recognisable
        for flag_id, flag in flags.items():
            if flag.urgency is Urgency.emergency and not kb.phrases.get(flag_id):
                problems.append(
                    (
                        ("phrases",),
                        f"emergency sign '{flag_id}' has no phrases: members who type it in "
                        "their own words would not be warned",
                    )
                )
    return problems


def _faq(kb: Knowledge) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(kb.faq):
        if entry.id in seen:
            problems.append(
                (("faq", index, "id"), f"id '{entry.id}' is already used by item {seen[entry.id]}")
            )
        seen.setdefault(entry.id, index)
        if len(entry.answer) > MAX_FAQ_ANSWER:
            problems.append(
                (
                    ("faq", index, "answer"),
                    f"{len(entry.answer)} characters; at most {MAX_FAQ_ANSWER} fit in a message",
                )
            )
        if entry.cannot_say is not None and len(entry.cannot_say) > MAX_FAQ_ANSWER:
            problems.append(
                (
                    ("faq", index, "cannot_say"),
                    f"{len(entry.cannot_say)} characters; at most {MAX_FAQ_ANSWER} fit",
                )
            )
        for key in ("question", "answer", "cannot_say"):
            text = getattr(entry, key)
            if text and DOSE.search(text):
                problems.append(
                    (
                        ("faq", index, key),
                        "looks like a dose or amount of medicine: the bot never gives doses",
                    )
                )
    return problems


def _synonyms(kb: Knowledge) -> list[Problem]:
    problems: list[Problem] = []
    for word, others in kb.synonyms.items():
        for index, term in enumerate([word, *others]):
            if not WORD.match(term):
                place = ("synonyms", word) if index == 0 else ("synonyms", word, index - 1)
                problems.append(
                    (place, f"'{term}': use lowercase words (letters, digits, spaces, - and ')")
                )
        if not others:
            problems.append((("synonyms", word), "give at least one word with the same meaning"))
    return problems
