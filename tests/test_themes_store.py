"""Themes in the database: fitted by ingest, kept stable when reports are added,
refitted on request, listed by `kompass themes`."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
import sqlite_utils
from click.testing import CliRunner

from conftest import sample
from pipeline.cli import cli
from pipeline.nlp.update import update_themes
from pipeline.store import open_db


def run(*args, ok=True):
    res = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert res.exit_code == 0, res.output
    return res


def theme_state(db_path):
    db = sqlite_utils.Database(db_path)
    return (list(db.query("select * from themes order by id")),
            list(db.query("select id, text, theme_id, theme_score from findings order by id")))


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    """A database fitted on the 2017 report, to which the 2021 report is then added."""
    base = tmp_path_factory.mktemp("grown")
    first, second = base / "first", base / "second"
    first.mkdir(), second.mkdir()
    shutil.copy(sample(2017, "txt"), first)
    shutil.copy(sample(2021, "txt"), second)
    db_path = base / "f.db"
    out1 = run("ingest", first, "--db", db_path, "--no-json").output
    before = theme_state(db_path)
    version = json.loads((base / "f-models" / "themes" / "config.json").read_text())["version"]
    out2 = run("ingest", second, "--db", db_path, "--no-json").output
    return {"db": db_path, "base": base, "out1": out1, "out2": out2, "before": before, "version": version}


def test_ingest_fits_themes_beside_the_database(grown):
    assert "Themes: fitted model" in grown["out1"]
    themes, findings = grown["before"]
    assert len(themes) >= 2 and len(findings) == 88
    assert all(f["theme_score"] is not None for f in findings)
    ids = {t["id"] for t in themes}
    assert {f["theme_id"] for f in findings} - {None} == ids
    for t in themes:
        members = [f["id"] for f in findings if f["theme_id"] == t["id"]]
        assert t["size"] == len(members) >= 2
        assert t["representative_finding_id"] in members
        assert t["model_version"] == grown["version"]
        # a label is words the members write (a lemma only where some member writes it)
        written = " ".join(f["text"].casefold() for f in findings if f["theme_id"] == t["id"])
        assert json.loads(t["terms"]) and all(w in written for w in t["label"].casefold().replace(",", " ").replace("…", "").split())


def test_adding_a_report_assigns_without_reshuffling(grown):
    assert "54 findings assigned" in grown["out2"]
    themes_before, before = grown["before"]
    themes_after, after = theme_state(grown["db"])
    old = {f["id"]: (f["theme_id"], f["theme_score"]) for f in before}
    assert {f["id"]: (f["theme_id"], f["theme_score"]) for f in after if f["id"] in old} == old
    assert [(t["id"], t["label"]) for t in themes_after] == [(t["id"], t["label"]) for t in themes_before]
    new = [f for f in after if f["id"] not in old]
    assert len(new) == 54 and all(f["theme_score"] is not None for f in new)
    assert any(f["theme_id"] is not None for f in new)
    sizes = {t["id"]: t["size"] for t in themes_after}
    for tid, size in sizes.items():
        assert size == sum(f["theme_id"] == tid for f in after)
    # Nothing new: nothing changes.
    again = run("ingest", grown["base"] / "second", "--db", grown["db"], "--no-json").output
    assert "no new findings" in again
    assert theme_state(grown["db"]) == (themes_after, after)


def test_themes_listing_formats(grown):
    table = run("themes", "--db", grown["db"]).output.splitlines()
    assert table[0].split()[:3] == ["id", "size", "strengths"]
    rows = json.loads(run("themes", "--db", grown["db"], "--format", "json").output)
    db = sqlite_utils.Database(grown["db"])
    assert len(rows) == db["themes"].count and len(table) == len(rows) + 2  # header and its rule
    for r in rows:
        assert r["strength_pct"] + r["improvement_pct"] == pytest.approx(100)
        assert r["municipalities"] == 1 and r["years"] in (1, 2)
        assert r["representative"] == db["findings"].get(r["representative_finding_id"])["text"]
    assert [r["size"] for r in rows] == sorted((r["size"] for r in rows), reverse=True)
    parsed = list(csv.DictReader(io.StringIO(run("themes", "--db", grown["db"], "--format", "csv").output)))
    assert [int(r["id"]) for r in parsed] == [r["id"] for r in rows]
    first = rows[0]["id"]
    shown = json.loads(run("themes", "--db", grown["db"], "--show", first, "--format", "json").output)
    assert len(shown) == rows[0]["size"]
    assert {f["id"] for f in shown} == {f["id"] for f in db.query(
        "select id from findings where theme_id = ?", [first])}
    assert [f["score"] for f in shown] == sorted((f["score"] for f in shown), reverse=True)


def test_themes_errors(grown, tmp_path):
    assert "no theme 999" in run("themes", "--db", grown["db"], "--show", 999, ok=False).output
    assert run("themes", "--db", grown["db"], "--themes", 5, ok=False).exit_code == 2
    empty = tmp_path / "empty.db"
    open_db(empty)
    res = run("themes", "--db", empty, ok=False)
    assert res.exit_code == 1 and "no themes yet" in res.output
    # Too few findings to fit: a note, not a failure, and nothing half-written.
    update = update_themes(open_db(empty), tmp_path / "models")
    assert update.action == "skipped" and not (tmp_path / "models" / "themes").exists()


def test_refit_same_data_keeps_every_theme(grown, tmp_path):
    db_path = tmp_path / "f.db"
    shutil.copy(grown["db"], db_path)
    shutil.copytree(grown["base"] / "f-models", tmp_path / "f-models")
    out = run("themes", "--db", db_path, "--refit").output
    assert "Themes: refitted model" in out
    moves = [l for l in out.splitlines() if l.strip().startswith("old theme")]
    assert len(moves) == sqlite_utils.Database(grown["db"])["themes"].count
    # A refit on the same findings finds the same themes (fixed seed) only if
    # the data did not change; here 2021 was added, so some themes move, but
    # every line says where the old theme's findings went.
    for line in moves:
        assert "theme" in line.split(":", 1)[1]
    config = json.loads((tmp_path / "f-models" / "themes" / "config.json").read_text())
    assert config["lineage"]["refit_of"] == grown["version"]
    first_refit = theme_state(db_path)
    # Refitting again on unchanged data keeps every theme whole, with its id.
    again = run("themes", "--db", db_path, "--refit").output
    lines = [l for l in again.splitlines() if l.strip().startswith("old theme")]
    assert lines and all(l.split(":")[1].strip().startswith("kept;") for l in lines)
    assert theme_state(db_path) == first_refit


def test_same_input_same_themes(tmp_path):
    for name in ("a", "b"):
        folder = tmp_path / name / "in"
        folder.mkdir(parents=True)
        shutil.copy(sample(2017, "txt"), folder)
        shutil.copy(sample(2021, "txt"), folder)
        run("ingest", folder, "--db", tmp_path / name / "f.db", "--no-json")
    assert theme_state(tmp_path / "a" / "f.db") == theme_state(tmp_path / "b" / "f.db")
    for f in ("centres.npy", "themes.json", "vectorizer.json"):
        assert (tmp_path / "a/f-models/themes" / f).read_bytes() == (tmp_path / "b/f-models/themes" / f).read_bytes()


def test_findings_in_any_order_give_the_same_themes(tmp_path):
    from pipeline.ingest import ingest
    files = [sample(2017, "txt"), sample(2021, "txt"), sample(2021, "docx")]
    for name, order in (("a", files), ("b", files[::-1])):
        db_path = tmp_path / f"{name}.db"
        ingest(order, db_path, None)
        db = open_db(db_path)
        update_themes(db, tmp_path / f"{name}-models")
        db.close()
    assert theme_state(tmp_path / "a.db") == theme_state(tmp_path / "b.db")


def _model_files(folder):
    return {p.name: p.read_bytes() for p in sorted((folder / "themes").iterdir())}


def test_each_database_has_its_own_model_and_json(tmp_path, monkeypatch):
    """Two databases side by side: each fits, keeps and uses its own model and
    JSON folder; nothing of the one is touched by an ingest into the other,
    nor the working directory's models/ and extracted/ (before, a second
    database silently took the first one's themes, and every database wrote
    ./extracted)."""
    work = tmp_path / "work"
    (work / "extracted").mkdir(parents=True)
    (work / "models").mkdir()
    monkeypatch.chdir(work)
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    shutil.copy(sample(2017, "txt"), one)
    shutil.copy(sample(2021, "txt"), two)
    run("ingest", one, "--db", tmp_path / "a.db")
    a_model = _model_files(tmp_path / "a-models")
    out = run("ingest", two, "--db", tmp_path / "b.db").output
    assert "Themes: fitted model" in out
    assert _model_files(tmp_path / "a-models") == a_model
    assert sorted(p.name for p in (tmp_path / "a-extracted").iterdir()) == ["0834-2017.json"]
    assert sorted(p.name for p in (tmp_path / "b-extracted").iterdir()) == ["0834-2021.json"]
    assert list((work / "extracted").iterdir()) == [] and list((work / "models").iterdir()) == []
    a, b = theme_state(tmp_path / "a.db"), theme_state(tmp_path / "b.db")
    assert {t["model_version"] for t in a[0]} != {t["model_version"] for t in b[0]}


def test_a_model_folder_of_another_database_is_not_used(tmp_path):
    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(sample(2017, "txt"), one)
    run("ingest", one, "--db", tmp_path / "a.db", "--no-json")
    shutil.copytree(tmp_path / "a-models", tmp_path / "b-models")
    two = tmp_path / "two"
    two.mkdir()
    shutil.copy(sample(2021, "txt"), two)
    out = run("ingest", two, "--db", tmp_path / "b.db", "--no-json").output
    assert "Themes: fitted model" in out and "fitted for another database" in out
    b_version = {t["model_version"] for t in theme_state(tmp_path / "b.db")[0]}
    assert b_version == {json.loads((tmp_path / "b-models/themes/config.json").read_text())["version"]}


def test_a_lost_model_is_fitted_again_keeping_theme_ids(grown, tmp_path):
    db_path = tmp_path / "f.db"
    shutil.copy(grown["db"], db_path)
    run("themes", "--db", db_path, "--refit")  # themes and model fitted on all findings
    before = theme_state(db_path)
    shutil.rmtree(tmp_path / "f-models")
    out = run("ingest", grown["base"] / "second", "--db", db_path, "--no-json").output
    assert "Themes: refitted model" in out and "is not in" in out
    assert theme_state(db_path) == before  # same findings, same themes, same ids


def test_a_model_save_cut_short_is_recovered(grown, tmp_path):
    """Killed between moving the old model aside and putting the new one in
    place: the database's own model is found beside its place and put back."""
    db_path = tmp_path / "f.db"
    shutil.copy(grown["db"], db_path)
    shutil.copytree(grown["base"] / "f-models", tmp_path / "f-models")
    (tmp_path / "f-models/themes").rename(tmp_path / "f-models/themes.old")
    out = run("ingest", grown["base"] / "second", "--db", db_path, "--no-json").output
    assert "no new findings" in out
    assert (tmp_path / "f-models/themes/config.json").exists()


def test_saving_a_model_never_deletes_through_a_symlink(grown, tmp_path):
    """A link planted where the model is written to first: the link goes, the
    files it points to stay."""
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "data.txt").write_text("keep me")
    models = tmp_path / "f-models"
    models.mkdir()
    (models / "themes.tmp").symlink_to(precious, target_is_directory=True)
    (models / "themes.old").symlink_to(precious, target_is_directory=True)
    db_path = tmp_path / "f.db"
    shutil.copy(grown["db"], db_path)
    run("themes", "--db", db_path, "--refit")
    assert (precious / "data.txt").read_text() == "keep me"
    assert (models / "themes" / "config.json").exists() and not (models / "themes").is_symlink()


def test_a_finding_links_to_its_theme_and_prevalence_is_one_query(grown):
    db = sqlite_utils.Database(grown["db"])
    assert any(fk.column == "theme_id" and fk.other_table == "themes" for fk in db["findings"].foreign_keys)
    by_year = {r["year"]: r["n"] for r in db.query(
        "select year, sum(findings) as n from theme_prevalence group by year")}
    themed = {r["year"]: r["n"] for r in db.query(
        "select r.year, count(*) as n from findings f join reports r on r.id = f.report_id "
        "where f.theme_id is not null group by r.year")}
    assert by_year == themed and sum(by_year.values()) > 100


def test_an_ingest_with_nothing_new_loads_no_language_data(grown):
    """Nothing to assign and links current: neither spaCy nor scikit-learn is
    imported (they cost seconds and hundreds of MB), in a fresh process."""
    import subprocess
    import sys

    code = ("import sys\nfrom click.testing import CliRunner\nfrom pipeline.cli import cli\n"
            f"res = CliRunner().invoke(cli, ['ingest', {str(grown['base'] / 'second')!r}, "
            f"'--db', {str(grown['db'])!r}, '--no-json'])\n"
            "print(res.output)\nprint(sorted(m for m in ('spacy', 'sklearn') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "no new findings" in out and "links unchanged" in out, out
    assert out.strip().splitlines()[-1] == "[]", out


def test_long_steps_say_where_they_stand_on_a_terminal_only(capsys):
    from pipeline.cli import _StepStatus

    status = _StepStatus("Themes", shown=True)
    status("choosing the number of themes", 12, 25)
    status.clear()
    err = capsys.readouterr().err
    assert "Themes: working" in err and "Themes: choosing the number of themes 12/25, 0 s" in err
    assert err.endswith("\r")  # back to the line start for the result (the erase code is a terminal's)
    quiet = _StepStatus("Themes", shown=False)
    quiet("choosing the number of themes", 12, 25)
    quiet.clear()
    assert capsys.readouterr().err == ""


def test_a_model_that_cannot_be_written_leaves_no_half_of_it_and_names_its_folder(tmp_path, monkeypatch):
    """A full disk while the themes model is saved (numpy's error names no
    file): the error names the model's folder, and no half-written folder is
    left beside it."""
    import numpy as np
    import pytest

    from pipeline.nlp import themes as themes_module

    model = themes_module.ThemeModel.__new__(themes_module.ThemeModel)
    model.centres_ = np.zeros((2, 3))
    monkeypatch.setattr(themes_module.ThemeModel, "_check", lambda self: None)

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "save", full)
    target = tmp_path / "models" / "themes"
    with pytest.raises(OSError) as err:
        model.save(target)
    assert err.value.filename == str(target) and err.value.errno == 28
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == []
