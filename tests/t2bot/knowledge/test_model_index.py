"""Knowledge lookups by id: indexed once, and right again for a copy with a section replaced."""

from __future__ import annotations

from t2bot.knowledge import Knowledge, load_knowledge
from tests.conftest import REAL_KNOWLEDGE


def _kb() -> Knowledge:
    return load_knowledge(REAL_KNOWLEDGE)


def test_lookups_by_id() -> None:
    kb = _kb()
    assert kb.node(kb.start).id == kb.start
    first = kb.stretches[0]
    assert kb.stretch(first.id) is first and kb.has_stretch(first.id)
    assert not kb.has_stretch("no_such_stretch")


def test_a_copy_with_a_section_replaced_is_indexed_afresh() -> None:
    kb = _kb()
    gone = kb.stretches[1]
    assert kb.has_stretch(gone.id)  # the index is built before the copy
    fewer = kb.model_copy(update={"stretches": [s for s in kb.stretches if s.id != gone.id]})
    assert not fewer.has_stretch(gone.id)
    assert kb.has_stretch(gone.id), "the original keeps its own index"
    assert fewer.node(kb.start) is kb.node(kb.start)
