"""Terminal mode: the same flows as in Discord, with numbered choices read from standard input.

Works with a pipe (``printf '1\\n3\\n2\\n' | uv run bot.py --console``) and exits 0 at end of input.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from t2bot.console.history import ConsoleHistory
from t2bot.knowledge import KnowledgeError, load_knowledge
from t2bot.knowledge.model import Knowledge
from t2bot.settings import Settings
from t2bot.triage import actions, engine
from t2bot.triage.actions import Action
from t2bot.triage.cards import Card, outcome_card, step_card
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

    def write(text: str) -> None:
        print(text, flush=True)

    history = ConsoleHistory(settings)
    try:
        main_menu(kb, settings.emergency_number, read_line, write, history)
    except KeyboardInterrupt:
        write("\nBye. Nothing was stored unless you chose to save.")
        return EXIT_INTERRUPTED
    finally:
        history.close()
    return 0


MENU = "1. Back-pain check\n2. Stretches\n3. My saved results\n4. Quit"


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
            write("\n".join(["\nSaved results:", *(f"  {line}" for line in history.lines(kb))]))
        else:
            write("Please type a number from the menu.")


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
        write(render_card(step_card(kb, position, emergency_number)))
        write(_choices(position))
        choice = _ask(read_line, write)
        if choice is None:
            return False
        if choice == "q":
            write("Cancelled. Nothing was stored.")
            return True
        try:
            position = _apply(kb, position, choice)
        except ValueError:
            write("Please type one of the numbers shown, or " + NAV_HELP + ".")
    write(render_card(outcome_card(kb, position, emergency_number)))
    if history is None or not isinstance(position, Result):
        return True
    write("Type s to save this result to your history (ids and date only), or Enter for the menu.")
    choice = _ask(read_line, write)
    if choice == "s":
        write(history.save(kb, position))
    return choice is not None


def _apply(kb: Knowledge, step: Step, choice: str) -> Step | engine.Outcome:
    return actions.apply(kb, step.state, _action(step, choice))


def _action(step: Step, choice: str) -> Action:
    """What a typed choice means on this screen (the same actions as the Discord buttons)."""
    if choice == "b":
        return actions.BACK
    if choice == "r":
        return actions.RESTART
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


def _choices(step: Step) -> str:
    node = step.node
    if node.kind == "question":
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
    parts = [f"\n## {card.title}", _plain(card.body)]
    for section in card.sections:
        parts.append(f"\n{section.heading}:")
        parts.extend(f"  {_plain(line)}" for line in section.lines)
    if card.footer:
        parts.append(f"\n{_plain(card.footer)}")
    return "\n".join(parts)


def _plain(text: str) -> str:
    return text.replace("**", "")
