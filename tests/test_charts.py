"""kompass profile and themes --plot: self-contained pages whose charts carry
the database's numbers, say what they compare, in Swedish, and draw."""

from __future__ import annotations

import html
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
import sqlite_utils
from click.testing import CliRunner

from pipeline import charts
from pipeline.cli import cli

SVG = "{http://www.w3.org/2000/svg}svg"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def self_contained(page: str) -> bool:
    """Nothing a browser would fetch: no script, no external source, link or import
    (the SVG namespace is a name, never fetched)."""
    page = page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    return not re.search(r"<script|\bsrc=|\bhref=|@import|url\(|https?://", page)


def visible_text(page: str) -> str:
    """What a reader sees: no tags, attributes, tooltips (<title>) or style."""
    page = re.sub(r"<title>.*?</title>|<style>.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def copy_db(linked, tmp_path) -> sqlite_utils.Database:
    path = tmp_path / "k.db"
    shutil.copy(linked["db"], path)
    return sqlite_utils.Database(path)


def add_report(db: sqlite_utils.Database, like: str, rid: str, municipality: str, code: str, year: int,
               score: float | None = None) -> None:
    """A report without findings, a copy of ``like`` (its areas too; each scored
    ``score`` when given)."""
    row = dict(db["reports"].get(like), id=rid, municipality=municipality, municipality_code=code, year=year)
    db["reports"].insert(row)
    areas = [dict(a, report_id=rid, **({} if score is None else {"score": score}))
             for a in db.query("select * from areas where report_id = ?", [like])]
    db["areas"].insert_all(areas)


def years_db(linked, tmp_path) -> sqlite_utils.Database:
    """The linked reports moved to 2014 (Torsås' first), 2017 (Emmaboda) and 2021,
    and a report of 2022 without findings: the issue's uneven years."""
    db = copy_db(linked, tmp_path)
    db.execute("update reports set year = 2014 where id = '0834-2017'")
    db.execute("update reports set year = 2017 where id = '0862-2021'")
    add_report(db, "0862-2021", "0860-2022", "Hultsfred", "0860", 2022)
    db.conn.commit()
    return db


def panels(svg: str) -> list[str]:
    return re.findall(r'<g class="panel".*?</g>', svg, flags=re.S)


def year_x(panel: str) -> dict[int, float]:
    return {int(y): float(x) for x, y in re.findall(r'<text class="year" x="([\d.]+)"[^>]*>(\d{4})</text>', panel)}


# -- the profile ------------------------------------------------------------------


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
    recs = [r["text"] for r in db.query(
        "select text from findings where report_id = '0834-2017' and kind = 'improvement'")]
    text = html.unescape(page)
    assert all(r in text for r in recs)
    assert "olika ramverk" in text  # the caveat across revisions


def test_the_radar_is_labelled_with_the_latest_reports_own_areas(linked, tmp_path):
    out = tmp_path / "torsas.html"
    assert run("profile", "Torsås", "--out", out, "--db", linked["db"]).exit_code == 0
    page = out.read_text("utf-8")
    db = sqlite_utils.Database(linked["db"])
    own = [a["title"] for a in db.query("select title from areas where report_id = '0834-2021' order by number")]
    axes = [" ".join(html.unescape(t) for t in re.findall(r"<tspan[^>]*>(.*?)</tspan>", label))
            for label in re.findall(r'<text class="axis".*?</text>', page)]
    assert axes == own
    # 2017 is of the 2016 revision: its areas are placed through the crosswalk, and the page says which
    text = visible_text(page)
    assert "2021 års egna områdesnamn" in text and "domännyckel" in text
    assert "5. Brukarens fokus" in text and "2. Brukarfokus, tillgänglighet och bemötande" in text
    assert "Torsås 2017 (ramverk 2016, genom domännyckeln)" in text


def test_no_mean_of_fewer_than_two_other_reports(linked, tmp_path):
    out = tmp_path / "torsas.html"
    assert run("profile", "Torsås", "--out", out, "--db", linked["db"]).exit_code == 0
    page = out.read_text("utf-8")
    # only Emmaboda 2021 is another 2020 report: no comparison series, and the page says why
    assert page.count("<polygon points=") == 4 + 2  # four rings, Torsås 2021 and 2017
    radar = re.search(r"<svg(?:(?!</svg>).)*class=\"axis\".*?</svg>", page, flags=re.S).group(0)
    assert "medel" not in radar  # neither polygon nor legend
    assert "Inget medelvärde att jämföra med: databasen har bara en annan rapport med ramverk 2020" in page


def test_the_mean_of_two_other_reports_is_named_for_what_it_is(linked, tmp_path):
    db = copy_db(linked, tmp_path)
    add_report(db, "0862-2021", "0860-2021", "Hultsfred", "0860", 2021, score=20.0)
    db.conn.commit()
    out = tmp_path / "torsas.html"
    res = run("profile", "Torsås", "--out", out, "--db", tmp_path / "k.db")
    assert res.exit_code == 0, res.output
    page = out.read_text("utf-8")
    assert page.count("<polygon points=") == 4 + 3
    assert "medelvärde av 2 andra rapporter med ramverk 2020" in page
    assert "Inget medelvärde" not in page
    radar = charts.profile_radar(db, [dict(r) for r in db.query(
        "select * from reports where municipality_code = '0834' order by year")])
    mean = radar.series[-1]
    emmaboda = [a["score"] / a["max"] for a in db.query(
        "select score, max from areas where report_id = '0862-2021' order by number")]
    assert mean.dashed and mean.values == pytest.approx([(e + 0.2) / 2 for e in emmaboda])


def test_the_profile_speaks_swedish(linked, tmp_path):
    out = tmp_path / "torsas.html"
    assert run("profile", "Torsås", "--out", out, "--db", linked["db"]).exit_code == 0
    page = out.read_text("utf-8")
    text = visible_text(page)
    for word in ("åtgärdat", "kvarstår", "ingen motsvarighet"):
        assert word in text
    assert not re.search(r"\b(addressed|persisting|no_match|candidate|reviewed|mean)\b", text)
    assert "Made by" not in text
    # the codes stay at hand as the outcome cells' tooltips
    assert 'title="addressed">åtgärdat<' in page and 'title="no_match">ingen motsvarighet<' in page


def test_profile_charts_are_standalone_svg_files(linked, tmp_path):
    folder = tmp_path / "charts"
    res = run("profile", "Torsås", "--out", tmp_path / "p.html", "--charts", folder, "--db", linked["db"])
    assert res.exit_code == 0, res.output
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["0834-2017-omraden.svg", "0834-2021-omraden.svg", "0834-2021-spindel.svg"]
    for f in folder.iterdir():
        root = ET.parse(f).getroot()  # well-formed XML, an SVG document of its own
        assert root.tag == SVG and root.get("width") and root.get("viewBox")
        assert self_contained(f.read_text("utf-8"))
    assert "Torsås 2017 (ramverk 2016)" in (folder / "0834-2017-omraden.svg").read_text("utf-8")


def test_profile_of_an_unknown_municipality_is_one_line(linked, tmp_path):
    res = run("profile", "Ingenstans", "--out", tmp_path / "x.html", "--db", linked["db"])
    assert res.exit_code == 1 and "Ingenstans" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "x.html").exists()


def test_png_without_chromium_is_one_line(linked, tmp_path, monkeypatch):
    monkeypatch.setattr(charts.shutil, "which", lambda name: None)
    res = run("themes", "--plot", tmp_path / "t.png", "--db", linked["db"])
    assert res.exit_code == 1 and "chromium" in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1 and not (tmp_path / "t.png").exists()
    res = run("profile", "Torsås", "--out", tmp_path / "p.html", "--charts", tmp_path / "c",
              "--charts-format", "png", "--db", linked["db"])
    assert res.exit_code == 1 and "chromium" in res.output and not (tmp_path / "p.html").exists()


# -- the themes over the years ----------------------------------------------------------


def test_themes_plot_draws_one_panel_per_theme_with_its_counts(linked, tmp_path):
    out = tmp_path / "themes.html"
    res = run("themes", "--plot", out, "--db", linked["db"])
    assert res.exit_code == 0, res.output
    page = out.read_text("utf-8")
    assert self_contained(page)
    db = sqlite_utils.Database(linked["db"])
    top = list(db.query("select id, label from themes order by size desc, id limit 8"))
    per_year = dict(db.execute("select year, count(*) from reports group by year").fetchall())
    drawn = panels(page)
    assert len(drawn) == len(top) and page.count("<polyline") == len(top)
    colours = [re.search(r'data-colour="(#\w+)"', p).group(1) for p in drawn]
    assert len(set(colours)) == len(top)  # no two panels alike
    for theme, panel in zip(top, drawn):
        assert html.escape(f"{theme['id']}: {theme['label']}") in panel
        for year, n in per_year.items():
            k = db.execute("select count(distinct r.id) from findings f join reports r on r.id = f.report_id "
                           "where f.theme_id = ? and r.year = ?", [theme["id"], year]).fetchone()[0]
            assert f">{k} av {n}</text>" in panel
            assert f">n={n}</text>" in panel
            assert f"{k} av {n} ({round(100 * k / n)} %)" in page  # the table: counts and share


def test_themes_plot_years_are_proportional(linked, tmp_path):
    db = years_db(linked, tmp_path)
    svg = charts.themes_svg(db)
    drawn = panels(svg)
    assert drawn
    for panel in drawn:
        x = year_x(panel)
        assert sorted(x) == [2014, 2017, 2021, 2022]  # a tick at each year with reports
        year = (x[2017] - x[2014]) / 3  # the positions are rounded to 0.1 px
        assert x[2021] - x[2017] == pytest.approx(4 * year, abs=0.2)
        assert x[2022] - x[2021] == pytest.approx(year, abs=0.2)
        assert ">0 av 1</text>" in panel  # 2022's report has no findings
        assert panel.count(">n=1</text>") == 4


def test_themes_plot_as_svg_file(linked, tmp_path):
    out = tmp_path / "themes.svg"
    res = run("themes", "--plot", out, "--db", linked["db"])
    assert res.exit_code == 0, res.output
    text = out.read_text("utf-8")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == SVG and "<!doctype" not in text and self_contained(text)
    assert len(panels(text)) == min(8, sqlite_utils.Database(linked["db"])["themes"].count)


@pytest.mark.skipif(charts.chromium() is None, reason="no chromium on PATH")
def test_the_themes_chart_renders_in_chromium(linked, tmp_path):
    """Drawn, not just written: each panel's colour is in its own part of the picture."""
    from PIL import Image

    svg = charts.themes_svg(years_db(linked, tmp_path))
    png = tmp_path / "themes.png"
    try:
        charts.svg_to_png(svg, png)
    except charts.ChartError as exc:
        pytest.fail(str(exc))
    image = Image.open(png).convert("RGB")
    width = float(re.search(r'<svg[^>]*width="([\d.]+)"', svg).group(1))
    scale = image.width / width
    drawn = panels(svg)
    assert len(drawn) == 8

    def rgb(panel: str) -> tuple[int, ...]:
        colour = re.search(r'data-colour="#(\w{6})"', panel).group(1)
        return tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))

    def pixels_of(colour: tuple[int, ...], panel: str) -> int:
        px, py = map(float, re.search(r"translate\(([\d.]+),([\d.]+)\)", panel).groups())
        box = (int(px * scale), int(py * scale), int((px + charts.PANEL_W) * scale),
               int((py + charts.PANEL_H) * scale))
        return sum(n for n, p in image.crop(box).getcolors(1 << 24) if max(abs(a - b) for a, b in zip(p, colour)) <= 8)

    for i, panel in enumerate(drawn):
        assert pixels_of(rgb(panel), panel) >= 200, f"panel {i}: its colour {rgb(panel)} is not drawn"
        # each panel holds its own line only: nothing of another panel's colour
        for other in drawn:
            if other is not panel:
                assert pixels_of(rgb(other), panel) < 10, f"panel {i} holds the colour {rgb(other)}"
