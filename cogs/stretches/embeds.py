"""How the stretch features look in Discord: the cards of ``t2bot.stretches.cards`` through
the one embed renderer, and button rows (no I/O here)."""

from __future__ import annotations

from typing import Any

import discord

from t2bot.knowledge.model import Knowledge, Stretch
from t2bot.stretches.cards import (
    done_card,
    link_label,
    list_card,
    list_chunk,
    list_pages,
    move_card,
    routine_card,
    stretch_card,
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
from t2discord.ui_kit import COLOUR_INFO, embed_from_card

SHARE_LABEL = "Share in channel"
SHARED_LABEL = "Shared ✓"

Message = dict[str, Any]


def stretch_embed(kb: Knowledge, stretch: Stretch) -> discord.Embed:
    return embed_from_card(stretch_card(kb, stretch), COLOUR_INFO)


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
    page, chunk = list_chunk(kb, area, page)
    pages = list_pages(kb, area)
    card = list_card(kb, area, page, hint="tap a name to open it")
    embed = embed_from_card(card, COLOUR_INFO)
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
    kb: Knowledge, routine: Routine, *, title: str | None = None, start_button: bool = True
) -> discord.Embed:
    """The routine's overview; the small print mentions Start only where a Start button is."""
    hint = "tap Start to go move by move, or pick a time below" if start_button else ""
    return embed_from_card(routine_card(kb, routine, title=title, start_hint=hint), COLOUR_INFO)


def _step(spec: str, minutes: int, step: str, owner: int) -> RoutineStep:
    return RoutineStep(spec, minutes, step, owner)


#: The times a routine's overview offers (each rebuilds the overview for that many minutes).
MINUTE_CHOICES = (5, 10, 15, 20, 30)


def routine_view(spec: str, minutes: int, owner: int, *, share: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        stretch_id_button(
            _step(spec, minutes, "0", owner), "Start ▶", style=discord.ButtonStyle.primary
        )
    )
    if share:
        view.add_item(stretch_id_button(ShareRoutine(spec, minutes), SHARE_LABEL))
    for choice in MINUTE_CHOICES:
        view.add_item(
            stretch_id_button(
                _step(spec, choice, OVERVIEW, owner),
                f"{choice} min",
                row=1,
                disabled=choice == minutes,
            )
        )
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


def move_message(kb: Knowledge, routine: Routine, index: int, spec: str, owner: int) -> Message:
    move = routine.moves[index]
    embed = embed_from_card(move_card(kb, routine, index), COLOUR_INFO)
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
    return {"embed": embed, "view": view}


def done_message(kb: Knowledge, routine: Routine, spec: str, owner: int) -> Message:
    embed = embed_from_card(done_card(kb, routine), discord.Colour.green())
    view = discord.ui.View(timeout=None)
    view.add_item(stretch_id_button(_step(spec, routine.minutes, "0", owner), "Start again"))
    view.add_item(stretch_id_button(_step(spec, routine.minutes, OVERVIEW, owner), "Overview"))
    return {"embed": embed, "view": view}
