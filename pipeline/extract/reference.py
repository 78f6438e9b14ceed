"""Reference data shipped with the package: the municipality register, the
framework revisions' area sets (with the crosswalk of domains), and what every
revision's report has in common (:func:`report_form`: areas, maxima, labels,
section words), all in ``pipeline/data``."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .model import FindingKind


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    county_code: str
    county: str


@lru_cache(maxsize=1)
def municipalities() -> tuple[Municipality, ...]:
    text = resources.files("pipeline").joinpath("data/municipalities.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(Municipality(r["kommunkod"], r["kommun"], r["lanskod"], r["lan"]) for r in rows)


@lru_cache(maxsize=1)
def frameworks() -> dict:
    return json.loads(resources.files("pipeline").joinpath("data/frameworks.json").read_text("utf-8"))


@dataclass(frozen=True)
class ReportForm:
    """What every revision's report has in common (``frameworks.json``, "report")."""

    #: areas per report, and the points each is scored of
    areas: int
    area_max: int
    #: label (lower case) -> the kind of finding it announces ("strength", "improvement")
    finding_labels: dict[str, str]
    #: the word opening an area's heading ("Område 3 ...")
    area_heading_word: str
    #: the words of the box at the head of an area section ("Rubriker | Poäng")
    topics_word: str
    score_word: str
    #: the word a total or a score is printed with ("373 av 800 poäng") ...
    points_word: str
    #: ... its short form ("8 p"), "out of" ("8 av 10"), the word before a
    #: maximum ("8 p (max 10)") and "possible" ("58 poäng av 100 möjliga")
    points_short: str
    out_of_word: str
    max_word: str
    possible_word: str

    @property
    def total_max(self) -> int:
        return self.areas * self.area_max

    @property
    def area_numbers(self) -> range:
        return range(1, self.areas + 1)


@lru_cache(maxsize=1)
def report_form() -> ReportForm:
    data = frameworks()["report"]
    labels = {label: FindingKind(kind).value for kind, words in data["finding_labels"].items() for label in words}
    box = data["score_box_words"]
    return ReportForm(int(data["areas"]), int(data["area_max"]), labels, data["area_heading_word"],
                      box["topics"], box["score"], data["points_word"], data["points_short"], data["out_of_word"],
                      data["max_word"], data["possible_word"])


def revision_areas(revision: str) -> dict[int, dict]:
    return {int(k): v for k, v in frameworks()["revisions"][revision]["areas"].items()}


def domain_of(revision: str | None, number: int) -> str | None:
    if revision is None:
        return None
    return revision_areas(revision).get(number, {}).get("domain")


@lru_cache(maxsize=1)
def municipality_pattern() -> re.Pattern:
    """Matches a municipality's name as reports write it: "Torsås kommun(s)",
    "Helsingborgs stad", "Region Gotland", in any case."""
    names = sorted((m.name for m in municipalities()), key=len, reverse=True)
    alt = "|".join(re.escape(n) for n in names)
    return re.compile(
        rf"(?<![\wåäöÅÄÖ-])(?:(?P<name>{alt})s?\s+(?:kommuns?|stads?)\b|region\s+(?P<region>gotland)s?\b)",
        re.IGNORECASE,
    )


def find_municipality(name: str) -> Municipality | None:
    key = name.strip().lower()
    for m in municipalities():
        if m.name.lower() == key:
            return m
    return None
