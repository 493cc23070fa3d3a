"""`--check-knowledge` on checklist screens: every mistake gets its file, line and plain words."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from t2bot.knowledge import KnowledgeError, load_knowledge
from tests.conftest import CHECKLIST_KNOWLEDGE

OPTION = (
    "      - {label: Long rides in aero, weights: {not_aero_adapted: 2}, why: long rides in aero}"
)
NODE_NEXT = "    next: shoes\n    answers:\n      - {label: Long rides"

CASES = {
    "option_with_next": (
        OPTION,
        OPTION.replace("why:", "next: shoes, why:"),
        "Long rides in aero",
        ["checklist options have no 'next' or 'end'"],
    ),
    "too_many_options": (
        OPTION,
        "\n".join(
            [OPTION] + [f"      - {{label: Option {i}, sign: night_pain}}" for i in range(20)]
        ),
        OPTION,
        ["26 options; a Discord menu holds at most 25"],
    ),
    "label_too_long": (
        "label: Long rides in aero",
        "label: " + "x" * 101,
        "x" * 101,
        ["at most 100 characters"],
    ),
    "description_too_long": (
        "description: More than 800 km on them",
        "description: " + "y" * 101,
        "y" * 101,
        ["at most 100 characters"],
    ),
    "next_and_end": (
        NODE_NEXT,
        "    next: shoes\n    end: result\n    answers:\n      - {label: Long rides",
        "  - id: habits",
        ["exactly one of 'next'", "or 'end'"],
    ),
    "mistyped_next": (
        NODE_NEXT,
        NODE_NEXT.replace("next: shoes", "next: shose"),
        "next: shose",
        ["node 'shose' does not exist (did you mean 'shoes'?)"],
    ),
    "exclusive_on_a_question": (
        "      - {label: Fine, end: result}",
        "      - {label: Fine, end: result, exclusive: true}",
        "{label: Fine, end: result, exclusive: true}",
        ["'description' and 'exclusive' are only for checklist options"],
    ),
    "not_sure_with_points": (
        "- {label: Not sure, exclusive: true}",
        "- {label: Not sure, exclusive: true, weights: {worn_shoes: 1}, why: unsure}",
        "{label: Not sure, exclusive: true, weights",
        ["a 'not sure' answer is not evidence"],
    ),
    "one_of_on_a_question": (
        "      - {label: Fine, end: result}",
        "      - {label: Fine, end: result, one_of: shoe_state}",
        "{label: Fine, end: result, one_of: shoe_state}",
        ["'one_of' is only for checklist options"],
    ),
    "one_of_with_one_option": (
        OPTION,
        OPTION.replace("weights:", "one_of: aero_time, weights:"),
        "one_of: aero_time",
        ["no other option of this checklist has 'one_of: aero_time'", "at least two options"],
    ),
    "one_of_mistyped": (
        "      - {label: Old shoes,",
        "      - {label: New shoes, one_of: shoe_state}\n"
        "      - {label: Old shoes, one_of: shoe_stat,",
        "one_of: shoe_stat,",
        ["'one_of: shoe_stat'", "(did you mean 'shoe_state'?)"],
    ),
    "one_of_on_an_exclusive_option": (
        "- {label: Not sure, exclusive: true}",
        "- {label: Not sure, exclusive: true, one_of: unsure}\n"
        "      - {label: Rather not say, exclusive: true, one_of: unsure}",
        "{label: Not sure, exclusive: true, one_of: unsure}",
        ["an exclusive option is already picked alone: leave out 'one_of'"],
    ),
    "one_option_to_combine": (
        "      - {label: Old shoes,",
        "      - {exclusive: true, label: Old shoes,",
        "  - id: habits",
        [],  # still fine: "Long rides", "Pain at night", "Numb" combine
    ),
}


def _edited(tmp_path: Path, find: str, replace: str, line_of: str) -> tuple[Path, int]:
    folder = tmp_path / "knowledge"
    shutil.copytree(CHECKLIST_KNOWLEDGE, folder)
    flow = folder / "flow.yaml"
    text = flow.read_text(encoding="utf-8")
    assert text.count(find) == 1, find
    text = text.replace(find, replace)
    flow.write_text(text, encoding="utf-8")
    assert text.count(line_of) == 1, line_of
    return folder, text[: text.index(line_of)].count("\n") + 1


@pytest.mark.parametrize("name", [n for n, case in CASES.items() if case[3]])
def test_each_checklist_mistake_is_named_on_its_line(name: str, tmp_path: Path) -> None:
    find, replace, line_of, expect = CASES[name]
    folder, line = _edited(tmp_path, find, replace, line_of)
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(folder)
    where = f"{folder / 'flow.yaml'}:{line}: "
    named = [str(p) for p in raised.value.problems if str(p).startswith(where)]
    assert named, f"no problem on line {line}: {raised.value}"
    for text in expect:
        assert any(text in problem for problem in named), named


def test_a_checklist_needs_two_options_to_combine(tmp_path: Path) -> None:
    find, replace, line_of, _ = CASES["one_option_to_combine"]
    folder, _line = _edited(tmp_path, find, replace, line_of)
    load_knowledge(folder)  # three options still combine
    flow = folder / "flow.yaml"
    text = flow.read_text(encoding="utf-8")
    for label in ("Long rides in aero", "Pain at night"):
        text = text.replace(f"- {{label: {label},", f"- {{exclusive: true, label: {label},")
    flow.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(folder)
    assert "at least two options that can be picked together" in str(raised.value)


def test_one_group_alone_cannot_be_combined(tmp_path: Path) -> None:
    """Options that all exclude each other are one choice: a question, not a checklist."""
    find, replace, line_of, _ = CASES["one_option_to_combine"]
    folder, _line = _edited(tmp_path, find, replace, line_of)
    flow = folder / "flow.yaml"
    text = flow.read_text(encoding="utf-8")
    for label in ("Long rides in aero", "Pain at night"):
        text = text.replace(f"- {{label: {label},", f"- {{one_of: which, label: {label},")
    flow.write_text(text, encoding="utf-8")
    load_knowledge(folder)  # the group and "Numb between the legs" combine
    text = text.replace("- {label: Numb between", "- {one_of: which, label: Numb between")
    flow.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(folder)
    assert "at least two options that can be picked together" in str(raised.value)
