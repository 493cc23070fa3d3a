"""Two real bot processes, one shard each (``SHARD_COUNT=2``, ``SHARD_IDS=0`` and ``1``), on one
PostgreSQL database: the fake Discord routes each server's events to the session of its shard,
``(guild_id >> 22) % 2``, as Discord does. Each process hears only its own servers, answers them,
and a result saved through one shard shows in /mydata history through the other.

Needs ``T2_TEST_POSTGRES_URL`` (like test_e2e_two_processes.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from t2bot.knowledge import Knowledge
from tests.e2e.fake_discord import BotProcess, FakeDiscord
from tests.e2e.fake_discord.flows import plan_to_result, tap, walk
from tests.e2e.fake_discord.gateway import shard_of
from tests.e2e.fake_discord.harness import copy_knowledge
from tests.postgres import postgres_url, reset_database


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    url = postgres_url()
    reset_database(url)
    yield url
    reset_database(url)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeDiscord]:
    server = FakeDiscord().start()  # not multi_session: the shards keep each other alive
    yield server
    server.stop()


@pytest.fixture(scope="module")
def guilds(fake: FakeDiscord) -> tuple[int, int]:
    """A server on shard 0 and one on shard 1 (added before the bots connect)."""
    return fake.add_guild(shard=(0, 2)), fake.add_guild(shard=(1, 2))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shards")
    copy_knowledge(path / "knowledge")
    return path


def _shard(
    fake: FakeDiscord, workdir: Path, database: str, shard: int, args: tuple[str, ...]
) -> BotProcess:
    env = {
        "DATABASE_URL": database,
        "KNOWLEDGE_DIR": str(workdir / "knowledge"),
        "SHARD_COUNT": "2",
        "SHARD_IDS": str(shard),
    }
    return BotProcess(fake, workdir, env=env, name=f"bot_shard{shard}", args=args)


@pytest.fixture(scope="module")
def bot(
    fake: FakeDiscord, database: str, workdir: Path, guilds: tuple[int, int]
) -> Iterator[BotProcess]:
    """Shard 0 (publishes the commands)."""
    process = _shard(fake, workdir, database, 0, ("--sync",)).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def bot_b(fake: FakeDiscord, database: str, workdir: Path, bot: BotProcess) -> Iterator[BotProcess]:
    """Shard 1, its own process."""
    process = _shard(fake, workdir, database, 1, ()).start()
    yield process
    process.stop()


def _sent(process: BotProcess, event: str) -> list[dict]:
    assert process.session is not None
    return [p["d"] for p in list(process.session.sent) if p["t"] == event]


def test_each_process_identifies_with_its_shard_and_hears_only_its_servers(
    fake: FakeDiscord, bot: BotProcess, bot_b: BotProcess, guilds: tuple[int, int]
) -> None:
    assert bot.alive() and bot_b.alive()
    shards = [e.detail["shard"] for e in fake.gateway_events("identify")]
    assert [0, 2] in shards and [1, 2] in shards
    assert bot.session is not None and bot_b.session is not None
    assert bot.session.shard == (0, 2) and bot_b.session.shard == (1, 2)
    for process, own in ((bot, guilds[0]), (bot_b, guilds[1])):
        created = {int(g["id"]) for g in _sent(process, "GUILD_CREATE")}
        assert own in created
        assert all(shard_of(g, 2) == process.session.shard[0] for g in created)  # type: ignore[union-attr]


def test_a_server_is_answered_by_its_shard_and_results_are_shared(
    fake: FakeDiscord,
    bot: BotProcess,
    bot_b: BotProcess,
    guilds: tuple[int, int],
    kb: Knowledge,
) -> None:
    on_shard0, on_shard1 = guilds
    plan = plan_to_result(kb)
    member = fake.add_user("ulla_shards")
    before = {p: len(_sent(p, "INTERACTION_CREATE")) for p in (bot, bot_b)}

    answer, _ = walk(fake, member, plan, guild_id=on_shard1)
    saved = tap(fake, member, answer.last, "Save to my history").last
    assert "saved" in saved.text().lower()
    assert len(_sent(bot_b, "INTERACTION_CREATE")) - before[bot_b] == len(plan) + 2
    assert len(_sent(bot, "INTERACTION_CREATE")) == before[bot], "shard 0 heard none of it"

    history = fake.wait_answer(fake.slash(member, "mydata", "history", guild_id=on_shard0)).last
    assert len(_sent(bot, "INTERACTION_CREATE")) == before[bot] + 1, "shard 0 answered"
    named = [c.name for c in kb.contributors if c.name in answer.last.text()]
    assert named and any(name in history.text() for name in named), history.text()
