"""Ingest a folder of reports: read, extract, validate, store, one file at a time.

Bad input never stops the run: each failing file gets one line naming it and
the reason, the other files go on, and nothing of a failing file is written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import __version__
from .document import ReadError
from .extract import NotAReport, Report, extract_report
from .readers import FORMATS, read_document
from .store import (
    FORMAT_PREFERENCE, Source, add_flag, open_db, record_source, rename_source, save_report, source_row, source_status,
    sources_with_content, stored_report,
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


#: the reading code a report was made by ("0.1.0+<digest>"), stored per report
PARSER_VERSION = f"{__version__}+{_reading_code_digest()}"


@dataclass
class Outcome:
    path: str
    status: str  # stored | replaced | unchanged | duplicate | failed
    report_id: str | None = None
    message: str = ""
    findings: int = 0
    flags: int = 0


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(o.status in statuses for o in self.outcomes)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def report_files(folder: str | Path) -> list[Path]:
    """Every file under ``folder`` in a stable order; hidden files are skipped."""
    folder = Path(folder)
    if folder.is_file():
        return [folder]
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _display_path(path: Path) -> str:
    """The path as shown: relative to the working directory when inside it."""
    absolute = path.resolve()
    try:
        return str(absolute.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(absolute)


def _moved_here(db, key: str, sha: str) -> dict | None:
    """A source stored under another path with this very content, whose path is
    gone or is this file (a moved folder, or a database made when paths were
    stored relative to the working directory): the same source."""
    for row in sources_with_content(db, sha):
        old = Path(row["path"])
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


def _db_fingerprint(db, report_id: str) -> dict:
    return {
        "findings": sorted(
            (r["area"] or 0, r["kind"], r["position"], r["text"])
            for r in db.query("select area, kind, position, text from findings where report_id = ?", [report_id])
        ),
        "areas": sorted((r["number"], r["score"]) for r in db.query(
            "select number, score from areas where report_id = ?", [report_id])),
        "total": stored_report(db, report_id)["total_score"],
    }


def _compare(a: dict, b: dict) -> str:
    if a == b:
        return "same scores and findings"
    diffs = []
    if a["total"] != b["total"]:
        diffs.append(f"total {a['total']} vs {b['total']}")
    if a["areas"] != b["areas"]:
        diffs.append("area scores differ")
    if a["findings"] != b["findings"]:
        diffs.append(f"{len(a['findings'])} vs {len(b['findings'])} findings"
                     + ("" if len(a["findings"]) != len(b["findings"]) else " (texts differ)"))
    return "differs: " + "; ".join(diffs)


def write_extracted(report: Report, report_id: str, source: Source, folder: str | Path) -> Path:
    """Write the whole extraction as stable, readable JSON (atomically)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # the file as seen from the folder above the JSON (so "raw_reports/x.pdf"
    # beside "extracted/"), whichever directory the command ran in
    base = folder.resolve().parent
    try:
        shown = Path(source.path).relative_to(base).as_posix()
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
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(target)
    return target


def ingest_file(db, path: Path, extracted_dir: str | Path | None = "extracted") -> Outcome:
    display = _display_path(path)
    # a source is its resolved absolute path (and its content), wherever the command runs
    shown = str(path.resolve())
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Outcome(display, "failed", message=f"cannot read file: {exc.strerror or exc}")
    sha = hashlib.sha256(data).hexdigest()
    known = source_status(db, shown, sha)
    if known and not _read_by_older_code(db, known):
        return Outcome(display, "unchanged", known["report_id"])
    moved = _moved_here(db, shown, sha)
    if moved is not None and source_row(db, shown) is None:
        rename_source(db, moved["path"], shown)
        return Outcome(display, "unchanged", moved["report_id"], message=f"moved from {moved['path']}")
    fmt = FORMATS.get(path.suffix.lower())
    try:
        doc = read_document(path)
        report = extract_report(doc)
    except (ReadError, NotAReport) as exc:
        return Outcome(display, "failed", message=str(exc))
    except Exception as exc:  # a reader bug must not stop the other files
        return Outcome(display, "failed", message=f"unexpected error while reading ({type(exc).__name__}: {exc})")

    source = Source(shown, sha, fmt, doc.origin.pages, doc.origin.reader)
    report_id = report.id or f"unknown-{sha[:10]}"
    existing = stored_report(db, report_id)
    changed_file = source_row(db, shown) is not None

    if existing and existing["source_path"] != shown:
        # a second file of the same report (the PDF and its Word original, say)
        comparison = _compare(_fingerprint(report), _db_fingerprint(db, report_id))
        keep_new = FORMAT_PREFERENCE.get(fmt, 0) > FORMAT_PREFERENCE.get(existing["source_format"], 0)
        if not keep_new:
            record_source(db, source, report_id, "duplicate")
            add_flag(db, report_id, "info", "duplicate_source",
                     f"also read from {shown} ({fmt}): {comparison}; kept {existing['source_path']}")
            return Outcome(display, "duplicate", report_id,
                           message=f"same report as {existing['source_path']} ({comparison})")
        extra = [("info", "duplicate_source",
                  f"also read from {existing['source_path']} ({existing['source_format']}): {comparison}; kept {shown}")]
        for other in db.query("select path, format from sources where report_id = ? and status = 'duplicate' "
                              "and path not in (?, ?)", [report_id, shown, existing["source_path"]]):
            extra.append(("info", "duplicate_source", f"also read from {other['path']} ({other['format']}); kept {shown}"))
        save_report(db, report_id, report, source, PARSER_VERSION, extra)
        record_source(db, Source(existing["source_path"], existing["source_sha256"], existing["source_format"],
                                 existing["pages"]), report_id, "duplicate")
        status = "replaced"
    else:
        extra = [("info", "duplicate_source", f"also read from {o['path']} ({o['format']}); kept {shown}")
                 for o in db.query("select path, format from sources where report_id = ? and status = 'duplicate' "
                                   "and path != ?", [report_id, shown])]
        save_report(db, report_id, report, source, PARSER_VERSION, extra)
        status = "replaced" if (existing or changed_file) else "stored"
    if extracted_dir is not None:
        write_extracted(report, report_id, source, extracted_dir)
    note = "read again: kompass's reading code has changed since it was stored" if known else ""
    return Outcome(display, status, report_id, message=note, findings=len(report.findings),
                   flags=len(report.flags) + len(extra))


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
) -> Summary:
    db = open_db(db_path)
    summary = Summary()
    try:
        for path in paths:
            outcome = ingest_file(db, Path(path), extracted_dir)
            summary.outcomes.append(outcome)
            if progress:
                progress(outcome)
    finally:
        db.close()
    return summary
