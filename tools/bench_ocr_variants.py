#!/usr/bin/env python3
"""How kompass reads scans as different scanners make them: one table.

    .venv/bin/python tools/bench_ocr_variants.py [--only a,b] [--fresh] [--rebuild] [--commands]

Each variant (``VARIANTS``: a source PDF and ``tools/make_scans.py`` options)
is scanned whole into ``build/scan-variants/`` (once; ``--rebuild`` again),
then read in a fresh process as an ingest reads a file
(:func:`pipeline.reading.read_file`: the reader, then extraction), one
variant at a time (OCR already uses every core). The report is compared with
the born-digital PDF's as ``tools/bench_ocr.py`` compares them (total, area
scores, sub-questions, findings at similarity >= 0.9), and every area score
and sub-question read wrong is set against the flags the report carries: is
there one that names its area, or only a report-wide one, or none?

Readings are kept in ``build/scan-variants/results/<label>/`` (``--fresh``
reads again). ``--kompass DIR`` measures the kompass code in DIR (say a
``git archive`` of a commit, while this work tree is being edited) instead of
this one. ``--commands`` prints the make_scans command of each variant.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.bench_ocr import NUMBER_FLAG_PREFIXES, compare  # noqa: E402

OUT = ROOT / "build" / "scan-variants"
FIX = "tests/fixtures"
#: key, file name, source, make_scans options (noise 6: a scanner's sensor noise, as bench_ocr uses)
VARIANTS = [
    ("0", "torsas-2017-300dpi-grey", f"{FIX}/torsas-2017.pdf", "--dpi 300 --angle 0.6 --noise 6"),
    ("a", "torsas-2017-150dpi-grey", f"{FIX}/torsas-2017.pdf", "--dpi 150 --angle 0.6 --noise 6"),
    ("b", "torsas-2017-200dpi-colour-q50", f"{FIX}/torsas-2017.pdf",
     "--dpi 200 --colour --angle 1.2 --noise 6 --jpeg-quality 50"),
    ("c", "torsas-2017-300dpi-bilevel", f"{FIX}/torsas-2017.pdf", "--dpi 300 --bilevel --angle 0.4 --noise 6"),
    ("d", "torsas-2017-200dpi-bilevel", f"{FIX}/torsas-2017.pdf", "--dpi 200 --bilevel --angle 1.0 --noise 6"),
    ("e", "torsas-2017-300dpi-skew+2.5", f"{FIX}/torsas-2017.pdf", "--dpi 300 --angle 2.5 --noise 6"),
    ("f", "torsas-2017-300dpi-skew-3.5", f"{FIX}/torsas-2017.pdf", "--dpi 300 --angle -3.5 --noise 6"),
    ("g", "torsas-2017-300dpi-rot180", f"{FIX}/torsas-2017.pdf", "--dpi 300 --angle 0.6 --noise 6 --rotate 180"),
    ("h", "torsas-2017-300dpi-rot90", f"{FIX}/torsas-2017.pdf", "--dpi 300 --angle 0.6 --noise 6 --rotate 90"),
    ("i", "torsas-2017-300dpi-border-blur", f"{FIX}/torsas-2017.pdf",
     "--dpi 300 --angle 0.6 --noise 6 --border --blur 1.0"),
    ("j", "torsas-2021-300dpi-grey", f"{FIX}/torsas-2021.pdf", "--dpi 300 --angle 0.6 --noise 6"),
    ("k", "torsas-2017-reportlab-200dpi-grey", f"{FIX}/producers/torsas-2017-reportlab.pdf",
     "--dpi 200 --angle 0.8 --noise 6"),
]

READ = """
import json, resource, sys, time
t = time.perf_counter()
from pathlib import Path
from pipeline.reading import read_file
r = read_file(Path(sys.argv[1]))
ru = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
import pipeline
print(json.dumps({"code": pipeline.__file__, "seconds": time.perf_counter() - t, "cpu": sum(u.ru_utime + u.ru_stime for u in ru),
                  "pages": r.pages, "reader": r.reader, "error": r.error,
                  "report": r.report.to_dict() if r.report else None}))
"""
#: flags that say an area's numbers disagree, with the area named ("area 3: ...")
AREA_FLAGS = ("question_sum_mismatch", "question_max_mismatch", "area_score_mismatch", "missing_area_score",
              "missing_area", "area_score_from_questions")


def command(name: str, src: str, options: str) -> str:
    return f".venv/bin/python tools/make_scans.py {src} {options} --out build/scan-variants/{name}.pdf"


def build(name: str, src: str, options: str) -> Path:
    from tools.make_scans import main as make_scans

    out = OUT / f"{name}.pdf"
    make_scans([str(ROOT / src), *shlex.split(options), "--out", str(out)])
    return out


def read(path: Path, cache: Path, fresh: bool, kompass: Path = ROOT) -> dict:
    """Read ``path`` in a fresh process running the kompass code in ``kompass``."""
    if cache.exists() and not fresh and cache.stat().st_mtime >= path.stat().st_mtime:
        return json.loads(cache.read_text())
    got = read_in_process(path, kompass)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(got, ensure_ascii=False, indent=1))
    return got


def read_in_process(path: Path, kompass: Path = ROOT) -> dict:
    """``path`` read as an ingest reads it, in a fresh process running the
    kompass code in ``kompass``: reader, seconds, CPU, pages, the report."""
    out = subprocess.run([sys.executable, "-c", READ, str(path.resolve())], capture_output=True, text=True,
                         cwd=kompass, timeout=3600)
    if out.returncode != 0:
        got = {"error": f"crashed (exit {out.returncode}): {out.stderr.strip().splitlines()[-1:]}",
               "seconds": None, "cpu": None, "pages": None, "reader": None, "report": None}
    else:
        got = json.loads(out.stdout.strip().splitlines()[-1])
    return got


def report_of(d: dict):
    """A :class:`~pipeline.extract.Report` again from its ``to_dict()``."""
    from pipeline.extract.model import AreaScore, Finding, Flag, QuestionScore, Report, Section

    nested = {"areas": AreaScore, "questions": QuestionScore, "findings": Finding, "sections": Section,
              "flags": Flag}
    kw = {f.name: d.get(f.name) for f in fields(Report)}
    for key, cls in nested.items():
        kw[key] = [cls(**x) for x in d.get(key) or []]
    return Report(**kw)


def _num(x):
    return None if x is None else (int(x) if float(x).is_integer() else x)


def warnings_for_area(area: int, got, want) -> str:
    """The flags on ``got`` that name ``area`` (those the born-digital reading
    also has marked ``=``), else the report-wide ones on numbers."""
    before = {(f.code, f.message) for f in want.flags}
    mine = [f for f in got.flags if f.code in AREA_FLAGS and f.message.startswith(f"area {area}:")]
    named = [f"{f.code}{'=' if (f.code, f.message) in before else ''}" for f in mine]
    if named:
        # a sum mismatch the flag itself explains as rounding, and nothing else: a reader is told not to worry
        rounding = all(f.code == "question_sum_mismatch" and "rounded" in f.message for f in mine)
        return "area flag: " + ", ".join(named) + (" (SAYS ROUNDING)" if rounding else "")
    wide = sorted({f.code for f in got.flags if f.code in ("total_mismatch", "question_number_unreadable",
                                                             "question_number_repeated", "incomplete_areas")})
    return ("report-wide only: " + ", ".join(wide)) if wide else "NO FLAG"


def wrong_numbers(got, want) -> list[str]:
    """Each area score and sub-question read differently from the born-digital
    report, with the warning the scan's flags give for it."""
    lines = []
    gs = {a.number: a for a in got.areas}
    for a in sorted(want.areas, key=lambda a: a.number):
        g = gs.get(a.number)
        if g is None or (g.score, g.max) != (a.score, a.max):
            read = "missing" if g is None else f"{_num(g.score)}/{_num(g.max)}"
            lines.append(f"area {a.number}: {read}, born-digital {_num(a.score)}/{_num(a.max)} -- "
                         + warnings_for_area(a.number, got, want))
    for n in sorted(set(gs) - {a.number for a in want.areas}):
        lines.append(f"area {n}: read ({_num(gs[n].score)}), not in the born-digital report -- "
                     + warnings_for_area(n, got, want))
    gq = {q.number: q for q in got.questions}
    wq = {q.number: q for q in want.questions}
    for num, q in wq.items():
        g = gq.get(num)
        if g is None or (g.score, g.max) != (q.score, q.max):
            read = "missing" if g is None else f"{_num(g.score)}/{_num(g.max)}"
            own = [f.code for f in got.flags if f.message.startswith(f"sub-question {num}:")
                   or (f.message.startswith("sub-question(s) ") and re.search(rf"[ ,]{re.escape(num)} \(", f.message))]
            warn = ("flag: " + ", ".join(own)) if own else warnings_for_area(q.area, got, want)
            over = g is not None and g.score is not None and g.max is not None and g.score > g.max
            lines.append(f"  {num}: {read}{' (over its max)' if over else ''}, born-digital "
                         f"{_num(q.score)}/{_num(q.max)} -- {warn}")
    for num in sorted(set(gq) - set(wq)):
        g = gq[num]
        lines.append(f"  {num}: read ({_num(g.score)}/{_num(g.max)}), no such sub-question born-digital -- "
                     + warnings_for_area(g.area, got, want))
    for key in ("municipality", "year", "framework", "max_score"):
        if getattr(got, key) != getattr(want, key):
            lines.append(f"{key}: {getattr(got, key)!r}, born-digital {getattr(want, key)!r}")
    return lines


def ocr_summary(report) -> str:
    """Mean word confidence and the straightened angles, from the "ocr" flag."""
    f = next((f for f in report.flags if f.code == "ocr"), None)
    if f is None:
        return ""
    m = re.search(r"confidence ([\d.]+)", f.message)
    skews = [float(x) for x in re.findall(r"by ([+-][\d.]+)°", f.message)]
    out = f"conf {m.group(1)}" if m else ""
    if skews:
        out += f", deskewed {len(skews)} pages {min(skews):+g}..{max(skews):+g}°"
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="variant keys, e.g. a,c (default: all)")
    ap.add_argument("--fresh", action="store_true", help="read again, not from the kept results")
    ap.add_argument("--rebuild", action="store_true", help="scan again")
    ap.add_argument("--commands", action="store_true", help="print the commands that make each variant, and stop")
    ap.add_argument("--kompass", type=Path, default=ROOT, help="the kompass code to measure (default: this tree)")
    ap.add_argument("--label", help="the results' folder (default: worktree, or --kompass's name)")
    args = ap.parse_args(argv)
    label = args.label or ("worktree" if args.kompass.resolve() == ROOT else args.kompass.resolve().name)
    results = OUT / "results" / label
    chosen = [v for v in VARIANTS if not args.only or v[0] in args.only.split(",")]
    if args.commands:
        for key, name, src, options in chosen:
            print(f"{key}) {command(name, src, options)}")
        return 0
    from pipeline.readers.pdf.ocr import tesseract_missing
    from pipeline.readers.pdf.settings import OCR_DEFAULTS
    from pipeline.reading import DEFAULT_TIME_LIMIT

    if tesseract_missing():
        print(f"skipped: {tesseract_missing()}")
        return 0
    digital: dict[str, dict] = {}
    rows = []
    details = []
    for key, name, src, options in chosen:
        pdf = OUT / f"{name}.pdf"
        if args.rebuild or not pdf.exists():
            build(name, src, options)
        if src not in digital:
            digital[src] = read(ROOT / src, results / f"born-digital-{Path(src).stem}.json", args.fresh, args.kompass)
        want_d = digital[src]
        got_d = read(pdf, results / f"{name}.json", args.fresh, args.kompass)
        want = report_of(want_d["report"])
        pages = got_d["pages"]
        row = {"key": key, "variant": name, "reader": got_d["reader"], "error": got_d["error"],
               "s/page": round(got_d["seconds"] / pages, 2) if got_d["seconds"] and pages else None,
               "cpu/page": round(got_d["cpu"] / pages, 2) if got_d["cpu"] and pages else None,
               "slow": bool(got_d["seconds"] and pages
                            and got_d["seconds"] > DEFAULT_TIME_LIMIT + OCR_DEFAULTS.seconds_per_page_allowed * pages)}
        if got_d["report"] is None:
            rows.append(row)
            details.append((key, name, [f"not read: {got_d['error']}"], []))
            print(f"{key} {name}: not read: {got_d['error']}", flush=True)
            continue
        got = report_of(got_d["report"])
        c = compare(got, want)
        new_flags = sorted({f.code for f in got.flags} - {f.code for f in want.flags} - {"ocr"})
        row.update({"total": f"{_num(c['total'])} ({_num(c['total_want'])})",
                    "areas": f"{c['areas_exact']}/{c['areas_want']}",
                    "questions": f"{c['questions_exact']}/{c['questions_want']}",
                    "findings": f"{c['findings_found']}/{c['findings_want']} ({c['findings']} read)",
                    "ocr": ocr_summary(got), "number_flags": c["number_flags"], "new_flags": new_flags,
                    "flags": sorted({f.code for f in got.flags})})
        rows.append(row)
        details.append((key, name, wrong_numbers(got, want),
                        [f"{f.severity} {f.code}: {f.message}" for f in got.flags
                         if (f.code, f.message) not in {(w.code, w.message) for w in want.flags}]))
        print(f"{key} {name}: {row['reader']}, {row['s/page']} s/page, total {row['total']}, areas {row['areas']}, "
              f"questions {row['questions']}, findings {row['findings']}, {row['ocr']}", flush=True)
    print()
    print("| | variant | reader | error | total (born-digital) | areas exact | sub-questions exact | "
          "findings >=0.9 | s/page (CPU) | OCR | flags on numbers | other new flags |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        other = [f for f in r.get("new_flags", []) if not f.startswith(NUMBER_FLAG_PREFIXES)]
        print(f"| {r['key']} | {r['variant']} | {r['reader'] or '-'} | {r['error'] or ''} | {r.get('total', '-')} | "
              f"{r.get('areas', '-')} | {r.get('questions', '-')} | {r.get('findings', '-')} | "
              f"{r['s/page']} ({r['cpu/page']}){' SLOW' if r['slow'] else ''} | {r.get('ocr', '')} | "
              f"{', '.join(r.get('number_flags', [])) or 'none'} | {', '.join(other) or ''} |")
    print()
    for key, name, wrong, flags in details:
        print(f"{key}) {name}: " + ("numbers as born-digital" if not wrong else f"{len(wrong)} differences"))
        for line in wrong:
            print(f"    {line}")
        for line in flags:
            print(f"    flag {line[:220]}")
    born = {src: d for src, d in digital.items()}
    print()
    for src, d in born.items():
        rep = report_of(d["report"]) if d["report"] else None
        print(f"born-digital {src}: reader {d['reader']}, {d['seconds']:.1f} s, flags "
              f"{', '.join(sorted({f.code for f in rep.flags})) if rep else d['error']}")
    print(f"kompass code measured: {args.kompass} ({label})")
    (results / "table.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
