"""bm25s (and numpy with it) is loaded on the first question, not at start: a running bot whose
members never ask does not keep it resident (docs/benchmarks.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

START_UP = """
import importlib, sys
from pathlib import Path
import t2discord.client as client
for extension in client.EXTENSIONS:
    importlib.import_module(extension)
from t2bot.knowledge import load_knowledge
kb = load_knowledge(Path("knowledge"))
print("numpy" in sys.modules, "bm25s" in sys.modules)
from t2bot.ask.answer import ask
from t2bot.ask.index import IndexCache
answer = ask(IndexCache().get(kb), "how do I stretch my hip flexors")
print("numpy" in sys.modules, "bm25s" in sys.modules, bool(answer.matches))
"""


def test_the_bot_starts_without_bm25s_and_loads_it_for_the_first_question() -> None:
    done = subprocess.run(
        [sys.executable, "-c", START_UP],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    at_start, after_question = done.stdout.strip().splitlines()
    assert at_start == "False False"
    assert after_question == "True True True"
