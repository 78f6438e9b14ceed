"""The database is used safely: a path that cannot be a database is one line,
listing never writes (not even to a database that is not kompass's), two
ingests into one database take turns, and a schema left half-made by a killed
run is completed by the next."""

from __future__ import annotations

import contextlib
import hashlib
import os
import select
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from conftest import ROOT, sample
from pipeline.cli import cli
from pipeline.store import DbError, open_db, writer_lock


def run(args):
    return CliRunner().invoke(cli, args)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", ["missing folder", "a folder", "not sqlite"])
def test_an_unusable_db_path_is_one_line(tmp_path, case):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text("x", "utf-8")
    if case == "missing folder":
        db, expected = tmp_path / "nowhere" / "k.db", "does not exist"
    elif case == "a folder":
        db, expected = tmp_path, "is a folder"
    else:
        db = tmp_path / "notes.db"
        db.write_text("these are my notes, not a database\n" * 100, "utf-8")
        expected = "not an SQLite database"
    res = run(["ingest", str(folder), "--db", str(db), "--no-json", "--no-themes", "--quiet"])
    assert res.exit_code == 1
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {db}: ") and expected in lines[0]
    assert "Traceback" not in res.output


def test_a_database_that_is_not_kompass_is_refused_and_left_untouched(tmp_path):
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("create table birds (name text)")
    conn.execute("insert into birds values ('tärna')")
    conn.commit()
    conn.close()
    before = digest(other)
    for args in (["themes", "--db", str(other)],
                 ["ingest", str(sample(2017, "txt")), "--db", str(other), "--no-json", "--no-themes", "--quiet"]):
        res = run(args)
        assert res.exit_code == 1 and "not a kompass database" in res.output, args
    assert digest(other) == before
    assert sqlite_utils.Database(other).table_names() == ["birds"]


def test_listing_opens_read_only(tmp_path):
    db = tmp_path / "k.db"
    assert run(["ingest", str(sample(2017, "txt")), "--db", str(db), "--no-json", "--no-themes",
                "--quiet"]).exit_code == 0
    before = digest(db)
    conn = open_db(db, readonly=True)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("delete from findings")
    conn.close()
    res = run(["themes", "--db", str(db)])
    assert "no themes yet" in res.output  # an answer, from a database it did not change
    assert digest(db) == before


def test_an_empty_file_is_not_listed_as_a_database(tmp_path):
    db = tmp_path / "empty.db"
    db.touch()
    with pytest.raises(DbError, match="empty database"):
        open_db(db, readonly=True)
    assert db.stat().st_size == 0


def test_a_half_made_full_text_index_is_completed(tmp_path):
    db_path = tmp_path / "k.db"
    db = open_db(db_path)
    db.execute("drop trigger sections_ai")  # as if killed between the index and its triggers
    db.execute("drop table findings_fts")
    db.close()
    db = open_db(db_path)
    assert db["findings_fts"].exists()
    assert {"sections_ai", "sections_ad", "sections_au"} <= {t.name for t in db["sections"].triggers}
    db.execute("insert into reports (id) values ('r')")
    db.execute("insert into sections (report_id, heading, text) values ('r', 'Styrning', 'medborgardialogen')")
    assert [r[0] for r in db.execute("select text from sections_fts where sections_fts match 'medborgardialogen'")] \
        == ["medborgardialogen"]


def test_a_second_ingest_waits_for_the_first(tmp_path):
    db = tmp_path / "k.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with writer_lock(db):  # the first ingest, holding the database
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "ingest", str(sample(2017, "txt")), "--db", str(db),
             "--no-json", "--no-themes", "--quiet"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
        # the second says it waits (however long its start takes on a busy machine)
        ready, _, _ = select.select([proc.stderr], [], [], 120)
        first = proc.stderr.readline() if ready else ""
        assert "waiting for it to finish" in first
        time.sleep(0.5)
        assert proc.poll() is None  # still waiting
        assert not db.exists()  # and it has written nothing
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, first + err
    assert "1 new" in out
    assert sqlite_utils.Database(db)["reports"].count == 1


def _finding_ids(db_path) -> dict[str, int]:
    return {r["text"]: r["id"] for r in sqlite_utils.Database(db_path).query("select id, text from findings")}


def test_finding_ids_survive_a_re_ingest_and_change_only_with_the_finding(tmp_path):
    from pipeline.ingest import ingest

    src = tmp_path / "torsas.txt"
    src.write_bytes(sample(2017, "txt").read_bytes())
    db = tmp_path / "k.db"
    ingest([src], db, None)
    first = _finding_ids(db)
    assert len(first) > 50 and all(isinstance(i, int) and i > 0 for i in first.values())

    src.write_text(src.read_text("utf-8") + "\n", "utf-8")  # changed file, same content: replaced
    assert ingest([src], db, None).count("replaced") == 1
    assert _finding_ids(db) == first

    old = "En enkel och överskådlig styrmodell"
    assert old in first
    src.write_text(src.read_text("utf-8").replace(old, "En enkel och tydlig styrmodell"), "utf-8")
    ingest([src], db, None)
    again = _finding_ids(db)
    assert again.pop("En enkel och tydlig styrmodell") != first.pop(old)
    assert again == first

    # the same report into another database, from another place: the same ids
    other = tmp_path / "copy" / "t.txt"
    other.parent.mkdir()
    other.write_bytes(src.read_bytes())
    ingest([other], tmp_path / "other.db", None)
    assert _finding_ids(tmp_path / "other.db") == _finding_ids(db)


def test_the_same_folder_from_another_directory_is_the_same_sources(tmp_path, monkeypatch):
    from pipeline.ingest import ingest, report_files

    folder = tmp_path / "project" / "reports"
    folder.mkdir(parents=True)
    for year in (2017, 2021):
        (folder / f"r{year}.txt").write_bytes(sample(year, "txt").read_bytes())
    db = tmp_path / "project" / "k.db"
    monkeypatch.chdir(tmp_path / "project")
    assert ingest(report_files(Path("reports")), Path("k.db"), None).count("stored") == 2
    flags = sqlite_utils.Database(db)["flags"].count

    monkeypatch.chdir(tmp_path)
    again = ingest(report_files(Path("project/reports")), Path("project/k.db"), None)
    assert [o.status for o in again.outcomes] == ["unchanged", "unchanged"]
    assert sqlite_utils.Database(db)["flags"].count == flags

    # an edited file is applied, whichever directory the command runs from
    edited = folder / "r2017.txt"
    edited.write_text(edited.read_text("utf-8").replace("En enkel och överskådlig styrmodell",
                                                        "En enkel och tydlig styrmodell"), "utf-8")
    monkeypatch.chdir(folder)
    assert [o.status for o in ingest([Path("r2017.txt")], db, None).outcomes] == ["replaced"]
    texts = {r["text"] for r in sqlite_utils.Database(db)["findings"].rows}
    assert "En enkel och tydlig styrmodell" in texts and "En enkel och överskådlig styrmodell" not in texts
    assert sqlite_utils.Database(db)["sources"].count == 2


def test_a_moved_folder_is_recognised_by_content(tmp_path):
    from pipeline.ingest import ingest

    a = tmp_path / "a" / "t.txt"
    a.parent.mkdir()
    a.write_bytes(sample(2017, "txt").read_bytes())
    db = tmp_path / "k.db"
    ingest([a], db, None)
    b = tmp_path / "b" / "t.txt"
    a.parent.rename(b.parent)
    out = ingest([b], db, None).outcomes[0]
    assert out.status == "unchanged" and "moved from" in out.message
    rows = list(sqlite_utils.Database(db)["sources"].rows)
    assert [r["path"] for r in rows] == [str(b.resolve())]
    assert sqlite_utils.Database(db)["reports"].get("0834-2017")["source_path"] == str(b.resolve())


def _two_files_of_2021(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    import shutil
    shutil.copy(sample(2021, "txt"), folder / "a.txt")
    shutil.copy(sample(2021, "docx"), folder / "b.docx")
    return folder


def _rows(db_path):
    db = sqlite_utils.Database(db_path)
    out = {
        "reports": sorted((r["id"], Path(r["source_path"]).name) for r in db["reports"].rows),
        "sources": sorted((Path(r["path"]).name, r["report_id"], r["status"]) for r in db["sources"].rows),
        "findings": db.execute("select report_id, count(*) from findings group by report_id order by 1").fetchall(),
    }
    db.close()
    return out


def test_when_the_kept_file_gives_another_report_its_duplicate_takes_over(tmp_path):
    """The Word file kept for 2021 is overwritten with the 2017 report: 2017 is
    stored from it, and 2021 is rebuilt from the text file that was its
    duplicate, not lost (before: 2021 vanished, and later runs said "unchanged")."""
    folder = _two_files_of_2021(tmp_path)
    db = tmp_path / "k.db"
    assert run(["ingest", str(folder), "--db", str(db), "--no-themes", "--no-json"]).exit_code == 0
    assert _rows(db)["sources"] == [("a.txt", "0834-2021", "duplicate"), ("b.docx", "0834-2021", "stored")]
    (folder / "b.docx").write_bytes(sample(2017, "docx").read_bytes())
    res = run(["ingest", str(folder), "--db", str(db), "--no-themes", "--no-json"])
    assert res.exit_code == 0, res.output
    assert _rows(db) == {
        "reports": [("0834-2017", "b.docx"), ("0834-2021", "a.txt")],
        "sources": [("a.txt", "0834-2021", "stored"), ("b.docx", "0834-2017", "stored")],
        "findings": [("0834-2017", 88), ("0834-2021", 54)],
    }
    assert "Reports: 1 new, 1 updated" in res.output
    again = run(["ingest", str(folder), "--db", str(db), "--no-themes", "--no-json"])
    assert "0 read, 2 unchanged" in again.output and _rows(db)["findings"] == [("0834-2017", 88), ("0834-2021", 54)]


def test_when_the_kept_file_is_gone_its_duplicate_takes_over(tmp_path):
    folder = _two_files_of_2021(tmp_path)
    db = tmp_path / "k.db"
    run(["ingest", str(folder), "--db", str(db), "--no-themes", "--no-json"])
    (folder / "b.docx").unlink()
    res = run(["ingest", str(folder), "--db", str(db), "--no-themes", "--no-json"])
    assert res.exit_code == 0, res.output
    assert _rows(db) == {"reports": [("0834-2021", "a.txt")], "sources": [("a.txt", "0834-2021", "stored")],
                         "findings": [("0834-2021", 54)]}
    flags = sqlite_utils.Database(db).execute("select message from flags where code = 'duplicate_source'").fetchall()
    assert flags == []  # the gone file is not named as a second source any more


def test_a_report_whose_only_file_is_gone_is_kept(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_bytes(sample(2021, "txt").read_bytes())
    db = tmp_path / "k.db"
    run(["ingest", str(folder), "--db", str(db), "--no-themes", "--no-json"])
    (folder / "a.txt").unlink()
    (folder / "b.txt").write_bytes(sample(2017, "txt").read_bytes())
    run(["ingest", str(folder), "--db", str(db), "--no-themes", "--no-json"])
    assert [r[0] for r in _rows(db)["reports"]] == ["0834-2017", "0834-2021"]


def test_the_summary_adds_up_with_what_the_database_holds(tmp_path):
    """Six files of two reports on an empty database: before, the summary said
    "2 replaced" and "284 findings, 16 flags" for a database of 142 and 11."""
    db = tmp_path / "k.db"
    res = run(["ingest", str(ROOT / "raw_reports"), "--db", str(db), "--no-themes", "--no-json"])
    assert res.exit_code == 0, res.output
    d = sqlite_utils.Database(db)
    findings, flags = d["findings"].count, d["flags"].count
    kept = d.execute("select count(*) from sources where status = 'stored'").fetchone()[0]
    dups = d.execute("select count(*) from sources where status = 'duplicate'").fetchone()[0]
    assert (kept, dups) == (2, 4)
    assert (f"6 files: 6 read, 0 unchanged, 0 failed; {kept} kept as their report's file, {dups} duplicates"
            in res.output)
    assert f"Reports: 2 new, 0 updated; the 2 read now hold {findings} findings and {flags} flags." in res.output


def _content(db_path):
    db = sqlite_utils.Database(db_path)
    out = {}
    for t in ("reports", "areas", "questions", "findings", "sections", "flags", "sources", "themes", "links"):
        out[t] = sorted(repr(sorted((k, v) for k, v in r.items() if k != "ingested_at")) for r in db[t].rows)
    for fts in ("findings_fts", "sections_fts"):
        db.execute(f"insert into {fts}({fts}) values('integrity-check')")  # raises if out of step
    out["fts"] = db.execute("select count(*) from findings_fts where findings_fts match 'medborgardialog'").fetchone()
    db.close()
    return out


def test_kill_minus_9_at_any_moment_then_a_rerun_gives_the_clean_database(tmp_path):
    """An ingest killed at moments spread over its run, again and again (three
    times while reading and writing, twice during themes and links), then run
    to the end: the database is the one a clean run makes."""
    import random
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "pipeline", "ingest", str(ROOT / "raw_reports"), "--no-json"]
    clean = tmp_path / "clean.db"
    started = time.monotonic()
    subprocess.run(cmd + ["--db", str(clean), "--no-themes"], check=True, env=env, capture_output=True, cwd=tmp_path)
    reading = time.monotonic() - started
    started = time.monotonic()
    subprocess.run(cmd + ["--db", str(clean)], check=True, env=env, capture_output=True, cwd=tmp_path)
    language = time.monotonic() - started  # themes and links (the files are unchanged)
    killed = tmp_path / "killed.db"
    rng = random.Random(7)
    moments = [([], rng.uniform(0.1, 1.0) * reading) for _ in range(3)]
    moments += [(["--language"], rng.uniform(0.2, 0.9) * language) for _ in range(2)]
    kills = 0
    for extra, moment in moments:
        if extra:  # let reading finish first, then kill during the language steps
            subprocess.run(cmd + ["--db", str(killed), "--no-themes"], check=True, env=env, capture_output=True,
                           cwd=tmp_path)
        args = cmd + ["--db", str(killed)] + ([] if extra else ["--no-themes"])
        proc = subprocess.Popen(args, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=moment)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        kills += proc.returncode == -9
    assert kills >= 3  # most runs were really cut short
    subprocess.run(cmd + ["--db", str(killed)], check=True, env=env, capture_output=True, cwd=tmp_path)
    assert _content(killed) == _content(clean)


def test_a_kept_file_that_becomes_a_duplicate_of_another_report_takes_its_old_report_away(tmp_path):
    """b.docx was 2021's only file; overwritten with 2017, whose PDF is kept, it
    is a duplicate of 2017: 2021 has no file left and goes, JSON too (before,
    it stayed with b.docx as its source)."""
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(sample(2021, "docx"), folder / "b.docx")
    shutil.copy(sample(2017, "pdf"), folder / "c.pdf")
    db, out = tmp_path / "k.db", tmp_path / "x"
    assert run(["ingest", str(folder), "--db", str(db), "--no-themes", "--extracted", str(out)]).exit_code == 0
    (folder / "b.docx").write_bytes(sample(2017, "docx").read_bytes())
    res = run(["ingest", str(folder), "--db", str(db), "--no-themes", "--extracted", str(out)])
    assert res.exit_code == 0, res.output
    assert _rows(db)["reports"] == [("0834-2017", "c.pdf")]
    assert _rows(db)["sources"] == [("b.docx", "0834-2017", "duplicate"), ("c.pdf", "0834-2017", "stored")]
    assert "1 removed" in res.output and sorted(p.name for p in out.iterdir()) == ["0834-2017.json"]


def test_a_duplicate_elsewhere_takes_over_and_says_so_apart_from_the_runs_files(tmp_path):
    """The kept file (folder A) is gone; its duplicate lies in folder B. An
    ingest of A rebuilds the report from B's file and says so on a line of
    its own, apart from A's counts."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    shutil.copy(sample(2021, "docx"), a / "k.docx")
    shutil.copy(sample(2017, "txt"), a / "other.txt")
    shutil.copy(sample(2021, "txt"), b / "d.txt")
    db = tmp_path / "k.db"
    run(["ingest", str(a), "--db", str(db), "--no-themes", "--no-json"])
    run(["ingest", str(b), "--db", str(db), "--no-themes", "--no-json"])
    (a / "k.docx").unlink()
    res = run(["ingest", str(a), "--db", str(db), "--no-themes", "--no-json"])
    assert res.exit_code == 0, res.output
    assert "1 files: 0 read, 1 unchanged, 0 failed" in res.output
    assert "Rebuilt 0834-2021 from" in res.output and "d.txt" in res.output
    assert _rows(db)["reports"] == [("0834-2017", "other.txt"), ("0834-2021", "d.txt")]


@pytest.mark.parametrize("command", [["themes"], ["query", "trajectory", "Torsås"], ["export", "out"],
                                     ["profile", "Torsås"], ["follow-up", "Torsås"], ["similar", "5"],
                                     ["themes", "rename", "1", "x"]])
def test_a_missing_database_is_one_line_saying_where_it_was_looked_for(tmp_path, monkeypatch, command):
    """Every command that reads a database: one line naming the path it
    looked for (a relative --db is relative to the working directory) and
    what to do, exit status 1, never click's three-line usage error."""
    monkeypatch.chdir(tmp_path)
    res = run([*command, "--db", "none.db"])
    assert res.exit_code == 1, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and f"looked for {tmp_path / 'none.db'}" in lines[0] and "kompass ingest" in lines[0]


def test_ctrl_c_exits_130_with_one_line_saying_what_is_kept(tmp_path, monkeypatch):
    import pipeline.ingest

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline.ingest, "ingest", interrupted)
    res = run(["ingest", str(sample(2017, "txt")), "--db", str(tmp_path / "k.db"), "--no-themes", "--quiet"])
    assert res.exit_code == 130
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and "interrupted" in lines[0] and "the same command goes on" in lines[0]
    assert "Aborted" not in res.output


def test_a_real_ctrl_c_at_any_moment_is_one_line_and_the_same_command_goes_on(tmp_path):
    """SIGINT to the whole process group, as a terminal sends it (the ingest
    and its readers), at moments from start-up to the end: exit status 130
    and the one line, no traceback from any process; the same command then
    gives the database a clean run gives."""
    import signal

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "pipeline", "ingest", str(ROOT / "raw_reports"), "--no-json", "--no-themes"]
    clean = tmp_path / "clean.db"
    subprocess.run(cmd + ["--db", str(clean)], check=True, env=env, capture_output=True, cwd=tmp_path)
    interrupted = 0
    for k, moment in enumerate((0.05, 0.2, 0.6, 1.2, 2.0)):  # from loading the modules to writing
        db = tmp_path / f"k{k}.db"
        proc = subprocess.Popen(cmd + ["--db", str(db)], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        time.sleep(moment)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=120)
        assert "Traceback" not in err and "Aborted" not in err, err
        if proc.returncode == -signal.SIGINT and not err.strip():
            pass  # before the interpreter ran any of kompass (its own start-up): nothing said, nothing written
        elif proc.returncode in (130, -signal.SIGINT):  # -2: stopped by the signal itself (the shell says 130)
            interrupted += 1
            assert err.strip().splitlines()[-1].startswith("interrupted: what was stored before is kept")
        else:
            assert proc.returncode == 0, err  # it had finished
        subprocess.run(cmd + ["--db", str(db)], check=True, env=env, capture_output=True, cwd=tmp_path)
        assert _content(db) == _content(clean)
    assert interrupted >= 2


def test_a_database_path_with_percent_signs_opens_that_file_and_no_other(linked, tmp_path):
    """Read-only opens go through an SQLite URI: a "%41" in the name must not
    become an "A" (another database), nor "?" or "#" end the path."""
    odd = tmp_path / "a%41 b?#.db"
    shutil.copy(linked["db"], odd)
    other = tmp_path / "aA b?#.db"
    shutil.copy(linked["db"], other)
    with sqlite3.connect(other) as conn:
        conn.execute("delete from flags")
    res = run(["query", "--sql", "select count(*) as n from flags", "--db", str(odd), "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert int(res.output.split()[-1]) == sqlite_utils.Database(linked["db"])["flags"].count > 0


def test_a_wal_database_that_cannot_be_read_whole_is_refused_not_read_stale(tmp_path, monkeypatch):
    """In a folder one cannot write, SQLite cannot make a WAL database's -shm
    file; read as it is on disk, changes still in its -wal file would be
    missing without a word. Such a database is refused in one line; one whose
    -wal is empty is read as it is."""
    import pipeline.store as store

    db_path = tmp_path / "k.db"
    writer = sqlite3.connect(db_path)
    writer.execute("pragma journal_mode = wal")
    writer.execute("pragma wal_autocheckpoint = 0")
    writer.executescript("create table reports (id text); create table sources (path text);"
                         f"insert into reports values ('0834-2017'); pragma user_version = {store.SCHEMA_VERSION};")
    assert (tmp_path / "k.db-wal").stat().st_size > 0
    real = sqlite3.connect

    class NoShm:  # what SQLite says in a folder it cannot write
        def __init__(self, conn):
            self.conn = conn

        def execute(self, *args):
            raise sqlite3.OperationalError("unable to open database file")

        def close(self):
            self.conn.close()

    def connect(database, *args, **kwargs):
        conn = real(database, *args, **kwargs)
        return NoShm(conn) if "mode=ro" in str(database) else conn

    monkeypatch.setattr(store.sqlite3, "connect", connect)
    with pytest.raises(store.DbError, match="latest changes are still in k.db-wal"):
        store.open_db(db_path, readonly=True)
    writer.execute("pragma wal_checkpoint(truncate)")
    writer.close()
    assert not (tmp_path / "k.db-wal").exists() or (tmp_path / "k.db-wal").stat().st_size == 0
    assert [r[0] for r in store.open_db(db_path, readonly=True).execute("select id from reports")] == ["0834-2017"]
