"""A summary of a member's answers for their physio or doctor, rebuilt from the button state.

The path is replayed with the engine's public API (``engine.screens``): each screen with the
answers picked on it (several on a checklist, joined with "; "), and a red-flag screen passed
with "none of these" means its signs were ruled out. Nothing here is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from t2bot.knowledge.model import Knowledge
from t2bot.triage import engine
from t2bot.triage.engine import Result


@dataclass(frozen=True)
class AnswerSummary:
    ruled_out: tuple[str, ...]
    """Warning signs the member said they do not have: one ``; ``-joined line per screen."""
    answered: tuple[tuple[str, str], ...]
    """(question, answer) for each question screen, in order."""
    contributors: tuple[str, ...]
    """Names of the likely contributors of the result, best first."""


def _question(text: str) -> str:
    """The question itself: the text's first line."""
    return text.strip().split("\n", 1)[0]


def summarize(kb: Knowledge, result: Result) -> AnswerSummary:
    ruled_out: list[str] = []
    answered: list[tuple[str, str]] = []
    for screen in engine.screens(kb, result.path):
        node = screen.node
        if node.kind == "red_flags":
            ruled_out.append("; ".join(flag.label for flag in node.flags))
        else:
            labels = "; ".join(node.answers[i].label for i in screen.picked)
            answered.append((_question(node.text), labels))
    names = tuple(ranked.contributor.name for ranked in result.contributors)
    return AnswerSummary(tuple(ruled_out), tuple(answered), names)


def plain_text(kb: Knowledge, summary: AnswerSummary) -> str:
    """The summary as plain text a member can copy into a message or an appointment form."""
    words = kb.meta.words
    lines = [kb.meta.title]
    if summary.ruled_out:
        lines += ["", f"{words.ruled_out}:", *summary.ruled_out]
    if summary.answered:
        lines += ["", f"{words.answered}:"]
        lines += [f"- {question} {answer}" for question, answer in summary.answered]
    lines += ["", f"{words.contributors}:"]
    lines += [f"- {name}" for name in summary.contributors] or [words.nothing_named]
    return "\n".join(lines)
