"""A checklist screen in Discord: one select menu, every option that fits, one interaction
(simcord: discord.py parses the real select payload, values and all)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import discord
import pytest
from simcord import actors as simcord_actors
from simcord.results import InteractionResult

from t2bot.triage.ids import FlowId
from tests.cogs.simcord_helpers import buttons, tap
from tests.cogs.simcord_helpers import text_of as answer_text
from tests.conftest import CHECKLIST_KNOWLEDGE


@pytest.fixture
def knowledge_source() -> Path:
    return CHECKLIST_KNOWLEDGE


@pytest.fixture
def watchdog() -> bool:
    return True


def menu(message: Any) -> dict[str, Any]:
    """The one select menu of a message (as the payload has it)."""
    found = [
        child
        for row in message.components
        for child in row.get("components", [])
        if child.get("type") == discord.ComponentType.string_select.value
    ]
    assert len(found) == 1, message.components
    return found[0]


async def to_checklist(world: Any) -> Any:
    message = (await world.alice.slash(world.channel, "backpain")).response
    for label in ("None of these", "None of these", "Lower back on the run", "Yes, by far"):
        result = await tap(world.alice, message, label)
    return result.response


async def forged_select(member: Any, message: Any, custom_id: str, values: list[str]) -> Any:
    """A select interaction as a tampered client could send it (any values)."""
    stored = member._env.backend.get_message(message.channel_id, message.id)
    data = {
        "custom_id": custom_id,
        "component_type": discord.ComponentType.string_select.value,
        "values": values,
    }
    result: InteractionResult = await simcord_actors._component_interaction(member, stored, data)
    return result


async def test_the_checklist_is_one_menu_with_every_option(world) -> None:
    message = await to_checklist(world)
    select = menu(message)
    assert select["min_values"] == 1 and select["max_values"] == 6
    assert select["placeholder"] == "Pick all that fit"
    options = select["options"]
    assert [o["label"] for o in options][:2] == ["Long rides in aero", "Old shoes"]
    assert options[1]["description"] == "More than 800 km on them"
    assert [o["value"] for o in options] == [str(i) for i in range(6)]
    assert FlowId.decode(select["custom_id"]).action == "ck"
    assert len(select["custom_id"]) <= 100
    assert [b["label"] for b in buttons(message)] == ["Back", "Start over", "Cancel"]
    assert not world.env.errors


async def test_picking_several_options_counts_each_and_is_one_tap(world) -> None:
    message = await to_checklist(world)
    await world.alice.select(message, ["0", "1"], custom_id=menu(message)["custom_id"])
    # The next screen (Shoes?) is shown on the same message.
    result = await tap(world.alice, message, "Fine")
    text = answer_text(result)
    assert "1. Not used to aero: longest time in aero" in text
    assert "2. Worn shoes: your old shoes" in text
    why = answer_text(await tap(world.alice, message, "Why"))
    assert "longest time in aero" in why and "long rides in aero" in why
    clinician = answer_text(await tap(world.alice, message, "For your clinician"))
    assert "Long rides in aero; Old shoes" in clinician
    assert not world.env.errors


async def test_an_emergency_option_ends_the_check_at_once(world) -> None:
    message = await to_checklist(world)
    result = await world.alice.select(message, ["0", "3"], custom_id=menu(message)["custom_id"])
    text = answer_text(result)
    assert "Call 112 now." in text and "What to try" not in text
    assert not world.env.errors


async def test_back_from_the_next_screen_shows_the_menu_again(world) -> None:
    message = await to_checklist(world)
    await world.alice.select(message, ["4"], custom_id=menu(message)["custom_id"])
    result = await tap(world.alice, message, "Back")
    assert "Which of these fit?" in answer_text(result)
    assert menu(result.response)["max_values"] == 6


@pytest.mark.parametrize(
    "values",
    [
        ["4", "0"],  # "None of these" with another option
        ["6"],  # an option the menu does not have
        ["x"],
        ["-1"],
        ["0", "0"],
        [],
    ],
)
async def test_crafted_values_get_the_usual_invalid_answer(world, values: list[str]) -> None:
    message = await to_checklist(world)
    custom_id = menu(message)["custom_id"]
    result = await forged_select(world.alice, message, custom_id, values)
    await world.env.advance_time(3)
    assert result.acknowledged and result.ephemeral
    assert "not valid any more" in answer_text(result)
    # The member's screen is untouched and still works.
    ok = await world.alice.select(message, ["1"], custom_id=custom_id)
    assert "Shoes?" in answer_text(ok)
    assert not world.env.errors


async def test_someone_elses_menu_is_refused(world) -> None:
    message = await to_checklist(world)
    result = await forged_select(world.bob, message, menu(message)["custom_id"], ["0"])
    assert result.acknowledged and result.ephemeral
    assert "belong to someone else" in answer_text(result)
    assert not world.env.errors
