"""/mydata end to end: export holds only the member's own records; delete needs the owner's
confirmation and removes everything."""

from __future__ import annotations

import json

from t2bot.knowledge import Knowledge
from tests.e2e.fake_discord import BotProcess, FakeDiscord, FakeUser
from tests.e2e.fake_discord.flows import plan_to_result, tap, walk


def _save_a_result(fake: FakeDiscord, member: FakeUser, kb: Knowledge) -> None:
    answer, _ = walk(fake, member, plan_to_result(kb))
    assert "saved" in tap(fake, member, answer.last, "Save to my history").last.text().lower()


def _export(fake: FakeDiscord, member: FakeUser) -> dict:
    answer = fake.wait_answer(fake.slash(member, "mydata", "export"))
    message = answer.last
    assert message.ephemeral
    files = [a for a in message.attachments if a["filename"].endswith(".json")]
    assert len(files) == 1, message.payload
    return json.loads(files[0]["_content"])


def test_export_holds_only_my_records(fake: FakeDiscord, bot: BotProcess, kb: Knowledge) -> None:
    alice = fake.add_user("alice_export", "Alice Export")
    bob = fake.add_user("bob_export", "Bob Export")
    _save_a_result(fake, alice, kb)
    fake.wait_answer(
        fake.slash(
            bob,
            "stretch",
            "remind",
            "set",
            time="06:00",
            days="daily",
            routine="before_run",
            timezone="Europe/Paris",
        )
    )
    mine = _export(fake, alice)
    text = json.dumps(mine)
    assert str(alice.id) in text
    assert str(bob.id) not in text and "Europe/Paris" not in text
    for name in (alice.username, alice.global_name, bob.username):
        assert name not in text, "names are never stored"
    rows = sum(len(r) for r in mine["tables"].values())
    assert rows == 1
    theirs = json.dumps(_export(fake, bob))
    assert str(alice.id) not in theirs and "Europe/Paris" in theirs


def test_delete_needs_the_owner(fake: FakeDiscord, bot: BotProcess, kb: Knowledge) -> None:
    carol = fake.add_user("carol_delete")
    mallory = fake.add_user("mallory_taps")
    _save_a_result(fake, carol, kb)
    ask = fake.wait_answer(fake.slash(carol, "mydata", "delete")).last
    assert ask.ephemeral and ask.has_button("delete")
    delete_id = ask.button("delete")["custom_id"]
    stolen = fake.wait_answer(fake.tap(mallory, ask, delete_id)).last
    assert stolen.id != ask.id and "someone else" in stolen.text()
    assert fake.message(ask.id).has_button("delete"), "the owner's message is untouched"
    done = fake.wait_answer(fake.tap(carol, ask, delete_id)).last
    assert "deleted" in done.text().lower()
    assert sum(len(r) for r in _export(fake, carol)["tables"].values()) == 0


def test_nothing_to_delete(fake: FakeDiscord, bot: BotProcess) -> None:
    dave = fake.add_user("dave_empty")
    reply = fake.wait_answer(fake.slash(dave, "mydata", "delete")).last
    assert "nothing" in reply.text().lower() and not reply.buttons()
