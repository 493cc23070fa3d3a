"""Check-in DMs that ask and learn, and club insights, end to end over the loopback Discord.

The opt-ins are in the database before the bot starts, already due (the bot's first check-in
round, right after it is ready, sends them). Five members pick a tip, answer Better and keep
their answer; one answers Worse and keeps nothing. Then a manager's /t2admin stats shows
"tried by 5, better for 5" with a chart attached, and hides the groups under 5. A member's
/backpain "Check on me in a week" stores the ids the DM will offer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from t2bot.checkin.ids import CheckInId
from t2bot.knowledge import Knowledge, load_knowledge
from t2bot.storage import Store
from tests.e2e.fake_discord import BotProcess, FakeDiscord, FakeUser
from tests.e2e.fake_discord.flows import plan_to_result, tap, walk
from tests.e2e.fake_discord.harness import fresh_bot, serve_fake
from tests.e2e.fake_discord.payloads import MANAGE_GUILD, MEMBER_PERMISSIONS

fake = pytest.fixture(scope="module", name="fake")(serve_fake)
CONTRIBUTOR = "not_aero_adapted"
ANSWERING = 5


@pytest.fixture(scope="module")
def kb_here() -> Knowledge:
    return load_knowledge(Path(__file__).resolve().parents[2] / "knowledge")


@pytest.fixture(scope="module")
def offered(kb_here: Knowledge) -> dict[str, list[str]]:
    contributor = kb_here.contributor(CONTRIBUTOR)
    stretch = next(s for s in kb_here.stretches if CONTRIBUTOR in s.addresses)
    return {
        "contributor_ids": [CONTRIBUTOR],
        "tip_ids": list(contributor.tips[:2]),
        "stretch_ids": [stretch.id],
    }


@pytest.fixture(scope="module")
def members(fake: FakeDiscord) -> dict[str, FakeUser]:
    found = {f"better{n}": fake.add_user(f"bea_{n}") for n in range(ANSWERING)}
    found["worse"] = fake.add_user("walt_worse")
    found["manager"] = fake.add_user("mona_manager", permissions=MEMBER_PERMISSIONS | MANAGE_GUILD)
    found["checker"] = fake.add_user("chet_checker")
    return found


async def _seed(url: str, guild_id: int, users: list[FakeUser], offered: dict) -> None:
    store = Store(url)
    await store.start()
    try:
        due = datetime.now(UTC) - timedelta(minutes=1)
        for user in users:
            await store.set_followup(user.id, guild_id, due, **offered)
    finally:
        await store.close()


@pytest.fixture(scope="module")
def bot(
    fake: FakeDiscord,
    members: dict[str, FakeUser],
    offered: dict,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[BotProcess]:
    process = fresh_bot(fake, tmp_path_factory.mktemp("checkin"))
    answering = [members[f"better{n}"] for n in range(ANSWERING)] + [members["worse"]]
    asyncio.run(_seed(process.env()["DATABASE_URL"], fake.guild_id, answering, offered))
    process.start()
    yield process
    process.stop()


def _answers(url: str) -> list[dict]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT * FROM followup_answer ORDER BY id"))
            return [dict(row._mapping) for row in rows]
    finally:
        engine.dispose()


def _menu(message) -> dict:
    [menu] = [c for c in message.components() if c.get("type") == 3]
    return menu


def test_better_with_picks_and_keep_stores_ids_only(
    fake: FakeDiscord, bot: BotProcess, members: dict[str, FakeUser], offered: dict, kb_here
) -> None:
    url = bot.env()["DATABASE_URL"]
    first_tip = offered["tip_ids"][0]
    for n in range(ANSWERING):
        member = members[f"better{n}"]
        [dm] = fake.wait_dm(member, timeout=30)
        assert "guild_id" not in dm.payload  # a real DM
        assert kb_here.followups.title in dm.text()
        menu = _menu(dm)
        tip_value = next(
            o["value"]
            for o in menu["options"]
            if o["label"][:30] in (kb_here.tip(first_tip).text[:30],)
        )
        picked = fake.wait_answer(fake.tap(member, dm, menu["custom_id"], values=[tip_value])).last
        better = CheckInId.decode(picked.button("Better")["custom_id"])
        assert better.picked() == [int(tip_value)]  # the pick travels in the buttons
        asked = fake.wait_answer(fake.tap(member, picked, label="Better")).last
        assert "May I keep this answer?" in asked.text() and asked.labels() == [
            "Keep it",
            "Don't keep",
        ]
        assert len(_answers(url)) == n  # nothing kept before the member says so
        kept = fake.wait_answer(fake.tap(member, asked, label="Keep it")).last
        assert "Kept" in kept.text() and kept.labels() == []
    rows = _answers(url)
    assert len(rows) == ANSWERING
    assert {r["outcome"] for r in rows} == {"better"}
    assert all(r["tip_ids"] in ('["' + first_tip + '"]', [first_tip]) for r in rows)
    assert set(rows[0]) == {
        "id", "user_id", "guild_id", "outcome", "contributor_ids", "tip_ids", "stretch_ids",
        "answered_on", "answer_key",
    }  # fmt: skip


def test_worse_lists_the_signs_and_dont_keep_stores_nothing(
    fake: FakeDiscord, bot: BotProcess, members: dict[str, FakeUser], kb_here
) -> None:
    member = members["worse"]
    [dm] = fake.wait_dm(member, timeout=30)
    before = len(_answers(bot.env()["DATABASE_URL"]))
    asked = fake.wait_answer(fake.tap(member, dm, label="Worse")).last
    text = asked.text()
    assert kb_here.followups.warning_signs_title in text and "112" in text and "{" not in text
    sign = next(
        f for n in kb_here.nodes for f in n.flags if f.id == kb_here.followups.warning_signs[0]
    )
    assert sign.label in text
    done = fake.wait_answer(fake.tap(member, asked, label="Don't keep")).last
    assert "Not kept" in done.text() and done.labels() == []
    assert len(_answers(bot.env()["DATABASE_URL"])) == before


def test_check_on_me_stores_what_the_result_offered(
    fake: FakeDiscord, bot: BotProcess, members: dict[str, FakeUser], kb_here
) -> None:
    member = members["checker"]
    answer, _ = walk(fake, member, plan_to_result(kb_here))
    asked = tap(fake, member, answer.last, "Check on me in a week")
    assert "ids of this result's contributors, tips and stretches" in asked.all_text()
    engine = sa.create_engine(bot.env()["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            row = connection.execute(
                sa.text(
                    "SELECT contributor_ids, tip_ids, stretch_ids FROM followup WHERE user_id = :u"
                ),
                {"u": member.id},
            ).one()
    finally:
        engine.dispose()
    assert all(value not in (None, "[]", []) for value in row)


def test_stats_show_tried_and_better_with_a_chart_and_hide_small_groups(
    fake: FakeDiscord, bot: BotProcess, members: dict[str, FakeUser], offered: dict, kb_here
) -> None:
    shown = fake.wait_answer(fake.slash(members["manager"], "t2admin", "stats", days=30)).last
    assert shown.ephemeral
    text = shown.text()
    tip = kb_here.tip(offered["tip_ids"][0]).text
    assert "tried by 5, better for 5" in text and tip[:40] in text
    assert f"{kb_here.contributor(CONTRIBUTOR).name}: **5** members" in text
    assert "fewer than 5" in text  # the one finished check of this module, at least
    other_tip = kb_here.tip(offered["tip_ids"][1]).text
    assert other_tip[:40] not in text  # tried by nobody: not shown
    [chart] = shown.attachments
    assert chart["filename"] == "t2-stats.png"
    assert shown.embeds[0]["image"]["url"].endswith("t2-stats.png")


def test_members_cannot_see_the_stats(
    fake: FakeDiscord, bot: BotProcess, members: dict[str, FakeUser]
) -> None:
    refused = fake.wait_answer(fake.slash(members["worse"], "t2admin", "stats")).last
    assert refused.ephemeral and "Manage Server" in refused.text()
