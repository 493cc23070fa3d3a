"""Club insights for ``/t2admin stats`` and ``bot.py --stats``: the numbers a server may see,
with every group smaller than ``MIN_GROUP`` shown as "fewer than 5", and a bar chart.

Checks and their endings come from the per-server daily counters (no member id); contributors
and tips only from what members chose to save or answer (``Store.club_numbers``).
"""

from __future__ import annotations

import io
import logging
import sys
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from t2bot.knowledge.model import Knowledge
from t2bot.storage import Store, StoreUnavailable
from t2bot.storage.records import ClubNumbers
from t2bot.triage.engine import Escalation, Outcome, Result, ShortEnding, Step

log = logging.getLogger(__name__)

MIN_GROUP = 5
FEWER = f"fewer than {MIN_GROUP}"
PERIODS = (30, 90)
ENDING_NAMES = {
    "emergency": "Emergency",
    "same_day": "See a doctor today",
    "soon": "See a doctor soon",
    "advice": "Self-care advice",
    "other": "Other answers (out of scope)",
}
TOP = 5


def ending_of(outcome: Outcome) -> str:
    """How a finished check ended, as counted: its urgency, ``advice`` or ``other``."""
    if isinstance(outcome, Escalation):
        return outcome.urgency.value
    if isinstance(outcome, ShortEnding):
        return outcome.ending.urgency.value if outcome.ending.urgency else "other"
    assert isinstance(outcome, Result)
    return "advice"


async def count_check(store: Store, guild_id: int | None, outcome: Outcome) -> None:
    """Count a finished check; a database outage only loses this one count."""
    try:
        await store.count_check(guild_id, ending_of(outcome))
    except StoreUnavailable:
        log.info("a finished check was not counted (storage unavailable)")


class CheckCounter:
    """Counts each check once, however often its message reaches an ending: a member who taps
    Back from a result and answers again, or taps the last answer twice, has run one check.
    Remembers only the ids of the last ``limit`` check messages, in memory (nothing personal);
    "Start over" on a message begins a new check there."""

    def __init__(self, limit: int = 4096) -> None:
        self.limit = limit
        self._counted: OrderedDict[int, None] = OrderedDict()

    async def moved(
        self,
        store: Store,
        guild_id: int | None,
        message_id: int | None,
        position: Step | Outcome,
        *,
        restarted: bool = False,
    ) -> None:
        """After every tap on a check message: count the check if it has just ended."""
        if message_id is not None and restarted:
            self._counted.pop(message_id, None)
        if isinstance(position, Step):
            return
        if message_id is not None:
            if message_id in self._counted:
                return
            self._counted[message_id] = None
            while len(self._counted) > self.limit:
                self._counted.popitem(last=False)  # the oldest check message
        await count_check(store, guild_id, position)


def shown(count: int) -> str:
    """A count as a server may see it."""
    return str(count) if count >= MIN_GROUP else FEWER


@dataclass(frozen=True)
class Line:
    name: str
    value: str
    count: int | None
    """The number for the chart; ``None`` when it is hidden (a small group)."""


@dataclass(frozen=True)
class Insights:
    days: int
    checks: str
    endings: list[Line]
    contributors: list[Line]
    tips: list[Line]
    """Per tip or stretch: "tried by N, better for M"."""
    hidden_contributors: int
    hidden_tips: int


def _line(name: str, count: int) -> Line:
    return Line(name, shown(count), count if count >= MIN_GROUP else None)


def insights(kb: Knowledge, numbers: ClubNumbers) -> Insights:
    """What ``numbers`` may show: small groups hidden, ids named from the knowledge."""
    names: dict[str, str] = {c.id: c.name for c in kb.contributors}
    names |= {t.id: t.text for t in kb.tips}
    names |= {s.id: f"Stretch: {s.name}" for s in kb.stretches}

    def name(item_id: str) -> str:
        return names.get(item_id, item_id)

    endings = [
        _line(ENDING_NAMES[key], numbers.endings.get(key, 0))
        for key in ENDING_NAMES
        if numbers.endings.get(key, 0)
    ]
    contributors = sorted(numbers.contributors.items(), key=lambda kv: (-kv[1], kv[0]))
    shown_contributors = [_line(name(k), v) for k, v in contributors if v >= MIN_GROUP][:TOP]
    tried = sorted(numbers.tried.items(), key=lambda kv: (-kv[1], kv[0]))
    tips = []
    for item_id, count in tried:
        if count < MIN_GROUP:
            continue
        better = numbers.better.get(item_id, 0)
        tips.append(Line(name(item_id), f"tried by {count}, better for {shown(better)}", count))
    return Insights(
        days=numbers.days,
        checks=shown(numbers.checks),
        endings=endings,
        contributors=shown_contributors,
        tips=tips[:TOP],
        hidden_contributors=sum(1 for _, v in contributors if v < MIN_GROUP),
        hidden_tips=sum(1 for _, v in tried if v < MIN_GROUP),
    )


def chart_png(view: Insights) -> bytes | None:
    """A bar chart of the shown numbers (small groups are left out), or ``None`` when none is
    shown. Imports matplotlib only when called."""
    bars: list[tuple[str, int, str]] = []
    for line in view.endings:
        if line.count is not None:
            bars.append(
                (line.name, line.count, "#c0504d" if "Emergency" in line.name else "#4f81bd")
            )
    for line in view.contributors:
        if line.count is not None:
            bars.append((line.name, line.count, "#9bbb59"))
    if not bars:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 0.45 * len(bars) + 1.2), dpi=110)
    axes = figure.subplots()
    labels = [_short(label) for label, _, _ in bars][::-1]
    values = [value for _, value, _ in bars][::-1]
    colours = [colour for _, _, colour in bars][::-1]
    axes.barh(labels, values, color=colours)
    axes.set_title(f"Last {view.days} days: checks by ending (blue) and contributors (green)")
    axes.set_xlabel(f"checks / members (groups under {MIN_GROUP} not shown)")
    for index, value in enumerate(values):
        axes.text(value, index, f" {value}", va="center")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def as_text(view: Insights) -> str:
    """The insights as plain text (``bot.py --stats``)."""
    lines = [f"Last {view.days} days: {view.checks} check(s) finished"]
    for line in view.endings:
        lines.append(f"  {line.name}: {line.value}")
    lines.append("Most common likely contributors (saved or answered):")
    lines += [f"  {line.name}: {line.value} member(s)" for line in view.contributors] or [
        "  none to show yet"
    ]
    lines.append("Tips and stretches (from check-in answers):")
    lines += [f"  {line.name}: {line.value}" for line in view.tips] or ["  none to show yet"]
    if view.hidden_contributors or view.hidden_tips:
        lines.append(f"(Groups of {FEWER} members are not shown.)")
    return "\n".join(lines)


def main(database_url: str, knowledge_dir: Path, days: int) -> int:
    """``bot.py --stats DAYS``: the insights of every server in the local database."""
    import asyncio

    from t2bot.knowledge import KnowledgeError, load_knowledge

    if days not in PERIODS:
        print("Choose 30 or 90 days.", file=sys.stderr)
        return 2
    try:
        kb = load_knowledge(knowledge_dir)
    except KnowledgeError as exc:
        print(f"The knowledge files have problems:\n{exc}", file=sys.stderr)
        return 1

    async def read() -> list[tuple[int, ClubNumbers]]:
        store = Store(database_url)
        await store.start()
        try:
            return [(g, await store.club_numbers(g, days)) for g in await store.insight_guilds()]
        finally:
            await store.close()

    try:
        found = asyncio.run(read())
    except StoreUnavailable as exc:
        print(f"The database cannot be used right now ({exc}).", file=sys.stderr)
        return 1
    if not found:
        print(f"No club numbers yet in {Store(database_url).shown_url}.")
        return 0
    for guild_id, numbers in found:
        where = "Checks run in DMs" if guild_id == 0 else f"Server {guild_id}"
        print(f"== {where} ==\n{as_text(insights(kb, numbers))}\n")
    return 0
