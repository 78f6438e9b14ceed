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
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image


def scan_image(page: pdfium.PdfPage, dpi: int, angle: float, noise: float, rng: np.random.Generator) -> Image.Image:
    image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    if angle:
        image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if noise:
        a = np.asarray(image, dtype=np.float32) + rng.normal(0.0, noise, (image.height, image.width))
        image = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    return image


def make_scan(src: Path, pages: list[int], out: Path, dpi: int, angle: float, noise: float, seed: int = 0,
              quality: int = 75) -> None:
    pdf = pdfium.PdfDocument(src)
    rng = np.random.default_rng(seed)
    scan = pdfium.PdfDocument.new()
    for number in pages:
        page = pdf[number - 1]
        width, height = page.get_size()
        image = scan_image(page, dpi, angle, noise, rng)
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=quality)
        new = scan.new_page(width, height)
        img = pdfium.PdfImage.new(scan)
        img.load_jpeg(io.BytesIO(buf.getvalue()), inline=False)
        img.set_matrix(pdfium.PdfMatrix().scale(width, height))
        new.insert_obj(img)
        new.gen_content()
    out.parent.mkdir(parents=True, exist_ok=True)
    scan.save(out)


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
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--digital", type=Path, help="also write the same pages born-digital here")
    args = ap.parse_args(argv)
    n = len(pdfium.PdfDocument(args.src))
    pages = [int(p) for p in args.pages.split(",")] if args.pages else list(range(1, n + 1))
    make_scan(args.src, pages, args.out, args.dpi, args.angle, args.noise, args.seed)
    if args.digital:
        make_digital(args.src, pages, args.digital)
    print(f"wrote {args.out} ({len(pages)} pages, {args.dpi} dpi, {args.angle:+g}°, noise {args.noise:g})"
          + (f" and {args.digital}" if args.digital else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
