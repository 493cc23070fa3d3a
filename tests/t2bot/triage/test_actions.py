"""One action vocabulary for Discord and the terminal, mapped to the engine in one table."""

from __future__ import annotations

import pytest

from t2bot.triage import actions, engine
from t2bot.triage.actions import Action, Verb
from t2bot.triage.engine import FlowError, Step
from t2bot.triage.ids import FlowId


@pytest.mark.parametrize(
    "action",
    [
        actions.answer(0),
        actions.flag(19),
        actions.GO,
        actions.BACK,
        actions.RESTART,
        actions.CANCEL,
        actions.SAVE,
        actions.FOLLOW_UP,
    ],
)
def test_encode_decode(action: Action) -> None:
    assert Action.decode(action.encode()) == action
    assert FlowId.of("a1b2c3", 1, "", 0, action).move == action


def test_wire_codes_are_the_ones_already_sent() -> None:
    codes = [a.encode() for a in (actions.answer(3), actions.flag(2), actions.GO, actions.BACK)]
    assert codes == ["a3", "f2", "go", "bk"]
    assert [v.value for v in Verb] == ["a", "f", "go", "bk", "rs", "x", "sv", "fu", "p", "ck"]
    assert actions.page(2).encode() == "p2"


@pytest.mark.parametrize("code", ["", "a", "f", "zz", "a100", "go1", "A1"])
def test_bad_codes(code: str) -> None:
    with pytest.raises(ValueError):
        Action.decode(code)


def test_moves_call_the_engine(mini_kb) -> None:
    first = engine.current(mini_kb, engine.start())
    assert isinstance(first, Step)
    assert actions.apply(mini_kb, first.state, actions.GO) == engine.proceed(mini_kb, first.state)
    assert actions.apply(mini_kb, first.state, actions.RESTART) == first
    ticked = actions.apply(mini_kb, first.state, actions.flag(0))
    assert ticked == engine.tap_flag(mini_kb, first.state, 0)


@pytest.mark.parametrize("action", [actions.CANCEL, actions.SAVE, actions.FOLLOW_UP])
def test_non_moves_are_left_to_the_caller(mini_kb, action: Action) -> None:
    assert not actions.is_move(action)
    with pytest.raises(FlowError):
        actions.apply(mini_kb, engine.start(), action)
