"""Ingest a folder of reports: read, extract, validate, store, one file at a time.

Bad input never stops the run: each failing file gets one line naming it and
the reason, the other files go on, and nothing of a failing file is written.
"""

from __future__ import annotations

import hashlib
import os
import re
import json
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .document import error_line
from .files import write_text
from .flags import Code
from . import __version__
from .extract import Report
from .extract.text import num
from .reading import DEFAULT_TIME_LIMIT, ReadPool, ReadResult, read_file
from .readers import FORMATS, file_sha256, too_large
from .readers.pdf.settings import PdfSettings
from .store import (
    FORMAT_PREFERENCE, Source, duplicate_sources, duplicates_and_kept, open_db, record_duplicate, rename_source,
    report_fingerprint, report_ids, save_report, source_roles, source_row, source_status, sources_with_content,
    stored_counts, stored_flags,
    stored_report, path_text, text_path,
)



def _reading_code_digest() -> str:
    """A digest of everything that turns a file into a report (readers,
    extraction, the document model, reference data). A file stored by other
    reading code is read again, so an upgrade of kompass reaches reports
    already in the database and nobody has to remember to bump a number."""
    root = Path(__file__).resolve().parent
    files = sorted(
        [p for d in ("readers", "extract", "data") for p in (root / d).rglob("*") if p.is_file()
         and p.suffix in {".py", ".json", ".csv", ".txt"}] + [root / "document.py"]
    )
    h = hashlib.sha256()
    for p in files:
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:10]


#: flags said on the terminal at once, not only stored: without a municipality
#: or year a report cannot be placed (it is stored under "unknown-<hash>" and
#: compared with nothing); text read by OCR is machine-read
TERMINAL_FLAGS = (Code.UNKNOWN_MUNICIPALITY, Code.NO_YEAR, Code.OCR)

#: the reading code a report was made by ("0.1.0+<digest>"), stored per report
PARSER_VERSION = f"{__version__}+{_reading_code_digest()}"

#: every tolerance that reading code compares against (the PDF layout's and
#: OCR's), stored once per parser version (table ``reading_settings``) so that
#: a report's reading can be reproduced and its settings compared across versions
READING_SETTINGS = {"pdf": asdict(PdfSettings())}


@dataclass
class Outcome:
    path: str
    status: str  # stored | replaced | unchanged | duplicate | failed
    report_id: str | None = None
    message: str = ""
    findings: int = 0
    flags: int = 0
    #: the file's identity (resolved absolute path); None when it could not be resolved
    source: str | None = None
    #: what the user should see at once, not only in the flags (no municipality, no year)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)
    #: report ids in the database before and after the run
    before: set[str] = field(default_factory=set)
    after: set[str] = field(default_factory=set)
    #: reports, findings and flags now stored for the reports read in this run
    stored: dict[str, int] = field(default_factory=dict)
    #: reports rebuilt from another of their files, which may lie outside
    #: this run's folder (kept apart from the run's own files and counts)
    promoted: list[Outcome] = field(default_factory=list)
    #: this run's files by what they are now: "stored" (their report's kept
    #: file) or "duplicate" (another file of the same report is kept)
    roles: dict[str, int] = field(default_factory=dict)

    @property
    def files(self) -> list[Outcome]:
        """One outcome per file: the last (a duplicate promoted at the end of
        the run has two)."""
        last: dict[str, Outcome] = {}
        for o in self.outcomes:
            last[o.source or o.path] = o
        return list(last.values())

    def count(self, *statuses: str) -> int:
        return sum(o.status in statuses for o in self.outcomes)

    @property
    def read_now(self) -> set[str]:
        """Reports (re)built from a file in this run and still in the database."""
        return {o.report_id for o in self.outcomes + self.promoted if o.status in ("stored", "replaced")} & self.after

    @property
    def new_reports(self) -> int:
        return len(self.read_now - self.before)

    @property
    def updated_reports(self) -> int:
        return len(self.read_now & self.before)

    @property
    def removed_reports(self) -> int:
        """Reports gone in this run: their only file now gives another report."""
        return len(self.before - self.after)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def report_files(folder: str | Path, own: Iterable[str | Path] = ()) -> list[Path]:
    """Every file under ``folder`` in a stable order; hidden files are
    skipped, and so are kompass's own files and folders ``own`` (a database
    kept among the reports, its lock and journal files, its extracted JSON
    and themes model), and links (:func:`links_in`)."""
    folder = Path(folder)
    if folder.is_file():
        return [folder]
    return sorted(p for p in _walk(folder, own) if not p.is_symlink())


def links_in(folder: str | Path, own: Iterable[str | Path] = ()) -> list[tuple[Path, str]]:
    """The links under ``folder``, which are not followed, each with why: a
    link to a folder, to a file outside the folder, to a file inside it (read
    as itself), or to nothing."""
    folder = Path(folder)
    if folder.is_file():
        return []
    inside = folder.resolve()
    out = []
    for p in sorted(p for p in _walk(folder, own) if p.is_symlink()):
        target = p.resolve()
        if not target.exists():
            why = "a broken link (to nothing)"
        elif target.is_dir():
            why = "a link to a folder: not followed"
        elif inside not in target.parents:
            why = f"a link out of the folder (to {path_text(target)}): not followed"
        else:
            why = f"a link to {path_text(target.relative_to(inside))}, which is read itself"
        out.append((p, why))
    return out


def _walk(folder: Path, own: Iterable[str | Path]) -> Iterator[Path]:
    """The entries under ``folder`` that may be reports: files and links,
    never inside a hidden folder, a linked folder or kompass's own files."""
    mine = [Path(p).resolve() for p in own]

    def kompass_own(p: Path) -> bool:
        here = p.resolve() if not p.is_symlink() else p.parent.resolve() / p.name
        return any(here == m or m in here.parents for m in mine)

    for here, dirs, files in os.walk(folder, followlinks=False):
        base = Path(here)
        linked = [base / d for d in dirs if (base / d).is_symlink()]  # listed, never entered
        dirs[:] = [d for d in dirs if not d.startswith(".") and not (base / d).is_symlink()
                   and not kompass_own(base / d)]
        for p in [*(base / f for f in files), *linked]:
            if not p.name.startswith(".") and not kompass_own(p):
                yield p


#: a word processor's lock file beside an open document ("~$rapport.docx")
_OFFICE_LOCK = "~$"


def not_a_report(path: Path) -> str | None:
    """Why ``path``, found in a reports folder, is not read as a report (a
    README, a spreadsheet, an image, an Office lock file), or None."""
    if path.name.startswith(_OFFICE_LOCK):
        return "an Office lock file"
    if path.suffix.lower() not in FORMATS:
        return f"not a report format ({path.suffix or 'no extension'})"
    return None


def own_files(db_path: str | Path, *folders: str | Path | None) -> list[Path]:
    """The files and folders an ingest into ``db_path`` writes besides the
    reports: the database, its journal and lock files, and ``folders``."""
    db_path = Path(db_path)
    return [db_path, *(Path(f"{db_path}{s}") for s in ("-wal", "-shm", "-journal", ".lock")),
            *(Path(f) for f in folders if f is not None)]


def display_path(path: Path) -> str:
    """The path as shown: relative to the working directory when inside it,
    and quoted when it holds characters that would break the line (a newline,
    a tab, a control character)."""
    absolute = path.parent.resolve() / path.name  # a link as itself, not where it points
    try:
        relative = absolute.relative_to(Path.cwd().resolve())
    except ValueError:
        relative = absolute
    shown = path_text(relative)
    if not shown.isprintable():
        return repr(shown)
    return f"'{shown}'" if shown != os.fsdecode(relative) else shown  # a name that is not UTF-8, as stored


def _moved_here(db, key: str, sha: str) -> dict | None:
    """A source stored under another path with this very content, whose path is
    gone or is this file (a moved folder, or a database made when paths were
    stored relative to the working directory): the same source."""
    for row in sources_with_content(db, sha):
        old = text_path(row["path"])
        if row["path"] == key:
            continue
        try:
            same = old.exists() and old.samefile(key)
        except OSError:
            same = False
        if same or not old.exists():
            return row
    return None


def _fingerprint(report: Report) -> dict:
    return {
        "findings": sorted((f.area or 0, f.kind, f.position, f.text) for f in report.findings),
        "areas": sorted((a.number, a.score) for a in report.areas),
        "total": report.total_score,
    }


def _compare(a: dict, b: dict, name_a: str, name_b: str) -> str:
    """How two readings of one report differ (``a`` of the file ``name_a``,
    ``b`` of ``name_b``), naming the numbers and an example of each side."""
    if a == b:
        return "same scores and findings"
    diffs = []
    if a["total"] != b["total"]:
        diffs.append(f"total {num(a['total'])} in {name_a}, {num(b['total'])} in {name_b}")
    areas_a, areas_b = dict(a["areas"]), dict(b["areas"])
    differing = [n for n in sorted(set(areas_a) | set(areas_b)) if areas_a.get(n) != areas_b.get(n)]
    if differing:
        diffs.append("area " + ", ".join(f"{n} {num(areas_a.get(n))} in {name_a}, "
                                         f"{num(areas_b.get(n))} in {name_b}" for n in differing))
    if a["findings"] != b["findings"]:
        texts_a = {(f[0], f[1], f[3]) for f in a["findings"]}
        texts_b = {(f[0], f[1], f[3]) for f in b["findings"]}
        only_a, only_b = sorted(texts_a - texts_b), sorted(texts_b - texts_a)
        said = f"{len(a['findings'])} findings in {name_a}, {len(b['findings'])} in {name_b}"
        examples = [f"{len(only)} only in {name}, e.g. {_short(only[0][2])!r} (area {only[0][0]})"
                    for only, name in ((only_a, name_a), (only_b, name_b)) if only]
        diffs.append(said + (f" ({'; '.join(examples)})" if examples else " (in another order)"))
    return "differs: " + "; ".join(diffs)


def _short(text: str, n: int = 50) -> str:
    return text if len(text) <= n else text[:n - 3] + "..."


#: flags that say nothing of how well a file was read (they are about its other files)
_NOT_DOUBTS = (Code.DUPLICATE_SOURCE, Code.SOURCES_DISAGREE)


def _doubts(flags) -> int:
    """How many error and warning flags a reading raised: what decides which
    of two files that disagree is kept."""
    return sum(sev in ("error", "warning") and code not in _NOT_DOUBTS for sev, code in flags)


def write_extracted(report: Report, report_id: str, source: Source, folder: str | Path) -> Path:
    """Write the whole extraction as stable, readable JSON (atomically)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # the file as seen from the folder above the JSON (so "raw_reports/x.pdf"
    # beside "extracted/"), whichever directory the command ran in
    base = folder.resolve().parent
    try:
        shown = path_text(text_path(source.path).relative_to(base))
    except ValueError:
        shown = source.path
    data = {
        "id": report_id,
        "source": {"path": shown, "sha256": source.sha256, "format": source.format, "pages": source.pages,
                   "reader": source.reader},
        "parser_version": PARSER_VERSION,
        **report.to_dict(),
    }
    target = folder / f"{report_id}.json"
    write_text(target, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return target


#: the head of an extracted JSON file that holds its source's digest and the reading code's version
_JSON_HEAD = 16384
_JSON_DIGEST = re.compile(r'"sha256": "([0-9a-f]{64})"')
_JSON_VERSION = re.compile(r'"parser_version": "([^"]*)"')


def _json_current(path: Path, sha: str) -> bool:
    """Is the extracted JSON at ``path`` there and of this file's content, read
    by this reading code? (A run killed between storing a report and writing
    its JSON leaves the JSON of the reading before.)"""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            head = f.read(_JSON_HEAD)
    except OSError:
        return False
    digest, version = _JSON_DIGEST.search(head), _JSON_VERSION.search(head)
    return bool(digest and version and digest.group(1) == sha and version.group(1) == PARSER_VERSION)


def _skip(db, shown: str, display: str, sha: str, extracted_dir, promote: bool,
          rename: bool = True) -> tuple[Outcome | None, dict | None, bool]:
    """Whether a file need not be read: unchanged (same content, read by this
    reading code, JSON in place) or moved here. Returns (outcome if skipped,
    its source row, whether its JSON is missing)."""
    known = source_status(db, shown, sha)
    json_missing = (known is not None and extracted_dir is not None and known["status"] == "stored"
                    and not _json_current(Path(extracted_dir) / f"{known['report_id']}.json", sha))
    if known and not promote and not json_missing and not _read_by_older_code(db, known):
        return Outcome(display, "unchanged", known["report_id"], source=shown), known, json_missing
    moved = None if promote else _moved_here(db, shown, sha)
    if moved is not None and source_row(db, shown) is None:
        if rename:
            rename_source(db, moved["path"], shown)
        return (Outcome(display, "unchanged", moved["report_id"], message=f"moved from {moved['path']}",
                        source=shown), known, json_missing)
    return None, known, json_missing


def content_hash(path: Path) -> str | None:
    """SHA-256 of the file's bytes, read in blocks; None when it cannot be read
    or is refused by its size (``ingest_file`` says why)."""
    try:
        return None if too_large(path) else file_sha256(path)
    except OSError:
        return None


def needs_reading(db, path: Path, sha: str | None, extracted_dir: str | Path | None = "extracted") -> bool:
    """Will ``ingest_file`` have to read this file? (By its hash, without parsing.)"""
    if sha is None:
        return False
    skipped, _, _ = _skip(db, path_text(path.resolve()), "", sha, extracted_dir, False, rename=False)
    return skipped is None


def ingest_file(db, path: Path, extracted_dir: str | Path | None = "extracted", promote: bool = False,
                prepared: ReadResult | None = None, read: Callable[[Path], ReadResult] = read_file,
                sha: str | None = None) -> Outcome:
    """Read one file into the database. ``prepared``: the file as a worker
    already read it (else ``read`` reads it when it must be read).
    ``promote``: the file is a duplicate of a report whose kept file changed
    or is gone; read it whatever is stored, and keep it. ``sha``: its content
    hash, when the caller has it already."""
    display = display_path(path)
    # a source is its resolved absolute path (and its content), wherever the command runs
    shown = path_text(path.resolve())
    if prepared is not None and prepared.sha256 is not None:
        sha = prepared.sha256
    elif sha is None:
        try:
            if (why := too_large(path)) is not None:  # by its size alone, unread
                return Outcome(display, "failed", message=why, source=shown)
            sha = file_sha256(path)
        except OSError as exc:
            return Outcome(display, "failed", message=f"cannot read file: {exc.strerror or exc}", source=shown)
    skipped, known, json_missing = _skip(db, shown, display, sha, extracted_dir, promote)
    if skipped is not None:
        return skipped
    result = prepared if prepared is not None else read(path)
    if result.error is not None or result.report is None:
        return Outcome(display, "failed", message=result.error or "nothing read", source=shown)
    fmt = FORMATS.get(path.suffix.lower())
    report = result.report
    sha = result.sha256 or sha

    source = Source(shown, sha, fmt, result.pages, result.reader)
    report_id = report.id or f"unknown-{sha[:10]}"
    existing = stored_report(db, report_id)
    changed_file = source_row(db, shown) is not None
    note = ""
    if known and not promote:
        note = ("read again: its JSON file was missing or of an earlier reading" if json_missing
                else "read again: kompass's reading code has changed since it was stored")

    if existing and existing["source_path"] != shown:
        # a second file of the same report (the PDF and its Word original, say)
        kept_path = existing["source_path"]
        kept_gone = not text_path(kept_path).exists()
        new_print, kept_print = _fingerprint(report), report_fingerprint(db, report_id)
        comparison = _compare(new_print, kept_print, Path(shown).name, Path(kept_path).name)
        # files that agree: the preferred format is kept; files that disagree:
        # the one whose reading raised fewer doubts, then the preferred format
        doubts = (_doubts((f.severity, f.code) for f in report.flags), _doubts(stored_flags(db, report_id)))
        preferred = FORMAT_PREFERENCE.get(fmt, 0) > FORMAT_PREFERENCE.get(existing["source_format"], 0)
        disagree = new_print != kept_print
        by_doubts = disagree and doubts[0] != doubts[1]
        keep_new = promote or kept_gone or (doubts[0] < doubts[1] if by_doubts else preferred)
        why = (f" (its reading raised {min(doubts)} error or warning flags, the other's {max(doubts)})"
               if by_doubts and not (promote or kept_gone) else "")
        severity, code = ("warning", Code.SOURCES_DISAGREE) if disagree else ("info", Code.DUPLICATE_SOURCE)
        if not keep_new:
            record_duplicate(db, source, report_id,
                             f"also read from {shown} ({fmt}): {comparison}; kept {kept_path}{why}", severity, code)
            return Outcome(display, "duplicate", report_id, message=f"same report as {kept_path} ({comparison})",
                           source=shown)
        extra = [] if kept_gone else [
            (severity, code,
             f"also read from {kept_path} ({existing['source_format']}): {comparison}; kept {shown}{why}")]
        extra += [("info", Code.DUPLICATE_SOURCE, f"also read from {o['path']} ({o['format']}); kept {shown}")
                  for o in duplicate_sources(db, report_id, shown, kept_path)]
        demoted = None if kept_gone else Source(kept_path, existing["source_sha256"], existing["source_format"],
                                                existing["pages"])
        save_report(db, report_id, report, source, PARSER_VERSION, extra, demoted=demoted,
                    forgotten=kept_path if kept_gone else None, reading_settings=READING_SETTINGS)
        status = "replaced"
        if promote or kept_gone:
            note = f"kept instead of {kept_path}, which " + ("is gone" if kept_gone else "now gives another report")
    else:
        extra = [("info", Code.DUPLICATE_SOURCE, f"also read from {o['path']} ({o['format']}); kept {shown}")
                 for o in duplicate_sources(db, report_id, shown)]
        save_report(db, report_id, report, source, PARSER_VERSION, extra, reading_settings=READING_SETTINGS)
        status = "replaced" if (existing or changed_file) else "stored"
        if promote:
            note = "kept instead of the file that gave this report before, which now gives another report or is gone"
    if extracted_dir is not None:
        write_extracted(report, report_id, source, extracted_dir)
    warnings = [f.message + ("" if report.id else f"; stored as {report_id}")
                for f in report.flags if f.code in TERMINAL_FLAGS]
    return Outcome(display, status, report_id, message=note, findings=len(report.findings),
                   flags=len(report.flags) + len(extra), source=shown, warnings=warnings)


def _ingest_one(db, path: Path, extracted_dir, **kwargs) -> Outcome:
    """:func:`ingest_file`, where whatever one report raises while it is stored
    (the schema refuses it, an extraction fault) is that file's one-line
    failure: its transaction is rolled back and the other files go on. A
    fault of the database itself or of the disk (full, taken away, a folder
    that cannot be written) stops the run; what was stored before is kept."""
    try:
        return ingest_file(db, path, extracted_dir, **kwargs)
    except (sqlite3.OperationalError, OSError):
        raise
    except Exception as exc:
        return Outcome(display_path(path), "failed", message=f"could not be stored ({error_line(exc)}); "
                       "nothing of it was written: please report this file", source=path_text(path.resolve()))


def _promote_duplicates(db, extracted_dir, summary: "Summary", progress,
                        read: Callable[[Path], ReadResult] = read_file) -> None:
    """Reports whose kept file now gives another report, or is gone, are rebuilt
    from their best remaining file (Word before text for a lost PDF, and so
    on): a report is never lost while a file of it remains."""
    by_report: dict[str, list[dict]] = {}
    for row in duplicates_and_kept(db):
        kept_ok = row["kept"] is not None and text_path(row["kept"]).exists()
        if not kept_ok and text_path(row["path"]).exists():
            by_report.setdefault(row["report_id"], []).append(row)
    for report_id, rows in sorted(by_report.items()):
        rows.sort(key=lambda r: (-FORMAT_PREFERENCE.get(r["format"], 0), r["path"]))
        for row in rows:
            outcome = _ingest_one(db, text_path(row["path"]), extracted_dir, promote=True, read=read)
            outcome.report_id = outcome.report_id or report_id
            summary.promoted.append(outcome)
            if outcome.status != "failed" and outcome.report_id == report_id:
                break


def _read_by_older_code(db, source: dict) -> bool:
    """Was the kept file of this report read by other reading code than ours?
    (A duplicate file stays as it is: the report comes from the kept one.)"""
    if source["status"] != "stored":
        return False
    row = stored_report(db, source["report_id"])
    return row is not None and row["parser_version"] != PARSER_VERSION


def ingest(
    paths: Iterable[Path],
    db_path: str | Path,
    extracted_dir: str | Path | None = "extracted",
    progress: Callable[[Outcome], None] | None = None,
    jobs: int | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    reading_progress: Callable[[Path, int, int], None] | None = None,
) -> Summary:
    """Ingest files into the database at ``db_path``. Files that must be read
    are read in ``jobs`` worker processes (one per core by default), each
    within ``time_limit`` seconds; this process alone writes, file by file in
    the given order, so the database is the same as a serial run's.
    ``reading_progress(file, pages done, pages in all)`` follows a scanned
    file's pages through OCR."""
    paths = [Path(p) for p in paths]
    db = open_db(db_path)
    summary = Summary()
    pool = ReadPool(jobs, time_limit, on_progress=reading_progress)
    try:
        summary.before = report_ids(db)
        hashes = [content_hash(p) for p in paths]  # each file read once here, and again only if it must be parsed
        wanted = [needs_reading(db, p, h, extracted_dir) for p, h in zip(paths, hashes)]
        results = pool.map(p for p, w in zip(paths, wanted) if w)
        for path, sha, want in zip(paths, hashes, wanted):
            prepared = next(results) if want else None
            outcome = _ingest_one(db, path, extracted_dir, prepared=prepared, read=pool.read, sha=sha)
            summary.outcomes.append(outcome)
            if progress:
                progress(outcome)
        _promote_duplicates(db, extracted_dir, summary, progress, pool.read)
        summary.after = report_ids(db)
        if extracted_dir is not None:  # the JSON of reports no file gives any more
            for gone in sorted(summary.before - summary.after):
                (Path(extracted_dir) / f"{gone}.json").unlink(missing_ok=True)
        summary.stored = stored_counts(db, summary.read_now)
        summary.roles = source_roles(db, [o.source for o in summary.files if o.source])
    finally:
        db.close()
    return summary
