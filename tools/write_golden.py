#!/usr/bin/env python3
"""Write the golden documents: what each reader makes of every fixture.

    .venv/bin/python tools/write_golden.py [--check]

For every born-digital fixture (``tests/fixtures/``, ``tests/fixtures/producers/``)
and the sample text exports (``raw_reports/*.txt``; the samples' PDF and Word
files are the fixtures') the document a reader
gives is kept as JSON Lines (:meth:`pipeline.document.Document.to_json_lines`)
in ``tests/golden/``, named after the fixture's path. The tests compare each
reading with its golden file, so a reader change shows up as a diff of
blocks, not as a different database; and extraction tests start from the
golden documents, with no PDF to read. Run this after a change to a reader
that is meant, and read the diff before committing it. ``--check`` writes
nothing and exits 1 when a golden file is missing or differs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOLDEN = ROOT / "tests" / "golden"
#: (folder, the formats kept from it)
SOURCES = ((ROOT / "tests" / "fixtures", (".pdf", ".docx")),
           (ROOT / "tests" / "fixtures" / "producers", (".pdf", ".docx")),
           (ROOT / "raw_reports", (".txt",)))


def fixtures() -> list[Path]:
    """Every file that has a golden document."""
    return sorted(p for folder, formats in SOURCES for p in folder.iterdir() if p.suffix in formats)


def golden_path(fixture: Path) -> Path:
    """``tests/golden/tests__fixtures__torsas-2017.pdf.jsonl`` for ``tests/fixtures/torsas-2017.pdf``."""
    return GOLDEN / ("__".join(fixture.resolve().relative_to(ROOT).parts) + ".jsonl")


def reading(fixture: Path) -> str:
    """The fixture's document as JSON Lines, its origin's path relative to the
    repository (the same in any clone)."""
    from dataclasses import replace

    from pipeline.readers import read_document

    doc = read_document(fixture)
    doc.origin = replace(doc.origin, path=fixture.resolve().relative_to(ROOT).as_posix())
    return doc.to_json_lines()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only say which golden files are missing or differ")
    args = ap.parse_args(argv)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    wanted = {golden_path(f): f for f in fixtures()}
    stale = [p for p in GOLDEN.glob("*.jsonl") if p not in wanted]
    differ = []
    for path, fixture in wanted.items():
        text = reading(fixture)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        differ.append(path)
        if not args.check:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    for path in stale:
        if not args.check:
            path.unlink()
            print(f"removed {path.relative_to(ROOT)} (no such fixture)")
    if args.check and (differ or stale):
        for path in differ + stale:
            print(f"{path.relative_to(ROOT)}: {'stale' if path in stale else 'differs from the reading'}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
