"""Read a PDF report into the neutral :class:`~pipeline.document.Document`.

A PDF has no paragraphs, lists or tables, only glyphs and drawings placed on
pages. Reports come from many producers (Word, LibreOffice, browsers,
typesetting libraries), so nothing here is fitted to one of them: every rule
reads the layout (positions, sizes, boldness, whitespace, rules, small drawn
shapes) and compares a page with the rest of the same document.

The reader is a pipeline of small stages over plain dataclasses
(:mod:`.model`), each testable on hand-made pages:

* :mod:`.backend`: pypdfium2 -> words, ruling segments, small filled shapes;
* :mod:`.lines`: drawn bullets -> marker words; words -> lines;
* :mod:`.ruled`: rules -> ruled tables (pdfplumber's lines strategy);
* :mod:`.borderless`: whitespace gutters -> tables without rules;
* :mod:`.furniture`: running headers and footers;
* :mod:`.lists`, :mod:`.paragraphs`: markers, paragraphs, hyphenation;
* :mod:`.flow`: reading order, tables across pages;
* :mod:`.tagged`: a tagged PDF's structure tree -> blocks, on the pages
  where the tags can be trusted;
* :mod:`.layout`: runs them and keeps every page's intermediate results
  (:class:`~.layout.PageLayout`); :mod:`.debug` draws them.

What the reader could not read (scanned pages, rotated text) becomes
:class:`~pipeline.document.ReaderNote` objects on the document, and flags on
the report.

Tolerances are named in :class:`PdfSettings`. Errors are
:class:`~pipeline.document.ReadError`: "encrypted PDF (password protected)",
"not a readable PDF: <reason>", "no text layer (scanned PDF?) and Tesseract is not
installed: apt-get install ...". Scanned pages are read by OCR (:mod:`.ocr`).
A missing file raises FileNotFoundError.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ...flags import Code
from ...document import Document, Origin, ReadError, ReaderNote, ReadProgress
from .layout import Layout, PageLayout, analyse, layout_pages
from .lines import group_lines, words_from_chars
from .model import Edge, PageContent, RuledTable, Shape, Word
from .paragraphs import join_lines
from .furniture import is_page_number
from .settings import OcrSettings, PdfSettings

__all__ = [
    "Edge", "Layout", "OcrSettings", "PageContent", "PageLayout", "PdfSettings", "RuledTable", "Shape", "Word",
    "analyse", "analyse_pdf", "group_lines", "is_page_number", "join_lines", "layout_pages", "read_pdf",
    "words_from_chars",
]


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ReadError(f"not a readable PDF: {exc.strerror or exc}") from exc


def analyse_pdf(path: str | Path, settings: PdfSettings | dict | None = None,
                pages: list[int] | None = None) -> Layout:
    """Every stage's results for a PDF (or for some of its pages, 1-based)."""
    from .backend import read_pages

    st = PdfSettings.resolve(settings)
    contents = read_pages(_read_bytes(Path(path)), st)
    if pages is not None:
        contents = [p for p in contents if p.number in set(pages)]
    return analyse(contents, st)


def read_pdf(path: str | Path, settings: PdfSettings | dict | None = None,
             progress: ReadProgress | None = None) -> Document:
    """Read one PDF report. Raises ReadError for encrypted, corrupt or
    text-less (scanned) files; FileNotFoundError when the path does not exist.
    ``progress`` is told of the pages OCR reads."""
    from .backend import read_pages

    st = PdfSettings.resolve(settings)
    path = Path(path)
    data = _read_bytes(path)
    sha = hashlib.sha256(data).hexdigest()
    pages = read_pages(data, st, progress)
    if not any(p.words for p in pages):
        from .ocr import INSTALL_HINT, tesseract_missing

        if any(p.text_layer_doubt for p in pages):
            missing = tesseract_missing(st.recognition.language) if st.ocr else None
            why = ("Tesseract is not installed or has no Swedish model: " + INSTALL_HINT if missing
                   else "OCR is switched off" if not st.ocr else "OCR found no text either")
            first = next(p for p in pages if p.text_layer_doubt)
            raise ReadError(f"the text layer does not read as text (page {first.number}: "
                            f"{first.text_layer_doubt.split('(', 1)[-1].rstrip(')')}) and {why}")
        scans = any(p.image_share >= st.scan_image_share for p in pages)
        missing = tesseract_missing(st.recognition.language) if scans and st.ocr else None
        if missing:
            raise ReadError(missing)
        if scans and st.ocr:
            raise ReadError("no text found, not even by OCR (blank or image-only pages)")
        raise ReadError("no text layer (scanned PDF?)" + ("" if st.ocr else "; OCR is switched off"))
    layout = analyse(pages, st)
    reader = layout.reader
    if any(p.ocr for p in pages):
        # every text page by OCR, or the born-digital pages by layout (or tags) and the scans by OCR
        reader = "pdf-ocr" if all(p.ocr for p in pages if p.words) else f"{reader}+ocr"
    return Document(Origin(str(path), "pdf", sha, pages=len(pages), reader=reader), layout.blocks,
                    notes=reader_notes(layout, st), furniture=layout.furniture)
#: Tesseract's language codes as the OCR flag names them
_LANGUAGES = {"swe": "Swedish", "eng": "English"}

#: this many words at an angle on one page are more than a caption or a stamp
#: (a rotated table, say): a warning, not a note
ROTATED_WARN_WORDS = 30


def _pages(numbers: list[int]) -> str:
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(map(str, numbers))


def reader_notes(layout: Layout, st: PdfSettings | None = None) -> list[ReaderNote]:
    """What the reader could not read, read by OCR or had to guess, for the report's flags."""
    from .ocr import tesseract_missing

    st = st or PdfSettings()
    notes: list[ReaderNote] = []
    pages = [pl.page for pl in layout.pages]
    last = max((p.number for p in pages), default=0)
    scanned = [p.number for p in pages if not p.words and p.image_share >= st.scan_image_share]
    inner = [n for n in scanned if 1 < n < last]
    if inner:
        if not st.ocr:
            why = "OCR is switched off"
        else:
            missing = tesseract_missing(st.recognition.language)
            why = missing.split(" and ", 1)[-1] if missing else "OCR found no text on them"
        notes.append(ReaderNote("warning", Code.PAGES_WITHOUT_TEXT,
                                f"{_pages(inner)} are images without text (scanned?): their content is not read "
                                f"({why})"))
    repaired = [p.number for p in pages if p.glyphs_repaired]
    if repaired:
        notes.append(ReaderNote("info", Code.GLYPHS_REPAIRED,
                                f"{sum(p.glyphs_repaired for p in pages)} words on {_pages(repaired)} had ligatures "
                                "mapped to the wrong code points (UTF-16 bytes swapped, as Ghostscript writes them): "
                                "repaired"))
    decoded = [p for p in pages if p.decoded_words]
    if decoded:
        from_ocr = sum(p.decoded_from_ocr for p in decoded)
        notes.append(ReaderNote("info", Code.TEXT_LAYER_DECODED,
                                f"the text layer of {_pages([p.number for p in decoded])} maps its glyphs to other "
                                "letters (a font without its Unicode map, as a print to PostScript and back leaves "
                                "it): read with the letters OCR read at the same places, glyph by glyph"
                                + (f"; {from_ocr} of its {sum(p.decoded_words for p in decoded)} words, with a glyph "
                                   "too rare to tell, as OCR read them" if from_ocr else "")))
    unrepaired = [p for p in pages if p.glyphs_unrepaired]
    if unrepaired:
        words = [w for p in unrepaired for w in p.glyphs_unrepaired]
        notes.append(ReaderNote("warning", Code.GLYPHS_UNREPAIRED,
                                f"{len(words)} words on {_pages([p.number for p in unrepaired])} hold glyphs with no "
                                f"text (private use area, U+FFFD, control characters), stored as the PDF gives them: "
                                f"{', '.join(repr(w) for w in words[:3])}{' …' if len(words) > 3 else ''}"))
    dropped = [p.number for p in pages if p.text_layer_doubt and not p.ocr]
    if dropped:
        why = "OCR is switched off" if not st.ocr else (tesseract_missing(st.recognition.language) or "OCR found no text on them")
        notes.append(ReaderNote("warning", Code.TEXT_LAYER_UNREADABLE,
                                f"{_pages(dropped)} have a text layer that does not read as text (a print round trip "
                                f"that lost the fonts' Unicode?): their content is not read ({why})"))
    ocr = [p for p in pages if p.ocr]
    if ocr:
        confs = [p.ocr_confidence for p in ocr if p.ocr_confidence is not None]
        mean = sum(confs) / len(confs) if confs else 0.0
        turned = [f"page {p.number} by {p.ocr_skew:+.1f}°" for p in ocr if p.ocr_skew]
        upright = [f"page {p.number} by {p.ocr_turned}°" for p in ocr if p.ocr_turned]
        layer = [p for p in ocr if p.text_layer_doubt]
        language = _LANGUAGES.get(st.recognition.language, st.recognition.language)
        dpi = st.recognition.dpi
        notes.append(ReaderNote("warning", Code.OCR,
                                f"{_pages([p.number for p in ocr])} read by OCR (Tesseract, {language}, {dpi} dpi): "
                                f"mean word confidence {mean:.1f} of 100"
                                + (f"; {_pages([p.number for p in layer])} by OCR instead of a text layer that does "
                                   f"not read as text (on page {layer[0].number}: "
                                   f"{layer[0].text_layer_doubt.split('(', 1)[-1].rstrip(')')})" if layer else "")
                                + (f"; scanned sideways or upside down, turned upright (clockwise): {', '.join(upright)}"
                                   if upright else "")
                                + (f"; scanned askew, straightened: {', '.join(turned)}" if turned else "")
                                + ". Machine-read text: check numbers against the sums flagged"))
        low = [p.number for p in ocr if p.ocr_confidence is not None and p.ocr_confidence < st.ocr_low_confidence
               and len(p.words) >= st.recognition.page_confidence_min_words]
        if low:
            notes.append(ReaderNote("warning", Code.OCR_LOW_CONFIDENCE,
                                    f"{_pages(low)} recognised with low confidence (mean below {st.ocr_low_confidence:g}): "
                                    "their text may be misread"))
    over = [p for p in pages if p.over_bounds]
    if over:
        notes.append(ReaderNote("warning", Code.PAGES_OVER_BOUNDS,
                                f"{_pages([p.number for p in over])} not read: "
                                + "; ".join(sorted({p.over_bounds for p in over}))))
    rotated = [(p.number, p.rotated_words) for p in pages if p.rotated_words]
    if rotated:
        many = any(n >= ROTATED_WARN_WORDS for _, n in rotated)
        notes.append(ReaderNote("warning" if many else "info", Code.ROTATED_TEXT_NOT_READ,
                                f"{sum(n for _, n in rotated)} words set at an angle on "
                                f"{_pages([p for p, _ in rotated])} are not read"
                                + (" (a rotated table?)" if many else " (captions, stamps)")))
    if layout.reader == "pdf-tags+layout":
        by_layout = [pl.page.number for pl in layout.pages if pl.page.words and not pl.tagged]
        notes.append(ReaderNote("info", Code.TAGS_PARTLY_USED,
                                f"a tagged PDF whose tags leave text out or are too coarse on {_pages(by_layout)}: "
                                "those pages are read by layout analysis"))
    return notes
