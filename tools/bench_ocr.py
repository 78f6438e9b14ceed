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
    c = compare(extract_report(read_pdf(scan)), extract_report(read_pdf(args.pdf)))
    print(f"  total: {c['total']} (born-digital {c['total_want']})")
    print(f"  area scores exact: {c['areas_exact']} of {c['areas_want']}; sub-questions exact: "
          f"{c['questions_exact']} of {c['questions_want']}")
    print(f"  findings: {c['findings']} read, {c['findings_want']} born-digital; "
          f"{c['findings_found']} found at text similarity >= {FINDING_SIMILARITY:g}")
    print(f"  flags where numbers disagree: {', '.join(c['number_flags']) or 'none'}")
    return 0


#: a finding read from a scan counts as found when its text is this similar
#: to the born-digital one's (same area and kind)
FINDING_SIMILARITY = 0.9
#: the flags that say numbers disagree
NUMBER_FLAG_PREFIXES = ("question_", "total_", "area_score")


def compare(got, want) -> dict:
    """How a report read from a scan compares with the born-digital one
    (both :class:`pipeline.extract.Report`): total, area scores and
    sub-questions read exactly, findings found again, the flags on numbers."""
    scores = {a.number: a.score for a in got.areas}  # by number: an area missed does not shift the rest
    areas = sum(a.number in scores and scores[a.number] == a.score for a in want.areas)
    qs = {q.number: (q.score, q.max) for q in got.questions}
    questions = sum(qs.get(q.number) == (q.score, q.max) for q in want.questions)
    sims = []
    for f in want.findings:
        best = max((difflib.SequenceMatcher(None, f.text, g.text).ratio() for g in got.findings
                    if (g.area, g.kind) == (f.area, f.kind)), default=0.0)
        sims.append(best)
    return {"total": got.total_score, "total_want": want.total_score,
            "areas_exact": areas, "areas_want": len(want.areas),
            "questions_exact": questions, "questions_want": len(want.questions),
            "findings": len(got.findings), "findings_want": len(want.findings),
            "findings_found": sum(s >= FINDING_SIMILARITY for s in sims), "similarities": sims,
            "number_flags": sorted({f.code for f in got.flags if f.code.startswith(NUMBER_FLAG_PREFIXES)})}


if __name__ == "__main__":
    sys.exit(main())
