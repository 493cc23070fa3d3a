"""The check-in button codec and the club insights' small-group rule (no Discord)."""

from __future__ import annotations

import pytest

from t2bot import insights
from t2bot.checkin.cards import resolve
from t2bot.checkin.ids import MAX_CUSTOM_ID, BadCheckInId, CheckInId, mask, ref
from t2bot.knowledge import Knowledge
from t2bot.storage.records import ClubNumbers
from t2bot.triage import engine

GUILD = 2**63 - 1  # the largest Discord id


def test_round_trip_and_worst_case_length(real_kb: Knowledge) -> None:
    cid = CheckInId.offer(
        GUILD,
        [c.id for c in real_kb.contributors[:3]],
        [t.id for t in real_kb.tips[:6]],
        [s.id for s in real_kb.stretches[:4]],
    )
    assert len(cid.refs) == 13
    for verb in ("p", "o", "k", "n"):
        full = cid.but(verb, "worse", mask(range(13)))
        text = full.encode()
        assert len(text) <= MAX_CUSTOM_ID
        assert CheckInId.decode(text) == full


def test_refs_are_unique_in_the_real_knowledge(real_kb: Knowledge) -> None:
    """Two items with one ref would be confused; the hash keeps them apart today."""
    for kind, items in (("c", real_kb.contributors), ("t", real_kb.tips), ("s", real_kb.stretches)):
        refs = [ref(kind, item.id) for item in items]
        assert len(set(refs)) == len(refs)


@pytest.mark.parametrize(
    "crafted",
    [
        "t2f:k:-:0:-:",  # keep without an answer
        "t2f:o:b:zz:-:c0000",  # picks beyond the refs
        "t2f:o:b:0:zzzzzzzzzzzzz:",  # a guild id beyond 64 bits
        "t2f:x:b:0:-:",
        "t2f:o:b:0:-:c000",
    ],
)
def test_crafted_ids_are_refused(crafted: str) -> None:
    with pytest.raises(BadCheckInId):
        CheckInId.decode(crafted)


def test_resolve_drops_items_removed_from_the_knowledge(real_kb: Knowledge) -> None:
    tip = real_kb.tips[0]
    cid = CheckInId.offer(None, ["gone_contributor"], [tip.id, "gone_tip"], [])
    offered = resolve(real_kb, cid)
    assert offered.contributors == ()
    assert [(kind, item_id) for _, kind, item_id, _ in offered.items] == [("tip", tip.id)]


def test_small_groups_read_fewer_than_5(real_kb: Knowledge) -> None:
    tip_a, tip_b = real_kb.tips[0], real_kb.tips[1]
    contributor = real_kb.contributors[0]
    numbers = ClubNumbers(
        days=30,
        endings={"advice": 12, "emergency": 2},
        contributors={contributor.id: 7, real_kb.contributors[1].id: 4},
        tried={tip_a.id: 6, tip_b.id: 3},
        better={tip_a.id: 2, tip_b.id: 3},
    )
    view = insights.insights(real_kb, numbers)
    assert view.checks == "14"
    assert [(line.name, line.value) for line in view.endings] == [
        ("Emergency", "fewer than 5"),
        ("Self-care advice", "12"),
    ]
    assert [(line.name, line.value) for line in view.contributors] == [(contributor.name, "7")]
    assert view.hidden_contributors == 1
    assert [line.value for line in view.tips] == ["tried by 6, better for fewer than 5"]
    assert view.hidden_tips == 1
    text = insights.as_text(view)
    assert tip_b.text not in text and real_kb.contributors[1].name not in text
    few = insights.insights(real_kb, ClubNumbers(30, {"advice": 3}, {}, {}, {}))
    assert few.checks == "fewer than 5"


def test_chart_shows_only_the_shown_groups(real_kb: Knowledge) -> None:
    numbers = ClubNumbers(30, {"advice": 9, "soon": 1}, {real_kb.contributors[0].id: 5}, {}, {})
    png = insights.chart_png(insights.insights(real_kb, numbers))
    assert png is not None and png.startswith(b"\x89PNG")
    assert (
        insights.chart_png(insights.insights(real_kb, ClubNumbers(30, {"soon": 2}, {}, {}, {})))
        is None
    )


def test_each_kind_of_end_is_counted_under_its_urgency(real_kb: Knowledge) -> None:
    state = engine.start()
    first = engine.current(real_kb, state)
    assert isinstance(first, engine.Step)
    emergency = engine.tap_flag(real_kb, state, 0)
    assert isinstance(emergency, engine.Escalation)
    assert insights.ending_of(emergency) == "emergency"
