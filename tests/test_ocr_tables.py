"""A borderless score table scanned at 200 dpi with a little blur: Tesseract's
page segmentation passes over its narrow score column (header and numbers),
which the second look at ink no word covers must bring back, cell by cell
(its own file: the OCR tests run in parallel)."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.document import Table
from pipeline.readers.pdf import read_pdf

SCANS = Path(__file__).resolve().parent / "fixtures" / "scans"


def _rows(path: Path) -> list[list[str]]:
    return [[c.text for c in row] for b in read_pdf(path).blocks if isinstance(b, Table) for row in b.rows]


def test_a_borderless_score_table_scanned_keeps_its_score_column(tesseract):
    """Page 12 of a bench report (LibreOffice, tagged; four borderless score
    tables without rules), printed and scanned at 200 dpi grey with blur 0.5
    and 0.4 degrees askew: each question row has its number, score, max and
    per cent in their own cells as in the born-digital page, and each
    table's header names its score column."""
    digital = _rows(SCANS / "solvesborg-2016-p12.pdf")
    scan = _rows(SCANS / "solvesborg-2016-p12-scan.pdf")

    def questions(rows):
        return [(r[0], r[2:]) for r in rows if re.fullmatch(r"\d\.\d", r[0] if r else "")]

    assert len(questions(digital)) == 20
    assert questions(scan) == questions(digital)
    assert [r[2:] for r in scan if "Uppnått" in r] == [["Uppnått", "Max", "Procent"]] * 3
