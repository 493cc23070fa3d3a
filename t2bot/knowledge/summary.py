"""One-screen summary of the knowledge, for ``bot.py --check-knowledge``."""

from __future__ import annotations

from collections import Counter
from functools import cache

from t2bot.knowledge.model import Flag, Knowledge, Node, Urgency
from t2bot.knowledge.validate import checklist_units, count_paths

#: Outcome kinds in the tap table: the urgencies, then the ranked result and short endings.
KINDS = ("emergency", "same_day", "soon", "result", "ending")


def tap_distribution(kb: Knowledge) -> dict[str, Counter[int]]:
    """For every way through the flow, how many taps it takes to an answer, by answer kind.

    A way is one answer per question, one combination of options per checklist (one tap: the
    select menu), "None of these" or one sign (emergency: one tap; other signs: tick and
    Continue) on each safety screen. Signs reported by answers end the check before the first
    ``advice`` question, as in the engine. Walks are memoized by screen and the signs and facts
    collected so far, and a checklist's combinations by what they add (``checklist_classes``),
    so every path is counted without listing them."""

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

        def leave(
            target: str | None,
            end: str | None,
            signs: frozenset[str],
            facts: frozenset[str],
            ways: int = 1,
        ) -> None:
            """One tap on to ``target`` (or to ``end``), ``ways`` times over."""
            kind = escalation(signs, facts)
            if target is not None and not (kb.node(target).advice and kind):
                for (sub_kind, n), count in walk(target, signs, facts).items():
                    found[(sub_kind, n + 1)] += count * ways
                return
            if kind is None:
                kind = "result" if end == "result" else _ending_kind(kb, end)
            found[(kind, 1)] += ways

        if node.kind == "red_flags":
            for flag in node.flags:
                taps = 1 if flag.urgency is Urgency.emergency else 2
                found[(_worst(flag, signs, kb), taps)] += 1
            if node.next:
                leave(node.next, None, signs, facts)
            return found
        if node.kind == "checklist":
            for (added, new_facts, emergency), count in checklist_classes(kb, node).items():
                if emergency:
                    found[("emergency", 1)] += count
                else:
                    leave(node.next, node.end, signs | added, facts | new_facts, count)
            return found
        for answer in node.answers:
            now_signs, now_facts = signs, facts | frozenset(answer.sets)
            if answer.sign:
                if kb.sign(answer.sign).urgency is Urgency.emergency:
                    found[("emergency", 1)] += 1
                    continue
                now_signs = signs | {answer.sign}
            leave(answer.next, answer.end, now_signs, now_facts)
        return found

    table: dict[str, Counter[int]] = {kind: Counter() for kind in KINDS}
    for (kind, taps), count in walk(kb.start, frozenset(), frozenset()).items():
        table[kind][taps] += count
    return table


ChecklistClass = tuple[frozenset[str], frozenset[str], bool]


def checklist_classes(kb: Knowledge, node: Node) -> Counter[ChecklistClass]:
    """A checklist's combinations of options grouped by what they add: (signs that do not end
    the check, facts, whether an emergency sign ends it) -> how many combinations. Built option
    by option, so 25 options cost 25 merges, not 2**25 combinations; a ``one_of`` group adds
    none or exactly one of its options."""
    classes: Counter[ChecklistClass] = Counter({(frozenset(), frozenset(), False): 1})
    for unit in checklist_units(node):  # none of a unit, or exactly one of its options
        grown: Counter[ChecklistClass] = Counter(classes)
        for answer in unit:
            emergency = (
                bool(answer.sign) and kb.sign(answer.sign or "").urgency is Urgency.emergency
            )
            sign = frozenset([answer.sign]) if answer.sign and not emergency else frozenset()
            for (signs, facts, urgent), count in classes.items():
                grown[(signs | sign, facts | frozenset(answer.sets), urgent or emergency)] += count
        classes = grown
    classes[(frozenset(), frozenset(), False)] -= 1  # nothing picked is no answer
    for answer in node.answers:
        if answer.exclusive:
            emergency = (
                bool(answer.sign) and kb.sign(answer.sign or "").urgency is Urgency.emergency
            )
            sign = frozenset([answer.sign]) if answer.sign and not emergency else frozenset()
            classes[(sign, frozenset(answer.sets), emergency)] += 1
    return +classes


def fewest_taps_to_signs(kb: Knowledge) -> dict[str, int]:
    """Per emergency sign, the fewest taps that reach it: breadth first over the screens (one
    tap per screen passed; ticking the sign is the last tap)."""
    from collections import deque

    depth = {kb.start: 0}
    queue = deque([kb.start])
    best: dict[str, int] = {}
    while queue:
        node = kb.node(queue.popleft())
        here = depth[node.id]
        reported = [flag.id for flag in node.flags if flag.urgency is Urgency.emergency]
        reported += [
            a.sign for a in node.answers if a.sign and kb.sign(a.sign).urgency is Urgency.emergency
        ]
        for sign in reported:
            best.setdefault(sign, here + 1)
        targets = [node.next] if node.kind != "question" else [a.next for a in node.answers]
        for nxt in targets:
            if nxt and nxt not in depth:
                depth[nxt] = here + 1
                queue.append(nxt)
    for sign, taps in list(best.items()):  # a sign held by an earlier one ('within')
        outer = kb.sign(sign).within
        if outer is not None and outer in best:
            best[sign] = min(taps, best[outer])
    return best


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


#: The targets of issue 9, stated where the table is printed.
TARGET_RESULT = 14
TARGET_EMERGENCY = 2


def tap_lines(kb: Knowledge) -> list[str]:
    """The tap table: every path by answer kind, then the fewest taps to each emergency sign.

    The targets: the median over every path to a ranked result (``result``) at most
    ``TARGET_RESULT`` taps; every emergency sign reachable in at most ``TARGET_EMERGENCY``
    taps (the fewest taps per sign: a member who has it taps it on the first screen). The
    emergency row over every path also counts follow-ups that ask a sign again for members
    who skimmed the first screen, so its median is longer; the target is not for that row."""
    table = tap_distribution(kb)
    lines = ["  taps to an answer, over every path (paths / min / median / max):"]
    for kind in KINDS:
        counts = table[kind]
        if counts:
            lines.append(
                f"    {kind:<10}{sum(counts.values()):>12} / {min(counts)} / "
                f"{median(counts):g} / {max(counts)}"
            )
    fewest = fewest_taps_to_signs(kb)
    if fewest:
        per_sign = Counter(fewest.values())
        late = sorted(sign for sign, taps in fewest.items() if taps > TARGET_EMERGENCY)
        lines.append(
            "  fewest taps to each emergency sign (signs / min / median / max): "
            f"{len(fewest)} / {min(per_sign)} / {median(per_sign):g} / {max(per_sign)}"
        )
        if late:
            lines.append(f"    over {TARGET_EMERGENCY} taps: {', '.join(late)}")
    result = table["result"]
    lines.append(
        f"  targets: result median <= {TARGET_RESULT} taps over every path"
        f" ({'met' if result and median(result) <= TARGET_RESULT else 'not met'}); "
        f"each emergency sign in <= {TARGET_EMERGENCY} taps"
        f" ({'met' if fewest and max(fewest.values()) <= TARGET_EMERGENCY else 'not met'})"
    )
    return lines


def summarize(kb: Knowledge) -> str:
    questions = sum(1 for node in kb.nodes if node.kind in ("question", "checklist"))
    checklists = sum(1 for node in kb.nodes if node.kind == "checklist")
    ticked = f" ({checklists} tick-all-that-fit)" if checklists else ""
    screens = sum(1 for node in kb.nodes if node.kind == "red_flags")
    flags = sum(len(node.flags) for node in kb.nodes) + len(kb.signs)
    lines = [
        f"Knowledge OK (flow version {kb.version})",
        f"  red-flag screens: {screens} ({flags} warning signs, {len(kb.signs)} asked by answers)",
        f"  questions:        {questions}{ticked}",
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
