"""The second look a scanned page's short numbers get: where
page recognition fails most, on the scores and question numbers in a
table's cells.

Each short number the page reading gave, each ruled cell with ink but no
word, and each blob of ink the size of a number that no word covers is
cropped close to its ink and read again by the English and the Swedish
model, the crops laid one under another on a sheet (one Tesseract run per
model and page). The number two readings agree on is taken
(:func:`reread_numbers`).
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Word
from .engine import HocrLine, hocr_lines, hocr_pages, run_tesseract, stdout_text
from .image import stack_crops, temporary_image
from ..settings import OCR_DEFAULTS as DEFAULT, OcrSettings

if TYPE_CHECKING:
    from .words import PageOcr

_DIGIT_LOOKALIKES = set("TIlLiOoQDSsZzBbGgq|!:;.,%")
_NUMBER = re.compile(r"^\d{1,3}(?:[.,]\d{1,2})?\.?\s?%?$")
#: Tesseract's Swedish model has no good "%": it reads "48%" as "4890",
#: "4820" or "30940"; the English model reads it. A Swedish reading of the
#: English one's digits and two or three more characters is the same reading
_PERCENT = re.compile(r"^(\d{1,3})\s?%$")
_PERCENT_SIGN_MISREAD = re.compile(r"^[\d%o]{2,3}$")


def table_cells(rules, scale: float, st: OcrSettings = DEFAULT) -> list[tuple[int, int, int, int]]:
    """Table cells: the spaces the rules enclose (pixels), the page around the
    tables and frames taller than a cell left out."""
    from scipy import ndimage

    labels, _ = ndimage.label(~rules)
    h_img, w_img = rules.shape
    out = []
    for sl in ndimage.find_objects(labels):
        ys, xs = sl
        if ys.start == 0 or xs.start == 0 or ys.stop >= h_img or xs.stop >= w_img:
            continue  # the page around the tables
        hp, wp = (ys.stop - ys.start) * scale, (xs.stop - xs.start) * scale
        if st.cell_min_points <= hp <= st.cell_max_points and wp >= st.cell_min_points:
            out.append((xs.start, ys.start, xs.stop, ys.stop))
    return out


def _number_like(text: str, st: OcrSettings) -> bool:
    return len(text) <= st.number_max_chars and (any(ch.isdigit() for ch in text) or set(text) <= _DIGIT_LOOKALIKES)


def _in_number_column(got: PageOcr, i: int, numbers: list[int], st: OcrSettings) -> bool:
    """Whether word ``i`` stands in a column of numbers: ``number_column_min``
    numbers lie across its width within ``number_column_lines`` of its height above
    or below it (a score Tesseract read as letters: "åN" for a 7)."""
    x0, y0, x1, y1 = got.pixel_boxes[i]
    reach = st.number_column_lines * (y1 - y0)
    near = 0
    for j in numbers:
        b = got.pixel_boxes[j]
        if j != i and b[0] < x1 and x0 < b[2] and abs((b[1] + b[3]) - (y0 + y1)) / 2 <= reach:
            near += 1
    return near >= st.number_column_min


@dataclass
class _Number:
    """A short number to read again: its ink's box (pixels), the page words it
    replaces and what the page's recognition made of them ("" for none)."""

    box: tuple[int, int, int, int]
    words: list[int]
    page: str
    #: an empty cell's reading is taken even when it is no number (a header's
    #: "Max"); ink outside the cells only as a number or a word both models
    #: read alike (``_agreed_word``)
    any_text: bool = True


def _ink_box(ink, box: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
    """The box of the ink inside ``box`` (rows and columns with two inked
    pixels or more: a speck of noise does not widen it), or None."""
    x0, y0, x1, y1 = box
    sub = ink[y0:y1, x0:x1]
    rows, cols = (sub.sum(axis=1) >= 2).nonzero()[0], (sub.sum(axis=0) >= 2).nonzero()[0]
    if not len(rows) or not len(cols):
        return None
    return x0 + int(cols[0]), y0 + int(rows[0]), x0 + int(cols[-1]) + 1, y0 + int(rows[-1]) + 1


def _numbers_to_read_again(got: PageOcr, ink, cells: list, st: OcrSettings) -> list[_Number]:
    """The table cells holding a short number or ink without a word, and the
    short number-like words outside any cell (a table without rules)."""
    inside: dict[tuple, list[int]] = {c: [] for c in cells}
    loose: list[int] = []
    for i, b in enumerate(got.pixel_boxes):
        x, y = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        home = next((c for c in cells if c[0] <= x < c[2] and c[1] <= y < c[3]), None)
        (inside[home] if home is not None else loose).append(i)
    out = []
    for c, words in inside.items():
        text = "".join(got.words[i].text for i in words)
        if words and len(text) > st.number_max_chars:
            continue
        if not words and ink[c[1]:c[3], c[0]:c[2]].sum() < st.cell_min_ink_pixels:
            continue
        box = _ink_box(ink, c)
        if box is not None:
            out.append(_Number(box, words, text))
    numbers = [i for i in loose if _NUMBER.match(got.words[i].text)]
    for i in loose:
        text = got.words[i].text
        wanted = _number_like(text, st) or (len(text) <= st.number_max_chars and _in_number_column(got, i, numbers, st))
        box = _ink_box(ink, got.pixel_boxes[i]) if wanted else None
        if box is not None:
            out.append(_Number(box, [i], got.words[i].text))
    return out


def _unread_ink(got: PageOcr, ink, cells: list, st: OcrSettings) -> list[_Number]:
    """Ink that no recognised word covers, outside the ruled cells (read cell
    by cell), in blobs the size of a short word: what page segmentation passed
    over in a table without rules (its question numbers, a lone score). Read
    again like an empty cell, and taken only as a number."""
    import numpy as np
    from scipy import ndimage

    scale = got.frame.scale
    covered = np.zeros_like(ink)
    pad = max(1, round(st.unread_pad_points / scale))
    for b in got.pixel_boxes:
        covered[max(0, b[1] - pad):b[3] + pad, max(0, b[0] - pad):b[2] + pad] = True
    for c in cells:
        covered[c[1]:c[3], c[0]:c[2]] = True
    rest = ink & ~covered
    join = np.ones((1, 2 * max(1, round(st.unread_join_points / scale)) + 1), bool)
    labels, _ = ndimage.label(ndimage.binary_dilation(rest, structure=join))
    out = []
    for ys, xs in ndimage.find_objects(labels):
        box = _ink_box(rest, (xs.start, ys.start, xs.stop, ys.stop))
        if box is None:
            continue
        height, width = (box[3] - box[1]) * scale, (box[2] - box[0]) * scale
        if (st.unread_min_points <= height <= st.unread_max_points and width <= st.unread_max_width_points
                and rest[box[1]:box[3], box[0]:box[2]].sum() >= st.cell_min_ink_pixels
                and not _beside_a_word(box, got.pixel_boxes, 2 * st.unread_join_points / scale)):
            out.append(_Number(box, [], "", any_text=False))
    return out


def _beside_a_word(box, words: list, gap: float) -> bool:
    """Whether ink touches a recognised word on its line (within ``gap``
    pixels): the rest of that word's letters, which its box cut short ("1.4"
    boxed without its last stroke), not a number of its own."""
    height = box[3] - box[1]
    for b in words:
        if min(b[3], box[3]) - max(b[1], box[1]) >= height / 2 and max(b[0], box[0]) - min(b[2], box[2]) <= gap:
            return True
    return False


def _read_sheet(image, boxes: list, margin: int, path: Path, st: OcrSettings, *args: str) -> list[list[HocrLine]]:
    """Read the crops ``boxes`` (plus ``margin``) of ``image`` in one Tesseract
    run, laid one under another on a sheet read as one block of text: per
    crop, the lines read on it, in the page's pixels."""
    crops = [(b[0] - margin, b[1] - margin, b[2] + margin, b[3] + margin) for b in boxes]
    sheet, tops = stack_crops([image.crop(c) for c in crops], st.sheet_gap)
    try:
        with temporary_image(sheet, path) as file:
            out = run_tesseract(file, *args, "hocr", timeout=st.page_time_limit)
    except subprocess.TimeoutExpired:
        return [[] for _ in boxes]
    if out.returncode != 0:
        return [[] for _ in boxes]
    found: list[list[HocrLine]] = [[] for _ in boxes]
    for ln in hocr_lines(stdout_text(out), st)[1]:
        if not ln.words:
            continue
        mid = (min(b[1] for _, b, _ in ln.words) + max(b[3] for _, b, _ in ln.words)) / 2
        k = next((k for k, (top, c) in enumerate(zip(tops, crops)) if top <= mid <= top + c[3] - c[1]), None)
        if k is not None:
            found[k].append(ln.shifted(crops[k][0] - st.sheet_gap, crops[k][1] - tops[k]))
    return found


def _read_alone(image, boxes: list, margin: int, folder: Path, name: str, st: OcrSettings,
                *args: str) -> list[list[HocrLine]]:
    """Each crop ``boxes`` (plus ``margin``) of ``image`` read on a sheet of
    its own, all in one Tesseract run (a list of images: the model is loaded
    once): per crop, the lines read on it, in the page's pixels."""
    crops = [(b[0] - margin, b[1] - margin, b[2] + margin, b[3] + margin) for b in boxes]
    with ExitStack() as files:
        paths = [files.enter_context(temporary_image(stack_crops([image.crop(c)], st.sheet_gap)[0],
                                                     folder / f"{name}-{k}")) for k, c in enumerate(crops)]
        listing = files.enter_context(_listing(folder / f"{name}.txt", paths))
        try:
            out = run_tesseract(listing, *args, "hocr", timeout=st.page_time_limit)
        except subprocess.TimeoutExpired:
            return [[] for _ in boxes]
    pages = hocr_pages(stdout_text(out), st) if out.returncode == 0 else []
    if len(pages) != len(boxes):
        return [[] for _ in boxes]
    return [[ln.shifted(c[0] - st.sheet_gap, c[1] - st.sheet_gap) for ln in lines if ln.words]
            for c, (_, lines) in zip(crops, pages)]


@contextmanager
def _listing(path: Path, images: list[Path]) -> Iterator[Path]:
    """A list file naming images for one Tesseract run, removed after."""
    path.write_text("".join(f"{image}\n" for image in images), encoding="utf-8")
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def _one_word(lines: list[HocrLine], text: str) -> HocrLine:
    """A crop's reading as one line of one word, ``text`` (a number read "1 5" is 15)."""
    words = [w for ln in lines for w in ln.words]
    box = (min(b[0] for _, b, _ in words), min(b[1] for _, b, _ in words),
           max(b[2] for _, b, _ in words), max(b[3] for _, b, _ in words))
    first = lines[0]
    return HocrLine(first.x0, first.bottom, first.slope, first.offset, first.x_size, first.descent,
                     [(text, box, min(c for _, _, c in words))], first.ascent)


def _text(lines: list[HocrLine]) -> str:
    return "".join(t for ln in lines for t, _, _ in ln.words)


def _agreed(readings: list[str]) -> str | None:
    """The number at least two of the readings agree on, or None. A Swedish
    reading "4890" agrees with an English "48%" (see ``_PERCENT``)."""
    percents = {m.group(1) for r in readings if (m := _PERCENT.match(r))}

    def same(r: str) -> str:
        # "4890" or "30940" is "48%" or "30%" when another reading says so
        # (the "%" read as two or three characters)
        for p in percents:
            if r.startswith(p) and _PERCENT_SIGN_MISREAD.match(r[len(p):]):
                return f"{p}%"
        # a full stop read as a colon or a comma ("3:" and "3." are one reading)
        return re.sub(r"[:;,]", ".", r.replace(" ", ""))

    votes = [same(r) for r in readings if r]
    return next((r for r in votes if votes.count(r) >= 2 and _NUMBER.match(r)), None)


def _agreed_word(english: str, swedish: str, min_letters: int = DEFAULT.unread_word_min_letters) -> str | None:
    """The Swedish reading when it is a word of letters that the English
    reading spells the same but for the accents it has no letters for."""
    def plain(text: str) -> str:
        return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))

    word = swedish.strip()
    if len(word) >= min_letters and word.isalpha() and plain(word) == plain(english.strip()):
        return word
    return None


def _page_line(got: "PageOcr", n: _Number) -> Word | None:
    """A page word on the line the number sits on: the word it replaces, else
    the word whose box overlaps the number's most in height."""
    if n.words:
        return got.words[n.words[0]]
    best, overlap = None, 0
    for w, b in zip(got.words, got.pixel_boxes):
        o = min(b[3], n.box[3]) - max(b[1], n.box[1])
        if o > overlap:
            best, overlap = w, o
    return best


def _on_line(word: Word, line: Word | None) -> Word:
    """A number read again from its crop, given its page line's top, bottom and
    size: a crop holds too little text to size a line by, and a number sized
    apart from its row reads as another style (a table's row then breaks)."""
    if line is None:
        return word
    return replace(word, top=line.top, bottom=line.bottom, size=line.size)


def reread_numbers(got: PageOcr, image, ink, cells: list, folder: Path, number: int,
                   st: OcrSettings = DEFAULT) -> PageOcr:
    """``got`` after a second look at the short numbers, where page recognition fails most
    (the scores in a table's cells): each number, and each table cell with ink
    but no word (Tesseract's page segmentation skips a lone short number in a
    narrow cell; ``cells`` are the page's ruled cells, from
    :func:`table_cells`), is cropped close to its ink and read again by the English
    and the Swedish model. The number two of the three readings agree on is
    taken; when none do, the crop read alone (digits only, and any letter)
    decides; when still none agree, the page's reading stays. Ink no word
    covers may also be a word both models read alike (a column's header).
    ``ink`` is ``image`` below ``ink_level``, as a boolean array."""
    if got.frame is None:
        return got
    todo = _numbers_to_read_again(got, ink, cells, st) + _unread_ink(got, ink, cells, st)
    if not todo:
        return got
    margin = max(1, round(st.number_margin_points / got.frame.scale))
    boxes = [n.box for n in todo]
    # the crops are read as ink and paper, divided where the page's ink is:
    # Tesseract's own threshold, drawn from a small crop of a blurred or noisy
    # scan, can fall inside the strokes' grey edges and break the digits
    image = image.point(lambda v: 255 if v >= st.ink_level else 0)
    english = _read_sheet(image, boxes, margin, folder / f"numbers-{number}-eng", st, "-l", "eng", "--psm", "6")
    swedish = _read_sheet(image, boxes, margin, folder / f"numbers-{number}-swe", st, "-l", st.language,
                          "--psm", "6")
    readings = [[(n.page, []), (_text(english[k]), english[k]), (_text(swedish[k]), swedish[k])]
                for k, n in enumerate(todo)]
    # what two readings do not agree on is read alone as one line, with
    # digits alone allowed and with any letter (the digits-only mode drops a
    # lone "7" it is unsure of)
    undecided = [k for k in range(len(todo))
                 if _agreed([r for r, _ in readings[k]]) is None and (english[k] or swedish[k])]
    if undecided:
        for i, extra in enumerate((["-c", "tessedit_char_whitelist=0123456789.,%"], [])):
            alone = _read_alone(image, [todo[k].box for k in undecided], margin, folder, f"number-{number}-{i}", st,
                                "-l", "eng", "--psm", "7", *extra)
            for k, lines in zip(undecided, alone):
                readings[k].append((_text(lines), lines))
    drop: set[int] = set()
    new_words: list[Word] = []
    new_boxes: list = []
    for k, n in enumerate(todo):
        winner = _agreed([r for r, _ in readings[k]])
        if winner is None and not n.words and n.any_text:
            # an empty cell with ink: what it holds, if not a number (a header's "Max")
            lines = swedish[k] or english[k]
        elif winner is None and not n.words and _agreed_word(_text(english[k]), _text(swedish[k]),
                                                             st.unread_word_min_letters):
            lines = swedish[k]
        elif winner is None or winner == n.page:
            continue
        else:
            lines = next(([_one_word(lns, winner)] for r, lns in readings[k] if lns and _agreed([r, winner]) == winner),
                         [])
        if not lines:
            continue
        drop.update(n.words)
        line_of = _page_line(got, n)
        for ln in lines:
            new_words += [_on_line(w, line_of) for w in got.frame.words(ln, number)]
            new_boxes += [b for _, b, _ in ln.words]
    new_words, new_boxes = _one_reading_each(new_words, new_boxes)
    keep = [i for i in range(len(got.words)) if i not in drop]
    return replace(got, words=[got.words[i] for i in keep] + new_words,
                   pixel_boxes=[got.pixel_boxes[i] for i in keep] + new_boxes)


def _overlap(a, b) -> bool:
    """Whether two boxes share half the narrower one's width and half the lower one's height."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w >= min(a[2] - a[0], b[2] - b[0]) / 2 and h >= min(a[3] - a[1], b[3] - b[1]) / 2


def _one_reading_each(words: list[Word], boxes: list) -> tuple[list[Word], list]:
    """Crops read again can overlap (the ink of "1.4" in two blobs, each crop
    showing its neighbour): where two readings cover the same ink, the longer
    one is kept."""
    order = sorted(range(len(words)), key=lambda i: (-len(words[i].text), i))
    kept: list[int] = []
    for i in order:
        if not any(_overlap(boxes[i], boxes[j]) for j in kept):
            kept.append(i)
    kept.sort()
    return [words[i] for i in kept], [boxes[i] for i in kept]
