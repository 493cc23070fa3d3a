"""T2 triage bot: entry point.

uv run bot.py                          run the Discord bot (needs DISCORD_TOKEN)
uv run bot.py --sync                   publish the slash commands (globally) and exit
uv run bot.py --sync --dev-guild ID    ... to one server only (instant, for testing)
uv run bot.py --clear-dev-guild ID     remove that server's own copies of the commands
uv run bot.py --console                the same flows in a terminal, no token needed
uv run bot.py --check-knowledge        validate knowledge/ and print a summary
uv run bot.py --backup FILE            copy the SQLite database to FILE (safe while running)
uv run bot.py --restore FILE           replace the SQLite database with FILE (bot stopped)
uv run bot.py --diagram flow.pdf       draw the question flow as A4 pages (.pdf, .svg, .png, .mmd)
uv run bot.py --stats [30|90]          anonymous club numbers of the local database
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from dotenv import load_dotenv

from t2bot.knowledge import KnowledgeError
from t2bot.knowledge.summary import summarize
from t2bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from t2discord.client import T2Bot

EXIT_ERROR = 1
EXIT_USAGE = 2


def build_bot(settings: Settings) -> T2Bot:
    """Create the Discord bot (imported here so the terminal modes start without discord.py)."""
    from t2discord.client import build_bot as build

    return build(settings)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bot.py",
        description=__doc__.split("\n")[0],
        epilog=__doc__.split("\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--console", action="store_true", help="run the flows in this terminal")
    mode.add_argument("--check-knowledge", action="store_true", help="validate knowledge/ and exit")
    mode.add_argument(
        "--diagram",
        type=Path,
        metavar="FILE",
        help="draw the flow: .pdf .svg .png (A4 pages), .mmd",
    )
    mode.add_argument("--stats", type=int, nargs="?", const=30, metavar="DAYS", help="club numbers")
    mode.add_argument("--backup", type=Path, metavar="FILE", help="copy the SQLite database")
    mode.add_argument("--restore", type=Path, metavar="FILE", help="restore a --backup copy")
    parser.add_argument("--sync", action="store_true", help="publish slash commands and exit")
    parser.add_argument("--dev-guild", type=server_id, metavar="ID", help="--sync to one server")
    parser.add_argument(
        "--clear-dev-guild", type=server_id, metavar="ID", help="remove one server's commands"
    )
    parser.add_argument("--knowledge", type=Path, help="knowledge folder (default: knowledge/)")
    args = parser.parse_args(argv)
    if args.dev_guild is not None and not args.sync:
        parser.error("--dev-guild goes with --sync")
    if args.clear_dev_guild is not None and args.clear_dev_guild == args.dev_guild:
        parser.error("--dev-guild and --clear-dev-guild name the same server")
    if (args.sync or args.clear_dev_guild is not None) and (
        args.console or args.check_knowledge or args.backup or args.restore
    ):
        parser.error("--sync and --clear-dev-guild cannot be combined with another mode")
    return args


def server_id(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 2**64:
        raise argparse.ArgumentTypeError("a server id is a number (Copy Server ID in Discord)")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load_dotenv()
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"Configuration problem: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.knowledge:
        settings = replace(settings, knowledge_dir=args.knowledge)

    if (args.check_knowledge or args.console) and not knowledge_found(settings, args):
        return EXIT_USAGE
    if args.check_knowledge:
        return check_knowledge(settings.knowledge_dir)
    if args.diagram:
        from t2bot.knowledge.diagram import main as draw_diagram

        return draw_diagram(settings.knowledge_dir, args.diagram)
    if args.stats is not None:
        from t2bot.insights import main as show_stats

        return show_stats(settings.database_url, settings.knowledge_dir, args.stats)
    if args.console:
        from t2bot.console.app import run_console

        return run_console(settings)
    if args.backup or args.restore:
        from t2bot.storage import backup

        return backup.main(settings.database_url, backup_to=args.backup, restore_from=args.restore)

    try:
        token = settings.require_token()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    if not knowledge_found(settings, args):
        return EXIT_USAGE
    from t2bot.storage import StoreConfigError, StoreUnavailable, backup

    if args.dev_guild is not None:
        settings = replace(settings, dev_guild_id=args.dev_guild)
    if (
        args.sync
        and args.clear_dev_guild is not None
        and (args.clear_dev_guild == settings.dev_guild_id)
    ):
        print(
            f"Configuration problem: DEV_GUILD_ID is {settings.dev_guild_id}, so --sync would "
            "publish to the server being cleared. To go live, empty DEV_GUILD_ID in .env and "
            "run --sync --clear-dev-guild again.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    publishing = args.sync or args.clear_dev_guild is not None
    try:
        bot = build_bot(settings)
        lock = None if publishing else backup.hold_shared(settings.database_url)
    except KnowledgeError as exc:
        print(
            f"The knowledge files have problems; fix them and start again:\n{exc}", file=sys.stderr
        )
        return EXIT_ERROR
    except (StoreConfigError, backup.BackupError) as exc:
        print(f"DATABASE_URL cannot be used: {exc}", file=sys.stderr)
        return EXIT_USAGE
    import aiohttp
    import discord

    setup_logging(settings.log_level)
    try:
        if publishing:
            asyncio.run(
                publish_commands(bot, token, sync=args.sync, clear_guild=args.clear_dev_guild)
            )
        else:
            asyncio.run(run_until_stopped(bot, token))
    except discord.LoginFailure:
        print("Discord refused the token. Check DISCORD_TOKEN in .env.", file=sys.stderr)
        return EXIT_USAGE
    except DatabaseNotReady as exc:
        print(
            f"The database cannot be used ({exc}); the bot did not log in to Discord. Check "
            "DATABASE_URL, that the server is running and reachable, and that no other program "
            "holds the file locked.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except StoreUnavailable as exc:
        print(
            f"The database cannot be used right now ({exc}). Check DATABASE_URL, that the "
            "server is running, and that no other program holds the file locked.",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except (aiohttp.ClientError, OSError) as exc:
        print(
            f"Cannot reach Discord ({type(exc).__name__}): check the network connection. "
            "A supervisor such as systemd will start the bot again.",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except KeyboardInterrupt:
        pass
    finally:
        if lock is not None:
            lock.close()
    return 0


def knowledge_found(settings: Settings, args: argparse.Namespace) -> bool:
    """Whether the knowledge folder exists; if not, say which setting and how to fix it."""
    if settings.knowledge_dir.is_dir():
        return True
    where = "--knowledge" if args.knowledge else "KNOWLEDGE_DIR"
    print(
        f"Configuration problem: {where} {settings.knowledge_dir} is not a folder (working "
        f"directory: {Path.cwd()}). Start the bot in its folder (systemd: WorkingDirectory=) "
        "or set KNOWLEDGE_DIR to the knowledge/ folder.",
        file=sys.stderr,
    )
    return False


def log_formatter(stream: TextIO) -> logging.Formatter | None:
    """Plain lines unless ``stream`` is a terminal that shows colours (None: discord.py's
    coloured default). discord.py alone also colours in Docker, even into a file or journal."""
    import discord

    if stream.isatty() and discord.utils.stream_supports_colour(stream):
        return None
    return logging.Formatter("[{asctime}] [{levelname:<8}] {name}: {message}", DATE_FORMAT, "{")


DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def setup_logging(level: str, stream: TextIO | None = None) -> None:
    """Log to ``stream`` (stderr), coloured only on a terminal; never discord.py's payloads."""
    import discord

    from t2discord import log_privacy

    stream = sys.stderr if stream is None else stream
    handler = logging.StreamHandler(stream)
    formatter = log_formatter(stream)
    if formatter is None:
        discord.utils.setup_logging(level=getattr(logging, level), handler=handler)
    else:
        discord.utils.setup_logging(
            level=getattr(logging, level), handler=handler, formatter=formatter
        )
    log_privacy.install()  # rate-limit warnings carry URLs with member ids and tokens
    # discord.py's DEBUG lines hold whole payloads (names, answers in button ids): never log them.
    logging.getLogger("discord").setLevel(max(logging.INFO, logging.root.level))


class DatabaseNotReady(Exception):
    """The database could not be reached or migrated before logging in to Discord."""


async def open_store(bot: T2Bot) -> None:
    """Reach the database and run its migrations before any Discord call, so a wrong
    DATABASE_URL or a server that is down is reported at once (``setup_hook`` finds it open)."""
    from t2bot.storage import StoreConfigError, StoreUnavailable

    try:
        await bot.store.start()
    except (StoreUnavailable, StoreConfigError) as exc:
        await bot.store.close()
        raise DatabaseNotReady(str(exc)) from None


async def publish_commands(bot: T2Bot, token: str, *, sync: bool, clear_guild: int | None) -> None:
    """Log in over HTTP only (no gateway), publish or clear the slash commands, and return."""
    import discord

    await open_store(bot)
    async with bot:
        await bot.login(token)  # runs setup_hook: the commands are loaded
        if sync:
            count = await bot.sync_command_tree()
            where = (
                f"to server {bot.settings.dev_guild_id} (shown at once)"
                if bot.settings.dev_guild_id
                else "globally (Discord may take a few minutes to show them everywhere)"
            )
            print(f"Published {count} slash commands {where}.")
            if not bot.settings.dev_guild_id and clear_guild is None:
                print(
                    "If they were published to a test server before (--dev-guild or "
                    "DEV_GUILD_ID), remove those copies: --clear-dev-guild SERVER_ID."
                )
        if clear_guild is not None:
            guild = discord.Object(id=clear_guild)
            bot.tree.clear_commands(guild=guild)
            await bot.tree.sync(guild=guild)
            print(f"Removed the commands published to server {clear_guild} only.")


#: On a stop signal, taps and commands being answered get this long to finish.
ANSWER_GRACE_SECONDS = 5.0
_ANSWER_TASKS = ("CommandTree-invoker", "discord-ui-", "discord.py: on_interaction")


async def finish_interactions(timeout: float) -> None:
    """Wait (up to ``timeout``) for the tasks discord.py runs to answer interactions."""
    answering = [
        task
        for task in asyncio.all_tasks()
        if not task.done() and task.get_name().startswith(_ANSWER_TASKS)
    ]
    if answering:
        await asyncio.wait(answering, timeout=timeout)


async def run_until_stopped(bot: T2Bot, token: str) -> None:
    """Run the bot until it stops or the process gets SIGTERM/SIGINT; then close cleanly
    (gateway closed, database released) so a supervisor's stop loses nothing."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await open_store(bot)
    async with bot:
        running = asyncio.create_task(bot.start(token))
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if stopping in done:
            logging.getLogger("t2bot").info("stop signal received; finishing open answers")
            await finish_interactions(ANSWER_GRACE_SECONDS)
            await bot.close()
            await running
        else:
            stopping.cancel()
            running.result()  # re-raise what stopped the bot (e.g. a refused token)


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
