"""Checklist screens: every option that fits in one tap, carried as a bitmask in the path."""

from __future__ import annotations

import re

import pytest

from t2bot.knowledge import load_knowledge
from t2bot.knowledge.model import Knowledge, Urgency
from t2bot.triage import actions, engine
from t2bot.triage.answers import plain_text, summarize
from t2bot.triage.cards import CHECKLIST_HEADING, step_card
from t2bot.triage.engine import (
    Escalation,
    FlowError,
    FlowState,
    PicksConflict,
    Result,
    Step,
    checklist_width,
    encode_picks,
)
from t2bot.triage.ids import FlowId
from tests.t2bot.triage import grouped as g
from tests.t2bot.triage.grouped import grouped_kb

__all__ = ["grouped_kb"]  # a fixture

#: None on both red-flag screens, "Lower back on the run", "Yes, by far": the checklist.
TO_HABITS = "00" + "0" + "0"
LONG_AERO, OLD_SHOES, NIGHT_PAIN, NUMB, NONE, NOT_SURE = range(6)


def at_habits(kb: Knowledge) -> Step:
    step = engine.current(kb, FlowState(TO_HABITS))
    assert isinstance(step, Step) and step.node.id == "habits"
    return step


def test_width_grows_with_the_options() -> None:
    assert [checklist_width(n) for n in (1, 5, 6, 10, 11, 15, 20, 25)] == [1, 1, 2, 2, 3, 3, 4, 5]
    assert (
        encode_picks(6, [0, 2]) == "05" and int(encode_picks(25, list(range(25))), 36) == 2**25 - 1
    )


def test_the_checklist_is_one_screen_and_one_tap(checklist_kb: Knowledge) -> None:
    step = at_habits(checklist_kb)
    assert step.number == 5
    after = engine.check(checklist_kb, step.state, [LONG_AERO, OLD_SHOES])
    assert isinstance(after, Step) and after.node.id == "shoes"
    assert after.number == 6  # one more screen, though the answer takes two path digits
    assert after.state.path == TO_HABITS + "03"


def test_each_picked_option_adds_its_weights_and_why(checklist_kb: Knowledge) -> None:
    state = engine.check(checklist_kb, at_habits(checklist_kb).state, [LONG_AERO, OLD_SHOES])
    assert isinstance(state, Step)
    outcome = engine.answer(checklist_kb, state.state, 1)  # shoes: "Fine"
    assert isinstance(outcome, Result)
    scores = {r.contributor.id: (r.score, r.reasons) for r in outcome.contributors}
    assert scores == {
        "not_aero_adapted": (5, ("longest time in aero", "long rides in aero")),
        "worn_shoes": (2, ("your old shoes",)),
    }


def test_only_the_picked_options_count(checklist_kb: Knowledge) -> None:
    state = engine.check(checklist_kb, at_habits(checklist_kb).state, [OLD_SHOES])
    assert isinstance(state, Step)
    outcome = engine.answer(checklist_kb, state.state, 1)
    assert isinstance(outcome, Result)
    assert {r.contributor.id: r.score for r in outcome.contributors} == {
        "not_aero_adapted": 3,
        "worn_shoes": 2,
    }


def test_an_emergency_option_ends_the_check_whatever_else_is_picked(
    checklist_kb: Knowledge,
) -> None:
    outcome = engine.check(checklist_kb, at_habits(checklist_kb).state, [LONG_AERO, NUMB])
    assert isinstance(outcome, Escalation) and outcome.urgency is Urgency.emergency
    assert [flag.id for flag in outcome.flags] == ["saddle_numbness"]


def test_a_see_soon_option_is_collected_and_ends_the_check(checklist_kb: Knowledge) -> None:
    step = engine.check(checklist_kb, at_habits(checklist_kb).state, [NIGHT_PAIN, OLD_SHOES])
    assert isinstance(step, Step) and step.node.id == "shoes"
    outcome = engine.answer(checklist_kb, step.state, 0)
    assert isinstance(outcome, Escalation) and outcome.urgency is Urgency.soon
    assert [flag.id for flag in outcome.flags] == ["night_pain"]


@pytest.mark.parametrize("picked", [[NONE], [NOT_SURE]])
def test_an_exclusive_option_alone(checklist_kb: Knowledge, picked: list[int]) -> None:
    step = engine.check(checklist_kb, at_habits(checklist_kb).state, picked)
    assert isinstance(step, Step) and step.node.id == "shoes"
    outcome = engine.answer(checklist_kb, step.state, 1)
    assert isinstance(outcome, Result)
    assert [r.contributor.id for r in outcome.contributors] == ["not_aero_adapted"]


@pytest.mark.parametrize(
    "picked",
    [[], [NONE, LONG_AERO], [NONE, NOT_SURE], [LONG_AERO, LONG_AERO], [6], [-1]],
)
def test_combinations_the_menu_never_sends_are_refused(
    checklist_kb: Knowledge, picked: list[int]
) -> None:
    with pytest.raises(FlowError):
        engine.check(checklist_kb, at_habits(checklist_kb).state, picked)


@pytest.mark.parametrize(
    "digits",
    [
        "00",  # nothing picked
        "1g",  # 52: "Pain at night" (4) with both exclusive options (16, 32)
        "0i",  # 18: "None of these" (16) with "Old shoes" (2)
        "1s",  # 64: an option the screen does not have
        "0",  # cut short
        "zz",
    ],
)
def test_tampered_checklist_digits_are_refused(checklist_kb: Knowledge, digits: str) -> None:
    with pytest.raises(FlowError):
        engine.current(checklist_kb, FlowState(TO_HABITS + digits))


def test_other_answers_are_refused_on_a_checklist(checklist_kb: Knowledge) -> None:
    state = at_habits(checklist_kb).state
    with pytest.raises(FlowError):
        engine.answer(checklist_kb, state, 0)
    with pytest.raises(FlowError):
        engine.proceed(checklist_kb, state)
    with pytest.raises(FlowError):  # and a checklist answer on a question screen
        engine.check(checklist_kb, FlowState("00"), [0])


def test_back_after_a_checklist_returns_to_it(checklist_kb: Knowledge) -> None:
    after = engine.check(checklist_kb, at_habits(checklist_kb).state, [LONG_AERO, OLD_SHOES])
    assert isinstance(after, Step)
    back = engine.back(checklist_kb, after.state)
    assert isinstance(back, Step) and back.node.id == "habits" and back.state.path == TO_HABITS
    again = engine.back(checklist_kb, back.state)
    assert isinstance(again, Step) and again.node.id == "aero"


def test_actions_carry_the_picks(checklist_kb: Knowledge) -> None:
    action = actions.check([LONG_AERO, OLD_SHOES])
    assert action.encode() == "ck" and actions.is_move(action)
    after = actions.apply(checklist_kb, at_habits(checklist_kb).state, action)
    assert isinstance(after, Step) and after.node.id == "shoes"
    with pytest.raises(ValueError):
        actions.Action(actions.Verb.ANSWER, 1, picked=(1,))


def test_the_summary_for_the_clinician_lists_every_pick(checklist_kb: Knowledge) -> None:
    step = engine.check(checklist_kb, at_habits(checklist_kb).state, [LONG_AERO, OLD_SHOES])
    assert isinstance(step, Step)
    outcome = engine.answer(checklist_kb, step.state, 1)
    assert isinstance(outcome, Result)
    summary = summarize(checklist_kb, outcome)
    assert ("Which of these fit?", "Long rides in aero; Old shoes") in summary.answered
    assert summary.answered[-1] == ("Shoes?", "Fine")
    assert "- Which of these fit? Long rides in aero; Old shoes" in plain_text(
        checklist_kb, summary
    )


def test_the_step_card_lists_the_options(checklist_kb: Knowledge) -> None:
    card = step_card(checklist_kb, at_habits(checklist_kb), "112")
    assert card.title == "Question 5"
    assert [s.heading for s in card.sections] == [CHECKLIST_HEADING]
    assert card.sections[0].lines[1] == "2. Old shoes (More than 800 km on them)"
    assert card.sections[0].lines[4] == "5. None of these"


def test_menu_ids_and_button_ids_are_read_by_different_classes(checklist_kb: Knowledge) -> None:
    state = at_habits(checklist_kb).state
    menu = FlowId.of(checklist_kb.version, 2**64 - 1, state.path, 0, actions.check(())).encode()
    button = FlowId.of(checklist_kb.version, 5, state.path, 0, actions.BACK).encode()
    assert re.fullmatch(FlowId.SELECT_TEMPLATE, menu)
    assert not re.fullmatch(FlowId.TEMPLATE, menu)
    assert re.fullmatch(FlowId.TEMPLATE, button)
    assert not re.fullmatch(FlowId.SELECT_TEMPLATE, button)
    assert FlowId.decode(menu).move.verb is actions.Verb.CHECK
    assert len(menu) <= 100


def test_the_version_changes_with_what_a_pick_means(checklist_kb: Knowledge, tmp_path) -> None:
    """Making an option exclusive changes which combinations exist: open checks start over."""
    import shutil

    from tests.conftest import CHECKLIST_KNOWLEDGE

    folder = tmp_path / "kb"
    shutil.copytree(CHECKLIST_KNOWLEDGE, folder)
    flow = folder / "flow.yaml"
    flow.write_text(
        flow.read_text().replace(
            "- {label: Pain at night, sign: night_pain}",
            "- {label: Pain at night, sign: night_pain, exclusive: true}",
        )
    )
    changed = load_knowledge(folder)
    assert changed.version != checklist_kb.version
    reworded = folder / "flow.yaml"
    reworded.write_text(
        (CHECKLIST_KNOWLEDGE / "flow.yaml")
        .read_text()
        .replace("description: More than 800 km on them", "description: Over 800 km")
    )
    assert load_knowledge(folder).version == checklist_kb.version


def _every_path(kb: Knowledge) -> list[tuple[str, object]]:
    """Every path through the fixture flow by brute force (red-flag screens passed with none;
    every combination on a checklist), with its outcome."""
    found: list[tuple[str, object]] = []
    stack = [FlowState()]
    while stack:
        state = stack.pop()
        position = engine.current(kb, state)
        if not isinstance(position, Step):
            found.append((state.path, position))
            continue
        node = position.node
        if node.kind == "red_flags":
            stack.append(FlowState(state.path + "0"))
        elif node.kind == "checklist":
            for mask in range(1, 2 ** len(node.answers)):
                picked = [i for i in range(len(node.answers)) if mask >> i & 1]
                try:
                    after = engine.check(kb, state, picked)
                except FlowError:
                    continue
                if isinstance(after, Step):
                    stack.append(after.state)
                else:
                    found.append((state.path + encode_picks(len(node.answers), picked), after))
        else:
            stack += [FlowState(state.path + str(i)) for i in range(len(node.answers))]
    return found


def test_the_all_paths_walk_merges_checklist_combinations_exactly(
    checklist_kb: Knowledge,
) -> None:
    from t2bot.knowledge.validate import count_paths
    from tests.t2bot.triage.flow_walk import all_ways

    every = _every_path(checklist_kb)
    ways = all_ways(checklist_kb)
    assert sum(way.paths for way in ways) == len(every) == count_paths(checklist_kb)

    def strip(outcome: object) -> str:
        """An outcome without the representative path a result carries."""
        return re.sub(r"path='[0-9a-z]*', ", "", repr(outcome))

    # Every outcome a member can reach is among the walk's ways, and nothing else is.
    assert {strip(way.outcome) for way in ways} == {strip(o) for _p, o in every}
    assert max(way.longest for way in ways) == 6  # 6 screens: the checklist is one tap


def test_two_alternatives_of_one_group_are_refused_with_their_labels(
    grouped_kb: Knowledge,
) -> None:
    state = at_habits(grouped_kb).state
    with pytest.raises(PicksConflict) as raised:
        engine.check(grouped_kb, state, [g.NEW_SHOES, g.LONG_AERO, g.OLD_SHOES])
    assert raised.value.labels == ("Old shoes", "New shoes")
    assert raised.value.message == (
        "You picked both “Old shoes” and “New shoes”: pick the one that fits."
    )
    with pytest.raises(PicksConflict) as raised:
        engine.check(grouped_kb, state, [g.SHORT_AERO, g.NEVER_AERO])
    assert raised.value.labels == ("Short rides in aero", "Never in aero")
    # One of each group, with options outside the groups, goes on.
    after = engine.check(grouped_kb, state, [g.SHORT_AERO, g.NEW_SHOES, g.NIGHT_PAIN])
    assert isinstance(after, Step) and after.node.id == "shoes"


def test_a_path_with_two_alternatives_is_tampered_not_a_slip(grouped_kb: Knowledge) -> None:
    """No menu of ours produces such digits: a plain FlowError ("not valid any more")."""
    digits = encode_picks(len(grouped_kb.node("habits").answers), [g.LONG_AERO, g.SHORT_AERO])
    with pytest.raises(FlowError) as raised:
        engine.current(grouped_kb, FlowState(TO_HABITS + digits))
    assert not isinstance(raised.value, PicksConflict)


def test_groups_change_the_version(grouped_kb: Knowledge) -> None:
    from t2bot.knowledge.loader import flow_version

    node = grouped_kb.node("habits")
    ungrouped = [a.model_copy(update={"one_of": None}) for a in node.answers]
    nodes = [
        n.model_copy(update={"answers": ungrouped}) if n.id == "habits" else n
        for n in grouped_kb.nodes
    ]
    assert flow_version(grouped_kb.model_copy(update={"nodes": nodes})) != grouped_kb.version
    assert flow_version(grouped_kb) == grouped_kb.version


def test_the_all_paths_walk_merges_grouped_combinations_exactly(grouped_kb: Knowledge) -> None:
    from t2bot.knowledge.validate import count_paths
    from tests.t2bot.triage.flow_walk import all_ways

    every = _every_path(grouped_kb)
    ways = all_ways(grouped_kb)
    assert sum(way.paths for way in ways) == len(every) == count_paths(grouped_kb)

    def strip(outcome: object) -> str:
        return re.sub(r"path='[0-9a-z]*', ", "", repr(outcome))

    assert {strip(way.outcome) for way in ways} == {strip(o) for _p, o in every}
    # Two of one group are never among the walk's representatives.
    habits = grouped_kb.node("habits")
    for way in ways:
        for screen in engine.screens(grouped_kb, way.state.path):
            if screen.node.id == "habits":
                groups = [habits.answers[i].one_of for i in screen.picked]
                named = [g for g in groups if g]
                assert len(named) == len(set(named))


#: Options of the real cause checklists that exclude each other (knowledge/flow.yaml).
REAL_ALTERNATIVES = [
    ("aero_bike", "I rarely train on aero bars", "I train on aero bars a lot"),
    ("aero_bike", "I train on aero bars sometimes", "I train on aero bars a lot"),
    ("aero_bike", "Had a pro bike fit", "Never had a bike fit"),
    ("aero_bike", "Running shoes worn or high mileage", "Running shoes in good shape"),
    ("aero_bike", "Brand-new running shoes, not run in yet", "Running shoes in good shape"),
    (
        "aero_bike",
        "I often run straight off the bike (bricks)",
        "I rarely run straight off the bike",
    ),
    ("road_bike", "The ride was much longer than ever", "The ride was a bit longer than usual"),
    ("road_bike", "Had a pro bike fit, comfortable", "Never had a bike fit"),
    ("road_bike", "Running shoes worn or high mileage", "Brand-new running shoes, not run in yet"),
    ("run_load", "Shoes worn or high mileage", "Shoes fairly new and broken in"),
    ("neck_setup", "Never had a bike fit", "Had a pro bike fit"),
    ("habits", "Stretching less than I used to", "I have never had a stretching routine"),
    ("habits", "I have never had a stretching routine", "Keeping up my stretching"),
    ("habits", "No core or back strength work", "Regular core or back strength work"),
    ("habits", "Hip: the other thigh stayed flat", "Hip: the other thigh lifted off the bed"),
    ("habits", "Leg raise: nearly upright, both legs", "Leg raise: about halfway or lower"),
]
#: ... and options that can both be true, which stay free.
REAL_TOGETHER = [
    ("aero_bike", "It comes on in training", "It comes on in races"),
    ("aero_bike", "My longest time in aero so far", "Longer in aero than usual"),
    ("swim_sets", "Head up a lot (sighting, breaststroke)", "I lift my head to breathe"),
    ("habits", "Leg raise: about halfway or lower", "Leg raise: pain or tingling down the leg"),
    ("habits", "Stretching less than I used to", "No core or back strength work"),
]


@pytest.mark.parametrize(("node_id", "first", "second"), REAL_ALTERNATIVES + REAL_TOGETHER)
def test_the_real_cause_checklists_refuse_only_true_alternatives(
    real_kb: Knowledge, node_id: str, first: str, second: str
) -> None:
    from tests.t2bot.triage.flow_walk import paths_to_nodes

    state = FlowState(paths_to_nodes(real_kb)[node_id])
    step = engine.current(real_kb, state)
    assert isinstance(step, Step) and step.node.id == node_id
    labels = [answer.label for answer in step.node.answers]
    picked = [labels.index(first), labels.index(second)]
    if (node_id, first, second) in REAL_ALTERNATIVES:
        with pytest.raises(PicksConflict) as raised:
            engine.check(real_kb, state, picked)
        assert set(raised.value.labels) == {first, second}
    else:
        engine.check(real_kb, state, picked)  # no PicksConflict
