"""A checklist screen over the loopback fake Discord: the real bot process sends a select menu,
a member picks several options in one interaction (component_type 3 with values), and crafted
values get the usual polite refusal."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator

import pytest

from t2bot.knowledge import Knowledge, load_knowledge
from tests.conftest import CHECKLIST_KNOWLEDGE
from tests.e2e.fake_discord import BotProcess, FakeDiscord
from tests.e2e.fake_discord.crowd import Driver, random_plan
from tests.e2e.fake_discord.flows import pick, plan_to_result, select_id, shows, start, tap, walk
from tests.e2e.fake_discord.harness import serve_fake

fake = pytest.fixture(scope="module", name="fake")(serve_fake)


@pytest.fixture(scope="module")
def kb_here() -> Knowledge:
    return load_knowledge(CHECKLIST_KNOWLEDGE)


@pytest.fixture(scope="module")
def bot(fake: FakeDiscord, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    workdir = tmp_path_factory.mktemp("checklist")
    knowledge = workdir / "knowledge"
    shutil.copytree(CHECKLIST_KNOWLEDGE, knowledge)
    process = BotProcess(fake, workdir, env={"KNOWLEDGE_DIR": str(knowledge)})
    process.start()
    yield process
    process.stop()


def _to_checklist(fake: FakeDiscord, member, kb: Knowledge):
    screen = start(fake, member).message
    for label in ("None of these", "None of these", "Lower back on the run", "Yes, by far"):
        screen = tap(fake, member, screen, label).last
    assert shows(screen, kb.node("habits").text)
    return screen


def test_the_plan_picks_on_the_menu_and_reaches_the_result(
    fake: FakeDiscord, bot: BotProcess, kb_here: Knowledge
) -> None:
    member = fake.add_user("checklist_carla")
    plan = plan_to_result(kb_here)
    assert any(t.values == ("0", "1") for t in plan), plan  # both scoring options at once
    answer, screens = walk(fake, member, plan)
    text = answer.last.text()
    assert "Not used to aero" in text and "Worn shoes" in text
    assert len({s.id for s in screens}) == 1, "one message, updated in place"


def test_a_menu_pick_with_an_emergency_option_ends_at_once(
    fake: FakeDiscord, bot: BotProcess, kb_here: Knowledge
) -> None:
    member = fake.add_user("checklist_dora")
    screen = _to_checklist(fake, member, kb_here)
    menu = next(c for c in screen.components() if c.get("type") == 3)
    assert menu["min_values"] == 1 and menu["max_values"] == 6
    done = pick(fake, member, screen, ["0", "3"]).last
    assert "Call 112 now." in done.text()


@pytest.mark.parametrize("values", [["4", "1"], ["9"], ["a"], []])
def test_crafted_values_are_refused_politely(
    fake: FakeDiscord, bot: BotProcess, kb_here: Knowledge, values: list[str]
) -> None:
    member = fake.add_user(f"checklist_eve_{len(values)}_{''.join(values)}")
    screen = _to_checklist(fake, member, kb_here)
    answer = fake.wait_answer(fake.tap(member, screen, select_id(screen), values=values))
    assert "not valid any more" in answer.all_text()
    again = pick(fake, member, screen, ["1"]).last  # the screen still works
    assert shows(again, "Shoes?")


def test_the_crowd_walks_checklists(fake: FakeDiscord, bot: BotProcess, kb_here: Knowledge) -> None:
    rng = random.Random(7)
    plans = [random_plan(kb_here, rng) for _ in range(12)]
    assert any(isinstance(step, list) and len(step) > 1 for plan in plans for step in plan)

    async def go() -> None:
        driver = Driver(fake)
        for i, plan in enumerate(plans):
            user = fake.add_user(f"checklist_crowd_{i}")
            screen = await driver.command(user, "backpain")
            for step in plan:
                screen = await driver.step(user, screen, step)
            assert any(
                b.get("label") == "Save to my history"
                for row in screen.get("components") or []
                for b in row.get("components") or []
            )

    fake._run(go(), 120)
