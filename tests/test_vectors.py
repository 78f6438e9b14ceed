"""Sentence vectors: encoded once per distinct text, kept in the database,
read back by themes and links."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline import store
from pipeline.nlp import vectors
from pipeline.nlp.representation import ViewWeights, centred, combine, similarity, unit_rows


class CountingEncoder(vectors.SentenceEncoder):
    """The real encoder, counting the texts it is given."""

    def __init__(self):
        super().__init__(threads=1)
        self.texts: list[str] = []

    def encode(self, texts):
        self.texts += list(texts)
        return super().encode(texts)


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory):
    from pipeline.ingest import ingest
    from tests.conftest import sample

    base = tmp_path_factory.mktemp("vectors")
    copy = base / "emmaboda-2021.txt"
    copy.write_text(sample(2021, "txt").read_text("utf-8").replace("Torsås", "Emmaboda"), "utf-8")
    ingest([sample(2017, "txt"), sample(2021, "txt"), copy], base / "k.db", None)
    return base


def test_each_distinct_text_is_encoded_once_and_never_again(seed_db):
    db = store.open_db(seed_db / "k.db")
    encoder = CountingEncoder()
    update = vectors.update_vectors(db, encoder)
    texts = [r[0] for r in db.execute("select text from findings")]
    assert update.encoded == len(set(texts)) == len(encoder.texts) < len(texts)  # the copy's texts are reused
    assert update.stored == len(texts) == update.encoded + update.reused
    again = vectors.update_vectors(db, encoder)
    assert again.encoded == 0 and again.reused == 0 and len(encoder.texts) == len(set(texts))
    blob = db.execute("select dimensions, length(vector), encoder from finding_vectors limit 1").fetchone()
    assert blob == (vectors.DIMENSIONS, 4 * vectors.DIMENSIONS, vectors.ENCODER)
    db.close()


def test_stored_vectors_are_the_encoders_and_follow_the_findings(seed_db, tmp_path):
    import shutil

    shutil.copy(seed_db / "k.db", tmp_path / "k.db")
    db = store.open_db(tmp_path / "k.db")
    vectors.update_vectors(db)
    rows = list(db.query("select id, text from findings where report_id = '0834-2017' order by id limit 5"))
    stored = vectors.finding_vectors(db, [r["id"] for r in rows])
    fresh = vectors.SentenceEncoder(threads=1).encode([r["text"] for r in rows])
    assert np.allclose(stored, fresh, atol=1e-6)
    assert np.allclose(np.linalg.norm(stored, axis=1), 1.0, atol=1e-4)
    store.delete_report(db, "0834-2017")
    db.conn.commit()
    update = vectors.update_vectors(db)
    assert update.removed > 0 and update.stored == db["findings"].count
    with pytest.raises(KeyError):
        vectors.finding_vectors(db, [rows[0]["id"]])  # its report is gone
    db.close()


def test_meaning_view_places_paraphrases_above_unrelated_findings():
    texts = ["Utveckla medborgardialogen med invånarna",
             "Fler dialoger med medborgarna om kommunens utveckling",
             "Sänk kostnaderna för lokalvården",
             "Tydligare mål för förskolan"]
    v = vectors.SentenceEncoder(threads=1).encode(texts)
    m = centred(v, v.mean(axis=0))
    sims = m @ m.T
    assert sims[0, 1] > max(sims[0, 2], sims[0, 3]) + 0.2


def test_joined_score_is_the_weighted_mean_of_the_views_plus_the_domain():
    rng = np.random.RandomState(0)
    meaning, lexical = unit_rows(rng.randn(4, 6)), unit_rows(rng.rand(4, 9))
    domains = np.array(["democracy", "democracy", "quality", ""], dtype=object)
    w = ViewWeights(2, 1, 0.1)
    sim = similarity(meaning, meaning, lexical, lexical, domains, domains, w)
    expected = (2 * meaning @ meaning.T + lexical @ lexical.T) / 3
    same = np.array([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]])
    assert np.allclose(sim, expected + 0.1 * same, atol=1e-5)
    from pipeline.nlp.representation import domain_matrix
    rows = combine(meaning, lexical, domain_matrix(list(domains), ["democracy", "quality"]), w)
    assert np.allclose(rows @ rows.T, sim, atol=1e-5)  # the joined rows give the same scores
    with pytest.raises(ValueError):
        ViewWeights(meaning=-1)


def test_one_text_one_theme(seed_db, tmp_path):
    import shutil

    from pipeline.nlp.update import update_themes

    shutil.copy(seed_db / "k.db", tmp_path / "k.db")
    db = store.open_db(tmp_path / "k.db")
    update = update_themes(db, tmp_path / "models")
    assert update.action == "fitted" and update.themes >= 5
    groups = list(db.query("select text, count(*) as n, count(distinct coalesce(theme_id, -1)) as themes "
                           "from findings group by text having n > 1"))
    assert len(groups) >= 40  # the copied report repeats the 2021 texts
    assert all(g["themes"] == 1 for g in groups)
    db.close()
