#!/usr/bin/env python3
"""Scanned renditions of a born-digital PDF, for testing OCR.

    .venv/bin/python tools/make_scans.py tests/fixtures/torsas-2017.pdf --pages 4,5,11,12 \\
        --dpi 200 --angle 0.6 --noise 12 --out tests/fixtures/scans/torsas-2017-scan.pdf

Each chosen page is rendered grey at ``--dpi``, turned by ``--angle`` degrees
(as a sheet laid slightly askew on the glass), given Gaussian noise of
``--noise`` grey levels (fixed seed) and saved as a JPEG image filling a page
of the original size: a PDF without a text layer, like a scan. ``--digital``
writes the same pages born-digital (copied from the original), to compare
the OCR reading with.

What other scanners do (each off by default; with none of them the page
images are exactly what they always were):

* ``--colour``: rendered in colour on slightly yellowish (recycled) paper,
  black ink lifted to a dark grey, noise in each channel; a colour JPEG.
* ``--bilevel``: an office scanner's "black and white" mode: the grey scan
  thresholded at ``--threshold`` and embedded as a 1-bit-per-pixel image
  (Flate, /BitsPerComponent 1, /DeviceGray; pypdfium2 can only embed 8-bit
  bitmaps, so these files are written by a small PDF writer here).
* ``--rotate 90|180|270``: the sheet fed sideways or upside down: the page
  image turned clockwise by a quarter turn (after ``--angle``) on a page of
  the turned size (a landscape page for 90 and 270), with no /Rotate.
* ``--border``: the dark band an open lid leaves along one or two edges of
  the glass (20-60 px at 300 dpi, dark grey, ragged, noisy), not turned with
  the sheet.
* ``--blur R``: a Gaussian blur of radius R pixels (an out-of-focus or cheap
  scanner), before the noise.
* ``--jpeg-quality Q``: the JPEG quality (default 75).

Everything random comes from ``--seed``, and PDFium's creation date and /ID
(which changed with the clock) are fixed: the same arguments give the same
bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
import sys
import zlib
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

#: recycled paper's colour (RGB) for ``colour``, and the dark grey black ink
#: scans as on it
PAPER = (246, 239, 218)
INK = (32, 30, 36)
#: the lid border's width at 300 dpi (pixels), and its grey levels
BORDER_PX = (20, 60)
BORDER_GREY = (35, 85)
#: grey level at or above which a pixel of a bilevel scan is white
THRESHOLD = 128
QUARTER_TURNS = (0, 90, 180, 270)


def _border(a: np.ndarray, dpi: int, rng: np.random.Generator) -> np.ndarray:
    """A scanner lid's dark band along one edge of the image, sometimes two
    (adjacent): a ragged inner edge, a little wider at one end, noisy grey
    darkening towards the outside. ``a`` is H x W or H x W x 3 (float)."""
    h, w = a.shape[:2]
    first = int(rng.integers(4))  # 0 left, 1 top, 2 right, 3 bottom
    edges = [first] + ([(first + 1) % 4] if rng.random() < 0.5 else [])
    scale = dpi / 300
    for edge in edges:
        length, depth = (h, w) if edge in (0, 2) else (w, h)
        lo, hi = sorted(rng.uniform(*BORDER_PX, size=2) * scale)
        along = np.linspace(lo, hi, length) + np.cumsum(rng.normal(0, 0.4, length)).clip(-4, 4) * scale
        band = np.clip(along, 2, depth / 4)
        dist = np.arange(int(band.max()) + 2, dtype=np.float32)  # distance in from the edge
        base = rng.uniform(*BORDER_GREY)
        inside = dist[None, :] < band[:, None]  # length x reach
        # darkest at the edge, a little lighter where the lid's shadow ends
        grey = base + 25 * (dist[None, :] / np.maximum(band[:, None], 1)) ** 2
        grey = grey + rng.normal(0, 14, grey.shape)
        reach = dist.size
        if edge == 0:
            view = (slice(None), slice(0, reach))
            region, mask = grey, inside
        elif edge == 2:
            view = (slice(None), slice(w - reach, w))
            region, mask = grey[:, ::-1], inside[:, ::-1]
        elif edge == 1:
            view = (slice(0, reach), slice(None))
            region, mask = grey.T, inside.T
        else:
            view = (slice(h - reach, h), slice(None))
            region, mask = grey.T[::-1], inside.T[::-1]
        target = a[view]
        if target.ndim == 3:
            target[mask] = np.clip(region[mask], 0, 255)[:, None]
        else:
            target[mask] = np.clip(region[mask], 0, 255)
    return a


def scan_image(page: pdfium.PdfPage, dpi: int, angle: float, noise: float, rng: np.random.Generator, *,
               colour: bool = False, bilevel: bool = False, rotate: int = 0, border: bool = False,
               blur: float = 0.0, threshold: int = THRESHOLD,
               extra_rng: np.random.Generator | None = None) -> Image.Image:
    """One page as a scanner would see it: mode "L", "RGB" (``colour``) or "1"
    (``bilevel``). ``rng`` gives the noise (as it always has); ``extra_rng``
    the border, so that the noise of a scan without a border is unchanged."""
    if colour and bilevel:
        raise ValueError("a scan is either colour or bilevel")
    if rotate not in QUARTER_TURNS:
        raise ValueError(f"rotate must be one of {QUARTER_TURNS}")
    extra_rng = extra_rng if extra_rng is not None else np.random.default_rng(0)
    if colour:
        rgb = np.asarray(page.render(scale=dpi / 72).to_pil().convert("RGB"), dtype=np.float32) / 255
        paper, ink = np.array(PAPER, np.float32), np.array(INK, np.float32)
        image = Image.fromarray(np.clip(ink + (paper - ink) * rgb, 0, 255).round().astype(np.uint8), "RGB")
        fill: int | tuple = PAPER
    else:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        fill = 255
    if angle:
        image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=fill)
    if border:
        a = _border(np.asarray(image, dtype=np.float32).copy(), dpi, extra_rng)
        image = Image.fromarray(a.round().astype(np.uint8), image.mode)
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        shape = (image.height, image.width) + ((3,) if colour else ())
        a = np.asarray(image, dtype=np.float32) + rng.normal(0.0, noise, shape)
        image = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), image.mode)
    if rotate:
        image = image.rotate(-rotate, expand=True)  # clockwise; exact for quarter turns
    if bilevel:
        image = Image.fromarray(np.asarray(image) >= threshold)  # mode "1": True is white
    return image


def _ref(n: int) -> bytes:
    return f"{n} 0 R".encode()


def _write_bilevel_pdf(pages: list[tuple[Image.Image, float, float]], out: Path) -> None:
    """A PDF of 1-bit images, one filling each page (``(image, width, height)``
    in points): /DeviceGray, /BitsPerComponent 1, Flate, as a scanner's
    black-and-white mode writes (many use CCITT G4 instead)."""
    objects: list[bytes] = []  # object n is objects[n - 1]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    tree = add(b"")
    kids = []
    for image, width, height in pages:
        bits = np.packbits(np.asarray(image, dtype=bool), axis=1)  # rows padded to bytes; 1 is white
        data = zlib.compress(bits.tobytes(), 9)
        img = add(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                  b"/BitsPerComponent 1 /Filter /FlateDecode /Length %d >>\nstream\n"
                  % (image.width, image.height, len(data)) + data + b"\nendstream")
        content = b"q %.4f 0 0 %.4f 0 0 cm /Im0 Do Q" % (width, height)
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %s /MediaBox [0 0 %.4f %.4f] /Resources << /XObject "
                        b"<< /Im0 %s >> >> /Contents %s >>"
                        % (_ref(tree), width, height, _ref(img), _ref(stream))))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %s >>" % _ref(tree)
    objects[tree - 1] = (b"<< /Type /Pages /Kids [%s] /Count %d >>"
                         % (b" ".join(_ref(k) for k in kids), len(kids)))
    buf = io.BytesIO()
    buf.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(buf.tell())
        buf.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = buf.tell()
    buf.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        buf.write(b"%010d 00000 n \n" % off)
    buf.write(b"trailer\n<< /Size %d /Root %s >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, _ref(catalog), xref))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buf.getvalue())


def make_scan(src: Path, pages: list[int], out: Path, dpi: int, angle: float, noise: float, seed: int = 0,
              quality: int = 75, *, colour: bool = False, bilevel: bool = False, rotate: int = 0,
              border: bool = False, blur: float = 0.0, threshold: int = THRESHOLD) -> None:
    pdf = pdfium.PdfDocument(src)
    rng = np.random.default_rng(seed)
    extra_rng = np.random.default_rng([seed, 1])  # the border's; the noise stream stays as it was
    options = dict(colour=colour, bilevel=bilevel, rotate=rotate, border=border, blur=blur,
                   threshold=threshold, extra_rng=extra_rng)
    if bilevel:
        sheets = []
        for number in pages:
            page = pdf[number - 1]
            width, height = page.get_size()
            if rotate in (90, 270):
                width, height = height, width
            sheets.append((scan_image(page, dpi, angle, noise, rng, **options), width, height))
        _write_bilevel_pdf(sheets, out)
        return
    scan = pdfium.PdfDocument.new()
    for number in pages:
        page = pdf[number - 1]
        width, height = page.get_size()
        if rotate in (90, 270):
            width, height = height, width
        image = scan_image(page, dpi, angle, noise, rng, **options)
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=quality)
        new = scan.new_page(width, height)
        img = pdfium.PdfImage.new(scan)
        img.load_jpeg(io.BytesIO(buf.getvalue()), inline=False)
        img.set_matrix(pdfium.PdfMatrix().scale(width, height))
        new.insert_obj(img)
        new.gen_content()
    buf = io.BytesIO()
    scan.save(buf)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(_reproducible(buf.getvalue()))


_CREATION_DATE = re.compile(rb"/CreationDate\(D:\d{14}([^)]*)\)")
_ID = re.compile(rb"/ID\[<([0-9A-Fa-f]+)><([0-9A-Fa-f]+)>\]")


def _reproducible(data: bytes) -> bytes:
    """PDFium's file with the two things that change from run to run (its
    creation date and a time-based /ID) fixed: a fixed date, and an /ID made
    from the content; every length stays as it was, so the xref stays right."""
    data = _CREATION_DATE.sub(lambda m: b"/CreationDate(D:20000101000000" + m.group(1) + b")", data)
    blank = _ID.sub(lambda m: b"/ID[<" + b"0" * len(m.group(1)) + b"><" + b"0" * len(m.group(2)) + b">]", data)
    digest = hashlib.sha256(blank).hexdigest().upper().encode()
    return _ID.sub(lambda m: b"/ID[<" + digest[:len(m.group(1))] + b"><" + digest[:len(m.group(2))] + b">]", data)


def make_digital(src: Path, pages: list[int], out: Path) -> None:
    pdf = pdfium.PdfDocument(src)
    subset = pdfium.PdfDocument.new()
    subset.import_pages(pdf, [p - 1 for p in pages])
    out.parent.mkdir(parents=True, exist_ok=True)
    subset.save(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("--pages", help="1-based pages, e.g. 4,5,11 (default: all)")
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--angle", type=float, default=0.0)
    ap.add_argument("--noise", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jpeg-quality", type=int, default=75, help="JPEG quality (default 75)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--colour", action="store_true", help="colour, on slightly yellowish paper")
    mode.add_argument("--bilevel", action="store_true", help="black and white, a 1-bit image")
    ap.add_argument("--threshold", type=int, default=THRESHOLD,
                    help=f"grey level from which a bilevel pixel is white (default {THRESHOLD})")
    ap.add_argument("--rotate", type=int, choices=QUARTER_TURNS, default=0,
                    help="the sheet turned clockwise by a quarter turn (fed sideways or upside down)")
    ap.add_argument("--border", action="store_true", help="a dark scanner-lid band along one or two edges")
    ap.add_argument("--blur", type=float, default=0.0, help="Gaussian blur radius in pixels")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--digital", type=Path, help="also write the same pages born-digital here")
    args = ap.parse_args(argv)
    n = len(pdfium.PdfDocument(args.src))
    pages = [int(p) for p in args.pages.split(",")] if args.pages else list(range(1, n + 1))
    make_scan(args.src, pages, args.out, args.dpi, args.angle, args.noise, args.seed, args.jpeg_quality,
              colour=args.colour, bilevel=args.bilevel, rotate=args.rotate, border=args.border, blur=args.blur,
              threshold=args.threshold)
    if args.digital:
        make_digital(args.src, pages, args.digital)
    extras = [name for name, on in (("colour", args.colour), ("bilevel", args.bilevel), ("border", args.border))
              if on]
    extras += [f"rotated {args.rotate}°"] * bool(args.rotate) + [f"blur {args.blur:g}"] * bool(args.blur)
    if not args.bilevel and args.jpeg_quality != 75:
        extras.append(f"JPEG quality {args.jpeg_quality}")
    print(f"wrote {args.out} ({len(pages)} pages, {args.dpi} dpi, {args.angle:+g}°, noise {args.noise:g}"
          + "".join(f", {e}" for e in extras) + ")"
          + (f" and {args.digital}" if args.digital else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
