"""Run the standardized member cases (YAML beside this file) through the triage engine.

A case file is a list of cases. Each case has:

``id``            unique, lowercase_with_underscores.
``who``           the member's story in one or two lines (what they would tell a clinician).
``population``    tags (``aero``, ``road_no_aero``, ``run_only``, ``swimmer``, ``pregnant``,
                  ``teen``, ``thread``, ...), used to check coverage.
``sources``       where the expected answer comes from: ``thread#N``, a key under
                  ``references`` in knowledge/meta.yaml, or a key of ``CASE_SOURCES`` below
                  (sources only the cases cite, for gaps the knowledge does not cover yet).
``answers``       the member's taps, in order: ``"<none>"`` passes one safety screen,
                  ``"<start>"`` passes the emergency screen and answers "about you" as an
                  adult who is not pregnant, ``"<clear>"`` gives the all-clear answer (the
                  first answer, or "None of these") on every screening step up to the first
                  ``advice`` question (or until the check ends), ``"<safe>"`` is
                  ``"<start>"``, "Low back", ``"<clear>"``;
                  ``{tick: [label, ...]}`` ticks those signs on the current safety screen (an
                  emergency sign ends the check at once; otherwise Continue is tapped);
                  ``{on: node_id, ...}`` first gives all-clear answers until that screen,
                  then ticks (``tick``) or answers (``answer: label``) there; any other
                  string is the label of an answer button. On a checklist screen an answer
                  is one option's label or a list of labels (picked together, one tap);
                  ``"<clear>"`` picks its first exclusive option ("None of these").
``urgency``       expected: ``emergency`` | ``same_day`` | ``soon`` | ``none`` (self-care or
                  out of scope).
``flags``         optional: sign ids the escalation must name.
``top``           optional, self-care only: contributor ids that must be named; the first
                  must be ranked first.
``must_not_show`` optional: text that must not appear anywhere in the answer (case-insensitive).
                  Urgent answers also never show self-care ("What to try", "Stretches that fit").
``must_show``     optional: text that must appear.
``xfail``         optional: why the flow cannot give the right answer yet (an engine or flow
                  change is needed). Such a case must fail today; when it starts passing,
                  remove the mark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from t2bot.knowledge.model import Knowledge
from t2bot.triage import engine
from t2bot.triage.cards import PAGES, outcome_card, page_card
from t2bot.triage.engine import Escalation, Outcome, Result, ShortEnding, Step

HERE = Path(__file__).resolve().parent
NONE = "<none>"
SAFE = "<safe>"
START = "<start>"
CLEAR = "<clear>"
ADULT = ("16 or over",)
URGENCIES = ("emergency", "same_day", "soon", "none")
RANK = {"none": 0, "soon": 1, "same_day": 2, "emergency": 3}
NO_SELF_CARE = ("What to try", "Stretches that fit")
#: Sources cited only by cases (gaps the knowledge does not cover yet).
CASE_SOURCES = {
    "acog_804": "ACOG Committee Opinion 804 (2020): Physical activity and exercise during "
    "pregnancy and the postpartum period, https://doi.org/10.1097/AOG.0000000000003772",
}


class CaseError(AssertionError):
    """The answers do not fit the flow (a label that is not on the screen, for example)."""


@dataclass(frozen=True)
class Case:
    id: str
    who: str
    population: tuple[str, ...]
    sources: tuple[str, ...]
    answers: tuple[Any, ...]
    urgency: str
    flags: tuple[str, ...] = ()
    top: tuple[str, ...] = ()
    must_not_show: tuple[str, ...] = ()
    must_show: tuple[str, ...] = ()
    xfail: str | None = None
    file: str = ""


@dataclass
class Run:
    case: Case
    got: str  # an urgency, or "error" when the answers did not fit the flow
    problems: list[str] = field(default_factory=list)
    ticked: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def triage(self) -> str:
        """``under``, ``over`` or ``match`` (urgency only); ``error`` if the flow could not run."""
        if self.got not in RANK:
            return "error"
        diff = RANK[self.got] - RANK[self.case.urgency]
        return "match" if diff == 0 else "over" if diff > 0 else "under"


FIELDS = {
    "id",
    "who",
    "population",
    "sources",
    "answers",
    "urgency",
    "flags",
    "top",
    "must_not_show",
    "must_show",
    "xfail",
}


def load_cases(folder: Path = HERE) -> list[Case]:
    cases: list[Case] = []
    for path in sorted(folder.glob("*.yaml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            unknown = set(raw) - FIELDS
            if unknown:
                raise ValueError(f"{path.name}: {raw.get('id')}: unknown fields {sorted(unknown)}")
            if raw["urgency"] not in URGENCIES:
                raise ValueError(f"{path.name}: {raw['id']}: urgency {raw['urgency']!r}")
            cases.append(
                Case(
                    id=raw["id"],
                    who=raw["who"],
                    population=tuple(raw.get("population", ())),
                    sources=tuple(raw.get("sources", ())),
                    answers=tuple(raw["answers"]),
                    urgency=raw["urgency"],
                    flags=tuple(raw.get("flags", ())),
                    top=tuple(raw.get("top", ())),
                    must_not_show=tuple(raw.get("must_not_show", ())),
                    must_show=tuple(raw.get("must_show", ())),
                    xfail=raw.get("xfail"),
                    file=path.name,
                )
            )
    ids = [case.id for case in cases]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate case ids: {sorted(duplicates)}")
    return cases


def drive(
    kb: Knowledge, answers: tuple[Any, ...], taps: list[tuple[str, str]] | None = None
) -> tuple[Step | Outcome, list[str]]:
    """Tap through the flow; returns the final position and the sign ids reported on the way.
    ``taps`` (if given) collects (screen id, button label) for every tap, to replay over Discord
    (sign buttons are numbered on screen: their label is matched as a part)."""
    position: Step | Outcome = engine.current(kb, engine.start())
    ticked: list[str] = []
    log = taps if taps is not None else []
    items: list[Any] = []
    for item in answers:
        if item == SAFE:
            items += [NONE, *ADULT, "Low back", CLEAR]
        elif item == START:
            items += [NONE, *ADULT]
        else:
            items.append(item)
    for item in items:
        if not isinstance(position, Step):
            raise CaseError(f"the check ended before {item!r}")
        if item == CLEAR:
            position = _clear(kb, position, None, ticked, log)
            continue
        if isinstance(item, dict) and "on" in item:
            position = _clear(kb, position, item["on"], ticked, log)
            if not isinstance(position, Step) or position.node.id != item["on"]:
                raise CaseError(f"the check did not reach {item['on']}")
            if "answer" in item:
                position = _answer(kb, position, item["answer"], ticked, log)
                continue
            if "tick" not in item:
                continue
        node = position.node
        if item == NONE or isinstance(item, dict):
            if node.kind != "red_flags":
                raise CaseError(f"{item!r} given on question {node.id}")
            if item == NONE:
                log.append((node.id, node.none_label))
                position = engine.proceed(kb, position.state)
                continue
            labels = [flag.label for flag in node.flags]
            state = position.state
            for label in item["tick"]:
                if label not in labels:
                    raise CaseError(f"sign {label!r} is not on {node.id}: {labels}")
                ticked.append(node.flags[labels.index(label)].id)
                log.append((node.id, label))
                position = engine.tap_flag(kb, state, labels.index(label))
                if not isinstance(position, Step):
                    break  # an emergency sign ends the check at once
                state = position.state
            else:
                log.append((node.id, "Continue"))
                position = engine.proceed(kb, state)
            continue
        position = _answer(kb, position, item, ticked, log)
    return position, ticked


def _answer(
    kb: Knowledge,
    position: Step,
    label: Any,
    ticked: list[str],
    log: list[tuple[str, str]] | None = None,
) -> Step | Outcome:
    node = position.node
    if node.kind == "checklist":
        return _pick(kb, position, [label] if isinstance(label, str) else list(label), ticked, log)
    if node.kind != "question":
        raise CaseError(f"answer {label!r} given on safety screen {node.id}")
    options = [a.label for a in node.answers]
    if label not in options:
        raise CaseError(f"answer {label!r} is not on {node.id}: {options}")
    chosen = node.answers[options.index(label)]
    if chosen.sign:
        ticked.append(chosen.sign)
    if log is not None:
        log.append((node.id, label))
    return engine.answer(kb, position.state, options.index(label))


def _pick(
    kb: Knowledge,
    position: Step,
    labels: list[str],
    ticked: list[str],
    log: list[tuple[str, str]] | None = None,
) -> Step | Outcome:
    """Pick options on a checklist screen, in one tap (logged as the labels joined with
    `` + ``, as ``tests.t2bot.triage.flow_walk.answer_by_labels`` reads them)."""
    node = position.node
    options = [a.label for a in node.answers]
    missing = [label for label in labels if label not in options]
    if missing or not labels:
        raise CaseError(f"options {missing or labels!r} are not on {node.id}: {options}")
    picked = sorted(options.index(label) for label in labels)
    ticked += [sign for i in picked if (sign := node.answers[i].sign)]
    if log is not None:
        log.append((node.id, " + ".join(options[i] for i in picked)))
    try:
        return engine.check(kb, position.state, picked)
    except engine.FlowError as error:
        raise CaseError(f"{labels!r} on {node.id}: {error}") from None


def _clear(
    kb: Knowledge,
    position: Step,
    until: str | None,
    ticked: list[str],
    log: list[tuple[str, str]],
) -> Step | Outcome:
    """All-clear answers until ``until`` (or the first advice question, or the end)."""
    while isinstance(position, Step) and position.node.id != until:
        node = position.node
        if node.advice and until is None:
            break
        if node.kind == "red_flags":
            log.append((node.id, node.none_label))
            position = engine.proceed(kb, position.state)
        else:
            if node.advice:
                raise CaseError(f"<clear> would answer the advice question {node.id}")
            first = node.answers[0]
            if node.kind == "checklist":
                first = next((a for a in node.answers if a.exclusive), first)
            position = _answer(kb, position, first.label, ticked, log)
    return position


def urgency_of(position: Step | Outcome) -> str:
    if isinstance(position, Escalation):
        return position.urgency.value
    if isinstance(position, ShortEnding):
        return position.ending.urgency.value if position.ending.urgency else "none"
    if isinstance(position, Result):
        return "none"
    return "unfinished"


def card_text(kb: Knowledge, outcome: Outcome) -> str:
    """Everything the member can read on this outcome: every page of a finished check."""
    if isinstance(outcome, Result):
        # The clinician page repeats the questions as asked, not advice: left out here.
        cards = [page_card(kb, outcome, page, "112") for page in PAGES if page != "clinician"]
    else:
        cards = [outcome_card(kb, outcome, "112")]
    return "\n".join(card.text() for card in cards)


def run_case(kb: Knowledge, case: Case) -> Run:
    try:
        position, ticked = drive(kb, case.answers)
    except CaseError as error:
        return Run(case, "error", [str(error)])
    got = urgency_of(position)
    run = Run(case, got, ticked=tuple(ticked))
    if got != case.urgency:
        run.problems.append(f"urgency {got}, expected {case.urgency}")
    if isinstance(position, Step):
        run.problems.append(f"the answers stop at {position.node.id}")
        return run
    if case.flags:
        named = {f.id for f in position.flags} if isinstance(position, Escalation) else set()
        missing = [f for f in case.flags if f not in named]
        if missing:
            run.problems.append(f"signs not named: {missing}")
    if case.top:
        if not isinstance(position, Result):
            run.problems.append("expected ranked contributors, got no self-care result")
        else:
            named_ids = [r.contributor.id for r in position.contributors]
            if not named_ids or named_ids[0] != case.top[0]:
                run.problems.append(f"first contributor {named_ids[:1]}, expected {case.top[0]}")
            missing = [c for c in case.top if c not in named_ids]
            if missing:
                run.problems.append(f"contributors not named: {missing} (named {named_ids})")
    text = card_text(kb, position).lower()
    banned = list(case.must_not_show)
    if case.urgency in ("emergency", "same_day"):
        banned += NO_SELF_CARE
    for phrase in banned:
        if phrase.lower() in text:
            run.problems.append(f"shows {phrase!r}")
    for phrase in case.must_show:
        if phrase.lower() not in text:
            run.problems.append(f"does not show {phrase!r}")
    return run


def table(runs: list[Run]) -> str:
    """Per-urgency accuracy: expected against got, with under- and over-triage counts."""
    lines: list[str] = []
    for title, group in (
        ("Cases that must pass", [r for r in runs if not r.case.xfail]),
        (
            "Documented gaps (xfail: need an engine or flow change)",
            [r for r in runs if r.case.xfail],
        ),
    ):
        lines.append(f"{title}: {len(group)} cases")
        header = f"  {'expected':<10}{'n':>4}" + "".join(f"{u:>11}" for u in (*URGENCIES, "error"))
        lines.append(header + f"{'under':>7}{'over':>6}{'all ok':>8}")
        for expected in URGENCIES:
            rows = [r for r in group if r.case.urgency == expected]
            if not rows:
                continue
            counts = "".join(f"{sum(r.got == g for r in rows):>11}" for g in (*URGENCIES, "error"))
            under = sum(r.triage == "under" for r in rows)
            over = sum(r.triage == "over" for r in rows)
            ok = sum(r.passed for r in rows)
            lines.append(f"  {expected:<10}{len(rows):>4}{counts}{under:>7}{over:>6}{ok:>8}")
        under_urgent = [
            r.case.id
            for r in group
            if r.triage == "under" and r.case.urgency in ("emergency", "same_day")
        ]
        lines.append(
            f"  under-triage of emergency/same-day cases: {len(under_urgent)} {under_urgent}"
        )
        lines.append("")
    return "\n".join(lines)
