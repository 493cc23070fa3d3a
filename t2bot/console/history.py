"""Saved results in terminal mode, on the same store as the bot (the SQLite file by default).

The terminal has no Discord member, so results are saved under member id 0 ("this computer").
The store (and the whole database stack) is imported and opened only when the user asks to
save, see or delete saved results, so the terminal starts fast.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from t2bot.knowledge.model import Knowledge
from t2bot.settings import Settings
from t2bot.triage.engine import Result

if TYPE_CHECKING:
    from t2bot.storage import Store

CONSOLE_MEMBER = 0


class ConsoleHistory:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._runner: asyncio.Runner | None = None
        self._store: Store | None = None

    def _call(self, work: Callable[[Store], Any]) -> Any:
        if self._store is None:
            from t2bot.storage import Store

            # The store's log lines are for the bot's log, not for the conversation.
            for name in ("t2bot.storage", "alembic", "sqlalchemy"):
                logging.getLogger(name).setLevel(logging.WARNING)
            self._runner = asyncio.Runner()
            store = Store(self.settings.database_url, retention_days=self.settings.retention_days)
            self._runner.run(store.start())
            self._store = store
        assert self._runner is not None
        return self._runner.run(work(self._store))

    def save(self, kb: Knowledge, result: Result) -> str:
        from t2bot.storage import StoreConfigError, StoreUnavailable

        try:
            self._call(
                lambda store: store.save_result(
                    user_id=CONSOLE_MEMBER,
                    guild_id=None,
                    urgency=None,
                    contributor_ids=[r.contributor.id for r in result.contributors],
                    tip_ids=[tip.id for tip in result.tips],
                    knowledge_version=kb.version,
                )
            )
        except (StoreUnavailable, StoreConfigError) as exc:
            return f"Could not save ({exc}). Nothing was written."
        assert self._store is not None
        # Never the raw DATABASE_URL: it may hold a password.
        return f"Saved (contributor and tip ids and the date only) to {self._store.shown_url}."

    def delete(self) -> str:
        """Delete every result saved from this computer."""
        from t2bot.storage import StoreConfigError, StoreUnavailable

        try:
            count = self._call(lambda store: store.delete_member(CONSOLE_MEMBER))
        except (StoreUnavailable, StoreConfigError) as exc:
            return f"Could not delete ({exc}). Nothing was changed."
        return f"Deleted {count} saved record(s) from this computer."

    def lines(self, kb: Knowledge) -> list[str]:
        from t2bot.storage import StoreConfigError, StoreUnavailable

        try:
            saved = self._call(lambda store: store.history(CONSOLE_MEMBER))
        except (StoreUnavailable, StoreConfigError) as exc:
            return [f"Could not read saved results ({exc})."]
        if not saved:
            return ["No saved results yet."]
        names = {c.id: c.name for c in kb.contributors}
        lines = []
        for item in saved:
            named = ", ".join(names.get(cid, cid) for cid in item.contributor_ids)
            lines.append(f"{item.saved_utc:%Y-%m-%d}: {named or 'nothing stood out'}")
        return lines

    def close(self) -> None:
        if self._runner is not None:
            if self._store is not None:
                self._runner.run(self._store.close())
            self._runner.close()
