"""The neutral document model that every reader produces and extraction reads.

A reader turns one file (PDF, Word, text export) into a :class:`Document`: an
ordered list of blocks in reading order. Running headers and footers are not
blocks; readers drop them. Extraction never sees the format the blocks came from,
so every rule about Kommunkompassen reports is written once.

Blocks:

* :class:`Heading` - a section title with a level (1 = chapter). Readers that
  cannot tell the level give their best guess; extraction leans on the text.
* :class:`Paragraph` - running text; ``list_marker`` is set when the paragraph
  is a list item (the bullet glyph or number as printed, or ``"•"`` for Word
  list formatting whose glyph is not in the text).
* :class:`Table` - rows of :class:`Cell`; each cell holds its own paragraphs,
  because one cell of a findings table holds many findings.

``page`` is 1-based where the format has pages (PDF) and ``None`` otherwise;
``bbox`` is where the block starts on that page, ``(x0, top, x1, bottom)`` in
PDF points from the top left corner (pdfplumber's convention), ``None`` where
the format has no layout (Word, text). A block that goes on over a page break
or into the next column keeps the page and box of its start, and each further
part in ``continued``; ``locations`` gives them all, as docling-core's
provenance list does.

``Document.furniture`` holds what the page repeats around the body (running
headers and footers, page numbers) as paragraphs with their page and box:
kept apart, so extraction never reads it as the report's text, and kept, so a
reader can check what was left out.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterator, Union

from .flags import check

SCHEMA_VERSION = 3  # 2: Paragraph.doubt; 3: continued, furniture


#: glyphs that start a list item whatever follows them: bullets as Word, PDFs
#: and Symbol's private-use bullet (U+F0B7) give them
SURE_BULLETS = frozenset("•·▪▫◦●○■□►▸▹‣⁃➢➤➔→✓✔✗❖◆◇♦∙⦁⚫\uf0b7")
#: dashes and an asterisk, which start an item only with a space or a tab after
#: them, as a writer types a list ("- text", "–\ttext")
DASH_BULLETS = frozenset("-–—−*")
_TYPED_MARKER = re.compile(
    "^\\s*(?:(?P<sure>[" + re.escape("".join(sorted(SURE_BULLETS))) + "])\\s*"
    "|(?P<dash>[" + re.escape("".join(sorted(DASH_BULLETS))) + "])\\s+)(?=\\S)"
)


def typed_list_marker(text: str) -> tuple[str | None, str]:
    """The list marker a writer typed at the start of a paragraph ("• ", "- ",
    "–\\t", "•Text"), and the text without it; (None, text) when there is none.
    Readers keep a marker as ``Paragraph.list_marker``, never in the text."""
    m = _TYPED_MARKER.match(text)
    if m is None:
        return None, text
    return m["sure"] or m["dash"], text[m.end():]


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: control characters (C0 but tab and line ends, DEL, C1): never text, and
#: on a terminal the start of an escape sequence
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Normalise what formats disagree on but readers never mean.

    Unicode NFC (PDF often gives decomposed å/ä/ö), non-breaking and other odd
    spaces to plain spaces, soft hyphens and zero-width characters dropped,
    whitespace runs collapsed, ends stripped; a lone surrogate or a control
    character becomes U+FFFD (extraction flags it: ``text_repaired``).
    """
    # a lone surrogate (a reader's half of a character outside the BMP) is
    # no text SQLite or UTF-8 can hold: U+FFFD, which extraction flags
    text = _LONE_SURROGATE.sub("\ufffd", CONTROL.sub("\ufffd", text))
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00ad", "").replace("\u200b", "").replace("\ufeff", "")
    text = re.sub(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]", " ", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip()


BBox = tuple[float, float, float, float]


def _bbox(value) -> BBox | None:
    return tuple(round(float(v), 2) for v in value) if value is not None else None  # type: ignore[return-value]


@dataclass(frozen=True)
class Location:
    """One part of a block: its page and box there."""

    page: int
    bbox: BBox

    def __post_init__(self) -> None:
        object.__setattr__(self, "bbox", _bbox(self.bbox))


def _locations(value) -> list[Location]:
    return [v if isinstance(v, Location) else Location(**v) if isinstance(v, dict) else Location(*v)
            for v in value or []]


class _Placed:
    """``locations``: where a block is, part by part (none without layout);
    the box and the parts normalised as the blocks are made."""

    page: int | None
    bbox: BBox | None
    continued: list[Location]

    def __post_init__(self) -> None:
        self.bbox = _bbox(self.bbox)
        self.continued = _locations(self.continued)

    @property
    def locations(self) -> list[Location]:
        if self.page is None or self.bbox is None:
            return []
        return [Location(self.page, self.bbox), *self.continued]


@dataclass
class Paragraph(_Placed):
    text: str
    page: int | None = None
    list_marker: str | None = None
    bbox: BBox | None = None
    #: the reader's reason to doubt where this paragraph begins or ends (for
    #: example "may_join_two"); None when the document said so plainly
    doubt: str | None = None
    #: the parts after the first (a later page, the next column)
    continued: list[Location] = field(default_factory=list)

    kind = "paragraph"

    @property
    def is_list_item(self) -> bool:
        return self.list_marker is not None


@dataclass
class Heading(_Placed):
    text: str
    level: int = 1
    page: int | None = None
    bbox: BBox | None = None
    continued: list[Location] = field(default_factory=list)

    kind = "heading"


@dataclass
class Cell:
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.paragraphs if p.text).strip()

    @property
    def page(self) -> int | None:
        for p in self.paragraphs:
            if p.page is not None:
                return p.page
        return None


@dataclass
class Table(_Placed):
    rows: list[list[Cell]] = field(default_factory=list)
    page: int | None = None
    bbox: BBox | None = None
    #: its parts on later pages
    continued: list[Location] = field(default_factory=list)

    kind = "table"

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def row_texts(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


Block = Union[Heading, Paragraph, Table]


@dataclass
class Origin:
    path: str
    format: str  # "pdf" | "docx" | "txt"
    sha256: str
    pages: int | None = None
    #: how the blocks were found, where a format has more than one way: PDFs
    #: give "pdf-tags" (structure tree), "pdf-layout" or "pdf-tags+layout"
    reader: str | None = None


@dataclass
class ReaderNote:
    """Something a reader noticed that may make the blocks incomplete or
    doubtful (pages without text, text it could not place); extraction
    carries each into the report's flags."""

    severity: str  # "error" | "warning" | "info", as report flags
    code: str  # registered in pipeline/data/flags.json
    message: str

    def __post_init__(self) -> None:
        self.severity = check(self.severity, self.code)
        self.code = str(self.code)


@dataclass
class Document:
    origin: Origin
    blocks: list[Block] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION
    notes: list[ReaderNote] = field(default_factory=list)
    #: running headers, footers and page numbers, apart from the body
    furniture: list[Paragraph] = field(default_factory=list)

    def __iter__(self) -> Iterator[Block]:
        return iter(self.blocks)

    def text_blocks(self) -> Iterator[Paragraph | Heading]:
        """Every heading and paragraph, table cell paragraphs included, in order."""
        for b in self.blocks:
            if isinstance(b, Table):
                for row in b.rows:
                    for cell in row:
                        yield from cell.paragraphs
            else:
                yield b

    def to_dict(self) -> dict:
        def block(b: Block) -> dict:
            d = {"kind": b.kind, **asdict(b)}
            return d

        return {
            "schema_version": self.schema_version,
            "origin": asdict(self.origin),
            "blocks": [block(b) for b in self.blocks],
            "notes": [asdict(n) for n in self.notes],
            "furniture": [asdict(p) for p in self.furniture],
        }

    def to_json_lines(self) -> str:
        """The document as JSON Lines: a first line with its schema, origin,
        notes and furniture, then one line per block (a golden file whose diffs
        read block by block). :meth:`from_json_lines` reads it back."""
        data = self.to_dict()
        blocks = data.pop("blocks")
        return "".join(json.dumps(x, ensure_ascii=False, sort_keys=True) + "\n" for x in [data, *blocks])

    @classmethod
    def from_json_lines(cls, text: str) -> "Document":
        head, *blocks = (json.loads(line) for line in text.splitlines() if line.strip())
        return cls.from_dict({**head, "blocks": blocks})

    @classmethod
    def from_dict(cls, data: dict) -> "Document":
        if data.get("schema_version", 0) > SCHEMA_VERSION:
            raise ValueError(
                f"document schema {data.get('schema_version')} is newer than this "
                f"kompass understands ({SCHEMA_VERSION})"
            )
        blocks: list[Block] = []
        for d in data["blocks"]:
            d = dict(d)
            kind = d.pop("kind")
            if kind == "heading":
                blocks.append(Heading(**d))
            elif kind == "paragraph":
                blocks.append(Paragraph(**d))
            elif kind == "table":
                rows = [
                    [Cell([Paragraph(**p) for p in c["paragraphs"]]) for c in row]
                    for row in d["rows"]
                ]
                blocks.append(Table(rows=rows, page=d.get("page"), bbox=d.get("bbox"), continued=d.get("continued")))
            else:
                raise ValueError(f"unknown block kind {kind!r}")
        notes = [ReaderNote(**n) for n in data.get("notes", [])]
        furniture = [Paragraph(**p) for p in data.get("furniture", [])]
        return cls(Origin(**data["origin"]), blocks, data.get("schema_version", SCHEMA_VERSION), notes, furniture)


@dataclass(frozen=True)
class ReadProgress:
    """What a reader tells its caller while it works, passed down with the
    call (never set on a module): before OCR starts, how many pages it has to
    recognise (a worker extends its time limit by that much), and as each
    page is done, the pages done and in all."""

    pages_to_recognise: Callable[[int], None] = lambda pages: None
    page_recognised: Callable[[int, int], None] = lambda done, total: None


def one_line(message: object) -> str:
    """A message on one line: a library's message over several lines folded."""
    return " ".join(str(message).split())


def error_line(exc: BaseException) -> str:
    """An exception as one line: its type and its message."""
    return f"{type(exc).__name__}: {one_line(exc)}"


class ReadError(Exception):
    """A file that cannot be read as a report; the message names the reason,
    on one line (:func:`one_line`)."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))
