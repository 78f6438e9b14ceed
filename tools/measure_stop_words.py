"""Measure which lemmas carry no theme, to choose the domain stop list.

A word that carries no theme is one evaluators use everywhere: it appears in
findings of most areas of the framework, about evenly. For every lemma this
prints how many of the eight domains' findings use it, the normalised entropy
of its use over the domains (1 = perfectly even), and its document frequency
among findings. Run on a database made by ``kompass ingest``:

    python tools/measure_stop_words.py findings.db

The list in ``pipeline/data/domain_stop_words.txt`` holds the lemmas this
prints with entropy >= 0.75 over >= 5 domains, read through once to keep names of
subjects (a subject named in every area is still a subject).
"""

from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict

import sqlite_utils

from pipeline.nlp.swedish import SwedishAnalyzer


def measure(db_path: str, min_domains: int = 5, min_entropy: float = 0.75) -> list[tuple]:
    db = sqlite_utils.Database(db_path)
    analyzer = SwedishAnalyzer(domain_stop=False, split_compounds=False)
    rows = list(db.query(
        "select f.text, a.domain from findings f join areas a "
        "on a.report_id = f.report_id and a.number = f.area"))
    by_domain: dict[str, Counter] = defaultdict(Counter)
    df: Counter = Counter()
    for row in rows:
        terms = set(analyzer(row["text"]))
        df.update(terms)
        for term in terms:
            by_domain[term][row["domain"]] += 1
    domains = sorted({row["domain"] for row in rows})
    out = []
    for term, counts in by_domain.items():
        total = sum(counts.values())
        entropy = -sum(c / total * math.log(c / total) for c in counts.values())
        even = entropy / math.log(len(domains)) if len(domains) > 1 else 0.0
        if len(counts) >= min_domains and even >= min_entropy:
            out.append((term, len(counts), round(even, 2), df[term], len(rows)))
    return sorted(out, key=lambda r: (-r[3], r[0]))


if __name__ == "__main__":
    for term, n_domains, even, freq, n in measure(sys.argv[1] if len(sys.argv) > 1 else "findings.db"):
        print(f"{term:20} domains={n_domains} entropy={even:.2f} findings={freq}/{n}")
