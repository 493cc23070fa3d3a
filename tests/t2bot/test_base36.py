from __future__ import annotations

import pytest

from t2bot.base36 import from_base36, to_base36


@pytest.mark.parametrize("number", [0, 1, 35, 36, 2**63 - 1, 2**64 - 1])
def test_round_trip(number: int) -> None:
    assert from_base36(to_base36(number)) == number
    assert int(to_base36(number), 36) == number


@pytest.mark.parametrize("text", ["", "A", "-1", "z" * 14, "1 "])
def test_refused(text: str) -> None:
    with pytest.raises(ValueError):
        from_base36(text)
