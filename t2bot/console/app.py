"""Terminal mode: the same flows as in Discord, with numbered choices read from standard input.

Works with a pipe (``printf '1\\n3\\n2\\n' | uv run bot.py --console``) and exits 0 at end of input.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from dataclasses import replace

from t2bot.console.history import ConsoleHistory
from t2bot.knowledge import KnowledgeError, load_knowledge
from t2bot.knowledge.model import Knowledge
from t2bot.render.card import Card, Section
from t2bot.render.text import render, safe, wrap_output
from t2bot.settings import Settings
from t2bot.triage import actions, engine
from t2bot.triage.actions import Action
from t2bot.triage.cards import PAGES, outcome_card, page_card, page_label, step_card
from t2bot.triage.engine import FlowState, Result, Step

ReadLine = Callable[[], str | None]
Write = Callable[[str], None]

EXIT_INTERRUPTED = 130  # the shell's convention for Ctrl-C
NAV_HELP = "b = back, r = start over, q = cancel"


def run_console(settings: Settings) -> int:
    try:
        kb = load_knowledge(settings.knowledge_dir)
    except KnowledgeError as exc:
        print(f"The knowledge files have problems:\n{exc}", file=sys.stderr)
        return 1

    def read_line() -> str | None:
        line = sys.stdin.readline()
        return None if line == "" else line.strip()

    encoding = getattr(sys.stdout, "encoding", None)

    def write(text: str) -> None:
        # Whatever the terminal's encoding (LANG=C, PYTHONIOENCODING=ascii), never a crash.
        print(safe(wrap_output(text), encoding), flush=True)

    # Quiet logs: only warnings, on standard error, never inside the conversation.
    logging.getLogger().setLevel(logging.WARNING)

    history = ConsoleHistory(settings)
    try:
        main_menu(kb, settings.emergency_number, read_line, write, history)
    except KeyboardInterrupt:
        write("\nBye. Nothing was stored unless you chose to save.")
        return EXIT_INTERRUPTED
    finally:
        history.close()
    return 0


MENU = "1. Back-pain check\n2. Stretches\n3. My saved results\n4. Quit\n(type a number)"


def main_menu(
    kb: Knowledge,
    emergency_number: str,
    read_line: ReadLine,
    write: Write,
    history: ConsoleHistory | None = None,
) -> None:
    from t2bot.console.stretches import run_stretch_menu

    while True:
        write(f"\n== {kb.meta.title} (terminal mode) ==\n{MENU}")
        choice = _ask(read_line, write)
        if choice is None or choice in {"4", "q"}:
            return
        if choice == "1":
            if not triage(kb, emergency_number, read_line, write, history):
                return
        elif choice == "2":
            run_stretch_menu(kb, read_line, write)
        elif choice == "3" and history is not None:
            if not saved_results(kb, history, read_line, write):
                return
        else:
            write("Please type a number from the menu.")


def saved_results(
    kb: Knowledge, history: ConsoleHistory, read_line: ReadLine, write: Write
) -> bool:
    """List the results saved from this computer; offer to delete them. False at end of input."""
    write("\n".join(["\nSaved results:", *(f"  {line}" for line in history.lines(kb))]))
    write("Type d to delete every saved result, or Enter for the menu.")
    choice = _ask(read_line, write)
    if choice == "d":
        write("Delete every saved result from this computer? Type yes to confirm.")
        confirm = _ask(read_line, write)
        if confirm is None:
            return False
        write(history.delete() if confirm == "yes" else "Nothing was deleted.")
    return choice is not None


def triage(
    kb: Knowledge,
    emergency_number: str,
    read_line: ReadLine,
    write: Write,
    history: ConsoleHistory | None = None,
) -> bool:
    """Run one back-pain check. Returns False when input ended."""
    position: Step | engine.Outcome = engine.current(kb, FlowState())
    while isinstance(position, Step):
        write(render_card(keyboard_words(step_card(kb, position, emergency_number))))
        write(_choices(position))
        choice = _ask(read_line, write)
        if choice is None:
            return False
        if choice == "q":
            write("Cancelled. Nothing was stored.")
            return True
        try:
            position = _apply(kb, position, choice)
        except engine.PicksConflict as conflict:  # two alternatives: ask again
            write(conflict.message)
        except engine.FlowError:  # a checklist combination it does not allow
            write("That option goes alone: type just its number, or the others without it.")
        except ValueError:
            write("Please type one of the numbers shown, or " + NAV_HELP + ".")
    if not isinstance(position, Result):
        write(render_card(outcome_card(kb, position, emergency_number)))
        return True
    return _pages(kb, position, emergency_number, read_line, write, history)


def page_menu(kb: Knowledge, shown: int, can_save: bool) -> str:
    """The numbered pages of a finished check (the one shown is marked)."""
    items = [
        f"{i}. {page_label(kb, key)}{' (shown)' if i - 1 == shown else ''}"
        for i, key in enumerate(PAGES, start=1)
    ]
    ways = "s = save to your history, " if can_save else ""
    return "Pages: " + " | ".join(items) + f"\n({ways}Enter = back to the menu)"


def _pages(
    kb: Knowledge,
    result: Result,
    emergency_number: str,
    read_line: ReadLine,
    write: Write,
    history: ConsoleHistory | None,
) -> bool:
    """The same pages as in Discord, by number. Returns False when input ended."""
    shown = 0
    while True:
        card = page_card(kb, result, PAGES[shown], emergency_number)
        words = kb.meta.words
        write(render_card(replace(card, body=card.body.replace(words.more, words.more_console))))
        write(page_menu(kb, shown, history is not None))
        choice = _ask(read_line, write)
        if choice is None:
            return False
        if choice == "":
            return True
        if choice == "s" and history is not None:
            write(history.save(kb, result))
        elif choice.isdigit() and 1 <= int(choice) <= len(PAGES):
            shown = int(choice) - 1
        else:
            write(f"Please type a page number from 1 to {len(PAGES)}, or Enter for the menu.")


def _apply(kb: Knowledge, step: Step, choice: str) -> Step | engine.Outcome:
    return actions.apply(kb, step.state, _action(step, choice))


def _action(step: Step, choice: str) -> Action:
    """What a typed choice means on this screen (the same actions as the Discord buttons)."""
    if choice == "b":
        return actions.BACK
    if choice == "r":
        return actions.RESTART
    if step.node.kind == "checklist":
        return actions.check(checklist_numbers(choice, len(step.node.answers)))
    number = int(choice)  # ValueError for anything else
    if step.node.kind == "question":
        if not 1 <= number <= len(step.node.answers):
            raise ValueError(choice)
        return actions.answer(number - 1)
    if number == len(step.node.flags) + 1:
        return actions.GO
    if not 1 <= number <= len(step.node.flags):
        raise ValueError(choice)
    return actions.flag(number - 1)


def checklist_numbers(choice: str, options: int) -> list[int]:
    """``"1 3"`` (or ``"1,3"``) -> option indices ``[0, 2]``; ``ValueError`` for anything else
    (the engine then checks the combination: "None of these" alone)."""
    words = choice.replace(",", " ").split()
    numbers = [int(word) for word in words]  # ValueError for anything but numbers
    if not numbers or any(not 1 <= n <= options for n in numbers):
        raise ValueError(choice)
    return sorted({n - 1 for n in numbers})


def _choices(step: Step) -> str:
    node = step.node
    if node.kind == "checklist":
        lines = ["  Type the numbers of every one that fits, e.g. 1 3"]
    elif node.kind == "question":
        lines = [f"  {i}. {answer.label}" for i, answer in enumerate(node.answers, start=1)]
    else:
        lines = ["  Type a sign's number to tick or untick it; urgent signs answer at once."]
        last = "Continue with the ticked signs" if step.state.ticks else node.none_label
        lines.append(f"  {len(node.flags) + 1}. {last}")
    lines.append(f"  ({NAV_HELP})")
    return "\n".join(lines)


def _ask(read_line: ReadLine, write: Write) -> str | None:
    write("> ")
    line = read_line()
    return None if line is None else line.strip().lower()


def render_card(card: Card) -> str:
    """The one terminal renderer (``t2bot.render.text``), wrapped to the terminal's width."""
    return render(card)


#: Discord's words on the screens, and a keyboard's, in the order they are tried.
_KEYBOARD_WORDS = (
    (re.compile(r"\(tick all that apply\)"), "(type each number that applies)"),
    (re.compile(r"\(tap the first that fits\)"), "(type the number of the first that fits)"),
    (re.compile(r"\bTap (the|every)\b"), r"Type the number of \1"),
    (re.compile(r"\btap it\b"), "type its number"),
    (re.compile(r"\bone tap\b"), "one number"),
    (re.compile(r"\bthen Continue\b"), "then the number to continue"),
    (re.compile(r"\btaps?\b"), "type"),
    (re.compile(r"\bTaps?\b"), "Type"),
)


def keyboard(text: str) -> str:
    for pattern, words in _KEYBOARD_WORDS:
        text = pattern.sub(words, text)
    return text


def keyboard_words(card: Card) -> Card:
    """A screen's card in words for a keyboard: "type the numbers", never "tap"."""
    sections = tuple(
        Section(keyboard(section.heading), tuple(keyboard(line) for line in section.lines))
        for section in card.sections
    )
    return replace(card, body=keyboard(card.body), sections=sections)
