"""Database URLs and engines: SQLite (WAL, busy timeout, BEGIN IMMEDIATE writes), PostgreSQL."""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import StaticPool

#: Execution option marking a connection whose transaction will write (SQLite: BEGIN IMMEDIATE).
WRITE_OPTION = "t2_write"


class StoreConfigError(ValueError):
    """``DATABASE_URL`` cannot be used; the message says why."""


def normalize_url(raw: str) -> URL:
    """Parse ``raw``; plain ``postgresql://`` (or ``postgres://``) means the psycopg 3 driver.

    Error messages never repeat the URL or any part of the password."""
    try:
        url = make_url(raw.strip())
    except sa.exc.ArgumentError:
        raise StoreConfigError(
            "DATABASE_URL is not a database URL. Use e.g. sqlite:///data/t2bot.sqlite3 or "
            "postgresql://user:password@host:5432/dbname"
        ) from None
    except ValueError:  # int() of the port
        raise StoreConfigError(
            "DATABASE_URL has a port that is not a number (host:5432). If the password holds "
            "':' or '@', write them percent-encoded (%3A, %40)."
        ) from None
    if "@" in (url.host or ""):
        raise StoreConfigError(
            "DATABASE_URL seems to have an '@' in its password: write it percent-encoded as %40 "
            "(also ':' as %3A, '/' as %2F, '%' as %25), e.g. "
            "postgresql://t2bot:pa%40ss@db.example.org:5432/t2bot"
        )
    if url.drivername in {"postgresql", "postgres"}:
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in {"sqlite", "postgresql"}:
        raise StoreConfigError("DATABASE_URL must be a sqlite:/// or postgresql:// URL.")
    return url


def is_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in {None, "", ":memory:"}


def sqlite_file(url: URL) -> Path | None:
    """The SQLite file (relative to the working directory unless absolute), or None."""
    if url.get_backend_name() != "sqlite" or is_memory(url) or url.query.get("uri"):
        return None
    return Path(url.database or "")


def shown(url: URL) -> str:
    """The URL for messages: the password is masked."""
    return url.render_as_string(hide_password=True)


def scrub(text: str, url: URL) -> str:
    """``text`` (e.g. a driver's error message) without the URL's password in any spelling."""
    password = url.password
    if not password:
        return text
    secret = str(password)
    for spelling in {secret, quote(secret, safe=""), quote(secret)}:
        if len(spelling) >= 2:
            text = text.replace(spelling, "***")
    return text


#: SQLite's own files next to the database; they hold recent changes (the WAL: whole pages).
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def prepare_sqlite_file(path: Path) -> None:
    """Create the data folder and the file readable by this user only (it holds health data).

    A file that already exists readable by others (say a restored backup) is tightened to
    0600, with its WAL and shared-memory files; if that is not allowed, the bot refuses to start.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for file in (path, *(path.with_name(path.name + end) for end in SQLITE_COMPANIONS)):
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            try:
                os.chmod(file, mode & 0o700 | 0o600)
            except OSError:
                raise StoreConfigError(
                    f"{file} is readable by other users (mode {mode:o}) and cannot be made "
                    f"private. It holds health data: run 'chmod 600 {file}' as its owner, or "
                    "start the bot as the user who owns it."
                ) from None


def make_engine(url: URL, *, lock_timeout: float) -> Engine:
    """An engine that waits at most ``lock_timeout`` seconds for a lock before failing."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, lock_timeout)
    require_psycopg()
    # The pre-ping (a restarted server costs one failed check, not a failed request) is done by
    # the store on checkout, where it can be interrupted (t2bot.storage.base).
    return sa.create_engine(
        url,
        hide_parameters=True,  # no member ids in database error messages or logs
        pool_size=5,
        max_overflow=5,
        pool_timeout=max(lock_timeout, 1.0),
        connect_args=postgres_connect_args(lock_timeout),
    )


def require_psycopg() -> None:
    """PostgreSQL needs the optional ``postgres`` extra (psycopg); say how to install it."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise StoreConfigError(
            "DATABASE_URL is a PostgreSQL URL but the PostgreSQL driver (psycopg) is not "
            "installed: run 'uv sync --extra postgres' and start with "
            "'uv run --no-dev --extra postgres bot.py'"
        ) from None


def postgres_connect_args(lock_timeout: float) -> dict[str, Any]:
    """Client timeouts: connecting, a peer that stops answering (keepalives; unacknowledged data
    after ``tcp_user_timeout``), and the server's own lock and statement limits."""
    timeout_ms = max(1, int(lock_timeout * 1000))
    return {
        "connect_timeout": max(2, math.ceil(lock_timeout)),
        "application_name": "t2bot",
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": max(5_000, timeout_ms * 5),
        "options": f"-c lock_timeout={timeout_ms} -c statement_timeout={timeout_ms * 5}",
    }


def checkpoint(engine: Engine) -> None:
    """SQLite: copy the WAL into the database file and empty it, so that rows just deleted (and
    overwritten, ``secure_delete``) do not linger in old WAL pages. No-op elsewhere."""
    if engine.dialect.name != "sqlite" or is_memory(engine.url):
        return
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def _sqlite_engine(url: URL, lock_timeout: float) -> Engine:
    kwargs: dict[str, Any] = {
        "connect_args": {"timeout": lock_timeout, "check_same_thread": False},
    }
    memory = is_memory(url)
    if memory:
        kwargs["poolclass"] = StaticPool  # one shared in-memory database
    engine = sa.create_engine(url, hide_parameters=True, **kwargs)

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (below) issue BEGIN itself, so writes can use BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {max(1, int(lock_timeout * 1000))}")
            cursor.execute("PRAGMA foreign_keys = ON")
            # Deleted rows are overwritten with zeros, not just marked free (GDPR delete).
            cursor.execute("PRAGMA secure_delete = ON")
            if not memory:
                cursor.execute("PRAGMA journal_mode = WAL")  # readers never wait for the writer
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        # A write takes the write lock at BEGIN (waiting up to busy_timeout), so it never fails
        # half-way through when another process wrote in between.
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
