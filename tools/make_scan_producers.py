#!/usr/bin/env python3
"""A small held-out set of scans of PDFs from producers the scan corpus does
not have, for ``tools/bench_scan_corpus.py --corpus build/scan-producers``.

    .venv/bin/python tools/make_scan_producers.py [--out build/scan-producers] [--rebuild]

The scan corpus (``tools/make_scan_corpus.py``) is made from Chromium and
LibreOffice PDFs only, and its dev half is what the OCR path is tuned on; a
reading tuned on those layouts and fonts may do worse on others. This set is
made from the born-digital renditions of the Torsås reports by four other
producers (``tests/fixtures/producers/torsas-{2017,2021}-<producer>.pdf``:
fpdf2, groff, WeasyPrint, ReportLab), read whole:

* each of the 8 sources is scanned once by ``tools/make_scans.py`` with the
  *test* options of one of 8 fault kinds of make_scan_corpus's ``PROFILES``
  (``KINDS``, each used once): the sources taken producer by producer, 2017
  before 2021 (``SOURCES``), the k-th gets the k-th kind, so every producer
  meets two different kinds, one per year, and each year has grey, colour or
  1-bit, 150-300 dpi, and a lid border or an upside-down sheet;
* two more become "garbage text layer" files, made by make_scan_corpus's own
  ``make_garbage_layer`` (/ToUnicode removed with qpdf, checked to give
  pdftotext no Swedish and page 1 to render the same): the fpdf2 2017 and
  the WeasyPrint 2021 reports (``GARBAGE_SOURCES``). Only these two
  producers qualify: their fonts are CID fonts (Identity-H), whose glyph
  codes mean nothing without the map, while groff's Type 1 fonts (glyph
  names) and ReportLab's WinAnsi TrueType fonts still read without it.

The seed of each scan is the one make_scan_corpus gives (from the file's
name), so the same arguments give the same bytes. Everything is written to
``build/scan-producers/unseen/`` with a manifest
``build/scan-producers/manifest.json`` in make_scan_corpus's format (file,
split, source and its SHA-256, producer, profile, options, pages, SHA-256).
The bench only knows the splits "dev" and "test" (its ``SPLITS``), so the
entries' split is ``SPLIT`` = "test" (held out: nothing is tuned on it),
though the folder is ``unseen/``. A file already there whose entry is
unchanged is not made again (``--rebuild`` makes everything again).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.make_scan_corpus import GARBAGE, PROFILES, made, rel, sha256  # noqa: E402

FOLDER = "unseen"
#: the split name the entries get: bench_scan_corpus.py accepts only its SPLITS ("dev", "test")
SPLIT = "test"
PRODUCERS = ("fpdf2", "groff", "weasyprint", "reportlab")
YEARS = (2017, 2021)
SOURCE_DIR = ROOT / "tests" / "fixtures" / "producers"
#: producer by producer, 2017 before 2021; the k-th source gets the k-th of KINDS
SOURCES = tuple(SOURCE_DIR / f"torsas-{year}-{producer}.pdf" for producer in PRODUCERS for year in YEARS)
#: fault kinds of PROFILES (their test options): 300 dpi grey slightly askew, 200 dpi grey blurred,
#: 150 dpi grey, 200 dpi colour JPEG q45, 300 dpi 1-bit, 200 dpi 1-bit 1.3°, 300 dpi lid border and
#: noise 11, 300 dpi upside down
KINDS = ("300-grey", "200-grey-blur0.5", "150-grey", "200-colour-q40", "300-bilevel", "200-bilevel",
         "300-border-noise12", "300-rot180")
#: the sources that also get a garbage text layer (CID fonts: see the docstring)
GARBAGE_SOURCES = (SOURCE_DIR / "torsas-2017-fpdf2.pdf", SOURCE_DIR / "torsas-2021-weasyprint.pdf")


def producer_of(src: Path) -> str:
    return src.stem.split("-", 2)[2]


def plan() -> list[dict]:
    """Every file of the set: source, profile, options (nothing made yet)."""
    test_options = {name: test for name, _dev, test in PROFILES}
    assert len(KINDS) == len(SOURCES) == len(set(KINDS)) and set(KINDS) <= set(test_options), KINDS
    entries = [{"source": src, "profile": kind, "options": test_options[kind]} for src, kind in zip(SOURCES, KINDS)]
    entries += [{"source": src, "profile": GARBAGE, "options": GARBAGE} for src in GARBAGE_SOURCES]
    for e in entries:
        if not e["source"].exists():
            raise SystemExit(f"{rel(e['source'])} is missing")
        e["file"] = f"{FOLDER}/{e['source'].stem}--{e['profile']}.pdf"
        if e["options"] != GARBAGE:
            e["options"] += f" --seed {int(sha256(e['file'])[:8], 16)}"
    return entries


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "scan-producers")
    ap.add_argument("--rebuild", action="store_true", help="make every file again")
    args = ap.parse_args(argv)
    manifest_path = args.out / "manifest.json"
    planned = [{**e, "split": SPLIT, "producer": producer_of(e["source"])} for e in plan()]
    entries = made(planned, args.out, args.rebuild, (FOLDER,))
    manifest = {"generator": "tools/make_scan_producers.py", "corpus": rel(SOURCE_DIR),
                "split_rule": f"held out, all in split '{SPLIT}' (folder {FOLDER}/): source k of "
                              f"{[s.stem for s in SOURCES]} gets the test options of {list(KINDS)}[k]; "
                              f"garbage layers of {[s.stem for s in GARBAGE_SOURCES]}",
                "files": entries}
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    print(f"{SPLIT} ({FOLDER}/): {len(entries)} files, {sum(len(e['pages']) for e in entries)} pages, producers "
          + ", ".join(f"{p} {sum(e['producer'] == p for e in entries)}" for p in PRODUCERS))
    print(f"wrote {rel(manifest_path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
