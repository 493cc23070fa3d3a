"""The flow as a picture: the graph model and the Mermaid text always; Graphviz drawings only
where ``dot`` is installed (the missing-``dot`` message is tested everywhere)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from t2bot.knowledge import Knowledge, diagram
from t2bot.knowledge.diagram import EXIT_PREFIX, RESULT, DiagramError, flow_graph, mermaid
from t2bot.knowledge.model import Node
from tests.conftest import MINI_KNOWLEDGE
from tests.test_cli import run_bot

needs_dot = pytest.mark.skipif(not diagram.dot_available(), reason="Graphviz dot not installed")


@pytest.fixture(params=["mini", "real"])
def kb(request: pytest.FixtureRequest, mini_kb: Knowledge, real_kb: Knowledge) -> Knowledge:
    return mini_kb if request.param == "mini" else real_kb


def test_every_screen_answer_and_sign_is_drawn(kb: Knowledge) -> None:
    graph = flow_graph(kb)
    for node in kb.nodes:
        box = graph.boxes[node.id]
        assert box.title == node.text
        texts = [row.text for row in box.rows]
        for i, answer in enumerate(node.answers):
            assert f"{i + 1}. {answer.label}" in texts
            if node.kind == "checklist":  # every pick goes where the node says (below)
                continue
            target = answer.next or answer.end
            if target is None:  # reports an emergency sign: the check ends at that exit
                assert answer.sign is not None
                target = EXIT_PREFIX + kb.sign(answer.sign).urgency.value
            assert target in graph.targets(node.id)
        for flag in node.flags:
            assert any(row.text == flag.label and row.urgency == flag.urgency for row in box.rows)
            assert EXIT_PREFIX + flag.urgency.value in graph.targets(node.id)
        following = node.next or getattr(node, "end", None)
        if following:
            assert following in graph.targets(node.id)
    assert {e.id for e in kb.endings} <= set(graph.boxes)
    assert RESULT in graph.boxes
    for edge in graph.edges:  # nothing points nowhere
        assert edge.source in graph.boxes and edge.target in graph.boxes


def test_red_flag_exits_carry_their_urgency(real_kb: Knowledge) -> None:
    graph = flow_graph(real_kb)
    exits = {b.id: b for b in graph.boxes.values() if b.kind == "exit"}
    assert {b.urgency for b in exits.values()} == {"emergency", "same_day", "soon"}
    assert exits["exit_emergency"].title == real_kb.meta.urgency["emergency"].title
    for edge in graph.edges:
        if edge.target in exits:
            assert edge.urgency == exits[edge.target].urgency
    # two see-soon signs together mean same day on the screen that says so
    together = [n for n in real_kb.nodes if n.escalate_together]
    assert together
    for node in together:
        labels = {e.label for e in graph.edges if e.source == node.id}
        assert f"{node.escalate_together}+ ticked" in labels


def test_answers_to_the_same_screen_share_one_numbered_arrow(real_kb: Knowledge) -> None:
    graph = flow_graph(real_kb)
    legs = {e.target: e.label for e in graph.edges if e.source == "leg_symptoms"}
    assert legs["onset"] == "1" and legs["leg_test"] == "2-3, 5"
    assert [e.label for e in graph.edges if e.source == "habits"] == [""]  # all answers: no label
    assert graph.safety == ("red_flags",)  # the emergency screen comes first


def test_a_new_kind_of_screen_is_drawn_from_its_answers_and_next(mini_kb: Knowledge) -> None:
    """The builder reads answers, flags and next whatever the kind (a helper adds kinds)."""
    first = mini_kb.node(mini_kb.start)
    info = Node.model_construct(
        id="info_screen", kind="info", text="Read this first.", sources=["thread#1"],
        answers=[], flags=[], next=first.id,
    )  # fmt: skip
    kb = mini_kb.model_copy(update={"nodes": [info, *mini_kb.nodes], "start": "info_screen"})
    graph = flow_graph(kb)
    assert graph.boxes["info_screen"].kind == "info"
    assert graph.targets("info_screen") == {first.id}
    assert 'info_screen["<b>info_screen</b> (info)' in mermaid(graph)


def test_mermaid_has_every_box_edge_and_urgency_class(real_kb: Knowledge) -> None:
    graph = flow_graph(real_kb)
    text = mermaid(graph)
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    for box in graph.boxes.values():
        assert any(line.strip().startswith(box.id) for line in lines), box.id
    arrows = [line for line in lines if "-->" in line or "==>" in line]
    assert len(arrows) == len(graph.edges) + 1  # and the start arrow
    assert sum("==>" in line for line in arrows) == sum(1 for e in graph.edges if e.urgency)
    assert "classDef emergency fill:#f4a6a6" in text
    assert "class exit_emergency emergency" in text
    # quotes and brackets in the knowledge cannot break the Mermaid syntax
    for line in lines[1:]:
        if '["' in line:
            inner = line.split('["', 1)[1].rsplit('"]', 1)[0]
            assert '"' not in inner and "[" not in inner and "]" not in inner


def test_mermaid_file_needs_no_renderer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    target = tmp_path / "flow.mmd"
    assert diagram.main(MINI_KNOWLEDGE, target) == 0
    assert target.read_text(encoding="utf-8").startswith("flowchart TD")


def test_missing_dot_gives_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    assert diagram.main(MINI_KNOWLEDGE, tmp_path / "flow.png") == 1
    err = capsys.readouterr().err
    assert "apt-get install graphviz" in err and "flow.mmd" in err
    assert not (tmp_path / "flow.png").exists()


def test_unknown_format_is_refused(tmp_path: Path, mini_kb: Knowledge) -> None:
    with pytest.raises(DiagramError, match=r"use \.pdf, \.svg, \.png or \.mmd"):
        diagram.write(mini_kb, tmp_path / "flow.gif")


def test_cli_writes_mermaid(tmp_path: Path) -> None:
    result = run_bot("--knowledge", str(MINI_KNOWLEDGE), "--diagram", str(tmp_path / "f.mmd"))
    assert result.returncode == 0, result.stderr
    assert "Drew the flow" in result.stdout
    assert (tmp_path / "f.mmd").read_text(encoding="utf-8").startswith("flowchart TD")


def test_screens_come_in_flow_order(kb: Knowledge) -> None:
    """Every screen once, each after every screen that leads to it (so pages read in order)."""
    graph = flow_graph(kb)
    order = diagram.screens_in_order(graph)
    assert sorted(order) == sorted(node.id for node in kb.nodes)
    assert order[0] == kb.start
    position = {screen: i for i, screen in enumerate(order)}
    for edge in graph.edges:
        if edge.source in position and edge.target in position:
            assert position[edge.source] < position[edge.target], edge


@needs_dot
def test_svg_and_png_are_one_file_per_page(tmp_path: Path, real_kb: Knowledge) -> None:
    (tmp_path / "flow-40.svg").write_text("left from a longer flow")
    (tmp_path / "flow-41.svg").write_text("left from a longer flow")
    written = diagram.write(real_kb, tmp_path / "flow.svg")
    count = len(diagram.paginate(flow_graph(real_kb)))
    assert count > 1
    assert written == [tmp_path / f"flow-{n}.svg" for n in range(1, count + 1)]
    svgs = [path.read_text(encoding="utf-8") for path in written]
    for number, svg in enumerate(svgs, start=1):
        assert svg.lstrip().startswith(("<?xml", "<!DOCTYPE", "<svg"))
        assert f"Page {number} of {count}" in svg
    for node in real_kb.nodes:
        assert sum(f">{node.id}<" in svg for svg in svgs) >= 1, node.id
    assert any("#f4a6a6" in svg for svg in svgs)  # emergency colour
    assert not (tmp_path / "flow.svg").exists()
    assert (tmp_path / "flow-40.svg").exists()  # not next after the last page: not ours
    written = diagram.write(real_kb, tmp_path / "flow.png")
    assert len(written) == count
    for path in written:
        assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@needs_dot
def test_page_files_left_from_a_longer_flow_are_removed(tmp_path: Path, mini_kb: Knowledge) -> None:
    count = len(diagram.write(mini_kb, tmp_path / "flow.svg"))
    for extra in range(count + 1, count + 4):
        (tmp_path / f"flow-{extra}.svg").write_text("old page")
    assert len(diagram.write(mini_kb, tmp_path / "flow.svg")) == count
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"flow-{n}.svg" for n in range(1, count + 1)
    ]


@needs_dot
def test_real_flow_is_readable_on_a4(real_kb: Knowledge) -> None:
    """Every page's smallest text prints at 8 pt or more on A4; the flow as one drawing
    (11 x 43 in) printed at about 2 pt, so the same measure fails it."""
    graph = flow_graph(real_kb)
    pages = [diagram._pipe(source, "svg") for source in diagram.page_sources(graph)]
    sizes = [diagram.a4_points(svg) for svg in pages]
    assert min(sizes) >= diagram.MIN_POINTS, sizes
    for svg in pages:  # each page is laid out to A4, not left for the printer to shrink
        width, height = sorted(diagram.svg_size(svg))
        assert width <= diagram.A4_PRINTABLE[0] + 0.01 and height <= diagram.A4_PRINTABLE[1] + 0.01
    everything = diagram.Page(1, tuple(diagram.screens_in_order(graph)))
    one_page = diagram.page_source(graph, everything, dict.fromkeys(graph.boxes, 1), 1)
    assert diagram.a4_points(diagram._pipe(one_page, "svg")) < diagram.MIN_POINTS


@needs_dot
def test_an_arrow_to_another_page_says_where_it_continues(real_kb: Knowledge) -> None:
    graph = flow_graph(real_kb)
    pages = diagram.paginate(graph)
    page_of = {screen: page.number for page in pages for screen in page.screens}
    sources = diagram.page_sources(graph)
    crossing = [
        e for e in graph.edges if e.target in page_of and page_of[e.source] != page_of[e.target]
    ]
    assert crossing  # the real flow needs several pages
    for edge in crossing:
        leaving = sources[page_of[edge.source] - 1]
        assert f'"continues on page {page_of[edge.target]}:\n{edge.target}"' in leaving
        assert f"{edge.source} -> __to__{edge.target}" in leaving
        arriving = sources[page_of[edge.target] - 1]
        assert f"__from__{edge.target} -> {edge.target}" in arriving
        assert f"page {page_of[edge.source]}" in arriving.split(f"__from__{edge.target} [label=")[1]
    for number, source in enumerate(sources, start=1):  # and never to itself
        assert f"continues on page {number}:" not in source
        for fill in diagram.URGENCY_FILL.values():  # the legend is on every page
            assert f'<TD BGCOLOR="{fill}" COLOR=' in source


@needs_dot
def test_pdf_has_every_page_on_a4(tmp_path: Path, real_kb: Knowledge) -> None:
    from pypdf import PdfReader

    assert diagram.write(real_kb, tmp_path / "flow.pdf") == [tmp_path / "flow.pdf"]
    reader = PdfReader(tmp_path / "flow.pdf")
    assert len(reader.pages) == len(diagram.paginate(flow_graph(real_kb)))
    for page in reader.pages:
        size = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert size == pytest.approx([8.27 * 72, 11.69 * 72], abs=1)
    assert "Page 1 of" in reader.pages[0].extract_text()


def test_cli_without_dot_says_how_to_install_it_for_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    assert diagram.main(MINI_KNOWLEDGE, tmp_path / "flow.pdf") == 1
    assert "apt-get install graphviz" in capsys.readouterr().err


@needs_dot
def test_a_new_kind_of_screen_is_paged_too(mini_kb: Knowledge) -> None:
    """A question-like kind (a multi-select ``checklist``, say) pages like any screen."""
    first = mini_kb.node(mini_kb.start)
    ticks = Node.model_construct(
        id="tick_list", kind="checklist", text="Tick what applies.", sources=["thread#1"],
        answers=[first.answers[0]] if first.answers else [], flags=[], next=first.id,
    )  # fmt: skip
    kb = mini_kb.model_copy(update={"nodes": [ticks, *mini_kb.nodes], "start": "tick_list"})
    graph = flow_graph(kb)
    pages = diagram.paginate(graph)
    assert pages[0].screens[0] == "tick_list"
    assert sum(len(page.screens) for page in pages) == len(kb.nodes)
    assert "(checklist)" in diagram.page_sources(graph)[0]


@needs_dot
def test_png_pages_are_sharp_on_a4(real_kb: Knowledge) -> None:
    """Each PNG page has 200 pixels per inch of the size it prints at (its drawing fitted to A4,
    never enlarged), so a printed page is as sharp as the PDF's at arm's length."""
    graph = flow_graph(real_kb)
    pngs = diagram.render_pages(graph, "png")
    svgs = diagram.render_pages(graph, "svg")
    assert len(pngs) == len(svgs)
    for png, svg in zip(pngs, svgs, strict=True):
        width = int.from_bytes(png[16:20], "big")
        height = int.from_bytes(png[20:24], "big")
        inches_w, inches_h = diagram.svg_size(svg)
        assert max(inches_w, inches_h) <= 11.7  # fits A4 the way round it prints
        assert width / inches_w >= 0.97 * diagram.PNG_DPI
        assert height / inches_h >= 0.97 * diagram.PNG_DPI


def test_the_documented_diagram_commands_name_formats_it_draws() -> None:
    root = Path(__file__).resolve().parents[3]
    texts = [
        (root / name).read_text(encoding="utf-8") for name in ("README.md", "docs/knowledge.md")
    ]
    found = [m for text in texts for m in re.findall(r"--diagram (\S+?)[`\s]", text)]
    assert {"flow.pdf", "flow.png", "flow.mmd"} <= set(found)
    for name in found:
        assert Path(name).suffix.lstrip(".") in diagram.FORMATS, name
