"""Scanned pages: words recognised by Tesseract, fed to the same layout analysis.

A page without a text layer whose image covers most of it (a scan) is
rendered (``OcrSettings.dpi``) and recognised by Tesseract's Swedish model. Its
hOCR output gives each line's baseline and size and each word's box and
confidence; they become the same :class:`~.model.Word` objects a born-digital
page gives, so everything after (lines, tables, paragraphs, headings) is the
one layout analysis, never a second extraction path.

* **Boxes.** A word's top and bottom are its line's (baseline minus the
  ascent, plus the descent), as a text layer gives them: one height per line,
  whatever letters the word has, so that the words of a line stay on it.
* **Size.** From the line's x-height (Tesseract's ``x_size`` less its
  ``x_ascenders``), which does not change with the letters a line happens to
  have: its ``x_size`` grows by a tenth on a line with "å" or "j", enough to
  make a wrapped line a heading. ``OcrSettings.x_height_per_point`` turns it into
  points (11 pt sans serif: 35 px at 300 dpi).
* **Orientation.** A page that reads as noise, or whose words stand on end,
  is turned upright by Tesseract's orientation detection and read again.
* **Deskew.** A page laid askew by ``OcrSettings.image_deskew_min_degrees`` or more
  is turned straight before recognition (its angle from its ink's row
  profile). A smaller slope is taken out afterwards: the baselines' median
  slope gives it, and every word's position is turned back about the page's
  centre.
* **Numbers read again.** Page recognition fails most on the short numbers
  in a table's cells (a lone digit skipped, or read "38" for 8). Each short
  number, and each ruled cell with ink but no word, is cropped close to its
  ink and read again by the English and the Swedish model; the number two of
  the three readings agree on is taken (:mod:`.numbers`).
* **Confidence.** Each word keeps Tesseract's confidence (0-100); the
  document notes the mean per page, and a paragraph whose words are on
  average below ``PdfSettings.ocr_low_confidence`` is marked ``ocr_low_confidence``.

Tesseract runs as a program (``tesseract``, Debian packages ``tesseract-ocr``
and ``tesseract-ocr-swe``), one process per page, the pages in parallel on
every core with one thread each.

The package is in layers, each importing only those before it:
:mod:`.engine` (running Tesseract, hOCR), :mod:`.image` (rendering, angle,
rules, blobs), :mod:`.words` (boxes in points, sizes, confidences) and
:mod:`.numbers` (the second readings of numbers), :mod:`.pages` (a PDF's
pages, in parallel). Progress goes through the caller's
:class:`~pipeline.document.ReadProgress`, never through module state. The
generic layout analysis does not import this package.
"""

from .engine import INSTALL_HINT, tesseract_missing
from .pages import ocr_pages, recognise_pages
from .words import PageOcr, page_words

__all__ = ["INSTALL_HINT", "PageOcr", "ocr_pages", "page_words", "recognise_pages", "tesseract_missing"]
