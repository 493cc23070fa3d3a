"""Drive the engine by answer labels, and enumerate every path of a knowledge's flow."""

from __future__ import annotations

from collections.abc import Iterator

from t2bot.knowledge.model import Knowledge
from t2bot.triage import engine
from t2bot.triage.engine import FlowState, Outcome, Step
from t2bot.triage.ids import path_digit

NONE = "<none>"


def answer_by_labels(kb: Knowledge, labels: list[str]) -> Step | Outcome:
    """Answer screen after screen: ``NONE`` passes a red-flag screen; other items are labels."""
    position: Step | Outcome = engine.current(kb, engine.start())
    for label in labels:
        assert isinstance(position, Step), f"flow ended before {label!r}"
        if label == NONE:
            assert position.node.kind == "red_flags", position.node.id
            position = engine.proceed(kb, position.state)
            continue
        options = [a.label for a in position.node.answers]
        assert label in options, f"{label!r} not in {position.node.id}: {options}"
        position = engine.answer(kb, position.state, options.index(label))
    return position


def all_paths(kb: Knowledge) -> Iterator[tuple[FlowState, Outcome]]:
    """Every way through the flow with red-flag screens passed as "none"."""
    stack = [FlowState()]
    while stack:
        state = stack.pop()
        position = engine.current(kb, state)
        if not isinstance(position, Step):
            yield state, position
            continue
        count = 1 if position.node.kind == "red_flags" else len(position.node.answers)
        stack.extend(FlowState(state.path + path_digit(i)) for i in range(count))


def paths_to_nodes(kb: Knowledge) -> dict[str, str]:
    """A shortest path (breadth first, earlier answers first) to every screen a member can see.
    Answers that end the check (an emergency sign) lead nowhere."""
    from collections import deque

    paths = {kb.start: ""}
    queue = deque([kb.start])
    while queue:
        node = kb.node(queue.popleft())
        if node.kind == "red_flags":
            targets = [(0, node.next)]
        else:
            targets = [(i, answer.next) for i, answer in enumerate(node.answers)]
        for index, nxt in targets:
            if nxt and nxt not in paths:
                path = paths[node.id] + path_digit(index)
                if isinstance(engine.current(kb, FlowState(path)), Step):
                    paths[nxt] = path
                    queue.append(nxt)
    return paths
