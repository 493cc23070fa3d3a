"""A separate bot process for the multi-process tests.

    python -m tests.t2bot.storage.worker_process URL NAME ACTION [ARGS...]

It opens its own Store (migrating the database if needed), prints ``ready``, waits for a line on
stdin (so several processes can be started first and released together), does ACTION and prints
its result as one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime

from t2bot.storage import Store


async def claim_all(store: Store, name: str, now: datetime, claimers: int) -> list[int]:
    """Several concurrent claim loops, like several reminder tasks; each until nothing is left."""

    async def loop(index: int) -> list[int]:
        got: list[int] = []
        while batch := await store.claim_due_reminders(now, worker=f"{name}-{index}", limit=3):
            got.extend(reminder.id for reminder in batch)
        return got

    return [i for ids in await asyncio.gather(*(loop(i) for i in range(claimers))) for i in ids]


async def main(url: str, name: str, action: str, args: list[str]) -> object:
    store = Store(url, lock_timeout=10.0)
    await store.start()
    try:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        if action == "claim":
            return await claim_all(store, name, datetime.fromisoformat(args[0]), int(args[1]))
        if action == "save":
            saved = await store.save_result(
                user_id=int(args[0]),
                guild_id=None,
                urgency="soon",
                contributor_ids=["bike_fit"],
                tip_ids=["rest"],
                knowledge_version=name,
            )
            return saved.id
        if action == "history":
            return [
                [r.id, r.knowledge_version, list(r.contributor_ids), r.saved_utc.isoformat()]
                for r in await store.history(int(args[0]))
            ]
        raise SystemExit(f"unknown action {action}")
    finally:
        await store.close()


if __name__ == "__main__":
    url, name, action, *rest = sys.argv[1:]
    print(json.dumps(asyncio.run(main(url, name, action, rest))), flush=True)
