"""/stretch end to end through discord.py with simcord: autocomplete, pagination, routine walk,
sharing, triage buttons and reminder DMs (with simulated time)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import pytest

from cogs.stretches.embeds import (
    done_message,
    list_message,
    move_message,
    routine_embed,
    stretch_embed,
    stretch_view,
)
from t2bot.knowledge.model import Knowledge
from t2bot.storage import StoreUnavailable
from t2bot.stretches.routines import FOCUS_LABELS, RoutineSpec
from t2discord.stretch_buttons import routine_button, stretch_button
from tests.cogs.simcord_helpers import World, buttons, labels
from tests.conftest import STRETCH_KNOWLEDGE


@pytest.fixture
def knowledge_source() -> Path:
    return STRETCH_KNOWLEDGE


# --- autocomplete and show ------------------------------------------------------------------


async def test_show_autocomplete_is_fuzzy_and_capped(world: World) -> None:
    offered = await world.alice.autocomplete(world.channel, "stretch show", "name", "psoas")
    assert offered[0]["value"] == "kneeling_hip_flexor"
    assert offered[0]["name"] == "Kneeling hip-flexor stretch (psoas)"
    everything = await world.alice.autocomplete(world.channel, "stretch show", "name", "")
    assert 0 < len(everything) <= 25
    typo = await world.alice.autocomplete(world.channel, "stretch show", "name", "cuoch")
    assert typo[0]["value"] == "couch_stretch"


async def test_show_is_private_with_steps_sources_picture_and_link(world: World) -> None:
    await world.bot.store.update_guild_settings(world.channel.guild.id, allow_sharing=True)
    result = await world.alice.slash(world.channel, "stretch show", name="kneeling_hip_flexor")
    assert result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "Kneeling hip-flexor stretch"
    fields = {f.name: f.value for f in embed.fields}
    assert fields["How to"].startswith("1. Kneel on one knee.\n2. Tuck")
    assert fields["Dose"] == "2 x 30 s each side"
    assert "Squeeze the glute" in fields["Cues"]
    assert "Arching" in fields["Common mistakes"]
    assert "Pad the knee" in fields["Take care"]
    assert "A cushion" in fields["You need"]
    assert world.bot.knowledge.current.meta.words.club_source in fields["Sources"]
    # The safety line and the /backpain pointer close every stretch reply.
    words = world.bot.knowledge.current.meta.words
    assert embed.fields[-1].name == words.stretch_safety_heading
    assert embed.fields[-1].value == f"{words.stretch_safety}\n{words.stretch_pointer}"
    assert "[Demo exercise guide](https://example.org/guide)" in fields["Sources"]
    assert embed.image.url == "https://example.org/kneeling.jpg"
    assert "Jane Doe" in embed.footer.text
    links = [b for b in buttons(result.response) if b.get("url")]
    assert links and links[0]["url"] == "https://example.org/kneeling"
    assert "Share in channel" in labels(result.response)


async def test_show_typo_and_alias(world: World) -> None:
    result = await world.alice.slash(world.channel, "stretch show", name="cuoch strech")
    assert result.response.embeds[0].title == "Couch stretch"
    result = await world.alice.slash(world.channel, "stretch show", name="sofa stretch")
    assert result.response.embeds[0].title == "Couch stretch"


async def test_show_unknown_offers_closest_matches_as_buttons(world: World) -> None:
    result = await world.alice.slash(world.channel, "stretch show", name="hip")
    assert result.ephemeral
    assert "Did you mean" in result.response.content
    assert "Kneeling hip-flexor stretch" in labels(result.response)
    opened = await world.alice.click(result.response, label="Kneeling hip-flexor stretch")
    assert opened.ephemeral
    assert opened.response.embeds[0].title == "Kneeling hip-flexor stretch"

    nothing = await world.alice.slash(world.channel, "stretch show", name="xyzzy")
    assert "I don't know a stretch called" in nothing.response.content
    assert "/stretch list" in nothing.response.content


async def test_a_symptom_search_points_to_care_first(world: World) -> None:
    result = await world.alice.slash(world.channel, "stretch show", name="sciatica")
    assert result.ephemeral
    content = result.response.content
    assert content.startswith("Pain, numbness or tingling") and "/backpain" in content


# --- list and pagination --------------------------------------------------------------------


async def test_list_pages_with_buttons(world: World) -> None:
    result = await world.alice.slash(world.channel, "stretch list")
    assert result.ephemeral
    first = result.response
    assert first.embeds[0].footer.text.startswith("Page 1 of 2")
    shown_first = labels(first)
    assert "◀ Previous" in shown_first and "Next ▶" in shown_first
    previous = next(b for b in buttons(first) if b.get("label") == "◀ Previous")
    assert previous.get("disabled") is True

    await world.alice.click(first, label="Next ▶")
    second = result.response  # edited in place
    assert second.embeds[0].footer.text.startswith("Page 2 of 2")
    page_two = set(labels(second)) - {"◀ Previous", "Next ▶"}
    assert page_two and not page_two & set(shown_first)
    names = {s.name for s in world.kb.stretches}
    assert page_two | (set(shown_first) - {"◀ Previous", "Next ▶"}) == names

    await world.alice.click(second, label="◀ Previous")
    assert result.response.embeds[0].footer.text.startswith("Page 1 of 2")


async def test_list_one_area_fits_one_page_and_opens_stretches(world: World) -> None:
    result = await world.alice.slash(world.channel, "stretch list", area="hips")
    embed = result.response.embeds[0]
    assert embed.title == "Stretches: Hips"
    assert embed.footer.text.startswith("Page 1 of 1")
    assert labels(result.response) == ["Couch stretch", "Kneeling hip-flexor stretch"]
    opened = await world.alice.click(result.response, label="Couch stretch")
    assert opened.response.embeds[0].title == "Couch stretch"


# --- routine and Next -----------------------------------------------------------------------


async def test_routine_walks_move_by_move(world: World) -> None:
    result = await world.alice.slash(
        world.channel, "stretch routine", minutes=10, focus="after_ride"
    )
    assert result.ephemeral
    overview = result.response.embeds[0]
    assert overview.title == "After a ride · 9 min 30 s"
    assert "1. Cat-camel: 10 slow reps (1 min)" in overview.description
    assert "Total 9 min 30 s" in overview.footer.text

    await world.alice.click(result.response, label="Start ▶")
    seen = []
    for _ in range(10):
        embed = result.response.embeds[0]
        seen.append(embed.title)
        if "Finish ✓" in labels(result.response):
            await world.alice.click(result.response, label="Finish ✓")
            break
        await world.alice.click(result.response, label="Next ▶")
    assert seen == [
        "Move 1 of 5: Cat-camel",
        "Move 2 of 5: Foam roller on the upper back",
        "Move 3 of 5: Hamstring floss",
        "Move 4 of 5: Kneeling hip-flexor stretch",
        "Move 5 of 5: Side plank",
    ]
    assert result.response.embeds[0].title == "Routine done"
    await world.alice.click(result.response, label="Overview")
    assert result.response.embeds[0].title == "After a ride · 9 min 30 s"


async def test_routine_back_button_returns_to_the_overview(world: World) -> None:
    result = await world.alice.slash(world.channel, "stretch routine", minutes=5, focus="hips")
    await world.alice.click(result.response, label="Start ▶")
    assert result.response.embeds[0].title.startswith("Move 1 of")
    await world.alice.click(result.response, label="◀ Back")
    assert result.response.embeds[0].title.startswith("Hips ·")


# --- triage buttons (public API for cogs.triage) --------------------------------------------


async def _bot_posts(world: World, view: discord.ui.View) -> discord.Message:
    channel = world.bot.get_channel(world.channel.id)
    await channel.send(content="Your result", view=view)
    await world.env.settle()
    return world.channel.last_message


async def test_build_my_routine_is_for_its_owner_only(world: World) -> None:
    view = discord.ui.View(timeout=None)
    view.add_item(routine_button(["worn_shoes", "not_aero_adapted"], world.alice.id, minutes=5))
    message = await _bot_posts(world, view)

    refused = await world.bob.click(message, label="Build my routine")
    assert refused.ephemeral
    assert "someone else" in refused.response.content

    mine = await world.alice.click(message, label="Build my routine")
    assert mine.ephemeral
    embed = mine.response.embeds[0]
    assert embed.title.startswith("Your routine")
    assert "Glute bridge" in embed.description  # addresses both contributors
    assert "For what your check found" in embed.description
    # How many minutes: a time below rebuilds the overview in place.
    assert "5 min" in labels(mine.response) and "15 min" in labels(mine.response)
    longer = await world.alice.click(mine.response, label="15 min")
    assert "(up to 15 min)" in longer.response.embeds[0].footer.text
    await world.alice.click(mine.response, label="Start ▶")
    assert mine.response.embeds[0].title.startswith("Move 1 of")


async def test_stretch_button_opens_for_anyone(world: World) -> None:
    view = discord.ui.View(timeout=None)
    view.add_item(stretch_button(world.kb.stretch("chin_tuck")))
    message = await _bot_posts(world, view)
    opened = await world.bob.click(message, label="Chin tuck")
    assert opened.ephemeral
    assert opened.response.embeds[0].title == "Chin tuck"


@pytest.mark.parametrize(
    "custom_id",
    [
        "t2s:rn:c.zzzz:10:abc",  # contributor tag not in this knowledge
        "t2s:rn:f.hips:99:any",  # minutes out of range
        "t2s:show:no_such_stretch",
        "t2s:rt:f.hips:10:42:any",  # malformed owner
        "t2s:garbage",  # no button class reads it: the watchdog answers
    ],
)
@pytest.mark.parametrize("watchdog", [True])
async def test_stale_or_malformed_buttons_are_refused_politely(
    world: World, custom_id: str
) -> None:
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Old button", custom_id=custom_id))
    message = await _bot_posts(world, view)
    result = await world.alice.click(message, label="Old button")
    assert result.ephemeral
    assert result.response.content
    assert "wrong on my side" not in result.response.content


def test_button_ids_fit_discord() -> None:
    many = [f"contributor_number_{i:02d}_long_name" for i in range(8)]
    assert len(routine_button(many, 2**64 - 1, minutes=30).custom_id) <= 100


# --- Share ----------------------------------------------------------------------------------


async def test_share_is_offered_only_where_allowed_and_rechecked_on_tap(world: World) -> None:
    # A server whose admin turned sharing off gets no Share button.
    guild_id = world.channel.guild.id
    await world.bot.store.update_guild_settings(guild_id, allow_sharing=False)
    shown = await world.alice.slash(world.channel, "stretch show", name="couch stretch")
    assert "Share in channel" not in labels(shown.response)
    routine = await world.alice.slash(world.channel, "stretch routine", minutes=5, focus="hips")
    assert "Share in channel" not in labels(routine.response)

    # Allowed again, then switched off after the button was shown: the tap is refused.
    await world.bot.store.update_guild_settings(guild_id, allow_sharing=True)
    await world.env.advance_time(61)  # the offer is remembered for a minute
    shown = await world.alice.slash(world.channel, "stretch show", name="couch stretch")
    assert "Share in channel" in labels(shown.response)
    await world.bot.store.update_guild_settings(guild_id, allow_sharing=False)
    before = len(world.channel.history())
    refused = await world.alice.click(shown.response, label="Share in channel")
    assert refused.ephemeral
    assert "Sharing is turned off" in refused.response.content
    assert len(world.channel.history()) == before


async def test_share_posts_a_public_copy_when_allowed(world: World) -> None:
    await world.bot.store.update_guild_settings(world.channel.guild.id, allow_sharing=True)
    shown = await world.alice.slash(world.channel, "stretch show", name="couch stretch")
    shared = await world.alice.click(shown.response, label="Share in channel")
    assert not shared.ephemeral
    public = world.channel.last_message
    assert public.embeds[0].title == "Couch stretch"
    assert "shared a stretch" in public.content
    # Anyone can open their own private copy from the public one.
    opened = await world.bob.click(public, label="Open for me")
    assert opened.ephemeral and opened.response.embeds[0].title == "Couch stretch"

    routine = await world.alice.slash(
        world.channel, "stretch routine", minutes=5, focus="before_run"
    )
    await world.alice.click(routine.response, label="Share in channel")
    public = world.channel.last_message
    assert public.embeds[0].title.startswith("Before a run")
    mine = await world.bob.click(public, label="Do this routine")
    assert mine.ephemeral
    await world.bob.click(mine.response, label="Start ▶")
    assert mine.response.embeds[0].title.startswith("Move 1 of")


@pytest.mark.parametrize("failure", [StoreUnavailable("down"), RuntimeError("a bug")])
async def test_share_fails_closed_when_settings_cannot_be_read(
    world: World, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    """A server that turned sharing off must not get it back through an outage (or a bug):
    no Share button is offered, and a Share tap on an older card is refused."""
    await world.bot.store.update_guild_settings(world.channel.guild.id, allow_sharing=True)
    earlier = await world.alice.slash(world.channel, "stretch show", name="chin tuck")
    assert "Share in channel" in labels(earlier.response)

    async def broken(guild_id: int) -> Any:
        raise failure

    monkeypatch.setattr(world.bot.store, "guild_settings", broken)
    await world.env.advance_time(61)  # past the cached offer
    shown = await world.alice.slash(world.channel, "stretch show", name="chin tuck")
    assert "Share in channel" not in labels(shown.response)
    routine = await world.alice.slash(world.channel, "stretch routine", minutes=5, focus="hips")
    assert "Share in channel" not in labels(routine.response)

    before = len(world.channel.history())
    refused = await world.alice.click(earlier.response, label="Share in channel")
    assert refused.ephemeral
    assert "Sharing is turned off" in refused.response.content
    assert len(world.channel.history()) == before


async def test_share_is_marked_done_after_one_use(world: World) -> None:
    await world.bot.store.update_guild_settings(world.channel.guild.id, allow_sharing=True)
    shown = await world.alice.slash(world.channel, "stretch show", name="couch stretch")
    before = len(world.channel.history())
    await world.alice.click(shown.response, label="Share in channel")
    assert len(world.channel.history()) == before + 1
    (used,) = [b for b in buttons(shown.response) if "Shared" in b.get("label", "")]
    assert used["disabled"] is True
    assert "Share in channel" not in labels(shown.response)

    routine = await world.alice.slash(world.channel, "stretch routine", minutes=5, focus="hips")
    await world.alice.click(routine.response, label="Share in channel")
    assert len(world.channel.history()) == before + 2
    assert "Share in channel" not in labels(routine.response)
    assert "Start ▶" in labels(routine.response)  # the rest of the message still works


async def test_a_routine_from_a_back_check_is_never_shared(world: World) -> None:
    await world.bot.store.update_guild_settings(world.channel.guild.id, allow_sharing=True)
    view = discord.ui.View(timeout=None)
    view.add_item(routine_button(["worn_shoes", "not_aero_adapted"], world.alice.id, minutes=5))
    message = await _bot_posts(world, view)
    mine = await world.alice.click(message, label="Build my routine")
    assert "Share in channel" not in labels(mine.response)
    await world.alice.click(mine.response, label="Start ▶")
    await world.alice.click(mine.response, label="◀ Back")  # back to the overview
    assert mine.response.embeds[0].title.startswith("Your routine")
    assert "Share in channel" not in labels(mine.response)

    # A crafted Share tap for such a routine is refused, and nothing more is posted.
    spec = RoutineSpec(contributors=("worn_shoes",)).encode()
    crafted = discord.ui.View(timeout=None)
    crafted.add_item(discord.ui.Button(label="Share", custom_id=f"t2s:sh:r:{spec}:5"))
    message = await _bot_posts(world, crafted)
    before = len(world.channel.history())
    refused = await world.alice.click(message, label="Share")
    assert refused.ephemeral and "stays private" in refused.response.content
    assert len(world.channel.history()) == before


async def test_routine_footer_mentions_start_only_with_a_start_button(world: World) -> None:
    await world.bot.store.update_guild_settings(world.channel.guild.id, allow_sharing=True)
    routine = await world.alice.slash(world.channel, "stretch routine", minutes=5, focus="hips")
    assert "Start ▶" in labels(routine.response)
    assert "tap Start" in routine.response.embeds[0].footer.text
    await world.alice.click(routine.response, label="Share in channel")
    public = world.channel.last_message
    assert "Start ▶" not in labels(public)
    assert "Start" not in public.embeds[0].footer.text
    assert public.embeds[0].footer.text.startswith("Total ")


async def test_symptom_hint_needs_a_whole_word(world: World) -> None:
    """ "number" contains "numb" but is no symptom."""
    result = await world.alice.slash(world.channel, "stretch show", name="number")
    assert "Pain, numbness or tingling" not in (result.response.content or "")
    numb = await world.alice.slash(world.channel, "stretch show", name="numb toes")
    assert numb.response.content.startswith("Pain, numbness or tingling")


async def test_button_taps_are_rate_limited_per_member(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from t2discord.command_tree import TAP_BURST_RATE

    limiter = world.bot.tree.tap_bursts
    monkeypatch.setattr(limiter, "clock", lambda: 1000.0)  # every tap at the same instant
    result = await world.alice.slash(world.channel, "stretch list")
    for tap in range(TAP_BURST_RATE):
        label = "Next ▶" if tap % 2 == 0 else "◀ Previous"
        tapped = await world.alice.click(result.response, label=label)
        assert "Easy there" not in (tapped.response.content or "")
    label = "Next ▶" if TAP_BURST_RATE % 2 == 0 else "◀ Previous"  # the one enabled now
    refused = await world.alice.click(result.response, label=label)
    assert refused.ephemeral and "Easy there" in refused.response.content
    # Another member is not affected.
    other = await world.bob.slash(world.channel, "stretch list")
    assert "Easy there" not in (
        (await world.bob.click(other.response, label="Next ▶")).response.content or ""
    )


async def forged_slash(
    actor: Any, channel: Any, name: str, options: dict[str, Any], **forged: Any
) -> Any:
    """A slash command whose ``forged`` option values skip the client's checks (as a crafted
    request could send them): built with valid values, then the values are replaced."""
    from simcord import actors as simcord_actors
    from simcord import interactions as _interactions

    parts = name.split()
    root = simcord_actors._resolve_visible_command(
        actor, channel.id, parts[0], simcord_actors.AppCommandType.CHAT_INPUT
    )
    leaf, nesting = _interactions.walk_to_subcommand(root, parts[1:])
    valid = {key: 10 for key in forged}  # in range for the integer options used here
    leaf_options, _ = _interactions.build_options(
        actor, name, leaf, {**options, **valid}, channel_id=channel.id
    )
    for option in leaf_options:
        if option["name"] in forged:
            option["value"] = forged[option["name"]]
    data = {
        "id": root["id"],
        "name": root["name"],
        "type": root.get("type", simcord_actors.AppCommandType.CHAT_INPUT),
        "options": _interactions.nest_options(root, nesting, leaf_options),
    }
    if root.get("guild_id"):
        data["guild_id"] = root["guild_id"]
    return await simcord_actors._dispatch_actor_interaction(
        actor, simcord_actors.InteractionType.APPLICATION_COMMAND, channel, data
    )


# --- Reminders ------------------------------------------------------------------------------


async def advance(world: World, seconds: int, step: int = 3600) -> None:
    """Move simulated time in slices: the reminder loop runs every minute, and simcord allows
    each call a few real seconds to settle."""
    while seconds > 0:
        await world.env.advance_time(min(step, seconds))
        seconds -= step


def dms(world: World) -> list[discord.Message]:
    return [m for m in world.alice_user.dm_channel.history() if m.author.id == world.bot.user.id]


async def test_timezone_autocomplete(world: World) -> None:
    offered = await world.alice.autocomplete(
        world.channel, "stretch remind set", "timezone", "london"
    )
    assert "Europe/London" in [c["value"] for c in offered]
    assert len(offered) <= 25
    days = await world.alice.autocomplete(world.channel, "stretch remind set", "days", "Mon Wed")
    assert days[0]["value"] == "mon,wed"
    days = await world.alice.autocomplete(world.channel, "stretch remind set", "days", "week")
    assert [c["value"] for c in days] == ["weekdays", "weekends"]


async def test_reminder_is_sent_by_dm_at_local_time_then_next_day(world: World) -> None:
    now = world.env.now()  # the simulation starts on 2026-01-01 (London = UTC in winter)
    at = (now + timedelta(minutes=5)).strftime("%H:%M")
    result = await world.alice.slash(
        world.channel,
        "stretch remind set",
        time=at,
        days="daily",
        routine="hips",
        timezone="Europe/London",
        minutes=5,
    )
    assert result.ephemeral
    assert "Reminder set" in result.response.content
    assert "Europe/London" in result.response.content
    assert dms(world) == []

    await world.env.advance_time(4 * 60)
    assert dms(world) == []
    await world.env.advance_time(2 * 60)
    sent = dms(world)
    assert len(sent) == 1
    assert sent[0].embeds[0].title.startswith("Hips ·")
    assert "Stop reminders" in labels(sent[0])
    # The reminder DM carries the safety line and the pointer to /backpain.
    words = world.bot.knowledge.current.meta.words
    assert sent[0].embeds[0].fields[-1].value == f"{words.stretch_safety}\n{words.stretch_pointer}"

    await world.env.advance_time(30 * 60)
    assert len(dms(world)) == 1  # once per day, not every minute

    # The Next walk works in the DM too.
    await world.alice_user.click(sent[0], label="Start ▶")
    assert world.alice_user.dm_channel.last_message.embeds[0].title.startswith("Move 1 of")

    await advance(world, 24 * 60 * 60)
    assert len(dms(world)) == 2

    listed = await world.alice.slash(world.channel, "stretch remind list")
    assert "Hips (5 min) at " + at + " every day, Europe/London time" in listed.response.content


async def test_reminder_off_stops_it(world: World) -> None:
    at = (world.env.now() + timedelta(minutes=3)).strftime("%H:%M")
    await world.alice.slash(
        world.channel,
        "stretch remind set",
        time=at,
        days="daily",
        routine="lower_back",
        timezone="Europe/London",
    )
    off = await world.alice.slash(world.channel, "stretch remind off")
    assert "off" in off.response.content
    await world.env.advance_time(10 * 60)
    assert dms(world) == []
    again = await world.alice.slash(world.channel, "stretch remind off")
    assert "no stretch reminder" in again.response.content


async def test_closed_dms_are_reported_once_and_not_retried(world: World) -> None:
    at = (world.env.now() + timedelta(minutes=2)).strftime("%H:%M")
    await world.alice.slash(
        world.channel,
        "stretch remind set",
        time=at,
        days="daily",
        routine="hips",
        timezone="Europe/London",
    )
    world.env.inject_error(
        "POST",
        "/channels/*/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
        times=None,
    )
    await world.env.advance_time(3 * 60)
    attempts = [
        e for e in world.env.http_requests if e.method == "POST" and e.path.endswith("/messages")
    ]
    assert len(attempts) == 1
    await advance(world, 26 * 60 * 60)  # past the next day's time too
    attempts = [
        e for e in world.env.http_requests if e.method == "POST" and e.path.endswith("/messages")
    ]
    assert len(attempts) == 1  # never retried
    listed = await world.alice.slash(world.channel, "stretch remind list")
    assert "could not send you a DM" in listed.response.content


async def test_reminder_input_is_validated(world: World) -> None:
    bad_time = await world.alice.slash(
        world.channel,
        "stretch remind set",
        time="25:00",
        days="daily",
        routine="hips",
        timezone="Europe/London",
    )
    assert "time does not exist" in bad_time.response.content
    bad_days = await world.alice.slash(
        world.channel,
        "stretch remind set",
        time="07:00",
        days="someday",
        routine="hips",
        timezone="Europe/London",
    )
    assert "not a day" in bad_days.response.content
    bad_zone = await world.alice.slash(
        world.channel,
        "stretch remind set",
        time="07:00",
        days="daily",
        routine="hips",
        timezone="Mars/Base",
    )
    assert "timezone" in bad_zone.response.content
    no_zone = await world.alice.slash(
        world.channel, "stretch remind set", time="07:00", days="daily", routine="hips"
    )
    assert "add your timezone" in no_zone.response.content


@pytest.mark.parametrize("minutes", [31, 0, 2**63])
async def test_reminder_minutes_are_checked_again_in_the_command(
    world: World, minutes: int
) -> None:
    """Discord's client enforces the declared range; a crafted request need not."""
    result = await forged_slash(
        world.alice,
        world.channel,
        "stretch remind set",
        {"time": "07:00", "days": "daily", "routine": "hips", "timezone": "Europe/London"},
        minutes=minutes,
    )
    assert result.ephemeral
    assert "between 5 and 30 minutes" in result.response.content
    assert await world.bot.store.reminders_for(world.alice_user.id) == []


async def test_reminder_waits_out_knowledge_without_moves_for_its_focus(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A coach's edit leaves no move for the reminder's focus: that day's DM is skipped with
    one warning (no member id), the reminder stays on and comes back once moves return."""
    at = (world.env.now() + timedelta(minutes=3)).strftime("%H:%M")
    for member in (world.alice, world.bob):
        await member.slash(
            world.channel,
            "stretch remind set",
            time=at,
            days="daily",
            routine="hips",
            timezone="Europe/London",
            minutes=5,
        )
    holder = world.bot.knowledge
    no_hips = holder.current.model_copy(
        update={"stretches": [s for s in holder.current.stretches if "hips" not in s.focus]}
    )
    monkeypatch.setattr(holder, "current", no_hips)
    caplog.set_level(logging.WARNING, logger="cogs.stretches.reminders")

    await world.env.advance_time(5 * 60)
    assert dms(world) == []
    warnings = [r.getMessage() for r in caplog.records if r.name == "cogs.stretches.reminders"]
    assert len(warnings) == 1 and "hips" in warnings[0], warnings
    assert str(world.alice_user.id) not in warnings[0]
    assert "invalid" not in warnings[0]
    (kept,) = await world.bot.store.reminders_for(world.alice_user.id)
    assert kept.enabled and not kept.failure_reason
    assert kept.next_due_utc > world.env.now() + timedelta(hours=23), "rescheduled, not retried"
    listed = await world.alice.slash(world.channel, "stretch remind list")
    assert "Paused" not in listed.response.content

    monkeypatch.setattr(holder, "current", world.kb)  # the knowledge is fixed
    await advance(world, 24 * 60 * 60)
    sent = dms(world)
    assert len(sent) == 1 and sent[0].embeds[0].title.startswith("Hips ·")


# --- Discord limits on the real content -----------------------------------------------------


def _within_limits(embed: discord.Embed) -> None:
    assert len(embed) <= 6000
    assert len(embed.title or "") <= 256 and len(embed.description or "") <= 4096
    assert len(embed.fields) <= 25
    for field in embed.fields:
        assert 0 < len(field.value) <= 1024 and len(field.name) <= 256
    # Nothing cut, and the safety line closes every stretch reply.
    text = "\n".join(
        [embed.title or "", embed.description or "", embed.footer.text or ""]
        + [f"{f.name}\n{f.value}" for f in embed.fields]
    )
    assert "…" not in text and "..." not in text
    assert embed.fields and "/backpain" in embed.fields[-1].value


def _components_ok(view: discord.ui.View) -> None:
    assert len(view.children) <= 25
    for item in view.children:
        data = item.to_component_dict()
        if "custom_id" in data:  # link buttons have none
            assert data["custom_id"].startswith("t2s:") and len(data["custom_id"]) <= 100
        assert 0 < len(data.get("label", "")) <= 80


def test_every_card_fits_discord(any_kb: Knowledge) -> None:
    for stretch in any_kb.stretches:
        _within_limits(stretch_embed(any_kb, stretch))
        _components_ok(stretch_view(stretch, share=True))
    for area in (None, *sorted({s.area for s in any_kb.stretches})):
        page = 0
        while True:
            message = list_message(any_kb, area, page)
            _within_limits(message["embed"])
            _components_ok(message["view"])
            if f"Page {page + 1} of {page + 1}" in message["embed"].footer.text:
                break
            page += 1
    for focus in FOCUS_LABELS:
        spec = RoutineSpec(focus=focus)
        routine = spec.build(any_kb, 30)
        _within_limits(routine_embed(any_kb, routine))
        for index in range(len(routine.moves)):
            message = move_message(any_kb, routine, index, spec.encode(), 2**64 - 1)
            _within_limits(message["embed"])
            _components_ok(message["view"])
        _within_limits(done_message(any_kb, routine, spec.encode(), 1)["embed"])


async def _set_due_reminder(store: Any, user_id: int, now: datetime) -> None:
    """A daily 5-minute hips reminder for ``user_id``, due a minute before ``now``."""
    await store.set_reminder(
        user_id=user_id,
        guild_id=None,
        focus="hips",
        minutes=5,
        local_time=now.strftime("%H:%M"),
        days=list(range(7)),
        timezone="Europe/London",
        next_due_utc=now - timedelta(minutes=1),
    )


async def test_a_reminder_whose_send_was_started_is_never_sent_twice(world: World) -> None:
    """Issue 15 item 8: a worker recorded its intent to send, then crashed (or the database
    failed after the DM) and its lease ran out: the next round must not DM that occurrence
    again, only schedule the next one."""
    store = world.bot.store
    now = world.env.now()
    await _set_due_reminder(store, world.alice.id, now)
    crashed = await store.claim_due_reminders(now, worker="crashed-worker", lease_seconds=60)
    assert len(crashed) == 1
    assert await store.reminder_sending(crashed[0].id, worker="crashed-worker", now_utc=now)
    # ... the DM went out, then the worker died before reminder_sent.
    cog = world.bot.get_cog("StretchReminders")
    later = now + timedelta(minutes=5)  # the crashed worker's lease is over
    assert await cog.send_due_reminders(later) == 0
    assert dms(world) == []
    (reminder,) = await store.reminders_for(world.alice.id)
    assert reminder.next_due_utc > later, "the next occurrence is scheduled"
    assert reminder.enabled and not reminder.in_doubt


async def test_five_hundred_reminders_due_at_once_go_out_in_one_round(world: World) -> None:
    """Issue 15 item 14: a round claims until nothing is due and sends concurrently (with a
    bound), so 500 reminders due at 07:00 are not spread over ten minutes of 50 each."""
    store = world.bot.store
    now = world.env.now()
    members = [world.env.create_user(f"early_{i}") for i in range(500)]
    for member in members:
        await _set_due_reminder(store, member.id, now)
    cog = world.bot.get_cog("StretchReminders")
    cog.reminder_loop.cancel()  # this test runs the round itself
    assert await cog.send_due_reminders(now) == 500
    still_due = await store.claim_due_reminders(now + timedelta(minutes=10), worker="check")
    assert still_due == [], "every reminder was sent and scheduled for tomorrow"
