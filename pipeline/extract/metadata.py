"""Who, when and by whom: municipality, year, evaluators, printed total."""

from __future__ import annotations

import re
from collections import Counter

from .reference import Municipality, find_municipality, municipality_pattern, report_form

YEAR = r"(20[0-3]\d|199\d)"
EVALUATION_YEAR = [
    # "Utvärderingen av Torsås kommun genomfördes i oktober/november år 2017"
    re.compile(rf"utvärdering\w*\b[^.]{{0,120}}?genomfördes\b[^.]{{0,60}}?\b{YEAR}\b", re.IGNORECASE),
    # cover: "ANALYS AV TORSÅS KOMMUN 2021", "Kommunkompassen 2021"
    re.compile(rf"\b(?:kommuns?|stads?|gotland|kommunkompassen)\s*[-–:,]?\s*{YEAR}\b", re.IGNORECASE),
]
EVALUATORS = [
    re.compile(r"^(?:utvärderare|utvärderarna|utvärderingsteam(?:et)?)\s*(?:var|är|:|–|-)\s*(.{3,200})$", re.IGNORECASE),
    re.compile(
        r"(?:utvärderingen|analysen|rapporten)\s+(?:har\s+)?(?:genomförts|gjorts|skrivits)\s+av\s+"
        r"([A-ZÅÄÖ][\w\-]+\s+[A-ZÅÄÖ][\w\-]+(?:\s*(?:,|och|samt)\s*[A-ZÅÄÖ][\w\-]+\s+[A-ZÅÄÖ][\w\-]+)*)",
    ),
]
# A total is a number of points above an area's maximum (no single area
# reaches it) and at most the report's: "Torsås kommun 2021- 499 poäng",
# "totalt 373 poäng", "373 av 800 poäng"; never the maximum a score is out
# of ("45 av 100 poäng").
_FORM = report_form()
TOTAL = re.compile(rf"(?<![\d.,])(?<!{_FORM.out_of_word}\s)(\d{{3}})\s*(?:{_FORM.out_of_word}\s+{_FORM.total_max}\s+)?"
                   rf"{_FORM.points_word}\b", re.IGNORECASE)


def find_municipality_in(texts: list[str]) -> tuple[Municipality | None, str | None, list[str]]:
    """The municipality the report is about: the one named most, the cover counting
    extra. Returns (match, name as printed, other names seen)."""
    pattern = municipality_pattern()
    votes: Counter = Counter()
    printed: dict[str, str] = {}
    for k, text in enumerate(texts):
        for m in pattern.finditer(text):
            name = m.group("name") or "Gotland"
            key = name.lower()
            votes[key] += 3 if k < 10 else 1
            printed.setdefault(key, m.group(0))
    if not votes:
        return None, None, []
    ranked = votes.most_common()
    key = ranked[0][0]
    return find_municipality(key), printed[key], [printed[k] for k, _ in ranked[1:]]


def find_year(texts: list[str]) -> tuple[int | None, str]:
    for how, pattern in zip(("evaluation date", "title"), EVALUATION_YEAR):
        for text in texts:
            m = pattern.search(text)
            if m:
                return int(m.group(1)), how
    return None, ""


def find_evaluators(texts: list[str]) -> str | None:
    for text in texts:
        for pattern in EVALUATORS:
            m = pattern.search(text)
            if m:
                return m.group(1).strip().rstrip(".")
    return None


def find_printed_totals(texts: list[str]) -> list[float]:
    return [float(m.group(1)) for t in texts for m in TOTAL.finditer(t)
            if _FORM.area_max < int(m.group(1)) <= _FORM.total_max]
