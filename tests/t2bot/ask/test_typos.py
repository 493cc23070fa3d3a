"""Typos of warning words are caught, but real words that look like one are not: "the hills"
is not "the chills", "ever" is not "fever" (see ``t2bot.ask.phrases._same``)."""

from __future__ import annotations

import pytest

from t2bot.ask.phrases import REAL_WORDS, TYPO_MIN_LENGTH, PhraseMatcher
from t2bot.ask.text import normalise, words
from t2bot.knowledge.loader import load_knowledge
from tests.conftest import REAL_KNOWLEDGE

#: Everyday training words members write; none of them names a warning sign.
SPORT_WORDS = [
    "hills",
    "hill",
    "hilly",
    "climbs",
    "climb",
    "climbing",
    "chilly",
    "drills",
    "skills",
    "spills",
    "thrills",
    "ever",
    "everyone",
    "painted",
    "tainted",
    "crushed",
    "early",
    "nearly",
    "tracing",
    "bracing",
    "reacting",
    "letting",
    "leaning",
    "should",
    "unstable",
    "heat",
    "hear",
    "moment",
    "lack",
    "ladder",
    "straddle",
    "tipping",
    "election",
    "grin",
    "here",
    "ones",
    "waives",
    "achilles",
    "sprints",
    "strides",
    "tempo",
    "intervals",
    "cadence",
    "bricks",
    "transition",
    "wetsuit",
    "goggles",
    "saddle",
    "sore",
    "cleats",
    "gears",
    "turbo",
    "trail",
    "gravel",
    "descents",
    "headwind",
    "taper",
    "racing",
    "ironman",
    "marathon",
    "parkrun",
    "breaststroke",
    "freestyle",
    "butterfly",
    "sighting",
    "cramp",
    "cramps",
    "stitch",
    "chafing",
    "squats",
    "deadlifts",
    "lunges",
    "planks",
    "foam",
    "rolling",
    "massage",
    "physio",
    "yoga",
    "pilates",
    "hamstrings",
    "glutes",
    "calves",
    "shins",
    "knees",
    "posture",
    "tailbone",
    "tired",
    "fatigue",
    "stiff",
    "tight",
    "niggle",
    "twinge",
]


@pytest.fixture(scope="module")
def matcher() -> PhraseMatcher:
    return PhraseMatcher(load_knowledge(REAL_KNOWLEDGE))


@pytest.mark.parametrize("word", SPORT_WORDS)
def test_a_sport_word_is_not_read_as_a_warning_word(matcher: PhraseMatcher, word: str) -> None:
    for text in (f"my back is sore after the {word}", f"the {word}", word):
        assert [hit.flag.id for hit in matcher.find(text)] == [], text


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("i got the chils after the ride", "fever_unwell"),
        ("i had the chlls and back pain", "fever_unwell"),
        ("the chills and a sore back", "fever_unwell"),
        ("i have a fevr and my back hurts", "fever_unwell"),
        ("i nearly fanted after the brick", "exercise_chest"),
        ("i crashed my bike", "crash_any_pain"),
    ],
)
def test_typos_of_warning_words_are_still_caught(
    matcher: PhraseMatcher, text: str, flag: str
) -> None:
    assert flag in [hit.flag.id for hit in matcher.find(text)]


def test_every_phrase_survives_a_dropped_letter(matcher: PhraseMatcher) -> None:
    """Drop the second letter of each long word of every phrase: the phrase is still found (the
    first letter stays, so the rule that a typo keeps it costs no such typo)."""
    kb = load_knowledge(REAL_KNOWLEDGE)
    missed: list[str] = []
    for flag_id, phrases in kb.phrases.items():
        for phrase in phrases:
            tokens = words(normalise(phrase))
            for i, token in enumerate(tokens):
                if len(token) < TYPO_MIN_LENGTH:
                    continue
                typo = token[0] + token[2:]
                assert typo not in REAL_WORDS, typo
                text = " ".join([*tokens[:i], typo, *tokens[i + 1 :]])
                if flag_id not in [hit.flag.id for hit in matcher.find(text)]:
                    missed.append(f"{flag_id}: {text}")
    assert missed == []
