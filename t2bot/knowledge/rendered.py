"""The knowledge as members see it, checked against Discord's limits.

Discord refuses a whole message (HTTP 400) when one part is too long: one over-long button
label takes a screen down for everyone. So the check renders every label, card and embed part
with the same functions the bot uses (``t2bot.triage.cards``, ``t2bot.stretches.cards``), with
every prefix (``☑ 11. ``) and the longest emergency number allowed, and refuses text that would
not fit. Text is never cut to fit: a member must not read half a warning sign.

Each problem is ``(place, message)`` like ``validate.check_semantics``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

from t2bot.knowledge.limits import (
    BUTTON_LABEL,
    EMBED_FOOTER,
    EMBED_TITLE,
    EMBED_TOTAL,
    FIELD_NAME,
    FIELD_VALUE,
    MAX_FIELDS,
    SELECT_LABEL,
)
from t2bot.knowledge.model import Knowledge, Node, Urgency
from t2bot.render.card import problems as card_problems
from t2bot.settings import MAX_EMERGENCY_NUMBER
from t2bot.stretches.cards import (
    choice_label,
    link_label,
    stretch_card,
    stretch_description,
    stretch_label,
)
from t2bot.triage import engine
from t2bot.triage.cards import (
    PAGES,
    Card,
    answer_label,
    checklist_placeholder,
    flag_label,
    go_label,
    option_label,
    outcome_card,
    page_card,
    reminder_for,
    step_card,
)
from t2bot.triage.engine import (
    MAX_STRETCHES,
    MAX_TIPS,
    FlowState,
    RankedContributor,
    Result,
    ShortEnding,
    Step,
)
from t2bot.triage.ids import path_digit

Place = tuple[Any, ...]
Problem = tuple[Place, str]

#: Where the bot's Discord code keeps a description shorter than Discord's 4096, the check
#: uses that limit, so that nothing is cut (``t2discord.ui_kit.embed_from_card``: 4000;
#: ``cogs.stretches.stretch_embed``: 1000).
CARD_DESCRIPTION = 4000
STRETCH_DESCRIPTION = 4000
#: The name of the field that carries a card's footer (the professional reminder).
REMINDER_FIELD = "See a professional"
#: Cards are checked with the longest emergency number an admin may set.
LONGEST_NUMBER = "1" * MAX_EMERGENCY_NUMBER


def check_rendered(kb: Knowledge) -> list[Problem]:
    """Every problem with what members would see; assumes the flow checks passed."""
    problems: list[Problem] = []
    problems += _flow_buttons(kb)
    problems += _flow_cards(kb)
    problems += _stretches(kb)
    return problems


def _too_long(place: Place, what: str, text: str, limit: int) -> Iterator[Problem]:
    if len(text) > limit:
        preview = text if len(text) <= 40 else text[:37] + "..."
        yield (
            place,
            (
                f"{what} would be {len(text)} characters as shown ({preview!r}); Discord allows "
                f"{limit}: make it {len(text) - limit} shorter"
            ),
        )


# --- The triage flow -------------------------------------------------------------------------


def _flow_buttons(kb: Knowledge) -> Iterator[Problem]:
    for n_index, node in enumerate(kb.nodes):
        here = ("nodes", n_index)
        for a_index, answer in enumerate(node.answers):
            if node.kind == "checklist":
                yield from _too_long(
                    (*here, "answers", a_index, "label"),
                    "the menu option",
                    option_label(answer),
                    SELECT_LABEL,
                )
                if answer.description:
                    yield from _too_long(
                        (*here, "answers", a_index, "description"),
                        "the menu option's description",
                        answer.description,
                        SELECT_LABEL,
                    )
                continue
            yield from _too_long(
                (*here, "answers", a_index, "label"),
                "the answer button",
                answer_label(answer),
                BUTTON_LABEL,
            )
        if node.kind == "checklist":
            yield from _too_long(
                (*here, "placeholder"), "the menu's placeholder", checklist_placeholder(node), 150
            )
        for f_index, flag in enumerate(node.flags):
            longest = max((flag_label(f_index, flag, ticked) for ticked in (False, True)), key=len)
            yield from _too_long(
                (*here, "flags", f_index, "label"), "the warning-sign button", longest, BUTTON_LABEL
            )
        if node.kind == "red_flags":
            for ticked in (False, True):
                yield from _too_long(
                    (*here, "none_label"),
                    "the button that leaves this screen",
                    go_label(node, ticked),
                    BUTTON_LABEL,
                )


def _paths(kb: Knowledge) -> dict[str, str]:
    """A shortest path (as in button ids) to every node that can be reached."""
    paths = {kb.start: ""}
    queue = deque([kb.start])
    while queue:
        node = kb.node(queue.popleft())
        for digits, nxt in screen_targets(kb, node):
            if nxt and nxt not in paths:
                paths[nxt] = paths[node.id] + digits
                queue.append(nxt)
    return paths


def screen_targets(kb: Knowledge, node: Node) -> list[tuple[str, str | None]]:
    """(path digits, next node) for each way on from ``node``: every answer of a question,
    "none" on a red-flag screen, and for a checklist its first option that reports no sign
    (else no emergency sign; every combination goes to the same ``next``), so the screens
    after it, advice ones too, are reached."""
    if node.kind == "red_flags":
        return [(path_digit(0), node.next)]
    if node.kind == "checklist":
        calm = [i for i, answer in enumerate(node.answers) if not answer.sign]
        calm += [
            i
            for i, answer in enumerate(node.answers)
            if answer.sign and kb.sign(answer.sign).urgency is not Urgency.emergency
        ]
        return [(engine.encode_picks(len(node.answers), calm[:1]), node.next)] if calm else []
    return [(path_digit(i), answer.next) for i, answer in enumerate(node.answers)]


def _flow_cards(kb: Knowledge) -> Iterator[Problem]:
    paths = _paths(kb)
    for n_index, node in enumerate(kb.nodes):
        if node.id not in paths:
            continue
        here = ("nodes", n_index)
        path = paths[node.id]
        can_tick = [i for i, flag in enumerate(node.flags) if flag.urgency is not Urgency.emergency]
        ticks = sum(1 << i for i in can_tick)
        step = engine.current(kb, FlowState(path, ticks))
        assert isinstance(step, Step)
        intro = ("meta", "intro") if node.id == kb.start else (*here, "text")
        yield from _card(
            step_card(kb, step, LONGEST_NUMBER),
            "this screen",
            here,
            {"body": intro, "sections": (*here, "flags")},
        )
        if node.kind == "red_flags":
            yield from _escalations(kb, node, here, path, can_tick)
    for e_index, ending in enumerate(kb.endings):
        places = {"footer": _reminder(kb, ShortEnding(ending))}
        if ending.urgency is not None:
            places["title"] = ("meta", "urgency", ending.urgency.value, "title")
        yield from _card(
            outcome_card(kb, ShortEnding(ending), LONGEST_NUMBER),
            "this ending",
            ("endings", e_index),
            places,
        )
    yield from _results(kb)


def _escalations(
    kb: Knowledge, node: Node, here: Place, path: str, can_tick: list[int]
) -> Iterator[Problem]:
    """Each sign alone, all tickable signs together, and all see-soon signs together."""
    soon = [i for i in can_tick if node.flags[i].urgency is Urgency.soon]
    outcomes = [
        engine.tap_flag(kb, FlowState(path), i)
        for i, flag in enumerate(node.flags)
        if flag.urgency is Urgency.emergency
    ]
    for ticked in [[i] for i in can_tick] + [can_tick, soon]:
        if ticked:
            outcomes.append(engine.proceed(kb, FlowState(path, sum(1 << i for i in ticked))))
    for outcome in outcomes:
        assert isinstance(outcome, engine.Escalation)
        level = ("meta", "urgency", outcome.urgency.value)
        yield from _card(
            outcome_card(kb, outcome, LONGEST_NUMBER),
            f"the '{outcome.urgency.value}' answer of this screen",
            (*here, "flags"),
            {
                "title": (*level, "title"),
                "body": (*level, "action"),
                "footer": _reminder(kb, outcome),
            },
        )


def _reminder(kb: Knowledge, outcome: engine.Outcome) -> Place:
    urgent = reminder_for(kb, outcome) == kb.meta.urgent_reminder
    return ("meta", "urgent_reminder" if urgent else "professional_reminder")


def _results(kb: Knowledge) -> Iterator[Problem]:
    """The ranked answer for each contributor alone, with every reason it can be given, its
    tips and its stretches; and the answer when nothing stands out."""
    reasons: dict[str, list[str]] = {c.id: [] for c in kb.contributors}
    for node in kb.nodes:
        for answer in node.answers:
            for cid, points in answer.weights.items():
                if points > 0 and answer.why and answer.why not in reasons[cid]:
                    reasons[cid].append(answer.why)
    for c_index, contributor in enumerate(kb.contributors):
        ranked = RankedContributor(contributor, kb.meta.min_score, tuple(reasons[contributor.id]))
        tips = tuple(kb.tip(tip_id) for tip_id in contributor.tips[:MAX_TIPS])
        fitting = [s for s in kb.stretches if contributor.id in s.addresses][:MAX_STRETCHES]
        result = Result((ranked,), tips, tuple(fitting))
        for page in PAGES:
            yield from _card(
                page_card(kb, result, page, LONGEST_NUMBER),
                f"the answer that names this contributor ({page} page)",
                ("contributors", c_index),
                {"footer": ("meta", "professional_reminder")},
            )
    nothing = engine.rank(kb, [])
    for page in PAGES:
        yield from _card(
            page_card(kb, nothing, page, LONGEST_NUMBER),
            f"the answer when nothing stands out ({page} page)",
            ("meta", "nothing_stands_out"),
            {"sections": ("tips",), "footer": ("meta", "professional_reminder")},
        )


def _card(card: Card, what: str, place: Place, places: dict[str, Place]) -> Iterator[Problem]:
    """A card as ``t2discord.ui_kit.embed_from_card`` lays it out: title, description, one
    field per section and the footer as the last field."""
    yield from _too_long(places.get("title", place), f"{what}: the title", card.title, EMBED_TITLE)
    yield from _too_long(
        places.get("body", place), f"{what}: the text", card.body, CARD_DESCRIPTION
    )
    fields = [(s.heading, "\n".join(s.lines)) for s in card.sections]
    if card.footer:
        fields.append((REMINDER_FIELD, card.footer))
    for heading, value in fields:
        where = places.get("footer" if heading == REMINDER_FIELD else "sections", place)
        yield from _too_long(where, f"{what}: the heading {heading[:30]!r}", heading, FIELD_NAME)
        yield from _too_long(where, f"{what}: the part {heading[:30]!r}", value, FIELD_VALUE)
    if len(fields) > MAX_FIELDS:
        yield place, f"{what} would have {len(fields)} parts; Discord allows {MAX_FIELDS}"
    total = len(card.title) + len(card.body) + sum(len(h) + len(v) for h, v in fields)
    if total > EMBED_TOTAL:
        yield (
            place,
            f"{what} would be {total} characters in all; Discord allows {EMBED_TOTAL}: shorten it",
        )


# --- Stretches -------------------------------------------------------------------------------


def _stretches(kb: Knowledge) -> Iterator[Problem]:
    for s_index, stretch in enumerate(kb.stretches):
        here = ("stretches", s_index)
        name = (*here, "name")
        yield from _too_long(name, "the stretch button", stretch_label(stretch), BUTTON_LABEL)
        yield from _too_long(name, "the stretch card's title", stretch.name, EMBED_TITLE)
        yield from _too_long(name, "the autocomplete entry", choice_label(stretch), SELECT_LABEL)
        for a_index, alias in enumerate(stretch.aliases):
            yield from _too_long(
                (*here, "aliases", a_index),
                "the autocomplete entry",
                choice_label(stretch, alias),
                SELECT_LABEL,
            )
        if stretch.link_url:
            yield from _too_long(
                (*here, "link_label"), "the link button", link_label(stretch), BUTTON_LABEL
            )
        description = stretch_description(kb, stretch)
        yield from _too_long(
            (*here, "aliases"), "the stretch card's text", description, STRETCH_DESCRIPTION
        )
        card = stretch_card(kb, stretch)
        keys = {
            "How to": "steps",
            "Dose": "dose",
            "Cues": "cues",
            "Common mistakes": "mistakes",
            "Take care": "cautions",
            "You need": "equipment",
            "Sources": "sources",
        }
        for heading, value in card.fields:
            yield from _too_long(
                (*here, keys.get(heading.removesuffix(" (continued)"), heading)),
                f"the stretch card's part {heading!r}",
                value,
                FIELD_VALUE,
            )
        yield from _too_long((*here, "image_credit"), "the picture credit", card.note, EMBED_FOOTER)
        for problem in card_problems(card):
            if "characters in all" in problem or "parts (limit" in problem:
                yield here, f"the stretch card: {problem}: shorten it"
