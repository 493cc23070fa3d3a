"""Issue 9 item 6: the stretch knowledge's safety fixes, as the member sees them on the card."""

from __future__ import annotations

from t2bot.knowledge.model import Knowledge
from t2bot.render.text import render
from t2bot.stretches.cards import stretch_card


def card_text(kb: Knowledge, stretch_id: str) -> str:
    return " ".join(render(stretch_card(kb, kb.stretch(stretch_id)), columns=1000).split())


def test_every_stretch_card_carries_the_mild_never_into_pain_rule(real_kb: Knowledge) -> None:
    rule = real_kb.meta.words.stretch_safety
    assert "never into pain" in rule and "get care now" in rule
    for stretch in real_kb.stretches:
        assert rule in card_text(real_kb, stretch.id), stretch.id
        assert "/backpain" in card_text(real_kb, stretch.id), stretch.id


def test_the_cautions_that_were_missing_are_on_the_cards(real_kb: Knowledge) -> None:
    expected = {
        "table_hip_flexor": "hip replacement",
        "bird_dog": "Pad your knees",
        "dead_bug": "Stop if it causes back or neck pain",
        "lacrosse_ball_erectors": "blood-thinning medicine",
        "chin_tucks": "After neck surgery",
        "upper_trap_stretch": "After neck surgery",
        "mcgill_curl_up": "osteoporosis",
        "knee_to_chest": "pregnant",
    }
    for stretch_id, words in expected.items():
        assert words in card_text(real_kb, stretch_id), stretch_id


def test_curl_up_neck_cue_is_one_clear_cue(real_kb: Knowledge) -> None:
    text = card_text(real_kb, "mcgill_curl_up")
    assert "chin tucked" not in text and "head and neck in line" in text


def test_open_book_is_not_thread_the_needle(real_kb: Knowledge) -> None:
    assert "thread the needle" not in real_kb.stretch("open_book").aliases


def test_weak_citations_are_replaced(real_kb: Knowledge) -> None:
    weak = {
        "thoracic_extension_roller": "behm_2016",
        "open_book": "behm_2016",
        "clamshell": "hayden_2021",
        "dead_bug": "hayden_2021",
    }
    for stretch_id, source in weak.items():
        sources = real_kb.stretch(stretch_id).sources
        assert source not in sources and all(
            s in real_kb.references or s.startswith("thread#") for s in sources
        ), stretch_id


def test_generic_words_are_not_shown_as_other_names(real_kb: Knowledge) -> None:
    text = card_text(real_kb, "leg_swings")
    assert "Also called: leg swings" not in text  # the name itself is not repeated
    assert "warm up" not in text.split("Also called:", 1)[-1].split("How to")[0]
