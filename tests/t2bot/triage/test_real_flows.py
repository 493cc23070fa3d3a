"""The real knowledge: the thread's riders, every red flag, and every path's answer."""

from __future__ import annotations

import itertools
import re

import pytest

from t2bot.knowledge.model import Knowledge, Urgency, allowed
from t2bot.triage import engine
from t2bot.triage.cards import outcome_card, reminder_for
from t2bot.triage.engine import Escalation, FlowState, Result, ShortEnding, Step
from tests.t2bot.triage.flow_walk import (
    NONE,
    all_clear,
    all_paths,
    answer_by_labels,
    paths_to_nodes,
    taps,
)

#: An adult, not pregnant, low back pain, every screening step all clear: the emergency screen,
#: about you (one tap), where, bladder/bowel/saddle/sex (straight after where), legs, crash or
#: fever, the same-day and see-soon screens, duration and course.
SAFE = [
    NONE,
    "16 or over",
    "Low back",
    "No, all normal",
    "No, it stays in my back or buttock",
    "Neither",
    NONE,
    NONE,
    "Under 6 weeks, getting better",
]
#: Taps to a result on the longest path (a pregnant member's maternity screen, the leg test and a
#: fall follow-up); the distribution is printed by ``bot.py --check-knowledge``.
MAX_TAPS = 15
OP = [
    *SAFE,
    "On or after an aero-bar ride",
    " + ".join(
        [
            "It comes on in training",
            "I rarely train on aero bars",
            "My longest time in aero so far",
            "Had a pro bike fit",
            "Neck and shoulders got sore in aero",
            "I often run straight off the bike (bricks)",
            "Running shoes in good shape",
        ]
    ),
    "Stretching less than I used to",
]
AGGRESSIVE = [
    *SAFE,
    "On or after an aero-bar ride",
    " + ".join(
        [
            "It comes on in training",
            "I train on aero bars a lot",
            "Very low, aggressive front end",
            "Low back ached on the bike",
            "I often run straight off the bike (bricks)",
            "Running shoes in good shape",
        ]
    ),
    "Keeping up my stretching + Regular core or back strength work",
]
LOAD_JUMP = [
    *SAFE,
    "Only on runs, no ride before",
    " + ".join(
        [
            "It comes on in training",
            "Much longer than I have run before",
            "Shoes fairly new and broken in",
        ]
    ),
    " + ".join(
        [
            "Keeping up my stretching + Regular core or back strength work",
            "Weekly training jumped",
        ]
    ),
]
DIAGNOSIS = re.compile(
    r"\byou(?: have|'ve got| are suffering from) (?:a |an )?(?:sciatica|slipped|herniat|bulg|disc|"
    r"arthritis|spondyl|cauda|syndrome|rhabdo|aneurysm|fracture|infection|tumou?r|strain|sprain|"
    r"tight psoas|weak core)",
    re.IGNORECASE,
)
AERO = {"not_aero_adapted", "aggressive_position", "neck_trap_strain"}


def ranked_ids(result: Result) -> list[str]:
    return [r.contributor.id for r in result.contributors]


def test_thread_original_poster_is_not_yet_adapted_to_aero(real_kb) -> None:
    result = answer_by_labels(real_kb, OP)
    assert isinstance(result, Result)
    assert ranked_ids(result)[0] == "not_aero_adapted"
    top, second = result.contributors[0], result.contributors[1]
    assert top.score > second.score
    assert len(top.reasons) >= 2  # why: rarely trains aero, longest ever in aero
    assert "neck_trap_strain" in ranked_ids(result)
    tips = {tip.id for tip in result.tips}
    assert {"acclimate_gradually", "solo_aero_rides_brick"} & tips
    assert result.stretches
    assert len(OP) <= MAX_TAPS


def test_too_aggressive_rider_ranks_position_first(real_kb) -> None:
    result = answer_by_labels(real_kb, AGGRESSIVE)
    assert isinstance(result, Result)
    assert ranked_ids(result)[0] == "aggressive_position"
    assert "raise_front_end" in {tip.id for tip in result.tips}


def test_training_jump_without_aero_is_not_blamed_on_aero(real_kb) -> None:
    result = answer_by_labels(real_kb, LOAD_JUMP)
    assert isinstance(result, Result)
    assert ranked_ids(result)[0] == "load_spike"
    assert not AERO & set(ranked_ids(result))


#: After the signs: what to tell them, what to stop, when to call the emergency number.
CARE_HEADINGS = ("What to tell them", "What to stop", "When to call the emergency number")


def test_saddle_numbness_is_an_emergency_with_no_self_care(real_kb) -> None:
    first = engine.current(real_kb, engine.start())
    index = [flag.id for flag in first.node.flags].index("saddle_numbness")
    outcome = engine.tap_flag(real_kb, first.state, index)
    assert isinstance(outcome, Escalation) and outcome.urgency is Urgency.emergency
    card = outcome_card(real_kb, outcome, "112")
    assert "112" in card.body
    headings = [s.heading for s in card.sections]
    assert headings == ["Why", *CARE_HEADINGS]  # no tips, no stretches
    assert card.footer == real_kb.meta.urgent_reminder
    assert "training" not in card.footer  # no back-to-training line on an emergency


def _screens(kb):
    """Every safety screen, each reached by a shortest all-clear path (breadth first)."""
    steps = []
    for node_id, path in paths_to_nodes(kb).items():
        if kb.node(node_id).kind == "red_flags":
            step = engine.current(kb, FlowState(path))
            assert isinstance(step, Step) and step.node.id == node_id
            steps.append(step)
    assert len(steps) >= 4
    return steps


def _all_signs(kb):
    return [flag for n in kb.nodes for flag in n.flags] + list(kb.signs)


def _reported(kb, sign_id: str):
    """Report ``sign_id`` by the first answer that carries it, then answer all-clear to the end
    of the screening; returns the outcome."""
    paths = paths_to_nodes(kb)
    for node in kb.nodes:
        for index, answer in enumerate(node.answers):
            if answer.sign == sign_id and node.id in paths:
                state = FlowState(paths[node.id])
                position = (
                    engine.check(kb, state, [index])
                    if node.kind == "checklist"
                    else engine.answer(kb, state, index)
                )
                while isinstance(position, Step) and not position.node.advice:
                    position = all_clear(kb, position)
                return position
    raise AssertionError(f"no answer reports {sign_id}")


def test_every_red_flag_escalates_with_its_urgency(real_kb) -> None:
    seen = 0
    for screen in _screens(real_kb):
        for index, flag in enumerate(screen.node.flags):
            outcome = engine.tap_flag(real_kb, screen.state, index)
            if isinstance(outcome, Step):  # a toggle: continue to see the answer
                outcome = engine.proceed(real_kb, outcome.state)
            assert isinstance(outcome, Escalation), flag.id
            assert outcome.urgency is flag.urgency
            card = outcome_card(real_kb, outcome, "112")
            assert flag.explain in "\n".join(card.sections[0].lines)
            assert card.footer and card.finished
            care = list(CARE_HEADINGS)
            if flag.urgency is Urgency.soon:
                care.insert(2, "Meanwhile")
            assert [s.heading for s in card.sections] == ["Why", *care]
            # What to tell them: the sign in the member's own plain words.
            assert flag.text in "\n".join(card.sections[1].lines)
            # The number to call is named in words, on this card.
            assert "112" in "\n".join(card.sections[-1].lines)
            seen += 1
    assert seen >= 28


def test_every_sign_an_answer_reports_escalates_before_any_advice(real_kb) -> None:
    reported = {a.sign for n in real_kb.nodes for a in n.answers if a.sign}
    assert len(reported) >= 20
    for sign_id in reported:
        flag = real_kb.sign(sign_id)
        outcome = _reported(real_kb, sign_id)
        assert isinstance(outcome, Escalation), sign_id
        assert flag in outcome.flags and outcome.urgency is flag.urgency, sign_id
        card = outcome_card(real_kb, outcome, "112")
        assert flag.explain in "\n".join(card.sections[0].lines)
        assert not {"What to try", "Stretches that fit"} & {s.heading for s in card.sections}


def test_first_screen_is_all_emergencies_and_covers_the_guideline_signs(real_kb) -> None:
    first = engine.current(real_kb, engine.start())
    assert all(flag.urgency is Urgency.emergency for flag in first.node.flags)
    ids = {flag.id for flag in _all_signs(real_kb)}
    for required in (
        "saddle_numbness",
        "bladder_bowel",
        "sexual_function",
        "both_legs",
        "leg_weakness",
        "exercise_chest",
        "tearing_pain",
        "crash_trauma",
        "dark_urine",
        "sepsis_signs",
        "fever_unwell",
        "fever_risk",
        "blood_in_urine",
        "side_to_groin",
        "cancer_history",
        "crash_any_pain",
        "sudden_bone_pain",
        "bone_stress_no_weight",
        "pain_below_knee",
        "weight_loss",
        "night_rest_pain",
        "getting_worse",
        "bone_risk",
        "inflammatory_pattern",
        "long_or_worsening",
        "age_first_episode",
        "bone_stress",
        "minor_fall",
        "preg_bleeding",
        "preg_fluid",
        "preg_contractions",
        "preg_movements",
        "arm_weakness",
        "neck_cord_signs",
        "neck_surgery",
        "recurring",
    ):
        assert required in ids, required


def test_cauda_equina_and_leg_signs_are_asked_one_question_at_a_time(real_kb) -> None:
    """A member who taps "None of these" on the first screen is still asked, one question each,
    about both legs, heel/toe walking, and bladder, bowel, saddle and sexual function."""
    reported = {a.sign for n in real_kb.nodes for a in n.answers if a.sign}
    for sign_id in ("both_legs", "leg_weakness", "bladder_bowel", "saddle_numbness"):
        assert sign_id in reported, sign_id
    low_back = answer_by_labels(real_kb, [NONE, "16 or over", "Low back"])
    # Bladder, bowel, saddle and sexual function straight after where it hurts (the emergency
    # follow-up comes as early as the flow allows), then the legs.
    assert isinstance(low_back, Step) and low_back.node.id == "ces_check"
    assert low_back.node.kind == "question"
    legs = answer_by_labels(real_kb, [NONE, "16 or over", "Low back", "No, all normal"])
    assert isinstance(legs, Step) and legs.node.id == "leg_symptoms"
    buttock = answer_by_labels(real_kb, [NONE, "16 or over", "Buttock or hip"])
    assert isinstance(buttock, Step) and buttock.node.id == "ces_check"


def test_screens_go_from_most_to_least_urgent(real_kb) -> None:
    """A tick ends the check, so along the low-back screens no later screen holds a more urgent
    sign; screens after the first collect ticks of one urgency (and emergency screens)."""
    order = ["red_flags", "warning_signs", "general_signs"]
    worst = [max(f.urgency.rank for f in real_kb.node(n).flags) for n in order]
    assert worst == sorted(worst, reverse=True)
    for screen in _screens(real_kb)[1:]:
        assert len({flag.urgency for flag in screen.node.flags}) == 1, screen.node.id


def test_every_flag_button_fits_with_its_number_and_tick(real_kb) -> None:
    for screen in _screens(real_kb):
        for index, flag in enumerate(screen.node.flags):
            assert len(f"☑ {index + 1}. {flag.label}") <= 80, flag.id
            assert len(flag.label) <= 70, flag.id


def test_each_sign_has_its_own_explanation(real_kb) -> None:
    explains = [flag.explain for flag in _all_signs(real_kb)]
    assert len(explains) == len(set(explains))
    blood_vessel = [flag.id for flag in _all_signs(real_kb) if "blood vessel" in flag.explain]
    assert blood_vessel == ["tearing_pain"]


def test_one_weak_flag_is_soon_but_two_together_are_same_day(real_kb) -> None:
    adding_up = [s for s in _screens(real_kb) if s.node.escalate_together]
    assert adding_up
    for screen in adding_up:
        soon = [
            i for i, f in enumerate(screen.node.flags) if f.urgency is Urgency.soon and not f.alone
        ]
        assert len(soon) >= 2
        for a, b in itertools.combinations(soon, 2):
            ticks = (1 << a) | (1 << b)
            outcome = engine.proceed(real_kb, FlowState(screen.state.path, ticks))
            assert outcome.urgency is Urgency.same_day and outcome.combined


def test_stable_long_standing_patterns_stay_routine(real_kb) -> None:
    """NG59/NG65: one-leg sciatica or morning stiffness for over 6 weeks is a routine referral."""
    sciatica_long = answer_by_labels(
        real_kb,
        [
            *SAFE[:4],
            "One leg, past the knee",
            "Both were fine",
            *SAFE[5:8],
            "Over 6 weeks, not clearly better",
        ],
    )
    assert isinstance(sciatica_long, Escalation)
    assert {f.id for f in sciatica_long.flags} == {"pain_below_knee", "long_or_worsening"}
    assert sciatica_long.urgency is Urgency.soon and not sciatica_long.combined
    (screen,) = [s for s in _screens(real_kb) if s.node.id == "general_signs"]
    ids = [flag.id for flag in screen.node.flags]
    alone = [i for i, f in enumerate(screen.node.flags) if f.alone]
    assert {ids[i] for i in alone} == {"inflammatory_pattern", "bone_stress"}
    for a in alone:
        for b in range(len(ids)):
            if a != b:
                ticks = (1 << a) | (1 << b)
                outcome = engine.proceed(real_kb, FlowState(screen.state.path, ticks))
                assert isinstance(outcome, Escalation)
                assert outcome.urgency is Urgency.soon and not outcome.combined, (a, b)


def test_already_checked_and_unchanged_gives_self_care_with_when_to_go_back(real_kb) -> None:
    """One answer on the duration screen says "checked by a doctor or physio, unchanged": it sets
    `assessed`, which waives the see-soon signs that allow it, and adds when to go back."""
    checked_label = "Over 6 weeks or recurring, checked by a doctor or physio, unchanged"
    tail = [
        "Only on runs, no ride before",
        "It comes on in training + Shoes fairly new and broken in",
        "Keeping up my stretching + Regular core or back strength work",
    ]
    checked = answer_by_labels(real_kb, [*SAFE[:8], checked_label, *tail])
    assert isinstance(checked, Result)
    assert "assessed" in checked.facts
    assert "assessed" in {note.id for note in checked.notes}
    sciatica = [*SAFE[:4], "One leg, past the knee", "Both were fine", *SAFE[5:8]]
    checked_leg = answer_by_labels(real_kb, [*sciatica, checked_label, *tail])
    assert isinstance(checked_leg, Result)
    assert [f.id for f in checked_leg.waived] == ["pain_below_knee"]
    not_checked_answers = (
        "Over 6 weeks, not clearly better",
        "It keeps coming back despite changes I made",
        "Checked before, but it has changed since",
    )
    for not_checked in not_checked_answers:
        changed = answer_by_labels(real_kb, [*SAFE[:8], not_checked])
        assert isinstance(changed, Escalation) and changed.urgency is Urgency.soon
        # the sciatica pattern still counts when the pain was not checked
        leg = answer_by_labels(real_kb, [*sciatica, not_checked])
        assert isinstance(leg, Escalation) and "pain_below_knee" in {f.id for f in leg.flags}


def test_scope_exits(real_kb) -> None:
    elsewhere = answer_by_labels(real_kb, [*SAFE[:2], "Somewhere else (knee, foot…)"])
    assert isinstance(elsewhere, ShortEnding) and elsewhere.ending.urgency is None
    child = answer_by_labels(real_kb, [NONE, "Under 16"])
    assert isinstance(child, ShortEnding) and child.ending.urgency is Urgency.soon
    assert "16" in outcome_card(real_kb, child, "112").body
    first = engine.current(real_kb, engine.start())
    index = [flag.id for flag in first.node.flags].index("exercise_chest")
    chest = engine.tap_flag(real_kb, first.state, index)
    assert isinstance(chest, Escalation) and chest.urgency is Urgency.emergency
    card = outcome_card(real_kb, chest, "112")
    assert "112" in card.body and card.footer


def test_every_path_ends_with_the_reminder_and_never_diagnoses(real_kb) -> None:
    count = 0
    for state, outcome in all_paths(real_kb):
        card = outcome_card(real_kb, outcome, "112")
        assert card.footer == reminder_for(real_kb, outcome), state
        if isinstance(outcome, Result) or getattr(outcome, "urgency", None) is Urgency.soon:
            assert card.footer == real_kb.meta.professional_reminder, state
        text = " ".join([card.title, card.body, *(line for s in card.sections for line in s.lines)])
        assert not DIAGNOSIS.search(text), (state, DIAGNOSIS.search(text))
        assert not any(unit in text.lower() for unit in (" mg", "milligram", "ibuprofen")), state
        if isinstance(outcome, Result):
            assert 8 <= taps(real_kb, state.path) <= MAX_TAPS, state  # incl. safety screens
            assert len(outcome.contributors) <= real_kb.meta.max_contributors
            for ranked in outcome.contributors:
                assert ranked.reasons, (state, ranked.contributor.id)
            items = [r.contributor for r in outcome.contributors]
            for item in [*items, *outcome.tips, *outcome.stretches]:
                assert allowed(item, outcome.facts), (state, item.id, outcome.facts)
            notes = {note.id for note in outcome.notes}
            assert {"ng59_basics", "ces_safety_net"} <= notes, state
            said = {a.why for n in real_kb.nodes for a in n.answers if a.why}
            assert all(set(r.reasons) <= said for r in outcome.contributors)
        count += 1
    assert count > 1000


@pytest.mark.parametrize("focus", ["after_ride", "before_run", "lower_back", "hips", "aero_neck"])
def test_every_focus_has_moves(real_kb, focus: str) -> None:
    assert sum(focus in s.focus for s in real_kb.stretches) >= 3


def test_urgent_answers_close_with_the_urgent_reminder(real_kb) -> None:
    both_legs = answer_by_labels(real_kb, [*SAFE[:4], "Both legs"])
    assert isinstance(both_legs, Escalation) and both_legs.urgency is Urgency.emergency
    assert outcome_card(real_kb, both_legs, "112").footer == real_kb.meta.urgent_reminder
    first = engine.current(real_kb, engine.start())
    emergency = engine.tap_flag(real_kb, first.state, 0)
    assert outcome_card(real_kb, emergency, "112").footer == real_kb.meta.urgent_reminder
    assert "physiotherapist" not in real_kb.meta.urgent_reminder.split(".")[1]


def test_each_warning_screen_heading_says_what_a_tap_does(real_kb: Knowledge) -> None:
    """An emergency-only screen answers on the first tap, so it must not say "tick all"."""
    from t2bot.triage.cards import EMERGENCY_FLAGS_HEADING, FLAGS_HEADING, step_card

    screens = [n for n in real_kb.nodes if n.kind == "red_flags"]
    assert screens
    for node in screens:
        step = engine.Step(node, engine.FlowState(""), 1)
        headings = [s.heading for s in step_card(real_kb, step, "112").sections]
        emergency_only = all(f.urgency is Urgency.emergency for f in node.flags)
        expected = EMERGENCY_FLAGS_HEADING if emergency_only else FLAGS_HEADING
        assert headings[0] == expected, node.id
    assert any(all(f.urgency is Urgency.emergency for f in n.flags) for n in screens)


def test_facts_filter_every_item(real_kb: Knowledge) -> None:
    """For every fact an item needs or excludes, the ranked answer leaves the item out when the
    member's answers contradict it (a road rider gets no aero tip, a pregnant member no
    lying-on-back move), whatever points the contributor got."""
    from t2bot.knowledge.model import Answer, Node

    points = {c.id: 9 for c in real_kb.contributors}
    node = Node(id="probe", kind="question", text="probe", sources=["nice_ng59"])
    probe = Answer(label="probe", end="result", weights=points, why="probe")
    facts_used = {
        f
        for item in [*real_kb.contributors, *real_kb.tips, *real_kb.stretches]
        for f in (*item.needs, *item.excludes)
    }
    assert {"aero", "rides", "runs", "pregnant", "tapering"} <= facts_used
    checked = 0
    for facts in [frozenset(), *(frozenset({f}) for f in facts_used), frozenset(facts_used)]:
        result = engine.rank(real_kb, [(node, probe)], "", facts)
        for item in [
            *(r.contributor for r in result.contributors),
            *result.tips,
            *result.stretches,
        ]:
            assert allowed(item, facts), (facts, item.id)
            checked += 1
    assert checked > 20
    pregnant = engine.rank(real_kb, [(node, probe)], "", frozenset({"pregnant"}))
    assert "pregnancy" in {note.id for note in pregnant.notes}
    road = engine.rank(real_kb, [(node, probe)], "", frozenset({"rides", "runs", "no_aero"}))
    assert "not_aero_adapted" not in ranked_ids(road)
