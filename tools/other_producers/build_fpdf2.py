#!/usr/bin/env python3
"""fpdf2 rendition of the seed reports (Torsås 2017, 2021).

Run (after dump_blocks.py), with an interpreter that has fpdf2 (build.sh makes
one in <out>/venv):
    <out>/venv/bin/python tools/other_producers/build_fpdf2.py [--out DIR] [--fonts DIR]
Reads <out>/blocks-<year>.json, writes <out>/torsas-<year>-fpdf2.pdf (default <out>:
<repo>/build/other-producers). Fonts: Liberation 2 TTFs from --fonts (default the
Debian fonts-liberation2 directory /usr/share/fonts/truetype/liberation2).

Layout (deliberately unlike the LibreOffice/Chromium/reportlab fixtures):
* Liberation Serif 11 pt body, JUSTIFIED (fpdf2 multi_cell align J: word spacing
  stretched with Tw / per-word positioning), Liberation Sans headings and tables.
* Findings tables (2021 "Styrkor | Förbättringsmöjligheter"): no borders, no
  shading; every cell paragraph is wrapped with multi_cell(dry_run) and drawn line
  by line with cell(); the two columns are laid out side by side and split across
  pages line by line (a long row continues at the top of the next page).
* Score overview "N. | question | Uppnått | Max (| Procent)" and "Rubriker | Poäng"
  boxes: booktabs style, only horizontal rules (a heavy rule above the header, a
  light rule below it, a heavy rule at the bottom), no vertical rules; numbers
  right-aligned, long questions wrap in their column; rows do not split.
* Bullets: body lists "•" glyph with a hanging indent (text via multi_cell at the
  indent), bullets inside table cells "-" glyph.
* Running header "Torsås kommun" (right, 9 pt, no rule) and footer "Sida N av M"
  (alias {nb}) on every page but the cover. Chapters (Heading 1) start a page.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "build" / "other-producers"
FONTS = Path("/usr/share/fonts/truetype/liberation2")  # system fonts (fonts-liberation2), --fonts overrides
HEAD_RGB = (0x1F, 0x38, 0x64)
LM = RM = 25.0
TM, BM = 25.0, 22.0
COL_WIDTHS_CM = {
    ("rubriker", 2): [12.5, 3.5],
    ("findings", 2): [8.0, 8.0],
    ("overview", 5): [1.3, 9.1, 2.0, 1.6, 2.0],
    ("overview", 4): [1.3, 10.7, 2.0, 2.0],
}
PT = 25.4 / 72  # mm per point


class Report(FPDF):
    def __init__(self, data: dict):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.data = data
        self.header_text = f"{data['municipality']} kommun"
        for fam, files in (("LSerif", "LiberationSerif"), ("LSans", "LiberationSans")):
            self.add_font(fam, "", str(FONTS / f"{files}-Regular.ttf"))
            self.add_font(fam, "B", str(FONTS / f"{files}-Bold.ttf"))
        self.set_margins(LM, TM, RM)
        self.set_auto_page_break(True, BM)
        self.alias_nb_pages("{nb}")
        self.set_title(f"Kommunkompassen – Analys av {data['municipality']} kommun {data['year']}")
        self.set_author("producer-trial fpdf2")
        self.set_creator("producer-trial build_fpdf2.py")
        self.set_creation_date(__import__("datetime").datetime(2000, 1, 1, tzinfo=__import__("datetime").timezone.utc))
        self.set_lang("sv-SE")

    # running header / footer -------------------------------------------------
    def header(self):
        if self.page_no() == 1:
            return
        self.set_font("LSans", "", 9)
        self.set_text_color(0)
        self.set_xy(LM, 12)
        self.cell(self.epw, 5, self.header_text, align="R")
        self.set_xy(LM, TM)

    def footer(self):
        if self.page_no() == 1:
            return
        self.set_font("LSans", "", 9)
        self.set_text_color(0)
        self.set_xy(LM, self.h - 14)
        self.cell(self.epw, 5, f"Sida {self.page_no()} av {{nb}}", align="C")

    # helpers -----------------------------------------------------------------
    @property
    def bottom(self) -> float:
        return self.h - BM

    def ensure(self, height: float) -> None:
        if self.get_y() + height > self.bottom:
            self.add_page()

    def wrap(self, text: str, width: float) -> list[str]:
        text = text.replace("\t", " ")
        if not text.strip():
            return [text]
        return self.multi_cell(width, 5, text, dry_run=True, output="LINES", align="L")


def tabbed_heading(pdf: Report, text: str, size: float, tab_mm: float) -> None:
    """A heading whose number and title are separated by a tab: number, then title at a tab stop."""
    lh = size * PT * 1.25
    pdf.set_font("LSans", "B", size)
    pdf.set_text_color(*HEAD_RGB)
    if "\t" in text:
        num, title = text.split("\t", 1)
        pdf.set_x(LM)
        pdf.cell(tab_mm, lh, num.strip())
        pdf.set_x(LM + tab_mm)
        pdf.multi_cell(pdf.epw - tab_mm, lh, title.strip(), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    else:
        pdf.set_x(LM)
        pdf.multi_cell(pdf.epw, lh, text.strip(), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)


def heading(pdf: Report, b: dict) -> None:
    lvl = b["level"]
    if lvl == 1:
        pdf.add_page()
        tabbed_heading(pdf, b["text"], 16, 10)
        pdf.ln(5)
    elif lvl == 2:
        pdf.ln(5)
        pdf.ensure(30)
        tabbed_heading(pdf, b["text"], 14, 24)
        pdf.ln(3)
    else:
        pdf.ln(3)
        pdf.ensure(20)
        tabbed_heading(pdf, b["text"], 12, 10)
        pdf.ln(1.5)


BODY_LH = 11 * PT * 1.2


def body_para(pdf: Report, p: dict, next_kind: str | None) -> None:
    kind, text = p["kind"], p["text"]
    if kind == "empty":
        pdf.ln(BODY_LH)
        return
    if kind == "label":
        pdf.ensure(BODY_LH * 3)
        pdf.set_font("LSerif", "B", 11)
        pdf.set_x(LM)
        pdf.multi_cell(pdf.epw, BODY_LH, text.strip(), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
        return
    if kind == "caption":
        pdf.set_font("LSans", "", 9)
        pdf.set_text_color(0x40)
        pdf.set_x(LM)
        pdf.multi_cell(pdf.epw, 9 * PT * 1.2, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0)
        pdf.ln(3)
        return
    pdf.set_font("LSerif", "", 11)
    if kind == "bullet":
        indent = 6.0
        pdf.ensure(BODY_LH)
        y = pdf.get_y()
        pdf.set_xy(LM + 1.5, y)
        pdf.cell(indent - 1.5, BODY_LH, "•")
        pdf.set_xy(LM + indent, y)
        pdf.multi_cell(pdf.epw - indent, BODY_LH, text.replace("\t", " "), align="J",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(0.8 if next_kind == "bullet" else 3.5)
        return
    pdf.set_x(LM)
    pdf.multi_cell(pdf.epw, BODY_LH, text.replace("\t", " "), align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3.5)


# tables ------------------------------------------------------------------------

CELL_SIZE = 10
CELL_LH = CELL_SIZE * PT * 1.2
PAD_X = 1.8


def cell_lines(pdf: Report, paras: list[dict], width: float, bold: bool, bullet_dash: bool = True):
    """[(x_offset, text, is_bold, height)] lines of a cell; '-' bullets with a hanging indent."""
    pdf.set_font("LSans", "B" if bold else "", CELL_SIZE)
    out = []
    for k, p in enumerate(paras):
        text = p["text"].replace("\t", " ").rstrip() if p["text"].strip() else ""
        if p["kind"] == "bullet" and bullet_dash:
            lines = pdf.wrap(text, width - 4)
            out.append((0.0, "-", bold, 0.0))  # drawn on the first line's baseline
            for i, ln in enumerate(lines):
                out.append((4.0, ln, bold, CELL_LH))
        elif not text:
            out.append((0.0, "", bold, CELL_LH * 0.8))
        else:
            for ln in pdf.wrap(text, width):
                out.append((0.0, ln, bold, CELL_LH))
        if k < len(paras) - 1:
            out.append((0.0, "", bold, 1.2))  # paragraph spacing inside the cell
    return out


def draw_line(pdf: Report, x: float, y: float, w: float, item, align: str = "L") -> None:
    dx, text, bold, h = item
    if not text:
        return
    pdf.set_font("LSans", "B" if bold else "", CELL_SIZE)
    pdf.set_xy(x + dx, y)
    pdf.cell(w - dx, CELL_LH, text, align=align)


def findings_table(pdf: Report, t: dict) -> None:
    """Borderless two-column findings table; columns drawn side by side, split line by line."""
    widths = [w * 10 for w in COL_WIDTHS_CM[("findings", 2)]]
    header = t["rows"][0][0] and t["rows"][0][0][0]["text"].strip() == "Styrkor"
    pdf.ln(2)
    for r, row in enumerate(t["rows"]):
        bold = header and r == 0
        cols = [cell_lines(pdf, paras, widths[c] - 2 * PAD_X, bold) for c, paras in enumerate(row)]
        idx = [0, 0]
        while any(idx[c] < len(cols[c]) for c in range(2)):
            y0 = pdf.get_y()
            if y0 + CELL_LH > pdf.bottom:
                pdf.add_page()
                continue
            ends = []
            for c in range(2):
                x = LM + sum(widths[:c]) + PAD_X
                y = y0
                while idx[c] < len(cols[c]):
                    item = cols[c][idx[c]]
                    if item[1] == "-" and item[3] == 0.0:  # bullet glyph, goes with the next line
                        if y + CELL_LH > pdf.bottom:
                            break
                        draw_line(pdf, x, y, 4, item)
                        idx[c] += 1
                        continue
                    if y + item[3] > pdf.bottom + 0.01:
                        break
                    draw_line(pdf, x, y, widths[c] - 2 * PAD_X, item)
                    y += item[3]
                    idx[c] += 1
                ends.append(y)
            pdf.set_y(max(ends) + (1.5 if bold else 2.5))
            if any(idx[c] < len(cols[c]) for c in range(2)):
                pdf.add_page()
    pdf.ln(2)


def rule(pdf: Report, y: float, width: float, heavy: bool) -> None:
    pdf.set_line_width(0.8 * PT if heavy else 0.4 * PT)
    pdf.set_draw_color(0)
    pdf.line(LM, y, LM + width, y)


def booktabs_table(pdf: Report, t: dict) -> None:
    """Score overview / Rubriker box: rules above the header, below it and at the bottom only."""
    widths = [w * 10 for w in COL_WIDTHS_CM[(t["kind"], t["n_cols"])]]
    total_w = sum(widths)
    n = len(t["rows"])
    rows = []
    for r, row in enumerate(t["rows"]):
        is_total = t["kind"] == "overview" and r == n - 1 and not "".join(p["text"] for p in row[0]).strip()
        bold = r == 0 or is_total
        cells = [cell_lines(pdf, paras, widths[c] - 2 * PAD_X, bold) for c, paras in enumerate(row)]
        h = max(sum(i[3] for i in cl) for cl in cells) + 2 * 1.2
        rows.append((cells, h, bold))
    pdf.ln(2)
    # keep header + first row together
    pdf.ensure(rows[0][1] + (rows[1][1] if n > 1 else 0) + 3)
    rule(pdf, pdf.get_y(), total_w, True)
    pdf.set_y(pdf.get_y() + 1.0)
    for r, (cells, h, bold) in enumerate(rows):
        if pdf.get_y() + h > pdf.bottom:
            pdf.add_page()
        y0 = pdf.get_y() + 1.2
        for c, cl in enumerate(cells):
            x = LM + sum(widths[:c]) + PAD_X
            numeric = (t["kind"] == "overview" and c >= 2) or (t["kind"] == "rubriker" and c == 1)
            y = y0
            for item in cl:
                if item[1] == "-" and item[3] == 0.0:
                    draw_line(pdf, x, y, 4, item)
                    continue
                draw_line(pdf, x, y, widths[c] - 2 * PAD_X, item, align="R" if numeric else "L")
                y += item[3]
        pdf.set_y(pdf.get_y() + h)
        if r == 0:
            rule(pdf, pdf.get_y() + 0.3, total_w, False)
            pdf.set_y(pdf.get_y() + 0.8)
    rule(pdf, pdf.get_y() + 0.5, total_w, True)
    pdf.set_y(pdf.get_y() + 4)


# document ------------------------------------------------------------------------

def build(data: dict, out: Path) -> Path:
    pdf = Report(data)
    pdf.add_page()  # cover
    pdf.set_y(95)
    pdf.set_font("LSans", "B", 40)
    pdf.set_text_color(*HEAD_RGB)
    pdf.cell(pdf.epw, 18, "KommunKompassen", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font("LSans", "", 20)
    pdf.cell(pdf.epw, 10, f"ANALYS AV {data['municipality'].upper()} KOMMUN {data['year']}",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    blocks = data["blocks"]
    while blocks and blocks[-1]["type"] == "para" and blocks[-1]["kind"] == "empty":
        blocks = blocks[:-1]
    for i, b in enumerate(blocks):
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if b["type"] == "heading":
            heading(pdf, b)
        elif b["type"] == "table":
            if b["kind"] == "findings":
                findings_table(pdf, b)
            else:
                booktabs_table(pdf, b)
        else:
            body_para(pdf, b, nxt.get("kind") if nxt and nxt["type"] == "para" else None)
    pdf.output(str(out))
    return out


def main() -> int:
    global FONTS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help=f"folder with blocks-<year>.json, and of the PDFs (default {DEFAULT_OUT})")
    ap.add_argument("--fonts", type=Path, default=FONTS, help=f"folder of the Liberation TTFs (default {FONTS})")
    args = ap.parse_args()
    FONTS = args.fonts
    sources = sorted(args.out.glob("blocks-*.json"))
    if not sources:
        print(f"no {args.out}/blocks-<year>.json: run dump_blocks.py --out {args.out} first", file=sys.stderr)
        return 1
    for src in sources:
        data = json.loads(src.read_text(encoding="utf-8"))
        path = build(data, args.out / f"{data['key']}-fpdf2.pdf")
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
