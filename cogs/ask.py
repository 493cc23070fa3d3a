"""Asking in own words: @mention the bot in a channel, DM it, or "Ask T2 privately" on one's
own message. Warning signs first, then sourced answers from the knowledge (``t2bot.ask``).

No privileged intent: a message that mentions the bot, a DM and a context-menu target carry
their text without message_content. Privacy: a channel sees one short line and an "Open my
answer" button only the asker can use; its custom_id holds which warning signs or entries to
show (``t2bot.ask.ids``), never the words, so the answer is rebuilt without them. Nothing of
the text is stored or logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from t2bot.ask.answer import (
    CHECK_LABEL,
    NOT_PERSONAL,
    NOT_YOURS,
    OPEN_LABEL,
    STALE,
    AskAnswer,
    AskKind,
    StaleAnswer,
    answer_card,
    ask,
    public_line,
    rebuild,
    refs_of,
    stretch_matches,
)
from t2bot.ask.ids import AskId, BadAskId
from t2bot.ask.index import AskIndex, IndexCache
from t2bot.knowledge.model import Knowledge
from t2bot.triage import actions
from t2bot.triage.ids import FlowId
from t2discord.client import T2Bot, feature_cog
from t2discord.command_tree import BurstLimiter, owner_tap_allowed
from t2discord.stretch_buttons import stretch_button
from t2discord.ui_kit import COLOUR_BY_URGENCY, COLOUR_INFO, embed_from_card, refuse, reply

log = logging.getLogger(__name__)

#: Per member: this many questions in this many seconds (mentions, DMs and the context menu).
ASK_RATE = 3
ASK_SECONDS = 60.0
SETTINGS_WAIT = 0.5
ONLY_OWN = (
    "You can only ask about your own message: the words are theirs to share. "
    "Write your own question, mention me or send me a DM."
)
INVALID = "That button is not valid any more. Please ask again."
UNAVAILABLE = "Answers are not available right now. Please try again in a minute."
FAILED = "Sorry, something went wrong on my side. Please try again."


def wait_text(seconds: float) -> str:
    return f"Easy there! Please wait {seconds:.0f} s before asking again."


class AskButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=AskId.TEMPLATE
):
    """ "Open my answer" under a public line; only the member who asked may open it."""

    def __init__(self, button: discord.ui.Button[discord.ui.View], aid: AskId | None) -> None:
        super().__init__(button)
        self.aid = aid

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AskButton:
        try:
            aid: AskId | None = AskId.from_match(match)
        except BadAskId:
            aid = None
        return cls(discord.ui.Button(custom_id=match.group(0), label=OPEN_LABEL), aid)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        owner = None if self.aid is None else self.aid.member_id
        return await owner_tap_allowed(interaction, owner, NOT_YOURS)

    async def callback(self, interaction: discord.Interaction) -> None:
        aid = self.aid
        cog = feature_cog(interaction, Ask)
        if aid is None:
            await refuse(interaction, INVALID)
            return
        if cog is None:
            await refuse(interaction, UNAVAILABLE)
            return
        try:
            await cog.open_answer(interaction, aid)
        except Exception as exc:
            log.error("opening an answer failed: %s", type(exc).__name__)
            with contextlib.suppress(discord.HTTPException):
                await refuse(interaction, FAILED)


def open_button(aid: AskId) -> AskButton:
    button: discord.ui.Button[discord.ui.View] = discord.ui.Button(
        custom_id=aid.encode(), label=OPEN_LABEL, style=discord.ButtonStyle.primary
    )
    return AskButton(button, aid)


class Ask(commands.Cog):
    def __init__(self, bot: T2Bot) -> None:
        self.bot = bot
        self.indexes = IndexCache()
        self.bursts = BurstLimiter(ASK_RATE, ASK_SECONDS)
        self._told: dict[int, float] = {}  # member -> when told to wait (tell once per wait)
        self.menu = app_commands.ContextMenu(name="Ask T2 privately", callback=self.ask_privately)

    @property
    def kb(self) -> Knowledge:
        return self.bot.knowledge.current

    @property
    def index(self) -> AskIndex:
        """The index of the knowledge in use: built on the first question after each load."""
        return self.indexes.get(self.kb)

    async def ready_index(self) -> AskIndex:
        """The index, built in a worker thread the first time (bm25s and numpy take ~0.2 s to
        import and index; the event loop keeps answering taps meanwhile)."""
        kb = self.kb
        if not self.indexes.ready(kb):
            await asyncio.to_thread(self.indexes.get, kb)
        return self.indexes.get(kb)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    # --- the ways to ask ---------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id is not None or self.bot.user is None:
            return
        try:
            if message.guild is None:
                await self.answer_dm(message)
            elif self.bot.user in message.mentions:
                await self.answer_mention(message)
        except discord.HTTPException as exc:
            log.warning("could not answer a question: HTTP %s", exc.status)
        except Exception as exc:  # never the text: only what kind of error
            log.error("answering a question failed: %s", type(exc).__name__)

    async def answer_dm(self, message: discord.Message) -> None:
        if not await self.allowed(message.author.id, message.channel):
            return
        answer = ask(await self.ready_index(), message.content)
        number = self.bot.guild_settings.fallback.emergency_number
        await message.channel.send(**self.private(answer, message.author.id, number))

    async def answer_mention(self, message: discord.Message) -> None:
        assert message.guild is not None
        choices = await self.bot.guild_settings.get(message.guild.id, timeout=SETTINGS_WAIT)
        channel = message.channel
        parent = getattr(channel, "parent_id", None)
        if not choices.answers_mentions_in(channel.id, parent):
            return
        if not await self.allowed(message.author.id, channel, reply_to=message):
            return
        answer = ask(await self.ready_index(), message.content)
        line = public_line(answer, choices.emergency_number)
        view = None
        if answer.kind not in NOT_PERSONAL:
            view = discord.ui.View(timeout=None)
            view.add_item(open_button(self.ask_id(answer, message.author.id)))
        kwargs: dict[str, Any] = {"content": line}
        if view is not None:
            kwargs["view"] = view
        try:
            await message.reply(mention_author=False, **kwargs)
        except discord.Forbidden:  # no Read Message History here: a plain post still works
            await channel.send(**kwargs)

    async def ask_privately(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        if message.author.id != interaction.user.id:
            await refuse(interaction, ONLY_OWN)
            return
        retry = self.bursts.take(interaction.user.id)
        if retry:
            await refuse(interaction, wait_text(retry))
            return
        answer = ask(await self.ready_index(), message.content)
        choices = await self.bot.guild_settings.get(interaction.guild_id, timeout=SETTINGS_WAIT)
        await reply(
            interaction, **self.private(answer, interaction.user.id, choices.emergency_number)
        )

    async def open_answer(self, interaction: discord.Interaction, aid: AskId) -> None:
        index = await self.ready_index()
        if aid.version != index.version:
            await refuse(interaction, STALE)
            return
        try:
            answer = rebuild(index, aid.kind, aid.refs, aid.negated)
        except StaleAnswer:
            await refuse(interaction, STALE)
            return
        choices = await self.bot.guild_settings.get(interaction.guild_id, timeout=SETTINGS_WAIT)
        await reply(interaction, **self.private(answer, aid.member_id, choices.emergency_number))

    # --- helpers -----------------------------------------------------------------------------

    async def allowed(
        self,
        member_id: int,
        channel: discord.abc.Messageable,
        *,
        reply_to: discord.Message | None = None,
    ) -> bool:
        """The per-member limit; the first refusal of a wait is told, later ones are quiet."""
        retry = self.bursts.take(member_id)
        if retry is None:
            return True
        now = self.bursts.clock()
        if now - self._told.get(member_id, -ASK_SECONDS) >= ASK_SECONDS:
            if len(self._told) > 10_000:
                self._told.clear()
            self._told[member_id] = now
            if reply_to is not None:
                await reply_to.reply(wait_text(retry), mention_author=False)
            else:
                await channel.send(wait_text(retry))
        return False

    def ask_id(self, answer: AskAnswer, member_id: int) -> AskId:
        index = self.index
        return AskId(member_id, index.version, answer.kind, refs_of(index, answer), answer.negated)

    def private(self, answer: AskAnswer, member_id: int, number: str) -> dict[str, Any]:
        """The answer itself, for an ephemeral reply or a DM: embed and buttons."""
        kb = self.kb
        card = answer_card(kb, answer, number)
        colour = (
            COLOUR_INFO
            if answer.kind in NOT_PERSONAL
            else COLOUR_BY_URGENCY[card.urgency and card.urgency.value]
        )
        view = discord.ui.View(timeout=None)
        for stretch_id in stretch_matches(kb, answer)[:3]:
            view.add_item(stretch_button(kb.stretch(stretch_id)))
        # The /backpain check's own "Start over" id: cogs/triage.py answers the tap.
        start = FlowId.of(kb.version, member_id, "", 0, actions.RESTART)
        urgent = answer.kind is AskKind.red_flag
        view.add_item(
            discord.ui.Button(
                custom_id=start.encode(),
                label=CHECK_LABEL,
                style=discord.ButtonStyle.danger if urgent else discord.ButtonStyle.success,
                row=4,
            )
        )
        return {"embed": embed_from_card(card, colour), "view": view}


async def setup(bot: T2Bot) -> None:
    bot.add_dynamic_items(AskButton)
    await bot.add_cog(Ask(bot))
