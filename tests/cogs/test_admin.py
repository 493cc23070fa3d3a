"""/t2admin end to end through discord.py (simcord): who may use it, server settings (and their
effect on /backpain), knowledge reload that keeps the old knowledge on errors, command sync."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import discord
import pytest
import sqlalchemy as sa

from cogs.admin import problems_embed
from t2bot.knowledge import KnowledgeError
from t2bot.knowledge.loader import Problem
from t2bot.storage import GuildSettings, StoreUnavailable
from t2bot.storage.models import SavedResultRow
from tests.cogs.simcord_helpers import last, text_of


@pytest.fixture
def manager(world):
    env, guild = world.env, world.guild
    role = guild.create_role("coaches", permissions=discord.Permissions(manage_guild=True))
    return guild.add_member(env.create_user("coach"), roles=[role])


@pytest.fixture
def admin(world):
    env, guild = world.env, world.guild
    role = guild.create_role("admins", permissions=discord.Permissions(administrator=True))
    return guild.add_member(env.create_user("boss"), roles=[role])


async def test_only_managers_see_the_admin_commands(world, manager) -> None:
    channel, alice = world.channel, world.alice
    assert "t2admin settings" not in alice.available_commands(channel)
    assert "mydata history" in alice.available_commands(channel)
    assert {"t2admin settings", "t2admin reload", "t2admin sync"} <= set(
        manager.available_commands(channel)
    )


async def test_a_member_allowed_the_command_by_mistake_is_still_refused(world) -> None:
    env, guild, channel, alice = world.env, world.guild, world.channel, world.alice
    commands = {c.name: c for c in await env.bot.tree.fetch_commands()}
    guild.set_command_permissions(commands["t2admin"], {alice: True})  # visible to Alice now
    for command, options in [
        ("t2admin settings", {"retention_days": 1}),
        ("t2admin reload", {}),
        ("t2admin sync", {}),
    ]:
        result = await alice.slash(channel, command, **options)
        assert result.ephemeral and "Manage Server" in text_of(result), command
    assert await env.bot.store.guild_settings(guild.id) == GuildSettings(guild.id, None, 180, True)
    assert not env.errors


async def test_settings_show_the_defaults(world, admin) -> None:
    channel = world.channel
    result = await admin.slash(channel, "t2admin settings")
    text = text_of(result)
    assert result.ephemeral and "Settings of this server" in text
    assert "112 (the bot's default)" in text and "180 days" in text and "\nyes" in text


async def test_settings_change_and_the_triage_uses_the_new_number(world, admin) -> None:
    env, guild, channel, alice = world.env, world.guild, world.channel, world.alice
    before = await alice.slash(channel, "backpain")  # the triage caches the number...
    assert "112" in text_of(before)
    result = await admin.slash(
        channel, "t2admin settings", emergency_number="144", retention_days=30, allow_sharing=True
    )
    text = text_of(result)
    assert "Settings saved" in text and "144" in text and "30 days" in text and "yes" in text
    assert await env.bot.store.guild_settings(guild.id) == GuildSettings(guild.id, "144", 30, True)
    after = await alice.slash(channel, "backpain")  # ...and is told to forget it
    assert "144" in text_of(after)

    reset = await admin.slash(channel, "t2admin settings", emergency_number="default")
    assert "112 (the bot's default)" in text_of(reset)
    assert (await env.bot.store.guild_settings(guild.id)).emergency_number is None


async def test_a_shorter_retention_applies_at_once(world, admin, database_url) -> None:
    env, guild, channel, alice = world.env, world.guild, world.channel, world.alice
    saved = await env.bot.store.save_result(
        user_id=alice.id,
        guild_id=guild.id,
        urgency=None,
        contributor_ids=[],
        tip_ids=[],
        knowledge_version="v1",
    )
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            sa.update(SavedResultRow.__table__).values(
                saved_utc=datetime.now(UTC) - timedelta(days=10)
            )
        )
    engine.dispose()
    await admin.slash(channel, "t2admin settings", retention_days=30)
    assert [r.id for r in await env.bot.store.history(alice.id)] == [saved.id]
    await admin.slash(channel, "t2admin settings", retention_days=7)
    assert await env.bot.store.history(alice.id) == []


async def test_out_of_range_retention_is_refused_before_the_command_runs(world, admin) -> None:
    env, guild, channel = world.env, world.guild, world.channel
    from simcord import OptionError

    with pytest.raises(OptionError):  # Discord's client enforces the range...
        await admin.slash(channel, "t2admin settings", retention_days=0)
    assert (await env.bot.store.guild_settings(guild.id)).retention_days == 180


async def test_settings_during_a_storage_outage(world, admin, monkeypatch) -> None:
    env, channel = world.env, world.channel

    async def unavailable(*args, **kwargs):
        raise StoreUnavailable("database is locked")

    monkeypatch.setattr(env.bot.store, "update_guild_settings", unavailable)
    result = await admin.slash(channel, "t2admin settings", allow_sharing=True)
    assert "Nothing was changed" in text_of(result)
    assert not env.errors


async def test_reload_with_errors_keeps_the_old_knowledge(world, manager, knowledge_dir) -> None:
    env, channel, alice = world.env, world.channel, world.alice
    version = env.bot.knowledge.current.version
    for path in knowledge_dir.glob("*.yaml"):
        path.write_text(path.read_text().replace("sources:", "sourcez:"))
    result = await manager.slash(channel, "t2admin reload")
    text = text_of(result)
    assert result.ephemeral and "Not reloaded" in text and f"keeps using version {version}" in text
    (embed,) = last(result).embeds
    assert len(embed.description) <= 4096 and "--check-knowledge" in embed.description
    assert env.bot.knowledge.current.version == version
    assert (await alice.slash(channel, "backpain")).acknowledged  # still serving
    assert not env.errors


async def test_reload_picks_up_a_change(world, manager, knowledge_dir) -> None:
    env, channel = world.env, world.channel
    version = env.bot.knowledge.current.version
    contributors = next(p for p in knowledge_dir.glob("*.yaml") if "worn_shoes" in p.read_text())
    contributors.write_text(
        contributors.read_text().replace("Worn-out running shoes", "Tired running shoes")
    )
    reloaded = await manager.slash(channel, "t2admin reload")
    assert f"Knowledge reloaded (version {version}: the question flow" in text_of(reloaded)
    assert env.bot.knowledge.current.contributor("worn_shoes").name == "Tired running shoes"


def test_a_long_problem_list_is_cut_to_fit() -> None:
    problems = [Problem(f"file{n}.yaml", n, f"nodes[{n}]", "x" * 150) for n in range(300)]
    embed = problems_embed(KnowledgeError(problems), "abc123")
    assert len(embed.description) <= 4096 and len(embed) <= 6000
    assert "300 problem(s)" in embed.title and "file0.yaml:0" not in embed.description
    assert "file1.yaml:1" in embed.description and "more: run" in embed.description


async def test_sync_needs_an_administrator_or_an_owner(world, manager, admin) -> None:
    env, channel = world.env, world.channel
    refused = await manager.slash(channel, "t2admin sync")
    assert refused.ephemeral and "Only the bot's owner" in text_of(refused)
    published = await admin.slash(channel, "t2admin sync")
    assert published.ephemeral and "Published" in text_of(published)
    assert len(await env.bot.tree.fetch_commands()) >= 4
    again = await admin.slash(channel, "t2admin sync")  # Discord limits syncs: so do we
    assert again.ephemeral and "Please wait" in text_of(again)
    assert not env.errors


async def test_only_administrators_change_the_settings(world, manager) -> None:
    env, guild, channel = world.env, world.guild, world.channel
    result = await manager.slash(channel, "t2admin settings", emergency_number="999")
    assert result.ephemeral and "Administrators" in text_of(result)
    assert (await env.bot.store.guild_settings(guild.id)).emergency_number is None
    assert not env.errors


HOSTILE_NUMBERS = [
    "[112](https://evil.example)",
    "\u202e211",
    "1\u200b12",
    "112\u3164",
    "112** - or just rest **",
    "||112||",
    "{emergency_number}",
    "banana",
    "112 or just rest",
]


@pytest.mark.parametrize("number", HOSTILE_NUMBERS)
async def test_a_disguised_emergency_number_is_refused(world, admin, number) -> None:
    env, guild, channel, alice = world.env, world.guild, world.channel, world.alice
    result = await admin.slash(channel, "t2admin settings", emergency_number=number)
    text = text_of(result)
    assert result.ephemeral and "can't be used" in text and "Settings saved" not in text
    assert (await env.bot.store.guild_settings(guild.id)).emergency_number is None
    assert "112" in text_of(await alice.slash(channel, "backpain"))
    assert not env.errors


async def test_a_hostile_number_stored_before_the_rule_is_not_shown(world) -> None:
    env, guild, channel, alice = world.env, world.guild, world.channel, world.alice
    await env.bot.store.update_guild_settings(guild.id, emergency_number="[112](https://evil.x)")
    text = text_of(await alice.slash(channel, "backpain"))
    assert "evil" not in text and "112 (Europe)" in text


@pytest.mark.parametrize(
    "content",
    [
        "a: &a [x, x, x]\nb: [*a, *a, *a]\n",  # the start of a "billion laughs"
        "? [a, b]\n: value\n",  # a key YAML cannot hash
        "tips: " + "[" * 3000 + "]" * 3000 + "\n",  # nesting deeper than Python's recursion
    ],
    ids=["aliases", "unhashable key", "deep nesting"],
)
async def test_reload_of_a_hostile_file_lists_the_problem(
    world, manager, knowledge_dir, content
) -> None:
    env, channel = world.env, world.channel
    version = env.bot.knowledge.current.version
    (knowledge_dir / "hostile.yaml").write_text(content)
    result = await manager.slash(channel, "t2admin reload")
    text = text_of(result)
    assert "Not reloaded: 1 problem(s)" in text and "hostile.yaml:1:" in text
    assert "something went wrong" not in text.lower()
    assert env.bot.knowledge.current.version == version
    assert not env.errors
