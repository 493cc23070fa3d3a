"""T2 triage bot: entry point.

    uv run bot.py                      run the Discord bot (needs DISCORD_TOKEN)
    uv run bot.py --sync               ... and publish the slash commands first
    uv run bot.py --console            the same flows in a terminal, no token needed
    uv run bot.py --check-knowledge    validate knowledge/ and print a summary
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

import discord
from discord.ext import commands
from dotenv import load_dotenv

from cogs.command_tree import T2CommandTree
from t2bot.knowledge import KnowledgeError
from t2bot.knowledge.holder import KnowledgeHolder
from t2bot.knowledge.summary import summarize
from t2bot.settings import Settings, SettingsError
from t2bot.storage import Store

log = logging.getLogger("t2bot")

EXTENSIONS = (
    "cogs.errors",
    "cogs.unknown_buttons",
    "cogs.triage",
    "cogs.stretches",
    "cogs.mydata",
    "cogs.admin",
)

EXIT_ERROR = 1
EXIT_USAGE = 2


class T2Bot(commands.Bot):
    """The Discord client: holds settings, knowledge and storage; loads the feature cogs."""

    def __init__(
        self,
        settings: Settings,
        knowledge: KnowledgeHolder,
        store: Store,
        *,
        sync_commands: bool = False,
    ) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            tree_cls=T2CommandTree,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.settings = settings
        self.knowledge = knowledge
        self.store = store
        self.sync_commands = sync_commands

    async def setup_hook(self) -> None:
        await self.store.start()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.sync_commands:
            await self.sync_command_tree()

    async def sync_command_tree(self) -> int:
        """Publish the slash commands: to the dev server if one is set, else globally."""
        guild_id = self.settings.dev_guild_id
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("synced %d slash commands%s", len(synced), " to the dev server" if guild_id else "")
        return len(synced)

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            await self.store.close()


def build_bot(settings: Settings, *, sync_commands: bool = False) -> T2Bot:
    """Create the bot with its knowledge and store (not connected yet)."""
    knowledge = KnowledgeHolder.load(settings.knowledge_dir)
    store = Store(settings.database_url, retention_days=settings.retention_days)
    return T2Bot(settings, knowledge, store, sync_commands=sync_commands)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bot.py", description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--console", action="store_true", help="run the flows in this terminal")
    mode.add_argument("--check-knowledge", action="store_true", help="validate knowledge/ and exit")
    parser.add_argument("--sync", action="store_true", help="publish slash commands on start")
    parser.add_argument("--knowledge", type=Path, help="knowledge folder (default: knowledge/)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load_dotenv()
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"Configuration problem: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.knowledge:
        settings = Settings(**{**settings.__dict__, "knowledge_dir": args.knowledge})

    if args.check_knowledge:
        return check_knowledge(settings.knowledge_dir)
    if args.console:
        from t2bot.console import run_console

        return run_console(settings)

    try:
        token = settings.require_token()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    try:
        bot = build_bot(settings, sync_commands=args.sync)
    except KnowledgeError as exc:
        print(f"The knowledge files have problems; fix them and start again:\n{exc}",
              file=sys.stderr)
        return EXIT_ERROR
    discord.utils.setup_logging(level=getattr(logging, settings.log_level))
    try:
        bot.run(token, log_handler=None)
    except discord.LoginFailure:
        print("Discord refused the token. Check DISCORD_TOKEN in .env.", file=sys.stderr)
        return EXIT_USAGE
    return 0


def check_knowledge(folder: Path) -> int:
    from t2bot.knowledge import load_knowledge

    try:
        knowledge = load_knowledge(folder)
    except KnowledgeError as exc:
        print(f"{len(exc.problems)} problem(s) in {folder}:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_ERROR
    print(summarize(knowledge))
    return 0


if __name__ == "__main__":
    sys.exit(main())
