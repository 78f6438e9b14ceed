"""kompass export: every table as CSV, the tidy findings file, and a data
dictionary that describes every column; the dictionary covers the schema."""

from __future__ import annotations

import csv
import json
import os

import pytest
import sqlite_utils
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.dictionary import FINDINGS_LONG, TABLES


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def test_every_column_of_the_database_is_described(linked):
    db = sqlite_utils.Database(linked["db"])
    tables = {t for t in db.table_names() if "_fts" not in t}
    assert tables == set(TABLES)
    for t in tables:
        assert set(db[t].columns_dict) == set(TABLES[t][1]), t
        assert all(len(d) > 5 for d in TABLES[t][1].values())
    assert list(db["findings_long"].columns_dict) == list(FINDINGS_LONG)


def test_export_writes_every_table_typed_and_described(linked, tmp_path):
    out = tmp_path / "export"
    res = CliRunner().invoke(cli, ["export", str(out), "--db", str(linked["db"])])
    assert res.exit_code == 0, res.output
    db = sqlite_utils.Database(linked["db"])
    package = json.loads((out / "datapackage.json").read_text("utf-8"))
    dictionary = (out / "DATA_DICTIONARY.md").read_text("utf-8")
    for resource in package["resources"]:
        header, rows = read_csv(out / resource["path"])
        fields = resource["schema"]["fields"]
        assert header == [f["name"] for f in fields]
        source = "findings_long" if resource["name"] == "findings_long" else resource["name"]
        assert len(rows) == db.execute(f"select count(*) from [{source}]").fetchone()[0]
        assert f"## {resource['path']}" in dictionary
        for i, f in enumerate(fields):
            assert f"| `{f['name']}` | {f['type']} |" in dictionary and f["description"]
            if f["type"] == "integer":  # integers stay integers: no 45.0
                assert all(r[i] == "" or r[i].lstrip("-").isdigit() for r in rows), (resource["name"], f["name"])
    assert {r["name"] for r in package["resources"]} >= {"reports", "findings", "themes", "links", "findings_long"}
    header, rows = read_csv(out / "findings_long.csv")
    long = [dict(zip(header, r)) for r in rows]
    assert len(long) == db["findings"].count
    domains = {(r["report_id"], r["number"]): r["domain"] for r in db.query("select * from areas")}
    labels = {r["id"]: r["label"] for r in db.query("select id, label from themes")}
    for r in long:
        assert r["domain"] == domains[(r["report_id"], int(r["area"]))]
        assert r["theme_label"] == (labels[int(r["theme_id"])] if r["theme_id"] else "")
        assert r["municipality"] in ("Torsås", "Emmaboda") and r["county"] == "Kalmar län"
    assert sum(r["theme_id"] != "" for r in long) > 0


def test_export_into_a_file_is_one_line(linked, tmp_path):
    target = tmp_path / "taken"
    target.write_text("x")
    res = CliRunner().invoke(cli, ["export", str(target), "--db", str(linked["db"])])
    assert res.exit_code != 0 and "Traceback" not in res.output
    errors = [line for line in res.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "taken" in errors[0] and "is a file" in errors[0]


def test_a_database_from_before_the_view_exports_too(linked, tmp_path):
    """Export opens the database read-only, so it does not add the view an
    older kompass did not make: the tidy file comes from the query itself."""
    import shutil

    old = tmp_path / "old.db"
    shutil.copy(linked["db"], old)
    db = sqlite_utils.Database(old)
    db.execute("drop view findings_long")
    db.conn.commit()
    res = CliRunner().invoke(cli, ["export", str(tmp_path / "out"), "--db", str(old)])
    assert res.exit_code == 0, res.output
    assert len(read_csv(tmp_path / "out" / "findings_long.csv")[1]) == db["findings"].count


def test_the_readmes_pandas_lines_read_the_export_back_exactly(linked, tmp_path, monkeypatch):
    """The README's pandas lines, run as shown on an export: every id equals
    the database's (links.target_id has empty cells, the case that turned
    ids into floats), a kommunkod keeps its leading zero, question numbers
    stay text, and nullable columns stay whole numbers."""
    import re
    from pathlib import Path

    import pandas as pd

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    (code,) = [b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "export/findings_long.csv" in b]
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["export", "export", "--db", str(linked["db"])])
    assert res.exit_code == 0, res.output
    frames: dict = {}
    exec(code, frames)
    db = sqlite_utils.Database(linked["db"])
    findings, questions, links = frames["findings"], frames["questions"], frames["links"]
    assert sorted(findings["finding_id"].tolist()) == sorted(r[0] for r in db.execute("select id from findings"))
    codes = {r[0] for r in db.execute("select municipality_code from reports where municipality_code is not null")}
    assert set(findings["municipality_code"].dropna()) == codes and all(c.startswith("0") for c in codes)
    assert str(findings["theme_id"].dtype) == "Int64" and str(findings["area"].dtype) == "Int64"
    assert sorted(questions["number"]) == sorted(r[0] for r in db.execute("select number from questions"))
    pairs = sorted(db.execute("select source_id, coalesce(target_id, -1) from links").fetchall())
    assert any(t == -1 for _, t in pairs) and any(t != -1 for _, t in pairs)
    read = sorted((int(s), -1 if pd.isna(t) else int(t)) for s, t in zip(links["source_id"], links["target_id"]))
    assert read == pairs


#: set by .ci/run, where R and readr are installed from Debian: a missing R fails there
REQUIRE_R = os.environ.get("KOMPASS_REQUIRE_R") == "1"


def test_the_readmes_readr_lines_read_the_export_back_exactly(linked, tmp_path, monkeypatch):
    """The README's readr lines, run by R as shown: a kommunkod keeps its
    zero, question numbers stay text, and every id (a double in R) equals the
    database's, links with empty target cells included."""
    import re
    import shutil
    import subprocess
    from pathlib import Path

    rscript = shutil.which("Rscript")
    has_readr = rscript and subprocess.run([rscript, "-e", "library(readr)"], capture_output=True).returncode == 0
    if not has_readr:
        if REQUIRE_R:
            pytest.fail("R and readr are needed: apt-get install r-base-core r-cran-readr")
        pytest.skip("no R with readr here (apt-get install r-base-core r-cran-readr)")
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    lines = {table: call for call, table in re.findall(r'`(readr::read_csv\("export/(\w+)\.csv"[^`]*\))`', readme)}
    assert {"findings_long", "questions"} <= set(lines)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["export", "export", "--db", str(linked["db"])]).exit_code == 0
    script = "\n".join([
        f"f <- {lines['findings_long']}", f"q <- {lines['questions']}",
        'l <- readr::read_csv("export/links.csv", show_col_types = FALSE)',
        'writeLines(sprintf("%.0f", f$finding_id), "ids.txt")',
        'writeLines(unique(f$municipality_code[!is.na(f$municipality_code)]), "codes.txt")',
        'writeLines(q$number, "numbers.txt")',
        'writeLines(sprintf("%.0f", l$target_id[!is.na(l$target_id)]), "targets.txt")',
        'writeLines(as.character(sum(is.na(l$target_id))), "empty.txt")'])
    done = subprocess.run([rscript, "-e", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    read = lambda name: (tmp_path / name).read_text().split()  # noqa: E731
    db = sqlite_utils.Database(linked["db"])
    assert sorted(map(int, read("ids.txt"))) == sorted(r[0] for r in db.execute("select id from findings"))
    assert set(read("codes.txt")) == {r[0] for r in db.execute(
        "select municipality_code from reports where municipality_code is not null")}
    assert all(c.startswith("0") for c in read("codes.txt"))
    assert sorted(read("numbers.txt")) == sorted(r[0] for r in db.execute("select number from questions"))
    targets = sorted(r[0] for r in db.execute("select target_id from links where target_id is not null"))
    assert sorted(map(int, read("targets.txt"))) == targets
    assert int(read("empty.txt")[0]) == db.execute("select count(*) from links where target_id is null").fetchone()[0] > 0


def test_cells_a_spreadsheet_would_run_are_written_as_text_and_links_are_not_followed(linked, tmp_path):
    """A finding whose text starts as a formula (=, +, -, @) is exported with
    a ' before it, numbers stay numbers; a symlink planted where an export
    writes is replaced, its target untouched."""
    import shutil

    db_path = tmp_path / "k.db"
    shutil.copy(linked["db"], db_path)
    db = sqlite_utils.Database(db_path)
    ids = [r[0] for r in db.execute("select id from findings order by id limit 4")]
    for fid, text in zip(ids, ["=HYPERLINK(\"http://x\",\"klicka\")", "+1+2", "-3", "@SUM(A1)"]):
        db.execute("update findings set text = ? where id = ?", [text, fid])
    db.conn.commit()
    out = tmp_path / "export"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (out / "findings.csv").symlink_to(victim)
    for name in ("findings.csv.tmp", ".findings.csv.tmp"):
        (out / name).symlink_to(victim)
    assert CliRunner().invoke(cli, ["export", str(out), "--db", str(db_path)]).exit_code == 0
    assert victim.read_text() == "keep me" and not (out / "findings.csv").is_symlink()
    rows = {int(r["id"]): r for r in csv.DictReader(open(out / "findings.csv", encoding="utf-8"))}
    assert [rows[i]["text"] for i in ids] == ["'=HYPERLINK(\"http://x\",\"klicka\")", "'+1+2", "'-3", "'@SUM(A1)"]
    areas = list(csv.DictReader(open(out / "areas.csv", encoding="utf-8")))
    assert all(a["score"] == "" or a["score"].lstrip("-").replace(".", "").isdigit() for a in areas)
    assert "as OWASP advises" in (out / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
