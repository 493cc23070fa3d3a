"""The symptom pointer matches whole words (with usual endings), not parts of other words."""

from __future__ import annotations

import pytest

from t2bot.stretches.lookup import symptom_hint


@pytest.mark.parametrize(
    "query", ["numb toes", "Numbness", "tingling leg", "herniated disc", "discs", "nerve floss"]
)
def test_symptoms_get_the_pointer(query: str) -> None:
    assert symptom_hint(query)


@pytest.mark.parametrize("query", ["number", "numbered list", "discomfort", "psoas"])
def test_words_that_merely_contain_a_symptom_do_not(query: str) -> None:
    assert symptom_hint(query) is None
