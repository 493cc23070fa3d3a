"""/t2admin end to end: an admin's emergency number reaches the next /backpain, command sync
is for admins only and not too often, and the group is refused outside a server.

Settings are changed in a server of their own (the fake sends it no GUILD_CREATE, as for a
server that joined later), so the shared bot's default server keeps its defaults.
"""

from __future__ import annotations

from t2bot.knowledge import Knowledge
from tests.e2e.fake_discord import BotProcess, FakeDiscord
from tests.e2e.fake_discord.flows import start, tap
from tests.e2e.fake_discord.payloads import (
    ADMINISTRATOR,
    MANAGE_GUILD,
    MEMBER_PERMISSIONS,
    snowflake,
)


def test_emergency_number_reaches_the_next_check(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge
) -> None:
    guild = snowflake()
    manager = fake.add_user("mia_admin", permissions=MEMBER_PERMISSIONS | ADMINISTRATOR)
    member = fake.add_user("noah_member")
    saved = fake.wait_answer(
        fake.slash(manager, "t2admin", "settings", guild_id=guild, emergency_number="0800 555 123")
    ).last
    assert saved.ephemeral and "0800 555 123" in saved.text()
    node = kb.node(kb.start)
    emergency = next(f for f in node.flags if f.urgency.value == "emergency")
    screen = start(fake, member, guild_id=guild).message
    assert "0800 555 123" in tap(fake, member, screen, emergency.label, exact=False).last.text()
    fake.wait_answer(
        fake.slash(manager, "t2admin", "settings", guild_id=guild, emergency_number="default")
    )
    screen = start(fake, member, guild_id=guild).message
    result = tap(fake, member, screen, emergency.label, exact=False).last.text()
    assert "0800 555 123" not in result and "112" in result


def test_settings_values_out_of_range_are_refused(fake: FakeDiscord, bot: BotProcess) -> None:
    guild = snowflake()
    manager = fake.add_user("max_admin", permissions=MEMBER_PERMISSIONS | ADMINISTRATOR)
    for value in (0, 99_999):
        answer = fake.wait_answer(
            fake.slash(manager, "t2admin", "settings", guild_id=guild, retention_days=value)
        ).last
        assert answer.ephemeral and "Settings saved" not in answer.text()


def test_sync_needs_an_admin_and_is_not_repeated(fake: FakeDiscord, bot: BotProcess) -> None:
    guild = snowflake()
    manager = fake.add_user("ola_manager", permissions=MEMBER_PERMISSIONS | MANAGE_GUILD)
    admin = fake.add_user("pat_admin", admin=True)
    puts = fake.command_puts
    refused = fake.wait_answer(fake.slash(manager, "t2admin", "sync", guild_id=guild)).last
    assert refused.ephemeral and "Published" not in refused.text()
    assert fake.command_puts == puts
    done = fake.wait_answer(fake.slash(admin, "t2admin", "sync", guild_id=guild)).last
    assert "Published" in done.text() and fake.command_puts == puts + 1
    again = fake.wait_answer(fake.slash(admin, "t2admin", "sync", guild_id=guild)).last
    assert "wait" in again.text().lower() and fake.command_puts == puts + 1


def test_admin_group_in_a_direct_message(fake: FakeDiscord, bot: BotProcess) -> None:
    admin = fake.add_user("quin_admin_dm", admin=True)
    answer = fake.wait_answer(fake.slash(admin, "t2admin", "reload", in_dm=True)).last
    assert answer.ephemeral and "reloaded" not in answer.text().lower()
