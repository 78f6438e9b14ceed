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
from ..settings import OCR_DEFAULTS as DEFAULT, OcrSettings

def rendered_pages(pdf, numbers: list[int], st: OcrSettings = DEFAULT) -> Iterator[tuple[int, object]]:
    """Pages (1-based) rendered grey, one at a time, in the calling thread
    (PDFium is not thread-safe): (page number, PIL image)."""
    for number in numbers:
        page = pdf[number - 1]
        try:
            image = page.render(scale=st.dpi / 72, grayscale=True).to_pil().convert("L")
        finally:
            page.close()
        yield number, image


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


def without_border(image, width: float, st: OcrSettings = DEFAULT):
    """The page image with the ink that touches its edges whited out within
    ``border_max_points`` of them: a scanner lid's dark border, in which Tesseract
    reads letters that join the lines beside it ("FÖRBÄTTRINGSOMRÅDEN |"
    is no label). The image itself when nothing touches its edges."""
    import numpy as np
    from PIL import Image
    from scipy import ndimage

    a = np.asarray(image)
    ink = a < st.ink_level
    if not (ink[0].any() or ink[-1].any() or ink[:, 0].any() or ink[:, -1].any()):
        return image
    labels, _ = ndimage.label(ink)
    touching = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    border = np.isin(labels, touching[touching > 0])
    band = max(1, round(st.border_max_points * image.width / width))
    inner = np.zeros_like(border)
    inner[band:-band, band:-band] = True
    border &= ~inner
    clean = a.copy()
    clean[ndimage.binary_dilation(border, iterations=2)] = 255  # and the grey edge of its ink
    return Image.fromarray(clean)


def image_skew(image, st: OcrSettings = DEFAULT) -> float:
    """The angle (degrees; the baselines' slope, positive when they fall to
    the right) of a page image's text, from its ink's row profile: turned
    straight by this angle, the text lines give the sharpest profile (rows of
    ink and gaps). Searched over +-``skew_search_degrees`` on a small copy, coarse
    then fine; 0 for a page without ink."""
    import numpy as np
    from PIL import Image

    small = image.reduce(st.skew_reduce)
    ink = Image.fromarray(((np.asarray(small) < st.ink_level) * 255).astype(np.uint8))
    if not np.asarray(ink).any():
        return 0.0

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.NEAREST), dtype=np.float64).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-st.skew_search_degrees, st.skew_search_degrees + 1e-9, st.skew_coarse_step), key=sharpness)
    fine = np.arange(best - st.skew_coarse_step, best + st.skew_coarse_step + 1e-9, st.skew_fine_step)
    return round(float(max(fine, key=sharpness)), 2)


def long_runs(ink, run: int, axis: int):
    """The ink of runs at least ``run`` pixels long along ``axis`` (1: rows,
    0: columns): a morphological opening by a line of ``run`` pixels, found
    from where the runs start and end, in time linear in the page (the
    opening itself costs ``run`` times that: seconds a page at 300 dpi)."""
    import numpy as np

    a = np.asarray(ink, dtype=bool)
    if axis == 0:
        return _long_runs_in_rows(np.ascontiguousarray(a.T), run).T
    return _long_runs_in_rows(a, run)


def _long_runs_in_rows(a, run: int):
    import numpy as np

    rows, length = a.shape
    padded = np.zeros((rows, length + 2), np.int8)  # paper before and after each row: no run crosses
    padded[:, 1:-1] = a
    step = np.diff(padded.ravel())
    starts, ends = np.flatnonzero(step == 1) + 1, np.flatnonzero(step == -1) + 1  # ends: one past
    keep = ends - starts >= run
    marks = np.zeros(padded.size + 1, np.int8)
    marks[starts[keep]] += 1
    marks[ends[keep]] -= 1
    return np.cumsum(marks[:-1], dtype=np.int8).reshape(padded.shape)[:, 1:-1] > 0


def _standing_apart(runs, ink, axis: int, side: int, max_ink: float):
    """The runs (along ``axis``) with paper on both sides: in the band of
    ``side`` pixels beside each connected run, across its length (beside
    its own edge at each point: a rule on a page slightly askew slopes),
    at most ``max_ink`` ink."""
    import numpy as np
    from scipy import ndimage

    labels, n = ndimage.label(runs)
    keep = np.zeros(n + 1, bool)
    steps = np.arange(1, side + 1)
    for k, sl in enumerate(ndimage.find_objects(labels), 1):
        own = np.moveaxis(labels[sl] == k, axis, 0)  # along the run first, across it second
        along = np.nonzero(own.any(axis=1))[0]
        first = own[along].argmax(axis=1)
        last = own.shape[1] - 1 - own[along, ::-1].argmax(axis=1)
        at = along + sl[axis].start  # in the page
        across = 1 - axis
        first, last = first + sl[across].start, last + sl[across].start
        size = ink.shape[across]
        shares = []
        for edge in (first[:, None] - steps, last[:, None] + steps):
            inside = (edge >= 0) & (edge < size)
            if not inside.any():
                continue
            edge = np.clip(edge, 0, size - 1)
            where = (edge, np.broadcast_to(at[:, None], edge.shape)) if axis == 1 else (
                np.broadcast_to(at[:, None], edge.shape), edge)
            shares.append(ink[where][inside].mean())
        keep[k] = all(share <= max_ink for share in shares)
    return keep[labels]


def _straight(ink, run: int, side: int, st: OcrSettings):
    """The ink of horizontal runs at least ``run`` pixels long, and of the
    vertical ones that are rules: as long as ``vertical_rule_alone`` runs, or
    ending on a horizontal rule (a cell's side); each with paper on both
    sides (``side`` pixels: :func:`_standing_apart`). A letter's stem in a
    large heading ("l", "d") is as long as a short cell's side, but it stands
    free; a bold line's joined serifs have its stems above."""
    import numpy as np
    from scipy import ndimage

    h = _standing_apart(long_runs(ink, run, 1), ink, 1, side, st.rule_side_max_ink)
    v = _standing_apart(long_runs(ink, run, 0), ink, 0, side, st.rule_side_max_ink)
    if not v.any():
        return h, v
    reach = max(2, run // 4)
    labels, n = ndimage.label(v)
    keep = np.zeros(n + 1, bool)
    for k, (ys, xs) in enumerate(ndimage.find_objects(labels), 1):
        x0, x1 = max(0, xs.start - reach), xs.stop + reach
        ends = (h[max(0, ys.start - reach):ys.start + reach + 1, x0:x1].any()
                or h[max(0, ys.stop - 1 - reach):ys.stop + reach, x0:x1].any())
        keep[k] = ys.stop - ys.start >= st.vertical_rule_alone * run or ends
    return h, keep[labels]


def otsu_level(a) -> int:
    """The grey level that best divides the pixels of ``a`` (uint8) into two
    classes (Otsu's method: the largest variance between them)."""
    import numpy as np

    p = np.bincount(a.ravel(), minlength=256).astype(np.float64)
    p /= p.sum()
    w = np.cumsum(p)
    mu = np.cumsum(p * np.arange(256))
    with np.errstate(divide="ignore", invalid="ignore"):
        between = np.nan_to_num((mu[-1] * w - mu) ** 2 / (w * (1 - w)))
    return int(np.argmax(between)) + 1  # pixels below it are the dark class


def rule_ink(a, st: OcrSettings = DEFAULT):
    """The pixels of ``a`` (a grey page, uint8) dark enough to be part of a rule."""
    import numpy as np

    return a < int(np.clip(otsu_level(a), st.ink_level, st.rule_ink_max_level))


def without_rules(image, width: float, st: OcrSettings = DEFAULT) -> tuple:
    """The page image with its rules whited out (a slightly turned rule is still
    found in pieces: over 12 pt a turn of a degree moves it by a fifth of a point),
    the rules' mask, and the straight runs of ink found (horizontal, vertical),
    which :func:`image_marks` takes again for a page whose words need no turn."""
    import numpy as np
    from PIL import Image
    from scipy import ndimage

    a = np.asarray(image)
    h, v = _straight(rule_ink(a, st), _rule_run(image, width, st), _rule_side(image, width, st), st)
    rules = ndimage.binary_dilation(h | v, iterations=2)
    clean = a.copy()
    clean[rules] = 255
    return Image.fromarray(clean), rules, (h, v)


def _rule_run(image, width: float, st: OcrSettings) -> int:
    """The shortest run of ink (pixels) that is a rule: ``rule_min_points``."""
    return max(3, int(st.rule_min_points * image.width / width))


def _rule_side(image, width: float, st: OcrSettings) -> int:
    """The band beside a rule that must be paper (pixels): ``rule_side_points``."""
    return max(1, round(st.rule_side_points * image.width / width))


def image_marks(image, skew: float, width: float, straight: tuple | None = None,
                st: OcrSettings = DEFAULT) -> tuple[list[Edge], list[Shape]]:
    """Rules (long straight runs of ink) and solid blobs (bullets) of a page
    image, in points, after turning the image back by ``skew`` degrees as the
    words were: a ruled table or a drawn bullet on a scan is then what the
    layout analysis knows from a born-digital page. ``straight``: the runs
    :func:`without_rules` found in the same image (finding them is a third of
    a page's work outside Tesseract), turned back with the ink; a rule slightly
    askew was found in pieces along its slope, which turned back are one rule."""
    import numpy as np
    from PIL import Image
    from scipy import ndimage

    scale = width / image.width  # points per pixel
    thick = st.rule_max_points / scale
    if straight is None:
        straight = _straight(rule_ink(np.asarray(image), st), _rule_run(image, width, st),
                             _rule_side(image, width, st), st)
    ink = np.asarray(image) < st.ink_level
    if skew:
        ink, *straight = (_turned_mask(m, skew) for m in (ink, *straight))
    edges: list[Edge] = []
    for orientation, found in zip("hv", straight):
        # a sloping rule's pieces, turned back, meet corner to corner
        labels, _ = ndimage.label(found, structure=np.ones((3, 3), bool))
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
    lo, hi = st.bullet_min_points / scale, st.bullet_max_points / scale
    for k, sl in enumerate(ndimage.find_objects(labels), 1):
        ys, xs = sl
        h, w = ys.stop - ys.start, xs.stop - xs.start
        if not (lo <= h <= hi and lo <= w <= hi) or max(h, w) > 1.5 * min(h, w):
            continue
        if (labels[sl] == k).mean() < st.bullet_fill:
            continue
        shapes.append(Shape(xs.start * scale, ys.start * scale, xs.stop * scale, ys.stop * scale))
    return edges, shapes


def _turned_mask(mask, degrees: float):
    """A boolean mask turned ``degrees`` counter-clockwise about its centre, as
    ``Image.rotate`` turns the page (nearest pixel: still a mask)."""
    import numpy as np
    from PIL import Image

    turned = Image.fromarray(mask.astype(np.uint8) * 255).rotate(degrees, resample=Image.NEAREST, fillcolor=0)
    return np.asarray(turned) > 127


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
