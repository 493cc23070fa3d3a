"""Reminder DMs: every minute, send the routines that are due (a cog of its own, like the
check-in loop in ``cogs/followups.py``)."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from datetime import datetime

import discord
from discord.ext import commands, tasks

from cogs.stretches.commands import days_of
from cogs.stretches.embeds import reminder_view, routine_embed
from t2bot.storage import Reminder, StoreUnavailable
from t2bot.stretches.routines import FOCUS_LABELS, RoutineError, RoutineSpec, check_minutes
from t2bot.stretches.schedule import ScheduleError, next_occurrence, parse_time
from t2discord.client import T2Bot

log = logging.getLogger(__name__)

REMINDER_SECONDS = 60
#: Reminders claimed at a time; a round claims again until none is due.
CLAIM_BATCH = 50
#: A bound on one round (the rest waits for the next minute).
MAX_BATCHES_PER_ROUND = 100
#: DMs in flight at once.
SEND_CONCURRENCY = 8


class StretchReminders(commands.Cog):
    def __init__(self, bot: T2Bot) -> None:
        self.bot = bot
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self._focus_without_moves: set[str] = set()  # warned about once each

    async def cog_load(self) -> None:
        self.reminder_loop.start()

    async def cog_unload(self) -> None:
        self.reminder_loop.cancel()

    @tasks.loop(seconds=REMINDER_SECONDS)
    async def reminder_loop(self) -> None:
        try:
            await self.send_due_reminders(discord.utils.utcnow())
        except Exception:
            log.exception("reminder round failed; trying again next minute")

    @reminder_loop.before_loop
    async def _before_reminders(self) -> None:
        await self.bot.wait_until_ready()

    async def send_due_reminders(self, now: datetime) -> int:
        """DM every due reminder once; returns how many were delivered.

        Claims batches until none is left and sends up to ``SEND_CONCURRENCY`` DMs at a time
        (discord.py waits out Discord's rate limits per route), so 500 reminders due at 07:00
        go out in one round instead of 50 a minute."""
        gate = asyncio.Semaphore(SEND_CONCURRENCY)

        async def deliver(reminder: Reminder) -> int:
            async with gate:
                try:
                    return await self._deliver(reminder, now)
                except StoreUnavailable:
                    log.warning("could not record a reminder outcome; its lease will expire")
                except Exception:
                    log.exception("a reminder could not be processed")
                return 0

        sent = 0
        for _ in range(MAX_BATCHES_PER_ROUND):
            try:
                due = await self.bot.store.claim_due_reminders(
                    now, worker=self.worker, limit=CLAIM_BATCH
                )
            except StoreUnavailable:
                log.warning("reminders skipped this round: storage unavailable")
                break
            sent += sum(await asyncio.gather(*(deliver(r) for r in due)))
            if len(due) < CLAIM_BATCH:
                break
        return sent

    async def _deliver(self, reminder: Reminder, now: datetime) -> int:
        store = self.bot.store
        try:
            at = parse_time(str(reminder.local_time)[:5])
            next_due = next_occurrence(at, days_of(reminder.days), str(reminder.timezone), now)
            focus, minutes = str(reminder.focus), check_minutes(int(reminder.minutes))
            if focus not in FOCUS_LABELS:
                raise RoutineError("unknown focus")
        except (ScheduleError, RoutineError, ValueError, TypeError):
            await store.reminder_failed(reminder.id, "invalid reminder")
            log.warning("a stored reminder is invalid; marked failed")
            return 0
        spec = RoutineSpec(focus=focus)
        try:
            routine = spec.build(self.bot.knowledge.current, minutes)
        except RoutineError:
            # The knowledge lacks moves for this focus (e.g. after a coach's edit): skip this
            # time only, so the reminder comes back once the knowledge is fixed.
            await store.reminder_sent(reminder.id, next_due)
            if focus not in self._focus_without_moves:
                self._focus_without_moves.add(focus)
                log.warning(
                    "no routine for focus %s in the current knowledge; its reminders "
                    "are skipped until the knowledge has moves for it",
                    focus,
                )
            return 0
        self._focus_without_moves.discard(focus)
        if reminder.in_doubt:
            # A worker began sending this occurrence and never confirmed it (a crash, or the
            # database failed after the DM): it may have arrived, so skip to the next one.
            await store.reminder_sent(reminder.id, next_due)
            log.info("a reminder occurrence may already have been sent; not sent again")
            return 0
        if not await store.reminder_sending(reminder.id, worker=self.worker, now_utc=now):
            log.info("a reminder's claim ran out before sending; another round takes it")
            return 0
        owner = int(reminder.user_id)
        view = reminder_view(spec.encode(), routine.minutes, owner)
        try:
            channel = await self.bot.create_dm(discord.Object(id=owner))
            await channel.send(
                content="Time for your stretch routine.",
                embed=routine_embed(self.bot.knowledge.current, routine),
                view=view,
            )
        except discord.Forbidden:
            await store.reminder_failed(reminder.id, "direct messages closed")
            log.info("a reminder DM was refused (DMs closed); it will not be retried")
            return 0
        except discord.NotFound:
            await store.reminder_failed(reminder.id, "member not found")
            log.info("a reminder's member no longer exists; it will not be retried")
            return 0
        except discord.HTTPException as exc:
            # At most once: its send was recorded, so this occurrence is skipped, not retried.
            await store.reminder_sent(reminder.id, next_due)
            log.warning("a reminder DM failed (HTTP %s); skipped until the next one", exc.status)
            return 0
        await store.reminder_sent(reminder.id, next_due)
        return 1
