#!/usr/bin/env python3
"""Speed and memory of reading PDFs (everything up to the document model),
against pdftotext over the same files, in one run.

Each PDF under the given folders is read by kompass's reader in a fresh
process (so peak memory is the reader's own) and by ``pdftotext -layout``;
the median of ``--runs`` runs of each is reported, with the ratio. pdfplumber,
the reader's former backend, is timed on the characters alone where installed
(``pip install -e '.[fixtures]'``), as the old baseline.

Usage: .venv/bin/python tools/bench_read.py [--runs 3] FOLDER...
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

READ = """
import json, resource, sys, time
t = time.perf_counter()
from pipeline.readers.pdf import read_pdf
pages = 0
for p in sys.argv[1:]:
    pages += read_pdf(p).origin.pages
print(json.dumps({"seconds": time.perf_counter() - t, "pages": pages,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
PLUMBER = """
import json, sys, time
t = time.perf_counter()
import pdfplumber
for p in sys.argv[1:]:
    with pdfplumber.open(p) as pdf:
        for page in pdf.pages:
            page.chars
print(json.dumps({"seconds": time.perf_counter() - t}))
"""


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="+", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-plumber", action="store_true",
                    help="skip the pdfplumber baseline (minutes on a large corpus)")
    args = ap.parse_args()
    files = sorted(str(p) for f in args.folders for p in (f.rglob("*.pdf") if f.is_dir() else [f]))
    if not files:
        print("no PDFs", file=sys.stderr)
        return 2
    py = sys.executable
    text = [sum(timed(["pdftotext", "-layout", f, "-"]) for f in files) for _ in range(args.runs)]
    reads = [json.loads(subprocess.run([py, "-c", READ, *files], check=True, capture_output=True, text=True).stdout)
             for _ in range(args.runs)]
    base = statistics.median(text)
    read = statistics.median(r["seconds"] for r in reads)
    rows = [("pdftotext -layout (baseline)", base, 1.0, None),
            ("kompass read_pdf", read, read / base, max(r["peak_mb"] for r in reads))]
    try:
        if args.no_plumber:
            raise subprocess.CalledProcessError(0, "skipped")
        plumb = [json.loads(subprocess.run([py, "-c", PLUMBER, *files], check=True, capture_output=True,
                                           text=True).stdout)["seconds"] for _ in range(args.runs)]
        p = statistics.median(plumb)
        rows.append(("pdfplumber, characters only (former backend)", p, p / base, None))
    except subprocess.CalledProcessError:
        pass
    print(f"{len(files)} PDFs, {reads[0]['pages']} pages; median of {args.runs} runs, one process each\n")
    print(f"{'reader':48} {'seconds':>8} {'x pdftotext':>12} {'peak MB':>8}")
    for name, sec, ratio, mb in rows:
        print(f"{name:48} {sec:8.2f} {ratio:12.1f} {'' if mb is None else round(mb):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
