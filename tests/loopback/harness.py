"""Helpers for tests that run the real bot: missing cogs, a bot with its own data, plain logs."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from t2bot.storage.engine import normalize_url
from t2bot.storage.models import METADATA
from tests.loopback.process import ROOT, BotProcess
from tests.loopback.server import FakeDiscord

ANSI = re.compile(r"\x1b\[[0-9;]*m")
POSTGRES_ENV = "T2_TEST_POSTGRES_URL"


def missing_cogs() -> list[str]:
    """Extensions bot.py loads whose module file does not exist yet."""
    source = (ROOT / "cogs" / "client.py")
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


def postgres_url() -> str:
    """The test PostgreSQL server; without it: fail in CI, skip on a developer machine."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        message = f"{POSTGRES_ENV} is not set: run the tests through .ci/run (it starts PostgreSQL)"
        if os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}:
            pytest.fail(message)
        pytest.skip(message)
    return url


def reset_database(url: str) -> None:
    """Drop every table of the bot (and the migration stamp): the next bot starts empty."""
    engine = sa.create_engine(normalize_url(url))
    try:
        with engine.begin() as connection:
            METADATA.drop_all(connection)
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        engine.dispose()
