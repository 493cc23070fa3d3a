"""The real bot.py starts against the fake: logs in, publishes its commands, connects."""

from __future__ import annotations

from tests.loopback import BotProcess, FakeDiscord


def _options(command: dict) -> dict[str, dict]:
    return {o["name"]: o for o in command.get("options") or []}


def test_login_and_gateway(fake: FakeDiscord, bot: BotProcess) -> None:
    paths = [(c.method, c.path, c.status) for c in fake.recorded()]
    assert ("GET", "/users/@me", 200) in paths
    assert ("GET", "/oauth2/applications/@me", 200) in paths
    identify = fake.gateway_events("identify")[-1].detail
    assert identify["token_ok"]
    assert identify["intents"] == 1, "only the guilds intent (no privileged intents)"
    assert fake.gateway_events("heartbeat"), "heartbeats after HELLO"


def test_commands_are_published(fake: FakeDiscord, bot: BotProcess) -> None:
    assert fake.command_puts >= 1
    names = set(fake.command_names())
    assert {"backpain", "stretch", "mydata", "t2admin"} <= names, names
    stretch = _options(fake.command("stretch"))
    assert {"list", "show", "routine", "remind"} <= set(stretch)
    assert stretch["remind"]["type"] == 2, "remind is a subcommand group"
    assert {"set", "off", "list"} <= set(_options(stretch["remind"]))
    assert {"history", "export", "delete"} <= set(_options(fake.command("mydata")))
    assert fake.command("t2admin")["options"], "t2admin has subcommands"
    assert not fake.command("backpain")["options"]


def test_every_rest_call_was_a_known_route(fake: FakeDiscord, bot: BotProcess) -> None:
    assert not fake.unknown_routes(), "the bot called routes the fake does not implement"
