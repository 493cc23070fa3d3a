"""Asking in own words (cogs/ask.py) on simcord: mentions, DMs, "Ask T2 privately", the
author-only "Open my answer" button, the admin switch and the per-member limit. simcord
simulates Discord's intents: without message_content, only mentions and DMs carry text."""

from __future__ import annotations

from typing import Any

import discord

from t2bot.ask.ids import AskId
from tests.cogs.simcord_helpers import button_with, buttons, labels, tap, text_of

ASK_MENU = "Ask T2 privately"


def bot_posts(world: Any, channel: Any) -> list[discord.Message]:
    return [m for m in channel.history() if m.author.id == world.bot.user.id]


async def mention(world: Any, member: Any, text: str, channel: Any = None) -> discord.Message:
    channel = channel or world.channel
    await member.send(channel, f"{world.bot.user.mention} {text}")
    posts = bot_posts(world, channel)
    assert posts, "the bot did not answer the mention"
    return posts[-1]


async def test_the_bot_asks_for_no_privileged_intent(world) -> None:
    intents = world.bot.intents
    assert not intents.message_content and not intents.members and not intents.presences
    assert intents.guild_messages and intents.dm_messages


async def test_a_mention_gets_one_public_line_and_an_answer_only_the_author_opens(world) -> None:
    env, _, alice, bob = world
    text = "how many ibuprofen can I take on Sunday? my lower back is sore"
    public = await mention(world, alice, text)
    assert public.content == "I have an answer for you. Only you can open it:"
    assert "ibuprofen" not in public.content and not public.embeds
    assert labels(public) == ["Open my answer"]
    custom_id = button_with(public, "Open my answer")["custom_id"]
    assert "ibuprofen" not in custom_id and AskId.decode(custom_id).member_id == alice.id

    result = await tap(alice, public, "Open my answer")
    assert result.ephemeral
    shown = text_of(result)
    assert "Can I take painkillers to get through race day?" in shown
    assert "pharmacist" in shown and "Source:" in shown and "Lipman" in shown
    assert "mg" not in shown.replace("Emerg", "")  # never a dose
    assert "Start the private check" in labels(result.response)

    foreign = await tap(bob, public, "Open my answer")
    assert foreign.ephemeral and "belongs to the member who asked" in text_of(foreign)
    assert "painkillers" not in text_of(foreign)
    assert not env.errors


async def test_an_emergency_sign_in_plain_words_is_escalated_publicly_naming_nothing(world) -> None:
    _, _, alice, _ = world
    public = await mention(world, alice, "i cant feel my sadle area since the ride")
    assert public.content.startswith("Please call the emergency number (112) now.")
    assert "saddle" not in public.content.lower() and "numb " not in public.content.lower()
    result = await tap(alice, public, "Open my answer")
    embed = result.response.embeds[0]
    assert embed.title == "Emergency - get help now" and "112" in embed.description
    assert "Numb saddle area" in text_of(result)
    # then the full check, the real /backpain flow
    check = await tap(alice, result.response, "Start the private check")
    assert "quick safety check" in text_of(check)


async def test_a_negated_sign_is_still_escalated_privately_but_not_publicly(world) -> None:
    _, _, alice, _ = world
    public = await mention(world, alice, "no numbness between my legs, just a sore lower back")
    assert public.content == "I have an answer for you. Only you can open it:"
    result = await tap(alice, public, "Open my answer")
    shown = text_of(result)
    assert "Numb saddle area" in shown and "not* have this sign" in shown


async def test_a_dm_is_answered_in_the_dm(world) -> None:
    await world.alice_user.send_dm("ice or heat?")
    posts = bot_posts(world, world.alice_user.dm_channel)
    assert len(posts) == 1 and posts[0].embeds
    assert posts[0].embeds[0].title == "From the T2 back guide"
    assert "Ice or heat for my back?" in posts[0].embeds[0].fields[0].name
    assert "Start the private check" in labels(posts[0])


async def test_ask_privately_answers_your_own_message_and_refuses_someone_elses(world) -> None:
    _, channel, alice, bob = world
    # Without a mention the bot neither answers nor (without message_content) reads it.
    own = await alice.send(channel, "is it a slipped disc?")
    assert bot_posts(world, channel) == []
    result = await alice.context_menu(channel, ASK_MENU, own)
    assert result.ephemeral and "Is it a slipped disc?" in text_of(result)
    assert "can't examine you" in text_of(result)
    refused = await bob.context_menu(channel, ASK_MENU, own)
    assert refused.ephemeral and "your own message" in text_of(refused)
    assert "slipped" not in text_of(refused)


async def test_the_admin_switch_turns_mentions_off_and_to_one_channel(world) -> None:
    env, channel, alice, _ = world
    await env.advance_time(1)  # (discord.py's Cooldown reads a time of 0.0 as "no time given")
    role = world.guild.create_role("Admins", permissions=discord.Permissions(administrator=True))
    admin_member = world.guild.add_member(env.create_user("admin"), roles=[role])
    done = await admin_member.slash(channel, "t2admin settings", answer_mentions="off")
    assert "Answers to @mentions" in text_of(done) and "off" in text_of(done)
    await alice.send(channel, f"{world.bot.user.mention} ice or heat?")
    assert bot_posts(world, channel) == []
    await world.alice_user.send_dm("ice or heat?")  # DMs always work
    assert len(bot_posts(world, world.alice_user.dm_channel)) == 1
    menu = await alice.context_menu(channel, ASK_MENU, channel.last_message)
    assert "Ice or heat" in text_of(menu)  # and the context menu

    other = world.guild.create_text_channel("ask-t2")
    done = await admin_member.slash(channel, "t2admin settings", mentions_channel=other)
    assert f"only in <#{other.id}>" in text_of(done)
    await alice.send(channel, f"{world.bot.user.mention} ice or heat?")
    assert bot_posts(world, channel) == []
    assert (await mention(world, alice, "ice or heat?", other)).content.startswith("I have")
    done = await admin_member.slash(channel, "t2admin settings", answer_mentions="everywhere")
    assert "in every channel" in text_of(done)
    assert (await mention(world, world.bob, "ice or heat?")).content.startswith("I have")


async def test_limits_empty_long_foreign_nonsense_and_the_cooldown(world) -> None:
    env, channel, alice, bob = world
    await env.advance_time(1)  # (discord.py's Cooldown reads a time of 0.0 as "no time given")
    empty = await mention(world, alice, "")
    assert empty.content.startswith("Hi! Ask me about back pain") and not buttons(empty)
    # (Discord itself refuses a member's message over 2,000 characters without Nitro; the
    # longer ones are answered in tests/t2bot/ask/test_answer.py.)
    foreign = await mention(world, alice, "j'ai mal au dos après le vélo")
    assert "only read English" in foreign.content
    nonsense = await mention(world, alice, "asdf qwer zxcv")
    assert "couldn't make sense" in nonsense.content
    before = len(bot_posts(world, channel))
    await alice.send(channel, f"{world.bot.user.mention} ice or heat?")
    wait = bot_posts(world, channel)[-1]
    assert len(bot_posts(world, channel)) == before + 1 and "Please wait" in wait.content
    await alice.send(channel, f"{world.bot.user.mention} ice or heat?")  # told once only
    assert len(bot_posts(world, channel)) == before + 1
    other = await mention(world, bob, "ice or heat?")  # another member is not limited
    assert other.content.startswith("I have")
    # The server's settings stay cached across the wait: only the limit is under test here.
    env.bot.guild_settings.ttl = 3600
    await env.advance_time(61)
    assert (await mention(world, alice, "ice or heat?")).content.startswith("I have")


async def test_a_stale_or_out_of_range_button_is_refused_politely(world) -> None:
    env, channel, alice, _ = world
    public = await mention(world, alice, "ice or heat?")
    aid = AskId.decode(button_with(public, "Open my answer")["custom_id"])
    older = "ffff" if aid.version != "ffff" else "0000"
    made_before = [
        AskId(aid.member_id, older, aid.kind, aid.refs),  # the guide changed since
        AskId(aid.member_id, aid.version, aid.kind, (1295,)),  # no such entry
    ]
    view = discord.ui.View(timeout=None)
    for n, old in enumerate(made_before):
        view.add_item(discord.ui.Button(custom_id=old.encode(), label=f"Open {n}"))
    await env.bot.get_channel(channel.id).send(content="older answers", view=view)
    await env.settle()
    posted = channel.last_message
    for n in range(len(made_before)):
        result = await tap(alice, posted, f"Open {n}")
        assert result.ephemeral and "older version of the guide" in text_of(result)
    assert not env.errors


async def test_no_words_of_a_question_reach_the_log_even_at_debug(world, caplog) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    _, channel, alice, _ = world
    words = "zebrafinch numbness between my legs after the ride"
    public = await mention(world, alice, words)
    await tap(alice, public, "Open my answer")
    await world.alice_user.send_dm("zebrafinch: is it a slipped disc?")
    own = await alice.send(channel, "zebrafinch ice or heat?")
    await alice.context_menu(channel, ASK_MENU, own)
    assert caplog.records, "logging at DEBUG was captured"
    assert "zebrafinch" not in caplog.text and "numbness between" not in caplog.text


async def test_the_index_is_built_on_the_first_question_not_at_start(world) -> None:
    """Start-up does not build the search index (nor load bm25s and numpy for it)."""
    _, _, alice, _ = world
    cog = world.bot.get_cog("Ask")
    assert cog.indexes._index is None
    await mention(world, alice, "how do I stretch my hip flexors after a long ride?")
    assert cog.indexes._index is not None
