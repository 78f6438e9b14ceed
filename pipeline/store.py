"""The SQLite store, around :class:`sqlite_utils.Database`.

The table and column names below are fixed: researchers and other tools query
them. Each report is written in one transaction (``db.atomic()``), so a failure
leaves the database as it was. Every file ever read is remembered in
``sources`` (by content hash), which makes re-ingesting an unchanged file a
no-op and lets two files of one report (the PDF and the Word original) end in
one report and a flag instead of two.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import fcntl
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import sqlite_utils

from .extract.model import Report
from .flags import Code, check
from .extract.reference import municipalities

SCHEMA_VERSION = 7  # 2: themes; 3: reports.reader, findings.doubt; 4: links; 5: findings_long, municipality key;
# 6: finding_vectors, links.kind candidate, follow_up_reviews, codebooks, codebook_themes, theme_curation,
# themes.label_source (an older kompass would overwrite curated themes); 7: ids below 2**53

#: finding and section ids are below 2**53: integers that JSON, JavaScript,
#: pandas' float columns and R's doubles all keep exactly
ID_MASK = (1 << 53) - 1
#: every column that holds a finding's or a section's id
ID_COLUMNS = (("findings", "id"), ("sections", "id"), ("themes", "representative_finding_id"),
              ("theme_curation", "finding_id"), ("links", "source_id"), ("links", "target_id"),
              ("follow_up_reviews", "source_id"), ("follow_up_reviews", "target_id"),
              ("finding_vectors", "finding_id"), ("codebook_themes", "finding_id"))

# Which source of one report to keep: the published PDF is what researchers
# cite, and only it gives page numbers; then the Word original, then a text export.
FORMAT_PREFERENCE = {"pdf": 3, "docx": 2, "txt": 1}

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY,
    municipality TEXT,
    municipality_code TEXT,
    county TEXT,
    year INTEGER,
    framework TEXT,
    total_score REAL,
    max_score REAL,
    evaluators TEXT,
    source_path TEXT,
    source_sha256 TEXT,
    source_format TEXT,
    reader TEXT,
    pages INTEGER,
    parser_version TEXT,
    ingested_at TEXT
);
CREATE TABLE IF NOT EXISTS areas (
    report_id TEXT NOT NULL REFERENCES reports(id),
    number INTEGER NOT NULL,
    title TEXT,
    domain TEXT,
    score REAL,
    max REAL,
    overview_title TEXT,
    score_source TEXT,
    PRIMARY KEY (report_id, number)
);
CREATE TABLE IF NOT EXISTS questions (
    report_id TEXT NOT NULL REFERENCES reports(id),
    area INTEGER NOT NULL,
    number TEXT NOT NULL,
    title TEXT,
    score REAL,
    max REAL,
    percent REAL,
    PRIMARY KEY (report_id, number)
);
CREATE TABLE IF NOT EXISTS findings (
    id INTEGER PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports(id),
    area INTEGER,
    kind TEXT NOT NULL CHECK (kind IN ('strength', 'improvement')),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    page INTEGER,
    doubt TEXT,
    theme_id INTEGER REFERENCES themes(id),
    theme_score REAL
);
CREATE TABLE IF NOT EXISTS sections (
    id INTEGER PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports(id),
    area INTEGER,
    heading TEXT,
    text TEXT NOT NULL,
    page INTEGER
);
CREATE TABLE IF NOT EXISTS flags (
    report_id TEXT NOT NULL REFERENCES reports(id),
    severity TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS municipalities (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    county TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    report_id TEXT,
    status TEXT NOT NULL,
    ingested_at TEXT
);
-- Themes (pipeline.nlp): one row per theme of the current model. A finding's
-- theme_id is NULL with a theme_score when it is an outlier, and both are NULL
-- until the model has seen it.
CREATE TABLE IF NOT EXISTS themes (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    terms TEXT NOT NULL,
    size INTEGER NOT NULL,
    representative_finding_id INTEGER REFERENCES findings(id),
    model_version TEXT NOT NULL,
    label_source TEXT NOT NULL DEFAULT 'computed'
);
-- a researcher's decisions on the themes (pipeline.nlp.curation), in the order
-- taken, re-applied after every save of the themes (ingest, refit); status
-- says whether the last application could apply it
CREATE TABLE IF NOT EXISTS theme_curation (
    seq INTEGER PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('rename', 'merge', 'split', 'move')),
    theme_id INTEGER,
    other_ids TEXT,
    finding_id INTEGER,
    label TEXT,
    detail TEXT,
    status TEXT,
    created_at TEXT NOT NULL
);
-- follow-up: a recommendation (source) and what it became (target, NULL for
-- no_match) in a later report of the same municipality, its ranked later
-- candidates below the threshold, or a similar recommendation elsewhere;
-- kind addressed | persisting | candidate | no_match | similar
CREATE TABLE IF NOT EXISTS links (
    source_id INTEGER NOT NULL REFERENCES findings(id),
    target_id INTEGER REFERENCES findings(id),
    target_report_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('addressed', 'persisting', 'candidate', 'no_match', 'similar')),
    score REAL,
    rank INTEGER,
    method TEXT NOT NULL,
    evidence TEXT
);
CREATE INDEX IF NOT EXISTS links_source ON links(source_id, kind, rank);
-- a researcher's verdict on what became of a recommendation at a later
-- evaluation (kompass follow-up --accept); links are recomputed, these never
CREATE TABLE IF NOT EXISTS follow_up_reviews (
    source_id INTEGER NOT NULL REFERENCES findings(id),
    target_report_id TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('addressed', 'persisting', 'no_match')),
    target_id INTEGER REFERENCES findings(id),
    note TEXT,
    reviewed_at TEXT NOT NULL,
    PRIMARY KEY (source_id, target_report_id)
);
-- sentence vectors (pipeline.nlp.vectors): one float32 blob per finding and
-- encoder, so that nothing is encoded twice and a copied database carries them
CREATE TABLE IF NOT EXISTS finding_vectors (
    finding_id INTEGER NOT NULL,
    encoder TEXT NOT NULL,
    dimensions INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (finding_id, encoder)
);
-- a researcher's codebooks (pipeline.nlp.codebook): the themes of each codebook
-- file (codebook = the file's stem), and one row per finding and codebook with
-- the theme it was coded to (NULL: none fits) and its score
CREATE TABLE IF NOT EXISTS codebooks (
    codebook TEXT NOT NULL,
    theme TEXT NOT NULL,
    label TEXT,
    description TEXT,
    keywords TEXT,
    PRIMARY KEY (codebook, theme)
);
CREATE TABLE IF NOT EXISTS codebook_themes (
    finding_id INTEGER NOT NULL,
    codebook TEXT NOT NULL,
    theme TEXT,
    score REAL,
    PRIMARY KEY (finding_id, codebook)
);
CREATE INDEX IF NOT EXISTS codebook_themes_theme ON codebook_themes(codebook, theme);
-- small facts about the database's derived data (what the links were computed from)
CREATE TABLE IF NOT EXISTS kompass_state (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS reading_settings (
    parser_version TEXT PRIMARY KEY,
    settings TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS links_target ON links(target_id);
CREATE INDEX IF NOT EXISTS findings_theme ON findings(theme_id);
CREATE INDEX IF NOT EXISTS findings_report ON findings(report_id, area, kind, position);
CREATE INDEX IF NOT EXISTS sections_report ON sections(report_id, area);
CREATE INDEX IF NOT EXISTS flags_report ON flags(report_id);
CREATE INDEX IF NOT EXISTS sources_sha ON sources(sha256);
"""

CHILD_TABLES = ("areas", "questions", "findings", "sections", "flags")

#: a theme's prevalence by year, framework revision, domain and kind, one query away
THEME_PREVALENCE = """
CREATE VIEW IF NOT EXISTS theme_prevalence AS
SELECT t.id AS theme_id, t.label, r.year, r.framework, a.domain, f.kind,
       count(*) AS findings, count(DISTINCT r.id) AS reports, count(DISTINCT r.municipality_code) AS municipalities
FROM findings f
JOIN themes t ON t.id = f.theme_id
JOIN reports r ON r.id = f.report_id
LEFT JOIN areas a ON a.report_id = f.report_id AND a.number = f.area
GROUP BY t.id, r.year, r.framework, a.domain, f.kind
"""

#: every finding with what a researcher filters it by, in one tidy row (the
#: export's findings_long.csv; columns described in pipeline/dictionary.py)
FINDINGS_LONG_SELECT = """
SELECT f.id AS finding_id, f.report_id, r.municipality, r.municipality_code, r.county, r.year, r.framework,
       f.area, a.title AS area_title, a.domain, f.kind, f.position, f.text, f.doubt,
       f.theme_id, t.label AS theme_label, f.theme_score, f.page
FROM findings f
JOIN reports r ON r.id = f.report_id
LEFT JOIN areas a ON a.report_id = f.report_id AND a.number = f.area
LEFT JOIN themes t ON t.id = f.theme_id
"""
#: in report order, then as each report prints its findings: what a browser
#: of the view (Datasette) shows first
FINDINGS_LONG = ("CREATE VIEW IF NOT EXISTS findings_long AS" + FINDINGS_LONG_SELECT
                 + "ORDER BY f.report_id, f.area, f.kind, f.position, f.id\n")

#: one row per recommendation and later evaluation: the computed outcome, the
#: researcher's verdict where there is one, and the outcome to use
FOLLOW_UP_OUTCOMES = """
CREATE VIEW IF NOT EXISTS follow_up_outcomes AS
SELECT p.source_id, p.target_report_id,
       p.computed_outcome, p.computed_target_id, p.computed_score,
       v.outcome AS reviewed_outcome, v.target_id AS reviewed_target_id, v.note AS review_note,
       coalesce(v.outcome, p.computed_outcome) AS outcome,
       CASE WHEN v.outcome IS NULL THEN coalesce(p.computed_target_id, NULL) ELSE v.target_id END AS target_id,
       CASE WHEN v.outcome IS NULL THEN 'computed' ELSE 'reviewed' END AS method
FROM (SELECT l.source_id, l.target_report_id,
             CASE WHEN max(l.kind = 'no_match') THEN 'no_match'
                  ELSE max(CASE WHEN l.rank = 1 THEN l.kind END) END AS computed_outcome,
             CASE WHEN max(l.kind = 'no_match') THEN NULL
                  ELSE max(CASE WHEN l.rank = 1 THEN l.target_id END) END AS computed_target_id,
             max(CASE WHEN l.rank = 1 THEN l.score END) AS computed_score
      FROM links l WHERE l.kind != 'similar' GROUP BY l.source_id, l.target_report_id) p
LEFT JOIN follow_up_reviews v ON v.source_id = p.source_id AND v.target_report_id = p.target_report_id
"""


@dataclass
class Source:
    path: str
    sha256: str
    format: str
    pages: int | None
    #: how a PDF's blocks were found: "pdf-tags", "pdf-layout", "pdf-tags+layout"
    reader: str | None = None


class DbError(Exception):
    """A database that cannot be used; the message names it and says why, in one line."""


#: how long a command waits for another one's write to finish (seconds)
BUSY_TIMEOUT = 60.0
FTS_COLUMNS = {"findings": ["text"], "sections": ["heading", "text"]}
FTS_TOKENIZE = "unicode61 remove_diacritics 0"


#: the database kompass makes by default: its companions keep the project's
#: names (models/, extracted/); any other database gets its own beside it
DEFAULT_DB_NAME = "findings.db"


def path_text(path: str | Path) -> str:
    """A file's path as text SQLite and JSON can hold, and :func:`text_path`
    turns back into the same path: a name that is not valid UTF-8 (a file
    from an old share or zip, "Tors\\xe5s.txt" in Latin-1) has each byte that is
    no UTF-8 written ``\\xNN``, and a backslash as two."""
    text = os.fsdecode(path)
    if "\\" not in text and not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    return "".join("\\\\" if ch == "\\" else f"\\x{ord(ch) - 0xDC00:02x}" if "\udc80" <= ch <= "\udcff" else ch
                   for ch in text)


def text_path(text: str) -> Path:
    """The path :func:`path_text` wrote as ``text``."""
    if "\\" not in text:
        return Path(text)
    out, k = [], 0
    while k < len(text):
        if text.startswith("\\\\", k):
            out.append("\\")
            k += 2
        elif text.startswith("\\x", k) and len(text) >= k + 4:
            out.append(chr(0xDC00 + int(text[k + 2:k + 4], 16)))  # the byte, as os.fsdecode gives it
            k += 4
        else:
            out.append(text[k])
            k += 1
    return Path("".join(out))


def companion_folder(db_path: str | Path, kind: str) -> Path:
    """Where a database keeps its ``kind`` ("models", "extracted"): beside it,
    ``models/`` for findings.db and ``<name>-models/`` for any other, so no two
    databases in one folder share a themes model or JSON files."""
    db_path = Path(db_path)
    name = kind if db_path.name == DEFAULT_DB_NAME else f"{db_path.stem}-{kind}"
    return db_path.parent / name


def missing_db(path: str | Path) -> str:
    """One line for a database that is not there, saying where it was looked for."""
    path = Path(path)
    where = f"looked for {path.resolve()}" if not path.is_absolute() else f"working directory {Path.cwd()}"
    return (f"{path}: no such database ({where}); give --db its path, or make it with "
            "kompass ingest FOLDER --db PATH")


def _check_path(path: Path, readonly: bool) -> None:
    """The usual mistakes with a database path, each said in one line."""
    if path.is_dir():
        raise DbError(f"{path}: is a folder, not a database file")
    if readonly:
        if not path.exists():
            raise DbError(missing_db(path))
        return
    parent = path.parent
    if not parent.is_dir():
        raise DbError(f"{path}: folder {parent} does not exist")
    if path.exists() and not os.access(path, os.W_OK):
        raise DbError(f"{path}: the database is read-only (no write permission)")
    if not os.access(parent, os.W_OK):
        # SQLite writes its journal (WAL) beside the database
        raise DbError(f"{path}: cannot write in folder {parent} (no write permission)")


def check_db(path: str | Path) -> None:
    """Raise :class:`DbError` (one line) unless ``path`` can be written as a
    kompass database: a new file, an empty one, or a kompass database this
    version can write. Nothing is created or changed."""
    path = Path(path)
    _check_path(path, readonly=False)
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        conn = _connect(path, readonly=True)
    except sqlite3.DatabaseError as exc:
        raise DbError(f"{path}: not an SQLite database ({exc})") from None
    try:
        _kind_of(sqlite_utils.Database(conn), path)
    finally:
        conn.close()


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    _check_path(path, readonly)
    if readonly:
        uri = path.resolve().as_uri()  # every character quoted ("%", "?", "#"): the path, never another file
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
        try:
            conn.execute("select count(*) from sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # a WAL database in a folder we cannot write (a shared, read-only
            # place): SQLite cannot make its -shm file. Read as it is on disk
            # only when that is all of it: changes still in its -wal file
            # would be left out without a word
            conn.close()
            wal = Path(f"{path}-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise DbError(f"{path}: it cannot be read whole here: its latest changes are still in {wal.name}, "
                              "and SQLite needs to write a -shm file in its folder to read them; copy the "
                              "database with its -wal file to a folder you can write, or run kompass ingest "
                              "where it is writable (which folds them in)") from None
            conn = sqlite3.connect(uri + "?immutable=1", uri=True, timeout=BUSY_TIMEOUT)
        return conn
    return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT)


def _kind_of(db: sqlite_utils.Database, path: Path) -> int:
    """The schema version of a kompass database, 0 for an empty file; refuses
    any other SQLite database (so that nothing is added to it)."""
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = set(db.table_names())
    except sqlite3.DatabaseError as exc:
        raise DbError(f"{path}: not an SQLite database ({exc})") from None
    if version > SCHEMA_VERSION:
        raise DbError(f"{path}: database schema {version} is newer than this kompass ({SCHEMA_VERSION}); "
                            "update kompass")
    if tables and ("reports" not in tables or "sources" not in tables):
        raise DbError(f"{path}: not a kompass database (it holds other tables); "
                            "give --db a new file or a kompass database")
    return version


def open_db(path: str | Path, readonly: bool = False) -> sqlite_utils.Database:
    """Open a kompass database; unless ``readonly``, create it if missing and
    bring its schema up to date.

    Read-only opens never write, not even the journal mode. Writers use WAL,
    so that listing, queries and Datasette read while an ingest runs, and wait
    up to :data:`BUSY_TIMEOUT` for each other's transactions. Raises
    :class:`DbError` (one line) for anything that is not a usable
    kompass database.
    """
    path = Path(path)
    try:
        db = sqlite_utils.Database(_connect(path, readonly))
        version = _kind_of(db, path)
        if readonly:
            if version == 0:
                raise DbError(f"{path}: an empty database: run kompass ingest first")
            return db
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        _ensure_schema(db)
        return db
    except sqlite3.OperationalError as exc:
        raise DbError(f"{path}: cannot use the database ({exc})") from None
    except sqlite3.DatabaseError as exc:
        raise DbError(f"{path}: not an SQLite database ({exc})") from None


def _ensure_schema(db: sqlite_utils.Database) -> None:
    """Create or complete the schema. Each step checks what is there, so a run
    killed half-way through is completed by the next."""
    db.executescript(SCHEMA)
    if "reader" not in db["reports"].columns_dict:  # databases made before the tagged-PDF reader
        db["reports"].add_column("reader", str)
    if "doubt" not in db["findings"].columns_dict:  # databases made before findings carried doubts
        db["findings"].add_column("doubt", str)
    if "label_source" not in db["themes"].columns_dict:  # databases made before themes could be curated
        db["themes"].add_column("label_source", str, not_null_default="computed")
    if not any(fk.column == "theme_id" for fk in db["findings"].foreign_keys):
        # databases made before: the key lets Datasette and other tools link a
        # finding to its theme (the table is rebuilt; the FTS triggers below follow)
        db["findings"].add_foreign_key("theme_id", "themes", "id")
    if not any(fk.column == "municipality_code" for fk in db["reports"].foreign_keys):
        # so that Datasette and other tools link a report to its municipality
        db["reports"].add_foreign_key("municipality_code", "municipalities", "code")
    links_sql = db.execute("select sql from sqlite_master where name = 'links'").fetchone()[0]
    if "'candidate'" not in links_sql or "REFERENCES findings" not in links_sql:
        # links are derived data: a table from before ranked candidates (or
        # before its keys to the findings) is made anew, and the next ingest
        # computes them again
        with db.atomic():
            db.execute("drop view if exists follow_up_outcomes")
            db.execute("drop table links")
            db.execute("delete from kompass_state where key = 'links_state'")
            db.executescript(SCHEMA)
    _narrow_ids(db)
    for column in ("source_id", "target_id"):
        if not any(fk.column == column for fk in db["follow_up_reviews"].foreign_keys):
            # a researcher's verdicts are kept; the key lets tools link them to the findings
            db["follow_up_reviews"].add_foreign_key(column, "findings", "id")
    db.execute(THEME_PREVALENCE)
    stored = db.execute("select sql from sqlite_master where name = 'findings_long'").fetchone()
    if stored and stored[0].strip() != FINDINGS_LONG.replace(" IF NOT EXISTS", "").strip():
        db.execute("drop view findings_long")  # a view of an older kompass: views hold no data
    db.execute(FINDINGS_LONG)
    db.execute(FOLLOW_UP_OUTCOMES)
    for table, columns in FTS_COLUMNS.items():
        triggers = {t.name for t in db[table].triggers}
        complete = {f"{table}{s}" for s in ("_ai", "_ad", "_au")} <= triggers
        if not db[f"{table}_fts"].exists() or not complete:
            # rebuilt whole: what a killed run left (an index without triggers or
            # triggers without an index) is dropped first
            for suffix in ("_ai", "_ad", "_au"):
                db.execute(f"drop trigger if exists [{table}{suffix}]")
            if db[f"{table}_fts"].exists():
                db[table].disable_fts()
            db[table].enable_fts(columns, create_triggers=True, tokenize=FTS_TOKENIZE)
    if db["municipalities"].count == 0:
        with db.atomic():
            db["municipalities"].insert_all(
                {"code": m.code, "name": m.name, "county": m.county} for m in municipalities()
            )
    if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _narrow_ids(db: sqlite_utils.Database) -> None:
    """Ids of a database made before ids were below 2**53 (63 bits), made
    what :func:`stable_id` gives now: its low 53 bits, in every column that
    refers to a finding, in one transaction (a killed run leaves it as it
    was, and the next does it)."""
    if db.execute("PRAGMA user_version").fetchone()[0] >= 7:
        return
    with db.atomic():
        for table, column in ID_COLUMNS:
            db.execute(f"update [{table}] set [{column}] = [{column}] & ? where [{column}] > ?", [ID_MASK, ID_MASK])


@contextlib.contextmanager
def writer_lock(path: str | Path, on_wait=None) -> Iterator[None]:
    """Hold the right to write ``path`` for a whole ingest (a lock on a file
    beside it): a second ingest into the same database waits its turn, after
    ``on_wait()`` says so, instead of interleaving with the first."""
    _check_path(Path(path), readonly=False)
    lock_path = Path(str(path) + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise DbError(f"{path}: cannot lock the database ({exc.strerror or exc})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def source_status(db: sqlite_utils.Database, path: str, sha256: str) -> dict | None:
    """What is known of this path: its row in ``sources`` if the content is unchanged."""
    row = source_row(db, path)
    return row if row is not None and row["sha256"] == sha256 else None


def source_row(db: sqlite_utils.Database, path: str) -> dict | None:
    rows = list(db.query("select * from sources where path = ?", [path]))
    return rows[0] if rows else None


def sources_with_content(db: sqlite_utils.Database, sha256: str) -> list[dict]:
    """Every source with this content, in path order."""
    return list(db.query("select * from sources where sha256 = ? order by path", [sha256]))


def rename_source(db: sqlite_utils.Database, old: str, new: str) -> None:
    """A source found at another path (moved, or stored relative to another
    working directory): its rows follow it, in one transaction."""
    with db.atomic():
        db.execute("update sources set path = ? where path = ?", [new, old])
        db.execute("update reports set source_path = ? where source_path = ?", [new, old])


def stored_report(db: sqlite_utils.Database, report_id: str) -> dict | None:
    rows = list(db.query("select * from reports where id = ?", [report_id]))
    return rows[0] if rows else None


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def delete_report(db: sqlite_utils.Database, report_id: str) -> None:
    for table in CHILD_TABLES:
        db.execute(f"delete from [{table}] where report_id = ?", [report_id])
    db.execute("delete from reports where id = ?", [report_id])


def save_report(
    db: sqlite_utils.Database,
    report_id: str,
    report: Report,
    source: Source,
    parser_version: str,
    extra_flags: list[tuple[str, str, str]] = (),
    demoted: Source | None = None,
    forgotten: str | None = None,
    reading_settings: dict | None = None,
) -> None:
    """Replace whatever is stored under ``report_id`` with ``report``, in one
    transaction with what goes with it: the file kept before becomes a
    duplicate (``demoted``), or its row goes when the file is gone
    (``forgotten``); the tolerances the reading code used
    (``reading_settings``), once per ``parser_version``."""
    now = _now()
    with db.atomic():
        if reading_settings is not None:
            db["reading_settings"].insert(
                {"parser_version": parser_version,
                 "settings": json.dumps(reading_settings, sort_keys=True, ensure_ascii=False)},
                pk="parser_version", replace=True)
        # the file this report came from may earlier have given another report
        for old in db.query(
            "select report_id from sources where path = ? and report_id is not null and report_id != ? "
            "and status = 'stored'", [source.path, report_id]
        ):
            delete_report(db, old["report_id"])
        delete_report(db, report_id)
        db["reports"].insert({
            "id": report_id,
            "municipality": report.municipality,
            "municipality_code": report.municipality_code,
            "county": report.county,
            "year": report.year,
            "framework": report.framework,
            "total_score": report.total_score,
            "max_score": report.max_score,
            "evaluators": report.evaluators,
            "source_path": source.path,
            "source_sha256": source.sha256,
            "source_format": source.format,
            "reader": source.reader,
            "pages": source.pages,
            "parser_version": parser_version,
            "ingested_at": now,
        })
        db["areas"].insert_all(
            {"report_id": report_id, "number": a.number, "title": a.title, "domain": a.domain,
             "score": a.score, "max": a.max, "overview_title": a.overview_title, "score_source": a.score_source}
            for a in report.areas
        )
        db["questions"].insert_all(
            {"report_id": report_id, "area": q.area, "number": q.number, "title": q.title,
             "score": q.score, "max": q.max, "percent": q.percent}
            for q in report.questions
        )
        seen: dict[tuple, int] = {}
        db["findings"].insert_all(
            {"id": stable_id(seen, report_id, f.kind, f.area, f.text), "report_id": report_id, "area": f.area,
             "kind": f.kind, "position": f.position, "text": f.text, "page": f.page, "doubt": f.doubt}
            for f in report.findings
        )
        db["sections"].insert_all(
            {"id": stable_id(seen, report_id, "section", s.area, s.heading, s.text), "report_id": report_id,
             "area": s.area, "heading": s.heading, "text": s.text, "page": s.page}
            for s in report.sections
        )
        flags = [(f.severity, f.code, f.message) for f in report.flags] + list(extra_flags)
        db["flags"].insert_all(
            {"report_id": report_id, "severity": check(sev, code), "code": code, "message": msg}
            for sev, code, msg in flags
        )
        record_source(db, source, report_id, "stored", now)
        if demoted is not None:
            record_source(db, demoted, report_id, "duplicate", now)
        if forgotten is not None:
            db["sources"].delete_where("path = ?", [forgotten])


def stable_id(seen: dict[tuple, int], *key) -> int:
    """A row id derived from what the row says (report, kind, area, text) and
    not from when it was inserted: re-ingesting the same content, or the same
    report from another file, gives every finding its id again, so links,
    notes and exports can refer to it. Order is left out (a finding moved
    within its area keeps its id); the n-th repeat of the same text in a
    report is told apart by n. 53 bits of SHA-256 (:data:`ID_MASK`)."""
    n = seen[key] = seen.get(key, -1) + 1
    digest = hashlib.sha256("\x1f".join(map(str, (*key, n))).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") & ID_MASK


def record_source(db: sqlite_utils.Database, source: Source, report_id: str | None, status: str,
                  when: str | None = None) -> None:
    db["sources"].upsert(
        {"path": source.path, "sha256": source.sha256, "format": source.format,
         "report_id": report_id, "status": status, "ingested_at": when or _now()},
        pk="path",
    )


def add_flag(db: sqlite_utils.Database, report_id: str, severity: str, code: str, message: str) -> None:
    severity = check(severity, code)
    exists = list(db.query("select 1 from flags where report_id = ? and code = ? and message = ?",
                           [report_id, code, message]))
    if not exists:
        db["flags"].insert({"report_id": report_id, "severity": severity, "code": code, "message": message})


def record_duplicate(db: sqlite_utils.Database, source: Source, report_id: str, message: str,
                     severity: str = "info", code: str = Code.DUPLICATE_SOURCE) -> None:
    """A second file of a stored report: its source row and the report's flag,
    together; a report this file gave before (kept from it) goes, since the
    file now says another thing (its other files, if any, take over later)."""
    with db.atomic():
        for old in db.query("select report_id from sources where path = ? and report_id is not null "
                            "and report_id != ? and status = 'stored'", [source.path, report_id]):
            delete_report(db, old["report_id"])
        record_source(db, source, report_id, "duplicate")
        add_flag(db, report_id, severity, code, message)


def duplicate_sources(db: sqlite_utils.Database, report_id: str, *excluding: str) -> list[dict]:
    """The other files of a report, in path order."""
    return [r for r in db.query("select * from sources where report_id = ? and status = 'duplicate' order by path",
                                [report_id]) if r["path"] not in excluding]


def duplicates_and_kept(db: sqlite_utils.Database) -> list[dict]:
    """Every duplicate source with the path of its report's kept file (None
    when the report is gone), in report and path order."""
    return list(db.query(
        "select s.report_id, s.path, s.format, r.source_path as kept from sources s "
        "left join reports r on r.id = s.report_id where s.status = 'duplicate' order by s.report_id, s.path"))


def stored_flags(db: sqlite_utils.Database, report_id: str) -> list[tuple[str, str]]:
    """(severity, code) of each flag a stored report has."""
    return [(r["severity"], r["code"]) for r in db.query("select severity, code from flags where report_id = ?",
                                                         [report_id])]


def report_fingerprint(db: sqlite_utils.Database, report_id: str) -> dict:
    """What two files of one report are compared by: findings, area scores, total."""
    return {
        "findings": sorted(
            (r["area"] or 0, r["kind"], r["position"], r["text"])
            for r in db.query("select area, kind, position, text from findings where report_id = ?", [report_id])
        ),
        "areas": sorted((r["number"], r["score"]) for r in db.query(
            "select number, score from areas where report_id = ?", [report_id])),
        "total": stored_report(db, report_id)["total_score"],
    }


def stored_counts(db: sqlite_utils.Database, report_ids: Iterable[str]) -> dict[str, int]:
    """Reports, findings and flags stored under these ids."""
    ids = sorted(set(report_ids))
    out = {"reports": 0, "findings": 0, "flags": 0}
    for k in range(0, len(ids), 500):
        chunk = ids[k:k + 500]
        marks = ",".join("?" * len(chunk))
        out["reports"] += db.execute(f"select count(*) from reports where id in ({marks})", chunk).fetchone()[0]
        out["findings"] += db.execute(f"select count(*) from findings where report_id in ({marks})", chunk).fetchone()[0]
        out["flags"] += db.execute(f"select count(*) from flags where report_id in ({marks})", chunk).fetchone()[0]
    return out


def source_roles(db: sqlite_utils.Database, paths: Iterable[str]) -> dict[str, int]:
    """How many of these sources are kept ("stored") and how many duplicates."""
    out = {"stored": 0, "duplicate": 0}
    for path in sorted(set(paths)):
        row = source_row(db, path)
        if row is not None and row["status"] in out:
            out[row["status"]] += 1
    return out


# -- follow-up links -------------------------------------------------------------
def findings_for_links(db: sqlite_utils.Database) -> list[dict]:
    """Every finding with its report's municipality and year and its area's domain."""
    return list(db.query(
        "select f.id, f.report_id, f.kind, f.text, r.municipality_code, r.year, a.domain "
        "from findings f join reports r on r.id = f.report_id "
        "left join areas a on a.report_id = f.report_id and a.number = f.area order by f.id"))


def sections_for_links(db: sqlite_utils.Database) -> list[dict]:
    """The narrative of the reports' areas, with each area's domain (sections
    outside the areas introduce the method or caption the charts)."""
    return list(db.query(
        "select s.report_id, a.domain, s.heading, s.text from sections s join areas a "
        "on a.report_id = s.report_id and a.number = s.area order by s.id"))


def replace_links(db: sqlite_utils.Database, rows: list[dict], state: str) -> None:
    """All links anew, and what they were computed from, in one transaction."""
    with db.atomic():
        db.execute("delete from links")
        db["links"].insert_all(rows)
        db["kompass_state"].upsert({"key": "links_state", "value": state}, pk="key")


def save_reviews(db: sqlite_utils.Database, rows: list[dict]) -> None:
    """A researcher's verdicts, each replacing an earlier one on the same
    recommendation and later report, in one transaction."""
    with db.atomic():
        db["follow_up_reviews"].upsert_all(
            ({**r, "reviewed_at": _now()} for r in rows), pk=("source_id", "target_report_id"))


def stored_links_state(db: sqlite_utils.Database) -> str | None:
    if not db["kompass_state"].exists() or not db["links"].exists():
        return None
    row = next(db.query("select value from kompass_state where key = 'links_state'"), None)
    return row["value"] if row else None


def links_state(db: sqlite_utils.Database, method: str = "") -> str:
    """What the links were computed from: the findings (ids), their reports'
    municipality and year, their areas' domains, the narrative (section ids),
    and the method (threshold and all)."""
    h = hashlib.sha256(method.encode())
    for row in db.execute("select f.id, r.municipality_code, r.year, a.domain from findings f "
                          "join reports r on r.id = f.report_id left join areas a "
                          "on a.report_id = f.report_id and a.number = f.area order by f.id"):
        h.update(repr(tuple(row)).encode())
    for row in db.execute("select id from sections order by id"):
        h.update(repr(tuple(row)).encode())
    return h.hexdigest()[:16]


def report_ids(db: sqlite_utils.Database) -> set[str]:
    return {r[0] for r in db.execute("select id from reports")}


# -- sentence vectors ----------------------------------------------------------
def findings_without_vectors(db: sqlite_utils.Database, encoder: str) -> list[dict]:
    return list(db.query(
        "select f.id, f.text from findings f where not exists (select 1 from finding_vectors v "
        "where v.finding_id = f.id and v.encoder = ?) order by f.id", [encoder]))


def vectors_by_text(db: sqlite_utils.Database, encoder: str, texts: set[str]) -> dict[str, bytes]:
    """A stored vector for each of ``texts`` that some finding with a vector has."""
    out: dict[str, bytes] = {}
    for row in db.execute("select f.text, v.vector from findings f join finding_vectors v "
                          "on v.finding_id = f.id and v.encoder = ? order by f.id", [encoder]):
        if row[0] in texts:
            out.setdefault(row[0], row[1])
    return out


def save_vectors(db: sqlite_utils.Database, encoder: str, rows) -> None:
    """``rows``: (finding id, float32 array or its bytes), in one transaction."""
    import numpy as np

    values = []
    for fid, vector in rows:
        blob = vector if isinstance(vector, bytes) else np.asarray(vector, dtype="<f4").tobytes()
        values.append((fid, encoder, len(blob) // 4, blob))
    with db.atomic():
        db.conn.executemany("insert or replace into finding_vectors (finding_id, encoder, dimensions, vector) "
                            "values (?, ?, ?, ?)", values)


def load_vectors(db: sqlite_utils.Database, encoder: str, ids) -> dict:
    """finding id -> float32 vector, for those of ``ids`` that have one."""
    import numpy as np

    wanted = set(ids)
    return {fid: np.frombuffer(blob, dtype="<f4") for fid, blob in
            db.execute("select finding_id, vector from finding_vectors where encoder = ?", [encoder])
            if fid in wanted}


def prune_vectors(db: sqlite_utils.Database) -> int:
    """Drop the vectors of findings no longer in the database."""
    with db.atomic():
        cursor = db.execute("delete from finding_vectors where finding_id not in (select id from findings)")
    return cursor.rowcount


def vector_count(db: sqlite_utils.Database, encoder: str) -> int:
    return db.execute("select count(*) from finding_vectors where encoder = ?", [encoder]).fetchone()[0]


# -- themes ------------------------------------------------------------------
def findings_for_themes(db: sqlite_utils.Database, unthemed_only: bool = False) -> list[dict]:
    """Findings to cluster or assign, in id order: id, text, kind, report_id,
    theme_id and the domain of their area (through the crosswalk)."""
    where = "where f.theme_score is null" if unthemed_only else ""
    return list(db.query(
        "select f.id, f.text, f.kind, f.report_id, f.theme_id, a.domain from findings f "
        f"left join areas a on a.report_id = f.report_id and a.number = f.area {where} order by f.id"))


def themes_by_text(db: sqlite_utils.Database, texts: set[str]) -> dict[str, tuple[int | None, float]]:
    """(theme id, score) of a finding already given a theme (or found an
    outlier), for each of ``texts`` some such finding prints."""
    out: dict[str, tuple[int | None, float]] = {}
    for text, theme, score in db.execute("select text, theme_id, theme_score from findings "
                                         "where theme_score is not null order by id"):
        if text in texts:
            out.setdefault(text, (theme, score))
    return out


def report_text(db: sqlite_utils.Database) -> list[str]:
    """All running text of all reports (sections), to learn word associations from."""
    return [r["text"] for r in db.query("select text from sections order by id")]


def theme_count(db: sqlite_utils.Database) -> int:
    return db["themes"].count if db["themes"].exists() else 0


def themes_version(db: sqlite_utils.Database) -> str | None:
    row = next(db.query("select model_version from themes limit 1"), None)
    return row["model_version"] if row else None


def save_themes(db: sqlite_utils.Database, themes: list[dict],
                assignments: list[tuple[int, int | None, float]], replace: bool) -> None:
    """Store themes and findings' assignments in one transaction.

    ``replace`` clears every finding's theme first (a new model); otherwise
    only the given findings change (new findings assigned to the model's themes).
    Sizes are counted from the findings, and a representative that is gone (its
    report was replaced) is replaced by the member closest to the centre.
    """
    with db.atomic():
        if replace:
            db.execute("update findings set theme_id = null, theme_score = null")
        db.execute("delete from themes")
        db["themes"].insert_all(
            ({**t, "terms": json.dumps(t["terms"], ensure_ascii=False)} for t in themes), pk="id")
        db.conn.executemany("update findings set theme_id = ?, theme_score = ? where id = ?",
                            [(theme, score, fid) for fid, theme, score in assignments])
        recount_themes(db)


def recount_themes(db: sqlite_utils.Database) -> None:
    """Each theme's size from its findings, and a representative that is
    still a member (else the member closest to the centre)."""
    db.execute("""
        update themes set size = (select count(*) from findings f where f.theme_id = themes.id)""")
    db.execute("""
        update themes set representative_finding_id = (
            select f.id from findings f where f.theme_id = themes.id
            order by f.theme_score desc, f.id limit 1)
        where representative_finding_id is null
           or representative_finding_id not in (select id from findings where theme_id = themes.id)""")


# -- curation of themes --------------------------------------------------------
CURATION_ACTIONS = ("rename", "merge", "split", "move")


def curation_decisions(db: sqlite_utils.Database) -> list[dict]:
    """The researcher's decisions on the themes in the order taken, JSON decoded."""
    if not db["theme_curation"].exists():
        return []
    rows = list(db.query("select * from theme_curation order by seq"))
    for r in rows:
        r["other_ids"] = json.loads(r["other_ids"]) if r["other_ids"] else []
        r["detail"] = json.loads(r["detail"]) if r["detail"] else {}
    return rows


def add_curation(db: sqlite_utils.Database, action: str, theme_id: int | None = None,
                 other_ids: list[int] | None = None, finding_id: int | None = None, label: str | None = None,
                 detail: dict | None = None) -> int:
    """Record one decision; its seq (the order decisions are applied in)."""
    if action not in CURATION_ACTIONS:
        raise ValueError(f"unknown curation action {action!r}")
    cursor = db.execute(
        "insert into theme_curation (action, theme_id, other_ids, finding_id, label, detail, created_at) "
        "values (?, ?, ?, ?, ?, ?, ?)",
        [action, theme_id, json.dumps(other_ids) if other_ids else None, finding_id, label,
         json.dumps(detail, ensure_ascii=False) if detail else None, _now()])
    return cursor.lastrowid


def set_curation_status(db: sqlite_utils.Database, statuses: dict[int, str]) -> None:
    db.conn.executemany("update theme_curation set status = ? where seq = ?",
                        [(status, seq) for seq, status in statuses.items()])


def set_curation_detail(db: sqlite_utils.Database, seq: int, detail: dict) -> None:
    db.execute("update theme_curation set detail = ? where seq = ?", [json.dumps(detail, ensure_ascii=False), seq])


def theme_ids(db: sqlite_utils.Database) -> list[int]:
    return [r[0] for r in db.execute("select id from themes order by id")]


def theme_row(db: sqlite_utils.Database, theme_id: int) -> dict | None:
    return next(db.query("select * from themes where id = ?", [theme_id]), None)


def theme_members(db: sqlite_utils.Database, theme_id: int) -> list[int]:
    return [r[0] for r in db.execute("select id from findings where theme_id = ? order by id", [theme_id])]


def finding_theme(db: sqlite_utils.Database, finding_id: int) -> tuple[bool, int | None]:
    """(whether the finding exists, its theme id)."""
    row = db.execute("select theme_id from findings where id = ?", [finding_id]).fetchone()
    return (row is not None, row[0] if row else None)


def referenced_theme_ids(db: sqlite_utils.Database) -> set[int]:
    """Every theme id a curation decision names: ids a refit must not give to a new theme."""
    out: set[int] = set()
    for d in curation_decisions(db):
        if d["theme_id"] is not None:
            out.add(d["theme_id"])
        out.update(d["other_ids"])
    return out


def set_theme_label(db: sqlite_utils.Database, theme_id: int, label: str, source: str,
                    terms: list[str] | None = None) -> None:
    if terms is None:
        db.execute("update themes set label = ?, label_source = ? where id = ?", [label, source, theme_id])
    else:
        db.execute("update themes set label = ?, label_source = ?, terms = ? where id = ?",
                   [label, source, json.dumps(terms, ensure_ascii=False), theme_id])


def set_findings_theme(db: sqlite_utils.Database, finding_ids: Iterable[int], theme_id: int | None) -> None:
    """Put findings in a theme (None: outliers); their theme_score (similarity
    to the model's centre) is kept, so the model does not assign them again."""
    db.conn.executemany("update findings set theme_id = ? where id = ?", [(theme_id, f) for f in finding_ids])


def findings_of_themes(db: sqlite_utils.Database, theme_ids: list[int]) -> dict[int, list[int]]:
    """theme id -> its findings' ids, for each of ``theme_ids`` (empty when none)."""
    out: dict[int, list[int]] = {t: [] for t in theme_ids}
    marks = ",".join("?" * len(theme_ids))
    for fid, tid in db.execute(f"select id, theme_id from findings where theme_id in ({marks}) order by id",
                               list(theme_ids)):
        out[tid].append(fid)
    return out


def merge_theme_findings(db: sqlite_utils.Database, into: int, others: list[int]) -> None:
    """The findings of ``others`` join theme ``into``; the others' rows go."""
    marks = ",".join("?" * len(others))
    db.execute(f"update findings set theme_id = ? where theme_id in ({marks})", [into, *others])
    db.execute(f"delete from themes where id in ({marks})", others)


def insert_theme(db: sqlite_utils.Database, theme_id: int, label: str, terms: list[str],
                 representative: int | None, model_version: str) -> None:
    db.execute("insert into themes (id, label, terms, size, representative_finding_id, model_version, label_source) "
               "values (?, ?, ?, 0, ?, ?, 'computed')",
               [theme_id, label, json.dumps(terms, ensure_ascii=False), representative, model_version])


def set_representative(db: sqlite_utils.Database, theme_id: int, finding_id: int) -> None:
    db.execute("update themes set representative_finding_id = ? where id = ?", [finding_id, theme_id])


# -- codebooks -----------------------------------------------------------------
def findings_for_codebook(db: sqlite_utils.Database) -> list[dict]:
    """Every finding to code, in id order: id and text."""
    return list(db.query("select id, text from findings order by id"))


def codebook_exists(db: sqlite_utils.Database, name: str) -> bool:
    return db["codebooks"].exists() and db["codebooks"].count_where("codebook = ?", [name]) > 0


def save_codebook(db: sqlite_utils.Database, name: str, themes: list[dict],
                  assignments: list[tuple[int, str | None, float]]) -> None:
    """A codebook's themes and every finding's theme under it, replacing what
    the codebook had, in one transaction."""
    with db.atomic():
        db.execute("delete from codebook_themes where codebook = ?", [name])
        db.execute("delete from codebooks where codebook = ?", [name])
        db["codebooks"].insert_all({"codebook": name, **t} for t in themes)
        db.conn.executemany("insert into codebook_themes (finding_id, codebook, theme, score) values (?, ?, ?, ?)",
                            [(fid, name, theme, score) for fid, theme, score in assignments])


def codebook_names(db: sqlite_utils.Database) -> list[str]:
    if not db["codebooks"].exists():
        return []
    return [r[0] for r in db.execute("select distinct codebook from codebooks order by codebook")]


def codebook_overview(db: sqlite_utils.Database) -> list[dict]:
    """Per codebook: its themes, the themes given findings, the findings coded
    to a theme and those to none (of findings still in the database)."""
    if not db["codebooks"].exists():
        return []
    return list(db.query("""
        select c.codebook, c.themes,
               (select count(distinct ct.theme) from codebook_themes ct join findings f on f.id = ct.finding_id
                where ct.codebook = c.codebook and ct.theme is not null) as themes_used,
               (select count(*) from codebook_themes ct join findings f on f.id = ct.finding_id
                where ct.codebook = c.codebook and ct.theme is not null) as assigned,
               (select count(*) from codebook_themes ct join findings f on f.id = ct.finding_id
                where ct.codebook = c.codebook and ct.theme is null) as unassigned
        from (select codebook, count(*) as themes from codebooks group by codebook) c
        order by c.codebook"""))


def codebook_theme_counts(db: sqlite_utils.Database, name: str) -> list[dict]:
    """A codebook's themes in the codebook's order of keys, with their number of findings."""
    return list(db.query("""
        select c.theme, c.label, c.description, c.keywords,
               (select count(*) from codebook_themes ct join findings f on f.id = ct.finding_id
                where ct.codebook = c.codebook and ct.theme = c.theme) as findings
        from codebooks c where c.codebook = ? order by c.rowid""", [name]))


def codebook_findings(db: sqlite_utils.Database, name: str) -> list[dict]:
    """Every finding coded by codebook ``name``, best-fitting first within its
    theme (the unassigned last), with its report's municipality and year."""
    return list(db.query("""
        select ct.finding_id, ct.theme, c.label, ct.score, r.municipality, r.year, f.area, f.kind, f.text
        from codebook_themes ct
        join findings f on f.id = ct.finding_id
        join reports r on r.id = f.report_id
        left join codebooks c on c.codebook = ct.codebook and c.theme = ct.theme
        where ct.codebook = ?
        order by ct.theme is null, c.rowid, ct.score desc, ct.finding_id""", [name]))
