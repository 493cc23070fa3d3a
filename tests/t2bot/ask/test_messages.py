"""The table of member messages (messages.yaml): every one gets the kind of answer it must."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from t2bot.ask.answer import AskKind, ask
from t2bot.ask.index import AskIndex
from t2bot.knowledge.loader import load_knowledge
from tests.conftest import REAL_KNOWLEDGE

TABLE = Path(__file__).with_name("messages.yaml")
ROWS: list[dict[str, Any]] = yaml.safe_load(TABLE.read_text(encoding="utf-8"))["messages"]


@pytest.fixture(scope="module")
def index() -> AskIndex:
    return AskIndex(load_knowledge(REAL_KNOWLEDGE))


@pytest.mark.parametrize("row", ROWS, ids=[row["text"][:40] or "(empty)" for row in ROWS])
def test_message_gets_its_kind_of_answer(index: AskIndex, row: dict[str, Any]) -> None:
    answer = ask(index, row["text"])
    found = [f"{d.kind}:{d.id}" for d in answer.matches]
    assert answer.kind is AskKind(row["kind"]), (answer.kind, [f.id for f in answer.flags], found)
    if "flag" in row:
        assert row["flag"] in [flag.id for flag in answer.flags]
    if "urgency" in row:
        assert answer.urgency is not None and answer.urgency.value == row["urgency"]
    assert answer.negated is row.get("negated", False)
    if "first" in row:
        assert found[0] == row["first"], found
    if "any" in row:  # one id, or a list of ids any of which answers the question
        wanted = row["any"] if isinstance(row["any"], list) else [row["any"]]
        assert set(wanted) & set(found), found
    assert 0 <= len(found) <= 3


def test_every_red_flag_row_is_escalated_with_its_public_line(index: AskIndex) -> None:
    from t2bot.ask.answer import PUBLIC_EMERGENCY, public_line

    for row in ROWS:
        if row["kind"] != "red_flag":
            continue
        answer = ask(index, row["text"])
        line = public_line(answer, "112")
        emergency = row.get("urgency") == "emergency"
        assert (line == PUBLIC_EMERGENCY.format(number="112")) is (
            emergency and not row.get("negated", False)
        ) or not emergency
        assert row["text"] not in line


def test_the_table_covers_every_kind() -> None:
    assert {row["kind"] for row in ROWS} == {kind.value for kind in AskKind} - {"too_long"}
