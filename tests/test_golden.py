"""The document model as a contract: every fixture's reading equals its
golden document (tests/golden/, written by tools/write_golden.py), and a
document survives JSON unchanged. A reader change shows up here as the
blocks that changed; when it is meant, run tools/write_golden.py and read
the diff."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from pipeline.document import Document

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.write_golden import GOLDEN, fixtures, golden_path, reading  # noqa: E402

FIXTURES = fixtures()


def _block_diff(got: str, want: str) -> str:
    """Where two JSON Lines documents first differ, for the failure's message."""
    g, w = got.splitlines(), want.splitlines()
    for k, (a, b) in enumerate(zip(g, w)):
        if a != b:
            return f"line {k + 1} (block {k}):\n  got  {a[:300]}\n  want {b[:300]}"
    return f"{len(g)} lines read, {len(w)} in the golden file"


def test_every_fixture_has_a_golden_document_and_no_golden_document_is_stale():
    assert len(FIXTURES) >= 20
    assert {p.name for p in GOLDEN.glob("*.jsonl")} == {golden_path(f).name for f in FIXTURES}
    # the samples' PDF and Word files are the fixtures' (conftest's extracted() relies on it)
    for fmt in ("pdf", "docx"):
        for stem in ("torsas-2017", "torsas-2021"):
            digest = [hashlib.sha256(p.read_bytes()).hexdigest()
                      for p in (ROOT / "raw_reports" / f"{stem}.{fmt}", ROOT / "tests" / "fixtures" / f"{stem}.{fmt}")]
            assert digest[0] == digest[1], stem


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_fixture_reads_as_its_golden_document(fixture):
    want = golden_path(fixture).read_text(encoding="utf-8")
    got = reading(fixture)
    assert got == want, f"{fixture.name}: {_block_diff(got, want)}; if meant, run tools/write_golden.py"


@pytest.mark.parametrize("fixture", FIXTURES[::4], ids=lambda p: p.name)
def test_a_document_survives_json_unchanged(fixture):
    text = golden_path(fixture).read_text(encoding="utf-8")
    doc = Document.from_json_lines(text)
    assert doc.to_json_lines() == text
    assert Document.from_dict(json.loads(json.dumps(doc.to_dict()))) == doc
    assert len(doc.blocks) > 50 and doc.origin.format in ("pdf", "docx", "txt")


def _golden(name: str) -> Document:
    return Document.from_json_lines((GOLDEN / name).read_text(encoding="utf-8"))


def test_a_block_keeps_the_place_of_every_part_and_the_furniture_stays_apart():
    doc = _golden("tests__fixtures__producers__torsas-2021-fpdf2.pdf.jsonl")
    para = next(b for b in doc.blocks if b.kind == "paragraph"
                and b.text.startswith("Kommunikationsstrategin är det grundläggande"))
    (start, rest), = [para.locations]
    assert (start.page, rest.page) == (5, 6) and rest.bbox[1] < start.bbox[1]  # goes on at the next page's top
    # every part is after the one before: a later page, or higher up on the same page (the next column)
    for golden in GOLDEN.glob("*.pdf.jsonl"):
        for b in Document.from_json_lines(golden.read_text(encoding="utf-8")).blocks:
            for a, c in zip(b.locations, b.locations[1:]):
                assert c.page > a.page or (c.page == a.page and c.bbox[1] < a.bbox[1]), (golden.name, b)
    # a score table stitched over a page break: both pages
    table = next(b for b in _golden("tests__fixtures__torsas-2021.pdf.jsonl").blocks
                 if b.kind == "table" and b.continued and b.row_texts()[0][:1] == ["5."])
    assert [loc.page for loc in table.locations] == [24, 25]
    # the footer of each page but the cover, kept apart from the body
    footers = {p.page: p.text for p in doc.furniture if p.text.startswith("Sida ")}
    assert footers == {n: f"Sida {n} av 26" for n in range(2, 27)}
    body = " ".join(b.text for b in doc.text_blocks())
    assert "Sida 12 av 26" not in body and "Sida 12 av 26" in footers.values()
    word = _golden("tests__fixtures__torsas-2021.docx.jsonl")
    assert [p.text for p in word.furniture] == ["Sveriges Kommuner och Regioner", "1 (25)"]
