"""/backpain end to end through discord.py's command tree, views and payload parsing (simcord)."""

from __future__ import annotations

from pathlib import Path

import pytest

from t2bot.triage.ids import FlowId, decode
from tests.cogs.simcord_helpers import button_with, buttons, forged_tap, tap
from tests.cogs.simcord_helpers import text_of as answer_text
from tests.conftest import MINI_KNOWLEDGE


@pytest.fixture
def knowledge_source() -> Path:
    return MINI_KNOWLEDGE


@pytest.fixture
def watchdog() -> bool:
    """On: an id that is not on the message is answered by the watchdog alone."""
    return True


async def start(member, channel):
    result = await member.slash(channel, "backpain")
    assert result.ephemeral
    return result.response


async def test_whole_flow_ends_with_ranked_result_and_reminder(world) -> None:
    env, channel, alice, _ = world
    message = await start(alice, channel)
    first = message.embeds[0]
    assert first.title == "Warning signs first"
    assert "not a diagnosis" in first.description and "112" in first.description
    await tap(alice, message, "None of these")
    await tap(alice, message, "None of these")
    await tap(alice, message, "Lower back on the run")
    await tap(alice, message, "Yes, by far")
    result = await tap(alice, message, "Worn out")
    text = answer_text(result)
    # The Summary: one line per contributor with its why in a few words, the safety net.
    assert "1. Not used to aero: longest time in aero" in text
    assert "2. Worn shoes" in text and "bladder" in text
    assert "See a physio if it keeps coming back." in text  # the professional reminder
    labels = [b.get("label") for b in buttons(result.response)]
    assert "Save to my history" in labels and "Start over" in labels
    assert [label for label in labels if label in PAGE_LABELS] == list(PAGE_LABELS)
    assert len(labels) <= 25
    why = answer_text(await tap(alice, message, "Why"))
    assert "Your answers: longest time in aero." in why
    assert "See a physio if it keeps coming back." in why
    assert not env.errors


PAGE_LABELS = ("Summary", "Why", "What to try", "Stretches", "For your clinician", "Sources")


async def test_every_page_opens_from_its_button_and_marks_itself(world) -> None:
    env, channel, alice, _ = world
    message = await start(alice, channel)
    for label in ("None of these", "None of these", "Lower back on the run", "Yes, by far"):
        await tap(alice, message, label)
    await tap(alice, message, "Worn out")
    for label in PAGE_LABELS[1:] + PAGE_LABELS[:1]:
        result = await tap(alice, message, label)
        shown = result.response
        embed = shown.embeds[0]
        assert label == "Summary" or embed.title.endswith(label)
        marked = [b for b in buttons(shown) if b.get("label") == label]
        assert marked and marked[0].get("disabled"), label
        assert embed.fields[-1].value == "See a physio if it keeps coming back."
    clinician = answer_text(await tap(alice, message, "For your clinician"))
    assert "Lower back on the run" in clinician and "```text" in clinician
    assert not env.errors


async def test_saddle_numbness_is_an_emergency_with_no_tips(world) -> None:
    _, channel, alice, _ = world
    message = await start(alice, channel)
    result = await tap(alice, message, "Saddle numbness")
    embed = result.response.embeds[0]
    assert embed.title == "Emergency" and "Call 112 now." in embed.description
    names = [field.name for field in embed.fields]
    assert names == ["Why", "See a professional"]
    assert embed.colour.value == 0xE74C3C  # red


async def test_back_returns_to_the_previous_question(world) -> None:
    _, channel, alice, _ = world
    message = await start(alice, channel)
    await tap(alice, message, "None of these")
    await tap(alice, message, "None of these")
    result = await tap(alice, message, "Lower back on the run")
    assert "Longest time in aero?" in answer_text(result)
    result = await tap(alice, result.response, "Back")
    assert "Where is the pain?" in answer_text(result)


async def test_ticking_soon_signs_then_continue(world) -> None:
    _, channel, alice, _ = world
    message = await start(alice, channel)
    await tap(alice, message, "None of these")
    await tap(alice, message, "Night pain")
    result = await tap(alice, message, "Continue")
    text = answer_text(result)
    assert "See a doctor within a few days" in text and "Meanwhile" in text
    assert "What to try" not in text


async def test_someone_elses_buttons_are_refused_politely(world) -> None:
    env, channel, alice, bob = world
    message = await start(alice, channel)
    custom_id = button_with(message, "None of these")["custom_id"]
    result = await forged_tap(bob, message, custom_id)
    assert result.acknowledged and result.ephemeral
    assert "belong to someone else" in answer_text(result)
    # Alice's screen is untouched and still works.
    assert (await tap(alice, message, "None of these")).acknowledged
    assert not env.errors


@pytest.mark.parametrize(
    "custom_id",
    [
        "t2:abcdef:{me}:00::a0",  # another knowledge version (stale)
        "t2:{v}:{me}:0099::a0",  # a node that does not exist
        "t2:{v}:{me}::ff:go",  # ticks the screen does not have
        "t2:{v}:{me}:00::p1",  # a page of a check that has not finished
        "t2:{v}:{me}:00::p99",  # a page that does not exist
        "t2:{v}:{me}:0::a0;drop table",  # malformed
        "t2:" + "9" * 90,  # overlong garbage under our prefix
        "not-ours",  # not one of our buttons at all
    ],
)
async def test_stale_and_crafted_buttons_get_a_polite_answer(world, custom_id: str) -> None:
    env, channel, alice, _ = world
    message = await start(alice, channel)
    version = decode(button_with(message, "None of these")["custom_id"]).version
    me = FlowId(version, alice.id, "", 0, "go").encode().split(":")[2]
    result = await forged_tap(alice, message, custom_id.format(v=version, me=me))
    # An id that is not on the message is dropped by discord.py itself; the watchdog answers it
    # just before Discord's 3 s deadline.
    await env.advance_time(3)
    assert result.acknowledged
    text = answer_text(result)
    assert any(word in text for word in ("not valid", "older version", "not active")), text
    assert not env.errors


async def test_knowledge_change_makes_open_flows_start_over(world, knowledge_dir) -> None:
    env, channel, alice, _ = world
    message = await start(alice, channel)
    flow = knowledge_dir / "flow.yaml"
    flow.write_text(
        flow.read_text().replace("{label: Fine, end: result}", "{label: Fine, end: out_of_scope}")
    )
    env.bot.knowledge.reload()
    result = await tap(alice, message, "None of these")
    assert "older version of the questions" in answer_text(result)
    fresh = await tap(alice, result.response, "Start over")
    assert fresh.response.embeds[0].title == "Warning signs first"


async def test_cancel_says_nothing_was_stored(world) -> None:
    _, channel, alice, _ = world
    message = await start(alice, channel)
    result = await tap(alice, message, "Cancel")
    assert "Nothing was stored" in result.response.content
    assert not buttons(result.response)


async def test_save_to_history_stores_ids_only(world) -> None:
    env, channel, alice, _ = world
    message = await start(alice, channel)
    for label in ("None of these", "None of these", "Lower back on the run", "Yes, by far"):
        await tap(alice, message, label)
    result = await tap(alice, message, "Worn out")
    saved = await tap(alice, result.response, "Save to my history")
    assert "Saved to your history" in answer_text(saved)
    done = button_with(result.response, "Saved")
    assert done["disabled"], "a second tap cannot save the same result twice"
    assert not button_with(result.response, "Check on me")["disabled"]
    history = await env.bot.store.history(alice.id)
    assert len(history) == 1
    assert list(history[0].contributor_ids) == ["not_aero_adapted", "worn_shoes"]


async def test_restart_mid_flow_continues(world) -> None:
    env, channel, alice, _ = world
    message = await start(alice, channel)
    await tap(alice, message, "None of these")
    await env.restart_bot()
    result = await tap(alice, message, "None of these")
    assert "Where is the pain?" in answer_text(result)


async def test_check_in_dm_a_week_later_only_when_asked(world) -> None:
    env, channel, alice, bob = world
    message = await start(alice, channel)
    for label in ("None of these", "None of these", "Lower back on the run", "Yes, by far"):
        await tap(alice, message, label)
    result = await tap(alice, message, "Worn out")
    asked = await tap(alice, result.response, "Check on me in a week")
    assert "one DM" in answer_text(asked) and asked.followups[0].ephemeral
    stored = await env.bot.store.followup_for(alice.id)
    assert stored is not None

    def bot_dms() -> list:
        channel = alice.user.dm_channel
        return (
            []
            if channel is None
            else [m for m in channel.history() if m.author.id == env.bot.user.id]
        )

    # Each loop round is database work in a thread, and simcord gives each advance a fixed
    # real-time budget to settle: the stretch-reminder loop (a round a minute, no reminders
    # here) is stopped so the days pass on the check-in loop alone.
    env.bot.get_cog("StretchReminders").reminder_loop.cancel()
    for _ in range(6 * 4):  # six days in 6-hour slices (the check runs every 5 minutes)
        await env.advance_time(6 * 3600)
    assert bot_dms() == []
    for _ in range(5):
        await env.advance_time(6 * 3600)
    sent = bot_dms()
    assert len(sent) == 1
    embed = sent[0].embeds[0]
    assert embed.title == "How is your back?"
    assert embed.fields[-1].value == env.bot.knowledge.current.meta.professional_reminder
    assert await env.bot.store.followup_for(alice.id) is None  # consent used up
    assert bob.user.dm_channel is None or not bob.user.dm_channel.history()
    assert not env.errors
