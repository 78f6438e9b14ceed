"""A researcher's codebook: every finding coded to the theme it fits best, or to none.

Deductive coding, the other way round from :mod:`pipeline.nlp.themes`: the
themes are the researcher's, given as a CSV file (``theme,label,description``
and an optional ``keywords`` column, keywords separated by ``;``), and each
finding is given the one that fits it best, or none when nothing fits.

How a finding meets a theme (the theme is its label, description and keywords
as one text):

1. **Meaning**: cosine of the E5 sentence vectors (:mod:`pipeline.nlp.vectors`),
   *centred*: the mean vector of the database's findings is taken from the
   findings and the themes alike before normalising again. E5 puts every
   Swedish sentence about local government in one narrow cone (raw cosines
   all near 0.8); centred, what two texts share beyond "a finding of an
   evaluation report" decides.
2. **Words**: cosine of :class:`~pipeline.nlp.features.FindingVectorizer`
   vectors (lemmas, compound parts, character n-grams), fitted on the findings
   and the themes' texts together, so "medborgardialogen" meets the keyword
   "medborgardialog" and "klagomålshantering" meets "klagomål".

Each of the two similarity matrices is standardised over all finding-theme
pairs (0 is a typical pair, 1 a standard deviation above it), so that neither
scale dominates by its spread, and they are joined with :data:`MEANING_WEIGHT`.
A finding gets its best theme when that theme stands out from the others
(best minus the median over all themes at least :data:`MIN_MARGIN`) and is
itself clearly above a typical pair (:data:`MIN_SCORE`); else none.

Language room: the store is imported, never the other way round. Pure
functions (``read_codebook``, ``similarities``, ``assign``) and one that
reads and writes the database (``apply_codebook``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import store

#: share of the meaning (E5) in the joined score; the rest is the words' (TF-IDF)
MEANING_WEIGHT = 0.6
#: the best theme must stand this far (standardised units) above the median theme
MIN_MARGIN = 1.0
#: and at least this far above a typical finding-theme pair
MIN_SCORE = 0.5
#: members shown per theme by ``kompass codebook show``
SHOWN_MEMBERS = 3

REQUIRED = ("theme", "label", "description")
#: largest codebook file read (a codebook is a few kilobytes)
MAX_BYTES = 5_000_000


class CodebookError(Exception):
    """A codebook that cannot be used; the message names the file and the problem, in one line."""


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    description: str
    keywords: tuple[str, ...] = ()

    def text(self) -> str:
        """What the theme is compared by: label, description and keywords in one text."""
        parts = [self.label, self.description, ", ".join(self.keywords)]
        return ". ".join(p.strip().rstrip(".") for p in parts if p.strip()) + "."


@dataclass(frozen=True)
class Codebook:
    name: str  # the file's stem: the key of its rows in the database
    themes: tuple[Theme, ...]

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.themes]


def _shown(path: Path) -> str:
    """A path for a one-line message: quoted when it holds a line break or control character."""
    text = str(path)
    return repr(text) if any(ord(c) < 32 or ord(c) == 127 for c in text) else text


def read_codebook(path: str | Path) -> Codebook:
    """Read and check a codebook CSV (UTF-8, a byte-order mark allowed).
    Raises :class:`CodebookError` naming the file and the problem."""
    path = Path(path)
    name = _shown(path)

    def fail(problem: str):
        raise CodebookError(f"{name}: {problem}")

    if path.is_dir():
        fail("is a folder, not a codebook file")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            fail(f"{size / 1e6:.0f} MB, too large for a codebook (over {MAX_BYTES // 1_000_000} MB)")
        raw = path.read_bytes()
    except FileNotFoundError:
        fail("no such file")
    except OSError as exc:
        fail(f"cannot be read ({exc.strerror or exc})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(f"not UTF-8 (byte {exc.start}); save the codebook as CSV UTF-8")
    if not text.strip():
        fail("empty file; a codebook needs a header 'theme,label,description[,keywords]' and one row per theme")
    if "\x00" in text:
        fail("not a text file (it holds NUL bytes); save the codebook as CSV UTF-8")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        fail(f"not a readable CSV file ({exc})")
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        fail(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
             f"(the header is {','.join(rows[0])!r}; expected theme,label,description and optionally keywords)")
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        fail(f"column {repeated[0]} appears twice in the header")
    col = {h: i for i, h in enumerate(header)}
    themes: list[Theme] = []
    first_line: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) > len(header):
            fail(f"line {line} has {len(row)} fields, the header {len(header)} (a comma in a text that is not "
                 "quoted?)")
        cell = lambda c: row[col[c]].strip() if c in col and col[c] < len(row) else ""  # noqa: E731
        key = cell("theme")
        if not key:
            fail(f"line {line}: no theme key")
        if key in first_line:
            fail(f"duplicate theme key {key!r} (lines {first_line[key]} and {line})")
        first_line[key] = line
        label, description = cell("label"), cell("description")
        if not label and not description:
            fail(f"line {line}: theme {key!r} has neither label nor description")
        keywords = tuple(k.strip() for k in cell("keywords").split(";") if k.strip())
        themes.append(Theme(key, label, description, keywords))
    if not themes:
        fail("no themes: the file has a header and no rows")
    stem = path.stem.strip()
    if not stem:
        fail("the file name has no stem to name the codebook by")
    return Codebook(stem, tuple(themes))


# -- scoring ---------------------------------------------------------------------
def centred(finding_vecs: np.ndarray, theme_vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both sets minus the findings' mean vector, each row normalised again."""
    mean = finding_vecs.mean(axis=0, keepdims=True)

    def unit(m: np.ndarray) -> np.ndarray:
        m = m - mean
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        return m / np.where(norms > 0, norms, 1.0)

    return unit(finding_vecs.astype(np.float64)), unit(theme_vecs.astype(np.float64))


def meaning_similarity(finding_vecs: np.ndarray, theme_vecs: np.ndarray) -> np.ndarray:
    """Cosine of the centred E5 vectors, findings x themes."""
    f, t = centred(finding_vecs, theme_vecs)
    return f @ t.T


def word_similarity(finding_texts: list[str], theme_texts: list[str], vectorizer=None) -> np.ndarray:
    """Cosine of the lexical vectors (lemmas, compound parts, character
    n-grams), fitted on the findings and the themes together, findings x themes."""
    from .features import FindingVectorizer

    vec = vectorizer or FindingVectorizer(domain_view=False)
    vec.fit(list(finding_texts) + list(theme_texts))
    f = vec.transform(list(finding_texts))
    t = vec.transform(list(theme_texts))
    return np.asarray((f @ t.T).todense(), dtype=np.float64)


def standardised(m: np.ndarray) -> np.ndarray:
    """``m`` over all its cells: mean 0, standard deviation 1 (0 where all are equal)."""
    if m.size == 0:
        return m
    sd = m.std()
    return (m - m.mean()) / sd if sd > 0 else np.zeros_like(m)


def similarities(meaning: np.ndarray | None, words: np.ndarray | None,
                 weight: float = MEANING_WEIGHT) -> np.ndarray:
    """The joined score, findings x themes: each view standardised, then
    ``weight`` x meaning + (1 - weight) x words. Either view may be None
    (the other alone, as the baselines of ``tools/evaluate_codebook.py``)."""
    if meaning is None and words is None:
        raise ValueError("similarities needs the meaning, the words, or both")
    if words is None:
        return standardised(meaning)
    if meaning is None:
        return standardised(words)
    return weight * standardised(meaning) + (1.0 - weight) * standardised(words)


def assign(scores: np.ndarray, codebook: Codebook, min_margin: float = MIN_MARGIN,
           min_score: float = MIN_SCORE) -> list[tuple[str | None, float]]:
    """(theme key or None, score) per finding, from the joined scores
    (findings x themes, in the codebook's order). The best theme, when it
    stands ``min_margin`` above the median theme and ``min_score`` above a
    typical pair; else None, with the best score (how near the nearest came).
    Ties go to the theme listed first in the codebook."""
    keys = codebook.keys
    if scores.shape[1] != len(keys):
        raise ValueError(f"scores for {scores.shape[1]} themes, codebook has {len(keys)}")
    out: list[tuple[str | None, float]] = []
    for row in scores:
        best = int(np.argmax(row))  # the first of equal maxima: the codebook's order
        margin = row[best] - float(np.median(row))
        fits = margin >= min_margin and row[best] >= min_score
        out.append((keys[best] if fits else None, round(float(row[best]), 4)))
    return out


def score_codebook(finding_vecs: np.ndarray, finding_texts: list[str], codebook: Codebook,
                   encoder=None, weight: float = MEANING_WEIGHT) -> np.ndarray:
    """The joined scores of findings (their stored vectors and texts) against a codebook."""
    from .vectors import text_vectors

    theme_texts = [t.text() for t in codebook.themes]
    meaning = meaning_similarity(finding_vecs, text_vectors(theme_texts, encoder))
    words = word_similarity(finding_texts, theme_texts)
    return similarities(meaning, words, weight)


# -- the database ------------------------------------------------------------------
@dataclass
class ApplySummary:
    codebook: str
    themes: int  # themes of the codebook
    assigned: int  # findings given a theme
    unassigned: int  # findings given none
    themes_used: int  # themes given at least one finding
    replaced: bool  # the codebook had been applied before

    @property
    def findings(self) -> int:
        return self.assigned + self.unassigned


def apply_codebook(db, path: str | Path, encoder=None) -> ApplySummary:
    """Read the codebook at ``path`` and code every finding of ``db`` with it;
    its earlier rows (same name) are replaced in one transaction. A bad
    codebook raises :class:`CodebookError` before anything is written."""
    from .vectors import finding_vectors

    codebook = read_codebook(path)
    findings = store.findings_for_codebook(db)
    ids = [f["id"] for f in findings]
    if findings:
        vecs = finding_vectors(db, ids, encoder)
        coded = assign(score_codebook(vecs, [f["text"] for f in findings], codebook, encoder), codebook)
    else:
        coded = []
    replaced = store.codebook_exists(db, codebook.name)
    store.save_codebook(
        db, codebook.name,
        [{"theme": t.key, "label": t.label, "description": t.description, "keywords": ";".join(t.keywords)}
         for t in codebook.themes],
        [(fid, theme, score) for fid, (theme, score) in zip(ids, coded)])
    used = {theme for theme, _ in coded if theme is not None}
    assigned = sum(theme is not None for theme, _ in coded)
    return ApplySummary(codebook.name, len(codebook.themes), assigned, len(coded) - assigned, len(used), replaced)


def nearest_name(name: str, names: list[str]) -> str | None:
    """The existing codebook name nearest to ``name``, if any is near (a typo, another case)."""
    import difflib

    by_lower = {n.lower(): n for n in names}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.5)
    return by_lower[close[0]] if close else None


__all__ = ["ApplySummary", "Codebook", "CodebookError", "Theme", "apply_codebook", "assign", "centred",
           "meaning_similarity", "nearest_name", "read_codebook", "score_codebook", "similarities",
           "standardised", "word_similarity"]
