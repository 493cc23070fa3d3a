"""Every answer of the real flow fits Discord: embed sizes, fields and buttons."""

from __future__ import annotations

import re

import pytest

from cogs.triage import Triage
from t2bot.triage import engine
from t2bot.triage.cards import PAGES, outcome_card, page_card, reminder_for, step_card
from t2bot.triage.engine import FlowState, Result, Step
from t2discord.ui_kit import COLOUR_BY_URGENCY, embed_from_card
from tests.t2bot.triage.flow_walk import all_paths

MEMBER = 2**63 - 1  # the longest member id in a custom_id
LONG_NUMBER = "112 (Europe), 911 (US/Canada) or 999 (UK)"


def check_message(embed, view) -> None:
    assert len(embed) <= 6000
    assert len(embed.fields) <= 25
    assert all(len(field.value) <= 1024 and len(field.name) <= 256 for field in embed.fields)
    assert len(embed.description or "") <= 4096
    assert len(view.children) <= 25
    for item in view.children:
        button = getattr(item, "item", item)  # DynamicItem wraps the button
        assert len(button.custom_id or "") <= 100
        assert len(button.label or "") <= 80


async def test_every_outcome_fits(real_kb) -> None:
    seen_reminder = 0
    for _state, outcome in all_paths(real_kb):
        card = outcome_card(real_kb, outcome, LONG_NUMBER)
        embed = embed_from_card(card, COLOUR_BY_URGENCY[card.urgency and card.urgency.value])
        check_message(embed, Triage.outcome_view(real_kb, MEMBER, outcome))
        assert embed.fields[-1].value == reminder_for(real_kb, outcome)
        seen_reminder += 1
    assert seen_reminder > 1000


def embed_text(embed) -> str:
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    parts += [f"{field.name}\n{field.value}" for field in embed.fields]
    return "\n".join(parts)


async def test_every_page_of_every_path_is_whole_and_fits(real_kb) -> None:
    """Each page of each finished check, as sent: inside every Discord limit, no cut marker,
    and every tip, contributor summary and stretch of the answer there in full. The clinician
    page differs with every path; the others once per distinct answer (same words)."""
    seen: set[tuple] = set()
    pages = 0
    for _state, outcome in all_paths(real_kb):
        if not isinstance(outcome, Result):
            continue
        clinician = embed_text(embed_from_card(page_card(real_kb, outcome, "clinician", "112")))
        assert "…" not in clinician and "..." not in clinician, outcome.path
        pages += 1
        key = (
            tuple((r.contributor.id, r.reasons) for r in outcome.contributors),
            tuple(t.id for t in outcome.tips),
            tuple(s.id for s in outcome.stretches),
        )
        if key in seen:
            continue
        seen.add(key)
        texts = {}
        for index, page in enumerate(PAGES):
            embed = embed_from_card(page_card(real_kb, outcome, page, LONG_NUMBER))
            check_message(embed, Triage.outcome_view(real_kb, MEMBER, outcome, index))
            texts[page] = embed_text(embed)
            assert "…" not in texts[page] and "..." not in texts[page], (outcome.path, page)
            # No nested bullets ("• What to try: • ...").
            assert not re.search(r"•[^\n]*•", texts[page]), (outcome.path, page)
            pages += 1
        assert all(tip.text in texts["tips"] for tip in outcome.tips), outcome.path
        assert all(r.contributor.summary in texts["why"] for r in outcome.contributors)
        assert all(s.name in texts["stretches"] for s in outcome.stretches)
        assert "](http" in texts["sources"] and "](http" not in texts["summary"]
        # No note twice on one answer.
        notes = [t.evidence_note for t in outcome.tips if t.evidence_note]
        notes += [r.contributor.evidence_note for r in outcome.contributors]
        whole = "\n".join(text for page, text in texts.items() if page != "clinician")
        assert all(whole.count(note) <= 1 for note in notes if note), outcome.path
    assert len(seen) > 500 and pages > 10_000


async def test_every_screen_fits_with_all_signs_ticked(real_kb) -> None:
    first = engine.current(real_kb, engine.start())
    second = engine.proceed(real_kb, first.state)
    for screen in (first, second):
        ticks = (1 << len(screen.node.flags)) - 1
        steps = [screen, Step(screen.node, FlowState(screen.state.path, ticks), screen.number)]
        for step in steps:
            embed = embed_from_card(step_card(real_kb, step, LONG_NUMBER), COLOUR_BY_URGENCY[None])
            check_message(embed, Triage.step_view(real_kb, MEMBER, step))


async def test_an_oversized_card_is_refused_never_cut(real_kb) -> None:
    from t2bot.triage.cards import Card, Section
    from t2discord.ui_kit import CardTooLong

    huge = Card(
        "T",
        "x" * 5000,
        tuple(Section(f"S{i}", ("y" * 2000,)) for i in range(30)),
        footer=real_kb.meta.professional_reminder,
    )
    with pytest.raises(CardTooLong):
        embed_from_card(huge, COLOUR_BY_URGENCY[None])


async def test_members_never_read_of_the_thread_or_a_screen_they_no_longer_see(real_kb) -> None:
    """Words for members: "clubs often believe", never "the thread" or "club thread posts";
    no pointer to "the first screen" on a message that has replaced it."""
    texts = []
    for _state, outcome in all_paths(real_kb):
        if isinstance(outcome, Result):
            texts += [page_card(real_kb, outcome, page, "112").text() for page in PAGES]
            break
    for contributor in real_kb.contributors:
        texts += [contributor.summary, contributor.evidence_note or ""]
    texts += [tip.text + (tip.evidence_note or "") for tip in real_kb.tips]
    texts += [flag.explain for node in real_kb.nodes for flag in node.flags]
    for text in texts:
        lowered = text.lower()
        assert "the thread" not in lowered and "thread post" not in lowered, text
        assert "first screen" not in lowered, text
