#!/usr/bin/env python3
"""A seeded mutation campaign against ``kompass ingest``: damaged copies of the
fixtures beside one good report, batch by batch, and what a user would see.

    .venv/bin/python tools/fuzz_ingest.py [--files 100] [--batch 25] [--seed 7] [--out build/fuzz]

Each mutated file is a fixture (PDF, Word, text export) with bytes flipped,
cut short, a block repeated or zeroed, or text outside the Basic Multilingual
Plane and control characters put in; a share of them (``--crafted``) is made
by the recipes of the hand-found faults instead: a PDF whose ToUnicode maps
glyphs to a surrogate pair, half of one, no character or a control character,
a Word file whose styles cycle, a text export flooded with "[bookmark: ", a
name that is not UTF-8. Each batch is one ingest run (its own
process and database, ``--no-themes``, a 30 s time limit a file) of that
many mutated files and a copy of the Torsås 2017 text export. Checked per
batch: the exit status is 0 or 1, nothing on stderr but one-line ``error:``,
``warning:`` and ``skipped:`` lines (no traceback), the good report stored,
and the database whole (``PRAGMA integrity_check``, foreign keys). Prints a
line per batch and the counts; exit status 1 when a batch fails a check.
"""

from __future__ import annotations

import argparse
import os
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


sys.path.insert(0, str(ROOT / "tests"))
from hostile import docx_with_style_cycle, pdf_with_tounicode  # noqa: E402

#: what a crafted file maps a glyph to: a character outside the BMP (a
#: surrogate pair), half of one, no character at all, a control character
ODD_UNICODE = ["D83DDE00", "D83D", "DC00", "0000", "001B", "FFFF", "D835DC00"]


def crafted(rng: random.Random, folder: Path, k: int) -> str:
    """A file of a kind the issue found by hand, written into ``folder``; its kind."""
    kind = rng.choice(["tounicode", "stylecycle", "bookmarks", "latin1-name"])
    if kind == "tounicode":
        mapping = {0x41 + i: rng.choice(ODD_UNICODE) for i in range(rng.randint(1, 4))}
        text = bytes(rng.choice([0x41, 0x42, 0x43, 0x44, 0x20, 0x61]) for _ in range(40))
        (folder / f"{k:02d}-{kind}.pdf").write_bytes(pdf_with_tounicode(b"Kommunkompassen " + text, mapping))
    elif kind == "stylecycle":
        docx_with_style_cycle(rng.choice(sorted(ROOT.glob("tests/fixtures/*.docx"))), folder / f"{k:02d}-{kind}.docx")
    elif kind == "bookmarks":
        (folder / f"{k:02d}-{kind}.txt").write_text("Kommunkompassen\n" + "[bookmark: " * rng.randint(5_000, 20_000),
                                                    encoding="utf-8")
    else:
        with open(os.fsencode(folder) + b"/%02d-Tors\xe5s-%d.txt" % (k, rng.choice([2017, 2021])), "wb") as f:
            f.write(rng.choice(sorted(ROOT.glob("raw_reports/*.txt"))).read_bytes())
    return kind


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
    ap.add_argument("--crafted", type=float, default=0.25,
                    help="the share of files made by hand-found recipes rather than by random mutation")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    shutil.rmtree(args.out, ignore_errors=True)
    bad_batches, counts = 0, {"files": 0, "errors": 0, "warnings": 0}
    for b in range((args.files + args.batch - 1) // args.batch):
        folder = args.out / f"batch-{b:02d}"
        folder.mkdir(parents=True)
        kinds = []
        for k in range(min(args.batch, args.files - b * args.batch)):
            if rng.random() < args.crafted:
                kinds.append(crafted(rng, folder, k))
                continue
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
        try:
            with sqlite3.connect(db) as conn:
                whole = conn.execute("pragma integrity_check").fetchone()[0] == "ok"
                keys = not conn.execute("pragma foreign_key_check").fetchall()
                good = conn.execute("select count(*) from reports where id = '0834-2017'").fetchone()[0] == 1
        except sqlite3.Error:  # no database made: the run stopped before
            whole = keys = good = False
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
