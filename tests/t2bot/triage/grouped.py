"""The checklist fixture with ``one_of`` groups: alternatives a member picks at most one of."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from t2bot.knowledge import load_knowledge
from t2bot.knowledge.model import Knowledge
from tests.conftest import CHECKLIST_KNOWLEDGE

#: habits, grouped: "aero_time" has three options (0, 1, 2), "shoes" two (3 and the last, 9:
#: a group need not be contiguous); 4 night pain, 5 numbness, 6 and 7 exclusive.
LONG_AERO, SHORT_AERO, NEVER_AERO, OLD_SHOES, NIGHT_PAIN, NUMB, NONE, NOT_SURE, NEW_SHOES = range(9)
EDITS = [
    (
        "- {label: Long rides in aero, weights:",
        "- {label: Long rides in aero, one_of: aero_time, weights:",
    ),
    (
        "why: long rides in aero}",
        "why: long rides in aero}\n"
        "      - {label: Short rides in aero, one_of: aero_time, weights: {not_aero_adapted: 1},"
        " why: some rides in aero}\n"
        "      - {label: Never in aero, one_of: aero_time, weights: {not_aero_adapted: -1}}",
    ),
    ("- {label: Old shoes, description:", "- {label: Old shoes, one_of: shoes, description:"),
    (
        "- {label: Not sure, exclusive: true}",
        "- {label: Not sure, exclusive: true}\n"
        "      - {label: New shoes, one_of: shoes, weights: {worn_shoes: -1}}",
    ),
]


def grouped_folder(folder: Path) -> Path:
    """A copy of the checklist fixture at ``folder`` with the groups above."""
    shutil.copytree(CHECKLIST_KNOWLEDGE, folder)
    flow = folder / "flow.yaml"
    text = flow.read_text(encoding="utf-8")
    for find, replace in EDITS:
        assert text.count(find) == 1, find
        text = text.replace(find, replace)
    flow.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def grouped_kb(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    kb = load_knowledge(grouped_folder(tmp_path_factory.mktemp("grouped") / "kb"))
    assert [a.label for a in kb.node("habits").answers][NEW_SHOES] == "New shoes"
    return kb
