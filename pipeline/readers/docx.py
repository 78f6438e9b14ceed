"""Read a Word (.docx) report with python-docx.

The body is walked in order (paragraphs and tables interleaved). Page headers
and footers live outside the body in Word, so they never become blocks: their
text is the document's furniture. Bullets
are list formatting (``w:numPr`` on the paragraph or its style), not characters;
the marker recorded is the glyph of the numbering level where the numbering
part gives it. Headings come from heading styles (English or Swedish names,
outline levels) and, for documents formatted by hand, from short paragraphs set
wholly in bold.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

from ..document import Cell, Document, Heading, Origin, Paragraph, ReadError, Table, clean_text, typed_list_marker

HEADING_STYLE = re.compile(r"^(heading|rubrik)\s*(\d)$", re.IGNORECASE)
TITLE_STYLE = re.compile(r"^(title|rubrik|titel)$", re.IGNORECASE)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


#: styles a style may inherit through (Word's own chains are a few deep)
MAX_STYLE_DEPTH = 32


def _style_chain(style):
    """A style and those it is based on, each once: a crafted file's styles
    may be based on each other in a cycle, which would never end."""
    seen: set[str] = set()
    while style is not None and style.style_id not in seen and len(seen) < MAX_STYLE_DEPTH:
        seen.add(style.style_id)
        yield style
        style = style.base_style


class _Styles:
    """Styles by id, looked up once: python-docx's ``paragraph.style`` scans
    styles.xml on every call, which made reading a report take a second."""

    def __init__(self, doc):
        from docx.enum.style import WD_STYLE_TYPE

        styles = list(doc.styles)
        self.paragraph = {s.style_id: s for s in styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
        self.character = {s.style_id: s for s in styles if s.type == WD_STYLE_TYPE.CHARACTER}
        self.default = doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)

    def of(self, p):
        sid = p._p.style
        return self.paragraph.get(sid, self.default) if sid else self.default

    def of_run(self, r):
        sid = r._r.style
        return self.character.get(sid) if sid else None


def _heading_level(p, style) -> int | None:
    for style in _style_chain(style):
        name = style.name or ""
        m = HEADING_STYLE.match(name.strip())
        if m:
            return int(m.group(2))
        if TITLE_STYLE.match(name.strip()):
            return 1
    ppr = p._p.pPr
    if ppr is not None:
        lvl = ppr.find(f"{W}outlineLvl")
        if lvl is not None and lvl.get(f"{W}val", "9").isdigit() and int(lvl.get(f"{W}val")) < 9:
            return int(lvl.get(f"{W}val")) + 1
    return None


def _num_pr(p, style):
    ppr = p._p.pPr
    if ppr is not None and ppr.numPr is not None:
        return ppr.numPr
    for style in _style_chain(style):
        sppr = style.element.pPr
        if sppr is not None and sppr.numPr is not None:
            return sppr.numPr
    return None


class _Numbering:
    """Looks up the glyph or format of a list level in numbering.xml."""

    def __init__(self, doc):
        try:
            self.root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            self.root = None
        self.counters: dict[tuple[str, str], int] = {}

    def marker(self, num_pr) -> str:
        num_id = num_pr.numId.val if num_pr.numId is not None else None
        ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else 0
        if num_id in (None, 0):  # numId 0 switches numbering off
            return ""
        fmt, text = "bullet", "•"
        if self.root is not None:
            num = self.root.find(f"{W}num[@{W}numId='{num_id}']")
            abstract_id = None
            if num is not None:
                a = num.find(f"{W}abstractNumId")
                abstract_id = a.get(f"{W}val") if a is not None else None
            absn = self.root.find(f"{W}abstractNum[@{W}abstractNumId='{abstract_id}']")
            lvl = absn.find(f"{W}lvl[@{W}ilvl='{ilvl}']") if absn is not None else None
            if lvl is not None:
                f = lvl.find(f"{W}numFmt")
                t = lvl.find(f"{W}lvlText")
                fmt = f.get(f"{W}val") if f is not None else fmt
                text = t.get(f"{W}val") if t is not None else text
        if fmt == "bullet":
            return text or "•"
        key = (str(num_id), str(ilvl))
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"{self.counters[key]}."


def _all_bold(p, style, styles: "_Styles") -> bool:
    runs = [r for r in p.runs if r.text.strip()]
    if not runs:
        return False
    for r in runs:
        bold = r.bold
        if bold is None:
            bold = any(s.font.bold for s in _style_chain(styles.of_run(r))) or any(
                s.font.bold for s in _style_chain(style)
            )
        if not bold:
            return False
    return True


def _paragraph_block(p, numbering: _Numbering, styles: _Styles, in_table: bool):
    text = clean_text(p.text)
    if not text:
        return None
    style = styles.of(p)
    level = _heading_level(p, style)
    num_pr = _num_pr(p, style)
    marker = numbering.marker(num_pr) if num_pr is not None else None
    if marker == "":
        marker = None
    if marker is None:
        # a bullet typed into the text ("• Text", "- Text"): a list item, as Word's numbering gives one
        marker, text = typed_list_marker(text)
    if level is not None and marker is None and not in_table:
        return Heading(text, level=level)
    if (
        marker is None
        and not in_table
        and _all_bold(p, style, styles)
        and len(text.split()) <= 12
        and not text.endswith((".", ",", ";"))
    ):
        return Heading(text, level=3)
    return Paragraph(text, list_marker=marker)


def _cell_paragraphs(cell, numbering: _Numbering, styles: _Styles) -> list[Paragraph]:
    out: list[Paragraph] = []
    for item in cell.iter_inner_content():
        if hasattr(item, "rows"):  # nested table: keep its text, cell by cell
            for row in item.rows:
                for c in row.cells:
                    out.extend(_cell_paragraphs(c, numbering, styles))
            continue
        b = _paragraph_block(item, numbering, styles, in_table=True)
        if b is not None:
            out.append(Paragraph(b.text, list_marker=getattr(b, "list_marker", None)))
    return out


def _table_block(table, numbering: _Numbering, styles: _Styles) -> Table:
    from docx.table import _Cell

    rows: list[list[Cell]] = []
    for tr in table._tbl.tr_lst:
        row: list[Cell] = []
        for tc in tr.tc_lst:  # one entry per real cell, so merged cells are not repeated
            if tc.vMerge == "continue":
                row.append(Cell([]))
                continue
            row.append(Cell(_cell_paragraphs(_Cell(tc, table), numbering, styles)))
        rows.append(row)
    return Table(rows=rows)


#: A report's Word package unpacks to a few MB (its XML, styles and images);
#: one whose parts declare more than this is refused before any is read (a
#: crafted package inflating to a gigabyte ran for 25 minutes at 2.8 GB).
MAX_UNPACKED_MB = 300


def _check_unpacked_size(path: Path) -> None:
    """Refuse a package whose parts declare too much, from the zip directory
    alone (zipfile stops a part at its declared size, so the sum holds)."""
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(f"not a readable Word file ({exc})") from None
    if total > MAX_UNPACKED_MB * 1024 * 1024:
        raise ReadError(f"Word package unpacks to {total / 1024 / 1024:.0f} MB, over the {MAX_UNPACKED_MB} MB "
                        "limit (a damaged or crafted file?)")


def read_docx(path: str | Path) -> Document:
    path = Path(path)
    data = path.read_bytes()
    if not data:
        raise ReadError("empty file")
    if not zipfile.is_zipfile(path):
        raise ReadError("not a Word .docx file (not a zip package; truncated or another format?)")
    _check_unpacked_size(path)
    try:
        import docx  # python-docx

        doc = docx.Document(str(path))
    except Exception as exc:  # zip/xml damage surfaces as many exception types
        raise ReadError(f"not a readable Word file ({type(exc).__name__}: {exc})") from None
    blocks: list = []
    try:
        numbering = _Numbering(doc)
        styles = _Styles(doc)
        for item in doc.iter_inner_content():
            if hasattr(item, "rows"):
                t = _table_block(item, numbering, styles)
                if t.rows:
                    blocks.append(t)
            else:
                b = _paragraph_block(item, numbering, styles, in_table=False)
                if b is not None:
                    blocks.append(b)
        furniture = _furniture(doc)
    except Exception as exc:
        raise ReadError(f"damaged Word document ({type(exc).__name__}: {exc})") from None
    origin = Origin(str(path), "docx", hashlib.sha256(data).hexdigest(), None)
    return Document(origin, blocks, furniture=furniture)


def _furniture(doc) -> list[Paragraph]:
    """The text of each section's own headers and footers (first page, even
    pages, the rest), once each: the document's furniture."""
    out: list[Paragraph] = []
    seen: set[str] = set()
    for section in doc.sections:
        for part in (section.first_page_header, section.even_page_header, section.header,
                     section.first_page_footer, section.even_page_footer, section.footer):
            if part.is_linked_to_previous:
                continue
            for p in part.paragraphs:
                text = clean_text(p.text)
                if text and text not in seen:
                    seen.add(text)
                    out.append(Paragraph(text))
    return out
