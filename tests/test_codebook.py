"""kompass codebook: a researcher's themes applied to every finding (deductive
coding), stored per codebook, replaced when applied again, listed and shown;
a bad codebook is one line and nothing written."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil

import pytest
import sqlite_utils
from click.testing import CliRunner

from conftest import FIXTURES, sample
from pipeline.cli import cli
from pipeline.nlp.codebook import CodebookError, read_codebook

DEV = FIXTURES / "codebook-dev.csv"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """Torsås 2017 and 2021 ingested once, with sentence vectors, no themes."""
    from pipeline.ingest import ingest
    from pipeline.nlp.vectors import update_vectors
    from pipeline.store import open_db

    base = tmp_path_factory.mktemp("codebook")
    db_path = base / "k.db"
    ingest([sample(2017, "txt"), sample(2021, "txt")], db_path, None)
    db = open_db(db_path)
    update_vectors(db)
    db.close()
    return base, db_path


@pytest.fixture(scope="module")
def applied(seeded):
    """The development codebook applied once (a copy of the seeded database)."""
    base, seeded_db = seeded
    db_path = base / "applied.db"
    shutil.copy(seeded_db, db_path)
    res = run("codebook", "apply", DEV, "--db", db_path)
    assert res.exit_code == 0, res.output
    return db_path, res.output


@pytest.fixture
def scratch(seeded, tmp_path):
    db_path = tmp_path / "k.db"
    shutil.copy(seeded[1], db_path)
    return db_path


def coded(db_path, name="codebook-dev") -> dict[str, str | None]:
    db = sqlite_utils.Database(db_path)
    return {r["text"]: r["theme"] for r in db.query(
        "select f.text, ct.theme from codebook_themes ct join findings f on f.id = ct.finding_id "
        "where ct.codebook = ?", [name])}


def digest(db_path) -> str:
    """Everything a codebook could change (a failed apply must change nothing)."""
    db = sqlite_utils.Database(db_path)
    h = hashlib.sha256()
    for table in ("codebooks", "codebook_themes", "findings", "finding_vectors"):
        if db[table].exists():
            h.update(repr(list(db.execute(f"select * from [{table}] order by 1, 2"))).encode())
    return h.hexdigest()


# -- apply ------------------------------------------------------------------------
def test_dev_codebook_gives_nearly_every_finding_a_theme(applied):
    db_path, output = applied
    themes = coded(db_path)
    assert len(themes) == 142
    given = sum(t is not None for t in themes.values())
    assert given / len(themes) >= 0.90
    assert len({t for t in themes.values() if t}) >= 15  # not everything in a few broad themes
    assert f"{given} of 142 findings given a theme, {142 - given} none" in output
    assert output.count("\n") == 1


def test_findings_go_to_the_theme_they_are_about(applied):
    themes = coded(applied[0])
    assert themes["Arbetet med medborgardialog i vid olika tillfällen."] == "medborgardialog"
    assert themes["Etisk kod och rutiner som gäller för alla medarbetare och politiker för att motverka "
                  "korruption och oegentligheter"] == "etik"
    assert themes["Resultatjämförelser med andra kommuner i KKiK, regionen m fl."] == "jamforelser"
    assert themes["Synpunkts-/klagomålshantering"] == "brukarinflytande"
    assert themes["Policy och manual för rekrytering. E-rekrytering för att effektivisera och kvalitetssäkra "
                  "rekryteringsarbetet"] == "kompetensforsorjning"
    # a subject the codebook has no theme for (security) is left without one
    assert themes["Kommunövergripande säkerhetspolicy och aktivt säkerhetsarbete"] is None


def test_codebook_themes_are_stored_as_the_file_gives_them(applied):
    db = sqlite_utils.Database(applied[0])
    rows = list(db.query("select * from codebooks where codebook = 'codebook-dev' order by rowid"))
    assert len(rows) == 18 and rows[0]["theme"] == "medborgardialog"
    assert rows[0]["label"] == "Medborgardialog och demokrati"
    assert "medborgardialog;demokrati" in rows[0]["keywords"]
    used = {r["theme"] for r in db.query("select distinct theme from codebook_themes where theme is not null")}
    assert used <= {r["theme"] for r in rows}


def test_applying_again_replaces_the_rows_and_gives_the_same(applied, tmp_path):
    db_path = tmp_path / "again.db"
    shutil.copy(applied[0], db_path)
    before = list(sqlite_utils.Database(db_path).query("select * from codebook_themes order by finding_id"))
    res = run("codebook", "apply", DEV, "--db", db_path)
    assert res.exit_code == 0 and "earlier coding replaced" in res.output
    db = sqlite_utils.Database(db_path)
    after = list(db.query("select * from codebook_themes order by finding_id"))
    assert after == before  # deterministic, and no duplicates
    assert db["codebooks"].count == 18


def test_a_second_codebook_lives_beside_the_first(applied, tmp_path):
    db_path = tmp_path / "two.db"
    shutil.copy(applied[0], db_path)
    small = tmp_path / "small.csv"
    small.write_text("theme,label,description\nledning,Ledarskap,Chefer och ledarskap\n"
                     "dialog,Medborgardialog,Dialog med invånarna om kommunens beslut\n", "utf-8")
    assert run("codebook", "apply", small, "--db", db_path).exit_code == 0
    db = sqlite_utils.Database(db_path)
    assert db["codebook_themes"].count_where("codebook = 'small'") == 142
    assert db["codebook_themes"].count_where("codebook = 'codebook-dev'") == 142
    assert coded(db_path, "codebook-dev") == coded(applied[0])


def test_bom_and_english_descriptions_are_read(tmp_path):
    path = tmp_path / "en.csv"
    path.write_bytes("\ufefftheme,label,description,keywords\n"
                     "ethics,Ethics,Ethical codes and routines against corruption, etik;korruption\n".encode("utf-8"))
    book = read_codebook(path)
    assert book.name == "en" and book.themes[0].key == "ethics"
    assert book.themes[0].keywords == ("etik", "korruption")


# -- bad codebooks ----------------------------------------------------------------
BAD = {
    "empty.csv": (b"", "empty file"),
    "blank.csv": (b"\n  \n", "empty file"),
    "noheader.csv": ("label,description\nEtik,Etik och korruption\n".encode(), "missing column theme"),
    "nodesc.csv": ("theme,label\netik,Etik\n".encode(), "missing column description"),
    "duplicate.csv": ("theme,label,description\netik,Etik,a\nledning,Ledning,b\netik,Etik igen,c\n".encode(),
                      "duplicate theme key 'etik' (lines 2 and 4)"),
    "latin1.csv": ("theme,label,description\nföretag,Företag,Näringsliv\n".encode("latin-1"), "not UTF-8"),
    "norows.csv": (b"theme,label,description\n", "no themes"),
    "nokey.csv": ("theme,label,description\n,Etik,Etik och korruption\n".encode(), "line 2: no theme key"),
    "toomany.csv": ("theme,label,description\netik,Etik,etik, korruption\n".encode(), "line 2 has 4 fields"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_codebook_is_one_line_and_writes_nothing(scratch, tmp_path, name):
    content, problem = BAD[name]
    path = tmp_path / name
    path.write_bytes(content)
    assert run("codebook", "apply", DEV, "--db", scratch).exit_code == 0  # one good codebook is there
    before = digest(scratch)
    res = run("codebook", "apply", path, "--db", scratch)
    assert res.exit_code == 1
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.output, res.output
    assert str(path) in lines[0] and problem in lines[0], lines[0]
    assert digest(scratch) == before


def test_a_missing_file_or_folder_is_one_line(scratch, tmp_path):
    for path, problem in ((tmp_path / "nope.csv", "no such file"), (tmp_path, "is a folder")):
        res = run("codebook", "apply", path, "--db", scratch)
        assert res.exit_code == 1 and problem in res.output and len(res.output.strip().splitlines()) == 1


def test_read_codebook_raises_codebook_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("theme,label,description\n", "utf-8")
    with pytest.raises(CodebookError, match=r"x\.csv: no themes"):
        read_codebook(path)


# -- show and list ----------------------------------------------------------------
def test_show_lists_themes_with_counts_and_the_unassigned(applied):
    db_path = applied[0]
    themes = coded(db_path)
    res = run("codebook", "show", "codebook-dev", "--db", db_path)
    assert res.exit_code == 0, res.output
    dialog = sum(t == "medborgardialog" for t in themes.values())
    line = next(x for x in res.output.splitlines() if x.startswith("medborgardialog"))
    assert "Medborgardialog och demokrati" in line and f" {dialog} " in line
    none = sum(t is None for t in themes.values())
    assert f"{none} finding{'' if none == 1 else 's'} given no theme" in res.output
    assert "säkerhetspolicy" in res.output


def test_show_as_csv_and_json(applied):
    db_path = applied[0]
    rows = list(csv.DictReader(io.StringIO(run("codebook", "show", "codebook-dev", "--db", db_path,
                                               "--format", "csv").output)))
    assert len(rows) == 142 and {r["theme"] for r in rows} - {""} <= set(read_codebook(DEV).keys)
    data = json.loads(run("codebook", "show", "codebook-dev", "--db", db_path, "--format", "json").output)
    assert len(data["themes"]) == 18
    assert sum(len(t["members"]) for t in data["themes"]) + len(data["unassigned"]) == 142
    assert all(t["findings"] == len(t["members"]) for t in data["themes"])


def test_show_an_unknown_name_suggests_the_nearest(applied):
    res = run("codebook", "show", "codebok-dev", "--db", applied[0])
    assert res.exit_code == 1
    assert len(res.output.strip().splitlines()) == 1 and "did you mean 'codebook-dev'" in res.output


def test_show_before_any_codebook_says_so(scratch):
    res = run("codebook", "show", "anything", "--db", scratch)
    assert res.exit_code == 1 and "no codebook applied yet" in res.output


def test_list_shows_each_codebook_with_its_counts(applied):
    db_path = applied[0]
    themes = coded(db_path)
    rows = json.loads(run("codebook", "list", "--db", db_path, "--format", "json").output)
    assert rows == [{"codebook": "codebook-dev", "themes": 18,
                     "themes_used": len({t for t in themes.values() if t}),
                     "assigned": sum(t is not None for t in themes.values()),
                     "unassigned": sum(t is None for t in themes.values())}]
    table = run("codebook", "list", "--db", db_path).output
    assert "codebook-dev" in table and str(rows[0]["assigned"]) in table


def test_export_writes_the_codebook_tables(applied, tmp_path):
    out = tmp_path / "export"
    assert run("export", out, "--db", applied[0]).exit_code == 0
    with open(out / "codebook_themes.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 142 and set(rows[0]) == {"finding_id", "codebook", "theme", "score"}
    assert (out / "codebooks.csv").exists()
    assert "## codebook_themes.csv" in (out / "DATA_DICTIONARY.md").read_text("utf-8")


def test_a_codebook_is_queried_and_profiled_as_the_themes_are(applied, tmp_path):
    import csv
    import io

    db_path, _ = applied
    res = run("query", "codebook-by-year", "codebook-dev", "--db", db_path, "--format", "csv")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.output)))
    db = sqlite_utils.Database(db_path)
    coded = db.execute("select count(*) from codebook_themes where codebook = 'codebook-dev' "
                       "and theme is not null").fetchone()[0]
    assert rows and sum(int(r["findings"]) for r in rows) == coded
    assert {r["year"] for r in rows} == {"2017", "2021"}
    one = run("query", "codebook-by-year", "codebook-dev", "theme=medborgardialog", "--db", db_path,
              "--format", "csv").output
    assert {r["theme"] for r in csv.DictReader(io.StringIO(one))} == {"medborgardialog"}
    page = tmp_path / "profile.html"
    assert run("profile", "Torsås", "--db", db_path, "--out", page).exit_code == 0
    html = page.read_text("utf-8")
    assert "Kodbok codebook-dev" in html and "Medborgardialog" in html
