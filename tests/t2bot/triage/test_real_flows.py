"""The real knowledge: the thread's riders, every red flag, and every path's answer."""

from __future__ import annotations

import itertools
import re

import pytest

from t2bot.knowledge.model import Knowledge, Urgency
from t2bot.triage import engine
from t2bot.triage.cards import outcome_card, reminder_for
from t2bot.triage.engine import Escalation, FlowState, Result, ShortEnding, Step
from tests.t2bot.triage.flow_walk import NONE, all_paths, answer_by_labels

SAFE = [NONE, NONE, NONE, NONE]  # emergency, same-day, see-soon (adding up), pattern screens
OP = [
    *SAFE,
    "Low back, linked to training",
    "Aero, but I rarely train aero",
    "Longest ever in aero",
    "Had a pro bike fit",
    "Neck and shoulders sore",
    "Bricks often · shoes fine",
    "Stretching less than before",
    "None of these",
]
AGGRESSIVE = [
    *SAFE,
    "Low back, linked to training",
    "Aero, I train aero a lot",
    "About my usual or less",
    "Very low, aggressive front end",
    "Low back ached on the bike",
    "Bricks often · shoes fine",
    "Keeping up both as usual",
    "None of these",
]
LOAD_JUMP = [
    *SAFE,
    "Low back, linked to training",
    "No ride, pain on runs alone",
    "Much longer than ever",
    "Fairly new, broken in",
    "Keeping up both as usual",
    "Weekly training jumped",
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
    assert len(OP) <= 12


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
    """Every safety screen, in order, reached by passing the earlier ones with "none"."""
    screens = [engine.current(kb, engine.start())]
    while True:
        following = engine.proceed(kb, screens[-1].state)
        if not (isinstance(following, Step) and following.node.kind == "red_flags"):
            break
        screens.append(following)
    assert len(screens) >= 2
    return screens


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


def test_first_screen_is_all_emergencies_and_covers_the_guideline_signs(real_kb) -> None:
    screens = _screens(real_kb)
    assert all(flag.urgency is Urgency.emergency for flag in screens[0].node.flags)
    ids = {flag.id for screen in screens for flag in screen.node.flags}
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
    ):
        assert required in ids


def test_screens_go_from_most_to_least_urgent(real_kb) -> None:
    """A tick ends the check, so a later screen must never hold a more urgent sign."""
    worst = [max(f.urgency.rank for f in s.node.flags) for s in _screens(real_kb)]
    assert worst == sorted(worst, reverse=True)
    for screen in _screens(real_kb)[1:]:
        # the first screen ends on one tap; later screens collect ticks of one urgency
        assert len({flag.urgency for flag in screen.node.flags}) == 1, screen.node.id


def test_every_flag_button_fits_with_its_number_and_tick(real_kb) -> None:
    for screen in _screens(real_kb):
        for index, flag in enumerate(screen.node.flags):
            assert len(f"☑ {index + 1}. {flag.label}") <= 80, flag.id
            assert len(flag.label) <= 70, flag.id


def test_each_sign_has_its_own_explanation(real_kb) -> None:
    explains = [flag.explain for screen in _screens(real_kb) for flag in screen.node.flags]
    assert len(explains) == len(set(explains))
    blood_vessel = [
        flag.id
        for screen in _screens(real_kb)
        for flag in screen.node.flags
        if "blood vessel" in flag.explain
    ]
    assert blood_vessel == ["tearing_pain"]


def test_one_weak_flag_is_soon_but_two_together_are_same_day(real_kb) -> None:
    adding_up = [s for s in _screens(real_kb) if s.node.escalate_together]
    assert adding_up
    for screen in adding_up:
        soon = [i for i, f in enumerate(screen.node.flags) if f.urgency is Urgency.soon]
        assert len(soon) >= 2
        for a, b in itertools.combinations(soon, 2):
            ticks = (1 << a) | (1 << b)
            outcome = engine.proceed(real_kb, FlowState(screen.state.path, ticks))
            assert outcome.urgency is Urgency.same_day and outcome.combined


def test_stable_long_standing_patterns_stay_routine(real_kb) -> None:
    """NG59/NG65: one-leg sciatica or morning stiffness for over 6 weeks is a routine referral."""
    (pattern,) = [s for s in _screens(real_kb) if s.node.id == "pattern_signs"]
    assert pattern.node.escalate_together is None
    ids = [flag.id for flag in pattern.node.flags]
    for pair in (
        ("pain_below_knee", "long_or_worsening"),
        ("inflammatory_pattern", "long_or_worsening"),
    ):
        ticks = sum(1 << ids.index(flag_id) for flag_id in pair)
        outcome = engine.proceed(real_kb, FlowState(pattern.state.path, ticks))
        assert isinstance(outcome, Escalation)
        assert outcome.urgency is Urgency.soon and not outcome.combined


def test_scope_exits(real_kb) -> None:
    elsewhere = answer_by_labels(real_kb, [*SAFE, "Mainly elsewhere (knee, hip…)"])
    assert isinstance(elsewhere, ShortEnding) and elsewhere.ending.urgency is None
    chest = answer_by_labels(real_kb, [*SAFE, "Chest pain, breathless, faint"])
    assert isinstance(chest, ShortEnding) and chest.ending.urgency is Urgency.emergency
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
            assert 8 <= len(state.path) <= 12, state  # taps including the red-flag screens
            assert len(outcome.contributors) <= real_kb.meta.max_contributors
            for ranked in outcome.contributors:
                assert ranked.reasons, (state, ranked.contributor.id)
        count += 1
    assert count > 1000


@pytest.mark.parametrize("focus", ["after_ride", "before_run", "lower_back", "hips", "aero_neck"])
def test_every_focus_has_moves(real_kb, focus: str) -> None:
    assert sum(focus in s.focus for s in real_kb.stretches) >= 3


def test_urgent_answers_close_with_the_urgent_reminder(real_kb) -> None:
    chest = answer_by_labels(real_kb, [*SAFE, "Chest pain, breathless, faint"])
    assert outcome_card(real_kb, chest, "112").footer == real_kb.meta.urgent_reminder
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
