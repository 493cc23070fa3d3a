"""The symptom pointer matches whole words (with usual endings), not parts of other words."""

from __future__ import annotations

import pytest

from t2bot.stretches.lookup import symptom_hint


@pytest.mark.parametrize(
    "query", ["numb toes", "Numbness", "tingling leg", "herniated disc", "discs", "nerve floss"]
)
def test_symptoms_get_the_pointer(real_kb, query: str) -> None:
    assert symptom_hint(real_kb, query) == real_kb.meta.words.symptom_hint


@pytest.mark.parametrize("query", ["number", "numbered list", "discomfort", "psoas"])
def test_words_that_merely_contain_a_symptom_do_not(real_kb, query: str) -> None:
    assert symptom_hint(real_kb, query) is None
