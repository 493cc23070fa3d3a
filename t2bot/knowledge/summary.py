"""One-screen summary of the knowledge, for ``bot.py --check-knowledge``."""

from __future__ import annotations

from collections import Counter
from functools import cache

from t2bot.knowledge.model import Flag, Knowledge, Urgency
from t2bot.knowledge.validate import count_paths

#: Outcome kinds in the tap table: the urgencies, then the ranked result and short endings.
KINDS = ("emergency", "same_day", "soon", "result", "ending")


def tap_distribution(kb: Knowledge) -> dict[str, Counter[int]]:
    """For every way through the flow, how many taps it takes to an answer, by answer kind.

    A way is one answer per question, "None of these" or one sign (emergency: one tap; other
    signs: tick and Continue) on each safety screen. Signs reported by answers end the check
    before the first ``advice`` question, as in the engine. Walks are memoized by screen and the
    signs and facts collected so far, so every path is counted without listing them."""

    def escalation(signs: frozenset[str], facts: frozenset[str]) -> str | None:
        pending = [kb.sign(s) for s in signs if not set(kb.sign(s).unless) & facts]
        if not pending:
            return None
        return max((f.urgency for f in pending), key=lambda u: u.rank).value

    @cache
    def walk(
        node_id: str, signs: frozenset[str], facts: frozenset[str]
    ) -> Counter[tuple[str, int]]:
        node = kb.node(node_id)
        found: Counter[tuple[str, int]] = Counter()

        def add(sub: Counter[tuple[str, int]], taps: int) -> None:
            for (kind, n), count in sub.items():
                found[(kind, n + taps)] += count

        def enter(target: str, signs: frozenset[str], facts: frozenset[str], taps: int) -> None:
            kind = escalation(signs, facts)
            if kb.node(target).advice and kind:
                found[(kind, taps)] += 1
            else:
                add(walk(target, signs, facts), taps)

        if node.kind == "red_flags":
            for flag in node.flags:
                taps = 1 if flag.urgency is Urgency.emergency else 2
                found[(_worst(flag, signs, kb), taps)] += 1
            if node.next:
                enter(node.next, signs, facts, 1)
            return found
        for answer in node.answers:
            now_signs, now_facts = signs, facts | frozenset(answer.sets)
            if answer.sign:
                if kb.sign(answer.sign).urgency is Urgency.emergency:
                    found[("emergency", 1)] += 1
                    continue
                now_signs = signs | {answer.sign}
            if answer.next:
                enter(answer.next, now_signs, now_facts, 1)
                continue
            kind = escalation(now_signs, now_facts)
            if kind is None:
                kind = "result" if answer.end == "result" else _ending_kind(kb, answer.end)
            found[(kind, 1)] += 1
        return found

    table: dict[str, Counter[int]] = {kind: Counter() for kind in KINDS}
    for (kind, taps), count in walk(kb.start, frozenset(), frozenset()).items():
        table[kind][taps] += count
    return table


def _worst(flag: Flag, signs: frozenset[str], kb: Knowledge) -> str:
    ranks = [flag.urgency] + [kb.sign(s).urgency for s in signs]
    return max(ranks, key=lambda u: u.rank).value


def _ending_kind(kb: Knowledge, end: str | None) -> str:
    ending = kb.ending(end or "")
    return ending.urgency.value if ending.urgency else "ending"


def median(counts: Counter[int]) -> float:
    total = sum(counts.values())
    if not total:
        return 0.0
    ordered = sorted(counts.items())
    middle = [(total - 1) // 2, total // 2]
    values = []
    for wanted in middle:
        seen = 0
        for taps, count in ordered:
            seen += count
            if seen > wanted:
                values.append(taps)
                break
    return sum(values) / 2


def tap_lines(kb: Knowledge) -> list[str]:
    table = tap_distribution(kb)
    lines = ["  taps to an answer, over every path (paths / min / median / max):"]
    for kind in KINDS:
        counts = table[kind]
        if counts:
            lines.append(
                f"    {kind:<10}{sum(counts.values()):>12} / {min(counts)} / "
                f"{median(counts):g} / {max(counts)}"
            )
    return lines


def summarize(kb: Knowledge) -> str:
    questions = sum(1 for node in kb.nodes if node.kind == "question")
    screens = sum(1 for node in kb.nodes if node.kind == "red_flags")
    flags = sum(len(node.flags) for node in kb.nodes) + len(kb.signs)
    lines = [
        f"Knowledge OK (flow version {kb.version})",
        f"  red-flag screens: {screens} ({flags} warning signs, {len(kb.signs)} asked by answers)",
        f"  questions:        {questions}",
        f"  endings:          {len(kb.endings)}",
        f"  facts, notes:     {len(kb.facts)}, {len(kb.notes)}",
        f"  contributors:     {len(kb.contributors)}",
        f"  tips:             {len(kb.tips)}",
        f"  stretches:        {len(kb.stretches)}",
        f"  references:       {len(kb.references)}",
        f"  distinct paths:   {count_paths(kb)}",
        *tap_lines(kb),
    ]
    return "\n".join(lines)
