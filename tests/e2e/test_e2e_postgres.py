"""The real bot on PostgreSQL, through a TCP proxy the test can cut: the database server goes
away mid-flow and comes back.

Needs ``T2_TEST_POSTGRES_URL`` (``.ci/run`` starts a server and sets it); like the storage
tests, it fails in CI without it and is skipped on a developer machine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from t2bot.knowledge import Knowledge
from t2bot.storage.database import normalize_url
from tests.e2e.fake_discord import BotProcess, FakeDiscord, FakeUser
from tests.e2e.fake_discord.flows import plan_to_result, start, tap, walk
from tests.e2e.fake_discord.harness import fresh_bot, plain, serve_fake
from tests.e2e.fake_discord.payloads import snowflake
from tests.e2e.fake_discord.tcp_proxy import TcpProxy
from tests.postgres import postgres_url, reset_database


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    url = postgres_url()
    reset_database(url)
    yield url
    reset_database(url)


@pytest.fixture(scope="module")
def proxy(database: str) -> Iterator[TcpProxy]:
    parsed = normalize_url(database)
    relay = TcpProxy(parsed.host or "127.0.0.1", parsed.port or 5432).start()
    yield relay
    relay.close()


#: A fake Discord of this module's own: its bot is not the shared one.
fake = pytest.fixture(scope="module", name="fake")(serve_fake)


@pytest.fixture(scope="module")
def bot(
    fake: FakeDiscord, database: str, proxy: TcpProxy, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotProcess]:
    url = normalize_url(database).set(host="127.0.0.1", port=proxy.port)
    process = fresh_bot(
        fake,
        tmp_path_factory.mktemp("postgres"),
        DATABASE_URL=url.render_as_string(hide_password=False),
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture
def member(fake: FakeDiscord) -> FakeUser:
    return fake.add_user("pg_petra")


def _rows(fake: FakeDiscord, member: FakeUser) -> str:
    return fake.wait_answer(fake.slash(member, "mydata", "export")).last.text()


def test_save_and_export_on_postgresql(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, member: FakeUser
) -> None:
    answer, _ = walk(fake, member, plan_to_result(kb))
    assert "saved" in tap(fake, member, answer.last, "Save to my history").last.text().lower()
    assert "1 record" in _rows(fake, member)


def test_database_server_gone_mid_flow(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, proxy: TcpProxy, member: FakeUser
) -> None:
    mark = bot.mark()
    screen = start(fake, member, snowflake()).message
    proxy.cut()
    try:
        nxt = tap(fake, member, screen, kb.node(kb.start).none_label).last
        assert nxt.id == screen.id and nxt.text() != screen.text(), "the open flow continues"
        # In a server whose settings are not cached: the number falls back to the default.
        answer, _ = walk(fake, member, plan_to_result(kb), guild_id=snowflake())
        result = answer.last
        assert "Save to my history" in result.labels(), "the member gets the triage answer"
        busy = tap(fake, member, result, "Save to my history").last
        assert busy.ephemeral and "saved to your history" not in busy.text().lower()
        history = fake.wait_answer(fake.slash(member, "mydata", "history")).last
        assert history.ephemeral and history.text()
    finally:
        proxy.restore()
    log = plain(bot.log_since(mark))
    assert len(re.findall(r"database unavailable", log)) == 1, log
    assert str(member.id) not in log
    saved = tap(fake, member, result, "Save to my history").last
    assert "saved" in saved.text().lower(), "back once the server is back"
    assert "1 record" in _rows(fake, member)
