"""Routine fitting: never over the time asked, never empty for a valid focus, sensibly ordered."""

from __future__ import annotations

import pytest

from t2bot.knowledge.model import Knowledge
from t2bot.stretches.routines import (
    FOCUS_LABELS,
    MAX_MINUTES,
    MIN_MINUTES,
    RoutineError,
    RoutineSpec,
    build_for_contributors,
    build_for_focus,
    contributor_tag,
)

ALL_MINUTES = range(MIN_MINUTES, MAX_MINUTES + 1)


def test_focus_labels_match_the_model() -> None:
    from typing import get_args

    from t2bot.knowledge.model import Stretch

    literal = get_args(Stretch.model_fields["focus"].annotation)[0]
    assert set(get_args(literal)) == set(FOCUS_LABELS)


@pytest.mark.parametrize("focus", list(FOCUS_LABELS))
def test_every_focus_and_length_fits_and_is_not_empty(any_kb: Knowledge, focus: str) -> None:
    for minutes in ALL_MINUTES:
        routine = build_for_focus(any_kb, focus, minutes)
        assert routine.moves, (focus, minutes)
        assert routine.total_seconds <= minutes * 60, (focus, minutes)
        assert all(focus in move.focus for move in routine.moves)
        assert len({m.id for m in routine.moves}) == len(routine.moves)
        orders = [m.order for m in routine.moves]
        assert orders == sorted(orders)


@pytest.mark.parametrize("focus", list(FOCUS_LABELS))
def test_more_time_never_gives_less(any_kb: Knowledge, focus: str) -> None:
    totals = [build_for_focus(any_kb, focus, m).total_seconds for m in ALL_MINUTES]
    assert totals == sorted(totals)


def test_time_is_used_when_moves_are_available(fixture_kb: Knowledge) -> None:
    routine = build_for_focus(fixture_kb, "after_ride", 10)
    assert [m.id for m in routine.moves] == [
        "cat_camel",
        "foam_roll_back",
        "hamstring_floss",
        "kneeling_hip_flexor",
        "side_plank",
    ]
    assert routine.total_seconds == 570


def test_variety_first(fixture_kb: Knowledge) -> None:
    # Hips has two hip stretches; in 5 minutes it takes one hip move, then other areas.
    routine = build_for_focus(fixture_kb, "hips", 5)
    assert [m.area for m in routine.moves].count("hips") == 1


@pytest.mark.parametrize("minutes", [4, 31, 0, -5])
def test_minutes_out_of_range(fixture_kb: Knowledge, minutes: int) -> None:
    with pytest.raises(RoutineError):
        build_for_focus(fixture_kb, "hips", minutes)


def test_unknown_focus(fixture_kb: Knowledge) -> None:
    with pytest.raises(RoutineError):
        build_for_focus(fixture_kb, "swimming", 10)


def test_contributor_routine_covers_each_contributor_first(fixture_kb: Knowledge) -> None:
    routine = build_for_contributors(fixture_kb, ["worn_shoes", "not_aero_adapted"], 5)
    addressed = {cid for move in routine.moves for cid in move.addresses}
    assert {"worn_shoes", "not_aero_adapted"} <= addressed
    assert routine.total_seconds <= 300


def test_contributor_routines_fit_for_every_contributor_and_length(any_kb: Knowledge) -> None:
    ids = [c.id for c in any_kb.contributors]
    for cid in ids:
        for minutes in ALL_MINUTES:
            routine = build_for_contributors(any_kb, [cid], minutes)
            assert routine.moves
            assert routine.total_seconds <= minutes * 60
    for minutes in ALL_MINUTES:
        routine = build_for_contributors(any_kb, ids[:3], minutes)
        assert routine.moves and routine.total_seconds <= minutes * 60


def test_unknown_contributors_are_refused(fixture_kb: Knowledge) -> None:
    with pytest.raises(RoutineError):
        build_for_contributors(fixture_kb, ["no_such_thing"], 10)


def test_spec_round_trip(any_kb: Knowledge) -> None:
    ids = tuple(c.id for c in any_kb.contributors[:5])
    for spec in (RoutineSpec(focus="hips"), RoutineSpec(contributors=ids)):
        text = spec.encode()
        assert len(text) <= 34
        assert RoutineSpec.decode(text, any_kb) == spec


def test_contributor_tags_are_unique(any_kb: Knowledge) -> None:
    tags = [contributor_tag(c.id) for c in any_kb.contributors]
    assert len(set(tags)) == len(tags)


@pytest.mark.parametrize(
    "text",
    ["", "f.", "f.swimming", "c.", "c.abc", "c.zzzz", "x.hips", "f.hips.extra", "c." + "0" * 40],
)
def test_bad_specs_are_refused(fixture_kb: Knowledge, text: str) -> None:
    with pytest.raises(RoutineError):
        RoutineSpec.decode(text, fixture_kb)


def test_renamed_contributor_makes_spec_stale(fixture_kb: Knowledge) -> None:
    text = RoutineSpec(contributors=("worn_shoes", "gone_now")).encode()
    with pytest.raises(RoutineError):
        RoutineSpec.decode(text, fixture_kb)


def test_a_routine_from_a_check_says_plainly_what_it_is_for(real_kb: Knowledge) -> None:
    # Worn shoes has no move of its own: the routine says so, not "none of your moves fits".
    routine = build_for_contributors(real_kb, ["worn_shoes"], 10)
    assert routine.note.startswith("No move is listed for what your check found")
    assert "None of your matched moves" not in routine.note
    # With moves of its own, it names what the check found.
    mine = build_for_contributors(real_kb, ["tight_hip_flexors"], 10)
    assert mine.note == "For what your check found: Tight hip flexors."
