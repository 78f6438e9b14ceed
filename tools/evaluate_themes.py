"""Agreement of the themes with a reader's coding, against a naive baseline.

    python tools/evaluate_themes.py [--coding ../shared/annotations/themes-A.json]

Reads the sample reports (``raw_reports/*.txt``) into a scratch database, fits
the themes exactly as ``make ingest`` does (five seeds), and compares them with the coding
by adjusted Rand index (ARI) and normalised mutual information (NMI). The
baseline is TF-IDF on raw words + k-means with the same number of themes. An
outlier counts as a theme of its own (it agrees with no one). Every method is
run with five random seeds; the table gives the mean and the range.

The coding is only read here, to measure: nothing in the package learns from it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import store  # noqa: E402
from pipeline.ingest import ingest  # noqa: E402
from pipeline.nlp.features import FindingVectorizer  # noqa: E402
from pipeline.extract.reference import frameworks  # noqa: E402
from pipeline.nlp.representation import ViewWeights, centred, combine, domain_matrix, unit_rows  # noqa: E402
from pipeline.nlp.themes import ThemeModel  # noqa: E402
from pipeline.nlp.update import update_themes  # noqa: E402
from pipeline.nlp.vectors import finding_vectors, update_vectors  # noqa: E402
from sklearn.preprocessing import normalize  # noqa: E402

SEEDS = range(5)
DEV_READING = ROOT / "eval" / "themes-dev-reading.json"
WEIGHT_GRID = [ViewWeights(*w) for w in ((2, 1, 0.1), (2, 1, 0.2), (3, 1, 0.1), (3, 1, 0.2), (4, 1, 0.2), (1, 1, 0.2),
                                         (1, 0, 0.1), (1, 0, 0.2))]


def with_outliers_apart(labels) -> list[int]:
    labels = np.asarray(labels).copy()
    nxt = labels.max() + 1
    for i in np.flatnonzero(labels < 0):
        labels[i] = nxt
        nxt += 1
    return labels.tolist()


def load(coding_path: Path, reports: Path):
    coding = json.loads(coding_path.read_text("utf-8"))
    findings = json.loads((coding_path.parent / "findings.json").read_text("utf-8"))
    tmp = Path(tempfile.mkdtemp())
    ingest(sorted(reports.glob("*.txt")), tmp / "eval.db", None)
    db = store.open_db(tmp / "eval.db")
    update_vectors(db)
    rows = list(db.query("select f.id, f.text, r.year, a.domain from findings f join reports r on r.id = f.report_id "
                         "left join areas a on a.report_id = f.report_id and a.number = f.area order by f.id"))
    by_key = {(r["year"], r["text"]): r for r in rows}
    missing = [f["id"] for f in findings if (f["year"], f["text"]) not in by_key]
    if missing:
        raise SystemExit(f"{len(missing)} coded findings not found in the reports, e.g. {missing[:3]}")
    order = {(f["year"], f["text"]): coding["assignments"][f["id"]] for f in findings}
    gold = [order[(r["year"], r["text"])] for r in rows]
    return db, tmp, rows, gold, len(coding["themes"])


def score(gold, labels) -> tuple[float, float]:
    labels = with_outliers_apart(labels)
    return adjusted_rand_score(gold, labels), normalized_mutual_info_score(gold, labels)


def summary(name: str, runs: list[tuple], k: str, outliers: str) -> str:
    aris, nmis = [r[0] for r in runs], [r[1] for r in runs]
    return (f"{name:52} {k:>6} {outliers:>8}  {statistics.mean(aris):.3f} ({min(aris):.3f}-{max(aris):.3f})"
            f"  {statistics.mean(nmis):.3f} ({min(nmis):.3f}-{max(nmis):.3f})")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coding", type=Path, default=ROOT.parent / "shared/annotations/themes-A.json")
    parser.add_argument("--reports", type=Path, default=ROOT / "raw_reports")
    parser.add_argument("--no-ablation", action="store_true")
    args = parser.parse_args(argv)
    db, tmp, rows, gold, n_coded = load(args.coding, args.reports)
    texts, domains = [r["text"] for r in rows], [r["domain"] for r in rows]
    corpus = store.report_text(db)
    vectors = finding_vectors(db, [r["id"] for r in rows])
    print(f"{len(texts)} findings, coded into {n_coded} themes ({args.coding.name}).\n")
    print(f"{'method':58} {'themes':>6} {'outliers':>8}  {'ARI mean (range)':19}  NMI mean (range)")

    # Our own development reading (eval/themes-dev-reading.json: a reader of
    # ours coded the same findings by hand). The themes' weights were chosen
    # on it; the coding given with --coding is only measured.
    dev_coding = json.loads(DEV_READING.read_text("utf-8"))
    dev_key = {(f["year"], f["text"]): dev_coding["assignments"][f["id"]] for f in dev_coding["findings"]}
    dev = [dev_key[(r["year"], r["text"])] for r in rows]
    dev_line = (f"our development reading ({len(set(dev))} themes) against {args.coding.name}: ARI "
                f"{adjusted_rand_score(dev, gold):.3f}")
    project, ks, outs, dev_aris = [], [], [], []
    for seed in SEEDS:
        update = update_themes(db, tmp / "models", refit=True, random_state=seed)
        theme_of = {r["id"]: r["theme_id"] for r in db.query("select id, theme_id from findings")}
        labels = [theme_of[r["id"]] if theme_of[r["id"]] is not None else -1 for r in rows]
        project.append(score(gold, labels))
        dev_aris.append(adjusted_rand_score(dev, with_outliers_apart(labels)))
        ks.append(update.themes)
        outs.append(update.outliers)
    baseline = []
    for seed, k in zip(SEEDS, ks):
        X = TfidfVectorizer().fit_transform(texts)
        baseline.append(score(gold, KMeans(k, n_init=10, random_state=seed).fit_predict(X)))
    span = lambda xs: f"{min(xs)}-{max(xs)}" if min(xs) != max(xs) else str(xs[0])  # noqa: E731
    print(summary("kompass themes, as make ingest fits them", project, span(ks), span(outs))
          + f"   development {statistics.mean(dev_aris):.3f}")
    print(summary("baseline: TF-IDF raw words + k-means, same k", baseline, span(ks), "0"))
    print(dev_line)
    k = ks[0]
    print(f"\nClustering, at k = {k}: ARI against our development reading and against "
          f"{args.coding.name}")
    weights = ViewWeights()
    X = unit_rows(combine(centred(vectors, vectors.mean(axis=0)),
                          normalize(FindingVectorizer(domain_view=False).fit_transform(texts, corpus).toarray()),
                          domain_matrix(domains, list(frameworks()["domains"])), weights))
    for clustering in ("average", "kmeans"):
        model = ThemeModel(n_themes=k, clustering=clustering)
        centres = model._centres(X, k)
        labels = np.asarray(X @ centres.T).argmax(axis=1)
        print(f"  {clustering:10} development {adjusted_rand_score(dev, labels):.3f}   "
              f"{args.coding.name} {score(gold, labels)[0]:.3f}")
    print(f"\nView weights (meaning, lexical, domain), the average-linkage tree cut at k = {k - 4}, {k}, {k + 5}: "
          f"mean ARI against our development reading, where the default was chosen, and against {args.coding.name}")
    lexical = normalize(FindingVectorizer(domain_view=False).fit_transform(texts, corpus).toarray())
    meaning = centred(vectors, vectors.mean(axis=0))
    doms = domain_matrix(domains, list(frameworks()["domains"]))
    tree = ThemeModel(n_themes=k)
    for w in WEIGHT_GRID:
        X = unit_rows(combine(meaning, lexical, doms, w))
        cuts = [np.asarray(X @ tree._centres(X, kk).T).argmax(axis=1) for kk in (k - 4, k, k + 5)]
        mark = "  (default)" if w == ViewWeights() else ""
        print(f"  {w.meaning:g}, {w.lexical:g}, {w.domain:g}   development "
              f"{statistics.mean(adjusted_rand_score(dev, c) for c in cuts):.3f}   {args.coding.name} "
              f"{statistics.mean(score(gold, c)[0] for c in cuts):.3f}{mark}")
    if args.no_ablation:
        return
    print(f"\nWhat each view adds, all at k = {k}, no outliers (the average-linkage tree of the joined rows):")
    lexical = normalize(FindingVectorizer(domain_view=False).fit_transform(texts, corpus).toarray())
    meaning = centred(vectors, vectors.mean(axis=0))
    doms = domain_matrix(domains, list(frameworks()["domains"]))
    default = ViewWeights()
    variants = [
        ("lexical (lemmas, compound parts, char n-grams)", None, lexical, None, ViewWeights(0, 1, 0)),
        ("former kompass: lexical + domain as an equal view",
         None, FindingVectorizer().fit_transform(texts, corpus, domains).toarray(), None, ViewWeights(0, 1, 0)),
        ("meaning (E5 sentence vectors, centred)", meaning, lexical, None, ViewWeights(1, 0, 0)),
        ("meaning, not centred", unit_rows(vectors), lexical, None, ViewWeights(1, 0, 0)),
        ("meaning + lexical", meaning, lexical, None, default.without_domain()),
        (f"meaning + lexical + domain (default: {default.describe()})", meaning, lexical, doms, default),
        ("meaning + domain", meaning, lexical, doms, ViewWeights(default.meaning, 0, default.domain)),
        ("lexical + domain", None, lexical, doms, ViewWeights(0, 1, default.domain)),
    ]
    tree = ThemeModel(n_themes=k)
    for name, m, lex, dom, weights in variants:
        X = unit_rows(combine(m, lex, dom, weights))
        labels = np.asarray(X @ tree._centres(X, k).T).argmax(axis=1)
        print(summary(name, [score(gold, labels)], str(k), "0") + f"   development {adjusted_rand_score(dev, labels):.3f}")


if __name__ == "__main__":
    main()
