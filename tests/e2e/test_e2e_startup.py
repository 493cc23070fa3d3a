"""The real bot.py starts against the fake: logs in, publishes its commands, connects."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.fake_discord import BotProcess, FakeDiscord
from tests.e2e.fake_discord.harness import fresh_bot


def _options(command: dict) -> dict[str, dict]:
    return {o["name"]: o for o in command.get("options") or []}


def test_login_and_gateway(fake: FakeDiscord, bot: BotProcess) -> None:
    paths = [(c.method, c.path, c.status) for c in fake.recorded()]
    assert ("GET", "/users/@me", 200) in paths
    assert ("GET", "/oauth2/applications/@me", 200) in paths
    identify = fake.gateway_events("identify")[-1].detail
    assert identify["token_ok"]
    # guilds, guild messages and DMs (cogs/ask.py); no privileged intent: members (1 << 1),
    # presences (1 << 8), message content (1 << 15)
    assert identify["intents"] == 1 | 1 << 9 | 1 << 12, "guilds, guild and DM messages only"
    assert not identify["intents"] & (1 << 1 | 1 << 8 | 1 << 15), "no privileged intents"
    assert fake.gateway_events("heartbeat"), "heartbeats after HELLO"


def test_commands_are_published(fake: FakeDiscord, bot: BotProcess) -> None:
    assert fake.command_puts >= 1
    names = set(fake.command_names())
    assert {"backpain", "stretch", "mydata", "t2admin", "Ask T2 privately"} <= names, names
    stretch = _options(fake.command("stretch"))
    assert {"list", "show", "routine", "remind"} <= set(stretch)
    assert stretch["remind"]["type"] == 2, "remind is a subcommand group"
    assert {"set", "off", "list"} <= set(_options(stretch["remind"]))
    assert {"history", "export", "delete"} <= set(_options(fake.command("mydata")))
    assert fake.command("t2admin")["options"], "t2admin has subcommands"
    assert not fake.command("backpain")["options"]


def test_every_rest_call_was_a_known_route(fake: FakeDiscord, bot: BotProcess) -> None:
    assert not fake.unknown_routes(), "the bot called routes the fake does not implement"


def test_dev_guild_sync_publishes_to_that_server_only(tmp_path: Path) -> None:
    """With DEV_GUILD_ID, --sync publishes to that server (instant), not globally."""
    own = FakeDiscord().start()
    try:
        process = fresh_bot(own, tmp_path, DEV_GUILD_ID=str(own.guild_id))
        process.start()
        try:
            assert not own.global_commands
            names = {c["name"] for c in own.guild_commands.get(own.guild_id, [])}
            assert {"backpain", "stretch", "mydata", "t2admin"} <= names
            member = own.add_user("guild_sync_gina")
            assert own.wait_answer(own.slash(member, "backpain")).last.buttons()
            assert not own.unanswered()
        finally:
            assert process.stop() == 0
    finally:
        own.stop()


def test_a_refused_token_stops_with_a_clear_message(fake: FakeDiscord, tmp_path: Path) -> None:
    wrong = "MTE.wrong-token-for-the-test.abcdefghijklmnop"
    process = fresh_bot(fake, tmp_path, DISCORD_TOKEN=wrong)
    process.start(wait=False)
    assert process.proc is not None
    code = process.proc.wait(30)
    log = process.log()
    assert code == 2, log[-2000:]
    assert "Discord refused the token" in log
    assert wrong not in log and "wrong-token" not in log


def test_the_invite_link_is_logged_with_exactly_what_the_bot_needs(
    fake: FakeDiscord, bot: BotProcess
) -> None:
    from urllib.parse import parse_qs, urlparse

    # BotProcess runs `--sync` first (which logs it too, for the admin who just installed);
    # the running bot logs it once.
    running = bot.log().rsplit("=== run", 1)[-1]
    lines = [line for line in running.splitlines() if "invite link" in line]
    assert len(lines) == 1, bot.log()
    url = lines[0].split(": ", 1)[1].strip().split()[-1]
    query = parse_qs(urlparse(url).query)
    assert query["client_id"] == [str(fake.app_id)]
    assert query["scope"] == ["bot applications.commands"]
    assert query["permissions"] == ["0"]  # answers to interactions and DMs need none
