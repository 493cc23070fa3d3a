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


def test_two_first_questions_at_once_build_the_index_once() -> None:
    """The cog builds the index in worker threads (cogs/ask.py ``ready_index``); two members
    asking at the same moment must not build it twice or see a half-built one."""
    import threading

    from t2bot.ask import index as index_module
    from t2bot.knowledge import load_knowledge

    kb = load_knowledge(ROOT / "knowledge")
    cache = index_module.IndexCache()
    built: list[int] = []
    real = index_module.AskIndex

    class CountingIndex(real):  # type: ignore[misc, valid-type]
        def __init__(self, knowledge: object) -> None:
            built.append(threading.get_ident())
            super().__init__(knowledge)  # type: ignore[arg-type]

    index_module.AskIndex = CountingIndex  # type: ignore[misc]
    try:
        got: list[object] = []
        threads = [threading.Thread(target=lambda: got.append(cache.get(kb))) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        index_module.AskIndex = real  # type: ignore[misc]
    assert len(built) == 1 and len(got) == 4 and all(index is got[0] for index in got)
    assert cache.ready(kb)
