"""Scanned pages: words recognised by Tesseract, fed to the same layout analysis.

A page without a text layer whose image covers most of it (a scan) is
rendered (:data:`OCR_DPI`) and recognised by Tesseract's Swedish model. Its
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
  make a wrapped line a heading. :data:`X_HEIGHT_PER_POINT` turns it into
  points (11 pt sans serif: 35 px at 300 dpi).
* **Orientation.** A page that reads as noise, or whose words stand on end,
  is turned upright by Tesseract's orientation detection and read again.
* **Deskew.** A page laid askew by :data:`IMAGE_DESKEW_MIN_DEGREES` or more
  is turned straight before recognition (its angle from its ink's row
  profile). A smaller slope is taken out afterwards: the baselines' median
  slope gives it, and every word's position is turned back about the page's
  centre.
* **Numbers read again.** Page recognition fails most on the short numbers
  in a table's cells (a lone digit skipped, or read "38" for 8). Each short
  number, and each ruled cell with ink but no word, is cropped close to its
  ink and read again by the English and the Swedish model; the number two of
  the three readings agree on is taken (:mod:`.ocr_numbers`).
* **Confidence.** Each word keeps Tesseract's confidence (0-100); the
  document notes the mean per page, and a paragraph whose words are on
  average below :data:`LOW_CONFIDENCE` is marked ``ocr_low_confidence``.

Tesseract runs as a program (``tesseract``, Debian packages ``tesseract-ocr``
and ``tesseract-ocr-swe``), one process per page, the pages in parallel on
every core with one thread each.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import statistics
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable
from xml.etree import ElementTree

from ...document import ReadError
from .model import Edge, Shape, Word

#: resolution scanned pages are rendered at for recognition (Tesseract reads
#: 10-12 pt text best at about 300 dpi)
OCR_DPI = 300
#: Tesseract's language: its Swedish model
LANGUAGE = "swe"
#: a line's x-height over its font size (see above) ...
X_HEIGHT_PER_POINT = 0.76
#: ... and over its x_size, for a line Tesseract gives no ascenders
X_HEIGHT_SHARE = 0.81
#: a paragraph whose words' mean confidence is below this is marked as doubtful
#: (clean print scores 90-97; a smudge or a misread word pulls a line below 80)
LOW_CONFIDENCE = 80.0
#: a table cell's line whose size is read within this share of the cells'
#: usual size has the usual size (see _snap_cell_sizes)
SIZE_SNAP_SHARE = 0.3
#: a page of fewer words (a cover's title in a large face, which Tesseract
#: reads with middling confidence) is not called doubtful as a whole: its
#: paragraphs and findings still are, each on its own words
PAGE_CONFIDENCE_MIN_WORDS = 20
#: the paragraphs' doubt code (``Paragraph.doubt``, then ``findings.doubt``)
OCR_LOW_CONFIDENCE = "ocr_low_confidence"
#: baselines sloping less than this (degrees) are left as they are: a line's
#: words stay on it, and turning would only move them by rounding
MIN_SKEW_DEGREES = 0.05
#: lines shorter than this share of the page width say little about the angle
SKEW_LINE_SHARE = 0.3
#: a page read with a mean word confidence below this (or with no word) may
#: have been fed sideways or upside down: its orientation is checked
ORIENTATION_CHECK_CONFIDENCE = 70.0
#: ... and it is turned when Tesseract's orientation detection is at least
#: this confident (its scale; upright and turned pages of our scans give 10-20,
#: a page without enough text below 2)
ORIENTATION_MIN_CONFIDENCE = 2.0
#: a page image whose text lies at this angle (degrees) or more is turned
#: straight before recognition; below it the words are turned back from their
#: baselines instead (see Deskew): resampling the image blurs its small digits
#: (a lone "7" in a table cell read "ih" once turned by 0.6 degrees), and
#: below a degree rules and rows are still found straight
IMAGE_DESKEW_MIN_DEGREES = 1.0
#: how far the search for a page's angle goes (degrees): a sheet laid on the
#: glass by hand, or fed crooked, is off by a few degrees at most ...
SKEW_SEARCH_DEGREES = 6.0
#: ... in steps of this much, then of this much around the best
SKEW_COARSE_STEP, SKEW_FINE_STEP = 0.25, 0.05
#: the angle is sought on the image reduced this many times (300 dpi to 75:
#: text lines stay apart, and each trial turn is quick)
SKEW_REDUCE = 4
#: seconds one page may take (a page is recognised in a few seconds)
PAGE_TIME_LIMIT = 120
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-swe"
#: seconds of extra reading time a file is granted per page to recognise:
#: a page takes 4-7 s of a core here; the margin covers a busy machine
SECONDS_PER_PAGE_ALLOWED = 30.0

#: told, before recognition starts, how many pages a file has to recognise
#: (the worker process that reads it extends its time limit by that much) ...
on_pages_to_recognise: "Callable[[int], None] | None" = None
#: ... and as each page is done: (pages done, pages in all), for progress
on_page_recognised: "Callable[[int, int], None] | None" = None

_BBOX = re.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_NUM = {key: re.compile(rf"{key} (-?[\d.]+)") for key in ("x_size", "x_descenders", "x_ascenders", "x_wconf")}
_BASELINE = re.compile(r"baseline (-?[\d.]+) (-?[\d.]+)")


#: a pixel darker than this (0 black - 255 white) is ink
INK_LEVEL = 128
#: ink running straight at least this long (points) is a rule: a table's
#: border or a cell's side (the shortest cell side in reports is over 15 pt)
RULE_MIN_POINTS = 12.0
#: a vertical run is a rule by its length alone when it is this many times
#: ``RULE_MIN_POINTS`` (longer than any letter); shorter ones must end on a
#: horizontal rule
VERTICAL_RULE_ALONE = 2.5
#: ... and a rule is at most this thick (points); thicker ink is a picture
RULE_MAX_POINTS = 3.0
#: a solid blob of ink this size (points) may be a bullet; the layout decides
#: from its size against the text beside it (``drawn_bullet_*``), as for a
#: bullet a PDF draws as a shape
BULLET_MIN_POINTS, BULLET_MAX_POINTS = 1.8, 9.0
#: ... solid: at least this share of its box is ink (an "o" or a "c" is not)
BULLET_FILL = 0.6
#: what Tesseract makes of a bullet (a glyph it has no letter for); a word
#: of these alone ("e", "e«") lying on a bullet's blob is the bullet, not text
BULLET_READINGS = frozenset("e o O 0 © ® « » * ° • · ● ■ ▪ - – — = + ~ ¢".split())


@dataclass
class PageOcr:
    words: list[Word]
    #: mean word confidence (0-100), None when no word was recognised
    confidence: float | None
    #: the angle (degrees) the page was turned back by
    skew: float
    #: rules and bullets seen in the image (in points, turned back like the words)
    edges: list[Edge] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    #: each word's box in the image (pixels, as recognised), for a second look
    pixel_boxes: list[tuple[int, int, int, int]] = field(default_factory=list)
    frame: "_Frame | None" = None
    #: degrees (clockwise) the page image was turned to stand upright, and the
    #: page's size (points) as turned: a sheet fed sideways is a landscape page
    turned: int = 0
    size: tuple[float, float] | None = None


@lru_cache(maxsize=1)
def tesseract_missing() -> str | None:
    """Why OCR cannot run here (one line, with what to install), or None."""
    exe = shutil.which("tesseract")
    if exe is None:
        return f"no text layer (scanned PDF?) and Tesseract is not installed: {INSTALL_HINT}"
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"no text layer (scanned PDF?) and Tesseract does not run ({exc}): {INSTALL_HINT}"
    if LANGUAGE not in (out.stdout + out.stderr).split():
        return f"no text layer (scanned PDF?) and Tesseract has no Swedish model: {INSTALL_HINT}"
    return None


def recognise_pages(images: list[tuple[int, Path]], page_heights: dict[int, tuple[float, float]],
                    workers: int | None = None) -> dict[int, PageOcr]:
    """Recognise rendered pages ((page number, PNG) each), in parallel: one
    Tesseract process per page, one thread each, as many at once as cores."""
    workers = workers or max(1, os.cpu_count() or 1)

    # a sheet turned one way is seldom alone: once a page was found turned,
    # the next ones are asked their orientation before their first reading;
    # so is a landscape page (a report's portrait sheet fed sideways makes one)
    turned_before: list[int] = []

    def one(item: tuple[int, Path]) -> tuple[int, PageOcr]:
        number, png = item
        from PIL import Image

        image = Image.open(png).convert("L")
        width, height = page_heights[number]
        if turned_before or width > height:
            turn = _orientation(png)
            if turn in turned_before or (width > height and turn in (90, 270)):
                return number, _turned(image, png, number, turn, width, height)  # read turned at once
        got = _recognise(image, png, number, width, height)
        if got.confidence is None or got.confidence < ORIENTATION_CHECK_CONFIDENCE or _mostly_vertical(got):
            # a sheet fed upside down reads as noise, one fed sideways as
            # words standing on end: Tesseract's orientation detection says
            # how far to turn it; the turned page is read again and kept if
            # it reads better
            turn = _orientation(png)
            if turn:
                again = _turned(image, png, number, turn, width, height)
                if (again.confidence or 0) > (got.confidence or 0) or (
                        _mostly_vertical(got) and not _mostly_vertical(again) and again.words):
                    got = again
                    turned_before.append(turn)
        return number, got

    out: dict[int, PageOcr] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in as_completed([pool.submit(one, item) for item in images]):
            number, got = future.result()
            out[number] = got
            if on_page_recognised is not None:  # called from this thread only
                on_page_recognised(len(out), len(images))
    return out


def _turned(image, png: Path, number: int, turn: int, width: float, height: float) -> PageOcr:
    """The page turned ``turn`` degrees clockwise, read: a sheet fed sideways
    is a landscape page."""
    turned = image.rotate(-turn, expand=True, fillcolor=255)
    path = png.with_name(f"{png.stem}-turned.png")
    size = (height, width) if turn in (90, 270) else (width, height)
    got = _recognise(turned, path, number, *size)
    got.turned, got.size = turn, size
    return got


def _recognise(image, png: Path, number: int, width: float, height: float) -> PageOcr:
    """One page image's words, its rules and bullets (``png`` names the
    files the steps leave for Tesseract)."""
    from PIL import Image

    # a sheet laid askew by a degree or more is turned straight first: its
    # rules are then straight runs of ink, and its table rows level
    turn = _image_skew(image)
    if abs(turn) >= IMAGE_DESKEW_MIN_DEGREES:
        image = image.rotate(turn, resample=Image.BICUBIC, fillcolor=255)
    else:
        turn = 0.0
    # Tesseract reads a ruled table's cells better without the rules (it
    # takes a rule for a "=" or a dash, and may skip a cell's lone number)
    clean = png.with_name(png.stem + "-clean.png")
    clean_image, rules = _without_rules(image, width)
    clean_image.save(clean)
    got = page_words(_hocr(clean), number, width, height)
    from .ocr_numbers import reread_numbers, table_cells

    cells = table_cells(rules, got.frame.scale) if got.frame else []
    reread_numbers(got, clean_image, cells, png.parent, number)
    if got.words:
        _snap_cell_sizes(got, cells)
        got.edges, got.shapes = image_marks(image, got.skew, width)
        got.words = _drop_bullet_readings(got.words, got.shapes)
    got.skew = round(got.skew + turn, 2)  # the whole angle, for the report
    return got


def _snap_cell_sizes(got: PageOcr, cells: list) -> None:
    """Words in a ruled table's cells whose size is within SIZE_SNAP_SHARE of
    the cells' usual size take that size. Tesseract sizes a line from its
    letters' height, and a line it ran across two columns of a table, or one
    without tall letters, comes out a point or three off: read as a change
    of style, that split every finding of a findings table at each line.
    (Outside tables sizes stay as read: a sub-heading is set only a little
    larger than the text.)"""
    inside = []
    for w, b in zip(got.words, got.pixel_boxes):
        x, y = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        if any(c[0] <= x < c[2] and c[1] <= y < c[3] for c in cells):
            inside.append(w)
    if not inside:
        return
    usual = statistics.median(w.size for w in inside)
    for w in inside:
        if abs(w.size - usual) <= SIZE_SNAP_SHARE * usual:
            w.size = usual


def _image_skew(image) -> float:
    """The angle (degrees; the baselines' slope, positive when they fall to
    the right) of a page image's text, from its ink's row profile: turned
    straight by this angle, the text lines give the sharpest profile (rows of
    ink and gaps). Searched over +-SKEW_SEARCH_DEGREES on a small copy, coarse
    then fine; 0 for a page without ink."""
    import numpy as np
    from PIL import Image

    small = image.reduce(SKEW_REDUCE)
    ink = Image.fromarray(((np.asarray(small) < INK_LEVEL) * 255).astype(np.uint8))
    if not np.asarray(ink).any():
        return 0.0

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.NEAREST), dtype=np.float64).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-SKEW_SEARCH_DEGREES, SKEW_SEARCH_DEGREES + 1e-9, SKEW_COARSE_STEP), key=sharpness)
    fine = np.arange(best - SKEW_COARSE_STEP, best + SKEW_COARSE_STEP + 1e-9, SKEW_FINE_STEP)
    return round(float(max(fine, key=sharpness)), 2)


def _mostly_vertical(got: PageOcr) -> bool:
    """Whether most words of four letters or more stand taller than they are
    wide: the text runs up or down the image (a sheet fed sideways, which
    Tesseract reads line by line on end, with good confidence)."""
    long = [b for w, b in zip(got.words, got.pixel_boxes) if len(w.text) >= 4]
    return sum(b[3] - b[1] > b[2] - b[0] for b in long) * 2 > len(long) > 0


def _orientation(png: Path) -> int:
    """How far (degrees clockwise: 0, 90, 180 or 270) the page image is to be
    turned for its text to stand upright, by Tesseract's orientation
    detection; 0 when it is unsure."""
    try:
        out = _tesseract(png, "--psm", "0")
    except subprocess.TimeoutExpired:
        return 0
    text = _stdout(out)
    turn, conf = re.search(r"Rotate: (\d+)", text), re.search(r"Orientation confidence: ([\d.]+)", text)
    if out.returncode != 0 or not turn or not conf or float(conf.group(1)) < ORIENTATION_MIN_CONFIDENCE:
        return 0
    return int(turn.group(1)) % 360


def _tesseract(png: Path, *args: str) -> subprocess.CompletedProcess:
    """Tesseract on one image, its output on stdout; one thread (the pages run
    in parallel, not Tesseract's threads). Raises subprocess.TimeoutExpired."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    return subprocess.run(["tesseract", str(png), "stdout", *args], capture_output=True, env=env,
                          timeout=PAGE_TIME_LIMIT)


def _stdout(out: subprocess.CompletedProcess) -> str:
    return out.stdout.decode("utf-8", errors="replace")


def _hocr(png: Path) -> str:
    try:
        out = _tesseract(png, "-l", LANGUAGE, "hocr")
    except subprocess.TimeoutExpired:
        raise ReadError(f"OCR of a page took over {PAGE_TIME_LIMIT} s") from None
    if out.returncode != 0:
        raise ReadError(f"OCR failed: {out.stderr.decode(errors='replace').strip().splitlines()[-1:] or '?'}")
    return _stdout(out)


def _sheet(crops: list, gap: int):
    """Crops laid one under another on a white sheet (one Tesseract run reads
    them all), and the top of each on it."""
    from PIL import Image

    sheet = Image.new("L", (max(c.width for c in crops) + 2 * gap, sum(c.height + gap for c in crops) + gap), 255)
    tops, y = [], gap
    for c in crops:
        sheet.paste(c, (gap, y))
        tops.append(y)
        y += c.height + gap
    return sheet, tops


def _title(el) -> str:
    return el.get("title") or ""


@dataclass
class _HocrLine:
    x0: int  # the line's left and bottom (pixels): its baseline is given from there
    bottom: int
    slope: float
    offset: float
    x_size: float
    descent: float
    words: list[tuple[str, tuple[int, int, int, int], float]]  # text, pixel box, confidence
    ascent: float = 0.0  # above the x-height

    @property
    def x_height(self) -> float:
        return self.x_size - self.ascent if 0 < self.ascent < self.x_size else self.x_size * X_HEIGHT_SHARE

    def shifted(self, dx: int, dy: int) -> "_HocrLine":
        return _HocrLine(self.x0 + dx, self.bottom + dy, self.slope, self.offset, self.x_size, self.descent,
                         [(t, (b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy), c) for t, b, c in self.words],
                         self.ascent)


def _hocr_lines(hocr: str) -> tuple[tuple[int, int] | None, list[_HocrLine]]:
    """The image size and the text lines of Tesseract's hOCR output."""
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", hocr, count=1))
    page_el = next((e for e in root.iter() if e.get("class") == "ocr_page"), None)
    if page_el is None:
        return None, []
    m = _BBOX.search(_title(page_el))
    size = (int(m.group(3)), int(m.group(4))) if m else None
    out = []
    for line in root.iter():
        if line.get("class") not in ("ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"):
            continue
        t = _title(line)
        bb = _BBOX.search(t)
        if not bb:
            continue
        lx0, ly0, _, ly1 = (int(g) for g in bb.groups())
        base = _BASELINE.search(t)
        xs, ds, asc = _NUM["x_size"].search(t), _NUM["x_descenders"].search(t), _NUM["x_ascenders"].search(t)
        x_size = float(xs.group(1)) if xs else 0.0
        words = []
        for w in line.iter():
            wb = _BBOX.search(_title(w)) if w.get("class") == "ocrx_word" else None
            text = "".join(w.itertext()).strip() if wb else ""
            if text:
                conf = _NUM["x_wconf"].search(_title(w))
                words.append((text, tuple(int(g) for g in wb.groups()), float(conf.group(1)) if conf else 0.0))
        out.append(_HocrLine(lx0, ly1, float(base.group(1)) if base else 0.0, float(base.group(2)) if base else 0.0,
                             x_size if x_size > 0 else float(ly1 - ly0), float(ds.group(1)) if ds else 0.0, words,
                             float(asc.group(1)) if asc else 0.0))
    return size, out


@dataclass
class _Frame:
    """A page image's pixels to PDF points, turned back by the page's skew."""

    px_w: int
    px_h: int
    angle: float  # radians, the baselines' slope
    scale: float  # points per pixel

    def words(self, line: _HocrLine, number: int) -> list[Word]:
        cx, cy = self.px_w / 2, self.px_h / 2
        cos, sin = math.cos(-self.angle), math.sin(-self.angle)
        out = []
        for text, (x0, _, x1, _), conf in line.words:
            # the baseline under the word's middle, then the word turned back with it
            mid = (x0 + x1) / 2
            baseline = line.bottom + line.offset + line.slope * (mid - line.x0)
            dx, dy = mid - cx, baseline - cy
            tx, ty = cx + dx * cos - dy * sin, cy + dx * sin + dy * cos
            half = (x1 - x0) / 2
            top, bottom = ty - (line.x_size - line.descent), ty + line.descent
            out.append(Word(text, (tx - half) * self.scale, (tx + half) * self.scale, top * self.scale,
                            bottom * self.scale, size=round(line.x_height * self.scale / X_HEIGHT_PER_POINT, 1),
                            page=number, conf=conf))
        return out


def page_words(hocr: str, number: int, width: float, height: float) -> PageOcr:
    """The words of one page's hOCR, in PDF points (top-left origin), turned
    back by the page's skew, each with its line's top, bottom and size."""
    size, lines = _hocr_lines(hocr)
    if size is None:
        return PageOcr([], None, 0.0)
    px_w, px_h = size
    slopes = [ln.slope for ln in lines
              if ln.words and ln.words[-1][1][2] - ln.x0 >= SKEW_LINE_SHARE * px_w]
    angle = math.atan(statistics.median(slopes)) if slopes else 0.0
    if abs(math.degrees(angle)) < MIN_SKEW_DEGREES:
        angle = 0.0
    frame = _Frame(px_w, px_h, angle, width / px_w if px_w else 72.0 / OCR_DPI)
    words: list[Word] = []
    boxes: list[tuple[int, int, int, int]] = []
    for ln in lines:
        words += frame.words(ln, number)
        boxes += [b for _, b, _ in ln.words]
    confs = [w.conf for w in words]
    confidence = round(statistics.fmean(confs), 1) if confs else None
    got = PageOcr(words, confidence, round(math.degrees(angle), 2), pixel_boxes=boxes)
    got.frame = frame
    return got


def _straight(ink, run: int):
    """The ink of horizontal runs at least ``run`` pixels long, and of the
    vertical ones that are rules: as long as ``VERTICAL_RULE_ALONE`` runs, or
    ending on a horizontal rule (a cell's side). A letter's stem in a large
    heading ("l", "d") is as long as a short cell's side, but it stands free."""
    import numpy as np
    from scipy import ndimage

    h = ndimage.binary_opening(ink, structure=np.ones((1, run), bool))
    v = ndimage.binary_opening(ink, structure=np.ones((run, 1), bool))
    if not v.any():
        return h, v
    reach = max(2, run // 4)
    near_h = ndimage.binary_dilation(h, structure=np.ones((2 * reach + 1, 2 * reach + 1), bool))
    labels, n = ndimage.label(v)
    keep = np.zeros(n + 1, bool)
    for k, sl in enumerate(ndimage.find_objects(labels), 1):
        ys, xs = sl
        if (ys.stop - ys.start) >= VERTICAL_RULE_ALONE * run or near_h[ys.start, xs].any() or near_h[ys.stop - 1, xs].any():
            keep[k] = True
    return h, keep[labels]


def _without_rules(image, width: float) -> tuple:
    """The page image with its rules whited out (a slightly turned rule is still
    found in pieces: over 12 pt a turn of a degree moves it by a fifth of a point)."""
    import numpy as np
    from PIL import Image
    from scipy import ndimage

    a = np.asarray(image)
    h, v = _straight(a < INK_LEVEL, max(3, int(RULE_MIN_POINTS * image.width / width)))
    rules = ndimage.binary_dilation(h | v, iterations=2)
    clean = a.copy()
    clean[rules] = 255
    return Image.fromarray(clean), rules


def image_marks(image, skew: float, width: float) -> tuple[list[Edge], list[Shape]]:
    """Rules (long straight runs of ink) and solid blobs (bullets) of a page
    image, in points, after turning the image back by ``skew`` degrees as the
    words were: a ruled table or a drawn bullet on a scan is then what the
    layout analysis knows from a born-digital page."""
    import numpy as np
    from PIL import Image
    from scipy import ndimage

    if skew:
        image = image.rotate(skew, resample=Image.BILINEAR, fillcolor=255)  # clockwise for a negative skew
    ink = np.asarray(image) < INK_LEVEL
    scale = width / image.width  # points per pixel
    run = max(3, int(RULE_MIN_POINTS / scale))
    thick = RULE_MAX_POINTS / scale
    edges: list[Edge] = []
    for orientation, straight in zip("hv", _straight(ink, run)):
        labels, _ = ndimage.label(straight)
        for sl in ndimage.find_objects(labels):
            ys, xs = sl
            if orientation == "h" and ys.stop - ys.start <= thick:
                y = (ys.start + ys.stop) / 2 * scale
                edges.append(Edge("h", xs.start * scale, y, xs.stop * scale, y))
            elif orientation == "v" and xs.stop - xs.start <= thick:
                x = (xs.start + xs.stop) / 2 * scale
                edges.append(Edge("v", x, ys.start * scale, x, ys.stop * scale))
    shapes: list[Shape] = []
    labels, _ = ndimage.label(ink, structure=np.ones((3, 3), bool))
    lo, hi = BULLET_MIN_POINTS / scale, BULLET_MAX_POINTS / scale
    for k, sl in enumerate(ndimage.find_objects(labels), 1):
        ys, xs = sl
        h, w = ys.stop - ys.start, xs.stop - xs.start
        if not (lo <= h <= hi and lo <= w <= hi) or max(h, w) > 1.5 * min(h, w):
            continue
        if (labels[sl] == k).mean() < BULLET_FILL:
            continue
        shapes.append(Shape(xs.start * scale, ys.start * scale, xs.stop * scale, ys.stop * scale))
    return edges, shapes


def _drop_bullet_readings(words: list[Word], shapes: list[Shape]) -> list[Word]:
    """Words that are Tesseract's reading of a bullet blob ("e", "©", "—"...),
    on it or between it and the text it marks: the blob is the bullet, so they
    go. A blob inside a word of text (a full stop in "m.m.") is no bullet."""
    drop: set[int] = set()
    for s in shapes:
        cy = (s.top + s.bottom) / 2
        row = sorted((w for w in words if w.top <= cy <= w.bottom and w.x1 > s.x0), key=lambda w: w.x0)
        for w in row:
            if set(w.text) <= BULLET_READINGS or (len(w.text) <= 2 and not any(ch.isalnum() for ch in w.text)):
                drop.add(id(w))
                continue
            break
    keep = [w for w in words if id(w) not in drop]
    shapes[:] = [s for s in shapes
                 if not any(s.x0 < w.x1 and w.x0 < s.x1 and s.top < w.bottom and w.top < s.bottom for w in keep)]
    return keep


def render_pages(pdf, numbers: list[int], folder: Path, dpi: int = OCR_DPI) -> list[tuple[int, Path]]:
    """Render pages (1-based) as grey PNGs into ``folder``, in this thread
    (PDFium is not thread-safe); Tesseract then reads them in parallel."""
    out = []
    for number in numbers:
        page = pdf[number - 1]
        try:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        finally:
            page.close()
        path = folder / f"page-{number:04d}.png"
        image.save(path)
        out.append((number, path))
    return out


def ocr_pages(pdf, numbers: list[int], sizes: dict[int, tuple[float, float]]) -> dict[int, PageOcr]:
    """Render and recognise the given pages of an open PDF."""
    if on_pages_to_recognise is not None:
        on_pages_to_recognise(len(numbers))
    with tempfile.TemporaryDirectory(prefix="kompass-ocr-") as tmp:
        images = render_pages(pdf, numbers, Path(tmp))
        return recognise_pages(images, sizes)
