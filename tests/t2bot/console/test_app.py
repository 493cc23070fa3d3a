"""Terminal mode (issue 11): fast start, wrapping, keyboard words, any encoding, choices kept
after a bad answer, quiet logs, one title per urgency, the same pages as Discord, delete."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from t2bot.console.app import keyboard_words, main_menu, render_card, triage
from t2bot.knowledge.model import Knowledge, Urgency
from t2bot.render.card import Card, Section
from t2bot.render.text import render, safe, wrap_output
from t2bot.triage import engine
from t2bot.triage.cards import PAGES, outcome_card, page_label, step_card
from t2bot.triage.engine import Escalation, ShortEnding, Step
from tests.conftest import ROOT
from tests.t2bot.triage.flow_walk import all_paths

#: The thread poster's check by number: four safety screens passed, then the answers.
#: A rider of the thread through the whole check to a result (as in tests/test_cli.py).
POSTER = [
    *("11", "1", "1", "1", "1", "1", "6", "8", "1"),
    *("1", "1", "1", "2", "1", "1", "1", "3", "5"),
]


def run(kb: Knowledge, *lines: str, history=None) -> str:
    feed = iter(lines)
    out: list[str] = []
    main_menu(kb, "112", lambda: next(feed, None), out.append, history)
    return "\n".join(out)


def bot(*args: str, stdin: str, cwd: Path, env: dict[str, str] | None = None):
    clean = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL"}}
    clean.update({"KNOWLEDGE_DIR": str(ROOT / "knowledge")}, **(env or {}))
    return subprocess.run(
        [sys.executable, *args, str(ROOT / "bot.py"), "--console"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=clean,
    )


def test_starting_imports_no_database_or_discord_stack(tmp_path: Path) -> None:
    # What makes the start slow is what is imported; -X importtime lists every module.
    result = bot("-X", "importtime", stdin="4\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    for heavy in ("sqlalchemy", "t2bot.storage", "discord", "alembic", "psycopg"):
        assert heavy not in imported, heavy
    assert "t2bot.console.app" in imported


def test_every_card_wraps_to_the_width_without_splitting_words(real_kb: Knowledge) -> None:
    for _state, outcome in list(all_paths(real_kb))[:200]:
        cards = [outcome_card(real_kb, outcome, "112")]
        if not isinstance(outcome, Escalation | ShortEnding):
            from t2bot.triage.cards import page_card

            cards = [page_card(real_kb, outcome, page, "112") for page in PAGES]
        for card in cards:
            for line in render(card, columns=50).splitlines():
                # Only a single word longer than the width (an address) may stick out.
                assert len(line) <= 50 or " " not in line.strip(), line


def test_other_output_wraps_too() -> None:
    long = "Saved results: " + "word " * 40
    assert all(len(line) <= 60 for line in wrap_output(long, 60).splitlines())


def test_screens_use_words_for_a_keyboard(real_kb: Knowledge) -> None:
    step = engine.current(real_kb, engine.start())
    seen = 0
    while isinstance(step, Step):
        text = render_card(keyboard_words(step_card(real_kb, step, "112")))
        assert not re.search(r"\btap", text, re.IGNORECASE), text
        seen += 1
        step = engine.proceed(real_kb, step.state) if step.node.kind == "red_flags" else None
    assert seen >= 2


def test_any_terminal_encoding_is_safe(tmp_path: Path) -> None:
    # The first screen has "▫" marks; the answer pages "•" and "°". ASCII and LANG=C print them.
    for env in ({"PYTHONIOENCODING": "ascii"}, {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0"}):
        stdin = "\n".join(["1", *POSTER, "2", "5", "", "4"]) + "\n"
        result = bot(stdin=stdin, cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        assert "UnicodeEncodeError" not in result.stderr
        assert "[ ] 1." in result.stdout or "\u25ab 1." in result.stdout
    assert safe("☑ 1. • 38°C", "ascii") == "[x] 1. * 38 deg C"


def test_a_bad_answer_keeps_the_ticked_signs(real_kb: Knowledge) -> None:
    # The first screen whose first sign can be ticked (not an emergency, which answers at once):
    # reached with "none" on safety screens and the first answer on questions.
    typed: list[str] = []
    position = engine.current(real_kb, engine.start())
    while isinstance(position, Step):
        node = position.node
        if node.kind == "red_flags":
            if node.flags[0].urgency is not Urgency.emergency:
                break
            typed.append(str(len(node.flags) + 1))
            position = engine.proceed(real_kb, position.state)
        else:
            typed.append("1")
            position = engine.answer(real_kb, position.state, 0)
    assert isinstance(position, Step), "no screen with a sign that can be ticked"
    sign = position.node.flags[0]
    go = str(len(position.node.flags) + 1)
    feed = iter([*typed, "1", "banana", go])
    out: list[str] = []
    triage(real_kb, "112", lambda: next(feed, None), out.append)
    after = "\n".join(out).split("Please type one of the numbers shown", 1)[1]
    assert "☑ 1." in after  # the same screen again, the sign still ticked
    answer = " ".join(after.split("Continue", 1)[-1].split())  # unwrapped
    assert sign.text in answer  # and the answer names it


def test_logs_stay_out_of_the_conversation(tmp_path: Path) -> None:
    stdin = "\n".join(["1", *POSTER, "s", "", "4"]) + "\n"
    result = bot(stdin=stdin, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Saved (contributor and tip ids and the date only)" in result.stdout
    assert not re.search(r"\b(INFO|DEBUG)\b", result.stdout + result.stderr)


def test_one_title_per_urgency(real_kb: Knowledge) -> None:
    titles: dict[Urgency, set[str]] = {}
    for _state, outcome in all_paths(real_kb):
        if isinstance(outcome, ShortEnding) and outcome.ending.urgency:
            card = outcome_card(real_kb, outcome, "112")
            titles.setdefault(outcome.ending.urgency, set()).add(card.title)
    first = engine.current(real_kb, engine.start())
    for index in range(len(first.node.flags)):
        outcome = engine.tap_flag(real_kb, first.state, index)
        if isinstance(outcome, Escalation):
            card = outcome_card(real_kb, outcome, "112")
            titles.setdefault(outcome.urgency, set()).add(card.title)
    assert titles and all(len(names) == 1 for names in titles.values()), titles
    assert titles[Urgency.emergency] == {real_kb.meta.urgency[Urgency.emergency].title}


def test_the_answer_has_the_same_pages_by_number(real_kb: Knowledge) -> None:
    text = run(real_kb, "1", *POSTER, "2", "6", "5", "", "4")
    for number, page in enumerate(PAGES, start=1):
        assert f"{number}. {page_label(real_kb, page)}" in text
    assert "## Your T2 back check: Why" in text and "## Your T2 back check: Sources" in text
    assert "## Your T2 back check: For your clinician" in text
    assert real_kb.meta.words.more_console in text and real_kb.meta.words.more not in text
    assert "```" not in text  # the copy block is for Discord; the terminal is plain already


def test_saved_results_can_be_deleted(tmp_path: Path) -> None:
    stdin = "\n".join(["1", *POSTER, "s", "", "3", "d", "yes", "3", "", "4"]) + "\n"
    result = bot(stdin=stdin, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Deleted 1 saved record(s) from this computer." in result.stdout
    assert result.stdout.rsplit("Saved results:", 1)[1].splitlines()[1].strip() == (
        "No saved results yet."
    )


def test_keyboard_words_leave_other_cards_alone() -> None:
    card = Card("T", "Tap every sign that fits, then Continue.", (Section("H", ("tap it",)),))
    changed = keyboard_words(card)
    assert changed.body == "Type the number of every sign that fits, then the number to continue."
    assert changed.sections[0].lines == ("type its number",)
