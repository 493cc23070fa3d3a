"""The one plain-text renderer of cards, for the terminal: wrapped to the terminal's width,
Discord's Markdown turned into plain words, and safe on any terminal encoding."""

from __future__ import annotations

import re
import shutil
import textwrap

from t2bot.render.card import Card

#: Characters the cards use that some terminals cannot show, and what to show instead.
_FALLBACK = {
    "☑": "[x]",
    "▫": "[ ]",
    "•": "*",
    "·": "-",
    "✓": "(done)",
    "◀": "<",
    "▶": ">",
    "–": "-",
    "—": "-",
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "°": " deg ",
}
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_COPY_BLOCK = re.compile(r"\n*[^\n]*\n```text\n.*?```", re.DOTALL)
_ESCAPED = re.compile(r"\\([\\*_~|`>\[\]<#:])")
MIN_WIDTH = 40
MAX_WIDTH = 100


def width() -> int:
    """The terminal's width (80 when it cannot be told), kept readable."""
    columns = shutil.get_terminal_size((80, 24)).columns
    return max(MIN_WIDTH, min(MAX_WIDTH, columns))


def plain(text: str) -> str:
    """Discord Markdown -> plain text: ``**bold**`` -> ``bold``, ``[name](url)`` ->
    ``name <url>``. A copy block (with the line that introduces it) is left out: in a terminal
    the card's own lines are already plain text to copy."""
    text = _COPY_BLOCK.sub("", text)
    text = _LINK.sub(r"\1 <\2>", text)
    text = text.replace("**", "")
    return _ESCAPED.sub(r"\1", text)


def safe(text: str, encoding: str | None) -> str:
    """``text`` as the terminal can print it: known symbols spelled out, others as ``?``."""
    if not encoding:
        return text
    try:
        text.encode(encoding)
        return text
    except (UnicodeEncodeError, LookupError):
        pass
    for char, fallback in _FALLBACK.items():
        text = text.replace(char, fallback)
    try:
        return text.encode(encoding, "replace").decode(encoding)
    except LookupError:
        return text.encode("ascii", "replace").decode("ascii")


def wrap(text: str, columns: int, indent: str = "") -> list[str]:
    """Wrap each line of ``text``; words are never split (a long address stays whole)."""
    out: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            out.append("")
            continue
        stripped = line.lstrip(" ")
        lead = indent + line[: len(line) - len(stripped)]
        bullet = re.match(r"(?:[•*\-]|\d+\.|\[.\]|☑|▫) ", stripped)
        hang = lead + " " * (len(bullet.group(0)) if bullet else 0)
        out += textwrap.wrap(
            stripped,
            width=columns,
            initial_indent=lead,
            subsequent_indent=hang,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [lead]
    return out


def wrap_output(text: str, columns: int | None = None) -> str:
    """Any terminal output wrapped to the width (lines that fit are left as they are)."""
    columns = columns or width()
    lines: list[str] = []
    for line in text.split("\n"):
        lines += wrap(line, columns) if len(line) > columns else [line]
    return "\n".join(lines)


def render(card: Card, columns: int | None = None, encoding: str | None = None) -> str:
    """A card as terminal text: title, text, each part under its heading, the reminder last."""
    columns = columns or width()
    lines = ["", *wrap(f"## {card.title}", columns), *wrap(plain(card.body), columns)]
    for section in card.sections:
        lines += ["", *wrap(f"{section.heading}:", columns)]
        for line in section.lines:
            lines += wrap(plain(line), columns, "  ")
    if card.footer:
        lines += ["", *wrap(plain(card.footer), columns)]
    if card.note:
        lines += wrap(plain(card.note), columns)
    return safe("\n".join(lines), encoding)
