"""The actions of a back check, shared by Discord (button ids) and the terminal.

An ``Action`` is what a member did on a screen: answer ``n``, tick warning sign ``n``, continue,
go back, start over, cancel, save the result, ask for a check-in, show page ``n`` of the answer,
pick options on a checklist (``ck``: the picks travel beside the id, as a select menu's values).
``apply`` maps the actions that move through the flow to the engine call; the others (cancel,
save, check-in, page) are handled by whoever shows the flow.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from t2bot.knowledge.model import Knowledge
from t2bot.triage import engine
from t2bot.triage.engine import FlowState, Outcome, Step


class Verb(StrEnum):
    ANSWER = "a"
    FLAG = "f"
    GO = "go"
    BACK = "bk"
    RESTART = "rs"
    CANCEL = "x"
    SAVE = "sv"
    FOLLOW_UP = "fu"
    PAGE = "p"
    CHECK = "ck"


#: Verbs that carry the index of an answer or a warning sign.
INDEXED = frozenset({Verb.ANSWER, Verb.FLAG, Verb.PAGE})
MAX_INDEX = 99
#: An encoded action, for embedding in the button id pattern.
PATTERN = "|".join(
    [f"{verb.value}[0-9]{{1,2}}" for verb in Verb if verb in INDEXED]
    + [verb.value for verb in Verb if verb not in INDEXED]
)
_PATTERN = re.compile(PATTERN)
#: The longest encoded action, for length checks.
LONGEST = "a99"


@dataclass(frozen=True)
class Action:
    verb: Verb
    index: int | None = None
    picked: tuple[int, ...] = ()
    """``CHECK`` only: the options picked (not part of ``encode``: a select menu sends them)."""

    def __post_init__(self) -> None:
        if (self.verb in INDEXED) != (self.index is not None):
            raise ValueError(
                f"{self.verb.name} {'needs' if self.verb in INDEXED else 'takes no'} index"
            )
        if self.index is not None and not 0 <= self.index <= MAX_INDEX:
            raise ValueError("index out of range")
        if self.picked and self.verb is not Verb.CHECK:
            raise ValueError("only a checklist answer picks options")

    def encode(self) -> str:
        return f"{self.verb.value}{self.index}" if self.index is not None else self.verb.value

    @classmethod
    def decode(cls, code: str) -> Action:
        """``ValueError`` for anything that is not an encoded action."""
        if not _PATTERN.fullmatch(code):
            raise ValueError("not an action")
        if code[0] in (Verb.ANSWER.value, Verb.FLAG.value, Verb.PAGE.value) and code[1:].isdigit():
            return cls(Verb(code[0]), int(code[1:]))
        return cls(Verb(code))


def answer(index: int) -> Action:
    return Action(Verb.ANSWER, index)


def flag(index: int) -> Action:
    return Action(Verb.FLAG, index)


def check(picked: list[int] | tuple[int, ...]) -> Action:
    """Pick these options on a checklist screen (indices from 0)."""
    return Action(Verb.CHECK, picked=tuple(picked))


GO = Action(Verb.GO)
BACK = Action(Verb.BACK)
RESTART = Action(Verb.RESTART)
CANCEL = Action(Verb.CANCEL)
SAVE = Action(Verb.SAVE)
FOLLOW_UP = Action(Verb.FOLLOW_UP)


def page(index: int) -> Action:
    """Show page ``index`` of a finished check (``t2bot.triage.cards.PAGES``)."""
    return Action(Verb.PAGE, index)


Move = Callable[[Knowledge, FlowState, int | None], Step | Outcome]


def _indexed(index: int | None) -> int:
    if index is None:
        raise engine.FlowError("this action needs an index")
    return index


#: The actions that move through the flow, and the engine call each one makes.
MOVES: dict[Verb, Move] = {
    Verb.ANSWER: lambda kb, state, i: engine.answer(kb, state, _indexed(i)),
    Verb.FLAG: lambda kb, state, i: engine.tap_flag(kb, state, _indexed(i)),
    Verb.GO: lambda kb, state, _: engine.proceed(kb, state),
    Verb.BACK: lambda kb, state, _: engine.back(kb, state),
    Verb.RESTART: lambda kb, _state, _: engine.current(kb, engine.start()),
}


def is_move(action: Action) -> bool:
    return action.verb in MOVES or action.verb is Verb.CHECK


def apply(kb: Knowledge, state: FlowState, action: Action) -> Step | Outcome:
    """The screen after ``action``; ``FlowError`` if it does not fit ``state`` or is no move."""
    if action.verb is Verb.CHECK:
        return engine.check(kb, state, list(action.picked))
    move = MOVES.get(action.verb)
    if move is None:
        raise engine.FlowError(f"{action.verb.name} is not a move through the flow")
    return move(kb, state, action.index)
