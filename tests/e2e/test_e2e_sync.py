"""``bot.py --sync`` publishes the commands over HTTP and exits (no gateway, no long-running bot);
``--dev-guild`` publishes to one server, ``--clear-dev-guild`` removes that server's copies so a
later global sync leaves no duplicates. A database that cannot be reached stops the start before
any Discord call."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.fake_discord import BotProcess, FakeDiscord
from tests.e2e.fake_discord.harness import fresh_bot

EXPECTED = {"backpain", "stretch", "mydata", "t2admin"}


@pytest.fixture
def own() -> Iterator[FakeDiscord]:
    server = FakeDiscord().start()
    yield server
    server.stop()


def _names(commands: list[dict]) -> set[str]:
    return {c["name"] for c in commands}


def _shown_in_server(fake: FakeDiscord) -> list[str]:
    """What a member of the server sees: global commands plus the server's own copies."""
    return [c["name"] for c in fake.global_commands + fake.guild_commands.get(fake.guild_id, [])]


def test_sync_publishes_globally_and_exits_without_the_gateway(
    own: FakeDiscord, tmp_path: Path
) -> None:
    process = fresh_bot(own, tmp_path)
    done = process.publish()
    assert done.returncode == 0
    assert "Published" in done.stdout and "globally" in done.stdout
    assert _names(own.global_commands) >= EXPECTED
    assert not own.guild_commands.get(own.guild_id)
    assert not own.gateway_events("identify"), "--sync must not connect to the gateway"
    assert own.recorded("PUT", r"/applications/\d+/commands$")
    assert not process.alive()


def test_dev_guild_then_clear_leaves_no_duplicates(own: FakeDiscord, tmp_path: Path) -> None:
    process = fresh_bot(own, tmp_path)
    guild = str(own.guild_id)
    dev = process.publish("--dev-guild", guild)
    assert f"to server {guild}" in dev.stdout
    assert _names(own.guild_commands[own.guild_id]) >= EXPECTED
    assert not own.global_commands

    # Going live: publish globally and drop the test copies in the same run.
    live = process.publish("--clear-dev-guild", guild)
    assert "Removed" in live.stdout
    assert _names(own.global_commands) >= EXPECTED
    assert own.guild_commands[own.guild_id] == []
    shown = _shown_in_server(own)
    assert len(shown) == len(set(shown)), f"duplicate commands in the server: {sorted(shown)}"
    assert own.recorded("PUT", rf"/guilds/{guild}/commands$")
    assert not own.gateway_events("identify")


def test_clear_dev_guild_alone_touches_no_global_command(own: FakeDiscord, tmp_path: Path) -> None:
    process = fresh_bot(own, tmp_path)
    process.publish("--dev-guild", str(own.guild_id))
    before = own.recorded("PUT", r"/applications/\d+/commands$")
    cleared = BotProcess(own, tmp_path, args=("--clear-dev-guild", str(own.guild_id)))
    cleared.start(wait=False)
    assert cleared.proc is not None and cleared.proc.wait(60) == 0, cleared.log()[-2000:]
    assert own.guild_commands[own.guild_id] == []
    assert own.recorded("PUT", r"/applications/\d+/commands$") == before
    assert not own.gateway_events("identify")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("mode", [(), ("--sync",)], ids=["run", "sync"])
def test_unreachable_postgres_stops_before_logging_in(
    own: FakeDiscord, tmp_path: Path, mode: tuple[str, ...]
) -> None:
    password = "s3cret-pg-pass"
    url = f"postgresql://t2bot:{password}@127.0.0.1:{_closed_port()}/t2bot"
    process = BotProcess(own, tmp_path, args=mode, env={"DATABASE_URL": url})
    process.proc = None
    if mode:
        done = process.publish(check=False)
        code, log = done.returncode, done.stderr
    else:
        process.start(wait=False)
        assert process.proc is not None
        code, log = process.proc.wait(60), process.log()
    assert code == 2, log[-2000:]
    assert "The database cannot be used" in log and "did not log in to Discord" in log
    assert "Traceback" not in log and password not in log
    assert own.recorded() == [], "no Discord call before the database is ready"
    assert not own.gateway_events("identify")


def _bot_py(process: BotProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(process.script), *args],
        cwd=process.workdir,
        env=process.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_backup_while_running_and_restore_only_when_stopped(
    own: FakeDiscord, tmp_path: Path
) -> None:
    process = fresh_bot(own, tmp_path).start()
    try:
        copy = tmp_path / "backup.sqlite3"
        made = _bot_py(process, "--backup", str(copy))
        assert made.returncode == 0, made.stderr
        assert copy.is_file()
        refused = _bot_py(process, "--restore", str(copy))
        assert refused.returncode == 1
        assert "the bot is running" in refused.stderr and "Nothing was changed" in refused.stderr
    finally:
        assert process.stop() == 0
    restored = _bot_py(process, "--restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    assert process.start().alive(), "the bot starts on the restored database"
    assert process.stop() == 0


def test_clearing_the_server_dev_guild_id_still_points_at_is_refused(
    own: FakeDiscord, tmp_path: Path
) -> None:
    guild = str(own.guild_id)
    process = fresh_bot(own, tmp_path, DEV_GUILD_ID=guild)
    done = process.publish("--clear-dev-guild", guild, check=False)
    assert done.returncode == 2
    assert "empty DEV_GUILD_ID" in done.stderr
    assert own.recorded() == []
