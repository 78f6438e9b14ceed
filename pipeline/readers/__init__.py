"""Readers: one per format, each turning a file into a :class:`~pipeline.document.Document`.

Readers are imported lazily so that reading a text export never loads PDFium.
"""

from __future__ import annotations

from pathlib import Path

from ..document import Document, ReadError, ReadProgress

FORMATS = {".pdf": "pdf", ".docx": "docx", ".txt": "txt"}

#: A published Kommunkompassen report is 1-10 MB as PDF and far less as Word or
#: text; a file over this is refused before it is read (a 50 MB document took
#: minutes and crowded out the others).
MAX_FILE_MB = 100


def read_document(path: str | Path, progress: ReadProgress | None = None) -> Document:
    """Read any supported report; raise :class:`ReadError` with a one-line reason.
    ``progress`` hears of long work (pages read by OCR)."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ReadError(f"unsupported file type {path.suffix or '(none)'!r}; expected .pdf, .docx or .txt")
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty file")
    if size > MAX_FILE_MB * 1024 * 1024:
        raise ReadError(f"file of {size / 1024 / 1024:.0f} MB, over the {MAX_FILE_MB} MB limit for a report")
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(path, progress=progress)
    if fmt == "docx":
        from .docx import read_docx

        return read_docx(path)
    from .txt import read_txt

    return read_txt(path)


__all__ = ["FORMATS", "ReadError", "read_document"]
