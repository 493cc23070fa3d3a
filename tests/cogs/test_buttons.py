"""Button plumbing shared by every feature: the prefix registry, unknown and crafted ids, the
extension list, and the one server-settings cache (simcord, the real bot)."""

from __future__ import annotations

import re
from typing import Any

import discord
import pytest

import cogs
import t2discord.client as client
from t2discord.custom_ids import KNOWN_PREFIXES, prefix_of
from tests.cogs.simcord_helpers import buttons, forged_tap, last, text_of

NEW_PREFIX = "t2x"


def labels(message: Any) -> list[str]:
    return [b.get("label") or "" for b in buttons(message)]


class NewFeatureButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"t2x:(?P<n>\d+)"):
    """A feature added later under a prefix nobody listed anywhere else."""

    def __init__(self, n: int) -> None:
        super().__init__(discord.ui.Button(label="New", custom_id=f"t2x:{n}"))
        self.n = n

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Any, match: re.Match[str]
    ) -> NewFeatureButton:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"new feature {self.n}", ephemeral=True)


async def _bot_posts(env: Any, channel: Any, *buttons: discord.ui.Item[Any]) -> Any:
    view = discord.ui.View(timeout=None)
    for button in buttons:
        view.add_item(button)
    await env.bot.get_channel(channel.id).send(content="buttons", view=view)
    await env.settle()
    return channel.last_message


@pytest.mark.parametrize("watchdog", [True])  # it must leave a claimed id to its class
async def test_a_new_prefix_is_answered_once(world) -> None:
    env, channel, alice = world.env, world.channel, world.alice
    assert NEW_PREFIX not in KNOWN_PREFIXES
    env.bot.add_dynamic_items(NewFeatureButton)
    message = await _bot_posts(env, channel, NewFeatureButton(7).item)
    result = await alice.click(message, label="New")
    assert text_of(result) == "new feature 7"
    assert result.followups == []  # the watchdog stayed silent
    assert not env.errors


@pytest.mark.parametrize("watchdog", [True])  # it answers ids no button class reads
async def test_an_id_nobody_reads_gets_one_polite_answer(world) -> None:
    env, channel, alice = world.env, world.channel, world.alice
    message = await _bot_posts(
        env,
        channel,
        discord.ui.Button(label="Legacy", custom_id="legacy:thing"),
        discord.ui.Button(label="Broken", custom_id="t2s:garbage"),
        discord.ui.Button(label="Line", custom_id="t2:abc\ndef"),
    )
    for label in ("Legacy", "Broken", "Line"):
        result = await alice.click(message, label=label)
        assert result.ephemeral and "not active any more" in text_of(result)
        assert result.followups == []
    assert not env.errors


@pytest.fixture
async def watched(simcord_env):
    """A server with the watchdog in place (as in production)."""
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    return simcord_env, channel, alice


@pytest.mark.parametrize("custom_id", ["t2s:show:couch_stretch", "t2:zzz", "not-ours"])
async def test_a_crafted_id_is_answered_at_once(watched, custom_id: str) -> None:
    """An id that is not on the message never reaches a button class; the watchdog answers
    it as the tap arrives, not after its 2.5 s timer (no time is advanced here)."""
    _, channel, alice = watched
    message = last(await alice.slash(channel, "stretch list"))
    result = await forged_tap(alice, message, custom_id)
    assert result.acknowledged and result.ephemeral
    assert "not active any more" in text_of(result)


def test_every_cogs_module_is_an_extension() -> None:
    import pkgutil

    found = {f"cogs.{m.name}" for m in pkgutil.iter_modules(cogs.__path__)}
    assert set(client.EXTENSIONS) == found
    assert "cogs.stretches" in found and "cogs.triage" in found


async def test_extensions_load_in_any_order(tmp_path, monkeypatch) -> None:
    """No extension needs another to be loaded first (each registers what it reads)."""
    from t2bot.settings import Settings
    from tests.conftest import REAL_KNOWLEDGE

    monkeypatch.setattr(client, "EXTENSIONS", tuple(reversed(client.EXTENSIONS)))
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}", knowledge_dir=REAL_KNOWLEDGE
    )
    bot = client.build_bot(settings)
    try:
        await bot.setup_hook()
        assert set(bot.extensions) == set(client.EXTENSIONS)
        assert {"Stretches", "StretchReminders", "Triage"} <= set(bot.cogs)
        assert bot.claims("t2s:show:couch_stretch") and bot.claims("t2d:del:1")
    finally:
        for name in list(bot.cogs):
            await bot.remove_cog(name)
        await bot.store.close()


def test_prefixes_are_registered_once() -> None:
    assert len(set(KNOWN_PREFIXES)) == len(KNOWN_PREFIXES) == 5
    assert prefix_of("t2s:show:x") == "t2s" and prefix_of("t2:x") == "t2"
    assert prefix_of("t2a:1:abcd:a:1:0") == "t2a"
    assert prefix_of("t2f:o:b:0:-:") == "t2f"
    assert prefix_of("t2x:1") is None and prefix_of("t2s") is None


async def test_admin_settings_change_reaches_the_sharing_offer_at_once(world) -> None:
    """/t2admin settings forgets the cached settings, for sharing as for the number."""
    env, guild, channel, alice = world.env, world.guild, world.channel, world.alice
    role = guild.create_role("admins", permissions=discord.Permissions(administrator=True))
    admin = guild.add_member(env.create_user("boss"), roles=[role])
    await env.bot.store.update_guild_settings(guild.id, allow_sharing=True)
    shown = last(await alice.slash(channel, "stretch show", name="couch stretch"))
    assert any(
        "Share" in (b.get("label") or "") for row in shown.components for b in row["components"]
    )
    await admin.slash(channel, "t2admin settings", allow_sharing=False)
    shown = last(await alice.slash(channel, "stretch show", name="couch stretch"))  # no wait
    assert not any(
        "Share" in (b.get("label") or "") for row in shown.components for b in row["components"]
    )
