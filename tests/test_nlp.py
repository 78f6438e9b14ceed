"""Swedish analysis, finding vectors and themes (pipeline.nlp).

Uses the seed findings' texts only (never a reader's coding of them).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from pipeline.nlp.features import FindingVectorizer
from pipeline.nlp.swedish import SwedishAnalyzer
from pipeline.nlp.themes import OUTLIER, ThemeModel, class_tfidf

FINDINGS = Path(__file__).resolve().parents[2] / "shared" / "annotations" / "findings.json"
N_THEMES = 10


@pytest.fixture(scope="module")
def analyzer() -> SwedishAnalyzer:
    return SwedishAnalyzer()


@pytest.fixture(scope="module")
def texts() -> list[str]:
    if not FINDINGS.exists():
        pytest.skip(f"seed findings not found at {FINDINGS}")
    data = json.loads(FINDINGS.read_text("utf-8"))
    return [f["text"] for f in data]


def _model(analyzer, **kw) -> ThemeModel:
    kw.setdefault("n_themes", N_THEMES)
    return ThemeModel(random_state=0, vectorizer=FindingVectorizer(analyzer=analyzer), **kw)


@pytest.fixture(scope="module")
def model(analyzer, texts) -> ThemeModel:
    return _model(analyzer).fit(texts)


# -- SwedishAnalyzer: lemmas ---------------------------------------------------

@pytest.mark.parametrize("word, lemma", [
    ("kommunens", "kommun"),
    ("uppföljningar", "uppföljning"),
    ("analyser", "analys"),
    ("medborgarna", "medborgare"),
    ("plan", "plan"),  # a headword stays itself; the table alone says "plana"
])
def test_lemma_of_seed_words(analyzer, word, lemma):
    assert analyzer.lemma(word) == lemma


# -- SwedishAnalyzer: compounds --------------------------------------------------

@pytest.mark.parametrize("word, parts, lemma", [
    ("medborgardialoger", ("medborgare", "dialog"), "medborgardialog"),
    ("kompetensförsörjningen", ("kompetens", "försörjning"), "kompetensförsörjning"),
    ("brukarundersökningar", ("brukare", "undersökning"), "brukarundersökning"),
])
def test_compound_is_split_and_lemmatised_in_its_head(analyzer, word, parts, lemma):
    assert analyzer.split_compound(word) == parts
    assert analyzer.lemma(word) == lemma
    terms = analyzer(word)
    assert terms[0] == lemma
    assert set(parts) <= set(terms)


@pytest.mark.parametrize("word", [
    "verksamhet", "undersökning", "medarbetare", "tillgänglighet", "organisation",
])
def test_lexicalised_word_is_not_split(analyzer, word):
    assert analyzer.split_compound(word) == ()


def test_compound_meets_its_paraphrase(analyzer):
    compound = set(analyzer("medborgardialog"))
    phrase = set(analyzer("dialog med medborgarna"))
    assert {"dialog", "medborgare"} <= compound & phrase


# -- SwedishAnalyzer: stop words -------------------------------------------------

def test_stop_words_and_domain_stop_words_are_dropped(analyzer):
    terms = analyzer("Utveckla arbetet med analyser av resultat")
    assert "analys" in terms and "resultat" in terms
    for word in ("utveckla", "arbete", "arbetet", "med", "av"):
        assert word not in terms


def test_domain_stop_words_can_be_kept():
    terms = SwedishAnalyzer(domain_stop=False)("Utveckla arbetet med analyser av resultat")
    assert "utveckla" in terms
    assert "med" not in terms and "av" not in terms  # spaCy's stop words stay out


# -- FindingVectorizer ---------------------------------------------------------

@pytest.fixture(scope="module")
def vectorizer(analyzer, texts) -> FindingVectorizer:
    return FindingVectorizer(analyzer=analyzer).fit(texts)


def test_vector_rows_are_unit_length_or_zero(vectorizer, texts):
    X = vectorizer.transform(texts[:40] + ["och med av", "Utveckla arbetet"])
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1))).ravel()
    assert np.allclose(norms[:40][norms[:40] > 0], 1.0, atol=1e-5)
    assert (norms[:40] > 0).sum() >= 35  # nearly every real finding has terms
    assert norms[40] == 0 and norms[41] == 0  # nothing but stop words


def test_vectorizer_save_load_round_trip(vectorizer, texts, tmp_path):
    vectorizer.save(tmp_path)
    loaded = FindingVectorizer.load(tmp_path)
    sample = texts[:5] + ["Utveckla medborgardialogen", "brukarundersökningar och analyser"]
    before = vectorizer.transform(sample).toarray()
    after = loaded.transform(sample).toarray()
    assert before.shape == after.shape
    assert np.abs(before).sum() > 0
    assert np.allclose(before, after)


def test_vectorizer_rejects_too_few_components():
    with pytest.raises(ValueError):
        FindingVectorizer(n_components=1)


# -- ThemeModel: fitting ---------------------------------------------------------

def test_fit_is_deterministic(analyzer, texts, model):
    again = _model(analyzer).fit(texts)
    assert np.array_equal(again.labels_, model.labels_)
    assert again.version_ == model.version_
    assert [t.label for t in again.themes_] == [t.label for t in model.themes_]


def test_themes_sizes_and_numbering(model, texts):
    themes = model.themes_
    k = len(themes)
    assert 2 <= k <= N_THEMES
    assert [t.id for t in themes] == list(range(1, k + 1))
    sizes = [t.size for t in themes]
    assert all(s >= 2 for s in sizes)
    assert sizes == sorted(sizes, reverse=True)
    assert len(model.labels_) == len(texts)
    for c, theme in enumerate(themes):
        members = np.flatnonzero(model.labels_ == c).tolist()
        assert theme.members == members
        assert theme.size == len(members)
    assert sum(sizes) + int((model.labels_ == OUTLIER).sum()) == len(texts)


def test_outliers_are_below_threshold_members_above(model):
    outlier = model.labels_ == OUTLIER
    assert np.all(model.scores_[outlier] < model.min_similarity)
    assert np.all(model.scores_[~outlier] >= model.min_similarity)
    assert (~outlier).sum() > len(model.labels_) // 2


def test_representative_and_labels(model, texts):
    for theme in model.themes_:
        assert theme.representative in theme.members
        assert theme.representative_text == texts[theme.representative]
        # The representative is the member closest to the centre.
        assert model.scores_[theme.representative] == max(model.scores_[i] for i in theme.members)
        # A label is short (at most three parts) and shared: each of its
        # words is in at least 30 % of the members, and in two of them
        # (a two-word phrase as written, or a lemma among the theme's terms).
        from pipeline.nlp.themes import _opening, _place_names

        if theme.label == _opening(theme.representative_text, _place_names()):
            continue  # no word in enough members: named by its representative's opening words
        parts = theme.label.split(", ")
        assert 1 <= len(parts) <= 3 and all(p and "," not in p for p in parts)
        need = max(2, -(-3 * len(theme.members) // 10))
        for part in parts:
            if " " in part:
                assert sum(part in texts[i].lower() for i in theme.members) >= need or len(theme.members) < 2
            else:  # a lemma (whole, or a compound's part), or as the members write it
                assert sum(part in texts[i].lower() or part in model.vectorizer.terms(texts[i])
                           for i in theme.members) >= need
                assert sum(part in texts[i].lower() or part in model.vectorizer.terms(texts[i], parts=False)
                           for i in theme.members) >= 2  # and whole in two members


def test_a_label_word_is_shared_by_the_members_not_one_members_word(model):
    """Before, a label could carry a word only one member has ("enhet,
    jämförelse, antidemokratisk"). Now a label's words are the members'."""
    texts = ["Utveckla medborgardialogen i kommunen", "Fler medborgardialoger i alla kommundelar",
             "Medborgardialog om budgeten varje år", "Medborgardialog med unga",
             "Medborgardialogen motverkar antidemokratiska rörelser",
             "Attraktiv arbetsgivare för unga", "Kommunen som attraktiv arbetsgivare", "Attraktiva arbetsgivare"]
    labels = np.array([0, 0, 0, 0, 0, 1, 1, 1])
    themes = model._describe(texts, labels, np.ones(len(texts)), ids=[1, 2])
    assert themes[0].label == "medborgardialog"
    assert themes[1].label.startswith("attraktiv arbetsgivare")


def test_save_load_predicts_fitted_themes(model, texts, tmp_path):
    folder = model.save(tmp_path / "model")
    loaded = ThemeModel.load(folder)
    assert loaded.version_ == model.version_
    assert [t.id for t in loaded.themes_] == [t.id for t in model.themes_]
    ids, scores = loaded.predict(texts)
    expected = [model.themes_[c].id if c >= 0 else None for c in model.labels_.tolist()]
    assert ids == expected
    assert np.allclose(scores, model.scores_, atol=1e-5)


def test_renumber(analyzer, texts):
    m = _model(analyzer).fit(texts)
    old_version = m.version_
    k = len(m.themes_)
    new_ids = [100 + 2 * i for i in range(k)][::-1]
    m.renumber(new_ids)
    assert [t.id for t in m.themes_] == new_ids
    assert m.version_ != old_version
    ids, _ = m.predict(texts[:10])
    assert {i for i in ids if i is not None} <= set(new_ids)
    with pytest.raises(ValueError):
        m.renumber([1] * k)
    with pytest.raises(ValueError):
        m.renumber(list(range(1, k)))  # one id short


@pytest.mark.parametrize("kwargs", [{"n_themes": 1}, {"min_similarity": 1.5},
                                    {"min_similarity": -0.1}])
def test_bad_parameters_are_rejected(kwargs):
    with pytest.raises(ValueError):
        ThemeModel(**kwargs)


def test_fit_on_too_few_texts(analyzer):
    with pytest.raises(ValueError):
        _model(analyzer).fit(["Utveckla medborgardialogen", "Förbättra analyser",
                              "Stärk brukarundersökningar"])


def test_predict_before_fit_raises():
    with pytest.raises(RuntimeError):
        ThemeModel().predict(["text"])


# -- ThemeModel: how many themes ---------------------------------------------------

def test_candidate_ks():
    m = ThemeModel()
    ks = m.candidate_ks(142)
    assert ks[0] == 8 and ks[-1] == 35
    assert ks == sorted(set(ks))
    big = m.candidate_ks(20000)
    assert len(big) <= 25
    assert all(2 <= k <= m.max_themes for k in big)
    assert big == sorted(set(big))
    assert max(ThemeModel(max_themes=20).candidate_ks(20000)) <= 20


@pytest.mark.parametrize("criterion", ["stability", "silhouette", "auto"])
def test_choose_k_takes_the_best_scoring_k(analyzer, texts, vectorizer, criterion):
    m = ThemeModel(random_state=0, vectorizer=vectorizer, k_criterion=criterion)
    X = vectorizer.transform(texts)
    k = m.choose_k(X)
    assert k in m.candidate_ks(len(texts))
    assert set(m.k_scores_) <= set(m.candidate_ks(len(texts))) and len(m.k_scores_) >= 2
    assert m.k_scores_[k] == max(m.k_scores_.values())
    assert all(-1.0 <= v <= 1.0 for v in m.k_scores_.values())
    if criterion == "auto":  # 142 findings are too few for stability: silhouette decides
        assert m.k_criterion_used_ == "silhouette"


def test_stability_finds_the_groups_that_are_there():
    """Six tight groups of points, far apart: two fits on disjoint halves
    agree at k = 6 (and not at 5 or 7, where a group is split or merged by
    chance), so k = 6 is chosen."""
    rng = np.random.RandomState(0)
    centres = np.eye(12)[:6]
    X = np.vstack([c + 0.03 * rng.randn(20, 12) for c in centres]).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    m = ThemeModel(random_state=0, max_themes=9, k_criterion="stability")
    m.candidate_ks = lambda n: [3, 4, 5, 6, 7, 8, 9]
    assert m.choose_k(X) == 6
    assert m.k_scores_[6] > 0.99 > max(m.k_scores_[5], m.k_scores_[7])


def test_auto_criterion_needs_enough_findings_per_theme(texts, vectorizer):
    """Stability needs each half to hold ten findings per theme at the largest
    k tried; the sample's findings are too few, so silhouette decides."""
    m = ThemeModel(random_state=0, vectorizer=vectorizer)
    m.candidate_ks = lambda n: [2, 3]
    m.choose_k(vectorizer.transform(texts * 4))
    assert m.k_criterion_used_ == "stability"  # 142 * 4 / 2 findings a half, 10 * 3 needed


def test_unknown_k_criterion_is_refused():
    with pytest.raises(ValueError, match="k_criterion"):
        ThemeModel(k_criterion="elbow")


# -- class_tfidf -----------------------------------------------------------------

def test_class_tfidf_prefers_terms_of_one_class():
    term_lists = [
        ["dialog", "kommun"], ["dialog", "kommun"],      # class 0
        ["budget", "kommun"], ["budget", "kommun"],      # class 1
        ["skola", "kommun"], ["skola", "kommun"],        # class 2
        ["dialog", "budget", "skola"],                   # outlier: not counted
    ]
    labels = [0, 0, 1, 1, 2, 2, -1]
    weights = class_tfidf(term_lists, labels, 3)
    assert len(weights) == 3
    # Same frequency within each class, so the spread alone makes the difference.
    for c, own in enumerate(("dialog", "budget", "skola")):
        assert weights[c][own] > weights[c]["kommun"]
    assert set(weights[0]) == {"dialog", "kommun"}


def test_the_domain_view_is_a_cue_not_a_partition(analyzer):
    """The same words in areas of two domains are less alike than in one, and
    without domains the view stays empty (the vectors are the words' alone)."""
    texts = ["Utveckla uppföljningen av målen", "Utveckla uppföljningen av målen", "Utveckla uppföljningen av målen"]
    vec = FindingVectorizer(analyzer=analyzer).fit(texts, domains=["quality", "quality", "governance"])
    X = vec.transform(texts, ["quality", "quality", "governance"]).toarray()
    assert X[0] @ X[1] == pytest.approx(1.0, abs=1e-5)
    assert X[0] @ X[2] == pytest.approx(2 / 3, abs=1e-5)  # three views, one differs
    plain = vec.transform(texts).toarray()
    assert plain[0] @ plain[2] == pytest.approx(1.0, abs=1e-5)
    assert np.allclose(vec.without_domain(vec.transform(texts, ["quality", "quality", "governance"])).toarray(),
                       plain, atol=1e-6)


def test_themes_fit_on_one_thread(analyzer, texts, monkeypatch):
    """The clustering and the linear algebra run on one thread in a fit (two
    fight over a busy core: docs/benchmarks.md)."""
    from threadpoolctl import threadpool_info

    seen = []
    original = ThemeModel._centres

    def spy(self, *args, **kwargs):
        seen.append({p["user_api"]: p["num_threads"] for p in threadpool_info()})
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ThemeModel, "_centres", spy)
    _model(analyzer).fit(texts)
    assert seen and all(s and set(s.values()) == {1} for s in seen)
    if (os.cpu_count() or 1) > 1:  # and the libraries get their threads back afterwards
        assert max(p["num_threads"] for p in threadpool_info()) > 1
