"""The layout pipeline: backend pages -> inspectable page layouts -> blocks.

Stages, each a module of its own and each output kept on :class:`PageLayout`
so that ``kompass debug-page`` can draw it:

1. ``lines``: words (drawn bullets become marker words) -> lines;
2. ``ruled`` / ``borderless``: tables with and without rules;
3. ``furniture``: running headers and footers dropped;
4. ``lists`` / ``paragraphs``: markers and paragraphs, in the body and in
   every table cell;
5. ``flow``: reading order and tables across pages; then headings (short
   blocks larger than the body text, or entirely bold) get levels by size rank.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import median

from ...document import Block, Cell, Heading, Paragraph, Table, clean_text
from .borderless import find_borderless_tables
from .flow import reading_order
from .furniture import drop_running_lines
from .lines import drawn_bullets, group_lines
from .lists import Marker
from .model import Grid, Line, PageContent, Word
from .paragraphs import Context, build_paragraphs
from .ruled import find_ruled_tables, split_ruled_tables
from .settings import PdfSettings

#: a page with fewer body lines than this takes the document's usual right edge
#: (a short last page of a chapter says nothing about the text width)
FEW_LINES_RIGHT = 8
#: ... and fewer than this its usual left margin
FEW_LINES_LEFT = 4
#: bold blocks at about the body size are headings when this short, and
#: only when they do not end with a full stop
BOLD_HEADING_WORDS = 12


@dataclass
class PageLayout:
    """What the stages found on one page (for inspection and the debug drawing)."""

    page: PageContent
    lines: list[Line] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    furniture: list[object] = field(default_factory=list)
    bullets: list[Word] = field(default_factory=list)


@dataclass
class Layout:
    pages: list[PageLayout]
    blocks: list[Block]
    body_size: float


def analyse(pages: list[PageContent], settings: PdfSettings | dict | None = None) -> Layout:
    """Run every stage; keep each page's intermediate results."""
    st = PdfSettings.resolve(settings)

    # 1-2a. drawn bullets, ruled tables, lines
    layouts: list[PageLayout] = []
    for page in pages:
        bullets = drawn_bullets(page.words, page.shapes, st)
        if bullets:
            page.words = page.words + bullets
        if not page.tables and page.edges:
            page.tables = find_ruled_tables(page.edges, st)
        body_words, grids = split_ruled_tables(page)
        layouts.append(PageLayout(page, group_lines(body_words, page.number), grids, bullets=bullets))

    # 3. running headers / footers
    per_page = [(pl.page, pl.lines, pl.grids) for pl in layouts]
    dropped = drop_running_lines(per_page, st)
    by_number = {pl.page.number: pl for pl in layouts}
    for number, obj in dropped:
        by_number[number].furniture.append(obj)

    ctx = _statistics(layouts, st)
    _set_margins(layouts, ctx)

    # 2b. borderless tables among the body lines
    if st.borderless_tables:
        for pl in layouts:
            if len(pl.lines) >= st.borderless_min_rows:
                rest, found = find_borderless_tables(pl.lines, ctx)
                if found:
                    pl.lines[:] = rest
                    pl.grids.extend(found)

    # 4-5. reading order, paragraphs, headings, tables
    flow = reading_order([(pl.page, pl.lines, pl.grids) for pl in layouts], ctx)
    blocks = _blocks(flow, ctx)
    return Layout(layouts, blocks, ctx.body_size)


def layout_pages(pages: list[PageContent], settings: PdfSettings | dict | None = None) -> list[Block]:
    """Turn backend pages into blocks (headings, paragraphs, tables)."""
    return analyse(pages, settings).blocks


def _statistics(layouts: list[PageLayout], st: PdfSettings) -> Context:
    """Body size (most common by characters) and usual line pitch per size,
    separately for body text and table cells."""
    sizes: Counter = Counter()
    all_texts: list[str] = []
    pitch_counts: dict[tuple[str, float], Counter] = defaultdict(Counter)

    def count_pitch(family: str, ls: list[Line]) -> None:
        for a, b in zip(ls, ls[1:]):
            if a.page == b.page and abs(a.size - b.size) <= 0.5:
                d = b.base - a.base
                # pitches outside 0.8-2.5 × size are paragraph gaps or overlaps
                if 0.8 * a.size <= d <= 2.5 * a.size:
                    pitch_counts[(family, round(a.size * 2) / 2)][round(d * 4) / 4] += 1

    for pl in layouts:
        for l in pl.lines:
            sizes[l.size] += len(l.text)
            all_texts.append(l.text)
        count_pitch("body", pl.lines)
        for g in pl.grids:
            for row in g.rows:
                for c in row:
                    for l in c.lines:
                        sizes[l.size] += len(l.text)
                        all_texts.append(l.text)
                    count_pitch("cell", c.lines)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    pitches = {k: c.most_common(1)[0][0] for k, c in pitch_counts.items()}
    return Context(st, body_size, pitches, all_texts)


def _set_margins(layouts: list[PageLayout], ctx: Context) -> None:
    """Right edge and left margin of the body text block, per page."""
    page_rights = {}
    page_lefts = {}
    for pl in layouts:
        if pl.lines:
            page_rights[pl.page.number] = max(l.x1 for l in pl.lines)
            xs = Counter(round(l.x0) for l in pl.lines if abs(l.size - ctx.body_size) <= ctx.st.size_tolerance)
            page_lefts[pl.page.number] = xs.most_common(1)[0][0] if xs else min(l.x0 for l in pl.lines)
    typical_right = median(page_rights.values()) if page_rights else 0.0
    typical_left = median(page_lefts.values()) if page_lefts else 0.0
    for pl in layouts:
        if not pl.lines:
            continue
        right = page_rights[pl.page.number]
        if len(pl.lines) < FEW_LINES_RIGHT:
            right = max(right, typical_right)
        left = page_lefts.get(pl.page.number, typical_left)
        if len(pl.lines) < FEW_LINES_LEFT:
            left = typical_left
        for l in pl.lines:
            l.right = right
            l.left = left


def _blocks(flow: list[Line | Grid], ctx: Context) -> list[Block]:
    st = ctx.st
    blocks: list[Block] = []
    heading_drafts: list[tuple[int, float, bool]] = []  # (block index, size, bold)
    run: list[Line] = []

    def flush() -> None:
        for d in build_paragraphs(run, ctx, "body"):
            text = clean_text(d.text)
            if not text:
                continue
            first = d.first
            nwords = len(text.split())
            heading = False
            if d.marker is None and nwords <= st.max_heading_words and len(d.lines) <= 3:
                if first.size >= ctx.body_size + st.heading_size_delta:
                    heading = True
                elif (first.bold and first.size >= ctx.body_size - st.size_tolerance
                      and nwords <= BOLD_HEADING_WORDS and not text.endswith(".")):
                    heading = True
            if heading:
                heading_drafts.append((len(blocks), first.size, first.bold))
                blocks.append(Heading(text, 1, first.page, d.bbox))
            else:
                blocks.append(Paragraph(text, first.page, _marker_text(d.marker), d.bbox))
        run.clear()

    for obj in flow:
        if isinstance(obj, Line):
            run.append(obj)
            continue
        flush()
        table = _grid_to_table(obj, ctx)
        if table.rows:
            blocks.append(table)
    flush()
    _assign_levels(blocks, heading_drafts)
    return blocks


def _marker_text(m: Marker | None) -> str | None:
    if m is None:
        return None
    return clean_text(m.glyph) or m.glyph


def _grid_to_table(g: Grid, ctx: Context) -> Table:
    rows = []
    for r in g.rows:
        cells = []
        for c in r:
            paras = []
            for d in build_paragraphs(c.lines, ctx, "cell"):
                text = clean_text(d.text)
                if text:
                    paras.append(Paragraph(text, d.first.page, _marker_text(d.marker), d.bbox))
            cells.append(Cell(paras))
        if any(c.paragraphs for c in cells):
            rows.append(cells)
    return Table(rows, g.page, g.bbox)


def _assign_levels(blocks: list[Block], heads: list[tuple[int, float, bool]]) -> None:
    """Level = rank of the size among heading sizes used at least twice
    (largest = 1; a title page's one-off sizes get 1); a bold label at body
    size ranks below every larger heading size."""
    if not heads:
        return
    key = lambda size: round(size * 2) / 2  # noqa: E731
    freq = Counter(key(s) for _, s, _ in heads)
    frequent = sorted((k for k, c in freq.items() if c >= 2), reverse=True)
    for idx, size, _bold in heads:
        k = key(size)
        level = 1 + sum(1 for f in frequent if f > k + 0.25)
        blocks[idx].level = min(level, 6)
