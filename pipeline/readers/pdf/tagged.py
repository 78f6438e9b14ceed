"""Blocks from a tagged PDF's structure tree.

Word, LibreOffice and browsers write a structure tree when asked for an
accessible PDF (Swedish rules ask for it in published reports): headings
(H1-H6), paragraphs (P), lists (L/LI with Lbl and LBody) and tables
(Table/TR/TD) in reading order, each owning the page content it covers
through marked-content ids. Where a page's tags are complete they say what
the layout stage can only infer: which lines form one paragraph, where one
finding ends and the next begins, which cell a line belongs to.

The tree is trusted only page by page (:func:`usable_pages`): a page whose
real text lies partly outside the tags, or whose tags are coarser than the
paragraphs the layout finds, is read by layout analysis instead. Content the
tags leave out on a usable page is an artifact (running header, page number)
by the PDF standard's definition and is not read.

Element types are the standard ones after the document's role map. Unknown
and inline types (Span, Link, NonStruct...) are read by what they hold: an
element holding no block elements is one paragraph; one holding blocks is a
container whose loose text becomes paragraphs of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...document import Block, Cell, Heading, Paragraph, Table, clean_text
from .lines import group_lines
from .lists import find_marker
from .model import BBox, Line, PageContent, TagNode, Word
from .paragraphs import Context, join_lines, line_parts

HEADING_LEVELS = {"Title": 1, "H": 1, **{f"H{i}": i for i in range(1, 7)}}
#: elements whose content is part of the enclosing block's text
INLINE = {"Span", "Link", "NonStruct", "Quote", "Code", "Reference", "Annot", "Ruby", "RB", "RT", "RP",
          "Warichu", "WT", "WP", "Em", "Strong", "Sub", "BibEntry", "Formula", "Lbl", "Form", "Private"}
TABLE_SECTIONS = {"THead", "TBody", "TFoot"}
CELLS = {"TD", "TH"}
#: the marker given to a tagged list item whose label is not in the text
#: (a drawn bullet, or a label the producer left untagged)
DEFAULT_MARKER = "•"


@dataclass
class Draft:
    """A block before its words become text: "heading", "paragraph" or "table"."""

    kind: str
    lines: list[Line] = field(default_factory=list)
    level: int = 1
    marker: str | None = None
    rows: list[list[list["Draft"]]] = field(default_factory=list)


# ---------------------------------------------------------------------------
# which pages to trust


def tree_mcids(node: TagNode, out: set[tuple[int, int]] | None = None) -> set[tuple[int, int]]:
    """Every (page, mcid) an element tree owns."""
    out = set() if out is None else out
    for k in node.kids:
        if isinstance(k, TagNode):
            tree_mcids(k, out)
        else:
            out.add(k)
    return out


def untagged_share(page: PageContent, furniture_words: set[int]) -> float:
    """Share of the page's characters that are neither tagged content nor a
    running header/footer the layout recognised (1.0 without a tree)."""
    if page.tags is None:
        return 1.0
    owned = tree_mcids(page.tags)
    total = outside = 0
    for w in page.words:
        if w.drawn or id(w) in furniture_words:
            continue
        n = len(w.text)
        total += n
        if (page.number, w.mcid) not in owned:
            outside += n
    if total == 0:
        return 1.0
    return outside / total


# ---------------------------------------------------------------------------
# merging pages


def merge_pages(trees: list[TagNode]) -> TagNode:
    """One tree for consecutive pages: elements at the same slot path are the
    same element (a table, row, cell or paragraph going on over a page
    break), and kids follow their slots, which is the file's reading order."""
    root = trees[0]
    for t in trees[1:]:
        root = _merge(root, t)
    return root


def _merge(a: TagNode, b: TagNode) -> TagNode:
    out = TagNode(a.type, a.page)
    i = j = 0
    while i < len(a.kids) or j < len(b.kids):
        if j >= len(b.kids) or (i < len(a.kids) and a.slots[i] < b.slots[j]):
            out.add(a.slots[i], a.kids[i])
            i += 1
        elif i >= len(a.kids) or b.slots[j] < a.slots[i]:
            out.add(b.slots[j], b.kids[j])
            j += 1
        else:  # the same slot on both pages
            ka, kb = a.kids[i], b.kids[j]
            if isinstance(ka, TagNode) and isinstance(kb, TagNode):
                out.add(a.slots[i], _merge(ka, kb))
            else:
                out.add(a.slots[i], ka)
                out.add(b.slots[j], kb)
            i += 1
            j += 1
    return out


# ---------------------------------------------------------------------------
# tree -> drafts


class _Reader:
    def __init__(self, words: dict[tuple[int, int], list[Word]]):
        self.words = words

    def content(self, node: TagNode) -> list[Word]:
        """All words under an element, in the tree's order."""
        out: list[Word] = []
        for k in node.kids:
            if isinstance(k, TagNode):
                out += self.content(k)
            else:
                out += self.words.get(k, [])
        return out

    def has_blocks(self, node: TagNode) -> bool:
        return any(
            isinstance(k, TagNode) and (k.type not in INLINE or self.has_blocks(k)) for k in node.kids
        )

    def read(self, node: TagNode, out: list[Draft]) -> None:
        t = node.type
        if t in HEADING_LEVELS and not self.has_blocks(node):
            words = self.content(node)
            if words:
                out.append(Draft("heading", _lines(words), level=HEADING_LEVELS[t]))
            return
        if t == "Table":
            table = self.table(node, out)
            if table is not None:
                out.append(table)
                return
        if t == "LI":
            self.item(node, out)
            return
        if not self.has_blocks(node):
            self.paragraphs(self.content(node), out)
            return
        loose: list[Word] = []
        for k in node.kids:
            if isinstance(k, TagNode) and (k.type not in INLINE or self.has_blocks(k)):
                self.paragraphs(loose, out)
                loose = []
                self.read(k, out)
            elif isinstance(k, TagNode):
                loose += self.content(k)
            else:
                loose += self.words.get(k, [])
        self.paragraphs(loose, out)

    def paragraphs(self, words: list[Word], out: list[Draft]) -> None:
        """One tagged paragraph; split only where a later line starts with an
        unmistakable list marker (items separated by line breaks in one P)."""
        if not words:
            return
        lines = _lines(words)
        start = 0
        for i in range(1, len(lines)):
            m = find_marker(lines[i], allow_numbers=False)
            if m is not None and not m.ambiguous:
                out.append(_paragraph(lines[start:i]))
                start = i
        out.append(_paragraph(lines[start:]))

    def item(self, node: TagNode, out: list[Draft]) -> None:
        label: list[Word] = []
        body: list[Word] = []
        nested: list[TagNode] = []
        # an LBody's kids are the item's own: one pass over both levels
        kids = [kk for k in node.kids
                for kk in (k.kids if isinstance(k, TagNode) and k.type == "LBody" else [k])]
        for k in kids:
            if not isinstance(k, TagNode):
                body += self.words.get(k, [])
            elif k.type == "Lbl":
                label += self.content(k)
            elif k.type in ("L", "Table"):
                nested.append(k)
            else:
                body += self.content(k)
        if body:
            d = _paragraph(_lines(body))
            if label:
                d.marker = clean_text(" ".join(w.text for w in label)) or DEFAULT_MARKER
            elif d.marker is None:
                d.marker = DEFAULT_MARKER
            out.append(d)
        for n in nested:
            self.read(n, out)

    def table(self, node: TagNode, out: list[Draft]) -> Draft | None:
        rows: list[TagNode] = []
        for k in node.elements():
            if k.type == "TR":
                rows.append(k)
            elif k.type in TABLE_SECTIONS:
                rows += [r for r in k.elements() if r.type == "TR"]
            elif k.type == "Caption":
                self.read(k, out)
        if not rows:
            return None
        draft = Draft("table")
        for r in rows:
            cells = []
            for c in r.elements():
                if c.type not in CELLS:
                    continue
                inner: list[Draft] = []
                self.read(TagNode("Div", c.page, c.kids), inner)
                cells.append(_flatten(inner))
            if cells:
                draft.rows.append(cells)
        return draft if draft.rows else None


def _flatten(drafts: list[Draft]) -> list[Draft]:
    """A cell holds paragraphs only: headings become paragraphs, nested tables
    their cells' paragraphs."""
    out: list[Draft] = []
    for d in drafts:
        if d.kind == "table":
            for row in d.rows:
                for cell in row:
                    out += cell
        elif d.kind == "heading":
            out.append(Draft("paragraph", d.lines))
        else:
            out.append(d)
    return out


def _lines(words: list[Word]) -> list[Line]:
    by_page: dict[int, list[Word]] = {}
    for w in words:
        by_page.setdefault(w.page, []).append(w)
    lines: list[Line] = []
    for p in sorted(by_page):
        lines += group_lines(by_page[p], p)
    return lines


def _paragraph(lines: list[Line]) -> Draft:
    """A paragraph; a marker glyph starting it (ambiguous ones only before a
    tab-like gap) is its list marker, not its text."""
    m = find_marker(lines[0])
    if m is not None and (not m.ambiguous or m.tab):
        rest = [Line(m.rest, lines[0].page)] if m.rest else []
        return Draft("paragraph", rest + lines[1:], marker=m.glyph)
    return Draft("paragraph", lines)


# ---------------------------------------------------------------------------
# drafts -> blocks


def _text(lines: list[Line], ctx: Context) -> str:
    text = ""
    for l in lines:
        text = join_lines(text, l.text, ctx.vocab) if text else l.text
    return clean_text(text)


def _union(boxes: list[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def to_block(d: Draft, ctx: Context) -> tuple[Block | None, Line | None]:
    """The block and its first line (for the heading rules), or None if empty."""
    if d.kind == "table":
        rows = []
        boxes: dict[int, list[BBox]] = {}  # page -> its cells' boxes, in order of the pages
        for r in d.rows:
            cells = []
            for c in r:
                paras = []
                for p in c:
                    lines = p.lines
                    if not lines:
                        continue
                    text = _text(lines, ctx)
                    if text:
                        parts = line_parts(lines)
                        paras.append(Paragraph(text, lines[0].page, p.marker, parts[0][1], None, parts[1:]))
                        for page, box in parts:
                            boxes.setdefault(page, []).append(box)
                cells.append(Cell(paras))
            if any(c.paragraphs for c in cells):
                rows.append(cells)
        if not rows:
            return None, None
        (first_page, first), *more = boxes.items()
        return Table(rows, first_page, _union(first), [(page, _union(b)) for page, b in more]), None
    lines = d.lines
    text = _text(lines, ctx) if lines else ""
    if not text:
        return None, None
    (page, box), *more = line_parts(lines)
    if d.kind == "heading":
        return Heading(text, d.level, page, box, more), lines[0]
    return Paragraph(text, page, d.marker, box, None, more), lines[0]


def read_tags(root: TagNode, words: dict[tuple[int, int], list[Word]]) -> list[Draft]:
    """Drafts of blocks, in the tree's reading order."""
    out: list[Draft] = []
    _Reader(words).read(root, out)
    return out
