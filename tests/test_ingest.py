"""Ingestion into SQLite: schema, re-runs, replacements, duplicates across formats, bad input."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from conftest import FIXTURES, sample
from pipeline.cli import cli
from pipeline.ingest import PARSER_VERSION, ingest, report_files

PDF_BAD = FIXTURES / "pdf_reader"


def run(args):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def content(db_path, exclude=("ingested_at",)):
    """Everything stored, as comparable rows (timestamps left out)."""
    db = sqlite_utils.Database(db_path)
    out = {}
    for t in ["reports", "areas", "questions", "findings", "sections", "flags", "sources"]:
        rows = [{k: v for k, v in r.items() if k not in exclude} for r in db[t].rows]
        out[t] = sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)
    return out


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "reports"
    d.mkdir()
    for year in (2017, 2021):
        shutil.copy(sample(year, "txt"), d / f"torsas-{year}.txt")
    return d


def test_schema_and_counts(folder, tmp_path):
    db_path = tmp_path / "f.db"
    # themes and links have tests of their own (test_themes_store, test_links)
    res = run(["ingest", str(folder), "--db", str(db_path), "--extracted", str(tmp_path / "x"), "--no-themes"])
    assert res.exit_code == 0, res.output
    assert "2 new" in res.output and "0 failed" in res.output and "142 findings" in res.output
    db = sqlite_utils.Database(db_path)
    assert {r["id"] for r in db["reports"].rows} == {"0834-2017", "0834-2021"}
    cols = {t: set(db[t].columns_dict) for t in
            ["reports", "areas", "questions", "findings", "sections", "flags", "municipalities"]}
    assert {"id", "municipality", "municipality_code", "county", "year", "framework", "total_score", "max_score",
            "evaluators", "source_path", "source_sha256", "source_format", "pages", "parser_version",
            "ingested_at"} <= cols["reports"]
    assert {"report_id", "number", "title", "domain", "score", "max"} <= cols["areas"]
    assert {"report_id", "area", "number", "title", "score", "max", "percent"} <= cols["questions"]
    assert {"id", "report_id", "area", "kind", "position", "text", "page"} <= cols["findings"]
    assert {"report_id", "area", "heading", "text", "page"} <= cols["sections"]
    assert {"report_id", "severity", "code", "message"} <= cols["flags"]
    assert db["municipalities"].count == 290
    assert db.execute("select total_score from reports where id='0834-2017'").fetchone()[0] == 373
    assert db.execute("select count(*) from questions where report_id='0834-2021'").fetchone()[0] == 37
    # full-text search on findings and sections
    hits = db.execute("select text from findings where id in "
                      "(select rowid from findings_fts where findings_fts match 'medborgardialog')").fetchall()
    assert ("Arbetet med medborgardialog i vid olika tillfällen.",) in hits
    assert db.execute("select count(*) from sections_fts where sections_fts match 'hållbarhetsprogram*'").fetchone()[0] > 0
    data = json.loads((tmp_path / "x" / "0834-2021.json").read_text("utf-8"))
    assert data["id"] == "0834-2021" and len(data["findings"]) == 54 and data["total_score"] == 499


def test_the_tolerances_a_report_was_read_with_are_stored_with_its_parser_version(folder, tmp_path):
    """Each report's parser version names a row of reading_settings holding
    every tolerance of the PDF layout and of OCR, as the code has them."""
    from dataclasses import fields

    from pipeline.readers.pdf.settings import OcrSettings, PdfSettings

    db_path = tmp_path / "f.db"
    ingest(report_files(folder), db_path, extracted_dir=None)
    db = sqlite_utils.Database(db_path)
    rows = db.execute("select r.id, s.settings from reports r "
                      "join reading_settings s using (parser_version)").fetchall()
    assert sorted(r[0] for r in rows) == ["0834-2017", "0834-2021"]
    settings = json.loads(rows[0][1])
    assert set(settings["pdf"]) == {f.name for f in fields(PdfSettings)}
    assert set(settings["pdf"]["recognition"]) == {f.name for f in fields(OcrSettings)}
    assert PdfSettings.resolve(settings["pdf"]) == PdfSettings()  # they make the same reader again
    assert db["reading_settings"].count == 1


def test_same_input_same_database_and_rerun_changes_nothing(folder, tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    ingest(report_files(folder), a, None)
    ingest(report_files(folder), b, None)
    assert content(a) == content(b)
    before = content(a, exclude=())
    summary = ingest(report_files(folder), a, None)
    assert summary.count("unchanged") == 2
    assert content(a, exclude=()) == before


def test_a_changed_file_replaces_its_report(folder, tmp_path):
    db_path = tmp_path / "f.db"
    ingest(report_files(folder), db_path, None)
    path = folder / "torsas-2021.txt"
    text = path.read_text("utf-8").replace("Heltidsarbete som norm", "Heltid som norm för alla")
    path.write_text(text, "utf-8")
    summary = ingest(report_files(folder), db_path, None)
    assert [o.status for o in summary.outcomes] == ["unchanged", "replaced"]
    db = sqlite_utils.Database(db_path)
    texts = [r[0] for r in db.execute("select text from findings where report_id='0834-2021'")]
    assert len(texts) == 54
    assert "Heltid som norm för alla" in texts and "Heltidsarbete som norm" not in texts
    assert db["reports"].count == 2 and db["findings"].count == 142


def test_same_report_from_two_formats_is_one_report_and_a_flag(tmp_path):
    d = tmp_path / "r"
    d.mkdir()
    shutil.copy(sample(2021, "txt"), d / "a.txt")
    shutil.copy(sample(2021, "docx"), d / "b.docx")
    db_path = tmp_path / "f.db"
    summary = ingest(report_files(d), db_path, None)
    assert [o.status for o in summary.outcomes] == ["stored", "replaced"]  # the Word original is preferred
    db = sqlite_utils.Database(db_path)
    assert db["reports"].count == 1
    assert db["findings"].count == 54
    row = next(db["reports"].rows)
    assert row["source_format"] == "docx"
    flags = [r["message"] for r in db["flags"].rows_where("code = 'duplicate_source'")]
    assert len(flags) == 1 and "a.txt" in flags[0] and "same scores and findings" in flags[0]
    # and again: nothing changes
    again = ingest(report_files(d), db_path, None)
    assert {o.status for o in again.outcomes} == {"unchanged"}
    assert db["reports"].count == 1


def test_bad_inputs_fail_cleanly_and_the_rest_is_stored(folder, tmp_path):
    (folder / "empty.txt").write_bytes(b"")
    (folder / "truncated.docx").write_bytes(sample(2021, "docx").read_bytes()[:3000])
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not a pdf\n")
    shutil.copy(PDF_BAD / "encrypted.pdf", folder / "encrypted.pdf")
    shutil.copy(PDF_BAD / "scanned.pdf", folder / "scanned.pdf")
    (folder / "letter.txt").write_text("Kommunstyrelsen i Torsås kommun beslutade om budget.\n", "utf-8")
    (folder / "notes.rtf").write_text("{\\rtf1 hej}", "utf-8")
    db_path = tmp_path / "f.db"
    res = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(db_path), "--no-json"])
    assert res.exit_code == 1
    errors = [l for l in res.output.splitlines() if l.startswith("error:")]
    reasons = {l.split(":")[1].strip().rsplit("/", 1)[-1]: l for l in errors}
    assert set(reasons) == {"empty.txt", "truncated.docx", "corrupt.pdf", "encrypted.pdf", "scanned.pdf",
                            "letter.txt"}
    assert "empty file" in reasons["empty.txt"]
    assert "Word" in reasons["truncated.docx"]
    assert "PDF" in reasons["corrupt.pdf"]
    assert "encrypted" in reasons["encrypted.pdf"]
    # a scan of a letter: read by OCR where Tesseract is installed, and no report
    assert "not a Kommunkompassen report" in reasons["scanned.pdf"] or "Tesseract" in reasons["scanned.pdf"]
    assert "not a Kommunkompassen report" in reasons["letter.txt"]
    # a format kompass does not read is listed as skipped, not as a failed report
    assert any(l.startswith("skipped:") and "notes.rtf: not a report format (.rtf)" in l
               for l in res.output.splitlines())
    assert "6 failed" in res.output
    db = sqlite_utils.Database(db_path)
    assert db["reports"].count == 2 and db["findings"].count == 142
    assert db["sources"].count == 2  # nothing of a failing file is written


def test_a_failure_inside_a_write_leaves_what_was_stored(folder, tmp_path, monkeypatch):
    db_path = tmp_path / "f.db"
    ingest(report_files(folder), db_path, None)
    before = content(db_path, exclude=())
    path = folder / "torsas-2017.txt"
    path.write_text(path.read_text("utf-8") + "\n", "utf-8")  # changed: will be replaced

    import pipeline.store as store

    real = store.record_source

    def boom(*a, **k):
        raise sqlite3.OperationalError("disk full (simulated)")

    monkeypatch.setattr(store, "record_source", boom)
    with pytest.raises(sqlite3.OperationalError):
        ingest([path], db_path, None)
    monkeypatch.setattr(store, "record_source", real)
    assert content(db_path, exclude=()) == before


def test_help_explains_every_command():
    res = run(["--help"])
    assert res.exit_code == 0 and "ingest" in res.output
    res = run(["ingest", "--help"])
    assert "--db" in res.output and "FOLDER" in res.output


@pytest.mark.parametrize("year", [2017, 2021])
def test_all_three_formats_give_the_same_database_content(year, tmp_path):
    """Everything but provenance (source, pages, page numbers) is the same from txt, docx and pdf."""
    provenance = ("ingested_at", "source_path", "source_sha256", "source_format", "reader", "pages", "page", "path",
                  "sha256", "format", "id")
    results = {}
    for fmt in ("txt", "docx", "pdf"):
        db_path = tmp_path / f"{fmt}.db"
        summary = ingest([sample(year, fmt)], db_path, None)
        assert summary.count("stored") == 1, summary.outcomes
        got = content(db_path, exclude=provenance)
        got.pop("sections")  # narrative text: headings may be set apart differently per format
        results[fmt] = got
    assert results["docx"] == results["txt"]
    assert results["pdf"] == results["txt"]


def test_the_way_a_pdf_was_read_is_stored(tmp_path):
    db_path = tmp_path / "k.db"
    ingest([FIXTURES / "producers" / "torsas-2021-chromium.pdf", sample(2017, "pdf")], db_path, None)
    readers = {r["year"]: r["reader"] for r in sqlite_utils.Database(db_path)["reports"].rows}
    assert readers == {2021: "pdf-tags", 2017: "pdf-layout"}


def test_a_report_stored_by_older_reading_code_is_read_again(folder, tmp_path):
    """An upgrade of kompass reaches the reports already stored: a file whose
    report was made by other reading code is read again, once."""
    db_path = tmp_path / "f.db"
    ingest(report_files(folder), db_path, None)
    db = sqlite_utils.Database(db_path)
    db.execute("update reports set parser_version = '0.0.1' where id = '0834-2017'")
    db.execute("delete from findings where report_id = '0834-2017' and position = 1")
    db.conn.commit()
    db.close()
    summary = ingest(report_files(folder), db_path, None)
    assert [(o.status, o.message.startswith("read again")) for o in summary.outcomes] == [
        ("replaced", True), ("unchanged", False)]
    db = sqlite_utils.Database(db_path)
    assert db["findings"].count == 142  # what the old reading lacked is back
    assert {r["parser_version"] for r in db["reports"].rows} == {PARSER_VERSION}
    assert [o.status for o in ingest(report_files(folder), db_path, None).outcomes] == ["unchanged", "unchanged"]


def test_findings_the_reader_doubts_are_marked_in_the_database(tmp_path):
    """fpdf2's borderless 2021 cells leave some findings' extent open: those
    findings are stored with their doubt, and the report carries the flag."""
    db_path = tmp_path / "k.db"
    ingest([FIXTURES / "producers" / "torsas-2021-fpdf2.pdf"], db_path, None)
    db = sqlite_utils.Database(db_path)
    doubted = {r["doubt"] for r in db.query("select doubt from findings where doubt is not null")}
    assert "may_be_part" in doubted
    assert db.execute("select count(*) from flags where code = 'finding_may_be_part'").fetchone()[0] == 1
    assert db.execute("select count(*) from findings where doubt is null").fetchone()[0] >= 48


def test_a_missing_json_file_is_written_again(folder, tmp_path):
    """A run killed after storing a report but before writing its JSON (or a
    JSON file deleted by hand): the next run writes it; the rest is unchanged."""
    out = tmp_path / "x"
    ingest(report_files(folder), tmp_path / "f.db", out)
    (out / "0834-2021.json").unlink()
    summary = ingest(report_files(folder), tmp_path / "f.db", out)
    assert [(o.status, o.message) for o in summary.outcomes] == [
        ("unchanged", ""), ("replaced", "read again: its JSON file was missing or of an earlier reading")]
    assert json.loads((out / "0834-2021.json").read_text("utf-8"))["total_score"] == 499


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig", "cp1252"])
def test_text_exports_in_windows_encodings_are_read(encoding, tmp_path):
    """UTF-16 with a byte-order mark (what Notepad calls "Unicode"), UTF-16
    without one, UTF-8 with a BOM and Windows-1252 ("ANSI"): the same report.
    Before, UTF-16 was refused as "binary"."""
    text = sample(2021, "txt").read_text("utf-8")
    path = tmp_path / "r.txt"
    path.write_bytes(text.encode(encoding, errors="replace" if encoding == "cp1252" else "strict"))
    from pipeline.readers import read_document
    from pipeline.extract import extract_report
    report = extract_report(read_document(path))
    assert (report.id, report.total_score, len(report.findings)) == ("0834-2021", 499, 54)


def test_files_over_the_bounds_are_refused_in_one_line_and_the_rest_go_on(folder, tmp_path):
    """A file over the size limit (not even opened), and a Word package whose
    parts declare more than the unpacked limit (a zip bomb: refused from the
    zip directory, before a byte is inflated)."""
    import zipfile
    from pipeline.readers import MAX_FILE_MB
    from pipeline.readers.docx import MAX_UNPACKED_MB
    huge = folder / "huge.pdf"
    with open(huge, "wb") as fh:
        fh.truncate((MAX_FILE_MB + 1) * 1024 * 1024)  # sparse: no disk used
    bomb = folder / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as part:
            chunk = b"\0" * (1 << 20)
            for _ in range(MAX_UNPACKED_MB + 10):
                part.write(chunk)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    res = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(tmp_path / "f.db"), "--no-json", "--no-themes"])
    errors = sorted(l for l in res.output.splitlines() if l.startswith("error:"))
    assert len(errors) == 2 and res.exit_code == 1
    assert "bomb.docx: Word package unpacks to" in errors[0] and f"{MAX_UNPACKED_MB} MB limit" in errors[0]
    assert "huge.pdf: file of" in errors[1] and f"{MAX_FILE_MB} MB limit" in errors[1]
    assert sqlite_utils.Database(tmp_path / "f.db")["reports"].count == 2


def test_an_odd_file_name_is_quoted_on_its_one_line(folder, tmp_path):
    (folder / "bad\nname.txt").write_bytes(b"")
    res = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(tmp_path / "f.db"), "--no-json", "--no-themes"])
    errors = [l for l in res.output.splitlines() if l.startswith("error:")]
    assert len(errors) == 1 and "'" in errors[0] and "bad\\nname.txt" in errors[0] and "empty file" in errors[0]


def test_a_report_without_municipality_or_year_is_said_on_the_terminal(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = sample(2021, "txt").read_text("utf-8").replace("Torsås", "Xyzby").replace("Torsas", "Xyzby")
    (folder / "x.txt").write_text(text, "utf-8")
    res = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(tmp_path / "f.db"), "--no-json", "--no-themes"])
    assert res.exit_code == 0, res.output
    warnings = [l for l in res.output.splitlines() if l.startswith("warning:")]
    assert len(warnings) == 1 and "x.txt: no municipality of SCB's register" in warnings[0]
    assert "stored as unknown-" in warnings[0]


def test_a_full_disk_during_ingest_is_one_line_and_keeps_what_was_stored(folder, tmp_path, monkeypatch):
    db_path = tmp_path / "f.db"
    ingest(report_files(folder), db_path, None)
    before = content(db_path, exclude=())
    path = folder / "torsas-2017.txt"
    path.write_text(path.read_text("utf-8") + "\n", "utf-8")
    import pipeline.store as store

    def full(*a, **k):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "record_source", full)
    res = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(db_path), "--no-json", "--no-themes"])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert res.output.strip().splitlines()[-1].startswith("Error: the database could not be written (database or disk is full)")
    monkeypatch.undo()
    assert content(db_path, exclude=()) == before


def test_a_report_the_schema_refuses_fails_alone(tmp_path, monkeypatch):
    """A report the database refuses (a constraint: an extraction fault) is one
    failed file; the files after it are stored, nothing of it is written."""
    import pipeline.ingest as ingest_module

    real = ingest_module.save_report

    def refuse_2017(db, report_id, *args, **kwargs):
        if report_id == "0834-2017":
            with db.atomic():
                db.execute("insert into reports (id) values ('0834-2017')")  # half-written, then refused
                raise sqlite3.IntegrityError("UNIQUE constraint failed: questions.report_id, questions.number")
        return real(db, report_id, *args, **kwargs)

    monkeypatch.setattr(ingest_module, "save_report", refuse_2017)
    summary = ingest([sample(2017, "txt"), sample(2021, "txt")], tmp_path / "k.db", None)
    failed = [o for o in summary.outcomes if o.status == "failed"]
    assert len(failed) == 1 and "could not be stored" in failed[0].message and "UNIQUE" in failed[0].message
    db = sqlite_utils.Database(tmp_path / "k.db")
    assert [r["id"] for r in db.query("select id from reports")] == ["0834-2021"]


def _without_area_1_improvements(text: str) -> str:
    """The 2017 sample with area 1's list of improvements (its label and items) taken out."""
    lines = text.splitlines(keepends=True)
    start = next(k for k, line in enumerate(lines) if line.strip() == "FÖRBÄTTRINGSOMRÅDEN")
    end = next(k for k in range(start, len(lines)) if "Område 2" in lines[k])
    return "".join(lines[:start] + lines[end:])


@pytest.mark.parametrize("damaged_first", [True, False])
def test_files_of_one_report_that_disagree_are_a_warning_naming_the_difference_and_the_surer_is_kept(
        tmp_path, damaged_first):
    """Two text files of Torsås 2017, one without area 1's improvements (a
    reading that lost a list raises a warning, area_findings_one_kind). The
    formats are the same, so the one whose reading raised fewer error and
    warning flags is kept, whichever is read first; the report's flag is a
    warning naming the difference, with an example of a text only one has."""
    d = tmp_path / "r"
    d.mkdir()
    text = sample(2017, "txt").read_text("utf-8")
    damaged, whole = ("a.txt", "b.txt") if damaged_first else ("b.txt", "a.txt")
    (d / damaged).write_text(_without_area_1_improvements(text), "utf-8")
    (d / whole).write_text(text, "utf-8")
    db_path = tmp_path / "f.db"
    ingest(report_files(d), db_path, None)
    db = sqlite_utils.Database(db_path)
    [report] = list(db["reports"].rows)
    assert report["source_path"].endswith(whole) and db["findings"].count == 88
    [flag] = list(db["flags"].rows_where("code = 'sources_disagree'"))
    assert flag["severity"] == "warning"
    message = flag["message"]
    assert f"88 findings in {whole}, 81 in {damaged}" in message or f"81 findings in {damaged}, 88 in {whole}" in message
    assert f"7 only in {whole}, e.g. " in flag["message"]
    assert "area 1" in flag["message"] and "error or warning flags" in flag["message"]
    assert not list(db["flags"].rows_where("code = 'duplicate_source'"))


def test_ids_are_below_2_53_and_an_older_database_is_migrated_in_place(folder, tmp_path):
    """Finding and section ids fit in a double (2**53), so that JSON,
    JavaScript, pandas and R keep them; a database written with 63-bit ids
    gets the ids a new ingest gives, in every table that refers to them, and
    its full-text index follows."""
    from pipeline.store import ID_COLUMNS, ID_MASK, open_db

    path = tmp_path / "a.db"
    ingest(report_files(folder), path, None)
    db = sqlite_utils.Database(path)
    ids = {r["id"]: r["text"] for r in db["findings"].rows}
    assert ids and max(ids) <= ID_MASK and max(r["id"] for r in db["sections"].rows) <= ID_MASK
    one = next(iter(ids))
    db["finding_vectors"].insert({"finding_id": one, "encoder": "e", "dimensions": 1, "vector": b"\0\0\0\0"})
    db["links"].insert({"source_id": one, "target_id": one, "target_report_id": "0834-2021", "kind": "similar",
                        "method": "m"})
    # as kompass wrote them before: the same ids with high bits set
    for table, column in ID_COLUMNS:
        db.execute(f"update [{table}] set [{column}] = [{column}] | (1 << 60) where [{column}] is not null")
    db.execute("pragma user_version = 6")
    db.conn.commit()
    assert min(r["id"] for r in db["findings"].rows) > ID_MASK
    db.close()
    open_db(path).close()
    db = sqlite_utils.Database(path)
    assert {r["id"]: r["text"] for r in db["findings"].rows} == ids
    assert [r["source_id"] for r in db["links"].rows] == [one] and db["finding_vectors"].get((one, "e"))
    text = ids[one].split()[0]
    hits = [r[0] for r in db.execute("select rowid from findings_fts where findings_fts match ?", [f'"{text}"'])]
    assert one in hits and all(h <= ID_MASK for h in hits)
    assert db.execute("pragma user_version").fetchone()[0] >= 7
    summary = ingest(report_files(folder), path, None)
    assert summary.count("unchanged") == 2
    assert {r["id"]: r["text"] for r in sqlite_utils.Database(path)["findings"].rows} == ids


def test_links_and_reviews_refer_to_findings_by_foreign_keys_in_new_and_older_databases(folder, tmp_path):
    """Datasette and other tools follow links.source_id/target_id and a
    review's finding to the findings; an older database gets the keys,
    keeping the researcher's verdicts."""
    from pipeline.store import open_db

    path = tmp_path / "a.db"
    ingest(report_files(folder), path, None)

    def keys(db):
        return {(t, fk.column, fk.other_table) for t in ("links", "follow_up_reviews") for fk in db[t].foreign_keys}

    want = {(t, c, "findings") for t in ("links", "follow_up_reviews") for c in ("source_id", "target_id")}
    assert keys(sqlite_utils.Database(path)) == want
    db = sqlite_utils.Database(path)
    one = next(iter(db["findings"].rows))["id"]
    for t in ("links", "follow_up_reviews"):
        db[t].transform(drop_foreign_keys=["source_id", "target_id"])
    db["follow_up_reviews"].insert({"source_id": one, "target_report_id": "0834-2021", "outcome": "persisting",
                                    "reviewed_at": "2026-12-07"})
    assert keys(db) == set()
    db.close()
    open_db(path).close()
    db = sqlite_utils.Database(path)
    assert keys(db) == want and [r["source_id"] for r in db["follow_up_reviews"].rows] == [one]


def test_a_folder_as_researchers_keep_it_is_ingested_with_its_database_inside(folder, tmp_path):
    """A database kept in the reports folder, with its lock, JSON files and
    a README, a spreadsheet and a Word lock file beside the reports: the
    reports are read, the other files are listed as skipped, kompass's own
    files are left alone, and a second run says the same with exit 0. A
    database that is refused gets no lock file."""
    (folder / "README.md").write_text("# our reports\n")
    (folder / "scores.xlsx").write_bytes(b"PK\x03\x04")
    (folder / "~$torsas-2017.docx").write_bytes(b"\x00" * 162)
    db = folder / "k.db"
    for _ in range(2):
        res = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(db), "--no-themes", "--quiet"])
        assert res.exit_code == 0, res.output
        assert "2 files:" in res.output and "3 other files skipped (not reports, or links; each said above)" in res.output
        skipped = sorted(line.split(": ")[1] for line in res.output.splitlines() if line.startswith("skipped:"))
        assert [Path(s).name for s in skipped] == ["README.md", "scores.xlsx", "~$torsas-2017.docx"]
        assert "error" not in res.output
    assert (folder / "k-extracted").is_dir() and (folder / "k.db.lock").exists()
    assert sqlite_utils.Database(db)["reports"].count == 2
    bad = tmp_path / "notes.db"
    bad.write_text("not a database")
    res = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(bad), "--no-themes", "--quiet"])
    assert res.exit_code == 1 and "not an SQLite database" in res.output
    assert not (tmp_path / "notes.db.lock").exists()


def test_one_crafted_file_of_each_kind_beside_a_good_report_never_stops_the_run(tmp_path, monkeypatch):
    """A PDF whose text holds a character outside the BMP (PDFium gives it as
    two surrogates), a file name that is not UTF-8, and a report whose storing
    raises: each is one line or read right, and the good report beside them
    is stored on the same run."""
    import os

    from hostile import pdf_with_tounicode

    import pipeline.ingest as ingest_module
    from pipeline.readers import read_document

    folder = tmp_path / "reports"
    folder.mkdir()
    emoji = folder / "emoji.pdf"
    emoji.write_bytes(pdf_with_tounicode(b"Bra X arbete", {0x58: "D83DDE00"}))
    assert [b.text for b in read_document(emoji).blocks] == ["Bra \U0001F600 arbete"]
    latin1 = os.fsencode(folder) + b"/Tors\xe5s-2017.txt"
    with open(latin1, "wb") as f:
        f.write(sample(2017, "txt").read_bytes())
    shutil.copy(sample(2021, "txt"), folder / "torsas-2021.txt")
    shutil.copy(sample(2021, "docx"), folder / "broken-on-save.docx")

    real = ingest_module.save_report

    def save(db, report_id, report, source, *args, **kwargs):
        if source.path.endswith("broken-on-save.docx"):
            raise ValueError("a fault\nover two lines")
        return real(db, report_id, report, source, *args, **kwargs)

    monkeypatch.setattr(ingest_module, "save_report", save)
    db_path = tmp_path / "k.db"
    summary = ingest(report_files(folder), db_path, extracted_dir=tmp_path / "x", jobs=1)
    by_name = {Path(o.path.strip("'")).name: o for o in summary.outcomes}
    assert by_name["emoji.pdf"].status == "failed" and "not a Kommunkompassen report" in by_name["emoji.pdf"].message
    assert by_name["broken-on-save.docx"].status == "failed"
    assert "a fault over two lines" in by_name["broken-on-save.docx"].message
    assert by_name["Tors\\xe5s-2017.txt"].status == "stored" and by_name["Tors\\xe5s-2017.txt"].path.startswith("'")
    db = sqlite_utils.Database(db_path)
    assert {r["id"] for r in db.query("select id from reports")} == {"0834-2017", "0834-2021"}
    stored = {r["path"] for r in db.query("select path from sources")}
    assert str(folder / "Tors\\xe5s-2017.txt") in stored
    # the same run again: nothing to do, the name found as it was stored
    again = ingest(report_files(folder), db_path, extracted_dir=tmp_path / "x", jobs=1)
    assert {Path(o.path.strip("'")).name: o.status for o in again.outcomes}["Tors\\xe5s-2017.txt"] == "unchanged"


def test_half_a_character_is_stored_as_a_replacement_and_flagged(tmp_path):
    """A glyph whose Unicode is a lone surrogate (half of a character outside
    the BMP) reads as U+FFFD, which SQLite can hold, and the report that holds
    one says so (text_repaired)."""
    from hostile import pdf_with_tounicode

    from pipeline.document import Document, Origin, Paragraph
    from pipeline.extract import extract_report
    from pipeline.readers import read_document
    from pipeline.store import open_db, save_report, Source

    pdf = tmp_path / "half.pdf"
    pdf.write_bytes(pdf_with_tounicode(b"Bra X arbete", {0x58: "D83D"}))
    assert [b.text for b in read_document(pdf).blocks] == ["Bra \ufffd arbete"]
    txt = sample(2021, "txt").read_text(encoding="utf-8")
    from pipeline.readers.txt import parse_txt

    blocks = parse_txt(txt.replace("Heltidsarbete som norm", "Heltidsarbete \ufffd som norm"))
    report = extract_report(Document(Origin("x.txt", "txt", "0" * 64), blocks))
    (flag,) = [f for f in report.flags if f.code == "text_repaired"]
    assert "1 character" in flag.message and "Heltidsarbete" in flag.message
    db = open_db(tmp_path / "k.db")
    save_report(db, report.id, report, Source("x.txt", "0" * 64, "txt", None), "test")
    assert db.execute("select count(*) from findings where text like '%\ufffd%'").fetchone()[0] == 1


def test_bookmarks_are_dropped_and_an_unclosed_one_is_text():
    """Word's inline bookmarks go; "[bookmark: " without its "]" (crafted text
    repeats it thousands of times on one line) is matched by a bounded
    pattern, so it stays text instead of being scanned to the end from each."""
    from pipeline.readers.txt import BOOKMARK

    assert BOOKMARK.sub("", "[bookmark: _Toc123]Inledning[bookmark: _GoBack]") == "Inledning"
    flood = "[bookmark: " * 1000
    assert BOOKMARK.sub("", flood) == flood
    assert BOOKMARK.sub("", "[bookmark: " + "x" * 300 + "]") == "[bookmark: " + "x" * 300 + "]"
    assert BOOKMARK.sub("", "[bookmark: a\nb]") == "[bookmark: a\nb]"


def test_links_in_a_reports_folder_are_listed_not_followed(tmp_path):
    """A link out of the folder, a link to a folder, a broken link and a link
    to a file of the folder: each listed as skipped with why, none read; the
    files themselves are read once."""
    folder, outside = tmp_path / "reports", tmp_path / "elsewhere"
    (folder / "sub").mkdir(parents=True)
    outside.mkdir()
    shutil.copy(sample(2017, "txt"), folder / "torsas-2017.txt")
    shutil.copy(sample(2021, "txt"), outside / "torsas-2021.txt")
    (folder / "out.txt").symlink_to(outside / "torsas-2021.txt")
    (folder / "linked").symlink_to(outside)
    (folder / "broken.txt").symlink_to(tmp_path / "nothing.txt")
    (folder / "sub" / "again.txt").symlink_to(folder / "torsas-2017.txt")
    res = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(tmp_path / "k.db"), "--no-themes", "--no-json"])
    assert res.exit_code == 0, res.output
    skipped = {line.split(": ")[1]: line for line in res.output.splitlines() if line.startswith("skipped: ")}
    assert {Path(p).name for p in skipped} == {"out.txt", "linked", "broken.txt", "again.txt"}
    assert "a link out of the folder" in skipped[str(folder / "out.txt")]
    assert "broken link" in skipped[str(folder / "broken.txt")] and "folder: not followed" in skipped[str(folder / "linked")]
    assert "1 files: 1 read" in res.output and "4 other files skipped" in res.output
    assert [r[0] for r in sqlite_utils.Database(tmp_path / "k.db").execute("select id from reports")] == ["0834-2017"]


def test_an_extracted_json_left_from_an_earlier_reading_is_written_again(tmp_path):
    """A run killed between storing a report and writing its JSON leaves the
    JSON of the file's earlier content: the next run sees by the digest it
    holds that it is not this content's, and writes it again."""
    folder, out = tmp_path / "reports", tmp_path / "x"
    folder.mkdir()
    report = folder / "torsas-2017.txt"
    shutil.copy(sample(2017, "txt"), report)
    db_path = tmp_path / "k.db"
    ingest(report_files(folder), db_path, extracted_dir=out)
    stale = (out / "0834-2017.json").read_text(encoding="utf-8")
    report.write_text(report.read_text(encoding="utf-8").replace("Torsås kommun", "Torsås  kommun", 1), encoding="utf-8")
    ingest(report_files(folder), db_path, extracted_dir=out)
    fresh = (out / "0834-2017.json").read_text(encoding="utf-8")
    assert fresh != stale
    (out / "0834-2017.json").write_text(stale, encoding="utf-8")  # as a kill -9 before the JSON would leave it
    summary = ingest(report_files(folder), db_path, extracted_dir=out)
    assert [o.status for o in summary.outcomes] == ["replaced"] and "earlier reading" in summary.outcomes[0].message
    assert (out / "0834-2017.json").read_text(encoding="utf-8") == fresh
    again = ingest(report_files(folder), db_path, extracted_dir=out)
    assert [o.status for o in again.outcomes] == ["unchanged"]


def test_a_crafted_file_of_each_kind_beside_a_good_report_is_one_line_each_and_the_report_is_stored(tmp_path):
    """One folder, one ingest: a sparse 3 GB file, a PDF of 1,001 pages, a
    page flooded with characters beside a normal one, a Word file whose styles
    cycle, a text file flooded with '[bookmark: ', a name that is not UTF-8,
    and the good report. Each bad file is at most one line, nothing is a
    traceback, the good report is stored, exit status 1."""
    import os

    from hostile import docx_with_style_cycle, simple_pdf, text_page

    folder = tmp_path / "reports"
    folder.mkdir()
    with open(folder / "sparse.pdf", "wb") as f:
        f.truncate(3 * 2 ** 30)
    (folder / "pages.pdf").write_bytes(simple_pdf([text_page("Sida")] * 1001))
    lines = b" ".join(b"(%s) Tj 0 -1 Td" % (b"A " * 5000) for _ in range(6))
    (folder / "flood.pdf").write_bytes(simple_pdf([text_page("Kommunkompassen"), b"BT /F1 1 Tf 72 800 Td " + lines + b" ET"]))
    docx_with_style_cycle(sample(2021, "docx"), folder / "cycle.docx")
    (folder / "bookmarks.txt").write_text("[bookmark: " * 50_000, encoding="utf-8")
    with open(os.fsencode(folder) + b"/Tors\xe5s-2017.txt", "wb") as f:
        f.write(sample(2017, "txt").read_bytes())
    res = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(tmp_path / "k.db"), "--no-themes", "--no-json"])
    assert res.exit_code == 1 and "Traceback" not in res.output
    errors = {line.split(": ")[1].rsplit("/", 1)[-1]: line for line in res.output.splitlines()
              if line.startswith("error: ")}
    assert set(errors) == {"sparse.pdf", "pages.pdf", "flood.pdf", "bookmarks.txt"}, res.output
    assert "3072 MB, over the 100 MB limit" in errors["sparse.pdf"]
    assert "1001 pages" in errors["pages.pdf"]
    db = sqlite_utils.Database(tmp_path / "k.db")
    assert {r[0] for r in db.execute("select id from reports")} == {"0834-2017", "0834-2021"}  # cycle.docx read
    flags = {r[0] for r in db.execute("select code from flags where report_id = '0834-2021'")}
    assert "pages_over_bounds" not in flags  # the flood was its own file, refused as no report
