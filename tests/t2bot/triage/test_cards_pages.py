"""The pages of a finished check (issue 10): the Summary fits one phone screen on every path,
the clinician summary is rebuilt from the path, escalations say what to do in words."""

from __future__ import annotations

import statistics
from collections.abc import Iterator

from t2bot.knowledge.model import Knowledge, Urgency
from t2bot.triage import engine
from t2bot.triage.answers import plain_text, summarize
from t2bot.triage.cards import PAGES, outcome_card, page_card
from t2bot.triage.engine import Escalation, FlowState, Result, Step
from tests.t2bot.triage.flow_walk import all_paths

#: One phone screen: about 600 characters of text above the reminder, never more than this.
SUMMARY_MOST = 800
SUMMARY_TYPICAL = 650


def results(kb: Knowledge) -> Iterator[Result]:
    return (outcome for _state, outcome in all_paths(kb) if isinstance(outcome, Result))


def test_every_summary_is_one_phone_screen_with_the_safety_net(real_kb: Knowledge) -> None:
    sizes = []
    for result in results(real_kb):
        card = page_card(real_kb, result, "summary", "112")
        sizes.append(len(card.body))
        assert len(card.body) <= SUMMARY_MOST, result.path
        assert real_kb.meta.words.safety_net in card.body
        assert card.footer == real_kb.meta.professional_reminder
        assert "](" not in card.body and "http" not in card.body  # sources only on Sources
        assert not card.sections  # one block of text, no fields to scroll
    assert statistics.median(sizes) <= SUMMARY_TYPICAL


def test_the_clinician_summary_replays_the_path(real_kb: Knowledge) -> None:
    result = next(results(real_kb))
    summary = summarize(real_kb, result)
    # One answer per question screen, in order, as labels the member tapped.
    # (A checklist screen's answer is its bitmask in engine.checklist_width digits.)
    position = engine.current(real_kb, FlowState())
    answered = []
    rest, screens = result.path, 0
    while rest:
        assert isinstance(position, Step)
        node = position.node
        width = engine.checklist_width(len(node.answers)) if node.kind == "checklist" else 1
        digits, rest = rest[:width], rest[width:]
        if node.kind == "question":
            answered.append(node.answers[int(digits, 36)].label)
        elif node.kind == "checklist":
            mask = int(digits, 36)
            picked = [a.label for i, a in enumerate(node.answers) if mask >> i & 1]
            answered.append("; ".join(picked))
        else:
            screens += 1
        position = engine.current(real_kb, FlowState(position.state.path + digits))
    assert [answer for _q, answer in summary.answered] == answered
    assert 1 <= len(summary.ruled_out) <= screens
    copy = plain_text(real_kb, summary)
    assert all(answer in copy for answer in answered)
    card = page_card(real_kb, result, "clinician", "112")
    assert f"```text\n{copy}\n```" in card.body


def test_urgent_answers_have_no_back_to_training_line(real_kb: Knowledge) -> None:
    first = engine.current(real_kb, engine.start())
    for index in range(len(first.node.flags)):
        outcome = engine.tap_flag(real_kb, first.state, index)
        assert isinstance(outcome, Escalation)
        card = outcome_card(real_kb, outcome, "112")
        assert "training" not in card.footer.lower()
        text = card.text()
        assert "112" in text.split("When to call the emergency number", 1)[1]
        assert outcome.flags[0].text in text  # what to tell them, in plain words
        assert outcome.urgency is Urgency.emergency


def test_each_page_has_its_own_title_and_the_reminder(real_kb: Knowledge) -> None:
    result = next(results(real_kb))
    titles = {page_card(real_kb, result, page, "112").title for page in PAGES}
    assert len(titles) == len(PAGES)
    assert all(
        page_card(real_kb, result, page, "112").footer == real_kb.meta.professional_reminder
        for page in PAGES
    )


def _ticking_everything(kb: Knowledge, seed: int) -> Iterator[Result]:
    """Members who tick every option that fits them on each checklist (at most one of a group
    of alternatives), with varied answers elsewhere: the longest answers a result can have.
    The all-paths walk samples large checklists in pairs, so these paths need their own test."""
    import random

    from t2bot.triage import actions

    rng = random.Random(seed)
    for _ in range(120):
        position = engine.current(kb, engine.start())
        while isinstance(position, Step):
            node = position.node
            if node.kind == "red_flags":
                move = actions.GO
            elif node.kind == "checklist":
                picked: list[int] = []
                groups: set[str] = set()
                for i, answer in enumerate(node.answers):
                    group = getattr(answer, "one_of", None)
                    if answer.exclusive or answer.sign or group in groups:
                        continue
                    if group is not None:
                        groups.add(group)
                    picked.append(i)
                move = actions.check(picked)
            else:
                calm = [
                    i
                    for i, a in enumerate(node.answers)
                    if not a.sign and (a.end in (None, "result"))
                ]
                move = actions.answer(rng.choice(calm or [0]))
            position = actions.apply(kb, position.state, move)
        if isinstance(position, Result):
            yield position


def test_pages_fit_when_a_member_ticks_everything(real_kb: Knowledge) -> None:
    from t2bot.render.card import cut_marks, problems

    seen = 0
    for result in _ticking_everything(real_kb, seed=9):
        seen += 1
        for page in PAGES:
            card = page_card(real_kb, result, page, "112")
            assert not problems(card) and not cut_marks(card), (page, problems(card))
        clinician = page_card(real_kb, result, "clinician", "112").text()
        summary = summarize(real_kb, result)
        for _question, answer in summary.answered:  # every answer is there, whichever layout
            for label in answer.split("; "):
                assert label in clinician
    assert seen >= 50
