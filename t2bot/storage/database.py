"""Database URLs and engines: SQLite (WAL, busy timeout, BEGIN IMMEDIATE writes), PostgreSQL."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import StaticPool

#: Execution option marking a connection whose transaction will write (SQLite: BEGIN IMMEDIATE).
WRITE_OPTION = "t2_write"


class StoreConfigError(ValueError):
    """``DATABASE_URL`` cannot be used; the message says why."""


def normalize_url(raw: str) -> URL:
    """Parse ``raw``; plain ``postgresql://`` (or ``postgres://``) means the psycopg 3 driver."""
    try:
        url = make_url(raw.strip())
    except sa.exc.ArgumentError:
        raise StoreConfigError(
            "DATABASE_URL is not a database URL. Use e.g. sqlite:///data/t2bot.sqlite3 or "
            "postgresql://user:password@host:5432/dbname"
        ) from None
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


def prepare_sqlite_file(path: Path) -> None:
    """Create the data folder and the file readable by this user only (it holds health data)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def make_engine(url: URL, *, lock_timeout: float) -> Engine:
    """An engine that waits at most ``lock_timeout`` seconds for a lock before failing."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, lock_timeout)
    timeout_ms = max(1, int(lock_timeout * 1000))
    return sa.create_engine(
        url,
        hide_parameters=True,  # no member ids in database error messages or logs
        pool_pre_ping=True,  # a restarted server costs one failed check, not a failed request
        pool_size=5,
        max_overflow=5,
        pool_timeout=max(lock_timeout, 1.0),
        connect_args={
            "connect_timeout": max(2, math.ceil(lock_timeout)),
            "application_name": "t2bot",
            "options": f"-c lock_timeout={timeout_ms} -c statement_timeout={timeout_ms * 5}",
        },
    )


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
