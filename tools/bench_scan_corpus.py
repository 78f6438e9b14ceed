#!/usr/bin/env python3
"""How kompass reads the scan corpus, against the born-digital reading of the
same reports: per file, per split, in Markdown.

    .venv/bin/python tools/bench_scan_corpus.py [--split dev|test|both] [--fresh] [--kompass DIR] [--only TEXT]

The corpus is the one ``tools/make_scan_corpus.py`` makes (its manifest,
``build/scan-corpus/manifest.json``): scans of bench-corpus reports with
scanner faults, and PDFs whose text layer is glyph codes. Each file, and the
born-digital PDF it was made from, is read in a fresh process as an ingest
reads a file (:func:`pipeline.reading.read_file`: the reader, then
extraction; the script of ``tools/bench_ocr_variants.py``), one file at a
time, since OCR already uses every core. What is measured, the born-digital
report being the truth:

* reader and error (a file not read scores 0 everywhere below);
* area scores exact: the share of the born-digital areas read with the same
  number, score and max; sub-questions likewise (by number);
* findings precision, recall and F1: a finding read matches a born-digital
  one of the same area and kind whose text is at least ``FINDING_SIMILARITY``
  alike (difflib ratio, as ``tools/bench_ocr.py``), each matched at most once
  (a maximum matching);
* whether the report is marked as read by OCR (a flag with code "ocr");
* wall and CPU seconds per page (CPU of the reading process and its
  Tesseract children).

Then a table per split: means over its files (and the pages' CPU seconds
over all its pages) and the lowest findings F1; and the same by producer and
by fault profile. Readings are kept in ``build/scan-corpus/results/<label>/``
with the SHA-256 of the file read, and read again when the file changed or
with ``--fresh``. ``--kompass DIR`` measures the kompass code in DIR (say a
``git archive`` of a commit) instead of this work tree.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import sys
import time
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.bench_ocr import FINDING_SIMILARITY  # noqa: E402
from tools.bench_ocr_variants import read_in_process, report_of  # noqa: E402

CORPUS = ROOT / "build" / "scan-corpus"
SPLITS = ("dev", "test")


def read(path: Path, cache: Path, fresh: bool, kompass: Path) -> dict:
    """``path`` read in a fresh process running the kompass code in
    ``kompass``; kept in ``cache`` with the SHA-256 of what was read."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if cache.exists() and not fresh:
        got = json.loads(cache.read_text())
        if got.get("input_sha256") == digest:
            return got
    got = read_in_process(path, kompass)
    got["input_sha256"] = digest
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(got, ensure_ascii=False, indent=1))
    return got


def share_exact(got: list, want: list) -> float | None:
    """The share of ``want`` (areas or sub-questions) that ``got`` has with
    the same number, score and max."""
    if not want:
        return None
    have = {x.number: (x.score, x.max) for x in got}
    return sum(have.get(x.number) == (x.score, x.max) for x in want) / len(want)


def matched_findings(got: list, want: list) -> int:
    """The most pairs (read, born-digital) of the same area and kind and text
    at least ``FINDING_SIMILARITY`` alike, each finding in one pair at most
    (augmenting paths)."""
    edges: dict[int, list[int]] = {}
    for i, w in enumerate(want):
        for j, g in enumerate(got):
            if (g.area, g.kind) != (w.area, w.kind):
                continue
            sm = difflib.SequenceMatcher(None, w.text, g.text)
            if sm.real_quick_ratio() >= FINDING_SIMILARITY and sm.quick_ratio() >= FINDING_SIMILARITY \
                    and sm.ratio() >= FINDING_SIMILARITY:
                edges.setdefault(i, []).append(j)
    partner: dict[int, int] = {}  # got index -> want index

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges.get(i, ()):
            if j not in seen:
                seen.add(j)
                if j not in partner or augment(partner[j], seen):
                    partner[j] = i
                    return True
        return False

    return sum(augment(i, set()) for i in edges)


def score(got_d: dict, want_d: dict) -> dict:
    """The measures of one file's reading against the born-digital one's."""
    pages = got_d.get("pages")
    row = {"reader": got_d.get("reader"), "error": got_d.get("error"), "pages": pages,
           "seconds": got_d.get("seconds"), "cpu": got_d.get("cpu"),
           "s/page": round(got_d["seconds"] / pages, 2) if got_d.get("seconds") and pages else None,
           "cpu/page": round(got_d["cpu"] / pages, 2) if got_d.get("cpu") and pages else None,
           "areas": 0.0, "questions": 0.0, "precision": 0.0, "recall": 0.0, "f1": 0.0, "ocr": False,
           "findings": None, "total_ok": False, "scored": want_d.get("report") is not None}
    if not row["scored"]:
        row["error"] = f"born-digital not read: {want_d.get('error')}"
        return row
    want = report_of(want_d["report"])
    row["findings"] = f"0/{len(want.findings)}"
    if got_d.get("report") is None:
        return row
    got = report_of(got_d["report"])
    n = matched_findings(got.findings, want.findings)
    precision = n / len(got.findings) if got.findings else float(not want.findings)
    recall = n / len(want.findings) if want.findings else 1.0
    row.update({"areas": share_exact(got.areas, want.areas), "questions": share_exact(got.questions, want.questions),
                "precision": precision, "recall": recall,
                "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
                "findings": f"{n}/{len(want.findings)} ({len(got.findings)} read)",
                "ocr": any(f.code == "ocr" for f in got.flags),
                "total_ok": got.total_score == want.total_score})
    return row


def pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def summary(rows: list[dict]) -> dict:
    """Means over ``rows`` (files not read count 0), the lowest F1, CPU s per page."""
    scored = [r for r in rows if r["scored"]]
    pages = sum(r["pages"] or 0 for r in scored if r["cpu"])
    lowest = min(scored, key=lambda r: r["f1"], default=None)
    return {"files": len(rows), "scored": len(scored), "read": sum(r["reader"] is not None for r in scored),
            "ocr": sum(r["ocr"] for r in scored),
            "total_ok": sum(r["total_ok"] for r in scored),
            **{k: mean(r[k] or 0.0 for r in scored) if scored else None
               for k in ("areas", "questions", "precision", "recall", "f1")},
            "min_f1": lowest["f1"] if lowest else None, "min_f1_file": lowest["file"] if lowest else None,
            "cpu/page": round(sum(r["cpu"] for r in scored if r["cpu"]) / pages, 2) if pages else None,
            "seconds": round(sum(r["seconds"] or 0 for r in scored))}


def file_table(rows: list[dict]) -> list[str]:
    lines = ["| file | producer | profile | reader | error | areas exact | sub-questions exact | "
             "findings matched | P | R | F1 | OCR flag | total as born-digital | CPU s/page |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {Path(r['file']).name.removesuffix('.pdf')} | {r['producer']} | {r['profile']} | "
                     f"{r['reader'] or '-'} | {(r['error'] or '')[:120]} | {pct(r['areas'])} | "
                     f"{pct(r['questions'])} | {r['findings'] or '-'} | {pct(r['precision'])} | "
                     f"{pct(r['recall'])} | {pct(r['f1'])} | {'yes' if r['ocr'] else 'no'} | "
                     f"{'yes' if r['total_ok'] else 'no'} | {r['cpu/page'] or '-'} |")
    return lines


def summary_table(groups: list[tuple[str, list[dict]]], what: str) -> list[str]:
    lines = [f"| {what} | files | read | OCR flag | total as born-digital | areas exact | sub-questions exact | "
             "findings P | findings R | findings F1 | min F1 | CPU s/page | wall s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, rows in groups:
        s = summary(rows)
        low = f"{pct(s['min_f1'])} ({Path(s['min_f1_file']).name.split('--')[0]})" if s["min_f1_file"] else "-"
        lines.append(f"| {name} | {s['files']} | {s['read']} | {s['ocr']} | {s['total_ok']} | {pct(s['areas'])} | "
                     f"{pct(s['questions'])} | {pct(s['precision'])} | {pct(s['recall'])} | {pct(s['f1'])} | "
                     f"{low} | {s['cpu/page'] or '-'} | {s['seconds']} |")
    return lines


def grouped(rows: list[dict], key: str) -> list[tuple[str, list[dict]]]:
    names = sorted({r[key] for r in rows})
    return [(f"{split} {name}", [r for r in rows if r["split"] == split and r[key] == name])
            for split in SPLITS for name in names if any(r["split"] == split and r[key] == name for r in rows)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=(*SPLITS, "both"), default="both")
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="the scan corpus (with its manifest.json)")
    ap.add_argument("--only", help="only files whose name contains this")
    ap.add_argument("--fresh", action="store_true", help="read again, not from the kept results")
    ap.add_argument("--kompass", type=Path, default=ROOT, help="the kompass code to measure (default: this tree)")
    ap.add_argument("--label", help="the results' folder (default: worktree, or --kompass's name)")
    args = ap.parse_args(argv)
    args.corpus = args.corpus.resolve()
    manifest_path = args.corpus / "manifest.json"
    if not manifest_path.exists():
        print(f"no {manifest_path}: run tools/make_scan_corpus.py first")
        return 2
    label = args.label or ("worktree" if args.kompass.resolve() == ROOT else args.kompass.resolve().name)
    results = args.corpus / "results" / label
    splits = SPLITS if args.split == "both" else (args.split,)
    entries = [e for e in json.loads(manifest_path.read_text())["files"]
               if e["split"] in splits and (not args.only or args.only in e["file"])]
    from pipeline.readers.pdf.ocr import tesseract_missing

    if tesseract_missing():
        print(f"skipped: {tesseract_missing()}")
        return 0
    started = time.perf_counter()
    rows = []
    for k, e in enumerate(entries, 1):
        src = ROOT / e["source"]
        want_d = read(src, results / "born-digital" / f"{src.stem}.json", args.fresh, args.kompass)
        got_d = read(args.corpus / e["file"], results / e["file"].replace(".pdf", ".json"), args.fresh,
                     args.kompass)
        row = {"file": e["file"], "split": e["split"], "producer": e["producer"], "profile": e["profile"],
               **score(got_d, want_d)}
        rows.append(row)
        print(f"[{k}/{len(entries)}] {e['file']}: {row['reader']}, {row['error'] or 'read'}, areas "
              f"{pct(row['areas'])}, sub-questions {pct(row['questions'])}, findings {row['findings']} "
              f"F1 {pct(row['f1'])}, OCR flag {row['ocr']}, {row['cpu/page']} CPU s/page "
              f"({time.perf_counter() - started:.0f} s so far)", flush=True)
    lines = [f"Scan corpus ({', '.join(splits)}), kompass code {args.kompass} ({label}); "
             f"finding match: same area and kind, difflib ratio >= {FINDING_SIMILARITY:g}, one to one.", ""]
    for split in splits:
        lines += [f"### {split}", "", *file_table([r for r in rows if r["split"] == split]), ""]
    lines += ["### per split", "", *summary_table([(s, [r for r in rows if r["split"] == s]) for s in splits],
                                                  "split"), ""]
    lines += ["### by producer", "", *summary_table(grouped(rows, "producer"), "split, producer"), ""]
    lines += ["### by profile", "", *summary_table(grouped(rows, "profile"), "split, profile"), ""]
    lines.append(f"{len(rows)} files in {time.perf_counter() - started:.0f} s (readings kept in "
                 f"{results.relative_to(ROOT) if results.is_relative_to(ROOT) else results})")
    text = "\n".join(lines)
    print()
    print(text)
    results.mkdir(parents=True, exist_ok=True)
    name = args.split if not args.only else f"{args.split}-only"
    (results / f"table-{name}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    (results / f"table-{name}.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
