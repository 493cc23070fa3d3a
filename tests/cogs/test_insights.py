"""/t2admin stats and /t2admin diagram on simcord: managers only, small groups hidden, the
chart and the picture attached; a finished /backpain check is counted with no member id."""

from __future__ import annotations

import discord
import pytest
import sqlalchemy as sa

from t2bot.knowledge import diagram
from t2bot.storage.models import CheckCounterRow
from tests.cogs.simcord_helpers import last, tap, text_of


@pytest.fixture
def manager(world):
    role = world.guild.create_role("coaches", permissions=discord.Permissions(manage_guild=True))
    return world.guild.add_member(world.env.create_user("coach"), roles=[role])


async def seed(world) -> None:
    store, kb, guild = world.env.bot.store, world.kb, world.guild.id
    tip, rare = kb.tips[0].id, kb.tips[1].id
    for _ in range(7):
        await store.count_check(guild, "advice")
    await store.count_check(guild, "emergency")
    for n in range(6):
        await store.keep_followup_answer(
            user_id=5000 + n,
            guild_id=guild,
            outcome="better" if n < 5 else "same",
            contributor_ids=[kb.contributors[0].id],
            tip_ids=[tip] + ([rare] if n < 2 else []),
            stretch_ids=[],
            answer_key=f"k{n}",
        )


async def test_stats_hide_small_groups_and_attach_a_chart(world, manager) -> None:
    await seed(world)
    kb = world.kb
    result = await manager.slash(world.channel, "t2admin stats", days=30)
    shown = text_of(result)
    assert result.ephemeral
    assert "**8** check(s)" in shown
    assert "Self-care advice: **7**" in shown and "Emergency: **fewer than 5**" in shown
    assert f"{kb.contributors[0].name}: **6** members" in shown
    assert "tried by 6, better for 5" in shown
    assert kb.tips[1].text[:30] not in shown  # tried by 2: not shown at all
    assert "1 more tried by fewer than 5 members" in shown
    message = last(result)
    [file] = message.attachments
    assert file.filename == "t2-stats.png"
    assert message.embeds[0].image.url == "attachment://t2-stats.png"


async def test_stats_are_for_managers_only(world) -> None:
    commands = {c.name: c for c in await world.env.bot.tree.fetch_commands()}
    world.guild.set_command_permissions(commands["t2admin"], {world.alice: True})
    result = await world.alice.slash(world.channel, "t2admin stats")
    assert result.ephemeral and "Manage Server" in text_of(result)


async def test_a_finished_check_is_counted_without_a_member_id(world) -> None:
    alice, channel, env = world.alice, world.channel, world.env
    started = await alice.slash(channel, "backpain")
    message = last(started)
    first_sign = world.kb.node(world.kb.start).flags[0].label
    await tap(alice, message, first_sign[:20])  # an emergency sign ends the check at once
    with env.bot.store.db.engine.connect() as connection:
        rows = connection.execute(sa.select(CheckCounterRow.__table__)).mappings().all()
    assert [dict(r) for r in rows] == [
        {"guild_id": world.guild.id, "day": rows[0]["day"], "ending": "emergency", "count": 1}
    ]
    assert str(alice.id) not in str([dict(r) for r in rows])


@pytest.mark.skipif(not diagram.dot_available(), reason="Graphviz dot not installed")
async def test_diagram_attaches_the_png(world, manager) -> None:
    result = await manager.slash(world.channel, "t2admin diagram")
    message = last(result)
    [file] = message.attachments
    assert file.filename == "t2-flow.png" and result.ephemeral


async def test_diagram_without_dot_sends_mermaid_and_says_why(world, manager, monkeypatch) -> None:
    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    result = await manager.slash(world.channel, "t2admin diagram")
    assert "apt-get install graphviz" in text_of(result)
    [file] = last(result).attachments
    assert file.filename == "t2-flow.mmd"
