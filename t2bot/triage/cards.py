"""Turns flow positions into cards: the words a member sees, shared by Discord and the terminal.

A card is plain text in parts (title, body, sections, footer) so each front end lays it out its own
way; the professional reminder is the footer of every finished card.
"""

from __future__ import annotations

from dataclasses import dataclass

from t2bot.knowledge.limits import FIELD_VALUE
from t2bot.knowledge.model import THREAD_SOURCE, Answer, Flag, Knowledge, Node, Urgency
from t2bot.settings import DEFAULT_EMERGENCY_NUMBER, check_emergency_number
from t2bot.triage.engine import Escalation, Outcome, Result, ShortEnding, Step

TICKED = "☑"
UNTICKED = "▫"
CONTINUE = "Continue"
FLAGS_HEADING = "Any of these? (tick all that apply)"
#: On a screen of emergency signs only, the first tap answers (see ``engine.tap_flag``).
EMERGENCY_FLAGS_HEADING = "Any of these? (tap the first that fits)"
#: Characters that start Markdown in Discord (bold, spoiler, code, quote, link, mention, heading).
#: A valid emergency number has none of them; escaping them is the second line of defence.
_MARKDOWN = frozenset("\\*_~|`>[]<#:")


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Card:
    title: str
    body: str
    sections: tuple[Section, ...] = ()
    footer: str = ""
    urgency: Urgency | None = None
    finished: bool = False


def sections_of(heading: str, lines: tuple[str, ...] | list[str]) -> tuple[Section, ...]:
    """One section per Discord embed field (at most ``FIELD_VALUE`` characters): a long list
    goes on in "(continued)" sections, split between lines (an indented line stays with the one
    before it), so no text is ever cut. A line longer than a field is refused by the knowledge
    check."""
    groups: list[list[str]] = []
    for line in lines:
        if groups and line.startswith("  "):
            groups[-1].append(line)
        else:
            groups.append([line])
    parts: list[list[str]] = []
    size = 0
    for group in groups:
        length = sum(len(line) for line in group) + len(group) - 1
        if parts and size + 1 + length <= FIELD_VALUE:
            parts[-1] += group
            size += 1 + length
        elif length <= FIELD_VALUE:
            parts.append(list(group))
            size = length
        else:  # a tip with a long note: split between its lines after all
            for line in group:
                if parts and size + 1 + len(line) <= FIELD_VALUE:
                    parts[-1].append(line)
                    size += 1 + len(line)
                else:
                    parts.append([line])
                    size = len(line)
    return tuple(
        Section(heading if i == 0 else f"{heading} (continued)", tuple(part))
        for i, part in enumerate(parts)
    )


def fill(text: str, emergency_number: str) -> str:
    """Put the emergency number into ``text``, once (the number is never read as a template)."""
    return text.replace("{emergency_number}", shown_number(emergency_number))


def shown_number(number: str) -> str:
    """The number as it goes into a card: checked again (a value stored before the rule
    existed may be anything; then the bot's default is shown) and Markdown-escaped."""
    try:
        number = check_emergency_number(number)
    except ValueError:
        number = DEFAULT_EMERGENCY_NUMBER
    return escape_markdown(number)


def escape_markdown(text: str) -> str:
    return "".join(f"\\{ch}" if ch in _MARKDOWN else ch for ch in text)


# --- The words on buttons: the cogs and the knowledge check use these same functions ---------


def answer_label(answer: Answer) -> str:
    return answer.label


def flag_label(index: int, flag: Flag, ticked: bool) -> str:
    """``1. Numb saddle area`` / ``☑ 1. Numb saddle area`` (``index`` counts from 0)."""
    mark = f"{TICKED} " if ticked else ""
    return f"{mark}{index + 1}. {flag.label}"


def go_label(node: Node, any_ticked: bool) -> str:
    """The button that leaves a red-flag screen: "Continue" once a sign is ticked."""
    return CONTINUE if any_ticked else node.none_label


def flag_line(index: int, flag: Flag, ticked: bool) -> str:
    return f"{TICKED if ticked else UNTICKED} {index + 1}. {flag.text}"


def step_card(kb: Knowledge, step: Step, emergency_number: str) -> Card:
    node = step.node
    body = node.text if not node.help else f"{node.text}\n{node.help}"
    if step.number == 1:
        body = f"{fill(kb.meta.intro, emergency_number)}\n\n{body}"
    sections: tuple[Section, ...] = ()
    if node.kind == "red_flags":
        ticked = set(step.ticked)
        lines = tuple(flag_line(i, flag, i in ticked) for i, flag in enumerate(node.flags))
        sections = sections_of(flags_heading(node), lines)
    title = "Warning signs first" if node.kind == "red_flags" else f"Question {step.number}"
    return Card(title=title, body=body, sections=sections)


def flags_heading(node: Node) -> str:
    """The list heading says what a tap does: emergency signs answer at once, others tick."""
    if all(flag.urgency is Urgency.emergency for flag in node.flags):
        return EMERGENCY_FLAGS_HEADING
    return FLAGS_HEADING


URGENT = (Urgency.emergency, Urgency.same_day)


def reminder_for(kb: Knowledge, outcome: Outcome) -> str:
    """The closing reminder: the professional reminder, or the urgent one after an urgent answer."""
    urgency = None
    if isinstance(outcome, Escalation):
        urgency = outcome.urgency
    elif isinstance(outcome, ShortEnding):
        urgency = outcome.ending.urgency
    return kb.meta.urgent_reminder if urgency in URGENT else kb.meta.professional_reminder


def outcome_card(kb: Knowledge, outcome: Outcome, emergency_number: str) -> Card:
    reminder = fill(reminder_for(kb, outcome), emergency_number)
    if isinstance(outcome, Escalation):
        return _escalation_card(kb, outcome, emergency_number, reminder)
    if isinstance(outcome, ShortEnding):
        ending = outcome.ending
        body = fill(ending.text, emergency_number)
        title = ending.title
        if ending.urgency is not None:
            level = kb.meta.urgency[ending.urgency]
            body = f"**{fill(level.action, emergency_number)}**\n\n{body}"
        return Card(title, body, (), reminder, ending.urgency, finished=True)
    return _result_card(kb, outcome, reminder)


def _escalation_card(kb: Knowledge, esc: Escalation, number: str, reminder: str) -> Card:
    level = kb.meta.urgency[esc.urgency]
    why = tuple(f"• {flag.label}: {flag.explain}" for flag in esc.flags)
    if esc.combined:
        why += ("• Several of these signs together make it more important to be seen today.",)
    sections = list(sections_of("Why", why))
    if esc.urgency is Urgency.soon:
        sections += sections_of("Meanwhile", (kb.meta.stay_active_until_seen,))
    return Card(
        title=level.title,
        body=f"**{fill(level.action, number)}**",
        sections=tuple(sections),
        footer=reminder,
        urgency=esc.urgency,
        finished=True,
    )


def _result_card(kb: Knowledge, result: Result, reminder: str) -> Card:
    sections: list[Section] = []
    if result.nothing_stands_out:
        body = kb.meta.nothing_stands_out
    else:
        body = "From your answers, these are the most likely contributors (not a diagnosis):"
        for place, ranked in enumerate(result.contributors, start=1):
            contributor = ranked.contributor
            lines = [contributor.summary]
            if ranked.reasons:
                lines.append("Why: " + "; ".join(ranked.reasons) + ".")
            if contributor.evidence_note:
                lines.append(f"Note: {contributor.evidence_note}")
            sections += sections_of(f"{place}. {contributor.name}", lines)
    tip_lines = []
    for tip in result.tips:
        tip_lines.append(f"• {tip.text}")
        if tip.evidence_note:
            tip_lines.append(f"  Note: {tip.evidence_note}")
    if tip_lines:
        sections += sections_of("What to try", tip_lines)
    if result.stretches:
        sections += sections_of("Stretches that fit", [f"• {s.name}" for s in result.stretches])
    for note in result.notes:
        sections += sections_of(note.heading, (note.text,))
    sources = sources_line(kb, _result_sources(result))
    if sources:
        sections += sections_of("Sources", (sources,))
    return Card("Your T2 back check", body, tuple(sections), reminder, None, finished=True)


def _result_sources(result: Result) -> list[str]:
    found: list[str] = []
    items = [r.contributor for r in result.contributors] + list(result.tips)
    for item in items:
        for source in item.sources:
            if source not in found:
                found.append(source)
    return found


def sources_line(kb: Knowledge, sources: list[str]) -> str:
    """``thread#3, thread#9, nice_ng59`` -> ``club thread posts 3, 9 · NICE NG59 (url)``."""
    posts = sorted({int(m[1]) for s in sources if (m := THREAD_SOURCE.match(s))})
    parts = []
    if posts:
        parts.append(
            "club thread post" + ("s " if len(posts) > 1 else " ") + ", ".join(map(str, posts))
        )
    for source in sources:
        if source in kb.references:
            ref = kb.references[source]
            parts.append(f"{ref.title} <{ref.url}>")
    return " · ".join(parts)
