"""Hostile or broken YAML is reported as problems (file:line: problem), never a traceback,
and never costs the bot much time or memory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from t2bot.knowledge import KnowledgeError, load_knowledge, loader
from t2bot.knowledge.loader import MAX_FILE_BYTES, MAX_YAML_NODES
from tests.conftest import MINI_KNOWLEDGE

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(MINI_KNOWLEDGE, target)
    return target


def problems_for(folder: Path, name: str, content: str | bytes) -> list[str]:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    found = [str(p) for p in caught.value.problems]
    assert found, "a broken file must give at least one problem"
    return found


def test_billion_laughs_is_refused_before_it_expands(folder: Path) -> None:
    assert len(BILLION_LAUGHS.encode()) < 400
    found = problems_for(folder, "laughs.yaml", BILLION_LAUGHS)
    assert len(found) == 1, found
    assert "laughs.yaml:1:" in found[0] and "anchors (&a) are not allowed" in found[0]


def test_an_alias_alone_is_refused_with_its_line(folder: Path) -> None:
    found = problems_for(folder, "alias.yaml", "tips:\n  - &t {id: x}\n")
    assert "alias.yaml:2:" in found[0] and "anchors" in found[0]
    found = problems_for(folder, "alias.yaml", "tips:\n  - x\n  - *t\n")
    assert any("alias.yaml:3" in p for p in found), found


def test_merge_keys_are_refused(folder: Path) -> None:
    found = problems_for(folder, "merge.yaml", "meta2:\n  <<: {title: x}\n")
    assert "merge.yaml:2:" in found[0] and "merge keys are not allowed" in found[0]


def test_unhashable_key_is_a_problem_not_a_type_error(folder: Path) -> None:
    found = problems_for(folder, "keys.yaml", "? [a, b]\n: value\n")
    assert found == [
        "%s:1: not valid YAML: a key must be a plain word, not a list or mapping"
        % (folder / "keys.yaml")
    ]


def test_deep_nesting_is_a_problem_not_a_recursion_error(folder: Path) -> None:
    found = problems_for(folder, "deep.yaml", "tips: " + "[" * 3000 + "]" * 3000 + "\n")
    assert len(found) == 1 and "deep.yaml:1:" in found[0] and "nested more than" in found[0]
    block = "".join(" " * i + f"k{i}:\n" for i in range(1500))
    found = problems_for(folder, "deep.yaml", block + " " * 1500 + "v\n")
    assert "nested more than" in found[0]


def test_too_big_a_file_is_refused_unread(folder: Path) -> None:
    found = problems_for(folder, "huge.yaml", "tips: []\n# " + "x" * MAX_FILE_BYTES + "\n")
    assert "huge.yaml: the file is" in found[0] and "split it up" in found[0]


def test_too_many_values_are_refused(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert MAX_YAML_NODES >= 20 * 1200  # the real files have about 1,200 values each
    monkeypatch.setattr(loader, "MAX_YAML_NODES", 1000)
    found = problems_for(folder, "many.yaml", "x: [" + "1," * 1001 + "]\n")
    assert "more than 1000 values" in found[0]


def test_a_date_that_does_not_exist_is_reported_with_its_line(folder: Path) -> None:
    found = problems_for(folder, "date.yaml", "tips:\n  - when: 2026-02-30\n")
    assert "date.yaml:2:" in found[0] and "cannot read this value" in found[0]


HOSTILE = {
    "tabs": "tips:\n\t- id: x\n",
    "nul": "tips: [\x00]\n",
    "binary": bytes(range(256)),
    "latin1": "tips: [café]\n".encode("latin-1"),
    "control": "tips: [\x07]\n",
    "two documents": "tips: []\n---\ntips: []\n",
    "a bare scalar": "just text\n",
    "a list": "- a\n- b\n",
    "python tag": "tips: !!python/object/apply:os.system [echo hi]\n",
    "unknown tag": "tips: !custom x\n",
    "unclosed quote": 'tips: ["open\n',
    "huge scalar": "tips: [" + "x" * 1_000_000 + "]\n",
    "huge key": "x" * 2000 + ": 1\n",
    "set key": "? !!set {a}\n: 1\n",
    "int keys": "references:\n  1: {title: T, url: 'https://e.example'}\n",
    "null section": "~: 1\n",
    "bad flow": "tips: [a, b}\n",
}


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_files_give_problems_not_tracebacks(folder: Path, content: str | bytes) -> None:
    found = problems_for(folder, "hostile.yaml", content)
    assert all(isinstance(p, str) and p for p in found)
    assert all("Traceback" not in p for p in found)


def test_bom_and_empty_files_are_fine(folder: Path) -> None:
    (folder / "empty.yaml").write_text("", encoding="utf-8")
    (folder / "comments.yaml").write_text("# nothing yet\n", encoding="utf-8")
    text = (folder / "contributors.yaml").read_text(encoding="utf-8")
    (folder / "contributors.yaml").write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_knowledge(folder).contributors


def test_start_up_check_prints_problems_not_a_traceback(folder: Path, capsys) -> None:
    from bot import check_knowledge

    (folder / "keys.yaml").write_text("? [a, b]\n: value\n", encoding="utf-8")
    assert check_knowledge(folder) != 0
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert "keys.yaml:1:" in out.out + out.err


def test_a_very_long_flow_is_a_problem_not_a_recursion_error(folder: Path) -> None:
    chain = []
    for i in range(1500):
        target = f"next: q{i + 1}" if i < 1499 else "end: result"
        chain.append(
            f"  - id: q{i}\n    kind: question\n    text: Q{i}\n    sources: [thread#1]\n"
            f"    answers:\n      - {{label: A, {target}}}\n      - {{label: B, {target}}}"
        )
    path = folder / "flow.yaml"
    text = path.read_text()
    assert "{label: Fine, end: result}" in text
    path.write_text(
        text.replace("{label: Fine, end: result}", "{label: Fine, next: q0}\n" + "\n".join(chain))
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    found = [str(p) for p in caught.value.problems]
    assert any("screens" in p for p in found), found


def test_deep_flow_nesting_without_libyaml_is_refused_quickly(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    monkeypatch.setattr(loader, "_EVENT_LOADER", yaml.SafeLoader)  # PyYAML's pure-Python parser
    found = problems_for(folder, "deep.yaml", "tips: " + "[" * 500_000 + "\n")
    assert len(found) == 1 and "deep.yaml:1:" in found[0] and "nested more than" in found[0]
    found = problems_for(folder, "deep.yaml", BILLION_LAUGHS)
    assert "anchors (&a) are not allowed" in found[0]
    found = problems_for(folder, "deep.yaml", "tips:\n\t- id: x\n")
    assert "not tabs" in found[0]


def test_ordinary_files_are_parsed_once_and_screened_on_their_tree() -> None:
    """The fast path (one libyaml pass, limits checked on the node tree) takes the real files;
    anything it cannot vouch for goes to the event screen, which words the problem."""
    for path in sorted(Path(loader.__file__).resolve().parents[2].glob("knowledge/*.yaml")):
        assert loader._compose_screened(path.read_text(encoding="utf-8")) is not None, path
    assert loader._compose_screened(BILLION_LAUGHS) is None
    assert loader._compose_screened("tips:\n  - x\n  - *t\n") is None
    assert loader._compose_screened("tips: " + "[" * 41 + "]" * 41 + "\n") is None
    assert loader._compose_screened("tips: [" + "1," * (MAX_YAML_NODES + 1) + "]\n") is None
    assert loader._compose_screened("tips: [\n") is None  # broken: the screen words it
    assert loader._compose_screened("tips: " + "[" * 39 + "]" * 39 + "\n") is not None


def test_text_that_only_looks_like_an_anchor_still_loads(tmp_path: Path) -> None:
    """ "**bold**" sends the file to the event screen, which finds no anchor in it."""
    text = 'references:\n  bold: {title: "**Bold** & *more*", url: "https://example.org"}\n'
    path = tmp_path / "bold.yaml"
    path.write_text(text, encoding="utf-8")
    assert loader._compose_screened(text) is None
    problems: list[loader.Problem] = []
    parsed = loader._parse_file(path, problems)
    assert not problems and parsed is not None
    assert parsed[0]["references"]["bold"]["title"] == "**Bold** & *more*"
