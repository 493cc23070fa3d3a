"""The triage flow over the knowledge: where a member is, what a tap does, the answer at the end.

A flow's whole state is a ``FlowState`` (the answers so far as a compact path, plus the warning
signs ticked on the current red-flag screen); it lives in the buttons, never on the server.

The path has one base-36 digit per question or red-flag screen, and for a ``checklist`` screen
the bitmask of the picked options in ``checklist_width`` base-36 digits (fixed per screen, so
the walk knows where each answer ends).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from t2bot.base36 import DIGITS, to_base36
from t2bot.knowledge.model import (
    Answer,
    Contributor,
    Ending,
    Flag,
    Knowledge,
    Node,
    Note,
    Stretch,
    Tip,
    Urgency,
    allowed,
)
from t2bot.triage.ids import path_digit, path_index

RESULT = "result"
MAX_TIPS = 6
MAX_STRETCHES = 4


class FlowError(ValueError):
    """A state that this knowledge cannot have produced (tampered, or from another version)."""


def checklist_width(options: int) -> int:
    """Base-36 digits that hold the bitmask of ``options`` checklist options (1 for up to 5,
    2 for up to 10, ... 5 for 25)."""
    width = 1
    while 36**width < 2**options:
        width += 1
    return width


def encode_picks(options: int, picked: list[int]) -> str:
    """The path digits of a checklist answer: the bitmask of ``picked``, zero-padded."""
    mask = sum(1 << i for i in set(picked))
    return to_base36(mask).rjust(checklist_width(options), "0")


class PicksConflict(FlowError):
    """Two alternatives of one ``one_of`` group were picked together (a member can do this in
    the menu): ``message`` asks them to pick the one that fits."""

    def __init__(self, first: str, second: str) -> None:
        super().__init__("two options of one group picked together")
        self.labels = (first, second)

    @property
    def message(self) -> str:
        first, second = self.labels
        return f"You picked both “{first}” and “{second}”: pick the one that fits."


def check_picks(node: Node, picked: list[int]) -> None:
    """``FlowError`` unless ``picked`` is a combination this checklist allows: at least one
    option, each once and on the screen, an exclusive option ("None of these") alone, at most
    one option of each ``one_of`` group (``PicksConflict`` names the first two clashing)."""
    if not picked or len(set(picked)) != len(picked):
        raise FlowError("pick at least one option, each once")
    if any(not 0 <= i < len(node.answers) for i in picked):
        raise FlowError("no such option on this screen")
    if len(picked) > 1 and any(node.answers[i].exclusive for i in picked):
        raise FlowError("this option is picked alone")
    seen: dict[str, Answer] = {}
    for index in sorted(picked):
        answer = node.answers[index]
        if answer.one_of is None:
            continue
        if answer.one_of in seen:
            raise PicksConflict(seen[answer.one_of].label, answer.label)
        seen[answer.one_of] = answer


@dataclass(frozen=True)
class FlowState:
    path: str = ""
    ticks: int = 0


@dataclass(frozen=True)
class Step:
    """A screen waiting for an answer."""

    node: Node
    state: FlowState
    number: int  # 1-based count of screens shown so far

    @property
    def ticked(self) -> list[int]:
        return [i for i in range(len(self.node.flags)) if self.state.ticks >> i & 1]


@dataclass(frozen=True)
class Screen:
    """One answered screen of a path: the node, the answers picked (red-flag screens: ``[0]``,
    passed with "none") and where its digits start in the path."""

    node: Node
    picked: tuple[int, ...]
    start: int


@dataclass(frozen=True)
class Escalation:
    """Warning signs were ticked: get care, with this urgency. No self-care tips (but see-soon)."""

    urgency: Urgency
    flags: tuple[Flag, ...]
    combined: bool = False  # several see-soon signs together raised the urgency


@dataclass(frozen=True)
class ShortEnding:
    """Out of scope, or a scope answer that needs care: a short answer from ``endings``."""

    ending: Ending


@dataclass(frozen=True)
class RankedContributor:
    contributor: Contributor
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Result:
    """The ranked answer: top contributors with why, their tips and fitting stretches."""

    contributors: tuple[RankedContributor, ...]
    tips: tuple[Tip, ...]
    stretches: tuple[Stretch, ...]
    path: str = ""
    notes: tuple[Note, ...] = ()
    """Fixed parts for every self-care result (stay active, when to get help) and for facts."""
    facts: frozenset[str] = frozenset()
    """What the member's answers declared (``aero``, ``pregnant``...)."""
    waived: tuple[Flag, ...] = ()
    """See-soon signs the member reported that a clinician has already checked (``unless``)."""

    @property
    def nothing_stands_out(self) -> bool:
        return not self.contributors


Outcome = Escalation | ShortEnding | Result


@dataclass
class _Walk:
    node: Node | None
    end: str | None
    chosen: list[tuple[Node, Answer]] = field(default_factory=list)
    facts: set[str] = field(default_factory=set)
    signs: list[Flag] = field(default_factory=list)
    """Signs reported by answers so far (not yet escalated)."""
    stop: Escalation | None = None
    """The check ended on a warning sign reported by an answer."""
    screens: list[Screen] = field(default_factory=list)

    def pending(self) -> list[Flag]:
        """Collected signs that still count (not waived by the member's facts)."""
        return [flag for flag in self.signs if not set(flag.unless) & self.facts]

    def waived(self) -> tuple[Flag, ...]:
        return tuple(flag for flag in self.signs if set(flag.unless) & self.facts)


def _walk(kb: Knowledge, path: str) -> _Walk:
    node = kb.node(kb.start)
    walk = _Walk(node, None)
    position = 0
    while position < len(path):
        if walk.node is None:
            raise FlowError("answers continue past the end of the flow")
        node = walk.node
        start = position
        if node.kind == "checklist":
            position += checklist_width(len(node.answers))
            picked = _picks(node, path[start:position])
        else:
            position += 1
            try:
                picked = [path_index(path[start])]
            except ValueError:
                raise FlowError("not a path digit") from None
        walk.screens.append(Screen(node, tuple(picked), start))
        if node.kind == "red_flags":
            if picked != [0]:
                raise FlowError("red-flag screens are passed with 'none' only")
            _enter(kb, walk, node.next)
            continue
        if picked[0] >= len(node.answers):
            raise FlowError(f"no answer {picked[0]} at step {len(walk.screens)}")
        emergencies: list[Flag] = []
        for index in picked:
            answer = node.answers[index]
            walk.chosen.append((node, answer))
            walk.facts.update(answer.sets)
            if answer.sign is not None:
                sign = kb.sign(answer.sign)
                if sign.urgency is Urgency.emergency:
                    emergencies.append(sign)
                elif sign not in walk.signs:
                    walk.signs.append(sign)
        if emergencies:
            walk.node, walk.stop = None, Escalation(Urgency.emergency, tuple(emergencies))
            continue
        target, end = (
            (node.next, node.end)
            if node.kind == "checklist"
            else (node.answers[picked[0]].next, node.answers[picked[0]].end)
        )
        if target:
            _enter(kb, walk, target)
        else:
            walk.node, walk.end = None, end
            pending = walk.pending()
            if pending:
                walk.stop = _escalate(None, [], pending)
    return walk


def _picks(node: Node, digits: str) -> list[int]:
    """The options a checklist answer's digits pick; ``FlowError`` if they cannot be ours."""
    width = checklist_width(len(node.answers))
    if len(digits) != width or any(char not in DIGITS for char in digits):
        raise FlowError("a checklist answer is cut short or not base 36")
    mask = int(digits, 36)
    if mask >> len(node.answers):
        raise FlowError("no such option on this screen")
    picked = [i for i in range(len(node.answers)) if mask >> i & 1]
    try:
        check_picks(node, picked)
    except PicksConflict:  # no menu of ours produced this path: not the member's slip
        raise FlowError("two alternatives in one checklist answer") from None
    return picked


def screens(kb: Knowledge, path: str) -> list[Screen]:
    """Every screen ``path`` answers, in order, with what was picked on it."""
    return _walk(kb, path).screens


def _enter(kb: Knowledge, walk: _Walk, node_id: str | None) -> None:
    """Move to ``node_id``; collected signs end the check before the first advice screen."""
    walk.node = kb.node(node_id) if node_id else None
    pending = walk.pending()
    if walk.node is not None and walk.node.advice and pending:
        walk.node, walk.stop = None, _escalate(None, [], pending)


def current(kb: Knowledge, state: FlowState) -> Step | Outcome:
    """The screen to show for ``state``, or the outcome if the flow has ended."""
    walk = _walk(kb, state.path)
    if walk.node is None:
        if state.ticks:
            raise FlowError("ticks on a finished flow")
        if walk.stop is not None:
            return walk.stop
        return _finish(kb, walk, state.path)
    node = walk.node
    if state.ticks and (node.kind != "red_flags" or state.ticks >> len(node.flags)):
        raise FlowError("ticks that this screen does not have")
    return Step(node, state, len(walk.screens) + 1)


def start() -> FlowState:
    return FlowState()


def answer(kb: Knowledge, state: FlowState, index: int) -> Step | Outcome:
    step = _expect_step(kb, state)
    if step.node.kind != "question" or not 0 <= index < len(step.node.answers):
        raise FlowError("no such answer on this screen")
    return current(kb, FlowState(state.path + path_digit(index)))


def check(kb: Knowledge, state: FlowState, picked: list[int]) -> Step | Outcome:
    """Answer a checklist screen with every option that fits, in one go."""
    step = _expect_step(kb, state)
    if step.node.kind != "checklist":
        raise FlowError("this screen is not a checklist")
    check_picks(step.node, picked)
    return current(kb, FlowState(state.path + encode_picks(len(step.node.answers), picked)))


def tap_flag(kb: Knowledge, state: FlowState, index: int) -> Step | Outcome:
    """Tap a warning sign: an emergency sign ends the flow at once; others toggle a tick."""
    step = _expect_step(kb, state)
    flags = step.node.flags
    if step.node.kind != "red_flags" or not 0 <= index < len(flags):
        raise FlowError("no such warning sign on this screen")
    if flags[index].urgency is Urgency.emergency:
        return Escalation(Urgency.emergency, (flags[index],))
    return Step(step.node, FlowState(state.path, state.ticks ^ (1 << index)), step.number)


def proceed(kb: Knowledge, state: FlowState) -> Step | Outcome:
    """ "None of these" / "Continue" on a red-flag screen."""
    step = _expect_step(kb, state)
    if step.node.kind != "red_flags":
        raise FlowError("continue is only for red-flag screens")
    if not state.ticks:
        return current(kb, FlowState(state.path + path_digit(0)))
    reported = _walk(kb, state.path).pending()
    return _escalate(step.node, [step.node.flags[i] for i in step.ticked], reported)


def back(kb: Knowledge, state: FlowState) -> Step | Outcome:
    if state.ticks:
        return current(kb, FlowState(state.path))  # untick first, stay on the screen
    answered = _walk(kb, state.path).screens
    return current(kb, FlowState(state.path[: answered[-1].start] if answered else ""))


def _expect_step(kb: Knowledge, state: FlowState) -> Step:
    position = current(kb, state)
    if not isinstance(position, Step):
        raise FlowError("this flow has already ended")
    return position


def _escalate(node: Node | None, ticked: list[Flag], reported: list[Flag]) -> Escalation:
    """Signs ticked on ``node`` plus signs reported by earlier answers. Only signs ticked on the
    same screen add up (``escalate_together``)."""
    signs = ticked + [flag for flag in reported if flag not in ticked]
    urgency = max((flag.urgency for flag in signs), key=lambda u: u.rank)
    soon = sum(1 for flag in ticked if flag.urgency is Urgency.soon and not flag.alone)
    combined = (
        urgency is Urgency.soon
        and node is not None
        and node.escalate_together is not None
        and soon >= node.escalate_together
    )
    if combined:
        urgency = Urgency.same_day
    ordered = sorted(signs, key=lambda flag: -flag.urgency.rank)
    return Escalation(urgency, tuple(ordered), combined)


def _finish(kb: Knowledge, walk: _Walk, path: str) -> Outcome:
    if walk.end == RESULT:
        return rank(kb, walk.chosen, path, frozenset(walk.facts), walk.waived())
    if walk.end is None:
        raise FlowError("the flow ended without an answer")
    return ShortEnding(kb.ending(walk.end))


def note_applies(note: Note, facts: frozenset[str]) -> bool:
    """Whether a result with these facts carries ``note`` (``when``: any is set; ``unless``:
    none is set)."""
    return (not note.when or bool(set(note.when) & facts)) and not set(note.unless) & facts


def rank(
    kb: Knowledge,
    chosen: list[tuple[Node, Answer]],
    path: str = "",
    facts: frozenset[str] = frozenset(),
    waived: tuple[Flag, ...] = (),
) -> Result:
    """Add up the answers' weights; name the top contributors that reach the minimum score.

    Contributors, tips and stretches whose ``needs``/``excludes`` do not fit ``facts`` are left
    out; the result carries every note that applies (those without ``when`` always)."""
    scores: dict[str, int] = defaultdict(int)
    reasons: dict[str, list[str]] = defaultdict(list)
    for _node, picked in chosen:
        for contributor_id, points in picked.weights.items():
            scores[contributor_id] += points
            if points > 0 and picked.why and picked.why not in reasons[contributor_id]:
                reasons[contributor_id].append(picked.why)
    order = {c.id: i for i, c in enumerate(kb.contributors)}
    named = sorted(
        (
            cid
            for cid, score in scores.items()
            if score >= kb.meta.min_score and allowed(kb.contributor(cid), facts)
        ),
        key=lambda cid: (-scores[cid], order[cid]),
    )[: kb.meta.max_contributors]
    ranked = tuple(
        RankedContributor(kb.contributor(cid), scores[cid], tuple(reasons[cid])) for cid in named
    )
    notes = tuple(note for note in kb.notes if note_applies(note, facts))
    if not ranked:
        tips = tuple(tip for tip in kb.tips if tip.general and allowed(tip, facts))
        return Result((), tips[:MAX_TIPS], (), path, notes, facts, waived)
    return Result(
        ranked,
        _tips_for(kb, named, facts),
        _stretches_for(kb, named, facts),
        path,
        notes,
        facts,
        waived,
    )


def _tips_for(kb: Knowledge, contributor_ids: list[str], facts: frozenset[str]) -> tuple[Tip, ...]:
    """Round-robin over the contributors' tips so the top three each get a say."""
    lists = [
        [t for t in kb.contributor(cid).tips if allowed(kb.tip(t), facts)]
        for cid in contributor_ids
    ]
    picked: list[str] = []
    for depth in range(max((len(tips) for tips in lists), default=0)):
        for tips in lists:
            if depth < len(tips) and tips[depth] not in picked:
                picked.append(tips[depth])
    return tuple(kb.tip(tip_id) for tip_id in picked[:MAX_TIPS])


def _stretches_for(
    kb: Knowledge, contributor_ids: list[str], facts: frozenset[str]
) -> tuple[Stretch, ...]:
    """Stretches that address the named contributors, best match (higher-ranked) first."""
    weight = {cid: len(contributor_ids) - i for i, cid in enumerate(contributor_ids)}
    scored = [
        (sum(weight.get(cid, 0) for cid in stretch.addresses), i, stretch)
        for i, stretch in enumerate(kb.stretches)
        if allowed(stretch, facts)
    ]
    fitting = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))
    return tuple(stretch for _, _, stretch in fitting[:MAX_STRETCHES])
