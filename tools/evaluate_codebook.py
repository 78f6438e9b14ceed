"""Agreement of codebook coding with a reader's coding, beside single-view baselines.

    python tools/evaluate_codebook.py [--coding ../shared/annotations/themes-A.json]

Writes a codebook CSV from the coding's own themes (key, ``label_sv`` as the
label, ``gloss_en`` as the description, no keywords) into a temporary folder,
reads the sample reports (``raw_reports/*.txt``) into a scratch database with
their sentence vectors, applies the codebook as ``kompass codebook apply``
does, and compares the themes given with the reader's by adjusted Rand index
(ARI), normalised mutual information (NMI) and the share of findings whose
theme is the reader's (accuracy; a finding given no theme counts as wrong).
A finding given no theme is a cluster of its own for ARI and NMI.

Baselines, with the same decision rule: the words alone (TF-IDF cosine) and
the meaning alone (E5), raw and centred. The results are optimistic for the
method: the theme definitions were written by the same reader who coded the
findings, for these two reports. The coding is only read here, to measure:
nothing in the package is set from it.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import store  # noqa: E402
from pipeline.ingest import ingest  # noqa: E402
from pipeline.nlp import codebook as cb  # noqa: E402
from pipeline.nlp.vectors import finding_vectors, text_vectors, update_vectors  # noqa: E402


def write_codebook(coding: dict, folder: Path) -> Path:
    path = folder / "coding-A.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["theme", "label", "description"])
        for key, t in coding["themes"].items():
            w.writerow([key, t["label_sv"], t["gloss_en"]])
    return path


def apart(labels: list) -> list[str]:
    """None (no theme) as a cluster of its own per finding."""
    return [lab if lab is not None else f"none-{i}" for i, lab in enumerate(labels)]


def measure(name: str, gold: list[str], given: list) -> str:
    n = len(gold)
    themed = sum(g is not None for g in given)
    right = sum(g == t for g, t in zip(gold, given))
    ari = adjusted_rand_score(gold, apart(given))
    nmi = normalized_mutual_info_score(gold, apart(given))
    return f"{name:44} {themed / n:7.0%} {right / n:9.0%} {ari:6.3f} {nmi:6.3f}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coding", type=Path, default=ROOT.parent / "shared/annotations/themes-A.json")
    parser.add_argument("--reports", type=Path, default=ROOT / "raw_reports")
    args = parser.parse_args(argv)
    coding = json.loads(args.coding.read_text("utf-8"))
    findings = json.loads((args.coding.parent / "findings.json").read_text("utf-8"))
    tmp = Path(tempfile.mkdtemp())
    book_path = write_codebook(coding, tmp)
    ingest(sorted(args.reports.glob("*.txt")), tmp / "eval.db", None)
    db = store.open_db(tmp / "eval.db")
    update_vectors(db)
    summary = cb.apply_codebook(db, book_path)
    rows = list(db.query("select f.id, f.text, r.year, ct.theme from findings f join reports r on r.id = f.report_id "
                         "join codebook_themes ct on ct.finding_id = f.id and ct.codebook = ? order by f.id",
                         [summary.codebook]))
    key_of = {(f["year"], f["text"]): coding["assignments"][f["id"]] for f in findings}
    missing = [r for r in rows if (r["year"], r["text"]) not in key_of]
    if missing:
        raise SystemExit(f"{len(missing)} findings of the reports are not in the coding, e.g. {missing[0]['text']!r}")
    gold = [key_of[(r["year"], r["text"])] for r in rows]
    print(f"{len(rows)} findings, {len(coding['themes'])} themes of {args.coding.name} written as codebook "
          f"{book_path.name} (label_sv + gloss_en).\n")
    print(f"{'method':44} {'themed':>7} {'accuracy':>9} {'ARI':>6} {'NMI':>6}")
    print(measure("kompass codebook apply (E5 centred + words)", gold, [r["theme"] for r in rows]))

    book = cb.read_codebook(book_path)
    texts = [r["text"] for r in rows]
    vecs = finding_vectors(db, [r["id"] for r in rows])
    theme_vecs = text_vectors([t.text() for t in book.themes])
    meaning = cb.meaning_similarity(vecs, theme_vecs)
    raw = vecs.astype(np.float64) @ theme_vecs.astype(np.float64).T
    words = cb.word_similarity(texts, [t.text() for t in book.themes])
    variants = [("words only (TF-IDF lemmas, parts, n-grams)", cb.similarities(None, words)),
                ("E5 only, centred", cb.similarities(meaning, None)),
                ("E5 only, raw cosine", cb.similarities(raw, None)),
                ("E5 raw + words", cb.similarities(raw, words))]
    for name, scores in variants:
        print(measure(name, gold, [t for t, _ in cb.assign(scores, book)]))
    print("\nThe same, every finding given its best theme (no 'none'):")
    for name, scores in [("E5 centred + words", cb.similarities(meaning, words))] + variants:
        print(measure(name, gold, [t for t, _ in cb.assign(scores, book, min_margin=-np.inf, min_score=-np.inf)]))
    print("\nWeight of the meaning (the rest words), default rule:")
    for w in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        print(measure(f"weight {w}", gold, [t for t, _ in cb.assign(cb.similarities(meaning, words, w), book)]))


if __name__ == "__main__":
    main()
