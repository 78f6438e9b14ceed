"""Theme labels are words the members write: never across punctuation, never
a lookup table's wrong lemma, never a municipality's name."""

from __future__ import annotations

from pipeline.nlp import themes
from pipeline.nlp.representation import ViewWeights
from pipeline.nlp.swedish import SwedishAnalyzer

WORDS_ONLY = ViewWeights(0, 1, 0)
#: two subjects, six findings each
FOLLOWED = ["Resultaten följs upp varje kvartal", "Målen följs upp i nämnden", "Kostnaderna följs upp noga",
            "Avvikelser följs upp av chefen", "Klagomål följs upp systematiskt", "Besluten följs upp årligen"]
BUDGET = ["Budgeten är i balans", "Budgeten kopplas till målen", "Budgeten redovisas öppet",
          "Tydligare budget för skolan", "Budgeten jämförs med andra", "Budgeten beslutas i juni"]


def test_a_phrase_never_runs_across_punctuation():
    got = themes._phrases(SwedishAnalyzer(), "Ökat medborgarnas inflytande. Utgå från den strategiska planen")
    assert ("strategisk", "plan") in got and ("medborgare", "inflytande") in got
    assert not any("inflytande" in k and "utgå" in k for k in got)


def test_a_label_word_is_written_by_the_members():
    analyzer = SwedishAnalyzer()
    assert analyzer.terms_of_word("följs")[0] == "följe"  # the lookup table's choice the label must not show
    followed, budget = FOLLOWED, BUDGET
    model = themes.ThemeModel(n_themes=2, weights=WORDS_ONLY).fit(followed + budget)
    labels = {t.label for t in model.themes_}
    assert any("följs" in label for label in labels), labels
    assert not any("följe" in label.split(", ") or "följe" in label.split() for label in labels)
    assert "följe" in {term for t in model.themes_ for term in t.terms}  # terms stay lemmas


def test_no_municipality_name_is_a_theme_term(monkeypatch):
    dialogue = ["Medborgardialog i Torsås om skolan", "Torsås utvecklar medborgardialog med unga",
                "Medborgardialog på webben i Torsås", "Torsås ordnar medborgardialog om trafiken",
                "Fler tillfällen till medborgardialog i Torsås", "Torsås följer upp sin medborgardialog"]
    economy = ["Budgeten i Emmaboda är i balans", "Emmaboda följer upp budgeten varje månad",
               "Budgeten i Emmaboda kopplas till målen", "Emmaboda redovisar budgeten öppet",
               "Tydligare budget i Emmaboda", "Emmaboda jämför budgeten med andra"]
    texts = dialogue + economy
    model = themes.ThemeModel(n_themes=2, weights=WORDS_ONLY).fit(texts)
    places = themes._place_names()
    assert {"torsås", "emmaboda"} <= places
    labels = " ".join(t.label for t in model.themes_)
    assert "medborgardialog" in labels and "budget" in labels
    for t in model.themes_:
        assert not places & set(t.terms) and not places & set(t.label.casefold().replace(",", " ").split())
    # without the register the names are among the strongest terms: the check above can fail
    monkeypatch.setattr(themes, "_place_names", lambda: set())
    bare = themes.ThemeModel(n_themes=2, weights=WORDS_ONLY).fit(texts)
    assert {"torsås", "emmaboda"} & {term for t in bare.themes_ for term in t.terms}


def test_a_theme_without_a_shared_term_is_named_by_its_representative():
    assert themes._opening("Ambitionen är hög, men resurserna räcker inte") == "Ambitionen är hög…"
    assert themes._opening("Tydlig ambition") == "Tydlig ambition"
    # the municipality's name says where, not what: it is no part of a label either way
    places = themes._place_names()
    assert themes._opening("Torsås kommun som samaktör för att utveckla lokalsamhället", places) == \
        "Kommun som samaktör för att…"


def test_a_finding_that_would_be_a_theme_alone_has_none_at_the_fit_and_later():
    followed, budget = FOLLOWED, BUDGET
    alone = "Brandskyddet på fritidsgårdarna inspekteras"
    model = themes.ThemeModel(n_themes=3, weights=WORDS_ONLY, min_similarity=0.0).fit(followed + budget + [alone])
    assert len(model.themes_) == 2 and len(model.lone_centres_) == 1
    assert model.labels_[-1] == themes.OUTLIER and (model.labels_[:-1] >= 0).all()
    ids, _ = model.predict([alone, "Budgeten följs upp"])
    assert ids[0] is None and ids[1] is not None  # assigned later as at the fit, and the rest as before


def test_one_text_printed_by_two_findings_is_a_theme_of_its_own():
    followed, budget = FOLLOWED, BUDGET
    twice = "Brandskyddet på fritidsgårdarna inspekteras"
    model = themes.ThemeModel(n_themes=3, weights=WORDS_ONLY, min_similarity=0.0).fit(
        followed + budget + [twice], counts=[1] * 12 + [2])
    assert len(model.themes_) == 3 and len(model.lone_centres_) == 0
    assert model.labels_[-1] != themes.OUTLIER
