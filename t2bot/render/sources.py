"""The one source formatter: short names, with links where there is one."""

from __future__ import annotations

from collections.abc import Iterable

from t2bot.knowledge.model import THREAD_SOURCE, Knowledge


def short_name(title: str) -> str:
    """``NICE NG59: Low back pain ...`` -> ``NICE NG59``; ``Gabbett 2016, BJSM: The ...`` ->
    ``Gabbett 2016, BJSM``; a title whose first part has no number or year (``NHS: Back
    pain``) stays whole, as the first part alone would not say which page."""
    head = title.split(": ", 1)[0].strip()
    return head if any(ch.isdigit() for ch in head) else title


def source_lines(kb: Knowledge, sources: Iterable[str], *, markdown: bool = True) -> list[str]:
    """One ``• name`` line per distinct source, the club's experience once; ``markdown`` makes
    references links (``[name](url)``), else ``name <url>``."""
    lines: list[str] = []
    club = False
    for source in dict.fromkeys(sources):
        if THREAD_SOURCE.match(source):
            club = True
            continue
        reference = kb.references.get(source)
        if reference is None:
            continue
        name = short_name(reference.title)
        lines.append(f"• [{name}]({reference.url})" if markdown else f"• {name} <{reference.url}>")
    if club:
        lines.insert(0, f"• {kb.meta.words.club_source}")
    return lines
