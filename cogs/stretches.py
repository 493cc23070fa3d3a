"""/stretch: list, show, routine and reminders, plus the stretch buttons on triage results.

Every button is one ``StretchButton`` (a DynamicItem) whose custom_id carries all its state
after the ``t2s:`` prefix, so taps work after restarts and on any process:

``show:<stretch>``                     open a stretch privately (anyone may tap)
``ls:<area|all>:<page>:<p|n>``         list page (``p``/``n`` only keep Prev and Next distinct)
``rt:<spec>:<minutes>:<step>:<owner>`` routine walk-through; step ``o`` = overview, ``n`` = done
``rn:<spec>:<minutes>:<owner|any>``    a new private routine message (triage "Build my routine")
``sh:s:<stretch>`` / ``sh:r:<spec>:<minutes>``   post a public copy in the channel
``off:<owner>``                        stop my reminders (from a reminder DM)

``spec`` is a ``t2bot.stretches.routines.RoutineSpec`` (``f.<focus>`` or contributor tags);
owners are
Discord ids in base 36.
"""

from __future__ import annotations

import logging
import math
import os
import re
import socket
from collections.abc import Awaitable, Callable
from datetime import datetime
from time import monotonic
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from t2bot.knowledge.model import Knowledge, Stretch
from t2bot.storage import StoreUnavailable
from t2bot.stretches.cards import (
    AREA_LABELS,
    duration,
    list_lines,
    move_heading,
    routine_heading,
    routine_lines,
    sources_lines,
    stretch_sections,
    stretch_subtitle,
    stretches_in,
)
from t2bot.stretches.lookup import choices as stretch_choices
from t2bot.stretches.lookup import find_stretch, symptom_hint
from t2bot.stretches.routines import (
    DEFAULT_MINUTES,
    FOCUS_LABELS,
    MAX_MINUTES,
    MIN_MINUTES,
    SPEC_PATTERN,
    Routine,
    RoutineError,
    RoutineSpec,
    check_minutes,
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
from t2bot.triage.ids import to_base36
from t2discord.ui_kit import COLOUR_INFO, PREFIX_STRETCH, clip, refuse, reply, run_safely, update

log = logging.getLogger(__name__)

P = PREFIX_STRETCH
PAGE_SIZE = 6
REMINDER_SECONDS = 60
SETTINGS_TTL = 60.0
EMBED_LIMIT = 6000

NOT_YOURS = "These buttons belong to someone else. Start your own with /stretch routine."
INVALID = "That button is not valid any more. Try /stretch list or /stretch routine."
STALE = (
    "This routine was made from an older version of the guide. "
    "Make a new one with /stretch routine or /backpain."
)
GONE = "That stretch is no longer in the guide. See /stretch list."
NO_SHARING = "Sharing is turned off on this server. Your copy stays private."
SHARE_IN_SERVER = "Sharing works in a server channel."
STORE_DOWN = "I can't reach saved reminders right now. Please try again in a few minutes."

_ID = r"[a-z][a-z0-9_]{0,31}"
_OWNER = r"[0-9a-z]{1,14}"
_MIN = r"[0-9]{1,2}"
_PATTERNS: dict[str, re.Pattern[str]] = {
    "show": re.compile(rf"show:(?P<id>{_ID})"),
    "ls": re.compile(r"ls:(?P<area>[a-z_]{1,20}):(?P<page>[0-9]{1,3}):[pn]"),
    "rt": re.compile(
        rf"rt:(?P<spec>{SPEC_PATTERN}):(?P<minutes>{_MIN}):(?P<step>o|n|[0-9]{{1,2}})"
        rf":(?P<owner>{_OWNER})"
    ),
    "rn": re.compile(rf"rn:(?P<spec>{SPEC_PATTERN}):(?P<minutes>{_MIN}):(?P<owner>{_OWNER}|any)"),
    "shs": re.compile(rf"sh:s:(?P<id>{_ID})"),
    "shr": re.compile(rf"sh:r:(?P<spec>{SPEC_PATTERN}):(?P<minutes>{_MIN})"),
    "off": re.compile(rf"off:(?P<owner>{_OWNER})"),
}

Minutes = app_commands.Range[int, MIN_MINUTES, MAX_MINUTES]
Handler = Callable[[discord.Interaction, re.Match[str]], Awaitable[None]]
_HANDLERS = {
    "show": "_show",
    "ls": "_list",
    "rt": "_routine_step",
    "rn": "_routine_new",
    "shs": "_share_stretch",
    "shr": "_share_routine",
    "off": "_off",
}
AREA_CHOICES = [app_commands.Choice(name=label, value=key) for key, label in AREA_LABELS.items()]
FOCUS_CHOICES = [app_commands.Choice(name=label, value=key) for key, label in FOCUS_LABELS.items()]
DAY_SUGGESTIONS = ("daily", "weekdays", "weekends", "mon,wed,fri", "tue,thu", "sat,sun", "mon-fri")


# --- Buttons ---------------------------------------------------------------------------------


class StretchButton(discord.ui.DynamicItem[discord.ui.Button], template=P + r":(?P<rest>.*)"):
    """Every stretch button; what it does is written in its custom_id (see module doc)."""

    def __init__(self, button: discord.ui.Button) -> None:
        super().__init__(button)

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]):  # type: ignore[override]
        return cls(discord.ui.Button(custom_id=item.custom_id, label=item.label, style=item.style))

    async def callback(self, interaction: discord.Interaction) -> None:
        # Duck-typed on purpose: discord.py loads the extension as a fresh module, so a button
        # made through an earlier import (e.g. by cogs.triage) has another class identity.
        cog = interaction.client.get_cog("Stretches")  # type: ignore[attr-defined]
        on_tap = getattr(cog, "on_tap", None)
        if on_tap is None:
            await refuse(interaction, "Stretches are not available right now.")
            return
        await run_safely(interaction, lambda i: on_tap(i, self.custom_id), "stretch")


def button(
    custom_id: str,
    label: str,
    *,
    style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    row: int | None = None,
    disabled: bool = False,
) -> StretchButton:
    if len(custom_id) > 100:
        raise ValueError("custom_id longer than Discord allows")
    return StretchButton(
        discord.ui.Button(
            custom_id=custom_id, label=clip(label, 80), style=style, row=row, disabled=disabled
        )
    )


def stretch_button(stretch: Stretch, *, row: int | None = None) -> StretchButton:
    """A button that opens ``stretch`` privately for whoever taps it (public information)."""
    return button(f"{P}:show:{stretch.id}", stretch.name, row=row)


def routine_button(
    contributor_ids: list[str], owner_id: int, minutes: int = DEFAULT_MINUTES
) -> StretchButton:
    """ "Build my routine" for a triage result: moves aimed at these contributors (best first).

    Only ``owner_id`` may use it; the contributors travel as short tags, so a result made before a
    knowledge change that renamed them is refused politely."""
    spec = RoutineSpec(contributors=tuple(contributor_ids)).encode()
    minutes = min(max(minutes, MIN_MINUTES), MAX_MINUTES)
    return button(
        f"{P}:rn:{spec}:{minutes}:{to_base36(owner_id)}",
        "Build my routine",
        style=discord.ButtonStyle.primary,
    )


def _days_of(value: Any) -> frozenset[int]:
    """Stored days (weekday numbers, Monday = 0; or text) -> a set, refusing anything else."""
    if isinstance(value, str):
        return parse_days(value)
    days = frozenset(int(day) for day in value)
    if not days or not days <= frozenset(range(7)):
        raise ScheduleError("no valid days")
    return days


def _owner_of(text: str) -> int | None:
    value = int(text, 36)
    return value if value < 2**64 else None


# --- Embeds and views ------------------------------------------------------------------------


def _fit(embed: discord.Embed) -> discord.Embed:
    """Keep an embed within Discord's total size by shortening its longest fields."""
    while len(embed) > EMBED_LIMIT and embed.fields:
        index = max(range(len(embed.fields)), key=lambda i: len(embed.fields[i].value or ""))
        field = embed.fields[index]
        value = field.value or ""
        embed.set_field_at(
            index, name=field.name, value=clip(value, max(40, len(value) // 2)), inline=False
        )
    return embed


def stretch_embed(kb: Knowledge, stretch: Stretch) -> discord.Embed:
    lines = [stretch_subtitle(stretch)]
    if stretch.aliases:
        lines.append("Also called: " + ", ".join(stretch.aliases))
    embed = discord.Embed(
        title=clip(stretch.name, 256), description=clip("\n".join(lines), 1000), colour=COLOUR_INFO
    )
    for heading, items in stretch_sections(stretch):
        embed.add_field(name=heading, value=clip("\n".join(items), 1024), inline=False)
    sources = sources_lines(kb, stretch.sources, markdown=True)
    embed.add_field(name="Sources", value=clip("\n".join(sources), 1024), inline=False)
    if stretch.image_url:
        embed.set_image(url=stretch.image_url)
        if stretch.image_credit:
            embed.set_footer(text=clip(f"Picture: {stretch.image_credit}", 2048))
    return _fit(embed)


def stretch_view(stretch: Stretch, *, share: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if share:
        view.add_item(button(f"{P}:sh:s:{stretch.id}", "Share in channel"))
    _add_link(view, stretch)
    return view


def _add_link(view: discord.ui.View, stretch: Stretch) -> None:
    if stretch.link_url:
        label = clip(stretch.link_label or "Pictures and video", 80)
        view.add_item(discord.ui.Button(label=label, url=stretch.link_url))


def list_message(kb: Knowledge, area: str | None, page: int) -> dict[str, Any]:
    stretches = stretches_in(kb, area)
    pages = max(1, math.ceil(len(stretches) / PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    chunk = stretches[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = list_lines(chunk, markdown=True)
    title = "Stretches" if area is None else f"Stretches: {AREA_LABELS.get(area, area)}"
    embed = discord.Embed(
        title=title, description="\n".join(lines) or "None for this area yet.", colour=COLOUR_INFO
    )
    embed.set_footer(text=f"Page {page + 1} of {pages} · tap a name to open it")
    view = discord.ui.View(timeout=None)
    for index, stretch in enumerate(chunk):
        view.add_item(stretch_button(stretch, row=index // 3))
    if pages > 1:
        key = area or "all"
        view.add_item(
            button(f"{P}:ls:{key}:{max(page - 1, 0)}:p", "◀ Previous", row=2, disabled=page == 0)
        )
        view.add_item(
            button(
                f"{P}:ls:{key}:{min(page + 1, pages - 1)}:n",
                "Next ▶",
                row=2,
                disabled=page == pages - 1,
            )
        )
    return {"embed": embed, "view": view}


def routine_embed(routine: Routine, *, title: str | None = None) -> discord.Embed:
    lines = ([routine.note, ""] if routine.note else []) + routine_lines(routine)
    embed = discord.Embed(
        title=clip(title or routine_heading(routine), 256),
        description=clip("\n".join(lines), 4000),
        colour=COLOUR_INFO,
    )
    embed.set_footer(
        text=f"Total {duration(routine.total_seconds)} "
        f"(up to {routine.minutes} min) · tap Start to go move by move"
    )
    return embed


def _rt(spec: str, minutes: int, step: str, owner: int) -> str:
    return f"{P}:rt:{spec}:{minutes}:{step}:{to_base36(owner)}"


def routine_view(spec: str, minutes: int, owner: int, *, share: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        button(_rt(spec, minutes, "0", owner), "Start ▶", style=discord.ButtonStyle.primary)
    )
    if share:
        view.add_item(button(f"{P}:sh:r:{spec}:{minutes}", "Share in channel"))
    return view


def move_message(routine: Routine, index: int, spec: str, owner: int) -> dict[str, Any]:
    move = routine.moves[index]
    embed = discord.Embed(
        title=clip(move_heading(routine, index), 256),
        description=f"**{move.dose}** (about {duration(move.seconds)})",
        colour=COLOUR_INFO,
    )
    embed.add_field(
        name="How to",
        value=clip("\n".join(f"{i}. {step}" for i, step in enumerate(move.steps, start=1)), 1024),
        inline=False,
    )
    if move.cues:
        embed.add_field(
            name="Cues", value=clip("\n".join(f"• {c}" for c in move.cues), 1024), inline=False
        )
    embed.add_field(
        name="Take care", value=clip("\n".join(f"• {c}" for c in move.cautions), 1024), inline=False
    )
    if move.image_url:
        embed.set_thumbnail(url=move.image_url)
    embed.set_footer(text=f"{routine.title} · {duration(routine.total_seconds)} in all")
    last = index == len(routine.moves) - 1
    view = discord.ui.View(timeout=None)
    back = "o" if index == 0 else str(index - 1)
    view.add_item(button(_rt(spec, routine.minutes, back, owner), "◀ Back"))
    forward = discord.ButtonStyle.success if last else discord.ButtonStyle.primary
    view.add_item(
        button(
            _rt(spec, routine.minutes, "n" if last else str(index + 1), owner),
            "Finish ✓" if last else "Next ▶",
            style=forward,
        )
    )
    _add_link(view, move)
    return {"embed": _fit(embed), "view": view}


def done_message(routine: Routine, spec: str, owner: int) -> dict[str, Any]:
    embed = discord.Embed(
        title="Routine done",
        description=(
            f"{len(routine.moves)} moves in about {duration(routine.total_seconds)}. "
            "Nice work! Stop any move that hurts, and see a professional if pain "
            "keeps coming back."
        ),
        colour=discord.Colour.green(),
    )
    view = discord.ui.View(timeout=None)
    view.add_item(button(_rt(spec, routine.minutes, "0", owner), "Start again"))
    view.add_item(button(_rt(spec, routine.minutes, "o", owner), "Overview"))
    return {"embed": embed, "view": view}


# --- The cog ---------------------------------------------------------------------------------


class Stretches(commands.Cog):
    stretch = app_commands.Group(name="stretch", description="Stretches, routines and reminders")
    remind = app_commands.Group(
        name="remind", description="Routine reminders by direct message", parent=stretch
    )

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self._sharing: dict[int, tuple[float, bool]] = {}
        self._focus_without_moves: set[str] = set()  # warned about once each

    @property
    def kb(self) -> Knowledge:
        return self.bot.knowledge.current  # type: ignore[attr-defined]

    @property
    def store(self) -> Any:
        return self.bot.store  # type: ignore[attr-defined]

    async def cog_load(self) -> None:
        self.reminder_loop.start()

    async def cog_unload(self) -> None:
        self.reminder_loop.cancel()

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
        hint = symptom_hint(name)
        prefix = f"{hint}\n\n" if hint else ""
        if not found.suggestions:
            await refuse(
                interaction,
                f"{prefix}I don't know a stretch called “{typed}”. "
                "See them all with /stretch list.",
            )
            return
        view = discord.ui.View(timeout=None)
        for stretch in found.suggestions:
            view.add_item(stretch_button(stretch))
        await reply(
            interaction,
            view=view,
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
        await self.send_routine(
            interaction, RoutineSpec(focus=focus.value), minutes, interaction.user.id
        )

    async def send_routine(
        self, interaction: discord.Interaction, spec: RoutineSpec, minutes: int, owner: int
    ) -> None:
        try:
            routine = spec.build(self.kb, minutes)
        except RoutineError as exc:
            await refuse(interaction, f"I couldn't make that routine: {exc}")
            return
        await reply(
            interaction,
            embed=routine_embed(routine),
            view=routine_view(
                spec.encode(), minutes, owner, share=await self.show_share(interaction)
            ),
        )

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
            await refuse(interaction, str(exc))
            return
        except StoreUnavailable:
            await refuse(interaction, STORE_DOWN)
            return
        next_due = next_occurrence(at, day_set, zone, discord.utils.utcnow())
        try:
            await self.store.set_reminder(
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
        await self._turn_off(interaction, interaction.user.id)

    async def _turn_off(self, interaction: discord.Interaction, user_id: int) -> None:
        try:
            removed = await self.store.delete_reminders(user_id)
        except StoreUnavailable:
            await refuse(interaction, STORE_DOWN)
            return
        text = "You had no stretch reminder." if removed == 0 else "Your stretch reminder is off."
        await reply(interaction, content=text)

    @remind.command(name="list", description="See your stretch reminder")
    async def remind_list(self, interaction: discord.Interaction) -> None:
        try:
            reminders = await self.store.reminders_for(interaction.user.id)
        except StoreUnavailable:
            await refuse(interaction, STORE_DOWN)
            return
        if not reminders:
            await reply(
                interaction,
                content="You have no stretch reminders. Set one with /stretch remind set.",
            )
            return
        lines = [self._reminder_line(r) for r in reminders]
        await reply(
            interaction,
            content="Your reminder:\n" + "\n".join(lines) + "\nStop it with /stretch remind off.",
        )

    @staticmethod
    def _reminder_line(reminder: Any) -> str:
        label = FOCUS_LABELS.get(reminder.focus, reminder.focus)
        try:
            days = describe_days(_days_of(reminder.days))
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

    async def _known_timezone(self, user_id: int) -> str | None:
        """The timezone of the member's existing reminders, so they need not type it again."""
        for reminder in await self.store.reminders_for(user_id):
            if reminder.timezone:
                return str(reminder.timezone)
        return None

    # Buttons ---------------------------------------------------------------------------------

    async def on_tap(self, interaction: discord.Interaction, custom_id: str) -> None:
        rest = custom_id.removeprefix(f"{P}:")
        for action, pattern in _PATTERNS.items():
            match = pattern.fullmatch(rest)
            if match is not None:
                handler: Handler = getattr(self, _HANDLERS[action])
                await handler(interaction, match)
                return
        await refuse(interaction, INVALID)

    async def _show(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        kb = self.kb
        if not kb.has_stretch(match["id"]):
            await refuse(interaction, GONE)
            return
        stretch = kb.stretch(match["id"])
        await reply(
            interaction,
            embed=stretch_embed(kb, stretch),
            view=stretch_view(stretch, share=await self.show_share(interaction)),
        )

    async def _list(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        area = match["area"]
        if area != "all" and area not in AREA_LABELS:
            await refuse(interaction, INVALID)
            return
        await update(
            interaction,
            **list_message(self.kb, None if area == "all" else area, int(match["page"])),
        )

    def _spec(self, match: re.Match[str]) -> tuple[RoutineSpec, int]:
        minutes = int(match["minutes"])
        if not MIN_MINUTES <= minutes <= MAX_MINUTES:
            raise RoutineError("malformed routine")
        return RoutineSpec.decode(match["spec"], self.kb), minutes

    async def _routine_or_refuse(
        self, interaction: discord.Interaction, match: re.Match[str]
    ) -> tuple[RoutineSpec, int, Routine] | None:
        """The routine a button's id describes, or None after a polite refusal."""
        try:
            spec, minutes = self._spec(match)
            return spec, minutes, spec.build(self.kb, minutes)
        except RoutineError as exc:
            await refuse(interaction, STALE if "stale" in str(exc) else INVALID)
            return None

    async def _check_owner(self, interaction: discord.Interaction, owner_text: str) -> int | None:
        owner = _owner_of(owner_text)
        if owner is None:
            await refuse(interaction, INVALID)
            return None
        if owner != interaction.user.id:
            await refuse(interaction, NOT_YOURS)
            return None
        return owner

    async def _routine_step(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        owner = await self._check_owner(interaction, match["owner"])
        if owner is None:
            return
        built = await self._routine_or_refuse(interaction, match)
        if built is None:
            return
        _, minutes, routine = built
        step, code = match["step"], match["spec"]
        if step == "o":
            await update(
                interaction,
                embed=routine_embed(routine),
                view=routine_view(code, minutes, owner, share=await self.show_share(interaction)),
            )
        elif step == "n":
            await update(interaction, **done_message(routine, code, owner))
        elif int(step) < len(routine.moves):
            await update(interaction, **move_message(routine, int(step), code, owner))
        else:
            await refuse(interaction, STALE)

    async def _routine_new(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        if match["owner"] == "any":
            owner: int | None = interaction.user.id
        else:
            owner = await self._check_owner(interaction, match["owner"])
        if owner is None:
            return
        try:
            spec, minutes = self._spec(match)
        except RoutineError as exc:
            await refuse(interaction, STALE if "stale" in str(exc) else INVALID)
            return
        await self.send_routine(interaction, spec, minutes, owner)

    async def show_share(self, interaction: discord.Interaction) -> bool:
        """Whether to offer "Share" here: in servers that allow it (remembered for a minute;
        the tap itself checks again)."""
        guild_id = interaction.guild_id
        if guild_id is None:
            return False
        now = monotonic()
        cached = self._sharing.get(guild_id)
        if cached is not None and now - cached[0] < SETTINGS_TTL:
            return cached[1]
        allowed = await self.sharing_allowed(guild_id)
        if len(self._sharing) > 10_000:
            self._sharing.clear()
        self._sharing[guild_id] = (now, allowed)
        return allowed

    async def sharing_allowed(self, guild_id: int | None) -> bool:
        """The server's choice; if the setting cannot be read, sharing is allowed."""
        if guild_id is None:
            return False
        try:
            settings = await self.store.guild_settings(guild_id)
        except Exception:
            log.warning("server settings unavailable; allowing sharing by default")
            return True
        return bool(getattr(settings, "allow_sharing", True))

    async def _share_checked(self, interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            await refuse(interaction, SHARE_IN_SERVER)
            return False
        if not await self.sharing_allowed(interaction.guild_id):
            await refuse(interaction, NO_SHARING)
            return False
        return True

    async def _share_stretch(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        kb = self.kb
        if not kb.has_stretch(match["id"]):
            await refuse(interaction, GONE)
            return
        if not await self._share_checked(interaction):
            return
        stretch = kb.stretch(match["id"])
        view = discord.ui.View(timeout=None)
        view.add_item(button(f"{P}:show:{stretch.id}", "Open for me"))
        _add_link(view, stretch)
        await reply(
            interaction,
            ephemeral=False,
            content=f"{interaction.user.mention} shared a stretch:",
            embed=stretch_embed(kb, stretch),
            view=view,
        )

    async def _share_routine(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        built = await self._routine_or_refuse(interaction, match)
        if built is None:
            return
        spec, minutes, routine = built
        if not await self._share_checked(interaction):
            return
        view = discord.ui.View(timeout=None)
        if spec.focus is not None:  # a triage-based spec would reveal the member's results
            view.add_item(
                button(
                    f"{P}:rn:{match['spec']}:{minutes}:any",
                    "Do this routine",
                    style=discord.ButtonStyle.primary,
                )
            )
        title = None if spec.focus else f"Stretch routine · {duration(routine.total_seconds)}"
        await reply(
            interaction,
            ephemeral=False,
            content=f"{interaction.user.mention} shared a routine:",
            embed=routine_embed(routine, title=title),
            view=view,
        )

    async def _off(self, interaction: discord.Interaction, match: re.Match[str]) -> None:
        owner = await self._check_owner(interaction, match["owner"])
        if owner is not None:
            await self._turn_off(interaction, owner)

    # Reminder delivery -----------------------------------------------------------------------

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
        """DM every due reminder once; returns how many were delivered."""
        try:
            due = await self.store.claim_due_reminders(now, worker=self.worker)
        except StoreUnavailable:
            log.warning("reminders skipped this round: storage unavailable")
            return 0
        sent = 0
        for reminder in due:
            try:
                sent += await self._deliver(reminder, now)
            except StoreUnavailable:
                log.warning("could not record a reminder outcome; its lease will expire")
            except Exception:
                log.exception("a reminder could not be processed")
        return sent

    async def _deliver(self, reminder: Any, now: datetime) -> int:
        try:
            at = parse_time(str(reminder.local_time)[:5])
            next_due = next_occurrence(at, _days_of(reminder.days), str(reminder.timezone), now)
            focus, minutes = str(reminder.focus), check_minutes(int(reminder.minutes))
            if focus not in FOCUS_LABELS:
                raise RoutineError("unknown focus")
        except (ScheduleError, RoutineError, ValueError, TypeError):
            await self.store.reminder_failed(reminder.id, "invalid reminder")
            log.warning("a stored reminder is invalid; marked failed")
            return 0
        spec = RoutineSpec(focus=focus)
        try:
            routine = spec.build(self.kb, minutes)
        except RoutineError:
            # The knowledge lacks moves for this focus (e.g. after a coach's edit): skip this
            # time only, so the reminder comes back once the knowledge is fixed.
            await self.store.reminder_sent(reminder.id, next_due)
            if focus not in self._focus_without_moves:
                self._focus_without_moves.add(focus)
                log.warning(
                    "no routine for focus %s in the current knowledge; its reminders "
                    "are skipped until the knowledge has moves for it",
                    focus,
                )
            return 0
        self._focus_without_moves.discard(focus)
        owner = int(reminder.user_id)
        view = routine_view(spec.encode(), routine.minutes, owner, share=False)
        view.add_item(button(f"{P}:off:{to_base36(owner)}", "Stop reminders"))
        try:
            channel = await self.bot.create_dm(discord.Object(id=owner))
            await channel.send(
                content="Time for your stretch routine.", embed=routine_embed(routine), view=view
            )
        except discord.Forbidden:
            await self.store.reminder_failed(reminder.id, "direct messages closed")
            log.info("a reminder DM was refused (DMs closed); it will not be retried")
            return 0
        except discord.NotFound:
            await self.store.reminder_failed(reminder.id, "member not found")
            log.info("a reminder's member no longer exists; it will not be retried")
            return 0
        except discord.HTTPException as exc:
            log.warning("a reminder DM failed (HTTP %s); retried after its lease", exc.status)
            return 0
        await self.store.reminder_sent(reminder.id, next_due)
        return 1


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(StretchButton)
    await bot.add_cog(Stretches(bot))
