"""Stretch button ids: every kind round-trips, fits Discord, and crafted ids are refused."""

from __future__ import annotations

import re

import pytest

from t2bot.stretches.ids import (
    PREFIX,
    TEMPLATE,
    BadStretchId,
    ListPage,
    NewRoutine,
    RoutineStep,
    ShareRoutine,
    ShareStretch,
    ShowStretch,
    StopReminders,
    decode,
    owner_of,
)
from t2bot.stretches.routines import RoutineSpec

BIG = 2**64 - 1
LONG_SPEC = RoutineSpec(contributors=tuple(f"c{i}" for i in range(8))).encode()

SAMPLES = [
    ShowStretch("couch_stretch"),
    ListPage(None, 0, forward=False),
    ListPage("hips", 12, forward=True),
    RoutineStep("f.hips", 10, "o", BIG),
    RoutineStep(LONG_SPEC, 30, "n", BIG),
    RoutineStep("f.after_ride", 5, "11", 1),
    NewRoutine(LONG_SPEC, 30, BIG),
    NewRoutine("f.hips", 10, None),
    ShareStretch("chin_tuck"),
    ShareRoutine("f.before_run", 15),
    StopReminders(BIG),
]


@pytest.mark.parametrize("sid", SAMPLES)
def test_round_trip_and_template(sid) -> None:
    encoded = sid.encode()
    assert encoded.startswith(f"{PREFIX}:") and len(encoded) <= 100
    assert decode(encoded) == sid
    assert re.fullmatch(TEMPLATE, encoded)


def test_wire_format_of_ids_already_sent() -> None:
    """Buttons in members' messages keep working: the format is the one of earlier versions."""
    assert ShowStretch("couch_stretch").encode() == "t2s:show:couch_stretch"
    assert ListPage(None, 1, forward=True).encode() == "t2s:ls:all:1:n"
    assert RoutineStep("f.hips", 10, "0", 35).encode() == "t2s:rt:f.hips:10:0:z"
    assert NewRoutine("f.hips", 10, None).encode() == "t2s:rn:f.hips:10:any"
    assert ShareRoutine("f.hips", 10).encode() == "t2s:sh:r:f.hips:10"
    assert StopReminders(36).encode() == "t2s:off:10"


@pytest.mark.parametrize(
    "custom_id",
    [
        "",
        "t2s:",
        "t2s:garbage",
        "t2:show:couch_stretch",
        "t2s:show:Couch",
        "t2s:rn:f.hips:99:any",  # minutes out of range
        "t2s:rn:f.hips:4:any",
        "t2s:rt:f.hips:10:o:" + "z" * 14,  # owner beyond 64 bits
        "t2s:off:" + "z" * 15,
        "t2s:ls:all:1:x",
        "t2s:show:couch_stretch\n",
    ],
)
def test_crafted_ids_are_refused(custom_id: str) -> None:
    with pytest.raises(BadStretchId):
        decode(custom_id)


def test_out_of_range_numbers_match_the_template_but_not_decode() -> None:
    """The button class claims them (and answers politely) instead of dropping the tap."""
    crafted = "t2s:rn:f.hips:99:any"
    assert re.fullmatch(TEMPLATE, crafted)
    with pytest.raises(BadStretchId):
        decode(crafted)


def test_owners() -> None:
    assert owner_of(RoutineStep("f.hips", 10, "o", 5)) == 5
    assert owner_of(NewRoutine("f.hips", 10, None)) is None
    assert owner_of(ShowStretch("x")) is None
    assert owner_of(StopReminders(9)) == 9
