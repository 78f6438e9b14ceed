"""Recognised words in PDF points: the geometry a text layer would give.

A word's top and bottom are its line's (baseline minus the ascent, plus the
descent), one height per line, so the words of a line stay on it; its size
comes from the line's x-height; the page's small slope is taken out by the
baselines' median. What Tesseract makes of a bullet is dropped where the
image shows a solid blob.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field, replace

from ..model import Edge, Shape, Word
from .engine import HocrLine, hocr_lines
from ..settings import OCR_DEFAULTS as DEFAULT, OcrSettings

#: letters and marks that reach below the baseline
DESCENDERS = frozenset("gjpqy,;()[]{}/|")

#: what Tesseract makes of a bullet (a glyph it has no letter for); a word
#: of these alone ("e", "e«") lying on a bullet's blob is the bullet, not text
BULLET_READINGS = frozenset("e o O 0 © ® « » * ° • · ● ■ ▪ - – — = + ~ ¢".split())
#: ... and those of them no letter, digit or dash is, which may be read glued to the word
GLUED_BULLET_READINGS = frozenset("© ® « » * ° • · ● ■ ▪ ¢".split())


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
    frame: "Frame | None" = None
    #: the lines (see _line_of) whose size was measured over more than one
    #: row of text: known less precisely (see snap_to_body_size)
    rough_lines: frozenset = frozenset()
    #: the height (pixels) of each line's x-height band in the image (see x_band)
    x_bands: dict = field(default_factory=dict)
    #: degrees (clockwise) the page image was turned to stand upright, and the
    #: page's size (points) as turned: a sheet fed sideways is a landscape page
    turned: int = 0
    size: tuple[float, float] | None = None


@dataclass
class Frame:
    """A page image's pixels to PDF points, turned back by the page's skew."""

    px_w: int
    px_h: int
    angle: float  # radians, the baselines' slope
    scale: float  # points per pixel
    x_height_per_point: float = DEFAULT.x_height_per_point

    def words(self, line: HocrLine, number: int) -> list[Word]:
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
                            bottom * self.scale, size=round(line.x_height * self.scale / self.x_height_per_point, 1),
                            page=number, conf=conf))
        return out


def page_words(hocr: str, number: int, width: float, height: float, ink=None,
               st: OcrSettings = DEFAULT) -> PageOcr:
    """The words of one page's hOCR, in PDF points (top-left origin), turned
    back by the page's skew, each with its line's top, bottom and size (or
    its part's: see parts_at_their_own_height). Given ``ink`` (the image
    recognised, as a boolean array), a word whose box holds less than
    ``word_min_ink_share`` ink is no word: text where the image has none."""
    size, lines = hocr_lines(hocr, st)
    if ink is not None:
        lines = [replace(ln, words=[w for w in ln.words if _has_ink(ink, w[1], st.word_min_ink_share)])
                 for ln in lines]
        lines = [ln for ln in lines if ln.words]
    if size is None:
        return PageOcr([], None, 0.0)
    px_w, px_h = size
    slopes = [ln.slope for ln in lines
              if ln.words and ln.words[-1][1][2] - ln.x0 >= st.skew_line_share * px_w]
    angle = math.atan(statistics.median(slopes)) if slopes else 0.0
    if abs(math.degrees(angle)) < st.min_skew_degrees:
        angle = 0.0
    frame = Frame(px_w, px_h, angle, width / px_w if px_w else 72.0 / st.dpi, st.x_height_per_point)
    words: list[Word] = []
    boxes: list[tuple[int, int, int, int]] = []
    rough: set[tuple] = set()
    bands: dict[tuple, int] = {}
    for ln in lines:
        parts = parts_at_their_own_height(ln, st)
        # Tesseract measured the line's size over rows at two heights
        two_rows = len({p.offset for p in parts}) > 1
        for part in parts:
            got = frame.words(part, number)
            if two_rows:
                rough.update(_line_of(w) for w in got)
            band = x_band(ink, part) if ink is not None else None
            if band and got:
                bands[_line_of(got[0])] = band
            words += got
            boxes += [b for _, b, _ in part.words]
    confs = [w.conf for w in words]
    confidence = round(statistics.fmean(confs), 1) if confs else None
    return PageOcr(words, confidence, round(math.degrees(angle), 2), pixel_boxes=boxes, frame=frame,
                   rough_lines=frozenset(rough), x_bands=bands)


def x_band(ink, line: HocrLine) -> int | None:
    """The height (pixels) of a line's x-height band as the image shows it:
    the rows across its words' boxes at least half as inked as its most
    inked row, where the strokes of every lower-case letter run. Tesseract's
    own x-height (``x_size`` less ``x_ascenders``) moves by 3-4 pixels from
    one body line to the next when it misjudges the descenders; this band
    moves by one or two. None for a line of fewer lower-case letters than
    it needs to measure its own x-height (digits and capitals have none)."""
    if sum(ch.islower() for text, _, _ in line.words for ch in text) < line.x_height_rule[1]:
        return None
    x0 = max(0, min(b[0] for _, b, _ in line.words))
    x1 = max(b[2] for _, b, _ in line.words)
    y0 = max(0, min(b[1] for _, b, _ in line.words))
    y1 = max(b[3] for _, b, _ in line.words)
    rows = ink[y0:y1 + 1, x0:x1 + 1].sum(axis=1)
    if not rows.size or not rows.max():
        return None
    return int((rows >= rows.max() / 2).sum())


def parts_at_their_own_height(line: HocrLine, st: OcrSettings = DEFAULT) -> list[HocrLine]:
    """``line`` cut where its words leave a gap of ``line_gap_x_sizes`` × its
    x_size, each part on its own baseline when it sits ``line_part_shift`` × the
    x_size or more above or below the rest. Tesseract runs the lines of two
    columns into one when their rows lie within a few pixels of each other
    (a findings table whose columns are set a little apart); one baseline for
    both then puts one column's words on the other's line. A part's height is
    its words' feet (bottoms, less the descent for a word with a descender), by
    their median, against the line's baseline."""
    words = line.words
    cuts = [k for k in range(1, len(words))
            if words[k][1][0] - words[k - 1][1][2] >= st.line_gap_x_sizes * line.x_size]
    if not cuts:
        return [line]

    def below_baseline(word) -> float:
        # how far the word's foot is below the line's baseline at its middle
        text, box, _ = word
        foot = box[3] - (line.descent if any(ch in DESCENDERS for ch in text) else 0.0)
        return foot - (line.bottom + line.offset + line.slope * ((box[0] + box[2]) / 2 - line.x0))

    out = []
    for a, b in zip([0] + cuts, cuts + [len(words)]):
        part = words[a:b]
        dy = statistics.median(below_baseline(w) for w in part)
        if abs(dy) < st.line_part_shift * line.x_size:
            dy = 0.0
        out.append(replace(line, words=part, offset=line.offset + dy, whole_x_height=line.x_height))
    return out


def snap_cell_sizes(got: PageOcr, cells: list, st: OcrSettings = DEFAULT) -> PageOcr:
    """``got`` with the words in a ruled table's cells whose size is within
    ``size_snap_share`` of the cells' usual size at that size. Tesseract sizes a
    line from its letters' height, and a line it ran across two columns of a
    table, or one without tall letters, comes out a point or three off: read
    as a change of style, that split every finding of a findings table at
    each line. (Outside tables sizes stay as read: a sub-heading is set only
    a little larger than the text.)"""
    inside = [any(c[0] <= (b[0] + b[2]) / 2 < c[2] and c[1] <= (b[1] + b[3]) / 2 < c[3] for c in cells)
              for b in got.pixel_boxes]
    sizes = [w.size for w, cell in zip(got.words, inside) if cell]
    if not sizes:
        return got
    usual = statistics.median(sizes)
    near = st.size_snap_share * usual
    return replace(got, words=[replace(w, size=usual) if cell and abs(w.size - usual) <= near else w
                               for w, cell in zip(got.words, inside)])


def snap_to_body_size(got: PageOcr, st: OcrSettings = DEFAULT) -> PageOcr:
    """``got`` with the words whose size is within ``body_size_precision`` of
    the page's body size (the median size of its words) at the body size: a
    line's x-height is read to a pixel or two, a few per cent of the size,
    and the layout takes any larger difference for a change of style (a
    table's rows then come apart). A heading is set larger than that. A
    line of fewer than ``short_line_letters`` letters is known
    ``short_line_size_factor`` times less precisely, one measured over two rows
    (``got.rough_lines``) to ``two_row_size_precision``."""
    if not got.words:
        return got
    body = statistics.median(w.size for w in got.words)
    letters: dict[tuple, int] = {}
    for w in got.words:
        key = _line_of(w)
        letters[key] = letters.get(key, 0) + sum(ch.isalpha() for ch in w.text)

    band_of = [got.x_bands.get(_line_of(w)) for w in got.words]
    banded = [b for b in band_of if b]
    body_band = statistics.median(banded) if len(banded) >= st.band_min_words else None

    def precision(w: Word, band: int | None) -> float:
        key = _line_of(w)
        if body_band and band and abs(band - body_band) <= st.x_band_precision * body_band:
            # the image shows a body line's x-height: Tesseract's size is off
            return st.two_row_size_precision
        # an x-height seen on a few letters ("kön)?"), or over two rows, is known less well
        if key in got.rough_lines:
            return st.two_row_size_precision
        short = letters[key] < st.short_line_letters
        return st.body_size_precision * (st.short_line_size_factor if short else 1.0)

    return replace(got, words=[replace(w, size=body) if abs(w.size - body) <= precision(w, band) * body else w
                               for w, band in zip(got.words, band_of)])


def _line_of(w: Word) -> tuple:
    """The words of one recognised line share its top, bottom and size."""
    return w.page, round(w.top, 2), round(w.bottom, 2), w.size


def _has_ink(ink, box: tuple[int, int, int, int], min_share: float) -> bool:
    x0, y0, x1, y1 = box
    inside = ink[max(0, y0):y1 + 1, max(0, x0):x1 + 1]
    return bool(inside.size) and inside.mean() >= min_share


def with_weights(got: PageOcr, ink, st: OcrSettings = DEFAULT) -> PageOcr:
    """``got`` with its bold words marked, as a text layer's font names would:
    Tesseract says nothing of weight, and without it the layout takes a bold
    heading, label or header row for body text. A word's stroke width is
    measured in ``ink`` (the image recognised, as a boolean array) as twice
    its ink over its ink's outline; a word whose strokes are ``bold_stroke_ratio``
    times the page's usual width or more is bold. A word of fewer than
    ``weight_min_chars`` letters or digits says too little: it takes the weight
    most of the measured words of its line have."""
    import numpy as np

    widths: dict[int, float] = {}
    for k, (w, (x0, y0, x1, y1)) in enumerate(zip(got.words, got.pixel_boxes)):
        if sum(ch.isalnum() for ch in w.text) < st.weight_min_chars:
            continue
        box = ink[max(0, y0):y1 + 1, max(0, x0):x1 + 1]
        area = int(box.sum())
        if not area:
            continue
        padded = np.pad(box, 1)
        inner = padded[1:-1, 1:-1] & padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
        outline = area - int(inner.sum())
        widths[k] = 2 * area / max(outline, 1)
    if len(widths) < st.weight_min_words:
        return got
    usual = statistics.median(widths.values())
    bold = {k: v >= st.bold_stroke_ratio * usual for k, v in widths.items()}
    votes: dict[tuple, list[bool]] = {}
    for k, b in bold.items():
        votes.setdefault(_line_of(got.words[k]), []).append(b)
    words = []
    for k, w in enumerate(got.words):
        if k in bold:
            weight = bold[k]
        else:
            line = votes.get(_line_of(w), [])
            weight = 2 * sum(line) > len(line)
        words.append(replace(w, bold=weight) if weight != w.bold else w)
    return replace(got, words=words)


def mostly_vertical(got: PageOcr) -> bool:
    """Whether most words of four letters or more stand taller than they are
    wide: the text runs up or down the image (a sheet fed sideways, which
    Tesseract reads line by line on end, with good confidence)."""
    long = [b for w, b in zip(got.words, got.pixel_boxes) if len(w.text) >= 4]
    return sum(b[3] - b[1] > b[2] - b[0] for b in long) * 2 > len(long) > 0


def glued_bullets_read_as_bullets(words: list[Word], bullets: list[Shape]) -> list[Word]:
    """The words with a bullet Tesseract read into the word it marks
    ("«Regelbunden": a faint bullet no blob was found for) written as a
    bullet ("•Regelbunden"), which the layout takes for a list marker glued
    to its text. Only a line's first word with no bullet blob before it,
    only a reading of a bullet that no letter or digit is
    (GLUED_BULLET_READINGS), only before a capital."""
    first: dict[tuple, Word] = {}
    for w in words:
        key = _line_of(w)
        if key not in first or w.x0 < first[key].x0:
            first[key] = w
    starts = {id(w) for w in first.values()
              if not any(s.x1 <= w.x0 + 1 and w.top <= (s.top + s.bottom) / 2 <= w.bottom for s in bullets)}
    return [replace(w, text="\u2022" + w.text[1:])
            if id(w) in starts and len(w.text) >= 2 and w.text[0] in GLUED_BULLET_READINGS and w.text[1].isupper()
            else w for w in words]


def drop_bullet_readings(words: list[Word], shapes: list[Shape]) -> tuple[list[Word], list[Shape]]:
    """The words without Tesseract's readings of a bullet blob ("e", "©",
    "—"...), on it or between it and the text it marks (the blob is the
    bullet), and the blobs that are bullets: a blob inside a word of text (a
    full stop in "m.m.") is none."""
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
    bullets = [s for s in shapes
               if not any(s.x0 < w.x1 and w.x0 < s.x1 and s.top < w.bottom and w.top < s.bottom for w in keep)]
    return keep, bullets
