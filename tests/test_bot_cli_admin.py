"""For the admin (issue 11): every setting checked at start with one fix-it line and exit 2; no
secret in any output of any command-line path; plain log lines off a terminal; PostgreSQL as an
optional extra; backup and restore of the SQLite file."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import socket
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import bot
from t2bot.settings import RETENTION_DAYS_RANGE, Settings, SettingsError
from t2bot.storage import Store, StoreConfigError, backup, checks
from t2bot.storage import __main__ as storage_cli
from tests.conftest import ROOT

TOKEN = "MTIzNDU2Nzg5.Gsecret-token-for-tests.abcdefghijklmnopqrstuvwx"
PASSWORD = "pg-Secret-77"

BAD_SETTINGS = {
    "retention too long": ("RETENTION_DAYS", "4000"),
    "retention zero": ("RETENTION_DAYS", "0"),
    "retention negative": ("RETENTION_DAYS", "-3"),
    "retention words": ("RETENTION_DAYS", "half a year"),
    "emergency banana": ("EMERGENCY_NUMBER", "banana"),
    "emergency 2000 characters": ("EMERGENCY_NUMBER", "1" * 2000),
    "emergency one digit": ("EMERGENCY_NUMBER", "1"),
    "emergency 17 digits": ("EMERGENCY_NUMBER", "12345678901234567"),
    "emergency plus inside": ("EMERGENCY_NUMBER", "11+2"),
    "emergency lone plus": ("EMERGENCY_NUMBER", "+ 112"),
    "dev guild words": ("DEV_GUILD_ID", "my server"),
    "dev guild negative": ("DEV_GUILD_ID", "-5"),
    "dev guild too big": ("DEV_GUILD_ID", str(2**64)),
    "log level": ("LOG_LEVEL", "loud"),
    "database scheme": ("DATABASE_URL", "mysql://root:pw@localhost/t2"),
    "token with a space": ("DISCORD_TOKEN", "Bot " + TOKEN),
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """A clean environment, no .env file, in a scratch folder with the knowledge."""
    for name in ("DISCORD_TOKEN", "DATABASE_URL", "RETENTION_DAYS", "EMERGENCY_NUMBER"):
        monkeypatch.delenv(name, raising=False)
    for name in ("DEV_GUILD_ID", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KNOWLEDGE_DIR", str(ROOT / "knowledge"))
    monkeypatch.setattr("bot.load_dotenv", lambda: None)
    monkeypatch.setattr(storage_cli, "load_dotenv", lambda: None)
    monkeypatch.chdir(tmp_path)
    yield monkeypatch


@pytest.mark.parametrize(("name", "value"), BAD_SETTINGS.values(), ids=BAD_SETTINGS.keys())
@pytest.mark.parametrize("mode", [[], ["--console"], ["--check-knowledge"], ["--sync"]])
def test_a_bad_setting_is_one_line_and_exit_2_in_every_mode(
    env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    value: str,
    mode: list[str],
) -> None:
    env.setenv("DISCORD_TOKEN", TOKEN)
    env.setenv(name, value)
    assert bot.main(mode) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"Configuration problem: {name}"), err
    assert err.count("\n") == 1 and "Traceback" not in err and not out
    assert TOKEN not in err and "pw@" not in err


@pytest.mark.parametrize(("name", "value"), [("RETENTION_DAYS", "4000"), ("LOG_LEVEL", "x")])
def test_the_storage_command_checks_the_settings_too(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, value: str
) -> None:
    env.setenv(name, value)
    assert storage_cli.main(["purge"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Configuration problem: {name}") and err.count("\n") == 1


def test_limits_are_documented_where_the_admin_looks() -> None:
    readme = (ROOT / "README.md").read_text()
    example = (ROOT / ".env.example").read_text()
    for text in (readme, example):
        assert "3650" in text and "15 digits" in text


def test_good_settings_are_read() -> None:
    settings = Settings.from_env(
        {"RETENTION_DAYS": "3650", "DEV_GUILD_ID": "1234567890123456789", "LOG_LEVEL": "debug"}
    )
    assert settings.retention_days == 3650 and settings.dev_guild_id == 1234567890123456789
    assert settings.log_level == "DEBUG"
    with pytest.raises(SettingsError, match="from 1 to 3650"):
        Settings.from_env({"RETENTION_DAYS": "3651"})
    # The start refuses exactly what the store would (settings.py does not import the store).
    assert RETENTION_DAYS_RANGE == checks.RETENTION_RANGE


def test_a_missing_knowledge_folder_is_a_configuration_problem(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    env.setenv("KNOWLEDGE_DIR", str(tmp_path / "nowhere"))
    env.setenv("DISCORD_TOKEN", TOKEN)
    assert bot.main([]) == 2
    err = capsys.readouterr().err
    assert "KNOWLEDGE_DIR" in err and "WorkingDirectory" in err


# ---------------------------------------------------------------- PostgreSQL as an extra


def test_postgres_without_the_driver_says_how_to_install_it(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setitem(sys.modules, "psycopg", None)  # as after `uv sync --no-dev` without the extra
    url = f"postgresql://t2bot:{PASSWORD}@127.0.0.1:5432/t2bot"
    with pytest.raises(StoreConfigError, match="uv sync --extra postgres"):
        Store(url)
    env.setenv("DATABASE_URL", url)
    env.setenv("DISCORD_TOKEN", TOKEN)
    assert bot.main([]) == 2
    err = capsys.readouterr().err
    assert "--extra postgres" in err and PASSWORD not in err and "Traceback" not in err


def test_psycopg_is_the_postgres_extra_and_in_the_dev_group() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert not any("psycopg" in d for d in project["project"]["dependencies"])
    assert any("psycopg" in d for d in project["project"]["optional-dependencies"]["postgres"])
    assert any("psycopg" in d for d in project["dependency-groups"]["dev"])


# ---------------------------------------------------------------- logs


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def test_log_lines_are_plain_when_not_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, root_logging: None
) -> None:
    import discord

    # discord.py colours whenever it believes the stream can (in Docker: always).
    monkeypatch.setattr(discord.utils, "stream_supports_colour", lambda _stream: True)
    journal = io.StringIO()
    bot.setup_logging("INFO", journal)
    logging.getLogger("t2bot").warning("plain line")
    line = journal.getvalue()
    assert "plain line" in line and "WARNING" in line
    assert "\x1b" not in line
    assert bot.log_formatter(_Terminal()) is None  # a real terminal keeps discord.py's colours


# ---------------------------------------------------------------- backup and restore


def _database(path: Path, saves: int, first: int = 1000) -> str:
    url = f"sqlite:///{path}"

    async def fill() -> None:
        store = Store(url)
        await store.start()
        for n in range(saves):
            await store.save_result(
                user_id=first + n,
                guild_id=None,
                urgency=None,
                contributor_ids=["a"],
                tip_ids=[],
                knowledge_version="v1",
            )
        await store.close()

    asyncio.run(fill())
    return url


def _count(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM saved_result").fetchone()[0])


def test_backup_then_restore_brings_the_rows_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "data" / "t2bot.sqlite3"
    url = _database(db, saves=3)
    copy = tmp_path / "t2bot-backup.sqlite3"
    assert backup.main(url, backup_to=copy, restore_from=None) == 0
    assert "Backed up" in capsys.readouterr().out
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert _count(copy) == 3
    assert backup.main(url, backup_to=copy, restore_from=None) == 1  # never overwrites
    assert "already exists" in capsys.readouterr().err

    _database(db, saves=2, first=2000)  # more rows after the backup
    assert _count(db) == 5
    assert backup.main(url, backup_to=None, restore_from=copy) == 0
    assert "Restored" in capsys.readouterr().out
    assert _count(db) == 3


def test_restore_is_refused_while_a_bot_holds_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "t2bot.sqlite3"
    url = _database(db, saves=1)
    copy = tmp_path / "copy.sqlite3"
    assert backup.main(url, backup_to=copy, restore_from=None) == 0
    _database(db, saves=1, first=2000)
    running = backup.hold_shared(url)  # what bot.py holds while it runs
    assert running is not None
    try:
        assert backup.main(url, backup_to=None, restore_from=copy) == 1
        assert "stop it first" in capsys.readouterr().err
        assert _count(db) == 2, "nothing was changed"
    finally:
        running.close()


def test_restore_refuses_a_file_that_is_not_a_bot_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _database(tmp_path / "t2bot.sqlite3", saves=1)
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE t (x)")
    for wrong in (junk, other, tmp_path / "missing.sqlite3"):
        assert backup.main(url, backup_to=None, restore_from=wrong) == 1
        assert "nothing was changed" in capsys.readouterr().err.lower() or not wrong.exists()
    assert _count(tmp_path / "t2bot.sqlite3") == 1


def test_postgres_backup_points_to_pg_dump_without_the_password(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"postgresql://t2bot:{PASSWORD}@db.example.org/t2bot"
    assert backup.main(url, backup_to=tmp_path / "x", restore_from=None) == 2
    err = capsys.readouterr().err
    assert "pg_dump" in err and "pg_restore" in err and PASSWORD not in err
    assert not (tmp_path / "x").exists()


# ---------------------------------------------------------------- no secret in any output


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(args: list[str], env: dict[str, str], cwd: Path, stdin: str = "") -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL"}}
    clean |= {"KNOWLEDGE_DIR": str(ROOT / "knowledge"), "PYTHONPATH": str(ROOT), **env}
    done = subprocess.run(
        [sys.executable, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=clean,
    )
    return f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"


SAVE_TAPS = "\n".join(["1", "11", "9", "7", "5", "1", "1", "1", "2", "1", "1", "1", "4", "s", "3"])
PATHS = {
    "run": ["bot.py"],
    "sync": ["bot.py", "--sync"],
    "sync dev guild": ["bot.py", "--sync", "--dev-guild", "123456789012345678"],
    "clear dev guild": ["bot.py", "--clear-dev-guild", "123456789012345678"],
    "check knowledge": ["bot.py", "--check-knowledge"],
    "console save": ["bot.py", "--console"],
    "backup": ["bot.py", "--backup", "copy.sqlite3"],
    "restore": ["bot.py", "--restore", "copy.sqlite3"],
    "help": ["bot.py", "--help"],
    "storage upgrade": ["-m", "t2bot.storage", "upgrade"],
    "storage current": ["-m", "t2bot.storage", "current"],
    "storage downgrade": ["-m", "t2bot.storage", "downgrade", "0001"],
    "storage purge": ["-m", "t2bot.storage", "purge"],
}


def _urls() -> dict[str, str]:
    urls = {
        "postgres down": f"postgresql://t2bot:{PASSWORD}@127.0.0.1:{_closed_port()}/t2bot",
        "postgres encoded": f"postgresql://t2bot:{PASSWORD}%2F%40@127.0.0.1:{_closed_port()}/t2",
        "bad port": f"postgresql://t2bot:{PASSWORD}@127.0.0.1:notaport/t2bot",
        "raw at sign": f"postgresql://t2bot:{PASSWORD}@x@127.0.0.1:5432/t2bot",
    }
    real = os.environ.get("T2_TEST_POSTGRES_URL", "").strip()
    if real:  # a live server refusing a wrong password
        scheme, rest = real.split("://", 1)
        user, host = rest.split("@", 1)
        urls["postgres wrong password"] = f"{scheme}://{user.split(':')[0]}:{PASSWORD}@{host}"
    return urls


#: Paths that parse DATABASE_URL themselves get every spelling; the others the database errors.
EVERY_URL = {"run", "console save", "storage upgrade", "backup"}
NO_DATABASE = {"help", "check knowledge"}


@pytest.mark.parametrize("path", PATHS, ids=PATHS)
def test_no_password_or_token_in_any_output(tmp_path: Path, path: str) -> None:
    args = PATHS[path]
    script = [str(ROOT / args[0]), *args[1:]] if args[0] == "bot.py" else args
    stdin = SAVE_TAPS + "\n" if "--console" in args else ""
    urls = _urls()
    if path in NO_DATABASE:
        urls = {"postgres down": urls["postgres down"]}
    elif path not in EVERY_URL:
        urls = {k: v for k, v in urls.items() if k in {"postgres down", "postgres wrong password"}}
    for name, url in urls.items():
        output = _run(script, {"DATABASE_URL": url, "DISCORD_TOKEN": TOKEN}, tmp_path, stdin)
        assert PASSWORD not in output, f"{name}: {output}"
        assert TOKEN not in output and "Gsecret-token" not in output, f"{name}: {output}"
        assert "Traceback" not in output, f"{name}: {output}"


@pytest.mark.parametrize("action", [["upgrade"], ["current"], ["purge"]])
def test_the_storage_command_without_the_driver_says_how_to_install_it(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], action: list[str]
) -> None:
    env.setitem(sys.modules, "psycopg", None)
    env.setenv("DATABASE_URL", f"postgresql://t2bot:{PASSWORD}@127.0.0.1:5432/t2bot")
    assert storage_cli.main(action) == 2
    err = capsys.readouterr().err
    assert "--extra postgres" in err and PASSWORD not in err and "Traceback" not in err
