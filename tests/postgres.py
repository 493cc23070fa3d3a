"""The test PostgreSQL server, shared by the storage and end-to-end tests.

``.ci/run`` starts a server and sets ``T2_TEST_POSTGRES_URL``. Without it the PostgreSQL tests
fail in CI (``CI`` set) and are skipped on a developer machine.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from t2bot.storage.database import normalize_url
from t2bot.storage.models import METADATA

POSTGRES_ENV = "T2_TEST_POSTGRES_URL"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def postgres_url() -> str:
    """The test server's URL; fails in CI, skips elsewhere, if it is not set."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        message = (
            f"{POSTGRES_ENV} is not set: run the tests through .ci/run (it starts "
            "PostgreSQL) or point it at an empty test database"
        )
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return url


def reset_database(url: str) -> None:
    """Drop every table of the bot (and the migration stamp): the next user starts empty."""
    engine = sa.create_engine(normalize_url(url))
    try:
        with engine.begin() as connection:
            METADATA.drop_all(connection)
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        engine.dispose()
