"""Read the plain-text export of a Word report (the seeds' format).

What the export does to a Word document, and how this reader undoes it:

* ``[bookmark: _Toc…]`` markers are Word bookmarks left inline. Table-of-contents
  anchors (``_Toc``) sit on headings, so they are a heading cue; all are removed.
* A table becomes one line per cell, the first paragraph of a cell led by a tab;
  further paragraphs of the cell follow on their own lines. A blank line ends a
  row; a cell may also hold empty paragraphs, so a blank line followed by an
  untabbed line continues the last cell. Two blank lines, or a line led by a
  space (where the export glued the table's end to the next paragraph), end the
  table.
* Word bullets appear as ``· `` (other glyphs and typed dashes are accepted too:
  :func:`~pipeline.document.typed_list_marker`).
* Heading styles are lost. Headings are recognised from numbering
  (``3\tTitle``, ``4. Title``), from a ``_Toc`` bookmark on a short line, or
  from a short, unpunctuated line standing alone between a blank line and
  running text. The reader knows no word of the framework: an area's heading
  ("Område 2\tTitle") is a heading by these rules, and extraction knows it
  for an area's.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..document import Cell, Document, Heading, Origin, Paragraph, ReadError, Table, clean_text, typed_list_marker

#: a bookmark name is short ("_Toc123456789"): bounded, so that text full of
#: "[bookmark: " without a "]" is not scanned to its end from every one
BOOKMARK = re.compile(r"\[bookmark: [^\]\n]{0,200}\]")
TOC_BOOKMARK = re.compile(r"\[bookmark: _Toc[^\]\n]{0,200}\]")
NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s*\t\s*\S")  # "3\tTitle", "2.1\tTitle"
DOTTED_HEADING = re.compile(r"^(\d{1,2})\.\s+[A-ZÅÄÖ]")  # "4. Översikt av ..."


def _is_blank(line: str) -> bool:
    return not BOOKMARK.sub("", line).strip()


def _is_cell_start(line: str) -> bool:
    return BOOKMARK.sub("", line).lstrip(" ").startswith("\t")


def _paragraph(raw: str) -> Paragraph:
    marker, text = typed_list_marker(BOOKMARK.sub("", raw))
    return Paragraph(clean_text(text), list_marker=marker)


def _heading_level(raw: str, prev_blank: bool, next_line: str | None) -> int | None:
    """Return a heading level if this (untabbed) line reads as a heading."""
    has_toc = bool(TOC_BOOKMARK.search(raw))
    text = clean_text(BOOKMARK.sub("", raw))
    body = BOOKMARK.sub("", raw).strip(" ")
    if not text or typed_list_marker(body)[0]:
        return None
    words = text.split()
    short = len(text) <= 90 and len(words) <= 12
    if not short or text.endswith((".", ",", ";", ":")):
        return None
    if NUMBERED_HEADING.match(body):
        depth = NUMBERED_HEADING.match(body).group(1).count(".") + 1
        return min(depth, 3)
    if DOTTED_HEADING.match(body) and len(words) <= 8:
        return 1
    if has_toc:
        return 3
    # A lone short line after a blank, followed by running text, is a heading
    # whose style the export dropped ("Allmänt", "Jämförelser").
    nxt = clean_text(BOOKMARK.sub("", next_line or ""))
    if prev_blank and nxt and len(nxt) > len(text) and not next_line.startswith("\t"):
        if len(words) <= 6 and text[0].isupper() and not typed_list_marker(nxt)[0]:
            return 3
    return None


def parse_txt(text: str) -> list:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list = []
    i, n = 0, len(lines)
    prev_blank = True
    while i < n:
        line = lines[i]
        if line.startswith("\t") or (line.startswith(" \t")):
            table, i = _read_table(lines, i)
            if table.rows:
                blocks.append(table)
            prev_blank = True
            continue
        if _is_blank(line):
            prev_blank = True
            i += 1
            continue
        nxt = next((lines[j] for j in range(i + 1, n) if not _is_blank(lines[j])), None)
        level = _heading_level(line, prev_blank, nxt)
        if level is not None:
            blocks.append(Heading(clean_text(BOOKMARK.sub("", line)), level=level))
        else:
            para = _paragraph(line)
            if para.text:
                blocks.append(para)
        prev_blank = False
        i += 1
    return blocks


def _read_table(lines: list[str], i: int) -> tuple[Table, int]:
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    n = len(lines)
    while i < n:
        line = lines[i]
        stripped_bm = BOOKMARK.sub("", line)
        if stripped_bm.startswith("\t") or stripped_bm.startswith(" \t"):
            cell = Cell([])
            para = _paragraph(stripped_bm.lstrip(" ").lstrip("\t"))
            if para.text:
                cell.paragraphs.append(para)
            row.append(cell)
            i += 1
            continue
        if stripped_bm.startswith(" ") and stripped_bm.strip():
            break  # the export glued the table's end to the next paragraph
        if _is_blank(line) and not _is_cell_start(line):
            blanks = 0
            j = i
            while j < n and _is_blank(lines[j]) and not _is_cell_start(lines[j]):
                if lines[j].startswith(" ") and not lines[j].startswith(" \t"):
                    blanks = 99  # " " alone: end of table
                blanks += 1
                j += 1
            if blanks >= 2 or j >= n:
                i = j
                break
            nxt = lines[j]
            if BOOKMARK.sub("", nxt).lstrip(" ").startswith("\t"):
                # A row shorter than the first row goes on: the blank line was
                # an empty paragraph inside one of its cells.
                if row and not (rows and len(row) < len(rows[0])):
                    rows.append(row)
                    row = []
                i = j
                continue
            # an empty paragraph inside a cell: the cell goes on
            i = j
            continue
        # a further paragraph of the current cell
        para = _paragraph(stripped_bm)
        if para.text:
            if not row:
                row.append(Cell([]))
            row[-1].paragraphs.append(para)
        i += 1
    if row:
        rows.append(row)
    return Table(rows=rows), i


#: byte-order marks, longest first (UTF-32's begins like UTF-16's)
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def decode_text(data: bytes) -> str:
    """Text of an export in whatever encoding Windows tools write: a byte-order
    mark decides (UTF-8, UTF-16, UTF-32); without one, UTF-16 is recognised by
    its zero bytes at every other position (Latin text), then UTF-8, then
    Windows-1252 (what Notepad and older Word save as "ANSI" in Sweden)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise ReadError(f"not a text file (starts as {encoding.upper()} but does not decode as it)") from None
    sample = data[:4000]
    if len(sample) >= 4:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        half = len(sample) // 2
        for encoding, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
            if zeros > 0.4 * half and other < 0.05 * half:
                try:
                    return data.decode(encoding)
                except UnicodeDecodeError:
                    break
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ReadError("not a text file (neither UTF-8, UTF-16 nor Windows-1252)") from None
    if "\x00" in text:
        raise ReadError("not a text file (binary content)")
    return text


def read_txt(path: str | Path) -> Document:
    path = Path(path)
    data = path.read_bytes()
    if not data.strip():
        raise ReadError("empty file")
    text = decode_text(data)
    origin = Origin(str(path), "txt", hashlib.sha256(data).hexdigest(), None)
    return Document(origin, parse_txt(text))
