"""Every example of docs/knowledge.md is run: the ```yaml file=NAME blocks are applied in order
to a copy of the real knowledge, which must then load and pass every check; the broken example
must fail with the problem the guide prints; the summary it shows must match."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from t2bot.knowledge import KnowledgeError, load_knowledge
from tests.conftest import REAL_KNOWLEDGE, ROOT

GUIDE = ROOT / "docs" / "knowledge.md"
FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```$", re.S | re.M)


def blocks() -> list[tuple[str, str]]:
    return [(m["info"].strip(), m["body"]) for m in FENCE.finditer(GUIDE.read_text("utf-8"))]


def examples(broken: bool) -> list[tuple[str, str]]:
    found = []
    for info, body in blocks():
        words = info.split()
        if words and words[0] == "yaml" and any(w.startswith("file=") for w in words[1:]):
            name = next(w for w in words if w.startswith("file="))[5:]
            if ("broken" in words) == broken:
                found.append((name, body))
    return found


def merge(existing: list[dict[str, Any]], items: list[dict[str, Any]]) -> None:
    """Items with a known id are edited (their lists of items with ids merge the same way;
    other fields are replaced); new ids are appended: what the guide tells coaches to do."""
    by_id = {item.get("id"): item for item in existing}
    for item in items:
        target = by_id.get(item.get("id"))
        if target is None:
            existing.append(item)
            continue
        for key, value in item.items():
            old = target.get(key)
            if isinstance(value, list) and isinstance(old, list) and value and "id" in value[0]:
                merge(old, value)
            else:
                target[key] = value


def apply(folder: Path, name: str, body: str) -> None:
    path = folder / name
    document = yaml.safe_load(path.read_text("utf-8"))
    for section, value in yaml.safe_load(body).items():
        assert isinstance(value, list), "the guide's examples add to list sections"
        merge(document.setdefault(section, []), value)
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), "utf-8")


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(REAL_KNOWLEDGE, folder)
    return folder


def test_the_guide_covers_each_kind_of_edit() -> None:
    names = [name for name, _ in examples(broken=False)]
    assert len(names) >= 5 and set(names) <= {p.name for p in REAL_KNOWLEDGE.glob("*.yaml")}
    bodies = "\n".join(body for _, body in examples(broken=False))
    for section in ("tips:", "contributors:", "nodes:", "flags:", "stretches:", "sources:"):
        assert section in bodies


def test_every_example_loads_and_passes_the_checks(copy: Path) -> None:
    """A new contributor, its tip, the question that scores it and the link to that question
    only pass the check together (the guide says so); the result must then pass."""
    before = load_knowledge(copy)
    for name, body in examples(broken=False):
        apply(copy, name, body)
    try:
        kb = load_knowledge(copy)
    except KnowledgeError as exc:
        pytest.fail(f"the guide's examples do not load:\n{exc}")
    assert kb.contributor("fast_run_start").tips == ["ease_into_run"]
    assert kb.node("run_start").answers[0].weights == {"fast_run_start": 2}
    assert kb.node("run_load").next == "run_start"
    assert all(a.next == "run_kit" for a in kb.node("run_start").answers)
    assert kb.node("run_kit").next == "habits"
    assert "cannot_settle" in {f.id for f in kb.node("warning_signs").flags}
    assert kb.stretch("standing_calf_stretch").addresses == ["fast_run_start"]
    assert kb.version != before.version  # a new question: open checks start over


def test_the_summary_shown_is_what_the_check_prints(copy: Path) -> None:
    for name, body in examples(broken=False):
        apply(copy, name, body)
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "--check-knowledge", "--knowledge", str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    [shown] = [body for info, body in blocks() if info == "text summary"]
    hide_version = re.compile(r"version [0-9a-f]{6}")
    assert hide_version.sub("version …", result.stdout.strip()) == hide_version.sub(
        "version …", shown.strip()
    )


def test_the_broken_example_prints_the_problem_shown(copy: Path) -> None:
    [(name, body)] = examples(broken=True)
    apply(copy, name, body)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(copy)
    [expected] = [body for info, body in blocks() if info == "text problems"]
    pattern = re.escape(expected.strip()).replace("…", r"\d+")
    problems = [str(p) for p in caught.value.problems]
    assert any(re.search(pattern, p) for p in problems), problems
    assert all(re.match(r"^\S+\.yaml:\d+: ", p) for p in problems)  # file:line: place: problem
