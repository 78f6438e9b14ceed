"""Glyphs a PDF maps to the wrong code points, repaired where the mapping's
fault is known, and counted where it is not.

A font's ToUnicode map says which text each glyph stands for. Ghostscript's
``pdfwrite`` writes the map of a ligature glyph ("ff", "fl", "fi") with the
bytes of each UTF-16 unit swapped: "ff" (U+0066 U+0066) becomes U+6600 U+6600,
two CJK ideographs, and "effektivitet" reads "e昀昀ektivitet". A swapped
letter is a code point whose low byte is zero and whose high byte is an ASCII
letter; a word of Latin text whose every other script character has that form
is repaired. Glyphs left in the private use area, mapped to U+FFFD or to a
control character (Ghostscript's rewrite of a ReportLab PDF gives "å" as
U+0004) inside a word of Latin letters have no text to repair them to: the
word is counted, and the reader says so (flag ``glyphs_unrepaired``).
"""

from __future__ import annotations

import re
import unicodedata

#: a code point in these ranges inside Latin text is a glyph mapped wrongly
_CJK = (0x3400, 0x9FFF)
_PRIVATE_USE = (0xE000, 0xF8FF)


def _swapped_letter(ch: str) -> str | None:
    """The ASCII letter ``ch`` is with its UTF-16 bytes swapped, or None."""
    code = ord(ch)
    if code & 0xFF or not _CJK[0] <= code <= _CJK[1]:
        return None
    letter = chr(code >> 8)
    return letter if letter.isascii() and letter.isalpha() else None


def _latin(ch: str) -> bool:
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")


def unmapped(ch: str) -> bool:
    """A glyph a font without a Unicode map yields: a control character,
    U+FFFD or the private use area."""
    code = ord(ch)
    return _PRIVATE_USE[0] <= code <= _PRIVATE_USE[1] or ch == "\ufffd" or unicodedata.category(ch) == "Cc"


#: the same glyphs, found in a text at once (control characters are category Cc)
_UNMAPPED = re.compile("[\x00-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff]")


def has_unmapped(text: str) -> bool:
    """Does ``text`` hold a glyph :func:`unmapped` names?"""
    return _UNMAPPED.search(text) is not None


#: the glyphs :func:`_foreign` names, found in a text at once
_FOREIGN = re.compile("[\x00-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\u3400-\u9fff]")


def _foreign(ch: str) -> bool:
    return unmapped(ch) or _CJK[0] <= ord(ch) <= _CJK[1]


def repair_word(text: str) -> tuple[str, str | None]:
    """``text`` with byte-swapped letters put right, and what was done:
    None (nothing to do), "repaired", or "unrepaired" (a glyph inside Latin
    text that has no known text)."""
    if _FOREIGN.search(text) is None:
        return text, None
    foreign = [ch for ch in text if _foreign(ch)]
    if all(_swapped_letter(ch) for ch in foreign):
        return "".join(_swapped_letter(ch) or ch for ch in text), "repaired"
    if any(_latin(ch) for ch in text):
        return text, "unrepaired"
    return text, None  # a symbol font's bullet or a word of another script: as the PDF says
