"""Faults while members are mid-flow: the gateway drops, Discord rate-limits or fails a callback,
the database is locked or gone, the knowledge breaks on reload, the bot restarts.

This module has a bot process of its own (it locks the database and restarts the bot).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from t2bot.knowledge import Knowledge
from tests.e2e.fake_discord import BotProcess, FakeDiscord, FakeUser
from tests.e2e.fake_discord.flows import all_clear, plan_to_result, second_node, start, tap, walk
from tests.e2e.fake_discord.harness import fresh_bot, plain, serve_fake
from tests.e2e.fake_discord.payloads import snowflake

#: A fake Discord of this module's own: its bot is not the shared one.
fake = pytest.fixture(scope="module", name="fake")(serve_fake)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="module")
def bot(fake: FakeDiscord, workdir: Path) -> Iterator[BotProcess]:
    process = fresh_bot(fake, workdir, DATABASE_URL=f"sqlite:///{_db(workdir)}")
    process.start()
    yield process
    process.stop()


@pytest.fixture
def member(fake: FakeDiscord) -> FakeUser:
    return fake.add_user("fault_fiona", "Fiona")


def _second_screen(fake: FakeDiscord, member: FakeUser, kb: Knowledge):
    screen = start(fake, member).message
    return tap(fake, member, screen, kb.node(kb.start).none_label).last


def _next_tap_works(fake: FakeDiscord, member: FakeUser, kb: Knowledge, screen) -> None:
    node = second_node(kb)
    assert screen.has_button(all_clear(node))
    after = tap(fake, member, screen, all_clear(node)).last
    assert after.id == screen.id and after.text() != screen.text()


# --- Gateway ---------------------------------------------------------------------------------


@pytest.mark.parametrize("abort", [False, True], ids=["close-4000", "tcp-reset"])
def test_gateway_drop_mid_flow_resumes(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, member: FakeUser, abort: bool
) -> None:
    screen = _second_screen(fake, member, kb)
    resumed = fake.resumes()
    last_seq = fake.current.seq if fake.current else 0
    fake.drop_gateway(abort=abort)
    fake.wait_resumed(resumed)
    resume = fake.gateway_events("resume")[-1].detail
    assert resume["known"] and resume["seq"] == last_seq
    _next_tap_works(fake, member, kb, screen)


def test_tap_sent_while_disconnected_is_replayed(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, member: FakeUser
) -> None:
    screen = _second_screen(fake, member, kb)
    resumed = fake.resumes()
    fake.drop_gateway(abort=True)
    node = second_node(kb)
    pending = fake.tap(member, screen, screen.button(all_clear(node))["custom_id"])
    fake.wait_resumed(resumed)
    assert fake.wait_answer(pending).last.id == screen.id


def test_invalid_session_mid_flow(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, member: FakeUser
) -> None:
    screen = _second_screen(fake, member, kb)
    ready = fake.ready_count
    fake.refuse_resume = True
    fake.drop_gateway(code=4000)
    fake.wait_ready(after=ready)
    _next_tap_works(fake, member, kb, screen)


def test_reconnect_request_mid_flow(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, member: FakeUser
) -> None:
    screen = _second_screen(fake, member, kb)
    resumed = fake.resumes()
    fake.send_reconnect()
    fake.wait_resumed(resumed)
    _next_tap_works(fake, member, kb, screen)


# --- REST faults -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 500])
def test_rate_limit_or_server_error_on_a_tap(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, member: FakeUser, status: int
) -> None:
    screen = _second_screen(fake, member, kb)
    fake.fail_next("POST", r"/callback$", status, retry_after=0.5)
    node = second_node(kb)
    tapped = fake.tap(member, screen, screen.button(all_clear(node))["custom_id"])
    after = fake.wait_answer(tapped).last
    assert after.id == screen.id and after.text() != screen.text()
    statuses = [c.status for c in fake.recorded("POST", rf"/interactions/{tapped.id}/")]
    assert statuses == [status, 200]


@pytest.mark.parametrize("status", [429, 500])
def test_rate_limit_or_server_error_on_a_followup(
    fake: FakeDiscord, bot: BotProcess, member: FakeUser, status: int
) -> None:
    fake.fail_next("POST", r"^/webhooks/\d+/[^/]+$", status, retry_after=0.5)
    answer = fake.wait_answer(fake.slash(member, "mydata", "history"), timeout=15)
    assert answer.last.ephemeral and answer.last.text()


# --- Knowledge reload and restarts -----------------------------------------------------------


def test_broken_knowledge_on_reload_keeps_the_old_one(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, workdir: Path, member: FakeUser
) -> None:
    admin = fake.add_user("coach_admin", "Coach", admin=True)
    screen = _second_screen(fake, member, kb)
    flow = workdir / "knowledge" / "flow.yaml"
    good = flow.read_text(encoding="utf-8")
    target = second_node(kb).answers[0].next or second_node(kb).next
    broken = good.replace(f"next: {target}", "next: no_such_node", 1)
    assert broken != good
    flow.write_text(broken, encoding="utf-8")
    try:
        told = fake.wait_answer(fake.slash(admin, "t2admin", "reload")).last
        assert told.ephemeral
        assert "no_such_node" in told.text() and re.search(r"flow\.yaml:\d+", told.text()), (
            told.text()
        )
        _next_tap_works(fake, member, kb, screen)  # the old knowledge keeps serving
        fresh = fake.add_user("fresh_after_reload")
        assert start(fake, fresh).message.has_button(kb.node(kb.start).none_label)
    finally:
        flow.write_text(good, encoding="utf-8")
    fine = fake.wait_answer(fake.slash(admin, "t2admin", "reload")).last
    assert "no_such_node" not in fine.text()


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
def test_restart_mid_flow(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, member: FakeUser, how: str
) -> None:
    screen = _second_screen(fake, member, kb)
    code = bot.kill() if how == "SIGKILL" else bot.stop()
    bot.start()
    _next_tap_works(fake, member, kb, screen)
    if how == "SIGTERM":
        assert code == 0, f"SIGTERM should stop the bot cleanly (exit 0), got {code}"


def test_sigterm_while_a_tap_is_being_answered(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, member: FakeUser
) -> None:
    """A supervisor's stop lands while the bot waits for Discord to take an answer (slow
    network): a graceful stop lets that answer finish instead of cutting it off."""
    screen = _second_screen(fake, member, kb)
    node = second_node(kb)
    held = fake.delay_next("POST", r"/callback$", 1.5)
    mark = bot.mark()
    tapped = fake.tap(member, screen, screen.button(all_clear(node))["custom_id"])
    fake.wait_hit(held)  # the bot's answer is on its way, held by the slow network
    code = bot.stop()
    log = plain(bot.log_since(mark))
    bot.start()
    assert code == 0
    assert fake.wait_answer(tapped).last.id == screen.id
    assert "Traceback" not in log and "Ignoring exception" not in log, log[-3000:]


# --- Database --------------------------------------------------------------------------------


def _db(workdir: Path) -> Path:
    return workdir / "db" / "bot.sqlite3"


def _saved_rows(workdir: Path, member: FakeUser) -> int:
    with sqlite3.connect(_db(workdir)) as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
        table = next(t for t in tables if "result" in t)
        return db.execute(
            f"select count(*) from {table} where user_id = ?", (member.id,)
        ).fetchone()[0]


def test_database_locked(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, workdir: Path, member: FakeUser
) -> None:
    mark = bot.mark()
    lock = sqlite3.connect(_db(workdir), isolation_level=None, timeout=5)
    lock.execute("BEGIN IMMEDIATE")
    try:
        answer, _ = walk(fake, member, plan_to_result(kb), guild_id=snowflake())
        result = answer.last
        assert "Save to my history" in result.labels(), "the member gets the triage answer"
        for _ in range(2):
            busy = tap(fake, member, result, "Save to my history").last
            assert busy.ephemeral and "saved to your history" not in busy.text().lower()
    finally:
        lock.rollback()
        lock.close()
    log = plain(bot.log_since(mark))
    assert len(re.findall(r"database unavailable", log)) == 1, log
    saved = tap(fake, member, result, "Save to my history").last
    assert "saved" in saved.text().lower()
    assert _saved_rows(workdir, member) == 1, "nothing half-written, one saved row"


@pytest.mark.expect_errors
@pytest.mark.parametrize("how", ["corrupted", "deleted"])
def test_database_gone(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, workdir: Path, member: FakeUser, how: str
) -> None:
    """The file is overwritten in place (disk failure) or its folder removed; the member still
    gets the triage answer and a polite word on saving; the outage is logged once."""
    mark = bot.mark()
    folder = _db(workdir).parent
    backup = {p.name: p.read_bytes() for p in folder.iterdir()}
    if how == "corrupted":
        for name, content in backup.items():  # in place: open connections see it too
            with (folder / name).open("r+b") as f:
                f.write(b"\xde\xad" * (len(content) // 2))
    else:
        shutil.rmtree(folder)
    try:
        answer, _ = walk(fake, member, plan_to_result(kb), guild_id=snowflake())
        result = answer.last
        assert "Save to my history" in result.labels(), "the member gets the triage answer"
        saved = tap(fake, member, result, "Save to my history").last
        assert saved.ephemeral and saved.text()
        history = fake.wait_answer(fake.slash(member, "mydata", "history")).last
        assert history.ephemeral and history.text()
    finally:
        folder.mkdir(exist_ok=True)
        for name, content in backup.items():
            (folder / name).write_bytes(content)
    log = plain(bot.log_since(mark))
    assert len(re.findall(r"database unavailable", log)) <= 1, log
    assert str(member.id) not in log, "no member ids in the log"
