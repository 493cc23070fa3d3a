"""Shared fixtures: the real knowledge and a small complete fixture knowledge."""

from __future__ import annotations

from pathlib import Path

import pytest

from t2bot.knowledge import Knowledge, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
REAL_KNOWLEDGE = ROOT / "knowledge"
MINI_KNOWLEDGE = Path(__file__).resolve().parent / "fixtures" / "mini_knowledge"


@pytest.fixture(scope="session")
def real_kb() -> Knowledge:
    return load_knowledge(REAL_KNOWLEDGE)


@pytest.fixture(scope="session")
def mini_kb() -> Knowledge:
    return load_knowledge(MINI_KNOWLEDGE)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """simcord waits for timers due within its settle window; keep that window under the
    unanswered-tap watchdog's 2.5 s so each simulated tap does not wait for it in real time."""
    for item in items:
        if item.get_closest_marker("simcord") is None:
            item.add_marker(pytest.mark.simcord(settle_timeout=2.0))
