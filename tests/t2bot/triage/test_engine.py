"""The flow engine on the fixture knowledge: red flags, paths, Back, tampered states."""

from __future__ import annotations

import pytest

from t2bot.knowledge.model import Urgency
from t2bot.triage import engine
from t2bot.triage.cards import outcome_card
from t2bot.triage.engine import Escalation, FlowError, FlowState, Result, ShortEnding, Step


def test_starts_on_the_emergency_screen(mini_kb) -> None:
    step = engine.current(mini_kb, engine.start())
    assert isinstance(step, Step) and step.node.id == "urgent_signs" and step.number == 1


def test_emergency_sign_ends_at_once_without_tips(mini_kb) -> None:
    outcome = engine.tap_flag(mini_kb, FlowState(), 0)
    assert isinstance(outcome, Escalation) and outcome.urgency is Urgency.emergency
    card = outcome_card(mini_kb, outcome, "112")
    assert "Call 112 now." in card.body
    headings = [s.heading for s in card.sections]
    assert headings == ["Why"]  # no tips, no stretches
    assert card.footer == mini_kb.meta.urgent_reminder


def test_same_day_sign(mini_kb) -> None:
    step = engine.proceed(mini_kb, FlowState())
    ticked = engine.tap_flag(mini_kb, step.state, 0)
    assert isinstance(ticked, Step) and ticked.ticked == [0]
    outcome = engine.proceed(mini_kb, ticked.state)
    assert isinstance(outcome, Escalation) and outcome.urgency is Urgency.same_day
    assert [s.heading for s in outcome_card(mini_kb, outcome, "112").sections] == ["Why"]


def test_one_soon_sign_leads_with_referral_and_stays_active(mini_kb) -> None:
    outcome = engine.proceed(mini_kb, FlowState("0", 0b010))
    assert isinstance(outcome, Escalation) and outcome.urgency is Urgency.soon
    card = outcome_card(mini_kb, outcome, "112")
    assert card.body.strip("*").startswith("See a doctor within a few days")
    assert [s.heading for s in card.sections] == ["Why", "Meanwhile"]
    assert card.sections[1].lines == (mini_kb.meta.stay_active_until_seen,)


def test_two_soon_signs_together_mean_same_day(mini_kb) -> None:
    outcome = engine.proceed(mini_kb, FlowState("0", 0b110))
    assert isinstance(outcome, Escalation)
    assert outcome.urgency is Urgency.same_day and outcome.combined


def test_untick_by_tapping_again(mini_kb) -> None:
    once = engine.tap_flag(mini_kb, FlowState("0"), 1)
    twice = engine.tap_flag(mini_kb, once.state, 1)
    assert twice.state == FlowState("0", 0)


def test_full_path_ranks_with_reasons(mini_kb) -> None:
    outcome = engine.current(mini_kb, FlowState("00" + "0" + "0" + "0"))
    assert isinstance(outcome, Result)
    assert [r.contributor.id for r in outcome.contributors] == ["not_aero_adapted", "worn_shoes"]
    assert outcome.contributors[0].reasons == ("longest time in aero",)
    assert [t.id for t in outcome.tips] == ["acclimate", "new_shoes"]
    assert outcome_card(mini_kb, outcome, "112").footer == mini_kb.meta.professional_reminder


def test_nothing_stands_out_is_said_honestly(mini_kb) -> None:
    outcome = engine.current(mini_kb, FlowState("00011"))
    assert isinstance(outcome, Result) and outcome.nothing_stands_out
    card = outcome_card(mini_kb, outcome, "112")
    assert card.body.startswith(mini_kb.meta.nothing_stands_out)
    assert [t.id for t in outcome.tips] == ["stay_active"]


def test_out_of_scope_and_exercise_chest_pain(mini_kb) -> None:
    out = engine.current(mini_kb, FlowState("001"))
    assert isinstance(out, ShortEnding) and out.ending.urgency is None
    chest = engine.current(mini_kb, FlowState("002"))
    assert isinstance(chest, ShortEnding) and chest.ending.urgency is Urgency.emergency
    assert "Call 112 now." in outcome_card(mini_kb, chest, "112").body


def test_back_steps_and_unticks(mini_kb) -> None:
    step = engine.back(mini_kb, FlowState("0000"))
    assert isinstance(step, Step) and step.node.id == "aero"
    unticked = engine.back(mini_kb, FlowState("0", 0b1))
    assert unticked.state == FlowState("0", 0) and unticked.node.id == "other_signs"
    assert engine.back(mini_kb, FlowState()).state == FlowState()


@pytest.mark.parametrize(
    "state",
    [
        FlowState("9"),  # red-flag screens are passed with 0 only
        FlowState("005"),  # no answer 5
        FlowState("000000"),  # past the end
        FlowState("00", 0b1000),  # a tick the screen does not have
        FlowState("000", 1),  # ticks on a question
        FlowState("0A"),  # not a path digit
    ],
)
def test_tampered_states_are_refused(mini_kb, state: FlowState) -> None:
    with pytest.raises(FlowError):
        engine.current(mini_kb, state)


def test_actions_on_a_finished_flow_are_refused(mini_kb) -> None:
    with pytest.raises(FlowError):
        engine.answer(mini_kb, FlowState("00000"), 0)
    with pytest.raises(FlowError):
        engine.tap_flag(mini_kb, FlowState("00"), 0)  # a question, not a red-flag screen
