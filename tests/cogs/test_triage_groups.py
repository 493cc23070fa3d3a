"""Alternatives on a checklist (``one_of``) in Discord: a member who picks two of one group is
asked kindly to pick the one that fits; the screen stays as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cogs.simcord_helpers import text_of as answer_text
from tests.cogs.test_triage_checklist import forged_select, menu, to_checklist
from tests.t2bot.triage import grouped as g

KIND = "You picked both “Old shoes” and “New shoes”: pick the one that fits."


@pytest.fixture
def knowledge_source(tmp_path: Path) -> Path:
    return g.grouped_folder(tmp_path / "grouped")


@pytest.fixture
def watchdog() -> bool:
    return True


def stored(world: Any, message: Any) -> tuple[Any, Any, Any]:
    kept = world.env.backend.get_message(message.channel_id, message.id)
    return kept.content, kept.embeds, kept.components


async def test_two_alternatives_get_a_kind_refusal_and_the_screen_stays(world) -> None:
    message = await to_checklist(world)
    custom_id = menu(message)["custom_id"]
    before = stored(world, message)
    picks = [str(g.OLD_SHOES), str(g.LONG_AERO), str(g.NEW_SHOES)]
    result = await world.alice.select(message, picks, custom_id=custom_id)
    await world.env.advance_time(3)
    assert result.acknowledged and result.ephemeral
    text = answer_text(result)
    assert text.strip() == KIND
    assert "not valid any more" not in text
    assert stored(world, message) == before
    # One of the two, as asked, goes on.
    ok = await world.alice.select(message, [str(g.NEW_SHOES)], custom_id=custom_id)
    assert "Shoes?" in answer_text(ok)
    assert not world.env.errors


@pytest.mark.parametrize("values", [[str(g.NONE), str(g.OLD_SHOES)], ["9"], ["x"]])
async def test_crafted_values_still_get_the_usual_invalid_answer(world, values) -> None:
    message = await to_checklist(world)
    result = await forged_select(world.alice, message, menu(message)["custom_id"], values)
    await world.env.advance_time(3)
    assert result.ephemeral and "not valid any more" in answer_text(result)
    assert not world.env.errors
