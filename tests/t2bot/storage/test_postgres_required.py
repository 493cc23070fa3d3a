"""The PostgreSQL tests never silently skip in CI."""

from __future__ import annotations

import pytest

from tests.t2bot.storage.conftest import POSTGRES_ENV, postgres_url


def test_missing_server_fails_in_ci(monkeypatch) -> None:
    monkeypatch.delenv(POSTGRES_ENV, raising=False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=POSTGRES_ENV):
        postgres_url()


def test_missing_server_skips_on_a_developer_machine(monkeypatch) -> None:
    monkeypatch.delenv(POSTGRES_ENV, raising=False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        postgres_url()
