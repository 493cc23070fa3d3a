"""The standardized member cases: every one through the engine, plus coverage of the case set."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from t2bot.knowledge import Knowledge, load_knowledge
from t2bot.knowledge.model import THREAD_SOURCE
from tests.conftest import REAL_KNOWLEDGE
from tests.t2bot.triage.cases.runner import (
    CASE_SOURCES,
    URGENCIES,
    Case,
    load_cases,
    run_case,
)

CASES = load_cases()


def _param(case: Case) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_case(real_kb: Knowledge, case: Case) -> None:
    run = run_case(real_kb, case)
    assert run.passed, f"{case.id} ({case.file}): {run.problems}"


def test_the_case_set_covers_urgencies_populations_and_every_sign(real_kb: Knowledge) -> None:
    passing = [case for case in CASES if not case.xfail]
    assert len(passing) >= 100
    for urgency in URGENCIES:
        assert sum(case.urgency == urgency for case in passing) >= 10, urgency
    populations = {tag for case in CASES for tag in case.population}
    for tag in (
        "swimmer",
        "road_no_aero",
        "run_only",
        "pregnant",
        "postpartum",
        "teen",
        "child",
        "thread",
    ):
        assert tag in populations, tag
    ticked = {flag for case in passing for flag in run_case(real_kb, case).ticked}
    signs = {flag.id for node in real_kb.nodes for flag in node.flags}
    signs |= {flag.id for flag in real_kb.signs}
    assert signs - ticked == set(), "signs no case ticks"


def test_every_case_cites_known_sources(real_kb: Knowledge) -> None:
    for case in CASES:
        assert case.sources, case.id
        for source in case.sources:
            match = THREAD_SOURCE.match(source)
            if match:
                assert 1 <= int(match[1]) <= real_kb.meta.thread_posts, (case.id, source)
            else:
                assert source in real_kb.references or source in CASE_SOURCES, (case.id, source)


def test_zero_under_triage_of_urgent_cases(real_kb: Knowledge) -> None:
    runs = [run_case(real_kb, case) for case in CASES if not case.xfail]
    under = [
        r.case.id
        for r in runs
        if r.case.urgency in ("emergency", "same_day") and r.triage != "match"
    ]
    over = [r.case.id for r in runs if r.case.urgency == "none" and r.triage == "over"]
    assert under == [] and over == []


def test_the_runner_catches_a_wrong_urgency() -> None:
    """The runner itself: the same member with a lowered sign fails (guards against a no-op)."""
    kb = load_knowledge(REAL_KNOWLEDGE)
    (case,) = [c for c in CASES if c.id == "em_both_legs_sciatica"]
    wrong = replace(case, urgency="soon")
    assert not run_case(kb, wrong).passed
    bad_label = replace(case, answers=({"tick": ["No such sign"]},))
    assert run_case(kb, bad_label).got == "error"
