"""Checks that need the whole knowledge: references, the flow's shape, safety rules, limits.

Each problem is ``(place, message)`` where place is a path into the merged document, e.g.
``("nodes", 3, "answers", 1, "next")``; the loader turns it into file, line and a readable place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, get_args

from rapidfuzz import fuzz, process

from t2bot.knowledge.model import THREAD_SOURCE, Answer, Flag, Knowledge, Node, Stretch, Urgency
from t2bot.triage.engine import checklist_width
from t2bot.triage.ids import MAX_PATH

Place = tuple[Any, ...]
Problem = tuple[Place, str]

RESULT = "result"
#: Discord allows 25 components: 5 rows of 5; one row is kept for Back / Start over / Cancel.
MAX_CHOICES = 20
#: Discord's select menu holds at most 25 options.
MAX_OPTIONS = 25
FOCUSES = get_args(get_args(Stretch.model_fields["focus"].annotation)[0])
MIN_MOVES_PER_FOCUS = 3
#: Screens in all; far more than a flow needs, and it keeps the graph checks' recursion shallow.
MAX_SCREENS = 300
#: An answer a member gives when they do not know: never evidence for a contributor.
NOT_SURE = re.compile(r"\bnot sure\b|\bdon'?t know\b|\bdidn'?t try\b|\bcouldn'?t try\b", re.I)


class SeeLine(str):
    """A message that names another place: the loader writes that place's ``file:line`` where
    the message has ``{where}`` (e.g. the first use of a duplicated id)."""

    place: Place

    def __new__(cls, template: str, place: Place) -> SeeLine:
        message = super().__new__(cls, template)
        message.place = place
        return message


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'shoes'?)`` for the closest of ``choices`` to a mistyped id, or ''."""
    best = process.extractOne(word, list(choices), scorer=fuzz.ratio, score_cutoff=70)
    return f" (did you mean '{best[0]}'?)" if best else ""


def check_semantics(kb: Knowledge) -> list[Problem]:
    problems: list[Problem] = []
    problems += _duplicate_ids(kb)
    problems += _sources(kb)
    problems += _meta(kb)
    problems += _followups(kb)
    if len(kb.nodes) > MAX_SCREENS:
        problems.append(
            (("nodes",), f"{len(kb.nodes)} screens; at most {MAX_SCREENS}: shorten the flow")
        )
    if problems:
        return problems  # the flow checks below assume ids resolve
    problems += _flow_shape(kb)
    problems += _focus_coverage(kb)
    if problems:
        return problems
    problems += _flow_graph(kb)
    if problems:
        return problems
    # Imported here: the rendering code imports the model, whose package imports this module.
    from t2bot.knowledge.rendered import check_rendered

    problems += check_rendered(kb)
    if problems:
        return problems
    return list(_references(kb))  # last: an unused reference often means a missing item


def _focus_coverage(kb: Knowledge) -> Iterator[Problem]:
    """Routines and reminders need a few moves for every focus members can pick."""
    for focus in FOCUSES:
        count = sum(focus in stretch.focus for stretch in kb.stretches)
        if count < MIN_MOVES_PER_FOCUS:
            yield (
                ("stretches",),
                (
                    f"only {count} move(s) have focus '{focus}'; routines need at least "
                    f"{MIN_MOVES_PER_FOCUS}: add '{focus}' to the focus list of more stretches"
                ),
            )


def _duplicate_ids(kb: Knowledge) -> Iterator[Problem]:
    for section in ("nodes", "endings", "contributors", "tips", "stretches"):
        seen: dict[str, int] = {}
        for index, item in enumerate(getattr(kb, section)):
            if item.id in seen:
                first = seen[item.id]
                yield (
                    (section, index, "id"),
                    SeeLine(
                        f"id '{item.id}' is already used by the {_ordinal(first + 1)} item of "
                        f"{section}, at {{where}}: give each item its own id",
                        (section, first, "id"),
                    ),
                )
            seen.setdefault(item.id, index)
    for section in ("facts", "notes"):
        seen = {}
        for index, item in enumerate(getattr(kb, section)):
            if item.id in seen:
                yield (
                    (section, index, "id"),
                    f"id '{item.id}' is already used by item {seen[item.id]}",
                )
            seen.setdefault(item.id, index)
    flag_ids: dict[str, str] = {}
    for place, flag, where in _all_signs(kb):
        if flag.id in flag_ids:
            yield (
                (*place, "id"),
                (f"warning sign id '{flag.id}' is already used in {flag_ids[flag.id]}"),
            )
        flag_ids.setdefault(flag.id, where)


def _all_signs(kb: Knowledge) -> Iterator[tuple[Place, Flag, str]]:
    """Every warning sign with its place: on red-flag screens, then under ``signs``."""
    for n_index, node in enumerate(kb.nodes):
        for f_index, flag in enumerate(node.flags):
            yield ("nodes", n_index, "flags", f_index), flag, f"node '{node.id}'"
    for s_index, flag in enumerate(kb.signs):
        yield ("signs", s_index), flag, "signs"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _source_items(kb: Knowledge) -> Iterator[tuple[Place, list[str]]]:
    yield ("meta", "sources"), kb.meta.sources
    for section in ("nodes", "endings", "contributors", "tips", "stretches", "notes", "faq"):
        for index, item in enumerate(getattr(kb, section)):
            yield (section, index, "sources"), item.sources
    for place, flag, _where in _all_signs(kb):
        yield (*place, "sources"), flag.sources
    if kb.followups is not None:
        yield ("followups", "sources"), kb.followups.sources


def _sources(kb: Knowledge) -> Iterator[Problem]:
    for place, sources in _source_items(kb):
        for s_index, source in enumerate(sources):
            match = THREAD_SOURCE.match(source)
            if match:
                post = int(match[1])
                if not 1 <= post <= kb.meta.thread_posts:
                    yield (
                        (*place, s_index),
                        (f"'{source}': the thread has posts 1 to {kb.meta.thread_posts}"),
                    )
            elif source not in kb.references:
                yield (
                    (*place, s_index),
                    (
                        f"unknown source '{source}'{did_you_mean(source, kb.references)}: write "
                        "thread#N or the key of an entry under references"
                    ),
                )


def _references(kb: Knowledge) -> Iterator[Problem]:
    used = {source for _, sources in _source_items(kb) for source in sources}
    for key in kb.references:
        if key not in used:
            yield ("references", key), "reference is never cited (remove it or cite it)"


def _meta(kb: Knowledge) -> Iterator[Problem]:
    if "{emergency_number}" not in kb.meta.intro:
        yield ("meta", "intro"), "must contain {emergency_number} so members see whom to call"
    missing = [u.value for u in Urgency if u not in kb.meta.urgency]
    if missing:
        yield ("meta", "urgency"), f"needs a text for every urgency; missing: {', '.join(missing)}"
    emergency = kb.meta.urgency.get(Urgency.emergency)
    if emergency and "{emergency_number}" not in emergency.action:
        yield ("meta", "urgency", "emergency", "action"), "must contain {emergency_number}"
    if kb.meta.min_score < 1:
        yield ("meta", "min_score"), "must be at least 1"


def _flow_shape(kb: Knowledge) -> Iterator[Problem]:
    node_ids = {node.id for node in kb.nodes}
    fact_ids = {fact.id for fact in kb.facts}
    yield from _context_keys(kb, fact_ids)
    ending_ids = {ending.id for ending in kb.endings}
    contributor_ids = {c.id for c in kb.contributors}
    tip_ids = {t.id for t in kb.tips}
    if kb.start not in node_ids:
        yield (
            ("start",),
            f"start node '{kb.start}' does not exist{did_you_mean(kb.start, node_ids)}",
        )
    for n_index, node in enumerate(kb.nodes):
        here = ("nodes", n_index)
        if node.kind != "checklist":
            if node.end is not None or node.placeholder is not None:
                yield here, "'end' and 'placeholder' are only for checklist nodes"
            for a_index, answer in enumerate(node.answers):
                if answer.description is not None or answer.exclusive:
                    yield (
                        (*here, "answers", a_index),
                        "'description' and 'exclusive' are only for checklist options",
                    )
                if answer.one_of is not None:
                    yield (
                        (*here, "answers", a_index, "one_of"),
                        "'one_of' is only for checklist options (a question's answers already "
                        "exclude each other)",
                    )
        if node.kind == "question":
            if len(node.answers) < 2:
                yield (*here, "answers"), "a question needs at least two answers"
            if len(node.answers) > MAX_CHOICES:
                yield (*here, "answers"), f"at most {MAX_CHOICES} answers fit on one screen"
            if node.flags or node.next or node.escalate_together:
                yield here, "flags, next and escalate_together are only for red_flags nodes"
        elif node.kind == "checklist":
            yield from _checklist_shape(node, here, node_ids, ending_ids)
        else:
            if not node.flags:
                yield (*here, "flags"), "a red_flags node needs warning signs"
            if len(node.flags) > MAX_CHOICES:
                yield (*here, "flags"), f"at most {MAX_CHOICES} warning signs fit on one screen"
            if node.answers:
                yield (*here, "answers"), "red_flags nodes have flags, not answers"
            if node.next is None:
                yield (*here, "next"), "say where to go when none of the signs is ticked"
            elif node.next not in node_ids:
                yield (
                    (*here, "next"),
                    f"node '{node.next}' does not exist{did_you_mean(node.next, node_ids)}",
                )
        if node.advice and node.kind == "red_flags":
            yield (*here, "advice"), "'advice' is only for question and checklist nodes"
        for a_index, answer in enumerate(node.answers):
            place = (*here, "answers", a_index)
            sign = kb.sign(answer.sign) if answer.sign and kb.has_sign(answer.sign) else None
            if answer.sign and sign is None:
                yield (
                    (*place, "sign"),
                    (
                        f"warning sign '{answer.sign}' does not exist (put it on a red-flag screen "
                        "or under 'signs')"
                    ),
                )
            if node.kind == "checklist":
                pass  # options have no next or end (``_checklist_shape``)
            elif sign is not None and sign.urgency is Urgency.emergency:
                if answer.next is not None or answer.end is not None:
                    yield (
                        place,
                        "an emergency sign ends the check at once: leave out 'next' and 'end'",
                    )
            elif (answer.next is None) == (answer.end is None):
                yield (
                    place,
                    "set exactly one of 'next' (a node id) or 'end' (result or an ending id)",
                )
            if sign is not None and node.advice:
                yield (
                    (*place, "sign"),
                    ("signs belong on screening questions, before the first 'advice' question"),
                )
            for f_index, fact in enumerate(answer.sets):
                if fact not in fact_ids:
                    yield (*place, "sets", f_index), _unknown_fact(fact)
            if NOT_SURE.search(answer.label) and (
                any(points > 0 for points in answer.weights.values()) or answer.sets
            ):
                yield (place, "a 'not sure' answer is not evidence: give it no points and no facts")
            if answer.next is not None and answer.next not in node_ids:
                yield (
                    (*place, "next"),
                    f"node '{answer.next}' does not exist{did_you_mean(answer.next, node_ids)}",
                )
            if answer.end is not None and answer.end != RESULT and answer.end not in ending_ids:
                yield (
                    (*place, "end"),
                    f"'{answer.end}' is neither 'result' nor an ending id"
                    f"{did_you_mean(answer.end, ending_ids | {RESULT})}",
                )
            for contributor_id in answer.weights:
                if contributor_id not in contributor_ids:
                    yield (
                        (*place, "weights", contributor_id),
                        (
                            f"contributor '{contributor_id}' does not exist"
                            f"{did_you_mean(contributor_id, contributor_ids)}"
                        ),
                    )
            if any(points > 0 for points in answer.weights.values()) and not answer.why:
                yield (*place, "why"), "answers that add points need a 'why' to show the member"
    for c_index, contributor in enumerate(kb.contributors):
        for t_index, tip_id in enumerate(contributor.tips):
            if tip_id not in tip_ids:
                yield (
                    ("contributors", c_index, "tips", t_index),
                    f"tip '{tip_id}' does not exist{did_you_mean(tip_id, tip_ids)}",
                )
    for s_index, stretch in enumerate(kb.stretches):
        for a_index, contributor_id in enumerate(stretch.addresses):
            if contributor_id not in contributor_ids:
                yield (
                    ("stretches", s_index, "addresses", a_index),
                    (
                        f"contributor '{contributor_id}' does not exist"
                        f"{did_you_mean(contributor_id, contributor_ids)}"
                    ),
                )
    used_tips = {tip for c in kb.contributors for tip in c.tips}
    if not any(tip.general for tip in kb.tips):
        yield ("tips",), "mark at least one tip 'general: true' for when nothing stands out"
    for t_index, tip in enumerate(kb.tips):
        if tip.id not in used_tips and not tip.general:
            yield (
                ("tips", t_index),
                "tip is never shown: list it under a contributor or mark it general",
            )
    scored = {
        cid for node in kb.nodes for a in node.answers for cid, p in a.weights.items() if p > 0
    }
    for c_index, contributor in enumerate(kb.contributors):
        if contributor.id not in scored:
            yield ("contributors", c_index), "no answer adds points to this contributor"


def _checklist_shape(
    node: Node, here: Place, node_ids: set[str], ending_ids: set[str]
) -> Iterator[Problem]:
    """A checklist: 2 to 25 options, one way out for every combination, exclusive options."""
    if len(node.answers) < 2:
        yield (*here, "answers"), "a checklist needs at least two options"
    if len(node.answers) > MAX_OPTIONS:
        yield (
            (*here, "answers"),
            f"{len(node.answers)} options; a Discord menu holds at most {MAX_OPTIONS}",
        )
    if len(checklist_units(node)) < 2:
        yield (
            (*here, "answers"),
            "a checklist needs at least two options that can be picked together "
            "(use a question for one choice)",
        )
    if node.flags or node.escalate_together:
        yield here, "flags and escalate_together are only for red_flags nodes"
    if (node.next is None) == (node.end is None):
        yield (
            here,
            "a checklist sets exactly one of 'next' (a node id) or 'end' (result or an ending "
            "id), for every combination of options",
        )
    elif node.next is not None and node.next not in node_ids:
        yield (
            (*here, "next"),
            f"node '{node.next}' does not exist{did_you_mean(node.next, node_ids)}",
        )
    elif node.end is not None and node.end != RESULT and node.end not in ending_ids:
        yield (
            (*here, "end"),
            f"'{node.end}' is neither 'result' nor an ending id"
            f"{did_you_mean(node.end, ending_ids | {RESULT})}",
        )
    for a_index, answer in enumerate(node.answers):
        if answer.next is not None or answer.end is not None:
            yield (
                (*here, "answers", a_index),
                "checklist options have no 'next' or 'end': set them on the node",
            )
    yield from _groups(node, here)


def _groups(node: Node, here: Place) -> Iterator[Problem]:
    """``one_of`` groups: two or more options each, none of them exclusive."""
    members: dict[str, list[int]] = {}
    for a_index, answer in enumerate(node.answers):
        if answer.one_of is None:
            continue
        members.setdefault(answer.one_of, []).append(a_index)
        if answer.exclusive:
            yield (
                (*here, "answers", a_index, "one_of"),
                "an exclusive option is already picked alone: leave out 'one_of'",
            )
    for group, indices in members.items():
        if len(indices) < 2:
            yield (
                (*here, "answers", indices[0], "one_of"),
                f"no other option of this checklist has 'one_of: {group}'"
                f"{did_you_mean(group, set(members) - {group})}: a group needs at least two "
                "options that exclude each other",
            )


def checklist_units(node: Node) -> list[list[Answer]]:
    """A checklist's non-exclusive options as units a combination takes at most one member
    of: each ``one_of`` group (its options) and each ungrouped option alone, in order."""
    units: list[list[Answer]] = []
    groups: dict[str, list[Answer]] = {}
    for answer in node.answers:
        if answer.exclusive:
            continue
        if answer.one_of is None:
            units.append([answer])
        elif answer.one_of in groups:
            groups[answer.one_of].append(answer)
        else:
            groups[answer.one_of] = [answer]
            units.append(groups[answer.one_of])
    return units


def _unknown_fact(fact: str) -> str:
    return f"fact '{fact}' is not listed under 'facts' in flow.yaml"


def _context_keys(kb: Knowledge, fact_ids: set[str]) -> Iterator[Problem]:
    """Facts used by signs, notes, contributors, tips and stretches exist; signs are used."""
    reported = {a.sign for node in kb.nodes for a in node.answers if a.sign}
    emergency_signs = {
        flag.id: flag for _p, flag, _w in _all_signs(kb) if flag.urgency is Urgency.emergency
    }
    for place, flag, _where in _all_signs(kb):
        for f_index, fact in enumerate(flag.unless):
            if fact not in fact_ids:
                yield (*place, "unless", f_index), _unknown_fact(fact)
        if flag.unless and flag.urgency is not Urgency.soon:
            yield (*place, "unless"), "only see-soon signs can be waived ('unless')"
        if flag.alone and flag.urgency is not Urgency.soon:
            yield (*place, "alone"), "'alone' is only for see-soon signs"
        if flag.within is not None:
            outer = emergency_signs.get(flag.within)
            if flag.urgency is not Urgency.emergency:
                yield (*place, "within"), "'within' is only for emergency signs"
            elif outer is None or flag.within == flag.id:
                yield (
                    (*place, "within"),
                    f"'{flag.within}' is not another emergency sign"
                    f"{did_you_mean(flag.within, emergency_signs)}",
                )
    for s_index, flag in enumerate(kb.signs):
        if flag.id not in reported:
            yield ("signs", s_index), "no answer reports this sign (add 'sign:' to an answer)"
    for n_index, note in enumerate(kb.notes):
        for key in ("when", "unless"):
            for f_index, fact in enumerate(getattr(note, key)):
                if fact not in fact_ids:
                    yield ("notes", n_index, key, f_index), _unknown_fact(fact)
        if note.when and not note.brief:
            yield (
                ("notes", n_index),
                "a note with 'when' needs a 'brief': the few words shown on the Summary page",
            )
    if kb.notes and not any(not note.when for note in kb.notes):
        yield ("notes",), "at least one note must have no 'when': it is on every self-care result"
    for section in ("contributors", "tips", "stretches"):
        for index, item in enumerate(getattr(kb, section)):
            for key in ("needs", "excludes"):
                for f_index, fact in enumerate(getattr(item, key)):
                    if fact not in fact_ids:
                        yield (section, index, key, f_index), _unknown_fact(fact)
            if set(item.needs) & set(item.excludes):
                yield (section, index), "a fact is both needed and excluded"


def _targets(kb: Knowledge, node: Node) -> list[tuple[Place, str | None, str | None]]:
    """(place, next node, end) for every way out of ``node``."""
    # By identity: ``list.index`` compares whole pydantic models (most of the check's time).
    index = next(i for i, item in enumerate(kb.nodes) if item is node)
    if node.kind == "red_flags":
        return [(("nodes", index, "next"), node.next, None)]
    if node.kind == "checklist":
        return [(("nodes", index, "next" if node.next else "end"), node.next, node.end)]
    return [
        (("nodes", index, "answers", a_index), answer.next, answer.end)
        for a_index, answer in enumerate(node.answers)
    ]


def _flow_graph(kb: Knowledge) -> list[Problem]:
    problems: list[Problem] = []
    index_of = {node.id: i for i, node in enumerate(kb.nodes)}

    # Cycles, by depth-first search from every node.
    colour: dict[str, int] = {}

    def visit(node_id: str, trail: list[str]) -> None:
        colour[node_id] = 1
        for place, nxt, _end in _targets(kb, kb.node(node_id)):
            if nxt is None:
                continue
            if colour.get(nxt) == 1:
                loop = " -> ".join([*trail[trail.index(nxt) :], node_id, nxt])
                problems.append((place, f"this makes a loop: {loop}"))
            elif nxt not in colour:
                visit(nxt, [*trail, node_id])
        colour[node_id] = 2

    for node in kb.nodes:
        if node.id not in colour:
            visit(node.id, [])
    if problems:
        return problems

    # Reachability from start, and endings that are used.
    reachable: set[str] = set()
    stack = [kb.start]
    ends_used: set[str] = set()
    while stack:
        node_id = stack.pop()
        if node_id in reachable:
            continue
        reachable.add(node_id)
        for _place, nxt, end in _targets(kb, kb.node(node_id)):
            if nxt:
                stack.append(nxt)
            if end:
                ends_used.add(end)
    for node in kb.nodes:
        if node.id not in reachable:
            problems.append((("nodes", index_of[node.id]), "no answer leads to this node"))
    for e_index, ending in enumerate(kb.endings):
        if ending.id not in ends_used:
            problems.append((("endings", e_index), "no answer ends here"))

    # Safety: every red-flag screen comes before any advice. Remove one red-flag screen: if the
    # ranked result (or a non-emergency ending) can still be reached, advice can skip that screen.
    red_flag_nodes = [node for node in kb.nodes if node.kind == "red_flags"]
    if not red_flag_nodes:
        problems.append((("nodes",), "the flow needs a red_flags screen before any advice"))
    advice_ids = {node.id for node in kb.nodes if node.advice}
    for screen in red_flag_nodes:
        if screen.id == kb.start or (advice_ids and _for_a_group(kb, screen.id)):
            continue
        found = (
            _advice_without(kb, screen.id)
            if not advice_ids
            else _entries_without(kb, screen.id, advice_ids)
        )
        for place, end in found:
            problems.append(
                (
                    place,
                    (
                        f"this answer reaches '{end}' without passing the red-flag screen "
                        f"'{screen.id}'; "
                        "warning signs must be screened before any advice"
                    ),
                )
            )
    if advice_ids:
        for place, end in _advice_without(kb, "", stop=advice_ids, results_only=True):
            problems.append(
                (
                    place,
                    f"this answer reaches '{end}' without an 'advice: true' question on the way; "
                    "mark the first question about causes on this branch",
                )
            )

    # Button ids carry one digit per screen passed, a checklist's bitmask in a few digits
    # (t2bot.triage.ids). With at most MAX_PATH digits and MAX_CHOICES signs an id always fits
    # Discord's 100 characters (tests/t2bot/triage/test_id_bounds.py), so the path length is
    # the limit to check.
    depth = _longest_path(kb)
    if depth > MAX_PATH:
        problems.append(
            (
                ("nodes",),
                (
                    f"the longest path takes {depth} id digits (one per screen, more for a "
                    f"checklist with many options); button ids carry every answer and hold at "
                    f"most {MAX_PATH} (Discord allows 100 characters per id): shorten the flow"
                ),
            )
        )
    return problems


def _advice_without(
    kb: Knowledge, removed: str, stop: set[str] | None = None, results_only: bool = False
) -> list[tuple[Place, str]]:
    """Answers that end in advice on a walk from start that avoids ``removed`` (and stops at
    the nodes in ``stop``)."""
    found: list[tuple[Place, str]] = []
    seen: set[str] = set()
    stack = [kb.start]
    while stack:
        node_id = stack.pop()
        if node_id in seen or node_id == removed or (stop and node_id in stop):
            continue
        seen.add(node_id)
        for place, nxt, end in _targets(kb, kb.node(node_id)):
            if nxt:
                stack.append(nxt)
            elif end and (end == RESULT if results_only else _is_advice(kb, end)):
                found.append((place, end))
    return found


def _entries(kb: Knowledge, start: str, removed: str, advice: set[str]) -> dict[str, Place]:
    """Where walks from ``start`` (avoiding ``removed``) first meet advice: an ``advice`` node,
    or an answer that ends in advice before any advice node."""
    found: dict[str, Place] = {}
    seen: set[str] = set()
    stack = [start]
    while stack:
        node_id = stack.pop()
        if node_id in seen or node_id == removed:
            continue
        seen.add(node_id)
        for place, nxt, end in _targets(kb, kb.node(node_id)):
            if nxt in advice:
                found.setdefault(nxt, place)
            elif nxt:
                stack.append(nxt)
            elif end and _is_advice(kb, end):
                found.setdefault(end, place)
    return found


def _entries_without(kb: Knowledge, screen: str, advice: set[str]) -> list[tuple[Place, str]]:
    """Advice that comes after ``screen`` on some path but can also be reached without it."""
    after = _entries(kb, kb.node(screen).next or screen, "", advice)
    without = _entries(kb, kb.start, screen, advice)
    return [(place, entry) for entry, place in without.items() if entry in after]


def _for_a_group(kb: Knowledge, screen: str) -> bool:
    """A screen for one group of members: every answer that leads to it declares a fact."""
    leading = [
        answer
        for node in kb.nodes
        if node.kind == "question"
        for answer in node.answers
        if answer.next == screen
    ] + [node for node in kb.nodes if node.kind != "question" and node.next == screen]
    return bool(leading) and all(not isinstance(item, Node) and bool(item.sets) for item in leading)


def _is_advice(kb: Knowledge, end: str) -> bool:
    if end == RESULT:
        return True
    return kb.ending(end).urgency is not Urgency.emergency


def _longest_path(kb: Knowledge) -> int:
    """The most path digits (``t2bot.triage.ids``) a walk from start can take."""
    memo: dict[str, int] = {}

    def depth(node_id: str) -> int:
        if node_id not in memo:
            node = kb.node(node_id)
            nexts = [nxt for _, nxt, _ in _targets(kb, node) if nxt]
            digits = checklist_width(len(node.answers)) if node.kind == "checklist" else 1
            memo[node_id] = digits + max((depth(n) for n in nexts), default=0)
        return memo[node_id]

    return depth(kb.start)


def count_paths(kb: Knowledge) -> int:
    """Distinct ways through the flow to an end (red-flag screens passed with 'none')."""
    memo: dict[str, int] = {}

    def paths(node_id: str) -> int:
        if node_id not in memo:
            node = kb.node(node_id)
            ways = sum(paths(nxt) if nxt else 1 for _, nxt, _ in _targets(kb, node))
            if node.kind == "checklist":
                ending, going = checklist_combinations(kb, node)
                ways = ending + going * ways
            memo[node_id] = ways
        return memo[node_id]

    return paths(kb.start)


def _followups(kb: Knowledge) -> Iterator[Problem]:
    """The check-in DM's warning signs must be signs of the flow (knowledge/followups.yaml)."""
    if kb.followups is None:
        return
    flags = {flag.id for flag in kb.all_signs()}
    for index, flag_id in enumerate(kb.followups.warning_signs):
        if flag_id not in flags:
            yield (
                ("followups", "warning_signs", index),
                f"unknown warning sign '{flag_id}': use the id of a sign in flow.yaml",
            )
    labels = [kb.followups.better.label, kb.followups.same.label, kb.followups.worse.label]
    if len(set(labels)) < len(labels):
        yield ("followups",), "better, same and worse need different labels"


def checklist_combinations(kb: Knowledge, node: Node) -> tuple[int, int]:
    """(combinations that end the check with an emergency sign, combinations that go on) of
    a checklist: every non-empty set of options, exclusive options alone, at most one option
    of each ``one_of`` group."""

    def emergency(answer: Any) -> bool:
        return bool(
            answer.sign
            and kb.has_sign(answer.sign)
            and kb.sign(answer.sign).urgency is Urgency.emergency
        )

    alone = [a for a in node.answers if a.exclusive]
    total = going = 1
    for unit in checklist_units(node):
        total *= 1 + len(unit)  # none of the unit, or one of its options
        going *= 1 + sum(not emergency(a) for a in unit)
    going += -1 + sum(not emergency(a) for a in alone)
    total += -1 + len(alone)
    return total - going, going
