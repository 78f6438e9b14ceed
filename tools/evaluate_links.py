"""How well the follow-up links agree with a careful reading of the seed pair.

``eval/followup-torsas-2017-2021.json`` is a reading made for this purpose:
for each 2017 improvement recommendation of Torsås, what became of it by 2021
(addressed, persisting, no_match) and which 2021 finding(s) say so, decided by
reading both reports (its "method" field says how). This script reads the two
seed reports (text exports in raw_reports/), links them with kompass's method
and with a naive baseline (nearest finding by TF-IDF over words, no lemmas,
compounds, n-grams or domains), in the same run, and prints:

* outcome accuracy over all recommendations, at every threshold of a sweep,
  and for each method at the threshold that suits it best;
* the same with the threshold chosen leave-one-out (for each recommendation,
  the threshold best on the other ones): an honest figure, since the
  threshold is otherwise chosen on the very reading it is measured against;
* hit@1 and hit@3: of the recommendations the reading links to a later
  finding, the share whose (any) gold finding is the method's first, or among
  its first three, candidates, whatever the threshold.

Run:  .venv/bin/python tools/evaluate_links.py [--gold eval/followup-torsas-2017-2021.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.extract import extract_report  # noqa: E402
from pipeline.nlp import links  # noqa: E402
from pipeline.readers import read_document  # noqa: E402

THRESHOLDS = [round(t, 3) for t in np.arange(0.10, 0.61, 0.01)]
#: the view weights compared (the default is links.WEIGHTS)
CONFIGS = {
    "words only, terms (former kompass)": (links.ViewWeights(0, 1, 0.05), "terms"),
    "words only, text n-grams": (links.ViewWeights(0, 1, 0.1), "text-chars"),
    "meaning only": (links.ViewWeights(1, 0, 0), "terms"),
    "meaning + domain": (links.ViewWeights(1, 0, 0.1), "terms"),
    "meaning 2 + terms 1 + domain 0.1": (links.ViewWeights(2, 1, 0.1), "terms"),
    "meaning 1 + terms 1 + domain 0.1": (links.ViewWeights(1, 1, 0.1), "terms"),
    "meaning 2 + text n-grams 1 + domain 0.1": (links.ViewWeights(2, 1, 0.1), "text-chars"),
    "meaning 1 + text n-grams 1 + domain 0.2": (links.ViewWeights(1, 1, 0.2), "text-chars"),
    "kompass (meaning 1 + text n-grams 1 + domain 0.1)": (links.WEIGHTS, links.LEXICAL_VIEW),
}
KOMPASS = "kompass (meaning 1 + text n-grams 1 + domain 0.1)"


def load_findings() -> list[dict]:
    return load_reports()[0]


def load_reports() -> tuple[list[dict], list[dict]]:
    """The seed pair's findings and the narrative of their areas, as the
    database gives them to the linking."""
    out, sections = [], []
    for year in (2017, 2021):
        r = extract_report(read_document(ROOT / "raw_reports" / f"torsas-{year}.txt"))
        domains = {a.number: a.domain for a in r.areas}
        sections += [{"report_id": f"{r.municipality_code}-{year}", "domain": domains[s.area],
                      "heading": s.heading, "text": s.text}
                     for s in r.sections if s.area in domains]
        for f in r.findings:
            out.append({"id": len(out) + 1, "report_id": f"{r.municipality_code}-{year}", "kind": f.kind,
                        "text": f.text, "area": f.area, "municipality_code": r.municipality_code,
                        "year": year, "domain": domains.get(f.area)})
    return out, sections


def finding_vectors(findings: list[dict]) -> dict[int, np.ndarray]:
    from pipeline.nlp.vectors import SentenceEncoder

    return dict(zip((f["id"] for f in findings), SentenceEncoder().encode([f["text"] for f in findings])))


def kompass_candidates(findings: list[dict], vectors=None, weights=links.WEIGHTS,
                       lexical_view=links.LEXICAL_VIEW) -> dict[int, list[tuple[int, float]]]:
    """Each 2017 recommendation's three best 2021 findings (id, score), whatever the score."""
    rows, _ = links.compute_links(findings, [], threshold=-1.0, vectors=vectors, weights=weights,
                                  lexical_view=lexical_view)
    out: dict[int, list] = {}
    for r in rows:
        if r["kind"] in ("addressed", "persisting"):
            out.setdefault(r["source_id"], []).append((r["target_id"], r["score"]))
    return out


def baseline_candidates(findings: list[dict]) -> dict[int, list[tuple[int, float]]]:
    early = [f for f in findings if f["year"] == 2017 and f["kind"] == "improvement"]
    late = [f for f in findings if f["year"] == 2021]
    vec = TfidfVectorizer().fit([f["text"] for f in findings])
    sim = (vec.transform([f["text"] for f in early]) @ vec.transform([f["text"] for f in late]).T).toarray()
    out = {}
    for i, f in enumerate(early):
        order = sorted(range(len(late)), key=lambda c: (-sim[i, c], late[c]["id"]))[:3]
        out[f["id"]] = [(late[c]["id"], float(sim[i, c])) for c in order]
    return out


def _same_sentence(a: str, b: str) -> bool:
    a, b = " ".join(a.split()), " ".join(b.split())
    return a in b or b in a or a[:40] == b[:40]


def evaluate_evidence(findings, sections, items, gold_evidence, vectors) -> dict:
    """For the recommendations kompass finds no match for: is the narrative
    sentence it shows the one the reader cited, and does it show one where
    the reader found none?"""
    rows, _ = links.compute_links(findings, sections, vectors=vectors)
    shown = {r["source_id"]: r["evidence"] for r in rows if r["kind"] == "no_match"}
    agree = shown_none = cited = 0
    for item in items:
        if item["source_id"] not in shown:
            continue
        ours, theirs = shown[item["source_id"]], gold_evidence.get(item["source_id"])
        if theirs:
            cited += 1
            agree += bool(ours) and _same_sentence(ours, theirs)
        elif ours:
            shown_none += 1
    return {"no_match": len(shown), "shown": sum(1 for e in shown.values() if e), "cited": cited,
            "agree": agree, "shown_none": shown_none}


def evaluate(cands, gold_items, kind_of) -> dict:
    def outcome(item, t):
        c = cands.get(item["source_id"], [])
        if not c or c[0][1] < t:
            return "no_match"
        return "addressed" if kind_of[c[0][0]] == "strength" else "persisting"

    acc = {t: np.mean([outcome(g, t) == g["outcome"] for g in gold_items]) for t in THRESHOLDS}
    best_t = max(THRESHOLDS, key=lambda t: (acc[t], -abs(t - links.THRESHOLD)))
    loo = []
    for i, g in enumerate(gold_items):
        others = gold_items[:i] + gold_items[i + 1:]
        t = max(THRESHOLDS, key=lambda t: (np.mean([outcome(o, t) == o["outcome"] for o in others]),
                                           -abs(t - links.THRESHOLD)))
        loo.append(outcome(g, t) == g["outcome"])
    with_target = [g for g in gold_items if g["targets"]]
    hit = {k: np.mean([any(tid in g["targets"] for tid, _ in cands.get(g["source_id"], [])[:k]) for g in with_target])
           for k in (1, 3)}
    return {"acc": acc, "best_t": best_t, "outcome": outcome, "best_acc": acc[best_t], "loo": float(np.mean(loo)),
            "hit1": hit[1], "hit3": hit[3], "n": len(gold_items), "n_target": len(with_target)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=ROOT / "eval" / "followup-torsas-2017-2021.json")
    args = ap.parse_args()
    gold = json.loads(args.gold.read_text("utf-8"))
    findings, sections = load_reports()
    key = {(f["year"], f["area"], f["text"]): f["id"] for f in findings}
    key_text = {(f["year"], f["text"]): f["id"] for f in findings}
    kind_of = {f["id"]: f["kind"] for f in findings}
    items, unknown, gold_evidence = [], 0, {}
    for p in gold["pairs"]:
        sid = key.get((2017, p["source"]["area"], p["source"]["text"])) or key_text.get((2017, p["source"]["text"]))
        targets = [key.get((2021, t["area"], t["text"])) or key_text.get((2021, t["text"])) for t in p["targets"]]
        if sid is None or None in targets:
            unknown += 1
            continue
        items.append({"source_id": sid, "outcome": p["outcome"], "targets": targets})
        if p.get("narrative_evidence"):
            gold_evidence[sid] = p["narrative_evidence"]
    print(f"gold reading: {args.gold.relative_to(ROOT) if args.gold.is_relative_to(ROOT) else args.gold}: "
          f"{len(items)} recommendations" + (f" ({unknown} not found in kompass's reading, left out)" if unknown else ""))
    outcomes = {o: sum(i["outcome"] == o for i in items) for o in ("addressed", "persisting", "no_match")}
    print("gold outcomes: " + ", ".join(f"{v} {k}" for k, v in outcomes.items())
          + f"; always no_match would score {outcomes['no_match'] / len(items):.2f}")
    vectors = finding_vectors(findings)
    results = {name: evaluate(kompass_candidates(findings, vectors, w, view), items, kind_of)
               for name, (w, view) in CONFIGS.items()}
    results["baseline (TF-IDF words)"] = evaluate(baseline_candidates(findings), items, kind_of)
    # nested leave-one-out: for each recommendation, the configuration and
    # threshold best on the others, judged on it alone
    nested = []
    for i, g in enumerate(items):
        others = items[:i] + items[i + 1:]
        name, t = max(((n, t) for n in CONFIGS for t in THRESHOLDS),
                      key=lambda nt: (np.mean([results[nt[0]]["outcome"](o, nt[1]) == o["outcome"] for o in others]),
                                      nt[0] == KOMPASS, -abs(nt[1] - links.THRESHOLD)))
        nested.append(results[name]["outcome"](g, t) == g["outcome"])
    at = links.THRESHOLD
    print(f"\n{'method':<52}{f'acc@{at:.2f}':>9}{'best t':>8}{'acc@best':>10}{'acc LOO':>9}{'hit@1':>7}{'hit@3':>7}")
    for name, r in results.items():
        print(f"{name:<52}{r['acc'].get(at, float('nan')):>9.2f}{r['best_t']:>8.3f}{r['best_acc']:>10.2f}"
              f"{r['loo']:>9.2f}{r['hit1']:>7.2f}{r['hit3']:>7.2f}")
    print(f"nested leave-one-out (configuration and threshold chosen on the other recommendations): "
          f"outcome accuracy {np.mean(nested):.2f}")
    print(f"(hit@k over the {results[KOMPASS]['n_target']} recommendations the "
          f"reading links to a later finding; every recommendation keeps its {links.MAX_TARGETS} best later findings "
          "as ranked links, so hit@3 is the share whose right later finding is among the links shown)")
    ev = evaluate_evidence(findings, sections, items, gold_evidence, vectors)
    print(f"\nnarrative evidence (kompass at {links.THRESHOLD:.2f}): {ev['no_match']} recommendations without a match, "
          f"{ev['shown']} shown a sentence; the reader cited a sentence for {ev['cited']} of the {ev['no_match']}, and kompass "
          f"showed that one for {ev['agree']}; kompass showed one for {ev['shown_none']} where the reader cited none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
