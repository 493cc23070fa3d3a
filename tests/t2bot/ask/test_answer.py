"""The ask core beyond the message table: knowledge checks of the new files, long texts, button
ids that carry no words, and the index built once per knowledge load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from t2bot.ask.answer import AskKind, answer_card, ask, rebuild, refs_of
from t2bot.ask.ids import AskId, BadAskId
from t2bot.ask.index import AskIndex, IndexCache
from t2bot.knowledge.holder import KnowledgeHolder
from t2bot.knowledge.loader import KnowledgeError, load_knowledge
from tests.conftest import REAL_KNOWLEDGE


@pytest.fixture(scope="module")
def index() -> AskIndex:
    return AskIndex(load_knowledge(REAL_KNOWLEDGE))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(REAL_KNOWLEDGE, target)
    return target


def problems(folder: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    return [str(p) for p in caught.value.problems]


def test_a_phrase_key_must_be_a_flag_id(folder: Path) -> None:
    path = folder / "phrases.yaml"
    path.write_text(path.read_text() + "  saddle_numbnes:\n    - numb saddle\n")
    found = problems(folder)
    assert any(
        "phrases.yaml:" in p and "saddle_numbnes" in p and "not the id of a warning sign" in p
        for p in found
    ), found


def test_every_emergency_flag_needs_phrases(folder: Path) -> None:
    path = folder / "phrases.yaml"
    text = path.read_text()
    start = text.index("  dark_urine:")
    end = text.index("  sepsis_signs:")
    path.write_text(text[:start] + text[end:])
    assert any("emergency sign 'dark_urine' has no phrases" in p for p in problems(folder))


def test_a_faq_entry_may_not_give_a_dose_and_needs_a_known_source(folder: Path) -> None:
    path = folder / "faq.yaml"
    text = path.read_text().replace("it is worth a check before the", "take 400 mg before the", 1)
    text = text.replace("      - hew_butler_2015\n", "      - hew_butler_2051\n", 1)
    path.write_text(text)
    found = problems(folder)
    assert any("faq.yaml:" in p and "dose" in p for p in found), found
    assert any("unknown source 'hew_butler_2051'" in p for p in found), found


def test_a_very_long_text_is_refused_kindly_but_still_checked_for_warning_signs(
    index: AskIndex,
) -> None:
    long = "my back is sore after the long ride. " * 60
    assert len(long) > 2000
    assert ask(index, long).kind is AskKind.too_long
    flagged = ask(index, long + "and now I cant feel my saddle area")
    assert flagged.kind is AskKind.red_flag


def test_a_button_id_rebuilds_the_answer_without_any_of_the_words(index: AskIndex) -> None:
    text = "how many ibuprofen can I take on Sunday before the half ironman"
    answer = ask(index, text)
    aid = AskId(123456789012345678, index.version, answer.kind, refs_of(index, answer))
    encoded = aid.encode()
    assert len(encoded) <= 100 and not {"ibuprofen", "sunday"} & set(encoded.split(":"))
    back = AskId.decode(encoded)
    assert back == aid
    assert rebuild(index, back.kind, back.refs, back.negated) == answer
    flagged = ask(index, "no numbness between my legs")
    fid = AskId(1, index.version, flagged.kind, refs_of(index, flagged), flagged.negated)
    assert AskId.decode(fid.encode()).negated is True
    for crafted in ("t2a:zz:0000:q:1:0", "t2a:1:0000:a:1..2:0", "t2a:1:00:a:1:0"):
        with pytest.raises(BadAskId):
            AskId.decode(crafted)


def test_answers_cards_end_with_the_reminder_and_name_sources(index: AskIndex) -> None:
    kb = index.kb
    for text in ("is it a slipped disc?", "ice or heat?", "psoas stretch?", "who won?"):
        card = answer_card(kb, ask(index, text), "112")
        assert card.footer == kb.meta.professional_reminder
        for section in card.sections:
            assert section.lines[-1].startswith("Source: ")


def test_the_index_is_built_once_per_knowledge_load() -> None:
    holder = KnowledgeHolder.load(REAL_KNOWLEDGE)
    cache = IndexCache()
    first = cache.get(holder.current)
    assert cache.get(holder.current) is first
    holder.reload()
    assert cache.get(holder.current) is not first
