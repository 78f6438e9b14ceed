"""What the PDF reader cannot read is said, not dropped silently: a scanned
page inside a born-digital report, and text set at an angle, become notes on
the document and flags on the report. The PDFs are edited copies of the Word
rendition's PDF, made with PDFium's own editing API."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
from PIL import Image

from pipeline.extract import extract_report
from pipeline.readers.pdf import read_pdf

FIX = Path(__file__).resolve().parent / "fixtures"


def _image_page(pdf: pdfium.PdfDocument, index: int) -> None:
    """Insert a page that is one grey picture covering the whole page (a scan)."""
    w, h = 595, 842
    page = pdf.new_page(w, h, index=index)
    img = pdfium.PdfImage.new(pdf)
    img.set_bitmap(pdfium.PdfBitmap.from_pil(Image.new("RGB", (60, 85), (200, 200, 200))))
    img.set_matrix(pdfium.PdfMatrix().scale(w, h))
    page.insert_obj(img)
    page.gen_content()


def _rotated_text_page(pdf: pdfium.PdfDocument, index: int, words: int) -> None:
    page = pdf.new_page(595, 842, index=index)
    font = raw.FPDFText_LoadStandardFont(pdf, b"Helvetica")
    for i in range(words):
        obj = raw.FPDFPageObj_CreateTextObj(pdf, font, 10.0)
        text = f"ord{i}\0".encode("utf-16-le")
        raw.FPDFText_SetText(obj, ctypes.cast(ctypes.c_char_p(text), ctypes.POINTER(ctypes.c_ushort)))
        # rotated by 90 degrees, one word per column
        raw.FPDFPageObj_Transform(obj, 0, 1, -1, 0, 100 + 12 * i, 400)
        raw.FPDFPage_InsertObject(page, obj)
    page.gen_content()


def test_a_scanned_page_inside_a_report_is_flagged(tmp_path):
    pdf = pdfium.PdfDocument(FIX / "torsas-2017.pdf")
    _image_page(pdf, 3)
    out = tmp_path / "mixed.pdf"
    pdf.save(out)
    doc = read_pdf(out)
    notes = {n.code: n for n in doc.notes}
    assert notes["pages_without_text"].severity == "warning"
    assert "page 4 " in notes["pages_without_text"].message
    assert "ocr" not in notes  # a grey picture: OCR (where installed) finds nothing
    report = extract_report(doc)
    assert ("warning", "pages_without_text") in {(f.severity, f.code) for f in report.flags}
    assert report.total_score == 373.0  # the rest is read as before


def test_a_blank_page_is_not_a_scan(tmp_path):
    pdf = pdfium.PdfDocument(FIX / "torsas-2017.pdf")
    pdf.new_page(595, 842, index=3)
    out = tmp_path / "blank.pdf"
    pdf.save(out)
    assert [n.code for n in read_pdf(out).notes] == []


def test_rotated_text_is_reported(tmp_path):
    pdf = pdfium.PdfDocument(FIX / "torsas-2017.pdf")
    _rotated_text_page(pdf, 2, 40)
    out = tmp_path / "rotated.pdf"
    pdf.save(out)
    notes = {n.code: n for n in read_pdf(out).notes}
    assert notes["rotated_text_not_read"].severity == "warning"
    assert notes["rotated_text_not_read"].message.startswith("40 words set at an angle on page 3 ")
