"""Terminal mode for stretches: list, show (typed name, fuzzy) and routine, by numbered choices."""

from __future__ import annotations

from collections.abc import Callable

from t2bot.knowledge.model import Knowledge
from t2bot.render.text import render
from t2bot.stretches.cards import AREA_LABELS, list_card, routine_card, stretch_card
from t2bot.stretches.lookup import find_stretch
from t2bot.stretches.routines import (
    FOCUS_LABELS,
    MAX_MINUTES,
    MIN_MINUTES,
    RoutineError,
    build_for_focus,
)

ReadLine = Callable[[], str | None]
Write = Callable[[str], None]

MENU = "\n== Stretches ==\n1. List stretches\n2. Show a stretch\n3. Build a routine\n4. Back"


class _EndOfInput(Exception):
    pass


def run_stretch_menu(knowledge: Knowledge, read_line: ReadLine, write: Write) -> None:
    """Numbered stretch menu; returns on "Back" or at end of input."""

    def ask(prompt: str) -> str:
        write(prompt)
        line = read_line()
        if line is None:
            raise _EndOfInput
        return line.strip()

    try:
        while True:
            write(MENU)
            choice = ask("> ").casefold()
            if choice in {"4", "b", "q", "back"}:
                return
            if choice == "1":
                _list(knowledge, ask, write)
            elif choice == "2":
                _show(knowledge, ask, write)
            elif choice == "3":
                _routine(knowledge, ask, write)
            else:
                write("Please type 1, 2, 3 or 4.")
    except _EndOfInput:
        return


def _numbered(options: list[str]) -> str:
    return "\n".join(f"  {i}. {option}" for i, option in enumerate(options, start=1))


def _pick(answer: str, count: int) -> int | None:
    """1-based number typed -> 0-based index, or None."""
    return int(answer) - 1 if answer.isdigit() and 1 <= int(answer) <= count else None


def _list(kb: Knowledge, ask: Callable[[str], str], write: Write) -> None:
    areas = [a for a in AREA_LABELS if any(s.area == a for s in kb.stretches)]
    write("Which area? Press Enter for all.\n" + _numbered([AREA_LABELS[a] for a in areas]))
    answer = ask("> ")
    index = _pick(answer, len(areas))
    if answer and index is None:
        write("Showing all areas.")
    write(render(list_card(kb, areas[index] if index is not None else None, None)))


def _show(kb: Knowledge, ask: Callable[[str], str], write: Write) -> None:
    name = ask("Stretch name (e.g. couch stretch, psoas):")
    if not name:
        return
    found = find_stretch(kb, name)
    if found.stretch is not None:
        write(render(stretch_card(kb, found.stretch)))
        return
    if not found.suggestions:
        write("I don't know that stretch. Choose 1 to see the list.")
        return
    write(
        "Did you mean:\n"
        + _numbered([s.name for s in found.suggestions])
        + "\nType a number, or Enter to go back."
    )
    index = _pick(ask("> "), len(found.suggestions))
    if index is not None:
        write(render(stretch_card(kb, found.suggestions[index])))


def _routine(kb: Knowledge, ask: Callable[[str], str], write: Write) -> None:
    focuses = list(FOCUS_LABELS)
    write(
        "Focus? (type its number, Enter to go back)\n"
        + _numbered([FOCUS_LABELS[f] for f in focuses])
    )
    while (index := _pick(choice := ask("> "), len(focuses))) is None:
        if not choice:
            return
        write("Please type one of the numbers shown.")
    write(f"Focus: {FOCUS_LABELS[focuses[index]]}.")
    while True:  # a bad answer asks again and keeps the chosen focus
        answer = ask(f"How many minutes ({MIN_MINUTES}-{MAX_MINUTES})? Enter to go back.")
        if not answer:
            return
        if answer.isdigit() and MIN_MINUTES <= int(answer) <= MAX_MINUTES:
            break
        write(f"Please type a whole number from {MIN_MINUTES} to {MAX_MINUTES}.")
    try:
        routine = build_for_focus(kb, focuses[index], int(answer))
    except RoutineError as exc:
        write(str(exc))
        return
    write(render(routine_card(kb, routine)))
