"""/stretch end to end: list and pages, show with autocomplete, a routine walked move by move,
and reminders set, listed and turned off."""

from __future__ import annotations

from t2bot.knowledge import Knowledge
from tests.e2e.fake_discord import BotProcess, FakeDiscord, FakeMessage, FakeUser


def tap(fake: FakeDiscord, member: FakeUser, message: FakeMessage, label: str) -> FakeMessage:
    return fake.wait_answer(fake.tap(member, message, label=label)).last


def test_list_and_next_page(fake: FakeDiscord, bot: BotProcess, kb: Knowledge) -> None:
    member = fake.add_user("nina_stretches")
    page = fake.wait_answer(fake.slash(member, "stretch", "list")).last
    assert page.ephemeral
    shown = [s for s in kb.stretches if s.name in page.text()]
    assert shown, "the first page names stretches"
    if page.has_button("Next"):
        following = tap(fake, member, page, "Next")
        assert following.id == page.id, "paging updates the same message"
        assert following.text() != page.text()


def test_show_with_autocomplete(fake: FakeDiscord, bot: BotProcess, kb: Knowledge) -> None:
    member = fake.add_user("omar_hips")
    target = next(s for s in kb.stretches if "hip-flexor" in s.name.lower())
    choices = fake.wait_answer(
        fake.autocomplete(member, "stretch", "show", focused="name", name="hip flex")
    ).choices
    assert choices and len(choices) <= 25
    value = next(c["value"] for c in choices if target.name in c["name"] or c["value"] == target.id)
    shown = fake.wait_answer(fake.slash(member, "stretch", "show", name=value)).last
    assert shown.ephemeral and target.name in shown.text()
    assert target.steps[0][:30] in shown.text()


def test_show_unknown_name_answers_politely(fake: FakeDiscord, bot: BotProcess) -> None:
    member = fake.add_user("pia_typo")
    reply = fake.wait_answer(fake.slash(member, "stretch", "show", name="qwzx blorp")).last
    assert reply.ephemeral and "/stretch list" in reply.text()


def test_routine_walkthrough(fake: FakeDiscord, bot: BotProcess) -> None:
    member = fake.add_user("quinn_routine")
    overview = fake.wait_answer(
        fake.slash(member, "stretch", "routine", minutes=10, focus="after_ride")
    ).last
    assert overview.ephemeral and overview.has_button("Start")
    screen = tap(fake, member, overview, "Start")
    moves = 1
    while screen.has_button("Next"):
        screen = tap(fake, member, screen, "Next")
        moves += 1
        assert moves < 30
    done = tap(fake, member, screen, "Finish")
    assert "done" in done.text().lower()
    assert done.id == overview.id


def test_reminder_set_list_off(fake: FakeDiscord, bot: BotProcess) -> None:
    member = fake.add_user("rosa_reminds")
    zones = fake.wait_answer(
        fake.autocomplete(
            member,
            "stretch",
            "remind",
            "set",
            focused="timezone",
            time="07:30",
            days="daily",
            routine="after_ride",
            timezone="Europe/Lon",
        )
    ).choices
    assert zones and any(c["value"] == "Europe/London" for c in zones)
    days = fake.wait_answer(
        fake.autocomplete(
            member,
            "stretch",
            "remind",
            "set",
            focused="days",
            time="07:30",
            days="we",
            routine="after_ride",
        )
    ).choices
    assert days and len(days) <= 25
    done = fake.wait_answer(
        fake.slash(
            member,
            "stretch",
            "remind",
            "set",
            time="07:30",
            days="mon,wed,fri",
            routine="after_ride",
            timezone="Europe/London",
        )
    ).last
    assert done.ephemeral and "Reminder set" in done.text()
    listed = fake.wait_answer(fake.slash(member, "stretch", "remind", "list")).last
    assert "07:30" in listed.text() and "Europe/London" in listed.text()
    off = fake.wait_answer(fake.slash(member, "stretch", "remind", "off")).last
    assert "off" in off.text().lower()
    again = fake.wait_answer(fake.slash(member, "stretch", "remind", "list")).last
    assert "no stretch reminders" in again.text().lower()


def test_bad_reminder_time_is_explained(fake: FakeDiscord, bot: BotProcess) -> None:
    member = fake.add_user("sam_late")
    reply = fake.wait_answer(
        fake.slash(
            member,
            "stretch",
            "remind",
            "set",
            time="25:99",
            days="daily",
            routine="after_ride",
            timezone="Europe/London",
        )
    ).last
    assert reply.ephemeral and "Reminder set" not in reply.text()
