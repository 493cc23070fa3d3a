"""Club counters and insights: per-server daily counts of finished checks (no member id), and
the numbers ``/t2admin stats`` shows, read from what members chose to save or answer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, delete, select

from t2bot.storage.base import Database
from t2bot.storage.models import (
    CheckCounterRow,
    FollowUpAnswerRow,
    SavedResultRow,
    utc_now,
)
from t2bot.storage.records import ClubNumbers

#: How a check can end: an urgency, the ranked advice, or a short ending without urgency.
ENDINGS = ("emergency", "same_day", "soon", "advice", "other")
#: Counters are not member data; they are kept this long, then deleted.
COUNTER_DAYS = 400
DM_GUILD = 0


class Counters:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def count_check(self, guild_id: int | None, ending: str, day: date | None = None) -> None:
        """One more check of this server ended this way today (UTC)."""
        if ending not in ENDINGS:
            raise ValueError(f"ending must be one of {', '.join(ENDINGS)}")
        key = (guild_id or DM_GUILD, day or utc_now().date(), ending)

        def work(session: Session) -> None:
            row = session.get(CheckCounterRow, key, with_for_update=True)
            if row is None:
                session.add(CheckCounterRow(guild_id=key[0], day=key[1], ending=key[2], count=1))
            else:
                row.count += 1
                session.add(row)

        # Two processes may create the same row at once: the loser's insert conflicts and is
        # retried, and then finds the row.
        await self.db.write(work, retry_conflict=True)

    async def club_numbers(
        self, guild_id: int, days: int, now: datetime | None = None
    ) -> ClubNumbers:
        """The server's numbers over the last ``days`` days (today included)."""
        moment = now or utc_now()
        last_day = moment.date()
        first_day = last_day - timedelta(days=days - 1)
        since = datetime.combine(first_day, datetime.min.time(), tzinfo=moment.tzinfo)

        def work(session: Session) -> ClubNumbers:
            endings: dict[str, int] = defaultdict(int)
            counters = select(CheckCounterRow.ending, CheckCounterRow.count).where(
                col(CheckCounterRow.guild_id) == guild_id,
                col(CheckCounterRow.day) >= first_day,
                col(CheckCounterRow.day) <= last_day,
            )
            for ending, count in session.exec(counters):
                endings[ending] += count
            named: dict[str, set[int]] = defaultdict(set)
            saved = select(SavedResultRow.user_id, SavedResultRow.contributor_ids).where(
                col(SavedResultRow.guild_id) == guild_id,
                col(SavedResultRow.saved_utc) >= since,
                col(SavedResultRow.saved_utc) <= moment,
            )
            for user_id, contributor_ids in session.exec(saved):
                for contributor_id in contributor_ids:
                    named[contributor_id].add(user_id)
            tried: dict[str, set[int]] = defaultdict(set)
            better: dict[str, set[int]] = defaultdict(set)
            answers = select(FollowUpAnswerRow).where(
                col(FollowUpAnswerRow.guild_id) == guild_id,
                col(FollowUpAnswerRow.answered_on) >= first_day,
                col(FollowUpAnswerRow.answered_on) <= last_day,
            )
            for row in session.exec(answers):
                for contributor_id in row.contributor_ids:
                    named[contributor_id].add(row.user_id)
                for item in [*row.tip_ids, *row.stretch_ids]:
                    tried[item].add(row.user_id)
                    if row.outcome == "better":
                        better[item].add(row.user_id)
            return ClubNumbers(
                days=days,
                endings=dict(endings),
                contributors={key: len(members) for key, members in named.items()},
                tried={key: len(members) for key, members in tried.items()},
                better={key: len(members) for key, members in better.items()},
            )

        return await self.db.read(work)

    async def guild_ids(self) -> list[int]:
        """Servers with any counter, kept answer or saved result (0: checks run in DMs)."""

        def work(session: Session) -> list[int]:
            found: set[int] = set(session.exec(select(CheckCounterRow.guild_id).distinct()))
            for column in (FollowUpAnswerRow.guild_id, SavedResultRow.guild_id):
                found |= {g for g in session.exec(select(column).distinct()) if g is not None}
            return sorted(found)

        return await self.db.read(work)

    @staticmethod
    def purge_work(now: datetime | None = None) -> Callable[[Session], int]:
        """The deletion of counters older than ``COUNTER_DAYS``, to run in a transaction."""
        cutoff = (now or utc_now()).date() - timedelta(days=COUNTER_DAYS)

        def work(session: Session) -> int:
            query = delete(CheckCounterRow).where(col(CheckCounterRow.day) < cutoff)
            return session.exec(query).rowcount

        return work

    async def purge_expired(self, now: datetime | None = None) -> int:
        return await self.db.write(self.purge_work(now))
