"""The Discord client: settings, knowledge and storage in one place; cogs loaded on start."""

from __future__ import annotations

import logging
import pkgutil
import re
from typing import Any, TypeVar

import discord
from discord.ext import commands

import cogs
from t2bot.knowledge.holder import KnowledgeHolder
from t2bot.settings import Settings
from t2bot.storage import Store
from t2discord.command_tree import T2CommandTree
from t2discord.guild_settings import GuildSettingsCache

log = logging.getLogger("t2bot")


def discover_extensions() -> tuple[str, ...]:
    """Every module and package directly in ``cogs/`` is an extension (no extension imports
    another, so the order does not matter; sorted only to make start-ups alike)."""
    return tuple(
        sorted(f"{cogs.__name__}.{module.name}" for module in pkgutil.iter_modules(cogs.__path__))
    )


EXTENSIONS = discover_extensions()

DynamicItemClass = type[discord.ui.DynamicItem[Any]]


class T2Bot(commands.Bot):
    """The Discord client: holds settings, knowledge and storage; loads the feature cogs."""

    def __init__(
        self,
        settings: Settings,
        knowledge: KnowledgeHolder,
        store: Store,
        *,
        sync_commands: bool = False,
        **client_options: Any,
    ) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        # Not privileged: a message that mentions the bot, and a DM, carry their text without
        # the message_content intent (cogs/ask.py); other messages arrive with empty content.
        intents.guild_messages = True
        intents.dm_messages = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            tree_cls=T2CommandTree,
            allowed_mentions=discord.AllowedMentions.none(),
            **client_options,
        )
        self.settings = settings
        self.knowledge = knowledge
        self.store = store
        self.sync_commands = sync_commands
        self.guild_settings = GuildSettingsCache(store, settings.emergency_number)
        # Like discord.py: by template, so a reloaded extension replaces its classes.
        self._button_templates: dict[re.Pattern[str], DynamicItemClass] = {}

    def add_dynamic_items(self, *items: DynamicItemClass) -> None:
        super().add_dynamic_items(*items)
        for item in items:
            self._button_templates[item.__discord_ui_compiled_template__] = item

    def remove_dynamic_items(self, *items: DynamicItemClass) -> None:
        super().remove_dynamic_items(*items)
        for item in items:
            self._button_templates.pop(item.__discord_ui_compiled_template__, None)

    def claims(self, custom_id: str, *, besides: DynamicItemClass | None = None) -> bool:
        """Whether a registered button class (other than ``besides``) reads ``custom_id``."""
        skip = None if besides is None else besides.__discord_ui_compiled_template__
        return any(
            template.fullmatch(custom_id) is not None
            for template in self._button_templates
            if template != skip
        )

    async def setup_hook(self) -> None:
        await self.store.start()
        for extension in EXTENSIONS:
            if extension not in self.extensions:  # a restarted client keeps its extensions
                await self.load_extension(extension)
        if self.sync_commands:
            await self.sync_command_tree()

    async def process_commands(self, message: discord.Message) -> None:
        """No prefix commands: a mention is a question for ``cogs/ask.py``, never a command (and
        discord.py's "command not found" would log the message's first word)."""
        return

    async def sync_command_tree(self) -> int:
        """Publish the slash commands: to the dev server if one is set, else globally."""
        guild_id = self.settings.dev_guild_id
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info(
            "synced %d slash commands%s", len(synced), " to the dev server" if guild_id else ""
        )
        return len(synced)

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            await self.store.close()


class ShardedT2Bot(T2Bot, commands.AutoShardedBot):
    """``T2Bot`` running some shards of the bot (``SHARD_COUNT`` / ``SHARD_IDS``): Discord sends
    this process only the events of servers on its shards, ``(guild_id >> 22) % shard_count``.
    Several processes share one PostgreSQL database (see docs/scaling.md)."""


def build_bot(settings: Settings, *, sync_commands: bool = False) -> T2Bot:
    """Create the bot with its knowledge and store (not connected yet); sharded if
    ``SHARD_COUNT`` is set."""
    knowledge = KnowledgeHolder.load(settings.knowledge_dir)
    store = Store(settings.database_url, retention_days=settings.retention_days)
    if settings.shard_count is None:
        return T2Bot(settings, knowledge, store, sync_commands=sync_commands)
    shard_ids = list(settings.shard_ids) if settings.shard_ids is not None else None
    return ShardedT2Bot(
        settings,
        knowledge,
        store,
        sync_commands=sync_commands,
        shard_count=settings.shard_count,
        shard_ids=shard_ids,
    )


CogT = TypeVar("CogT", bound=commands.Cog)


def feature_cog(interaction: discord.Interaction, cog_type: type[CogT]) -> CogT | None:
    """The loaded cog of ``cog_type`` that a button hands its tap to, or None (its extension
    is not loaded, or the client is not a ``T2Bot``)."""
    bot = interaction.client
    cog = bot.get_cog(cog_type.__cog_name__) if isinstance(bot, T2Bot) else None
    return cog if isinstance(cog, cog_type) else None
