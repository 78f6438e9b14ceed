#!/usr/bin/env python3
"""Build PDF renditions of the two seed reports from several PDF producers (test fixtures).

Why
---
``tools/make_renditions.py`` builds one Word file and one LibreOffice PDF of
each seed report (Torsås 2017 and 2021), with ruled ("Table Grid") tables.
Real Kommunkompassen reports come out of many PDF producers, and the PDF reader
must give the same scores and findings (text, area, kind) whoever made the
file. This script renders the SAME content (the blocks ``parse_seed`` gets from
the seed: every heading, paragraph, finding and table cell, word for word) with
four producers whose layouts differ in the ways that trouble PDF readers:

``lo-borderless``
    LibreOffice PDF of the docx that make_renditions builds, with every table
    made borderless and unshaded (findings tables "Styrkor |
    Förbättringsmöjligheter", the "Rubriker | Poäng" boxes, the score overview
    tables "N. | title | Uppnått | Max | …"); header rows stay bold. No rules
    to find tables by: only aligned text. The docx is saved too.
``lo-tagged``
    The same borderless docx exported as a tagged PDF (structure tree, MarkInfo
    Marked true; writer_pdf_Export option UseTaggedPDF). Same page layout as
    lo-borderless, plus Table/TR/TD, H1…, L/LI tags a reader may use.
``chromium``
    An HTML rendition of the blocks (h1/h2/h3, p, ul/li, borderless tables,
    Liberation fonts, A4) printed by headless Chromium (Skia PDF backend), with
    a running header and an "N (M)" footer made by CSS @page margin boxes; the
    cover page has neither. Chromium 156 tags its PDFs by default (the print
    pipeline builds the structure tree from the accessibility tree), so this
    file is tagged too; its fonts are CID TrueType subsets.
``reportlab``
    Built with reportlab platypus (DejaVu fonts): findings tables become two
    bulleted lists under bold labels (the header cells' texts "Styrkor" and
    "Förbättringsmöjligheter"; the 2021 area 6 table, whose header row the
    export lost, gets the same two labels, the only text not in the seed), and
    every bullet is a small filled circle (lists) or square ("Rubriker"
    sub-topics) DRAWN with canvas path operations, so no bullet glyph is in
    the text layer; wrapped item lines are indented under the first line's
    text. Score overview tables and "Rubriker | Poäng" boxes are borderless
    aligned columns (platypus Table without grid; long question titles wrap
    inside their column). Running header on every page but the cover, footer
    "Sida N av M". No structure tags. reportlab is NOT a kompass dependency:
    it is needed only to rebuild these fixtures (``.venv/bin/pip install
    reportlab``).

All four keep the same cover (two lines: "KommunKompassen", "ANALYS AV TORSÅS
KOMMUN <year>") as the Word file, and chapters (Heading 1) start a page.

How
---
1. ``parse_seed`` (make_renditions) gives the blocks; the docx comes from
   make_renditions' ``build_docx``, post-processed (``borderless_docx``): table
   style reference removed, explicit nil borders, cell shading removed. The
   NUMPAGES cached field result converges on LibreOffice's page count as in
   make_renditions.
2. One function per producer (``build_lo_borderless``, ``build_lo_tagged``,
   ``build_chromium``, ``build_reportlab``).
3. Checks (``check_pdf``), exit status 1 if any fails:
   * every text of the seed's blocks (headings, paragraphs, bullets, every
     table cell paragraph, in particular every finding) and the two cover
     lines are in ``pdftotext`` output once whitespace and soft hyphens are
     squashed (``_squash``), running headers / page-number footers dropped,
     and with or without line-end hyphens. A cell paragraph cut by a page
     break, whose pieces the next column's text separates, may be split
     between two consecutive pages. ``pdftotext -raw`` (content-stream order)
     is tried as well: the default reading-order mode merges a word broken
     after a real hyphen ("medborgar-" / "respektive" -> "medborgarrespektive");
   * reportlab: no bullet glyph (• ● ▪ ■ ◦ U+F0B7) in the text layer
     (pdftotext and pdfplumber chars) beyond the seed's own (2021 has one "•"
     inside a paragraph);
   * lo-tagged: a structure tree (``check_tagged``): pdfinfo "Tagged: yes",
     /StructTreeRoot, and pypdfium2's ``FPDF_StructTree_GetForPage`` finds
     structure elements on every page but the cover (reported, not required,
     for chromium);
   * lo-borderless: at least one findings table (2021) or findings list
     (2017) and at least two tables run over a page break.
   Which tables and lists run over page breaks is printed for every file (and
   listed in the README): the page of each table row / cell paragraph / list
   item is found by searching its squashed text (first and last 30
   characters) through the pages' characters in content-stream order
   (pdfplumber), from the position reached by the blocks before it; a table or
   list whose texts lie on two pages runs from the bottom of one to the top of
   the next (checked by eye with ``pdftotext -layout``).
4. Determinism: LibreOffice PDFs go through make_renditions'
   ``_stabilise_pdf`` (fixed dates, /ID from an MD5 of the content); Chromium
   PDFs get their CreationDate/ModDate overwritten with fixed same-length
   values (Skia writes no /ID); reportlab runs with ``invariant=1``. All eight
   PDFs and the two docx are byte-identical on re-runs with the same tool
   versions and fonts (``--twice`` builds everything twice and compares).
   Chromium's /Creator names its version (HeadlessChrome/156…), so a different
   Chromium gives different bytes and maybe a different layout. Built with
   LibreOffice 7.4.7.2, Chromium 156.0.8078.79, reportlab 5.1.0, poppler 22.12
   and the Debian 12 fonts (fonts-liberation2 2.1.5, fonts-dejavu-core 2.37).

Outputs (tests/fixtures/producers/): torsas-{2017,2021}-{lo-borderless,
lo-tagged,chromium,reportlab}.pdf, torsas-{2017,2021}-lo-borderless.docx and
README.md.

Needs: soffice (libreoffice-writer-nogui), chromium, pdftotext/pdfinfo
(poppler-utils), fonts-liberation, fonts-dejavu-core; reportlab in the venv.

Run:  .venv/bin/python tools/make_producer_renditions.py [--twice]   (from the repository root)
"""

from __future__ import annotations

import argparse
import html
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_renditions import (  # noqa: E402
    to_pdf,
    AUTHOR,
    COL_WIDTHS,
    SEED_DIR,
    SEEDS,
    TEXT_WIDTH_CM,
    Heading,
    Para,
    Seed,
    Table,
    _normalise_zip,
    _squash,
    _stabilise_pdf,
    _table_label,
    build_docx,
    parse_seed,
)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "producers"
PRODUCERS = ("lo-borderless", "lo-tagged", "chromium", "reportlab")
BULLET_GLYPHS = "•●▪■◦\uf0b7"
HEADING_RGB = "#1F3864"


def out_name(seed: Seed, producer: str, ext: str = "pdf") -> str:
    return f"{seed.key}-{producer}.{ext}"


def cover_lines(seed: Seed) -> tuple[str, str]:
    return "KommunKompassen", f"ANALYS AV {seed.municipality.upper()} KOMMUN {seed.year}"


def doc_title(seed: Seed) -> str:
    return f"Kommunkompassen – Analys av {seed.municipality} kommun {seed.year}"


def _is_findings_with_header(t: Table) -> bool:
    return t.kind == "findings" and t.cell_text(0, 0) == "Styrkor"


def _findings_labels(blocks: list) -> tuple[str, str]:
    """The header labels of the document's findings tables (for a header-less one)."""
    for b in blocks:
        if isinstance(b, Table) and _is_findings_with_header(b):
            return b.cell_text(0, 0), b.cell_text(0, 1)
    return "Styrkor", "Förbättringsmöjligheter"


# --------------------------------------------------------------------------
# LibreOffice: borderless docx, plain and tagged PDF export
# --------------------------------------------------------------------------

# w:tblPr children that come after w:tblBorders in the schema's sequence
_AFTER_TBLBORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")


def borderless_docx(docx_bytes: bytes, seed: Seed) -> bytes:
    """make_renditions' docx with no table style, nil borders and no shading on every table."""
    document = docx.Document(io.BytesIO(docx_bytes))
    for t in document.tables:
        tblpr = t._tbl.tblPr
        style = tblpr.find(qn("w:tblStyle"))
        if style is not None:
            tblpr.remove(style)
        old = tblpr.find(qn("w:tblBorders"))
        if old is not None:
            tblpr.remove(old)
        borders = OxmlElement("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:val"), "nil")
            borders.append(el)
        anchor = next((c for c in tblpr if c.tag in {qn(n) for n in _AFTER_TBLBORDERS}), None)
        if anchor is not None:
            anchor.addprevious(borders)
        else:
            tblpr.append(borders)
        for tc in t._tbl.iter(qn("w:tc")):
            tcpr = tc.tcPr
            if tcpr is not None:
                for shd in tcpr.findall(qn("w:shd")):
                    tcpr.remove(shd)
    document.core_properties.comments = (
        f"Rendition of seed {seed.src} with borderless tables, built by tools/make_producer_renditions.py"
    )
    buf = io.BytesIO()
    document.save(buf)
    return _normalise_zip(buf.getvalue())


def soffice_pdf(docx_path: Path, out_dir: Path, profile: Path, tagged: bool = False) -> Path:
    """Convert with LibreOffice headless; ``tagged`` sets writer_pdf_Export's UseTaggedPDF."""
    out_dir.mkdir(parents=True, exist_ok=True)
    filt = "pdf:writer_pdf_Export"
    if tagged:
        filt += ":" + json.dumps({"UseTaggedPDF": {"type": "boolean", "value": "true"}})
    return to_pdf(docx_path, out_dir, profile, filt)


def _page_count(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def build_lo_borderless(seed: Seed, blocks: list, work: Path, profile: Path) -> tuple[Path, Path]:
    """Borderless docx (saved) and its LibreOffice PDF; NUMPAGES cache converged as in make_renditions."""
    docx_path = work / out_name(seed, "lo-borderless", "docx")
    numpages = 0
    for _ in range(3):
        docx_path.write_bytes(borderless_docx(build_docx(blocks, seed, numpages), seed))
        pdf = soffice_pdf(docx_path, work / "lo-borderless", profile)
        count = _page_count(pdf)
        if count == numpages:
            break
        numpages = count
    final = work / out_name(seed, "lo-borderless")
    final.write_bytes(_stabilise_pdf(pdf.read_bytes()))
    return final, docx_path


def build_lo_tagged(seed: Seed, docx_path: Path, work: Path, profile: Path) -> Path:
    """The borderless docx exported as a tagged PDF (structure tree)."""
    pdf = soffice_pdf(docx_path, work / "lo-tagged", profile, tagged=True)
    final = work / out_name(seed, "lo-tagged")
    final.write_bytes(_stabilise_pdf(pdf.read_bytes()))
    return final


def check_tagged(pdf: Path) -> tuple[list[str], str]:
    """Structure tree present: pdfinfo 'Tagged: yes', /StructTreeRoot, and structure elements
    (pypdfium2 ``FPDF_StructTree_GetForPage``) on every page but the cover. Returns the
    problems and a count of the element types over all pages."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    problems = []
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    if not re.search(r"^Tagged:\s+yes", info, re.M):
        problems.append("pdfinfo does not say Tagged: yes")
    if b"/StructTreeRoot" not in pdf.read_bytes():
        problems.append("no /StructTreeRoot")
    counts: dict[str, int] = {}

    def walk(el, depth: int) -> int:
        seen = 0
        n = raw.FPDF_StructElement_GetType(el, None, 0)
        if n:
            buf = ctypes.create_string_buffer(n)
            raw.FPDF_StructElement_GetType(el, buf, n)
            kind = buf.raw.decode("utf-16-le").rstrip("\x00")
            counts[kind] = counts.get(kind, 0) + 1
            seen += 1
        if depth < 30:
            for i in range(raw.FPDF_StructElement_CountChildren(el)):
                child = raw.FPDF_StructElement_GetChildAtIndex(el, i)
                if child:
                    seen += walk(child, depth + 1)
        return seen

    doc = pdfium.PdfDocument(str(pdf))
    try:
        for k in range(len(doc)):
            page = doc[k]
            tree = raw.FPDF_StructTree_GetForPage(page.raw)
            seen = 0
            if tree:
                for i in range(raw.FPDF_StructTree_CountChildren(tree)):
                    child = raw.FPDF_StructTree_GetChildAtIndex(tree, i)
                    if child:
                        seen += walk(child, 0)
                raw.FPDF_StructTree_Close(tree)
            page.close()
            if k > 0 and not seen:
                problems.append(f"pypdfium2 finds no structure elements on page {k + 1}")
    finally:
        doc.close()
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return problems, summary


# --------------------------------------------------------------------------
# Chromium: HTML printed by headless Chromium
# --------------------------------------------------------------------------

CSS = """
@page {{
  size: A4;
  margin: 2.5cm 2.5cm 2.5cm 2.5cm;
  @top-left {{
    content: "{header}";
    font: 9pt "Liberation Sans";
    color: #000;
    vertical-align: bottom;
    padding-bottom: 4pt;
    margin-bottom: 14pt;
    border-bottom: 0.5pt solid #808080;
  }}
  @bottom-center {{
    content: counter(page) " (" counter(pages) ")";
    font: 9pt "Liberation Sans";
  }}
}}
@page :first {{
  @top-left {{ content: none; border: none; }}
  @bottom-center {{ content: none; }}
}}
html {{ font-family: "Liberation Serif"; font-size: 11pt; line-height: 1.15; }}
body {{ margin: 0; }}
* {{ white-space: pre-wrap; tab-size: 1.27cm; }}
p {{ margin: 0 0 10pt 0; }}
p.empty {{ min-height: 1.15em; }}
body > p.empty:last-child {{ min-height: 0; margin: 0; }}
p.label {{ margin: 6pt 0 4pt 0; break-after: avoid; }}
p.caption {{ font: 9pt "Liberation Sans"; color: #404040; }}
h1, h2, h3 {{ font-family: "Liberation Sans"; font-weight: bold; color: {hc}; break-after: avoid; }}
h1 {{ font-size: 16pt; margin: 0 0 12pt 0; break-before: page; }}
h2 {{ font-size: 14pt; margin: 18pt 0 8pt 0; }}
h3 {{ font-size: 12pt; margin: 12pt 0 4pt 0; }}
ul {{ margin: 0 0 10pt 0; padding-left: 0.63cm; }}
li {{ margin: 0; padding-left: 0.2cm; }}
.cover1 {{ margin: 200pt 0 18pt 0; font: bold 40pt "Liberation Sans"; color: {hc}; }}
.cover2 {{ font: 20pt "Liberation Sans"; color: {hc}; }}
table {{ border-collapse: collapse; border: none; table-layout: fixed; margin: 0 0 0 0;
         font: 10pt/1.0 "Liberation Sans"; }}
td {{ border: none; padding: 0 5.4pt; vertical-align: top; }}
td p {{ margin: 2pt 0; }}
td p.empty {{ min-height: 1em; }}
td ul {{ margin: 0; padding-left: 0.63cm; }}
td li {{ margin: 2pt 0; }}
tr.head td, tr.total td {{ font-weight: bold; }}
td.num {{ text-align: right; }}
"""


def _h(text: str) -> str:
    return html.escape(text, quote=False)


def _html_paras(paras: list[Para], in_cell: bool) -> str:
    """Paragraphs of the body or a cell; consecutive bullets become one <ul>."""
    out: list[str] = []
    i = 0
    while i < len(paras):
        p = paras[i]
        if p.kind == "bullet":
            items = []
            while i < len(paras) and paras[i].kind == "bullet":
                items.append(f"<li>{_h(paras[i].text)}</li>")
                i += 1
            out.append("<ul>" + "".join(items) + "</ul>")
            continue
        if p.kind == "empty":
            out.append(f'<p class="empty">{_h(p.text)}</p>' if in_cell else '<p class="empty"></p>')
        elif p.kind == "label":
            out.append(f'<p class="label"><b>{_h(p.text)}</b></p>')
        elif p.kind == "caption":
            out.append(f'<p class="caption">{_h(p.text)}</p>')
        else:
            out.append(f"<p>{_h(p.text)}</p>")
        i += 1
    return "".join(out)


def _html_table(t: Table) -> str:
    widths = COL_WIDTHS.get((t.kind, t.n_cols)) or [TEXT_WIDTH_CM / t.n_cols] * t.n_cols
    has_header = t.kind in ("rubriker", "overview") or _is_findings_with_header(t)
    cols = "".join(f'<col style="width:{w}cm">' for w in widths)
    rows = []
    for r, row in enumerate(t.rows):
        cls = ""
        if has_header and r == 0:
            cls = ' class="head"'
        elif t.kind == "overview" and r == len(t.rows) - 1 and not t.cell_text(r, 0):
            cls = ' class="total"'
        cells = []
        for c, paras in enumerate(row):
            num = ' class="num"' if (t.kind == "overview" and c >= 2) or (t.kind == "rubriker" and c == 1) else ""
            cells.append(f"<td{num}>{_html_paras(paras, in_cell=True)}</td>")
        rows.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
    return f'<table class="{t.kind}" style="width:{sum(widths)}cm"><colgroup>{cols}</colgroup><tbody>' + "".join(rows) + "</tbody></table>"


def blocks_to_html(blocks: list, seed: Seed) -> str:
    c1, c2 = cover_lines(seed)
    body = [f'<p class="cover1">{_h(c1)}</p><p class="cover2">{_h(c2)}</p>']
    run: list[Para] = []

    def flush():
        if run:
            body.append(_html_paras(run, in_cell=False))
            run.clear()

    for b in blocks:
        if isinstance(b, Para):
            run.append(b)
            continue
        flush()
        if isinstance(b, Heading):
            body.append(f"<h{b.level}>{_h(b.text)}</h{b.level}>")
        else:
            body.append(_html_table(b))
    flush()
    css = CSS.format(header=seed.running_header.replace('"', '\\"'), hc=HEADING_RGB)
    return (
        '<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8">'
        f"<title>{_h(doc_title(seed))}</title><meta name=\"author\" content=\"{AUTHOR}\">"
        f"<style>{css}</style></head><body>" + "".join(body) + "</body></html>\n"
    )


def _chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if shutil.which(name):
            return name
    return None


def _stabilise_skia(data: bytes) -> bytes:
    """Fixed CreationDate/ModDate (same length, offsets unchanged); Skia writes no /ID."""
    fixed = b"D:20000101000000"

    def fix_date(m):
        old = m.group(2)
        new = fixed + old[len(fixed):] if old.startswith(b"D:") and len(old) >= len(fixed) else old
        return m.group(1) + new + b")"

    return re.sub(rb"(/(?:CreationDate|ModDate)\s*\()([^)]*)\)", fix_date, data)


def build_chromium(seed: Seed, blocks: list, work: Path) -> Path:
    html_path = work / f"{seed.key}-chromium.html"
    html_path.write_text(blocks_to_html(blocks, seed), encoding="utf-8")
    pdf = work / out_name(seed, "chromium")
    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-", dir=work))
    cmd = [
        _chromium_binary(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--font-render-hinting=none",
        f"--user-data-dir={profile}",
        f"--print-to-pdf={pdf}",
        html_path.as_uri(),
    ]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    if not pdf.exists():
        raise RuntimeError(f"Chromium did not produce {pdf}")
    pdf.write_bytes(_stabilise_skia(pdf.read_bytes()))
    shutil.rmtree(profile, ignore_errors=True)
    return pdf


# --------------------------------------------------------------------------
# reportlab: lists instead of findings tables, drawn bullets, column layout
# --------------------------------------------------------------------------

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
RL_FONTS = {
    "DejaVuSerif": "DejaVuSerif.ttf",
    "DejaVuSerif-Bold": "DejaVuSerif-Bold.ttf",
    "DejaVuSans": "DejaVuSans.ttf",
    "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
}


def build_reportlab(seed: Seed, blocks: list, work: Path) -> Path:
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas as rl_canvas
    from reportlab.platypus import (
        BaseDocTemplate,
        Flowable,
        Frame,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
    )
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    rl_config.invariant = 1
    for name, fn in RL_FONTS.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / fn)))
    pdfmetrics.registerFontFamily("DejaVuSerif", normal="DejaVuSerif", bold="DejaVuSerif-Bold")
    pdfmetrics.registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold")

    heading_color = colors.HexColor(HEADING_RGB)
    body = ParagraphStyle("body", fontName="DejaVuSerif", fontSize=10.5, leading=13.5, spaceAfter=8)
    label = ParagraphStyle("label", parent=body, fontName="DejaVuSerif-Bold", spaceBefore=6, spaceAfter=4, keepWithNext=1)
    item = ParagraphStyle("item", parent=body, spaceAfter=3)
    caption = ParagraphStyle("caption", parent=body, fontName="DejaVuSans", fontSize=8.5, leading=11, textColor=colors.HexColor("#404040"))
    heads = {
        1: ParagraphStyle("h1", fontName="DejaVuSans-Bold", fontSize=15, leading=19, spaceAfter=12, textColor=heading_color, keepWithNext=1),
        2: ParagraphStyle("h2", fontName="DejaVuSans-Bold", fontSize=13, leading=16, spaceBefore=16, spaceAfter=8, textColor=heading_color, keepWithNext=1),
        3: ParagraphStyle("h3", fontName="DejaVuSans-Bold", fontSize=11, leading=14, spaceBefore=10, spaceAfter=4, textColor=heading_color, keepWithNext=1),
    }
    cell = ParagraphStyle("cell", fontName="DejaVuSans", fontSize=9, leading=11)
    cell_bold = ParagraphStyle("cellb", parent=cell, fontName="DejaVuSans-Bold")
    cell_num = ParagraphStyle("celln", parent=cell, alignment=TA_RIGHT)
    cell_num_bold = ParagraphStyle("cellnb", parent=cell_bold, alignment=TA_RIGHT)
    cell_item = ParagraphStyle("celli", parent=cell, spaceAfter=2)
    cover1 = ParagraphStyle("cover1", fontName="DejaVuSans-Bold", fontSize=36, leading=44, textColor=heading_color, spaceAfter=18)
    cover2 = ParagraphStyle("cover2", fontName="DejaVuSans", fontSize=18, leading=24, textColor=heading_color)

    def P(text: str, style) -> Paragraph:
        return Paragraph(html.escape(text, quote=False), style)

    class DrawnBulletItem(Flowable):
        """A list item: its paragraph indented by ``indent``; a filled circle or square DRAWN
        in the gutter at the first line (no glyph); wrapped lines align with the first line's text."""

        def __init__(self, para: Paragraph, indent: float, shape: str = "circle", first: bool = True):
            super().__init__()
            self.para, self.indent, self.shape, self.first = para, indent, shape, first

        def wrap(self, aw, ah):
            _, h = self.para.wrap(aw - self.indent, ah)
            self.width, self.height = aw, h
            return aw, h

        def split(self, aw, ah):
            parts = self.para.split(aw - self.indent, ah)
            if not parts:
                return []
            return [
                DrawnBulletItem(p, self.indent, self.shape, first=self.first and k == 0) for k, p in enumerate(parts)
            ]

        def getSpaceBefore(self):
            return self.para.getSpaceBefore() if self.first else 0

        def getSpaceAfter(self):
            return self.para.getSpaceAfter()

        def draw(self):
            self.para.drawOn(self.canv, self.indent, 0)
            if not self.first:
                return
            st = self.para.style
            # first baseline sits fontSize below the paragraph's top; centre the mark on the x-height
            cy = self.height - st.fontSize + st.fontSize * 0.32
            cx = self.indent * 0.45
            self.canv.saveState()
            self.canv.setFillColor(colors.black)
            if self.shape == "square":
                r = st.fontSize * 0.16
                self.canv.rect(cx - r, cy - r, 2 * r, 2 * r, stroke=0, fill=1)
            else:
                self.canv.circle(cx, cy, st.fontSize * 0.17, stroke=0, fill=1)
            self.canv.restoreState()

    def bullet(text: str, style=item, shape="circle") -> DrawnBulletItem:
        return DrawnBulletItem(P(text, style), indent=0.6 * cm if style is item else 0.45 * cm, shape=shape)

    text_width = 16.0 * cm
    grid_free = TableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
    )
    overview_widths = {5: [1.2, 8.6, 2.1, 1.9, 2.2], 4: [1.2, 10.6, 2.1, 2.1]}
    rubriker_widths = [12.0, 4.0]
    labels = _findings_labels(blocks)

    def cell_flowables(paras: list[Para], bold: bool, num: bool):
        out = []
        for p in paras:
            if p.kind == "bullet":
                out.append(bullet(p.text, cell_item, shape="square"))
            elif p.kind == "empty" or not p.text.strip():
                out.append(Spacer(1, 4) if not p.text else P(p.text, cell))
            else:
                style = (cell_num_bold if bold else cell_num) if num else (cell_bold if bold else cell)
                out.append(P(p.text, style))
        return out

    def columns_table(t: Table):
        if t.kind == "overview":
            widths = overview_widths[t.n_cols]
        else:
            widths = rubriker_widths
        data = []
        for r, row in enumerate(t.rows):
            bold = r == 0 or (t.kind == "overview" and r == len(t.rows) - 1 and not t.cell_text(r, 0))
            data.append(
                [
                    cell_flowables(paras, bold, num=(t.kind == "overview" and c >= 2) or (t.kind == "rubriker" and c == 1))
                    for c, paras in enumerate(row)
                ]
            )
        rt = RLTable(data, colWidths=[w * cm for w in widths], hAlign="LEFT", repeatRows=0, splitByRow=1)
        rt.setStyle(grid_free)
        return [rt, Spacer(1, 6)]

    def findings_lists(t: Table):
        start = 1 if _is_findings_with_header(t) else 0
        heads = (t.cell_text(0, 0), t.cell_text(0, 1)) if start else labels
        out = []
        for c in range(2):
            out.append(P(heads[c], label))
            for row in t.rows[start:]:
                for p in row[c]:
                    if p.text.strip():
                        out.append(bullet(p.text))
        out.append(Spacer(1, 6))
        return out

    story: list = [Spacer(1, 190), P(cover_lines(seed)[0], cover1), P(cover_lines(seed)[1], cover2)]
    # an empty paragraph ending the document would only push a blank page
    last = len(blocks)
    while last and isinstance(blocks[last - 1], Para) and blocks[last - 1].kind == "empty":
        last -= 1
    for b in blocks[:last]:
        if isinstance(b, Heading):
            if b.level == 1:
                story.append(PageBreak())
            story.append(P(b.text, heads[b.level]))
        elif isinstance(b, Table):
            story.extend(findings_lists(b) if b.kind == "findings" else columns_table(b))
        elif b.kind == "bullet":
            story.append(bullet(b.text))
        elif b.kind == "label":
            story.append(P(b.text, label))
        elif b.kind == "caption":
            story.append(P(b.text, caption))
        elif b.kind == "empty":
            story.append(Spacer(1, 8))
        else:
            story.append(P(b.text, body))

    header_text = seed.running_header

    class ReportCanvas(rl_canvas.Canvas):
        """Defers each page so the footer can say 'Sida N av M'; no header/footer on the cover."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                n = self._pageNumber
                if n > 1:
                    w, h = A4
                    self.saveState()
                    self.setFont("DejaVuSans", 8.5)
                    self.drawRightString(w - 2.5 * cm, h - 1.6 * cm, header_text)
                    self.setStrokeColor(colors.HexColor("#808080"))
                    self.setLineWidth(0.5)
                    self.line(2.5 * cm, h - 1.75 * cm, w - 2.5 * cm, h - 1.75 * cm)
                    self.drawCentredString(w / 2, 1.4 * cm, f"Sida {n} av {total}")
                    self.restoreState()
                super().showPage()
            super().save()

    pdf = work / out_name(seed, "reportlab")
    doc = BaseDocTemplate(
        str(pdf),
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        topMargin=2.4 * cm,
        bottomMargin=2.3 * cm,
        title=doc_title(seed),
        author=AUTHOR,
        subject="",
        creator="kompass fixtures (tools/make_producer_renditions.py, reportlab)",
        invariant=1,
        lang="sv-SE",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, text_width, doc.height, id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=ReportCanvas)
    return pdf


# --------------------------------------------------------------------------
# Checks: text of every block, page crossings
# --------------------------------------------------------------------------

FOOTER = re.compile(r"^\s*(?:\d+ \(\d+\)|Sida \d+ av \d+)\s*$")


def _pdftotext_pages(pdf: Path, seed: Seed, raw: bool = False) -> list[str]:
    cmd = ["pdftotext", "-enc", "UTF-8"] + (["-raw"] if raw else []) + [str(pdf), "-"]
    text = subprocess.run(cmd, check=True, capture_output=True).stdout.decode("utf-8")
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    out = []
    for pg in pages:
        lines = [ln for ln in pg.split("\n") if ln.strip() != seed.running_header.strip() and not FOOTER.match(ln)]
        out.append("\n".join(lines))
    return out


def _all_texts(blocks: list) -> list[tuple[str, str]]:
    """(kind, text) of every non-empty text of the blocks, findings marked 'finding'."""
    out = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(("heading", b.text))
        elif isinstance(b, Table):
            skip_header = b.kind != "findings" or _is_findings_with_header(b)
            for r, row in enumerate(b.rows):
                for paras in row:
                    for p in paras:
                        if p.text.strip():
                            kind = "finding" if b.kind == "findings" and not (skip_header and r == 0) else f"{b.kind} cell"
                            out.append((kind, p.text))
        elif b.text.strip():
            out.append(("finding" if b.kind == "bullet" else b.kind, b.text))
    return out


def _found(needle: str, variants: list[list[str]]) -> tuple[str, int] | None:
    """('whole', v) if the squashed needle is in variant v's document text; ('split', v) if a
    prefix of it is on one page and the rest on the next (a cell paragraph cut by a page
    break while the next column's text comes between); else None."""
    for v, pages in enumerate(variants):
        if needle in "".join(pages):
            return "whole", v
    for v, pages in enumerate(variants):
        for k in range(len(pages) - 1):
            a, b = pages[k], pages[k + 1]
            for i in range(4, len(needle) - 3):
                if needle[:i] in a and needle[i:] in b:
                    return "split", v
    return None


def check_texts(pdf: Path, blocks: list, seed: Seed) -> tuple[list[str], dict]:
    variants = []
    for raw in (False, True):
        pages = _pdftotext_pages(pdf, seed, raw=raw)
        variants.append([_squash(p) for p in pages])
        # and with line-end hyphens dropped (a hyphen the producer added when it broke a word)
        variants.append([_squash(re.sub(r"-[ \t]*\n\s*", "", p)) for p in pages])
    problems, stats = [], {"checked": 0, "findings": 0, "split": 0, "raw": 0}
    for kind, text in _all_texts(blocks):
        needle = _squash(text)
        if not needle:
            continue
        stats["checked"] += 1
        stats["findings"] += kind == "finding"
        hit = _found(needle, variants)
        if hit is None:
            problems.append(f"{kind} text not in pdftotext output: {text[:70]!r}")
            continue
        stats["split"] += hit[0] == "split"
        stats["raw"] += hit[1] >= 2  # variants 2 and 3 are pdftotext -raw
    # the cover
    for line in cover_lines(seed):
        if not _found(_squash(line), variants):
            problems.append(f"cover line missing: {line!r}")
    return problems, stats


def check_no_bullet_glyphs(pdf: Path, blocks: list) -> list[str]:
    """No bullet glyph in the text layer beyond those in the seed's own text (2021 has one "•" in a paragraph)."""
    seed_text = "".join(t for _, t in _all_texts(blocks))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True).stdout.decode()
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        with_chars = "".join(c["text"] for page in doc.pages for c in page.chars)
    bad = sorted({ch for ch in BULLET_GLYPHS if max(text.count(ch), with_chars.count(ch)) > seed_text.count(ch)})
    return [f"bullet glyph(s) {''.join(bad)!r} in the text layer"] if bad else []


def _context(blocks: list, i: int) -> str:
    """Where block i sits in the heading outline: 'Område N › last Heading 3' (or the chapter).

    As in the document: 2021 has no "Område 3".."Område 6" headings, so its tables of
    areas 3 and 6 sit under "Område 2"."""
    h1 = h2 = h3 = ""
    for b in blocks[:i]:
        if isinstance(b, Heading):
            text = b.text.replace("\t", " ").strip()
            if b.level == 1:
                h1, h2, h3 = text, "", ""
            elif b.level == 2:
                h2, h3 = " ".join(text.split()[:2]), ""
            else:
                h3 = text
    return " › ".join(x for x in (h2 or h1, h3) if x)


def crossings(pdf: Path, blocks: list, producer: str) -> list[tuple[str, list[int]]]:
    """Tables and bullet lists whose texts lie on more than one page (see module docstring)."""
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        stream = [_squash("".join(ch["text"] for ch in p.chars)) for p in doc.pages]
    n = len(stream)
    pos = [0, 0]

    def pages_of(texts: list[tuple[str, int]], start) -> list[int]:
        """Pages holding the texts' heads/tails, searched from ``start``; moves ``pos`` past
        the last one found on the last page."""
        got: dict[int, int] = {}
        for t, min_len in texts:
            needle = _squash(t)
            if len(needle) < min_len:
                continue
            for take in {needle[:30], needle[-30:]}:
                pi, off = start
                while pi < n:
                    hit = stream[pi].find(take, off)
                    if hit >= 0:
                        got[pi] = max(got.get(pi, 0), hit + len(take))
                        break
                    pi, off = pi + 1, 0
        if got:
            last = max(got)
            pos[:] = [last, got[last]]
        return sorted(p + 1 for p in got)

    out = []
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if isinstance(b, Table):
            start = tuple(pos)
            texts: list[tuple[str, int]] = []
            for row in b.rows:
                if b.kind != "findings":  # short cells: the whole row, in content order
                    texts.append(("".join(p.text for paras in row for p in paras), 5))
                texts.extend((p.text, 12) for paras in row for p in paras)
            pages = pages_of(texts, start)
            if pages:
                if len(pages) > 1:
                    kind = "list (findings table)" if b.kind == "findings" and producer == "reportlab" else "table"
                    out.append((f"{kind} {_table_label(b)} ({_context(blocks, i)})", pages))
            i += 1
            continue
        if isinstance(b, Para) and b.kind == "bullet":
            j = i
            while j < len(blocks) and isinstance(blocks[j], Para) and blocks[j].kind == "bullet":
                j += 1
            start = tuple(pos)
            pages = pages_of([(blocks[k].text, 12) for k in range(i, j)], start)
            lbl = next(
                (blocks[k].text for k in range(i - 1, max(i - 3, -1), -1) if isinstance(blocks[k], Para) and blocks[k].kind == "label"),
                None,
            )
            if pages:
                if len(pages) > 1:
                    name = lbl or f"'{blocks[i].text[:30]}…'"
                    out.append((f"list {name} ({_context(blocks, i)})", pages))
            i = j
            continue
        if b.text.strip():  # a heading or paragraph: only moves the search position on
            pages_of([(b.text, 12)], tuple(pos))
        i += 1
    return out


def check_pdf(pdf: Path, blocks: list, seed: Seed, producer: str) -> dict:
    rep: dict = {"pages": _page_count(pdf)}
    problems, stats = check_texts(pdf, blocks, seed)
    rep["text"] = stats
    if producer == "reportlab":
        problems += check_no_bullet_glyphs(pdf, blocks)
    if producer in ("lo-tagged", "chromium"):
        tag_problems, summary = check_tagged(pdf)
        rep["tags"] = summary
        if producer == "lo-tagged":
            problems += tag_problems
        else:
            rep["tags"] = summary if not tag_problems else "none"
    rep["crossing"] = crossings(pdf, blocks, producer)
    if producer == "lo-borderless":
        if not any("Styrkor" in lbl or "STYRKOR" in lbl or "FÖRBÄTTRINGSOMRÅDEN" in lbl for lbl, _ in rep["crossing"]):
            problems.append("no findings table or findings list runs over a page break")
        if sum(lbl.startswith("table") for lbl, _ in rep["crossing"]) < 2:
            problems.append("fewer than two tables run over a page break")
    rep["problems"] = problems
    return rep


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


README = """\
# PDF renditions of the seed reports from several producers

The two seed reports (Torsås 2017 and 2021, see `shared/seeds/README.md`) rendered
by different PDF producers. Every file carries exactly the content of the Word
rendition `tests/fixtures/torsas-<year>.docx` (the blocks `parse_seed` reads from the
seed: every heading, paragraph, finding, score and table cell, same text) plus the
same two-line cover; only the layout and the producer differ. A PDF reader should
get the same scores and findings (text, area, kind) from each of them as from the
Word file.

Built by `tools/make_producer_renditions.py` (its docstring explains how); rebuild
from the repository root with

    .venv/bin/python tools/make_producer_renditions.py

(needs LibreOffice, Chromium, poppler-utils, fonts-liberation, fonts-dejavu-core,
and `reportlab` in the venv, which is not a kompass dependency: it is needed only
for these fixtures). Re-runs give byte-identical files with the same tool versions
and fonts (LibreOffice {lo}, Chromium {chromium}, reportlab {rl}).

| file | producer | pages | what it exercises |
|---|---|---|---|
{rows}

Tables and lists running over page breaks, as the script finds them from the pages
their texts are on (in brackets: the headings above them; 2021 has no "Område 3" to
"Område 6" headings, so its area 3 and 6 tables sit under "Område 2"):

{crossings}
"""

WHAT = {
    "lo-borderless": "LibreOffice Writer PDF, untagged. Borderless, unshaded tables ({tables}): "
    "columns only by alignment, header rows bold. {findings} Word list bullets as OpenSymbol "
    "U+F0B7 glyphs, running header, \"N (M)\" footer, cover without either.",
    "lo-borderless-docx": "The Word file behind the two LibreOffice PDFs: make_renditions' docx "
    "with no table style, nil table borders and no cell shading (otherwise the same).",
    "lo-tagged": "The same borderless docx as a LibreOffice tagged PDF (UseTaggedPDF): "
    "structure tree (element counts summed over pages: {tags}), MarkInfo Marked true; same layout and pages as lo-borderless.",
    "chromium": "HTML printed by headless Chromium (Skia/PDF), Liberation fonts: h1-h3, p, "
    "ul/li (list markers painted as filled circles, no glyph in the text), borderless "
    "tables ({tables}) with bold header rows{wrap}, running header and \"N (M)\" footer "
    "from CSS @page margin boxes. Chromium tags its print-outs (element counts summed over pages: {tags}).",
    "reportlab": "reportlab platypus, DejaVu fonts, untagged. {rl_findings} Every bullet a "
    "filled circle (lists) or square (Rubriker sub-topics) drawn with path operators, no "
    "bullet glyph in the text; wrapped item lines indented under the text. Score overview "
    "tables and Rubriker/Poäng boxes as borderless aligned columns (platypus Table without "
    "grid; numbers right-aligned, long question titles wrapping). Running header on every "
    "page but the cover, \"Sida N av M\" footer.",
}

YEAR_WORDS = {
    2017: {
        "tables": "\"Rubriker \\| Poäng\" boxes whose sub-topics are list bullets, score overview "
        "\"N. \\| question \\| Uppnått \\| Max \\| Procent\" with long wrapping questions",
        "findings": "The 2017 findings are body bullet lists under bold STYRKOR / "
        "FÖRBÄTTRINGSOMRÅDEN labels, not tables.",
        "wrap": "",
        "rl_findings": "The findings are bullet lists under the bold STYRKOR / "
        "FÖRBÄTTRINGSOMRÅDEN labels, as in the document.",
    },
    2021: {
        "tables": "findings \"Styrkor \\| Förbättringsmöjligheter\" (area 6's without header row), "
        "\"Rubriker \\| Poäng\" boxes (areas 1, 7, 8), score overview \"N. \\| title \\| Uppnått \\| Max\"",
        "findings": "Long findings wrap inside their cells; rows split over page breaks.",
        "wrap": ", long findings wrapping in their cells",
        "rl_findings": "Findings tables turned into two bullet lists under bold labels: the "
        "header cells' \"Styrkor\" with the left column's findings, then "
        "\"Förbättringsmöjligheter\" with the right column's (area 6's table, whose header "
        "row the export lost, gets the same two labels: the only text not in the seed).",
    },
}


def _tool_versions() -> dict:
    def run(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
        except Exception:
            return "?"

    lo = re.search(r"LibreOffice ([\d.]+)", run(["soffice", "--version"]))
    ch = re.search(r"Chromium ([\d.]+)", run([_chromium_binary() or "chromium", "--version"]))
    import reportlab

    return {"lo": lo.group(1) if lo else "?", "chromium": ch.group(1) if ch else "?", "rl": reportlab.Version}


def write_readme(results: dict, path: Path) -> None:
    rows, cross = [], []
    for seed in SEEDS:
        for producer in PRODUCERS:
            rep = results[(seed.key, producer)]
            what = WHAT[producer].format(tags=rep.get("tags", ""), **YEAR_WORDS[seed.year])
            rows.append(f"| `{out_name(seed, producer)}` | {producer} | {rep['pages']} | {what} |")
            if producer == "lo-borderless":
                rows.append(f"| `{out_name(seed, producer, 'docx')}` | python-docx | – | {WHAT['lo-borderless-docx']} |")
            if rep["crossing"]:
                items = "; ".join(f"{lbl} (pages {'–'.join(map(str, (pg[0], pg[-1])))})" for lbl, pg in rep["crossing"])
            else:
                items = "none"
            cross.append(f"- `{out_name(seed, producer)}`: {items}")
    path.write_text(README.format(rows="\n".join(rows), crossings="\n".join(cross), **_tool_versions()), encoding="utf-8")


def build_all(work: Path) -> tuple[dict, dict[str, Path]]:
    """Build every producer's rendition of both seeds into ``work``; returns (reports, files)."""
    profile = work / "lo-profile"
    results: dict = {}
    files: dict[str, Path] = {}
    for seed in SEEDS:
        blocks = parse_seed((SEED_DIR / seed.src).read_text(encoding="utf-8"), seed)
        pdf_b, docx_b = build_lo_borderless(seed, blocks, work, profile)
        pdf_t = build_lo_tagged(seed, docx_b, work, profile)
        pdf_c = build_chromium(seed, blocks, work)
        pdf_r = build_reportlab(seed, blocks, work)
        files[docx_b.name] = docx_b
        for producer, pdf in zip(PRODUCERS, (pdf_b, pdf_t, pdf_c, pdf_r)):
            files[pdf.name] = pdf
            results[(seed.key, producer)] = check_pdf(pdf, blocks, seed, producer)
    return results, files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--twice", action="store_true", help="build everything twice and check the bytes are identical")
    args = ap.parse_args(argv)
    missing = [t for t in ("soffice", "pdftotext", "pdfinfo") if shutil.which(t) is None]
    if _chromium_binary() is None:
        missing.append("chromium")
    try:
        import reportlab  # noqa: F401
    except ImportError:
        missing.append("reportlab (pip install reportlab into the venv)")
    if missing:
        print("missing: " + ", ".join(missing), file=sys.stderr)
        return 2

    ok = True
    with tempfile.TemporaryDirectory(prefix="kompass-producers-") as tmp:
        work = Path(tmp) / "a"
        work.mkdir()
        results, files = build_all(work)
        if args.twice:
            work2 = Path(tmp) / "b"
            work2.mkdir()
            _, files2 = build_all(work2)
            for name, path in sorted(files.items()):
                same = path.read_bytes() == files2[name].read_bytes()
                print(f"re-run byte-identical: {name}: {'yes' if same else 'NO'}")
                ok &= same

        for seed in SEEDS:
            for producer in PRODUCERS:
                rep = results[(seed.key, producer)]
                st = rep["text"]
                print(
                    f"{out_name(seed, producer)}: {rep['pages']} pages; {st['checked']} texts "
                    f"({st['findings']} findings) found in pdftotext output"
                    + (f", {st['split']} of them split over a page break" if st["split"] else "")
                    + (f", {st['raw']} only in -raw (content-stream) order" if st["raw"] else "")
                    + (f"; structure tree: {rep['tags']}" if "tags" in rep else "")
                )
                if not rep["crossing"]:
                    print("  no table or list crosses a page break")
                for lbl, pages in rep["crossing"]:
                    print(f"  crosses pages {'->'.join(map(str, pages))}: {lbl}")
                for p in rep["problems"]:
                    ok = False
                    print(f"  PROBLEM: {p}")

        OUT.mkdir(parents=True, exist_ok=True)
        for name, path in sorted(files.items()):
            shutil.copyfile(path, OUT / name)
        write_readme(results, OUT / "README.md")
        print(f"wrote {len(files)} files and README.md to {OUT.relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
