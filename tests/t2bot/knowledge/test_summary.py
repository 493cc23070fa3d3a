"""The tap distribution of ``--check-knowledge``: exact, and the same as tapping every path."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from t2bot.knowledge import load_knowledge
from t2bot.knowledge.model import Knowledge, Urgency
from t2bot.knowledge.summary import (
    checklist_classes,
    fewest_taps_to_signs,
    median,
    summarize,
    tap_distribution,
)
from t2bot.triage import engine
from t2bot.triage.engine import Escalation, FlowState, Result, ShortEnding, Step
from t2bot.triage.ids import path_digit
from tests.t2bot.triage.grouped import grouped_kb

__all__ = ["grouped_kb"]  # a fixture


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
        elif node.kind == "checklist":
            for mask in range(1, 2 ** len(node.answers)):
                picked = [i for i in range(len(node.answers)) if mask >> i & 1]
                try:
                    after = engine.check(kb, state, picked)
                except engine.FlowError:
                    continue  # an exclusive option with others
                if isinstance(after, Step):
                    stack.append((after.state, taps + 1))
                else:
                    add(after, taps + 1)
        else:
            for index in range(len(node.answers)):
                stack.append((FlowState(state.path + path_digit(index)), taps + 1))
    return table


def test_tap_distribution_matches_tapping_every_path(mini_kb: Knowledge) -> None:
    found = {kind: counts for kind, counts in tap_distribution(mini_kb).items() if counts}
    assert found == _brute_force(mini_kb)


def test_checklist_combinations_are_counted_like_tapping_each(checklist_kb: Knowledge) -> None:
    """Every combination of a checklist's options is one tap and one path (exclusive options
    alone); grouped counting gives the same table as picking each through the engine."""
    found = {kind: counts for kind, counts in tap_distribution(checklist_kb).items() if counts}
    brute = _brute_force(checklist_kb)
    assert found == brute
    # 4 options to combine (one reports an emergency sign) and 2 alone: 15 + 2 combinations.
    habits = checklist_kb.node("habits")
    assert sum(checklist_classes(checklist_kb, habits).values()) == 17


def test_one_of_groups_are_counted_like_tapping_each(grouped_kb: Knowledge) -> None:
    """A ``one_of`` group adds none or exactly one of its options: the counted table equals
    picking every combination through the engine (which refuses two of one group)."""
    found = {kind: counts for kind, counts in tap_distribution(grouped_kb).items() if counts}
    assert found == _brute_force(grouped_kb)
    # Units: aero time (3 options), shoes (2), night pain, numbness; and 2 options alone:
    # 4 * 3 * 2 * 2 - 1 + 2 combinations (without groups 2**7 - 1 + 2).
    habits = grouped_kb.node("habits")
    assert sum(checklist_classes(grouped_kb, habits).values()) == 49
    from t2bot.knowledge.validate import checklist_combinations

    assert checklist_combinations(grouped_kb, habits) == (4 * 3 * 2, 4 * 3 * 2 - 1 + 2)


def test_fewest_taps_per_emergency_sign(real_kb: Knowledge, checklist_kb: Knowledge) -> None:
    fewest = fewest_taps_to_signs(real_kb)
    first = real_kb.node(real_kb.start)
    assert all(fewest[flag.id] == 1 for flag in first.flags if flag.urgency is Urgency.emergency)
    assert {s.id for s in real_kb.all_signs() if s.urgency is Urgency.emergency} == set(fewest)
    # The fixture: saddle numbness is on the first screen (1 tap), not 5 via the checklist.
    assert fewest_taps_to_signs(checklist_kb)["saddle_numbness"] == 1


def test_real_flow_taps_are_printed(real_kb: Knowledge) -> None:
    table = tap_distribution(real_kb)
    assert min(table["emergency"]) == 1  # one tap on the first screen
    assert sum(table["result"].values()) > 1_000_000
    assert median(Counter({3: 1, 5: 1})) == 4
    text = summarize(real_kb)
    assert "taps to an answer" in text and "result" in text
    assert Urgency.emergency.value in text


def test_the_table_states_both_targets_and_names_late_signs(
    real_kb: Knowledge, checklist_kb: Knowledge
) -> None:
    text = summarize(real_kb)
    assert "fewest taps to each emergency sign (signs / min / median / max): " in text
    assert "targets: result median <= 14 taps over every path" in text
    late = [s for s, taps in fewest_taps_to_signs(real_kb).items() if taps > 2]
    if late:
        assert f"over 2 taps: {', '.join(sorted(late))}" in text
    fixture = summarize(checklist_kb)
    assert "questions:        4 (1 tick-all-that-fit)" in fixture
    assert "(met); each emergency sign in <= 2 taps (met)" in fixture


def test_a_sign_within_an_earlier_one_counts_as_reached_there(
    real_kb: Knowledge, tmp_path: Path
) -> None:
    """The maternity signs are re-asked on their own screen after "about you" (3 taps), but each
    is part of the first screen's combined pregnancy line, so a member who has one can tap it
    at once; without ``within`` the tap table would count 3."""
    fewest = fewest_taps_to_signs(real_kb)
    held = [s for s in real_kb.all_signs() if s.within is not None]
    assert {s.id for s in held} >= {"preg_bleeding", "preg_movements", "pp_clot"}
    assert all(real_kb.sign(s.within).urgency is Urgency.emergency for s in held)  # type: ignore[arg-type]
    assert fewest["maternity_now"] == 1
    assert all(fewest[s.id] == 1 for s in held)
    folder = tmp_path / "knowledge"
    shutil.copytree(Path(__file__).resolve().parents[3] / "knowledge", folder)
    flow = folder / "flow.yaml"
    flow.write_text(
        flow.read_text(encoding="utf-8").replace("        within: maternity_now\n", ""),
        encoding="utf-8",
    )
    assert fewest_taps_to_signs(load_knowledge(folder))["preg_bleeding"] == 3
