"""Backup and restore of the SQLite database with Python's ``sqlite3`` backup API.

``uv run bot.py --backup FILE`` copies the database page by page while the bot may keep running
(the copy is consistent). ``uv run bot.py --restore FILE`` replaces the database with such a copy,
only while no bot uses it: a running bot holds a shared ``flock`` on the database file
(:func:`hold_shared`), and the restore needs it exclusively. PostgreSQL has its own tools
(``pg_dump`` / ``pg_restore``); for a PostgreSQL URL the command says so.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import IO

from t2bot.storage.database import (
    StoreConfigError,
    normalize_url,
    prepare_sqlite_file,
    shown,
    sqlite_file,
)

EXIT_ERROR = 1
EXIT_USAGE = 2

POSTGRES_HOWTO = (
    "DATABASE_URL is PostgreSQL: back it up with PostgreSQL's own tools, for example\n"
    "  pg_dump --format=custom --file t2bot.dump --dbname 'postgresql://USER@HOST:5432/DBNAME'\n"
    "and restore into an empty database (bot stopped) with\n"
    "  pg_restore --clean --if-exists --no-owner --dbname 'postgresql://USER@HOST:5432/DBNAME' "
    "t2bot.dump\n"
    "(the password from ~/.pgpass or PGPASSWORD, never on the command line)."
)


class BackupError(Exception):
    """The backup or restore was refused or failed; the message says why and what to do."""


def database_file(database_url: str) -> Path:
    """The SQLite file of ``database_url``; ``BackupError`` for PostgreSQL or in-memory."""
    url = normalize_url(database_url)
    if url.get_backend_name() == "postgresql":
        raise BackupError(POSTGRES_HOWTO)
    path = sqlite_file(url)
    if path is None:
        raise BackupError(f"{shown(url)} is not a database file; there is nothing to copy.")
    return path


def hold_shared(database_url: str) -> IO[bytes] | None:
    """For a running bot: a shared lock on its SQLite file (released when the returned file is
    closed or the process ends), so a restore refuses to replace it. None for PostgreSQL."""
    url = normalize_url(database_url)
    path = sqlite_file(url)
    if path is None:
        return None
    prepare_sqlite_file(path)
    handle = path.open("rb")
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise BackupError(
            f"{path} is being restored (uv run bot.py --restore); start the bot when that is done."
        ) from None
    return handle


def backup(database_url: str, target: Path) -> int:
    """Copy the database to ``target`` (a new file, readable by this user only); returns pages."""
    source = database_file(database_url)
    if not source.is_file():
        raise BackupError(f"{source} does not exist yet: there is nothing to back up.")
    if target.exists():
        raise BackupError(f"{target} already exists; name a new file (nothing was changed).")
    try:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise BackupError(f"cannot create {target}: {exc.strerror}.") from None
    try:
        with closing(_connect(source, read_only=True)) as src, closing(_connect(target)) as dst:
            src.backup(dst)
            pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
            _check_copy(dst, target)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    except (sqlite3.Error, BackupError) as exc:
        target.unlink(missing_ok=True)
        raise BackupError(f"the backup failed ({exc}); nothing was written.") from None
    return pages


def restore(database_url: str, source: Path) -> Path:
    """Replace the database with the backup ``source``, if no bot is using it."""
    target = database_file(database_url)
    if not source.is_file():
        raise BackupError(f"{source} does not exist; nothing was changed.")
    try:
        with closing(_connect(source, read_only=True)) as src:
            _check_copy(src, source)
    except sqlite3.Error:
        raise BackupError(f"{source} is not a SQLite database; nothing was changed.") from None
    except BackupError as exc:
        raise BackupError(f"{exc}; nothing was changed.") from None
    prepare_sqlite_file(target)
    with target.open("rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(
                f"the bot is running on {target}; stop it first (sudo systemctl stop t2bot), "
                "then restore. Nothing was changed."
            ) from None
        try:
            # Closed before the lock's file is: closing any descriptor of the file drops
            # the process's POSIX locks on it, SQLite's included.
            with (
                closing(_connect(source, read_only=True)) as src,
                closing(_connect(target, timeout=0)) as dst,
            ):
                src.backup(dst)
        except sqlite3.OperationalError:
            raise BackupError(
                f"another program has {target} open; stop it and try again. Nothing was changed."
            ) from None
    return target


def _connect(path: Path, *, read_only: bool = False, timeout: float = 5.0) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    return sqlite3.connect(path, timeout=timeout)


def _check_copy(connection: sqlite3.Connection, path: Path) -> None:
    """A bot database: intact, with the migrations' version table."""
    if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
        raise BackupError(f"{path} is damaged (PRAGMA quick_check failed)")
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    if "alembic_version" not in tables:
        raise BackupError(f"{path} is not a T2 bot database (no alembic_version table)")


def main(database_url: str, *, backup_to: Path | None, restore_from: Path | None) -> int:
    """``bot.py --backup FILE`` / ``--restore FILE``: one line on success, one on refusal."""
    try:
        if backup_to is not None:
            pages = backup(database_url, backup_to)
            print(
                f"Backed up the database to {backup_to} ({pages} pages). It holds health "
                "data: keep it private (the file is readable by this user only)."
            )
        elif restore_from is not None:
            target = restore(database_url, restore_from)
            print(
                f"Restored {target} from {restore_from}; migrations run when the bot starts. "
                "What members deleted after the backup was made is back in it."
            )
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE if str(exc) == POSTGRES_HOWTO else EXIT_ERROR
    except StoreConfigError as exc:
        print(f"DATABASE_URL cannot be used: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return 0
