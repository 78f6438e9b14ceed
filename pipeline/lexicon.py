"""Swedish word forms: spaCy's Swedish lemma lookup table (``spacy-lookups-data``,
660,000 inflected forms and their lemmas, shipped in the package, no network).

The readers ask it whether a capitalised word is an ordinary word (then a
capital inside a table cell or after a page break starts a new item, since
Swedish capitalises only names inside a sentence); :mod:`.nlp.swedish`
lemmatises with it. Loaded once per process, when first asked (half a second).

Imports nothing of the package.
"""

from __future__ import annotations

from functools import cache


@cache
def lemma_table() -> dict[str, str]:
    """Inflected form -> lemma, the table spaCy's lookup lemmatizer loads;
    read here as a plain dict (a fifth of the time spaCy takes to build its own)."""
    import spacy_lookups_data
    from spacy.util import load_language_data

    return load_language_data(spacy_lookups_data.sv["lemma_lookup"])


@cache
def lemmas() -> frozenset[str]:
    return frozenset(lemma_table().values())


def is_ordinary_word(word: str) -> bool:
    """Is lower-case ``word`` a Swedish word form of the table (a form or a
    lemma)? Names (places, people, organisations) mostly are not."""
    return word in lemma_table() or word in lemmas()
