"""The one card model every reply is built from: triage screens and answers, stretches,
routines, reminder DMs and /mydata.

A card is plain text in parts (title, body, sections, footer, small print) so each front end lays
it out its own way: ``t2discord.ui_kit.embed_from_card`` for Discord, ``t2bot.render.text`` for
the terminal. Nothing is ever cut: a long list is split between lines into "(continued)"
sections, and ``problems`` says what would not fit Discord, for the tests and the knowledge check.
"""

from __future__ import annotations

from dataclasses import dataclass

from t2bot.knowledge.limits import (
    EMBED_DESCRIPTION,
    EMBED_FOOTER,
    EMBED_TITLE,
    EMBED_TOTAL,
    FIELD_NAME,
    FIELD_VALUE,
    MAX_FIELDS,
)
from t2bot.knowledge.model import Urgency

#: The bot keeps a card's text a little under Discord's 4096 so nothing is ever near the edge.
CARD_DESCRIPTION = 4000
#: Text that shows something was cut; no card may contain it.
CUT_MARKS = ("…", "...")


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Card:
    """``footer`` is the closing reminder (its field is named ``footer_heading``); ``note`` is
    small print (page numbers, picture credit); images are optional links."""

    title: str
    body: str
    sections: tuple[Section, ...] = ()
    footer: str = ""
    urgency: Urgency | None = None
    finished: bool = False
    footer_heading: str = "See a professional"
    note: str = ""
    image_url: str | None = None
    thumbnail_url: str | None = None

    @property
    def fields(self) -> list[tuple[str, str]]:
        """(name, value) of each embed field, the footer last."""
        fields = [(s.heading, "\n".join(s.lines)) for s in self.sections]
        if self.footer:
            fields.append((self.footer_heading, self.footer))
        return fields

    def text(self) -> str:
        """All the words of the card, for checks and searches."""
        parts = [self.title, self.body, self.note]
        for name, value in self.fields:
            parts += [name, value]
        return "\n".join(part for part in parts if part)


def sections_of(heading: str, lines: tuple[str, ...] | list[str]) -> tuple[Section, ...]:
    """One section per Discord embed field (at most ``FIELD_VALUE`` characters): a long list
    goes on in "(continued)" sections, split between lines (an indented line stays with the one
    before it), so no text is ever cut. A line longer than a field is refused by the knowledge
    check."""
    groups: list[list[str]] = []
    for line in lines:
        if groups and line.startswith("  "):
            groups[-1].append(line)
        else:
            groups.append([line])
    parts: list[list[str]] = []
    size = 0
    for group in groups:
        length = sum(len(line) for line in group) + len(group) - 1
        if parts and size + 1 + length <= FIELD_VALUE:
            parts[-1] += group
            size += 1 + length
        elif length <= FIELD_VALUE:
            parts.append(list(group))
            size = length
        else:  # a tip with a long note: split between its lines after all
            for line in group:
                if parts and size + 1 + len(line) <= FIELD_VALUE:
                    parts[-1].append(line)
                    size += 1 + len(line)
                else:
                    parts.append([line])
                    size = len(line)
    return tuple(
        Section(heading if i == 0 else f"{heading} (continued)", tuple(part))
        for i, part in enumerate(parts)
    )


def problems(card: Card) -> list[str]:
    """What about ``card`` Discord would refuse (or the bot would have to cut); empty if it fits."""
    found: list[str] = []

    def check(what: str, text: str, limit: int) -> None:
        if len(text) > limit:
            found.append(f"{what} is {len(text)} characters (limit {limit}): {text[:40]!r}")

    check("the title", card.title, EMBED_TITLE)
    check("the text", card.body, CARD_DESCRIPTION)
    check("the small print", card.note, EMBED_FOOTER)
    fields = card.fields
    for name, value in fields:
        check(f"the heading {name[:30]!r}", name, FIELD_NAME)
        check(f"the part {name[:30]!r}", value, FIELD_VALUE)
        if not value.strip():
            found.append(f"the part {name[:30]!r} is empty")
    if len(fields) > MAX_FIELDS:
        found.append(f"{len(fields)} parts (limit {MAX_FIELDS})")
    total = len(card.title) + len(card.body) + len(card.note)
    total += sum(len(name) + len(value) for name, value in fields)
    if total > EMBED_TOTAL:
        found.append(f"{total} characters in all (limit {EMBED_TOTAL})")
    assert CARD_DESCRIPTION <= EMBED_DESCRIPTION
    return found


def cut_marks(card: Card) -> list[str]:
    """Any sign that a text was shortened ("…")."""
    text = card.text()
    return [mark for mark in CUT_MARKS if mark in text]
