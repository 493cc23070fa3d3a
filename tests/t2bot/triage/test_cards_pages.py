"""The pages of a finished check (issue 10): the Summary fits one phone screen on every path,
the clinician summary is rebuilt from the path, escalations say what to do in words."""

from __future__ import annotations

import statistics
from collections.abc import Iterator

from t2bot.knowledge.model import Contributor, Knowledge, Tip, Urgency, allowed
from t2bot.triage import engine
from t2bot.triage.answers import plain_text, summarize
from t2bot.triage.cards import PAGES, first_sentence, outcome_card, page_card, summary_tips
from t2bot.triage.engine import (
    MAX_STRETCHES,
    MAX_TIPS,
    RESULT,
    Escalation,
    FlowState,
    RankedContributor,
    Result,
    Step,
)
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
                if not picked:  # every option reports a sign: "None of these"
                    picked = [i for i, a in enumerate(node.answers) if a.exclusive][:1]
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


Route = tuple[frozenset[str], frozenset[str]]
"""The facts a path to a ranked result declares, and the screens it answers from its first
``advice`` question on (the only answers that carry points and reasons)."""


def _result_routes(kb: Knowledge) -> set[Route]:
    """Every (facts, cause screens) a path to a ranked result can have: exact, as a checklist's
    combinations are grouped by the facts they add (``checklist_classes``)."""
    from functools import cache

    from t2bot.knowledge.summary import checklist_classes

    @cache
    def walk(node_id: str, facts: frozenset[str], causes: bool) -> frozenset[Route]:
        node = kb.node(node_id)
        causes = causes or node.advice
        here = frozenset([node_id]) if causes else frozenset()
        found: set[Route] = set()

        def leave(target: str | None, end: str | None, now: frozenset[str]) -> None:
            if target is not None:
                found.update((f, here | screens) for f, screens in walk(target, now, causes))
            elif end == RESULT:
                found.add((now, here))

        if node.kind == "red_flags":
            leave(node.next, None, facts)
        elif node.kind == "checklist":
            for _signs, new_facts, emergency in checklist_classes(kb, node):
                if not emergency:
                    leave(node.next, node.end, facts | new_facts)
        else:
            for answer in node.answers:
                leave(answer.next, answer.end, facts | frozenset(answer.sets))
        return frozenset(found)

    return set(walk(kb.start, frozenset(), False))


def _heaviest_result(kb: Knowledge, page: str, route: Route, named: bool = True) -> Result:
    """A result at least as long as any path on this route can give, for one page: of the
    contributors its screens can point to and its facts allow, those with the longest texts and
    every reason the screens can give them; the longest tips and stretches that fit; every note
    for its facts (notes depend on the facts alone). On the Sources page, every item that can
    be named. Reachable or not: a page puts these texts one after the other, so if this fits,
    every real result on the route fits, including the combinations of the large checklists
    that the all-paths walk only samples (``FULL_CHECKLIST``). ``named=False``: the result
    when nothing stands out (general tips only)."""
    facts, screens = route
    whys: dict[str, list[str]] = {}
    for node_id in screens:
        for answer in kb.node(node_id).answers:
            for cid, points in answer.weights.items():
                reasons = whys.setdefault(cid, [])
                if points > 0 and answer.why and answer.why not in reasons:
                    reasons.append(answer.why)
    longest_first = {cid: sorted(reasons, key=len, reverse=True) for cid, reasons in whys.items()}

    def weight(contributor: Contributor) -> int:
        reasons = longest_first[contributor.id]
        if page == "summary":  # the name and the first reason
            return len(contributor.name) + (len(reasons[0]) if reasons else 0)
        texts = [contributor.name, contributor.summary, contributor.evidence_note or ""]
        return sum(map(len, texts)) + sum(len(reason) + 2 for reason in reasons)

    def tip_length(tip: Tip) -> int:
        if page == "summary":
            return len(first_sentence(tip.text))
        return len(tip.text) + len(tip.evidence_note or "")

    fitting = [c for c in kb.contributors if c.id in whys and allowed(c, facts)] if named else []
    heaviest = sorted(fitting, key=weight, reverse=True)
    if page != "sources":
        heaviest = heaviest[: kb.meta.max_contributors]
    ranked = tuple(
        RankedContributor(c, 99, tuple(longest_first[c.id][: 1 if page == "summary" else None]))
        for c in heaviest
    )
    tip_ids = {t for c in fitting for t in c.tips} | {t.id for t in kb.tips if t.general}
    tips = sorted(
        (t for t in kb.tips if t.id in tip_ids and allowed(t, facts)), key=tip_length, reverse=True
    )
    if page == "summary":  # the Summary leaves out tips whose safety note must go with them
        tips = summary_tips(Result((), tuple(tips), ()))
    elif page != "sources":
        tips = tips[:MAX_TIPS]
    ids = {c.id for c in fitting}
    stretches = sorted(
        (s for s in kb.stretches if set(s.addresses) & ids and allowed(s, facts)),
        key=lambda s: len(s.name) + len(s.dose),
        reverse=True,
    )
    notes = tuple(note for note in kb.notes if engine.note_applies(note, facts))
    return Result(ranked, tuple(tips), tuple(stretches[:MAX_STRETCHES]), "", notes, facts)


def test_no_combination_of_answers_can_overfill_a_page(real_kb: Knowledge) -> None:
    """An upper bound for every path: on every route to a result, the heaviest possible result
    fits every page (Discord's limits, nothing cut), and its Summary stays within one phone
    screen. (The clinician page is rebuilt from the path and falls back to the copy alone:
    ``test_pages_fit_when_a_member_ticks_everything``.)"""
    from t2bot.render.card import cut_marks, problems

    routes = _result_routes(real_kb)
    assert len({screens for _facts, screens in routes}) >= 5  # aero, road, run, swim, neck
    longest = 0
    for route in routes:
        for page in PAGES:
            if page == "clinician":
                continue
            for named in (True, False):
                result = _heaviest_result(real_kb, page, route, named)
                card = page_card(real_kb, result, page, "112")
                assert not problems(card) and not cut_marks(card), (page, route, problems(card))
                if page == "summary":
                    longest = max(longest, len(card.body))
                    assert len(card.body) <= SUMMARY_MOST, (len(card.body), route)
    assert longest > SUMMARY_TYPICAL  # the bound is a real one, not an empty card
