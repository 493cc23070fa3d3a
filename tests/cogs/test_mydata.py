"""/mydata end to end through discord.py (simcord): history, export, delete with confirmation,
stateless t2d: buttons, storage outages, and the hourly retention purge."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import discord
import pytest
import sqlalchemy as sa

from t2bot.storage import Store, StoreUnavailable
from t2bot.storage.models import SavedResultRow
from tests.cogs.simcord_helpers import button_with, buttons, forged_tap, last, tap, text_of


async def save(store: Store, member, **overrides):
    values = dict(
        user_id=member.id,
        guild_id=None,
        urgency="soon",
        contributor_ids=["not_aero_adapted", "worn_shoes"],
        tip_ids=["acclimate_gradually"],
        knowledge_version="v1",
    )
    values.update(overrides)
    return await store.save_result(**values)


def backdate(url: str, days: int) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.update(SavedResultRow.__table__).values(
                saved_utc=datetime.now(UTC) - timedelta(days=days)
            )
        )
    engine.dispose()


async def test_history_is_private_and_explains_what_is_stored(world) -> None:
    env, channel, alice, bob = world.env, world.channel, world.alice, world.bob
    empty = await alice.slash(channel, "mydata history")
    assert empty.ephemeral and "Nothing saved" in text_of(empty)
    assert "Never your answers" in text_of(empty)

    await save(env.bot.store, alice)
    await save(env.bot.store, alice, urgency=None, contributor_ids=["removed_later"], tip_ids=[])
    result = await alice.slash(channel, "mydata history")
    text = text_of(result)
    assert result.ephemeral and last(result).flags.ephemeral
    assert "Not yet used to long aero riding, Worn-out running shoes" in text
    assert "Build up aero time step by step" in text  # the tip, in today's wording
    assert "removed later" in text  # an id no longer in the knowledge is still shown
    assert "see a doctor within a few days" in text and "self-care" in text
    assert "Nothing saved" in text_of(await bob.slash(channel, "mydata history"))
    assert not env.errors


async def test_a_long_history_stays_inside_discords_limits(world) -> None:
    env, channel, alice = world.env, world.channel, world.alice
    tips = [t.id for t in env.bot.knowledge.current.tips][:20]
    for n in range(12):  # twelve different results (the same one saved twice is kept once)
        await save(env.bot.store, alice, tip_ids=tips[n:] + tips[:n])
    result = await alice.slash(channel, "mydata history")
    (embed,) = last(result).embeds
    assert len(embed) <= 6000 and all(len(f.value) <= 1024 for f in embed.fields)
    assert 1 <= len(embed.fields) <= 10
    if len(embed.fields) < 10:
        assert "/mydata export" in embed.footer.text


async def test_export_is_a_private_json_file_of_my_rows_only(world) -> None:
    env, channel, alice, bob = world.env, world.channel, world.alice, world.bob
    await save(env.bot.store, alice)
    await save(env.bot.store, bob)
    await env.bot.store.set_followup(alice.id, None, datetime.now(UTC) + timedelta(days=2))
    result = await alice.slash(channel, "mydata export")
    message = last(result)
    assert result.ephemeral and message.flags.ephemeral
    assert "2 record(s)" in message.content and "Never your answers" in message.content
    (attachment,) = message.attachments
    assert attachment.filename == "t2bot-my-data.json"
    data = json.loads(await attachment.read())
    assert data["user_id"] == str(alice.id)
    assert len(data["tables"]["saved_result"]) == 1 and len(data["tables"]["followup"]) == 1
    assert str(bob.id) not in json.dumps(data)
    assert "alice" not in json.dumps(data).lower()  # no names


async def test_delete_asks_first_and_removes_everything(world) -> None:
    env, channel, alice, bob = world.env, world.channel, world.alice, world.bob
    store = env.bot.store
    await save(store, alice)
    await save(store, alice, tip_ids=[])  # another result (the same one twice is kept once)
    await save(store, bob)
    await store.set_followup(alice.id, None, datetime.now(UTC) + timedelta(days=1))
    ask = await alice.slash(channel, "mydata delete")
    prompt = last(ask)
    assert ask.ephemeral and "2 saved result(s)" in prompt.content
    assert "1 follow-up" in prompt.content and "cannot be undone" in prompt.content
    assert len(await store.history(alice.id)) == 2  # nothing deleted before the confirmation

    done = await tap(alice, prompt, "delete")
    assert "deleted 3 record(s)" in text_of(done)
    assert not buttons(last(done))
    exported = await store.export_member(alice.id)
    assert all(rows == [] for rows in exported["tables"].values())
    assert len(await store.history(bob.id)) == 1
    assert not env.errors


async def test_keep_deletes_nothing(world) -> None:
    env, channel, alice = world.env, world.channel, world.alice
    await save(env.bot.store, alice)
    prompt = last(await alice.slash(channel, "mydata delete"))
    kept = await tap(alice, prompt, "keep")
    assert "Nothing was deleted" in text_of(kept) and not buttons(last(kept))
    assert len(await env.bot.store.history(alice.id)) == 1


async def test_nothing_stored_means_nothing_to_confirm(world) -> None:
    channel, alice = world.channel, world.alice
    result = await alice.slash(channel, "mydata delete")
    assert "nothing to delete" in text_of(result) and not buttons(last(result))


async def test_someone_elses_delete_button_is_refused(world) -> None:
    env, channel, alice, bob = world.env, world.channel, world.alice, world.bob
    await save(env.bot.store, alice)
    prompt = last(await alice.slash(channel, "mydata delete"))
    custom_id = button_with(prompt, "delete")["custom_id"]
    assert custom_id == f"t2d:del:{alice.id}"
    stolen = await forged_tap(bob, prompt, custom_id)
    assert stolen.acknowledged and stolen.ephemeral
    assert "belong to someone else" in text_of(stolen)
    assert len(await env.bot.store.history(alice.id)) == 1
    assert "deleted 1 record(s)" in text_of(await tap(alice, prompt, "delete"))


async def test_the_confirmation_works_after_a_restart(world) -> None:
    env, channel, alice = world.env, world.channel, world.alice
    await save(env.bot.store, alice)
    prompt = last(await alice.slash(channel, "mydata delete"))
    await env.restart_bot()
    done = await tap(alice, prompt, "delete")
    assert "deleted 1 record(s)" in text_of(done)


async def message_with_button(env, channel, custom_id: str):
    """A message carrying a button with ``custom_id``, as an older version of the bot could have
    left it (Discord only sends ids that are on the message)."""
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Old button", custom_id=custom_id))
    message = await env.bot.get_channel(channel.id).send("an old message", view=view)
    view.stop()  # the bot does not know this button any more
    return message


@pytest.mark.parametrize(
    "custom_id",
    [
        "t2d:del:12ab",
        "t2d:del:",
        "t2d:erase:{me}",
        "t2d:del:{me}:extra",
        "t2d:" + "9" * 96,
        "t2d:",
    ],
)
async def test_malformed_data_buttons_get_a_polite_answer(world, custom_id) -> None:
    env, channel, alice = world.env, world.channel, world.alice
    await save(env.bot.store, alice)
    custom_id = custom_id.format(me=alice.id)
    message = await message_with_button(env, channel, custom_id)
    result = await alice.click(message, custom_id=custom_id)
    assert result.acknowledged and result.ephemeral
    assert "not valid any more" in text_of(result)
    assert len(await env.bot.store.history(alice.id)) == 1
    assert not env.errors


async def test_a_valid_delete_button_on_any_message_still_checks_the_owner(world) -> None:
    env, channel, alice, bob = world.env, world.channel, world.alice, world.bob
    await save(env.bot.store, alice)
    message = await message_with_button(env, channel, f"t2d:del:{alice.id}")
    result = await bob.click(message, custom_id=f"t2d:del:{alice.id}")
    assert "belong to someone else" in text_of(result)
    assert len(await env.bot.store.history(alice.id)) == 1


@pytest.mark.parametrize(
    "command, method",
    [
        ("mydata history", "history"),
        ("mydata export", "export_member"),
        ("mydata delete", "export_member"),
    ],
)
async def test_storage_outage_gets_a_polite_answer(world, monkeypatch, command, method) -> None:
    env, channel, alice = world.env, world.channel, world.alice

    async def unavailable(*args, **kwargs):
        raise StoreUnavailable("database is locked")

    monkeypatch.setattr(env.bot.store, method, unavailable)
    result = await alice.slash(channel, command)
    assert result.ephemeral and "can't reach my storage" in text_of(result)
    assert not env.errors


async def test_delete_during_an_outage_deletes_nothing_and_says_so(world, monkeypatch) -> None:
    env, channel, alice = world.env, world.channel, world.alice
    await save(env.bot.store, alice)
    prompt = last(await alice.slash(channel, "mydata delete"))

    async def unavailable(*args, **kwargs):
        raise StoreUnavailable("database is locked")

    monkeypatch.setattr(env.bot.store, "delete_member", unavailable)
    result = await tap(alice, prompt, "delete")
    assert "Nothing was changed" in text_of(result)
    monkeypatch.undo()
    assert len(await env.bot.store.history(alice.id)) == 1


@pytest.fixture
async def old_result(database_url) -> None:
    """A result saved 200 days before the bot starts (default retention: 180 days)."""
    store = Store(database_url)
    await store.start()
    await store.save_result(
        user_id=42,
        guild_id=None,
        urgency=None,
        contributor_ids=[],
        tip_ids=[],
        knowledge_version="v0",
    )
    await store.close()
    backdate(database_url, 200)


async def test_expired_results_are_purged_on_start_and_every_hour(
    old_result, world, database_url
) -> None:
    env, alice = world.env, world.alice
    await env.settle()
    assert await env.bot.store.history(42) == []  # purged when the bot started

    await save(env.bot.store, alice)
    backdate(database_url, 181)
    await env.advance_time(30 * 60)
    assert len(await env.bot.store.history(alice.id)) == 1  # not yet: the hour is not over
    await env.advance_time(31 * 60)
    assert await env.bot.store.history(alice.id) == []
