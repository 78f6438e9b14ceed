"""Recognising a PDF's pages: render, turn upright and straight, recognise,
read the numbers again, in parallel on every core. The top layer: it uses the
others and nothing uses it but the PDF backend.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, as_completed, wait
from pathlib import Path

from ....document import ReadProgress
from .engine import orientation, read_hocr
from .image import image_marks, image_skew, rendered_pages, temporary_image, without_border, without_rules
from .numbers import reread_numbers, table_cells
from ..settings import OCR_DEFAULTS as DEFAULT, OcrSettings
from .words import (PageOcr, drop_bullet_readings, glued_bullets_read_as_bullets, mostly_vertical, page_words,
                    snap_cell_sizes, snap_to_body_size, with_weights)

def recognise_pages(pages: Iterable[tuple[int, object]], page_sizes: dict[int, tuple[float, float]], folder: Path,
                    workers: int | None = None, progress: ReadProgress | None = None,
                    st: OcrSettings = DEFAULT) -> dict[int, PageOcr]:
    """Recognise page images ((page number, grey PIL image) each, taken from
    ``pages`` in this thread as the workers are ready for them: a renderer's
    pages are never all held at once), in parallel: one Tesseract process per
    page, one thread each, as many at once as cores. ``folder`` holds the
    files each reading leaves for Tesseract."""
    workers = workers or max(1, os.cpu_count() or 1)
    # a sheet turned one way is seldom alone: the turn the page read last
    # needed is tried first on the next (one wasted reading when the turned
    # sheets end, instead of asking every later page its orientation)
    last_turn = [0]

    def one(number: int, image) -> tuple[int, PageOcr]:
        width, height = page_sizes[number]
        stem = folder / f"page-{number:04d}"
        readings: dict[int, PageOcr] = {}

        def reading(turn: int) -> PageOcr:
            if turn not in readings:
                readings[turn] = (_turned(image, stem, number, turn, width, height, st) if turn
                                  else _recognise(image, stem, number, width, height, st))
            return readings[turn]

        first = last_turn[0]
        if not first and width > height:
            # a landscape page may be a portrait sheet fed sideways
            turn = _orientation(image, stem, st)
            first = turn if turn in (90, 270) else 0
        if first and _reads_well(reading(first), st):
            last_turn[0] = first
            return number, readings[first]
        got = reading(0)
        if not _reads_well(got, st):
            # a sheet fed upside down reads as noise, one fed sideways as
            # words standing on end: Tesseract's orientation detection says
            # how far to turn it; the turned page is kept if it reads better
            turn = _orientation(image, stem, st)
            if turn:
                again = reading(turn)
                if (again.confidence or 0) > (got.confidence or 0) or (
                        mostly_vertical(got) and not mostly_vertical(again) and again.words):
                    got = again
        if _reads_well(got, st):
            last_turn[0] = got.turned or 0
        return number, got

    out: dict[int, PageOcr] = {}
    total = len(page_sizes)

    def collect(done) -> None:
        for future in done:
            number, got = future.result()
            out[number] = got
            if progress is not None:  # called from this thread only
                progress.page_recognised(len(out), total)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        running: set = set()
        for number, image in pages:
            if len(running) >= 2 * workers:  # one waiting per worker besides the one it reads
                done, running = wait(running, return_when=FIRST_COMPLETED)
                collect(done)
            running.add(pool.submit(one, number, image))
        collect(as_completed(running))
    return out


def _reads_well(got: PageOcr, st: OcrSettings) -> bool:
    return got.confidence is not None and got.confidence >= st.orientation_check_confidence and not mostly_vertical(got)


def _orientation(image, stem: Path, st: OcrSettings) -> int:
    with temporary_image(image, stem.with_name(stem.name + "-osd")) as path:
        return orientation(path, st)


def _turned(image, stem: Path, number: int, turn: int, width: float, height: float, st: OcrSettings) -> PageOcr:
    """The page turned ``turn`` degrees clockwise, read: a sheet fed sideways
    is a landscape page."""
    turned = image.rotate(-turn, expand=True, fillcolor=255)
    size = (height, width) if turn in (90, 270) else (width, height)
    return replace(_recognise(turned, stem.with_name(f"{stem.name}-turned"), number, *size, st), turned=turn,
                   size=size)


def _recognise(image, stem: Path, number: int, width: float, height: float, st: OcrSettings) -> PageOcr:
    """One page image's words, its rules and bullets (``stem`` names the
    files the steps leave for Tesseract)."""
    import numpy as np
    from PIL import Image

    image = without_border(image, width, st)
    # a sheet laid askew by a degree or more is turned straight first: its
    # rules are then straight runs of ink, and its table rows level
    turn = image_skew(image, st)
    if abs(turn) >= st.image_deskew_min_degrees:
        image = image.rotate(turn, resample=Image.BICUBIC, fillcolor=255)
    else:
        turn = 0.0
    # Tesseract reads a ruled table's cells better without the rules (it
    # takes a rule for a "=" or a dash, and may skip a cell's lone number)
    clean_image, rules, straight = without_rules(image, width, st)
    ink = np.asarray(clean_image) < st.ink_level
    with temporary_image(clean_image, stem.with_name(stem.name + "-clean")) as clean:
        got = page_words(read_hocr(clean, st), number, width, height, ink, st)
    cells = table_cells(rules, got.frame.scale, st) if got.frame else []
    got = reread_numbers(got, clean_image, ink, cells, stem.parent, number, st)
    if got.words:
        got = with_weights(snap_to_body_size(snap_cell_sizes(got, cells, st), st), ink, st)
        edges, shapes = image_marks(image, got.skew, width, straight, st)
        words, bullets = drop_bullet_readings(got.words, shapes)
        got = replace(got, words=glued_bullets_read_as_bullets(words, bullets), edges=edges, shapes=bullets)
    return replace(got, skew=round(got.skew + turn, 2))  # the whole angle, for the report


def ocr_pages(pdf, numbers: list[int], sizes: dict[int, tuple[float, float]],
              progress: ReadProgress | None = None, st: OcrSettings = DEFAULT) -> dict[int, PageOcr]:
    """Render and recognise the given pages of an open PDF; ``progress`` is
    told how many pages there are before, and as each is done."""
    if progress is not None:
        progress.pages_to_recognise(len(numbers))
    with tempfile.TemporaryDirectory(prefix="kompass-ocr-") as tmp:
        return recognise_pages(rendered_pages(pdf, numbers, st), {n: sizes[n] for n in numbers}, Path(tmp),
                               progress=progress, st=st)
