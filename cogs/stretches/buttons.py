"""Every stretch button (``t2s:`` ids, see ``t2bot.stretches.ids``): one DynamicItem and a table
from the kind of id to the function that answers the tap."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from cogs.stretches.commands import (
    GONE,
    INVALID,
    NO_SHARING,
    NOT_YOURS,
    PRIVATE_ROUTINE,
    SHARE_IN_SERVER,
    STALE,
    Stretches,
)
from cogs.stretches.embeds import (
    SHARED_LABEL,
    done_message,
    list_message,
    move_message,
    routine_embed,
    routine_view,
    shared_routine_view,
    shared_stretch_view,
    stretch_embed,
    stretch_view,
)
from t2bot.stretches.cards import AREA_LABELS
from t2bot.stretches.ids import (
    DONE,
    OVERVIEW,
    TEMPLATE,
    BadStretchId,
    ListPage,
    NewRoutine,
    RoutineStep,
    ShareRoutine,
    ShareStretch,
    ShowStretch,
    StopReminders,
    StretchId,
    decode,
    owner_of,
)
from t2bot.stretches.routines import Routine, RoutineError, RoutineSpec, StaleRoutine
from t2discord.client import feature_cog
from t2discord.command_tree import owner_tap_allowed
from t2discord.ui_kit import mark_done, refuse, reply, run_safely, update

Handler = Callable[[Stretches, discord.Interaction, Any], Awaitable[None]]


class StretchButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=TEMPLATE):
    """Any stretch button; ``sid`` is what its custom_id says (``None``: out of range)."""

    def __init__(self, button: discord.ui.Button[discord.ui.View], sid: StretchId | None) -> None:
        super().__init__(button)
        self.sid = sid

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> StretchButton:
        custom_id = str(getattr(item, "custom_id", "") or match.group(0))
        try:
            sid: StretchId | None = decode(custom_id)
        except BadStretchId:
            sid = None  # answered in the callback, not dropped (discord.py drops exceptions)
        return cls(discord.ui.Button(custom_id=custom_id, label="?"), sid)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        owner = None if self.sid is None else owner_of(self.sid)
        return await owner_tap_allowed(interaction, owner, NOT_YOURS)

    async def callback(self, interaction: discord.Interaction) -> None:
        sid = self.sid
        cog = feature_cog(interaction, Stretches)
        if sid is None:
            await refuse(interaction, INVALID)
            return
        if cog is None:
            await refuse(interaction, "Stretches are not available right now.")
            return
        handler = HANDLERS[type(sid)]
        await run_safely(interaction, lambda i: handler(cog, i, sid), "stretch")


async def show(cog: Stretches, interaction: discord.Interaction, sid: ShowStretch) -> None:
    kb = cog.kb
    if not kb.has_stretch(sid.stretch_id):
        await refuse(interaction, GONE)
        return
    stretch = kb.stretch(sid.stretch_id)
    await reply(
        interaction,
        embed=stretch_embed(kb, stretch),
        view=stretch_view(stretch, share=await cog.show_share(interaction)),
    )


async def list_page(cog: Stretches, interaction: discord.Interaction, sid: ListPage) -> None:
    if sid.area is not None and sid.area not in AREA_LABELS:
        await refuse(interaction, INVALID)
        return
    await update(interaction, **list_message(cog.kb, sid.area, sid.page))


async def _routine_or_refuse(
    cog: Stretches, interaction: discord.Interaction, code: str, minutes: int
) -> tuple[RoutineSpec, Routine] | None:
    """The routine a button's id describes, or None after a polite refusal."""
    try:
        spec = RoutineSpec.decode(code, cog.kb)
        return spec, spec.build(cog.kb, minutes)
    except StaleRoutine:
        await refuse(interaction, STALE)
    except RoutineError:
        await refuse(interaction, INVALID)
    return None


async def routine_step(cog: Stretches, interaction: discord.Interaction, sid: RoutineStep) -> None:
    built = await _routine_or_refuse(cog, interaction, sid.spec, sid.minutes)
    if built is None:
        return
    spec, routine = built
    if sid.step == OVERVIEW:
        share = spec.focus is not None and await cog.show_share(interaction)
        await update(
            interaction,
            embed=routine_embed(cog.kb, routine),
            view=routine_view(sid.spec, sid.minutes, sid.owner_id, share=share),
        )
    elif sid.step == DONE:
        await update(interaction, **done_message(cog.kb, routine, sid.spec, sid.owner_id))
    elif sid.move_index is not None and sid.move_index < len(routine.moves):
        await update(
            interaction, **move_message(cog.kb, routine, sid.move_index, sid.spec, sid.owner_id)
        )
    else:
        await refuse(interaction, STALE)


async def new_routine(cog: Stretches, interaction: discord.Interaction, sid: NewRoutine) -> None:
    try:
        spec = RoutineSpec.decode(sid.spec, cog.kb)
    except StaleRoutine:
        await refuse(interaction, STALE)
        return
    except RoutineError:
        await refuse(interaction, INVALID)
        return
    await cog.send_routine(interaction, spec, sid.minutes, interaction.user.id)


async def _share_checked(cog: Stretches, interaction: discord.Interaction) -> bool:
    if interaction.guild_id is None:
        await refuse(interaction, SHARE_IN_SERVER)
        return False
    if not await cog.sharing_allowed(interaction.guild_id):
        await refuse(interaction, NO_SHARING)
        return False
    return True


async def _post_publicly(interaction: discord.Interaction, **message: Any) -> None:
    """Post in the channel, then mark the tapped Share button as used (one copy per tap)."""
    await interaction.response.defer()  # an update of the tapped message, answered below
    await interaction.followup.send(ephemeral=False, **message)
    await mark_done(interaction, SHARED_LABEL)


async def share_stretch(
    cog: Stretches, interaction: discord.Interaction, sid: ShareStretch
) -> None:
    kb = cog.kb
    if not kb.has_stretch(sid.stretch_id):
        await refuse(interaction, GONE)
        return
    if not await _share_checked(cog, interaction):
        return
    stretch = kb.stretch(sid.stretch_id)
    await _post_publicly(
        interaction,
        content=f"{interaction.user.mention} shared a stretch:",
        embed=stretch_embed(kb, stretch),
        view=shared_stretch_view(stretch),
    )


async def share_routine(
    cog: Stretches, interaction: discord.Interaction, sid: ShareRoutine
) -> None:
    built = await _routine_or_refuse(cog, interaction, sid.spec, sid.minutes)
    if built is None:
        return
    spec, routine = built
    if spec.focus is None:  # built from a back check: would reveal the member's results
        await refuse(interaction, PRIVATE_ROUTINE)
        return
    if not await _share_checked(cog, interaction):
        return
    await _post_publicly(
        interaction,
        content=f"{interaction.user.mention} shared a routine:",
        embed=routine_embed(cog.kb, routine, start_button=False),
        view=shared_routine_view(sid.spec, sid.minutes),
    )


async def stop_reminders(
    cog: Stretches, interaction: discord.Interaction, sid: StopReminders
) -> None:
    await cog.turn_off(interaction, sid.owner_id)


#: The kind of button id -> the function answering its tap.
HANDLERS: dict[type[StretchId], Handler] = {
    ShowStretch: show,
    ListPage: list_page,
    RoutineStep: routine_step,
    NewRoutine: new_routine,
    ShareStretch: share_stretch,
    ShareRoutine: share_routine,
    StopReminders: stop_reminders,
}
