"""Small text helpers shared by the extraction steps."""

from __future__ import annotations

import re
import unicodedata

from .reference import report_form

# Words that carry no distinguishing meaning in area and question titles.
_TITLE_STOP = {
    "och", "for", "för", "med", "samt", "som", "till", "av", "den", "det", "de", "i", "på", "om",
    "en", "ett", "hur", "kommunen", "kommunens", "finns", "sker", "vilket", "vilken", "är",
}

#: label (lower case) -> the kind of finding it announces: the framework data's
FINDING_LABELS = report_form().finding_labels

NUMBER = re.compile(r"^\s*(\d{1,3}(?:[.,]\d+)?)\s*(%?)\s*$")


#: a long label (ten letters or more) read with one letter wrong in six
#: ("FÖRBÄLTTRKRINGSOMRÅDEN", by OCR, is three letters off its 19) is still
#: the label; short ones ("Styrkor") must be exact
FUZZY_LABEL_MIN_LETTERS = 10
LABEL_LETTERS_PER_TYPO = 6


def finding_label(text: str) -> str | None:
    """The finding kind a label ("STYRKOR", "Förbättringsmöjligheter:") announces."""
    key = re.sub(r"[\s:.\-–]+$", "", text.strip()).lower()
    kind = FINDING_LABELS.get(key)
    if kind is not None or len(key) < FUZZY_LABEL_MIN_LETTERS or " " in key or len(key) > 30:
        return kind
    folded = _fold(key)  # OCR loses the dots and rings: "FORBATTRINGSOMRADEN"
    for label, kind in FINDING_LABELS.items():
        allowed = len(label) // LABEL_LETTERS_PER_TYPO if len(label) >= FUZZY_LABEL_MIN_LETTERS else 0
        if allowed and abs(len(label) - len(key)) <= allowed and _edits(folded, _fold(label)) <= allowed:
            return kind
    return None


def _fold(text: str) -> str:
    """Letters without their diacritics (å ä ö as a a o)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (letters inserted, deleted or changed)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def parse_number(text: str) -> tuple[float, bool] | None:
    """(value, is_percent) for a cell holding only a number ("45", "30%", "4,5")."""
    m = NUMBER.match(text or "")
    if not m:
        return None
    return float(m.group(1).replace(",", ".")), bool(m.group(2))


def stems(text: str) -> set[str]:
    words = re.findall(r"[a-zåäöéü]+", text.lower())
    return {w[:5] for w in words if w not in _TITLE_STOP and len(w) > 2}


def similarity(a: str, b: str) -> float:
    """Dice overlap of crude word stems; 1.0 for the same wording, robust to
    inflection and to one title being a rewording of the other."""
    sa, sb = stems(a), stems(b)
    if not sa or not sb:
        return 0.0
    return 2 * len(sa & sb) / (len(sa) + len(sb))


def num(value: float | None):
    """Show 45.0 as 45 in messages."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 1)
