"""Stretch buttons other features put on their messages (a back check's result).

These only *make* buttons: their custom_id says what a tap does (``t2bot.stretches.ids``), and the
stretches extension (``cogs/stretches/buttons.py``) reads every such id on tap, whichever module
made the button and in whatever order the extensions loaded.
"""

from __future__ import annotations

import discord

from t2bot.knowledge.model import Stretch
from t2bot.stretches.cards import stretch_label
from t2bot.stretches.ids import NewRoutine, ShowStretch, StretchId
from t2bot.stretches.routines import DEFAULT_MINUTES, MAX_MINUTES, MIN_MINUTES, RoutineSpec


def stretch_id_button(
    sid: StretchId,
    label: str,
    *,
    style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    row: int | None = None,
    disabled: bool = False,
) -> discord.ui.Button[discord.ui.View]:
    return discord.ui.Button(
        custom_id=sid.encode(), label=label, style=style, row=row, disabled=disabled
    )


def stretch_button(
    stretch: Stretch, *, row: int | None = None
) -> discord.ui.Button[discord.ui.View]:
    """A button that opens ``stretch`` privately for whoever taps it (public information)."""
    return stretch_id_button(ShowStretch(stretch.id), stretch_label(stretch), row=row)


def routine_button(
    contributor_ids: list[str],
    owner_id: int,
    minutes: int = DEFAULT_MINUTES,
    *,
    row: int | None = None,
) -> discord.ui.Button[discord.ui.View]:
    """ "Build my routine" for a triage result: moves aimed at these contributors (best first).

    Only ``owner_id`` may use it; the contributors travel as short tags, so a result made before a
    knowledge change that renamed them is refused politely."""
    spec = RoutineSpec(contributors=tuple(contributor_ids)).encode()
    minutes = min(max(minutes, MIN_MINUTES), MAX_MINUTES)
    return stretch_id_button(
        NewRoutine(spec, minutes, owner_id),
        "Build my routine",
        style=discord.ButtonStyle.primary,
        row=row,
    )
