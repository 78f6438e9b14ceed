"""A scanned page fed sideways: turned upright by Tesseract's orientation
detection before it is read (its own file: the OCR tests run in parallel)."""

from __future__ import annotations

import difflib
from pathlib import Path

from pipeline.readers.pdf import read_pdf

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCANS = FIXTURES / "scans"


def test_a_page_fed_sideways_is_turned_upright_and_read_as_a_landscape_page(tesseract, tmp_path):
    """Area 1's scanned page as a sheet fed sideways: a landscape page whose
    image holds the text turned a quarter. Tesseract's orientation detection
    turns it upright; it reads as the upright scan does, and the report says
    it was turned."""
    import io

    import pypdfium2 as pdfium

    upright = SCANS / "torsas-2017-p4-scan.pdf"
    page = pdfium.PdfDocument(upright)[0]
    image = page.render(scale=250 / 72, grayscale=True).to_pil().convert("L").rotate(90, expand=True)
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=85)
    pdf = pdfium.PdfDocument.new()
    width, height = page.get_size()
    sideways = pdf.new_page(height, width)
    img = pdfium.PdfImage.new(pdf)
    img.load_jpeg(io.BytesIO(buf.getvalue()), inline=False)
    img.set_matrix(pdfium.PdfMatrix().scale(height, width))
    sideways.insert_obj(img)
    sideways.gen_content()
    path = tmp_path / "sideways.pdf"
    pdf.save(path)

    got = read_pdf(path)
    text = "\n".join(b.text for b in got.blocks if hasattr(b, "text"))
    digital = read_pdf(FIXTURES / "torsas-2017.pdf")
    want = "\n".join(b.text for b in digital.blocks if hasattr(b, "text") and b.page == 4)
    assert difflib.SequenceMatcher(None, text, want).ratio() > 0.9
    assert "Område 1 Offentlighet och demokrati" in text
    (ocr,) = [n for n in got.notes if n.code == "ocr"]
    assert "turned upright (clockwise): page 1 by 90°" in ocr.message
