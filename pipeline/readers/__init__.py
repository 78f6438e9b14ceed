"""Readers: one per format, each turning a file into a :class:`~pipeline.document.Document`.

Readers are imported lazily so that reading a text export never loads PDFium.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..document import Document, ReadError, ReadProgress

FORMATS = {".pdf": "pdf", ".docx": "docx", ".txt": "txt"}

#: A published Kommunkompassen report is 1-10 MB as PDF and far less as Word or
#: text; a file over this is refused before it is read (a 50 MB document took
#: minutes and crowded out the others).
MAX_FILE_MB = 100


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks (never the whole file at once)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def too_large(path: str | Path) -> str | None:
    """Why the file is refused unread by its size alone (from ``stat``), or None."""
    size = Path(path).stat().st_size
    if size == 0:
        return "empty file"
    if size > MAX_FILE_MB * 1024 * 1024:
        return f"file of {size / 1024 / 1024:.0f} MB, over the {MAX_FILE_MB} MB limit for a report"
    return None


def read_document(path: str | Path, progress: ReadProgress | None = None) -> Document:
    """Read any supported report; raise :class:`ReadError` with a one-line reason.
    ``progress`` hears of long work (pages read by OCR)."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ReadError(f"unsupported file type {path.suffix or '(none)'!r}; expected .pdf, .docx or .txt")
    if (why := too_large(path)) is not None:
        raise ReadError(why)
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(path, progress=progress)
    if fmt == "docx":
        from .docx import read_docx

        return read_docx(path)
    from .txt import read_txt

    return read_txt(path)


__all__ = ["FORMATS", "ReadError", "read_document"]
