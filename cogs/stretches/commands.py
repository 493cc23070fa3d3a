"""/stretch: list, show, routine and reminders (the commands; buttons are in ``buttons.py``)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import discord
from discord import app_commands
from discord.ext import commands

from cogs.stretches.embeds import (
    list_message,
    routine_embed,
    routine_view,
    stretch_embed,
    stretch_view,
    suggestions_view,
)
from t2bot.knowledge.model import Knowledge
from t2bot.storage import Reminder, StoreUnavailable
from t2bot.stretches.cards import AREA_LABELS
from t2bot.stretches.lookup import choices as stretch_choices
from t2bot.stretches.lookup import find_stretch, symptom_hint
from t2bot.stretches.routines import (
    DEFAULT_MINUTES,
    FOCUS_LABELS,
    MAX_MINUTES,
    MIN_MINUTES,
    RoutineError,
    RoutineSpec,
)
from t2bot.stretches.schedule import (
    ScheduleError,
    describe_days,
    format_days,
    format_time,
    next_occurrence,
    parse_days,
    parse_time,
    parse_timezone,
    timezone_choices,
)
from t2discord.client import T2Bot
from t2discord.ui_kit import clip, refuse, reply

log = logging.getLogger(__name__)

NOT_YOURS = "These buttons belong to someone else. Start your own with /stretch routine."
INVALID = "That button is not valid any more. Try /stretch list or /stretch routine."
STALE = (
    "This routine was made from an older version of the guide. "
    "Make a new one with /stretch routine or /backpain."
)
GONE = "That stretch is no longer in the guide. See /stretch list."
NO_SHARING = "Sharing is turned off on this server. Your copy stays private."
SHARE_IN_SERVER = "Sharing works in a server channel."
PRIVATE_ROUTINE = "A routine built from your back check stays private, so it can't be shared."
STORE_DOWN = "I can't reach saved reminders right now. Please try again in a few minutes."
BAD_MINUTES = f"Please pick between {MIN_MINUTES} and {MAX_MINUTES} minutes."
BAD_ROUTINE = "Please pick one of the routines offered."
BAD_TEXT = "One of the options is too long. Please check it and try again."

Minutes = app_commands.Range[int, MIN_MINUTES, MAX_MINUTES]
AREA_CHOICES = [app_commands.Choice(name=label, value=key) for key, label in AREA_LABELS.items()]
FOCUS_CHOICES = [app_commands.Choice(name=label, value=key) for key, label in FOCUS_LABELS.items()]
DAY_SUGGESTIONS = ("daily", "weekdays", "weekends", "mon,wed,fri", "tue,thu", "sat,sun", "mon-fri")
#: The longest text each /stretch remind set option may have (as declared to Discord).
TEXT_LIMITS = {"time": 10, "days": 60, "timezone": 64}


def days_of(value: Iterable[int] | str) -> frozenset[int]:
    """Stored days (weekday numbers, Monday = 0; or text) -> a set, refusing anything else."""
    if isinstance(value, str):
        return parse_days(value)
    days = frozenset(int(day) for day in value)
    if not days or not days <= frozenset(range(7)):
        raise ScheduleError("no valid days")
    return days


def reminder_line(reminder: Reminder) -> str:
    label = FOCUS_LABELS.get(reminder.focus, reminder.focus)
    try:
        days = describe_days(days_of(reminder.days))
    except ScheduleError:
        days = "on some days"
    line = (
        f"• {label} ({reminder.minutes} min) at {reminder.local_time} {days}, "
        f"{reminder.timezone} time"
    )
    if reminder.failure_reason or not reminder.enabled:
        line += (
            "\n  Paused: I could not send you a DM. Allow DMs from this server, "
            "then set the reminder again."
        )
    return line


def remind_options_problem(
    time: str, days: str, routine: str, timezone: str | None, minutes: int
) -> str | None:
    """What is wrong with /stretch remind set's options, checked again here: Discord's client
    enforces the declared ranges, but a crafted request need not (discord.py does not check)."""
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        return BAD_MINUTES
    if routine not in FOCUS_LABELS:
        return BAD_ROUTINE
    texts = {"time": time, "days": days, "timezone": timezone}
    for name, limit in TEXT_LIMITS.items():
        value = texts[name]
        if value is not None and not 1 <= len(value) <= limit:
            return BAD_TEXT
    return None


class Stretches(commands.Cog):
    stretch = app_commands.Group(name="stretch", description="Stretches, routines and reminders")
    remind = app_commands.Group(
        name="remind", description="Routine reminders by direct message", parent=stretch
    )

    def __init__(self, bot: T2Bot) -> None:
        self.bot = bot

    @property
    def kb(self) -> Knowledge:
        return self.bot.knowledge.current

    # /stretch list ---------------------------------------------------------------------------

    @stretch.command(name="list", description="All stretches, or one body area")
    @app_commands.describe(area="Only this body area")
    @app_commands.choices(area=AREA_CHOICES)
    async def list_command(
        self, interaction: discord.Interaction, area: app_commands.Choice[str] | None = None
    ) -> None:
        await reply(interaction, **list_message(self.kb, area.value if area else None, 0))

    # /stretch show ---------------------------------------------------------------------------

    @stretch.command(name="show", description="How to do a stretch, step by step")
    @app_commands.describe(name="Start typing, e.g. couch stretch or psoas")
    async def show_command(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100]
    ) -> None:
        kb = self.kb
        found = find_stretch(kb, name)
        if found.stretch is not None:
            share = await self.show_share(interaction)
            await reply(
                interaction,
                embed=stretch_embed(kb, found.stretch),
                view=stretch_view(found.stretch, share=share),
            )
            return
        typed = discord.utils.escape_markdown(clip(name.strip(), 40))
        hint = symptom_hint(kb, name)
        prefix = f"{hint}\n\n" if hint else ""
        if not found.suggestions:
            await refuse(
                interaction,
                f"{prefix}I don't know a stretch called “{typed}”. "
                "See them all with /stretch list.",
            )
            return
        await reply(
            interaction,
            view=suggestions_view(found.suggestions),
            content=f"{prefix}I don't know “{typed}”. Did you mean one of these?",
        )

    @show_command.autocomplete("name")
    async def show_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=label, value=value)
            for label, value in stretch_choices(self.kb, current[:100])
        ]

    # /stretch routine ------------------------------------------------------------------------

    @stretch.command(name="routine", description="A routine that fits your time")
    @app_commands.describe(minutes="How long you have (5 to 30 minutes)", focus="What it is for")
    @app_commands.choices(focus=FOCUS_CHOICES)
    async def routine_command(
        self, interaction: discord.Interaction, minutes: Minutes, focus: app_commands.Choice[str]
    ) -> None:
        if not MIN_MINUTES <= minutes <= MAX_MINUTES:  # never trust the client
            await refuse(interaction, BAD_MINUTES)
            return
        await self.send_routine(
            interaction, RoutineSpec(focus=focus.value), minutes, interaction.user.id
        )

    async def send_routine(
        self, interaction: discord.Interaction, spec: RoutineSpec, minutes: int, owner: int
    ) -> None:
        """A new private routine message; Share only for a focus routine where allowed (one
        built from a back check would show the member's results)."""
        try:
            routine = spec.build(self.kb, minutes)
        except RoutineError as exc:
            await refuse(interaction, f"I couldn't make that routine: {exc}")
            return
        share = spec.focus is not None and await self.show_share(interaction)
        await reply(
            interaction,
            embed=routine_embed(self.kb, routine),
            view=routine_view(spec.encode(), minutes, owner, share=share),
        )

    # Sharing ---------------------------------------------------------------------------------

    async def show_share(self, interaction: discord.Interaction) -> bool:
        """Whether to offer "Share": in servers that allow it (cached for a minute; the tap
        itself checks again). Off if the setting cannot be read."""
        choices = await self.bot.guild_settings.get(interaction.guild_id)
        return choices.allow_sharing

    async def sharing_allowed(self, guild_id: int | None) -> bool:
        """The server's current choice, read afresh; off if it cannot be read."""
        choices = await self.bot.guild_settings.get(guild_id, fresh=True)
        return choices.allow_sharing

    # /stretch remind -------------------------------------------------------------------------

    @remind.command(name="set", description="Get a routine by DM at your local time")
    @app_commands.describe(
        time="Local time, 24-hour clock, e.g. 07:30",
        days="e.g. mon,wed,fri or weekdays or daily",
        routine="Which routine",
        timezone="Your timezone, e.g. Europe/London (start typing your city)",
        minutes="How long (5 to 30 minutes, default 10)",
    )
    @app_commands.choices(routine=FOCUS_CHOICES)
    async def remind_set(
        self,
        interaction: discord.Interaction,
        time: app_commands.Range[str, 1, 10],
        days: app_commands.Range[str, 1, 60],
        routine: app_commands.Choice[str],
        timezone: app_commands.Range[str, 1, 64] | None = None,
        minutes: Minutes = DEFAULT_MINUTES,
    ) -> None:
        problem = remind_options_problem(time, days, routine.value, timezone, minutes)
        if problem is not None:
            await refuse(interaction, problem)
            return
        user_id = interaction.user.id
        try:
            at, day_set = parse_time(time), parse_days(days)
            zone_name = timezone or await self._known_timezone(user_id)
            if zone_name is None:
                await refuse(
                    interaction,
                    "Please add your timezone (start typing your city), "
                    "so the reminder comes at your local time.",
                )
                return
            zone = parse_timezone(zone_name)
        except ScheduleError as exc:
            await refuse(interaction, str(exc))  # written for members (t2bot.stretches.schedule)
            return
        except StoreUnavailable:
            await refuse(interaction, STORE_DOWN)
            return
        next_due = next_occurrence(at, day_set, zone, discord.utils.utcnow())
        try:
            await self.bot.store.set_reminder(
                user_id=user_id,
                guild_id=interaction.guild_id,
                focus=routine.value,
                minutes=minutes,
                local_time=format_time(at),
                days=sorted(day_set),
                timezone=zone.key,
                next_due_utc=next_due,
            )
        except StoreUnavailable:
            await refuse(interaction, STORE_DOWN)
            return
        await reply(
            interaction,
            content=(
                f"Reminder set: **{routine.name}** ({minutes} min) at {format_time(at)} "
                f"{describe_days(day_set)}, {zone.key} time.\n"
                f"Next one: <t:{int(next_due.timestamp())}:F>.\n"
                "It comes by direct message, so keep DMs from this server open. "
                "Stop with /stretch remind off."
            ),
        )

    @remind_set.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=name, value=name) for name in timezone_choices(current)]

    @remind_set.autocomplete("days")
    async def days_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        typed = current.strip().casefold()
        offered = (
            [d for d in DAY_SUGGESTIONS if d.startswith(typed)] if typed else list(DAY_SUGGESTIONS)
        )
        try:
            if typed:
                offered.insert(0, format_days(parse_days(typed)))
        except ScheduleError:
            pass
        return [app_commands.Choice(name=d, value=d) for d in dict.fromkeys(offered)][:25]

    @remind.command(name="off", description="Stop your stretch reminder")
    async def remind_off(self, interaction: discord.Interaction) -> None:
        await self.turn_off(interaction, interaction.user.id)

    async def turn_off(self, interaction: discord.Interaction, user_id: int) -> None:
        try:
            removed = await self.bot.store.delete_reminders(user_id)
        except StoreUnavailable:
            await refuse(interaction, STORE_DOWN)
            return
        text = "You had no stretch reminder." if removed == 0 else "Your stretch reminder is off."
        await reply(interaction, content=text)

    @remind.command(name="list", description="See your stretch reminder")
    async def remind_list(self, interaction: discord.Interaction) -> None:
        try:
            reminders = await self.bot.store.reminders_for(interaction.user.id)
        except StoreUnavailable:
            await refuse(interaction, STORE_DOWN)
            return
        if not reminders:
            await reply(
                interaction,
                content="You have no stretch reminders. Set one with /stretch remind set.",
            )
            return
        lines = [reminder_line(r) for r in reminders]
        await reply(
            interaction,
            content="Your reminder:\n" + "\n".join(lines) + "\nStop it with /stretch remind off.",
        )

    async def _known_timezone(self, user_id: int) -> str | None:
        """The timezone of the member's existing reminders, so they need not type it again."""
        for reminder in await self.bot.store.reminders_for(user_id):
            if reminder.timezone:
                return str(reminder.timezone)
        return None
