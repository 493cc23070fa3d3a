"""The tap distribution of ``--check-knowledge``: exact, and the same as tapping every path."""

from __future__ import annotations

from collections import Counter

from t2bot.knowledge.model import Knowledge, Urgency
from t2bot.knowledge.summary import median, summarize, tap_distribution
from t2bot.triage import engine
from t2bot.triage.engine import Escalation, FlowState, Result, ShortEnding, Step
from t2bot.triage.ids import path_digit


def _brute_force(kb: Knowledge) -> dict[str, Counter[int]]:
    """Tap every path through the engine (only for small flows)."""
    table: dict[str, Counter[int]] = {}

    def kind(outcome: object) -> str:
        if isinstance(outcome, Escalation):
            return outcome.urgency.value
        if isinstance(outcome, ShortEnding):
            return outcome.ending.urgency.value if outcome.ending.urgency else "ending"
        assert isinstance(outcome, Result)
        return "result"

    def add(outcome: object, taps: int) -> None:
        table.setdefault(kind(outcome), Counter())[taps] += 1

    stack: list[tuple[FlowState, int]] = [(FlowState(), 0)]
    while stack:
        state, taps = stack.pop()
        position = engine.current(kb, state)
        if not isinstance(position, Step):
            add(position, taps)
            continue
        node = position.node
        if node.kind == "red_flags":
            for index in range(len(node.flags)):
                after = engine.tap_flag(kb, state, index)
                if isinstance(after, Step):
                    add(engine.proceed(kb, after.state), taps + 2)
                else:
                    add(after, taps + 1)
            stack.append((FlowState(state.path + path_digit(0)), taps + 1))
        else:
            for index in range(len(node.answers)):
                stack.append((FlowState(state.path + path_digit(index)), taps + 1))
    return table


def test_tap_distribution_matches_tapping_every_path(mini_kb: Knowledge) -> None:
    found = {kind: counts for kind, counts in tap_distribution(mini_kb).items() if counts}
    assert found == _brute_force(mini_kb)


def test_real_flow_taps_are_printed(real_kb: Knowledge) -> None:
    table = tap_distribution(real_kb)
    assert min(table["emergency"]) == 1  # one tap on the first screen
    assert sum(table["result"].values()) > 1_000_000
    assert median(Counter({3: 1, 5: 1})) == 4
    text = summarize(real_kb)
    assert "taps to an answer" in text and "result" in text
    assert Urgency.emergency.value in text
