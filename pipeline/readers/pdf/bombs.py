"""A PDF whose page content inflates without end (a Flate bomb) is refused
before PDFium reads it: PDFium inflates a page's content streams whole and
offers no bound to set, so a 2 MB file can hold 2 GB of drawing operators
(measured: 3.2 GB of memory and 11 s to read it, then nothing).

pypdf walks the page tree and each page's content streams are inflated in
blocks and given up at the bound, so no more than a block is held. A file
pypdf cannot parse is left to PDFium, which says what is wrong with it.
"""

from __future__ import annotations

import io
import zlib

#: bytes inflated at a time
_BLOCK = 1 << 22


def _inflated(raw: bytes, limit: int) -> int:
    """How many bytes ``raw`` (a zlib stream) inflates to, counting stops past ``limit``."""
    d = zlib.decompressobj()
    total = len(d.decompress(raw, _BLOCK))
    while d.unconsumed_tail and total <= limit:
        total += len(d.decompress(d.unconsumed_tail, _BLOCK))
    return total


def inflates_too_far(data: bytes, limit: int) -> str | None:
    """Why the PDF ``data`` is refused unread: a page whose content streams
    inflate to more than ``limit`` bytes; None when none does (or pypdf
    cannot tell)."""
    try:
        from pypdf import PdfReader
        from pypdf.generic import ArrayObject

        reader = PdfReader(io.BytesIO(data), strict=False)
        for number, page in enumerate(reader.pages, 1):
            contents = page.get("/Contents")
            if contents is None:
                continue
            contents = contents.get_object()
            streams = list(contents) if isinstance(contents, ArrayObject) else [contents]
            total = 0
            for stream in streams:
                stream = stream.get_object()
                filters = stream.get("/Filter")
                filters = [filters] if not isinstance(filters, ArrayObject) else list(filters)
                if filters != ["/FlateDecode"]:
                    total += len(getattr(stream, "_data", b"") or b"")
                    continue
                total += _inflated(stream._data, limit - total)
                if total > limit:
                    return (f"page {number}'s content inflates to more than {limit // 2 ** 20} MB, which no report "
                            "page does (a crafted file?)")
    except Exception:  # noqa: BLE001 - whatever pypdf cannot parse, PDFium judges
        return None
    return None
