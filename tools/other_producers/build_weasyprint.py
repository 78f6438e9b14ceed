#!/usr/bin/env python3
"""WeasyPrint rendition of the seed reports (Torsås 2017, 2021).

Run (after dump_blocks.py), with an interpreter that has weasyprint (build.sh
makes one in <out>/venv):
    <out>/venv/bin/python tools/other_producers/build_weasyprint.py [--out DIR]
Reads <out>/blocks-<year>.json, writes <out>/torsas-<year>-weasyprint.pdf (and the
.html beside it); default <out>: <repo>/build/other-producers.

Layout:
* HTML5: h1/h2/h3, p, ul/li; tables with <thead>/<th> header rows and <td> cells,
  every cell padded (4pt 8pt), NO borders, no shading, no rules anywhere.
* Lists with CSS list-style: body lists "disc" (WeasyPrint writes the marker as
  a "•" glyph in the text layer), lists inside table cells (Rubriker sub-topics)
  "square" ("▪"). Findings in the 2021 findings tables are cell paragraphs, as
  in the seed.
* DejaVu Sans 10 pt body, DejaVu Serif headings (other metrics than the
  Liberation fonts of the other renditions). Body text left-aligned.
* @page margin boxes: @top-right "Torsås kommun – Kommunkompassen <year>"
  and @bottom-right "counter(page) / counter(pages)"; none on the cover (@page :first).
* Chapters (h1) start a page; tables may break between and inside rows.
WeasyPrint does not tag the PDF unless asked (pdf_tags / PDF/UA); it is untagged here.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from pathlib import Path

import weasyprint

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "build" / "other-producers"
COL_WIDTHS_CM = {
    ("rubriker", 2): [12.5, 3.5],
    ("findings", 2): [8.0, 8.0],
    ("overview", 5): [1.3, 9.1, 2.0, 1.6, 2.0],
    ("overview", 4): [1.3, 10.7, 2.0, 2.0],
}

CSS = """
@page {
  size: A4;
  margin: 2.4cm 2.2cm 2.4cm 2.6cm;
  @top-right { content: "%(header)s"; font: 8pt "DejaVu Sans"; color: #555; }
  @bottom-right { content: counter(page) " / " counter(pages); font: 8pt "DejaVu Sans"; }
}
@page :first { @top-right { content: none; } @bottom-right { content: none; } }
html { font: 10pt/1.35 "DejaVu Sans"; color: #111; }
body { margin: 0; }
p { margin: 0 0 7pt 0; }
p.empty { height: 0.9em; margin: 0; }
p.label { font-weight: bold; margin: 8pt 0 3pt 0; break-after: avoid; }
p.caption { font-size: 8pt; font-style: italic; color: #444; }
h1, h2, h3 { font-family: "DejaVu Serif"; color: #243f60; break-after: avoid; }
h1 { font-size: 17pt; break-before: page; margin: 0 0 10pt 0; }
h2 { font-size: 13.5pt; margin: 16pt 0 6pt 0; }
h3 { font-size: 11pt; margin: 10pt 0 3pt 0; }
h1 span.num, h2 span.num { display: inline-block; min-width: 1.1cm; }
h2 span.num { min-width: 2.4cm; }
ul { list-style: disc outside; margin: 0 0 7pt 0; padding-left: 1.2em; }
li { margin: 0 0 2pt 0; }
table { border-collapse: separate; border-spacing: 0; border: none; margin: 4pt 0 10pt 0;
        table-layout: fixed; font-size: 9.5pt; line-height: 1.3; }
th, td { border: none; padding: 4pt 8pt; vertical-align: top; text-align: left; }
th { font-weight: bold; }
td.num, th.num { text-align: right; }
tr.total td { font-weight: bold; }
td p, th p { margin: 0 0 3pt 0; }
td p:last-child { margin-bottom: 0; }
td ul { list-style: square outside; margin: 0; padding-left: 1.1em; }
.cover1 { margin: 7cm 0 0.6cm 0; font: bold 36pt "DejaVu Sans"; color: #243f60; }
.cover2 { font: 18pt "DejaVu Sans"; color: #243f60; }
"""


def h(text: str) -> str:
    return html.escape(text, quote=False)


def paras_html(paras: list[dict], in_cell: bool) -> str:
    out, i = [], 0
    while i < len(paras):
        p = paras[i]
        if p["kind"] == "bullet":
            items = []
            while i < len(paras) and paras[i]["kind"] == "bullet":
                items.append(f"<li>{h(paras[i]['text'])}</li>")
                i += 1
            out.append("<ul>" + "".join(items) + "</ul>")
            continue
        kind, text = p["kind"], p["text"]
        if kind == "empty" or not text.strip():
            out.append('<p class="empty"></p>' if not in_cell or not text else f"<p>{h(text)}</p>")
        elif kind == "label":
            out.append(f'<p class="label">{h(text)}</p>')
        elif kind == "caption":
            out.append(f'<p class="caption">{h(text)}</p>')
        else:
            out.append(f"<p>{h(text)}</p>")
        i += 1
    return "".join(out)


def heading_html(b: dict) -> str:
    lvl, text = b["level"], b["text"]
    if "\t" in text and lvl in (1, 2):
        num, title = text.split("\t", 1)
        inner = f'<span class="num">{h(num)}</span> {h(title)}'
    else:
        inner = h(text.replace("\t", " "))
    return f"<h{lvl}>{inner}</h{lvl}>"


def table_html(t: dict) -> str:
    kind, rows = t["kind"], t["rows"]
    widths = COL_WIDTHS_CM[(kind, t["n_cols"])]
    first = rows[0][0][0]["text"].strip() if rows[0][0] else ""
    has_head = kind in ("overview", "rubriker") or first == "Styrkor"
    cols = "".join(f'<col style="width:{w}cm">' for w in widths)
    parts = [f'<table class="{kind}" style="width:{sum(widths)}cm"><colgroup>{cols}</colgroup>']
    body_rows = rows
    if has_head:
        cells = []
        for c, paras in enumerate(rows[0]):
            num = ' class="num"' if (kind == "overview" and c >= 2) or (kind == "rubriker" and c == 1) else ""
            cells.append(f"<th{num}>{h(' '.join(p['text'] for p in paras).replace(chr(9), ' ').strip())}</th>")
        parts.append("<thead><tr>" + "".join(cells) + "</tr></thead>")
        body_rows = rows[1:]
    parts.append("<tbody>")
    for r, row in enumerate(body_rows):
        total = kind == "overview" and r == len(body_rows) - 1 and not "".join(p["text"] for p in row[0]).strip()
        cells = []
        for c, paras in enumerate(row):
            num = ' class="num"' if (kind == "overview" and c >= 2) or (kind == "rubriker" and c == 1) else ""
            cells.append(f"<td{num}>{paras_html(paras, in_cell=True)}</td>")
        tr = '<tr class="total">' if total else "<tr>"
        parts.append(tr + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def to_html(data: dict) -> str:
    m, y = data["municipality"], data["year"]
    body = [f'<p class="cover1">KommunKompassen</p><p class="cover2">ANALYS AV {h(m.upper())} KOMMUN {y}</p>']
    blocks = data["blocks"]
    while blocks and blocks[-1]["type"] == "para" and blocks[-1]["kind"] == "empty":
        blocks = blocks[:-1]
    run: list[dict] = []

    def flush():
        if run:
            body.append(paras_html(run, in_cell=False))
            run.clear()

    for b in blocks:
        if b["type"] == "para":
            run.append(b)
            continue
        flush()
        body.append(heading_html(b) if b["type"] == "heading" else table_html(b))
    flush()
    css = CSS % {"header": f"{m} kommun – Kommunkompassen {y}"}
    return (f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
            f"<title>Kommunkompassen – Analys av {h(m)} kommun {y}</title>"
            f'<meta name="author" content="producer-trial weasyprint"><style>{css}</style></head>'
            f"<body>{''.join(body)}</body></html>\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help=f"folder with blocks-<year>.json, and of the PDFs (default {DEFAULT_OUT})")
    out = ap.parse_args().out
    sources = sorted(out.glob("blocks-*.json"))
    if not sources:
        print(f"no {out}/blocks-<year>.json: run dump_blocks.py --out {out} first", file=sys.stderr)
        return 1
    for blocks in sources:
        data = json.loads(blocks.read_text(encoding="utf-8"))
        src = to_html(data)
        hp = out / f"{data['key']}-weasyprint.html"
        hp.write_text(src, encoding="utf-8")
        pdf = out / f"{data['key']}-weasyprint.pdf"
        weasyprint.HTML(string=src, base_url=str(out)).write_pdf(str(pdf))
        print(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
