"""Plain dataclasses that pass between the stages of the PDF reader.

Coordinates are PDF points with the origin at the top left of the page
(pdfplumber's convention): ``x0 < x1`` left to right, ``top < bottom`` down.

* A backend produces :class:`PageContent`: words, ruling segments
  (:class:`Edge`) and small filled shapes (:class:`Shape`, drawn bullets).
* :func:`~.lines.group_lines` makes :class:`Line` objects of a region's words.
* Tables (ruled or borderless) become :class:`Grid` objects whose cells hold
  lines (:class:`CellLines`), until the paragraph builder turns every cell and
  the body flow into blocks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False
    #: True for a bullet the PDF draws as a shape (the text layer has no glyph)
    drawn: bool = False
    #: marked-content id of the word's text in a tagged PDF (-1: none, an artifact)
    mcid: int = -1
    #: 1-based page number (set by the backend; 0 on hand-made test pages)
    page: int = 0
    #: recognition confidence (0-100) of a word read by OCR; None from a text layer
    conf: float | None = None
    #: the name of the font its glyphs are set in (a text layer's; "" from OCR)
    font: str = ""


@dataclass(frozen=True)
class Edge:
    """A horizontal or vertical ruling segment."""

    orientation: str  # "h" | "v"
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class Shape:
    """A small filled path (candidate drawn bullet)."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class TagNode:
    """One element of a tagged PDF's structure tree, as far as one page holds it.

    ``kids`` are, in the producer's reading order, child elements and the
    ``(page, marked-content id)`` of content the element owns directly.
    ``slots`` gives each kid's position among *all* the element's kids in the
    file (those on other pages included): an element's position path from the
    root is the same on every page it appears on, which is how the pages of
    one tree are put together again (:func:`~.tagged.merge_pages`).
    ``type`` is the standard type after the document's role map (P, H2, TD...).
    """

    type: str
    page: int
    kids: list["TagNode | tuple[int, int]"] = field(default_factory=list)
    slots: list[int] = field(default_factory=list)

    def add(self, slot: int, kid: "TagNode | tuple[int, int]") -> None:
        self.slots.append(slot)
        self.kids.append(kid)

    def elements(self) -> list["TagNode"]:
        return [k for k in self.kids if isinstance(k, TagNode)]


@dataclass
class RuledTable:
    """A ruled table: bbox and, per grid row, the bbox of each cell (None where
    a merged cell covers the slot)."""

    bbox: BBox
    rows: list[list[BBox | None]]


@dataclass
class PageContent:
    number: int  # 1-based
    width: float
    height: float
    words: list[Word]
    tables: list[RuledTable] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    #: the page's structure tree (tagged PDFs only)
    tags: TagNode | None = None
    #: words set at an angle (vertical captions, stamps, rotated tables): not read
    rotated_words: int = 0
    #: on a page without text: the share of it its largest image covers (a scan)
    image_share: float = 0.0
    #: for a page read by OCR: the mean word confidence (0-100) and the angle
    #: (degrees) the page was turned back by; a page fed sideways or upside
    #: down is first turned upright by a quarter turns (degrees clockwise)
    ocr_confidence: float | None = None
    ocr_skew: float = 0.0
    ocr_turned: int = 0
    ocr: bool = False
    #: why the page's own text layer was not used (it does not read as text),
    #: empty when it was
    text_layer_doubt: str = ""
    #: words of its text layer whose glyphs were mapped to wrong code points:
    #: how many were repaired, and those that could not be (see :mod:`.glyphs`)
    glyphs_repaired: int = 0
    glyphs_unrepaired: list[str] = field(default_factory=list)
    #: why the page was not read: over a bound no report page reaches (see
    #: PdfSettings: characters, size, pages OCR reads); empty when it was read
    over_bounds: str = ""
    #: words of an untrusted text layer decoded by a glyph map learned from OCR
    #: (:mod:`.decoding`), and how many of them took OCR's reading instead
    decoded_words: int = 0
    decoded_from_ocr: int = 0


class Line:
    """Words on one text line of one region (body or table cell)."""

    __slots__ = ("words", "page", "text", "x0", "x1", "top", "bottom", "base", "size", "bold", "right", "left",
                 "right_lo")

    def __init__(self, words: list[Word], page: int = 1):
        self.words = words
        self.page = page
        self.text = " ".join(w.text for w in words)
        self.x0 = min(w.x0 for w in words)
        self.x1 = max(w.x1 for w in words)
        self.top = min(w.top for w in words)
        self.bottom = max(w.bottom for w in words)
        sizes: Counter = Counter()
        bases: Counter = Counter()
        bold_chars = chars = 0
        for w in words:
            n = sum(ch.isalnum() for ch in w.text)
            if n:
                sizes[round(w.size, 1)] += n
                bases[round(w.bottom, 1)] += n
                chars += n
                bold_chars += n if w.bold else 0
        if chars:
            self.size = sizes.most_common(1)[0][0]
            # 90 %: a bold line may hold a regular comma or digit
            self.bold = bold_chars >= 0.9 * chars
            #: bottom of the line's main text: steadier than top/bottom when a
            #: line holds a glyph from another font (bullets, symbols)
            self.base = bases.most_common(1)[0][0]
        else:
            self.size = round(max(w.size for w in words), 1)
            self.bold = all(w.bold for w in words)
            self.base = self.bottom
        #: right edge of the text block the line belongs to (set by its region) ...
        self.right = self.x1
        #: ... and where it is known only within bounds (a table cell, whose
        #: padding is not printed), the least it can be; None: exactly ``right``
        self.right_lo: float | None = None
        #: x of the region's left edge; x0 - left compares lines across pages
        self.left = 0.0

    @property
    def rx0(self) -> float:
        return self.x0 - self.left

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Line(p{self.page} {self.x0:.0f}-{self.x1:.0f} @{self.top:.0f} {self.size}{' b' if self.bold else ''} {self.text!r})"


class CellLines:
    """The lines of one table cell (possibly from several pages)."""

    __slots__ = ("lines", "x0", "x1", "doubt_first", "doubt_last")

    def __init__(self, lines: list[Line], x0: float, x1: float):
        self.lines = lines
        self.x0 = x0
        self.x1 = x1
        #: a doubt for the cell's first / last paragraph (a row that a page
        #: break may have cut, see flow.stitch)
        self.doubt_first: str | None = None
        self.doubt_last: str | None = None


class Grid:
    """A table before its cells become paragraphs."""

    def __init__(self, page: int, top: float, bottom: float, x0: float, x1: float,
                 cols: list[float], rows: list[list[CellLines]], ruled: bool = True,
                 gutters: list[tuple[float, float]] | None = None):
        self.page = page
        self.top = top
        self.bottom = bottom
        self.x0 = x0
        self.x1 = x1
        self.cols = cols  # column boundaries, len = n_cols + 1
        self.rows = rows
        self.ruled = ruled
        self.last_page = page
        #: bottom on its last page (``bottom`` stays that of its first page)
        self.last_bottom = bottom
        #: a borderless table's whitespace between columns (x0, x1 of each) ...
        self.gutters = gutters or []
        #: ... and the lines it was cut from
        self.lines: list[Line] = []
        #: (page, box) of its parts on later pages, once stitched
        self.continued: list[tuple[int, BBox]] = []

    @property
    def n_cols(self) -> int:
        return len(self.cols) - 1

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)

    def widths(self) -> list[float]:
        return [b - a for a, b in zip(self.cols, self.cols[1:])]

    def text(self) -> str:
        return " ".join(l.text for row in self.rows for c in row for l in c.lines)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        kind = "ruled" if self.ruled else "borderless"
        return f"Grid(p{self.page} {kind} {len(self.rows)}x{self.n_cols} @{self.top:.0f}-{self.bottom:.0f})"
