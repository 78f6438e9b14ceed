#!/usr/bin/env python3
"""groff -ms + tbl rendition of the seed reports (Torsås 2017, 2021).

Run (after dump_blocks.py), with any Python 3 (no third-party module needed):
    python3 tools/other_producers/build_groff.py [--out DIR] [--groff-root DIR] [--bold-after-sh]
Reads <out>/blocks-<year>.json, writes <out>/torsas-<year>-groff.ms and
<out>/torsas-<year>-groff.pdf (default <out>: <repo>/build/other-producers).

groff needs the ms macros and the PDF device (gropdf). A Debian machine with only
groff-base has neither; the "groff" package then is fetched with ``apt-get
download groff`` and unpacked with ``dpkg-deb -x`` into <out>/groff-root (nothing
is installed system-wide; build.sh does this when groff on PATH cannot make a PDF).
With such a tree (``--groff-root``, default <out>/groff-root when it holds
usr/bin/gropdf) groff runs with GROFF_TMAC_PATH / GROFF_FONT_PATH pointing there
and its usr/bin on PATH; without one, groff from PATH is used as it is.
The fixtures in tests/fixtures/producers/ were made with groff 1.22.4 (Debian 12's
groff-base plus the unpacked groff_1.22.4-10 package).

``--bold-after-sh`` (off by default, not a fixture) also builds a variant without
``.LP`` between a heading and a table, so the ``.SH`` bold font runs into the table
(Rubriker boxes all bold, as in a sloppy ms file), into
<out>/variants/torsas-<year>-groff-boldbox.pdf.

Layout (what a troff user gets):
* Times-Roman 10.5 pt (base-14, not embedded), paragraphs ``.PP``: first-line
  indent, adjusted (justified) and HYPHENATED with groff's Swedish patterns
  (``.hla sv``): words broken at line ends with an inserted "-".
* Headings ``.SH`` with GROWPS point-size increments (bold Times, 14/12/10.5 pt);
  chapters start a page.
* Bullets ``.IP \\(bu``: "•" glyph in the text, hanging indent.
* Tables with tbl: no box, no vertical rules. Score overview: bold header row,
  a rule under it, numbers right-aligned, long questions wrap in a T{ T} block,
  totals row bold; ``.TS H``/``.TH`` repeats the header row on a new page.
  "Rubriker | Poäng": sub-topics as "–" lines in one T{ T} block.
  Findings tables (2021): tbl rows cannot break across pages, so each finding is
  its own row: row k = (strength k, improvement k), T{ T} blocks, 0.3v between
  rows; header row "Styrkor | Förbättringsmöjligheter" repeated on a new page
  (``.TS H``); area 6's header-less table stays header-less.
* ms page header: left "Torsås kommun", centre "- N -" (ms's default page number),
  right "Kommunkompassen <year>"; none on the cover (page 1); no footer.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "build" / "other-producers"


def has_gropdf(root: Path) -> bool:
    return (root / "usr/bin/gropdf").exists()


def groff_env(root: Path | None) -> dict:
    """Environment for groff: unchanged without a root; else the unpacked package's
    macros, fonts and programs (gropdf) first."""
    env = dict(os.environ)
    if root is None:
        return env
    shares = sorted(d for d in (root / "usr/share/groff").glob("[0-9]*") if (d / "tmac").is_dir())
    if not shares or not has_gropdf(root):
        raise SystemExit(f"{root} is not an unpacked groff package "
                         "(no usr/bin/gropdf or usr/share/groff/<version>/tmac)")
    share = shares[-1]
    env["PATH"] = f"{root / 'usr/bin'}:{env.get('PATH', '')}"
    env["GROFF_TMAC_PATH"] = f"{share / 'tmac'}:/usr/share/groff/current/tmac"
    env["GROFF_FONT_PATH"] = str(share / "font")
    return env


def esc(text: str) -> str:
    """Text as a troff input line: backslashes escaped, no control character first."""
    t = text.replace("\\", "\\e").replace("\t", " ").replace("\u00a0", "\\~")
    if t[:1] in (".", "'"):
        t = "\\&" + t
    return t


def heading(b: dict) -> list[str]:
    lvl = b["level"]
    out = []
    if lvl == 1:
        out.append(".bp")
    out += [f".SH {lvl}", esc(b["text"].replace("\t", " ").strip())]
    return out


def paras(blocks: list[dict], i: int) -> tuple[list[str], int]:
    b = blocks[i]
    kind, text = b["kind"], b["text"]
    if kind == "bullet":
        return [".IP \\(bu 1.5m", esc(text)], i + 1
    if kind == "empty":
        return [".sp 0.5v"], i + 1
    if kind == "label":
        return [".LP", ".ne 4v", f"\\fB{esc(text.strip())}\\fP"], i + 1
    if kind == "caption":
        return [".LP", f"\\s-2\\fI{esc(text)}\\fP\\s+2"], i + 1
    return [".PP", esc(text)], i + 1


def cell_block(lines: list[str]) -> str:
    return "T{\n" + "\n".join(lines) + "\nT}"


def cell_paras(ps: list[dict], dash: bool = True) -> list[str]:
    out = []
    for p in ps:
        text = p["text"].replace("\t", " ").rstrip()
        if not text.strip():
            continue
        if p["kind"] == "bullet" and dash:
            out += [f"\\(en {esc(text)}", ".br"]
        else:
            out += [esc(text), ".br"]
    return out[:-1] if out and out[-1] == ".br" else out


def plain(ps: list[dict]) -> str:
    t = " ".join(p["text"] for p in ps if p["text"].strip()).replace("\t", " ").strip()
    return esc(t) if t else ""


def overview(t: dict) -> list[str]:
    n = t["n_cols"]
    rows = t["rows"]
    fmt_head = "lb lb" + " rb" * (n - 2)
    qw = "9c" if n == 5 else "10.5c"
    fmt_body = f"l lw({qw})" + " r" * (n - 2)
    out = [".TS H", "tab(^);", fmt_head, fmt_body + "."]
    out.append("^".join(plain(c) for c in rows[0]))
    out += ["_", ".TH"]
    for r, row in enumerate(rows[1:], 1):
        total = r == len(rows) - 1 and not plain(row[0])
        cells = []
        for c, ps in enumerate(row):
            txt = plain(ps)
            if total and txt:
                txt = f"\\fB{txt}\\fP"
            if c == 1 and len(txt) > 40:
                cells.append(cell_block([txt]))
            else:
                cells.append(txt if txt else "\\&")
        out.append("^".join(cells))
    out.append(".TE")
    return out


def rubriker(t: dict) -> list[str]:
    rows = t["rows"]
    out = [".TS", "tab(^);", "lb rb", "lw(12c) r."]
    out.append("^".join(plain(c) for c in rows[0]))
    out.append("_")
    for row in rows[1:]:
        out.append(cell_block(cell_paras(row[0])) + "^" + (plain(row[1]) or "\\&"))
    out.append(".TE")
    return out


def findings(t: dict) -> list[str]:
    rows = t["rows"]
    first = plain(rows[0][0])
    has_head = first == "Styrkor"
    out = [".TS H" if has_head else ".TS", "tab(^);"]
    if has_head:
        out.append("lb lb")
    out.append("lw(7.6c) lw(7.6c).")
    body = rows
    if has_head:
        out.append("^".join(plain(c) for c in rows[0]))
        out.append(".TH")
        body = rows[1:]
    # one finding per row: the k-th paragraph of each column side by side
    for row in body:
        cols = [[p for p in ps if p["text"].strip()] for ps in row]
        for k in range(max(len(c) for c in cols)):
            cells = []
            for c in cols:
                cells.append(cell_block([esc(c[k]["text"])]) if k < len(c) else "\\&")
            out.append("^".join(cells))
            out.append(".sp 0.3v")
    if out[-1] == ".sp 0.3v":
        out.pop()
    out.append(".TE")
    return out


def to_ms(data: dict, bold_after_sh: bool = False) -> str:
    m, y = data["municipality"], data["year"]
    out = [
        '.\\" groff -ms -t -k rendition built by tools/other_producers/build_groff.py',
        ".nr PS 10.5p", ".nr VS 13p", ".nr LL 16c", ".nr PO 2.5c", ".nr HM 2.4c", ".nr FM 2.4c",
        ".nr PD 0.4v", ".nr PI 1.2m", ".nr GROWPS 3", ".nr PSINCR 2p",
        ".hla sv", ".hpf hyphen.sv",
        f".ds LH {esc(m)} kommun", ".ds CH - \\\\n% -", f".ds RH Kommunkompassen {y}",
        ".LP", ".sp 6c", ".vs 40p", f"\\s[32]\\fBKommunKompassen\\fP\\s0", ".br", ".vs 24p",
        f"\\s[18]ANALYS AV {esc(m.upper())} KOMMUN {y}\\s0",
    ]
    blocks = data["blocks"]
    while blocks and blocks[-1]["type"] == "para" and blocks[-1]["kind"] == "empty":
        blocks = blocks[:-1]
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b["type"] == "heading":
            out += heading(b)
            i += 1
        elif b["type"] == "table":
            # .LP: leave the bold font of a preceding .SH (the variant omits it: tables
            # right under a heading then come out all bold, as in a sloppy ms file)
            out += [".sp 0.5v"] if bold_after_sh else [".LP", ".sp 0.5v"]
            out += {"overview": overview, "rubriker": rubriker, "findings": findings}[b["kind"]](b)
            out.append(".sp 0.5v")
            i += 1
        else:
            lines, i = paras(blocks, i)
            out += lines
    return "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help=f"folder with blocks-<year>.json, and of the PDFs (default {DEFAULT_OUT})")
    ap.add_argument("--groff-root", type=Path, default=None,
                    help="unpacked Debian groff package (apt-get download groff; dpkg-deb -x); "
                         "default <out>/groff-root if it holds usr/bin/gropdf, else groff from PATH")
    ap.add_argument("--bold-after-sh", action="store_true",
                    help="also build the variant without .LP between a heading and a table "
                         "(Rubriker boxes all bold) into <out>/variants/torsas-<year>-groff-boldbox.pdf")
    args = ap.parse_args()
    out = args.out
    root = args.groff_root
    if root is None and has_gropdf(out / "groff-root"):
        root = out / "groff-root"
    env = groff_env(root)
    sources = sorted(out.glob("blocks-*.json"))
    if not sources:
        print(f"no {out}/blocks-<year>.json: run dump_blocks.py --out {out} first", file=sys.stderr)
        return 1
    jobs = [(src, False) for src in sources]
    if args.bold_after_sh:
        jobs += [(src, True) for src in sources]
    for src_json, variant in jobs:
        data = json.loads(src_json.read_text(encoding="utf-8"))
        out_dir = out / "variants" if variant else out
        out_dir.mkdir(exist_ok=True)
        name = f"{data['key']}-groff" + ("-boldbox" if variant else "")
        src = out_dir / f"{name}.ms"
        src.write_text(to_ms(data, variant), encoding="utf-8")
        pdf = out_dir / f"{name}.pdf"
        res = subprocess.run(["groff", "-Tpdf", "-ms", "-t", "-k", "-P-p", "-Pa4", "-dpaper=a4", str(src)],
                             env=env, capture_output=True, check=False)
        if res.returncode != 0 or not res.stdout:
            print(res.stderr.decode(errors="replace"), file=sys.stderr)
            return 1
        if res.stderr:
            print(res.stderr.decode(errors="replace")[:2000], file=sys.stderr)
        pdf.write_bytes(res.stdout)
        print(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
