"""Migrations: an old database with data upgrades intact; the models match the migrations."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from t2bot.storage import Store, migrate
from t2bot.storage.database import make_engine, normalize_url, prepare_sqlite_file, sqlite_file
from t2bot.storage.models import METADATA

ROOT = Path(__file__).resolve().parents[3]
ALICE = 111_111_111_111_111_111
GUILD = 900_000_000_000_000_001
SAVED = datetime(2025, 2, 1, 8, 30, tzinfo=UTC)


def engine_for(url: str) -> sa.Engine:
    parsed = normalize_url(url)
    path = sqlite_file(parsed)
    if path is not None:
        prepare_sqlite_file(path)
    return make_engine(parsed, lock_timeout=5.0)


def fill_first_schema(engine: sa.Engine) -> None:
    """Rows as the first release wrote them (plain SQL: the models describe the newest schema)."""
    stamp = SAVED if engine.dialect.name == "postgresql" else SAVED.replace(tzinfo=None)
    rows = {
        "saved_result": dict(
            id=7,
            user_id=ALICE,
            guild_id=GUILD,
            urgency="soon",
            contributor_ids='["bike_fit", "worn_shoes"]',
            tip_ids='["rest"]',
            knowledge_version="v1",
            saved_utc=stamp,
        ),
        "guild_settings": dict(
            guild_id=GUILD,
            emergency_number="144",
            retention_days=365,
            allow_sharing=True,
            updated_utc=stamp,
        ),
        "reminder": dict(
            id=3,
            user_id=ALICE,
            guild_id=GUILD,
            focus="hips",
            minutes=10,
            local_time="07:30",
            days="[0, 3]",
            timezone="Europe/Zurich",
            next_due_utc=stamp,
            enabled=True,
            failure_reason=None,
            last_sent_utc=None,
            created_utc=stamp,
        ),
        "followup": dict(user_id=ALICE, guild_id=None, due_utc=stamp, created_utc=stamp),
    }
    with engine.begin() as connection:
        for table, values in rows.items():
            columns = ", ".join(values)
            params = ", ".join(f":{name}" for name in values)
            connection.execute(
                sa.text(f"INSERT INTO {table} ({columns}) VALUES ({params})"), values
            )
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            connection.execute(sa.text("SELECT setval('saved_result_id_seq', 7)"))
            connection.execute(sa.text("SELECT setval('reminder_id_seq', 3)"))


async def test_a_first_schema_database_with_data_upgrades_intact(shared_db_url) -> None:
    engine = engine_for(shared_db_url)
    try:
        migrate.upgrade(engine, "0001")
        assert migrate.current_revision(engine) == "0001"
        columns = {c["name"] for c in sa.inspect(engine).get_columns("reminder")}
        assert "lease_until_utc" not in columns  # really the old schema
        fill_first_schema(engine)
    finally:
        engine.dispose()

    store = Store(shared_db_url, retention_days=180)
    await store.start()  # upgrades to the newest revision
    try:
        assert migrate.current_revision(store._engine) == migrate.head_revision() != "0001"
        (saved,) = await store.history(ALICE)
        assert (saved.id, saved.urgency, saved.contributor_ids, saved.tip_ids) == (
            7,
            "soon",
            ("bike_fit", "worn_shoes"),
            ("rest",),
        )
        assert saved.saved_utc == SAVED and saved.guild_id == GUILD
        settings = await store.guild_settings(GUILD)
        assert (settings.emergency_number, settings.retention_days, settings.allow_sharing) == (
            "144",
            365,
            True,
        )
        (reminder,) = await store.reminders_for(ALICE)
        assert (reminder.id, reminder.focus, reminder.days, reminder.timezone) == (
            3,
            "hips",
            (0, 3),
            "Europe/Zurich",
        )
        assert reminder.next_due_utc == SAVED and reminder.claimed_by is None
        followup = await store.followup_for(ALICE)
        assert followup is not None and followup.due_utc == SAVED
        # The new columns work on the old rows, and new rows get fresh ids.
        claimed = await store.claim_due_reminders(SAVED + timedelta(minutes=1), worker="w")
        assert [r.id for r in claimed] == [3] and claimed[0].lease_until_utc is not None
        newer = await store.save_result(
            user_id=ALICE,
            guild_id=None,
            urgency=None,
            contributor_ids=[],
            tip_ids=[],
            knowledge_version="v2",
        )
        assert newer.id > 7
    finally:
        await store.close()


def test_models_match_the_newest_migration(shared_db_url) -> None:
    """models.py and migrations/ describe the same schema (else a migration is missing)."""
    engine = engine_for(shared_db_url)
    try:
        migrate.upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, METADATA) == []
    finally:
        engine.dispose()


def test_downgrade_then_upgrade_again(shared_db_url) -> None:
    engine = engine_for(shared_db_url)
    try:
        migrate.upgrade(engine)
        migrate.downgrade(engine, "0001")
        assert migrate.current_revision(engine) == "0001"
        indexes = {index["name"] for index in sa.inspect(engine).get_indexes("reminder")}
        assert "ix_reminder_due" not in indexes
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()


def test_upgrade_command_creates_the_default_sqlite_file(tmp_path) -> None:
    """``uv run python -m t2bot.storage upgrade`` as documented, with the default DATABASE_URL."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "t2bot.storage", "upgrade"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    database = tmp_path / "data" / "t2bot.sqlite3"
    assert database.exists() and f"at revision {migrate.head_revision()}" in done.stdout
    assert oct(database.stat().st_mode & 0o777) == oct(0o600)  # health data: owner only
    done = subprocess.run(
        [sys.executable, "-m", "t2bot.storage", "current"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    head = migrate.head_revision()
    assert done.returncode == 0 and f"at revision {head}; newest is {head}" in done.stdout
