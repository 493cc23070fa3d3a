"""The question flow as a picture: a graph model built from the knowledge, drawn by Graphviz
(``.svg``, ``.png``) or written as Mermaid text (``.mmd``, no renderer needed).

``flow_graph`` walks ``knowledge.nodes`` generically: every screen's ``answers`` (their
``next``/``end``), its ``flags`` (each leads to the get-care exit of its ``urgency``) and its
``next`` (where "none of these" or "continue" goes), whatever the screen's ``kind``. So a new kind
of screen is drawn without changes here. Graphviz is imported only when a picture is drawn.
"""

from __future__ import annotations

import html
import re
import shutil
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from t2bot.knowledge.model import Knowledge, Urgency

RESULT = "result"
FORMATS = ("svg", "png", "mmd")
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
    columns: tuple[str, ...] = ()
    """Screens drawn at the top of a new column (the first one after the safety screens), so
    the picture fits a page instead of being one long strip. The arrows into them are dashed."""

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
    graph = FlowGraph(start=kb.start)
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
    graph.safety, after_safety = _safety_screens(kb)
    if after_safety:
        graph.columns = (after_safety,)
    for urgency in Urgency:
        if urgency.value in used_urgencies:
            words = kb.meta.urgency[urgency].title if urgency in kb.meta.urgency else urgency.value
            graph.boxes[EXIT_PREFIX + urgency.value] = Box(
                EXIT_PREFIX + urgency.value, "exit", words, urgency=urgency.value
            )
    return graph


def _safety_screens(kb: Knowledge) -> tuple[tuple[str, ...], str | None]:
    """The chain of warning-sign screens the flow starts with, and the node after it."""
    nodes = {node.id: node for node in kb.nodes}
    current, chain = nodes.get(kb.start), list[str]()
    while current is not None and getattr(current, "flags", None) and current.id not in chain:
        chain.append(current.id)
        current = nodes.get(getattr(current, "next", None) or "")
    if current is None or not chain:
        return tuple(chain), None
    return tuple(chain), current.id


# ---------------------------------------------------------------------------------- Graphviz


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
            f'<TR><TD ALIGN="LEFT" BALIGN="LEFT" BGCOLOR="{colour}">'
            f'<FONT POINT-SIZE="{TEXT_POINTS}">{"<BR/>".join(lines)}</FONT></TD></TR>'
        )
    return (
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="2">'
        + "".join(cells)
        + "</TABLE>>"
    )


#: A4 less margins, in inches.
A4_PORTRAIT = (7.8, 11.2)
PNG_DPI = 200


def dot_source(
    graph: FlowGraph, page: tuple[float, float] | None = A4_PORTRAIT, dpi: int | None = None
) -> str:
    """The graph in Graphviz's language (needs the ``graphviz`` package, not ``dot``)."""
    import graphviz

    dot = graphviz.Digraph("flow", format="svg")
    # A4 portrait, 8.3 x 11.7 in less margins: the layout is scaled down to fit if needed.
    dot.attr(
        rankdir="TB",
        ratio="compress",
        nodesep="0.15",
        ranksep="0.2",
        fontname="Helvetica",
        label="T2 back check: the question flow (from knowledge/)",
        labelloc="t",
        fontsize="16",
    )
    if page is not None:
        dot.attr(size=f"{page[0]},{page[1]}")
    if dpi is not None:
        dot.attr(dpi=str(dpi))
    dot.attr("node", fontname="Helvetica", fontsize=str(TEXT_POINTS), shape="plaintext", margin="0")
    dot.attr("edge", fontname="Helvetica", fontsize="9", color="#444444", arrowsize="0.7")
    dot.node(
        "__start__",
        "start",
        shape="circle",
        style="filled",
        fillcolor="#333333",
        fontcolor="white",
        fontsize="9",
        width="0.5",
        fixedsize="true",
    )
    dot.edge("__start__", graph.start)
    for box in graph.boxes.values():
        if box.kind in ("exit", "ending", "result"):
            fill = URGENCY_FILL.get(
                box.urgency or "", "#d7efd7" if box.kind == "result" else "#eeeeee"
            )
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
            )
        else:
            group = "safety" if box.id in graph.safety else "questions"
            dot.node(box.id, _screen_label(box), group=group)
    if graph.columns:
        dot.body.append(f"{{rank=same; {graph.start}; {'; '.join(graph.columns)}}}")
    placed: set[str] = set()
    for edge in graph.edges:  # each exit beside the first screen that leads to it
        if edge.urgency and edge.target not in placed and edge.source in graph.safety:
            placed.add(edge.target)
            dot.body.append(f"{{rank=same; {edge.source}; {edge.target}}}")
    for edge in graph.edges:
        attrs: dict[str, str] = {}
        if edge.target in graph.columns:
            attrs.update(constraint="false", style="dashed")
        if edge.urgency:
            attrs.update(
                color=URGENCY_BORDER[edge.urgency],
                fontcolor=URGENCY_BORDER[edge.urgency],
                penwidth="1.6",
            )
        # Arrows between rows: xlabel, a label that takes no room of its own between the rows.
        # Arrows to an exit run sideways: a real label keeps the exit clear of the screen.
        key = "label" if edge.urgency or edge.source in graph.safety else "xlabel"
        attrs[key] = edge.label
        dot.edge(edge.source, edge.target, **attrs)
    return str(dot.source)


def dot_available() -> bool:
    return shutil.which("dot") is not None


def render_bytes(graph: FlowGraph, fmt: str) -> bytes:
    """The picture as ``svg`` or ``png`` bytes; ``DiagramError`` when Graphviz is missing."""
    if fmt not in ("svg", "png"):
        raise DiagramError(f"cannot draw .{fmt}: use one of .svg, .png, .mmd")
    if not dot_available():
        raise DiagramError(DOT_MISSING)
    import graphviz

    try:
        width, height = natural_size(graph)
        page = A4_PORTRAIT if height >= width else A4_PORTRAIT[::-1]
        source = graphviz.Source(dot_source(graph, page, PNG_DPI if fmt == "png" else None))
        data: bytes = source.pipe(format=fmt, engine="dot")
    except graphviz.ExecutableNotFound as exc:
        raise DiagramError(DOT_MISSING) from exc
    return data


def natural_size(graph: FlowGraph) -> tuple[float, float]:
    """Width and height of the unscaled drawing, in inches (runs ``dot``)."""
    import graphviz

    svg = graphviz.Source(dot_source(graph, page=None)).pipe(format="svg", engine="dot")
    found = re.search(rb'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    if found is None:
        raise DiagramError("Graphviz gave a drawing without a size")
    return float(found.group(1)) / 72, float(found.group(2)) / 72


def a4_text_points(graph: FlowGraph, points: float = TEXT_POINTS) -> float:
    """How large the boxes' text prints when the drawing is fitted on A4 (either way round)."""
    width, height = sorted(natural_size(graph))
    return points * min(1.0, A4_PORTRAIT[0] / width, A4_PORTRAIT[1] / height)


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


def write(kb: Knowledge, path: Path) -> str:
    """Draw the flow into ``path``; the format comes from its suffix. Returns the format."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise DiagramError(f"unknown picture format '{path.suffix}': use .svg, .png or .mmd")
    graph = flow_graph(kb)
    if fmt == "mmd":
        path.write_text(mermaid(graph), encoding="utf-8")
    else:
        path.write_bytes(render_bytes(graph, fmt))
    return fmt


def main(folder: Path, path: Path) -> int:
    """``bot.py --diagram FILE``: 0 when drawn, 1 when the knowledge or Graphviz is missing."""
    import sys

    from t2bot.knowledge import KnowledgeError, load_knowledge

    try:
        kb = load_knowledge(folder)
        fmt = write(kb, path)
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
    print(f"Drew the flow of {folder} ({kb.version}) into {path} ({fmt}).")
    return 0
