"""The PDF reader's stages, each on small hand-made pages: rules -> ruled tables,
drawn shapes -> list markers, whitespace gutters -> borderless tables (findings
and scores, wrapped cells, over a page break), furniture by place, and the
debug drawing. Words are placed as a word processor would place them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.document import Heading, Paragraph, Table
from pipeline.readers.pdf import Edge, PageContent, PdfSettings, Shape, Word, analyse, layout_pages
from pipeline.readers.pdf.ruled import cells, find_ruled_tables, intersections, merge_edges

ROOT = Path(__file__).resolve().parent.parent
SIZE = 11.0
PITCH = 13.0
CW = 0.5  # glyph width as a share of the size
LEFT = 72.0
MID = 300.0  # left edge of a findings table's second column
COL_WIDTH = 210.0  # a column's text width: wraps happen there


def W(text: str, x0: float, top: float, size: float = SIZE, bold: bool = False) -> list[Word]:
    out, x = [], x0
    for tok in text.split(" "):
        w = len(tok) * CW * size
        out.append(Word(tok, x, x + w, top, top + size, size, bold))
        x += w + 0.25 * size
    return out


def wrap(text: str, width: float) -> list[str]:
    """Break text into lines of at most ``width`` points, as a word processor does."""
    lines, cur = [], ""
    for tok in text.split(" "):
        cand = f"{cur} {tok}".strip()
        if cur and len(cand) * CW * SIZE > width:
            lines.append(cur)
            cur = tok
        else:
            cur = cand
    return lines + [cur]


def page(n: int, words: list[Word], edges=(), shapes=(), height: float = 842.0) -> PageContent:
    return PageContent(n, 595.0, height, list(words), [], list(edges), list(shapes))


def para_texts(blocks) -> list[str]:
    return [b.text for b in blocks if isinstance(b, Paragraph)]


# ---------------------------------------------------------------------------
# ruled tables from rules


def grid_edges(xs, ys, offset=0.0):
    """The rules of a full grid, each cell's border drawn separately and a
    little offset (as Word does), so they must be snapped and joined."""
    out = []
    for i, y in enumerate(ys):
        for a, b in zip(xs, xs[1:]):
            out.append(Edge("h", a, y + (offset if i % 2 else 0), b, y + (offset if i % 2 else 0)))
    for x in xs:
        for a, b in zip(ys, ys[1:]):
            out.append(Edge("v", x + offset, a, x + offset, b))
    return out


def test_rules_snap_join_and_make_cells_and_rows():
    xs, ys = [70, 200, 400, 520], [100, 130, 170, 200]
    edges = grid_edges(xs, ys, offset=1.2)
    merged = merge_edges(edges, PdfSettings())
    assert len([e for e in merged if e.orientation == "h"]) == 4
    assert len([e for e in merged if e.orientation == "v"]) == 4
    pts = intersections(merged, PdfSettings())
    assert len(pts) == 16
    assert len(cells(pts)) == 9
    (table,) = find_ruled_tables(edges, PdfSettings())
    assert len(table.rows) == 3 and all(len(r) == 3 for r in table.rows)


def test_a_merged_cell_leaves_a_gap_in_its_row():
    # the first row is one cell across both columns: no inner vertical rule there
    edges = [Edge("h", 70, y, 520, y) for y in (100, 130, 160)]
    edges += [Edge("v", 70, 100, 70, 160), Edge("v", 520, 100, 520, 160), Edge("v", 300, 130, 300, 160)]
    (table,) = find_ruled_tables(edges, PdfSettings())
    assert [sum(c is not None for c in r) for r in table.rows] == [1, 2]


def test_words_inside_ruled_cells_become_a_table_and_a_lone_frame_stays_text():
    edges = grid_edges([70, 300, 520], [100, 125, 200])
    words = W("Styrkor", 75, 105, bold=True) + W("Förbättringsområden", 305, 105, bold=True)
    words += W("Tydlig vision.", 75, 130) + W("Mät målen.", 305, 130)
    frame = [Edge("h", 70, 300, 520, 300), Edge("h", 70, 330, 520, 330),
             Edge("v", 70, 300, 70, 330), Edge("v", 520, 300, 520, 330)]
    words += W("En ram runt en mening.", 75, 308)
    blocks = layout_pages([page(1, words, edges + frame)])
    assert isinstance(blocks[0], Table)
    assert blocks[0].row_texts() == [["Styrkor", "Förbättringsområden"], ["Tydlig vision.", "Mät målen."]]
    assert blocks[0].bbox == (70.0, 100.0, 520.0, 200.0)
    assert para_texts(blocks) == ["En ram runt en mening."]


def test_a_ruled_row_cut_at_a_sentence_by_a_page_break_is_marked_not_merged():
    """A ruled findings table fills page 1 and goes on on page 2. Where the last
    cell of page 1 ends a sentence and the first of page 2 starts one, nothing
    tells a row cut by the page break from two rows: both paragraphs say so.
    A sentence that goes on in lower case is merged, and sure."""
    def pages(first: str, second: str):
        p1_edges = grid_edges([70, 300, 520], [700, 725, 760])
        w1 = W("Styrkor", 75, 705, bold=True) + W("Förbättringsområden", 305, 705, bold=True)
        w1 += W("Tydlig vision", 75, 730) + W("Utveckla stödet.", 305, 730) + W(first, 305, 730 + PITCH)
        p2_edges = grid_edges([70, 300, 520], [72, 100])
        w2 = W(second, 305, 77)
        w2 += W("Text efter tabellen som löper över hela sidans bredd och lite till.", LEFT, 140)
        return layout_pages([page(1, w1, p1_edges), page(2, w2, p2_edges)])

    table = next(b for b in pages("Mät målen.", "Handbok och metoder.") if isinstance(b, Table))
    right = [(p.text, p.doubt) for row in table.rows[1:] for p in row[1].paragraphs]
    assert right == [("Utveckla stödet.", None), ("Mät målen.", "may_be_part"), ("Handbok och metoder.", "may_be_part")]
    table = next(b for b in pages("Mät målen och", "handbok och metoder.") if isinstance(b, Table))
    right = [(p.text, p.doubt) for row in table.rows[1:] for p in row[1].paragraphs]
    assert right == [("Utveckla stödet.", None), ("Mät målen och handbok och metoder.", None)]
    # a number that goes on with a sentence cut by the page break (the line above was full)
    table = next(b for b in pages("Antalet anställda per chef får aldrig bli", "30 personer.") if isinstance(b, Table))
    right = [(p.text, p.doubt) for row in table.rows[1:] for p in row[1].paragraphs]
    assert right == [("Utveckla stödet.", None), ("Antalet anställda per chef får aldrig bli 30 personer.", None)]


# ---------------------------------------------------------------------------
# drawn bullets


def dot(x: float, top: float, d: float = 4.0) -> Shape:
    cy = top + SIZE / 2
    return Shape(x, cy - d / 2, x + d, cy + d / 2)


def test_drawn_bullets_make_list_items_and_keep_neighbours_apart():
    items = ["Tydlig politisk vision som är känd i hela organisationen och hos medborgarna.",
             "Bra information på webbplatsen.",
             "Kommunen har ett väl utvecklat system för medborgardialog."]
    words, shapes, y = [], [], 100.0
    words += W("Styrkor", LEFT, y, bold=True)
    y += PITCH + 4
    for text in items:
        shapes.append(dot(LEFT + 2, y))
        for k, line in enumerate(wrap(text, 250)):
            words += W(line, LEFT + 18, y)  # wrapped lines hang under the text, not the bullet
            y += PITCH
    # a decoration far from any text is not a bullet; a large square is not either
    shapes += [Shape(500, 600, 504, 604), Shape(LEFT - 30, y - PITCH, LEFT - 10, y - PITCH + 20)]
    layout = analyse([page(1, words, shapes=shapes)])
    paras = [b for b in layout.blocks if isinstance(b, Paragraph)]
    assert [(p.list_marker, p.text) for p in paras] == [("•", t) for t in items]
    assert len(layout.pages[0].bullets) == 3


def test_analysing_a_page_twice_gives_the_same_blocks_and_leaves_the_page_as_read():
    """A stage returns new objects: the marker words and ruled tables found go
    on a copy of the page, so a second analysis does not see its own bullets as text."""
    items = ["Bra information på webbplatsen.", "Kommunen har ett väl utvecklat system för medborgardialog."]
    words, shapes, y = W("Styrkor", LEFT, 100.0, bold=True), [], 100.0 + PITCH + 4
    for text in items:
        shapes.append(dot(LEFT + 2, y))
        words += W(text, LEFT + 18, y)
        y += PITCH
    edges = grid_edges([LEFT, 200, 300], [y + 20, y + 40, y + 60])
    words += W("Nr", LEFT + 4, y + 24) + W("Poäng", 204, y + 24) + W("1.1", LEFT + 4, y + 44) + W("3", 204, y + 44)
    pg = page(1, words, edges=edges, shapes=shapes)
    before = (list(pg.words), list(pg.tables))
    first, second = analyse([pg]), analyse([pg])
    assert (list(pg.words), list(pg.tables)) == before
    assert [repr(b) for b in first.blocks] == [repr(b) for b in second.blocks]
    assert [p.list_marker for p in first.blocks if isinstance(p, Paragraph)] == ["•", "•"]
    assert any(isinstance(b, Table) for b in first.blocks)


def test_drawn_bullets_without_them_the_items_would_merge():
    """The same page without the shapes: the control that shows the shapes do the work."""
    # the first item is the longest line, so "Bra" could not have fitted after it
    items = ["Tydlig politisk vision som är känd i hela organisationen", "Bra information"]
    words, y = [], 100.0
    for text in items:
        words += W(text, LEFT + 18, y)
        y += PITCH
    merged = para_texts(layout_pages([page(1, words)]))
    assert merged == [" ".join(items)]
    split = para_texts(layout_pages([page(1, words, shapes=[dot(LEFT + 2, 100.0), dot(LEFT + 2, 100.0 + PITCH)])]))
    assert split == items


# ---------------------------------------------------------------------------
# borderless tables

STRENGTHS = [
    "Tydlig politisk vision som är känd i hela organisationen",
    "Bra information på webbplatsen",
    "Medborgardialoger genomförs i alla kommundelar varje år och följs upp av nämnderna",
]
IMPROVEMENTS = [
    "Utveckla uppföljningen av nämndernas mål så att resultaten kan jämföras över tid",
    "Inför medborgarpaneler",
]


def findings_table_words(top: float, strengths=STRENGTHS, improvements=IMPROVEMENTS):
    """A two-column findings table without any rule: header row, then each
    column's findings one under the other, wrapped in the column."""
    words = W("Styrkor", LEFT, top, bold=True) + W("Förbättringsområden", MID, top, bold=True)
    bottoms = []
    for x, items in ((LEFT, strengths), (MID, improvements)):
        y = top + PITCH + 6
        for text in items:
            for line in wrap(text, COL_WIDTH):
                words += W(line, x, y)
                y += PITCH
            y += 4  # paragraph spacing inside the cell
        bottoms.append(y)
    return words, max(bottoms)


def test_borderless_findings_table_reads_column_by_column_with_wrapped_cells():
    words = W("Så här bedömer utvärderarna området i sin helhet efter intervjuerna med kommunens", LEFT, 60)
    words += W("politiker och tjänstemän.", LEFT, 60 + PITCH)
    table_words, bottom = findings_table_words(110)
    words += table_words
    words += W("Område 2 Tillgänglighet", LEFT, bottom + 30, size=16, bold=True)
    blocks = layout_pages([page(1, words)])
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Heading"]
    table = blocks[1]
    assert table.row_texts()[0] == ["Styrkor", "Förbättringsområden"]
    cols = [[p.text for row in table.rows[1:] for p in row[c].paragraphs] for c in range(2)]
    assert cols == [STRENGTHS, IMPROVEMENTS]


def test_borderless_score_table_with_one_line_and_wrapped_rows():
    rows = [("1.1", "Information till medborgarna", "5", "10"),
            ("1.2", "Medborgarnas möjligheter att delta i utvecklingen av kommunens verksamheter och service", "3", "10"),
            ("1.3", "Dialog", "8", "10")]
    words = W("1.", LEFT, 100, bold=True) + W("Demokrati", 110, 100, bold=True)
    words += W("Uppnått", 420, 100, bold=True) + W("Max", 490, 100, bold=True)
    y = 100 + PITCH + 4
    for num, title, score, mx in rows:
        words += W(num, LEFT, y) + W(score, 430, y) + W(mx, 495, y)
        for line in wrap(title, 280):
            words += W(line, 110, y)
            y += PITCH
        y += 4
    words += W("Summa 16 30", LEFT, y + 40)
    blocks = layout_pages([page(1, words)])
    table = next(b for b in blocks if isinstance(b, Table))
    assert table.row_texts() == [["1.", "Demokrati", "Uppnått", "Max"]] + [list(r) for r in rows]


def test_numbered_list_is_not_a_table():
    words, y = [], 100.0
    for k, text in enumerate(["Samla in underlag.", "Analysera resultaten.", "Besluta om åtgärder."], 1):
        words += [Word(f"{k}.", LEFT, LEFT + 8, y, y + SIZE, SIZE)] + W(text, LEFT + 18, y)
        y += PITCH
    blocks = layout_pages([page(1, words)])
    assert not any(isinstance(b, Table) for b in blocks)
    assert [(b.list_marker, b.text) for b in blocks] == [("1.", "Samla in underlag."), ("2.", "Analysera resultaten."),
                                                         ("3.", "Besluta om åtgärder.")]


def test_borderless_findings_table_over_a_page_break_is_one_table():
    """Page 1 ends inside the table; page 2 goes on with the left column alone
    (no gutter to find there) and then both columns again."""
    long_left = ["Tydlig politisk vision som är känd i hela organisationen",
                 "Bra information på webbplatsen",
                 "Medborgardialoger genomförs i alla kommundelar varje år",
                 "Synpunktshantering finns i alla förvaltningar",
                 "Kommunen samverkar med föreningslivet"]
    right = ["Utveckla uppföljningen av nämndernas mål så att resultaten kan jämföras",
             "Inför medborgarpaneler"]
    words1, bottom = findings_table_words(700, long_left[:3], right)
    p1 = page(1, words1, height=842.0)
    words2, y = [], 72.0
    for text in long_left[3:]:
        for line in wrap(text, COL_WIDTH):
            words2 += W(line, LEFT, y)
            y += PITCH
        y += 4
    words2 += W("Text efter tabellen på nästa sida som löper över hela sidans bredd och mer än så", LEFT, 140)
    blocks = layout_pages([p1, page(2, words2)])
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 1
    left = [p.text for row in tables[0].rows[1:] for p in row[0].paragraphs]
    assert left == long_left
    assert para_texts(blocks)[-1].startswith("Text efter tabellen")


def test_a_left_finding_below_the_right_column_stays_in_the_table():
    """The left column's findings are one line each with a blank line between,
    the right column one long finding at plain pitch that ends first; the left
    column's last finding, below it at the left column's own spacing, is part
    of the table, and the heading after the table is not."""
    left = ["Analysgruppen", "Brukarundersökningar", "Synpunktshantering", "Samverkar med externa aktörer"]
    right = wrap("Utveckla en gemensam struktur för kvalitetsarbetet med fokus på förbättringsarbete, "
                 "handbok, förändringsledare och nätverk för förändringsledning", COL_WIDTH)
    assert len(right) >= 5
    top = 120.0
    words = W("Styrkor", LEFT, top - PITCH - 6, bold=True) + W("Förbättringsområden", MID, top - PITCH - 6, bold=True)
    for k, text in enumerate(left):
        words += W(text, LEFT, top + 2 * k * PITCH)
    for k, text in enumerate(right[:5]):
        words += W(text, MID, top + k * PITCH)
    words += W("Område 7 Arbetsliv", LEFT, top + 10 * PITCH, size=16, bold=True)
    blocks = layout_pages([page(1, words)])
    table = next(b for b in blocks if isinstance(b, Table))
    assert [p.text for row in table.rows[1:] for p in row[0].paragraphs] == left
    assert isinstance(blocks[-1], Heading) and blocks[-1].text == "Område 7 Arbetsliv"


def test_columns_with_their_own_spacing_keep_their_cells_whole():
    """The left column's findings are set 2.5 lines apart, the right column's
    one long finding wraps at plain pitch, so their baselines interleave: a
    left finding starts a row while the right cell is still wrapping. The
    right cell stays one finding; the left findings, the last below the right
    column's end, are all in the table."""
    left = ["Analysgruppen", "Brukarundersökningar", "Synpunktshantering", "Samverkar med föreningar"]
    long = ("Centralt stöd och samordning av kvalitetsarbetet med en gemensam struktur och fokus på "
            "förbättringsarbete, kvalitetshandbok, förändringsledare och nätverk för förändringsledning")
    right = wrap(long, COL_WIDTH)
    assert len(right) >= 6
    top = 120.0
    words = W("Styrkor", LEFT, top - PITCH - 6, bold=True) + W("Förbättringsområden", MID, top - PITCH - 6, bold=True)
    for k, text in enumerate(left):
        words += W(text, LEFT, top + 2.5 * k * PITCH)
    for k, text in enumerate(right):
        words += W(text, MID, top + k * PITCH)
    words += W("Område 7 Arbetsliv", LEFT, top + 12 * PITCH, size=16, bold=True)
    blocks = layout_pages([page(1, words)])
    table = next(b for b in blocks if isinstance(b, Table))
    cols = [[p.text for row in table.rows[1:] for p in row[c].paragraphs] for c in range(2)]
    assert cols == [left, [long]]


def test_rows_of_one_column_below_a_table_ended_by_a_heading_are_the_tables():
    """One finding pair per row, rows that do not split (groff's tbl): once the
    right column has run out, the left column's findings go on alone, each a
    row further down than the spacing seen so far. Ended by a heading, not by
    running text across the columns, they are the table's."""
    top = 120.0
    words = W("Styrkor", LEFT, top - PITCH - 6, bold=True) + W("Förbättringsområden", MID, top - PITCH - 6, bold=True)
    left = ["Trygga miljöer i kommunen", "Folkhälsoarbete i samverkan", "Stöd till föreningslivet",
            "Rikt kulturliv i alla kommundelar"]
    right = ["Fullfölj hållbarhetsprogrammet", "Koordinera uppföljningen"]
    y = top
    for k, text in enumerate(left):
        words += W(text, LEFT, y)
        if k < len(right):
            words += W(right[k], MID, y) + W("och följ upp genomslaget", MID, y + PITCH)
        y += 2 * PITCH + 4 if k < len(right) else 2.3 * PITCH
    words += W("Område 3 Styrning", LEFT, y + 2 * PITCH, size=16, bold=True)
    blocks = layout_pages([page(1, words)])
    table = next(b for b in blocks if isinstance(b, Table))
    assert [p.text for row in table.rows[1:] for p in row[0].paragraphs] == left
    assert isinstance(blocks[-1], Heading) and not para_texts(blocks)


def test_a_taller_cell_aligned_at_the_bottom_starts_the_table_above_its_neighbours():
    """Cells aligned at the bottom (LaTeX sets a table's only row as its
    header so): the right cell's first lines stand above the left cell's, in
    the right column alone. They start the table; the paragraph above, which
    starts at the left margin, does not."""
    left = ["Analysgruppen", "Brukarundersökningar genomförs"]
    right = ["Stärka den strategiska inriktningen för", "kommunens kvalitetsarbete", "Centralt stöd och samordning av",
             "kvalitetsarbetet i hela kommunen"]
    top = 140.0
    words = W("Utvärderarna har gått igenom området.", LEFT, top - 2 * PITCH - 8)
    for k, text in enumerate(right):
        words += W(text, MID, top + k * PITCH)
    for k, text in enumerate(left):
        words += W(text, LEFT, top + (len(right) - len(left) + k) * PITCH)
    words += W("Område 7 Arbetsliv", LEFT, top + 8 * PITCH, size=16, bold=True)
    blocks = layout_pages([page(1, words)])
    assert para_texts(blocks) == ["Utvärderarna har gått igenom området."]
    table = next(b for b in blocks if isinstance(b, Table))
    cols = [[p.text for row in table.rows for p in row[c].paragraphs] for c in range(2)]
    assert cols == [left, ["Stärka den strategiska inriktningen för kommunens kvalitetsarbete",
                           "Centralt stöd och samordning av kvalitetsarbetet i hela kommunen"]]


def _cell_lines(texts: list[str], gaps: list[float], right: float | None = None):
    from pipeline.readers.pdf.model import Line
    lines, y = [], 100.0
    for text, gap in zip(texts, gaps):
        y += gap
        line = Line(W(text, MID, y), 1)
        line.right = right if right is not None else line.x1
        lines.append(line)
    widest = max(l.x1 for l in lines)
    for l in lines:
        l.right = max(l.right, widest) if right is None else right
    return lines


def _cell_paragraphs(lines):
    from pipeline.readers.pdf.paragraphs import Context, build_paragraphs
    ctx = Context(PdfSettings(), SIZE, {("cell", SIZE): PITCH}, [l.text for l in lines])
    return [(d.text, d.doubt) for d in build_paragraphs(lines, ctx, "cell")]


def test_a_full_line_ending_a_sentence_then_a_capital_is_joined_with_a_doubt():
    """Two findings set without spacing, the first filling its line and ending
    with "?": geometry cannot tell them from one finding of two sentences.
    The reader joins them and says so; where the line had room for the next
    word, or the cell's other findings are set apart by spacing, it is sure."""
    texts = ["Ett sammanhållet övergripande styrdokument?", "Fortsätt prioritera arbetet"]
    full = _cell_lines(texts, [0, PITCH])
    assert _cell_paragraphs(full) == [(" ".join(texts), "may_join_two")]
    roomy = _cell_lines(texts, [0, PITCH], right=MID + 400)
    assert _cell_paragraphs(roomy) == [(texts[0], None), (texts[1], None)]
    spaced = _cell_lines(["Bra information."] + texts, [0, PITCH + 6, PITCH])
    assert _cell_paragraphs(spaced) == [("Bra information.", None), (" ".join(texts), None)]
    # a capitalised ordinary Swedish word after a line that did not end a
    # sentence starts a finding (inside a sentence only names take a capital),
    # though the document never writes it in lower case
    ordinary = _cell_lines(["Ledarutvecklingsprogram för alla nya chefer", "Sammansvetsad ledningsgrupp"], [0, PITCH])
    assert _cell_paragraphs(ordinary) == [("Ledarutvecklingsprogram för alla nya chefer", None),
                                          ("Sammansvetsad ledningsgrupp", None)]
    # a name: going on with the sentence or a new finding, joined and said;
    # after "med", a name going on
    named = _cell_lines(["Ledarutvecklingsprogram för alla nya chefer", "Nybro kommun deltar"], [0, PITCH])
    assert _cell_paragraphs(named) == [("Ledarutvecklingsprogram för alla nya chefer Nybro kommun deltar",
                                        "may_join_two")]
    region = _cell_lines(["Samverkar om kompetensförsörjning med", "Region Kalmar"], [0, PITCH])
    assert _cell_paragraphs(region) == [("Samverkar om kompetensförsörjning med Region Kalmar", None)]


def test_justified_text_with_wide_spaces_is_not_a_table():
    # wide spaces that do not line up from line to line
    words, y = [], 100.0
    for k in range(6):
        x = LEFT
        for j, tok in enumerate("Kommunen arbetar med kvalitet och utveckling i alla verksamheter".split()):
            words += W(tok, x, y)
            x += len(tok) * CW * SIZE + (12 if j == (k + 2) % 7 else 3)
        y += PITCH
    assert not any(isinstance(b, Table) for b in layout_pages([page(1, words)]))


# ---------------------------------------------------------------------------
# furniture


def test_a_header_at_the_same_place_on_some_pages_is_dropped():
    pages = []
    for n in range(1, 11):
        words = W("Det här är en vanlig mening i rapporten.", LEFT, 200)
        if n in (4, 5, 6):  # one chapter's running header, on 3 of 10 pages
            words += W("Kapitel 3 Styrning", 400, 30)
        pages.append(page(n, words))
    assert not any("Kapitel" in t for t in para_texts(layout_pages(pages)))


def test_finding_running_lines_leaves_the_pages_as_they_are():
    """The furniture stage says what runs from page to page; it removes
    nothing from its input, so asking twice gives the same answer."""
    from pipeline.readers.pdf.furniture import running_lines
    from pipeline.readers.pdf.lines import group_lines

    per_page = []
    for n in range(1, 6):
        content = page(n, W("Kommunkompassen Torsås 2017", LEFT, 30) + W("En mening om styrning.", LEFT, 200))
        per_page.append((content, group_lines(content.words, n), []))
    sizes = [len(lines) for _, lines, _ in per_page]
    first = running_lines(per_page, PdfSettings())
    assert [(n, o.text) for n, o in first] == [(n, "Kommunkompassen Torsås 2017") for n in range(1, 6)]
    assert [len(lines) for _, lines, _ in per_page] == sizes
    assert [(n, o.text) for n, o in running_lines(per_page, PdfSettings())] == [(n, o.text) for n, o in first]


def test_a_running_header_with_a_speck_read_beside_it_is_still_the_running_header():
    """A scan's running header on every page, but Tesseract read a speck
    beside it as "i" (confidence 14) on one page and a rule's end as "=" on
    another: compared without the words it doubted and the signs standing
    alone, it is the same header everywhere and is dropped; the list it fell
    in stays one list. A word read surely is no speck: a header that differs
    by one stays text."""
    from dataclasses import replace

    pages = []
    for n in range(1, 9):
        words = W("Sveriges Kommuner och Landsting", LEFT, 30)
        if n == 4:
            words.append(replace(W("i", 300, 30)[0], conf=14.0))
        if n == 6:
            words += W("=", 300, 30)
        words = [replace(w, conf=w.conf if w.conf is not None else 95.0) for w in words]
        words += [replace(w, conf=95.0) for w in W("Det här är en vanlig mening i rapporten.", LEFT, 200)]
        pages.append(page(n, words))
    texts = para_texts(layout_pages(pages))
    assert not any("Landsting" in t for t in texts)
    pages[2] = page(3, [replace(w, conf=95.0) for w in W("Sveriges Kommuner och Regioner", LEFT, 30)]
                    + [replace(w, conf=95.0) for w in W("Det här är en vanlig mening i rapporten.", LEFT, 200)])
    assert any("Regioner" in t for t in para_texts(layout_pages(pages)))


# ---------------------------------------------------------------------------
# the debug drawing, on a real PDF


def test_debug_page_draws_a_png_and_says_what_it_found(tmp_path):
    out = tmp_path / "page.png"
    res = CliRunner().invoke(cli, ["debug-page", str(ROOT / "tests/fixtures/pdf_reader/borderless.pdf"), "1",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "borderless table" in res.output and "6 rows x 3 columns" in res.output
    assert "dropped: Sida 1 av 2" in res.output
    from PIL import Image

    with Image.open(out) as im:
        assert im.size[0] > 500 and im.size[1] > 700
        # the borderless table's frame is drawn in orange somewhere
        assert any(colour == (235, 130, 0) for _count, colour in im.convert("RGB").getcolors(maxcolors=1 << 20))


def test_debug_page_bad_page_is_one_line(tmp_path):
    res = CliRunner().invoke(cli, ["debug-page", str(ROOT / "tests/fixtures/pdf_reader/borderless.pdf"), "9",
                                   "--out", str(tmp_path / "x.png")])
    assert res.exit_code == 1
    assert "page 9 does not exist (the PDF has 2 pages)" in res.output
    assert "Traceback" not in res.output


def test_ocr_settings_are_validated_and_given_by_name():
    """OCR's tolerances are checked as the layout's are: an unknown name, a
    share above one or a grey level beyond 255 is refused with the name."""
    from pipeline.readers.pdf.settings import OcrSettings

    assert PdfSettings.resolve({"recognition": {"ink_level": 140}}).recognition.ink_level == 140
    for bad, message in [({"ink_levl": 140}, "unknown OcrSettings: ink_levl"),
                         ({"ink_level": 300}, "OcrSettings.ink_level"),
                         ({"rule_side_max_ink": 1.5}, "OcrSettings.rule_side_max_ink"),
                         ({"dpi": 0}, "OcrSettings.dpi"),
                         ({"bullet_min_points": 10.0}, "OcrSettings.bullet_min_points")]:
        with pytest.raises(ValueError, match=message):
            OcrSettings.resolve(bad)


def test_a_line_with_one_gutter_wide_gap_may_cross_columns_and_a_justified_one_does_not():
    """A line whose words leave one gap as wide as a column gutter, and its
    other spaces usual ("Stärka den" of a findings table's second column run
    into the first's line), says so; a justified line whose every space is
    stretched alike does not, nor a list item's marker set apart from its text."""
    from pipeline.readers.pdf.settings import PdfSettings

    st = PdfSettings()
    crossed = W("Brukarundersökningar genomförs i alla", LEFT, 100)
    crossed += W("I större utsträckning synliggöra", crossed[-1].x1 + 2.0 * st.column_gap_min * SIZE, 100)
    justified, x = [], LEFT
    for tok in "Kommunen har en tydlig struktur för uppföljning".split():
        justified.append(Word(tok, x, x + len(tok) * CW * SIZE, 200, 200 + SIZE, SIZE))
        x = justified[-1].x1 + 1.2 * SIZE  # stretched: as wide as a small gutter, but every gap alike
    item = [Word("\u2022", LEFT, LEFT + 3.6, 300, 300 + SIZE, SIZE)] + W("Strategi för samverkan med och stöd",
                                                                         LEFT + 1.8 * st.column_gap_min * SIZE, 300)
    blocks = layout_pages([page(1, crossed + justified + item)])
    doubts = {b.text: b.doubt for b in blocks if isinstance(b, Paragraph)}
    assert doubts["Brukarundersökningar genomförs i alla I större utsträckning synliggöra"] == "may_cross_columns"
    assert doubts["Kommunen har en tydlig struktur för uppföljning"] is None
    assert doubts["Strategi för samverkan med och stöd"] is None


def test_stretched_spaces_that_line_up_on_two_lines_are_not_a_gutter():
    # a justified paragraph whose every space is stretched near the gutter
    # width, two of its lines with a slightly wider space at the same place
    texts = ["Kommunen kompenserar för skötsel av lokaler och ytor",
             "kommunen kompenserar för skötsel av badplatser hamnar",
             "idrotten bibliotekar för skötsel av stipendier ut",
             "Studieförbunden erhåller också pengar efter antal timmar"]
    words, y = [], 100.0
    for k, text in enumerate(texts):
        x = LEFT
        for j, tok in enumerate(text.split()):
            words += W(tok, x, y)
            wide = k in (1, 2) and j == 4
            x += len(tok) * CW * SIZE + (0.9 if wide else 0.7) * SIZE
        y += PITCH
    # the wide spaces of lines 2 and 3 are at the same x
    assert len({round(w.x0) for w in words if w.text in ("badplatser", "stipendier")}) == 1
    assert not any(isinstance(b, Table) for b in layout_pages([page(1, words)]))
    # measured against the gutter width alone, they would be one
    assert any(isinstance(b, Table) for b in layout_pages([page(1, words)], PdfSettings(gutter_over_spaces=0.01)))


def test_a_line_hanging_under_a_leading_number_goes_on_with_it():
    first = W("3.3 Rapporterar förvaltningen till den politiska nivån och har politikerna möjlighet att utöva", LEFT, 100.0)
    text_x = first[1].x0  # where the text after the number starts
    words = first + W("tillsyn över förvaltningen? – 9 av 25 poäng (35%)", text_x, 100.0 + PITCH)
    # the same indent under a line without a leading number is a new paragraph
    other = W("Kommunen arbetar med kvalitet och utveckling i alla verksamheter och enheter", LEFT, 200.0)
    words += other + W("inom ramen för sin plan", other[1].x0, 200.0 + PITCH)
    texts = para_texts(layout_pages([page(1, words)]))
    assert texts[0] == ("3.3 Rapporterar förvaltningen till den politiska nivån och har politikerna möjlighet att "
                        "utöva tillsyn över förvaltningen? – 9 av 25 poäng (35%)")
    assert texts[1:] == ["Kommunen arbetar med kvalitet och utveckling i alla verksamheter och enheter",
                         "inom ramen för sin plan"]
