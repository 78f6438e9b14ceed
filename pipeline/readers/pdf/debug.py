"""Draw what the layout stages found on one page, over the rendered page.

Like pdfplumber's ``PageImage.debug_tablefinder``: a user whose report came
out wrong can see which lines were read, how they were grouped, where the
tables and their cells are, which markers made list items and what was
dropped as running header or footer.

Colours: body lines blue; table cells green (ruled) or orange (borderless,
with the gutters hatched); list markers red (drawn bullets filled);
running headers/footers grey, crossed out; ruling segments thin purple.
"""

from __future__ import annotations

from pathlib import Path

from ...document import ReadError
from .layout import Layout, PageLayout, analyse
from .lists import find_marker
from .model import Grid, Line
from .settings import PdfSettings

#: rendering resolution: enough to read 9 pt text, small enough to open anywhere
DPI = 110

BLUE = (30, 90, 220)
GREEN = (20, 150, 60)
ORANGE = (235, 130, 0)
RED = (220, 30, 30)
GREY = (130, 130, 130)
PURPLE = (150, 60, 190)


def draw_page(pdf_path: str | Path, page_number: int, out: str | Path,
              settings: PdfSettings | dict | None = None) -> PageLayout:
    """Render page ``page_number`` (1-based) of ``pdf_path`` with the layout drawn on it as PNG ``out``.

    The whole document is analysed (running headers and tables across pages
    need the other pages); returns the page's :class:`PageLayout`."""
    from PIL import ImageDraw

    from . import _read_bytes
    from .backend import open_pdf, read_pages

    st = PdfSettings.resolve(settings)
    data = _read_bytes(Path(pdf_path))
    pages = read_pages(data, st)
    if not 1 <= page_number <= len(pages):
        raise ReadError(f"page {page_number} does not exist (the PDF has {len(pages)} pages)")
    layout: Layout = analyse(pages, st)
    pl = layout.pages[page_number - 1]

    pdf = open_pdf(data)
    try:
        image = pdf[page_number - 1].render(scale=DPI / 72).to_pil().convert("RGB")
    finally:
        pdf.close()
    k = DPI / 72
    draw = ImageDraw.Draw(image, "RGBA")

    def box(b, colour, width=1, fill=None):
        x0, top, x1, bottom = b
        draw.rectangle([x0 * k, top * k, x1 * k, bottom * k], outline=colour + (255,), width=width,
                       fill=(colour + (fill,)) if fill else None)

    for e in pl.page.edges:
        draw.line([e.x0 * k, e.top * k, e.x1 * k, e.bottom * k], fill=PURPLE + (160,), width=1)
    for line in pl.lines:
        _line(box, line, BLUE)
    for g in pl.grids:
        _grid(box, draw, g, k)
    for obj in pl.furniture:
        box(obj.bbox, GREY, 1, 60)
        x0, top, x1, bottom = obj.bbox
        draw.line([x0 * k, top * k, x1 * k, bottom * k], fill=GREY + (255,), width=1)
    for w in pl.bullets:
        box((w.x0, w.top, w.x1, w.bottom), RED, 2, 120)
    image.save(out)
    return pl


def _line(box, line: Line, colour) -> None:
    box(line.bbox, colour, 1)
    m = find_marker(line)
    if m is not None and not m.ambiguous:
        w = line.words[0]
        box((w.x0, w.top, w.x1, w.bottom), RED, 2)


def _grid(box, draw, g: Grid, k: float) -> None:
    colour = GREEN if g.ruled else ORANGE
    box(g.bbox, colour, 3)
    for gutter in g.gutters:
        draw.rectangle([gutter[0] * k, g.top * k, gutter[1] * k, g.bottom * k], fill=ORANGE + (50,))
    for row in g.rows:
        for cell in row:
            if cell.lines:
                on_page = [l for l in cell.lines if l.page == g.page]
                if on_page:
                    box((cell.x0, min(l.top for l in on_page), cell.x1, max(l.bottom for l in on_page)), colour, 1)
            for line in cell.lines:
                if line.page == g.page:
                    _line(box, line, BLUE)


__all__ = ["draw_page"]
