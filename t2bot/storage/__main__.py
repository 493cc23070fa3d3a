"""Database maintenance without starting the bot.

    uv run python -m t2bot.storage upgrade          apply the migrations (the bot does on start)
    uv run python -m t2bot.storage current          show the database's revision and the newest one
    uv run python -m t2bot.storage downgrade REV    go back to revision REV (e.g. 0001)
    uv run python -m t2bot.storage purge            delete saved results past their retention now
    uv run python -m t2bot.storage revision -m MSG  (developers) new migration from models.py

The database is ``DATABASE_URL`` from the environment or ``.env`` (default: the SQLite file).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from alembic import command
from dotenv import load_dotenv

from t2bot.settings import Settings, SettingsError
from t2bot.storage import migrate
from t2bot.storage.database import (
    StoreConfigError,
    make_engine,
    normalize_url,
    prepare_sqlite_file,
    sqlite_file,
)
from t2bot.storage.store import Store, StoreUnavailable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m t2bot.storage", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="action", required=True)
    up = sub.add_parser("upgrade", help="apply migrations")
    up.add_argument("revision", nargs="?", default="head")
    sub.add_parser("current", help="show the revision")
    down = sub.add_parser("downgrade", help="go back to a revision")
    down.add_argument("revision")
    sub.add_parser("purge", help="delete expired saved results now")
    rev = sub.add_parser("revision", help="create a migration (developers)")
    rev.add_argument("-m", "--message", required=True)
    args = parser.parse_args(argv)

    load_dotenv()
    try:
        settings = Settings.from_env()
        url = normalize_url(settings.database_url)
    except (SettingsError, StoreConfigError) as exc:
        print(f"Configuration problem: {exc}", file=sys.stderr)
        return 2
    if args.action == "purge":
        return asyncio.run(_purge(settings))

    try:
        path = sqlite_file(url)
        if path is not None:
            prepare_sqlite_file(path)
        engine = make_engine(url, lock_timeout=10.0)
    except StoreConfigError as exc:
        print(f"DATABASE_URL cannot be used: {exc}", file=sys.stderr)
        return 2
    shown = url.render_as_string(hide_password=True)
    try:
        if args.action == "upgrade":
            migrate.upgrade(engine, args.revision)
            print(f"{shown}: at revision {migrate.current_revision(engine)}")
        elif args.action == "downgrade":
            migrate.downgrade(engine, args.revision)
            print(f"{shown}: at revision {migrate.current_revision(engine)}")
        elif args.action == "current":
            print(
                f"{shown}: at revision {migrate.current_revision(engine) or '(empty)'}; "
                f"newest is {migrate.head_revision()}"
            )
        else:
            with engine.connect() as connection:
                command.revision(
                    migrate.alembic_config(connection), message=args.message, autogenerate=True
                )
    except Exception as exc:  # a CLI: say what failed, no traceback wall
        print(
            f"Failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
            file=sys.stderr,
        )
        return 1
    finally:
        engine.dispose()
    return 0


async def _purge(settings: Settings) -> int:
    try:
        store = Store(settings.database_url, retention_days=settings.retention_days)
    except StoreConfigError as exc:
        print(f"DATABASE_URL cannot be used: {exc}", file=sys.stderr)
        return 2
    try:
        await store.start()
        removed = await store.purge_expired()
    except StoreUnavailable as exc:
        print(f"Database unavailable: {exc}", file=sys.stderr)
        return 1
    finally:
        await store.close()
    print(f"Deleted {removed} expired saved result(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
