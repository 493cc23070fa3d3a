"""The two README commands' entry point: console, knowledge check, missing token."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIRST_NONE, MINI_KNOWLEDGE, ROOT


def run_bot(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL"}}
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=clean,
    )


def test_without_token_explains_and_exits_2(tmp_path: Path) -> None:
    result = run_bot(cwd=tmp_path, env={"DISCORD_TOKEN": ""})
    assert result.returncode == 2
    assert "developers/applications" in result.stderr and "--console" in result.stderr


def test_console_scripted_input_exits_0_at_end_of_input() -> None:
    result = run_bot("--console", stdin="1\n3\n2\n")
    assert result.returncode == 0, result.stderr
    assert "not a diagnosis" in result.stdout
    assert "Emergency" in result.stdout  # sign 3 on the first screen is urgent


def test_console_whole_check_as_the_thread_poster() -> None:
    # menu 1, the emergency screen with no sign (FIRST_NONE), about you and where (16 or over, low
    # back), the all-clear follow-ups, the same-day (6) and see-soon (8) screens with no sign,
    # duration, then the thread poster's answers by number (the ride checklist and the habits
    # checklist take several numbers in one line); then leave the menu
    taps = [
        *("1", FIRST_NONE, "1", "1", "1", "1", "1", "6", "8", "1"),
        *("1", "2 4 5 8 11 14 18 22", "1"),
        "3",
    ]
    result = run_bot("--console", stdin="\n".join(taps) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    ranked = out.split("Most likely (not a diagnosis):", 1)[1]
    first = ranked.strip().splitlines()[0]
    assert first.startswith("1. ") and "aero" in first.lower(), first
    assert "physiotherapist" in out  # the professional reminder


def test_console_saves_to_the_sqlite_default_and_lists_it(tmp_path: Path) -> None:
    # ... "s" saves from the answer's pages, Enter goes back to the menu, 3 lists, Enter, quit.
    taps = [
        *("1", FIRST_NONE, "1", "1", "1", "1", "1", "6", "8", "1"),
        *("1", "2 4 5 8 11 14 18 22", "1"),
        *("s", "", "3", "", "4"),
    ]
    result = run_bot(
        "--console",
        stdin="\n".join(taps) + "\n",
        cwd=tmp_path,
        env={"KNOWLEDGE_DIR": str(ROOT / "knowledge")},
    )
    assert result.returncode == 0, result.stderr
    assert "Saved (contributor and tip ids and the date only)" in result.stdout
    saved = result.stdout.split("Saved results:", 1)[1]
    assert "Not yet adapted" in saved.splitlines()[1] or "aero" in saved.splitlines()[1].lower()
    assert (tmp_path / "data" / "t2bot.sqlite3").exists()  # the embedded default, created on use


def test_console_without_saving_touches_no_database(tmp_path: Path) -> None:
    result = run_bot(
        "--console", stdin="1\n3\n4\n", cwd=tmp_path, env={"KNOWLEDGE_DIR": str(ROOT / "knowledge")}
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "data").exists()


def test_check_knowledge_summary_and_errors(tmp_path: Path) -> None:
    ok = run_bot("--check-knowledge")
    assert ok.returncode == 0 and "distinct paths" in ok.stdout and "stretches" in ok.stdout
    broken = tmp_path / "knowledge"
    shutil.copytree(MINI_KNOWLEDGE, broken)
    flow = broken / "flow.yaml"
    flow.write_text(
        flow.read_text().replace(
            "next: shoes, weights: {not_aero_adapted: 3}",
            "next: shoez, weights: {not_aero_adapted: 3}",
        )
    )
    bad = run_bot("--check-knowledge", "--knowledge", str(broken))
    assert bad.returncode == 1
    assert "flow.yaml:" in bad.stderr and "node 'shoez' does not exist" in bad.stderr
