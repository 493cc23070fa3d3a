"""Check-in DMs a week after a back check, for members who asked for one, that ask and learn.

The consent to the DM is one stored row (see ``Store.set_followup``) with the ids of what the
result offered; taking it uses it up, so a member gets at most one DM per request, and several
bot processes never send the same one twice.

The DM asks "How is your back?" (better / same / worse) and, in a menu, which of the result's
tips and stretches the member tried. Its buttons carry all of that (``t2bot.checkin.ids``), so
nothing is stored until the member taps **Keep it** at their first answer; then only ids, the
outcome and the date (``Store.keep_followup_answer``). The words come from
``knowledge/followups.yaml``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord.ext import commands, tasks

from t2bot.checkin.cards import Offered, outcome_label, outcome_reply, resolve, worse_reply
from t2bot.checkin.ids import BadCheckInId, CheckInId, mask
from t2bot.knowledge.model import CheckIn, Knowledge
from t2bot.render.card import Card, Section, sections_of
from t2bot.storage import StoreUnavailable
from t2bot.storage.records import FollowUp
from t2discord.client import T2Bot, feature_cog
from t2discord.command_tree import tap_allowed
from t2discord.ui_kit import (
    COLOUR_BY_URGENCY,
    COLOUR_INFO,
    embed_from_card,
    refuse,
    run_safely,
    update,
)

log = logging.getLogger(__name__)

CHECK_EVERY_MINUTES = 5
#: How long the "worse" answer may wait for the server's emergency number.
SETTINGS_WAIT = 0.5
BUSY = "I couldn't keep that right now (storage is busy). Try Keep it again in a minute."
INVALID = "That button is not valid any more. Run /backpain in the club server for a new check."
UNAVAILABLE = "Check-ins are not available right now. Please try again later."
STYLES = {
    "better": discord.ButtonStyle.success,
    "same": discord.ButtonStyle.secondary,
    "worse": discord.ButtonStyle.danger,
}


class CheckInButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=CheckInId.TEMPLATE.replace("(?P<verb>[pokn])", "(?P<verb>[okn])"),
):
    """An answer, Keep it or Don't keep button of a check-in DM."""

    def __init__(self, button: discord.ui.Button[discord.ui.View], cid: CheckInId | None) -> None:
        super().__init__(button)
        self.cid = cid

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CheckInButton:
        try:
            cid: CheckInId | None = CheckInId.from_match(match)
        except BadCheckInId:
            cid = None
        return cls(discord.ui.Button(custom_id=match.group(0), label="?"), cid)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await tap_allowed(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:
        await _dispatch(interaction, self.cid, None)


class CheckInMenu(
    discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]],
    template=CheckInId.TEMPLATE.replace("(?P<verb>[pokn])", "(?P<verb>p)"),
):
    """The "which did you try?" menu of a check-in DM (its verb is ``p``)."""

    def __init__(self, select: discord.ui.Select[discord.ui.View], cid: CheckInId | None) -> None:
        super().__init__(select)
        self.cid = cid

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CheckInMenu:
        try:
            cid: CheckInId | None = CheckInId.from_match(match)
        except BadCheckInId:
            cid = None
        select: discord.ui.Select[discord.ui.View] = discord.ui.Select(custom_id=match.group(0))
        return cls(select, cid)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await tap_allowed(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:
        data: Any = interaction.data or {}
        raw = data.get("values", [])
        values = [str(v) for v in raw] if isinstance(raw, list) else []
        await _dispatch(interaction, self.cid, values)


async def _dispatch(
    interaction: discord.Interaction, cid: CheckInId | None, values: list[str] | None
) -> None:
    cog = feature_cog(interaction, FollowUps)
    if cid is None:
        await refuse(interaction, INVALID)
        return
    if cog is None:
        await refuse(interaction, UNAVAILABLE)
        return
    await run_safely(interaction, lambda i: cog.on_tap(i, cid, values), "check-in")


def _button(cid: CheckInId, label: str, style: discord.ButtonStyle) -> CheckInButton:
    button: discord.ui.Button[discord.ui.View] = discord.ui.Button(
        custom_id=cid.encode(), label=label, style=style
    )
    return CheckInButton(button, cid)


class FollowUps(commands.Cog):
    def __init__(self, bot: T2Bot) -> None:
        self.bot = bot
        self.send_due.start()

    async def cog_unload(self) -> None:
        self.send_due.cancel()

    @property
    def kb(self) -> Knowledge:
        return self.bot.knowledge.current

    @tasks.loop(minutes=CHECK_EVERY_MINUTES)
    async def send_due(self) -> None:
        try:
            due = await self.bot.store.take_due_followups(discord.utils.utcnow())
        except StoreUnavailable:
            return  # the store logs the outage once; try again next round
        sent = 0
        for follow_up in due:
            if await self.send(follow_up):
                sent += 1
        if due:
            log.info("check-in DMs: %d due, %d sent", len(due), sent)

    @send_due.before_loop
    async def wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    # ------------------------------------------------------------------ the DM

    def first_message(self, follow_up: FollowUp) -> dict[str, Any]:
        """The check-in DM: the question, the menu of what the result offered, three answers."""
        kb = self.kb
        words = kb.followups
        if words is None:  # a knowledge folder without followups.yaml: a reminder only
            card = Card("How is your back?", "", (), kb.meta.professional_reminder)
            return {"embed": embed_from_card(card, COLOUR_INFO)}
        cid = CheckInId.offer(
            follow_up.guild_id,
            follow_up.contributor_ids,
            follow_up.tip_ids,
            follow_up.stretch_ids,
        )
        card = Card(words.title, words.intro, (), kb.meta.professional_reminder)
        embed = embed_from_card(card, COLOUR_INFO)
        return {"embed": embed, "view": self.question_view(words, cid, resolve(kb, cid))}

    @staticmethod
    def question_view(words: CheckIn, cid: CheckInId, offered: Offered) -> discord.ui.View:
        view = discord.ui.View(timeout=None)
        if offered.items:
            chosen = set(cid.picked())
            select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
                custom_id=cid.but("p").encode(),
                placeholder=words.tried_placeholder,
                min_values=0,
                max_values=len(offered.items),
                options=[
                    discord.SelectOption(label=text, value=str(index), default=index in chosen)
                    for index, _, _, text in offered.items
                ],
                row=0,
            )
            view.add_item(CheckInMenu(select, cid))
        for outcome in ("better", "same", "worse"):
            item = _button(cid.but("o", outcome), outcome_label(words, outcome), STYLES[outcome])
            item.item.row = 1
            view.add_item(item)
        return view

    async def send(self, follow_up: FollowUp) -> bool:
        try:
            message = self.first_message(follow_up)
            user = self.bot.get_user(follow_up.user_id) or await self.bot.fetch_user(
                follow_up.user_id
            )
            await user.send(**message)
        except discord.HTTPException:
            log.info("a check-in DM could not be delivered (DMs closed or member gone)")
            return False
        return True

    # ------------------------------------------------------------------ taps

    async def on_tap(
        self, interaction: discord.Interaction, cid: CheckInId, values: list[str] | None
    ) -> None:
        kb = self.kb
        words = kb.followups
        if words is None:
            await refuse(interaction, UNAVAILABLE)
            return
        offered = resolve(kb, cid)
        if cid.verb == "p":
            pickable = {index for index, _, _, _ in offered.items}
            try:
                picked = [int(v) for v in values or []]
            except ValueError:
                picked = []
            if not set(picked) <= pickable:
                await refuse(interaction, INVALID)
                return
            fresh = cid.but("p", tried=mask(picked))
            await update(interaction, view=self.question_view(words, fresh, offered))
            return
        if cid.outcome is None:
            await refuse(interaction, INVALID)
            return
        number = await self.emergency_number(cid.guild_id)
        if cid.verb == "o":
            embed = self.answer_embed(
                kb, words, cid, offered, number, ("May I keep this answer?", words.consent)
            )
            view = discord.ui.View(timeout=None)
            view.add_item(_button(cid.but("k"), words.keep_label, discord.ButtonStyle.primary))
            view.add_item(_button(cid.but("n"), words.skip_label, discord.ButtonStyle.secondary))
            await update(interaction, embed=embed, view=view)
            return
        if cid.verb == "n":
            embed = self.answer_embed(kb, words, cid, offered, number, ("Not kept", words.not_kept))
            await update(interaction, embed=embed, view=None)
            return
        await self.keep(interaction, kb, words, cid, offered, number)

    async def keep(
        self,
        interaction: discord.Interaction,
        kb: Knowledge,
        words: CheckIn,
        cid: CheckInId,
        offered: Offered,
        number: str,
    ) -> None:
        assert cid.outcome is not None
        await interaction.response.defer()  # a busy database must not eat Discord's 3 seconds
        tips, stretches = offered.picked(cid)
        message_id = interaction.message.id if interaction.message is not None else interaction.id
        try:
            await self.bot.store.keep_followup_answer(
                user_id=interaction.user.id,
                guild_id=cid.guild_id,
                outcome=cid.outcome,
                contributor_ids=list(offered.contributors),
                tip_ids=tips,
                stretch_ids=stretches,
                answer_key=f"dm:{message_id}",
                today=discord.utils.utcnow().date(),
            )
        except StoreUnavailable:
            await refuse(interaction, BUSY)
            return
        embed = self.answer_embed(kb, words, cid, offered, number, ("Kept ✓", words.kept))
        await update(interaction, embed=embed, view=None)

    @staticmethod
    def answer_embed(
        kb: Knowledge,
        words: CheckIn,
        cid: CheckInId,
        offered: Offered,
        number: str,
        then: tuple[str, str] | None = None,
    ) -> discord.Embed:
        """The answer to a tap, on the one card model (nothing cut); ``then`` is a last
        (heading, text) section, such as the consent question."""
        assert cid.outcome is not None
        colour = COLOUR_INFO
        title = f"{words.title} {outcome_label(words, cid.outcome)}"
        sections: list[Section] = []
        if cid.outcome == "worse":
            body, signs = worse_reply(words, kb, number)
            colour = COLOUR_BY_URGENCY["same_day"]
            if signs:
                sections += sections_of(words.warning_signs_title, signs.split("\n"))
        else:
            body = outcome_reply(words, cid.outcome)
        chosen = set(cid.picked())
        tried = [text for index, _, _, text in offered.items if index in chosen]
        if tried:
            sections += sections_of("You tried", [f"• {t}" for t in tried])
        if then is not None:
            sections += sections_of(then[0], (then[1],))
        card = Card(title, body, tuple(sections), kb.meta.professional_reminder)
        return embed_from_card(card, colour)

    async def emergency_number(self, guild_id: int | None) -> str:
        choices = await self.bot.guild_settings.get(guild_id, timeout=SETTINGS_WAIT)
        return choices.emergency_number


async def setup(bot: T2Bot) -> None:
    bot.add_dynamic_items(CheckInButton, CheckInMenu)
    await bot.add_cog(FollowUps(bot))
