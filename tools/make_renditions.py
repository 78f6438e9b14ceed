#!/usr/bin/env python3
"""Build Word (.docx) and PDF renditions of the two seed reports (test fixtures).

Why
---
The seeds in ``shared/seeds/`` are plain-text exports of two Kommunkompassen
reports on Torsås kommun (2017 and 2021). The original Word files and published
PDFs are not available, yet kompass must read Word and PDF reports. This script
rebuilds both formats from the text exports so the docx and PDF readers can be
tested against documents whose content is known word for word: every heading,
finding, score and table cell of a rendition is the seed's text, so the blocks a
reader gets from ``torsas-2017.pdf`` can be compared with the blocks the txt
reader gets from ``torsas-2017.txt``.

The renditions look like published reports, so that readers meet what real
reports throw at them: a cover page, a running page header and an ``N (M)``
page-number footer on every other page (real PAGE / NUMPAGES fields), real Word
heading styles, real Word list bullets (numbering, no glyph in the text), bordered
tables whose long findings wrap inside the cell and whose rows run over page
breaks.

How
---
1. Parse (``parse_seed``). The export rules (see ``shared/seeds/README.md``):
   ``[bookmark: …]`` markers are stripped; a line led by a tab (or space+tab)
   starts a table cell, further untabbed lines continue that cell; a blank line
   between tabbed lines ends a row; a blank line followed by an untabbed line is
   an empty paragraph inside the cell; two blank lines, the end of the file or a
   line led by a space (the export glued the table's end to the next paragraph)
   end the table. One refinement: once the first row has fixed the table's width,
   a blank line after a row that is still short of that width is an empty
   paragraph inside the last cell, not a row end (Word rows are never shorter
   than the grid; 2017 area 7/8 "Rubriker/Poäng" tables have an empty paragraph
   at the end of the sub-topic cell). A row that stays short (2021 area 1, whose
   score the export lost) is padded with empty cells.

   Outside tables, untabbed lines are classified:
   * ``1\tTitle`` / ``1 Title`` / ``4. Title`` (short, leading chapter number)
     -> Heading 1;
   * ``Område N\tTitle`` -> Heading 2 (the text keeps "Område N", the tab and the
     title, as Word prints it);
   * ``STYRKOR`` / ``FÖRBÄTTRINGSOMRÅDEN`` -> bold label paragraph (2017; not a
     Word heading, printed in capitals as in the seed);
   * a short line (<= 90 chars, no closing punctuation) carrying a ``_Toc``
     bookmark -> Heading 3 (Word puts _Toc bookmarks on headings);
   * ``· text`` -> bullet list paragraph with the glyph removed;
   * anything else -> Normal paragraph.
   The txt is ambiguous in a few places; each seed carries a small explicit list
   of overrides (``SEEDS`` below): 2017 "Allmänt" (areas 3-8) and "Jämförelser"
   lost their bookmarks but are Heading 3; the 2021 "Diagram 1/2 …" lines are
   chart captions (one carries a _Toc bookmark) and get the Caption style.
   Empty paragraphs outside tables: a single one between two non-empty blocks
   is the author's spacing (the export shows one before every STYRKOR /
   FÖRBÄTTRINGSOMRÅDEN label, for instance) and is kept as an empty paragraph;
   runs of two or more (where the charts were, or empty lines pushing the next
   area down) are dropped: the charts are gone and are not replaced by anything.
   One empty paragraph is always kept between two consecutive tables (Word
   would merge them otherwise) and after a table that ends the document.

   Text is the seed's text exactly: bookmarks, the leading "· " of bullets and
   the leading spaces the export put before some lines are removed; nothing else
   (trailing spaces, double spaces, typos, tabs inside a line all stay). The seed
   quirks are reproduced, not fixed: 2021 has no "Område 3".."Område 6"
   headings, only areas 1, 7 and 8 keep their "Rubriker/Poäng" table (area 1's
   without score), area 6's findings table has no header row and empty
   paragraphs between its first cell's findings, areas 4 and 5 have no findings
   table.

2. Build the .docx with python-docx on its default template:
   A4 page; cover page with "KommunKompassen" and "ANALYS AV TORSÅS KOMMUN <year>";
   Heading 1 has "page break before", so the cover ends with a page break and each
   chapter starts a page; the section has a different first page, whose header
   and footer are empty; the other pages carry the running header (SKL 2017 /
   SKR 2021) and a centred footer "PAGE (NUMPAGES)" made of complex field runs
   (fldChar begin / instrText / separate / cached result / end). Bullets are
   Word list numbering, never a glyph in the text, made the two ways Word
   documents make them: 2017 uses the template's "List Bullet" style, whose
   pPr carries ``w:numPr`` (numId 1 -> abstractNum 8: bullet, Symbol U+F0B7);
   2021 uses "List Paragraph" with that ``w:numPr`` on each paragraph (what
   Word's bullet button writes). Tables use "Table Grid" (single borders), fixed column widths, each
   finding / sub-topic / score its own paragraph in its cell, header rows bold and
   shaded, rows allowed to break across pages (Word's default, no cantSplit).
   Body: Times New Roman 11 pt, 10 pt after, 1.15 lines (the template's
   defaults); headings and tables Arial. Language sv-SE.

3. Convert each .docx to PDF with LibreOffice headless (private profile dir),
   and check (``check_pdf``, ``check_docx_text``): the .docx's non-empty
   paragraphs are the seed's lines exactly; cover on page 1 without
   header/footer; the header and "N (M)" on every other page; which tables and
   bullet lists run over a page break (by geometry: the last body line of page
   k and the first of page k+1 inside ruled tables); that long table paragraphs
   wrap inside their cells. The script prints these facts and exits 1 if any
   check fails, or if no findings table/list or no overview table crosses a
   page break. Nothing is forced: the crossings come from the layout above
   (rows may split across pages; Heading 1 starts a page; headings and the
   STYRKOR / FÖRBÄTTRINGSOMRÅDEN labels keep with next). The NUMPAGES field's cached
   result in the .docx is set to the page count LibreOffice produced (a second
   build pass when the first guess was wrong), so a reader of the .docx XML sees
   a plausible footer too.

4. Determinism: core properties are fixed (author "kompass fixtures", dates
   2000-01-01T00:00:00Z, revision 1); the zip is rewritten with fixed member
   timestamps and without the template's thumbnail, so the .docx is
   byte-identical on re-runs (same python-docx version). LibreOffice stamps the
   PDF with creation/modification dates and a /ID; these are overwritten in
   place with fixed same-length values (offsets unchanged), so the PDF is
   byte-stable on the same LibreOffice build and fonts. Layout (and so the
   page numbers reported) depends on the fonts: Arial and Times New Roman are
   rendered here with their metric-compatible Liberation fonts.

Outputs: tests/fixtures/torsas-{2017,2021}.{docx,pdf}; copies of those four and
of the seed texts (byte-identical, as torsas-{2017,2021}.txt) in raw_reports/.

Run:  .venv/bin/python tools/make_renditions.py   (from the repository root)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
import docx.table
import docx.text.paragraph
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = Path(os.environ.get("KOMPASS_SEEDS", ROOT.parent / "shared" / "seeds"))
FIXTURES = ROOT / "tests" / "fixtures"
RAW = ROOT / "raw_reports"

FIXED_DATE = dt.datetime(2000, 1, 1, 0, 0, 0)
AUTHOR = "kompass fixtures"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class Seed:
    key: str  # output base name
    src: str  # seed file name in shared/seeds
    year: int
    running_header: str
    # Per-seed overrides where the export is ambiguous (see module docstring).
    extra_heading3: frozenset = frozenset()  # headings that lost their _Toc bookmark
    captions: frozenset = frozenset()  # chart captions: Caption style, never a heading
    # How Word bullets are made: "style" = the "List Bullet" style, whose pPr
    # carries the numPr; "direct" = "List Paragraph" + a numPr on each paragraph
    # (what Word's bullet button does). Both reports get one of the two, so the
    # docx reader meets both.
    bullets: str = "style"
    # The municipality's name as printed before "kommun" on the cover and in the
    # document title (the body text is the seed's; tools/make_bench_corpus.py
    # renames it there itself).
    municipality: str = "Torsås"


SEEDS = [
    Seed(
        key="torsas-2017",
        src="000_7c17e21a393ded15.txt",
        year=2017,
        running_header="Sveriges Kommuner och Landsting",
        # "Allmänt" of areas 3-8 and "Jämförelser" carry no bookmark in the
        # export, but are the same kind of title as the bookmarked "Allmänt" of
        # areas 1, 2 and 5.
        extra_heading3=frozenset({"Allmänt", "Jämförelser"}),
    ),
    Seed(
        key="torsas-2021",
        src="002_5f99ecd611534735.txt",
        year=2021,
        running_header="Sveriges Kommuner och Regioner",
        bullets="direct",
        # Captions of the two charts the export dropped; "Diagram 2 …" has a
        # _Toc bookmark (a caption in the table of figures), not a heading.
        captions=frozenset({"Diagram 1 Torsås resultat 2021", "Diagram 2 Torsås resultat i jämförelse 2021"}),
    ),
]

# --------------------------------------------------------------------------
# 1. Parsing
# --------------------------------------------------------------------------

BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
BULLET = "· "
H1 = re.compile(r"^\d{1,2}(?:\.[ \t]|\t| )\s*\S")
H2 = re.compile(r"^Område \d+\t")
LABELS = {"STYRKOR", "FÖRBÄTTRINGSOMRÅDEN"}


@dataclass
class Para:
    text: str
    kind: str = "normal"  # normal | bullet | label | caption | empty


@dataclass
class Heading:
    text: str
    level: int


@dataclass
class Table:
    rows: list[list[list[Para]]] = field(default_factory=list)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell_text(self, r: int, c: int) -> str:
        return " ".join(p.text for p in self.rows[r][c] if p.text.strip()).strip()

    @property
    def kind(self) -> str:
        first = [self.cell_text(0, c) for c in range(len(self.rows[0]))]
        if first[:2] == ["Rubriker", "Poäng"]:
            return "rubriker"
        if re.fullmatch(r"\d\.", first[0]) and "Uppnått" in first:
            return "overview"
        return "findings"


def _strip_bm(line: str) -> str:
    return BOOKMARK.sub("", line)


def _is_cell_start(s: str) -> bool:
    return s.startswith("\t") or s.startswith(" \t")


def _is_blank(line: str) -> bool:
    """An empty paragraph (bookmarks only or whitespace), not an empty table cell ("\t")."""
    s = _strip_bm(line)
    return not s.strip() and not _is_cell_start(s)


def _cell_para(text: str) -> Para:
    if text.startswith(BULLET):
        return Para(text[len(BULLET):], "bullet")
    if not text.strip():
        # An empty cell, or one holding a lone space (the overview totals row):
        # keep the space as printed.
        return Para(text, "empty")
    return Para(text)


def _read_table(lines: list[str], i: int) -> tuple[Table, int]:
    table = Table()
    row: list[list[Para]] = []
    width: int | None = None  # fixed by the first row
    n = len(lines)

    def end_row():
        nonlocal row, width
        if row:
            table.rows.append(row)
            if width is None:
                width = len(row)
        row = []

    while i < n:
        s = _strip_bm(lines[i])
        if _is_cell_start(s):
            row.append([_cell_para(s.lstrip(" ")[1:])])
            i += 1
            continue
        if not s.strip():
            if s.startswith(" "):  # a lone " " line: the export's table end
                end_row()
                break
            j = i
            while j < n and _is_blank(lines[j]):
                j += 1
            if j - i >= 2 or j >= n:  # two blank lines or end of file: table ends
                end_row()
                i += 1  # the row-ending blank belongs to the table
                break
            nxt = _strip_bm(lines[j])
            if _is_cell_start(nxt):
                if width is not None and len(row) < width and row:
                    row[-1].append(Para("", "empty"))  # empty paragraph in the cell
                else:
                    end_row()
                i = j
                continue
            if nxt.startswith(" "):
                end_row()
                i = j
                break
            # an empty paragraph inside the cell, the cell goes on
            if row:
                row[-1].append(Para("", "empty"))
            i = j
            continue
        if s.startswith(" "):  # table end glued to the next paragraph
            end_row()
            break
        para = _cell_para(s)
        if not row:
            row.append([])
        row[-1].append(para)
        i += 1
    else:
        end_row()
    width = table.n_cols
    for r in table.rows:
        while len(r) < width:
            r.append([Para("", "empty")])
    return table, i


def _classify(raw: str, seed: Seed):
    has_toc = "[bookmark: _Toc" in raw
    text = _strip_bm(raw).lstrip(" ")
    stripped = text.strip()
    if text.startswith(BULLET):
        return Para(text[len(BULLET):], "bullet")
    if stripped in seed.captions:
        return Para(text, "caption")
    if H2.match(text):
        return Heading(text, 2)
    if len(stripped) <= 100 and H1.match(text) and not stripped.endswith((".", ",", ";", ":")):
        return Heading(text, 1)
    if stripped in LABELS:
        return Para(text, "label")
    short = len(stripped) <= 90 and not stripped.endswith((".", ",", ";", ":", "!", "?"))
    if (has_toc and short) or stripped in seed.extra_heading3:
        return Heading(text, 3)
    return Para(text)


def parse_seed(text: str, seed: Seed) -> list:
    lines = text.split("\n")
    raw_blocks: list = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        s = _strip_bm(line)
        if _is_cell_start(s):
            table, i = _read_table(lines, i)
            if table.rows:
                raw_blocks.append(table)
            continue
        if not s.strip():
            raw_blocks.append(Para("", "empty"))
        else:
            raw_blocks.append(_classify(line, seed))
        i += 1
    # Empty body paragraphs. A single one between two non-empty blocks is the
    # author's spacing (e.g. the empty line before each STYRKOR /
    # FÖRBÄTTRINGSOMRÅDEN label) and is kept; runs of two or more are where
    # charts were or empty lines pushing the next area down the page, and are
    # dropped. One is kept between two tables (Word would merge them otherwise).
    blocks: list = []
    k = 0
    while k < len(raw_blocks):
        b = raw_blocks[k]
        if not (isinstance(b, Para) and b.kind == "empty"):
            blocks.append(b)
            k += 1
            continue
        j = k
        while j < len(raw_blocks) and isinstance(raw_blocks[j], Para) and raw_blocks[j].kind == "empty":
            j += 1
        prev = blocks[-1] if blocks else None
        nxt = raw_blocks[j] if j < len(raw_blocks) else None
        if (isinstance(prev, Table) and isinstance(nxt, Table)) or (j - k == 1 and prev is not None and nxt is not None):
            blocks.append(Para("", "empty"))
        k = j
    if blocks and isinstance(blocks[-1], Table):
        blocks.append(Para("", "empty"))
    return blocks


# --------------------------------------------------------------------------
# 2. Building the .docx
# --------------------------------------------------------------------------

BODY_FONT = "Times New Roman"
SANS_FONT = "Arial"
HEADING_COLOR = RGBColor(0x1F, 0x38, 0x64)
SHADE = "D9E2F3"
TEXT_WIDTH_CM = 16.0  # A4 21 cm - 2 x 2.5 cm margins

COL_WIDTHS = {
    ("rubriker", 2): [12.5, 3.5],
    ("findings", 2): [8.0, 8.0],
    ("overview", 5): [1.3, 9.1, 2.0, 1.6, 2.0],
    ("overview", 4): [1.3, 10.7, 2.0, 2.0],
}


def _set_fonts(rpr_parent, name: str):
    """Set ascii/hAnsi/cs/eastAsia fonts and drop theme-font attributes (which win over them)."""
    rpr = rpr_parent.get_or_add_rPr() if hasattr(rpr_parent, "get_or_add_rPr") else rpr_parent
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for att in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(att), None)
    for att in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(att), name)


def _setup_styles(document):
    styles_el = document.styles.element
    # docDefaults: body font, Swedish language (spacing after 10 pt, 1.15 lines stay)
    rpr_default = styles_el.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr_default, BODY_FONT)
    lang = rpr_default.find(qn("w:lang"))
    lang.set(qn("w:val"), "sv-SE")
    lang.set(qn("w:eastAsia"), "sv-SE")

    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    _set_fonts(normal.element, BODY_FONT)

    sizes = {1: 16, 2: 14, 3: 12}
    for level, size in sizes.items():
        st = document.styles[f"Heading {level}"]
        _set_fonts(st.element, SANS_FONT)
        st.font.size = Pt(size)
        st.font.bold = True
        st.font.color.rgb = HEADING_COLOR
        pf = st.paragraph_format
        pf.keep_with_next = True
        if level == 1:
            pf.page_break_before = True  # chapters start a page; ends the cover page
            pf.space_before = Pt(0)
            pf.space_after = Pt(12)
        elif level == 2:
            pf.space_before = Pt(18)
            pf.space_after = Pt(8)
        else:
            pf.space_before = Pt(12)
            pf.space_after = Pt(4)

    cap = document.styles["Caption"]
    _set_fonts(cap.element, SANS_FONT)
    cap.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
    cap.font.size = Pt(9)

    for name in ("Header", "Footer"):
        st = document.styles[name]
        _set_fonts(st.element, SANS_FONT)
        st.font.size = Pt(9)
        # the template's tab stops are for US Letter; re-centre for A4
        ppr = st.element.get_or_add_pPr()
        tabs = ppr.find(qn("w:tabs"))
        if tabs is not None:
            ppr.remove(tabs)
        tabs = OxmlElement("w:tabs")
        for val, pos in (("center", Cm(TEXT_WIDTH_CM / 2)), ("right", Cm(TEXT_WIDTH_CM))):
            tab = OxmlElement("w:tab")
            tab.set(qn("w:val"), val)
            tab.set(qn("w:pos"), str(int(pos.twips)))
            tabs.append(tab)
        ppr.insert(0, tabs)


def _add_field(paragraph, instr: str, cached: str):
    """A complex field: begin, instruction, separate, cached result, end."""

    def fld_char(kind):
        r = paragraph.add_run()
        fc = OxmlElement("w:fldChar")
        fc.set(qn("w:fldCharType"), kind)
        r._r.append(fc)

    fld_char("begin")
    r = paragraph.add_run()
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = f" {instr} "
    r._r.append(it)
    fld_char("separate")
    paragraph.add_run(cached)
    fld_char("end")


def _bottom_border(paragraph, color="808080"):
    ppr = paragraph._p.get_or_add_pPr()
    pbdr = OxmlElement("w:pBdr")
    b = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"), ("w:color", color)):
        b.set(qn(k), v)
    pbdr.append(b)
    ppr.append(pbdr)


def _setup_section(document, seed: Seed, numpages: int):
    sec = document.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.5)
    sec.top_margin = sec.bottom_margin = Cm(2.5)
    sec.header_distance = sec.footer_distance = Cm(1.25)
    sec.start_type = WD_SECTION.NEW_PAGE
    sec.different_first_page_header_footer = True  # cover: no header, no footer

    hp = sec.header.paragraphs[0]
    hp.text = seed.running_header
    _bottom_border(hp)

    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_field(fp, "PAGE", "1")
    fp.add_run(" (")
    _add_field(fp, "NUMPAGES", str(numpages))
    fp.add_run(")")

    # the first-page header/footer exist but stay empty
    sec.first_page_header.paragraphs[0].text = ""
    sec.first_page_footer.paragraphs[0].text = ""


def _add_cover(document, seed: Seed):
    p = document.add_paragraph()
    p.paragraph_format.space_before = Pt(200)
    p.paragraph_format.space_after = Pt(18)
    r = p.add_run("KommunKompassen")
    r.font.size = Pt(40)
    r.font.bold = True
    r.font.name = SANS_FONT
    r.font.color.rgb = HEADING_COLOR
    p = document.add_paragraph()
    r = p.add_run(f"ANALYS AV {seed.municipality.upper()} KOMMUN {seed.year}")
    r.font.size = Pt(20)
    r.font.name = SANS_FONT
    r.font.color.rgb = HEADING_COLOR
    # The page break after the cover is the "page break before" of Heading 1.


def _shade(cell, fill=SHADE):
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


BULLET_NUM_ID = 1  # the template's numbering instance for "List Bullet" (abstractNum 8: bullet, Symbol U+F0B7)


def _make_bullet(p, seed: Seed):
    if seed.bullets == "style":
        p.style = "List Bullet"
        return
    p.style = "List Paragraph"
    ppr = p._p.get_or_add_pPr()
    numpr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), "0")
    numid = OxmlElement("w:numId")
    numid.set(qn("w:val"), str(BULLET_NUM_ID))
    numpr.append(ilvl)
    numpr.append(numid)
    pstyle = ppr.find(qn("w:pStyle"))
    if pstyle is not None:
        pstyle.addnext(numpr)
    else:
        ppr.insert(0, numpr)


def _fill_cell(cell, paras: list[Para], bold: bool, seed: Seed):
    first = True
    for para in paras:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        if para.kind == "bullet":
            _make_bullet(p, seed)
        pf = p.paragraph_format
        pf.space_before = Pt(2)
        pf.space_after = Pt(2)
        pf.line_spacing = 1.0
        if para.text:
            run = p.add_run(para.text)
            run.font.name = SANS_FONT
            run.font.size = Pt(10)
            if bold:
                run.font.bold = True


def _add_table(document, table: Table, seed: Seed):
    kind, ncols = table.kind, table.n_cols
    widths = COL_WIDTHS.get((kind, ncols)) or [TEXT_WIDTH_CM / ncols] * ncols
    t = document.add_table(rows=len(table.rows), cols=ncols)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    t.autofit = False
    for c, w in enumerate(widths):
        t.columns[c].width = Cm(w)
    has_header = kind in ("rubriker", "overview") or (
        kind == "findings" and table.cell_text(0, 0) == "Styrkor"
    )
    for r, row in enumerate(table.rows):
        is_header = has_header and r == 0
        is_total = kind == "overview" and r == len(table.rows) - 1 and not table.cell_text(r, 0)
        for c, paras in enumerate(row):
            cell = t.cell(r, c)
            cell.width = Cm(widths[c])
            _fill_cell(cell, paras, bold=is_header or is_total, seed=seed)
            if is_header:
                _shade(cell)
    return t


def _add_para(document, para: Para, seed: Seed):
    if para.kind == "bullet":
        p = document.add_paragraph(para.text)
        _make_bullet(p, seed)
        return p
    if para.kind == "caption":
        return document.add_paragraph(para.text, style="Caption")
    if para.kind == "label":
        p = document.add_paragraph()
        p.add_run(para.text).bold = True
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.space_before = Pt(6)
        p.paragraph_format.space_after = Pt(4)
        return p
    return document.add_paragraph(para.text)


def build_docx(blocks: list, seed: Seed, numpages: int) -> bytes:
    document = docx.Document()
    body = document.element.body
    for el in list(body):  # the template's empty first paragraph
        if el.tag == qn("w:p"):
            body.remove(el)
    _setup_styles(document)
    _setup_section(document, seed, numpages)
    _add_cover(document, seed)
    for b in blocks:
        if isinstance(b, Heading):
            document.add_heading(b.text, level=b.level)
        elif isinstance(b, Table):
            _add_table(document, b, seed)
        else:
            _add_para(document, b, seed)

    cp = document.core_properties
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.title = f"Kommunkompassen – Analys av {seed.municipality} kommun {seed.year}"
    cp.subject = ""
    cp.comments = f"Rendition of seed {seed.src} built by tools/make_renditions.py"
    cp.keywords = ""
    cp.category = ""
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.last_printed = FIXED_DATE
    cp.revision = 1

    buf = io.BytesIO()
    document.save(buf)
    return _normalise_zip(buf.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Fixed member timestamps, no template thumbnail: identical bytes on every run."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            name = info.filename
            if name == "docProps/thumbnail.jpeg":
                continue
            blob = src.read(name)
            if name == "_rels/.rels":
                blob = re.sub(rb"<Relationship [^>]*docProps/thumbnail\.jpeg\"[^>]*/>", b"", blob)
            zi = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 3
            dst.writestr(zi, blob)
    return out.getvalue()


# --------------------------------------------------------------------------
# 3. PDF conversion and checks
# --------------------------------------------------------------------------


def to_pdf(docx_path: Path, out_dir: Path, profile: Path | None = None,
           export_filter: str = "pdf:writer_pdf_Export") -> Path:
    """Convert with LibreOffice headless (a private profile dir)."""
    profile = profile or Path(tempfile.gettempdir()) / "kompass-make-renditions-lo-profile"
    cmd = [
        "soffice",
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--norestore",
        "--convert-to",
        export_filter,
        "--outdir",
        str(out_dir),
        str(docx_path),
    ]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    pdf = out_dir / (docx_path.stem + ".pdf")
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice did not produce {pdf}")
    return pdf


def _stabilise_pdf(data: bytes) -> bytes:
    """Overwrite LibreOffice's dates, /DocChecksum and /ID with fixed values of the same length.

    Equal lengths keep every byte offset (xref table) valid. The checksum and
    /ID become an MD5 of the file with those three things blanked, so they
    still change when the content does.
    """
    fixed = b"D:20000101000000"

    def fix_date(m):
        old = m.group(2)
        new = fixed + old[len(fixed):] if old.startswith(b"D:") and len(old) >= len(fixed) else old
        return m.group(1) + new + b")"

    data = re.sub(rb"(/(?:CreationDate|ModDate)\()([^)]*)\)", fix_date, data)
    volatile = re.compile(rb"/ID\s*\[[^\]]*\]|/DocChecksum\s*/[0-9A-Fa-f]+")
    digest = hashlib.md5(volatile.sub(b"", data)).hexdigest().upper().encode()

    def fix_hex(m):
        return re.sub(rb"[0-9A-Fa-f]{16,}", lambda h: (digest * 4)[: len(h.group(0))], m.group(0))

    return volatile.sub(fix_hex, data)


def _squash(s: str) -> str:
    s = unicodedata.normalize("NFC", s).replace("\u00ad", "")
    return re.sub(r"\s+", "", s)


def _first_text(b) -> str:
    if isinstance(b, Table):
        return next(p.text for row in b.rows for cell in row for p in cell if p.text.strip())
    return b.text


def _table_label(t: Table) -> str:
    if t.kind == "rubriker":
        return "Rubriker/Poäng"
    if t.kind == "overview":
        return f"overview {t.cell_text(0, 0)} {t.cell_text(0, 1)}"
    if t.cell_text(0, 0) == "Styrkor":
        return "Styrkor/Förbättringsmöjligheter"
    return f"Styrkor/Förbättringsmöjligheter without header row ({t.cell_text(0, 0)[:30]}…)"


def check_docx_text(docx_bytes: bytes, seed_text: str) -> list[str]:
    """The .docx holds the seed's text exactly: every non-empty paragraph, in order.

    Seed side: bookmarks, the leading spaces, the cell-leading tab and the
    "· " bullet glyph removed. Rendition side: body paragraphs and table cell
    paragraphs (row by row, cell by cell) after the two cover lines.
    """
    want = []
    for line in seed_text.split("\n"):
        s = _strip_bm(line).lstrip(" ")
        if s.startswith("\t"):
            s = s[1:]
        if s.startswith(BULLET):
            s = s[len(BULLET):]
        if s.strip():
            want.append(s)
    document = docx.Document(io.BytesIO(docx_bytes))
    got = []
    for el in document.element.body:
        if el.tag == qn("w:p"):
            got.append(docx.text.paragraph.Paragraph(el, document).text)
        elif el.tag == qn("w:tbl"):
            for row in docx.table.Table(el, document).rows:
                for cell in row.cells:
                    got.extend(p.text for p in cell.paragraphs)
    got = [t for t in got if t.strip()][2:]  # drop the cover's two lines
    if got == want:
        return []
    for k, (a, b) in enumerate(zip(got, want)):
        if a != b:
            return [f"docx text differs from the seed at paragraph {k}: {a[:60]!r} != {b[:60]!r}"]
    return [f"docx has {len(got)} non-empty paragraphs, the seed {len(want)}"]


def check_pdf(pdf_path: Path, blocks: list, seed: Seed) -> dict:
    """Check the rendered PDF and report page facts (see module docstring, step 3)."""
    import pdfplumber

    report: dict = {"problems": []}
    with pdfplumber.open(pdf_path) as pdf:
        pages = pdf.pages
        n = len(pages)
        report["pages"] = n
        texts = [p.extract_text() or "" for p in pages]

        # Cover alone on page 1; header and "N (M)" footer on every other page.
        if "KommunKompassen" not in texts[0] or seed.running_header in texts[0]:
            report["problems"].append("page 1 is not a bare cover")
        if re.search(r"^\d+ \(\d+\)$", texts[0], re.M):
            report["problems"].append("cover has a page-number footer")
        for k, t in enumerate(texts[1:], start=2):
            lines = [ln.strip() for ln in t.splitlines() if ln.strip()]
            if not lines or lines[0] != seed.running_header:
                report["problems"].append(f"page {k}: header missing")
            if not lines or lines[-1] != f"{k} ({n})":
                report["problems"].append(f"page {k}: footer {lines[-1] if lines else None!r} != '{k} ({n})'")

        # Page of each block: search the blocks' opening words in reading
        # order through the pages' characters in content-stream order (LibreOffice
        # writes them in document order; for a table only its first paragraph is
        # searched, since cells that run over a page break interleave).
        stream = [_squash("".join(ch["text"] for ch in p.chars)) for p in pages]
        pos = [0, 0]

        def find(fragment: str) -> int | None:
            frag = _squash(fragment)
            if not frag:
                return None
            pi, off = pos
            while pi < n:
                hit = stream[pi].find(frag, off)
                if hit >= 0:
                    pos[:] = [pi, hit + len(frag)]
                    return pi + 1
                pi, off = pi + 1, 0
            return None

        block_page = [find(_first_text(b)[:40]) if _first_text(b).strip() else None for b in blocks]

        # Tables over a page break, by geometry: the last body line of page k and
        # the first body line of page k+1 both lie inside ruled tables.
        top_cut = Cm(2.5).pt - 1  # header and footer lie in the 2.5 cm margins
        crossing = []
        for k in range(n - 1):
            a, b = pages[k], pages[k + 1]
            bottom_cut = float(a.height) - Cm(2.5).pt + 1
            words_a = [w for w in a.extract_words() if top_cut < w["top"] and w["bottom"] < bottom_cut]
            words_b = [w for w in b.extract_words() if top_cut < w["top"] and w["bottom"] < bottom_cut]
            if not words_a or not words_b:
                continue
            last = max(words_a, key=lambda w: (w["bottom"], w["x0"]))
            first = min(words_b, key=lambda w: (w["top"], w["x0"]))

            def inside(w, page):
                return any(
                    t.bbox[0] - 1 <= w["x0"] and w["x1"] <= t.bbox[2] + 1 and t.bbox[1] - 1 <= w["top"] and w["bottom"] <= t.bbox[3] + 1
                    for t in page.find_tables()
                )

            # A table that merely ends page k while another block starts page
            # k+1 (two consecutive overview tables) is not a crossing.
            body_b = stream[k + 1][len(_squash(seed.running_header)):] if stream[k + 1].startswith(
                _squash(seed.running_header)) else stream[k + 1]
            new_block_starts = any(
                block_page[i] == k + 2 and _squash(_first_text(bl))[:15] and body_b.startswith(_squash(_first_text(bl))[:15])
                for i, bl in enumerate(blocks)
            )
            if inside(last, a) and inside(first, b) and not new_block_starts:
                started = [i for i, bl in enumerate(blocks) if isinstance(bl, Table) and block_page[i] and block_page[i] <= k + 1]
                label = _table_label(blocks[started[-1]]) if started else "?"
                crossing.append((label, k + 1, k + 2))
        report["tables_crossing"] = crossing

        # Bullet lists (2017 STYRKOR / FÖRBÄTTRINGSOMRÅDEN) over a page break.
        lists = []
        i = 0
        while i < len(blocks):
            if isinstance(blocks[i], Para) and blocks[i].kind == "label":
                j = i + 1
                while j < len(blocks) and isinstance(blocks[j], Para) and blocks[j].kind == "bullet":
                    j += 1
                item_pages = [block_page[x] for x in range(i + 1, j) if block_page[x]]
                if item_pages and item_pages[-1] > item_pages[0]:
                    lists.append((blocks[i].text, item_pages[0], item_pages[-1]))
                i = j
            else:
                i += 1
        report["lists_crossing"] = lists

        # Long table paragraphs wrap inside their cells: first and last words on different lines.
        wrapped = []
        for b in blocks:
            if not isinstance(b, Table) or b.kind == "rubriker":
                continue
            for row in b.rows:
                for cell in row:
                    for p in cell:
                        words = p.text.split()
                        if len(p.text) < 50 or len(words) < 6:
                            continue
                        head, tail = " ".join(words[:3]), " ".join(words[-2:])
                        for page in pages:
                            h = page.search(head, regex=False)
                            t = page.search(tail, regex=False)
                            if h and t:
                                if t[0]["top"] > h[0]["top"] + 2:
                                    wrapped.append((b.kind, p.text))
                                break
        report["wrapped"] = wrapped
    return report


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def make(seed: Seed, workdir: Path) -> dict:
    text = (SEED_DIR / seed.src).read_text(encoding="utf-8")
    blocks = parse_seed(text, seed)
    docx_path = workdir / f"{seed.key}.docx"
    numpages = 0
    for _ in range(3):  # converge the cached NUMPAGES result on LibreOffice's page count
        docx_path.write_bytes(build_docx(blocks, seed, numpages))
        pdf_path = to_pdf(docx_path, workdir)
        import pdfplumber

        with pdfplumber.open(pdf_path) as pdf:
            count = len(pdf.pages)
        if count == numpages:
            break
        numpages = count
    pdf_path.write_bytes(_stabilise_pdf(pdf_path.read_bytes()))
    report = check_pdf(pdf_path, blocks, seed)
    report["problems"] += check_docx_text(docx_path.read_bytes(), text)
    # What the fixtures are for: findings and an overview table over a page break,
    # long table paragraphs wrapping inside their cells.
    if not (any(lbl.startswith("Styrkor") for lbl, _, _ in report["tables_crossing"]) or report["lists_crossing"]):
        report["problems"].append("no findings table or list runs over a page break")
    if not any(lbl.startswith("overview") for lbl, _, _ in report["tables_crossing"]):
        report["problems"].append("no overview table runs over a page break")
    if not report["wrapped"]:
        report["problems"].append("no long table paragraph wraps inside its cell")
    report["blocks"] = blocks
    FIXTURES.mkdir(parents=True, exist_ok=True)
    RAW.mkdir(parents=True, exist_ok=True)
    for src in (docx_path, pdf_path):
        shutil.copyfile(src, FIXTURES / src.name)
        shutil.copyfile(src, RAW / src.name)
    shutil.copyfile(SEED_DIR / seed.src, RAW / f"{seed.key}.txt")
    return report


def main() -> int:
    if shutil.which("soffice") is None:
        print("LibreOffice (soffice) is needed to make the PDF renditions", file=sys.stderr)
        return 2
    ok = True
    with tempfile.TemporaryDirectory(prefix="kompass-renditions-") as tmp:
        for seed in SEEDS:
            rep = make(seed, Path(tmp))
            blocks = rep.pop("blocks")
            n_tables = sum(isinstance(b, Table) for b in blocks)
            n_heads = sum(isinstance(b, Heading) for b in blocks)
            print(f"{seed.key}: {rep['pages']} pages, {n_heads} headings, {n_tables} tables")
            for label, a, b in rep["tables_crossing"]:
                print(f"  table crosses pages {a}->{b}: {label}")
            for label, a, b in rep["lists_crossing"]:
                print(f"  list crosses pages {a}->{b}: {label}")
            kinds = {}
            for kind, _ in rep["wrapped"]:
                kinds[kind] = kinds.get(kind, 0) + 1
            print(f"  long table paragraphs wrapped inside their cells: {kinds}")
            for p in rep["problems"]:
                ok = False
                print(f"  PROBLEM: {p}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
