"""/mydata: members see, export and delete what the bot stores about them; hourly retention purge.

Buttons here are DynamicItems under the ``t2d:`` prefix with the owner's id in the custom_id
(``t2d:del:<owner>`` / ``t2d:keep:<owner>``), so a confirmation works after a restart and on any
process, and nobody else can press it.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from t2bot.knowledge.model import Knowledge
from t2bot.render.card import Card, Section, problems, sections_of
from t2bot.storage import SavedResult, StoreUnavailable
from t2bot.storage.records import FollowUpAnswer
from t2bot.triage.cards import first_sentence
from t2discord.client import T2Bot
from t2discord.command_tree import tap_allowed
from t2discord.custom_ids import DATA as PREFIX_DATA
from t2discord.ui_kit import COLOUR_INFO, embed_from_card, refuse, reply, run_safely, update

log = logging.getLogger(__name__)

WHAT_IS_STORED = (
    "I keep only what you asked me to keep: results you saved with **Save to my history** "
    "(the ids of the likely contributors and tips, and the date), your stretch "
    "reminder and your follow-up opt-in. Never your answers, your messages or your name. "
    "Saved results are deleted automatically after the server's retention period."
)
BUSY = "I can't reach my storage right now. Nothing was changed; please try again in a minute."
NOT_YOURS = "These buttons belong to someone else. Use /mydata to manage your own data."
HISTORY_LIMIT = 10
URGENCY_LABELS = {
    None: "self-care",
    "soon": "see a doctor within a few days",
    "same_day": "see a doctor today",
    "emergency": "emergency",
}
_ACTIONS = ("del", "keep")
_OWNER = r"[0-9]{1,20}"


class DataButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=PREFIX_DATA + r":(?P<action>del|keep):(?P<owner>" + _OWNER + ")",
):
    """Confirm (``del``) or cancel (``keep``) the deletion of the owner's data."""

    def __init__(self, action: str, owner_id: int) -> None:
        button: discord.ui.Button[discord.ui.View]
        if action == "del":
            button = discord.ui.Button(
                label="Yes, delete everything",
                style=discord.ButtonStyle.danger,
                custom_id=f"{PREFIX_DATA}:del:{owner_id}",
            )
        else:
            button = discord.ui.Button(
                label="Keep my data",
                style=discord.ButtonStyle.secondary,
                custom_id=f"{PREFIX_DATA}:keep:{owner_id}",
            )
        super().__init__(button)
        self.action = action
        self.owner_id = owner_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> DataButton:
        return cls(match["action"], int(match["owner"]))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await tap_allowed(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:
        await run_safely(interaction, self.handle, "mydata delete button")

    async def handle(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.owner_id:
            await refuse(interaction, NOT_YOURS)
            return
        if self.action == "keep":
            await update(interaction, content="Nothing was deleted.", embed=None, view=None)
            return
        bot = interaction.client
        if not isinstance(bot, T2Bot):
            await refuse(interaction, BUSY)
            return
        await interaction.response.defer()
        try:
            removed = await bot.store.delete_member(self.owner_id)
        except StoreUnavailable:
            await refuse(interaction, BUSY)
            return
        await update(
            interaction,
            embed=None,
            view=None,
            content=(
                f"Done: I deleted {removed} record(s). Nothing about you is stored any more "
                "(a new save or reminder would start afresh)."
            ),
        )


class MalformedDataButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    # Everything under our prefix that DataButton does not read (the two never both match).
    template=PREFIX_DATA + r":(?!(?:" + "|".join(_ACTIONS) + r"):" + _OWNER + r"$)(?P<rest>.*)",
):
    def __init__(self, rest: str = "") -> None:
        super().__init__(discord.ui.Button(label="?", custom_id=f"{PREFIX_DATA}:{rest}"[:100]))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> MalformedDataButton:
        return cls(match["rest"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await refuse(
            interaction,
            "This button is not valid any more. Use /mydata to see, export or delete your data.",
        )


def confirm_view(owner_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(DataButton("del", owner_id))
    view.add_item(DataButton("keep", owner_id))
    return view


class MyData(commands.Cog):
    """The member's own data: history, export, delete. Everything here is private (ephemeral)."""

    mydata = app_commands.Group(
        name="mydata", description="See, export or delete what the bot stores about you"
    )

    def __init__(self, bot: T2Bot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.purge_expired.start()

    async def cog_unload(self) -> None:
        self.purge_expired.cancel()

    @tasks.loop(hours=1)
    async def purge_expired(self) -> None:
        """Delete saved results past their server's retention (the store logs the count)."""
        try:
            await self.bot.store.purge_expired()
        except StoreUnavailable:
            pass  # the store logged the outage once; the next hour tries again
        except Exception:
            log.exception("retention purge failed; trying again in an hour")

    @mydata.command(name="history", description="Your saved results (only you see them)")
    async def history(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            results = await self.bot.store.history(interaction.user.id, limit=HISTORY_LIMIT)
            answers = await self.bot.store.followup_answers(interaction.user.id)
        except StoreUnavailable:
            await refuse(interaction, BUSY)
            return
        await reply(interaction, embed=self.history_embed(results, answers))

    def history_embed(
        self, results: list[SavedResult], answers: Sequence[FollowUpAnswer] = ()
    ) -> discord.Embed:
        card = history_card(self.bot.knowledge.current, results, answers)
        return embed_from_card(card, COLOUR_INFO)

    async def stored_about(self, interaction: discord.Interaction) -> dict[str, Any] | None:
        """Everything stored about the member (after deferring), or None after a polite refusal."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            return await self.bot.store.export_member(interaction.user.id)
        except StoreUnavailable:
            await refuse(interaction, BUSY)
            return None

    @mydata.command(name="export", description="Everything stored about you, as a JSON file")
    async def export(self, interaction: discord.Interaction) -> None:
        data = await self.stored_about(interaction)
        if data is None:
            return
        payload = json.dumps(data, indent=2, ensure_ascii=False).encode()
        rows = sum(len(rows) for rows in data["tables"].values())
        await reply(
            interaction,
            content=f"Here is everything I store about you ({rows} record(s)). {WHAT_IS_STORED}",
            file=discord.File(io.BytesIO(payload), filename="t2bot-my-data.json"),
        )

    @mydata.command(name="delete", description="Delete everything the bot stores about you")
    async def delete(self, interaction: discord.Interaction) -> None:
        data = await self.stored_about(interaction)
        if data is None:
            return
        counts = {name: len(rows) for name, rows in data["tables"].items()}
        if not any(counts.values()):
            await reply(
                interaction,
                content="I store nothing about you, so there is nothing to "
                f"delete. {WHAT_IS_STORED}",
            )
            return
        summary = (
            f"{counts.get('saved_result', 0)} saved result(s), "
            f"{counts.get('reminder', 0)} reminder(s), "
            f"{counts.get('followup', 0)} follow-up opt-in(s), "
            f"{counts.get('followup_answer', 0)} check-in answer(s)"
        )
        await reply(
            interaction,
            content=(
                f"This deletes everything I store about you: {summary}. It cannot be undone. "
                "Delete now?"
            ),
            view=confirm_view(interaction.user.id),
        )


def history_card(
    kb: Knowledge, results: list[SavedResult], answers: Sequence[FollowUpAnswer] = ()
) -> Card:
    """The member's saved results, newest first, each whole, then their kept check-in
    answers; what does not fit is counted in the small print (the export has it all)."""
    title = "Your saved results"
    answered = check_in_sections(kb, answers)
    if not results:
        empty = "After a /backpain check, press **Save to my history** to keep the result here."
        return Card(title, WHAT_IS_STORED, (Section("Nothing saved", (empty,)), *answered))
    sections: list[Section] = []
    note = ""
    for shown, result in enumerate(results):
        label = URGENCY_LABELS.get(result.urgency, result.urgency)
        more = sections_of(
            f"{result.saved_utc:%Y-%m-%d} · {label}", describe(kb, result).split("\n")
        )
        trial = Card(
            title, WHAT_IS_STORED, (*sections, *more, *answered), note="9999 more: /mydata export"
        )
        if problems(trial):
            note = f"{len(results) - shown} more: use /mydata export."
            break
        sections += more
    return Card(title, WHAT_IS_STORED, (*sections, *answered), note=note)


def describe(kb: Knowledge, result: SavedResult) -> str:
    """Contributor names and tips of a saved result, in today's wording of the knowledge."""
    contributors = [_name(kb.contributor, cid, "name") for cid in result.contributor_ids]
    tips = [_name(kb.tip, tid, "text") for tid in result.tip_ids]
    lines = []
    if contributors:
        lines.append("**Likely contributors:** " + ", ".join(contributors))
    if tips:
        lines.append("**Tips:**")
        lines += [f"• {first_sentence(tip)}" for tip in tips]
    return "\n".join(lines) or "No contributors stood out."


def check_in_sections(kb: Knowledge, answers: Sequence[FollowUpAnswer]) -> tuple[Section, ...]:
    """The check-in answers the member kept, newest first, each on one whole line."""
    lines = []
    for answer in answers:
        tried = [first_sentence(_name(kb.tip, tid, "text")) for tid in answer.tip_ids]
        tried += [_name(kb.stretch, sid, "name") for sid in answer.stretch_ids]
        text = f"{answer.answered_on:%Y-%m-%d} · {answer.outcome}"
        if tried:
            text += " · tried: " + "; ".join(tried)
        lines.append(text)
    return tuple(sections_of("Your check-in answers", lines)) if lines else ()


def _name(lookup: Any, item_id: str, attribute: str) -> str:
    try:
        return str(getattr(lookup(item_id), attribute))
    except KeyError:
        return item_id.replace("_", " ")  # no longer in the knowledge: show its id


async def setup(bot: T2Bot) -> None:
    bot.add_dynamic_items(DataButton, MalformedDataButton)
    await bot.add_cog(MyData(bot))
