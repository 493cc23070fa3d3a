"""Why the knowledge check only counts screens: with at most MAX_PATH screens and MAX_CHOICES
signs on a screen, every button id fits Discord's 100 characters."""

from __future__ import annotations

from t2bot.knowledge.validate import MAX_CHOICES
from t2bot.triage.ids import MAX_CUSTOM_ID, MAX_PATH, FlowId, decode, worst_case_length


def test_the_longest_possible_id_fits_discord() -> None:
    assert worst_case_length(MAX_PATH, MAX_CHOICES) <= MAX_CUSTOM_ID
    longest = FlowId("f" * 6, 2**64 - 1, "z" * MAX_PATH, (1 << MAX_CHOICES) - 1, "a19").encode()
    assert len(longest) <= MAX_CUSTOM_ID
    assert decode(longest).path == "z" * MAX_PATH


def test_the_longest_checklist_menu_id_fits_discord() -> None:
    """A checklist's menu carries the same state with action ``ck``; the path limit counts its
    bitmask digits (``validate._longest_path``), so its id fits as a button's does."""
    longest = FlowId("f" * 6, 2**64 - 1, "z" * MAX_PATH, 0, "ck").encode()
    assert len(longest) <= MAX_CUSTOM_ID
    assert decode(longest).action == "ck"


def test_the_path_limit_counts_a_checklists_digits(checklist_kb) -> None:
    from t2bot.knowledge.validate import _longest_path

    # Two safety screens, where, aero, the checklist (6 options: 2 digits), shoes.
    assert _longest_path(checklist_kb) == 7
