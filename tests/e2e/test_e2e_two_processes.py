"""Two real bot processes on one PostgreSQL database behind one fake Discord, which delivers each
interaction to the process the test picks (as Discord does with several instances of a bot):
a /backpain flow started on one continues on the other, a saved result shows in /mydata history
from both, and a due reminder is DMed once, not once per process.

Needs ``T2_TEST_POSTGRES_URL`` (``.ci/run`` starts a server and sets it); like
test_e2e_postgres.py, it fails in CI without it and is skipped on a developer machine.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from t2bot.knowledge import Knowledge
from t2bot.storage.database import normalize_url
from t2bot.storage.models import ReminderRow
from tests.e2e.fake_discord import BotProcess, FakeDiscord
from tests.e2e.fake_discord.flows import plan_to_result, start, tap, tap_through
from tests.e2e.fake_discord.harness import copy_knowledge
from tests.postgres import postgres_url, reset_database

#: Taps of the /backpain path sent to process A; the rest go to process B.
TAPS_ON_A = 4
#: The reminder DM is held this long by the fake, so the other process's first reminder round
#: runs while the first one is still sending (a process without a claim would send it too).
SLOW_DM = 4.0
DM_SEND = r"^/channels/\d+/messages$"
ZONE = "Asia/Kathmandu"  # UTC+05:45: the local time is converted, not taken as UTC


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    url = postgres_url()
    reset_database(url)
    yield url
    reset_database(url)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeDiscord]:
    server = FakeDiscord(multi_session=True).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("two-processes")
    copy_knowledge(path / "knowledge")
    return path


def _process(
    fake: FakeDiscord, workdir: Path, database: str, name: str, args: tuple[str, ...]
) -> BotProcess:
    env = {"DATABASE_URL": database, "KNOWLEDGE_DIR": str(workdir / "knowledge")}
    return BotProcess(fake, workdir, env=env, name=name, args=args)


@pytest.fixture(scope="module")
def bot(fake: FakeDiscord, database: str, workdir: Path) -> Iterator[BotProcess]:
    """Process A (publishes the commands, as the one deploy step would)."""
    process = _process(fake, workdir, database, "bot_a", ("--sync",)).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def bot_b(fake: FakeDiscord, database: str, workdir: Path, bot: BotProcess) -> Iterator[BotProcess]:
    """Process B: same database, same knowledge, its own gateway session."""
    process = _process(fake, workdir, database, "bot_b", ()).start()
    yield process
    process.stop()


def _interactions_in(process: BotProcess) -> set[str]:
    """Ids of the interactions the fake delivered in this process's gateway session."""
    assert process.session is not None, "started with wait=True, so its session is known"
    return {p["d"]["id"] for p in list(process.session.sent) if p["t"] == "INTERACTION_CREATE"}


def test_a_flow_moves_between_processes_and_history_is_shared(
    fake: FakeDiscord, bot: BotProcess, bot_b: BotProcess, kb: Knowledge
) -> None:
    assert bot.session is not bot_b.session and bot.alive() and bot_b.alive()
    member = fake.add_user("tessa_two_hosts")
    plan = plan_to_result(kb)
    on_a, on_b = _interactions_in(bot), _interactions_in(bot_b)
    with fake.via(bot.session):
        first = start(fake, member)
        middle, _ = tap_through(fake, member, first, plan[:TAPS_ON_A])
    with fake.via(bot_b.session):
        answer, screens = tap_through(fake, member, middle, plan[TAPS_ON_A:])
    result = answer.last
    assert len(_interactions_in(bot) - on_a) == 1 + TAPS_ON_A
    assert len(_interactions_in(bot_b) - on_b) == len(plan) - TAPS_ON_A
    assert {s.id for s in screens} == {first.message.id}, "one message, updated in place"
    named = [c.name for c in kb.contributors if c.name in result.text()]
    assert named and "Save to my history" in result.labels(), "B shows the ranked result"

    with fake.via(bot_b.session):
        saved = tap(fake, member, result, "Save to my history").last
    assert saved.ephemeral and "saved" in saved.text().lower()
    histories = []
    for process in (bot, bot_b):
        with fake.via(process.session):
            histories.append(fake.wait_answer(fake.slash(member, "mydata", "history")).last)
    assert any(name in histories[0].text() for name in named), histories[0].text()
    assert histories[0].text() == histories[1].text(), "the same history from both processes"


def _clock_reaches(database: str, user_id: int) -> datetime:
    """Move the member's reminder to now, as if its minute had come: waiting for it and then
    for a 60 s reminder round would take up to two minutes. Returns the time it had."""
    engine = sa.create_engine(normalize_url(database))
    table = ReminderRow.__table__
    try:
        with engine.begin() as connection:
            due = connection.execute(
                sa.select(table.c.next_due_utc).where(table.c.user_id == user_id)
            ).scalar_one()
            connection.execute(
                sa.update(table)
                .where(table.c.user_id == user_id)
                .values(next_due_utc=datetime.now(UTC))
            )
    finally:
        engine.dispose()
    return due


def test_a_due_reminder_is_sent_once_not_once_per_process(
    fake: FakeDiscord, bot: BotProcess, bot_b: BotProcess, database: str
) -> None:
    """Last in the module: it restarts both processes at once, so which gateway session is
    whose is not known afterwards."""
    member = fake.add_user("rafa_two_hosts")
    soon = datetime.now(ZoneInfo(ZONE)) + timedelta(seconds=90)
    at = f"{soon.hour:02d}:{soon.minute:02d}"
    with fake.via(bot.session):
        done = fake.wait_answer(
            fake.slash(
                member,
                "stretch",
                "remind",
                "set",
                time=at,
                days="daily",
                routine="after_ride",
                timezone=ZONE,
            )
        ).last
    assert "Reminder set" in done.text(), done.text()
    shown = re.search(r"<t:(\d+):F>", done.text())
    assert shown and 0 < int(shown[1]) - time.time() <= 90, "due within the next minute or two"
    with fake.via(bot_b.session):
        listed = fake.wait_answer(fake.slash(member, "stretch", "remind", "list")).last
    assert at in listed.text() and ZONE in listed.text(), "B sees the reminder A stored"

    bot.stop()
    bot_b.stop()
    due = _clock_reaches(database, member.id)
    assert int(due.timestamp()) == int(shown[1])
    slow = fake.delay_next("POST", DM_SEND, SLOW_DM)
    sends = fake.call_count()
    before = fake.ready_count
    bot.start(wait=False)
    bot_b.start(wait=False)  # each runs its first reminder round as soon as it is ready
    fake.wait_ready(after=before + 1, alive=lambda: bot.alive() and bot_b.alive())
    both_ready = time.monotonic()
    sending = _wait_until(lambda: slow.hits > 0, SLOW_DM + 15, "a process to send the DM")
    # Each process's first round starts the same time after its READY: the later one ran while
    # the first one's send was still held, i.e. while the reminder was not yet marked as sent.
    assert both_ready < sending + SLOW_DM - 0.5, "the two first rounds did not overlap"
    time.sleep(max(0.0, sending + SLOW_DM + 2.0 - time.monotonic()))  # held send, and a margin
    channels = {str(c) for c, u in fake.dm_channels.items() if u == member.id}
    dm_posts = [
        c for c in fake.recorded("POST", DM_SEND, since=sends) if c.path.split("/")[2] in channels
    ]
    assert len(dm_posts) == 1 and len(fake.dms_to(member)) == 1, dm_posts
    assert "stretch routine" in fake.dms_to(member)[0].text().lower()


def _wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll ``predicate``; returns the monotonic time it became true."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return time.monotonic()
