"""The one registry of custom_id prefixes: every button id the bot makes starts with one.

Each feature's codec declares its own prefix (``t2bot.triage.ids``, ``t2bot.stretches.ids``,
``t2bot.ask.ids``, ``t2bot.checkin.ids``);
this module lists them all, once, and checks they stay distinct. Which ids are *read* is decided
by the DynamicItem classes registered on the bot (``T2Bot.claims``): ``cogs.unknown_buttons``
answers only the ids none of them reads, so no tap is answered twice.
"""

from __future__ import annotations

from t2bot.ask import ids as ask_ids
from t2bot.checkin import ids as checkin_ids
from t2bot.stretches import ids as stretch_ids
from t2bot.triage import ids as flow_ids

FLOW = flow_ids.PREFIX
STRETCH = stretch_ids.PREFIX
DATA = "t2d"
ASK = ask_ids.PREFIX
CHECK_IN = checkin_ids.PREFIX

#: Prefix -> the feature whose buttons use it.
PREFIXES: dict[str, str] = {
    FLOW: "back check",
    STRETCH: "stretches",
    DATA: "my data",
    ASK: "answers to questions in own words",
    CHECK_IN: "check-in DM",
}
KNOWN_PREFIXES = tuple(PREFIXES)

if len(set(KNOWN_PREFIXES)) != len(KNOWN_PREFIXES) or any(":" in p for p in KNOWN_PREFIXES):
    raise RuntimeError("custom_id prefixes must be distinct and contain no ':'")


def prefix_of(custom_id: str) -> str | None:
    """The registered prefix ``custom_id`` starts with (``<prefix>:``), if any."""
    head, colon, _ = custom_id.partition(":")
    return head if colon and head in PREFIXES else None
