"""Fuzzy stretch lookup: exact names and aliases, typos, partial words, unknown names."""

from __future__ import annotations

import pytest

from t2bot.knowledge.model import Knowledge
from t2bot.stretches.lookup import choices, find_stretch, normalize


def _typo(text: str) -> str:
    """Swap two neighbouring letters in the middle of the longest word."""
    words = text.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) < 5:
        return text
    i = len(word) // 2
    words[longest] = word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return " ".join(words)


def test_normalize_folds_case_and_punctuation() -> None:
    assert normalize("  Hip-Flexor   (Kneeling) ") == "hip flexor kneeling"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Couch stretch", "couch_stretch"),
        ("psoas", "kneeling_hip_flexor"),
        ("HIP FLEXOR", "kneeling_hip_flexor"),
        ("sofa-stretch", "couch_stretch"),
        ("cuoch strech", "couch_stretch"),
        ("hip fexor", "kneeling_hip_flexor"),
        ("side plnk", "side_plank"),
        ("brige", "glute_bridge"),
        ("cat-cow", "cat_camel"),
        ("glute_bridge", "glute_bridge"),
    ],
)
def test_fixture_names_aliases_and_typos(fixture_kb: Knowledge, typed: str, expected: str) -> None:
    found = find_stretch(fixture_kb, typed)
    assert found.stretch is not None, found.suggestions
    assert found.stretch.id == expected


def test_ambiguous_word_gives_suggestions(fixture_kb: Knowledge) -> None:
    found = find_stretch(fixture_kb, "hip")
    assert found.stretch is None
    ids = [s.id for s in found.suggestions]
    assert "kneeling_hip_flexor" in ids
    assert 1 < len(ids) <= 3


@pytest.mark.parametrize("typed", ["xyzzy", "", "   ", "?!"])
def test_unknown_gives_no_stretch(fixture_kb: Knowledge, typed: str) -> None:
    found = find_stretch(fixture_kb, typed)
    assert found.stretch is None
    assert found.suggestions == ()


def test_every_name_id_and_alias_resolves(any_kb: Knowledge) -> None:
    for stretch in any_kb.stretches:
        for typed in (stretch.name, stretch.id, stretch.name.upper(), *stretch.aliases):
            found = find_stretch(any_kb, typed)
            assert found.stretch is not None and found.stretch.id == stretch.id, typed


def test_names_and_aliases_are_unambiguous(any_kb: Knowledge) -> None:
    """Content check: what a member types must point to one stretch only."""
    owner: dict[str, str] = {}
    for stretch in any_kb.stretches:
        for text in {normalize(t) for t in (stretch.name, *stretch.aliases)}:
            assert owner.setdefault(text, stretch.id) == stretch.id, (
                f"'{text}' names both {owner[text]} and {stretch.id}"
            )


def test_a_typo_in_a_name_finds_it_or_suggests_it(any_kb: Knowledge) -> None:
    for stretch in any_kb.stretches:
        typed = _typo(stretch.name)
        found = find_stretch(any_kb, typed)
        offered = [found.stretch] if found.stretch else list(found.suggestions)
        assert stretch in offered, (typed, [s.id for s in offered])


def test_choices_are_capped_and_valid(any_kb: Knowledge) -> None:
    ids = {s.id for s in any_kb.stretches}
    for typed in ("", "h", "hip", "stretch", "xyzzy", "a" * 200):
        offered = choices(any_kb, typed)
        assert len(offered) <= 25
        for label, value in offered:
            assert value in ids
            assert 1 <= len(label) <= 100


def test_choices_show_the_alias_that_matched(fixture_kb: Knowledge) -> None:
    offered = choices(fixture_kb, "psoas")
    assert offered[0] == ("Kneeling hip-flexor stretch (psoas)", "kneeling_hip_flexor")


def test_choices_follow_typing_prefixes(fixture_kb: Knowledge) -> None:
    assert choices(fixture_kb, "kne")[0][1] == "kneeling_hip_flexor"
    assert choices(fixture_kb, "side p")[0][1] == "side_plank"


def test_empty_choices_list_everything_by_name(fixture_kb: Knowledge) -> None:
    names = [label for label, _ in choices(fixture_kb, "")]
    assert names == sorted(names, key=str.casefold)
    assert len(names) == min(25, len(fixture_kb.stretches))


def test_symptom_searches_point_to_care(fixture_kb: Knowledge) -> None:
    from t2bot.stretches.lookup import symptom_hint

    KB = fixture_kb
    assert "physio or doctor" in (symptom_hint(KB, "Sciatica") or "")
    assert symptom_hint(KB, "numb leg stretch")
    assert symptom_hint(KB, "psoas") is None
    assert symptom_hint(KB, "couch stretch") is None
