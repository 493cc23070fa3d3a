"""A sample of the standardized member cases, tapped through the real bot over the fake Discord:
one per urgency and population (pregnant, postpartum, under 16, neck, skimmer, thread rider).
The answers are the case file's; the screens the bot shows must offer those buttons and the
final message must carry the expected urgency (or, for self-care, the fixed NG59 note on its
What to try page)."""

from __future__ import annotations

import pytest

from t2bot.knowledge import Knowledge
from t2bot.knowledge.model import Urgency
from t2bot.triage.cards import PAGES, page_label
from t2bot.triage.engine import Result, ShortEnding
from tests.e2e.fake_discord import BotProcess, FakeDiscord
from tests.e2e.fake_discord.flows import pick, shows, start, tap
from tests.t2bot.triage.cases.runner import drive, load_cases, urgency_of

SAMPLE = (
    "em_both_legs_sciatica",
    "gap_pregnant_bleeding",
    "v2_skimmer_saddle_numb",
    "v2_neck_weak_grip",
    "gap_thread_post2_plated_neck",
    "gap_child_under_16",
    "sc_thread_op",
    "gap_postpartum_return_to_run",
    "gap_already_assessed_unchanged",
)
CASES = {case.id: case for case in load_cases()}


@pytest.mark.parametrize("case_id", SAMPLE)
def test_case_over_discord(fake: FakeDiscord, bot: BotProcess, kb: Knowledge, case_id: str) -> None:
    case = CASES[case_id]
    taps: list[tuple[str, str]] = []
    outcome, _ = drive(kb, case.answers, taps)
    assert urgency_of(outcome) == case.urgency  # the engine agrees before we go over Discord
    member = fake.add_user(f"case_{case_id}"[:30])
    screen = start(fake, member).message
    assert screen is not None
    for node_id, label in taps:
        assert shows(screen, kb.node(node_id).text), (node_id, screen.text()[:300])
        node = kb.node(node_id)
        if node.kind == "checklist":  # the runner logs the picked options joined with " + "
            options = [a.label for a in node.answers]
            values = [str(options.index(part)) for part in label.split(" + ")]
            screen = pick(fake, member, screen, values).last
            continue
        is_sign = any(flag.label == label for flag in node.flags)
        screen = tap(fake, member, screen, label, exact=not is_sign).last
    if isinstance(outcome, ShortEnding):
        assert shows(screen, outcome.ending.title), screen.text()[:300]
    elif case.urgency in ("emergency", "same_day", "soon"):
        assert shows(screen, kb.meta.urgency[Urgency(case.urgency)].title), screen.text()[:300]
    texts = [screen.text()]
    if urgency_of(outcome) == "none" and not isinstance(outcome, ShortEnding):
        # A self-care result is a set of pages: read each one as a member would.
        for page in PAGES[1:]:
            screen = tap(fake, member, screen, page_label(kb, page)).last
            texts.append(screen.text())
        tips_page = texts[PAGES.index("tips")]
        # every note of the result; the NG59 basics in their own note, or in the note that
        # replaces it for a member whose pain was already checked
        assert isinstance(outcome, Result)
        for note in outcome.notes:
            assert note.heading in tips_page, (note.id, tips_page[:300])
        assert "Keep moving" in tips_page, tips_page[:300]
    everything = "\n".join(texts).lower()
    for phrase in case.must_show:
        assert phrase.lower() in everything, phrase
