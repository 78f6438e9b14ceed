"""The Python API (pipeline.api): a database as tables for a notebook."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils


def test_a_notebook_reads_the_database_as_kompass_query_does(linked):
    import pipeline as kompass

    db = sqlite_utils.Database(linked["db"])
    with kompass.connect(linked["db"]) as k:
        reports = k.reports()
        assert sorted(reports["id"]) == sorted(r["id"] for r in db["reports"].rows)
        codes = {r["municipality_code"] for r in db["reports"].rows}
        assert set(reports["municipality_code"]) == codes and "0834" in codes  # text: the zero kept
        found = k.findings(municipality="TORSÅS", year=2021, kind="improvement")
        want = {r[0] for r in db.execute(
            "select f.id from findings f join reports r on r.id = f.report_id "
            "where r.municipality_code = '0834' and r.year = 2021 and f.kind = 'improvement'")}
        assert want and set(found["finding_id"]) == want and set(found["kind"]) == {"improvement"}
        assert str(found["theme_id"].dtype) == "Int64"
        theme = int(found["theme_id"].dropna().iloc[0])
        assert set(k.findings(theme=theme)["theme_id"]) == {theme}
        follow = k.follow_up("Torsås")
        assert len(follow) == db.execute("select count(*) from links l join findings s on s.id = l.source_id "
                                         "where l.kind != 'similar' and s.report_id = '0834-2017'").fetchone()[0]
        assert len(k.themes()) == db["themes"].count
        with pytest.raises(ValueError, match="did you mean Torsås"):
            k.findings(municipality="Torsas")
        with pytest.raises(sqlite3.Error):
            k.sql("delete from findings")


def test_without_pandas_the_api_gives_lists_of_dicts(linked, monkeypatch):
    import builtins

    import pipeline as kompass

    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("no pandas here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    k = kompass.connect(linked["db"])
    rows = k.findings(municipality="0834", year=2017)
    assert isinstance(rows, list) and rows and all(r["municipality_code"] == "0834" for r in rows)
    k.close()


def test_follow_up_without_links_says_so(linked, tmp_path):
    import shutil

    import pipeline as kompass

    path = tmp_path / "k.db"
    shutil.copy(linked["db"], path)
    sqlite_utils.Database(path).execute("delete from links").connection.commit()
    with kompass.connect(path) as k:
        with pytest.raises(ValueError, match="no follow-up links yet"):
            k.follow_up("Torsås")
