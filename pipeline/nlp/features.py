"""How a finding becomes a vector: three views of its words, each unit length.

1. **Terms**: TF-IDF over lemmas and compound parts (:class:`SwedishAnalyzer`).
2. **Character n-grams** (3-5 letters) of those terms, so that words the
   lemmatizer and the splitter both miss still meet ("resultatredovisningen",
   "redovisa resultat").
3. **Associations**: word meanings learned without labels from all the report
   text in the database (narrative sections and findings, sentence by sentence),
   by latent semantic analysis: a term-sentence TF-IDF matrix reduced with a
   truncated SVD. Two findings with no word in common still meet if their words
   keep the same company in the reports ("medborgardialog" and "synpunkter").

Associations are off by default: on the two sample reports they lowered the
agreement with a reader's coding (docs/themes.md); they are meant for a
database of many reports and can be switched on with ``associations=True``.

The views are L2-normalised and joined with equal weight, then the row is
normalised again, so that cosine similarity is a dot product. Everything fitted
is arrays and vocabularies, saved by :meth:`FindingVectorizer.save` as JSON
and ``.npy`` files, never pickled.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from ..extract.reference import frameworks
from .swedish import SwedishAnalyzer

# a sentence ends at . ! or ? before a capital, a digit or a quote, so that an
# abbreviation inside one ("ex. brukarundersökningar", "bl.a. genom") does not cut it
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖÉÜ0-9\"”“'(])|\n+")


def sentences(texts: list[str], min_words: int = 4) -> list[str]:
    """Sentences of running text, the contexts the associations are learned from."""
    out = []
    for text in texts:
        out += [s for s in _SENTENCE.split(text) if len(s.split()) >= min_words]
    return out


def _tfidf_state(vec: TfidfVectorizer) -> dict:
    return {"vocabulary": {t: int(i) for t, i in sorted(vec.vocabulary_.items())}}


def _restore_tfidf(vec: TfidfVectorizer, vocabulary: dict, idf: np.ndarray) -> TfidfVectorizer:
    vec.vocabulary_ = vocabulary
    vec.idf_ = idf
    return vec


class FindingVectorizer:
    """``fit(findings, corpus)`` then ``transform(findings)``, scikit-learn style.

    Parameters: ``n_components`` (dimensions of the association space),
    ``char_ngrams`` and ``associations`` switch those views on or off,
    ``random_state`` fixes the SVD.
    """

    def __init__(self, n_components: int = 100, char_ngrams: bool = True,
                 associations: bool = False, split_compounds: bool = True,
                 random_state: int = 0, analyzer: SwedishAnalyzer | None = None,
                 domain_view: bool = True):
        if n_components < 2:
            raise ValueError(f"n_components must be at least 2, not {n_components}")
        self.n_components = n_components
        self.char_ngrams = char_ngrams
        self.associations = associations
        self.split_compounds = split_compounds
        self.random_state = random_state
        self.analyzer = analyzer or SwedishAnalyzer(split_compounds=split_compounds)
        self.domain_view = domain_view
        #: the crosswalk's domains, in order (the domain view's columns)
        self.domains_: list[str] | None = None
        self.terms_: TfidfVectorizer | None = None
        self.chars_: TfidfVectorizer | None = None
        self.assoc_: TfidfVectorizer | None = None
        self.components_: np.ndarray | None = None

    def get_params(self) -> dict:
        return {"n_components": self.n_components, "char_ngrams": self.char_ngrams,
                "associations": self.associations, "split_compounds": self.split_compounds,
                "random_state": self.random_state, "domain_view": self.domain_view}

    # The vectorisers get terms, not text: the analyzer runs once per text.
    def _terms_vectorizer(self) -> TfidfVectorizer:
        return TfidfVectorizer(analyzer=_identity, sublinear_tf=True)

    def _chars_vectorizer(self) -> TfidfVectorizer:
        return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                               lowercase=False)

    def fit(self, texts: list[str], corpus: list[str] | None = None,
            domains: list[str | None] | None = None) -> "FindingVectorizer":
        if self.domain_view:
            self.domains_ = list(frameworks()["domains"])
        terms = [self.analyzer(t) for t in texts]
        self.terms_ = self._terms_vectorizer().fit(terms)
        if self.char_ngrams:
            self.chars_ = self._chars_vectorizer().fit([" ".join(t) for t in terms])
        if self.associations:
            contexts = [self.analyzer(s) for s in sentences(list(corpus or []) + list(texts))]
            self.assoc_ = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2)
            matrix = self.assoc_.fit_transform(contexts)
            dims = min(self.n_components, matrix.shape[0] - 1, matrix.shape[1] - 1)
            if dims < 2:
                raise ValueError("too little report text to learn word associations from")
            svd = TruncatedSVD(dims, algorithm="randomized", random_state=self.random_state)
            svd.fit(matrix)
            self.components_ = svd.components_.astype(np.float32)
        return self

    def transform(self, texts: list[str], domains: list[str | None] | None = None) -> sparse.csr_matrix:
        """Vectors of ``texts``; ``domains`` (each finding's area's domain, or
        None) fill the domain view, which stays empty without them."""
        if self.terms_ is None:
            raise RuntimeError("FindingVectorizer is not fitted")
        terms = [self.analyzer(t) for t in texts]
        views = [normalize(self.terms_.transform(terms))]
        if self.chars_ is not None:
            views.append(normalize(self.chars_.transform([" ".join(t) for t in terms])))
        if self.assoc_ is not None:
            dense = self.assoc_.transform(terms) @ self.components_.T
            views.append(sparse.csr_matrix(normalize(np.asarray(dense))))
        if self.domains_ is not None:
            col = {d: k for k, d in enumerate(self.domains_)}
            cells = [(i, col[d]) for i, d in enumerate(domains or []) if d in col]
            views.append(sparse.csr_matrix((np.ones(len(cells)), ([i for i, _ in cells], [j for _, j in cells])),
                                           shape=(len(texts), len(self.domains_))))
        return normalize(sparse.hstack(views).tocsr()).astype(np.float32)

    def without_domain(self, X: sparse.csr_matrix) -> sparse.csr_matrix:
        """``X`` as if no domain had been given (the domain view is the last
        columns; zeroing them and normalising again is exact)."""
        if self.domains_ is None:
            return X
        keep = np.ones(X.shape[1], dtype=np.float32)
        keep[X.shape[1] - len(self.domains_):] = 0.0
        return normalize(X @ sparse.diags(keep)).astype(np.float32)

    def fit_transform(self, texts: list[str], corpus: list[str] | None = None,
                      domains: list[str | None] | None = None) -> sparse.csr_matrix:
        return self.fit(texts, corpus, domains).transform(texts, domains)

    def terms(self, text: str, parts: bool = True) -> list[str]:
        """The terms of ``text``; ``parts=False`` leaves out compound parts."""
        return self.analyzer(text) if parts else self.analyzer.lemmas(text)

    # -- persistence -----------------------------------------------------------
    def save(self, folder: Path) -> None:
        state = {"params": self.get_params(), "terms": _tfidf_state(self.terms_)}
        np.save(folder / "terms_idf.npy", self.terms_.idf_)
        if self.chars_ is not None:
            state["chars"] = _tfidf_state(self.chars_)
            np.save(folder / "chars_idf.npy", self.chars_.idf_)
        if self.assoc_ is not None:
            state["associations"] = _tfidf_state(self.assoc_)
            np.save(folder / "associations_idf.npy", self.assoc_.idf_)
            np.save(folder / "associations_components.npy", self.components_)
        state["domains"] = self.domains_
        (folder / "vectorizer.json").write_text(json.dumps(state, ensure_ascii=False), "utf-8")

    @classmethod
    def load(cls, folder: Path) -> "FindingVectorizer":
        state = json.loads((folder / "vectorizer.json").read_text("utf-8"))
        self = cls(**state["params"])
        self.domains_ = state.get("domains")  # None: a model from before the domain view
        self.terms_ = _restore_tfidf(self._terms_vectorizer(), state["terms"]["vocabulary"],
                                     np.load(folder / "terms_idf.npy"))
        if "chars" in state:
            self.chars_ = _restore_tfidf(self._chars_vectorizer(), state["chars"]["vocabulary"],
                                         np.load(folder / "chars_idf.npy"))
        if "associations" in state:
            self.assoc_ = _restore_tfidf(
                TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2),
                state["associations"]["vocabulary"], np.load(folder / "associations_idf.npy"))
            self.components_ = np.load(folder / "associations_components.npy")
        return self


def _identity(terms: list[str]) -> list[str]:
    return terms
