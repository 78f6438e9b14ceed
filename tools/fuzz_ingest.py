#!/usr/bin/env python3
"""A seeded mutation campaign against ``kompass ingest``: damaged copies of the
fixtures beside one good report, batch by batch, and what a user would see.

    .venv/bin/python tools/fuzz_ingest.py [--files 100] [--batch 25] [--seed 7] [--out build/fuzz]

Each mutated file is a fixture (PDF, Word, text export) with bytes flipped,
cut short, a block repeated or zeroed, or text outside the Basic Multilingual
Plane and control characters put in. Each batch is one ingest run (its own
process and database, ``--no-themes``, a 30 s time limit a file) of that
many mutated files and a copy of the Torsås 2017 text export. Checked per
batch: the exit status is 0 or 1, nothing on stderr but one-line ``error:``,
``warning:`` and ``skipped:`` lines (no traceback), the good report stored,
and the database whole (``PRAGMA integrity_check``, foreign keys). Prints a
line per batch and the counts; exit status 1 when a batch fails a check.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*ROOT.glob("tests/fixtures/*.pdf"), *ROOT.glob("tests/fixtures/*.docx"),
                  *ROOT.glob("tests/fixtures/producers/*.pdf"), *ROOT.glob("raw_reports/*.txt")])
GOOD = ROOT / "raw_reports" / "torsas-2017.txt"


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    kind = rng.choice(["flip", "truncate", "repeat", "zero", "unicode"])
    b = bytearray(data)
    if kind == "flip":
        for _ in range(rng.randint(1, 64)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif kind == "truncate":
        b = b[:rng.randrange(1, len(b))]
    elif kind == "repeat":
        i, n = rng.randrange(len(b)), rng.randint(16, 4096)
        b[i:i] = b[i:i + n] * rng.randint(2, 50)
    elif kind == "zero":
        i = rng.randrange(len(b))
        b[i:i + rng.randint(16, 8192)] = bytes(min(8192, len(b) - i))
    else:
        junk = rng.choice(["😀", "\U0001D400", "\x1b[31m", "\x00", "\ud83d".encode("utf-8", "surrogatepass").decode("latin-1")])
        for _ in range(rng.randint(1, 20)):
            i = rng.randrange(len(b))
            b[i:i] = junk.encode("utf-8", "surrogatepass")
    return bytes(b), kind


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--batch", type=int, default=25)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "fuzz")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    shutil.rmtree(args.out, ignore_errors=True)
    bad_batches, counts = 0, {"files": 0, "errors": 0, "warnings": 0}
    for b in range((args.files + args.batch - 1) // args.batch):
        folder = args.out / f"batch-{b:02d}"
        folder.mkdir(parents=True)
        kinds = []
        for k in range(min(args.batch, args.files - b * args.batch)):
            src = rng.choice(SOURCES)
            data, kind = mutate(src.read_bytes(), rng)
            kinds.append(kind)
            (folder / f"{k:02d}-{kind}-{src.name}").write_bytes(data)
        shutil.copy(GOOD, folder / "zz-good-torsas-2017.txt")
        db = args.out / f"batch-{b:02d}.db"
        done = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", str(db),
                               "--no-themes", "--no-json", "--time-limit", "30"],
                              capture_output=True, text=True, cwd=ROOT, timeout=3600)
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        odd = [line for line in lines if not line.startswith(("error: ", "warning: ", "skipped: "))]
        with sqlite3.connect(db) as conn:
            whole = conn.execute("pragma integrity_check").fetchone()[0] == "ok"
            keys = not conn.execute("pragma foreign_key_check").fetchall()
            good = conn.execute("select count(*) from reports where id = '0834-2017'").fetchone()[0] == 1
        ok = done.returncode in (0, 1) and not odd and whole and keys and good
        bad_batches += not ok
        counts["files"] += len(kinds)
        counts["errors"] += sum(line.startswith("error: ") for line in lines)
        counts["warnings"] += sum(line.startswith("warning: ") for line in lines)
        print(f"batch {b}: {len(kinds)} mutated files ({', '.join(sorted(set(kinds)))}), exit {done.returncode}, "
              f"{sum(line.startswith('error: ') for line in lines)} errors, good report {'stored' if good else 'MISSING'}, "
              f"database {'whole' if whole and keys else 'DAMAGED'}"
              + (f"; unexpected output: {odd[:3]}" if odd else ""), flush=True)
    print(f"{counts['files']} mutated files in {b + 1} batches: {counts['errors']} one-line errors, "
          f"{counts['warnings']} warnings; batches failing a check: {bad_batches}")
    return 1 if bad_batches else 0


if __name__ == "__main__":
    sys.exit(main())
