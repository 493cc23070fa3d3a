"""Asking in own words, end to end: the real bot process (at LOG_LEVEL=DEBUG) against the
loopback Discord. A mention in the channel gets one public line and an "Open my answer" button
only the author can use (the answer ephemeral); a DM is answered in the DM; "Ask T2 privately"
works on one's own message only; an admin turns mentions off; and the whole run's log holds no
word of what members wrote."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.fake_discord import BotProcess, FakeDiscord, FakeUser
from tests.e2e.fake_discord.harness import fresh_bot, plain, serve_fake

fake = pytest.fixture(scope="module", name="fake")(serve_fake)
MENU = "Ask T2 privately"
#: Every member text of this module carries this word, so the log check finds any leak.
MARK = "quokkafinch"
WRITTEN: list[str] = []


@pytest.fixture(scope="module")
def bot(fake: FakeDiscord, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    process = fresh_bot(fake, tmp_path_factory.mktemp("ask"), LOG_LEVEL="DEBUG")
    process.start()
    yield process
    if process.alive():
        process.stop()


def say(fake: FakeDiscord, user: FakeUser, text: str, *, in_dm: bool = False) -> dict:
    text = f"{text} {MARK}"
    WRITTEN.append(text)
    mention = "" if in_dm else f"<@{fake.app_id}> "
    return fake.post(user, mention + text, in_dm=in_dm)


def test_a_mention_gets_a_public_line_and_an_author_only_ephemeral_answer(
    fake: FakeDiscord, bot: BotProcess
) -> None:
    ana = fake.add_user("ana_ask")
    ben = fake.add_user("ben_ask")
    before = len(fake.channel_posts())
    say(fake, ana, "how many ibuprofen can I take on Sunday?")
    public = fake.wait_post(before + 1)
    assert public.content == "I have an answer for you. Only you can open it:"
    assert not public.ephemeral and public.labels() == ["Open my answer"]
    assert "ibuprofen" not in str(public.payload).lower()
    opened = fake.wait_answer(fake.tap(ana, public, label="Open my answer")).last
    assert opened.ephemeral and "pharmacist" in opened.text() and "Source:" in opened.text()
    assert opened.has_button("Start the private check")
    foreign = fake.wait_answer(fake.tap(ben, public, label="Open my answer")).last
    assert foreign.ephemeral and "belongs to the member who asked" in foreign.text()


def test_an_emergency_in_plain_words_is_told_publicly_naming_nothing(
    fake: FakeDiscord, bot: BotProcess
) -> None:
    cleo = fake.add_user("cleo_ask")
    before = len(fake.channel_posts())
    say(fake, cleo, "I cant feel my saddle area since the long ride")
    public = fake.wait_post(before + 1)
    assert public.content.startswith("Please call the emergency number (112) now.")
    assert "saddle" not in public.content.lower()
    opened = fake.wait_answer(fake.tap(cleo, public, label="Open my answer")).last
    assert opened.ephemeral and "Emergency" in opened.text()


def test_a_dm_is_answered_in_the_dm(fake: FakeDiscord, bot: BotProcess) -> None:
    dan = fake.add_user("dan_ask")
    say(fake, dan, "ice or heat?", in_dm=True)
    answer = fake.wait_dm(dan)[-1]
    assert "Ice or heat for my back?" in answer.text()
    assert answer.has_button("Start the private check")


def test_ask_privately_on_ones_own_message_only(fake: FakeDiscord, bot: BotProcess) -> None:
    eva = fake.add_user("eva_ask")
    finn = fake.add_user("finn_ask")
    own = fake.post(eva, f"is it a slipped disc? {MARK}")  # no mention: the bot stays quiet
    WRITTEN.append(own["content"])
    answer = fake.wait_answer(fake.message_menu(eva, MENU, own)).last
    assert answer.ephemeral and "Is it a slipped disc?" in answer.text()
    refused = fake.wait_answer(fake.message_menu(finn, MENU, own)).last
    assert refused.ephemeral and "your own message" in refused.text()
    assert "slipped" not in refused.text()


def test_the_admin_switch_turns_mentions_off(fake: FakeDiscord, bot: BotProcess) -> None:
    admin = fake.add_user("gus_admin_ask", admin=True)
    hana = fake.add_user("hana_ask")
    fake.wait_answer(fake.slash(admin, "t2admin", "settings", answer_mentions="off"))
    before = len(fake.channel_posts())
    unanswered = say(fake, hana, "ice or heat?")
    say(fake, hana, "ice or heat?", in_dm=True)  # DMs always answer
    fake.wait_dm(hana)
    fake.wait_answer(fake.slash(admin, "t2admin", "settings", answer_mentions="everywhere"))
    answered = say(fake, hana, "ice or heat?")
    post = fake.wait_post(before + 1)
    assert post.content.startswith("I have an answer")
    # The one post answers the second mention; the first, while mentions were off, got none.
    assert post.payload["message_reference"]["message_id"] == answered["id"] != unanswered["id"]
    assert len(fake.channel_posts()) == before + 1


def test_without_read_message_history_the_line_is_posted_not_replied(
    fake: FakeDiscord, bot: BotProcess
) -> None:
    ivy = fake.add_user("ivy_ask")
    before = len(fake.channel_posts())
    fake.bot_reads_history = False
    try:
        say(fake, ivy, "ice or heat?")
        post = fake.wait_post(before + 1)
    finally:
        fake.bot_reads_history = True
    assert post.content.startswith("I have an answer") and "message_reference" not in post.payload
    assert fake.wait_answer(fake.tap(ivy, post, label="Open my answer")).last.ephemeral


def test_the_whole_run_logs_no_word_members_wrote(fake: FakeDiscord, bot: BotProcess) -> None:
    assert WRITTEN, "the tests above wrote messages"
    bot.stop()
    log = plain(bot.log())
    assert "DEBUG" in log, "the run logged at DEBUG"
    assert MARK not in log
    for text in WRITTEN:
        for word in ("ibuprofen", "saddle", "slipped"):
            if word in text:
                assert word not in log.lower(), f"{word!r} reached the log"
