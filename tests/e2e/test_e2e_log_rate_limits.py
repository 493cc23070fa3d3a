"""Discord rate-limits every kind of REST call the bot makes, once each: the bot retries and
answers, and its log (discord.py warns with the whole URL on a 429) holds no member or channel
id and no interaction token.

This module has a bot process of its own; a check-in DM is put in its database before it starts.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from t2bot.knowledge import Knowledge
from t2bot.storage import Store
from tests.e2e.fake_discord import BotProcess, FakeDiscord, FakeUser
from tests.e2e.fake_discord.flows import plan_to_result, tap, walk
from tests.e2e.fake_discord.harness import fresh_bot, plain, serve_fake

fake = pytest.fixture(scope="module", name="fake")(serve_fake)

#: The DM route (open the DM channel, fetch the member, send) of a check-in.
DM_ROUTES = [
    ("POST", r"^/users/@me/channels$"),
    ("GET", r"^/users/\d+$"),
    ("POST", r"^/channels/\d+/messages$"),
]
#: Routes of answering an interaction: first answer, follow-up, edit of the original.
ANSWER_ROUTES = [
    ("POST", r"/callback$"),
    ("POST", r"^/webhooks/\d+/[^/]+$"),
    ("PATCH", r"^/webhooks/\d+/[^/]+/messages/@original$"),
]
SNOWFLAKE = re.compile(r"(?<!\d)\d{15,21}(?!\d)")


@pytest.fixture(scope="module")
def members(fake: FakeDiscord) -> dict[str, FakeUser]:
    return {
        "checkin": fake.add_user("rafa_ratelimited"),
        "flow": fake.add_user("lena_limited", "Lena"),
    }


async def _seed(url: str, guild_id: int, member: FakeUser) -> None:
    store = Store(url)
    await store.start()
    try:
        await store.set_followup(member.id, guild_id, datetime.now(UTC) - timedelta(minutes=1))
    finally:
        await store.close()


@pytest.fixture(scope="module")
def bot(
    fake: FakeDiscord, members: dict[str, FakeUser], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotProcess]:
    process = fresh_bot(fake, tmp_path_factory.mktemp("ratelimits"))
    asyncio.run(_seed(process.env()["DATABASE_URL"], fake.guild_id, members["checkin"]))
    for method, pattern in DM_ROUTES:
        fake.fail_next(method, pattern, 429, retry_after=0.3)
    process.start()
    yield process
    if process.alive():
        process.stop()


def test_every_answer_route_survives_a_429_and_the_log_keeps_ids_out(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, members: dict[str, FakeUser]
) -> None:
    member = members["flow"]
    dm = fake.wait_dm(members["checkin"], timeout=30)
    assert len(dm) == 1, "the check-in DM arrives once, after its 429s"

    for method, pattern in ANSWER_ROUTES:
        fake.fail_next(method, pattern, 429, retry_after=0.3)
    answer, _ = walk(fake, member, plan_to_result(kb))
    saved = tap(fake, member, answer.last, "Save to my history")
    assert "saved" in saved.last.text().lower()
    history = fake.wait_answer(fake.slash(member, "mydata", "history"), timeout=15)
    assert history.last.ephemeral

    limited = [c for c in fake.recorded() if c.status == 429]
    assert len(limited) >= len(DM_ROUTES), [(c.method, c.path) for c in limited]

    bot.stop()
    log = plain(bot.log())
    assert "rate limited" in log, "discord.py's 429 warnings are in the log"
    ids = {str(m.id) for m in members.values()} | {str(fake.guild_id)}
    for line in log.splitlines():
        assert not [i for i in ids if i in line], f"an id in the log: {line}"
        # The one id allowed: the bot's own application id, public, in its invite link.
        public = line.replace(f"client_id={fake.app_id}&", "client_id=<bot>&")
        assert not SNOWFLAKE.search(public), f"a Discord id in the log: {line}"
    for token in fake.interaction_tokens():
        assert token[-40:] not in log, "interaction tokens are secrets"
