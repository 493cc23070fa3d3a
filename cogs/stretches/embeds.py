"""How the stretch features look in Discord: embeds and button rows (no I/O here)."""

from __future__ import annotations

import math
from typing import Any

import discord

from t2bot.knowledge.model import Knowledge, Stretch
from t2bot.stretches.cards import (
    AREA_LABELS,
    duration,
    link_label,
    list_lines,
    move_heading,
    routine_heading,
    routine_lines,
    sources_lines,
    stretch_sections,
    stretch_subtitle,
    stretches_in,
)
from t2bot.stretches.ids import (
    DONE,
    OVERVIEW,
    ListPage,
    NewRoutine,
    RoutineStep,
    ShareRoutine,
    ShareStretch,
    ShowStretch,
    StopReminders,
)
from t2bot.stretches.routines import Routine
from t2discord.stretch_buttons import stretch_button, stretch_id_button
from t2discord.ui_kit import COLOUR_INFO, clip

PAGE_SIZE = 6
EMBED_LIMIT = 6000
SHARE_LABEL = "Share in channel"
SHARED_LABEL = "Shared ✓"

Message = dict[str, Any]


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
        view.add_item(stretch_id_button(ShareStretch(stretch.id), SHARE_LABEL))
    add_link(view, stretch)
    return view


def shared_stretch_view(stretch: Stretch) -> discord.ui.View:
    """Under a stretch posted in the channel: anyone opens a private copy."""
    view = discord.ui.View(timeout=None)
    view.add_item(stretch_id_button(ShowStretch(stretch.id), "Open for me"))
    add_link(view, stretch)
    return view


def add_link(view: discord.ui.View, stretch: Stretch) -> None:
    if stretch.link_url:
        label = link_label(stretch)
        view.add_item(discord.ui.Button(label=label, url=stretch.link_url))


def suggestions_view(stretches: tuple[Stretch, ...]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for stretch in stretches:
        view.add_item(stretch_button(stretch))
    return view


def list_message(kb: Knowledge, area: str | None, page: int) -> Message:
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
        view.add_item(
            stretch_id_button(
                ListPage(area, max(page - 1, 0), forward=False),
                "◀ Previous",
                row=2,
                disabled=page == 0,
            )
        )
        view.add_item(
            stretch_id_button(
                ListPage(area, min(page + 1, pages - 1), forward=True),
                "Next ▶",
                row=2,
                disabled=page == pages - 1,
            )
        )
    return {"embed": embed, "view": view}


def routine_embed(
    routine: Routine, *, title: str | None = None, start_button: bool = True
) -> discord.Embed:
    """The routine's overview; the footer mentions Start only where a Start button is shown."""
    lines = ([routine.note, ""] if routine.note else []) + routine_lines(routine)
    embed = discord.Embed(
        title=clip(title or routine_heading(routine), 256),
        description=clip("\n".join(lines), 4000),
        colour=COLOUR_INFO,
    )
    footer = f"Total {duration(routine.total_seconds)} (up to {routine.minutes} min)"
    if start_button:
        footer += " · tap Start to go move by move"
    embed.set_footer(text=footer)
    return embed


def _step(spec: str, minutes: int, step: str, owner: int) -> RoutineStep:
    return RoutineStep(spec, minutes, step, owner)


def routine_view(spec: str, minutes: int, owner: int, *, share: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        stretch_id_button(
            _step(spec, minutes, "0", owner), "Start ▶", style=discord.ButtonStyle.primary
        )
    )
    if share:
        view.add_item(stretch_id_button(ShareRoutine(spec, minutes), SHARE_LABEL))
    return view


def shared_routine_view(spec: str, minutes: int) -> discord.ui.View:
    """Under a routine posted in the channel: anyone starts a private copy."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        stretch_id_button(
            NewRoutine(spec, minutes, None), "Do this routine", style=discord.ButtonStyle.primary
        )
    )
    return view


def reminder_view(spec: str, minutes: int, owner: int) -> discord.ui.View:
    """Under a reminder DM: the routine (never shared from a DM) and a way to stop."""
    view = routine_view(spec, minutes, owner, share=False)
    view.add_item(stretch_id_button(StopReminders(owner), "Stop reminders"))
    return view


def move_message(routine: Routine, index: int, spec: str, owner: int) -> Message:
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
    back = OVERVIEW if index == 0 else str(index - 1)
    view.add_item(stretch_id_button(_step(spec, routine.minutes, back, owner), "◀ Back"))
    forward = discord.ButtonStyle.success if last else discord.ButtonStyle.primary
    view.add_item(
        stretch_id_button(
            _step(spec, routine.minutes, DONE if last else str(index + 1), owner),
            "Finish ✓" if last else "Next ▶",
            style=forward,
        )
    )
    add_link(view, move)
    return {"embed": _fit(embed), "view": view}


def done_message(routine: Routine, spec: str, owner: int) -> Message:
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
    view.add_item(stretch_id_button(_step(spec, routine.minutes, "0", owner), "Start again"))
    view.add_item(stretch_id_button(_step(spec, routine.minutes, OVERVIEW, owner), "Overview"))
    return {"embed": embed, "view": view}
