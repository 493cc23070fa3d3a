"""Plans a /backpain path from the knowledge files and taps it through the fake, screen by screen.

The plan is made from the YAML model alone (not from the bot's engine), so a test checks the bot
against the knowledge: each screen must show its node's text and offer its labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from t2bot.knowledge.model import Knowledge, Node
from tests.e2e.fake_discord.model import Answer, FakeMessage
from tests.e2e.fake_discord.payloads import FakeUser
from tests.e2e.fake_discord.server import FakeDiscord


@dataclass(frozen=True)
class Tap:
    node: Node
    label: str
    values: tuple[str, ...] | None = None
    """On a checklist: the option values picked in its select menu (``label`` names them)."""


def plan_to_result(kb: Knowledge) -> list[Tap]:
    """Taps from the first screen to the ranked result, preferring answers with most points."""
    found = _search(kb, kb.start, [], set())
    if found is None:
        raise AssertionError("no path to a result in this knowledge")
    return found


def _search(kb: Knowledge, node_id: str, taps: list[Tap], seen: set[str]) -> list[Tap] | None:
    if node_id in seen:
        return None
    node = kb.node(node_id)
    if node.kind == "red_flags":
        if node.next is None:
            return None
        return _search(kb, node.next, [*taps, Tap(node, node.none_label)], seen | {node_id})
    if node.kind == "checklist":
        picks = checklist_picks(node)
        labels = "; ".join(node.answers[i].label for i in picks)
        tap = Tap(node, labels, tuple(str(i) for i in picks))
        if node.end == "result":
            return [*taps, tap]
        if node.next is None:
            return None
        return _search(kb, node.next, [*taps, tap], seen | {node_id})
    ranked = sorted(node.answers, key=lambda a: -sum(max(w, 0) for w in a.weights.values()))
    for answer in ranked:
        path = [*taps, Tap(node, answer.label)]
        if answer.end == "result":
            return path
        if answer.next:
            found = _search(kb, answer.next, path, seen | {node_id})
            if found:
                return found
    return None


def checklist_picks(node: Node) -> list[int]:
    """On a checklist: every option that adds points and reports no sign (the first of each
    ``one_of`` group only), else the first option that reports none."""
    scoring: list[int] = []
    groups: set[str] = set()
    for i, a in enumerate(node.answers):
        if a.exclusive or a.sign or not any(w > 0 for w in a.weights.values()):
            continue
        if a.one_of is not None:
            if a.one_of in groups:
                continue
            groups.add(a.one_of)
        scoring.append(i)
    return scoring or [next(i for i, a in enumerate(node.answers) if not a.sign)]


def select_id(message: FakeMessage) -> str:
    """The custom id of the message's one select menu."""
    menus = [c for c in message.components() if c.get("type") == 3]
    assert len(menus) == 1, f"expected one select menu: {message.custom_ids()}"
    return str(menus[0]["custom_id"])


def pick(fake: FakeDiscord, user: FakeUser, message: FakeMessage, values: list[str]) -> Answer:
    """Pick ``values`` in the message's select menu (a checklist screen)."""
    return fake.wait_answer(fake.tap(user, message, select_id(message), values=values))


def all_clear(node: Node) -> str:
    """The button that passes ``node`` with nothing to report: "None of these" on a safety
    screen, the first answer on a question (screening questions list it first)."""
    return node.none_label if node.kind == "red_flags" else node.answers[0].label


def second_node(kb: Knowledge) -> Node:
    """The screen after the first one is passed with "None of these"."""
    nxt = kb.node(kb.start).next
    assert nxt is not None
    return kb.node(nxt)


def squash(text: str) -> str:
    """Lower-case text with markdown and runs of whitespace removed, for contains-checks."""
    return re.sub(r"\s+", " ", re.sub(r"[*_`>]", "", text)).strip().lower()


def shows(message: FakeMessage, text: str, chars: int = 40) -> bool:
    return squash(text)[:chars] in squash(message.text())


def start(fake: FakeDiscord, user: FakeUser, guild_id: int | None = None) -> Answer:
    answer = fake.wait_answer(fake.slash(user, "backpain", guild_id=guild_id))
    assert answer.message is not None and answer.message.ephemeral, "/backpain must be private"
    return answer


def tap(
    fake: FakeDiscord, user: FakeUser, message: FakeMessage, label: str, *, exact: bool = True
) -> Answer:
    custom_id = message.button(label, exact=exact)["custom_id"]
    return fake.wait_answer(fake.tap(user, message, custom_id))


def walk(
    fake: FakeDiscord, user: FakeUser, taps: list[Tap], guild_id: int | None = None
) -> tuple[Answer, list[FakeMessage]]:
    """Start /backpain (in ``guild_id``, default the fake's server) and tap ``taps``, checking
    each screen; returns the last answer and all screens seen."""
    first = start(fake, user, guild_id)
    answer, screens = tap_through(fake, user, first, taps)
    return answer, [s for s in [first.message, *screens] if s is not None]


def tap_through(
    fake: FakeDiscord, user: FakeUser, answer: Answer, taps: list[Tap]
) -> tuple[Answer, list[FakeMessage]]:
    """Tap ``taps`` from the screen ``answer`` shows, checking each screen; returns the last
    answer and the screens after each tap."""
    screens: list[FakeMessage] = []
    for planned in taps:
        screen = answer.last
        assert shows(screen, planned.node.text), (
            f"screen for {planned.node.id!r} does not show its text; got:\n{screen.text()[:500]}"
        )
        if planned.values is not None:
            answer = pick(fake, user, screen, list(planned.values))
        else:
            answer = tap(fake, user, screen, planned.label)
        screens.append(answer.last)
    return answer, screens
