"""Backend: pypdfium2 (PDFium). The only module of the reader that imports it.

Per page it gives :class:`~.model.PageContent`: words with their boxes, size
and boldness; the page's ruling segments (for ruled tables); and its small
filled shapes (for drawn bullets). Everything after this works on those plain
dataclasses, so the layout rules can be tested on hand-made pages.

Why PDFium: it keeps its objects in C and hands Python only what is asked
for. pdfminer (under pdfplumber) builds a Python object per glyph, which made
reading cost 55 times ``pdftotext``. Here Python touches each *word* a few
times (first and last glyph's box, the font of its text object), and each
character only once, as part of the page's text fetched in one call.

Words are cut where PDFium's text has whitespace: real space glyphs, and the
spaces and line breaks PDFium generates where glyphs are far apart or a line
ends (its heuristic is pdftotext's). Ligatures are expanded.
"""

from __future__ import annotations

import ctypes
import hashlib
import math
import re
from dataclasses import replace

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from ...document import ReadError, ReadProgress
from .glyphs import has_unmapped, repair_word
from .model import Edge, PageContent, Shape, TagNode, Word
from .bombs import inflates_too_far
from .settings import PdfSettings

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demibold|demi\b|[,-]b$|\bbd\b", re.I)
#: a font whose name says it is of regular weight is, whatever weight its
#: descriptor gives: Ghostscript's rewrites give Times-Roman the weight 695
_REGULAR_FONT = re.compile(r"roman|regular|book|light|thin|medium|normal|[,-]r$", re.I)
#: PDFium's weight for bold (CSS: 600 semibold, 700 bold)
_BOLD_WEIGHT = 600
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
#: PDFium marks a hyphen it found at the end of a line with U+0002
_PDFIUM_HYPHEN = "\x02"
#: ... and a hyphen (soft or hard) where a line breaks with U+FFFE, giving the
#: two halves of the word without a line break between
_PDFIUM_LINE_HYPHEN = "\ufffe"
#: text angles (radians) within this of 0 are upright; other text (vertical
#: captions, rotated stamps) is not report text
_UPRIGHT = 0.02
#: where a line's box starts above and ends below the baseline, × size (the
#: em box of most text fonts)
_ASCENT, _DESCENT = 0.8, 0.2
_ox, _oy = ctypes.c_double(), ctypes.c_double()
_matrix = raw.FS_MATRIX()
#: filled shapes whose both sides are below this (points) are bullet candidates,
#: not table rules or shading
_SMALL_SHAPE = 12.0


def open_pdf(data: bytes) -> "pdfium.PdfDocument":
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == raw.FPDF_ERR_PASSWORD:
            raise ReadError("encrypted PDF (password protected)") from exc
        reason = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        raise ReadError(f"not a readable PDF: {reason}") from exc


def read_pages(data: bytes, st: PdfSettings, progress: ReadProgress | None = None) -> list[PageContent]:
    """Every page of a PDF given as bytes, as plain :class:`PageContent`
    (``progress`` is told of the pages OCR reads)."""
    pdf = open_pdf(data)
    try:
        n = len(pdf)
        if n == 0:
            raise ReadError("not a readable PDF: no pages")
        if n > st.max_pages:
            raise ReadError(f"a PDF of {n} pages, over the {st.max_pages} pages a report may have "
                            "(a crafted or combined file?)")
        if (why := inflates_too_far(data, st.max_content_bytes)) is not None:
            raise ReadError(why)
        tagged = st.use_tags and bool(raw.FPDFCatalog_IsTagged(pdf))
        pages = []
        for i in range(n):
            page = pdf[i]
            try:
                pages.append(read_page(page, i + 1, st, tagged))
            finally:
                page.close()
        return _with_ocr(pdf, pages, st, progress, data)
    except pdfium.PdfiumError as exc:
        raise ReadError(f"not a readable PDF: {str(exc).strip()[:120] or type(exc).__name__}") from exc
    finally:
        pdf.close()


def _with_ocr(pdf, pages: list[PageContent], st: PdfSettings,
              progress: ReadProgress | None = None, data: bytes = b"") -> list[PageContent]:
    """The pages, scans and pages whose text layer does not read as text
    (:mod:`.text_layer`) replaced by their words from Tesseract, as new pages.

    Without Tesseract (or with OCR off) a scan stays a page without text and
    an untrusted layer is dropped: the reader's notes say what to install."""
    from .ocr import ocr_pages, tesseract_missing
    from .text_layer import check_words, ocr_reads_better, untrusted_pages

    untrusted = untrusted_pages(pages, st)
    scans = [p for p in pages if not p.words and p.image_share >= st.scan_image_share]
    todo = sorted(scans + [p for p in pages if p.number in untrusted], key=lambda p: p.number)
    if not todo:
        return pages
    ceiling = st.recognition.max_pages
    if len(todo) > ceiling:
        # the first pages, and the rest said: no file holds a reader for hours
        beyond = {p.number for p in todo[ceiling:]}
        pages = [replace(p, words=[], over_bounds=f"beyond the {ceiling} pages OCR reads in one file")
                 if p.number in beyond else p for p in pages]
        todo = todo[:ceiling]
        untrusted = {n: v for n, v in untrusted.items() if n not in beyond}
    can_ocr = st.ocr and tesseract_missing(st.recognition.language) is None
    results = ocr_pages(pdf, sorted(p.number for p in todo), {p.number: (p.width, p.height) for p in todo},
                        progress, st.recognition) if can_ocr else {}
    # only a layer with glyphs of fonts that have neither name nor program
    # (Type 3) is worth the copy: every other font is told by its program
    typeset = {p.number for p in pages if p.number in untrusted
               and any(not w.font and has_unmapped(w.text) for w in p.words)}
    tokens, ink = _token_layers(data, typeset, st)
    decoded = _decoded_layers([tokens.get(p.number, p) for p in pages], untrusted, results, st, ink)
    out = []
    for p in pages:
        got = results.get(p.number)
        layer = untrusted.get(p.number)
        doubt = f"its text layer does not read as text ({layer.describe()})" if layer else ""
        d = decoded.get(p.number)
        if d is not None and d.ocr_layout:
            got = replace(got, words=d.words)
            p = replace(p, decoded_words=len(d.words), decoded_from_ocr=d.from_ocr)
        if d is not None and not d.ocr_layout:
            p = replace(p, words=d.words, glyphs_repaired=0, glyphs_unrepaired=d.undecided,
                        decoded_words=len(d.words), decoded_from_ocr=d.from_ocr)
        elif got is not None and got.words and (layer is None or ocr_reads_better(layer, check_words(got.words), st)):
            size = got.size if got.size is not None else (p.width, p.height)  # a sheet fed sideways: landscape
            p = replace(p, words=got.words, edges=got.edges, shapes=got.shapes, tables=[], tags=None, ocr=True,
                        glyphs_repaired=0, glyphs_unrepaired=[],
                        ocr_confidence=got.confidence, ocr_skew=got.skew, ocr_turned=got.turned if got.size else 0,
                        width=size[0], height=size[1], text_layer_doubt=doubt)
        elif layer is not None and not (got is not None and got.words):
            # nothing better to read it by: its junk is not stored as findings
            p = replace(p, words=[], edges=[], shapes=[], tables=[], tags=None, text_layer_doubt=doubt,
                        glyphs_repaired=0, glyphs_unrepaired=[])
        out.append(p)
    return out


def _token_layers(data: bytes, numbers: set[int], st: PdfSettings) -> tuple[dict[int, PageContent], dict[str, float]]:
    """The pages ``numbers``, set in Type 3 fonts without a Unicode map, read
    from the copy whose glyphs are named by their drawings
    (:mod:`.glyph_tokens`), by page number (none when no page is); and the
    height of each drawing's ink above its baseline."""
    from .glyph_tokens import TOKEN_FONT, with_glyph_tokens

    if not numbers or not data:
        return {}, {}
    copy = with_glyph_tokens(data)
    if copy is None:
        return {}, {}
    out, ink = {}, {}
    pdf = open_pdf(copy)
    try:
        for number in sorted(numbers):
            page = pdf[number - 1]
            try:
                got = read_page(page, number, st, by_font=False)
                _ink_heights(page, ink)
            finally:
                page.close()
            # a glyph of the copy reads alike wherever its drawing is used, whatever font holds it
            words = [replace(w, font=TOKEN_FONT) if not w.font and has_unmapped(w.text) else w for w in got.words]
            if any(w.font == TOKEN_FONT for w in words):
                out[number] = replace(got, words=words)
    finally:
        pdf.close()
    return out, {g: sorted(hs)[len(hs) // 2] for g, hs in ink.items()}


def _ink_heights(page, ink: dict[str, list[float]]) -> None:
    """Add to ``ink`` the height of each private use glyph's ink above its
    baseline (points), one per use."""
    tp = page.get_textpage()
    try:
        for k in range(raw.FPDFText_CountChars(tp)):
            code = raw.FPDFText_GetUnicode(tp, k)
            if 0xE000 <= code <= 0xF8FF:
                raw.FPDFText_GetCharBox(tp, k, _l, _r, _b, _t)
                raw.FPDFText_GetCharOrigin(tp, k, _ox, _oy)
                ink.setdefault(chr(code), []).append(round(_t.value - _oy.value, 2))
    finally:
        tp.close()


def _decoded_layers(pages: list[PageContent], untrusted: dict, results: dict, st: PdfSettings,
                    ink: dict[str, float] | None = None) -> dict:
    """The untrusted layers that read as text once decoded by the glyph map
    OCR's readings of all of them teach (:mod:`.decoding`), by page number.
    A layer of Type 3 glyphs (:mod:`.glyph_tokens`) has no size or weight
    PDFium can tell: its words are sized by their font's letters' ink and
    weighted by OCR (:func:`_sized_by_ink`); a page of them that cannot be
    sized or decoded gives its letters to OCR's words instead
    (:func:`.decoding.spell_ocr_words`)."""
    from .decoding import decode_words, glyph_votes, learn_map, read_alike, spell_ocr_words
    from .glyph_tokens import TOKEN_FONT
    from .text_layer import check_words

    todo = [p for p in pages if p.number in untrusted and results.get(p.number) is not None
            and results[p.number].words and not results[p.number].turned and results[p.number].size is None]
    if not todo:
        return {}
    # what OCR saw on each page: its words, and a bullet where it saw one (a
    # list's bullet glyph, mapped like the letters)
    seen = {p.number: results[p.number].words + [Word("•", s.x0, s.x1, s.top, s.bottom, s.bottom - s.top)
                                                 for s in results[p.number].shapes] for p in todo}
    def votes(words_of) -> dict:
        return glyph_votes([pair for p in todo for pair in read_alike(words_of(p), seen[p.number])])

    table = learn_map(votes(lambda p: p.words), st)
    typeset_pages = [p for p in todo if any(w.font == TOKEN_FONT for w in p.words)]
    sized = _sized_by_ink(typeset_pages, ink or {}, table, results, st)
    if sized:
        # a bitmap's box is tall and pairs a word with OCR's words of two
        # lines, which then vote for none: sized, the words vote again
        table = learn_map(votes(lambda p: sized.get(p.number, p.words)), st)
        sized = _sized_by_ink(typeset_pages, ink or {}, table, results, st)
    out = {}
    for p in todo:
        typeset = any(w.font == TOKEN_FONT for w in p.words)
        if typeset and p.number not in sized:
            out[p.number] = spell_ocr_words(results[p.number].words, p.words, table)
            continue
        d = decode_words(sized.get(p.number, p.words), table, seen[p.number])
        verdict = check_words(d.words).trusted(st)
        # mostly OCR's words at the layer's places: OCR's own page is better
        mostly_ocr = d.from_ocr + len(d.undecided) > st.decode_max_undecided * len(d.words)
        if not mostly_ocr and (verdict or (verdict is None and not d.undecided)):
            out[p.number] = d
        elif typeset:
            out[p.number] = spell_ocr_words(results[p.number].words, p.words, table)
    return out


def _sized_by_ink(pages: list[PageContent], ink: dict[str, float], table, results: dict,
                  st: PdfSettings) -> dict[int, list[Word]]:
    """The Type 3 words of ``pages`` with the sizes their letters' ink tells
    (:func:`.glyph_tokens.sizes_by_ink`) and the weight OCR reads their font
    with (:func:`.glyph_tokens.bold_fonts`), by page number; a page whose
    letters tell no size is left out (OCR's words are spelt by it instead)."""
    from .decoding import read_alike
    from .glyph_tokens import TOKEN_FONT, bold_fonts, drawing_fonts, sizes_by_ink

    def baseline(w: Word) -> float:
        return w.bottom - _DESCENT * w.size

    words = {p.number: [w for w in p.words if w.font == TOKEN_FONT] for p in pages}
    sizes = sizes_by_ink(words, ink, lambda g: table.letter(TOKEN_FONT, g), baseline,
                         st.type3_cap_height, st.type3_x_per_cap)
    sized = {}
    for p in pages:
        if any(s is None for s in sizes[p.number]):
            continue
        sized[p.number] = [replace(w, size=round(s, 2), top=baseline(w) - _ASCENT * s, bottom=baseline(w) + _DESCENT * s)
                           for w, s in zip(words[p.number], sizes[p.number])]
    font_of = drawing_fonts(words)
    bold = bold_fonts([pair for n, ws in sized.items() for pair in read_alike(ws, results[n].words)], font_of)
    out = {}
    for p in pages:
        if p.number in sized:
            new = iter(replace(w, bold=font_of[w.text[0]] in bold) for w in sized[p.number])
            out[p.number] = [next(new) if w.font == TOKEN_FONT else w for w in p.words]
    return out


def read_page(page: "pdfium.PdfPage", number: int, st: PdfSettings, tagged: bool = False,
              by_font: bool = True) -> PageContent:
    """One page's content; ``by_font``: words of glyphs without text are cut
    where their font changes (see :func:`_font_runs`)."""
    width, height = page.get_size()
    if width * height > st.max_page_area:
        return PageContent(number, float(width), float(height), [],
                           over_bounds=f"a page of {width / 72:.0f} × {height / 72:.0f} inches")
    objects = raw.FPDFPage_CountObjects(page)
    if objects > st.max_objects_per_page:
        return PageContent(number, float(width), float(height), [], over_bounds=f"{objects} objects on one page")
    skipped = [0]
    got = _page_words(page, height, skipped, by_font, st.max_chars_per_page)
    if isinstance(got, int):
        return PageContent(number, float(width), float(height), [], over_bounds=f"{got} characters on one page")
    words, repaired, unrepaired = _repaired(got)
    for w in words:
        w.page = number
    edges: list[Edge] = []
    shapes: list[Shape] = []
    tags = None
    image_share = 0.0
    if words:
        _page_graphics(page, height, st, edges, shapes)
        if tagged:
            tags = _page_tags(page, number)
    else:
        image_share, pixels = _image_share(page, width, height)
        if pixels > st.max_image_pixels:
            return PageContent(number, float(width), float(height), [],
                               over_bounds=f"an image of {pixels / 1e6:.0f} million pixels")
    return PageContent(number, float(width), float(height), words, [], edges, shapes, tags,
                       rotated_words=skipped[0], image_share=image_share, glyphs_repaired=repaired,
                       glyphs_unrepaired=unrepaired)


def font_is_bold(name: str, weight: int) -> bool:
    """Bold by the font's name when it names its weight, else by the weight
    its descriptor gives (PDFium's, CSS scale; -1 or 0 when unknown)."""
    if _BOLD_FONT.search(name):
        return True
    return weight >= _BOLD_WEIGHT and not _REGULAR_FONT.search(name)


def _repaired(words: list[Word]) -> tuple[list[Word], int, list[str]]:
    """The words with wrongly mapped glyphs repaired (:func:`.glyphs.repair_word`),
    how many were, and the texts of those that could not be."""
    out, repaired, unrepaired = [], 0, []
    for w in words:
        text, done = repair_word(w.text)
        if done == "repaired":
            w = replace(w, text=text)
            repaired += 1
        elif done == "unrepaired":
            unrepaired.append(w.text)
        out.append(w)
    return out, repaired, unrepaired


def _image_share(page, width: float, height: float) -> tuple[float, int]:
    """Share of a text-less page covered by its largest image (a scan covers
    nearly all of it; a blank page has none), and the most pixels an image of
    it has (from its dictionary: nothing is decoded)."""
    best, pixels = 0.0, 0
    l, b, r, t = (ctypes.c_float() for _ in range(4))
    pw, ph = ctypes.c_uint(), ctypes.c_uint()
    for i in range(raw.FPDFPage_CountObjects(page)):
        obj = raw.FPDFPage_GetObject(page, i)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_IMAGE:
            continue
        if raw.FPDFImageObj_GetImagePixelSize(obj, pw, ph):
            pixels = max(pixels, pw.value * ph.value)
        if raw.FPDFPageObj_GetBounds(obj, l, b, r, t):
            w = min(r.value, width) - max(l.value, 0.0)
            h = min(t.value, height) - max(b.value, 0.0)
            if w > 0 and h > 0:
                best = max(best, w * h / (width * height))
    return best, pixels


# ---------------------------------------------------------------------------
# text


def _page_words(page: "pdfium.PdfPage", height: float, skipped: list[int], by_font: bool = True,
                max_chars: int | None = None) -> list[Word] | int:
    """The page's upright words; ``skipped[0]`` counts words set at an angle.
    A page of more than ``max_chars`` characters is not read: their number."""
    tp = page.get_textpage()
    try:
        n = raw.FPDFText_CountChars(tp)
        if n <= 0:
            return []
        if max_chars is not None and n > max_chars:
            return n
        text = tp.get_text_range(0, n)
        if len(text) != n:  # surrogate pairs: one call per glyph, each pair made whole
            text = utf16_text([raw.FPDFText_GetUnicode(tp, k) for k in range(n)])
        # codes read as control characters: a font without its Unicode map,
        # whose whitespace may be letters (see _inked)
        codes = _CODES.search(text) is not None
        rect = raw.FS_RECTF()
        buf = ctypes.create_string_buffer(256)
        fonts: dict = {}  # text object -> (bold, mcid, font); ("digest", font) -> its digest
        words: list[Word] = []
        start = -1
        for k in range(n + 1):
            ch = text[k] if k < n else " "
            if ch == _PDFIUM_LINE_HYPHEN and start >= 0:
                # the word ends at the hyphen; its second half is on the next line
                words += _words(tp, text, start, k, height, rect, buf, fonts, skipped, by_font)
                start = -1
                continue
            blank = ch.isspace() or ch in "\x00\ufffe\uffff"
            if (_inked(tp, k) if codes and k < n and (blank or raw.FPDFText_HasUnicodeMapError(tp, k) == 1)
                    else not blank):
                if start < 0:
                    start = k
                continue
            if start < 0:
                continue
            words += _words(tp, text, start, k - 1, height, rect, buf, fonts, skipped, by_font)
            start = -1
        return words
    finally:
        tp.close()


def utf16_text(units: list[int]) -> str:
    """PDFium's glyphs as text, one character per glyph index: a character
    outside the Basic Multilingual Plane takes two indices (its UTF-16
    surrogates), read as the character and a zero-width space (which
    clean_text drops); a lone surrogate or a missing code is U+FFFD."""
    out = []
    k = 0
    while k < len(units):
        u = units[k]
        nxt = units[k + 1] if k + 1 < len(units) else 0
        if 0xD800 <= u < 0xDC00 and 0xDC00 <= nxt < 0xE000:
            out += [chr(0x10000 + ((u - 0xD800) << 10) + (nxt - 0xDC00)), "\u200b"]
            k += 2
            continue
        out.append("\ufffd" if not u or 0xD800 <= u < 0xE000 or u > 0x10FFFF else chr(u))
        k += 1
    return "".join(out)


_l, _r, _b, _t = (ctypes.c_double() for _ in range(4))
#: control characters other than those PDFium writes itself (tabs, line
#: ends, U+0002 for a hyphen)
_CODES = re.compile("[\x00\x01\x03-\x08\x0b\x0c\x0e-\x1f]")


def _inked(tp, k: int) -> bool:
    """Is the glyph at ``k``, which reads as whitespace or has no Unicode map,
    a drawn letter? A font without its Unicode map reads its codes as they
    are: code 9 as a tab, code 32 as a space, code 33 as "!", whatever it
    draws. A glyph with ink is part of its word, for the layer's judgement
    and decoding (:mod:`.decoding`) to see; a space PDFium inserted, or a
    font's space, has none and ends the word."""
    if raw.FPDFText_IsGenerated(tp, k):
        return False
    raw.FPDFText_GetCharBox(tp, k, _l, _r, _b, _t)
    return _t.value - _b.value > 0.1  # points: a glyph without ink has a box of no height


def _font_runs(tp, text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A run of glyphs cut where its font changes, when a glyph of it reads
    as no text (a control character, the private use area): such glyphs are
    decoded font by font (:mod:`.decoding`), and a bullet glyph and a letter
    glyph read as a space leave no space between them. Any other run is one
    word, whatever its fonts."""
    if not has_unmapped(text[start:end + 1]):
        return [(start, end)]
    runs, first = [], start
    font = raw.FPDFTextObj_GetFont(raw.FPDFText_GetTextObject(tp, start))
    for k in range(start + 1, end + 1):
        here = raw.FPDFTextObj_GetFont(raw.FPDFText_GetTextObject(tp, k))
        if ctypes.cast(here, ctypes.c_void_p).value != ctypes.cast(font, ctypes.c_void_p).value:
            runs.append((first, k - 1))
            first, font = k, here
    return runs + [(first, end)]


def _words(tp, text: str, start: int, end: int, height: float, rect, buf, fonts: dict,
           skipped: list[int], by_font: bool = True) -> list[Word]:
    runs = _font_runs(tp, text, start, end) if by_font else [(start, end)]
    if len(runs) > 1:
        return [w for a, b in runs for w in _words(tp, text, a, b, height, rect, buf, fonts, skipped)]
    w = _word(tp, text, start, end, height, rect, buf, fonts)
    if w is not None:
        return [w]
    angle = raw.FPDFText_GetCharAngle(tp, start)
    if min(abs(angle), abs(angle - 6.283185)) > _UPRIGHT:
        skipped[0] += 1
        return []
    if end == start:
        return []
    return _split_word(tp, text, start, end, height, rect, buf, fonts)


def _word(tp, text: str, start: int, end: int, height: float, rect, buf, fonts: dict) -> Word | None:
    angle = raw.FPDFText_GetCharAngle(tp, start)
    if min(abs(angle), abs(angle - 6.283185)) > _UPRIGHT:
        return None
    s = text[start:end + 1]
    if s.endswith(_PDFIUM_LINE_HYPHEN):
        s = s[:-1] + "-"  # soft or hard: the paragraph stage decides (join_lines)
    if _PDFIUM_HYPHEN in s:
        s = s.replace(_PDFIUM_HYPHEN, "-")
    for lig, rep in _LIGATURES.items():
        if lig in s:
            s = s.replace(lig, rep)
    raw.FPDFText_GetLooseCharBox(tp, start, rect)
    x0, x1, box_top, box_bottom = rect.left, rect.right, height - rect.top, height - rect.bottom
    if end != start:
        raw.FPDFText_GetLooseCharBox(tp, end, rect)
        if _off_line(tp, start, end, box_bottom - box_top) or rect.right < x0:
            return None  # glyphs of one "word" on two lines: the caller splits it
        x1 = rect.right
    # PDFium gives the size set by Tf, before the text matrix and the page's
    # transformation: WeasyPrint and Chromium write in CSS pixels under a 0.75
    # scale, so 10 pt text reads as 13.3 unless scaled back
    raw.FPDFText_GetMatrix(tp, start, _matrix)
    size = raw.FPDFText_GetFontSize(tp, start) * math.sqrt(abs(_matrix.a * _matrix.d - _matrix.b * _matrix.c))
    if not size > 0.5:  # a font scaled by the text matrix: the box tells the size
        size = box_bottom - box_top
    # Vertical extent from the baseline and the size, the same for every glyph:
    # glyph boxes vary with the letters (descenders, capitals) and would make
    # line pitch depend on the words
    raw.FPDFText_GetCharOrigin(tp, start, _ox, _oy)
    baseline = height - _oy.value
    top, bottom = baseline - _ASCENT * size, baseline + _DESCENT * size
    obj = raw.FPDFText_GetTextObject(tp, start)
    key = ctypes.cast(obj, ctypes.c_void_p).value or 0
    known = fonts.get(key)
    if known is None:
        bold, mcid, name = False, -1, ""
        if key:
            font = raw.FPDFTextObj_GetFont(obj)
            if font:
                weight = raw.FPDFFont_GetWeight(font)
                length = raw.FPDFFont_GetBaseFontName(font, buf, 256)
                name = buf.raw[: max(min(length, 256) - 1, 0)].decode("latin-1", "replace")
                bold = font_is_bold(name, weight)
                pointer = ctypes.cast(font, ctypes.c_void_p).value
                digest = fonts.get(("digest", pointer))
                if digest is None:
                    digest = fonts[("digest", pointer)] = _font_digest(font)
                name = f"{name}#{digest}" if digest else ""  # a Type 3 font has no program to tell it by
            mcid = raw.FPDFPageObj_GetMarkedContentID(obj)
        known = fonts[key] = (bold, mcid, name)
    return Word(s, x0, x1, top, bottom, round(size, 2), known[0], mcid=known[1], font=known[2])


def _font_digest(font) -> str:
    """A digest of the font's embedded program: one font whatever page uses
    it, and two subsets of one name (Chromium names none) apart."""
    size = ctypes.c_size_t()
    if not raw.FPDFFont_GetFontData(font, None, 0, ctypes.byref(size)) or not size.value:
        return ""
    data = (ctypes.c_uint8 * size.value)()
    raw.FPDFFont_GetFontData(font, data, size.value, ctypes.byref(size))
    return hashlib.sha1(bytes(data)).hexdigest()[:12]


_oy2 = ctypes.c_double()


def _off_line(tp, a: int, b: int, scale: float) -> bool:
    """Are glyphs ``a`` and ``b`` on two lines: their baselines further apart
    than ``scale`` (a glyph's box height)? Baselines, not boxes: a Type 3
    font's glyph boxes are its bitmaps, as tall as each letter."""
    raw.FPDFText_GetCharOrigin(tp, a, _ox, _oy)
    raw.FPDFText_GetCharOrigin(tp, b, _ox, _oy2)
    return abs(_oy.value - _oy2.value) > max(scale, 1.0)


def _split_word(tp, text: str, start: int, end: int, height: float, rect, buf, fonts: dict) -> list[Word]:
    """A run of glyphs PDFium gave without whitespace that does not sit on one
    line (or runs backwards): cut it where a glyph leaves the line."""
    out: list[Word] = []
    s0 = start
    raw.FPDFText_GetLooseCharBox(tp, start, rect)
    prev = (rect.left, rect.top - rect.bottom)
    for k in range(start + 1, end + 1):
        raw.FPDFText_GetLooseCharBox(tp, k, rect)
        cur = (rect.left, rect.top - rect.bottom)
        if _off_line(tp, k - 1, k, prev[1]) or cur[0] < prev[0] - 0.5:
            w = _word(tp, text, s0, k - 1, height, rect, buf, fonts)
            if w is not None:
                out.append(w)
            s0 = k
        prev = cur
    w = _word(tp, text, s0, end, height, rect, buf, fonts)
    if w is not None:
        out.append(w)
    return out


# ---------------------------------------------------------------------------
# structure tree (tagged PDFs)

#: nesting deeper than this is not a report's structure (and guards against cycles)
_MAX_TAG_DEPTH = 64


def _struct_type(el) -> str:
    n = raw.FPDF_StructElement_GetType(el, None, 0)
    if n <= 2:
        return ""
    buf = ctypes.create_string_buffer(n)
    raw.FPDF_StructElement_GetType(el, buf, n)
    return buf.raw[: n - 2].decode("utf-16-le", "replace")


def _page_tags(page: "pdfium.PdfPage", number: int) -> TagNode | None:
    """The page's structure tree: PDFium loads the elements that own content on
    this page (through the document's parent tree) and their ancestors, and
    keeps only this page's marked-content ids; a kid it cannot give (None, -1)
    is content on another page, but it keeps its slot in the kid list."""
    tree = raw.FPDF_StructTree_GetForPage(page)
    if not tree:
        return None
    try:
        root = TagNode("Root", number)
        for i in range(raw.FPDF_StructTree_CountChildren(tree)):
            el = raw.FPDF_StructTree_GetChildAtIndex(tree, i)
            if el:
                root.add(i, _tag_node(el, number, 0))
        return root if root.kids else None
    finally:
        raw.FPDF_StructTree_Close(tree)


def _tag_node(el, number: int, depth: int) -> TagNode:
    node = TagNode(_struct_type(el), number)
    n = raw.FPDF_StructElement_CountChildren(el)
    for i in range(n):
        child = raw.FPDF_StructElement_GetChildAtIndex(el, i)
        if child:
            if depth < _MAX_TAG_DEPTH:
                node.add(i, _tag_node(child, number, depth + 1))
            continue
        mcid = raw.FPDF_StructElement_GetChildMarkedContentID(el, i)
        if mcid >= 0:
            node.add(i, (number, mcid))
    if n == 0:
        mcid = raw.FPDF_StructElement_GetMarkedContentID(el)  # /K is a bare number
        if mcid >= 0:
            node.add(0, (number, mcid))
    return node


# ---------------------------------------------------------------------------
# graphics: ruling segments and small filled shapes


def _page_graphics(page, height: float, st: PdfSettings, edges: list[Edge], shapes: list[Shape]) -> None:
    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    n = raw.FPDFPage_CountObjects(page)
    for i in range(n):
        _walk(raw.FPDFPage_GetObject(page, i), identity, height, st, edges, shapes, 0)


def _mul(m, n):
    """Matrix product m·n of PDF matrices (a, b, c, d, e, f): apply m, then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _walk(obj, outer, height, st, edges, shapes, depth) -> None:
    kind = raw.FPDFPageObj_GetType(obj)
    if kind == raw.FPDF_PAGEOBJ_FORM and depth < 8:
        fm = raw.FS_MATRIX()
        raw.FPDFPageObj_GetMatrix(obj, fm)
        m = _mul((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), outer)
        for j in range(raw.FPDFFormObj_CountObjects(obj)):
            _walk(raw.FPDFFormObj_GetObject(obj, j), m, height, st, edges, shapes, depth + 1)
        return
    if kind != raw.FPDF_PAGEOBJ_PATH:
        return
    fill = ctypes.c_int()
    stroke = ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj, fill, stroke)
    filled, stroked = fill.value != raw.FPDF_FILLMODE_NONE, bool(stroke.value)
    if not (filled or stroked):
        return  # a clipping path
    pm = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, pm)
    m = _mul((pm.a, pm.b, pm.c, pm.d, pm.e, pm.f), outer)
    subpaths: list[tuple[list[tuple[float, float]], bool]] = []
    pts: list[tuple[float, float]] = []
    curved = False
    x = ctypes.c_float()
    y = ctypes.c_float()
    for s in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, s)
        raw.FPDFPathSegment_GetPoint(seg, x, y)
        a, b, c, d, e, f = m
        px, py = a * x.value + c * y.value + e, b * x.value + d * y.value + f
        t = raw.FPDFPathSegment_GetType(seg)
        if t == raw.FPDF_SEGMENT_MOVETO:
            if pts:
                subpaths.append((pts, curved))
            pts, curved = [(px, height - py)], False
        else:
            if t == raw.FPDF_SEGMENT_BEZIERTO:
                curved = True
            pts.append((px, height - py))
            if raw.FPDFPathSegment_GetClose(seg) and pts[0] != pts[-1]:
                pts.append(pts[0])
    if pts:
        subpaths.append((pts, curved))
    for pts, curved in subpaths:
        _subpath(pts, curved, filled, stroked, st, edges, shapes)


def _subpath(pts, curved, filled, stroked, st, edges, shapes) -> None:
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
    w, h = x1 - x0, bottom - top
    if filled and w < _SMALL_SHAPE and h < _SMALL_SHAPE and w > st.rule_max_thickness and h > st.rule_max_thickness:
        shapes.append(Shape(x0, top, x1, bottom))
        return
    if curved:
        return  # rounded frames and drawings are not table rules
    if filled and (w <= st.rule_max_thickness or h <= st.rule_max_thickness):
        # a filled thin rectangle: Word and LibreOffice draw rules this way
        if w >= h:
            edges.append(Edge("h", x0, (top + bottom) / 2, x1, (top + bottom) / 2))
        else:
            edges.append(Edge("v", (x0 + x1) / 2, top, (x0 + x1) / 2, bottom))
        return
    rect = len(pts) in (4, 5) and all(
        abs(p[0] - q[0]) < 0.5 or abs(p[1] - q[1]) < 0.5 for p, q in zip(pts, pts[1:])
    )
    if rect and (filled or stroked):
        # a rectangle: its four sides (a framed or shaded cell)
        edges.append(Edge("h", x0, top, x1, top))
        edges.append(Edge("h", x0, bottom, x1, bottom))
        edges.append(Edge("v", x0, top, x0, bottom))
        edges.append(Edge("v", x1, top, x1, bottom))
        return
    if stroked:
        for (ax, ay), (bx, by) in zip(pts, pts[1:]):
            if abs(ay - by) < 0.5 and abs(ax - bx) > 0.5:
                edges.append(Edge("h", min(ax, bx), ay, max(ax, bx), ay))
            elif abs(ax - bx) < 0.5 and abs(ay - by) > 0.5:
                edges.append(Edge("v", ax, min(ay, by), ax, max(ay, by)))
