"""Broken knowledge edits give clear errors naming the file, the line and the place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from t2bot.knowledge import KnowledgeError, load_knowledge
from tests.conftest import MINI_KNOWLEDGE, REAL_KNOWLEDGE


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(MINI_KNOWLEDGE, target)
    return target


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))


def problems(folder: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    return [str(p) for p in caught.value.problems]


def only_problem(folder: Path) -> str:
    found = problems(folder)
    assert len(found) == 1, found
    return found[0]


def test_real_knowledge_loads(real_kb) -> None:
    assert real_kb.version and len(real_kb.version) == 6


def test_fixture_loads(mini_kb) -> None:
    assert mini_kb.start == "urgent_signs"


def test_unknown_key_names_file_line_and_place(folder: Path) -> None:
    edit(folder, "flow.yaml", "    text: Shoes?", "    text: Shoes?\n    colour: blue")
    problem = only_problem(folder)
    assert "flow.yaml:" in problem
    assert "nodes[4] (id: shoes) > colour" in problem
    assert "unknown key" in problem
    line = int(problem.split("flow.yaml:")[1].split(":")[0])
    assert (folder / "flow.yaml").read_text().splitlines()[line - 1].strip() == "colour: blue"


def test_dangling_next(folder: Path) -> None:
    edit(
        folder,
        "flow.yaml",
        "next: shoes, weights: {not_aero_adapted: 3}",
        "next: shoez, weights: {not_aero_adapted: 3}",
    )
    problem = only_problem(folder)
    assert "nodes[3] (id: aero) > answers[0] > next" in problem
    assert "node 'shoez' does not exist" in problem


def test_dangling_contributor_in_weights_and_stretch(folder: Path) -> None:
    edit(folder, "flow.yaml", "weights: {worn_shoes: 2}", "weights: {worn_shoe: 2}")
    edit(folder, "contributors.yaml", "addresses: [not_aero_adapted]", "addresses: [tight_psoas]")
    found = problems(folder)
    assert any("contributor 'worn_shoe' does not exist" in p for p in found)
    assert any(
        "stretches[0] (id: kneeling_hip_flexor) > addresses[0]" in p
        and "'tight_psoas' does not exist" in p
        for p in found
    )


def test_unreachable_node(folder: Path) -> None:
    edit(
        folder,
        "flow.yaml",
        "{label: Fine, end: result}",
        "{label: Fine, end: result}\n"
        "  - id: orphan\n    kind: question\n    text: Never asked\n    sources: [thread#1]\n"
        "    answers:\n      - {label: A, end: result}\n      - {label: B, end: result}",
    )
    assert "no answer leads to this node" in only_problem(folder)


def test_cycle(folder: Path) -> None:
    edit(folder, "flow.yaml", "{label: Fine, end: result}", "{label: Fine, next: aero}")
    problem = only_problem(folder)
    assert "loop" in problem and "aero -> shoes -> aero" in problem


def test_advice_before_red_flags(folder: Path) -> None:
    edit(folder, "flow.yaml", "start: urgent_signs", "start: scope")
    found = problems(folder)
    assert any("without passing the red-flag screen" in p for p in found), found


def test_dead_end_answer_without_reminder_path(folder: Path) -> None:
    edit(folder, "flow.yaml", "{label: Fine, end: result}", "{label: Fine}")
    assert "set exactly one of 'next'" in only_problem(folder)


def test_missing_professional_reminder(folder: Path) -> None:
    edit(
        folder, "meta.yaml", "  professional_reminder: See a physio if it keeps coming back.\n", ""
    )
    problem = only_problem(folder)
    assert "meta > professional_reminder" in problem and "required" in problem


def test_custom_id_too_long(folder: Path) -> None:
    chain = []
    for i in range(70):
        nxt = f"q{i + 1}" if i < 69 else None
        target = f"next: {nxt}" if nxt else "end: result"
        chain.append(
            f"  - id: q{i}\n    kind: question\n    text: Q{i}\n    sources: [thread#1]\n"
            f"    answers:\n      - {{label: A, {target}}}\n      - {{label: B, {target}}}"
        )
    edit(
        folder,
        "flow.yaml",
        "{label: Fine, end: result}",
        "{label: Fine, next: q0}\n" + "\n".join(chain),
    )
    found = problems(folder)
    assert any("Discord allows 100" in p for p in found), found


def test_unknown_source_and_thread_post_out_of_range(folder: Path) -> None:
    edit(folder, "flow.yaml", "sources: [thread#2]\n", "sources: [thread#13]\n")
    edit(folder, "contributors.yaml", "sources: [thread#4]", "sources: [nhs_back]")
    found = problems(folder)
    assert any("'thread#13': the thread has posts 1 to 12" in p for p in found)
    assert any("unknown source 'nhs_back'" in p for p in found)


def test_yaml_syntax_error_names_line(folder: Path) -> None:
    edit(folder, "flow.yaml", "    text: Shoes?", "    text: [Shoes?")
    problem = only_problem(folder)
    assert "flow.yaml:" in problem and "not valid YAML" in problem


def test_duplicate_key_and_id(folder: Path) -> None:
    edit(folder, "flow.yaml", "    text: Shoes?", "    text: Shoes?\n    text: Boots?")
    assert "written twice" in only_problem(folder)


def test_duplicate_ids(folder: Path) -> None:
    edit(folder, "contributors.yaml", "{id: worn_shoes,", "{id: not_aero_adapted,")
    found = problems(folder)
    assert any("id 'not_aero_adapted' is already used" in p for p in found), found


def test_intro_without_emergency_number(folder: Path) -> None:
    edit(folder, "meta.yaml", "call {emergency_number}.", "call for help.")
    assert "must contain {emergency_number}" in only_problem(folder)


def test_unknown_section(folder: Path) -> None:
    (folder / "extra.yaml").write_text("questions: []\n")
    assert "unknown section" in only_problem(folder)


def test_version_ignores_wording_but_not_meaning(folder: Path) -> None:
    before = load_knowledge(folder).version
    edit(folder, "flow.yaml", "text: Shoes?", "text: How are your shoes?")
    assert load_knowledge(folder).version == before
    edit(folder, "flow.yaml", "{label: Fine, end: result}", "{label: Fine, end: out_of_scope}")
    assert load_knowledge(folder).version != before


def test_real_knowledge_is_paraphrased() -> None:
    """No run of 8 words from the source thread appears in the knowledge files."""
    thread = REAL_KNOWLEDGE.parent.parent / "shared" / "source" / "thread-posts.md"
    if not thread.exists():
        pytest.skip("the source thread is not beside this checkout")
    words = _words(thread.read_text().split("## Post 1", 1)[1])
    grams = {tuple(words[i : i + 8]) for i in range(len(words) - 7)}
    for path in REAL_KNOWLEDGE.glob("*.yaml"):
        text = _words(path.read_text())
        copied = [
            " ".join(g) for i in range(len(text) - 7) if (g := tuple(text[i : i + 8])) in grams
        ]
        assert not copied, f"{path.name} copies the thread: {copied[:3]}"


def _words(text: str) -> list[str]:
    import re

    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def test_a_removed_file_is_reported_by_section(folder: Path) -> None:
    stretches_only = (folder / "contributors.yaml").read_text().split("stretches:")[0]
    (folder / "contributors.yaml").write_text(stretches_only)
    problem = only_problem(folder)
    assert "stretches: no items found" in problem and "removed or renamed" in problem


def test_every_routine_focus_needs_moves(folder: Path) -> None:
    edit(
        folder,
        "contributors.yaml",
        "focus: [after_ride, hips, lower_back, before_run, aero_neck]\n    sources: [thread#9]",
        "focus: [after_ride, hips, lower_back, before_run]\n    sources: [thread#9]",
    )
    edit(
        folder,
        "contributors.yaml",
        "focus: [after_ride, hips, lower_back, before_run, aero_neck]\n    sources: [nice_ng59]",
        "focus: [after_ride]\n    sources: [nice_ng59]",
    )
    found = problems(folder)
    assert any(
        "only 1 move(s) have focus 'aero_neck'" in p and "contributors.yaml:" in p for p in found
    ), found


def test_tabs_and_unquoted_yes_get_a_hint(folder: Path) -> None:
    edit(folder, "flow.yaml", "{label: Fine, end: result}", "{label: yes, end: result}")
    assert "put it in quotes" in only_problem(folder)
    edit(folder, "flow.yaml", "    text: Shoes?", "\ttext: Shoes?")
    assert "not tabs" in only_problem(folder)


def test_non_utf8_file_names_the_line(folder: Path) -> None:
    path = folder / "flow.yaml"
    path.write_bytes(path.read_bytes().replace(b"text: Shoes?", b"text: Chaussures \xe9?"))
    problem = only_problem(folder)
    assert "flow.yaml:" in problem and "UTF-8" in problem


def test_reordering_answers_makes_open_checks_stale(folder: Path) -> None:
    before = load_knowledge(folder).version
    edit(
        folder,
        "flow.yaml",
        "      - {label: Worn out, end: result, weights: {worn_shoes: 2}, why: worn shoes}\n"
        "      - {label: Fine, end: result}",
        "      - {label: Fine, end: result}\n"
        "      - {label: Worn out, end: result, weights: {worn_shoes: 2}, why: worn shoes}",
    )
    assert load_knowledge(folder).version != before


# --- Triage v2 keys: facts, signs reported by answers, notes, needs/excludes, advice ----------


@pytest.fixture
def real_folder(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(REAL_KNOWLEDGE, target)
    return target


def test_answer_reporting_an_unknown_sign(real_folder: Path) -> None:
    edit(
        real_folder,
        "flow.yaml",
        "        sign: pain_below_knee\n",
        "        sign: pain_below_kne\n",
    )
    found = problems(real_folder)
    (problem,) = [p for p in found if "answers[2] > sign" in p]
    assert "flow.yaml:" in problem and "(id: leg_symptoms)" in problem
    assert "warning sign 'pain_below_kne' does not exist" in problem
    assert any("no answer reports this sign" in p for p in found)  # the sign is now unused


def test_emergency_sign_answer_must_not_go_on(real_folder: Path) -> None:
    edit(
        real_folder,
        "flow.yaml",
        "        sign: both_legs\n",
        "        sign: both_legs\n        next: leg_test\n",
    )
    problem = only_problem(real_folder)
    assert "(id: leg_symptoms) > answers[3]" in problem and "ends the check at once" in problem


def test_unknown_fact_is_named_with_its_line(real_folder: Path) -> None:
    edit(real_folder, "flow.yaml", "        sets: [pregnant]\n", "        sets: [pregnent]\n")
    problem = only_problem(real_folder)
    assert "(id: about_you) > answers[1] > sets[0]" in problem
    assert "fact 'pregnent' is not listed under 'facts'" in problem


def test_unknown_fact_in_needs(real_folder: Path) -> None:
    edit(real_folder, "contributors.yaml", "    needs: [aero]\n", "    needs: [aerobars]\n")
    problem = only_problem(real_folder)
    assert "contributors.yaml:" in problem and "needs[0]" in problem and "aerobars" in problem


def test_not_sure_is_never_evidence(real_folder: Path) -> None:
    edit(
        real_folder,
        "flow.yaml",
        "      - label: Not sure\n        next: leg_test\n",
        "      - label: Not sure\n        next: leg_test\n"
        "        weights:\n          bike_fit: 1\n"
        "        why: you are not sure your position suits you\n",
    )
    problem = only_problem(real_folder)
    assert "(id: leg_symptoms) > answers[4]" in problem and "not evidence" in problem


def test_a_sign_no_answer_reports(real_folder: Path) -> None:
    edit(real_folder, "flow.yaml", "        sign: arm_weakness\n", "")
    found = problems(real_folder)
    assert any("no answer reports this sign" in p and "signs[" in p for p in found), found


def test_waiver_only_on_see_soon_signs(real_folder: Path) -> None:
    edit(
        real_folder,
        "flow.yaml",
        "    urgency: same_day\n    explain: >-\n      These changes can be early signs",
        "    urgency: same_day\n    unless: [assessed]\n    explain: >-\n"
        "      These changes can be early signs",
    )
    problem = only_problem(real_folder)
    assert "signs[" in problem and "only see-soon signs can be waived" in problem


def test_result_without_an_advice_question_on_the_way(real_folder: Path) -> None:
    edit(
        real_folder,
        "flow.yaml",
        "    kind: question\n    advice: true\n    text: >-\n      Which sessions",
        "    kind: question\n    text: >-\n      Which sessions",
    )
    found = problems(real_folder)
    assert any("without an 'advice: true' question" in p for p in found), found


def test_a_note_for_everyone_is_required(real_folder: Path) -> None:
    text = (real_folder / "flow.yaml").read_text()
    brief = "    brief: A few words.\n"
    text = text.replace("  - id: ng59_basics\n", f"  - id: ng59_basics\n    when: [neck]\n{brief}")
    text = text.replace(
        "  - id: ces_safety_net\n", f"  - id: ces_safety_net\n    when: [neck]\n{brief}"
    )
    (real_folder / "flow.yaml").write_text(text)
    problem = only_problem(real_folder)
    assert "at least one note must have no 'when'" in problem


ASSESSED_BRIEF = (
    "      to whoever checked it, if it changes, spreads or gets worse,"
    " or a warning sign appears.\n"
)


def test_a_note_for_some_members_needs_its_brief_line(real_folder: Path) -> None:
    """The Summary shows a note with `when` in a few words (`brief`), so it stays one screen."""
    edit(
        real_folder,
        "flow.yaml",
        f"    brief: >-\n{ASSESSED_BRIEF}",
        "",
    )
    problem = only_problem(real_folder)
    assert "flow.yaml:" in problem and "(id: assessed)" in problem and "needs a 'brief'" in problem


def test_a_brief_line_is_short(real_folder: Path) -> None:
    edit(
        real_folder,
        "flow.yaml",
        ASSESSED_BRIEF,
        "      to whoever checked it, " + "if it changes, spreads or gets worse, " * 4 + "or so.\n",
    )
    problem = only_problem(real_folder)
    assert "flow.yaml:" in problem and "brief" in problem and "100" in problem
