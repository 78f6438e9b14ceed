"""Running Tesseract and reading its hOCR: the bottom layer of the OCR package.

Tesseract runs as a program (``tesseract``, Debian packages ``tesseract-ocr``
and ``tesseract-ocr-swe``), one thread a process. Its hOCR gives each line's
box, baseline, ``x_size`` (ascender to descender), ``x_ascenders`` and
``x_descenders``, and each word's box and confidence: :class:`HocrLine`.
Nothing here knows about pages, tables or the layout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

from ....document import ReadError
from ..settings import OCR_DEFAULTS as DEFAULT, OcrSettings

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-swe"

_BBOX = re.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_NUM = {key: re.compile(rf"{key} (-?[\d.]+)") for key in ("x_size", "x_descenders", "x_ascenders", "x_wconf")}
_BASELINE = re.compile(r"baseline (-?[\d.]+) (-?[\d.]+)")


@lru_cache(maxsize=4)
def tesseract_missing(language: str = DEFAULT.language) -> str | None:
    """Why OCR cannot run here (one line, with what to install), or None."""
    exe = shutil.which("tesseract")
    if exe is None:
        return f"no text layer (scanned PDF?) and Tesseract is not installed: {INSTALL_HINT}"
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"no text layer (scanned PDF?) and Tesseract does not run ({exc}): {INSTALL_HINT}"
    if language not in (out.stdout + out.stderr).split():
        return f"no text layer (scanned PDF?) and Tesseract has no model for {language!r}: {INSTALL_HINT}"
    return None


def run_tesseract(png: Path, *args: str, timeout: float = DEFAULT.page_time_limit) -> subprocess.CompletedProcess:
    """Tesseract on one image, its output on stdout; one thread (the pages run
    in parallel, not Tesseract's threads). Raises subprocess.TimeoutExpired."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    return subprocess.run(["tesseract", str(png), "stdout", *args], capture_output=True, env=env, timeout=timeout)


def stdout_text(out: subprocess.CompletedProcess) -> str:
    return out.stdout.decode("utf-8", errors="replace")


def read_hocr(png: Path, st: OcrSettings = DEFAULT) -> str:
    try:
        out = run_tesseract(png, "-l", st.language, "hocr", timeout=st.page_time_limit)
    except subprocess.TimeoutExpired:
        raise ReadError(f"OCR of a page took over {st.page_time_limit:g} s") from None
    if out.returncode != 0:
        raise ReadError(f"OCR failed: {out.stderr.decode(errors='replace').strip().splitlines()[-1:] or '?'}")
    return stdout_text(out)


def orientation(png: Path, st: OcrSettings = DEFAULT) -> int:
    """How far (degrees clockwise: 0, 90, 180 or 270) the page image is to be
    turned for its text to stand upright, by Tesseract's orientation
    detection; 0 when it is unsure."""
    try:
        out = run_tesseract(png, "--psm", "0", timeout=st.page_time_limit)
    except subprocess.TimeoutExpired:
        return 0
    text = stdout_text(out)
    turn, conf = re.search(r"Rotate: (\d+)", text), re.search(r"Orientation confidence: ([\d.]+)", text)
    if out.returncode != 0 or not turn or not conf or float(conf.group(1)) < st.orientation_min_confidence:
        return 0
    return int(turn.group(1)) % 360


def _title(el) -> str:
    return el.get("title") or ""


@dataclass
class HocrLine:
    x0: int  # the line's left and bottom (pixels): its baseline is given from there
    bottom: int
    slope: float
    offset: float
    x_size: float
    descent: float
    words: list[tuple[str, tuple[int, int, int, int], float]]  # text, pixel box, confidence
    ascent: float = 0.0  # above the x-height
    #: the x-height of the line this one was cut from (0: measure this one)
    whole_x_height: float = 0.0
    #: OcrSettings.x_height_share and x_height_min_letters, for a line to measure itself
    x_height_rule: tuple[float, int] = (DEFAULT.x_height_share, DEFAULT.x_height_min_letters)

    @property
    def x_height(self) -> float:
        if self.whole_x_height:
            return self.whole_x_height
        # only lower-case letters show an x-height: a line of digits or capitals
        # has none, and its x_size is its only measure
        share, min_letters = self.x_height_rule
        lower = sum(ch.islower() for text, _, _ in self.words for ch in text)
        if lower >= min_letters and 0 < self.ascent < self.x_size:
            return self.x_size - self.ascent
        return self.x_size * share

    def shifted(self, dx: int, dy: int) -> "HocrLine":
        return HocrLine(self.x0 + dx, self.bottom + dy, self.slope, self.offset, self.x_size, self.descent,
                         [(t, (b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy), c) for t, b, c in self.words],
                         self.ascent, self.whole_x_height, self.x_height_rule)


def hocr_lines(hocr: str, st: OcrSettings = DEFAULT) -> tuple[tuple[int, int] | None, list[HocrLine]]:
    """The image size and the text lines of Tesseract's hOCR output (its first image)."""
    pages = hocr_pages(hocr, st)
    return pages[0] if pages else (None, [])


def hocr_pages(hocr: str, st: OcrSettings = DEFAULT) -> list[tuple[tuple[int, int] | None, list[HocrLine]]]:
    """Per image Tesseract read (one, or each of a list file's), its size and
    text lines."""
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", hocr, count=1))
    return [_page_lines(e, st) for e in root.iter() if e.get("class") == "ocr_page"]


def _page_lines(page_el, st: OcrSettings) -> tuple[tuple[int, int] | None, list[HocrLine]]:
    m = _BBOX.search(_title(page_el))
    size = (int(m.group(3)), int(m.group(4))) if m else None
    out = []
    for line in page_el.iter():
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
        out.append(HocrLine(lx0, ly1, float(base.group(1)) if base else 0.0, float(base.group(2)) if base else 0.0,
                             x_size if x_size > 0 else float(ly1 - ly0), float(ds.group(1)) if ds else 0.0, words,
                             float(asc.group(1)) if asc else 0.0,
                             x_height_rule=(st.x_height_share, st.x_height_min_letters)))
    return size, out
