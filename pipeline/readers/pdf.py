"""Read a PDF report into the neutral :class:`~pipeline.document.Document`.

How it works, and why
=====================

A PDF has no paragraphs, lists or tables, only glyphs placed on pages (and
the rules a word processor drew). Reports come from many producers (Word,
LibreOffice, other templates and years), so nothing here is fitted to one
file: every rule reads the *layout* (positions, font sizes, boldness, ruling
lines) and compares a page with the rest of the same document.

Two layers, so the slow part can be swapped (pypdfium2) and the rules can be
unit-tested on hand-made pages:

1. **Backend** (``_pdfplumber_pages``), the only code that imports pdfplumber.
   Per page it takes the characters once, groups them into :class:`Word`
   objects (text, box, size, bold from the font name) and asks pdfplumber's
   ``find_tables`` (lines strategy) for ruled tables (:class:`RuledTable`:
   bbox and cell bboxes per grid row). Output: plain :class:`PageContent`.

2. **Layout** (``layout_pages``), pure Python over those dataclasses:

   * *Regions*: words go to the ruled-table cell that holds their centre, the
     rest is body text; each region's words become :class:`Line` objects. A
     ruled "table" of one cell is a framed box and is read as body text.
   * *Running headers/footers*: body lines in the top/bottom band of the page
     (``header_band``/``footer_band``) whose text with digits replaced by "#"
     is on at least ``repeat_fraction`` of the pages are dropped, so "3 (34)"
     and "4 (34)" match. Page-number lines there ("3", "3 (34)", "Sida 3 av
     34", "Page 3 of 34") are dropped when their number minus the page index
     is the document's usual offset (a bare "45" in the band is kept). A
     heading near the top of one page is kept: it does not repeat.
   * *Statistics*: body size = the most common size (by characters); the usual
     line pitch (baseline to baseline) = the most common pitch per size,
     separately for body text and table cells.
   * *Borderless tables* (only on pages without ruled ones, and conservative):
     at least ``borderless_min_rows`` consecutive lines that split into 2+
     word groups at gaps wider than ``column_gap`` × size, each group aligned
     (left, right or centre) with one column; a single group joins the run
     only as a wrapped continuation of the cell above it.
   * *Reading order and tables across pages*: per page, body lines and tables
     top to bottom; pages in order. A table that is the last block of page N
     and a table with the same number and widths of columns that is the first
     block of page N+1 (headers/footers already gone) are one table: a
     repeated header row is dropped and a row split by the page break is
     merged (rules in ``_stitch``).
   * *Paragraphs*: one builder serves the body flow and every table cell
     (cells are read one by one, so columns never interleave). A line starts
     a new paragraph at a change of size or boldness; a gap above the usual
     pitch of more than ``paragraph_gap`` × size, or of more than
     ``small_paragraph_gap`` × size where a sentence ends or starts; an
     indentation that is not the paragraph's own (first-line and hanging
     list indents are understood); a list marker; or when the previous line
     had room for this line's first word (so it was not wrapped) and a
     sentence ends or starts there. Across a page break there is no gap to
     measure: a sentence end plus a capital, or a capitalised ordinary word
     (one the document also writes in lower case) after a line that did not
     end in "och", "i", ..., starts a new paragraph; otherwise the paragraph
     (or table cell) goes on.
   * *Hyphens*: a line ending in "word-" followed by a lower-case word is
     joined without the hyphen unless the next word is a conjunction
     ("ledar- och"), the fragment is short, an abbreviation or has digits
     ("e-", "IT-", "2018-"), or the document spells the pair with a hyphen
     elsewhere; those keep their hyphen ("IT-system").
   * *Lists*: unmistakable glyphs (•, ▪, ◦, ·, private-use Symbol glyphs such
     as U+F0B7, ...) always start an item; ambiguous ones ("-", "–", "o",
     "1.", "a)") only after a tab-like gap, where a new block starts anyway,
     or in a run of items of the same kind. ``list_marker`` is the glyph as
     printed (like the docx reader); it is removed from the text.
   * *Headings*: short body blocks, not list items, larger than the body size
     or entirely bold (bold blocks must not end with a full stop). Level =
     rank of the size among heading sizes used at least twice (largest = 1;
     a title page's one-off sizes get 1); a bold label at body size such as
     "STYRKOR" ranks below every larger heading size. Inside table cells
     everything is a paragraph.

Errors are :class:`~pipeline.document.ReadError`: "encrypted PDF (password
protected)", "not a readable PDF: <reason>", "no text layer (scanned PDF?);
OCR it first". A missing file raises FileNotFoundError.

Debugging aid: ``python -m pipeline.readers.pdf FILE.pdf`` prints the blocks.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import sys
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields
from pathlib import Path
from statistics import median
from typing import Iterable

from ..document import (
    Block,
    Cell,
    Document,
    Heading,
    Origin,
    Paragraph,
    ReadError,
    Table,
    clean_text,
)

__all__ = [
    "PdfSettings",
    "read_pdf",
    "layout_pages",
    "PageContent",
    "RuledTable",
    "Word",
    "Line",
]


# ---------------------------------------------------------------------------
# settings


@dataclass(frozen=True)
class PdfSettings:
    """Tolerances of the PDF reader. Sizes marked "× size" scale with the font."""

    #: share of the page height at the top / bottom where running headers /
    #: footers may sit
    header_band: float = 0.10
    footer_band: float = 0.10
    #: a band line is a running header/footer when its text (digits
    #: normalised) is on at least this share of the pages ...
    repeat_fraction: float = 0.4
    #: ... and on at least this many pages
    repeat_min_pages: int = 2
    #: characters whose vertical centres differ by less than this × size may
    #: share a line
    line_tolerance: float = 0.35
    #: horizontal gap (× size) between glyphs that separates two words when the
    #: PDF has no space glyphs
    word_gap: float = 0.17
    #: horizontal gap (× size) that splits a line into separate word groups
    #: (columns of a borderless table)
    column_gap: float = 1.8
    #: extra vertical space (× size) above the usual line pitch that ends a
    #: paragraph ...
    paragraph_gap: float = 0.4
    #: ... and a smaller one that ends it where the next line starts a
    #: sentence (capital, digit) or the previous one ended one
    small_paragraph_gap: float = 0.12
    #: points of x difference still counted as the same indentation
    indent_tolerance: float = 3.0
    #: points above the body size from which a line counts as heading-sized
    heading_size_delta: float = 1.0
    #: longer blocks are never headings
    max_heading_words: int = 20
    #: points of difference allowed between the column widths of a table on
    #: page N and its continuation on page N+1
    table_x_tolerance: float = 6.0
    #: look for tables without rulings (pages without ruled tables only)
    borderless_tables: bool = True
    #: rows of 2+ aligned word groups needed for a borderless table
    borderless_min_rows: int = 3

    def __post_init__(self) -> None:
        for name in ("header_band", "footer_band"):
            v = getattr(self, name)
            if not 0.0 <= v < 0.5:
                raise ValueError(f"PdfSettings.{name} must be in [0, 0.5), got {v!r}")
        if not 0.0 < self.repeat_fraction <= 1.0:
            raise ValueError(
                f"PdfSettings.repeat_fraction must be in (0, 1], got {self.repeat_fraction!r}"
            )
        for name in ("repeat_min_pages", "max_heading_words", "borderless_min_rows"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"PdfSettings.{name} must be an integer >= 1, got {v!r}")
        for name in (
            "line_tolerance",
            "word_gap",
            "column_gap",
            "paragraph_gap",
            "small_paragraph_gap",
            "indent_tolerance",
            "heading_size_delta",
            "table_x_tolerance",
        ):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0:
                raise ValueError(f"PdfSettings.{name} must be a number > 0, got {v!r}")
        if self.small_paragraph_gap > self.paragraph_gap:
            raise ValueError("PdfSettings.small_paragraph_gap must not exceed paragraph_gap")
        if self.column_gap <= self.word_gap:
            raise ValueError("PdfSettings.column_gap must be larger than word_gap")
        if not isinstance(self.borderless_tables, bool):
            raise ValueError("PdfSettings.borderless_tables must be True or False")

    @classmethod
    def resolve(cls, settings: "PdfSettings | dict | None") -> "PdfSettings":
        """Accept None (defaults), a dict of overrides, or an instance."""
        if settings is None:
            return cls()
        if isinstance(settings, cls):
            return settings
        if isinstance(settings, dict):
            known = {f.name for f in fields(cls)}
            unknown = sorted(set(settings) - known)
            if unknown:
                raise ValueError(f"unknown PdfSettings: {', '.join(unknown)}")
            return cls(**settings)
        raise TypeError(f"PDF settings must be PdfSettings, dict or None, not {type(settings).__name__}")


# ---------------------------------------------------------------------------
# plain layout dataclasses (what a backend produces)


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False


@dataclass
class RuledTable:
    """A ruled table found by the backend: bbox and, per grid row, the bbox
    of each cell (None where a merged cell covers the slot)."""

    bbox: tuple[float, float, float, float]
    rows: list[list[tuple[float, float, float, float] | None]]


@dataclass
class PageContent:
    number: int  # 1-based
    width: float
    height: float
    words: list[Word]
    tables: list[RuledTable] = field(default_factory=list)


class Line:
    """Words on one text line of one region (body or table cell)."""

    __slots__ = ("words", "page", "text", "x0", "x1", "top", "bottom", "base", "size", "bold", "right", "left")

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
            self.bold = bold_chars >= 0.9 * chars
            #: bottom of the line's main text: steadier than top/bottom when a
            #: line holds a glyph from another font (bullets, symbols)
            self.base = bases.most_common(1)[0][0]
        else:
            self.size = round(max(w.size for w in words), 1)
            self.bold = all(w.bold for w in words)
            self.base = self.bottom
        #: right edge of the text block the line belongs to (set by its region)
        self.right = self.x1
        #: x of the region's left edge; x0 - left compares lines across pages
        self.left = 0.0

    @property
    def rx0(self) -> float:
        return self.x0 - self.left

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Line(p{self.page} {self.x0:.0f}-{self.x1:.0f} @{self.top:.0f} {self.size}{' b' if self.bold else ''} {self.text!r})"


# ---------------------------------------------------------------------------
# the public entry point


def read_pdf(path: str | Path, settings: PdfSettings | dict | None = None) -> Document:
    """Read one PDF report. Raises ReadError for encrypted, corrupt or
    text-less (scanned) files; FileNotFoundError when the path does not exist."""
    st = PdfSettings.resolve(settings)
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ReadError(f"not a readable PDF: {exc.strerror or exc}") from exc
    sha = hashlib.sha256(data).hexdigest()
    pages = _pdfplumber_pages(data, st)
    if not any(p.words for p in pages):
        raise ReadError("no text layer (scanned PDF?); OCR it first")
    blocks = layout_pages(pages, st)
    return Document(Origin(str(path), "pdf", sha, pages=len(pages)), blocks)


# ---------------------------------------------------------------------------
# backend: pdfplumber (the only place that imports it)

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demibold|demi\b|[,-]b$|\bbd\b", re.I)


def _pdfplumber_pages(data: bytes, st: PdfSettings) -> list[PageContent]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    def is_password(exc: BaseException) -> bool:
        seen = 0
        while exc is not None and seen < 5:
            if isinstance(exc, (PDFPasswordIncorrect, PDFEncryptionError)):
                return True
            inner = [a for a in getattr(exc, "args", ()) if isinstance(a, BaseException)]
            exc = inner[0] if inner else exc.__cause__
            seen += 1
        return False

    def reason(exc: BaseException) -> str:
        inner = [a for a in getattr(exc, "args", ()) if isinstance(a, BaseException)]
        if inner:
            exc = inner[0]
        text = str(exc).strip() or type(exc).__name__
        return text.splitlines()[0][:120]

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many kinds
        if is_password(exc):
            raise ReadError("encrypted PDF (password protected)") from exc
        raise ReadError(f"not a readable PDF: {reason(exc)}") from exc

    pages: list[PageContent] = []
    try:
        with pdf:
            n = len(pdf.pages)
            if n == 0:
                raise ReadError("not a readable PDF: no pages")
            for i in range(n):
                page = pdf.pages[i]
                chars = [
                    (
                        c["text"],
                        c["x0"],
                        c["x1"],
                        c["top"],
                        c["bottom"],
                        c["size"],
                        bool(_BOLD_FONT.search(c.get("fontname") or "")),
                    )
                    for c in page.chars
                    if c.get("upright", True) and not c["text"].startswith("(cid:")
                ]
                words = words_from_chars(chars, st)
                tables: list[RuledTable] = []
                if words:
                    for t in page.find_tables(
                        {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
                    ):
                        rows = [list(r.cells) for r in t.rows]
                        tables.append(RuledTable(tuple(t.bbox), rows))
                pages.append(PageContent(i + 1, float(page.width), float(page.height), words, tables))
                page.close()
    except ReadError:
        raise
    except Exception as exc:
        if is_password(exc):
            raise ReadError("encrypted PDF (password protected)") from exc
        raise ReadError(f"not a readable PDF: {reason(exc)}") from exc
    return pages


# ---------------------------------------------------------------------------
# layout: characters -> words (backend independent)


def words_from_chars(
    chars: Iterable[tuple[str, float, float, float, float, float, bool]], st: PdfSettings
) -> list[Word]:
    """Group glyphs (text, x0, x1, top, bottom, size, bold) into words.

    Glyphs are clustered into rows by vertical centre, then split into words
    at whitespace glyphs and at gaps wider than ``word_gap`` × size. Exact
    duplicates drawn on top of each other (fake bold) are dropped.
    """
    items = sorted(chars, key=lambda c: (c[3] + c[4]) / 2)
    rows: list[list[tuple]] = []
    row: list[tuple] = []
    r_top = r_bottom = 0.0
    for c in items:
        cy = (c[3] + c[4]) / 2
        if row:
            mid = (r_top + r_bottom) / 2
            if abs(cy - mid) <= st.line_tolerance * max(c[5], r_bottom - r_top) or (
                c[3] <= mid <= c[4] and r_top <= cy <= r_bottom
            ):
                row.append(c)
                continue
            rows.append(row)
        row = [c]
        r_top, r_bottom = c[3], c[4]
    if row:
        rows.append(row)

    words: list[Word] = []
    for row in rows:
        row.sort(key=lambda c: c[1])
        cur: list[tuple] = []
        prev = None
        for c in row:
            text = c[0]
            if not text or text.isspace():
                if cur:
                    words.append(_make_word(cur))
                cur, prev = [], None
                continue
            if prev is not None:
                if text == prev[0] and abs(c[1] - prev[1]) < 0.5 * max(c[2] - c[1], 0.5):
                    continue  # duplicate glyph (fake bold / shadow)
                if c[1] - prev[2] > st.word_gap * max(c[5], prev[5]):
                    words.append(_make_word(cur))
                    cur = []
            cur.append(c)
            prev = c
        if cur:
            words.append(_make_word(cur))
    return words


def _make_word(cs: list[tuple]) -> Word:
    text = "".join(c[0] for c in cs)
    sizes = Counter(round(c[5], 1) for c in cs)
    bold = sum(1 for c in cs if c[6]) * 2 > len(cs)
    return Word(
        text,
        min(c[1] for c in cs),
        max(c[2] for c in cs),
        min(c[3] for c in cs),
        max(c[4] for c in cs),
        sizes.most_common(1)[0][0],
        bold,
    )


def group_lines(words: list[Word], page: int = 1) -> list[Line]:
    """Cluster words of one region into lines (top to bottom, left to right).

    A word joins the current line when its vertical centre lies within the
    line's box or the line's centre within the word's box (so superscripts and
    mixed sizes stay on their line).
    """
    if not words:
        return []
    ws = sorted(words, key=lambda w: (w.top + w.bottom) / 2)
    groups: list[list[Word]] = []
    cur: list[Word] = []
    top = bottom = 0.0
    for w in ws:
        cy = (w.top + w.bottom) / 2
        mid = (top + bottom) / 2
        if cur and (top <= cy <= bottom or w.top <= mid <= w.bottom):
            cur.append(w)
            continue
        if cur:
            groups.append(cur)
        cur = [w]
        top, bottom = w.top, w.bottom
    groups.append(cur)
    lines = []
    for g in groups:
        g.sort(key=lambda w: w.x0)
        lines.append(Line(g, page))
    lines.sort(key=lambda l: (l.top, l.x0))
    return lines


# ---------------------------------------------------------------------------
# layout: regions


class _CellLines:
    """The lines of one table cell (possibly from several pages)."""

    __slots__ = ("lines", "x0", "x1")

    def __init__(self, lines: list[Line], x0: float, x1: float):
        self.lines = lines
        self.x0 = x0
        self.x1 = x1


class _Grid:
    """A table before its cells become paragraphs."""

    def __init__(self, page: int, top: float, bottom: float, x0: float, x1: float,
                 cols: list[float], rows: list[list[_CellLines]], ruled: bool = True):
        self.page = page
        self.top = top
        self.bottom = bottom
        self.x0 = x0
        self.x1 = x1
        self.cols = cols  # column boundaries, len = n_cols + 1
        self.rows = rows
        self.ruled = ruled
        self.last_page = page

    @property
    def n_cols(self) -> int:
        return len(self.cols) - 1

    def widths(self) -> list[float]:
        return [b - a for a, b in zip(self.cols, self.cols[1:])]

    def text(self) -> str:
        return " ".join(l.text for row in self.rows for c in row for l in c.lines)


def _split_tables(page: PageContent) -> tuple[list[Word], list[_Grid]]:
    """Assign words to ruled-table cells; return body words and grids."""
    if not page.tables:
        return page.words, []
    tables = []
    for t in page.tables:
        cells = [c for r in t.rows for c in r if c is not None]
        if len(cells) < 2:
            continue  # a framed box, not a table: read as body
        tops = [min((c[1] for c in r if c is not None), default=t.bbox[1]) for r in t.rows]
        tables.append((t, tops, [[[] for _ in r] for r in t.rows]))
    if not tables:
        return page.words, []
    body: list[Word] = []
    for w in page.words:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        for t, tops, buckets in tables:
            x0, y0, x1, y1 = t.bbox
            if not (x0 <= cx <= x1 and y0 <= cy <= y1):
                continue
            ri = max(bisect_right(tops, cy) - 1, 0)
            slot = None
            for ci, c in enumerate(t.rows[ri]):
                if c is not None and c[0] <= cx <= c[2] and c[1] <= cy <= c[3]:
                    slot = (ri, ci)
                    break
            if slot is None:  # covered by a merged cell from an earlier row, or on a rule
                best = None
                for rj, r in enumerate(t.rows):
                    for cj, c in enumerate(r):
                        if c is None:
                            continue
                        dx = max(c[0] - cx, 0, cx - c[2])
                        dy = max(c[1] - cy, 0, cy - c[3])
                        d = dx + dy
                        if best is None or d < best[0]:
                            best = (d, rj, cj)
                slot = best[1:] if best else None
            if slot is not None:
                buckets[slot[0]][slot[1]].append(w)
                break
        else:
            body.append(w)
    grids = []
    for t, _tops, buckets in tables:
        if not any(b for r in buckets for b in r):
            continue  # rulings without text (a drawing, a frame)
        xs = sorted({c[0] for r in t.rows for c in r if c is not None})
        cols = xs + [t.bbox[2]]
        rows = []
        for r, br in zip(t.rows, buckets):
            row = []
            for ci, (c, ws) in enumerate(zip(r, br)):
                cx0 = c[0] if c is not None else cols[ci]
                cx1 = c[2] if c is not None else cols[ci + 1]
                lines = group_lines(ws, page.number)
                _set_region(lines, cx0, cx1)
                row.append(_CellLines(lines, cx0, cx1))
            rows.append(row)
        grids.append(_Grid(page.number, t.bbox[1], t.bbox[3], t.bbox[0], t.bbox[2], cols, rows))
    return body, grids


def _set_region(lines: list[Line], x0: float, x1: float) -> None:
    """Right edge for a cell: the cell's right minus the same padding as on its left."""
    if not lines:
        return
    min_x0 = min(l.x0 for l in lines)
    right = max(max(l.x1 for l in lines), x1 - max(min_x0 - x0, 0.0))
    for l in lines:
        l.right = right
        l.left = x0


# ---------------------------------------------------------------------------
# layout: running headers and footers

_PAGE_NO = re.compile(
    r"^(?:(?:sida|sid\.?|s\.|page|p\.)\s*)?[-–—]?\s*#\s*[-–—]?\s*"
    r"(?:\(\s*#\s*\)|(?:av|of|/)\s*#)?$"
)


def _norm_key(text: str) -> str:
    text = clean_text(text).lower()
    text = re.sub(r"\d+", "#", text)
    return re.sub(r"\s+", " ", text).strip()


def is_page_number(text: str) -> bool:
    """'3', '3 (34)', 'Sida 3 av 34', 'Page 3 of 34', '- 3 -', '3/34'."""
    return bool(_PAGE_NO.match(_norm_key(text)))


def drop_running_lines(
    pages: list[tuple[PageContent, list[Line], list[_Grid]]], st: PdfSettings
) -> None:
    """Remove running headers/footers (in place) from body lines and tables."""
    n_pages = len(pages)
    need = max(st.repeat_min_pages, math.ceil(st.repeat_fraction * n_pages))
    seen: dict[str, set[int]] = defaultdict(set)
    cands: list[tuple[int, object, str]] = []
    for pi, (page, lines, grids) in enumerate(pages):
        top_lim = page.height * st.header_band
        bot_lim = page.height * (1.0 - st.footer_band)
        for line in lines:
            if line.bottom <= top_lim or line.top >= bot_lim:
                key = _norm_key(line.text)
                cands.append((pi, line, key))
                seen[key].add(pi)
        for g in grids:
            if g.bottom <= top_lim or g.top >= bot_lim:
                key = _norm_key(g.text())
                cands.append((pi, g, key))
                seen[key].add(pi)
    # page numbers: the printed number minus the page's index is the same on
    # most pages (a cover page may shift it); a bare "45" that happens to sit
    # in the band of one page does not share that offset
    offsets: Counter = Counter()
    numbered = {}
    for pi, obj, key in cands:
        if isinstance(obj, Line) and _PAGE_NO.match(key):
            m = re.search(r"\d+", obj.text)
            if m:
                numbered[id(obj)] = int(m.group(0)) - pages[pi][0].number
                offsets[numbered[id(obj)]] += 1
    top_offset = offsets.most_common(1)[0][1] if offsets else 0
    good_offsets = {o for o, c in offsets.items() if c == top_offset or c >= 2}
    drop: dict[int, set[int]] = defaultdict(set)
    for pi, obj, key in cands:
        if id(obj) in numbered:
            if numbered[id(obj)] in good_offsets:
                drop[pi].add(id(obj))
        elif len(seen[key]) >= need:
            drop[pi].add(id(obj))
    for pi, ids in drop.items():
        page, lines, grids = pages[pi]
        lines[:] = [l for l in lines if id(l) not in ids]
        grids[:] = [g for g in grids if id(g) not in ids]


# ---------------------------------------------------------------------------
# layout: lists, joining, dehyphenation

_SURE_BULLETS = set("•·▪▫◦●○■□►▸▹‣⁃➢➤➔→✓✔✗❖◆◇♦∙⦁⚫")
_AMBIG_BULLETS = {"-", "–", "—", "−", "o", "*"}
_NUMBER_MARK = re.compile(r"^(?:\d{1,2}|[a-zA-Z]|[ivxIVX]{1,5})[.)]$|^\((?:\d{1,2}|[a-zA-Z])\)$")
_CONJUNCTIONS = {
    "och", "eller", "samt", "respektive", "resp", "som", "till", "men", "utan",
    "liksom", "såväl", "än", "and", "or", "nor", "to",
}
_SENTENCE_END = (".", "!", "?", ":", ";")
#: words that do not end a sentence (Swedish and English function words)
_CONTINUES = {
    "och", "eller", "samt", "i", "av", "för", "med", "att", "till", "på", "om", "som",
    "en", "ett", "den", "det", "de", "är", "har", "inom", "från", "vid", "under",
    "mellan", "enligt", "genom", "hos", "mot", "efter", "utan", "men", "både", "än",
    "dess", "sin", "sitt", "sina", "vår", "våra", "deras", "kan", "ska", "bör",
    "the", "a", "an", "of", "and", "or", "to", "in", "for", "with", "by", "on",
}


def _is_pua(ch: str) -> bool:
    return 0xE000 <= ord(ch) <= 0xF8FF


def _is_sure_bullet(ch: str) -> bool:
    return ch in _SURE_BULLETS or _is_pua(ch)


class _Marker:
    __slots__ = ("glyph", "ambiguous", "tab", "text_x0", "rest")

    def __init__(self, glyph: str, ambiguous: bool, tab: bool, text_x0: float, rest: list[Word]):
        self.glyph = glyph
        self.ambiguous = ambiguous
        self.tab = tab
        self.text_x0 = text_x0
        self.rest = rest


def find_marker(line: Line, allow_numbers: bool = True) -> _Marker | None:
    """The list marker at the start of a line, if any."""
    words = line.words
    first = words[0].text
    if len(words) >= 2:
        nxt = words[1]
        gap = nxt.x0 - words[0].x1
        tab = gap > 0.55 * line.size  # wider than ~2 spaces: a tab stop
        if len(first) == 1 and _is_sure_bullet(first):
            return _Marker(first, False, tab, nxt.x0, words[1:])
        if first in _AMBIG_BULLETS:
            return _Marker(first, True, tab, nxt.x0, words[1:])
        if allow_numbers and _NUMBER_MARK.match(first):
            return _Marker(first, True, tab, nxt.x0, words[1:])
    if len(first) >= 2 and _is_sure_bullet(first[0]) and not first[1].isspace():
        # bullet glued to the text ("•Text")
        w0 = words[0]
        rest_word = Word(first[1:], w0.x0, w0.x1, w0.top, w0.bottom, w0.size, w0.bold)
        return _Marker(first[0], False, False, w0.x0, [rest_word] + words[1:])
    return None


def _starts_sentence(text: str) -> bool:
    t = text.lstrip("\"'“”‘’«»([")
    return bool(t) and (t[0].isupper() or t[0].isdigit())


_WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


def build_vocabulary(texts: Iterable[str]) -> set[str]:
    vocab: set[str] = set()
    for t in texts:
        for w in _WORD_RE.findall(t):
            vocab.add(w.lower())
    return vocab


def join_lines(a: str, b: str, vocab: set[str] | None = None) -> str:
    """Join two wrapped lines of one paragraph.

    A line ending in a hyphen right after a letter or digit was split at that
    hyphen: "ledar-" + "och ..." keeps "ledar- och" (a suspended compound);
    "kompetens-" + "försörjning" becomes "kompetensförsörjning" when the
    hyphen looks like a soft one (see ``_dehyphenate``); otherwise the hyphen
    stays and the halves are joined without a space ("IT-" + "system").
    """
    if not a:
        return b
    if not b:
        return a
    if a.endswith("\u00ad"):
        return a[:-1] + b
    if a[-1] in "-\u2010" and len(a) >= 2 and a[-2].isalnum() and b[0].isalnum():
        nxt_m = re.match(r"[^\W\d_]+", b)
        nxt = nxt_m.group(0) if nxt_m else ""
        if nxt.lower() in _CONJUNCTIONS and (len(b) == len(nxt) or not b[len(nxt)].isalnum()):
            return a + " " + b
        frag_m = re.search(r"([^\W\d_]+)[-\u2010]$", a)
        if frag_m and nxt and b[0].islower() and _dehyphenate(frag_m.group(1), nxt, a, vocab):
            return a[:-1] + b
        return a + b
    return a + " " + b


def _dehyphenate(frag: str, nxt: str, before: str, vocab: set[str] | None) -> bool:
    """Is the hyphen between ``frag`` and ``nxt`` a soft (line-break) one?

    The document is the dictionary: the joined word written elsewhere says
    yes, the hyphenated spelling written elsewhere says no. Without evidence,
    yes for a plain lower-case fragment of 2+ letters (not "e-", "IT-",
    "2021-")."""
    # the fragment must be the whole token before the hyphen (not "IT-", "e-", "2021-")
    tok = before.rsplit(" ", 1)[-1][:-1]
    if tok != frag and not tok.endswith(frag):
        return False
    if re.search(r"[\d]", tok):
        return False
    if len(frag) < 2 or sum(ch.isupper() for ch in frag) > 1:
        return False
    if vocab:
        joined = (frag + nxt).lower()
        hyph = f"{frag}-{nxt}".lower()
        if joined in vocab:
            return True
        if hyph in vocab:
            return False
    return True


# ---------------------------------------------------------------------------
# layout: paragraphs


class _Draft:
    __slots__ = ("lines", "marker", "text_x0", "text")

    def __init__(self, line: Line, marker: _Marker | None):
        self.lines = [line]
        self.marker = marker
        if marker is not None:
            self.text_x0 = marker.text_x0 - line.left
            self.text = " ".join(w.text for w in marker.rest)
        else:
            self.text_x0 = line.rx0
            self.text = line.text

    @property
    def first(self) -> Line:
        return self.lines[0]


class _Ctx:
    """Document statistics the paragraph builder needs."""

    def __init__(self, st: PdfSettings, body_size: float, pitches: dict, texts: list[str]):
        self.st = st
        self.body_size = body_size
        self.pitches = pitches  # (family, size) -> pitch
        #: every word, lower-cased (dehyphenation evidence)
        self.vocab = build_vocabulary(texts)
        #: words the document writes in lower case somewhere
        self.lower_words = {w for t in texts for w in _WORD_RE.findall(t) if w.islower()}

    def pitch(self, family: str, size: float) -> float:
        key = round(size * 2) / 2
        p = self.pitches.get((family, key))
        if p is None:
            p = self.pitches.get(("body", key))
        return p if p is not None else 1.2 * size


def _x_ok(draft: _Draft, line: Line, tol: float) -> bool:
    x = line.rx0
    if len(draft.lines) == 1:
        first = draft.first
        if draft.marker is not None:
            return abs(x - draft.text_x0) <= tol or abs(x - first.rx0) <= tol
        return x <= first.rx0 + tol  # same indent, or first-line indent
    return abs(x - draft.lines[1].rx0) <= tol


def _breaks(draft: _Draft, line: Line, ctx: _Ctx, family: str) -> bool:
    """Does ``line`` start a new paragraph after ``draft``? (markers aside)"""
    prev = draft.lines[-1]
    st = ctx.st
    if abs(line.size - prev.size) > 0.6 or line.bold != prev.bold:
        return True
    sentence = _starts_sentence(line.text) or prev.text.rstrip().endswith(_SENTENCE_END)
    if line.page == prev.page:
        delta = line.base - prev.base
        if delta < 0.5 * prev.size:
            return True  # beside or above: another column
        extra = delta - ctx.pitch(family, prev.size)
        if extra > st.paragraph_gap * prev.size:
            return True
        if extra > st.small_paragraph_gap * prev.size and sentence:
            return True  # a small gap counts where a sentence starts or ends
    elif line.page != prev.page + 1:
        return True
    if not _x_ok(draft, line, st.indent_tolerance):
        return True
    if line.page != prev.page and _starts_sentence(line.text):
        # No gap to measure across a page break. A sentence end followed by a
        # capital is taken as a new paragraph (splitting a paragraph at a
        # sentence costs less than gluing two findings together); so is a
        # capitalised ordinary word (one the document also writes in lower
        # case) after a line that did not end a sentence, unless that line
        # ends in a word that cannot end one ("och", "i", ...).
        if prev.text.rstrip().endswith(_SENTENCE_END):
            return True
        w = _WORD_RE.match(line.text.lstrip("\"'“”‘’«»(["))
        last = prev.text.rsplit(" ", 1)[-1].lower()
        if w and w.group(0)[0].isupper() and w.group(0).lower() in ctx.lower_words and last not in _CONTINUES:
            return True
    first = line.words[0]
    room = prev.right - prev.x1 - 1.0
    need = 0.25 * prev.size + (first.x1 - first.x0)
    if room >= need and sentence:
        return True
    return False


def build_paragraphs(lines: list[Line], ctx: _Ctx, family: str = "body") -> list[_Draft]:
    """Group lines (in reading order) into paragraph drafts."""
    drafts: list[_Draft] = []
    cur: _Draft | None = None
    number_limit = ctx.body_size + ctx.st.heading_size_delta
    for line in lines:
        mk = find_marker(line, allow_numbers=line.size < number_limit and not line.bold)
        if cur is None:
            cur = _Draft(line, mk)
            drafts.append(cur)
            continue
        if mk is not None and mk.ambiguous:
            same_list = (
                cur.marker is not None
                and (cur.marker.glyph == mk.glyph or (_NUMBER_MARK.match(cur.marker.glyph) and _NUMBER_MARK.match(mk.glyph)))
                and abs(line.rx0 - cur.first.rx0) <= ctx.st.indent_tolerance
            )
            if not (mk.tab or same_list or _breaks(cur, line, ctx, family)):
                mk = None  # a dash or number that merely starts a wrapped line
        if mk is not None or _breaks(cur, line, ctx, family):
            cur = _Draft(line, mk)
            drafts.append(cur)
        else:
            cur.lines.append(line)
            cur.text = join_lines(cur.text, line.text, ctx.vocab)
    return drafts


# ---------------------------------------------------------------------------
# layout: borderless tables


def _segments(line: Line, st: PdfSettings) -> list[list[Word]]:
    segs = [[line.words[0]]]
    for a, b in zip(line.words, line.words[1:]):
        if b.x0 - a.x1 > st.column_gap * max(a.size, b.size):
            segs.append([b])
        else:
            segs[-1].append(b)
    return segs


def find_borderless_tables(lines: list[Line], ctx: _Ctx) -> tuple[list[Line], list[_Grid]]:
    """Find runs of lines whose word groups sit on the same x columns.

    Conservative: at least ``borderless_min_rows`` lines with 2+ groups each,
    every group aligned (left, right or centre) with a column; single lines
    inside the run are accepted only as wrapped continuations of a cell.
    Returns the remaining body lines and the tables.
    """
    st = ctx.st
    tol = max(st.indent_tolerance, 4.0)
    segs = [_segments(l, st) for l in lines]
    used = [False] * len(lines)
    grids: list[_Grid] = []
    i = 0
    n = len(lines)
    while i < n:
        if len(segs[i]) < 2 or find_marker(lines[i]) is not None:
            i += 1
            continue
        # columns: [x0, x1] per group of the first row
        cols = [[s[0].x0, s[-1].x1] for s in segs[i]]
        rows: list[list[list[Line]]] = []
        members: list[int] = []
        j = i
        prev_line = None
        while j < n:
            line = lines[j]
            if prev_line is not None:
                if line.page != prev_line.page:
                    break
                delta = line.base - prev_line.base
                if delta < 0.5 * prev_line.size or delta > 2.6 * ctx.pitch("body", prev_line.size):
                    break
            mapping = _map_to_columns(segs[j], cols, tol)
            if mapping is None:
                break
            if len(segs[j]) >= 2:
                rows.append([[] for _ in cols])
                for ci, seg in mapping:
                    rows[-1][ci].append(_seg_line(seg, line))
                    cols[ci][0] = min(cols[ci][0], seg[0].x0)
                    cols[ci][1] = max(cols[ci][1], seg[-1].x1)
            else:
                # one group: only a wrapped continuation of the cell above
                ci, seg = mapping[0]
                if not rows or not rows[-1][ci]:
                    break
                above = rows[-1][ci][-1]
                limit = cols[ci + 1][0] - st.column_gap * line.size if ci + 1 < len(cols) else above.right
                w0 = seg[0]
                if limit - above.x1 >= 0.25 * line.size + (w0.x1 - w0.x0):
                    break  # the word would have fitted above: not a wrap
                rows[-1][ci].append(_seg_line(seg, line))
            members.append(j)
            prev_line = line
            j += 1
        multi = sum(1 for m in members if len(segs[m]) >= 2)
        if multi >= st.borderless_min_rows and len(cols) >= 2:
            bounds = [c[0] for c in cols] + [cols[-1][1]]
            grid_rows = []
            for r in rows:
                row = []
                for ci, cl in enumerate(r):
                    x0 = cols[ci][0]
                    x1 = cols[ci + 1][0] if ci + 1 < len(cols) else cols[ci][1]
                    for l in cl:
                        l.left = x0
                        l.right = max(max(x.x1 for x in cl), x1 - st.column_gap * l.size)
                    row.append(_CellLines(cl, x0, x1))
                grid_rows.append(row)
            top = min(lines[m].top for m in members)
            bottom = max(lines[m].bottom for m in members)
            grids.append(_Grid(lines[i].page, top, bottom, bounds[0], bounds[-1], bounds, grid_rows, ruled=False))
            for m in members:
                used[m] = True
            i = j
        else:
            i += 1
    rest = [l for l, u in zip(lines, used) if not u]
    return rest, grids


def _seg_line(seg: list[Word], line: Line) -> Line:
    return Line(seg, line.page)


def _map_to_columns(segs: list[list[Word]], cols: list[list[float]], tol: float):
    """Map each word group to a distinct column (in order), or None."""
    out = []
    ci = 0
    for seg in segs:
        x0, x1 = seg[0].x0, seg[-1].x1
        found = None
        while ci < len(cols):
            c0, c1 = cols[ci]
            if abs(x0 - c0) <= tol or abs(x1 - c1) <= tol or abs((x0 + x1) / 2 - (c0 + c1) / 2) <= tol:
                found = ci
                break
            if x0 < c0:
                return None
            ci += 1
        if found is None:
            return None
        out.append((found, seg))
        ci = found + 1
    return out


# ---------------------------------------------------------------------------
# layout: table stitching across pages


def _row_texts(row: list[_CellLines]) -> list[str]:
    return [_norm_key(" ".join(l.text for l in c.lines)) for c in row]


def _same_columns(a: _Grid, b: _Grid, tol: float) -> bool:
    if a.n_cols != b.n_cols:
        return False
    return all(abs(x - y) <= tol for x, y in zip(a.widths(), b.widths()))


def _stitch(a: _Grid, b: _Grid, ctx: _Ctx, body_bottom: float) -> None:
    """Append continuation ``b`` (first on page N+1) to ``a`` (last on page N).

    * b's first row equal to a's first row (a repeated header row) is dropped.
    * A row split by the page break (Word lets rows break) is merged cell by
      cell when a reached the bottom of the text area, b's first row is not
      a bold header-like row, and either
      - some cell of b's first row continues a sentence: it starts in lower
        case and the paragraph rules join it to the cell's last line on page
        N (same indent, that line was full), or
      - some cell is empty in b's first row but not in a's last row (that
        column's text ended on page N while another column went on), and the
        cells that do go on start with a letter (a new row of numbers, such as
        a score table's total row, is not taken for a continuation).
      Merged cells go through the ordinary paragraph builder, which joins a
      paragraph cut by the page break. A split that falls between paragraphs
      in every column leaves no trace in the layout; it stays two rows.
    """
    rows = list(b.rows)
    if rows and a.rows and _row_texts(rows[0]) == _row_texts(a.rows[0]) and any(_row_texts(rows[0])):
        rows = rows[1:]
    if rows and a.rows:
        last, first = a.rows[-1], rows[0]
        reached = a.bottom >= body_bottom - 2.0 * ctx.pitch("cell", ctx.body_size) - 4.0
        header_like = all(all(l.bold for l in c.lines) for c in first if c.lines)
        cont = False
        if reached and not header_like and any(c.lines for c in first):
            going_on = [fc for fc in first if fc.lines]
            letters = all(re.match(r"[^\W\d_]", fc.lines[0].text) for fc in going_on)
            for lc, fc in zip(last, first):
                if lc.lines and not fc.lines and letters:
                    cont = True
                    break
                if lc.lines and fc.lines and fc.lines[0].text[:1].islower():
                    d = _Draft(lc.lines[-1], None)
                    if len(lc.lines) >= 2:
                        d = _Draft(lc.lines[-2], None)
                        d.lines.append(lc.lines[-1])
                    nl = fc.lines[0]
                    if find_marker(nl) is None and not _breaks(d, nl, ctx, "cell"):
                        cont = True
                        break
        if cont:
            for lc, fc in zip(last, first):
                lc.lines.extend(fc.lines)
            rows = rows[1:]
    a.rows.extend(rows)
    a.bottom = b.bottom
    a.last_page = b.last_page


# ---------------------------------------------------------------------------
# layout: the whole document


def layout_pages(pages: list[PageContent], settings: PdfSettings | dict | None = None) -> list[Block]:
    """Turn backend pages into blocks (headings, paragraphs, tables)."""
    st = PdfSettings.resolve(settings)

    # 1. regions
    per_page: list[tuple[PageContent, list[Line], list[_Grid]]] = []
    for page in pages:
        body_words, grids = _split_tables(page)
        lines = group_lines(body_words, page.number)
        per_page.append((page, lines, grids))

    # 2. running headers / footers
    drop_running_lines(per_page, st)

    # 3. statistics
    sizes: Counter = Counter()
    all_texts: list[str] = []
    pitch_counts: dict[tuple[str, float], Counter] = defaultdict(Counter)

    def count_pitch(family: str, ls: list[Line]) -> None:
        for a, b in zip(ls, ls[1:]):
            if a.page == b.page and abs(a.size - b.size) <= 0.5:
                d = b.base - a.base
                if 0.8 * a.size <= d <= 2.5 * a.size:
                    pitch_counts[(family, round(a.size * 2) / 2)][round(d * 4) / 4] += 1

    for page, lines, grids in per_page:
        for l in lines:
            sizes[l.size] += len(l.text)
            all_texts.append(l.text)
        count_pitch("body", lines)
        for g in grids:
            for row in g.rows:
                for c in row:
                    for l in c.lines:
                        sizes[l.size] += len(l.text)
                        all_texts.append(l.text)
                    count_pitch("cell", c.lines)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    pitches = {k: c.most_common(1)[0][0] for k, c in pitch_counts.items()}
    ctx = _Ctx(st, body_size, pitches, all_texts)

    # right edge and left margin of the body text block, per page
    page_rights = {}
    page_lefts = {}
    for page, lines, grids in per_page:
        if lines:
            page_rights[page.number] = max(l.x1 for l in lines)
            xs = Counter(round(l.x0) for l in lines if abs(l.size - body_size) <= 0.6)
            page_lefts[page.number] = xs.most_common(1)[0][0] if xs else min(l.x0 for l in lines)
    typical_right = median(page_rights.values()) if page_rights else 0.0
    typical_left = median(page_lefts.values()) if page_lefts else 0.0
    for page, lines, grids in per_page:
        if not lines:
            continue
        right = page_rights[page.number]
        if len(lines) < 8:
            right = max(right, typical_right)
        left = page_lefts.get(page.number, typical_left)
        if len(lines) < 4:
            left = typical_left
        for l in lines:
            l.right = right
            l.left = left

    # 4. borderless tables, on pages without ruled ones
    if st.borderless_tables:
        for k, (page, lines, grids) in enumerate(per_page):
            if not grids and len(lines) >= st.borderless_min_rows:
                rest, found = find_borderless_tables(lines, ctx)
                if found:
                    per_page[k] = (page, rest, found)

    # 5. reading order and table stitching
    body_bottom = 0.0
    for page, lines, grids in per_page:
        for l in lines:
            body_bottom = max(body_bottom, l.bottom)
        for g in grids:
            body_bottom = max(body_bottom, g.bottom)
    flow: list[Line | _Grid] = []
    for page, lines, grids in per_page:
        items: list[tuple[float, int, Line | _Grid]] = [(l.top, 1, l) for l in lines]
        items += [(g.top, 0, g) for g in grids]
        items.sort(key=lambda t: (t[0], t[1]))
        for _, _, obj in items:
            prev = flow[-1] if flow else None
            if (
                isinstance(obj, _Grid)
                and isinstance(prev, _Grid)
                and obj.page == prev.last_page + 1
                and _same_columns(prev, obj, st.table_x_tolerance)
            ):
                _stitch(prev, obj, ctx, body_bottom)
                continue
            flow.append(obj)

    # 6. paragraphs, headings, tables
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
                if first.size >= body_size + st.heading_size_delta:
                    heading = True
                elif first.bold and first.size >= body_size - 0.6 and nwords <= 12 and not text.endswith("."):
                    heading = True
            if heading:
                heading_drafts.append((len(blocks), first.size, first.bold))
                blocks.append(Heading(text, 1, first.page))
            else:
                blocks.append(Paragraph(text, first.page, _marker_text(d.marker)))
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
    _assign_levels(blocks, heading_drafts, body_size)
    return blocks


def _marker_text(m: _Marker | None) -> str | None:
    if m is None:
        return None
    return clean_text(m.glyph) or m.glyph


def _grid_to_table(g: _Grid, ctx: _Ctx) -> Table:
    rows = []
    for r in g.rows:
        cells = []
        for c in r:
            paras = []
            for d in build_paragraphs(c.lines, ctx, "cell"):
                text = clean_text(d.text)
                if text:
                    paras.append(Paragraph(text, d.first.page, _marker_text(d.marker)))
            cells.append(Cell(paras))
        if any(c.paragraphs for c in cells):
            rows.append(cells)
    return Table(rows, g.page)


def _assign_levels(blocks: list[Block], heads: list[tuple[int, float, bool]], body_size: float) -> None:
    if not heads:
        return
    key = lambda size: round(size * 2) / 2  # noqa: E731
    freq = Counter(key(s) for _, s, _ in heads)
    frequent = sorted((k for k, c in freq.items() if c >= 2), reverse=True)
    for idx, size, _bold in heads:
        k = key(size)
        level = 1 + sum(1 for f in frequent if f > k + 0.25)
        blocks[idx].level = min(level, 6)


# ---------------------------------------------------------------------------
# debugging: python -m pipeline.readers.pdf FILE.pdf


def _dump(doc: Document, out=sys.stdout) -> None:
    for b in doc.blocks:
        if isinstance(b, Heading):
            print(f"[p{b.page}] H{b.level}: {b.text}", file=out)
        elif isinstance(b, Paragraph):
            m = f"({b.list_marker}) " if b.list_marker else ""
            print(f"[p{b.page}] P: {m}{b.text}", file=out)
        else:
            print(f"[p{b.page}] TABLE {len(b.rows)}x{b.n_cols}", file=out)
            for ri, row in enumerate(b.rows):
                for ci, cell in enumerate(row):
                    for p in cell.paragraphs:
                        m = f"({p.list_marker}) " if p.list_marker else ""
                        print(f"    r{ri}c{ci} [p{p.page}] {m}{p.text}", file=out)


if __name__ == "__main__":  # pragma: no cover
    import time

    for arg in sys.argv[1:]:
        t0 = time.perf_counter()
        d = read_pdf(arg)
        dt = time.perf_counter() - t0
        _dump(d)
        print(f"# {arg}: {d.origin.pages} pages, {len(d.blocks)} blocks, {dt:.2f} s", file=sys.stderr)
