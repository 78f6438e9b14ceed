"""Themes: clusters of findings that are about the same subject.

:class:`ThemeModel` follows scikit-learn: parameters in ``__init__``, checked
early; ``fit`` learns, ``predict`` assigns; what is learned ends in ``_``.

* **Representation**: each finding's meaning (its sentence vector), its
  words (lemmas, compound parts, character n-grams, projected on their first
  200 singular vectors) and its area's domain, joined as weighted views
  (:mod:`.representation`, ``weights``). One text is one row, whatever the
  number of findings that print it, with its domains as shares: the same
  sentence in two municipalities always gets the same theme.
* **Clustering** (``clustering``): the average-linkage tree of the rows
  (cosine) is cut at k clusters, whose means are the themes' centres
  (``"average"``, the default: on a development coding of our own it agreed
  with the coder better than k-means at every k tried, docs/themes.md); or
  k-means on the unit-length rows, ``n_init`` restarts (``"kmeans"``). Either
  way every finding then goes to its nearest centre, so a fitted finding and
  the same finding assigned later get the same theme. Above ``LARGE`` texts
  the tree is grown on a fixed sample of them.
* **How many themes**: unless ``n_themes`` is given, every k from
  ``n/20`` to ``n/4`` (at most ``max_themes``, 150: a frame a reader can hold)
  is tried and the best kept by one of two criteria (``k_criterion``):

  - ``"stability"``: the findings are split into two random halves, k-means
    is fitted on each half alone, and both fits assign every finding; the
    agreement of the two assignments (adjusted Rand index), averaged over
    ``STABILITY_SPLITS`` splits, says how far the k themes are in the
    findings rather than in one fit's chance;
  - ``"silhouette"``: the highest mean silhouette (cosine): the k at which
    findings are most clearly closer to their own theme than to the next.
  - ``"auto"`` (default): stability when each half holds at least
    ``MIN_PER_THEME`` findings per theme at the largest k tried, silhouette
    otherwise: on fewer, two fits on halves agree little at any k (0.06-0.09
    on the two sample reports' 142 findings), and the choice is noise.

  The upper bound says that a theme is something that recurs: four findings
  a theme on average, at least.
* **Outliers**: a finding whose cosine similarity to its theme's centre is
  below ``min_similarity``, or that would be a theme alone, is left without a
  theme (theme -1) rather than forced into one. New findings are assigned the
  same way: nearest centre, or none.
* **Labels**: class-based TF-IDF (as in BERTopic): a theme's terms are weighted
  by their frequency in the theme against their spread over all themes; the
  label is the top three. The representative finding is the member closest to
  the centre.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import normalize

from ..extract.reference import frameworks
from .features import FindingVectorizer
from .representation import ViewWeights, centred, combine, domain_matrix, unit_rows
from .threads import Progress, limited_threads

MODEL_FORMAT = 2
OUTLIER = -1
DIMENSIONS = 200
#: from this many findings the k search runs on a sample and the final fit on fewer restarts
LARGE = 3000
#: random half-and-half splits whose fits are compared for each k: two give
#: the same k as five on the seeds and the bench corpus, at two fifths the cost
STABILITY_SPLITS = 2
#: findings per theme each half must hold for the stability criterion
MIN_PER_THEME = 10
K_CRITERIA = ("auto", "stability", "silhouette")
#: how the themes' centres are found: "average" cuts the average-linkage tree
#: (cosine) at k clusters, "kmeans" runs k-means; either way every finding
#: then goes to its nearest centre
CLUSTERINGS = ("average", "kmeans")


@dataclass
class Theme:
    id: int
    label: str
    terms: list[str]
    size: int
    representative: int  # index into the fitted findings (caller maps to ids)
    representative_text: str = ""
    members: list[int] = field(default_factory=list)


class ThemeModel:
    def __init__(self, n_themes: int | None = None, min_similarity: float = 0.2,
                 max_themes: int = 150, n_init: int = 10, random_state: int = 0,
                 vectorizer: FindingVectorizer | None = None, n_terms: int = 8,
                 k_criterion: str = "auto", weights: ViewWeights | dict | None = None,
                 encoder: str | None = None, clustering: str = "average"):
        if n_themes is not None and n_themes < 2:
            raise ValueError(f"n_themes must be at least 2, not {n_themes}")
        if not 0.0 <= min_similarity < 1.0:
            raise ValueError(f"min_similarity must be in [0, 1), not {min_similarity}")
        if max_themes < 2:
            raise ValueError(f"max_themes must be at least 2, not {max_themes}")
        if k_criterion not in K_CRITERIA:
            raise ValueError(f"k_criterion must be one of {', '.join(K_CRITERIA)}, not {k_criterion!r}")
        if clustering not in CLUSTERINGS:
            raise ValueError(f"clustering must be one of {', '.join(CLUSTERINGS)}, not {clustering!r}")
        self.clustering = clustering
        self.k_criterion = k_criterion
        #: the sentence encoder the meaning view was fitted with (pipeline.nlp.vectors.ENCODER)
        self.encoder = encoder
        self.weights = ViewWeights(**weights) if isinstance(weights, dict) else (weights or ViewWeights())
        self.n_themes = n_themes
        self.min_similarity = min_similarity
        self.max_themes = max_themes
        self.n_init = n_init
        self.random_state = random_state
        self.n_terms = n_terms
        self.vectorizer = vectorizer or FindingVectorizer(random_state=random_state, domain_view=False)
        #: the mean sentence vector the meaning view is centred on (None: fitted without vectors)
        self.mean_: np.ndarray | None = None
        self.domains_: list[str] = list(frameworks()["domains"])
        self.centres_: np.ndarray | None = None
        #: centres of would-be themes of one finding: what is nearest one of
        #: them is left without a theme, at the fit and when assigned later
        self.lone_centres_: np.ndarray = np.zeros((0, 0), np.float32)
        self.projection_: np.ndarray | None = None
        self.themes_: list[Theme] | None = None
        self.labels_: np.ndarray | None = None
        self.scores_: np.ndarray | None = None
        #: each k tried and its score, by the criterion in ``k_criterion_used_``
        self.k_scores_: dict[int, float] = {}
        self.k_criterion_used_: str | None = None
        self.version_: str | None = None

    def get_params(self) -> dict:
        return {"n_themes": self.n_themes, "min_similarity": self.min_similarity,
                "max_themes": self.max_themes, "n_init": self.n_init,
                "random_state": self.random_state, "n_terms": self.n_terms, "k_criterion": self.k_criterion,
                "encoder": self.encoder, "clustering": self.clustering, "weights": {"meaning": self.weights.meaning, "lexical": self.weights.lexical,
                            "domain": self.weights.domain}}

    # -- fitting -----------------------------------------------------------------
    def candidate_ks(self, n: int) -> list[int]:
        """The numbers of themes tried: n/20 to n/4, within ``max_themes``, at
        most 25 values (spaced geometrically when the range is wider)."""
        high = max(2, min(n // 4, self.max_themes))
        low = max(2, min(math.ceil(n / 20), high // 3))
        if high - low + 1 <= 25:
            return list(range(low, high + 1))
        return sorted({int(round(x)) for x in np.geomspace(low, high, 25)})

    def _kmeans(self, k: int, n_init: int) -> KMeans:
        return KMeans(n_clusters=k, n_init=n_init, random_state=self.random_state)

    def _tree(self, X):
        """The average-linkage tree of ``X`` (cosine), computed once and cut at every k."""
        return linkage(_dense(X).astype(np.float64), method="average", metric="cosine")

    def _centres(self, X, k: int, tree=None, n_init: int | None = None) -> np.ndarray:
        """The unit centres of k clusters of ``X`` (``tree``: X's average-linkage tree)."""
        if self.clustering == "kmeans":
            return _unit(self._kmeans(k, n_init or self.n_init).fit(X).cluster_centers_)
        X = _dense(X)
        cut = fcluster(self._tree(X) if tree is None else tree, k, criterion="maxclust") - 1
        return _unit(np.vstack([X[cut == c].mean(axis=0) for c in np.unique(cut)]))

    def choose_k(self, X, progress: Progress | None = None) -> int:
        """The k that scores highest by ``k_criterion`` among the candidates
        (the smaller on a tie)."""
        n = X.shape[0]
        ks = self.candidate_ks(n)
        # Above 3,000 findings the search runs on a fixed random sample of
        # 3,000 (silhouettes are quadratic in n); the final fit uses all.
        if n > LARGE:
            rows = np.sort(np.random.RandomState(self.random_state).choice(n, LARGE, replace=False))
            X = X[rows]
        criterion = self.k_criterion
        if criterion == "auto":
            criterion = "stability" if X.shape[0] // 2 >= MIN_PER_THEME * max(ks) else "silhouette"
        self.k_criterion_used_ = criterion
        score = self._stability if criterion == "stability" else self._silhouette
        self.k_scores_ = {}
        # the trees of X and of the halves, built once and cut at every k
        self._trees: dict = {}
        for i, k in enumerate(ks):
            if progress:
                progress("choosing the number of themes", i, len(ks))
            if k >= X.shape[0] // 2:  # each half must hold k findings
                continue
            got = score(X, k)
            if got is not None:
                self.k_scores_[k] = round(float(got), 6)
        self._trees = {}
        if not self.k_scores_:
            raise ValueError("no number of themes gives two distinct themes")
        return max(self.k_scores_, key=lambda k: (self.k_scores_[k], -k))

    def _cached_tree(self, key, X):
        if self.clustering == "kmeans":
            return None
        if key not in self._trees:
            self._trees[key] = self._tree(X)
        return self._trees[key]

    def _silhouette(self, X, k: int) -> float | None:
        centres = self._centres(X, k, self._cached_tree("all", X), n_init=max(1, self.n_init // 2))
        labels = np.asarray(X @ centres.T).argmax(axis=1)
        return silhouette_score(X, labels, metric="cosine") if len(set(labels.tolist())) > 1 else None

    def _stability(self, X, k: int) -> float:
        # One k-means++ start per half: the agreement measures what the
        # findings hold, and restarts would only hide how much a fit varies.
        rng = np.random.RandomState(self.random_state)
        agreement = []
        for split in range(STABILITY_SPLITS):
            order = rng.permutation(X.shape[0])
            halves = order[: len(order) // 2], order[len(order) // 2:]
            if self.clustering == "kmeans":
                labels = [KMeans(n_clusters=k, n_init=1, random_state=self.random_state + split).fit(X[h]).predict(X)
                          for h in halves]
            else:
                labels = [np.asarray(X @ self._centres(X[h], k, self._cached_tree((split, half), X[h])).T).argmax(axis=1)
                          for half, h in enumerate(halves)]
            agreement.append(adjusted_rand_score(*labels))
        return float(np.mean(agreement))

    def _project(self, X) -> np.ndarray:
        return normalize(np.asarray(X @ self.projection_.T, dtype=np.float32))

    def _rows(self, sparse_X, vectors, domains, weights: ViewWeights) -> np.ndarray:
        """The joined, unit-length rows of the findings (module docstring)."""
        if vectors is None and self.mean_ is not None and weights.meaning:
            raise ValueError("this themes model reads sentence vectors: give the findings' vectors")
        meaning = centred(vectors, self.mean_) if vectors is not None and self.mean_ is not None else None
        dom = domain_matrix(list(domains), self.domains_) if domains is not None else None
        return unit_rows(combine(meaning, self._project(sparse_X), dom, weights))

    def fit(self, texts: list[str], corpus: list[str] | None = None,
            domains: list | None = None, progress: Progress | None = None,
            vectors: np.ndarray | None = None, counts: list[int] | None = None) -> "ThemeModel":
        """Learn the themes of ``texts`` (their areas' ``domains``: a domain,
        None, or {domain: count} for a text printed in several areas, and
        their sentence ``vectors``, and ``counts``, how many findings print each
        text: one each by default); ``progress(stage, done, total)`` is told
        where the fit stands."""
        with limited_threads():
            return self._fit(texts, corpus, domains, progress or (lambda stage, done, total: None), vectors,
                             counts)

    def _fit(self, texts: list[str], corpus: list[str] | None, domains: list | None,
             progress: Progress, vectors: np.ndarray | None = None,
             counts: list[int] | None = None) -> "ThemeModel":
        if len(texts) < 8:
            raise ValueError(f"too few findings to find themes in: {len(texts)} (at least 8)")
        if vectors is not None and len(vectors) != len(texts):
            raise ValueError(f"{len(vectors)} sentence vectors for {len(texts)} findings")
        weight = np.ones(len(texts)) if counts is None else np.asarray(counts, dtype=np.float64)
        progress("vectors of the findings", 0, len(texts))
        sparse_X = self.vectorizer.fit_transform(texts, corpus)
        # k-means on sparse vectors with 10^5 character n-grams costs nnz * k per
        # step; projected on their first 200 singular vectors (at most n - 1,
        # which keeps a small collection's geometry whole) it is dense and fast.
        dims = max(2, min(DIMENSIONS, sparse_X.shape[0] - 1, sparse_X.shape[1] - 1))
        svd = TruncatedSVD(dims, algorithm="randomized", random_state=self.random_state).fit(sparse_X)
        self.projection_ = svd.components_.astype(np.float32)
        self.mean_ = np.asarray(vectors, dtype=np.float32).mean(axis=0) if vectors is not None else None
        X = self._rows(sparse_X, vectors, domains, self.weights)
        # The number of themes is chosen on what the findings say alone: with
        # the domain view, the eight domains would be the clearest partition
        # (k = 8), while the domain is meant as a cue inside a subject's theme.
        k = self.n_themes or self.choose_k(
            X if domains is None else self._rows(sparse_X, vectors, None, self.weights.without_domain()), progress)
        if k >= len(texts):
            raise ValueError(f"{k} themes for {len(texts)} findings: ask for fewer")
        progress(f"fitting {k} themes", 0, len(texts))
        if self.clustering == "kmeans":
            # Restarts guard a small collection against a poor start; on thousands
            # of findings each run sees enough of them, and ten cost ten times one
            centres = self._centres(X, k, n_init=self.n_init if len(texts) <= LARGE else max(1, self.n_init // 3))
        else:
            # the tree is quadratic in memory: above LARGE texts it is grown on a
            # fixed sample, and every text then goes to its nearest centre
            rows = (np.arange(len(texts)) if len(texts) <= LARGE else
                    np.sort(np.random.RandomState(self.random_state).choice(len(texts), LARGE, replace=False)))
            centres = self._centres(X[rows], k)
        # A theme of one finding is no theme (one text printed by two findings
        # is one): its centre is set aside as a lone
        # centre, so its member (and a later finding nearest it) stays without
        # a theme rather than being forced into the next one; a centre the
        # similarity threshold left empty is dropped. Repeat until every theme holds two.
        lone: list[np.ndarray] = []
        for _ in range(k):
            self.lone_centres_ = np.vstack(lone) if lone else np.zeros((0, X.shape[1]), np.float32)
            labels, scores = self._nearest(X, centres)
            members = np.bincount(labels[labels >= 0], weights=weight[labels >= 0], minlength=len(centres))
            keep = [c for c in range(len(centres)) if members[c] >= 2]
            if len(keep) == len(centres):
                break
            lone += [centres[c] for c in range(len(centres)) if 0 < members[c] < 2]
            centres = centres[keep]
        self.lone_centres_ = np.vstack(lone).astype(np.float32) if lone else np.zeros((0, X.shape[1]), np.float32)
        labels, scores = self._nearest(X, centres)  # for the centres kept last
        self.centres_ = centres[self._order(labels, texts, len(centres))]
        self.labels_, self.scores_ = self._nearest(X, self.centres_)
        progress("labels", 0, len(self.centres_))
        self.themes_ = self._describe(texts, self.labels_, self.scores_,
                                      ids=list(range(1, len(self.centres_) + 1)))
        self.version_ = self._version()
        return self

    @staticmethod
    def _order(labels, texts, n: int) -> list[int]:
        """Themes numbered by size, largest first; ties by their first member's
        text, so that the numbering does not depend on k-means' internals."""
        def key(c):
            members = np.flatnonzero(labels == c)
            return (-len(members), min((texts[i] for i in members), default=""))
        return sorted(range(n), key=key)

    def _nearest(self, X, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if len(centres) == 0:
            return np.full(X.shape[0], OUTLIER), np.zeros(X.shape[0])
        sims = np.asarray(X @ centres.T)
        best = sims.argmax(axis=1)
        score = sims[np.arange(len(best)), best]
        labels = np.where(score >= self.min_similarity, best, OUTLIER)
        if len(self.lone_centres_):
            lone = np.asarray(X @ self.lone_centres_.T).max(axis=1)
            labels = np.where(lone > score, OUTLIER, labels)
        return labels, score

    def _describe(self, texts, labels, scores, ids: list[int]) -> list[Theme]:
        # Labels from whole lemmas: compound parts find neighbours but read badly
        # ("näring, liv" for näringsliv).
        # a municipality's name says where a finding was made, not what it is about
        places = _place_names()
        term_lists = [[t for t in self.vectorizer.terms(x, parts=False) if len(t) > 2 and t not in places]
                      for x in texts]
        weights = class_tfidf(term_lists, labels, len(ids))
        part_sets = [set(self.vectorizer.terms(x)) - places for x in texts]
        phrases = [{k: v for k, v in _phrases(self.vectorizer.analyzer, x).items() if not places & set(k)}
                   for x in texts]
        written = self._written_forms(texts, labels, len(ids))
        themes = []
        for c, theme_id in enumerate(ids):
            members = np.flatnonzero(labels == c).tolist()
            need = max(2, math.ceil(LABEL_SHARE * len(members)))
            # a word two members use whole is shared by those that use it as a
            # compound's part too ("hållbarhet" in "hållbarhetsprogrammet")
            whole = Counter(t for i in members for t in set(term_lists[i]))
            share = Counter(t for i in members for t in (set(term_lists[i]) | part_sets[i]) if whole[t] >= 2)
            ranked = [t for t, w in sorted(weights[c].items(), key=lambda kv: (-kv[1], kv[0]))]
            shared = _distinct([t for t in ranked if share[t] >= need])
            top = (shared + [t for t in _distinct(ranked) if t not in shared])[: self.n_terms]
            label_parts: list[str] = []
            phrase = _shared_phrase([phrases[i] for i in members], need, weights[c])
            if phrase is not None:
                label_parts.append(phrase[1])
            label_parts += [written[c].get(t, t) for t in shared
                            if phrase is None or t not in phrase[0]][: 3 - 2 * bool(phrase)]
            if not label_parts:
                # no term in enough members to name them: the representative's own opening words
                label_parts = [_opening(texts[max(members, key=lambda i: (scores[i], -i))], places)] if members else []
            rep = max(members, key=lambda i: (scores[i], -i)) if members else -1
            themes.append(Theme(id=theme_id, label=", ".join(label_parts), terms=top, size=len(members),
                                representative=rep, representative_text=texts[rep] if rep >= 0 else "",
                                members=members))
        return themes

    def _written_forms(self, texts, labels, n: int) -> list[dict[str, str]]:
        """Per theme, how its members write each lemma whose form no member's
        word begins with: a label is words found in the members, so a lookup
        table's wrong choice ("följe" for "följs", "måla" for "mål-") never
        reaches it, while "analys" stays for "analyser"."""
        analyzer = self.vectorizer.analyzer
        forms: list[dict[str, Counter]] = [defaultdict(Counter) for _ in range(n)]
        for text, label in zip(texts, labels):
            if label < 0:
                continue
            for w in analyzer.words(text):
                terms = analyzer.terms_of_word(w)
                if terms and w.isalpha():
                    forms[label][terms[0]][w] += 1
        return [{lemma: max(c.items(), key=lambda kv: (kv[1], kv[0]))[0]
                 for lemma, c in f.items() if not any(w.startswith(lemma) for w in c)} for f in forms]

    def renumber(self, ids: list[int]) -> "ThemeModel":
        """Give the themes new ids (in their current order), e.g. the ids of
        the themes they continue from an earlier model."""
        self._check()
        if len(ids) != len(self.themes_) or len(set(ids)) != len(ids):
            raise ValueError("renumber needs one distinct id per theme")
        for theme, new in zip(self.themes_, ids):
            theme.id = int(new)
        self.version_ = self._version()
        return self

    def _version(self) -> str:
        # Same input, same model, same version: a hash of what was learned.
        digest = hashlib.sha256(np.ascontiguousarray(self.centres_, dtype=np.float32).tobytes())
        digest.update(np.ascontiguousarray(self.projection_, dtype=np.float32).tobytes())
        if len(self.lone_centres_):
            digest.update(np.ascontiguousarray(self.lone_centres_, dtype=np.float32).tobytes())
        if self.mean_ is not None:
            digest.update(np.ascontiguousarray(self.mean_, dtype=np.float32).tobytes())
        digest.update(json.dumps(self.get_params(), sort_keys=True).encode())
        digest.update(json.dumps([t.id for t in self.themes_]).encode())
        return digest.hexdigest()[:12]

    # -- using ---------------------------------------------------------------
    def transform(self, texts: list[str], domains: list | None = None,
                  vectors: np.ndarray | None = None) -> np.ndarray:
        """Cosine similarity of each finding to each theme's centre."""
        self._check()
        return self._rows(self.vectorizer.transform(texts), vectors, domains, self.weights) @ self.centres_.T

    def predict(self, texts: list[str], domains: list | None = None,
                vectors: np.ndarray | None = None) -> tuple[list[int | None], list[float]]:
        """Theme id (None for an outlier) and similarity for each text (with
        its area's domain and its sentence vector)."""
        self._check()
        with limited_threads():
            X = self._rows(self.vectorizer.transform(texts), vectors, domains, self.weights)
            labels, scores = self._nearest(X, self.centres_)
        ids = [t.id for t in self.themes_]
        return ([ids[l] if l >= 0 else None for l in labels.tolist()],
                [round(float(s), 6) for s in scores])

    def _check(self) -> None:
        if self.centres_ is None:
            raise RuntimeError("ThemeModel is not fitted")

    # -- persistence -----------------------------------------------------------
    def save(self, folder: str | Path, lineage: dict | None = None) -> Path:
        """Write the model as JSON and .npy files (no pickle) into ``folder``.

        Written to a sibling folder first and renamed, so a crash never leaves
        half a model where ``make ingest`` would load it.
        """
        self._check()
        folder = Path(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = folder.with_name(folder.name + ".tmp")
        if tmp.exists() or tmp.is_symlink():
            remove_tree(tmp)
        tmp.mkdir()
        try:
            self._write(tmp, lineage)
        except OSError as exc:
            # a full disk or a folder taken away: no half model left, and the
            # error names the model's folder (numpy's own names no file)
            remove_tree(tmp)
            raise OSError(exc.errno, exc.strerror or str(exc), str(folder)) from None
        if folder.exists() or folder.is_symlink():
            old = folder.with_name(folder.name + ".old")
            if old.exists() or old.is_symlink():
                remove_tree(old)
            folder.rename(old)
            tmp.rename(folder)
            remove_tree(old)
        else:
            tmp.rename(folder)
        return folder

    def _write(self, tmp: Path, lineage: dict | None) -> None:
        np.save(tmp / "centres.npy", self.centres_.astype(np.float32))
        np.save(tmp / "projection.npy", self.projection_)
        if len(self.lone_centres_):
            np.save(tmp / "lone_centres.npy", self.lone_centres_.astype(np.float32))
        if self.mean_ is not None:
            np.save(tmp / "meaning_mean.npy", self.mean_.astype(np.float32))
        self.vectorizer.save(tmp)
        themes = [{k: v for k, v in asdict(t).items() if k not in ("members", "representative")}
                  for t in self.themes_]
        (tmp / "themes.json").write_text(json.dumps(themes, ensure_ascii=False, indent=1), "utf-8")
        config = {"format": MODEL_FORMAT, "version": self.version_, "params": self.get_params(),
                  "k_scores": self.k_scores_, "k_criterion_used": self.k_criterion_used_, "created": _dt.date.today().isoformat(),
                  "lineage": lineage or {}}
        (tmp / "config.json").write_text(json.dumps(config, ensure_ascii=False, indent=1), "utf-8")

    @classmethod
    def load(cls, folder: str | Path) -> "ThemeModel":
        folder = Path(folder)
        config = json.loads((folder / "config.json").read_text("utf-8"))
        if config.get("format") != MODEL_FORMAT:
            raise ValueError(f"{folder}: model format {config.get('format')}, expected {MODEL_FORMAT}")
        # a model from before the criterion was a parameter chose k by silhouette
        params = {"k_criterion": "silhouette", **config["params"]}
        self = cls(**params, vectorizer=FindingVectorizer.load(folder))
        self.centres_ = np.load(folder / "centres.npy")
        self.projection_ = np.load(folder / "projection.npy")
        if (folder / "lone_centres.npy").exists():
            self.lone_centres_ = np.load(folder / "lone_centres.npy")
        if (folder / "meaning_mean.npy").exists():
            self.mean_ = np.load(folder / "meaning_mean.npy")
        self.themes_ = [Theme(representative=-1, **t)
                        for t in json.loads((folder / "themes.json").read_text("utf-8"))]
        self.k_scores_ = {int(k): v for k, v in config.get("k_scores", config.get("silhouettes", {})).items()}
        self.k_criterion_used_ = config.get("k_criterion_used", "silhouette" if "silhouettes" in config else None)
        self.version_ = config["version"]
        self.lineage_ = config.get("lineage", {})
        return self


#: a label's words must be in at least this share of the theme's members (and in two)
LABEL_SHARE = 0.3


#: a phrase never runs across these: "inflytande. Utgå" is two sentences
_PHRASE_BREAK = re.compile(r"[.,;:!?()\[\]\"”“'’–—•/|]+|\s-\s")
#: words of the representative finding that name a theme nothing else names
OPENING_WORDS = 5


def _opening(text: str, places: set[str] = frozenset()) -> str:
    """The first words of ``text``, without the municipality's name (which
    says where, not what: "Torsås kommun som samaktör" opens "Kommun som samaktör")."""
    first = _PHRASE_BREAK.split(text, maxsplit=1)[0].split()
    kept = [w for w in first if w.casefold() not in places]
    words = kept[:OPENING_WORDS]
    out = " ".join(words)
    if len(kept) < len(first) and out:
        out = out[0].upper() + out[1:]
    return out + ("" if words == first and out == " ".join(text.split()) else "…")


def _phrases(analyzer, text: str) -> dict[tuple[str, str], str]:
    """Two-word phrases of content words side by side in ``text`` ("attraktiv
    arbetsgivare"), keyed by their lemmas (so inflections meet), with the
    words as written; never across punctuation."""
    out: dict[tuple[str, str], str] = {}
    for part in _PHRASE_BREAK.split(text):
        words = analyzer.words(part)
        out.update({k: v for k, v in _pairs(analyzer, words).items() if k not in out})
    return out


def _pairs(analyzer, words: list[str]) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for a, b in zip(words, words[1:]):
        if (len(a) > 2 and len(b) > 2 and a.isalpha() and b.isalpha()
                and a not in analyzer.stop_words and b not in analyzer.stop_words):
            key = (analyzer.lemma(a), analyzer.lemma(b))
            if key[0] not in analyzer.stop_words and key[1] not in analyzer.stop_words:
                out.setdefault(key, f"{a} {b}")
    return out


def _shared_phrase(member_phrases: list[dict], need: int, weights: dict[str, float]) -> tuple[tuple, str] | None:
    """The phrase found in most members (at least ``need``), ties by the
    weight of its words in the theme; with the form most members write."""
    df: Counter = Counter()
    forms: dict[tuple, Counter] = {}
    for ph in member_phrases:
        for key, form in ph.items():
            df[key] += 1
            forms.setdefault(key, Counter())[form] += 1
    good = [k for k, n in df.items() if n >= need]
    if not good:
        return None
    best = max(good, key=lambda k: (df[k], weights.get(k[0], 0) + weights.get(k[1], 0), k))
    form = max(forms[best].items(), key=lambda kv: (kv[1], kv[0]))[0]
    return best, form


def _place_names() -> set[str]:
    """Municipality names of SCB's register, and their genitives, as lower-case words."""
    from ..extract.reference import municipalities

    words: set[str] = set()
    for m in municipalities():
        for w in m.name.casefold().replace("-", " ").split():
            words |= {w, w + "s"}
    return words


def _distinct(terms: list[str]) -> list[str]:
    """Terms in order, leaving out one that is another's form ("ledarförsörjningsprogrammen"
    beside "ledarförsörjningsprogram": the lookup table missed the inflection)."""
    out: list[str] = []
    for t in terms:
        if not any(_same_word(t, u) for u in out):
            out.append(t)
    return out


def _same_word(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return len(short) >= 5 and long.startswith(short[: max(5, len(short) - 1)]) and len(long) - len(short) <= 4


def class_tfidf(term_lists: list[list[str]], labels, n_classes: int) -> list[dict[str, float]]:
    """c-TF-IDF: tf of a term in a class (its findings joined), normalised by
    the class's length, times log(1 + A / f), A the average number of terms per
    class and f the term's frequency over all classes (Grootendorst 2022)."""
    counts = [Counter() for _ in range(n_classes)]
    for terms, label in zip(term_lists, labels):
        if label >= 0:
            counts[label].update(terms)
    total = Counter()
    for c in counts:
        total.update(c)
    avg = sum(total.values()) / max(1, n_classes)
    out = []
    for c in counts:
        size = sum(c.values()) or 1
        out.append({t: (n / size) * math.log(1 + avg / total[t]) for t, n in c.items()})
    return out


def _dense(X) -> np.ndarray:
    return np.asarray(X.toarray() if hasattr(X, "toarray") else X)


def _unit(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1, norms)


def remove_tree(path: Path) -> None:
    """Remove a model folder we made. A symbolic link is removed, never what
    it points to (a link planted at ``themes.tmp`` must not cost the files
    behind it), and so is every link inside."""
    if path.is_symlink() or not path.is_dir():
        path.unlink()
        return
    for child in path.iterdir():
        if child.is_dir() and not child.is_symlink():
            remove_tree(child)
        else:
            child.unlink()
    path.rmdir()
