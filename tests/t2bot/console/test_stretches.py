"""The terminal stretch menu, driven by scripted input."""

from __future__ import annotations

from t2bot.console.stretches import run_stretch_menu
from t2bot.knowledge.model import Knowledge


def run(kb: Knowledge, *lines: str) -> str:
    feed = iter(lines)
    out: list[str] = []
    run_stretch_menu(kb, lambda: next(feed, None), out.append)
    return "\n".join(out)


def test_list_all_and_one_area(fixture_kb: Knowledge) -> None:
    text = run(fixture_kb, "1", "", "4")
    assert "Couch stretch" in text and "Chin tuck" in text
    text = run(fixture_kb, "1", "1", "4")  # first area: Hips
    listing = text.split("Stretches: Hips", 1)[1]
    assert "Couch stretch" in listing and "Chin tuck" not in listing


def test_show_with_typo_and_sources(fixture_kb: Knowledge) -> None:
    text = run(fixture_kb, "2", "cuoch strech")
    assert "## Couch stretch" in text
    assert "1. Back knee against the sofa." in text
    assert fixture_kb.meta.words.club_source in text
    assert fixture_kb.meta.words.stretch_safety.split(".")[0] in text


def test_show_reference_sources_with_title_and_url(fixture_kb: Knowledge) -> None:
    text = run(fixture_kb, "2", "psoas")
    assert "Demo exercise guide <https://example.org/guide>" in text
    assert "Photo: Jane Doe, CC BY 4.0" in text


def test_show_suggestions_then_pick(fixture_kb: Knowledge) -> None:
    text = run(fixture_kb, "2", "hip", "1")
    assert "Did you mean:" in text
    assert "## Kneeling hip-flexor stretch" in text


def test_show_unknown(fixture_kb: Knowledge) -> None:
    assert "I don't know that stretch" in run(fixture_kb, "2", "xyzzy")


def test_routine(fixture_kb: Knowledge) -> None:
    text = run(fixture_kb, "3", "1", "10")  # After a ride, 10 minutes
    assert "## After a ride · 9 min 30 s" in text
    assert "Total 9 min 30 s (up to 10 min)" in text
    # Every stretch reply ends with the safety line and the pointer to /backpain.
    assert fixture_kb.meta.words.stretch_pointer in text


def test_routine_bad_minutes_and_focus(fixture_kb: Knowledge) -> None:
    assert "whole number from 5 to 30" in run(fixture_kb, "3", "1", "45")
    assert "type one of the numbers" in run(fixture_kb, "3", "9")


def test_a_bad_answer_keeps_the_chosen_focus(fixture_kb: Knowledge) -> None:
    # Focus 1 (after a ride), then a bad number of minutes, then a good one: no focus again.
    text = run(fixture_kb, "3", "1", "45", "10")
    assert "## After a ride · 9 min 30 s" in text
    assert text.count("Focus? (") == 1
    # A bad focus is asked again too.
    assert "## After a ride" in run(fixture_kb, "3", "9", "1", "10")


def test_bad_choice_then_back(fixture_kb: Knowledge) -> None:
    text = run(fixture_kb, "7", "4", "1")
    assert "Please type 1, 2, 3 or 4." in text
    assert "Stretches:" not in text.split("Please type")[1]  # returned before "1"


def test_end_of_input_anywhere_returns(fixture_kb: Knowledge) -> None:
    for script in ([], ["1"], ["2"], ["3"], ["3", "1"], ["2", "hip"]):
        run(fixture_kb, *script)  # must return, not raise or loop


def test_real_knowledge_menu(any_kb: Knowledge) -> None:
    first = any_kb.stretches[0]
    text = run(any_kb, "2", first.name, "3", "2", "15", "1", "", "4")
    assert f"## {first.name}" in text
    assert "Before a run" in text
