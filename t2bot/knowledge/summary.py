"""One-screen summary of the knowledge, for ``bot.py --check-knowledge``."""

from __future__ import annotations

from t2bot.knowledge.model import Knowledge
from t2bot.knowledge.validate import count_paths


def summarize(kb: Knowledge) -> str:
    questions = sum(1 for node in kb.nodes if node.kind == "question")
    screens = sum(1 for node in kb.nodes if node.kind == "red_flags")
    flags = sum(len(node.flags) for node in kb.nodes)
    lines = [
        f"Knowledge OK (flow version {kb.version})",
        f"  red-flag screens: {screens} ({flags} warning signs)",
        f"  questions:        {questions}",
        f"  endings:          {len(kb.endings)}",
        f"  contributors:     {len(kb.contributors)}",
        f"  tips:             {len(kb.tips)}",
        f"  stretches:        {len(kb.stretches)}",
        f"  references:       {len(kb.references)}",
        f"  distinct paths:   {count_paths(kb)}",
    ]
    return "\n".join(lines)
