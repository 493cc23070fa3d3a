"""A whole run of the real bot, from start to SIGTERM: it stops cleanly, and its complete stderr
holds no token, no answers, no member names and no member ids at INFO or above (also when the
admin sets LOG_LEVEL=DEBUG)."""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator

import pytest

from t2bot.knowledge import Knowledge
from tests.e2e.fake_discord import BotProcess, FakeDiscord, FakeUser
from tests.e2e.fake_discord.flows import plan_to_result, tap, walk
from tests.e2e.fake_discord.harness import fresh_bot, plain, serve_fake

#: Labels shorter than this are everyday words ("Yes", "Not sure") a log may hold for other reasons.
MIN_LABEL = 8
#: What a member typed into options in this run.
TYPED = "hip flexor stretch please"


#: A fake Discord of this module's own: its bot is not the shared one.
fake = pytest.fixture(scope="module", name="fake")(serve_fake)


@pytest.fixture(scope="module", params=["INFO", "DEBUG"])
def bot(
    fake: FakeDiscord, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[BotProcess]:
    """One whole run at the default LOG_LEVEL, and one at DEBUG (discord.py's payload logs,
    which hold names and button ids, must stay off even then)."""
    process = fresh_bot(fake, tmp_path_factory.mktemp("run"), LOG_LEVEL=request.param)
    process.start()
    yield process
    if process.alive():
        process.stop()


@pytest.fixture(scope="module")
def members(fake: FakeDiscord) -> list[FakeUser]:
    return [
        fake.add_user("zoe_quicksilver", "Zoë Quicksilver"),
        fake.add_user("yusuf_ironlegs", "Yusuf Ironlegs", admin=True),
    ]


@pytest.fixture(scope="module")
def tapped(fake: FakeDiscord, bot: BotProcess, kb: Knowledge, members: list[FakeUser]) -> list[str]:
    """A busy session: two members, whole flows, saves, stretches, data, odd input."""
    zoe, yusuf = members
    plan = plan_to_result(kb)
    for member in members:
        answer, _ = walk(fake, member, plan)
        tap(fake, member, answer.last, "Save to my history")
    fake.wait_answer(fake.autocomplete(zoe, "stretch", "show", focused="name", name=TYPED))
    fake.wait_answer(fake.slash(zoe, "stretch", "show", name=TYPED))
    fake.wait_answer(
        fake.slash(
            zoe,
            "stretch",
            "remind",
            "set",
            time="06:45",
            days="weekdays",
            routine="before_run",
            timezone="America/Toronto",
        )
    )
    fake.wait_answer(fake.slash(yusuf, "mydata", "export"))
    fake.wait_answer(fake.slash(yusuf, "t2admin", "reload"))
    own = fake.wait_answer(fake.slash(yusuf, "stretch", "list")).last
    fake.wait_answer(fake.tap(zoe, own, "t2:" + "9" * 60, forge="inject"))
    return [t.label for t in plan]


@pytest.fixture(scope="module")
def stopped(bot: BotProcess, tapped: list[str]) -> tuple[int, str]:
    """The end of the run: SIGTERM while idle; the exit code and the log of the stop.

    Both tests below use it, so the whole-log check always reads a complete run that ended the
    same way, whichever tests are selected and in whatever order."""
    # The fake counts an answer when it takes it; give the bot a moment to finish its side, so
    # this is a stop while idle (a stop mid-answer: test_sigterm_while_a_tap_is_being_answered;
    # a busy machine only makes this a stop mid-answer, which must be just as clean).
    time.sleep(1.0)
    mark = bot.mark()
    code = bot.stop(signal.SIGTERM, timeout=20)
    return code, plain(bot.log_since(mark))


def test_sigterm_stops_cleanly(stopped: tuple[int, str]) -> None:
    code, tail = stopped
    assert code == 0, f"exit code {code} after SIGTERM; log tail:\n{tail[-1500:]}"
    assert re.search(r"\b(closed|closing|shut ?down|stopped)\b", tail, re.I), tail[-1500:]
    assert "Traceback" not in tail


def test_the_whole_log_keeps_secrets(
    fake: FakeDiscord,
    bot: BotProcess,
    tapped: list[str],
    members: list[FakeUser],
    stopped: tuple[int, str],
) -> None:
    assert not bot.alive()
    log = plain(bot.log())
    assert "connected to Gateway" in log, "this is the log of a real run"
    assert fake.token not in log
    assert fake.token.split(".")[-1] not in log, "not even part of the token"
    tokens = fake.interaction_tokens()
    assert not [t for t in tokens if t[-40:] in log], "interaction tokens are secrets too"
    for member in members:
        for name in (member.username, member.global_name):
            assert name and name not in log, f"member name {name!r} in the log"
    for label in tapped:
        if len(label) >= MIN_LABEL:
            assert label not in log, f"answer {label!r} in the log"
    # the log's own timestamps may read 06:45 too: look at the messages only
    messages = re.sub(r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\]", "", log)
    assert TYPED not in log and "America/Toronto" not in log and "06:45" not in messages
    ids = [str(m.id) for m in members]
    for line in log.splitlines():
        if re.search(r"\b(INFO|WARNING|ERROR|CRITICAL)\b", line):
            leaked = [i for i in ids if i in line]
            assert not leaked, f"member id at INFO or above: {line}"
