"""Helpers for tests that run the real bot: a bot with its own data, plain logs."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from tests.e2e.fake_discord.process import ROOT, BotProcess
from tests.e2e.fake_discord.server import FakeDiscord

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def serve_fake() -> Iterator[FakeDiscord]:
    """A fake Discord for the duration of a fixture: ``fake = pytest.fixture(...)(serve_fake)``."""
    server = FakeDiscord().start()
    yield server
    server.stop()


def plain(text: str) -> str:
    return ANSI.sub("", text)


def copy_knowledge(target: Path) -> Path:
    shutil.copytree(ROOT / "knowledge", target)
    return target


def fresh_bot(fake: FakeDiscord, workdir: Path, **env: str) -> BotProcess:
    """A bot process of its own (own database, own copy of the knowledge)."""
    knowledge = copy_knowledge(workdir / "knowledge")
    return BotProcess(fake, workdir, env={"KNOWLEDGE_DIR": str(knowledge), **env})
