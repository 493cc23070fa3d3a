"""``bot.py --stats``: the club numbers of the local database, small groups hidden."""

from __future__ import annotations

import asyncio
from pathlib import Path

from t2bot.knowledge import Knowledge
from t2bot.storage import Store
from tests.conftest import REAL_KNOWLEDGE
from tests.test_cli import run_bot

GUILD = 900_000_000_000_000_001


async def seed(url: str, kb: Knowledge) -> None:
    store = Store(url)
    await store.start()
    try:
        for _ in range(6):
            await store.count_check(GUILD, "advice")
        await store.count_check(GUILD, "emergency")
        for n in range(5):
            await store.keep_followup_answer(
                user_id=100 + n,
                guild_id=GUILD,
                outcome="better",
                contributor_ids=[kb.contributors[0].id],
                tip_ids=[kb.tips[0].id],
                stretch_ids=[],
                answer_key=f"m{n}",
            )
    finally:
        await store.close()


def test_stats_print_the_local_numbers(tmp_path: Path, real_kb: Knowledge) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    asyncio.run(seed(url, real_kb))
    knowledge = ("--knowledge", str(REAL_KNOWLEDGE))
    result = run_bot("--stats", "90", *knowledge, env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"Server {GUILD}" in out and "Last 90 days: 7 check(s) finished" in out
    assert "Self-care advice: 6" in out and "Emergency: fewer than 5" in out
    assert f"{real_kb.contributors[0].name}: 5 member(s)" in out
    assert "tried by 5, better for 5" in out
    assert str(100) not in out.replace(str(GUILD), "")  # no member id
    refused = run_bot("--stats", "7", *knowledge, env={"DATABASE_URL": url}, cwd=tmp_path)
    assert refused.returncode == 2
