"""Check-in answers (kept only on consent, ids only), the per-server daily counters (no member
id) and the club numbers built from them, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from t2bot.storage import Store
from t2bot.storage.models import METADATA

ALICE, BOB = 111_111_111_111_111_111, 222_222_222_222_222_222
GUILD, OTHER_GUILD = 900_000_000_000_000_001, 900_000_000_000_000_002
NOW = datetime.now(UTC)
TODAY = NOW.date()


async def keep(store: Store, user_id: int = ALICE, key: str = "m1", **overrides):
    values = dict(
        user_id=user_id,
        guild_id=GUILD,
        outcome="better",
        contributor_ids=["not_aero_adapted"],
        tip_ids=["build_aero_gradually"],
        stretch_ids=["hip_flexor_lunge"],
        answer_key=key,
        today=TODAY,
    )
    values.update(overrides)
    return await store.keep_followup_answer(**values)


async def test_the_opt_in_carries_what_the_result_offered(store) -> None:
    await store.set_followup(
        ALICE, GUILD, NOW, contributor_ids=["a_b"], tip_ids=["t1", "t2"], stretch_ids=["s1"]
    )
    [taken] = await store.take_due_followups(NOW)
    assert (taken.contributor_ids, taken.tip_ids, taken.stretch_ids) == (
        ("a_b",),
        ("t1", "t2"),
        ("s1",),
    )
    with pytest.raises(ValueError, match="not free text"):
        await store.set_followup(ALICE, GUILD, NOW, tip_ids=["My back hurts!"])


async def test_an_answer_is_kept_once_per_message_with_ids_outcome_and_date(store) -> None:
    first = await keep(store)
    again = await keep(store, outcome="worse")  # a second tap on the same message
    assert again == first
    assert first.outcome == "better" and first.answered_on == TODAY
    assert await store.followup_answers(ALICE) == [first]
    exported = (await store.export_member(ALICE))["tables"]["followup_answer"]
    assert [set(row) for row in exported] == [set(METADATA.tables["followup_answer"].c.keys())]
    assert exported[0]["tip_ids"] == ["build_aero_gradually"]


async def test_answers_refuse_free_text_and_unknown_outcomes(store) -> None:
    with pytest.raises(ValueError, match="outcome"):
        await keep(store, outcome="much better, thanks")
    with pytest.raises(ValueError, match="not free text"):
        await keep(store, tip_ids=["I tried yoga"])
    assert await store.followup_answers(ALICE) == []


async def test_delete_member_removes_the_answers(store) -> None:
    await keep(store)
    await keep(store, user_id=BOB, key="m2")
    assert await store.delete_member(ALICE) == 1
    assert await store.followup_answers(ALICE) == []
    assert len(await store.followup_answers(BOB)) == 1


async def test_retention_applies_to_answers(store) -> None:
    await store.update_guild_settings(OTHER_GUILD, retention_days=30)
    await keep(store, key="old", today=TODAY - timedelta(days=181))
    await keep(store, key="recent", today=TODAY - timedelta(days=179))
    await keep(store, key="short_old", guild_id=OTHER_GUILD, today=TODAY - timedelta(days=31))
    await keep(store, key="short_new", guild_id=OTHER_GUILD, today=TODAY - timedelta(days=29))
    await keep(store, key="dm_old", guild_id=None, today=TODAY - timedelta(days=200))
    assert await store.purge_expired(NOW) == 3
    kept = await store.followup_answers(ALICE)
    assert sorted(a.answered_on for a in kept) == [
        TODAY - timedelta(days=179),
        TODAY - timedelta(days=29),
    ]


async def test_counters_add_up_per_server_day_and_ending(store) -> None:
    for _ in range(3):
        await store.count_check(GUILD, "advice", TODAY)
    await store.count_check(GUILD, "emergency", TODAY - timedelta(days=10))
    await store.count_check(GUILD, "soon", TODAY - timedelta(days=45))
    await store.count_check(OTHER_GUILD, "advice", TODAY)
    await store.count_check(None, "advice", TODAY)  # a check run in a DM
    with pytest.raises(ValueError, match="ending"):
        await store.count_check(GUILD, "member 123", TODAY)
    month = await store.club_numbers(GUILD, 30, NOW)
    assert month.endings == {"advice": 3, "emergency": 1} and month.checks == 4
    quarter = await store.club_numbers(GUILD, 90, NOW)
    assert quarter.endings == {"advice": 3, "emergency": 1, "soon": 1}
    assert (await store.club_numbers(0, 30, NOW)).endings == {"advice": 1}


async def test_club_numbers_count_members_not_rows(store) -> None:
    now = datetime.now(UTC) + timedelta(minutes=1)  # saves are stamped with the real time
    day = now.date()
    for n in range(6):
        user = 10_000 + n
        outcome = "better" if n < 2 else "same"
        await keep(store, user_id=user, key=f"a{n}", outcome=outcome, today=day)
        await keep(
            store, user_id=user, key=f"b{n}", today=day
        )  # a second answer by the same member
    await store.save_result(
        user_id=ALICE,
        guild_id=GUILD,
        urgency=None,
        contributor_ids=["worn_shoes"],
        tip_ids=["t"],
        knowledge_version="v",
        idempotency_key="s1",
    )
    await keep(store, user_id=BOB, key="other", guild_id=OTHER_GUILD, today=day)
    numbers = await store.club_numbers(GUILD, 30, now)
    assert numbers.tried == {"build_aero_gradually": 6, "hip_flexor_lunge": 6}
    assert numbers.better == {"build_aero_gradually": 6, "hip_flexor_lunge": 6}
    assert numbers.contributors == {"not_aero_adapted": 6, "worn_shoes": 1}
    later = await store.club_numbers(GUILD, 30, now + timedelta(days=31))
    assert later.tried == {} and later.contributors == {}
    before = await store.club_numbers(GUILD, 30, now - timedelta(days=1))
    assert before.tried == {} and before.contributors == {}  # nothing counted from the future


def test_counters_have_no_member_column() -> None:
    columns = set(METADATA.tables["check_counter"].c.keys())
    assert columns == {"guild_id", "day", "ending", "count"}
    assert isinstance(TODAY, date)


async def test_the_purge_deletes_counters_older_than_400_days(store) -> None:
    await store.count_check(GUILD, "advice", TODAY - timedelta(days=401))
    await store.count_check(GUILD, "advice", TODAY - timedelta(days=399))
    await store.purge_expired(NOW)
    # A 30-day window holding both days: only the 399-day-old count is left.
    both = await store.club_numbers(GUILD, 30, NOW - timedelta(days=399))
    assert both.endings == {"advice": 1}
