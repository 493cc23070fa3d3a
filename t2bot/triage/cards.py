"""Turns flow positions into cards: the words a member sees, shared by Discord and the terminal.

Screens are one card each. A finished check is a set of pages (``PAGES``: Summary, Why, What to
try, Stretches, For your clinician, Sources), each whole: the Summary fits one phone screen and the
rest is one tap away. Escalations and short endings are one card. The professional reminder (or
the urgent one) is the footer of every finished card. The card model is ``t2bot.render.card``.
"""

from __future__ import annotations

import functools
import re

from t2bot.knowledge.limits import FIELD_VALUE
from t2bot.knowledge.model import Answer, Flag, Knowledge, Node, Tip, Urgency
from t2bot.render.card import CARD_DESCRIPTION, Card, Section, problems, sections_of
from t2bot.render.sources import source_lines
from t2bot.settings import DEFAULT_EMERGENCY_NUMBER, check_emergency_number
from t2bot.stretches.cards import duration
from t2bot.triage.answers import plain_text, summarize
from t2bot.triage.engine import Escalation, Outcome, Result, ShortEnding, Step

__all__ = ["PAGES", "Card", "Section", "page_card", "page_label", "sections_of"]

TICKED = "☑"
UNTICKED = "▫"
CONTINUE = "Continue"
FLAGS_HEADING = "Any of these? (tick all that apply)"
#: On a screen of emergency signs only, the first tap answers (see ``engine.tap_flag``).
EMERGENCY_FLAGS_HEADING = "Any of these? (tap the first that fits)"
#: Above a checklist's options: one menu, every option that fits.
CHECKLIST_HEADING = "Pick every one that fits"
#: The closed menu's words when a checklist sets no ``placeholder``.
CHECKLIST_PLACEHOLDER = "Tick all that fit"
#: Characters that start Markdown in Discord (bold, spoiler, code, quote, link, mention, heading).
#: A valid emergency number has none of them; escaping them is the second line of defence.
_MARKDOWN = frozenset("\\*_~|`>[]<#:")
#: The pages of a finished check, in button order (their labels are ``meta.words.pages``).
PAGES = ("summary", "why", "tips", "stretches", "clinician", "sources")
#: How many actions the Summary lists.
SUMMARY_TIPS = 3
#: Notes that carry a safety rule: such a tip is not shortened onto the Summary.
_SAFETY_NOTE = re.compile(r"\b(never|emergency|numb)", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def fill(text: str, emergency_number: str) -> str:
    """Put the emergency number into ``text``, once (the number is never read as a template)."""
    return text.replace("{emergency_number}", shown_number(emergency_number))


@functools.lru_cache(maxsize=64)
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


def option_label(answer: Answer) -> str:
    """A checklist option in the select menu (Discord allows 100 characters)."""
    return answer.label


def option_line(index: int, answer: Answer) -> str:
    extra = f" ({answer.description})" if answer.description else ""
    return f"{index + 1}. {answer.label}{extra}"


def checklist_placeholder(node: Node) -> str:
    return node.placeholder or CHECKLIST_PLACEHOLDER


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
    elif node.kind == "checklist":
        lines = tuple(option_line(i, answer) for i, answer in enumerate(node.answers))
        sections = sections_of(CHECKLIST_HEADING, lines)
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
    """The first card of an outcome: the Summary page of a result, or the whole urgent answer."""
    if isinstance(outcome, Result):
        return page_card(kb, outcome, "summary", emergency_number)
    reminder = fill(reminder_for(kb, outcome), emergency_number)
    if isinstance(outcome, Escalation):
        return _escalation_card(kb, outcome, emergency_number, reminder)
    ending = outcome.ending
    body = fill(ending.text, emergency_number)
    title = ending.title
    sections: tuple[Section, ...] = ()
    if ending.urgency is not None:
        level = kb.meta.urgency[ending.urgency]
        # One title per urgency, whichever way the member got there.
        title = level.title
        body = f"**{fill(level.action, emergency_number)}**\n\n**{ending.title}**\n{body}"
        sections = _care_sections(kb, ending.urgency, emergency_number)
    return Card(title, body, sections, reminder, ending.urgency, finished=True)


def _care_sections(kb: Knowledge, urgency: Urgency, number: str) -> tuple[Section, ...]:
    """What to stop, and which new signs mean calling the emergency number."""
    level, words = kb.meta.urgency[urgency], kb.meta.words
    sections: list[Section] = []
    if level.stop:
        sections += sections_of(words.stop_heading, (fill(level.stop, number),))
    if urgency is Urgency.soon:
        sections += sections_of("Meanwhile", (kb.meta.stay_active_until_seen,))
    if level.call_if:
        sections += sections_of(words.call_if_heading, (fill(level.call_if, number),))
    return tuple(sections)


def _escalation_card(kb: Knowledge, esc: Escalation, number: str, reminder: str) -> Card:
    level, words = kb.meta.urgency[esc.urgency], kb.meta.words
    why = tuple(f"• {flag.label}: {flag.explain}" for flag in esc.flags)
    if esc.combined:
        why += ("• Several of these signs together make it more important to be seen today.",)
    sections = list(sections_of("Why", why))
    if level.stop or level.call_if:
        # The plain words of what was ticked, to say when calling or at the desk.
        told = tuple(f"• {flag.text}" for flag in esc.flags)
        sections += sections_of(words.tell_them, told)
        sections += _care_sections(kb, esc.urgency, number)
    elif esc.urgency is Urgency.soon:
        sections += sections_of("Meanwhile", (kb.meta.stay_active_until_seen,))
    return Card(
        title=level.title,
        body=f"**{fill(level.action, number)}**",
        sections=tuple(sections),
        footer=reminder,
        urgency=esc.urgency,
        finished=True,
    )


# --- The pages of a finished check -------------------------------------------------------------


def page_label(kb: Knowledge, page: str) -> str:
    """The words on a page's button (and its heading)."""
    labels: str = getattr(kb.meta.words.pages, page)
    return labels


def page_card(kb: Knowledge, result: Result, page: str, emergency_number: str) -> Card:
    """One page of a finished check, whole; ``KeyError`` for a page that does not exist."""
    build = {
        "summary": _summary,
        "why": _why,
        "tips": _tips,
        "stretches": _stretches,
        "clinician": _clinician,
        "sources": _sources,
    }[page]
    title = kb.meta.words.result_title
    if page != "summary":
        title = f"{title}: {page_label(kb, page)}"

    def card(body: str, sections: list[Section]) -> Card:
        return Card(
            title,
            fill(body, emergency_number),
            tuple(sections),
            kb.meta.professional_reminder,
            None,
            finished=True,
        )

    made = card(*build(kb, result))
    if page == "clinician" and problems(made):  # many ticks: the same answers once, to copy
        made = card(*_clinician_copy_only(kb, result))
    return made


def first_sentence(text: str) -> str:
    return _SENTENCE.split(text.strip(), 1)[0]


def summary_tips(result: Result) -> list[Tip]:
    """The most useful actions: the first tips, leaving out any whose safety note must be read
    with it (they stay on the What to try page)."""
    tips = [tip for tip in result.tips if not _SAFETY_NOTE.search(tip.evidence_note or "")]
    return tips[:SUMMARY_TIPS]


def _summary(kb: Knowledge, result: Result) -> tuple[str, list[Section]]:
    words = kb.meta.words
    lines: list[str] = []
    if result.nothing_stands_out:
        lines.append(kb.meta.nothing_stands_out)
    else:
        lines.append(f"**{words.likely}**")
        for place, ranked in enumerate(result.contributors, start=1):
            why = f": {ranked.reasons[0]}" if ranked.reasons else ""
            lines.append(f"{place}. {ranked.contributor.name}{why}")
    personal = [note for note in result.notes if note.when]  # pregnant, neck, assessed ...
    # Each note said for what this member told us replaces one tip here (both stay whole on the
    # What to try page), so the Summary stays one phone screen.
    tips = summary_tips(result)[: max(0, SUMMARY_TIPS - len(personal))]
    if tips:
        lines += ["", f"**{words.try_first}**"]
        lines += [f"• {first_sentence(tip.text)}" for tip in tips]
    if personal:
        lines.append("")
        lines += [
            f"**{note.heading}:** {note.brief or first_sentence(note.text)}" for note in personal
        ]
    lines += ["", f"**{words.safety_net}**", "", words.more]
    return "\n".join(lines), []


def _notes_shown(kb: Knowledge, result: Result) -> set[str]:
    return {r.contributor.evidence_note for r in result.contributors if r.contributor.evidence_note}


def _note(kb: Knowledge, note: str) -> str:
    return f"{kb.meta.words.evidence} {note}"


def _why(kb: Knowledge, result: Result) -> tuple[str, list[Section]]:
    if result.nothing_stands_out:
        return kb.meta.nothing_stands_out, []
    sections: list[Section] = []
    for place, ranked in enumerate(result.contributors, start=1):
        contributor = ranked.contributor
        lines = [contributor.summary]
        if ranked.reasons:
            lines.append("Your answers: " + "; ".join(ranked.reasons) + ".")
        if contributor.evidence_note:
            lines.append(_note(kb, contributor.evidence_note))
        sections += sections_of(f"{place}. {contributor.name}", lines)
    return "From your answers, these are the most likely contributors (not a diagnosis):", sections


def _tips(kb: Knowledge, result: Result) -> tuple[str, list[Section]]:
    shown = _notes_shown(kb, result)
    lines: list[str] = []
    for tip in result.tips:
        lines.append(f"• {tip.text}")
        if tip.evidence_note and tip.evidence_note not in shown:
            lines.append(f"  {_note(kb, tip.evidence_note)}")
            shown.add(tip.evidence_note)
    sections = list(sections_of(page_label(kb, "tips"), lines)) if lines else []
    for note in result.notes:  # NG59 basics, the warning signs, notes for this member
        sections += sections_of(note.heading, (note.text,))
    return "", sections


def _stretches(kb: Knowledge, result: Result) -> tuple[str, list[Section]]:
    if not result.stretches:
        return kb.meta.words.no_stretches, []
    lines = [f"• {s.name}: {s.dose} (about {duration(s.seconds)})" for s in result.stretches]
    body = kb.meta.words.stretch_safety
    return body, list(sections_of(page_label(kb, "stretches"), lines))


def _clinician(kb: Knowledge, result: Result) -> tuple[str, list[Section]]:
    words = kb.meta.words
    summary = summarize(kb, result)
    sections: list[Section] = []
    if summary.ruled_out:
        sections += sections_of(words.ruled_out, summary.ruled_out)
    if summary.answered:
        lines = [f"• {question} **{answer}**" for question, answer in summary.answered]
        sections += sections_of(words.answered, lines)
    named = [f"• {name}" for name in summary.contributors] or [words.nothing_named]
    sections += sections_of(words.contributors, named)
    copy = plain_text(kb, summary)
    body = f"{words.clinician_intro}\n\n{words.clinician_copy}\n```text\n{copy}\n```"
    return body, sections


def _clinician_copy_only(kb: Knowledge, result: Result) -> tuple[str, list[Section]]:
    """The clinician page when the formatted list and its plain-text copy do not both fit one
    message (a member who ticked most options): the copy alone holds every answer, once. A
    copy too long for the text goes on in further parts, each its own block to copy."""
    words = kb.meta.words
    copy = plain_text(kb, summarize(kb, result))
    body = f"{words.clinician_intro}\n\n{words.clinician_copy}\n```text\n{copy}\n```"
    if len(body) <= CARD_DESCRIPTION:
        return body, []
    parts: list[list[str]] = [[]]
    for line in copy.split("\n"):
        if len("\n".join([*parts[-1], line])) > FIELD_VALUE - len("```text\n\n```"):
            parts.append([])
        parts[-1].append(line)
    sections = [
        Section(
            words.clinician_copy if i == 0 else f"{words.clinician_copy} (continued)",
            (f"```text\n{chr(10).join(part)}\n```",),
        )
        for i, part in enumerate(parts)
    ]
    return words.clinician_intro, sections


def _sources(kb: Knowledge, result: Result) -> tuple[str, list[Section]]:
    found: list[str] = []
    items = [r.contributor for r in result.contributors] + list(result.tips) + list(result.notes)
    for item in items:
        found += [source for source in item.sources if source not in found]
    found += [s for s in kb.meta.sources if s not in found]
    return "", list(sections_of(page_label(kb, "sources"), source_lines(kb, found)))
