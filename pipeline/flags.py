"""The flag codes kompass writes, in one registry (``data/flags.json``).

A flag says where a number was derived or the document disagrees with
itself (``flags`` table: report, severity, code, message). Every code is
registered once with the severities it is raised at, who raises it (a
reader, extraction, the store) and what it means; :func:`check` refuses an
unregistered code or severity, so a new flag cannot go undocumented. The
docs/flags.md's list of flags (:func:`markdown`, written by ``tools/write_docs.py``)
and the data dictionary are generated from it.

Imports nothing of the package: readers, extraction and the store use it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path

REGISTRY = Path(__file__).resolve().parent / "data" / "flags.json"


class Severity(str, Enum):
    ERROR = "error"  # a number or finding is missing or cannot be trusted
    WARNING = "warning"  # the document disagrees with itself; what was stored says how
    INFO = "info"  # something was derived rather than printed


class Doubt(str, Enum):
    """Why a finding may be misread (``findings.doubt``, comma-separated)."""

    STARTS_LOWERCASE = "starts_lowercase"
    ENDS_OPEN = "ends_open"
    MAY_JOIN_TWO = "may_join_two"
    MAY_BE_PART = "may_be_part"
    OCR_LOW_CONFIDENCE = "ocr_low_confidence"
    LOOKS_LIKE_FURNITURE = "looks_like_furniture"
    MAY_CROSS_COLUMNS = "may_cross_columns"


@dataclass(frozen=True)
class FlagCode:
    code: str
    #: the severities it is raised at (most codes one; a few by how much is lost)
    severities: tuple[Severity, ...]
    #: "reader", "extraction" or "store"
    by: str
    meaning: str


@cache
def registry() -> dict[str, FlagCode]:
    """Every registered flag code, in the registry's order."""
    data = json.loads(REGISTRY.read_text(encoding="utf-8"))
    out: dict[str, FlagCode] = {}
    for entry in data["flags"]:
        code = FlagCode(entry["code"], tuple(Severity(s) for s in entry["severity"]), entry["by"], entry["meaning"])
        if code.code in out:
            raise ValueError(f"{REGISTRY}: flag code {code.code!r} registered twice")
        out[code.code] = code
    return out


def check(severity: Severity | str, code: str) -> str:
    """``severity`` as a string, after checking that ``code`` is registered at
    that severity (a ValueError names what is wrong: a programming error)."""
    entry = registry().get(str(code))
    if entry is None:
        raise ValueError(f"flag code {code!r} is not registered in {REGISTRY.name}")
    sev = Severity(severity)
    if sev not in entry.severities:
        raise ValueError(f"flag code {code!r} is registered as {', '.join(s.value for s in entry.severities)}, "
                         f"not {sev.value}")
    return sev.value


class _Code(str, Enum):
    def __str__(self) -> str:
        return self.value


#: Every registered code as a member named after it in capitals
#: (``Code.AREA_SCORE_MISMATCH == "area_score_mismatch"``), made from the
#: registry: raise sites name a code through it, so the codes are written in
#: the registry alone and a misspelt one fails where it is named.
Code = _Code("Code", [(code.upper(), code) for code in registry()])


def markdown() -> str:
    """The table of flag codes of docs/flags.md."""
    lines = ["| code | severity | raised by | meaning |", "|---|---|---|---|"]
    for f in registry().values():
        lines.append(f"| `{f.code}` | {' or '.join(s.value for s in f.severities)} | {f.by} | {f.meaning} |")
    return "\n".join(lines)
