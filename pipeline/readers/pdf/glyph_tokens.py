"""Type 3 glyphs named by what they draw, so that a glyph's decoding
(:mod:`.decoding`) learnt on one page holds on every page.

A print to PostScript and back draws each letter as a Type 3 font's glyph
procedure (a small bitmap) and gives it a made-up Unicode value by its
position in that font: "a" is U+2701 in one page's font and U+2704 in the
next page's. Those fonts have no name and no program, so nothing PDFium
gives tells two of them apart, and a page alone has too few words to decide
every glyph. The procedure itself does tell: Ghostscript writes one drawing
of a glyph at one size the same wherever it is used (a 20-page report has
about 2,700 procedures and 350 drawings).

:func:`with_glyph_tokens` returns a copy of the PDF whose Type 3 fonts map
each code to a private use character that stands for the procedure's
drawing, the same character for the same drawing throughout the document;
the backend names the words it reads from that copy's Type 3 fonts
:data:`TOKEN_FONT`, and the decoding pools their glyphs over the whole
document. Nothing else of the PDF changes (boxes and order are the
original's).
"""

from __future__ import annotations

import hashlib
import io
import logging

#: the font of every word read from the copy's Type 3 fonts
TOKEN_FONT = "kompass-type3-glyphs"
#: the private use area of the Basic Multilingual Plane: the drawings'
#: characters (a document with more distinct drawings is left as it is)
_FIRST, _LAST = 0xE000, 0xF8FF
#: form XObjects nested deeper than this are not a report's pages (and
#: guard against cycles)
_MAX_DEPTH = 8


def with_glyph_tokens(data: bytes) -> bytes | None:
    """The PDF ``data`` with its Type 3 fonts re-mapped (see the module's
    docstring), or None when it has none, has more drawings than private
    use characters, or cannot be parsed."""
    try:
        import pypdf
        from pypdf.generic import NameObject, StreamObject
    except ImportError:  # pragma: no cover - a dependency
        return None
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings name no file: the reader's notes do
    try:
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
        fonts = _type3_fonts(writer)
        if not fonts:
            return None
        drawings = [_drawings(f) for f in fonts]
        distinct = sorted({d for codes in drawings for d in codes.values()})
        if len(distinct) > _LAST - _FIRST + 1:
            return None
        token = {d: chr(_FIRST + i) for i, d in enumerate(distinct)}
        for font, codes in zip(fonts, drawings):
            cmap = StreamObject()
            cmap.set_data(_cmap({code: token[d] for code, d in codes.items()}).encode("ascii"))
            font[NameObject("/ToUnicode")] = writer._add_object(cmap)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except Exception:  # noqa: BLE001 - a PDF pypdf cannot parse is read as it is
        return None


def _type3_fonts(writer) -> list:
    """Every Type 3 font dictionary the pages (and their forms) use, once."""
    seen: set[int] = set()
    out = []

    def visit(resources, depth: int) -> None:
        resources = resources.get_object() if resources is not None else None
        if not hasattr(resources, "get") or depth > _MAX_DEPTH:
            return
        fonts = resources.get("/Font")
        for ref in (fonts.get_object().values() if fonts is not None else ()):
            font = ref.get_object()
            if id(font) not in seen and font.get("/Subtype") == "/Type3" and "/CharProcs" in font:
                seen.add(id(font))
                out.append(font)
        forms = resources.get("/XObject")
        for ref in (forms.get_object().values() if forms is not None else ()):
            form = ref.get_object()
            if id(form) not in seen and form.get("/Subtype") == "/Form":
                seen.add(id(form))
                visit(form.get("/Resources"), depth + 1)

    for page in writer.pages:
        visit(page.get("/Resources"), 0)
    return out


def _drawings(font) -> dict[int, str]:
    """Code -> a digest of the glyph procedure the code draws, by the font's
    encoding differences (a Type 3 font names its glyphs there)."""
    procs = font["/CharProcs"].get_object()
    encoding = font.get("/Encoding")
    differences = encoding.get_object().get("/Differences", []) if encoding is not None else []
    out: dict[int, str] = {}
    code = 0
    for item in differences:
        if isinstance(item, int):
            code = int(item)
            continue
        proc = procs.get(str(item))
        if proc is not None and 0 <= code <= 255:
            out[code] = hashlib.sha1(proc.get_object().get_data()).hexdigest()
        code += 1
    return out


def _cmap(chars: dict[int, str]) -> str:
    """A ToUnicode CMap giving each one-byte code its character."""
    lines = [f"<{code:02x}> <{ord(ch):04x}>" for code, ch in sorted(chars.items())]
    body = []
    for i in range(0, len(lines), 100):  # at most 100 entries per block
        chunk = lines[i:i + 100]
        body += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Kompass-Glyphs def", "/CMapType 2 def",
        "1 begincodespacerange", "<00> <ff>", "endcodespacerange",
        *body, "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])
