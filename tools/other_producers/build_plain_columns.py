#!/usr/bin/env python3
"""reportlab two-column, tables-free rendition of the seed reports (Torsås 2017, 2021).

Why
---
``build_reportlab_plain.py`` already prints the seeds without any table, in one
column, ragged right. Real reports are also set in two justified columns, and
their writers type the score overview in yet other words. This rendition prints
the SAME content (the blocks ``parse_seed`` in ``tools/make_renditions.py``
reads from the seed: every heading, paragraph, finding and score, word for
word) with reportlab platypus, in two columns per page, and NOTHING is a
platypus Table: only Paragraphs (some with a bullet), Spacers and page breaks.

Run:  .venv/bin/python tools/other_producers/build_plain_columns.py [--out DIR]
Writes DIR/torsas-2017-plain-columns.pdf and DIR/torsas-2021-plain-columns.pdf
(default DIR: <repo>/build/plain-columns), then checks them (below) and exits 1
if anything is missing.

Layout
------
* A4, margins 2 cm, two frames side by side (8.1 cm each, 0.8 cm gutter); the
  text flows down the left column, then the right one. Body 10 pt / 12.5 pt,
  justified (TA_JUSTIFY), Liberation Serif (DejaVu Serif if not installed),
  never hyphenated. Headings stay in the column (bold, 14 / 12 / 10.5 pt).
  Tabs inside a line (heading numbers "1\\tVad är …") print as one space.
* Cover page alone (one full-width frame): "KommunKompassen" and
  "ANALYS AV TORSÅS KOMMUN <year>". Every other page: centred footer
  "Torsås kommun <year> – sida N" (no running header). Chapters (Heading 1)
  start a new page (at the top of the left column).
* Score overview ("N. | Title | Uppnått | Max (| Procent)" + sub-question rows +
  totals row) as lines of text, column labels not printed:
  - 2017: bold area line "1 Offentlighet och demokrati – 45/100 (45%)", then
    one line per sub-question "1.3 Informeras invånare om resultat?: 13/25 (50%)"
    (the percentages are the seed's, also where they do not match the points).
  - 2021: bold area line "Område 3: Styrning och kontroll, 66 poäng av 100",
    then "3.1 Strategi för styrning (8 av 10)".
  An area's lines keep together.
* "Rubriker | Poäng" boxes: no header; the sub-topics as a "–" list, then a line
  "Områdets poäng: 45" (2017) / "Totalt för området: 64 av 100" (2021). 2021
  area 1's box lost its score in the export: no score line there.
* Findings: 2017's STYRKOR / FÖRBÄTTRINGSOMRÅDEN labels are bold lines with the
  seed's text, their items "•" bullets. 2021's "Styrkor | Förbättringsmöjligheter"
  tables become two "•" lists, each under a bold label line with the header
  cell's text; area 6's table lost its header row in the export and gets the
  document's two labels (the only text printed that is not the seed's there).
* Body lists ("· " lines) are "•" bullets; chart captions (2021) small grey
  lines; the 2021 total "Torsås kommun 2021- 499 poäng" is the seed's last
  paragraph, printed as is; 2017 prints no total (the seed has none).
* Deterministic: ``rl_config.invariant = 1`` (fixed dates and /ID).

Self-check: ``pdftotext -raw`` of each PDF, footer lines dropped, all whitespace
squashed: every seed text (enumerated from the blocks, apart from the printing
code) appears in document order; every score of the seed (each question's and
area's points, max and percentage, each Rubriker score) follows its title within
a few non-digit characters; page 1 is the bare cover and every other page has
its footer; no platypus Table in the story. Exit status 1 if anything fails.
"""

from __future__ import annotations

import argparse
import html
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "build" / "plain-columns"

sys.path[:0] = [str(REPO), str(REPO / "tools")]
sys.dont_write_bytecode = True
from make_renditions import SEED_DIR, SEEDS, Heading, Para, Table, parse_seed  # noqa: E402

from reportlab import rl_config  # noqa: E402

rl_config.invariant = 1

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import cm  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as RLTable  # noqa: E402

TAG = "plain-columns"
BULLET = "•"
DASH = "–"

FONTS = [
    ("LiberationSerif", "/usr/share/fonts/truetype/liberation2", "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
    ("LiberationSerif", "/usr/share/fonts/truetype/liberation", "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
    ("DejaVuSerif", "/usr/share/fonts/truetype/dejavu", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
]


def register_font() -> tuple[str, str, str]:
    for fam, folder, reg, bold in FONTS:
        r, b = Path(folder) / reg, Path(folder) / bold
        if r.is_file() and b.is_file():
            if fam not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(fam, str(r)))
                pdfmetrics.registerFont(TTFont(fam + "-Bold", str(b)))
                pdfmetrics.registerFontFamily(fam, normal=fam, bold=fam + "-Bold")
            return fam, fam + "-Bold", str(r)
    raise SystemExit("neither Liberation Serif nor DejaVu Serif found under /usr/share/fonts/truetype")


# --------------------------------------------------------------------------
# Printed forms
# --------------------------------------------------------------------------


def _pct(p: str) -> str:
    return f" ({p})" if p else ""


FORMS = {
    2017: dict(
        area=lambda n, t, g, m, p: f"{n} {t} – {g}/{m}{_pct(p)}",
        sub=lambda n, t, g, m, p: f"{n} {t}: {g}/{m}{_pct(p)}",
        rubriker=lambda s: f"Områdets poäng: {s}",
    ),
    2021: dict(
        area=lambda n, t, g, m, p: f"Område {n}: {t}, {g} poäng av {m}{_pct(p)}",
        sub=lambda n, t, g, m, p: f"{n} {t} ({g} av {m}{', ' + p if p else ''})",
        rubriker=lambda s: f"Totalt för området: {s} av 100",
    ),
}


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\t", " ").replace("\xa0", " ")).strip()


def cell(t: Table, r: int, c: int) -> str:
    return clean(t.cell_text(r, c)) if c < len(t.rows[r]) else ""


class Story:
    def __init__(self, regular: str, bold: str):
        base = dict(fontName=regular, fontSize=10, leading=12.5, alignment=TA_JUSTIFY,
                    hyphenationLang="", embeddedHyphenation=0, splitLongWords=0)
        self.body = ParagraphStyle("body", spaceAfter=5, **base)
        self.label = ParagraphStyle("label", parent=self.body, fontName=bold, alignment=TA_LEFT,
                                    spaceBefore=5, spaceAfter=2, keepWithNext=1)
        self.area = ParagraphStyle("area", parent=self.body, fontName=bold, alignment=TA_LEFT,
                                   spaceBefore=8, spaceAfter=3)
        self.subq = ParagraphStyle("subq", parent=self.body, alignment=TA_LEFT, leftIndent=10,
                                   firstLineIndent=-10, spaceAfter=2)
        self.score = ParagraphStyle("score", parent=self.body, fontName=bold, alignment=TA_LEFT,
                                    spaceBefore=2, spaceAfter=6)
        self.item = ParagraphStyle("item", parent=self.body, leftIndent=12, bulletIndent=2,
                                   bulletFontName=regular, bulletFontSize=10, spaceAfter=2)
        self.caption = ParagraphStyle("caption", parent=self.body, fontSize=8.5, leading=10.5,
                                      alignment=TA_LEFT, textColor=colors.HexColor("#555555"))
        self.heads = {
            1: ParagraphStyle("h1", parent=self.body, fontName=bold, fontSize=14, leading=17,
                              alignment=TA_LEFT, spaceAfter=8, keepWithNext=1),
            2: ParagraphStyle("h2", parent=self.body, fontName=bold, fontSize=12, leading=14.5,
                              alignment=TA_LEFT, spaceBefore=10, spaceAfter=5, keepWithNext=1),
            3: ParagraphStyle("h3", parent=self.body, fontName=bold, fontSize=10.5, leading=13,
                              alignment=TA_LEFT, spaceBefore=6, spaceAfter=2, keepWithNext=1),
        }
        self.cover1 = ParagraphStyle("cover1", parent=self.body, fontName=bold, fontSize=32,
                                     leading=40, alignment=TA_CENTER, spaceAfter=18)
        self.cover2 = ParagraphStyle("cover2", parent=self.body, fontSize=17, leading=22, alignment=TA_CENTER)
        self.flow: list = []
        self.printed: list[tuple[str, str]] = []
        self._kept: dict[str, ParagraphStyle] = {}

    def para(self, text, style, kind, bullet=None, keep=False):
        if keep and not getattr(style, "keepWithNext", 0):
            name = style.name + "-keep"
            if name not in self._kept:
                self._kept[name] = ParagraphStyle(name, parent=style, keepWithNext=1)
            style = self._kept[name]
        self.flow.append(Paragraph(html.escape(text, quote=False), style, bulletText=bullet))
        self.printed.append((kind, text))


def findings_labels(blocks):
    for b in blocks:
        if isinstance(b, Table) and b.kind == "findings" and b.cell_text(0, 0) == "Styrkor":
            return b.cell_text(0, 0), b.cell_text(0, 1)
    return "Styrkor", "Förbättringsmöjligheter"


def build_story(blocks, seed, st: Story):
    forms = FORMS[seed.year]
    labels = findings_labels(blocks)
    st.flow.append(Spacer(1, 220))
    st.para("KommunKompassen", st.cover1, "cover")
    st.para(f"ANALYS AV {seed.municipality.upper()} KOMMUN {seed.year}", st.cover2, "cover")
    st.flow += [NextPageTemplate("body"), PageBreak()]
    at_page_top = True
    for b in blocks:
        if isinstance(b, Heading):
            if b.level == 1 and not at_page_top:
                st.flow.append(PageBreak())
            st.para(clean(b.text), st.heads[b.level], "heading")
        elif isinstance(b, Table):
            if b.kind == "overview":
                overview(b, st, forms)
            elif b.kind == "rubriker":
                rubriker(b, st, forms)
            else:
                findings(b, st, labels)
        elif b.kind == "empty":
            gap = Spacer(1, 5)
            if st.flow and st.flow[-1].getKeepWithNext():
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
        at_page_top = False


def overview(t: Table, st: Story, forms):
    num = cell(t, 0, 0).rstrip(".").strip()
    title = cell(t, 0, 1)
    pc = 4 if t.n_cols >= 5 else None
    got = mx = pct = ""
    subs = []
    for r in range(1, len(t.rows)):
        vals = (cell(t, r, 2), cell(t, r, 3), cell(t, r, pc) if pc else "")
        if cell(t, r, 0):
            subs.append((cell(t, r, 0), cell(t, r, 1)) + vals)
        elif any(vals):
            got, mx, pct = vals
    lines = [(forms["area"](num, title, got, mx, pct), st.area, "area score")]
    lines += [(forms["sub"](*s), st.subq, "sub-question score") for s in subs]
    for k, (text, style, kind) in enumerate(lines):
        st.para(text, style, kind, keep=k < len(lines) - 1)
    st.flow.append(Spacer(1, 4))


def rubriker(t: Table, st: Story, forms):
    lines = []
    for r in range(1, len(t.rows)):
        lines += [(clean(p.text), st.item, "sub-topic", DASH) for p in t.rows[r][0] if p.text.strip()]
        if cell(t, r, 1):
            lines.append((forms["rubriker"](cell(t, r, 1)), st.score, "rubriker score", None))
    for k, (text, style, kind, glyph) in enumerate(lines):
        st.para(text, style, kind, bullet=glyph, keep=k < len(lines) - 1)
    st.flow.append(Spacer(1, 3))


def findings(t: Table, st: Story, labels):
    has_header = t.cell_text(0, 0) == "Styrkor"
    heads = (cell(t, 0, 0), cell(t, 0, 1)) if has_header else labels
    for c in range(2):
        st.para(heads[c], st.label, "findings label" if has_header else "findings label (added)")
        for row in t.rows[1 if has_header else 0:]:
            for p in row[c] if c < len(row) else []:
                if p.text.strip():
                    st.para(clean(p.text), st.item, "finding", bullet=BULLET)
    st.flow.append(Spacer(1, 5))


def has_rl_table(flow) -> bool:
    return any(isinstance(f, RLTable) or has_rl_table(getattr(f, "_content", None) or []) for f in flow)


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------


def footer_text(seed, n: int) -> str:
    return f"{seed.municipality} kommun {seed.year} – sida {n}"


def build_pdf(seed, blocks, out: Path, regular: str, bold: str):
    st = Story(regular, bold)
    build_story(blocks, seed, st)
    pdf = out / f"{seed.key}-{TAG}.pdf"
    margin, gutter = 2 * cm, 0.8 * cm
    doc = BaseDocTemplate(
        str(pdf), pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
        bottomMargin=2.2 * cm, title=f"Kommunkompassen – Analys av {seed.municipality} kommun {seed.year}",
        author="kompass fixtures", subject="",
        creator="kompass fixtures (tools/other_producers/build_plain_columns.py, reportlab)",
        invariant=1, lang="sv-SE",
    )
    colw = (doc.width - gutter) / 2
    pad = dict(leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    cover = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="cover", **pad)
    left = Frame(doc.leftMargin, doc.bottomMargin, colw, doc.height, id="left", **pad)
    right = Frame(doc.leftMargin + colw + gutter, doc.bottomMargin, colw, doc.height, id="right", **pad)

    def on_body(canv, _doc):
        canv.saveState()
        canv.setFont(regular, 9)
        canv.drawCentredString(A4[0] / 2, 1.2 * cm, footer_text(seed, canv.getPageNumber()))
        canv.restoreState()

    doc.addPageTemplates([
        PageTemplate(id="cover", frames=[cover]),
        PageTemplate(id="body", frames=[left, right], onPage=on_body),
    ])
    doc.build(list(st.flow))
    return pdf, st


# --------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------


def squash(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", s).replace("\u00ad", ""))


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s).replace("\u00ad", "")).strip()


def pdftotext_pages(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],
                         check=True, capture_output=True).stdout.decode("utf-8")
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def seed_texts(blocks) -> list[tuple[str, str]]:
    """Every text of the seed, from the blocks (not from the printing code), in order."""
    out = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(("heading", b.text))
        elif isinstance(b, Table):
            if b.kind == "overview":
                out.append(("overview area title", b.cell_text(0, 1)))
                out += [("overview question", f"{b.cell_text(r, 0)} {b.cell_text(r, 1)}")
                        for r in range(1, len(b.rows)) if b.cell_text(r, 0).strip()]
            elif b.kind == "rubriker":
                for r in range(1, len(b.rows)):
                    out += [("sub-topic", p.text) for p in b.rows[r][0] if p.text.strip()]
                    if b.cell_text(r, 1).strip():
                        out.append(("rubriker score", b.cell_text(r, 1)))
            else:
                start = 1 if b.cell_text(0, 0) == "Styrkor" else 0
                for c in range(2):
                    if start:
                        out.append(("findings label", b.cell_text(0, c)))
                    out += [("finding", p.text) for row in b.rows[start:] for p in row[c] if p.text.strip()]
        elif b.text.strip():
            out.append((b.kind, b.text))
    return out


def seed_scores(blocks) -> list[tuple[str, str, list[str]]]:
    out = []
    for b in blocks:
        if not isinstance(b, Table):
            continue
        if b.kind == "overview":
            for r in range(1, len(b.rows)):
                nums = [b.cell_text(r, c).strip() for c in range(2, b.n_cols) if b.cell_text(r, c).strip()]
                if b.cell_text(r, 0).strip():
                    out.append(("question", f"{b.cell_text(r, 0)} {b.cell_text(r, 1)}", nums))
                elif nums:
                    out.append(("area", b.cell_text(0, 1), nums))
        elif b.kind == "rubriker":
            for r in range(1, len(b.rows)):
                topics = [p.text for p in b.rows[r][0] if p.text.strip()]
                if topics and b.cell_text(r, 1).strip():
                    out.append(("rubriker", topics[-1], [b.cell_text(r, 1).strip()]))
    return out


def check(pdf: Path, seed, blocks, st: Story) -> tuple[list[str], dict]:
    problems: list[str] = []
    pages = pdftotext_pages(pdf)
    facts = {"pages": len(pages)}
    cover = [ln.strip() for ln in pages[0].splitlines() if ln.strip()]
    if cover != ["KommunKompassen", f"ANALYS AV {seed.municipality.upper()} KOMMUN {seed.year}"]:
        problems.append(f"page 1 is not the bare cover: {cover[:4]}")
    body_lines = []
    for k, pg in enumerate(pages[1:], start=2):
        lines = [ln.strip() for ln in pg.splitlines() if ln.strip()]
        if footer_text(seed, k) not in lines:
            problems.append(f"page {k}: footer {footer_text(seed, k)!r} missing")
        body_lines += [ln for ln in lines if ln != footer_text(seed, k)]
    full = squash("\n".join(body_lines))
    flat = norm(" ".join(body_lines))

    def search(items, what):
        pos, found = 0, 0
        for kind, text in items:
            frag = squash(text)
            if not frag:
                continue
            hit = full.find(frag, pos)
            if hit >= 0:
                pos, found = hit + len(frag), found + 1
            elif frag in full:
                problems.append(f"{what} {kind} out of order: {text[:70]!r}")
            else:
                problems.append(f"{what} {kind} missing: {text[:70]!r}")
        return found

    texts = seed_texts(blocks)
    facts["seed texts"] = f"{search(texts, 'seed')}/{len([t for t in texts if squash(t[1])])} in order"
    printed = [(k, t) for k, t in st.printed if k != "cover"]
    facts["printed lines"] = f"{search(printed, 'printed')}/{len(printed)} in order"
    scores = seed_scores(blocks)
    ok = 0
    for what, title, nums in scores:
        pat = re.escape(norm(title)) + "".join(
            r"\D{0,40}?(?<![0-9])" + re.escape(norm(x)) + r"(?![0-9])" for x in nums)
        if re.search(pat, flat):
            ok += 1
        else:
            problems.append(f"{what} score {'/'.join(nums)} not printed after {title[:50]!r}")
    facts["scores"] = f"{ok}/{len(scores)}"
    if has_rl_table(st.flow):
        problems.append("the story holds a platypus Table")
    return problems, facts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    out = ap.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    regular, bold, font_file = register_font()
    print(f"font: {regular} ({font_file})")
    all_ok = True
    for seed in SEEDS:
        blocks = parse_seed((SEED_DIR / seed.src).read_text(encoding="utf-8"), seed)
        pdf, st = build_pdf(seed, blocks, out, regular, bold)
        problems, facts = check(pdf, seed, blocks, st)
        print(f"{pdf}: {facts['pages']} pages; seed texts {facts['seed texts']}; "
              f"printed lines {facts['printed lines']}; scores after their titles {facts['scores']}")
        for p in problems:
            print(f"  PROBLEM: {p}")
        all_ok &= not problems
        if not problems:
            print("  self-check OK")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
