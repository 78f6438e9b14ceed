"""Pages of the scan corpus's development material
(``tools/make_scan_corpus.py --crossings``), one per failure a scanner fault
showed: each reads as its born-digital page does (its own file: the OCR
tests run in parallel)."""

from __future__ import annotations

from pathlib import Path

from pipeline.document import Heading, Paragraph, Table
from pipeline.extract.tables import read_overview
from pipeline.readers.pdf import read_pdf

SCANS = Path(__file__).resolve().parent / "fixtures" / "scans"


def _overview_rows(path: Path) -> dict[str, tuple]:
    return {r.number: (r.score, r.max) for b in read_pdf(path).blocks if isinstance(b, Table)
            if (ov := read_overview(b)) for r in ov.rows if r.number}


def test_a_ruled_score_table_scanned_at_150_dpi_keeps_its_faint_rules_and_every_score(tesseract):
    """Page 11 of a LibreOffice report with ruled score tables, scanned at
    150 dpi in colour (JPEG): the hairlines between the cells are grey, half
    their pixels lighter than the ink level, and found there they fell apart;
    the cells ran together, their lone numbers were neither read again nor
    looked for as ink no word covers, and two rows' scores ran into one
    ("954" for 9 over 54). Every row reads as printed."""
    want = _overview_rows(SCANS / "olofstrom-2019-lo-ruled-p11.pdf")
    assert len(want) == 17 and all(score is not None for score, _ in want.values())
    assert _overview_rows(SCANS / "olofstrom-2019-lo-ruled-p11-150dpi-scan.pdf") == want


def _lists_after_labels(path: Path) -> dict[str, list[str]]:
    """The list items under each heading of a page."""
    out: dict[str, list[str]] = {}
    current = None
    for b in read_pdf(path).blocks:
        if isinstance(b, Heading):
            current = out.setdefault(b.text, [])
        elif isinstance(b, Paragraph) and b.list_marker and current is not None:
            current.append(b.text)
    return out


def test_a_scanner_lids_dark_border_is_no_text(tesseract):
    """Page 4 of a tagged LibreOffice report, 300 dpi colour JPEG with a lid's
    dark border along the top and right edges: Tesseract read letters in the
    border at the end of the "FÖRBÄTTRINGSOMRÅDEN" line, which was then no
    label, and the area's seven improvements were lost. With the ink touching
    the image's edges whited out, the page has the born-digital page's labels
    and lists."""
    want = _lists_after_labels(SCANS / "almhult-2018-lo-tagged-p4.pdf")
    got = _lists_after_labels(SCANS / "almhult-2018-lo-tagged-p4-border-scan.pdf")
    assert len(want["FÖRBÄTTRINGSOMRÅDEN"]) == 7
    assert {k: len(v) for k, v in got.items() if v} == {k: len(v) for k, v in want.items() if v}
