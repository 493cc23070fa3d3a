"""A checklist screen in the terminal: type every number that fits on one line."""

from __future__ import annotations

from t2bot.console.app import checklist_numbers, main_menu
from t2bot.knowledge.model import Knowledge
from tests.t2bot.triage import grouped as g
from tests.t2bot.triage.grouped import grouped_kb

__all__ = ["grouped_kb"]  # a fixture

#: Menu 1, both safety screens passed, "Lower back on the run", "Yes, by far".
TO_HABITS = ("1", "3", "4", "1", "1")


def run(kb: Knowledge, *lines: str) -> str:
    feed = iter(lines)
    out: list[str] = []
    main_menu(kb, "112", lambda: next(feed, None), out.append)
    return "\n".join(out)


def test_several_numbers_on_one_line_pick_several_options(checklist_kb: Knowledge) -> None:
    text = run(checklist_kb, *TO_HABITS, "1 2", "2", "2")  # then page 2: Why
    assert "Type the numbers of every one that fits, e.g. 1 3" in text
    assert "2. Old shoes (More than 800 km on them)" in text
    assert "Shoes?" in text
    assert "long rides in aero" in text and "your old shoes" in text


def test_commas_work_and_an_emergency_option_answers_at_once(checklist_kb: Knowledge) -> None:
    text = run(checklist_kb, *TO_HABITS, "1,4")
    assert "Call 112 now." in text and "Shoes?" not in text


def test_an_exclusive_option_with_others_is_explained_and_asked_again(
    checklist_kb: Knowledge,
) -> None:
    text = run(checklist_kb, *TO_HABITS, "5 1", "7", "5", "2")
    assert "That option goes alone" in text
    assert "Please type one of the numbers shown" in text  # 7: no such option
    assert text.count("Which of these fit?") == 3  # asked again twice, then answered
    assert "Shoes?" in text


def test_numbers_are_parsed_strictly() -> None:
    assert checklist_numbers("3 1 3", 6) == [0, 2]
    for bad in ("", "0", "7", "1 x", "b1"):
        try:
            checklist_numbers(bad, 6)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_two_alternatives_are_named_and_the_question_asked_again(grouped_kb: Knowledge) -> None:
    old, new = g.OLD_SHOES + 1, g.NEW_SHOES + 1  # the numbers typed
    text = run(grouped_kb, *TO_HABITS, f"{new} 1 {old}", f"{new}", "2")
    assert "You picked both “Old shoes” and “New shoes”: pick the one that fits." in text
    assert "That option goes alone" not in text
    assert text.count("Which of these fit?") == 2  # asked again once, then answered
    assert "Shoes?" in text
