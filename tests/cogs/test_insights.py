"""/t2admin stats and /t2admin diagram on simcord: managers only, small groups hidden, the
chart and the picture attached; a finished /backpain check is counted with no member id."""

from __future__ import annotations

import copy
from typing import Any, cast

import discord
import pytest
import sqlalchemy as sa
from simcord import actors as simcord_actors

from t2bot.knowledge import diagram
from t2bot.storage.models import CheckCounterRow
from tests.cogs.simcord_helpers import button_with, last, tap, text_of


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


def counted(env) -> dict[str, int]:
    with env.bot.store.db.engine.connect() as connection:
        rows = connection.execute(sa.select(CheckCounterRow.__table__)).mappings().all()
    return {row["ending"]: row["count"] for row in rows}


async def test_one_check_is_counted_once_however_often_it_reaches_the_end(world) -> None:
    """The last tap delivered twice (the member tapped again before the edit arrived) is still
    one check; Start over on the same message begins a new one."""
    alice, channel, env = world.alice, world.channel, world.env
    message = last(await alice.slash(channel, "backpain"))
    sign = world.kb.node(world.kb.start).flags[0].label[:20]
    sign_id = button_with(message, sign)["custom_id"]
    before = copy.deepcopy(env.backend.get_message(message.channel_id, message.id))
    await tap(alice, message, sign)
    assert counted(env) == {"emergency": 1}
    tapped_again = {"custom_id": sign_id, "component_type": discord.ComponentType.button.value}
    again = await simcord_actors._component_interaction(alice, before, tapped_again)
    assert again.acknowledged and "Emergency" in text_of(again)  # the exit is shown again
    assert counted(env) == {"emergency": 1}
    await tap(alice, message, "Start over")
    await tap(alice, message, sign)
    assert counted(env) == {"emergency": 2}


def test_the_counter_forgets_the_oldest_messages_first() -> None:
    from t2bot.insights import CheckCounter

    class Store:
        def __init__(self) -> None:
            self.counts: list[str] = []

        async def count_check(self, guild_id: int | None, ending: str) -> None:
            self.counts.append(ending)

    import asyncio

    from t2bot.knowledge.model import Urgency
    from t2bot.triage.engine import Escalation

    store, counter = Store(), CheckCounter(limit=2)
    end = Escalation(Urgency.emergency, ())
    for message_id in (1, 2, 1, 3, 1):  # 1 is forgotten once 2 and 3 came after it
        asyncio.run(counter.moved(cast(Any, store), 7, message_id, end))
    assert store.counts == ["emergency"] * 4
    assert len(counter._counted) == 2


@pytest.mark.skipif(not diagram.dot_available(), reason="Graphviz dot not installed")
async def test_diagram_attaches_every_a4_page(world, manager) -> None:
    result = await manager.slash(world.channel, "t2admin diagram")
    message = last(result)
    count = len(diagram.paginate(diagram.flow_graph(world.kb)))
    assert [f.filename for f in message.attachments] == [
        f"t2-flow-{n}.png" for n in range(1, count + 1)
    ]
    assert result.ephemeral
    [embed] = message.embeds
    assert embed.title == "The question flow"
    assert f"{count} A4 page(s)" in embed.description and "t2-flow.pdf" not in embed.description


async def test_diagram_beyond_ten_pages_sends_the_pdf_and_nine_pictures(
    world, manager, monkeypatch
) -> None:
    """Discord takes 10 attachments a message: every page goes in the PDF instead."""
    monkeypatch.setattr(diagram, "dot_available", lambda: True)
    monkeypatch.setattr(diagram, "render_pages", lambda graph, fmt: [b"\x89PNG page"] * 12)
    monkeypatch.setattr(diagram, "render_pdf", lambda graph: b"%PDF-1.5 all pages")
    result = await manager.slash(world.channel, "t2admin diagram")
    message = last(result)
    names = [f.filename for f in message.attachments]
    assert names == ["t2-flow.pdf"] + [f"t2-flow-{n}.png" for n in range(1, 10)]
    assert "All 12 pages are in t2-flow.pdf; pages 1-9" in message.embeds[0].description


def test_diagram_files_keep_under_discords_25_mib() -> None:
    from cogs.admin import MAX_BYTES, diagram_files

    page = b"p" * (MAX_BYTES // 3)
    files, note = diagram_files([page] * 4, b"%PDF small")
    assert [f.filename for f in files] == ["t2-flow.pdf", "t2-flow-1.png", "t2-flow-2.png"]
    files, note = diagram_files([page] * 4, b"x" * (MAX_BYTES + 1))
    assert [f.filename for f in files] == ["t2-flow-1.png", "t2-flow-2.png", "t2-flow-3.png"]
    assert "bot.py --diagram flow.pdf" in note and "pages 1-3" in note
    files, note = diagram_files([page] * 3, b"")
    assert len(files) == 3 and note == ""


async def test_diagram_without_dot_sends_mermaid_and_says_why(world, manager, monkeypatch) -> None:
    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    result = await manager.slash(world.channel, "t2admin diagram")
    assert "apt-get install graphviz" in text_of(result)
    [file] = last(result).attachments
    assert file.filename == "t2-flow.mmd"
