"""The knowledge check renders what members see (every prefix and tick state, the longest
emergency number) and refuses text Discord would refuse, instead of a 400 on every /backpain."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from t2bot.knowledge import KnowledgeError, load_knowledge
from t2bot.knowledge.limits import BUTTON_LABEL, FIELD_VALUE
from t2bot.triage.cards import flag_label, go_label, sections_of
from tests.conftest import MINI_KNOWLEDGE, STRETCH_KNOWLEDGE


def copy(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(source, target)
    return target


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy(MINI_KNOWLEDGE, tmp_path)


@pytest.fixture
def stretch_folder(tmp_path: Path) -> Path:
    return copy(STRETCH_KNOWLEDGE, tmp_path)


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))


def problems(folder: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    return [str(p) for p in caught.value.problems]


def line_of(problem: str, name: str) -> int:
    return int(problem.split(f"{name}:")[1].split(":")[0])


def test_an_80_character_warning_sign_label_is_refused_as_shown(folder: Path) -> None:
    label = "S" * 80  # the model allows 80, but the button reads "☑ 1. " + label
    edit(folder, "flow.yaml", "label: Saddle numbness,", f"label: {label},")
    found = problems(folder)
    assert len(found) == 1, found
    problem = found[0]
    assert "nodes[0] (id: urgent_signs) > flags[0] > label" in problem
    assert "the warning-sign button would be 85 characters" in problem
    assert "Discord allows 80: make it 5 shorter" in problem
    assert line_of(problem, "flow.yaml") == 9


def test_the_longest_label_that_fits_with_its_prefix_loads(folder: Path) -> None:
    edit(folder, "flow.yaml", "label: Saddle numbness,", f"label: {'S' * 75},")
    edit(folder, "flow.yaml", "label: New past 50,", f"label: {'N' * 75},")  # "☑ 3. "
    kb = load_knowledge(folder)
    flags = kb.node("other_signs").flags
    assert len(flag_label(2, flags[2], True)) == BUTTON_LABEL


def test_answers_and_none_label_are_checked_as_shown(folder: Path) -> None:
    edit(folder, "flow.yaml", "{label: Worn out,", "{label: " + "W" * 80 + ",")
    edit(
        folder,
        "flow.yaml",
        "    next: scope\n",
        "    next: scope\n    none_label: " + "n" * 80 + "\n",
    )
    kb = load_knowledge(folder)  # no prefix: 80 fits
    assert go_label(kb.node("other_signs"), False) == "n" * 80
    assert go_label(kb.node("other_signs"), True) == "Continue"


def test_a_warning_sign_longer_than_a_field_is_refused(folder: Path) -> None:
    edit(folder, "flow.yaml", "text: Fever or unwell,", f"text: {'f' * 1100},")
    found = problems(folder)
    assert any(
        "nodes[1] (id: other_signs) > flags" in p and "would be 1105 characters" in p for p in found
    ), found


def test_the_first_screen_counts_the_longest_emergency_number(folder: Path) -> None:
    # 3900 characters of intro fit alone, but not with a 100-character number and the question.
    edit(folder, "meta.yaml", 'intro: "Education only', f'intro: "{"e" * 3890} Education only')
    found = problems(folder)
    assert len(found) == 1 and "meta > intro" in found[0], found
    assert "this screen: the text would be" in found[0] and "Discord allows 4000" in found[0]


def test_an_urgent_answer_too_long_names_the_urgency_text(folder: Path) -> None:
    edit(folder, "meta.yaml", "emergency: {title: Emergency,", f"emergency: {{title: {'T' * 257},")
    found = problems(folder)
    assert found and all("meta > urgency > emergency > title" in p for p in found), found
    assert "the title would be" in found[0] and "Discord allows 256" in found[0]


def test_a_stretch_name_is_never_cut_but_refused(stretch_folder: Path) -> None:
    name = "Kneeling hip-flexor stretch" + " really" * 8  # 83 characters
    edit(stretch_folder, "stretches.yaml", "name: Kneeling hip-flexor stretch", f"name: {name}")
    found = problems(stretch_folder)
    assert any(
        "stretches[0] (id: " in p and "> name: the stretch button would be 83" in p for p in found
    ), found


def test_an_alias_is_checked_as_the_autocomplete_entry_shows_it(stretch_folder: Path) -> None:
    edit(stretch_folder, "stretches.yaml", "aliases: [psoas,", "aliases: [" + "p" * 80 + ",")
    found = problems(stretch_folder)
    assert any("aliases[0]: the autocomplete entry would be 110" in p for p in found), found


def test_long_lists_go_on_in_continued_sections_and_are_never_cut() -> None:
    lines = [f"• {i:02d} " + "x" * 300 for i in range(10)] + ["  Note: stays with the last"]
    sections = sections_of("What to try", lines)
    assert [s.heading for s in sections][:2] == ["What to try", "What to try (continued)"]
    assert all(len("\n".join(s.lines)) <= FIELD_VALUE for s in sections)
    assert [line for s in sections for line in s.lines] == lines
    assert sections[-1].lines[-2:] == (lines[-2], lines[-1])


def test_the_real_knowledge_fits_discord(real_kb) -> None:
    from t2bot.knowledge.rendered import check_rendered

    assert check_rendered(real_kb) == []


def test_the_check_renders_every_page_of_an_answer(folder: Path) -> None:
    # A contributor summary too long for one part of the Why page is named, with the page.
    edit(folder, "contributors.yaml", "summary: Long aero time is new.", f"summary: {'w' * 1100}")
    found = problems(folder)
    assert any("contributors[0]" in p and "(why page)" in p for p in found), found


def test_a_stretch_card_with_its_safety_line_is_checked(stretch_folder: Path) -> None:
    # The safety line closes every stretch card, so it counts against the card's limits.
    edit(stretch_folder, "meta.yaml", "Stop if a move hurts", f"{'s' * 1100} Stop if a move hurts")
    found = problems(stretch_folder)
    assert found and all("the stretch card's part 'Stay safe'" in p for p in found), found
