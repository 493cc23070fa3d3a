"""Fixtures for the stretch tests: the small fixture knowledge, and the real one once it loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from t2bot.knowledge import KnowledgeError, load_knowledge
from t2bot.knowledge.model import Knowledge

HERE = Path(__file__).parent
FIXTURE_DIR = HERE / "fixtures" / "knowledge"
REAL_DIR = HERE.parent.parent / "knowledge"


def real_knowledge() -> Knowledge | None:
    """The project's knowledge folder, if it has stretches and loads cleanly."""
    if not any(REAL_DIR.glob("stretches*.y*ml")):
        return None
    try:
        kb = load_knowledge(REAL_DIR)
    except KnowledgeError:
        return None
    return kb if kb.stretches else None


@pytest.fixture(scope="session")
def fixture_kb() -> Knowledge:
    return load_knowledge(FIXTURE_DIR)


@pytest.fixture(scope="session", params=["fixture", "real"])
def any_kb(request: pytest.FixtureRequest, fixture_kb: Knowledge) -> Knowledge:
    """Each content-independent test runs on the fixture and on the real knowledge."""
    if request.param == "fixture":
        return fixture_kb
    kb = real_knowledge()
    if kb is None:
        pytest.skip("knowledge/ has no loadable stretches yet")
    return kb
