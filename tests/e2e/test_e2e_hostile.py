"""Hostile input: crafted button ids, other members' buttons, huge and odd autocomplete text,
bursts, admin commands from members. Every interaction must still get a polite answer (the
autouse check in conftest fails the test otherwise), and nothing may leak between members."""

from __future__ import annotations

import json

import pytest

from t2bot.knowledge import Knowledge
from t2bot.triage.ids import FlowId, decode, to_base36
from tests.e2e.fake_discord import BotProcess, FakeDiscord, FakeMessage, FakeUser
from tests.e2e.fake_discord.flows import plan_to_result, start, tap, walk
from tests.e2e.fake_discord.payloads import snowflake

ODD = [
    "x" * 10_000,
    "\u202e\u202dcouch\u200b\u200d\ufeff",
    "Z\u0335\u0321\u0322a\u0334\u0358l\u0336g\u0337o" * 50,
    "🧘‍♀️🚴🏽‍♂️🏃" * 300,
    "\x00\x01\x1b[31mred\x1b[0m",
    "\ud800 lone surrogate",
    "'; DROP TABLE reminder; --",
    "%s%s%n{0}{emergency_number}",
    "",
]

CRAFTED = [
    "garbage",
    "t2:",
    "t2:zzzzzz:1:0::a0",
    "t2:e07b0c:1:0:zz:a0",
    "t2s:show:../../etc/passwd",
    "t2s:rt:f.nope:99:0:1",
    "t2s:off:zzzzzzzzzzzzzz",
    "t2d:del:notanumber",
    "t2d:del:99999999999999999999",
    "t2d:",
    "\u202et2:evil",
    "💥" * 25,
    "t2:" + "a" * 97,
    "x" * 100,
    "t2:" + "0" * 4000,
    "t2s:" + "show:" * 800,
]


def _refusal(answer_message: FakeMessage, original: FakeMessage, fake: FakeDiscord) -> None:
    assert answer_message.ephemeral, "refusals are private"
    assert answer_message.text().strip(), "a refusal says something"
    assert fake.message(original.id).payload["components"] == original.payload["components"], (
        "a refused tap must not change the message it was on"
    )


# Fresh members for every test: each may run only a few commands before its burst limit.
@pytest.fixture
def victim(fake: FakeDiscord) -> FakeUser:
    return fake.add_user("victim_vera", "Vera Victim")


@pytest.fixture
def mallory(fake: FakeDiscord) -> FakeUser:
    return fake.add_user("mallory_m", "Mallory")


@pytest.mark.parametrize("custom_id", CRAFTED, ids=[f"id{i}" for i in range(len(CRAFTED))])
def test_crafted_custom_ids_get_a_polite_refusal(
    fake: FakeDiscord, bot: BotProcess, mallory: FakeUser, custom_id: str
) -> None:
    screen = start(fake, mallory).message
    answer = fake.wait_answer(fake.tap(mallory, screen, custom_id, forge="inject"))
    shown = answer.last
    if shown.id != screen.id:
        _refusal(shown, screen, fake)
    else:  # answered by updating the tapper's own message: it must still be usable
        assert shown.buttons(), "the member is not left stuck"


def test_a_tap_whose_id_is_not_on_the_message_is_still_answered(
    fake: FakeDiscord, bot: BotProcess, mallory: FakeUser
) -> None:
    screen = start(fake, mallory).message
    answer = fake.wait_answer(fake.tap(mallory, screen, "not-on-the-message", forge="raw"))
    assert answer.last.ephemeral and answer.last.id != screen.id


def test_another_members_flow_buttons_are_refused(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, victim: FakeUser, mallory: FakeUser
) -> None:
    screen = start(fake, victim).message
    for custom_id in screen.custom_ids():
        if fake.message(screen.id).button("Back")["custom_id"] == custom_id:
            continue  # disabled on the first screen: a real client cannot tap it
        answer = fake.wait_answer(fake.tap(mallory, screen, custom_id))
        _refusal(answer.last, screen, fake)
        assert "someone else" in answer.last.text()
    # The owner's next tap still works.
    nxt = tap(fake, victim, screen, kb.node(kb.start).none_label).last
    assert nxt.id == screen.id and nxt.text() != screen.text()


def test_another_members_id_inside_a_save_button(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, victim: FakeUser, mallory: FakeUser
) -> None:
    answer, _ = walk(fake, victim, plan_to_result(kb))
    save = answer.last.button("Save to my history")["custom_id"]
    own = start(fake, mallory).message
    stolen = fake.wait_answer(fake.tap(mallory, own, save, forge="inject")).last
    assert "someone else" in stolen.text()
    export = _export_rows(fake, victim) + _export_rows(fake, mallory)
    assert export == 0, "nothing was saved for anybody"


def test_old_version_and_impossible_paths(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, mallory: FakeUser
) -> None:
    screen = start(fake, mallory).message
    real = decode(screen.button(kb.node(kb.start).none_label)["custom_id"])
    me = mallory.id

    def crafted(**changes: object) -> str:
        fields = {
            "version": real.version,
            "member_id": me,
            "path": real.path,
            "ticks": 0,
            "action": real.action,
        } | changes
        return FlowId(**fields).encode()  # type: ignore[arg-type]

    stale = fake.wait_answer(
        fake.tap(mallory, screen, crafted(version="000000"), forge="inject")
    ).last
    assert "older version" in stale.text() and stale.has_button("Start over")
    restarted = tap(fake, mallory, stale, "Start over").last
    assert restarted.has_button(kb.node(kb.start).none_label)
    for bad in (
        crafted(path="z"),
        crafted(path="0" * 60),
        crafted(path="0", ticks=0xFFFF),
        crafted(action="a19"),
        crafted(action="f19"),
        crafted(path="1", action="go"),  # a red-flag screen is passed with "none" only
        crafted(action="sv"),
        crafted(member_id=2**64 - 1),
    ):
        before = fake.message(restarted.id)
        answer = fake.wait_answer(fake.tap(mallory, restarted, bad, forge="inject")).last
        if answer.id == restarted.id:
            pytest.fail(f"{bad} changed the flow message instead of being refused")
        assert answer.ephemeral and answer.text()
        assert fake.message(restarted.id).text() == before.text()
    assert _export_rows(fake, mallory) == 0


def test_someone_elses_routine_and_reminder_buttons(
    fake: FakeDiscord, bot: BotProcess, victim: FakeUser, mallory: FakeUser
) -> None:
    routine = fake.wait_answer(
        fake.slash(victim, "stretch", "routine", minutes=10, focus="lower_back")
    ).last
    start_id = routine.button("Start")["custom_id"]
    refused = fake.wait_answer(fake.tap(mallory, routine, start_id)).last
    _refusal(refused, routine, fake)
    off = f"t2s:off:{to_base36(victim.id)}"
    fake.wait_answer(
        fake.slash(
            victim,
            "stretch",
            "remind",
            "set",
            time="08:00",
            days="daily",
            routine="hips",
            timezone="Europe/Berlin",
        )
    )
    own = fake.wait_answer(fake.slash(mallory, "stretch", "list")).last
    fake.wait_answer(fake.tap(mallory, own, off, forge="inject"))
    listed = fake.wait_answer(fake.slash(victim, "stretch", "remind", "list")).last
    assert "08:00" in listed.text(), "the victim's reminder is still there"
    fake.wait_answer(fake.slash(victim, "stretch", "remind", "off"))


@pytest.mark.parametrize("text", ODD, ids=[f"odd{i}" for i in range(len(ODD))])
def test_autocomplete_with_huge_and_odd_text(
    fake: FakeDiscord, bot: BotProcess, mallory: FakeUser, text: str
) -> None:
    for focused, options in (
        ("name", {"name": text}),
        ("timezone", {"time": "07:00", "days": "daily", "routine": "hips", "timezone": text}),
        ("days", {"time": "07:00", "days": text, "routine": "hips"}),
    ):
        path = ("show",) if focused == "name" else ("remind", "set")
        answer = fake.wait_answer(
            fake.autocomplete(mallory, "stretch", *path, focused=focused, **options)
        )
        assert answer.choices is not None and len(answer.choices) <= 25


@pytest.mark.parametrize("text", ODD[:7], ids=[f"odd{i}" for i in range(7)])
def test_commands_with_huge_and_odd_options(
    fake: FakeDiscord, bot: BotProcess, mallory: FakeUser, text: str
) -> None:
    shown = fake.wait_answer(fake.slash(mallory, "stretch", "show", name=text)).last
    assert shown.ephemeral
    remind = fake.wait_answer(
        fake.slash(
            mallory, "stretch", "remind", "set", time=text, days=text, routine="hips", timezone=text
        )
    ).last
    assert "Reminder set" not in remind.text()


def test_a_burst_of_commands_gets_a_polite_cooldown(fake: FakeDiscord, bot: BotProcess) -> None:
    member = fake.add_user("burst_bella")
    others = fake.add_user("calm_carl")
    sent = [fake.slash(member, "stretch", "list") for _ in range(9)]
    texts = [fake.wait_answer(i).last.text() for i in sent]
    slowed = [t for t in texts if "wait" in t.lower()]
    assert slowed, "a burst is slowed down"
    assert len(slowed) < len(texts), "the first commands of a burst are served"
    calm = fake.wait_answer(fake.slash(others, "stretch", "list")).last
    assert "wait" not in calm.text().lower(), "the cooldown is per member"


def test_admin_commands_from_a_member(
    fake: FakeDiscord, bot: BotProcess, mallory: FakeUser
) -> None:
    admin = fake.command("t2admin")
    for sub in admin["options"]:
        path, options = _fill(sub)
        answer = fake.wait_answer(fake.slash(mallory, "t2admin", *path, **options)).last
        assert answer.ephemeral, f"/t2admin {' '.join(path)}"
        assert any(
            w in answer.text().lower()
            for w in ("admin", "permission", "can't", "cannot", "not allowed", "only")
        ), answer.text()


def _fill(option: dict) -> tuple[list[str], dict]:
    """The first leaf subcommand under ``option`` and placeholder values for its options."""
    if option["type"] == 2:
        return [option["name"], *_fill(option["options"][0])[0]], _fill(option["options"][0])[1]
    values: dict[str, object] = {}
    for opt in option.get("options") or []:
        if not opt.get("required"):
            continue
        if opt.get("choices"):
            values[opt["name"]] = opt["choices"][0]["value"]
        else:
            values[opt["name"]] = {3: "x", 4: 1, 5: True, 10: 1.0}.get(opt["type"], "1")
    return [option["name"]], values


def _export_rows(fake: FakeDiscord, member: FakeUser) -> int:
    message = fake.wait_answer(fake.slash(member, "mydata", "export")).last
    data = json.loads(next(a["_content"] for a in message.attachments))
    return sum(len(rows) for rows in data["tables"].values())


@pytest.mark.parametrize(
    "options",
    [
        {"minutes": 999, "focus": "hips"},
        {"minutes": -5, "focus": "hips"},
        {"minutes": 10, "focus": "not_a_focus"},
    ],
    ids=["too-long", "negative", "bad-choice"],
)
def test_option_values_a_real_client_would_not_send(
    fake: FakeDiscord, bot: BotProcess, mallory: FakeUser, options: dict
) -> None:
    """Discord checks ranges and choices itself; the bot checks again (defence in depth)."""
    answer = fake.wait_answer(fake.slash(mallory, "stretch", "routine", **options)).last
    assert answer.ephemeral and answer.text()
    assert not answer.has_button("Start"), "an invalid routine request is not served"


@pytest.mark.parametrize("what", ["removed-command", "changed-signature"])
def test_code_and_published_commands_out_of_step(
    fake: FakeDiscord, bot: BotProcess, mallory: FakeUser, what: str
) -> None:
    """After a deploy without --sync, Discord still sends the published commands: a removed
    one, or one whose options changed. The member is told; the operator gets a warning (not a
    traceback) that says to publish the commands with --sync."""
    if what == "removed-command":
        data = {
            "id": str(snowflake()),
            "name": "oldcheck",
            "type": 1,
            "options": [],
            "guild_id": str(fake.guild_id),
        }
        record = fake.interact(mallory, 2, data)
    else:
        record = fake.slash(mallory, "stretch", "routine", minutes=10)  # focus is required
    answer = fake.wait_answer(record).last
    assert answer.ephemeral and "changed in a recent update" in answer.text()
    assert "uv run bot.py --sync" in bot.log()


def test_double_tap_is_answered_twice(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, mallory: FakeUser
) -> None:
    screen = start(fake, mallory).message
    custom_id = screen.button(kb.node(kb.start).none_label)["custom_id"]
    first = fake.tap(mallory, screen, custom_id)
    second = fake.tap(mallory, screen, custom_id, as_seen=True)
    for tapped in (first, second):
        assert fake.wait_answer(tapped).last.text()


def test_backpain_in_a_direct_message(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge, mallory: FakeUser
) -> None:
    answer = fake.wait_answer(fake.slash(mallory, "backpain", in_dm=True))
    screen = answer.last
    assert screen.has_button(kb.node(kb.start).none_label)
    nxt = tap(fake, mallory, screen, kb.node(kb.start).none_label).last
    assert nxt.id == screen.id and nxt.text() != screen.text()
