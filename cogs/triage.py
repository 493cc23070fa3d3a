"""/backpain: the triage flow as private (ephemeral) messages with buttons.

No answer is kept on the server: every button carries the flow's state in its custom_id
(see ``t2bot.triage.ids``), so a tap works after a restart and on any process of the bot.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from t2bot import insights
from t2bot.knowledge.model import Knowledge
from t2bot.storage import StoreUnavailable
from t2bot.triage import actions, engine
from t2bot.triage.actions import Action, Verb
from t2bot.triage.cards import (
    PAGES,
    answer_label,
    checklist_placeholder,
    flag_label,
    go_label,
    option_label,
    outcome_card,
    page_card,
    page_label,
    step_card,
)
from t2bot.triage.engine import FlowError, FlowState, Outcome, PicksConflict, Result, Step
from t2bot.triage.ids import BadFlowId, FlowId
from t2bot.triage.memo import FlowMemo
from t2discord.client import T2Bot, feature_cog
from t2discord.command_tree import owner_tap_allowed
from t2discord.stretch_buttons import routine_button, stretch_button
from t2discord.ui_kit import (
    embed_from_card,
    mark_done,
    refuse,
    reply,
    run_safely,
    update,
)

log = logging.getLogger(__name__)

STALE = (
    "This check was started on an older version of the questions. Tap Start over to begin again."
)
NOT_YOURS = "These buttons belong to someone else's check. Start your own with /backpain."
INVALID = "That button is not valid any more. Start a new check with /backpain."
#: How long the first screen may wait for the server's emergency number before using the default.
SETTINGS_WAIT = 0.5
FOLLOW_UP_AFTER = timedelta(days=7)


def decoded(match: re.Match[str]) -> FlowId | None:
    """The state a flow button's or menu's id holds; ``None`` when a part is out of range (the
    callback then answers politely)."""
    try:
        return FlowId.from_match(match)
    except BadFlowId:
        return None


async def owner_of_flow_allowed(interaction: discord.Interaction, fid: FlowId | None) -> bool:
    """Only the member who started the check may tap on it (an ephemeral refusal otherwise)."""
    owner = None if fid is None else fid.member_id
    return await owner_tap_allowed(interaction, owner, NOT_YOURS)


class FlowButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=FlowId.TEMPLATE
):
    """Any button of a /backpain flow; ``fid`` is what its custom_id says (``None``: a part of
    it is out of range, answered politely in the callback)."""

    def __init__(self, button: discord.ui.Button[discord.ui.View], fid: FlowId | None) -> None:
        super().__init__(button)
        self.fid = fid

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> FlowButton:
        return cls(discord.ui.Button(custom_id=match.group(0), label="?"), decoded(match))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await owner_of_flow_allowed(interaction, self.fid)

    async def callback(self, interaction: discord.Interaction) -> None:
        fid = self.fid
        cog = feature_cog(interaction, Triage)
        if fid is None:
            await refuse(interaction, INVALID)
            return
        if cog is None:
            await refuse(interaction, "The back check is not available right now.")
            return
        await run_safely(interaction, lambda i: cog.on_tap(i, fid), "flow")


class FlowSelect(
    discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]], template=FlowId.SELECT_TEMPLATE
):
    """The select menu of a checklist screen: every option that fits, in one interaction. The
    id carries the state (as a button's does); the picks arrive as the menu's values (option
    indices), checked by the engine like any tap."""

    def __init__(self, select: discord.ui.Select[discord.ui.View], fid: FlowId | None) -> None:
        super().__init__(select)
        self.fid = fid

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> FlowSelect:
        return cls(discord.ui.Select(custom_id=match.group(0)), decoded(match))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await owner_of_flow_allowed(interaction, self.fid)

    async def callback(self, interaction: discord.Interaction) -> None:
        fid = self.fid
        cog = feature_cog(interaction, Triage)
        picked = picked_options(self.item.values)
        if fid is None or picked is None:
            await refuse(interaction, INVALID)
            return
        if cog is None:
            await refuse(interaction, "The back check is not available right now.")
            return
        await run_safely(interaction, lambda i: cog.on_tap(i, fid, picked), "flow")


def picked_options(values: list[str]) -> tuple[int, ...] | None:
    """The option indices a menu sent; ``None`` for values this bot never offers (the engine
    checks the combination against the screen)."""
    if not values or len(values) > 25 or not all(v.isascii() and v.isdigit() for v in values):
        return None
    if any(len(v) > 2 for v in values):
        return None
    return tuple(int(v) for v in values)


def flow_select(fid: FlowId, step: Step) -> FlowSelect:
    node = step.node
    select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
        custom_id=fid.encode(),
        placeholder=checklist_placeholder(node),
        min_values=1,
        max_values=len(node.answers),
        options=[
            discord.SelectOption(
                label=option_label(answer), value=str(i), description=answer.description
            )
            for i, answer in enumerate(node.answers)
        ],
        row=0,
    )
    return FlowSelect(select, fid)


def flow_button(
    fid: FlowId,
    label: str,
    style: discord.ButtonStyle,
    *,
    row: int | None = None,
    disabled: bool = False,
) -> FlowButton:
    button: discord.ui.Button[discord.ui.View] = discord.ui.Button(
        custom_id=fid.encode(), label=label, style=style, row=row, disabled=disabled
    )
    return FlowButton(button, fid)


class Triage(commands.Cog):
    def __init__(self, bot: T2Bot) -> None:
        self.bot = bot
        self.memo = FlowMemo()  # positions per (path, ticks, action): no replay per tap
        self.checks = insights.CheckCounter()  # club counters: no member id (t2bot.insights)

    @property
    def kb(self) -> Knowledge:
        return self.bot.knowledge.current

    @app_commands.command(
        name="backpain",
        description="Low-back pain on the run after a long ride? A private check, step by step.",
    )
    async def backpain(self, interaction: discord.Interaction) -> None:
        kb = self.kb
        number = await self.emergency_number(interaction)
        position = self.memo.current(kb, engine.start())
        await reply(interaction, **self.render(kb, interaction.user.id, position, number))

    async def on_tap(
        self, interaction: discord.Interaction, fid: FlowId, picked: tuple[int, ...] = ()
    ) -> None:
        kb = self.kb
        if fid.version != kb.version:
            restart = FlowId.of(kb.version, fid.member_id, "", 0, actions.RESTART)
            view = discord.ui.View(timeout=None)
            view.add_item(flow_button(restart, "Start over", discord.ButtonStyle.primary))
            await update(interaction, content=STALE, embed=None, view=view)
            return
        action = fid.move
        if action.verb is Verb.CHECK:
            action = actions.check(picked)
        if action.verb is Verb.CANCEL:
            await update(
                interaction, content="Cancelled. Nothing was stored.", embed=None, view=None
            )
            return
        state = FlowState(fid.path, fid.ticks)
        try:
            if action.verb is Verb.SAVE:
                await self.save(interaction, kb, state)
                return
            if action.verb is Verb.FOLLOW_UP:
                await self.follow_up(interaction, kb, state)
                return
            if action.verb is Verb.PAGE:
                await self.show_page(interaction, kb, fid.member_id, state, action.index or 0)
                return
            position = self.memo.apply(kb, state, action)
        except PicksConflict as conflict:  # two alternatives in the menu: the screen stays
            await refuse(interaction, conflict.message)
            return
        except FlowError:
            await refuse(interaction, INVALID)
            return
        number = await self.emergency_number(interaction)
        await update(interaction, content=None, **self.render(kb, fid.member_id, position, number))
        message_id = interaction.message.id if interaction.message is not None else None
        restarted = action.verb is Verb.RESTART
        await self.checks.moved(
            self.bot.store, interaction.guild_id, message_id, position, restarted=restarted
        )

    async def follow_up(
        self, interaction: discord.Interaction, kb: Knowledge, state: FlowState
    ) -> None:
        """Store the member's consent to one check-in DM a week from now."""
        result = self.finished_result(kb, state)
        await interaction.response.defer()  # a busy database must not eat Discord's 3 seconds
        due = discord.utils.utcnow() + FOLLOW_UP_AFTER
        try:
            await self.bot.store.set_followup(
                interaction.user.id,
                interaction.guild_id,
                due,
                contributor_ids=[r.contributor.id for r in result.contributors],
                tip_ids=[tip.id for tip in result.tips],
                stretch_ids=[stretch.id for stretch in result.stretches],
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
            "to ask how your back is. Only that date and the ids of this result's "
            "contributors, tips and stretches are stored; /mydata delete removes them.",
        )
        await mark_done(interaction, "Check-in set ✓")

    async def show_page(
        self,
        interaction: discord.Interaction,
        kb: Knowledge,
        member_id: int,
        state: FlowState,
        page: int,
    ) -> None:
        """One page of a finished check, rebuilt from the button's state (nothing stored)."""
        result = self.finished_result(kb, state)
        if not 0 <= page < len(PAGES):
            raise FlowError("no such page")
        number = await self.emergency_number(interaction)
        card = page_card(kb, result, PAGES[page], number)
        view = self.outcome_view(kb, member_id, result, page)
        await update(interaction, content=None, embed=embed_from_card(card), view=view)

    def finished_result(self, kb: Knowledge, state: FlowState) -> Result:
        outcome = self.memo.current(kb, state)
        if not isinstance(outcome, Result):
            raise FlowError("only a finished check has a result")
        return outcome

    async def save(self, interaction: discord.Interaction, kb: Knowledge, state: FlowState) -> None:
        outcome = self.finished_result(kb, state)
        await interaction.response.defer()  # a busy database must not eat Discord's 3 seconds
        try:
            await self.bot.store.save_result(
                user_id=interaction.user.id,
                guild_id=interaction.guild_id,
                urgency=None,
                contributor_ids=[r.contributor.id for r in outcome.contributors],
                tip_ids=[tip.id for tip in outcome.tips],
                knowledge_version=kb.version,
                # One row per result message, however often Save is tapped on it.
                idempotency_key=(
                    str(interaction.message.id) if interaction.message is not None else None
                ),
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
        """The server's emergency number if an admin set one, else the bot's default (also
        when the settings cannot be read in time: the red-flag screen must not wait)."""
        choices = await self.bot.guild_settings.get(interaction.guild_id, timeout=SETTINGS_WAIT)
        return choices.emergency_number

    def render(
        self, kb: Knowledge, member_id: int, position: Step | Outcome, number: str
    ) -> dict[str, Any]:
        if isinstance(position, Step):
            card = step_card(kb, position, number)
            view = self.step_view(kb, member_id, position)
        else:
            card = outcome_card(kb, position, number)
            view = self.outcome_view(kb, member_id, position)
        return {"embed": embed_from_card(card), "view": view}

    @staticmethod
    def step_view(kb: Knowledge, member_id: int, step: Step) -> discord.ui.View:
        state = step.state

        def fid(action: Action) -> FlowId:
            return FlowId.of(kb.version, member_id, state.path, state.ticks, action)

        view = discord.ui.View(timeout=None)
        node = step.node
        if node.kind == "checklist":
            view.add_item(flow_select(fid(actions.check(())), step))
        elif node.kind == "question":
            one_per_row = len(node.answers) <= 4
            for i, answer in enumerate(node.answers):
                view.add_item(
                    flow_button(
                        fid(actions.answer(i)),
                        answer_label(answer),
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
                view.add_item(
                    flow_button(fid(actions.flag(i)), flag_label(i, flag, i in ticked), style)
                )
            go = go_label(node, bool(ticked))
            view.add_item(flow_button(fid(actions.GO), go, discord.ButtonStyle.success, row=4))
        at_start = not state.path and not state.ticks
        view.add_item(
            flow_button(
                fid(actions.BACK), "Back", discord.ButtonStyle.secondary, row=4, disabled=at_start
            )
        )
        view.add_item(
            flow_button(fid(actions.RESTART), "Start over", discord.ButtonStyle.secondary, row=4)
        )
        view.add_item(
            flow_button(fid(actions.CANCEL), "Cancel", discord.ButtonStyle.secondary, row=4)
        )
        return view

    @staticmethod
    def outcome_view(
        kb: Knowledge, member_id: int, outcome: Outcome, page: int = 0
    ) -> discord.ui.View:
        """Under a finished check: its pages (the one shown is marked), the page's own buttons
        (stretches, routine), then save, check-in and start over."""
        view = discord.ui.View(timeout=None)
        if isinstance(outcome, Result):
            path = outcome.path
            for index, key in enumerate(PAGES):
                shown = index == page
                view.add_item(
                    flow_button(
                        FlowId.of(kb.version, member_id, path, 0, actions.page(index)),
                        page_label(kb, key),
                        discord.ButtonStyle.primary if shown else discord.ButtonStyle.secondary,
                        row=0 if index < 3 else 1,
                        disabled=shown,
                    )
                )
            if PAGES[page] == "stretches":
                for stretch in outcome.stretches:
                    view.add_item(stretch_button(stretch, row=2))
                if outcome.contributors:
                    view.add_item(
                        routine_button(
                            [r.contributor.id for r in outcome.contributors], member_id, row=3
                        )
                    )
            save = FlowId.of(kb.version, member_id, path, 0, actions.SAVE)
            view.add_item(
                flow_button(save, "Save to my history", discord.ButtonStyle.secondary, row=4)
            )
            check_in = FlowId.of(kb.version, member_id, path, 0, actions.FOLLOW_UP)
            view.add_item(
                flow_button(check_in, "Check on me in a week", discord.ButtonStyle.secondary, row=4)
            )
        restart = FlowId.of(kb.version, member_id, "", 0, actions.RESTART)
        view.add_item(flow_button(restart, "Start over", discord.ButtonStyle.secondary, row=4))
        return view


async def setup(bot: T2Bot) -> None:
    bot.add_dynamic_items(FlowButton, FlowSelect)
    await bot.add_cog(Triage(bot))
