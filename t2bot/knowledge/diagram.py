"""The question flow as a picture: a graph model built from the knowledge, drawn by Graphviz as
printable A4 pages (``.pdf`` with every page, ``.svg``/``.png`` one file a page) or written as
Mermaid text (``.mmd``, one file, no renderer needed).

``flow_graph`` walks ``knowledge.nodes`` generically: every screen's ``answers`` (their
``next``/``end``), its ``flags`` (each leads to the get-care exit of its ``urgency``) and its
``next`` (where "none of these" or "continue" goes), whatever the screen's ``kind``. So a new kind
of screen is drawn without changes here. Graphviz is imported only when a picture is drawn.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from t2bot.knowledge.model import Knowledge, Urgency

RESULT = "result"
FORMATS = ("pdf", "svg", "png", "mmd")
#: Fill colour of each urgency (exits and warning signs), light enough for black text on paper.
URGENCY_FILL = {
    Urgency.emergency.value: "#f4a6a6",
    Urgency.same_day.value: "#f9cf8f",
    Urgency.soon.value: "#fbeea0",
}
URGENCY_BORDER = {
    Urgency.emergency.value: "#b3261e",
    Urgency.same_day.value: "#b86200",
    Urgency.soon.value: "#8a7400",
}
EXIT_PREFIX = "exit_"
WRAP = 34
#: Size of the boxes' text, in points, before the drawing is fitted on the page.
TEXT_POINTS = 10
DOT_MISSING = (
    "Graphviz's `dot` program is not installed, so .svg and .png cannot be drawn. Install it "
    "(Debian/Ubuntu: `sudo apt-get install graphviz`; macOS: `brew install graphviz`) and try "
    "again, or write Mermaid text instead: `uv run bot.py --diagram flow.mmd`."
)


class DiagramError(Exception):
    """The picture cannot be drawn (unknown format, Graphviz missing); the text says why."""


@dataclass(frozen=True)
class Row:
    """One line inside a box: an answer or a warning sign."""

    text: str
    urgency: str | None = None


@dataclass(frozen=True)
class Box:
    id: str
    kind: str
    """A screen's kind (``question``, ``red_flags``, ...), ``ending``, ``result``, ``exit``."""
    title: str
    rows: tuple[Row, ...] = ()
    urgency: str | None = None


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""
    urgency: str | None = None


@dataclass
class FlowGraph:
    start: str
    boxes: dict[str, Box] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    safety: tuple[str, ...] = ()
    """The chain of warning-sign screens the flow starts with, in order."""
    version: str = ""
    """The knowledge version, shown on every page."""

    def targets(self, source: str) -> set[str]:
        return {edge.target for edge in self.edges if edge.source == source}


def _numbers(indexes: Sequence[int]) -> str:
    """``[0, 1, 2, 4]`` -> ``1-3, 5`` (answers are numbered from 1 in the boxes)."""
    runs: list[list[int]] = []
    for index in indexes:
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return ", ".join(
        f"{run[0] + 1}" if len(run) == 1 else f"{run[0] + 1}-{run[-1] + 1}" for run in runs
    )


def flow_graph(kb: Knowledge) -> FlowGraph:
    """Every screen, ending, get-care exit and the result, and where each answer leads."""
    graph = FlowGraph(start=kb.start, version=kb.version)
    endings = {ending.id: ending for ending in kb.endings}
    used_urgencies: set[str] = set()

    def target_box(target: str) -> str:
        if target == RESULT:
            graph.boxes.setdefault(
                RESULT, Box(RESULT, "result", "Result: likely contributors, tips and stretches")
            )
        elif target in endings and target not in graph.boxes:
            ending = endings[target]
            urgency = ending.urgency.value if ending.urgency else None
            graph.boxes[target] = Box(target, "ending", ending.title, urgency=urgency)
        return target

    for node in kb.nodes:
        answers: Sequence[Any] = getattr(node, "answers", None) or ()
        flags: Sequence[Any] = getattr(node, "flags", None) or ()
        rows = [Row(f"{i + 1}. {answer.label}") for i, answer in enumerate(answers)]
        rows += [Row(flag.label, flag.urgency.value) for flag in flags]
        graph.boxes[node.id] = Box(node.id, node.kind, node.text, tuple(rows))
        by_target: dict[str, list[int]] = {}
        for i, answer in enumerate(answers):
            target = answer.next or answer.end
            sign = getattr(answer, "sign", None)
            if not target and sign and kb.has_sign(sign):
                # An answer that reports an emergency sign ends the check there.
                urgency = kb.sign(sign).urgency.value
                used_urgencies.add(urgency)
                target = EXIT_PREFIX + urgency
            if target:
                by_target.setdefault(target_box(target), []).append(i)
        for target, indexes in by_target.items():
            label = "" if len(indexes) == len(answers) else _numbers(indexes)
            exit_urgency = target[len(EXIT_PREFIX) :] if target.startswith(EXIT_PREFIX) else None
            graph.edges.append(Edge(node.id, target, label, exit_urgency))
        urgencies = sorted({flag.urgency for flag in flags}, key=lambda u: -u.rank)
        together = getattr(node, "escalate_together", None)
        for urgency in urgencies:
            used_urgencies.add(urgency.value)
            graph.edges.append(
                Edge(node.id, EXIT_PREFIX + urgency.value, "any ticked", urgency.value)
            )
        if together and Urgency.same_day not in urgencies:
            used_urgencies.add(Urgency.same_day.value)
            graph.edges.append(
                Edge(
                    node.id,
                    EXIT_PREFIX + Urgency.same_day.value,
                    f"{together}+ ticked",
                    Urgency.same_day.value,
                )
            )
        # a checklist goes on from the node itself (next, or end: result / an ending)
        following = getattr(node, "next", None) or getattr(node, "end", None)
        if following:
            none_label = getattr(node, "none_label", "") if flags else ""
            graph.edges.append(Edge(node.id, target_box(following), none_label))
    graph.safety = _safety_screens(kb)
    for urgency in Urgency:
        if urgency.value in used_urgencies:
            words = kb.meta.urgency[urgency].title if urgency in kb.meta.urgency else urgency.value
            graph.boxes[EXIT_PREFIX + urgency.value] = Box(
                EXIT_PREFIX + urgency.value, "exit", words, urgency=urgency.value
            )
    return graph


def _safety_screens(kb: Knowledge) -> tuple[str, ...]:
    """The chain of warning-sign screens the flow starts with."""
    nodes = {node.id: node for node in kb.nodes}
    current, chain = nodes.get(kb.start), list[str]()
    while current is not None and getattr(current, "flags", None) and current.id not in chain:
        chain.append(current.id)
        current = nodes.get(getattr(current, "next", None) or "")
    return tuple(chain)


# ---------------------------------------------------------------------------------- Graphviz
#
# The real flow is far too big for one sheet (11 x 43 in: 2.6 pt text on A4), so it is drawn
# as A4 pages a coach can print: the screens in flow order, cut where the fewest arrows cross,
# each page as full as it can be while its smallest text still prints at ``MIN_POINTS``. An
# arrow to a screen on another page ends at a grey note ("continues on page 3: sessions"); the
# screen it reaches starts with a note saying where it came from. Exits, endings and the result
# are drawn on every page that leads to them.

#: A4 in inches, and the part a printer prints (about 1 cm margins).
A4 = (8.27, 11.69)
A4_PRINTABLE = (7.5, 10.9)
#: The smallest text a page may print at on A4, in points.
MIN_POINTS = 8.0
PNG_DPI = 200
TERMINAL_KINDS = ("exit", "ending", "result")
CONNECTOR_FILL = "#e4e4e4"
TITLE = "T2 back check: the question flow"
#: Filler page number while pages are still being cut (as wide as a real one).
_UNKNOWN_PAGE = 99


@dataclass(frozen=True)
class Page:
    number: int
    screens: tuple[str, ...]
    """The screens drawn on this page, in flow order."""


def _wrap(text: str, width: int = WRAP) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), width) or [""]


def _html_lines(text: str, width: int = WRAP) -> str:
    return "<BR/>".join(html.escape(line) for line in _wrap(text, width))


def _screen_label(box: Box) -> str:
    """A screen as one table: its id and kind, its text, then its answers or signs (signs of
    one urgency share one cell in that urgency's colour)."""
    kind = "" if box.kind == "question" else f" ({box.kind.replace('_', ' ')})"
    cells = [
        f'<TR><TD ALIGN="LEFT" BALIGN="LEFT" BGCOLOR="#dde6f3"><B>{html.escape(box.id)}</B>'
        f"{html.escape(kind)}<BR/>{_html_lines(box.title, WRAP + 6)}</TD></TR>",
    ]
    groups: list[tuple[str | None, list[str]]] = []
    for row in box.rows:
        if not groups or groups[-1][0] != row.urgency:
            groups.append((row.urgency, []))
        text = f"• {row.text}" if row.urgency else row.text
        first, *more = _wrap(text, WRAP + 2)
        groups[-1][1].append(html.escape(first))
        groups[-1][1].extend("&#160;&#160;&#160;" + html.escape(line) for line in more)
    for urgency, lines in groups:
        colour = URGENCY_FILL.get(urgency or "", "#ffffff")
        cells.append(
            f'<TR><TD ALIGN="LEFT" BALIGN="LEFT" BGCOLOR="{colour}">{"<BR/>".join(lines)}</TD></TR>'
        )
    return (
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3">'
        + "".join(cells)
        + "</TABLE>>"
    )


def screens_in_order(graph: FlowGraph) -> list[str]:
    """The screens (not exits, endings or the result) in flow order: every screen after all
    that lead to it, and a chain of screens kept together."""
    screens = [box.id for box in graph.boxes.values() if box.kind not in TERMINAL_KINDS]
    following: dict[str, list[str]] = {screen: [] for screen in screens}
    for edge in graph.edges:
        known = edge.source in following and edge.target in following
        if known and edge.target not in following[edge.source]:
            following[edge.source].append(edge.target)
    done: set[str] = set()
    finished: list[str] = []

    def visit(screen: str) -> None:  # depth first; the reversed finish order is topological
        done.add(screen)
        for target in reversed(following[screen]):
            if target not in done:
                visit(target)
        finished.append(screen)

    for screen in [graph.start, *reversed(screens)] if graph.start in following else screens:
        if screen not in done:
            visit(screen)
    return finished[::-1]


def _notes(graph: FlowGraph, screens: set[str]) -> int:
    """How many grey notes a page with these screens needs: one per screen elsewhere that an
    arrow leads to, one per screen reached from elsewhere."""
    leaving = {e.target for e in graph.edges if e.source in screens and e.target not in screens}
    coming = {e.target for e in graph.edges if e.target in screens and e.source not in screens}
    return len({t for t in leaving if graph.boxes[t].kind not in TERMINAL_KINDS}) + len(coming)


_PAGINATED: dict[str, list[Page]] = {}


def paginate(graph: FlowGraph) -> list[Page]:
    """Cut the screens in flow order into pages that each print at ``MIN_POINTS`` or more on
    A4: as few pages as possible, and of those the cut with the fewest grey notes."""
    key = repr(graph)
    if key not in _PAGINATED:
        if len(_PAGINATED) >= 4:
            _PAGINATED.clear()
        _PAGINATED[key] = _paginate(graph)
    return _PAGINATED[key]


def _dominators(graph: FlowGraph, order: Sequence[str]) -> dict[str, str | None]:
    """Each screen's immediate dominator: the last screen every way to it passes through
    (``None`` for the first screen). A screen with its dominator on another page starts a new
    part of the flow there."""
    index = {screen: i for i, screen in enumerate(order)}
    coming: dict[str, list[str]] = {screen: [] for screen in order}
    for edge in graph.edges:
        if edge.source in index and edge.target in index:
            coming[edge.target].append(edge.source)
    dominator: dict[str, str | None] = {}
    for screen in order:  # flow order: every screen's sources come before it
        sources = [source for source in coming[screen] if source in dominator]
        if not sources:
            dominator[screen] = None
            continue
        common: str | None = sources[0]
        for other in sources[1:]:
            mine: str | None = other
            while common is not None and mine is not None and common != mine:
                if index[common] > index[mine]:
                    common = dominator[common]
                else:
                    mine = dominator[mine]
            common = common if common == mine else None
        dominator[screen] = common
    return dominator


def _paginate(graph: FlowGraph) -> list[Page]:
    order = screens_in_order(graph)
    count = len(order)
    dominator = _dominators(graph, order)
    longest: list[int] = []  # where the longest run from each screen that fits a page ends
    for first in range(count):
        last = first + 1  # one screen always makes a page, even one too big for A4
        if first and longest[first - 1] > last:
            last = longest[first - 1]  # a run that fits still fits without its first screen
        while last < count and _fits(graph, tuple(order[first : last + 1])):
            last += 1
        longest.append(last)

    def cost(first: int, last: int) -> tuple[int, int]:
        screens = set(order[first:last])
        parts = sum(1 for s in screens if dominator[s] is not None and dominator[s] not in screens)
        return parts, _notes(graph, screens)

    # best[i], from order[i] on: (pages, parts split, notes, balance, where the pages end);
    # balance, the sum of squared page lengths, is least when the pages are even.
    Best = tuple[int, int, int, int, tuple[int, ...]]
    best: list[Best] = [(0, 0, 0, 0, ())] * (count + 1)
    for first in range(count - 1, -1, -1):
        options: list[Best] = []
        for last in range(first + 1, longest[first] + 1):
            parts, notes = cost(first, last)
            pages, more_parts, more_notes, balance, ends = best[last]
            options.append(
                (
                    pages + 1,
                    parts + more_parts,
                    notes + more_notes,
                    balance + (last - first) ** 2,
                    (last, *ends),
                )
            )
        best[first] = min(options)
    starts = (0, *best[0][4])
    return [
        Page(number, tuple(order[starts[number - 1] : starts[number]]))
        for number in range(1, len(starts))
    ]


def _fits(graph: FlowGraph, screens: tuple[str, ...]) -> bool:
    page = Page(_UNKNOWN_PAGE, screens)
    where = {screen: _UNKNOWN_PAGE for screen in graph.boxes} | dict.fromkeys(screens, 0)
    source = page_source(graph, page, where, _UNKNOWN_PAGE)
    return a4_points(_pipe(source, "svg")) >= MIN_POINTS


def _legend(graph: FlowGraph) -> str:
    cells = []
    for urgency, fill in URGENCY_FILL.items():
        exit_box = graph.boxes.get(EXIT_PREFIX + urgency)
        if exit_box is None:
            continue
        cells.append(
            f'<TD BGCOLOR="{fill}" COLOR="{URGENCY_BORDER[urgency]}" BORDER="2">'
            f"{_html_lines(exit_box.title, 22)}</TD>"
        )
    cells.append(
        f'<TD BGCOLOR="{CONNECTOR_FILL}" BORDER="1">grey note: the flow<BR/>'
        "goes on (or comes<BR/>from) another page</TD>"
    )
    return f'<TR><TD BORDER="0">Colours:</TD>{"".join(cells)}</TR>'


def _page_label(graph: FlowGraph, page: Page, total: int) -> str:
    """The page's heading: the title, the page number and span, and the colour legend."""
    version = f" (knowledge {html.escape(graph.version)})" if graph.version else ""
    first, last = page.screens[0], page.screens[-1]
    span = first if first == last else f"{first} … {last}"
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">'
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="15"><B>{TITLE}</B></FONT>{version}</TD></TR>'
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="13"><B>Page {page.number} of {total}:'
        f" {html.escape(span)}</B></FONT></TD></TR>"
        '<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLBORDER="1" CELLSPACING="3" CELLPADDING="3">'
        f"{_legend(graph)}</TABLE></TD></TR></TABLE>>"
    )


def page_source(
    graph: FlowGraph,
    page: Page,
    where: dict[str, int],
    total: int,
    size: tuple[float, float] | None = None,
    dpi: int | None = None,
) -> str:
    """One page in Graphviz's language (needs the ``graphviz`` package, not ``dot``).
    ``where`` gives each screen's page number; ``size`` (inches) scales the page down to fit."""
    import graphviz

    dot = graphviz.Digraph(f"page{page.number}", format="svg")
    dot.attr(
        rankdir="TB",
        nodesep="0.25",
        ranksep="0.3",
        fontname="Helvetica",
        fontsize=str(TEXT_POINTS),
        label=_page_label(graph, page, total),
        labelloc="t",
        labeljust="l",
    )
    if size is not None:
        dot.attr(size=f"{size[0]},{size[1]}")
    if dpi is not None:
        dot.attr(dpi=str(dpi))
    dot.attr("node", fontname="Helvetica", fontsize=str(TEXT_POINTS), shape="plaintext", margin="0")
    dot.attr(
        "edge", fontname="Helvetica", fontsize=str(TEXT_POINTS), color="#444444", arrowsize="0.7"
    )
    on_page = set(page.screens)
    if graph.start in on_page:
        dot.node(
            "__start__", "start", shape="circle", style="filled", fillcolor="#333333",
            fontcolor="white", width="0.6", fixedsize="true",
        )  # fmt: skip
        dot.edge("__start__", graph.start)
    for screen in page.screens:
        dot.node(screen, _screen_label(graph.boxes[screen]))
        comes_from = sorted(
            {e.source for e in graph.edges if e.target == screen and e.source not in on_page},
            key=lambda source: (where.get(source, 0), source),
        )
        if comes_from:
            pages = sorted({where[source] for source in comes_from})
            words = "page" if len(pages) == 1 else "pages"
            label = f"from {words} {', '.join(map(str, pages))}:\n" + "\n".join(
                _wrap(", ".join(comes_from), 30)
            )
            _connector(dot, f"__from__{screen}", label)
            dot.edge(f"__from__{screen}", screen, style="dashed")
    drawn: set[str] = set()
    for edge in graph.edges:
        if edge.source not in on_page:
            continue
        target = edge.target
        box = graph.boxes[target]
        if box.kind in TERMINAL_KINDS:
            if target not in drawn:
                drawn.add(target)
                _terminal(dot, box)
        elif target not in on_page:
            target = f"__to__{edge.target}"
            if target not in drawn:
                drawn.add(target)
                _connector(
                    dot,
                    target,
                    f"continues on page {where[edge.target]}:\n{edge.target}",
                )
        attrs: dict[str, str] = {"label": edge.label}
        if edge.urgency:
            attrs.update(
                color=URGENCY_BORDER[edge.urgency],
                fontcolor=URGENCY_BORDER[edge.urgency],
                penwidth="1.6",
            )
        if target.startswith("__to__"):
            attrs["style"] = "dashed"
        dot.edge(edge.source, target, **attrs)
    placed: set[str] = set()
    for edge in graph.edges:  # each exit beside the first safety screen that leads to it
        if (
            edge.urgency
            and edge.source in graph.safety
            and edge.source in on_page
            and edge.target not in placed
        ):
            placed.add(edge.target)
            dot.body.append(f"{{rank=same; {edge.source}; {edge.target}}}")
    return str(dot.source)


def _connector(dot: Any, name: str, label: str) -> None:
    dot.node(
        name,
        label,
        shape="note",
        style="filled",
        fillcolor=CONNECTOR_FILL,
        color="#777777",
        margin="0.15,0.06",
    )


def _terminal(dot: Any, box: Box) -> None:
    fill = URGENCY_FILL.get(box.urgency or "", "#d7efd7" if box.kind == "result" else "#eeeeee")
    border = URGENCY_BORDER.get(box.urgency or "", "#555555")
    shape = "octagon" if box.kind == "exit" else "box"
    label = "\n".join(_wrap(box.title, 24))
    if box.kind == "ending":
        label = f"{box.id}\n{label}"
    dot.node(
        box.id,
        label,
        shape=shape,
        style="filled,rounded" if shape == "box" else "filled",
        fillcolor=fill,
        color=border,
        penwidth="2",
        margin="0.15,0.06",
    )


def dot_available() -> bool:
    return shutil.which("dot") is not None


def _pipe(source: str, fmt: str) -> bytes:
    import graphviz

    try:
        data: bytes = graphviz.Source(source).pipe(format=fmt, engine="dot")
    except graphviz.ExecutableNotFound as exc:
        raise DiagramError(DOT_MISSING) from exc
    return data


def _check(fmt: str) -> None:
    if fmt not in ("svg", "png", "pdf"):
        raise DiagramError(f"cannot draw .{fmt}: use one of .pdf, .svg, .png, .mmd")
    if not dot_available():
        raise DiagramError(DOT_MISSING)


def _fit(natural: tuple[float, float]) -> tuple[float, float]:
    """The printable A4 area, portrait or landscape: whichever prints ``natural`` larger."""
    width, height = natural
    portrait = min(A4_PRINTABLE[0] / width, A4_PRINTABLE[1] / height)
    landscape = min(A4_PRINTABLE[1] / width, A4_PRINTABLE[0] / height)
    return A4_PRINTABLE if portrait >= landscape else (A4_PRINTABLE[1], A4_PRINTABLE[0])


def page_sources(graph: FlowGraph, dpi: int | None = None) -> list[str]:
    """Every page in Graphviz's language, each scaled to fit A4 the way round it prints larger."""
    pages = paginate(graph)
    where = {screen: page.number for page in pages for screen in page.screens}
    sources = []
    for page in pages:
        natural = svg_size(_pipe(page_source(graph, page, where, len(pages)), "svg"))
        sources.append(page_source(graph, page, where, len(pages), _fit(natural), dpi))
    return sources


def render_pages(graph: FlowGraph, fmt: str) -> list[bytes]:
    """The A4 pages as ``svg`` or ``png`` files (``DiagramError`` when Graphviz is missing)."""
    _check(fmt)
    if fmt == "pdf":
        raise DiagramError("a PDF holds every page in one file: use render_pdf")
    return [_pipe(source, fmt) for source in page_sources(graph, PNG_DPI if fmt == "png" else None)]


def render_pdf(graph: FlowGraph) -> bytes:
    """All pages in one PDF, each centred on an A4 sheet (portrait or landscape)."""
    _check("pdf")
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation

    writer = PdfWriter()
    for source in page_sources(graph):
        [drawn] = PdfReader(io.BytesIO(_pipe(source, "pdf"))).pages
        width, height = float(drawn.mediabox.width), float(drawn.mediabox.height)
        sheet_w, sheet_h = (A4[0] * 72, A4[1] * 72)
        if width > height:
            sheet_w, sheet_h = sheet_h, sheet_w
        sheet = PageObject.create_blank_page(width=sheet_w, height=sheet_h)
        move = Transformation().translate((sheet_w - width) / 2, (sheet_h - height) / 2)
        sheet.merge_transformed_page(drawn, move)
        writer.add_page(sheet)
    writer.add_metadata({"/Title": TITLE})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_SVG_SIZE = re.compile(rb'<svg width="([\d.]+)pt" height="([\d.]+)pt"')
_SVG_SCALE = re.compile(rb'<g id="graph0" class="graph" transform="scale\(([\d.]+)')
_FONT_SIZE = re.compile(rb'font-size="([\d.]+)"')


def svg_size(svg: bytes) -> tuple[float, float]:
    """Width and height of a Graphviz SVG drawing, in inches."""
    found = _SVG_SIZE.search(svg)
    if found is None:
        raise DiagramError("Graphviz gave a drawing without a size")
    return float(found.group(1)) / 72, float(found.group(2)) / 72


def a4_points(svg: bytes) -> float:
    """How large the smallest text of a Graphviz SVG prints when the drawing is fitted on A4
    (portrait or landscape, whichever is larger; never enlarged)."""
    width, height = svg_size(svg)
    scaled = _SVG_SCALE.search(svg)
    scale = float(scaled.group(1)) if scaled else 1.0
    smallest = min(float(size) for size in _FONT_SIZE.findall(svg))
    fit_w, fit_h = _fit((width, height))
    return smallest * scale * min(1.0, fit_w / width, fit_h / height)


# ---------------------------------------------------------------------------------- Mermaid


def _mermaid_text(text: str) -> str:
    """Mermaid label text: quotes and brackets written as entities."""
    escaped = html.escape(" ".join(text.split()), quote=True)
    return escaped.replace("[", "&#91;").replace("]", "&#93;").replace("|", "&#124;")


def mermaid(graph: FlowGraph) -> str:
    """The graph as Mermaid flowchart text (GitHub and most Markdown viewers draw it)."""
    lines = ["flowchart TD", "    __start__((start))"]
    for box in graph.boxes.values():
        if box.kind in ("exit", "ending", "result"):
            title = _mermaid_text(box.title)
            if box.kind == "exit":
                lines.append(f'    {box.id}{{{{"{title}"}}}}')
            else:
                head = f"{box.id}: " if box.kind == "ending" else ""
                lines.append(f'    {box.id}(["{head}{title}"])')
        else:
            parts = [f"<b>{box.id}</b> ({box.kind})", _mermaid_text(box.title)]
            parts += [_mermaid_text(row.text) for row in box.rows]
            lines.append(f'    {box.id}["{"<br/>".join(parts)}"]')
    lines.append(f"    __start__ --> {graph.start}")
    for edge in graph.edges:
        arrow = "==>" if edge.urgency else "-->"
        label = f'|"{_mermaid_text(edge.label)}"|' if edge.label else ""
        lines.append(f"    {edge.source} {arrow}{label} {edge.target}")
    for urgency, fill in URGENCY_FILL.items():
        lines.append(
            f"    classDef {urgency} fill:{fill},stroke:{URGENCY_BORDER[urgency]},stroke-width:2px"
        )
    lines.append("    classDef result fill:#d7efd7,stroke:#555")
    for urgency in URGENCY_FILL:
        members = [b.id for b in graph.boxes.values() if b.urgency == urgency]
        if members:
            lines.append(f"    class {','.join(members)} {urgency}")
    if RESULT in graph.boxes:
        lines.append(f"    class {RESULT} result")
    for index, urgency in _urgency_edges(graph):
        # Link 0 is the start arrow, so the graph's edges are numbered from 1.
        lines.append(f"    linkStyle {index + 1} stroke:{URGENCY_BORDER[urgency]},stroke-width:2px")
    return "\n".join(lines) + "\n"


def _urgency_edges(graph: FlowGraph) -> Iterable[tuple[int, str]]:
    for index, edge in enumerate(graph.edges):
        if edge.urgency:
            yield index, edge.urgency


def page_paths(path: Path, count: int) -> list[Path]:
    """``flow.svg`` -> ``flow-1.svg`` ... one file per page."""
    return [path.with_name(f"{path.stem}-{n}{path.suffix}") for n in range(1, count + 1)]


def write(kb: Knowledge, path: Path) -> list[Path]:
    """Draw the flow; the format comes from the suffix: ``.pdf`` (every A4 page in one file),
    ``.svg`` and ``.png`` (one file per page: ``flow-1.png`` ...), ``.mmd`` (one file).
    Returns the files written."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise DiagramError(f"unknown picture format '{path.suffix}': use .pdf, .svg, .png or .mmd")
    graph = flow_graph(kb)
    if fmt == "mmd":
        path.write_text(mermaid(graph), encoding="utf-8")
        return [path]
    if fmt == "pdf":
        path.write_bytes(render_pdf(graph))
        return [path]
    pages = render_pages(graph, fmt)
    paths = page_paths(path, len(pages))
    for page_path, data in zip(paths, pages, strict=True):
        page_path.write_bytes(data)
    number = len(pages) + 1
    while (stale := path.with_name(f"{path.stem}-{number}{path.suffix}")).exists():
        stale.unlink()  # a page left from a longer flow drawn before
        number += 1
    return paths


def main(folder: Path, path: Path) -> int:
    """``bot.py --diagram FILE``: 0 when drawn, 1 when the knowledge or Graphviz is missing."""
    import sys

    from t2bot.knowledge import KnowledgeError, load_knowledge

    try:
        kb = load_knowledge(folder)
        written = write(kb, path)
    except KnowledgeError as exc:
        print(
            f"{len(exc.problems)} problem(s) in {folder}; fix them first:\n{exc}", file=sys.stderr
        )
        return 1
    except DiagramError as exc:
        print(exc, file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    if len(written) > 1:
        where = f"{len(written)} A4 pages, {written[0]} ... {written[-1]}"
    else:
        where = str(written[0])
    print(f"Drew the flow of {folder} ({kb.version}) into {where}.")
    return 0
