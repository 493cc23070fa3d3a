"""T2 triage bot: entry point.

uv run bot.py                      run the Discord bot (needs DISCORD_TOKEN)
uv run bot.py --sync               ... and publish the slash commands first
uv run bot.py --console            the same flows in a terminal, no token needed
uv run bot.py --check-knowledge    validate knowledge/ and print a summary
uv run bot.py --diagram flow.svg   draw the question flow (.svg, .png or .mmd)
uv run bot.py --stats [30|90]      anonymous club numbers of the local database
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from dotenv import load_dotenv

from t2bot.knowledge import KnowledgeError
from t2bot.knowledge.summary import summarize
from t2bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from t2discord.client import T2Bot

EXIT_ERROR = 1
EXIT_USAGE = 2


def build_bot(settings: Settings, *, sync_commands: bool = False) -> T2Bot:
    """Create the Discord bot (imported here so the terminal modes start without discord.py)."""
    from t2discord.client import build_bot as build

    return build(settings, sync_commands=sync_commands)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bot.py", description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--console", action="store_true", help="run the flows in this terminal")
    mode.add_argument("--check-knowledge", action="store_true", help="validate knowledge/ and exit")
    mode.add_argument("--diagram", type=Path, metavar="FILE", help="draw the flow: .svg .png .mmd")
    mode.add_argument("--stats", type=int, nargs="?", const=30, metavar="DAYS", help="club numbers")
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
        settings = replace(settings, knowledge_dir=args.knowledge)

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

    try:
        token = settings.require_token()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    from t2bot.storage import StoreConfigError, StoreUnavailable

    try:
        bot = build_bot(settings, sync_commands=args.sync)
    except KnowledgeError as exc:
        print(
            f"The knowledge files have problems; fix them and start again:\n{exc}", file=sys.stderr
        )
        return EXIT_ERROR
    except StoreConfigError as exc:
        print(f"DATABASE_URL cannot be used: {exc}", file=sys.stderr)
        return EXIT_USAGE
    import aiohttp
    import discord

    from t2discord import log_privacy

    discord.utils.setup_logging(level=getattr(logging, settings.log_level))
    log_privacy.install()  # rate-limit warnings carry URLs with member ids and tokens
    # discord.py's DEBUG lines hold whole payloads (names, answers in button ids): never log them.
    logging.getLogger("discord").setLevel(max(logging.INFO, logging.root.level))
    try:
        asyncio.run(run_until_stopped(bot, token))
    except discord.LoginFailure:
        print("Discord refused the token. Check DISCORD_TOKEN in .env.", file=sys.stderr)
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
    return 0


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
