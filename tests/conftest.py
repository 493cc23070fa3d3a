"""Shared fixtures: the real knowledge and a small complete fixture knowledge."""

from __future__ import annotations

from pathlib import Path

import pytest

from t2bot.knowledge import Knowledge, KnowledgeError, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
REAL_KNOWLEDGE = ROOT / "knowledge"
MINI_KNOWLEDGE = Path(__file__).resolve().parent / "fixtures" / "mini_knowledge"
STRETCH_KNOWLEDGE = Path(__file__).resolve().parent / "fixtures" / "stretch_knowledge"


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


def real_knowledge() -> Knowledge | None:
    """The project's knowledge folder, if it has stretches and loads cleanly."""
    if not any(REAL_KNOWLEDGE.glob("stretches*.y*ml")):
        return None
    try:
        kb = load_knowledge(REAL_KNOWLEDGE)
    except KnowledgeError:
        return None
    return kb if kb.stretches else None


@pytest.fixture(scope="session")
def fixture_kb() -> Knowledge:
    return load_knowledge(STRETCH_KNOWLEDGE)


@pytest.fixture(scope="session", params=["fixture", "real"])
def any_kb(request: pytest.FixtureRequest, fixture_kb: Knowledge) -> Knowledge:
    """Each content-independent test runs on the fixture and on the real knowledge."""
    if request.param == "fixture":
        return fixture_kb
    kb = real_knowledge()
    if kb is None:
        pytest.skip("knowledge/ has no loadable stretches yet")
    return kb
