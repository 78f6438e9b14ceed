"""Swedish text to theme-bearing terms: lemmas, compound parts, no stop words.

spaCy's blank Swedish pipeline gives the tokenizer and the stop words, and
``spacy-lookups-data`` the lemma lookup table (660,000 inflected forms,
offline; :mod:`pipeline.lexicon`) that spaCy's lookup lemmatizer uses.
The table misses most compounds ("medborgardialoger", "brukarundersökningar"),
and Swedish writes nearly every concept as one, so :meth:`SwedishAnalyzer.split_compound`
decomposes a word into known words, longest head first: "medborgardialoger"
becomes medborgare + dialog, which lets it meet "dialog med medborgarna".

A finding's terms are its content lemmas plus, for every compound, the lemmas
of its parts; the whole compound is kept too, since it is the most specific term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import spacy
from wordfreq import zipf_frequency
from spacy.lang.sv.stop_words import STOP_WORDS

from ..lexicon import lemma_table, lemmas

# A word is tried as a compound from this length; parts have minimum lengths
# because three-letter "modifiers" (med-, upp-, till-) are mostly prefixes, and
# splitting "medborgare" into med + borgare would be wrong.
MIN_COMPOUND = 7
MIN_MODIFIER = 4
MIN_HEAD = 3

# Derivational endings that are also dictionary words ("het" = hot, "are" = an
# area unit): as a "head" they would cut verksamhet into verksam + het.
SUFFIXES = frozenset(
    "het heten heter heterna are aren arna ande ende ens bar bara bart lig liga ligt "
    "else skap dom ning ning ingen ism isk iska era erar".split()
)

# A word: letters, possibly hyphenated inside ("e-tjänst") or at the end, where
# a compound's shared head is left out ("ledar- och medarbetarpolicy").
_WORD = re.compile(r"^[a-zåäöéü]+(?:-[a-zåäöéü]+)*-?$")


def domain_stop_words() -> frozenset[str]:
    """The domain stop list shipped with the package (lemmas, one per line).

    How it was chosen is written at the top of the file and in docs/themes.md;
    ``tools/measure_stop_words.py`` prints the measurement.
    """
    text = resources.files("pipeline.data").joinpath("domain_stop_words.txt").read_text("utf-8")
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(w for w in words if w)


@dataclass
class SwedishAnalyzer:
    """Turns Swedish text into terms: ``analyzer("Utveckla medborgardialogen")``.

    Callable, so it can be given to scikit-learn's vectorisers as ``analyzer=``.
    ``domain_stop=False`` keeps the domain stop words (for measuring them).
    """

    split_compounds: bool = True
    domain_stop: bool = True
    extra_stop_words: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        self.nlp = _pipeline()
        self._table = lemma_table()
        self._lemmas = lemmas()
        stop = set(STOP_WORDS) | set(self.extra_stop_words)
        if self.domain_stop:
            stop |= domain_stop_words()
        self.stop_words = frozenset(stop)
        # Per-instance caches: the same words come back in every report.
        self.lemma = lru_cache(maxsize=200_000)(self._lemma)
        self.split_compound = lru_cache(maxsize=200_000)(self._split_compound)
        self._best_split = lru_cache(maxsize=400_000)(self._best_split)
        # a finding's words are asked for by its terms, its lemmas and its label
        # phrases: tokenised once
        self._words = lru_cache(maxsize=100_000)(self._tokenize)

    # -- words ---------------------------------------------------------------
    def is_word(self, word: str) -> bool:
        """Whether the lookup table knows ``word`` as a form or a lemma."""
        return word in self._table or word in self._lemmas

    def _lemma(self, word: str) -> str:
        if word not in self._table and word not in self._lemmas and len(word) >= MIN_COMPOUND:
            # An unknown compound inflects in its head: brukarundersökningar
            # is brukar + undersökningar, so its lemma is brukarundersökning.
            _, parts, cut = self._best_split(word)
            if len(parts) > 1:
                return word[:cut] + self.lemma(word[cut:])
        # A word that is itself a headword stays as it is: the table sends
        # "plan" to the verb "plana" and "råd" to "råda", but the noun is meant.
        if word in self._lemmas:
            return word
        return self._table.get(word, word).lower()

    def zipf(self, word: str) -> float:
        """How common ``word`` is in Swedish (wordfreq's Zipf scale, 0 = unseen)."""
        return zipf_frequency(word, "sv")

    def _modifier_forms(self, part: str) -> list[str]:
        """Dictionary forms a compound's first part may stand for.

        Linking letters: kvalitet-s-arbete, skol(a)-utveckling, and agent nouns
        that drop their -e before a head: medborgar(e)dialog, brukar(e)undersökning.
        """
        forms = []
        if part.endswith(("ar", "er")):
            forms.append(part + "e")
        forms.append(part)
        if part.endswith("s"):
            forms.append(part[:-1])
        forms += [part + "a", part + "e"]
        return [f for f in forms if len(f) >= MIN_MODIFIER and self._usable_part(f)]

    def _usable_part(self, form: str) -> bool:
        # A stop word is never a part: it keeps prefixes such as under-, genom-
        # and efter- inside their words (undersökning is not under + ökning).
        return (self.is_word(form) and form not in STOP_WORDS and form not in SUFFIXES
                and self._table.get(form, form) not in SUFFIXES and self.zipf(form) > 0)

    def _best_split(self, word: str) -> tuple[float, tuple[str, ...], int]:
        """Koehn & Knight (2003): of all ways to cut ``word`` into known words,
        keep the one whose parts are most common on average (mean Zipf
        frequency), and keep the word whole if it is more common than that."""
        best = (self.zipf(word), (word,), 0)
        for cut in range(MIN_MODIFIER, len(word) - MIN_HEAD + 1):
            head = word[cut:]
            if not self._usable_part(head):
                continue
            forms = self._modifier_forms(word[:cut])
            if not forms:
                continue
            modifier = max(forms, key=self.zipf)
            head_score, head_parts, _ = self._best_split(head)
            parts = (modifier,) + head_parts
            score = (self.zipf(modifier) + head_score * len(head_parts)) / len(parts)
            if score > best[0]:
                best = (score, parts, cut)
        return best

    def _split_compound(self, word: str) -> tuple[str, ...]:
        """Lemmas of the parts of a compound, or () if ``word`` is not one."""
        if len(word) < MIN_COMPOUND or "-" in word:
            return ()
        _, parts, _ = self._best_split(word)
        if len(parts) < 2:
            return ()
        return tuple(self.lemma(p) for p in parts)

    # -- text ----------------------------------------------------------------
    def words(self, text: str) -> list[str]:
        """Lower-cased word tokens of ``text`` (spaCy's Swedish tokenizer)."""
        return list(self._words(text))

    def _tokenize(self, text: str) -> tuple[str, ...]:
        # A slash joins alternatives: "synpunkts-/klagomålshantering".
        return tuple(w for t in self.nlp.tokenizer(text.lower()) for w in t.text.split("/") if _WORD.match(w))

    def terms_of_word(self, word: str) -> list[str]:
        """A word's terms: its lemma and, for a compound, its parts' lemmas."""
        if word in self.stop_words or len(word) < 2:
            return []
        if word.endswith("-"):  # "ledar-" of "ledar- och medarbetarpolicy": a modifier
            forms = self._modifier_forms(word[:-1])
            return [self.lemma(max(forms, key=self.zipf))] if forms else []
        lemma = self.lemma(word)
        if lemma in self.stop_words:
            return []
        terms = [lemma]
        if self.split_compounds:
            if "-" in lemma:  # "ledar- och medarbetarpolicy" style hyphens
                terms += [p for p in lemma.split("-") if len(p) > 2]
            else:
                # A known word is split as its lemma; an unknown one as written.
                parts = self.split_compound(lemma if self.is_word(word) else word)
                terms += [p for p in parts if p not in self.stop_words]
        return terms

    def lemmas(self, text: str) -> list[str]:
        """Content lemmas of ``text``, compounds whole."""
        return [t for w in self.words(text) for t in self.terms_of_word(w)[:1]]

    def __call__(self, text: str) -> list[str]:
        terms: list[str] = []
        for word in self.words(text):
            terms += self.terms_of_word(word)
        return terms


@lru_cache(maxsize=1)
def _pipeline():
    return spacy.blank("sv")
