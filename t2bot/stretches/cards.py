"""Words for stretches and routines, shared by the terminal mode and the Discord embeds."""

from __future__ import annotations

from collections.abc import Iterable

from t2bot.knowledge.model import THREAD_SOURCE, Knowledge, Stretch
from t2bot.stretches.routines import Routine

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


def stretch_description(stretch: Stretch) -> str:
    """The lines under a stretch card's title: area, kind and time, and other names."""
    lines = [stretch_subtitle(stretch)]
    if stretch.aliases:
        lines.append("Also called: " + ", ".join(stretch.aliases))
    return "\n".join(lines)


def picture_credit(stretch: Stretch) -> str | None:
    return f"Picture: {stretch.image_credit}" if stretch.image_credit else None


def duration(seconds: int) -> str:
    """``45`` -> ``45 s``, ``150`` -> ``2 min 30 s``, ``600`` -> ``10 min``."""
    minutes, rest = divmod(max(0, seconds), 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min" if not rest else f"{minutes} min {rest} s"


def source_label(kb: Knowledge, source: str) -> tuple[str, str | None]:
    """``thread#3`` -> ``("club thread, post 3", None)``; a reference key -> (title, url)."""
    match = THREAD_SOURCE.match(source)
    if match:
        return f"club thread, post {match[1]}", None
    reference = kb.references.get(source)
    if reference is None:
        return source, None
    return reference.title, reference.url


def sources_lines(kb: Knowledge, sources: Iterable[str], *, markdown: bool = False) -> list[str]:
    """One line per distinct source; ``markdown`` makes references clickable links."""
    lines: list[str] = []
    for source in dict.fromkeys(sources):
        label, url = source_label(kb, source)
        if url is None:
            lines.append(label)
        elif markdown:
            lines.append(f"[{label}]({url})")
        else:
            lines.append(f"{label} <{url}>")
    return lines


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


def stretch_text(kb: Knowledge, stretch: Stretch) -> str:
    """The whole stretch as plain text."""
    parts = [f"## {stretch.name}", stretch_subtitle(stretch)]
    if stretch.aliases:
        parts.append("Also called: " + ", ".join(stretch.aliases))
    for heading, lines in stretch_sections(stretch):
        parts.append(f"\n{heading}:")
        parts.extend(f"  {line}" for line in lines)
    if stretch.link_url:
        parts.append(f"\n{link_label(stretch)}: {stretch.link_url}")
    if stretch.image_url:
        credit = f" ({stretch.image_credit})" if stretch.image_credit else ""
        parts.append(f"Picture: {stretch.image_url}{credit}")
    parts.append("\nSources:")
    parts.extend(f"  {line}" for line in sources_lines(kb, stretch.sources))
    return "\n".join(parts)


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


def list_text(kb: Knowledge, area: str | None = None) -> str:
    stretches = stretches_in(kb, area)
    if not stretches:
        return "No stretches for that area yet."
    title = "Stretches" if area is None else f"Stretches: {AREA_LABELS.get(area, area)}"
    return "\n".join([f"## {title}", *list_lines(stretches)])


def routine_heading(routine: Routine) -> str:
    return f"{routine.title} · {duration(routine.total_seconds)}"


def routine_lines(routine: Routine) -> list[str]:
    return [
        f"{i}. {move.name}: {move.dose} ({duration(move.seconds)})"
        for i, move in enumerate(routine.moves, start=1)
    ]


def routine_text(routine: Routine) -> str:
    parts = [f"## {routine_heading(routine)}"]
    if routine.note:
        parts.append(routine.note)
    parts.extend(routine_lines(routine))
    parts.append(
        f"Total: {duration(routine.total_seconds)} (you asked for up to {routine.minutes} min)."
    )
    return "\n".join(parts)


def move_heading(routine: Routine, index: int) -> str:
    return f"Move {index + 1} of {len(routine.moves)}: {routine.moves[index].name}"


def move_text(routine: Routine, index: int) -> str:
    """One move of a routine, for walking through it step by step."""
    move = routine.moves[index]
    parts = [f"## {move_heading(routine, index)}", f"{move.dose} (about {duration(move.seconds)})"]
    parts.extend(f"{i}. {step}" for i, step in enumerate(move.steps, start=1))
    if move.cautions:
        parts.append("Take care: " + " ".join(move.cautions))
    return "\n".join(parts)
