"""Every answer of the real flow fits Discord: embed sizes, fields and buttons."""

from __future__ import annotations

from cogs.triage import Triage
from t2bot.triage import engine
from t2bot.triage.cards import outcome_card, reminder_for, step_card
from t2bot.triage.engine import FlowState, Step
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


async def test_every_screen_fits_with_all_signs_ticked(real_kb) -> None:
    first = engine.current(real_kb, engine.start())
    second = engine.proceed(real_kb, first.state)
    for screen in (first, second):
        ticks = (1 << len(screen.node.flags)) - 1
        steps = [screen, Step(screen.node, FlowState(screen.state.path, ticks), screen.number)]
        for step in steps:
            embed = embed_from_card(step_card(real_kb, step, LONG_NUMBER), COLOUR_BY_URGENCY[None])
            check_message(embed, Triage.step_view(real_kb, MEMBER, step))


async def test_the_reminder_survives_an_oversized_card(real_kb) -> None:
    from t2bot.triage.cards import Card, Section

    huge = Card(
        "T",
        "x" * 5000,
        tuple(Section(f"S{i}", ("y" * 2000,)) for i in range(30)),
        footer=real_kb.meta.professional_reminder,
    )
    embed = embed_from_card(huge, COLOUR_BY_URGENCY[None])
    assert len(embed) <= 6000
    assert embed.fields[-1].value == real_kb.meta.professional_reminder
