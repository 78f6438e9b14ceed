#!/usr/bin/env python3
"""Seconds per scanned page, and how the OCR reading compares with the
born-digital one, in one run.

    .venv/bin/python tools/bench_ocr.py [--pdf tests/fixtures/torsas-2017.pdf] [--dpi 300]

The whole PDF is scanned (``tools/make_scans.py``: grey, 0.6 degrees askew,
light noise) into ``build/bench-scans/`` once, then read by kompass in a fresh
process: wall seconds per page (pages recognised in parallel on every core)
and CPU seconds per page; then the report extracted from the scan is compared
with the born-digital one: total, area scores, sub-questions, findings.
"""

from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

READ = """
import json, resource, sys, time
t = time.perf_counter()
from pipeline.readers.pdf import read_pdf
doc = read_pdf(sys.argv[1])
ru = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": time.perf_counter() - t, "pages": doc.origin.pages,
                  "cpu": sum(r.ru_utime + r.ru_stime for r in ru)}))
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pdf", type=Path, default=ROOT / "tests" / "fixtures" / "torsas-2017.pdf")
    ap.add_argument("--dpi", type=int, default=300)
    args = ap.parse_args(argv)
    from tools.make_scans import make_scan

    from pipeline.extract import extract_report
    from pipeline.readers.pdf import read_pdf
    from pipeline.readers.pdf.ocr import tesseract_missing

    missing = tesseract_missing()
    if missing:
        print(f"skipped: {missing}")
        return 0
    scan = ROOT / "build" / "bench-scans" / f"{args.pdf.stem}-{args.dpi}dpi-scan.pdf"
    if not scan.exists():
        import pypdfium2 as pdfium

        make_scan(args.pdf, list(range(1, len(pdfium.PdfDocument(args.pdf)) + 1)), scan, args.dpi, 0.6, 6.0)
    r = json.loads(subprocess.run([sys.executable, "-c", READ, str(scan)], check=True, capture_output=True,
                                  text=True, cwd=ROOT).stdout)
    print(f"{scan.relative_to(ROOT)}: {r['pages']} scanned pages ({args.dpi} dpi, 0.6° askew, noise)")
    print(f"  reading by OCR: {r['seconds']:.1f} s, {r['seconds'] / r['pages']:.2f} s a page "
          f"({r['cpu'] / r['pages']:.2f} CPU s a page)")
    got, want = extract_report(read_pdf(scan)), extract_report(read_pdf(args.pdf))
    areas = sum(a.score == b.score for a, b in zip(sorted(got.areas, key=lambda a: a.number),
                                                   sorted(want.areas, key=lambda a: a.number)))
    qs = {q.number: (q.score, q.max) for q in got.questions}
    questions = sum(qs.get(q.number) == (q.score, q.max) for q in want.questions)
    sims = []
    for f in want.findings:
        best = max((difflib.SequenceMatcher(None, f.text, g.text).ratio() for g in got.findings
                    if (g.area, g.kind) == (f.area, f.kind)), default=0.0)
        sims.append(best)
    flagged = sorted({f.code for f in got.flags if f.code.startswith(("question_", "total_", "area_score"))})
    print(f"  total: {got.total_score} (born-digital {want.total_score})")
    print(f"  area scores exact: {areas} of {len(want.areas)}; sub-questions exact: {questions} of "
          f"{len(want.questions)}")
    print(f"  findings: {len(got.findings)} read, {len(want.findings)} born-digital; "
          f"{sum(s >= 0.9 for s in sims)} found at text similarity >= 0.9")
    print(f"  flags where numbers disagree: {', '.join(flagged) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
