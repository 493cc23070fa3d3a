"""Helpers for tests that run the real bot: missing cogs, a bot with its own data, plain logs."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.fake_discord.process import ROOT, BotProcess
from tests.e2e.fake_discord.server import FakeDiscord

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def serve_fake() -> Iterator[FakeDiscord]:
    """A fake Discord for the duration of a fixture: ``fake = pytest.fixture(...)(serve_fake)``."""
    server = FakeDiscord().start()
    yield server
    server.stop()


def missing_cogs() -> list[str]:
    """Extensions bot.py loads whose module file does not exist yet."""
    source = ROOT / "cogs" / "client.py"
    text = source.read_text() if source.exists() else (ROOT / "bot.py").read_text()
    block = re.search(r"EXTENSIONS\s*=\s*\((.*?)\)", text, re.S)
    names = re.findall(r"\"([\w.]+)\"", block[1]) if block else []
    return [n for n in names if not (ROOT / (n.replace(".", "/") + ".py")).exists()]


def require_bot() -> None:
    missing = missing_cogs()
    if missing:
        pytest.skip(f"bot.py cannot start yet: module(s) {', '.join(missing)} not written")


def plain(text: str) -> str:
    return ANSI.sub("", text)


def copy_knowledge(target: Path) -> Path:
    shutil.copytree(ROOT / "knowledge", target)
    return target


def fresh_bot(fake: FakeDiscord, workdir: Path, **env: str) -> BotProcess:
    """A bot process of its own (own database, own copy of the knowledge)."""
    require_bot()
    knowledge = copy_knowledge(workdir / "knowledge")
    return BotProcess(fake, workdir, env={"KNOWLEDGE_DIR": str(knowledge), **env})
