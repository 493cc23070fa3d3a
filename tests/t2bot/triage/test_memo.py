"""The per-tap memo gives exactly what the engine gives, forgets on a reload, never remembers an
error, and stays within its size."""

from __future__ import annotations

import random

import pytest

from t2bot.knowledge.model import Knowledge
from t2bot.triage import actions, engine
from t2bot.triage.engine import FlowError, FlowState, Step
from t2bot.triage.memo import FlowMemo


def moves_of(step: Step) -> list[actions.Action]:
    """Every action the screen's buttons offer."""
    node = step.node
    if node.kind == "red_flags":
        found = [actions.flag(i) for i in range(len(node.flags))] + [actions.GO]
    elif node.kind == "checklist":  # one option, two together, every free option
        free = [i for i, a in enumerate(node.answers) if not a.exclusive]
        alone = [(i,) for i, a in enumerate(node.answers) if a.exclusive]
        picks = [(i,) for i in free] + [tuple(free[:2]), tuple(free)] + alone
        found = [actions.check(p) for p in picks]
    else:
        found = [actions.answer(i) for i in range(len(node.answers))]
    return [*found, actions.BACK, actions.RESTART]


def test_the_memo_answers_as_the_engine_on_random_walks(any_kb: Knowledge) -> None:
    memo = FlowMemo()
    rng = random.Random(14)
    for _ in range(60):
        state = engine.start()
        assert memo.current(any_kb, state) == engine.current(any_kb, state)
        for _ in range(40):
            position = engine.current(any_kb, state)
            if not isinstance(position, Step):
                assert memo.current(any_kb, state) == position
                break
            action = rng.choice(moves_of(position))
            expected = actions.apply(any_kb, state, action)
            assert memo.apply(any_kb, state, action) == expected
            assert memo.apply(any_kb, state, action) == expected  # and again, remembered
            if not isinstance(expected, Step):
                break
            state = expected.state
    assert memo.hits > 0 and memo.misses > 0


def test_a_second_tap_on_the_same_screen_is_not_replayed(real_kb: Knowledge) -> None:
    memo = FlowMemo()
    first = memo.apply(real_kb, engine.start(), actions.GO)
    again = memo.apply(real_kb, engine.start(), actions.GO)
    assert again is first and (memo.hits, memo.misses) == (1, 1)


def test_another_knowledge_object_starts_empty(real_kb: Knowledge) -> None:
    """A reload gives a new object (even with the same version): nothing older is served."""
    memo = FlowMemo()
    memo.current(real_kb, engine.start())
    reloaded = real_kb.model_copy(update={"nodes": list(real_kb.nodes)})
    assert reloaded.version == real_kb.version
    memo.current(reloaded, engine.start())
    assert memo.misses == 2 and len(memo) == 1


def test_errors_are_raised_every_time_and_not_remembered(real_kb: Knowledge) -> None:
    memo = FlowMemo()
    bad = FlowState("zz")
    for _ in range(2):
        with pytest.raises(FlowError):
            memo.current(real_kb, bad)
        with pytest.raises(FlowError):
            memo.apply(real_kb, bad, actions.answer(0))
    assert len(memo) == 0


def test_the_memo_keeps_at_most_maxsize_positions(real_kb: Knowledge) -> None:
    memo = FlowMemo(maxsize=3)
    start = engine.start()
    memo.current(real_kb, start)
    step = memo.apply(real_kb, start, actions.GO)
    assert isinstance(step, Step)
    for i in range(len(step.node.answers)):
        memo.apply(real_kb, step.state, actions.answer(i))
    assert len(memo) == 3
    misses = memo.misses
    memo.current(real_kb, start)  # the oldest entry went first
    assert memo.misses == misses + 1


def test_two_picks_on_one_checklist_are_remembered_apart(checklist_kb: Knowledge) -> None:
    """The picks are not in a checklist answer's wire code: the memo must key on them, or the
    first member's picks would be served to everyone on that screen (a found bug)."""
    memo = FlowMemo()
    state = engine.start()
    while True:
        position = engine.current(checklist_kb, state)
        assert isinstance(position, Step)
        if position.node.kind == "checklist":
            break
        move = actions.GO if position.node.kind == "red_flags" else actions.answer(0)
        nxt = actions.apply(checklist_kb, state, move)
        assert isinstance(nxt, Step)
        state = nxt.state
    free = [i for i, a in enumerate(position.node.answers) if not a.exclusive]
    first = memo.apply(checklist_kb, state, actions.check((free[0],)))
    both = memo.apply(checklist_kb, state, actions.check(tuple(free[:2])))
    assert first == actions.apply(checklist_kb, state, actions.check((free[0],)))
    assert both == actions.apply(checklist_kb, state, actions.check(tuple(free[:2])))
    assert first != both
