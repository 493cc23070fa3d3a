"""knowledge/followups.yaml is loaded and checked like the other files: a broken edit is
reported as file:line: place: problem, and the bot keeps running without it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from t2bot.knowledge import KnowledgeError, load_knowledge
from tests.conftest import REAL_KNOWLEDGE


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(REAL_KNOWLEDGE, folder)
    return folder


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "followups.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def problems(folder: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    return [str(p) for p in caught.value.problems]


def test_the_real_check_in_words_load(real_kb) -> None:
    assert real_kb.followups is not None
    flags = {f.id for f in real_kb.all_signs()}
    assert set(real_kb.followups.warning_signs) <= flags
    assert "{emergency_number}" in real_kb.followups.worse.reply


def test_an_unknown_warning_sign_is_named_with_its_line(copy: Path) -> None:
    edit(copy, "    - saddle_numbness\n", "    - saddle_numbnes\n")
    [problem] = problems(copy)
    assert "followups.yaml:" in problem
    assert "followups > warning_signs[0]: unknown warning sign 'saddle_numbnes'" in problem


def test_a_misspelt_key_is_refused(copy: Path) -> None:
    edit(copy, "  keep_label: Keep it\n", "  keep_labl: Keep it\n")
    found = "\n".join(problems(copy))
    assert "followups > keep_labl: unknown key" in found
    assert "followups > keep_label: required but missing" in found


def test_a_source_must_exist(copy: Path) -> None:
    edit(copy, "    - thread#4\n", "    - thread#99\n")
    [problem] = problems(copy)
    assert "followups > sources[2]: 'thread#99': the thread has posts 1 to" in problem


def test_the_same_label_twice_is_refused(copy: Path) -> None:
    edit(copy, "    label: About the same\n", "    label: Better\n")
    [problem] = problems(copy)
    assert "better, same and worse need different labels" in problem


def test_without_the_file_the_knowledge_still_loads(copy: Path) -> None:
    (copy / "followups.yaml").unlink()
    assert load_knowledge(copy).followups is None
