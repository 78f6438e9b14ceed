"""Follow-up links: what became of each improvement recommendation, and who
else was told the same.

For every pair of reports on one municipality (earlier, later), each
improvement recommendation of the earlier report is compared with every
finding of the later one. The comparison is the cosine similarity of the
findings' vectors (:class:`~.features.FindingVectorizer`: TF-IDF over lemmas
and compound parts, and over character n-grams of them, so "samordna" meets
"samordning" and "ledarskapet" meets "ledarskap"), plus a small bonus when
both sit in areas of the same framework-independent domain (the crosswalk is
a cue, never a filter: subjects move between areas across revisions).

* The words' weights (TF-IDF) come from the two reports of the pair alone,
  so a pair's outcomes do not change when other municipalities are added.
* The later findings scoring at least ``threshold`` are linked, best first:
  a strength as ``addressed``, an improvement as ``persisting``; the best one
  gives the recommendation its outcome.
* None that close: one ``no_match`` link (target NULL), absence being a
  result; where a sentence of the later report's narrative scores above the
  threshold, it is kept as ``evidence``.
* Across municipalities, each improvement recommendation is linked as
  ``similar`` to its nearest improvement recommendations in other
  municipalities' reports.

Every run recomputes all links from the database, in one transaction, so they
agree with the reports whatever was added, replaced or removed; links are
keyed on the stable finding ids.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .. import store
from typing import TYPE_CHECKING

from .threads import Progress, limited_threads

if TYPE_CHECKING:
    from .features import FindingVectorizer

# The vectors (scikit-learn, spaCy: over a second to import) are imported where
# links are computed, so that checking that they are current stays quick.

#: similarity (cosine, 0-1) from which a later finding speaks of the same
#: thing: chosen on the gold reading of the seed pair (README, "Follow-up")
THRESHOLD = 0.30
#: added when both findings sit in areas of the same domain (crosswalk)
DOMAIN_BONUS = 0.05
#: later findings linked per recommendation, at most
MAX_TARGETS = 3
#: "similar" links per recommendation, at most, and the similarity they need
MAX_SIMILAR = 5
SIMILAR_THRESHOLD = 0.35
#: recommendations compared with all others at a time (bounds memory)
SIMILAR_BLOCK = 1000
#: terms (lemmas or compound parts) a narrative sentence must share with a
#: recommendation to be shown as evidence: one shared word, however weighty,
#: is a coincidence as often as not ("verktyg" in a sentence on the history of
#: the evaluation method for "ledarskap med andra verktyg")
EVIDENCE_MIN_SHARED = 2
#: the heading of the part of each area that describes the area in general,
#: the framework's text rather than the evaluators' view of the municipality
GENERAL_HEADING = "allmänt"

METHOD = (f"cosine of lemma+compound-part and character n-gram TF-IDF; +{DOMAIN_BONUS} same domain; "
          f"threshold {THRESHOLD}; evidence: a sentence (ending before a capital) of the areas' own narrative sharing "
          f"{EVIDENCE_MIN_SHARED} terms")


@dataclass
class LinkUpdate:
    pairs: int = 0  # (earlier, later) report pairs
    recommendations: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    similar: int = 0


class _Memo:
    """An analyzer that analyses each text once (a finding is vectorised for
    every pair of reports it belongs to)."""

    def __init__(self, analyzer):
        self.analyzer = analyzer
        self.cache: dict[str, list[str]] = {}

    def __call__(self, text: str) -> list[str]:
        got = self.cache.get(text)
        if got is None:
            got = self.cache[text] = self.analyzer(text)
        return got

    def __getattr__(self, name):
        return getattr(self.analyzer, name)


def _analyzer():
    from .swedish import SwedishAnalyzer

    return SwedishAnalyzer()


def compute_links(findings: list[dict], sections: list[dict], vectorizer: FindingVectorizer | None = None,
                  threshold: float = THRESHOLD, domain_bonus: float = DOMAIN_BONUS,
                  progress: Progress | None = None) -> tuple[list[dict], LinkUpdate]:
    """Links for every report pair of every municipality, and "similar" links.

    ``findings``: id, report_id, municipality_code, year, kind, text, domain;
    ``sections``: report_id, domain, text, the narrative of the reports'
    areas (an introduction to the method or a chart's caption is no
    evidence). ``vectorizer`` lends its analyzer (the vectors are fitted per
    pair of reports, and once for "similar"). Returns rows for the ``links``
    table; ``progress(stage, done, total)`` is told where the work stands."""
    from .features import FindingVectorizer

    findings = sorted(findings, key=lambda f: f["id"])
    update = LinkUpdate()
    if not findings:
        return [], update
    analyzer = _Memo((vectorizer.analyzer if vectorizer is not None else None) or _analyzer())

    def new_vectorizer() -> FindingVectorizer:
        # the domain is a bonus here, not a view
        return FindingVectorizer(char_ngrams=True, domain_view=False, analyzer=analyzer)

    index = {f["id"]: k for k, f in enumerate(findings)}
    domains = np.array([f.get("domain") or "" for f in findings], dtype=object)

    def scores(matrix, rows: list[int], cols: list[int], rix: dict, cix: dict) -> np.ndarray:
        sim = (matrix[[rix[r] for r in rows]] @ matrix[[cix[c] for c in cols]].T).toarray()
        same = (domains[rows][:, None] == domains[cols][None, :]) & (domains[rows][:, None] != "")
        return sim + domain_bonus * same

    reports: dict[str, dict] = {}
    by_report: dict[str, list[dict]] = defaultdict(list)
    for f in findings:
        by_report[f["report_id"]].append(f)
        reports[f["report_id"]] = {"municipality": f["municipality_code"], "year": f["year"]}
    text_of = _narrative(sections, {f["report_id"]: f["municipality_code"] for f in findings})
    by_municipality: dict[str, list[str]] = defaultdict(list)
    for rid, r in reports.items():
        if r["municipality"] and r["year"]:
            by_municipality[r["municipality"]].append(rid)

    progress = progress or (lambda stage, done, total: None)
    rows_out: list[dict] = []
    outcomes: dict[str, int] = defaultdict(int)
    for m, code in enumerate(sorted(by_municipality)):
        progress("municipalities followed up", m, len(by_municipality))
        ordered = sorted(by_municipality[code], key=lambda rid: (reports[rid]["year"], rid))
        for i, early in enumerate(ordered):
            recs = [f for f in by_report[early] if f["kind"] == "improvement"]
            for late in ordered[i + 1:]:
                if reports[late]["year"] == reports[early]["year"] or not recs:
                    continue
                update.pairs += 1
                targets = by_report[late]
                # the words' weights from these two reports alone: a pair's
                # outcomes do not change when other municipalities are added
                pair = sorted(by_report[early] + targets, key=lambda f: f["id"])
                vec = new_vectorizer()
                matrix = vec.fit_transform([f["text"] for f in pair])
                pix = {index[f["id"]]: k for k, f in enumerate(pair)}
                sim = scores(matrix, [index[f["id"]] for f in recs], [index[t["id"]] for t in targets], pix, pix)
                narrative = text_of.get(late, [])
                ev = vec.transform([t for t, _ in narrative]) if narrative else None
                for r, rec in enumerate(recs):
                    order = sorted(range(len(targets)), key=lambda c: (-sim[r, c], targets[c]["id"]))
                    hits = [c for c in order[:MAX_TARGETS] if sim[r, c] >= threshold]
                    update.recommendations += 1
                    if hits:
                        outcomes["addressed" if targets[hits[0]]["kind"] == "strength" else "persisting"] += 1
                    for rank, c in enumerate(hits, 1):
                        rows_out.append({"source_id": rec["id"], "target_id": targets[c]["id"],
                                         "target_report_id": late,
                                         "kind": "addressed" if targets[c]["kind"] == "strength" else "persisting",
                                         "score": round(float(sim[r, c]), 4), "rank": rank, "method": METHOD,
                                         "evidence": None})
                    if not hits:
                        outcomes["no_match"] += 1
                        evidence = None
                        if ev is not None:
                            evidence = _evidence(rec, matrix[pix[index[rec["id"]]]], ev, narrative, analyzer,
                                                 threshold, domain_bonus)
                        rows_out.append({"source_id": rec["id"], "target_id": None, "target_report_id": late,
                                         "kind": "no_match", "score": None, "rank": None, "method": METHOD,
                                         "evidence": evidence})
    update.outcomes = dict(outcomes)

    # who else was told the same: improvements of other municipalities
    imps = [f for f in findings if f["kind"] == "improvement" and f["municipality_code"]]
    if len({f["municipality_code"] for f in imps}) > 1:
        matrix = new_vectorizer().fit_transform([f["text"] for f in imps]).tocsr()
        # block by block, with municipalities and domains as integers: the full
        # n x n similarity of 10,000 recommendations would take gigabytes
        _, codes = np.unique(np.array([f["municipality_code"] for f in imps], dtype=object), return_inverse=True)
        dom_values = [f.get("domain") or "" for f in imps]
        _, doms = np.unique(np.array(dom_values, dtype=object), return_inverse=True)
        has_dom = np.array([bool(d) for d in dom_values])
        ids = np.array([f["id"] for f in imps], dtype=np.int64)
        for start in range(0, len(imps), SIMILAR_BLOCK):
            progress("recommendations compared across municipalities", start, len(imps))
            stop = min(start + SIMILAR_BLOCK, len(imps))
            sim = (matrix[start:stop] @ matrix.T).toarray().astype(np.float32)
            sim += domain_bonus * ((doms[start:stop, None] == doms[None, :]) & has_dom[start:stop, None])
            sim[codes[start:stop, None] == codes[None, :]] = -1.0  # not the same municipality
            for r in range(stop - start):
                row = sim[r]
                top = np.flatnonzero(row >= SIMILAR_THRESHOLD)
                top = top[np.lexsort((ids[top], -row[top]))][:MAX_SIMILAR]
                rec = imps[start + r]
                for rank, c in enumerate(top.tolist(), 1):
                    rows_out.append({"source_id": rec["id"], "target_id": imps[c]["id"],
                                     "target_report_id": imps[c]["report_id"], "kind": "similar",
                                     "score": round(float(row[c]), 4), "rank": rank, "method": METHOD,
                                     "evidence": None})
                    update.similar += 1
    return rows_out, update


def _narrative(sections: list[dict], municipality_of: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Each report's narrative sentences that may be evidence, with their
    area's domain: not the framework's own words, which are the same in every
    report (the areas' general part, and any sentence that also occurs in
    another municipality's report), since they say nothing of this one."""
    from .features import sentences

    text_of: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # sentence, domain, its key
    seen_in: dict[str, set] = defaultdict(set)  # a sentence's key -> the municipalities that print it
    for s in sections:
        if (s.get("heading") or "").strip().casefold() == GENERAL_HEADING:
            continue
        for t in sentences([s["text"]]):
            t = t.strip()
            key = " ".join(t.casefold().split())
            text_of[s["report_id"]].append((t, s.get("domain") or "", key))
            seen_in[key].add(municipality_of.get(s["report_id"]) or s["report_id"])
    return {rid: [(t, d) for t, d, key in sents if len(seen_in[key]) == 1] for rid, sents in text_of.items()}


def _evidence(rec: dict, vector, narrative_vectors, narrative: list[tuple[str, str]], analyzer,
              threshold: float, domain_bonus: float) -> str | None:
    """The later narrative's sentence that speaks most closely of a
    recommendation nothing in the later findings matched, if any does: scored
    like a finding (cosine, plus the bonus within the same domain), and
    sharing at least :data:`EVIDENCE_MIN_SHARED` terms with it."""
    sim = (vector @ narrative_vectors.T).toarray().ravel()
    rec_domain = rec.get("domain") or ""
    if rec_domain:
        sim = sim + domain_bonus * np.array([d == rec_domain for _, d in narrative])
    terms = set(analyzer(rec["text"]))
    for k in sorted(range(len(narrative)), key=lambda k: (-sim[k], k)):
        if sim[k] < threshold:
            return None
        if len(terms & set(analyzer(narrative[k][0]))) >= EVIDENCE_MIN_SHARED:
            return narrative[k][0]
    return None


def update_links(db, force: bool = False, progress: Progress | None = None) -> LinkUpdate | None:
    """Recompute the database's links when its findings changed since they
    were computed (None when nothing changed: no language data is loaded)."""
    state = store.links_state(db, METHOD)
    if not force and state == store.stored_links_state(db):
        return None
    with limited_threads():
        rows, update = compute_links(store.findings_for_links(db), store.sections_for_links(db), progress=progress)
    store.replace_links(db, rows, state)
    return update


def links_current(db) -> bool:
    """Do the stored links agree with the database's findings and this method?"""
    state = store.stored_links_state(db)
    return state is not None and state == store.links_state(db, METHOD)


__all__ = ["DOMAIN_BONUS", "LinkUpdate", "METHOD", "THRESHOLD", "compute_links", "links_current", "update_links"]
