"""The producer fixtures rewritten by other PDF software, each read as an
ingest reads it and compared with its original: findings with the same area,
kind and text, and area and sub-question scores.

Rewrites (made once into build/rewrites/, skipped when Ghostscript is
missing): Ghostscript's ``pdfwrite`` (``gs``), which maps ligatures to
byte-swapped code points and some fonts' letters to control characters; and a
PostScript round trip (``ps2write``, then ``pdfwrite``), as printing to a
PostScript file and distilling it does, which loses most fonts' Unicode maps
(those pages are read by OCR) and gives regular fonts a bold weight.

    python tools/bench_rewrites.py [--out build/rewrites]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "tests" / "fixtures" / "producers"

_GS = ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER"]

#: rewrite name -> the commands turning (source, target) into a rewritten PDF
REWRITES = {
    "ghostscript": lambda src, out: [[*_GS, "-sDEVICE=pdfwrite", f"-sOutputFile={out}", str(src)]],
    "postscript": lambda src, out: [[*_GS, "-sDEVICE=ps2write", f"-sOutputFile={out.with_suffix('.ps')}", str(src)],
                                    [*_GS, "-sDEVICE=pdfwrite", f"-sOutputFile={out}", str(out.with_suffix(".ps"))]],
}


def rewritten(name: str, src: Path, folder: Path) -> Path | None:
    out = folder / name / f"{src.stem}-{name}.pdf"
    if out.exists():
        return out
    commands = REWRITES[name](src, out)
    if shutil.which(commands[0][0]) is None:
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    for command in commands:
        subprocess.run(command, check=True, capture_output=True, timeout=600)
    out.with_suffix(".ps").unlink(missing_ok=True)
    return out


def main(argv: list[str] | None = None) -> int:
    from pipeline.reading import read_file

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "rewrites")
    args = ap.parse_args(argv)
    print("| rewrite | file | reader | findings (original / rewrite / same text) | areas | sub-questions | flags |")
    print("|---|---|---|---|---|---|---|")
    totals: dict[str, list[int]] = {}
    for name in REWRITES:
        for src in sorted(FIXTURES.glob("*.pdf")):
            path = rewritten(name, src, args.out)
            if path is None:
                print(f"{name}: not installed, skipped", file=sys.stderr)
                break
            want, got = read_file(src), read_file(path)
            if got.report is None:
                print(f"| {name} | {src.stem} | - | error: {got.error} | | | |")
                continue
            a = [(f.area, f.kind, f.text) for f in want.report.findings]
            b = [(f.area, f.kind, f.text) for f in got.report.findings]
            same = len(set(a) & set(b))
            areas = sum((x.number, x.score, x.max) in {(y.number, y.score, y.max) for y in got.report.areas}
                        for x in want.report.areas)
            questions = sum((x.number, x.score) in {(y.number, y.score) for y in got.report.questions}
                            for x in want.report.questions)
            codes = sorted({f.code for f in got.report.flags if f.code.startswith(("glyphs_", "ocr", "text_layer"))})
            print(f"| {name} | {src.stem} | {got.reader} | {len(a)} / {len(b)} / {same} | "
                  f"{areas} of {len(want.report.areas)} | {questions} of {len(want.report.questions)} | "
                  f"{', '.join(codes)} |")
            t = totals.setdefault(name, [0, 0, 0])
            t[0], t[1], t[2] = t[0] + len(a), t[1] + len(b), t[2] + same
    for name, (n_a, n_b, same) in totals.items():
        print(f"\n{name}: findings with the same text {same} of {n_a} (F1 {2 * same / (n_a + n_b):.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
