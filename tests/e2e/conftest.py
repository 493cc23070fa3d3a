"""Fixtures for the end-to-end tests: the loopback fake Discord and the real bot process.

``fake`` and ``bot`` are shared by the whole session (one bot process for every module that does
not break things). Modules that kill the bot, lock the database or break the knowledge files
override both fixtures with module-scoped ones of their own (see ``fresh_bot``).

After every test that used the fake: every interaction created during the test must have been
answered in Discord's 3-second window, no callback may have been refused (invalid body, answered
twice, late), the bot must not have called a route the fake does not implement nor tried to
reach a host other than 127.0.0.1, and its log must show no unhandled exception (unless the test
is marked ``expect_errors``); with several bot processes, the log of each fixture named ``bot``
or ``bot_*``. A test that already failed skips these checks.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

import pytest

from t2bot.knowledge import Knowledge, load_knowledge
from tests.e2e.fake_discord import ROOT, BotProcess, FakeDiscord
from tests.e2e.fake_discord.harness import fresh_bot, plain, serve_fake

CRASH_MARKERS = (
    "Traceback (most recent call last)",
    "Ignoring exception",
    "Task exception was never retrieved",
    "Unclosed client session",
    "T2-LOOPBACK-BLOCKED",
)


_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember whether the test body failed, so the after-test checks do not report twice."""
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "expect_errors: the test provokes failures the bot may log with a traceback"
    )


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    return load_knowledge(ROOT / "knowledge")


fake = pytest.fixture(scope="session", name="fake")(serve_fake)


@pytest.fixture(scope="session")
def bot(fake: FakeDiscord, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    process = fresh_bot(fake, tmp_path_factory.mktemp("shared-bot"))
    process.start()
    yield process
    process.stop()


@pytest.fixture(autouse=True)
def _wire_checks(request: pytest.FixtureRequest) -> Iterator[None]:
    if "fake" not in request.fixturenames:
        yield
        return
    fake: FakeDiscord = request.getfixturevalue("fake")
    bots: list[BotProcess] = [
        request.getfixturevalue(name)
        for name in request.fixturenames
        if name == "bot" or name.startswith("bot_")
    ]
    since = fake.interaction_count()
    calls = fake.call_count()
    marks = [bot.mark() for bot in bots]
    yield
    if request.node.stash.get(_FAILED, False):
        return  # the failure already says what went wrong
    problems = fake.unanswered(since) + fake.refused_callbacks(since)
    problems += [
        f"the bot called a route the fake does not implement: {c}"
        for c in fake.recorded(since=calls)
        if c.fault == "unknown route"
    ]
    for bot, mark in zip(bots, marks, strict=True):
        log = plain(bot.log_since(mark))
        allowed = request.node.get_closest_marker("expect_errors") is not None
        for marker in CRASH_MARKERS:
            if marker in log and not (allowed and marker != "T2-LOOPBACK-BLOCKED"):
                problems.append(f"bot log shows {marker!r}:\n{log[-2500:]}")
    assert not problems, "\n".join(problems)
