"""What the check-in DM says and offers, from the knowledge: plain data, no Discord."""

from __future__ import annotations

from dataclasses import dataclass

from t2bot.checkin.ids import CheckInId, ref
from t2bot.knowledge.model import CheckIn, Knowledge

#: Discord's limits for a menu option's label and an embed field.
OPTION_LABEL = 100
FIELD_VALUE = 1024


@dataclass(frozen=True)
class Offered:
    """What a check-in id refers to in the current knowledge (items removed since: dropped)."""

    contributors: tuple[str, ...]
    """Contributor ids."""
    items: tuple[tuple[int, str, str, str], ...]
    """(index in the id's refs, ``tip`` or ``stretch``, item id, text for the menu)."""

    def picked(self, cid: CheckInId) -> tuple[list[str], list[str]]:
        """The tip ids and stretch ids the member picked."""
        chosen = set(cid.picked())
        tips = [item_id for i, kind, item_id, _ in self.items if i in chosen and kind == "tip"]
        stretches = [
            item_id for i, kind, item_id, _ in self.items if i in chosen and kind == "stretch"
        ]
        return tips, stretches


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def resolve(kb: Knowledge, cid: CheckInId) -> Offered:
    lookup: dict[str, tuple[str, str, str]] = {}
    for contributor in kb.contributors:
        lookup[ref("c", contributor.id)] = ("contributor", contributor.id, contributor.name)
    for tip in kb.tips:
        lookup[ref("t", tip.id)] = ("tip", tip.id, tip.text)
    for stretch in kb.stretches:
        lookup[ref("s", stretch.id)] = ("stretch", stretch.id, stretch.name)
    contributors: list[str] = []
    items: list[tuple[int, str, str, str]] = []
    for index, code in enumerate(cid.refs):
        found = lookup.get(code)
        if found is None:
            continue
        kind, item_id, text = found
        if kind == "contributor":
            contributors.append(item_id)
        else:
            label = ("Stretch: " if kind == "stretch" else "") + text
            items.append((index, kind, item_id, _clip(label, OPTION_LABEL)))
    return Offered(tuple(contributors), tuple(items))


def worse_reply(words: CheckIn, kb: Knowledge, emergency_number: str) -> tuple[str, str]:
    """The "worse" reply (when to see someone) and the warning signs as a list."""
    flags = {flag.id: flag for flag in kb.all_signs()}
    signs = [f"• {flags[flag_id].label}" for flag_id in words.warning_signs if flag_id in flags]
    text = words.worse.reply.replace("{emergency_number}", emergency_number)
    return text, _clip_lines(signs, FIELD_VALUE)


def _clip_lines(lines: list[str], limit: int) -> str:
    out: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > limit:
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


def outcome_label(words: CheckIn, outcome: str) -> str:
    answer = {"better": words.better, "same": words.same, "worse": words.worse}[outcome]
    return answer.label


def outcome_reply(words: CheckIn, outcome: str) -> str:
    answer = {"better": words.better, "same": words.same, "worse": words.worse}[outcome]
    return answer.reply
