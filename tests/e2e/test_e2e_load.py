"""200 members at once: every interaction of every member gets its answer.

Each member (a new one each, as real crowds are) runs a whole session: ``/stretch show`` with
autocomplete, ``/backpain`` tapped to the ranked result, ``/stretch routine`` with Start and Next
(``tests/e2e/fake_discord/crowd.py``, the same members as ``bench/run.py``). No timing budget:
the answers are waited for with generous timeouts, and the after-test checks of conftest.py
require every interaction to be answered inside Discord's 3-second window, none refused.
"""

from __future__ import annotations

import random

from t2bot.knowledge import Knowledge
from tests.e2e.fake_discord import BotProcess, FakeDiscord
from tests.e2e.fake_discord.crowd import Driver, crowd, random_plan, t2_member

MEMBERS = 200


async def _driver(fake: FakeDiscord) -> Driver:
    return Driver(fake, timeout=60.0)


def test_no_interaction_goes_unanswered_under_200_members(
    fake: FakeDiscord, bot: BotProcess, kb: Knowledge
) -> None:
    rng = random.Random(200)
    plans = [random_plan(kb, rng) for _ in range(32)]
    driver = fake._run(_driver(fake))
    try:
        failed = fake._run(crowd(driver, t2_member, MEMBERS, MEMBERS, plans, "crowd"), 600)
    finally:
        fake.call_hooks.remove(driver._on_call)
    assert failed == [], failed[:5]
    answered = [s for s in driver.samples if s.latency is not None]
    per_member = min(map(len, plans)) + 6  # autocomplete, 3 commands, the path, 2 routine taps
    assert len(driver.samples) >= MEMBERS * per_member
    assert len(answered) == len(driver.samples), "an interaction was late or never answered"
