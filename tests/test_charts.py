"""kompass profile and themes --plot: self-contained pages whose charts carry
the database's numbers."""

from __future__ import annotations

import re

import sqlite_utils
from click.testing import CliRunner

from pipeline.cli import cli


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def self_contained(page: str) -> bool:
    """Nothing a browser would fetch: no script, no external source, link or import
    (the SVG namespace is a name, never fetched)."""
    page = page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    return not re.search(r"<script|\bsrc=|\bhref=|@import|url\(|https?://", page)


def test_profile_shows_every_evaluation_the_radar_and_the_follow_up(linked, tmp_path):
    out = tmp_path / "torsas.html"
    res = run("profile", "TORSÅS", "--out", out, "--db", linked["db"])
    assert res.exit_code == 0, res.output
    page = out.read_text("utf-8")
    assert self_contained(page) and page.startswith("<!doctype html>") and 'charset="utf-8"' in page
    db = sqlite_utils.Database(linked["db"])
    assert "499 av 800" in page and "373 av 800" in page
    for a in db.query("select number, title, score from areas where report_id like '0834-%'"):
        assert f"{a['number']}. {a['title']}" in page.replace("&amp;", "&")
        assert f">{a['score']:g}</text>" in page
    # the radar: the latest, the earlier, the mean of the same revision
    assert page.count("<polygon points=") == 4 + 3  # four rings, three series
    assert "medel, 2 rapporter med ramverk 2020" in page  # Torsås and Emmaboda 2021
    recs = [r["text"] for r in db.query(
        "select text from findings where report_id = '0834-2017' and kind = 'improvement'")]
    import html
    text = html.unescape(page)
    assert all(r in text for r in recs)
    assert "olika ramverk" in text  # the caveat across revisions


def test_themes_plot_draws_the_largest_themes_over_the_years(linked, tmp_path):
    out = tmp_path / "themes.html"
    res = run("themes", "--plot", out, "--db", linked["db"])
    assert res.exit_code == 0, res.output
    page = out.read_text("utf-8")
    assert self_contained(page)
    db = sqlite_utils.Database(linked["db"])
    n = min(8, db["themes"].count)
    assert page.count("<polyline") == n
    assert ">2017</text>" in page and ">2021</text>" in page


def test_profile_of_an_unknown_municipality_is_one_line(linked, tmp_path):
    res = run("profile", "Ingenstans", "--out", tmp_path / "x.html", "--db", linked["db"])
    assert res.exit_code == 1 and "Ingenstans" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "x.html").exists()
