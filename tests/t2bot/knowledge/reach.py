"""Which facts a contributor, tip or stretch can only be shown with (for the wording tests).

A tip reaches a member only through a contributor that lists it (or as a general tip when
nothing stands out), so a tip that is not general also needs every fact that all its
contributors need, and is kept from everyone all of them exclude. A fact implies another when
every answer of the flow that sets it sets the other too (``aero`` implies ``rides``)."""

from __future__ import annotations

from t2bot.knowledge.model import Contributor, Knowledge, Stretch, Tip

Item = Contributor | Tip | Stretch


def implied(kb: Knowledge, facts: set[str]) -> set[str]:
    """``facts`` with every fact they imply (see the module docstring)."""
    sets = [set(answer.sets) for node in kb.nodes for answer in node.answers if answer.sets]
    closed = set(facts)
    for fact in facts:
        with_it = [s for s in sets if fact in s]
        if with_it:
            closed |= set.intersection(*with_it)
    return closed


def _listing(kb: Knowledge, tip: Tip) -> list[Contributor]:
    return [c for c in kb.contributors if tip.id in c.tips]


def _with_contributors(kb: Knowledge, item: Item, key: str) -> set[str]:
    """``item``'s own ``key`` facts (``needs`` or ``excludes``), plus, for a tip that is not
    general, those that every contributor listing it has."""
    own = set(getattr(item, key))
    if isinstance(item, Tip) and not item.general:
        listing = _listing(kb, item)
        if listing:
            own |= set.intersection(*(set(getattr(c, key)) for c in listing))
    return own


def needs(kb: Knowledge, item: Item) -> set[str]:
    """Facts that are always set when ``item`` is shown."""
    return implied(kb, _with_contributors(kb, item, "needs"))


def excludes(kb: Knowledge, item: Item) -> set[str]:
    """Facts that are never set when ``item`` is shown."""
    return _with_contributors(kb, item, "excludes")
