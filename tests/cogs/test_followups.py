"""The check-in DM that asks and learns (cogs/followups.py) on simcord with the real knowledge:
it offers the result's tips and stretches, keeps the picks in its buttons, asks consent at the
first tap, stores ids only after Keep it, and Worse lists when to see someone and the signs."""

from __future__ import annotations

from datetime import timedelta

import discord
import pytest

from cogs.mydata import check_in_sections
from t2bot.checkin.ids import CheckInId
from tests.cogs.simcord_helpers import buttons, labels, tap

CONTRIBUTOR = "not_aero_adapted"


@pytest.fixture
def offered(world):
    kb = world.kb
    contributor = kb.contributor(CONTRIBUTOR)
    stretch = next(s for s in kb.stretches if CONTRIBUTOR in s.addresses)
    return {
        "contributor_ids": [CONTRIBUTOR],
        "tip_ids": list(contributor.tips[:2]),
        "stretch_ids": [stretch.id],
    }


async def deliver(world, offered) -> discord.Message:
    """A due opt-in, taken and sent as the check-in loop does (the loop's schedule is tested in
    test_triage.py; here no virtual time passes, so no database call races the clock)."""
    env, alice = world.env, world.alice
    due = discord.utils.utcnow() - timedelta(minutes=1)
    await env.bot.store.set_followup(alice.id, world.guild.id, due, **offered)
    [taken] = await env.bot.store.take_due_followups(discord.utils.utcnow())
    assert await env.bot.get_cog("FollowUps").send(taken)
    await env.settle()
    return dm(world)


def dm(world) -> discord.Message:
    channel = world.alice_user.dm_channel
    assert channel is not None, "no DM was sent"
    sent = [m for m in channel.history() if m.author.id == world.env.bot.user.id]
    assert len(sent) == 1
    return sent[0]


def menu(message) -> discord.SelectMenu:
    found = [c for row in message.components for c in row.children if c.type.value == 3]
    assert len(found) == 1
    return found[0]


async def test_the_dm_asks_and_offers_what_the_result_offered(world, offered) -> None:
    message = await deliver(world, offered)
    kb = world.kb
    assert message.embeds[0].title == kb.followups.title
    assert labels(message) == [kb.followups.better.label, kb.followups.same.label, "Worse"]
    options = [o.label for o in menu(message).options]
    tips = [kb.tip(t).text for t in offered["tip_ids"]]
    assert [o[:40] for o in options[:2]] == [t[:40] for t in tips]
    assert options[2] == "Stretch: " + kb.stretch(offered["stretch_ids"][0]).name
    assert await world.env.bot.store.followup_for(world.alice.id) is None  # used up
    assert await world.env.bot.store.followup_answers(world.alice.id) == []


async def test_picks_then_worse_then_keep_stores_ids_outcome_and_date(world, offered) -> None:
    env, alice, kb = world.env, world.alice, world.kb
    user = world.alice_user  # in the DM, Alice taps as a user, not as a server member
    message = await deliver(world, offered)
    await user.select(message, ["1", "3"], custom_id=menu(message).custom_id)
    message = dm(world)
    picked = {o.label for o in menu(message).options if o.default}
    assert len(picked) == 2
    worse = CheckInId.decode(
        next(b for b in buttons(message) if b["label"] == "Worse")["custom_id"]
    )
    assert worse.picked() == [1, 3]

    await tap(user, message, "Worse")
    message = dm(world)
    shown = "\n".join(
        [message.embeds[0].description or ""]
        + [f.name + "\n" + f.value for f in message.embeds[0].fields]
    )
    assert "112" in shown and "{" not in shown  # the server's emergency number is filled in
    assert kb.followups.warning_signs_title in shown
    first_sign = next(f for n in kb.nodes for f in n.flags if f.id == kb.followups.warning_signs[0])
    assert first_sign.label in shown
    assert "May I keep this answer?" in shown and "Never your check answers" in shown
    assert labels(message) == ["Keep it", "Don't keep"]
    assert await env.bot.store.followup_answers(alice.id) == []  # nothing before consent

    await tap(user, message, "Keep it")
    [kept] = await env.bot.store.followup_answers(alice.id)
    assert kept.outcome == "worse" and kept.guild_id == world.guild.id
    assert kept.contributor_ids == (CONTRIBUTOR,)
    assert kept.tip_ids == (offered["tip_ids"][0],)
    assert kept.stretch_ids == tuple(offered["stretch_ids"])
    assert kept.answered_on == discord.utils.utcnow().date()
    message = dm(world)
    assert labels(message) == []  # done: no more buttons
    assert any(f.name == "Kept ✓" for f in message.embeds[0].fields)
    # What /mydata history adds (e2e: test_e2e_checkin).
    [section] = check_in_sections(kb, [kept])
    text = "\n".join(section.lines)
    assert section.heading == "Your check-in answers" and "worse" in text
    assert kb.stretch(offered["stretch_ids"][0]).name in text


async def test_dont_keep_stores_nothing(world, offered) -> None:
    env, alice = world.env, world.alice
    message = await deliver(world, offered)
    await tap(world.alice_user, message, "Better")
    message = dm(world)
    assert world.kb.followups.better.reply[:30] in (message.embeds[0].description or "")
    await tap(world.alice_user, message, "Don't keep")
    assert await env.bot.store.followup_answers(alice.id) == []
    assert any("Not kept" in f.name for f in dm(world).embeds[0].fields)
