"""Reference data shipped with the package: the municipality register and the
framework revisions' area sets (with the crosswalk of domains)."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


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
