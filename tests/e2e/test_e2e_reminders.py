"""Reminder DMs end to end: a due reminder is delivered by DM (through a 429 on the send), its
buttons work in the DM, and a member whose DMs are closed gets a paused reminder, not a crash.

The reminders are put in the database before the bot starts, already due, so the bot's first
reminder round (right after it is ready) sends them; setting one by command is in
test_e2e_stretches.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from t2bot.knowledge import Knowledge
from t2bot.storage import Store
from tests.e2e.fake_discord import BotProcess, FakeDiscord, FakeUser
from tests.e2e.fake_discord.harness import fresh_bot, plain, serve_fake

#: A fake Discord of this module's own: its bot is not the shared one.
fake = pytest.fixture(scope="module", name="fake")(serve_fake)


@pytest.fixture(scope="module")
def members(fake: FakeDiscord) -> dict[str, FakeUser]:
    return {
        "open": fake.add_user("rita_reminded", "Rita"),
        "also": fake.add_user("rob_reminded"),
        "closed": fake.add_user("carl_closed_dms", accepts_dms=False),
        "checkin": fake.add_user("cora_checkin"),
        "checkin_closed": fake.add_user("cody_checkin_closed", accepts_dms=False),
    }


async def _seed(url: str, guild_id: int, users: list[FakeUser]) -> None:
    store = Store(url)
    await store.start()
    try:
        due = datetime.now(UTC) - timedelta(minutes=1)
        for user in users[3:]:
            await store.set_followup(user.id, guild_id, due)
        for user in users[:3]:
            await store.set_reminder(
                user_id=user.id,
                guild_id=guild_id,
                focus="after_ride",
                minutes=10,
                local_time="07:30",
                days=list(range(7)),
                timezone="Europe/London",
                next_due_utc=due,
            )
    finally:
        await store.close()


@pytest.fixture(scope="module")
def bot(
    fake: FakeDiscord, members: dict[str, FakeUser], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotProcess]:
    workdir: Path = tmp_path_factory.mktemp("reminders")
    process = fresh_bot(fake, workdir)
    asyncio.run(_seed(process.env()["DATABASE_URL"], fake.guild_id, list(members.values())))
    fake.fail_next("POST", r"^/channels/\d+/messages$", 429, retry_after=0.5)
    process.start()
    yield process
    process.stop()


def test_due_reminder_arrives_by_dm(
    fake: FakeDiscord, bot: BotProcess, members: dict[str, FakeUser]
) -> None:
    for key in ("open", "also"):
        dms = fake.wait_dm(members[key], timeout=30)
        assert len(dms) == 1
        dm = dms[0]
        assert "stretch routine" in dm.text().lower()
        assert dm.has_button("Start") and dm.has_button("Stop reminders")
        assert "guild_id" not in dm.payload
    sends = [c.status for c in fake.recorded("POST", r"^/channels/\d+/messages$")]
    assert 429 in sends, "one send was rate limited and retried"


def test_reminder_buttons_work_in_the_dm(
    fake: FakeDiscord, bot: BotProcess, members: dict[str, FakeUser]
) -> None:
    member = members["open"]
    dm = fake.wait_dm(member)[0]
    off = fake.wait_answer(fake.tap(member, dm, label="Stop reminders")).last
    assert "off" in off.text().lower()
    first = fake.wait_answer(fake.tap(member, dm, label="Start")).last
    assert first.id == dm.id and first.has_button("Next")
    listed = fake.wait_answer(fake.slash(member, "stretch", "remind", "list")).last
    assert "no stretch reminders" in listed.text().lower()


def test_closed_dms_pause_the_reminder(
    fake: FakeDiscord, bot: BotProcess, members: dict[str, FakeUser]
) -> None:
    member = members["closed"]
    fake.wait_dm(members["also"])  # the round has run
    assert fake.dms_to(member) == []
    refused = [c for c in fake.recorded("POST", r"^/channels/\d+/messages$") if c.status == 403]
    assert refused, "the bot tried and Discord refused"
    listed = fake.wait_answer(fake.slash(member, "stretch", "remind", "list")).last
    assert "paused" in listed.text().lower()
    log = plain(bot.log())
    assert str(member.id) not in log


def test_a_due_check_in_arrives_once_by_dm(
    fake: FakeDiscord, bot: BotProcess, members: dict[str, FakeUser], kb: Knowledge
) -> None:
    member = members["checkin"]
    dms = fake.wait_dm(member, timeout=30)
    assert len(dms) == 1
    text = dms[0].text()
    assert "how is your back" in text.lower()
    assert kb.meta.professional_reminder[:40] in text
    assert "{" not in text, "no unfilled placeholder such as {emergency_number}"
    assert fake.dms_to(members["checkin_closed"]) == []
    export = fake.wait_answer(fake.slash(member, "mydata", "export")).last
    assert "0 record" in export.text(), "the consent is used up once the DM is sent"
