"""Shared fixtures: the sample reports in three formats and the reader's list of seed findings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw_reports"
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"

SEEDS = {2017: "torsas-2017", 2021: "torsas-2021"}
FORMATS = ("txt", "docx", "pdf")


def sample(year: int, fmt: str) -> Path:
    return RAW / f"{SEEDS[year]}.{fmt}"


@pytest.fixture(scope="session")
def expected_findings() -> dict[int, list[tuple[int, str, str]]]:
    """(area, kind, text) of every seed finding, in report order, as a careful reader took them."""
    data = json.loads((SHARED / "annotations" / "findings.json").read_text("utf-8"))
    out: dict[int, list] = {2017: [], 2021: []}
    for f in data:
        out[f["year"]].append((f["area"], f["kind"], f["text"]))
    return out


_cache: dict = {}


def golden_document(path: Path):
    """The golden document of a fixture (``tools/write_golden.py``): what its
    reader gives, without reading it (tests/test_golden.py checks that they agree)."""
    from pipeline.document import Document

    name = "__".join(path.resolve().relative_to(ROOT).parts) + ".jsonl"
    return Document.from_json_lines((ROOT / "tests" / "golden" / name).read_text("utf-8"))


def extracted(year: int, fmt: str):
    """One sample's document (its golden one) and report, once per test session."""
    key = (year, fmt)
    if key not in _cache:
        from pipeline.extract import extract_report

        # the samples' PDF and Word files are the fixtures' (same bytes)
        path = sample(year, fmt) if fmt == "txt" else FIXTURES / sample(year, fmt).name
        doc = golden_document(path)
        _cache[key] = (doc, extract_report(doc))
    return _cache[key]


@pytest.fixture(scope="session")
def linked(tmp_path_factory):
    """Torsås 2017 and 2021, and a second municipality (Emmaboda 2021: the 2021
    report renamed), ingested, with themes and follow-up links. Shared by the
    session: tests that change it work on a copy."""
    from pipeline.ingest import ingest
    from pipeline.nlp.links import update_links
    from pipeline.nlp.update import update_themes
    from pipeline.store import open_db

    base = tmp_path_factory.mktemp("links")
    other = base / "emmaboda-2021.txt"
    other.write_text(sample(2021, "txt").read_text("utf-8").replace("Torsås", "Emmaboda"), "utf-8")
    db_path = base / "k.db"
    ingest([sample(2017, "txt"), sample(2021, "txt"), other], db_path, None)
    db = open_db(db_path)
    update_themes(db, base / "models")
    update = update_links(db)
    db.close()
    return {"db": db_path, "base": base, "update": update, "other": other}


#: set by .ci/run, where Tesseract is installed: a missing Tesseract fails there
REQUIRE_OCR = os.environ.get("KOMPASS_REQUIRE_OCR") == "1"


@pytest.fixture(scope="session")
def tesseract():
    from pipeline.readers.pdf.ocr import tesseract_missing

    missing = tesseract_missing()
    if missing:
        if REQUIRE_OCR:
            pytest.fail(missing)
        pytest.skip(missing)
