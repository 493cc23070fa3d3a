"""Stretches and routines as cards (``t2bot.render.card``), for Discord and the terminal alike.

Every card a member gets about a move (a stretch, a routine, a move of the walk-through, the end
of a routine, a reminder DM) ends with the safety line and the pointer to /backpain from
``meta.words`` in the knowledge.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from t2bot.knowledge.model import Knowledge, Stretch
from t2bot.render.card import Card, Section, sections_of
from t2bot.render.sources import source_lines
from t2bot.stretches.routines import Routine

#: Stretches per page of the list.
PAGE_SIZE = 6

AREA_LABELS: dict[str, str] = {
    "hips": "Hips",
    "lower_back": "Lower back",
    "trunk": "Trunk",
    "glutes": "Glutes",
    "hamstrings": "Hamstrings",
    "upper_back": "Upper back",
    "neck": "Neck",
    "legs": "Legs",
}
KIND_LABELS: dict[str, str] = {
    "stretch": "stretch",
    "mobility": "mobility",
    "strength": "strength",
    "self_massage": "self-massage",
}


#: The link button's words when a stretch has a link but no ``link_label``.
DEFAULT_LINK_LABEL = "Pictures and video"


def stretch_label(stretch: Stretch) -> str:
    """The words on a button that opens ``stretch`` (results, lists): its name, never cut."""
    return stretch.name


def link_label(stretch: Stretch) -> str:
    """The words on the button that opens ``stretch.link_url``."""
    return stretch.link_label or DEFAULT_LINK_LABEL


def choice_label(stretch: Stretch, alias: str | None = None) -> str:
    """An autocomplete entry: ``Kneeling hip-flexor stretch (psoas)`` when found by an alias."""
    return stretch.name if alias is None else f"{stretch.name} ({alias})"


def shown_aliases(kb: Knowledge, stretch: Stretch) -> list[str]:
    """Other names worth showing: not the name itself, not a generic word ("warm up") listed
    in ``meta.words.generic_aliases`` (those still find the stretch in a search)."""
    generic = {word.casefold() for word in kb.meta.words.generic_aliases}
    seen = {stretch.name.casefold()}
    shown = []
    for alias in stretch.aliases:
        key = alias.casefold().replace("-", " ")
        if key not in generic and key not in seen:
            seen.add(key)
            shown.append(alias)
    return shown


def stretch_description(kb: Knowledge, stretch: Stretch) -> str:
    """The lines under a stretch card's title: area, kind and time, and other names."""
    lines = [stretch_subtitle(stretch)]
    aliases = shown_aliases(kb, stretch)
    if aliases:
        lines.append("Also called: " + ", ".join(aliases))
    return "\n".join(lines)


def picture_credit(stretch: Stretch) -> str | None:
    return f"Picture: {stretch.image_credit}" if stretch.image_credit else None


def duration(seconds: int) -> str:
    """``45`` -> ``45 s``, ``150`` -> ``2 min 30 s``, ``600`` -> ``10 min``."""
    minutes, rest = divmod(max(0, seconds), 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min" if not rest else f"{minutes} min {rest} s"


def summary_line(stretch: Stretch) -> str:
    """``Kneeling hip-flexor stretch: 2 x 30 s each side (about 2 min 30 s)``."""
    return f"{stretch.name}: {stretch.dose} (about {duration(stretch.seconds)})"


def stretch_sections(stretch: Stretch) -> list[tuple[str, list[str]]]:
    """The parts of a stretch card, as (heading, lines), empty parts left out."""
    sections: list[tuple[str, list[str]]] = [
        ("How to", [f"{i}. {step}" for i, step in enumerate(stretch.steps, start=1)]),
        ("Dose", [stretch.dose]),
    ]
    for heading, items in (
        ("Cues", stretch.cues),
        ("Common mistakes", stretch.mistakes),
        ("Take care", stretch.cautions),
        ("You need", stretch.equipment),
    ):
        if items:
            sections.append((heading, [f"• {item}" for item in items]))
    return sections


def stretch_subtitle(stretch: Stretch) -> str:
    area = AREA_LABELS.get(stretch.area, stretch.area)
    kind = KIND_LABELS.get(stretch.kind, stretch.kind)
    return f"{area} · {kind} · about {duration(stretch.seconds)}"


def stretches_in(kb: Knowledge, area: str | None = None) -> list[Stretch]:
    """Stretches of one area (or all), grouped by area in the usual order, then by name."""
    areas = list(AREA_LABELS)
    chosen = [s for s in kb.stretches if area is None or s.area == area]
    return sorted(chosen, key=lambda s: (areas.index(s.area), s.name.casefold()))


def list_lines(stretches: Iterable[Stretch], *, markdown: bool = False) -> list[str]:
    """``• Name (time)`` lines with an area heading before each new area; ``markdown`` gives
    Discord's bold headings and ``Name · time``."""
    lines: list[str] = []
    current = None
    for stretch in stretches:
        if stretch.area != current:
            current = stretch.area
            label = AREA_LABELS.get(current, current)
            lines.append(f"**{label}**" if markdown else f"{label}:")
        time = duration(stretch.seconds)
        lines.append(f"• {stretch.name} · {time}" if markdown else f"  • {stretch.name} ({time})")
    return lines


def routine_heading(routine: Routine) -> str:
    return f"{routine.title} · {duration(routine.total_seconds)}"


def routine_lines(routine: Routine) -> list[str]:
    return [
        f"{i}. {move.name}: {move.dose} ({duration(move.seconds)})"
        for i, move in enumerate(routine.moves, start=1)
    ]


def move_heading(routine: Routine, index: int) -> str:
    return f"Move {index + 1} of {len(routine.moves)}: {routine.moves[index].name}"


def safe_card(kb: Knowledge, card: Card) -> Card:
    """``card`` with the stretch safety line and the /backpain pointer as its closing part."""
    words = kb.meta.words
    return Card(
        card.title,
        card.body,
        card.sections,
        f"{words.stretch_safety}\n{words.stretch_pointer}",
        None,
        True,
        words.stretch_safety_heading,
        card.note,
        card.image_url,
        card.thumbnail_url,
    )


def stretch_card(kb: Knowledge, stretch: Stretch) -> Card:
    """The whole stretch: how to, dose, cues, mistakes, cautions, kit, sources, picture."""
    sections: list[Section] = []
    for heading, lines in stretch_sections(stretch):
        sections += sections_of(heading, lines)
    sections += sections_of("Sources", source_lines(kb, stretch.sources))
    card = Card(
        stretch.name,
        stretch_description(kb, stretch),
        tuple(sections),
        note=picture_credit(stretch) or "",
        image_url=stretch.image_url,
    )
    return safe_card(kb, card)


def list_pages(kb: Knowledge, area: str | None) -> int:
    return max(1, math.ceil(len(stretches_in(kb, area)) / PAGE_SIZE))


def list_chunk(kb: Knowledge, area: str | None, page: int) -> tuple[int, list[Stretch]]:
    """The page (kept in range) and its stretches."""
    stretches = stretches_in(kb, area)
    page = min(max(page, 0), list_pages(kb, area) - 1)
    return page, stretches[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]


def list_card(kb: Knowledge, area: str | None, page: int | None, *, hint: str = "") -> Card:
    """A page of the stretch list (``page=None``: all of it, for the terminal)."""
    if page is None:
        chunk, note = stretches_in(kb, area), ""
    else:
        page, chunk = list_chunk(kb, area, page)
        note = f"Page {page + 1} of {list_pages(kb, area)}"
        note += f" · {hint}" if hint else ""
    title = "Stretches" if area is None else f"Stretches: {AREA_LABELS.get(area, area)}"
    body = "\n".join(list_lines(chunk, markdown=True)) or "None for this area yet."
    return safe_card(kb, Card(title, body, note=note))


def routine_card(
    kb: Knowledge, routine: Routine, *, title: str | None = None, start_hint: str = ""
) -> Card:
    """A routine's overview; ``start_hint`` says how to start it where that is possible."""
    lines = ([routine.note, ""] if routine.note else []) + routine_lines(routine)
    note = f"Total {duration(routine.total_seconds)} (up to {routine.minutes} min)"
    note += f" · {start_hint}" if start_hint else ""
    card = Card(title or routine_heading(routine), "\n".join(lines), note=note)
    return safe_card(kb, card)


def move_card(kb: Knowledge, routine: Routine, index: int) -> Card:
    """One move of a routine, for walking through it step by step."""
    move = routine.moves[index]
    sections = list(
        sections_of("How to", [f"{i}. {step}" for i, step in enumerate(move.steps, start=1)])
    )
    if move.cues:
        sections += sections_of("Cues", [f"• {cue}" for cue in move.cues])
    sections += sections_of("Take care", [f"• {caution}" for caution in move.cautions])
    card = Card(
        move_heading(routine, index),
        f"**{move.dose}** (about {duration(move.seconds)})",
        tuple(sections),
        note=f"{routine.title} · {duration(routine.total_seconds)} in all",
        thumbnail_url=move.image_url,
    )
    return safe_card(kb, card)


def done_card(kb: Knowledge, routine: Routine) -> Card:
    text = kb.meta.words.routine_done
    text = text.replace("{moves}", str(len(routine.moves)))
    text = text.replace("{time}", duration(routine.total_seconds))
    return safe_card(kb, Card("Routine done", text))
