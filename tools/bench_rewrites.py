"""Born-digital renditions kompass was not developed on, each read as an
ingest reads it and scored against the reading of the file it was made from.

Renditions (made once into build/rewrites/<name>/; one whose tool is missing
is skipped and said):

* ``ghostscript``: Ghostscript's ``pdfwrite`` over each producer fixture; it
  maps ligatures to byte-swapped code points and some fonts' letters to
  control characters;
* ``postscript``: a PostScript round trip (``ps2write``, then ``pdfwrite``),
  as printing to a PostScript file and distilling it does; it loses most
  fonts' Unicode maps (those pages are read by OCR) and gives regular fonts a
  bold weight;
* ``cairo``: poppler's ``pdftocairo -pdf``, the cairo PDF surface a GNOME
  viewer's "print to file" writes;
* ``pandoc``: the Word fixtures ``tests/fixtures/torsas-<year>.docx``
  converted by pandoc and typeset by XeLaTeX (``lang=sv``: Swedish
  hyphenation; tables as longtables with booktabs rules, a table without a
  header row printed as its header, cells bottom-aligned);
* ``reportlab-plain``: the seed reports typeset by reportlab with no table
  at all (``tools/other_producers/build_reportlab_plain.py``: every score in
  running text, "Område 3 …: 54 av 100 poäng", "3.1 … – 8 p (max 10)",
  "Poäng: 66 av 100", findings as bulleted lists under their labels), made
  without reading kompass's reader; scored against the Word fixture of the
  same seed (needs ``pip install reportlab``);
* ``plain-columns``: the same without tables in two justified columns and
  other printed forms ("1 Offentlighet och demokrati – 45/100 (45%)",
  "1.3 …: 13/25 (50%)", "Område 3: Styrning och kontroll, 66 poäng av 100",
  "3.1 Strategi för styrning (8 av 10)", "Totalt för området: 64 av 100"),
  made after the reader had learnt the first one's forms, as a held-out check
  (``tools/other_producers/build_plain_columns.py``).

Scored per file, the original's reading being the truth: area and
sub-question scores exact (number, score, max), findings F1 (same area and
kind, text at least ``FINDING_SIMILARITY`` alike, each matched once, as the
scan bench) and exact-text F1 (same area, kind and text), and the flags the
rendition's reading raised that the original's did not. Then per rendition
the means, the lowest F1 and the issue's goal (every score right, findings F1
at least 0.98 on average and 0.95 for every file, exact text 0.97).

    python tools/bench_rewrites.py [--out build/rewrites] [--only NAME]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.bench_scan_corpus import matched_findings, share_exact  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
PRODUCERS = FIXTURES / "producers"

_GS = ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER"]
_PANDOC = ["pandoc", "--pdf-engine=xelatex", "-V", "lang=sv", "-V", "mainfont=DejaVu Serif",
           "-V", "geometry:a4paper,margin=2.5cm"]

#: rendition name -> (its sources, the commands turning (source, target) into it)
RENDITIONS = {
    "ghostscript": (lambda: sorted(PRODUCERS.glob("*.pdf")),
                    lambda src, out: [[*_GS, "-sDEVICE=pdfwrite", f"-sOutputFile={out}", str(src)]]),
    "postscript": (lambda: sorted(PRODUCERS.glob("*.pdf")),
                   lambda src, out: [[*_GS, "-sDEVICE=ps2write", f"-sOutputFile={out.with_suffix('.ps')}", str(src)],
                                     [*_GS, "-sDEVICE=pdfwrite", f"-sOutputFile={out}",
                                      str(out.with_suffix(".ps"))]]),
    "cairo": (lambda: sorted(PRODUCERS.glob("*.pdf")),
              lambda src, out: [["pdftocairo", "-pdf", str(src), str(out)]]),
    "pandoc": (lambda: sorted(FIXTURES.glob("torsas-20*.docx")),
               lambda src, out: [[*_PANDOC, str(src), "-o", str(out)]]),
    "reportlab-plain": (lambda: sorted(FIXTURES.glob("torsas-20*.docx")),
                        lambda src, out: [[sys.executable, str(_PLAIN), "--out", str(out.parent / "made")],
                                          ["cp", str(out.parent / "made" / out.name), str(out)]]),
    "plain-columns": (lambda: sorted(FIXTURES.glob("torsas-20*.docx")),
                      lambda src, out: [[sys.executable, str(_COLUMNS), "--out", str(out.parent / "made")],
                                        ["cp", str(out.parent / "made" / out.name), str(out)]]),
}
_PLAIN = ROOT / "tools" / "other_producers" / "build_reportlab_plain.py"
_COLUMNS = ROOT / "tools" / "other_producers" / "build_plain_columns.py"
#: what a rendition needs beside its first command: programs, and Python modules
_ALSO_NEEDED = {"pandoc": ["xelatex"]}
_MODULES_NEEDED = {"reportlab-plain": ["reportlab"], "plain-columns": ["reportlab"]}

GOAL_F1, GOAL_MIN_F1, GOAL_EXACT = 0.98, 0.95, 0.97


def rendered(name: str, src: Path, folder: Path) -> Path | None:
    """``src`` made into rendition ``name`` (once), None if a tool is missing."""
    out = folder / name / f"{src.stem}-{name}.pdf"
    if out.exists():
        return out
    commands = RENDITIONS[name][1](src, out)
    if any(shutil.which(t) is None for t in [commands[0][0], *_ALSO_NEEDED.get(name, [])]):
        return None
    if any(importlib.util.find_spec(m) is None for m in _MODULES_NEEDED.get(name, [])):
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    for command in commands:
        subprocess.run(command, check=True, capture_output=True, timeout=600, cwd=out.parent)
    out.with_suffix(".ps").unlink(missing_ok=True)
    return out


def reading(path: Path, cache: Path) -> dict:
    """``path`` read as an ingest reads it, kept in ``cache`` with the digests
    of the file and of the kompass code that read it."""
    from tools.bench_ocr_variants import read_in_process

    code = hashlib.sha256(b"".join(p.read_bytes() for p in sorted((ROOT / "pipeline").rglob("*"))
                                   if p.is_file() and p.suffix in (".py", ".json", ".txt"))).hexdigest()
    key = hashlib.sha256(path.read_bytes()).hexdigest() + code
    if cache.exists():
        got = json.loads(cache.read_text())
        if got.get("key") == key:
            return got
    got = read_in_process(path)
    got["key"] = key
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(got, ensure_ascii=False))
    return got


def score(got_d: dict, want_d: dict) -> dict:
    from tools.bench_ocr_variants import report_of

    want = report_of(want_d["report"])
    if got_d.get("report") is None:
        return {"error": got_d.get("error"), "areas": 0.0, "questions": 0.0, "f1": 0.0, "exact": 0.0,
                "findings": f"0/{len(want.findings)}", "flags": "", "reader": got_d.get("reader")}
    got = report_of(got_d["report"])
    n = matched_findings(got.findings, want.findings)
    same = len({(f.area, f.kind, f.text) for f in got.findings} & {(f.area, f.kind, f.text) for f in want.findings})
    both = len(got.findings) + len(want.findings)
    before = {f.code for f in want.flags}
    return {"error": None, "reader": got_d.get("reader"),
            "areas": share_exact(got.areas, want.areas) or 0.0,
            "questions": share_exact(got.questions, want.questions) or 0.0,
            "f1": 2 * n / both if both else 1.0, "exact": 2 * same / both if both else 1.0,
            "findings": f"{n}/{len(want.findings)} ({len(got.findings)} read)",
            "flags": ", ".join(sorted({f.code for f in got.flags} - before))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "rewrites")
    ap.add_argument("--only", choices=sorted(RENDITIONS), action="append")
    args = ap.parse_args(argv)
    print("| rendition | file | reader | findings matched | areas | sub-questions | F1 | exact text | new flags |")
    print("|---|---|---|---|---|---|---|---|---|")
    rows: dict[str, list[dict]] = {}
    for name in args.only or RENDITIONS:
        for src in RENDITIONS[name][0]():
            path = rendered(name, src, args.out)
            if path is None:
                print(f"{name}: its tools are not installed, skipped", file=sys.stderr)
                break
            want = reading(src, args.out / "results" / "original" / f"{src.name}.json")
            got = reading(path, args.out / "results" / name / f"{path.name}.json")
            row = score(got, want)
            rows.setdefault(name, []).append(row)
            print(f"| {name} | {src.stem} | {row['reader']} | {row['findings']} | {row['areas']:.0%} | "
                  f"{row['questions']:.0%} | {row['f1']:.3f} | {row['exact']:.3f} | "
                  f"{row['error'] or row['flags']} |")
    print("\n| rendition | files | areas | sub-questions | mean F1 | lowest F1 | mean exact text | goal met |")
    print("|---|---|---|---|---|---|---|---|")
    for name, rs in rows.items():
        areas, questions = mean(r["areas"] for r in rs), mean(r["questions"] for r in rs)
        f1, low, exact = mean(r["f1"] for r in rs), min(r["f1"] for r in rs), mean(r["exact"] for r in rs)
        met = areas == 1 and questions == 1 and f1 >= GOAL_F1 and low >= GOAL_MIN_F1 and exact >= GOAL_EXACT
        print(f"| {name} | {len(rs)} | {areas:.1%} | {questions:.1%} | {f1:.3f} | {low:.3f} | {exact:.3f} | "
              f"{'yes' if met else 'no'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
