#!/usr/bin/env python3
"""reportlab "plain" rendition of the seed reports (Torsås 2017, 2021): no tables at all.

Why
---
Every other rendition keeps the seed's tables as tables (ruled, borderless,
booktabs, tbl, or, for the findings of the reportlab fixture, bulleted lists).
Some municipalities' reports are written by people who never use a table: the
score overview, the "Rubriker | Poäng" boxes and the strengths / improvements
are typed as running text and lists. A reader must find the same scores and
findings there, from the words alone, without any column geometry to lean on.
This rendition prints the SAME content as the others (the blocks ``parse_seed``
in ``tools/make_renditions.py`` reads from the seed: every heading, paragraph,
finding and score, word for word) with reportlab platypus, and NOTHING is a
platypus Table: only Paragraphs (some with a bullet), Spacers and page breaks
(headings, labels and score lines keep with what follows them).

Run with kompass's interpreter (python-docx, for make_renditions) after
``.venv/bin/pip install reportlab`` (reportlab is not a kompass dependency):
    .venv/bin/python tools/other_producers/build_reportlab_plain.py [--out DIR]
Writes <out>/torsas-2017-reportlab-plain.pdf and <out>/torsas-2021-reportlab-plain.pdf
(default <out>: <repo>/build/reportlab-plain), then checks them (below) and exits 1
if anything is missing.

Layout (one printed form per year, so the reader meets two):
* Score overview ("N. | Title | Uppnått | Max (| Procent)" with its sub-question
  rows and its totals row) as lines of text; the column labels Uppnått / Max /
  Procent are not printed (the wording of the line says it):
  - 2017: one bold line per area "Område 1 Offentlighet och demokrati: 45 av 100
    poäng (45%)", then a paragraph per sub-question "1.3 Informeras invånare om
    resultat? – 13 av 25 poäng (50%)" (the percentages are the seed's, also where
    they do not match the points).
  - 2021: the area as a bold line "3. Styrning och kontroll", under it "Poäng: 66
    av 100", then a paragraph per sub-question "3.1 Strategi för styrning – 8 p
    (max 10)".
  Each area's block is kept on one page.
* "Rubriker | Poäng" boxes (the sub-topics of an area and the area score, right
  under the area heading): no "Rubriker" / "Poäng" header, the sub-topics as a
  list, then the score line: 2017 "–" items and "45 poäng av 100"; 2021 "•" items
  and "Poäng: 64 av 100". 2021 area 1's box lost its score in the export: its
  list has no score line.
* Findings: 2017's STYRKOR / FÖRBÄTTRINGSOMRÅDEN labels and bullets are printed
  as the seed has them (bold label line, "•" bullets). 2021's "Styrkor |
  Förbättringsmöjligheter" tables become two bulleted lists, each under a bold
  label line with the header cell's text; area 6's table, whose header row the
  export lost, gets the document's two labels (the only text not in the seed).
  Bullets are Paragraphs with bulletText "•", so the glyph is in the text layer.
* Body lists of the seed ("· " lines) are "•" bullets too; chart captions (2021)
  small grey lines; the 2021 total "Torsås kommun 2021- 499 poäng" is the seed's
  last paragraph, printed as it is. 2017 prints no total: the seed has none (it
  was in a chart).
* Liberation Serif (regular, bold) everywhere, body 10.5 pt, left-aligned (ragged
  right), never hyphenated (hyphenationLang ""); DejaVu Sans if Liberation Serif
  is not installed. Tabs inside a line (heading numbers "1\\tVad är …") print as
  one space.
* A4. Cover: "KommunKompassen" and "ANALYS AV TORSÅS KOMMUN <year>". Running
  header "Kommunkompassen – Torsås kommun <year>" (left, 9 pt, thin rule under
  it) and footer "Sida N av M" (centre) on every page but the cover; chapters
  (Heading 1) start a page. No structure tags.
* Deterministic: ``rl_config.invariant = 1`` and ``invariant=1`` on the document
  (fixed creation date and /ID), so re-runs are byte-identical (same reportlab and
  fonts).

Self-check (after writing), exit status 1 if anything fails:
* ``pdftotext`` (``-raw``, content-stream order; the reading-order mode as well)
  of each PDF, running header and footer lines dropped, whitespace and soft
  hyphens squashed: every seed block text (headings, paragraphs, bullets, labels,
  captions, Rubriker sub-topics and scores, every finding, every overview question
  and area title), enumerated from the blocks apart from the printing code, and
  every line printed here (score lines included) must appear, in document order.
  As a fallback a seed text may appear without its own hyphens (the reading-order
  mode joins "medborgar-" / "respektive" at a line end); a hyphen that is not the
  seed's (hyphenation) is not excused, nor is a line ending in "-" whose word is
  not the seed's;
* every score of the seed, read from the table cells and not from the printed
  forms (each question's and area's points, max and percentage, each Rubriker
  score), follows its title within a few non-digit characters;
* the cover is page 1 without header/footer; every other page carries the header
  and "Sida N av M"; the story holds no platypus Table; there are at least as
  many "•" glyphs in the text as "•" items printed.
A summary is printed per file.
"""

from __future__ import annotations

import argparse
import html
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from typing import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "build" / "reportlab-plain"

sys.path[:0] = [str(REPO), str(REPO / "tools")]
sys.dont_write_bytecode = True  # leave no __pycache__ in the repository's tools/
from make_renditions import SEED_DIR, SEEDS, Heading, Para, Table, parse_seed  # noqa: E402

from reportlab import rl_config  # noqa: E402

rl_config.invariant = 1

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_LEFT  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import cm  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen import canvas as rl_canvas  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    BaseDocTemplate,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as RLTable  # noqa: E402

AUTHOR = "kompass fixtures"
PRODUCER_TAG = "reportlab-plain"
BULLET = "•"

# Liberation Serif if installed (fonts-liberation2 or fonts-liberation), else DejaVu Sans.
FONT_CANDIDATES = [
    ("LiberationSerif", Path("/usr/share/fonts/truetype/liberation2"), "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
    ("LiberationSerif", Path("/usr/share/fonts/truetype/liberation"), "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
    ("DejaVuSans", Path("/usr/share/fonts/truetype/dejavu"), "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
]


def register_font() -> tuple[str, str, Path]:
    for family, folder, regular, bold in FONT_CANDIDATES:
        if (folder / regular).is_file() and (folder / bold).is_file():
            names = pdfmetrics.getRegisteredFontNames()
            if family not in names:
                pdfmetrics.registerFont(TTFont(family, str(folder / regular)))
                pdfmetrics.registerFont(TTFont(family + "-Bold", str(folder / bold)))
                pdfmetrics.registerFontFamily(family, normal=family, bold=family + "-Bold")
            return family, family + "-Bold", folder / regular
    raise SystemExit("no Liberation Serif or DejaVu Sans TTF under /usr/share/fonts/truetype")


# --------------------------------------------------------------------------
# Printed forms, one per year
# --------------------------------------------------------------------------


@dataclass
class Forms:
    """How one document prints scores and lists in running text."""

    area_lines: Callable  # (num, title, got, max, pct) -> [(text, kind)], kind "area score" or "area title"
    sub_line: Callable  # (num, title, got, max, pct) -> text
    rubriker_score: Callable  # (score) -> text
    subtopic_glyph: str


def _pct(pct: str) -> str:
    return f" ({pct})" if pct else ""


FORMS = {
    2017: Forms(
        area_lines=lambda num, title, got, mx, pct: [(f"Område {num} {title}: {got} av {mx} poäng{_pct(pct)}", "area score")],
        sub_line=lambda num, title, got, mx, pct: f"{num} {title} – {got} av {mx} poäng{_pct(pct)}",
        rubriker_score=lambda s: f"{s} poäng av 100",
        subtopic_glyph="–",
    ),
    2021: Forms(
        area_lines=lambda num, title, got, mx, pct: [(f"{num}. {title}", "area title"), (f"Poäng: {got} av {mx}", "area score")],
        sub_line=lambda num, title, got, mx, pct: f"{num} {title} – {got} p (max {mx})" + (f", {pct}" if pct else ""),
        rubriker_score=lambda s: f"Poäng: {s} av 100",
        subtopic_glyph=BULLET,
    ),
}


# --------------------------------------------------------------------------
# Building the story
# --------------------------------------------------------------------------


def clean(text: str) -> str:
    """The seed text as printed on one line: tabs as spaces, ends trimmed (Paragraph collapses runs)."""
    return text.replace("\t", " ").strip()


def cell(t: Table, r: int, c: int) -> str:
    return clean(t.cell_text(r, c)) if c < len(t.rows[r]) else ""


def findings_labels(blocks: list) -> tuple[str, str]:
    """The header labels of the document's findings tables (for a header-less one)."""
    for b in blocks:
        if isinstance(b, Table) and b.kind == "findings" and b.cell_text(0, 0) == "Styrkor":
            return b.cell_text(0, 0), b.cell_text(0, 1)
    return "Styrkor", "Förbättringsmöjligheter"


class Story:
    """The flowables and, beside them, what was printed (for the self-check)."""

    def __init__(self, regular: str, bold: str):
        base = dict(fontName=regular, fontSize=10.5, leading=13.5, alignment=TA_LEFT,
                    hyphenationLang="", embeddedHyphenation=0, uriWasteReduce=0)
        self.body = ParagraphStyle("body", spaceAfter=7, **base)
        self.label = ParagraphStyle("label", parent=self.body, fontName=bold, spaceBefore=6, spaceAfter=3, keepWithNext=1)
        self.score = ParagraphStyle("score", parent=self.body, spaceBefore=2, spaceAfter=8)
        self.area = ParagraphStyle("area", parent=self.body, fontName=bold, spaceBefore=10, spaceAfter=4, keepWithNext=1)
        self.subq = ParagraphStyle("subq", parent=self.body, leftIndent=14, firstLineIndent=-14, spaceAfter=3)
        self.item = ParagraphStyle("item", parent=self.body, leftIndent=16, bulletIndent=4, bulletFontName=regular,
                                   bulletFontSize=10.5, spaceAfter=2.5)
        self.caption = ParagraphStyle("caption", parent=self.body, fontSize=9, leading=11.5,
                                      textColor=colors.HexColor("#505050"))
        self.heads = {
            1: ParagraphStyle("h1", parent=self.body, fontName=bold, fontSize=17, leading=21, spaceAfter=12, keepWithNext=1),
            2: ParagraphStyle("h2", parent=self.body, fontName=bold, fontSize=13.5, leading=17, spaceBefore=16, spaceAfter=7, keepWithNext=1),
            3: ParagraphStyle("h3", parent=self.body, fontName=bold, fontSize=11.5, leading=14.5, spaceBefore=9, spaceAfter=3, keepWithNext=1),
        }
        self.cover1 = ParagraphStyle("cover1", parent=self.body, fontName=bold, fontSize=34, leading=42, spaceAfter=16)
        self.cover2 = ParagraphStyle("cover2", parent=self.body, fontSize=18, leading=24)
        self.flow: list = []
        self.printed: list[tuple[str, str]] = []  # (kind, text) in print order
        self.n_bullets = 0
        self._keep: dict[str, ParagraphStyle] = {}

    def para(self, text: str, style, kind: str, bullet: str | None = None, keep: bool = False) -> None:
        """One printed line or paragraph; ``keep``: on the same page as the next one."""
        if keep and not getattr(style, "keepWithNext", 0):
            if style.name + "-keep" not in self._keep:
                self._keep[style.name + "-keep"] = ParagraphStyle(style.name + "-keep", parent=style, keepWithNext=1)
            style = self._keep[style.name + "-keep"]
        self.flow.append(Paragraph(html.escape(text, quote=False), style, bulletText=bullet))
        self.printed.append((kind, text))
        if bullet == BULLET:
            self.n_bullets += 1


def build_story(blocks: list, seed, st: Story) -> None:
    forms = FORMS[seed.year]
    labels = findings_labels(blocks)
    st.flow.append(Spacer(1, 200))
    st.para("KommunKompassen", st.cover1, "cover")
    st.para(f"ANALYS AV {seed.municipality.upper()} KOMMUN {seed.year}", st.cover2, "cover")

    last = len(blocks)  # an empty paragraph ending the document would only push a blank page
    while last and isinstance(blocks[last - 1], Para) and blocks[last - 1].kind == "empty":
        last -= 1
    for b in blocks[:last]:
        if isinstance(b, Heading):
            if b.level == 1:
                st.flow.append(PageBreak())
            st.para(clean(b.text), st.heads[b.level], "heading")
        elif isinstance(b, Table):
            {"overview": overview, "rubriker": rubriker, "findings": findings}[b.kind](b, st, forms, labels)
        elif b.kind == "empty":
            gap = Spacer(1, 7)
            if st.flow and st.flow[-1].getKeepWithNext():  # an empty line after a heading or label
                gap.keepWithNext = 1
            st.flow.append(gap)
        elif b.kind == "bullet":
            st.para(clean(b.text), st.item, "bullet", bullet=BULLET)
        elif b.kind == "label":
            st.para(clean(b.text), st.label, "label")
        elif b.kind == "caption":
            st.para(clean(b.text), st.caption, "caption")
        else:
            st.para(clean(b.text), st.body, "paragraph")


def overview(t: Table, st: Story, forms: Forms, labels) -> None:
    """'N. | Title | Uppnått | Max (| Procent)' + sub-question rows + totals row -> lines of text."""
    num = cell(t, 0, 0).rstrip(".").strip()
    title = cell(t, 0, 1)
    pct_col = 4 if t.n_cols >= 5 else None
    got = mx = pct = ""
    subs = []
    for r in range(1, len(t.rows)):
        vals = (cell(t, r, 2), cell(t, r, 3), cell(t, r, pct_col) if pct_col else "")
        if cell(t, r, 0):
            subs.append((cell(t, r, 0), cell(t, r, 1)) + vals)
        elif any(vals):  # the totals row (its first two cells empty or a lone space)
            got, mx, pct = vals
    # one area's lines stay on one page (each keeps with the next but the last)
    lines = [(text, st.area if k == 0 else st.score, kind)  # the first line is the bold area line
             for k, (text, kind) in enumerate(forms.area_lines(num, title, got, mx, pct))]
    lines += [(forms.sub_line(*sub), st.subq, "sub-question score") for sub in subs]
    for k, (text, style, kind) in enumerate(lines):
        st.para(text, style, kind, keep=k < len(lines) - 1)
    st.flow.append(Spacer(1, 6))


def rubriker(t: Table, st: Story, forms: Forms, labels) -> None:
    """'Rubriker | Poäng' box -> a heading-less list of sub-topics and a score line."""
    lines = []
    for r in range(1, len(t.rows)):
        lines += [(clean(p.text), st.item, "sub-topic", forms.subtopic_glyph) for p in t.rows[r][0] if p.text.strip()]
        if cell(t, r, 1):
            lines.append((forms.rubriker_score(cell(t, r, 1)), st.score, "rubriker score", None))
    for k, (text, style, kind, glyph) in enumerate(lines):  # the box stays on one page, with its area heading
        st.para(text, style, kind, bullet=glyph, keep=k < len(lines) - 1)
    st.flow.append(Spacer(1, 4))


def findings(t: Table, st: Story, forms: Forms, labels) -> None:
    """'Styrkor | Förbättringsmöjligheter' table -> two bulleted lists under bold label lines."""
    has_header = t.cell_text(0, 0) == "Styrkor"
    heads = (cell(t, 0, 0), cell(t, 0, 1)) if has_header else labels
    for c in range(2):
        st.para(heads[c], st.label, "findings label" if has_header else "findings label (added)")
        for row in t.rows[1 if has_header else 0:]:
            for p in row[c] if c < len(row) else []:
                if p.text.strip():
                    st.para(clean(p.text), st.item, "finding", bullet=BULLET)
    st.flow.append(Spacer(1, 6))


def has_rl_table(flow) -> bool:
    for f in flow:
        if isinstance(f, RLTable):
            return True
        inner = getattr(f, "_content", None)
        if inner and has_rl_table(inner):
            return True
    return False


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------


def running_header(seed) -> str:
    return f"Kommunkompassen – {seed.municipality} kommun {seed.year}"


def make_canvas(header_text: str, font: str):
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
            w, h = A4
            for state in self._pages:
                self.__dict__.update(state)
                n = self._pageNumber
                if n > 1:
                    self.saveState()
                    self.setFont(font, 9)
                    self.drawString(2.5 * cm, h - 1.55 * cm, header_text)
                    self.setStrokeColor(colors.HexColor("#909090"))
                    self.setLineWidth(0.4)
                    self.line(2.5 * cm, h - 1.72 * cm, w - 2.5 * cm, h - 1.72 * cm)
                    self.drawCentredString(w / 2, 1.35 * cm, f"Sida {n} av {total}")
                    self.restoreState()
                super().showPage()
            super().save()

    return ReportCanvas


def build_pdf(seed, blocks: list, out: Path, regular: str, bold: str) -> tuple[Path, Story]:
    st = Story(regular, bold)
    build_story(blocks, seed, st)
    pdf = out / f"{seed.key}-{PRODUCER_TAG}.pdf"
    doc = BaseDocTemplate(
        str(pdf),
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        topMargin=2.5 * cm,
        bottomMargin=2.3 * cm,
        title=f"Kommunkompassen – Analys av {seed.municipality} kommun {seed.year}",
        author=AUTHOR,
        subject="",
        creator="kompass fixtures (tools/other_producers/build_reportlab_plain.py, reportlab)",
        invariant=1,
        lang="sv-SE",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(list(st.flow), canvasmaker=make_canvas(running_header(seed), regular))
    return pdf, st


# --------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------

FOOTER = re.compile(r"^Sida (\d+) av (\d+)$")


def squash(s: str) -> str:
    s = unicodedata.normalize("NFC", s).replace("\u00ad", "")
    return re.sub(r"\s+", "", s)


def norm(s: str) -> str:
    s = unicodedata.normalize("NFC", s).replace("\u00ad", "")
    return re.sub(r"\s+", " ", s).strip()


def dehyphen(s: str) -> str:
    return s.replace("-", "").replace("\u2010", "")


def pdftotext_pages(pdf: Path, raw: bool) -> list[str]:
    cmd = ["pdftotext", "-enc", "UTF-8"] + (["-raw"] if raw else []) + [str(pdf), "-"]
    text = subprocess.run(cmd, check=True, capture_output=True).stdout.decode("utf-8")
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


def seed_texts(blocks: list) -> list[tuple[str, str]]:
    """What the seed has, enumerated from the blocks independently of the printing code, in print order."""
    out = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(("heading", b.text))
        elif isinstance(b, Table):
            if b.kind == "overview":
                out.append(("overview area title", b.cell_text(0, 1)))
                for r in range(1, len(b.rows)):
                    if b.cell_text(r, 0).strip():
                        out.append(("overview question", f"{b.cell_text(r, 0)} {b.cell_text(r, 1)}"))
            elif b.kind == "rubriker":
                for r in range(1, len(b.rows)):
                    out.extend(("sub-topic", p.text) for p in b.rows[r][0] if p.text.strip())
                    if b.cell_text(r, 1).strip():
                        out.append(("rubriker score", b.cell_text(r, 1)))
            else:
                start = 1 if b.cell_text(0, 0) == "Styrkor" else 0
                for c in range(2):
                    if start:
                        out.append(("findings label", b.cell_text(0, c)))
                    out.extend(("finding", p.text) for row in b.rows[start:] for p in row[c] if p.text.strip())
        elif b.text.strip():
            out.append((b.kind, b.text))
    return out


def seed_scores(blocks: list) -> list[tuple[str, str, list[str]]]:
    """(what, text the numbers follow, [numbers]) for every score the seed has, form-independent:
    each overview question's and area's points, max (and percentage), each Rubriker box's score."""
    out = []
    for b in blocks:
        if not isinstance(b, Table) or b.kind not in ("overview", "rubriker"):
            continue
        if b.kind == "overview":
            for r in range(1, len(b.rows)):
                nums = [b.cell_text(r, c).strip() for c in range(2, b.n_cols) if b.cell_text(r, c).strip()]
                if b.cell_text(r, 0).strip():
                    out.append(("question score", f"{b.cell_text(r, 0)} {b.cell_text(r, 1)}", nums))
                elif nums:
                    out.append(("area score", b.cell_text(0, 1), nums))
        else:
            for r in range(1, len(b.rows)):
                topics = [p.text for p in b.rows[r][0] if p.text.strip()]
                if topics and b.cell_text(r, 1).strip():
                    out.append(("rubriker score", topics[-1], [b.cell_text(r, 1).strip()]))
    return out


def check(pdf: Path, seed, blocks: list, st: Story) -> tuple[list[str], dict]:
    problems: list[str] = []
    facts: dict = {}
    header = running_header(seed)
    pages_raw = pdftotext_pages(pdf, raw=True)
    pages_def = pdftotext_pages(pdf, raw=False)
    n = len(pages_raw)
    facts["pages"] = n

    # cover, running header, footer
    lines0 = [ln.strip() for ln in pages_raw[0].splitlines() if ln.strip()]
    if lines0 != ["KommunKompassen", f"ANALYS AV {seed.municipality.upper()} KOMMUN {seed.year}"]:
        problems.append(f"page 1 is not the bare two-line cover: {lines0[:4]}")
    for k, pg in enumerate(pages_raw[1:], start=2):
        lines = [ln.strip() for ln in pg.splitlines() if ln.strip()]
        if header not in lines:
            problems.append(f"page {k}: running header missing")
        if f"Sida {k} av {n}" not in lines:
            problems.append(f"page {k}: footer 'Sida {k} av {n}' missing")

    def body_lines(pages: list[str]) -> list[str]:
        kept = []
        for pg in pages[1:]:
            kept += [ln for ln in pg.splitlines() if ln.strip() != header and not FOOTER.match(ln.strip())]
        return kept

    def body(pages: list[str]) -> str:
        return squash("\n".join(body_lines(pages)))

    full_raw, full_def = body(pages_raw), body(pages_def)

    def search(items: list[tuple[str, str]], what: str) -> dict:
        pos = 0
        stats = {"found": 0, "after hyphen normalisation": 0, "out of order": 0, "missing": 0}
        for kind, text in items:
            frag = squash(text)
            if not frag:
                continue
            hit = full_raw.find(frag, pos)
            if hit >= 0:
                pos = hit + len(frag)
                stats["found"] += 1
            elif frag in full_raw or frag in full_def:
                stats["out of order"] += 1
                problems.append(f"{what}: {kind} out of order: {text[:70]!r}")
            elif dehyphen(frag) in full_raw or dehyphen(frag) in full_def:
                # pdftotext's reading-order mode joins a word broken after a real hyphen
                # ("medborgar-" / "respektive" -> "medborgarrespektive"); an inserted hyphen
                # (hyphenation) is not excused
                stats["after hyphen normalisation"] += 1
            else:
                stats["missing"] += 1
                problems.append(f"{what}: {kind} missing: {text[:70]!r}")
        return stats

    facts["seed texts"] = search(seed_texts(blocks), "seed")
    facts["n seed texts"] = sum(facts["seed texts"].values())
    # every score right after its title (whatever the printed form: only a few non-digit
    # characters between the title and each number), on whitespace-normalised text
    flat = " ".join(body_lines(pages_raw))
    scores = seed_scores(blocks)
    for what, text, nums in scores:
        pattern = re.escape(norm(text)) + "".join(
            r"\D{0,40}?(?<![0-9])" + re.escape(norm(x)) + r"(?![0-9])" for x in nums)
        if not re.search(pattern, flat):
            problems.append(f"{what} {' / '.join(nums)} not printed after {text[:50]!r}")
    facts["seed scores"] = len(scores)
    printed = [(k, t) for k, t in st.printed if k != "cover"]
    facts["printed lines"] = search(printed, "printed")
    score_kinds = ("area score", "sub-question score", "rubriker score")
    facts["score lines"] = sum(1 for k, _ in printed if k in score_kinds)

    if has_rl_table(st.flow):
        problems.append("the story holds a platypus Table")
    glyphs = sum(pg.count(BULLET) for pg in pages_raw)
    facts["bullet glyphs"] = glyphs
    if glyphs < st.n_bullets:
        problems.append(f"{glyphs} '•' glyphs in the text, {st.n_bullets} bullet items printed")
    # no word broken at a line end with an inserted hyphen: every line ending in "-"
    # must be a hyphen the seed has (the next word follows it in the seed's text)
    seed_all = squash(" ".join(t for _, t in seed_texts(blocks)) + " ".join(t for _, t in printed))
    for pg in pages_def[1:]:
        lines = [ln.strip() for ln in pg.splitlines() if ln.strip()]
        for a, b in zip(lines, lines[1:]):
            if a.endswith("-") and b.split() and squash(a.split()[-1] + b.split()[0]) not in seed_all:
                problems.append(f"line-end hyphen not in the seed: {a[-20:]!r} / {b[:20]!r}")
    return problems, facts


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    out = ap.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    regular, bold, font_file = register_font()
    print(f"font: {regular} ({font_file})")
    ok = True
    for seed in SEEDS:
        blocks = parse_seed((SEED_DIR / seed.src).read_text(encoding="utf-8"), seed)
        pdf, st = build_pdf(seed, blocks, out, regular, bold)
        problems, facts = check(pdf, seed, blocks, st)
        print(f"{pdf}: {facts['pages']} pages")
        print(f"  seed texts ({facts['n seed texts']}): {facts['seed texts']}; "
              f"seed scores (question, area, Rubriker) after their titles: {facts['seed scores']}")
        print(f"  printed lines: {facts['printed lines']}; score lines printed: {facts['score lines']}; "
              f"'•' glyphs: {facts['bullet glyphs']} (bullet items {st.n_bullets})")
        for p in problems:
            ok = False
            print(f"  PROBLEM: {p}")
        if not problems:
            print("  self-check OK")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
