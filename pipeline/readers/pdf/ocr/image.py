"""What a page image holds besides words, and the image work before recognition:
rendering, the angle of its text, its rules (so a ruled table stays one),
solid blobs (drawn bullets), and crops laid on a sheet for a second reading.
Imports nothing of the OCR package's upper layers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..model import Edge, Shape

#: resolution scanned pages are rendered at for recognition (Tesseract reads
#: 10-12 pt text best at about 300 dpi)
OCR_DPI = 300

#: a pixel darker than this (0 black - 255 white) is ink
INK_LEVEL = 128

#: ink running straight at least this long (points) is a rule: a table's
#: border or a cell's side (the shortest cell side in reports is over 15 pt)
RULE_MIN_POINTS = 12.0

#: a vertical run is a rule by its length alone when it is this many times
#: ``RULE_MIN_POINTS`` (longer than any letter); shorter ones must end on a
#: horizontal rule
VERTICAL_RULE_ALONE = 2.5

#: a rule is at most this thick (points); thicker ink is a picture
RULE_MAX_POINTS = 3.0

#: a solid blob of ink this size (points) may be a bullet; the layout decides
#: from its size against the text beside it (``drawn_bullet_*``), as for a
#: bullet a PDF draws as a shape
BULLET_MIN_POINTS, BULLET_MAX_POINTS = 1.8, 9.0

#: ... solid: at least this share of its box is ink (an "o" or a "c" is not)
BULLET_FILL = 0.6

#: how far the search for a page's angle goes (degrees): a sheet laid on the
#: glass by hand, or fed crooked, is off by a few degrees at most ...
SKEW_SEARCH_DEGREES = 6.0

#: ... in steps of this much, then of this much around the best
SKEW_COARSE_STEP, SKEW_FINE_STEP = 0.25, 0.05

#: the angle is sought on the image reduced this many times (300 dpi to 75:
#: text lines stay apart, and each trial turn is quick)
SKEW_REDUCE = 4


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
        image.save(path, compress_level=1)  # written once, read once: speed over size
        out.append((number, path))
    return out


@contextmanager
def temporary_image(image, stem: Path) -> Iterator[Path]:
    """``image`` written as ``stem``.pgm for Tesseract, removed after.
    Uncompressed: written and read forty times faster than a PNG, and it
    lives for one reading."""
    path = stem.with_suffix(".pgm")
    image.save(path)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def image_skew(image) -> float:
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


def long_runs(ink, run: int, axis: int):
    """The ink of runs at least ``run`` pixels long along ``axis`` (1: rows,
    0: columns): a morphological opening by a line of ``run`` pixels, computed
    from running sums in time linear in the page (the opening itself costs
    ``run`` times that: seconds a page at 300 dpi)."""
    import numpy as np

    a = np.moveaxis(np.asarray(ink, dtype=bool), axis, -1)
    length = a.shape[-1]
    if run > length:
        return np.zeros(np.moveaxis(a, -1, axis).shape, bool)
    zero = np.zeros(a.shape[:-1] + (1,), np.int32)
    sums = np.concatenate([zero, np.cumsum(a, axis=-1, dtype=np.int32)], axis=-1)
    full = (sums[..., run:] - sums[..., :-run]) == run  # the window starting here is all ink
    starts = np.concatenate([zero, np.cumsum(full, axis=-1, dtype=np.int32)], axis=-1)
    i = np.arange(length)
    lo, hi = np.clip(i - run + 1, 0, length - run + 1), np.clip(i + 1, 0, length - run + 1)
    return np.moveaxis(starts[..., hi] - starts[..., lo] > 0, -1, axis)


def _straight(ink, run: int):
    """The ink of horizontal runs at least ``run`` pixels long, and of the
    vertical ones that are rules: as long as ``VERTICAL_RULE_ALONE`` runs, or
    ending on a horizontal rule (a cell's side). A letter's stem in a large
    heading ("l", "d") is as long as a short cell's side, but it stands free."""
    import numpy as np
    from scipy import ndimage

    h, v = long_runs(ink, run, 1), long_runs(ink, run, 0)
    if not v.any():
        return h, v
    reach = max(2, run // 4)
    labels, n = ndimage.label(v)
    keep = np.zeros(n + 1, bool)
    for k, (ys, xs) in enumerate(ndimage.find_objects(labels), 1):
        x0, x1 = max(0, xs.start - reach), xs.stop + reach
        ends = (h[max(0, ys.start - reach):ys.start + reach + 1, x0:x1].any()
                or h[max(0, ys.stop - 1 - reach):ys.stop + reach, x0:x1].any())
        keep[k] = ys.stop - ys.start >= VERTICAL_RULE_ALONE * run or ends
    return h, keep[labels]


def without_rules(image, width: float) -> tuple:
    """The page image with its rules whited out (a slightly turned rule is still
    found in pieces: over 12 pt a turn of a degree moves it by a fifth of a point),
    the rules' mask, and the straight runs of ink found (horizontal, vertical),
    which :func:`image_marks` takes again for a page whose words need no turn."""
    import numpy as np
    from PIL import Image
    from scipy import ndimage

    a = np.asarray(image)
    h, v = _straight(a < INK_LEVEL, _rule_run(image, width))
    rules = ndimage.binary_dilation(h | v, iterations=2)
    clean = a.copy()
    clean[rules] = 255
    return Image.fromarray(clean), rules, (h, v)


def _rule_run(image, width: float) -> int:
    """The shortest run of ink (pixels) that is a rule: RULE_MIN_POINTS."""
    return max(3, int(RULE_MIN_POINTS * image.width / width))


def image_marks(image, skew: float, width: float, straight: tuple | None = None) -> tuple[list[Edge], list[Shape]]:
    """Rules (long straight runs of ink) and solid blobs (bullets) of a page
    image, in points, after turning the image back by ``skew`` degrees as the
    words were: a ruled table or a drawn bullet on a scan is then what the
    layout analysis knows from a born-digital page. ``straight``: the runs
    :func:`without_rules` found in the same image, taken when ``skew`` is 0
    (finding them is a third of a page's work outside Tesseract)."""
    import numpy as np
    from PIL import Image
    from scipy import ndimage

    if skew:
        image = image.rotate(skew, resample=Image.BILINEAR, fillcolor=255)  # clockwise for a negative skew
    ink = np.asarray(image) < INK_LEVEL
    scale = width / image.width  # points per pixel
    thick = RULE_MAX_POINTS / scale
    edges: list[Edge] = []
    runs = straight if straight is not None and not skew else _straight(ink, _rule_run(image, width))
    for orientation, found in zip("hv", runs):
        labels, _ = ndimage.label(found)
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


def stack_crops(crops: list, gap: int):
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
