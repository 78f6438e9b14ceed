#!/usr/bin/env python3
"""A small held-out set of scans of PDFs from producers the scan corpus does
not have, for ``tools/bench_scan_corpus.py --corpus build/scan-producers``.

    .venv/bin/python tools/make_scan_producers.py [--out build/scan-producers] [--rebuild]
    .venv/bin/python tools/make_scan_producers.py --dev [--out build/scan-producers-dev]

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

``--dev`` makes the development counterpart, to study these producers' layouts
on without looking at the held-out files: each source gets the *dev* options
of the next kind (``KINDS[(k + 1) % 8]``, so no source meets the same fault
in both), and the garbage layers are made of the other two years' files
(``DEV_GARBAGE_SOURCES``). It goes to ``build/scan-producers-dev/dev/``, split
"dev".

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
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.make_scan_corpus import GARBAGE, PROFILES, made, rel, sha256, write_manifest  # noqa: E402

FOLDER = "unseen"
DEV_FOLDER = "dev"
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
DEV_GARBAGE_SOURCES = (SOURCE_DIR / "torsas-2021-fpdf2.pdf", SOURCE_DIR / "torsas-2017-weasyprint.pdf")


def producer_of(src: Path) -> str:
    return src.stem.split("-", 2)[2]


def plan(dev: bool = False) -> list[dict]:
    """Every file of the set (the held-out one, or with ``dev`` its development counterpart):
    source, profile, options (nothing made yet)."""
    options = {name: (dev_options if dev else test_options) for name, dev_options, test_options in PROFILES}
    assert len(KINDS) == len(SOURCES) == len(set(KINDS)) and set(KINDS) <= set(options), KINDS
    kinds = KINDS[1:] + KINDS[:1] if dev else KINDS
    entries = [{"source": src, "profile": kind, "options": options[kind]} for src, kind in zip(SOURCES, kinds)]
    entries += [{"source": src, "profile": GARBAGE, "options": GARBAGE}
                for src in (DEV_GARBAGE_SOURCES if dev else GARBAGE_SOURCES)]
    folder = DEV_FOLDER if dev else FOLDER
    for e in entries:
        if not e["source"].exists():
            raise SystemExit(f"{rel(e['source'])} is missing")
        e["file"] = f"{folder}/{e['source'].stem}--{e['profile']}.pdf"
        if e["options"] != GARBAGE:
            e["options"] += f" --seed {int(sha256(e['file'])[:8], 16)}"
    return entries


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="default build/scan-producers (build/scan-producers-dev with --dev)")
    ap.add_argument("--dev", action="store_true", help="the development counterpart (dev options, other kinds)")
    ap.add_argument("--rebuild", action="store_true", help="make every file again")
    args = ap.parse_args(argv)
    out = args.out or ROOT / "build" / ("scan-producers-dev" if args.dev else "scan-producers")
    split, folder = ("dev", DEV_FOLDER) if args.dev else (SPLIT, FOLDER)
    manifest_path = out / "manifest.json"
    planned = [{**e, "split": split, "producer": producer_of(e["source"])} for e in plan(args.dev)]
    entries = made(planned, out, args.rebuild, (folder,))
    rule = (f"development counterpart, split 'dev' (folder {folder}/): source k of {[s.stem for s in SOURCES]} "
            f"gets the dev options of {list(KINDS)}[(k + 1) % 8]; garbage layers of "
            f"{[s.stem for s in DEV_GARBAGE_SOURCES]}") if args.dev else (
            f"held out, all in split '{SPLIT}' (folder {FOLDER}/): source k of "
            f"{[s.stem for s in SOURCES]} gets the test options of {list(KINDS)}[k]; "
            f"garbage layers of {[s.stem for s in GARBAGE_SOURCES]}")
    manifest = {"generator": "tools/make_scan_producers.py", "corpus": rel(SOURCE_DIR), "split_rule": rule,
                "files": entries}
    write_manifest(manifest_path, manifest, PRODUCERS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
