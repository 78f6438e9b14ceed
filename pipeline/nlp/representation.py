"""One representation of a finding for themes and follow-up: what it means,
the words it uses, and the domain of its area, as weighted views.

* **meaning**: its sentence vector (:mod:`.vectors`), centred on the mean of
  the findings compared and made unit length again. E5's raw cosines crowd
  between 0.75 and 0.9 for any two Swedish sentences; centred, unrelated
  findings score near 0 and paraphrases well above.
* **lexical**: TF-IDF over lemmas, compound parts and character n-grams
  (:class:`~.features.FindingVectorizer`), unit length: exact subjects
  ("kommunbladet", "medarbetarenkät") the encoder blurs.
* **domain**: the framework-independent domain of the finding's area
  (crosswalk), as a share of its occurrences when one text sits in several.

The views are joined so that the dot product of two rows is

    (w_meaning * cos_meaning + w_lexical * cos_lexical) / (w_meaning + w_lexical)
        + w_domain * P(same domain)

so the score stays on the cosine scale whatever the weights, and the domain
is a cue added to it, never a filter. The weights are chosen on the project's
own material, never on the shared theme coding: the themes' defaults here, the
follow-up's in :mod:`.links` (docs/themes.md, docs/follow-up.md).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class ViewWeights:
    # The themes' weights, chosen on our own development reading of the seed
    # findings (eval/themes-dev-reading.json, make eval): meaning thrice the
    # words, a fifth for the same domain was best there at every k tried.
    meaning: float = 3.0
    lexical: float = 1.0
    domain: float = 0.2

    def __post_init__(self):
        for name, value in asdict(self).items():
            if value < 0 or not math.isfinite(value):
                raise ValueError(f"view weight {name} must be a finite number >= 0, not {value}")
        if self.meaning + self.lexical == 0:
            raise ValueError("the meaning and lexical views cannot both have weight 0")

    def without_domain(self) -> "ViewWeights":
        return ViewWeights(self.meaning, self.lexical, 0.0)

    def describe(self) -> str:
        return f"meaning {self.meaning:g}, lexical {self.lexical:g}, domain {self.domain:g}"


def unit_rows(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1, norms)


def centred(vectors: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Sentence vectors less ``mean``, unit length again."""
    return unit_rows(np.asarray(vectors, dtype=np.float32) - mean[None, :])


def domain_matrix(domains: list, order: list[str]) -> np.ndarray:
    """One row per finding: 1 in its domain's column, or a text's shares when
    given as {domain: count} (one sentence printed in areas of two domains)."""
    col = {d: k for k, d in enumerate(order)}
    out = np.zeros((len(domains), len(order)), dtype=np.float32)
    for i, d in enumerate(domains):
        counts = d if isinstance(d, (dict, Counter)) else ({d: 1} if d else {})
        counts = {k: v for k, v in counts.items() if k in col and v > 0}
        total = sum(counts.values())
        for k, v in counts.items():
            out[i, col[k]] = v / total
    return out


def combine(meaning: np.ndarray | None, lexical: np.ndarray, domains: np.ndarray | None,
            weights: ViewWeights) -> np.ndarray:
    """The joined rows (see the module docstring); ``meaning`` and
    ``lexical`` unit rows, ``domains`` from :func:`domain_matrix`."""
    wm = weights.meaning if meaning is not None else 0.0
    if wm + weights.lexical == 0:
        raise ValueError("no view to compare findings by: the sentence vectors are missing")
    parts = []
    if wm:
        parts.append(math.sqrt(wm / (wm + weights.lexical)) * np.asarray(meaning, dtype=np.float32))
    if weights.lexical:
        parts.append(math.sqrt(weights.lexical / (wm + weights.lexical)) * np.asarray(lexical, dtype=np.float32))
    if domains is not None and weights.domain:
        parts.append(math.sqrt(weights.domain) * domains)
    return np.hstack(parts).astype(np.float32)


__all__ = ["ViewWeights", "centred", "combine", "domain_matrix", "similarity", "unit_rows"]


def similarity(meaning_a, meaning_b, lexical_a, lexical_b, domains_a, domains_b,
               weights: ViewWeights) -> np.ndarray:
    """The joined score of every row of a against every row of b (the dot
    product of :func:`combine`'s rows, without building them): ``meaning_*``
    centred unit rows or None, ``lexical_*`` unit rows (dense or sparse),
    ``domains_*`` arrays of domain names ("" for none)."""
    wm = weights.meaning if meaning_a is not None else 0.0
    total = wm + weights.lexical
    if total == 0:
        raise ValueError("no view to compare findings by: the sentence vectors are missing")
    sim = np.zeros((lexical_a.shape[0], lexical_b.shape[0]), dtype=np.float32)
    if wm:
        sim += (wm / total) * (np.asarray(meaning_a) @ np.asarray(meaning_b).T)
    if weights.lexical:
        lex = lexical_a @ lexical_b.T
        sim += (weights.lexical / total) * np.asarray(lex.toarray() if hasattr(lex, "toarray") else lex)
    if weights.domain:
        a, b = np.asarray(domains_a, dtype=object), np.asarray(domains_b, dtype=object)
        sim += weights.domain * ((a[:, None] == b[None, :]) & (a[:, None] != ""))
    return sim
