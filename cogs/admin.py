"""/t2admin: server settings, knowledge reload and command sync, for the server's managers.

Discord hides the group from members without Manage Server (``default_permissions``), but server
admins can change that in the integration settings, so every command checks again when it runs.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from t2bot import insights
from t2bot.knowledge import KnowledgeError, diagram
from t2bot.render.card import Card, sections_of
from t2bot.settings import EMERGENCY_NUMBER_RULE as RULE
from t2bot.settings import check_emergency_number
from t2bot.storage import GuildSettings, StoreUnavailable
from t2discord.client import T2Bot
from t2discord.ui_kit import COLOUR_INFO, clip, embed_from_card, refuse, reply

log = logging.getLogger(__name__)

BUSY = "I can't reach my storage right now. Nothing was changed; please try again in a minute."
ONLY_MANAGERS = "Only members with the **Manage Server** permission can use /t2admin."
ONLY_ADMINS = "Only server Administrators can change the T2 settings (the emergency number)."
ONLY_OWNERS = "Only the bot's owner, the server owner or an Administrator can publish the commands."
RESET_WORDS = {"default", "reset", "none"}
PROBLEMS_BUDGET = 3800
SYNC_INTERVAL = 60.0


def is_manager(interaction: discord.Interaction) -> bool:
    permissions = interaction.permissions
    return bool(interaction.guild_id) and (permissions.administrator or permissions.manage_guild)


class Admin(commands.Cog):
    t2admin = app_commands.Group(
        name="t2admin",
        description="T2 bot settings for this server (Manage Server)",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: T2Bot) -> None:
        self.bot = bot
        self._last_sync: float | None = None

    @t2admin.command(name="settings", description="Show or change the T2 settings of this server")
    @app_commands.describe(
        emergency_number="Emergency number shown in every check ('default' for the bot's)",
        retention_days="Days saved results are kept (1-3650)",
        allow_sharing="May members post stretch cards and routines in the channel (Share)?",
        answer_mentions="Answer members who @mention the bot: everywhere, or off (DMs always)",
        mentions_channel="Answer @mentions only in this channel",
    )
    async def settings(
        self,
        interaction: discord.Interaction,
        emergency_number: app_commands.Range[str, 1, 100] | None = None,
        retention_days: app_commands.Range[int, 1, 3650] | None = None,
        allow_sharing: bool | None = None,
        answer_mentions: Literal["everywhere", "off"] | None = None,
        mentions_channel: discord.TextChannel | None = None,
    ) -> None:
        if not is_manager(interaction):
            await refuse(interaction, ONLY_MANAGERS)
            return
        if not interaction.permissions.administrator:  # Discord ignores default_permissions here
            await refuse(interaction, ONLY_ADMINS)
            return
        assert interaction.guild_id is not None
        changes: dict[str, object] = {}
        if emergency_number is not None:
            number = emergency_number.strip()
            try:
                changes["emergency_number"] = (
                    None if number.lower() in RESET_WORDS else check_emergency_number(number)
                )
            except ValueError as exc:
                await refuse(interaction, f"That number can't be used: {exc}. Use {RULE}.")
                return
        if retention_days is not None:
            if not 1 <= retention_days <= 3650:  # re-validated: never trust the client
                await refuse(interaction, "Retention must be between 1 and 3650 days.")
                return
            changes["retention_days"] = retention_days
        if allow_sharing is not None:
            changes["allow_sharing"] = allow_sharing
        if answer_mentions is not None:
            changes["ask_mentions"] = answer_mentions == "everywhere"
            changes["ask_channel_id"] = None
        if mentions_channel is not None:
            changes["ask_mentions"], changes["ask_channel_id"] = True, mentions_channel.id
        await interaction.response.defer(ephemeral=True, thinking=True)
        store = self.bot.store
        try:
            if changes:
                current = await store.update_guild_settings(interaction.guild_id, **changes)
                if "retention_days" in changes:
                    await store.purge_expired()
            else:
                current = await store.guild_settings(interaction.guild_id)
        except StoreUnavailable:
            await refuse(interaction, BUSY)
            return
        except ValueError as exc:
            await refuse(interaction, f"That setting can't be used: {exc}.")
            return
        if changes:
            self.forget_cached_number(interaction.guild_id)
        title = "Settings saved" if changes else "Settings of this server"
        await reply(interaction, embed=self.settings_embed(title, current))

    def settings_embed(self, title: str, current: GuildSettings) -> discord.Embed:
        default_number = self.bot.settings.emergency_number
        number = current.emergency_number or f"{default_number} (the bot's default)"
        embed = discord.Embed(title=title, colour=COLOUR_INFO)
        embed.add_field(name="Emergency number", value=clip(number, 1024), inline=False)
        embed.add_field(name="Saved results kept for", value=f"{current.retention_days} days")
        embed.add_field(
            name="Members may share stretches", value="yes" if current.allow_sharing else "no"
        )
        mentions = "off"
        if current.ask_mentions:
            where = current.ask_channel_id
            mentions = "in every channel" if where is None else f"only in <#{where}>"
        embed.add_field(name="Answers to @mentions", value=f"{mentions} (DMs always)")
        embed.set_footer(text="Change with /t2admin settings; 'default' resets the number.")
        return embed

    def forget_cached_number(self, guild_id: int) -> None:
        """The cogs cache the server's settings for a little while; make them read the new
        ones (emergency number and sharing)."""
        self.bot.guild_settings.forget(guild_id)

    @t2admin.command(name="reload", description="Load the knowledge files again")
    async def reload(self, interaction: discord.Interaction) -> None:
        if not is_manager(interaction):
            await refuse(interaction, ONLY_MANAGERS)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        holder = self.bot.knowledge
        old_version = holder.current.version
        try:
            fresh = await asyncio.to_thread(holder.reload)
        except KnowledgeError as exc:
            await reply(interaction, embed=problems_embed(exc, old_version))
            return
        log.info("knowledge reloaded by a server manager")
        if fresh.version != old_version:
            text = (
                f"Knowledge reloaded: the questions changed (version {old_version} → "
                f"{fresh.version}), so checks still open are asked to start again."
            )
        else:
            text = (
                f"Knowledge reloaded (version {fresh.version}: the question flow is "
                "unchanged, so open checks simply continue)."
            )
        await reply(interaction, content=text)

    @t2admin.command(name="sync", description="Publish the bot's slash commands to Discord")
    async def sync(self, interaction: discord.Interaction) -> None:
        if not is_manager(interaction):
            await refuse(interaction, ONLY_MANAGERS)
            return
        if not await self.may_sync(interaction):
            await refuse(interaction, ONLY_OWNERS)
            return
        if self._last_sync is not None:  # Discord allows few syncs a day
            wait = self._last_sync + SYNC_INTERVAL - time.monotonic()
            if wait > 0:
                await refuse(
                    interaction, f"Commands were just published. Please wait {max(wait, 1):.0f} s."
                )
                return
        self._last_sync = time.monotonic()
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            count = await self.bot.sync_command_tree()
        except discord.HTTPException as exc:
            log.warning("command sync failed: HTTP %s", exc.status)
            await refuse(
                interaction,
                "Discord refused the update (it limits how often commands "
                "can be published). Try again later.",
            )
            return
        await reply(
            interaction,
            content=f"Published {count} command(s). Discord may take a moment to show the changes.",
        )

    async def may_sync(self, interaction: discord.Interaction) -> bool:
        """Publishing affects every server: the bot's owner, the server owner or an admin."""
        if interaction.permissions.administrator:
            return True
        if interaction.guild is not None and interaction.guild.owner_id == interaction.user.id:
            return True
        try:
            return await self.bot.is_owner(interaction.user)
        except discord.HTTPException:
            return False

    # ------------------------------------------------------------------ insights (issue 12)

    @t2admin.command(name="stats", description="Anonymous club numbers (groups under 5 hidden)")
    @app_commands.describe(days="Over the last 30 or 90 days")
    @app_commands.choices(
        days=[app_commands.Choice(name=f"{d} days", value=d) for d in insights.PERIODS]
    )
    async def stats(self, interaction: discord.Interaction, days: int = 30) -> None:
        if not is_manager(interaction):
            await refuse(interaction, ONLY_MANAGERS)
            return
        if days not in insights.PERIODS:  # re-validated: never trust the client
            await refuse(interaction, "Choose 30 or 90 days.")
            return
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            numbers = await self.bot.store.club_numbers(interaction.guild_id, days)
        except StoreUnavailable:
            await refuse(interaction, "I can't reach my storage right now; try again in a minute.")
            return
        view = insights.insights(self.bot.knowledge.current, numbers)
        embed = stats_embed(view)
        chart = await asyncio.to_thread(insights.chart_png, view)
        if chart is None:
            await reply(interaction, embed=embed)
            return
        embed.set_image(url=f"attachment://{STATS_FILE}")
        await reply(interaction, embed=embed, file=discord.File(io.BytesIO(chart), STATS_FILE))

    @t2admin.command(name="diagram", description="The question flow as A4 pages (PNG)")
    async def diagram(self, interaction: discord.Interaction) -> None:
        if not is_manager(interaction):
            await refuse(interaction, ONLY_MANAGERS)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        kb = self.bot.knowledge.current
        graph = diagram.flow_graph(kb)
        try:
            pages = await asyncio.to_thread(diagram.render_pages, graph, "png")
            pdf = b"" if fits_discord(pages) else await asyncio.to_thread(diagram.render_pdf, graph)
        except diagram.DiagramError as exc:
            text = diagram.mermaid(graph).encode()
            await reply(
                interaction,
                content=f"{exc} Here is the flow as Mermaid text instead.",
                file=discord.File(io.BytesIO(text), "t2-flow.mmd"),
            )
            return
        files, note = diagram_files(pages, pdf)
        embed = discord.Embed(
            title="The question flow",
            colour=COLOUR_INFO,
            description=(
                f"Knowledge version {kb.version}: {len(pages)} A4 page(s) to print in order. "
                "Exits are coloured by urgency (legend on each page); a grey note says on which "
                f"page the flow goes on. {note}"
            ).strip(),
        )
        await reply(interaction, embed=embed, files=files)


#: What one Discord message may carry.
MAX_FILES = 10
MAX_BYTES = 25 * 1024 * 1024


def fits_discord(pages: list[bytes]) -> bool:
    return len(pages) <= MAX_FILES and sum(map(len, pages)) <= MAX_BYTES


def diagram_files(pages: list[bytes], pdf: bytes) -> tuple[list[discord.File], str]:
    """The page PNGs, or when they do not all fit one message (10 files, 25 MiB): the PDF with
    every page and as many PNGs as fit beside it. Also a sentence saying which is which."""

    def png(number: int) -> discord.File:
        return discord.File(io.BytesIO(pages[number - 1]), f"t2-flow-{number}.png")

    if fits_discord(pages):
        return [png(n) for n in range(1, len(pages) + 1)], ""
    files, room = [], MAX_BYTES
    if len(pdf) <= MAX_BYTES:
        files.append(discord.File(io.BytesIO(pdf), "t2-flow.pdf"))
        room -= len(pdf)
        note = f"All {len(pages)} pages are in t2-flow.pdf"
    else:
        note = "The pages are too large for Discord: run `uv run bot.py --diagram flow.pdf`"
    shown = 0
    while shown < len(pages) and len(files) < MAX_FILES and len(pages[shown]) <= room:
        room -= len(pages[shown])
        shown += 1
        files.append(png(shown))
    return files, note + (f"; pages 1-{shown} are also attached as pictures." if shown else ".")


STATS_FILE = "t2-stats.png"


def stats_embed(view: insights.Insights) -> discord.Embed:
    """The club's anonymous numbers on the one card model: every line whole (a long list goes on
    in a continued section)."""
    body = (
        f"**{view.checks}** check(s) finished. Anonymous: counters with no member id, and "
        f"only what members chose to save or answer. Groups of {insights.FEWER} are not shown."
    )
    endings = [f"{line.name}: **{line.value}**" for line in view.endings] or ["No checks yet."]
    contributors = [f"{line.name}: **{line.value}** members" for line in view.contributors]
    if view.hidden_contributors:
        contributors.append(f"({view.hidden_contributors} more with {insights.FEWER} members)")
    tips = [f"{line.name}: {line.value}" for line in view.tips]
    if view.hidden_tips:
        tips.append(f"({view.hidden_tips} more tried by {insights.FEWER} members)")
    sections = (
        *sections_of("How checks ended", endings),
        *sections_of("Most common likely contributors", contributors or ["Nothing to show yet."]),
        *sections_of(
            "Tips and stretches (from check-in answers)", tips or ["Nothing to show yet."]
        ),
    )
    return embed_from_card(
        Card(f"Club insights: last {view.days} days", body, sections), COLOUR_INFO
    )


def problems_embed(exc: KnowledgeError, version: str) -> discord.Embed:
    """The problems found, as many as fit, and a pointer to the full list."""
    problems = [str(problem) for problem in exc.problems] or [str(exc)]
    lines: list[str] = []
    used = 0
    for problem in problems:
        line = "• " + clip(problem, 300)
        if used + len(line) + 1 > PROBLEMS_BUDGET:
            break
        lines.append(line)
        used += len(line) + 1
    if len(lines) < len(problems):
        lines.append(
            f"… and {len(problems) - len(lines)} more: run "
            "`uv run bot.py --check-knowledge` for the full list."
        )
    return discord.Embed(
        title=f"Not reloaded: {len(problems)} problem(s)",
        description=(f"The bot keeps using version {version}.\n" + "\n".join(lines)),
        colour=discord.Colour.orange(),
    )


async def setup(bot: T2Bot) -> None:
    await bot.add_cog(Admin(bot))
