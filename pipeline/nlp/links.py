"""Follow-up links: what became of each improvement recommendation, and who
else was told the same.

For every pair of reports on one municipality (earlier, later), each
improvement recommendation of the earlier report is compared with every
finding of the later one on the joined representation
(:mod:`.representation`): the meaning of the two sentences (their E5 vectors,
centred on the pair's findings), their words (TF-IDF over lemmas, compound
parts and character n-grams, fitted on the pair's two reports), and a small
weight when both sit in areas of the same framework-independent domain (the
crosswalk is a cue, never a filter: subjects move between areas across
revisions).

* Everything is fitted on the two reports of the pair alone, so a pair's
  outcomes do not change when other municipalities are added.
* Every recommendation keeps its :data:`MAX_TARGETS` best later findings as
  ranked links, whatever their score, so the evidence is never empty: those
  scoring at least ``threshold`` as ``addressed`` (a strength) or
  ``persisting`` (an improvement), the others as ``candidate``. The best one
  gives the recommendation its outcome.
* None above the threshold: a ``no_match`` row (target NULL) besides the
  candidates, absence being a result; where a sentence of the later report's
  narrative speaks of the recommendation, it is kept as ``evidence``.
* Across municipalities, each improvement recommendation is linked as
  ``similar`` to its nearest improvement recommendations in other
  municipalities' reports.

Every run recomputes all links from the database, in one transaction, so they
agree with the reports whatever was added, replaced or removed; links are
keyed on the stable finding ids. A researcher's verdicts
(``follow_up_reviews``) are another table, which recomputing never touches.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .. import store
from typing import TYPE_CHECKING

from .representation import ViewWeights, centred, similarity
from .threads import Progress, limited_threads
from .vectors import ENCODER

if TYPE_CHECKING:
    from .features import FindingVectorizer

# The vectors (scikit-learn, spaCy: over a second to import) are imported where
# links are computed, so that checking that they are current stays quick.

#: joined score from which a later finding speaks of the same thing: chosen on
#: the project's own reading of the seed pair, and checked leave-one-out
#: (tools/evaluate_links.py; docs/follow-up.md)
THRESHOLD = 0.28
#: the views and their weights (the domain weight is added for the same domain)
WEIGHTS = ViewWeights(meaning=1.0, lexical=1.0, domain=0.1)
DOMAIN_BONUS = WEIGHTS.domain
#: the words view of the follow-up: character 3-5-grams of the text as written
#: ("text-chars"), or TF-IDF over lemmas, compound parts and their n-grams
#: ("terms", the themes' view); chosen on our own reading (docs/follow-up.md)
LEXICAL_VIEWS = ("text-chars", "terms")
LEXICAL_VIEW = "text-chars"
#: lexical similarity from which a narrative sentence is evidence (sentences are not encoded)
EVIDENCE_THRESHOLD = 0.30
#: later findings linked per recommendation, at most
MAX_TARGETS = 3
#: "similar" links per recommendation, at most, and the similarity they need
MAX_SIMILAR = 5
SIMILAR_THRESHOLD = THRESHOLD
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

METHOD = (f"{ENCODER} centred on the pair + {LEXICAL_VIEW} TF-IDF of the pair, weights "
          f"{WEIGHTS.describe()}; threshold {THRESHOLD}; {MAX_TARGETS} ranked candidates kept; evidence: a sentence "
          f"of the areas' own narrative sharing {EVIDENCE_MIN_SHARED} terms, TF-IDF >= {EVIDENCE_THRESHOLD}")


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
                  threshold: float = THRESHOLD, weights: ViewWeights = WEIGHTS,
                  progress: Progress | None = None, vectors: dict | None = None,
                  lexical_view: str = LEXICAL_VIEW) -> tuple[list[dict], LinkUpdate]:
    """Links for every report pair of every municipality, and "similar" links.

    ``findings``: id, report_id, municipality_code, year, kind, text, domain;
    ``sections``: report_id, domain, text, the narrative of the reports'
    areas (an introduction to the method or a chart's caption is no
    evidence); ``vectors``: finding id -> sentence vector (None: words and
    domain alone). ``vectorizer`` lends its analyzer (the word vectors are
    fitted per pair of reports, and once for "similar"). Returns rows for the
    ``links`` table; ``progress(stage, done, total)`` is told where the work stands."""
    from .features import FindingVectorizer

    if lexical_view not in LEXICAL_VIEWS:
        raise ValueError(f"lexical_view must be one of {', '.join(LEXICAL_VIEWS)}, not {lexical_view!r}")
    findings = sorted(findings, key=lambda f: f["id"])
    update = LinkUpdate()
    if not findings:
        return [], update
    analyzer = _Memo((vectorizer.analyzer if vectorizer is not None else None) or _analyzer())

    def words_view(texts: list[str]):
        if lexical_view == "terms":
            return new_vectorizer().fit_transform(texts)
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize

        return normalize(TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
                         .fit_transform(texts)).astype(np.float32).tocsr()

    def new_vectorizer() -> FindingVectorizer:
        # the domain is a weight of its own here, not a view of the words
        return FindingVectorizer(char_ngrams=True, domain_view=False, analyzer=analyzer)

    def meaning(group: list[dict]):
        if vectors is None:
            return None
        m = np.vstack([vectors[f["id"]] for f in group]).astype(np.float32)
        return centred(m, m.mean(axis=0))

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
                pair = recs + targets
                lexical = words_view([f["text"] for f in pair])
                sense = meaning(pair)
                domains = np.array([f.get("domain") or "" for f in pair], dtype=object)
                r_rows, t_rows = slice(0, len(recs)), slice(len(recs), len(pair))
                sim = similarity(None if sense is None else sense[r_rows], None if sense is None else sense[t_rows],
                                 lexical[r_rows], lexical[t_rows], domains[r_rows], domains[t_rows], weights)
                narrative = text_of.get(late, [])
                # the narrative is searched by terms (evidence must share two of them)
                vec, ev = None, None
                for r, rec in enumerate(recs):
                    order = sorted(range(len(targets)), key=lambda c: (-sim[r, c], targets[c]["id"]))
                    best = order[:MAX_TARGETS]
                    update.recommendations += 1
                    for rank, c in enumerate(best, 1):
                        kind = "addressed" if targets[c]["kind"] == "strength" else "persisting"
                        rows_out.append({"source_id": rec["id"], "target_id": targets[c]["id"],
                                         "target_report_id": late,
                                         "kind": kind if sim[r, c] >= threshold else "candidate",
                                         "score": round(float(sim[r, c]), 4), "rank": rank, "method": METHOD,
                                         "evidence": None})
                    if best and sim[r, best[0]] >= threshold:
                        outcomes["addressed" if targets[best[0]]["kind"] == "strength" else "persisting"] += 1
                    else:
                        outcomes["no_match"] += 1
                        evidence = None
                        if narrative:
                            if vec is None:
                                vec = new_vectorizer()
                                terms = vec.fit_transform([f["text"] for f in pair])
                                ev = vec.transform([t for t, _ in narrative])
                            evidence = _evidence(rec, terms[r], ev, narrative, analyzer, weights.domain)
                        rows_out.append({"source_id": rec["id"], "target_id": None, "target_report_id": late,
                                         "kind": "no_match", "score": None, "rank": None, "method": METHOD,
                                         "evidence": evidence})
    update.outcomes = dict(outcomes)

    # who else was told the same: improvements of other municipalities
    imps = [f for f in findings if f["kind"] == "improvement" and f["municipality_code"]]
    if len({f["municipality_code"] for f in imps}) > 1:
        lexical = words_view([f["text"] for f in imps]).tocsr()
        sense = meaning(imps)
        # block by block, with municipalities as integers: the full n x n
        # similarity of 10,000 recommendations would take gigabytes
        _, codes = np.unique(np.array([f["municipality_code"] for f in imps], dtype=object), return_inverse=True)
        domains = np.array([f.get("domain") or "" for f in imps], dtype=object)
        ids = np.array([f["id"] for f in imps], dtype=np.int64)
        for start in range(0, len(imps), SIMILAR_BLOCK):
            progress("recommendations compared across municipalities", start, len(imps))
            stop = min(start + SIMILAR_BLOCK, len(imps))
            block = slice(start, stop)
            sim = similarity(None if sense is None else sense[block], sense, lexical[block], lexical,
                             domains[block], domains, weights)
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
              domain_bonus: float, threshold: float = EVIDENCE_THRESHOLD) -> str | None:
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
    from .vectors import finding_vectors

    findings = store.findings_for_links(db)
    with limited_threads():
        vectors = dict(zip((f["id"] for f in findings), finding_vectors(db, [f["id"] for f in findings])))
        rows, update = compute_links(findings, store.sections_for_links(db), progress=progress, vectors=vectors)
    store.replace_links(db, rows, state)
    return update


def links_current(db) -> bool:
    """Do the stored links agree with the database's findings and this method?"""
    state = store.stored_links_state(db)
    return state is not None and state == store.links_state(db, METHOD)


__all__ = ["DOMAIN_BONUS", "LinkUpdate", "METHOD", "THRESHOLD", "WEIGHTS", "compute_links", "links_current", "update_links"]
