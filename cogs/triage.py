"""/backpain: the triage flow as private (ephemeral) messages with buttons.

No answer is kept on the server: every button carries the flow's state in its custom_id
(see ``t2bot.triage.ids``), so a tap works after a restart and on any process of the bot.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

from cogs.stretches import routine_button, stretch_button
from t2bot.knowledge.model import Knowledge
from t2bot.storage import StoreUnavailable
from t2bot.triage import engine
from t2bot.triage.cards import flag_label, outcome_card, step_card
from t2bot.triage.engine import FlowError, FlowState, Outcome, Result, Step
from t2bot.triage.ids import BadFlowId, FlowId, decode
from t2discord.ui_kit import COLOUR_BY_URGENCY, embed_from_card, refuse, reply, run_safely, update

log = logging.getLogger(__name__)

STALE = (
    "This check was started on an older version of the questions. Tap Start over to begin again."
)
NOT_YOURS = "These buttons belong to someone else's check. Start your own with /backpain."
INVALID = "That button is not valid any more. Start a new check with /backpain."
SETTINGS_TTL = 60.0
#: How long the first screen may wait for the server's emergency number before using the default.
SETTINGS_WAIT = 0.5
FOLLOW_UP_AFTER = timedelta(days=7)


class FlowButton(discord.ui.DynamicItem[discord.ui.Button], template=r"t2:(?P<rest>.*)"):
    """Any button of a /backpain flow; what it does is written in its custom_id."""

    def __init__(self, button: discord.ui.Button) -> None:
        super().__init__(button)

    @classmethod
    async def from_custom_id(cls, interaction, item, match: re.Match[str]):  # type: ignore[override]
        return cls(discord.ui.Button(custom_id=item.custom_id, label=item.label, style=item.style))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        try:
            owner = decode(self.custom_id).member_id
        except BadFlowId:
            return True  # the callback explains
        if owner != interaction.user.id:
            await refuse(interaction, NOT_YOURS)
            return False
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = interaction.client.get_cog("Triage")
        if not isinstance(cog, Triage):
            await refuse(interaction, "The back check is not available right now.")
            return
        await run_safely(interaction, lambda i: cog.on_tap(i, self.custom_id), "flow")


async def mark_done(interaction: discord.Interaction, label: str) -> None:
    """Disable the tapped button on its message and relabel it, so a second tap cannot repeat
    the action (the rest of the message stays as it was)."""
    if interaction.message is None or not isinstance(interaction.data, dict):
        return
    tapped = interaction.data.get("custom_id")
    view = discord.ui.View.from_message(interaction.message, timeout=None)
    for item in view.children:
        if isinstance(item, discord.ui.Button) and item.custom_id == tapped:
            item.disabled, item.label = True, label
    try:
        await interaction.edit_original_response(view=view)
    except discord.HTTPException:
        log.info("could not mark a result button as done")


def flow_button(
    fid: FlowId,
    label: str,
    style: discord.ButtonStyle,
    *,
    row: int | None = None,
    disabled: bool = False,
) -> FlowButton:
    return FlowButton(
        discord.ui.Button(
            custom_id=fid.encode(), label=label, style=style, row=row, disabled=disabled
        )
    )


class Triage(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._numbers: dict[int, tuple[float, str]] = {}

    @property
    def kb(self) -> Knowledge:
        return self.bot.knowledge.current  # type: ignore[attr-defined]

    @app_commands.command(
        name="backpain",
        description="Low-back pain on the run after a long ride? A private check, step by step.",
    )
    async def backpain(self, interaction: discord.Interaction) -> None:
        kb = self.kb
        number = await self.emergency_number(interaction)
        position = engine.current(kb, engine.start())
        await reply(interaction, **self.render(kb, interaction.user.id, position, number))

    async def on_tap(self, interaction: discord.Interaction, custom_id: str) -> None:
        kb = self.kb
        try:
            fid = decode(custom_id)
        except BadFlowId:
            await refuse(interaction, INVALID)
            return
        if fid.version != kb.version:
            restart = FlowId(kb.version, fid.member_id, "", 0, "rs")
            view = discord.ui.View(timeout=None)
            view.add_item(flow_button(restart, "Start over", discord.ButtonStyle.primary))
            await update(interaction, content=STALE, embed=None, view=view)
            return
        if fid.action == "x":
            await update(
                interaction, content="Cancelled. Nothing was stored.", embed=None, view=None
            )
            return
        state = FlowState(fid.path, fid.ticks)
        try:
            if fid.action == "sv":
                await self.save(interaction, kb, state)
                return
            if fid.action == "fu":
                await self.follow_up(interaction, kb, state)
                return
            position = self.apply(kb, state, fid)
        except FlowError:
            await refuse(interaction, INVALID)
            return
        number = await self.emergency_number(interaction)
        await update(interaction, content=None, **self.render(kb, fid.member_id, position, number))

    @staticmethod
    def apply(kb: Knowledge, state: FlowState, fid: FlowId) -> Step | Outcome:
        verb, index = fid.verb, fid.index
        if verb == "a" and index is not None:
            return engine.answer(kb, state, index)
        if verb == "f" and index is not None:
            return engine.tap_flag(kb, state, index)
        if verb == "go":
            return engine.proceed(kb, state)
        if verb == "bk":
            return engine.back(kb, state)
        if verb == "rs":
            return engine.current(kb, engine.start())
        raise FlowError(f"unknown action {fid.action}")

    async def follow_up(
        self, interaction: discord.Interaction, kb: Knowledge, state: FlowState
    ) -> None:
        """Store the member's consent to one check-in DM a week from now."""
        self.finished_result(kb, state)
        await interaction.response.defer()  # a busy database must not eat Discord's 3 seconds
        due = discord.utils.utcnow() + FOLLOW_UP_AFTER
        try:
            await self.bot.store.set_followup(  # type: ignore[attr-defined]
                interaction.user.id, interaction.guild_id, due
            )
        except StoreUnavailable:
            await refuse(
                interaction,
                "I couldn't set that up right now (storage is busy). Try again in a minute.",
            )
            return
        await refuse(
            interaction,
            f"OK: I'll send you one DM on {discord.utils.format_dt(due, 'D')} "
            "to ask how your back is. Only that date is stored; "
            "/mydata delete removes it.",
        )
        await mark_done(interaction, "Check-in set ✓")

    @staticmethod
    def finished_result(kb: Knowledge, state: FlowState) -> Result:
        outcome = engine.current(kb, state)
        if not isinstance(outcome, Result):
            raise FlowError("only a finished check has a result")
        return outcome

    async def save(self, interaction: discord.Interaction, kb: Knowledge, state: FlowState) -> None:
        outcome = self.finished_result(kb, state)
        await interaction.response.defer()  # a busy database must not eat Discord's 3 seconds
        store = self.bot.store  # type: ignore[attr-defined]
        try:
            await store.save_result(
                user_id=interaction.user.id,
                guild_id=interaction.guild_id,
                urgency=None,
                contributor_ids=[r.contributor.id for r in outcome.contributors],
                tip_ids=[tip.id for tip in outcome.tips],
                knowledge_version=kb.version,
            )
        except StoreUnavailable:
            await refuse(
                interaction,
                "I couldn't save right now (storage is busy). Your answer "
                "above is still here; try Save again in a minute.",
            )
            return
        await refuse(
            interaction,
            "Saved to your history: the contributors and tips, with today's "
            "date, nothing else. See it with /mydata history; remove it with "
            "/mydata delete.",
        )
        await mark_done(interaction, "Saved ✓")

    async def emergency_number(self, interaction: discord.Interaction) -> str:
        """The server's emergency number if an admin set one, else the bot's default."""
        default = self.bot.settings.emergency_number  # type: ignore[attr-defined]
        guild_id = interaction.guild_id
        if guild_id is None:
            return default
        cached = self._numbers.get(guild_id)
        if cached and time.monotonic() - cached[0] < SETTINGS_TTL:
            return cached[1]
        store = self.bot.store  # type: ignore[attr-defined]
        try:
            settings = await asyncio.wait_for(store.guild_settings(guild_id), SETTINGS_WAIT)
        except (StoreUnavailable, TimeoutError):
            return default  # the red-flag screen must not wait on a slow database
        number = settings.emergency_number or default
        self._numbers[guild_id] = (time.monotonic(), number)
        return number

    def forget_emergency_number(self, guild_id: int) -> None:
        self._numbers.pop(guild_id, None)

    def render(self, kb: Knowledge, member_id: int, position: Step | Outcome, number: str) -> dict:
        if isinstance(position, Step):
            card = step_card(kb, position, number)
            view = self.step_view(kb, member_id, position)
        else:
            card = outcome_card(kb, position, number)
            view = self.outcome_view(kb, member_id, position)
        embed = embed_from_card(card, COLOUR_BY_URGENCY[card.urgency and card.urgency.value])
        return {"embed": embed, "view": view}

    @staticmethod
    def step_view(kb: Knowledge, member_id: int, step: Step) -> discord.ui.View:
        state = step.state

        def fid(action: str) -> FlowId:
            return FlowId(kb.version, member_id, state.path, state.ticks, action)

        view = discord.ui.View(timeout=None)
        node = step.node
        if node.kind == "question":
            one_per_row = len(node.answers) <= 4
            for i, answer in enumerate(node.answers):
                view.add_item(
                    flow_button(
                        fid(f"a{i}"),
                        answer.label,
                        discord.ButtonStyle.primary,
                        row=i if one_per_row else None,
                    )
                )
        else:
            ticked = set(step.ticked)
            for i, flag in enumerate(node.flags):
                style = (
                    discord.ButtonStyle.success
                    if i in ticked
                    else discord.ButtonStyle.danger
                    if flag.urgency.value == "emergency"
                    else discord.ButtonStyle.secondary
                )
                view.add_item(flow_button(fid(f"f{i}"), flag_label(i, flag, i in ticked), style))
            go_label = "Continue" if ticked else node.none_label
            view.add_item(flow_button(fid("go"), go_label, discord.ButtonStyle.success, row=4))
        at_start = not state.path and not state.ticks
        view.add_item(
            flow_button(fid("bk"), "Back", discord.ButtonStyle.secondary, row=4, disabled=at_start)
        )
        view.add_item(flow_button(fid("rs"), "Start over", discord.ButtonStyle.secondary, row=4))
        view.add_item(flow_button(fid("x"), "Cancel", discord.ButtonStyle.secondary, row=4))
        return view

    @staticmethod
    def outcome_view(kb: Knowledge, member_id: int, outcome: Outcome) -> discord.ui.View:
        view = discord.ui.View(timeout=None)
        path = outcome.path if isinstance(outcome, Result) else ""
        if isinstance(outcome, Result):
            for stretch in outcome.stretches:
                view.add_item(stretch_button(stretch))
            if outcome.contributors:
                view.add_item(
                    routine_button([r.contributor.id for r in outcome.contributors], member_id)
                )
            save = FlowId(kb.version, member_id, path, 0, "sv")
            view.add_item(
                flow_button(save, "Save to my history", discord.ButtonStyle.secondary, row=4)
            )
            check_in = FlowId(kb.version, member_id, path, 0, "fu")
            view.add_item(
                flow_button(check_in, "Check on me in a week", discord.ButtonStyle.secondary, row=4)
            )
        restart = FlowId(kb.version, member_id, "", 0, "rs")
        view.add_item(flow_button(restart, "Start over", discord.ButtonStyle.secondary, row=4))
        return view


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(FlowButton)
    await bot.add_cog(Triage(bot))
