"""`--check-knowledge` messages for the mistakes coaches make (issue 11): the right line for YAML
syntax errors, hints that name the real problem, plain words, "did you mean". One fixture file per
mistake in ``mistakes/``: the edit, the text on the line the problem must name, what it must and
must not say."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from t2bot.knowledge import KnowledgeError, load_knowledge
from tests.conftest import MINI_KNOWLEDGE, REAL_KNOWLEDGE

MISTAKES = sorted((Path(__file__).parent / "mistakes").glob("*.yaml"))


def _edited(case: dict[str, Any], tmp_path: Path) -> tuple[Path, int]:
    folder = tmp_path / "knowledge"
    shutil.copytree(REAL_KNOWLEDGE if case["knowledge"] == "real" else MINI_KNOWLEDGE, folder)
    path = folder / case["file"]
    text = path.read_text(encoding="utf-8")
    assert text.count(case["find"]) == 1, f"the fixture's find text must occur once: {case}"
    text = text.replace(case["find"], case["replace"])
    path.write_text(text, encoding="utf-8")
    assert text.count(case["line_of"]) == 1, f"line_of must occur once in the edit: {case}"
    return folder, text[: text.index(case["line_of"])].count("\n") + 1


@pytest.mark.parametrize("fixture", MISTAKES, ids=[m.stem for m in MISTAKES])
def test_each_mistake_gets_its_line_and_plain_words(fixture: Path, tmp_path: Path) -> None:
    case = yaml.safe_load(fixture.read_text(encoding="utf-8"))
    folder, line = _edited(case, tmp_path)
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(folder)
    where = f"{folder / case['file']}:{line}: "
    named = [str(p) for p in raised.value.problems if str(p).startswith(where)]
    assert named, f"no problem on line {line}: {raised.value}"
    problem = named[0]
    for text in case["expect"]:
        assert text.format(folder=folder) in problem, problem
    for text in case["absent"]:
        assert text not in problem, problem


def test_there_is_a_fixture_for_every_mistake_of_the_issue() -> None:
    names = {m.stem for m in MISTAKES}
    assert {
        "unclosed_quote_in_a_long_file",
        "text_after_the_closing_quote",
        "colon_in_a_text",
        "duplicate_id",
        "empty_list_for_a_text",
        "mistyped_next_node",
        "mistyped_source_key",
    } <= names
