"""Shared fixtures: the real knowledge and a small complete fixture knowledge."""

from __future__ import annotations

from pathlib import Path

import pytest

from t2bot.knowledge import Knowledge, load_knowledge

ROOT = Path(__file__).resolve().parent.parent
REAL_KNOWLEDGE = ROOT / "knowledge"
MINI_KNOWLEDGE = Path(__file__).resolve().parent / "fixtures" / "mini_knowledge"
STRETCH_KNOWLEDGE = Path(__file__).resolve().parent / "fixtures" / "stretch_knowledge"
#: The mini flow with a checklist screen (tick all that fit, in one select menu).
CHECKLIST_KNOWLEDGE = Path(__file__).resolve().parent / "t2bot/triage/fixtures/checklist_knowledge"


@pytest.fixture(scope="session")
def real_kb() -> Knowledge:
    return load_knowledge(REAL_KNOWLEDGE)


@pytest.fixture(scope="session")
def mini_kb() -> Knowledge:
    return load_knowledge(MINI_KNOWLEDGE)


@pytest.fixture(scope="session")
def checklist_kb() -> Knowledge:
    return load_knowledge(CHECKLIST_KNOWLEDGE)


@pytest.fixture(scope="session")
def fixture_kb() -> Knowledge:
    return load_knowledge(STRETCH_KNOWLEDGE)


@pytest.fixture(scope="session", params=["fixture", "real"])
def any_kb(request: pytest.FixtureRequest, fixture_kb: Knowledge, real_kb: Knowledge) -> Knowledge:
    """Each content-independent test runs on the fixture and on the real knowledge."""
    kb = fixture_kb if request.param == "fixture" else real_kb
    assert kb.stretches, f"the {request.param} knowledge has no stretches"
    return kb
