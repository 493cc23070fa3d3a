"""/backpain end to end: tapping through the real bot, screen by screen, as a member would."""

from __future__ import annotations

from t2bot.knowledge import Knowledge
from t2bot.knowledge.model import Urgency
from tests.e2e.fake_discord import BotProcess, FakeDiscord
from tests.e2e.fake_discord.flows import plan_to_result, shows, start, tap, walk

EMERGENCY_NUMBER = "112"  # set by tests.e2e.fake_discord.process for every bot


def test_whole_flow_to_the_ranked_result(fake: FakeDiscord, bot: BotProcess, kb: Knowledge) -> None:
    member = fake.add_user("hannah_aero", "Hannah")
    plan = plan_to_result(kb)
    answer, screens = walk(fake, member, plan)
    result = answer.last
    assert all(s.ephemeral for s in screens), "health answers are private"
    assert len({s.id for s in screens}) == 1, "the flow updates one message in place"
    assert shows(
        result, kb.meta.professional_reminder.replace("{emergency_number}", EMERGENCY_NUMBER)
    )
    assert "not a diagnosis" in result.text().lower()
    named = [c for c in kb.contributors if c.name in result.text()]
    assert named, "the result names at least one likely contributor"
    labels = result.labels()
    assert "Save to my history" in labels and "Start over" in labels
    assert not any(lbl in labels for lbl in ("Back", "Cancel"))
    for screen, planned in zip(screens, plan, strict=False):
        if planned.values is not None:  # a checklist: its options are in the select menu
            options = [o["label"] for c in screen.components() for o in c.get("options", [])]
            picked = [planned.node.answers[int(v)].label for v in planned.values]
            assert set(picked) <= set(options), planned.node.id
            continue
        assert planned.label in " ".join(screen.labels()), planned.node.id


def test_back_start_over_and_cancel(fake: FakeDiscord, bot: BotProcess, kb: Knowledge) -> None:
    member = fake.add_user("ivan_tt")
    first = kb.node(kb.start)
    screen = start(fake, member).message
    assert screen.button("Back")["disabled"], "nothing to go back to on the first screen"
    second = tap(fake, member, screen, first.none_label).last
    assert not shows(second, first.text)
    back = tap(fake, member, second, "Back").last
    assert shows(back, first.text)
    again = tap(fake, member, tap(fake, member, back, first.none_label).last, "Start over").last
    assert shows(again, first.text)
    cancelled = tap(fake, member, again, "Cancel").last
    assert "cancelled" in cancelled.text().lower() and not cancelled.buttons()


def test_an_emergency_sign_escalates_at_once(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge
) -> None:
    member = fake.add_user("jo_emergency")
    node = kb.node(kb.start)
    flag = next(f for f in node.flags if f.urgency is Urgency.emergency)
    screen = start(fake, member).message
    result = tap(fake, member, screen, flag.label, exact=False).last
    level = kb.meta.urgency[Urgency.emergency]
    assert shows(result, level.title)
    assert EMERGENCY_NUMBER in result.text()
    assert result.embeds[0].get("color") == 0xE74C3C, "emergency answers are red"


def test_ticking_signs_then_continue(fake: FakeDiscord, bot: BotProcess, kb: Knowledge) -> None:
    member = fake.add_user("kim_ticks")
    node = kb.node(kb.start)
    screen = start(fake, member).message
    # On to a see-soon screen, with the all-clear answer (first answer or "None of these").
    while sum(f.urgency is Urgency.soon for f in node.flags) < 2:
        label, nxt = (
            (node.none_label, node.next)
            if node.kind == "red_flags"
            else (node.answers[0].label, node.answers[0].next)
        )
        assert nxt is not None
        screen = tap(fake, member, screen, label).last
        node = kb.node(nxt)
    soon = [f for f in node.flags if f.urgency is Urgency.soon][:2]
    assert screen.has_button(node.none_label)
    for flag in soon:
        screen = tap(fake, member, screen, flag.label, exact=False).last
    ticked = [lbl for lbl in screen.labels() if lbl.startswith("☑")]
    assert len(ticked) == len(soon)
    assert screen.has_button("Continue") and not screen.has_button(node.none_label)
    untick = tap(fake, member, screen, soon[0].label, exact=False).last
    assert len([lbl for lbl in untick.labels() if lbl.startswith("☑")]) == len(soon) - 1
    result = tap(fake, member, untick, "Continue").last
    assert shows(result, kb.meta.urgency[Urgency.soon].title)


def test_save_the_result_then_see_it_in_history(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge
) -> None:
    member = fake.add_user("lena_saves")
    answer, _ = walk(fake, member, plan_to_result(kb))
    saved = tap(fake, member, answer.last, "Save to my history").last
    assert saved.ephemeral and "saved" in saved.text().lower()
    history = fake.wait_answer(fake.slash(member, "mydata", "history")).last
    assert history.ephemeral
    named = [c.name for c in kb.contributors if c.name in answer.last.text()]
    assert any(name in history.text() for name in named)


def test_result_buttons_open_a_stretch_and_a_routine(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge
) -> None:
    member = fake.add_user("milo_moves")
    answer, _ = walk(fake, member, plan_to_result(kb))
    # The fitting stretches and "Build my routine" are on the answer's Stretches page.
    result = tap(fake, member, answer.last, "Stretches").last
    assert result.id == answer.last.id, "a page replaces the answer in place"
    stretch_ids = [cid for cid in result.custom_ids() if cid.startswith("t2s:show:")]
    assert stretch_ids, "a result with contributors offers fitting stretches"
    stretch = kb.stretch(stretch_ids[0].split(":")[2])
    opened = fake.wait_answer(fake.tap(member, result, stretch_ids[0])).last
    assert opened.ephemeral and stretch.name in opened.text()
    assert stretch.steps[0][:30] in opened.text()
    routine = tap(fake, member, result, "Build my routine").last
    assert routine.ephemeral and routine.has_button("Start")


def test_check_on_me_in_a_week(fake: FakeDiscord, bot: BotProcess, kb: Knowledge) -> None:
    member = fake.add_user("olga_checkin")
    answer, _ = walk(fake, member, plan_to_result(kb))
    assert answer.last.has_button("Check on me"), "a result offers 'Check on me in a week'"
    ok = tap(fake, member, answer.last, "Check on me in a week").last
    assert ok.ephemeral and "<t:" in ok.text(), "the date is shown in the member's timezone"
    export = fake.wait_answer(fake.slash(member, "mydata", "export")).last
    assert "1 record" in export.text()
