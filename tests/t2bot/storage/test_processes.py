"""Several bot processes on one database: the same history from each, and every due reminder
claimed by exactly one of them. Real subprocesses, on PostgreSQL and on a shared SQLite file."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from t2bot.storage import Store

ROOT = Path(__file__).resolve().parents[3]
ALICE = 111_111_111_111_111_111
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
WAIT = 120  # seconds; only a guard against a hung process, nothing is timed


class Worker:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, url: str, name: str, *args: str) -> Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.t2bot.storage.worker_process",
            url,
            name,
            *args,
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        return cls(process)

    async def ready(self) -> None:
        line = await asyncio.wait_for(self.process.stdout.readline(), WAIT)
        if line.strip() != b"ready":
            raise AssertionError(
                f"worker did not start: {line!r} "
                f"{(await self.process.stderr.read()).decode()[-2000:]}"
            )

    def go(self) -> None:
        self.process.stdin.write(b"go\n")

    async def result(self) -> object:
        out, err = await asyncio.wait_for(self.process.communicate(), WAIT)
        assert self.process.returncode == 0, err.decode()[-2000:]
        return json.loads(out.decode().strip().splitlines()[-1])


async def started(*workers: Worker) -> None:
    """All workers have opened the database; then they all go at once."""
    await asyncio.gather(*(worker.ready() for worker in workers))
    for worker in workers:
        worker.go()


async def test_history_is_the_same_from_every_process(shared_db_url) -> None:
    # Both processes start on an empty database at once: the migrations run once, not twice.
    first = await Worker.start(shared_db_url, "first", "save", str(ALICE))
    second = await Worker.start(shared_db_url, "second", "history", str(ALICE))
    await asyncio.gather(first.ready(), second.ready())
    first.go()
    saved_id = await first.result()
    second.go()
    seen_by_second = await second.result()
    assert [row[0] for row in seen_by_second] == [saved_id]
    assert seen_by_second[0][1:3] == ["first", ["bike_fit"]]

    here = Store(shared_db_url)
    await here.start()
    try:
        history = await here.history(ALICE)
        assert [
            [r.id, r.knowledge_version, list(r.contributor_ids), r.saved_utc.isoformat()]
            for r in history
        ] == seen_by_second
    finally:
        await here.close()


async def test_each_due_reminder_is_claimed_by_exactly_one_process(shared_db_url) -> None:
    seeder = Store(shared_db_url)
    await seeder.start()
    try:
        due = set()
        for n in range(150):
            reminder = await seeder.set_reminder(
                user_id=10_000 + n,
                guild_id=None,
                focus="hips",
                minutes=5,
                local_time="07:00",
                days=[0],
                timezone="UTC",
                next_due_utc=NOW - timedelta(seconds=n % 7),
            )
            due.add(reminder.id)
        await seeder.set_reminder(
            user_id=99,
            guild_id=None,
            focus="hips",
            minutes=5,
            local_time="07:00",
            days=[0],
            timezone="UTC",
            next_due_utc=NOW + timedelta(minutes=1),
        )  # not due

        workers = [
            await Worker.start(shared_db_url, name, "claim", NOW.isoformat(), "4")
            for name in ("alpha", "beta")
        ]
        await started(*workers)
        claimed = [await worker.result() for worker in workers]
        every_claim = claimed[0] + claimed[1]
        assert len(every_claim) == len(set(every_claim)), "a reminder was claimed twice"
        assert set(every_claim) == due

        # The database agrees: each due reminder is leased to one worker, the other is free.
        owners = {}
        for n in range(150):
            (reminder,) = await seeder.reminders_for(10_000 + n)
            owners[reminder.id] = reminder.claimed_by
        assert all(owner and owner.split("-")[0] in {"alpha", "beta"} for owner in owners.values())
        assert [r.claimed_by for r in await seeder.reminders_for(99)] == [None]
        assert {owner.split("-")[0] for owner in owners.values()} <= {"alpha", "beta"}
    finally:
        await seeder.close()
