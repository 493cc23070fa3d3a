"""Remembered flow positions, so a tap does not replay the whole path through the engine.

``engine.current`` walks the path from the first screen on every call, and an answer calls it
twice (``_expect_step``, then the new position). The positions are pure functions of the
knowledge and the ``FlowState`` (plus the action), and immutable (frozen dataclasses), so they
can be shared between members: ``FlowMemo`` keeps the latest ``maxsize`` of them in an LRU.

The memo belongs to one ``Knowledge`` object: a reload (another object, even with the same
version) empties it, so an edited text is never served from an older load. Errors
(``FlowError``: a tampered or stale state) are not remembered; they are raised every time.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from t2bot.knowledge.model import Knowledge
from t2bot.triage import actions, engine
from t2bot.triage.actions import Action
from t2bot.triage.engine import FlowState, Outcome, Step

#: Enough for every screen of the knowledge and the common paths to a result (a position is a
#: few hundred bytes; the objects it points to belong to the knowledge).
MAX_ENTRIES = 4096

Position = Step | Outcome
_Key = tuple[str, int, str]


class FlowMemo:
    """``apply`` and ``current`` of ``t2bot.triage``, remembered per (path, ticks, action and
    the options it picks)."""

    def __init__(self, maxsize: int = MAX_ENTRIES) -> None:
        self.maxsize = maxsize
        self._kb: Knowledge | None = None
        self._entries: OrderedDict[_Key, Position] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def current(self, kb: Knowledge, state: FlowState) -> Position:
        """``engine.current(kb, state)``."""
        return self._get(kb, (state.path, state.ticks, ""), lambda: engine.current(kb, state))

    def apply(self, kb: Knowledge, state: FlowState, action: Action) -> Position:
        """``actions.apply(kb, state, action)``."""
        # A checklist answer's picks are not in its wire code ("ck"): they are part of the key.
        picks = ",".join(map(str, action.picked))
        key = (state.path, state.ticks, f"{action.encode()}:{picks}")
        return self._get(kb, key, lambda: actions.apply(kb, state, action))

    def _get(self, kb: Knowledge, key: _Key, compute: Callable[[], Position]) -> Position:
        if kb is not self._kb:  # another load: nothing remembered applies to it
            self._entries.clear()
            self._kb = kb
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
            self.hits += 1
            return found
        self.misses += 1
        position = compute()  # FlowError propagates and is not remembered
        self._entries[key] = position
        if len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)
        return position

    def __len__(self) -> int:
        return len(self._entries)
