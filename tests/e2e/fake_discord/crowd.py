"""Crowds of simulated members on the fake's own event loop (the benchmark and the load test).

Each member does its next step as soon as it sees the answer to the last one. ``Driver`` sends
interactions without blocking the loop and waits for their answers through ``call_hooks``;
``t2_member`` is one member's session with the T2 bot.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from t2bot.knowledge import Knowledge
from tests.e2e.fake_discord.model import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    COMPONENT,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE,
    Call,
    InteractionRecord,
)
from tests.e2e.fake_discord.payloads import FakeUser
from tests.e2e.fake_discord.server import FakeDiscord

#: A member waits this long for an answer before counting it as unanswered (Discord: 3 s).
ANSWER_TIMEOUT = 15.0
#: Taps per member stay under the bot's tap limit (15 in 10 s): path + routine taps.
MAX_PATH_TAPS = 24  # the longest way to a result (--check-knowledge prints it)
ROUTINE_TAPS = ("Start", "Next")
STRETCH_QUERIES = ("hip flex", "glute", "cat cow", "hamstring", "child", "pigeon")


class Unanswered(Exception):
    """An interaction got no visible answer in time (or a wrong one)."""


def visible(record: InteractionRecord) -> bool:
    """The member sees something (like ``FakeDiscord.wait_answer``)."""
    if record.ack_type is None:
        return False
    if record.ack_type in (DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE):
        return any(o[0] in ("edit", "followup") for o in record.outputs)
    return True


@dataclass
class Sample:
    kind: str  # "command", "tap", "autocomplete"
    latency: float | None  # None: failed


class Driver:
    """Sends members' interactions on the fake's loop and waits for their answers (create it
    on that loop)."""

    def __init__(self, fake: FakeDiscord, timeout: float = ANSWER_TIMEOUT) -> None:
        self.timeout = timeout
        self.fake = fake
        self.waiting: dict[int, tuple[InteractionRecord, asyncio.Future[None]]] = {}
        self.samples: list[Sample] = []
        fake.call_hooks.append(self._on_call)

    def _on_call(self, call: Call | None = None) -> None:
        for iid, (record, future) in list(self.waiting.items()):
            if visible(record):
                del self.waiting[iid]
                if not future.done():
                    future.set_result(None)

    async def send(
        self,
        kind: str,
        user: FakeUser,
        itype: int,
        data: dict[str, Any],
        message: dict[str, Any] | None = None,
    ) -> InteractionRecord:
        record = await self.fake.interact_async(user, itype, data, message=message)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting[record.id] = (record, future)
        self._on_call()  # answered while we were sending
        try:
            await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            self.waiting.pop(record.id, None)
            self.samples.append(Sample(kind, None))
            raise Unanswered(record.label) from None
        late = record.acked_at is None or record.refused
        latency = None if late else record.acked_at - record.created  # type: ignore[operator]
        self.samples.append(Sample(kind, latency))
        if latency is None:
            raise Unanswered(f"{record.label}: {record.refused}")
        return record

    def slash(
        self, command: str, path: list[str], options: dict[str, Any], focused: str | None = None
    ) -> dict[str, Any]:
        cmd = self.fake.command(command)
        return {
            "id": cmd["id"],
            "name": command,
            "type": 1,
            "options": self.fake._options(cmd, path, options, focused=focused),
            "guild_id": str(self.fake.guild_id),
        }

    async def command(
        self, user: FakeUser, command: str, *path: str, **options: Any
    ) -> dict[str, Any]:
        """Run a slash command; returns the message it shows."""
        data = self.slash(command, list(path), options)
        record = await self.send("command", user, APPLICATION_COMMAND, data)
        return self.shown(record)

    async def tap(self, user: FakeUser, message: dict[str, Any], label: str) -> dict[str, Any]:
        custom_id = button(message, label)
        data = {"custom_id": custom_id, "component_type": 2}
        record = await self.send("tap", user, COMPONENT, data, message=message)
        return self.shown(record)

    async def pick(
        self, user: FakeUser, message: dict[str, Any], values: list[str]
    ) -> dict[str, Any]:
        """Pick ``values`` in the message's select menu (one interaction, like a tap)."""
        data = {"custom_id": select(message), "component_type": 3, "values": values}
        record = await self.send("tap", user, COMPONENT, data, message=message)
        return self.shown(record)

    async def step(self, user: FakeUser, message: dict[str, Any], step: PlanStep) -> dict[str, Any]:
        """One step of a plan: a button label, or the values picked on a checklist."""
        if isinstance(step, list):
            return await self.pick(user, message, step)
        return await self.tap(user, message, step)

    def shown(self, record: InteractionRecord) -> dict[str, Any]:
        if record.followup_ids:
            return self.fake.messages[record.followup_ids[-1]]
        if record.original_id is None or record.original_id not in self.fake.messages:
            raise Unanswered(f"{record.label}: no message")
        return self.fake.messages[record.original_id]


def button(message: dict[str, Any], label: str) -> str:
    """The custom id of the button labelled ``label`` on a message payload (exactly, else the
    first label starting with it: "Start" finds "Start ▶")."""
    found: list[dict[str, Any]] = []
    stack = list(message.get("components") or [])
    while stack:
        item = stack.pop(0)
        if item.get("type") == 2 and item.get("custom_id"):
            found.append(item)
        stack[:0] = list(item.get("components") or [])
    for exact in (True, False):
        for item in found:
            text = str(item.get("label") or "")
            if text == label if exact else text.startswith(label):
                return str(item["custom_id"])
    raise Unanswered(f"no button {label!r}")


def select(message: dict[str, Any]) -> str:
    """The custom id of the message's one select menu."""
    stack = list(message.get("components") or [])
    while stack:
        item = stack.pop(0)
        if item.get("type") == 3 and item.get("custom_id"):
            return str(item["custom_id"])
        stack[:0] = list(item.get("components") or [])
    raise Unanswered("no select menu")


#: A plan step: a button label, or the option values picked in a checklist's menu.
PlanStep = str | list[str]


def random_plan(kb: Knowledge, rng: random.Random) -> list[PlanStep]:
    """Steps of a path from the first screen to a ranked result, walked with the engine:
    answers picked at random among those that report no warning sign, red-flag screens passed
    with "none of these", on a checklist a random combination of such options (or one
    exclusive option alone); at most ``MAX_PATH_TAPS`` taps."""
    from t2bot.triage import engine

    for _ in range(200):
        labels: list[PlanStep] = []
        position = engine.current(kb, engine.start())
        while isinstance(position, engine.Step) and len(labels) <= MAX_PATH_TAPS:
            node = position.node
            if node.kind == "red_flags":
                labels.append(node.none_label)
                position = engine.proceed(kb, position.state)
                continue
            if node.kind == "checklist":
                picked = _random_picks(node, rng)
                labels.append([str(i) for i in picked])
                position = engine.check(kb, position.state, picked)
                continue
            calm = [i for i, answer in enumerate(node.answers) if answer.sign is None]
            index = rng.choice(calm or range(len(node.answers)))
            labels.append(node.answers[index].label)
            position = engine.answer(kb, position.state, index)
        if isinstance(position, engine.Result) and len(labels) <= MAX_PATH_TAPS:
            return labels
    raise RuntimeError("no path to a result within the tap limit")


def _random_picks(node: Any, rng: random.Random) -> list[int]:
    calm = [i for i, answer in enumerate(node.answers) if answer.sign is None]
    alone = [i for i in calm if node.answers[i].exclusive]
    together = [i for i in calm if not node.answers[i].exclusive]
    if alone and (not together or rng.random() < 0.3):
        return [rng.choice(alone)]
    if not together:
        return [rng.randrange(len(node.answers))]
    picked = rng.sample(together, rng.randint(1, len(together)))
    groups = [node.answers[i].one_of for i in picked]  # at most one of each one_of group
    return sorted(
        i for n, i in enumerate(picked) if groups[n] is None or groups[n] not in groups[:n]
    )


async def t2_member(d: Driver, user: FakeUser, plan: list[PlanStep], stretch_query: str) -> None:
    auto = d.slash("stretch", ["show"], {"name": stretch_query}, focused="name")
    record = await d.send("autocomplete", user, AUTOCOMPLETE, auto)
    if not record.choices:
        raise Unanswered("no autocomplete choices")
    await d.command(user, "stretch", "show", name=record.choices[0]["value"])
    screen = await d.command(user, "backpain")
    for step in plan:
        screen = await d.step(user, screen, step)
    button(screen, "Start over")  # the ranked result
    screen = await d.command(user, "stretch", "routine", minutes=10, focus="after_ride")
    for label in ROUTINE_TAPS:
        screen = await d.tap(user, screen, label)


Member = Callable[[Driver, FakeUser, list[PlanStep], str], Awaitable[None]]


async def crowd(
    driver: Driver,
    member: Member,
    members: int,
    sessions: int,
    plans: list[list[PlanStep]],
    prefix: str,
) -> list[str]:
    """``sessions`` member sessions, ``members`` at a time, each by a new member (run on the
    fake's loop: ``fake._run(crowd(...))``); returns why the sessions that failed did."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(sessions):
        queue.put_nowait(i)
    failed: list[str] = []

    async def worker() -> None:
        while not queue.empty():
            i = queue.get_nowait()
            user = driver.fake.add_user(f"{prefix}_{i}")
            query = STRETCH_QUERIES[i % len(STRETCH_QUERIES)]
            try:
                await member(driver, user, plans[i % len(plans)], query)
            except Unanswered as exc:
                failed.append(str(exc))

    await asyncio.gather(*(worker() for _ in range(members)))
    return failed
