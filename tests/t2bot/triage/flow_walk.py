"""Drive the engine by answer labels, and enumerate every path of a knowledge's flow."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from t2bot.knowledge.model import Knowledge, allowed
from t2bot.knowledge.validate import checklist_units
from t2bot.triage import engine
from t2bot.triage.engine import FlowState, Outcome, Step
from t2bot.triage.ids import path_digit

NONE = "<none>"
RESULT = engine.RESULT


def all_clear(kb: Knowledge, step: Step) -> Step | Outcome:
    """Pass a screening screen with nothing to report: "None of these" on a red-flag screen,
    the first answer of a question (screening questions list it first), on a checklist its
    first exclusive option (else its first option that reports no sign)."""
    node = step.node
    if node.kind == "red_flags":
        return engine.proceed(kb, step.state)
    if node.kind == "checklist":
        calm = [i for i, a in enumerate(node.answers) if a.exclusive and not a.sign]
        calm += [i for i, a in enumerate(node.answers) if not a.sign]
        return engine.check(kb, step.state, [calm[0]])
    return engine.answer(kb, step.state, 0)


def answer_by_labels(kb: Knowledge, labels: list[str]) -> Step | Outcome:
    """Answer screen after screen: ``NONE`` passes a red-flag screen; other items are labels
    (on a checklist, the picked options' labels joined with `` + ``)."""
    position: Step | Outcome = engine.current(kb, engine.start())
    for label in labels:
        assert isinstance(position, Step), f"flow ended before {label!r}"
        if label == NONE:
            assert position.node.kind == "red_flags", position.node.id
            position = engine.proceed(kb, position.state)
            continue
        if position.node.kind == "checklist":
            options = [a.label for a in position.node.answers]
            picked = [part.strip() for part in label.split(" + ")]
            assert set(picked) <= set(options), f"{label!r} not in {position.node.id}: {options}"
            position = engine.check(kb, position.state, [options.index(p) for p in picked])
            continue
        options = [a.label for a in position.node.answers]
        assert label in options, f"{label!r} not in {position.node.id}: {options}"
        position = engine.answer(kb, position.state, options.index(label))
    return position


@dataclass(frozen=True)
class Way:
    """One distinct outcome: a representative path to it, how many paths share it, and the
    shortest and longest of them (taps including the safety screens)."""

    state: FlowState
    outcome: Outcome
    paths: int
    shortest: int
    longest: int


_WAYS: dict[tuple[int, str], list[Way]] = {}


def all_ways(kb: Knowledge) -> list[Way]:
    """Cached ``_all_ways`` (the walk takes a while; several test modules use it)."""
    key = (id(kb), kb.version)
    if key not in _WAYS:
        _WAYS.clear()
        _WAYS[key] = _all_ways(kb)
    return _WAYS[key]


def _all_ways(kb: Knowledge) -> list[Way]:
    """Every way through the flow with red-flag screens passed as "none", merged exactly.

    The paths explode combinatorially (billions), so the walk merges paths whose answers are
    provably the same: up to the first ``advice`` question, paths that reach the same screen
    with the same used facts and collected signs (every screening outcome is reached); after
    it, paths whose answers give every contributor the same score and reasons and declare the
    same facts. Every such cause path is walked once, after the first way into its advice
    question (an adult who is not pregnant): the product with the other ways in (pregnant,
    postpartum, already checked), which only filter items and add notes, is NOT enumerated
    here; ``test_facts_filter_every_item`` covers those facts item by item, and the page-size
    bound (``test_no_combination_of_answers_can_overfill_a_page``) every route with them. The
    ranked answer is computed by the engine (``engine.rank``) and equal answers are merged
    again."""
    used = _used_facts(kb)
    entries: dict[Any, str] = {}
    ways: dict[Any, Way] = {}

    def record(key: Any, path: str, outcome: Outcome, count: int) -> None:
        old = ways.get(key)
        n = taps(kb, path)
        if old is None:
            ways[key] = Way(FlowState(path), outcome, count, n, n)
        else:
            ways[key] = Way(
                old.state,
                old.outcome,
                old.paths + count,
                min(old.shortest, n),
                max(old.longest, n),
            )

    # 1. Screening: breadth first, merged by screen, used facts and collected signs.
    frontier: dict[Any, tuple[str, int]] = {_key(kb, "", used): ("", 1)}
    while frontier:
        following: dict[Any, tuple[str, int]] = {}
        for key, (path, count) in frontier.items():
            position = engine.current(kb, FlowState(path))
            if not isinstance(position, Step):
                record(("early", key), path, position, count)
                continue
            if position.node.advice:
                entries.setdefault(key, path)
                continue
            for digits, combos in _choices(kb, position.node):
                nxt = path + digits
                nkey = _key(kb, nxt, used)
                p, c = following.get(nkey, (nxt, 0))
                following[nkey] = (p, c + count * combos)
        frontier = following
    # 2. Causes: every distinct set of scores, reasons and facts from each advice question,
    #    after the first way into that question (see the docstring for what is not combined).
    first_entry: dict[str, tuple[Any, str]] = {}
    for entry_key, prefix in entries.items():
        first_entry.setdefault(entry_key[0], (entry_key, prefix))
    for node_id, (entry_key, prefix) in first_entry.items():
        walk = engine._walk(kb, prefix)
        assert all(not a.weights for _n, a in walk.chosen), "screening answers carry no points"
        ranked: dict[Any, Outcome] = {}
        for end, chosen, facts, suffix, count in _suffixes(kb, node_id):
            path = prefix + suffix
            if end == RESULT:
                all_facts = frozenset(walk.facts) | facts
                key: Any = ("result", _named(kb, chosen, all_facts), all_facts)
                if key not in ranked:
                    ranked[key] = engine.rank(kb, chosen, path, all_facts, walk.waived())
                outcome: Outcome = ranked[key]
            else:
                key = ("end", end, entry_key)
                position = engine.current(kb, FlowState(path))
                assert not isinstance(position, Step)
                outcome = position
            record(key, path, outcome, count)
    return list(ways.values())


def taps(kb: Knowledge, path: str) -> int:
    """Screens answered on ``path`` (a checklist's digits are one tap)."""
    return len(engine.screens(kb, path))


def _named(kb: Knowledge, chosen: list[Any], facts: frozenset[str]) -> Any:
    """The contributors a result names, with their reasons (a merge key only: with the same
    named contributors and facts, the engine shows the same tips, stretches and notes)."""
    scores, reasons = _scores(chosen)
    order = {c.id: i for i, c in enumerate(kb.contributors)}
    why = dict(reasons)
    named = sorted(
        (
            cid
            for cid, score in scores
            if score >= kb.meta.min_score and allowed(kb.contributor(cid), facts)
        ),
        key=lambda cid: (-dict(scores)[cid], order[cid]),
    )[: kb.meta.max_contributors]
    return tuple((cid, why.get(cid, ())) for cid in named)


def _suffixes(kb: Knowledge, start: str) -> list[tuple[str, list[Any], frozenset[str], str, int]]:
    """(end, chosen answers, facts, path digits, number of paths) for each distinct way from
    ``start`` to an end, merging ways with equal scores, reasons and facts."""
    found: dict[Any, tuple[str, list[Any], frozenset[str], str, int]] = {}
    frontier: dict[Any, tuple[str, list[Any], frozenset[str], str, int]] = {
        (start, (), ()): (start, [], frozenset(), "", 1)
    }
    while frontier:
        following: dict[Any, tuple[str, list[Any], frozenset[str], str, int]] = {}
        for (node_id, _s, _r), (_n, chosen, facts, path, count) in frontier.items():
            node = kb.node(node_id)
            for picked, digits, combos in _picks(kb, node):
                answers = [node.answers[i] for i in picked]
                now = [*chosen, *((node, answer) for answer in answers)]
                now_facts = facts | frozenset(f for answer in answers for f in answer.sets)
                scores, reasons = _scores(now)
                nxt = node.next if node.kind == "checklist" else answers[0].next
                end = node.end if node.kind == "checklist" else answers[0].end
                target = nxt or f"end:{end}"
                key = (target, scores, reasons, now_facts)
                bucket = following if nxt else found
                if key in bucket:
                    old = bucket[key]
                    bucket[key] = (old[0], old[1], old[2], old[3], old[4] + count * combos)
                else:
                    bucket[key] = (target, now, now_facts, path + digits, count * combos)
        frontier = {(k[0], k[1], (k[2], k[3])): v for k, v in following.items()}
    return [
        (target.removeprefix("end:"), chosen, facts, path, count)
        for target, chosen, facts, path, count in found.values()
    ]


def _choices(kb: Knowledge, node: Any) -> list[tuple[str, int]]:
    """(path digits, number of paths) for each distinct answer to a screening screen."""
    if node.kind == "red_flags":
        return [(path_digit(0), 1)]
    return [(digits, ways) for _picked, digits, ways in _picks(kb, node)]


def _picks(kb: Knowledge, node: Any) -> list[tuple[list[int], str, int]]:
    """(answers picked, path digits, number of paths) for each distinct answer to ``node``: one
    per answer of a question; on a checklist one per class of combinations that add the same
    points, reasons (in order), facts and signs (``checklist_classes``)."""
    if node.kind != "checklist":
        return [([i], path_digit(i), 1) for i in range(len(node.answers))]
    return [
        (picked, engine.encode_picks(len(node.answers), picked), ways)
        for picked, ways in checklist_classes(kb, node)
    ]


#: Checklists with at most this many options (not counting exclusive ones) are walked in
#: every class of combinations. A larger one (the cause checklists: 15-22 options, each with
#: its own reason, so nearly 2**n classes) is walked in every combination of at most
#: ``LARGE_CHECKLIST_PICKS`` options: every option alone and with every other option of the
#: same screen, times every class of the other screens. Members who tick more are covered
#: by the case suite (tests/t2bot/triage/cases/), the knowledge check's per-item tests, the
#: tick-everything walk, and for page sizes by an upper bound over every route to a result
#: (``test_no_combination_of_answers_can_overfill_a_page``).
FULL_CHECKLIST = 10
LARGE_CHECKLIST_PICKS = 2


def checklist_classes(kb: Knowledge, node: Any) -> list[tuple[list[int], int]]:
    """A representative combination of each class of a checklist's combinations, and how many
    combinations it stands for. Built option by option (a class of the first k options grows
    by the next option or not; by one option of a ``one_of`` group or none), so the classes,
    not the 2**n combinations, are listed;
    exclusive options are their own classes. Combinations with an emergency sign are one
    class per sign set (the check ends there). Large checklists: see ``FULL_CHECKLIST``."""

    def effect(picked: list[int]) -> Any:
        answers = [node.answers[i] for i in picked]
        scores, reasons = _scores([(node, a) for a in answers])
        signs = tuple(a.sign for a in answers if a.sign)
        facts = frozenset(f for a in answers for f in a.sets)
        return scores, reasons, facts, signs

    classes: dict[Any, tuple[list[int], int]] = {effect([]): ([], 1)}
    options = sum(1 for answer in node.answers if not answer.exclusive)
    most = len(node.answers) if options <= FULL_CHECKLIST else LARGE_CHECKLIST_PICKS
    index_of = {id(answer): i for i, answer in enumerate(node.answers)}
    for unit in checklist_units(node):  # a one_of group adds none or exactly one option
        grown = dict(classes)
        for answer in unit:
            index = index_of[id(answer)]
            for picked, ways in classes.values():
                if len(picked) >= most:
                    continue
                now = sorted([*picked, index])
                key = effect(now)
                old = grown.get(key)
                grown[key] = (old[0], old[1] + ways) if old else (now, ways)
        classes = grown
    del classes[effect([])]  # nothing picked is no answer
    found = list(classes.values())
    found += [([i], 1) for i, answer in enumerate(node.answers) if answer.exclusive]
    return found


def _scores(chosen: list[Any]) -> tuple[Any, Any]:
    scores: dict[str, int] = {}
    reasons: dict[str, list[str]] = {}
    for _node, answer in chosen:
        for cid, points in answer.weights.items():
            scores[cid] = scores.get(cid, 0) + points
            if points > 0 and answer.why and answer.why not in reasons.setdefault(cid, []):
                reasons[cid].append(answer.why)
    return (
        tuple(sorted(scores.items())),
        tuple(sorted((cid, tuple(r)) for cid, r in reasons.items())),
    )


def all_paths(kb: Knowledge) -> Iterator[tuple[FlowState, Outcome]]:
    """A representative of every way through the flow (see ``all_ways``)."""
    for way in all_ways(kb):
        yield way.state, way.outcome


def _used_facts(kb: Knowledge) -> frozenset[str]:
    found: set[str] = set()
    for item in [*kb.contributors, *kb.tips, *kb.stretches]:
        found |= set(item.needs) | set(item.excludes)
    for note in kb.notes:
        found |= set(note.when)
    for flag in [*(f for n in kb.nodes for f in n.flags), *kb.signs]:
        found |= set(flag.unless)
    return frozenset(found)


def _stop(stop: engine.Escalation | None) -> Any:
    if stop is None:
        return None
    return (stop.urgency, tuple(flag.id for flag in stop.flags), stop.combined)


def _key(kb: Knowledge, path: str, used: frozenset[str]) -> Any:
    walk = engine._walk(kb, path)
    scores: dict[str, int] = {}
    reasons: dict[str, list[str]] = {}
    for _node, answer in walk.chosen:
        for cid, points in answer.weights.items():
            scores[cid] = scores.get(cid, 0) + points
            if points > 0 and answer.why and answer.why not in reasons.setdefault(cid, []):
                reasons[cid].append(answer.why)
    return (
        walk.node.id if walk.node else ("end", walk.end, _stop(walk.stop)),
        frozenset(walk.facts & used),
        tuple(flag.id for flag in walk.signs),
        tuple(sorted(scores.items())),
        tuple(sorted((cid, tuple(r)) for cid, r in reasons.items())),
    )


def paths_to_nodes(kb: Knowledge) -> dict[str, str]:
    """A shortest path (breadth first, earlier answers first) to every screen a member can see,
    one without a warning sign pending where there is one. Answers that end the check (an
    emergency sign) lead nowhere."""
    from collections import deque

    paths = {kb.start: ""}
    queue = deque([kb.start])
    while queue:
        node = kb.node(queue.popleft())
        if node.kind == "red_flags":
            targets = [(path_digit(0), node.next)]
        elif node.kind == "checklist":
            targets = [(digits, node.next) for digits, _ways in _choices(kb, node)]
        else:
            targets = [(path_digit(i), answer.next) for i, answer in enumerate(node.answers)]
        for digits, nxt in targets:
            if not nxt:
                continue
            path = paths[node.id] + digits
            calm = not engine._walk(kb, path).pending()
            # a path with a sign pending ends before the advice screens: prefer one without
            better = nxt not in paths or (calm and engine._walk(kb, paths[nxt]).pending())
            if better and isinstance(engine.current(kb, FlowState(path)), Step):
                paths[nxt] = path
                queue.append(nxt)
    return paths
