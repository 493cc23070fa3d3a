"""Button ids: round trip, limits, and refusal of crafted ids."""

from __future__ import annotations

import pytest

from t2bot.triage.ids import BadFlowId, FlowId, decode, worst_case_length

BIG_MEMBER = 2**63 - 1


def test_round_trip() -> None:
    fid = FlowId("a1b2c3", BIG_MEMBER, "00123", 0b101, "a7")
    encoded = fid.encode()
    assert decode(encoded) == fid
    assert len(encoded) <= 100
    assert fid.verb == "a" and fid.index == 7
    assert FlowId("a1b2c3", 1, "", 0, "go").index is None


@pytest.mark.parametrize(
    "custom_id",
    [
        "",
        "t2:",
        "t2:zzzzzz:1:0::a1",  # version is hex
        "t2:a1b2c3:1:0::zz",  # unknown action
        "t2:a1b2c3:1:0::a1:extra",
        "t2:a1b2c3:" + "z" * 15 + ":0::a1",  # member id too long
        "t2:a1b2c3:zzzzzzzzzzzzzz:0::a1",  # member id beyond 64 bits
        "t2:a1b2c3:1:" + "0" * 61 + "::a1",  # path too long
        "t2:a1b2c3:1:0:zz:a1",  # ticks are hex
        "t2:A1B2C3:1:0::a1",
        "t2:a1b2c3:1:0::a1\n",
        "t2:a1b2c3:1:0::a1" + "\u200b",
    ],
)
def test_crafted_ids_are_refused(custom_id: str) -> None:
    with pytest.raises(BadFlowId):
        decode(custom_id)


def test_worst_case_length_grows_with_depth() -> None:
    assert worst_case_length(10, 12) < worst_case_length(40, 12)
    assert worst_case_length(60, 20) <= 100 < worst_case_length(90, 20)
