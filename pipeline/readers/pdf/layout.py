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
from dataclasses import dataclass, field, replace
from statistics import median

from ...document import Block, Cell, Heading, Paragraph, Table, clean_text
from ...flags import Doubt
from .borderless import bound_column, find_borderless_tables
from .flow import reading_order
from .furniture import running_lines
from .lines import drawn_bullets, group_lines
from .lists import Marker
from .model import Grid, Line, PageContent, TagNode, Word
from .paragraphs import Context, build_paragraphs
from .ruled import find_ruled_tables, split_ruled_tables
from .settings import PdfSettings
from .tagged import merge_pages, read_tags, to_block, untagged_share

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
    #: the page's blocks come from its structure tree (tagged PDF), not the layout
    tagged: bool = False


@dataclass
class Layout:
    pages: list[PageLayout]
    blocks: list[Block]
    body_size: float
    #: pages whose blocks come from the PDF's structure tree (the rest: layout)
    tagged_pages: list[int] = field(default_factory=list)

    @property
    def furniture(self) -> list[Paragraph]:
        """The running headers, footers and page numbers left out of the
        blocks, one paragraph per line, page by page from the top."""
        out = []
        for pl in self.pages:
            lines = [l for o in pl.furniture
                     for l in ([l for row in o.rows for c in row for l in c.lines] if isinstance(o, Grid) else [o])]
            for l in sorted(lines, key=lambda l: (l.top, l.x0)):
                text = clean_text(l.text)
                if text:
                    out.append(Paragraph(text, l.page, None, l.bbox))
        return out

    @property
    def reader(self) -> str:
        """"pdf-tags", "pdf-layout", or "pdf-tags+layout" when pages differ."""
        if not self.tagged_pages:
            return "pdf-layout"
        if len(self.tagged_pages) == sum(1 for pl in self.pages if pl.page.words):
            return "pdf-tags"
        return "pdf-tags+layout"


def analyse(pages: list[PageContent], settings: PdfSettings | dict | None = None) -> Layout:
    """Run every stage; keep each page's intermediate results."""
    st = PdfSettings.resolve(settings)

    # 1-2a. drawn bullets, ruled tables, lines
    layouts: list[PageLayout] = []
    for page in pages:
        # a new page with the marker words and ruled tables, so that the
        # caller's pages stay as read and a second analysis gives the same result
        bullets = drawn_bullets(page.words, page.shapes, st)
        tables = page.tables or (find_ruled_tables(page.edges, st) if page.edges else [])
        if bullets or tables is not page.tables:
            page = replace(page, words=page.words + bullets, tables=tables)
        body_words, grids = split_ruled_tables(page)
        layouts.append(PageLayout(page, group_lines(body_words, page.number), grids, bullets=bullets))

    # 3. running headers / footers
    dropped = running_lines([(pl.page, pl.lines, pl.grids) for pl in layouts], st)
    by_number = {pl.page.number: pl for pl in layouts}
    for number, obj in dropped:
        by_number[number].furniture.append(obj)
    for pl in layouts:
        furniture = {id(o) for o in pl.furniture}
        pl.lines = [l for l in pl.lines if id(l) not in furniture]
        pl.grids = [g for g in pl.grids if id(g) not in furniture]

    ctx = _statistics(layouts, st)
    _set_margins(layouts, ctx)

    # 2b. borderless tables among the body lines
    if st.borderless_tables:
        for pl in layouts:
            if len(pl.lines) >= st.borderless_min_rows:
                rest, found = find_borderless_tables(pl.lines, ctx)
                if found:
                    pl.lines, pl.grids = rest, [*pl.grids, *found]

    # 4-5. reading order, paragraphs, headings, tables
    flow = reading_order([(pl.page, pl.lines, pl.grids) for pl in layouts], ctx)
    blocks = _blocks(flow, ctx)
    tagged_pages: list[int] = []
    if st.use_tags and any(pl.page.tags is not None for pl in layouts):
        blocks, tagged_pages = _with_tags(layouts, blocks, ctx)
    return Layout(layouts, blocks, ctx.body_size, tagged_pages)


def _unit_pages(blocks: list[Block]) -> Counter:
    """Paragraph-sized units per page (a table counts its cells' paragraphs,
    each on its own page when the table runs over a page break)."""
    count: Counter = Counter()
    for b in blocks:
        if isinstance(b, Table):
            for row in b.rows:
                for c in row:
                    for p in c.paragraphs:
                        count[p.page] += 1
        else:
            count[b.page] += 1
    return count


def _furniture_words(pl: PageLayout) -> set[int]:
    ids: set[int] = set()
    for o in pl.furniture:
        lines = [l for row in o.rows for c in row for l in c.lines] if isinstance(o, Grid) else [o]
        for l in lines:
            ids.update(id(w) for w in l.words)
    return ids


def _with_tags(layouts: list[PageLayout], layout_blocks: list[Block], ctx: Context) -> tuple[list[Block], list[int]]:
    """Blocks from the structure tree on the pages where it can be trusted,
    from the layout elsewhere; the pages read by tags."""
    st = ctx.st
    words: dict[tuple[int, int], list[Word]] = defaultdict(list)
    for pl in layouts:
        for w in pl.page.words:
            if w.mcid >= 0:
                words[(pl.page.number, w.mcid)].append(w)
    usable = {
        pl.page.number for pl in layouts
        if pl.page.tags is not None and untagged_share(pl.page, _furniture_words(pl)) <= st.tags_max_untagged
    }
    by_layout = _unit_pages(layout_blocks)
    while True:
        tag_blocks = _tag_blocks(layouts, usable, words, ctx)
        by_tags = _unit_pages(tag_blocks)
        coarse = {p for p in usable if by_tags[p] < st.tags_min_block_ratio * by_layout[p]}
        if not coarse:
            break
        usable -= coarse
    if not usable:
        return layout_blocks, []
    out: list[Block] = []
    for pl in layouts:
        n = pl.page.number
        pl.tagged = n in usable
        source = tag_blocks if n in usable else layout_blocks
        out += [b for b in source if b.page == n]
    return out, sorted(usable)


def _tag_blocks(layouts: list[PageLayout], usable: set[int], words, ctx: Context) -> list[Block]:
    """Blocks of the usable pages, each run of consecutive usable pages read as
    one tree (elements going on over a page break joined)."""
    runs: list[list[TagNode]] = []
    prev = None
    for pl in layouts:
        n = pl.page.number
        if n not in usable:
            continue
        if prev is not None and n == prev + 1:
            runs[-1].append(pl.page.tags)
        else:
            runs.append([pl.page.tags])
        prev = n
    blocks: list[Block] = []
    tagged_levels: set[int] = set()
    styled: list[tuple[int, float, bool]] = []  # paragraphs that look like headings
    for run in runs:
        for draft in read_tags(merge_pages(run), words):
            block, first = to_block(draft, ctx)
            if block is None:
                continue
            if isinstance(block, Heading):
                tagged_levels.add(block.level)
            elif (isinstance(block, Paragraph) and block.list_marker is None and first is not None
                  and looks_like_heading(block.text, first, len(draft.lines), ctx)):
                styled.append((len(blocks), first.size, first.bold))
                block = Heading(block.text, 1, block.page, block.bbox, block.continued)
            blocks.append(block)
    # headings the tags call paragraphs rank below every tagged heading level
    _assign_levels(blocks, styled)
    below = max(tagged_levels, default=0)
    for idx, _, _ in styled:
        blocks[idx].level = min(blocks[idx].level + below, 6)
    return blocks


def layout_pages(pages: list[PageContent], settings: PdfSettings | dict | None = None) -> list[Block]:
    """Turn backend pages into blocks (headings, paragraphs, tables)."""
    return analyse(pages, settings).blocks


#: wrapped lines (next line in lower case) needed to take the pitch from them alone
MIN_WRAPPED_PITCHES = 3


def _statistics(layouts: list[PageLayout], st: PdfSettings) -> Context:
    """Body size (most common by characters) and usual line pitch per size,
    separately for body text and table cells."""
    sizes: Counter = Counter()
    all_texts: list[str] = []
    pitch_counts: dict[tuple[str, float], Counter] = defaultdict(Counter)
    # A line that starts in lower case goes on with the sentence above it, so
    # its distance to that line is the pitch itself; the distance between
    # any two lines may be a paragraph's or a table row's (a score table's
    # padded one-line rows outnumber the wrapped lines of its findings)
    wrapped_counts: dict[tuple[str, float], Counter] = defaultdict(Counter)

    def count_pitch(family: str, ls: list[Line]) -> None:
        for a, b in zip(ls, ls[1:]):
            if a.page == b.page and abs(a.size - b.size) <= 0.5:
                d = b.base - a.base
                # pitches outside 0.8-2.5 × size are paragraph gaps or overlaps
                if 0.8 * a.size <= d <= 2.5 * a.size:
                    key = (family, round(a.size * 2) / 2)
                    pitch_counts[key][round(d * 4) / 4] += 1
                    if b.text[:1].islower():
                        wrapped_counts[key][round(d * 4) / 4] += 1

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
    pitches = {k: (wrapped_counts[k] if sum(wrapped_counts[k].values()) >= MIN_WRAPPED_PITCHES else c)
               .most_common(1)[0][0] for k, c in pitch_counts.items()}
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
    blocks: list[Block] = []
    heading_drafts: list[tuple[int, float, bool]] = []  # (block index, size, bold)
    run: list[Line] = []

    def flush() -> None:
        for d in build_paragraphs(run, ctx, "body"):
            text = clean_text(d.text)
            if not text:
                continue
            first = d.first
            _doubt_words(d, ctx.st)
            if d.marker is None and looks_like_heading(text, first, len(d.lines), ctx):
                heading_drafts.append((len(blocks), first.size, first.bold))
                blocks.append(Heading(text, 1, first.page, d.bbox, d.continued))
            else:
                blocks.append(Paragraph(text, first.page, _marker_text(d.marker), d.bbox, d.doubt, d.continued))
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


def looks_like_heading(text: str, first: Line, n_lines: int, ctx: Context) -> bool:
    """A short paragraph set larger than the body text, or bold at body size
    without a closing full stop (a label such as "Styrkor")."""
    st = ctx.st
    nwords = len(text.split())
    if nwords > st.max_heading_words or n_lines > 3:
        return False
    if first.size >= ctx.body_size + st.heading_size_delta:
        return True
    return (first.bold and first.size >= ctx.body_size - st.size_tolerance
            and nwords <= BOLD_HEADING_WORDS and not text.endswith("."))


def _marker_text(m: Marker | None) -> str | None:
    if m is None:
        return None
    return clean_text(m.glyph) or m.glyph


def _grid_to_table(g: Grid, ctx: Context) -> Table:
    if not g.ruled:  # a ruled cell's edge is its rule, less the padding seen on its left
        for k in range(g.n_cols):  # again over the whole table, pages stitched
            bound_column([row[k].lines for row in g.rows if k < len(row)])
    rows = []
    for r in g.rows:
        cells = []
        for c in r:
            paras = []
            drafts = build_paragraphs(c.lines, ctx, "cell")
            if drafts and c.doubt_first:
                drafts[0].add_doubt(c.doubt_first)
            if drafts and c.doubt_last:
                drafts[-1].add_doubt(c.doubt_last)
            for d in drafts:
                text = clean_text(d.text)
                if text:
                    _doubt_words(d, ctx.st)
                    paras.append(Paragraph(text, d.first.page, _marker_text(d.marker), d.bbox, d.doubt, d.continued))
            cells.append(Cell(paras))
        if any(c.paragraphs for c in cells):
            rows.append(cells)
    return Table(rows, g.page, g.bbox, g.continued)


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


#: the doubts of a paragraph whose words' source was unsure of them, or whose
#: lines may run across two columns (``Paragraph.doubt``, then ``findings.doubt``)
OCR_LOW_CONFIDENCE = Doubt.OCR_LOW_CONFIDENCE.value
MAY_CROSS_COLUMNS = Doubt.MAY_CROSS_COLUMNS.value


def _doubt_words(draft, st: PdfSettings) -> None:
    """A paragraph whose words carry confidences (OCR) that are, on average,
    low; one with a line that may run across two columns."""
    confs = [w.conf for line in draft.lines for w in line.words if w.conf is not None]
    if confs and sum(confs) / len(confs) < st.ocr_low_confidence:
        draft.add_doubt(OCR_LOW_CONFIDENCE)
    # a list marker stands apart from its text by design: the first line is judged without it
    lines = [(draft.marker.rest if k == 0 and draft.marker is not None else line.words, line.size)
             for k, line in enumerate(draft.lines)]
    if any(_crosses_a_gutter(words, size, st) for words, size in lines):
        draft.add_doubt(MAY_CROSS_COLUMNS)


def _crosses_a_gutter(words: list[Word], size: float, st: PdfSettings) -> bool:
    """Whether one gap between a line's ``words`` is a column gutter: at least
    ``column_gap_min`` × size and ``column_gap_ratio`` times the line's usual
    gap. Justification stretches every gap of a line alike; a line the
    recogniser (or a text layer's order) ran across two columns keeps its
    words' spaces on each side of one wide gap."""
    words = sorted(words, key=lambda w: w.x0)
    gaps = sorted(b.x0 - a.x1 for a, b in zip(words, words[1:]))
    if len(gaps) < 3:
        return False
    widest, usual = gaps[-1], median(gaps[:-1])
    return widest >= st.column_gap_min * size and widest >= st.column_gap_ratio * max(usual, 0.1 * size)
