"""make serve: Datasette on the database, read-only, with the project's
metadata from its plugin; checked in a real browser (headless Chromium
through selenium)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import sqlite_utils

from pipeline.browse import datasette_command, metadata
from pipeline.dictionary import TABLES
from pipeline.queries import NAMED_QUERIES

#: set by .ci/run, where the browser is installed: a missing browser fails there
REQUIRE_BROWSER = os.environ.get("KOMPASS_REQUIRE_BROWSER") == "1"


def test_metadata_describes_the_database_and_offers_the_named_queries(linked):
    meta = metadata("k")
    db_meta = meta["databases"]["k"]
    assert meta["title"] and meta["source"] and "medborgardialog*" in meta["description"]
    db = sqlite_utils.Database(linked["db"])
    for table in db.table_names():
        if "_fts" in table:
            continue
        assert set(db_meta["tables"][table]["columns"]) == set(db[table].columns_dict), table
    assert set(db_meta["queries"]) == {q.name for q in NAMED_QUERIES}
    assert {"municipality", "county", "year", "framework", "domain", "kind", "theme_label"} <= set(
        db_meta["tables"]["findings_long"]["facets"])
    assert db_meta["tables"]["themes"]["label_column"] == "label"
    # the canned queries run as Datasette runs them: every parameter given, empty where left blank,
    # with the functions its plugin gives every connection
    from pipeline.queries import sql_functions

    sql_functions(db.conn)
    for name, q in db_meta["queries"].items():
        params = {p.name: "" for p in next(n for n in NAMED_QUERIES if n.name == name).parameters}
        params.update({"theme": "1", "municipality": "torsås", "q": "medborgardialog"})
        if name.startswith("codebook-"):
            continue  # needs a codebook applied: tests/test_codebook.py runs it
        rows = list(db.query(q["sql"], {k: v for k, v in params.items() if f":{k}" in q["sql"]}))
        assert rows, name  # a name in lower case, a word without its * (the form's plain use)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(linked, tmp_path_factory):
    db_path = tmp_path_factory.mktemp("serve") / "kompass.db"
    shutil.copy(linked["db"], db_path)
    port = _free_port()
    # plain datasette serve: the metadata comes from the kompass plugin
    proc = subprocess.Popen(datasette_command(db_path, port=port),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("datasette did not start")
    yield {"url": url, "db": db_path}
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    driver_path = shutil.which("chromedriver")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not driver_path or not chromium:
        if REQUIRE_BROWSER:
            pytest.fail("chromium and chromedriver are needed: apt-get install chromium chromium-driver")
        pytest.skip("no chromium/chromedriver here (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def test_searching_a_swedish_word_in_the_browser_shows_the_findings(server, browser):
    from selenium.webdriver.common.by import By

    db = sqlite_utils.Database(server["db"])
    expected = {r["text"] for r in db.query("select text from findings where lower(text) like '%medborgardialog%'")}
    browser.get(server["url"] + "/kompass/findings")
    assert "strength or improvement" in browser.page_source  # the column descriptions are there
    box = browser.find_element(By.CSS_SELECTOR, "input[name=_search]")
    box.send_keys("medborgardialog*")
    box.submit()
    time.sleep(0.5)
    cells = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns td.col-text")
    shown = {c.text for c in cells}
    assert shown == expected and len(shown) >= 4
    # a finding links to its report and its theme, by the theme's label
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "td.col-theme_id a")]
    assert links and all("/kompass/themes/" in h for h in links)
    Path(os.environ.get("KOMPASS_SCREENSHOT_DIR", server["db"].parent)).mkdir(exist_ok=True)
    browser.save_screenshot(str(Path(os.environ.get("KOMPASS_SCREENSHOT_DIR", server["db"].parent))
                                / "findings-search.png"))


def test_the_database_cannot_be_written_through_the_server(server):
    """Datasette's SQL box on a read-only connection: a write is refused."""
    import urllib.parse

    before = sqlite_utils.Database(server["db"])["findings"].count
    url = server["url"] + "/kompass.json?sql=" + urllib.parse.quote("delete from findings")
    try:
        body = urllib.request.urlopen(url, timeout=5).read().decode()
    except urllib.error.HTTPError as exc:
        body = exc.read().decode()
    import json

    reply = json.loads(body)
    assert reply["ok"] is False and ("select" in reply["error"].lower() or "read" in reply["error"].lower()), reply
    assert sqlite_utils.Database(server["db"])["findings"].count == before


def test_serve_listens_on_this_machine_only_by_default():
    cmd = datasette_command(Path("x.db"))
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert set(TABLES) >= {"findings", "reports", "themes"}


def test_the_tidy_view_is_searched_and_ordered_as_the_reports_print_it(server):
    """findings_long in Datasette: the search box finds the same findings
    as the findings' index, and the rows come in report order, each
    report's findings as it prints them."""
    import json as _json

    def get(path: str) -> dict:
        with urllib.request.urlopen(server["url"] + path, timeout=10) as r:
            return _json.loads(r.read())

    db = sqlite_utils.Database(server["db"])
    want = {r[0] for r in db.execute("select rowid from findings_fts where findings_fts match 'medborgardialog*'")}
    got = get("/kompass/findings_long.json?_search=medborgardialog*&_shape=objects&_size=max")["rows"]
    assert want and {r["finding_id"] for r in got} == want
    rows = get("/kompass/findings_long.json?_shape=objects&_size=max")["rows"]
    order = [(r["report_id"], r["area"] or 0, r["kind"], r["position"]) for r in rows]
    assert len(rows) == db["findings"].count and order == sorted(order)


def test_the_canned_queries_answer_as_kompass_query_does(server):
    """The same inputs through Datasette's canned queries (with the kompass
    plugin's SQL functions) and through kompass query: the same rows; a name
    in capitals with Å and an inflected search word included."""
    import json as _json
    from urllib.parse import urlencode

    from click.testing import CliRunner

    from pipeline.cli import cli

    for name, values in (("trajectory", {"municipality": "TORSÅS"}), ("search", {"q": "medborgardialogen"}),
                         ("follow-up", {"municipality": "torsås", "year_from": "", "year_to": ""})):
        res = CliRunner().invoke(cli, ["query", name, *(f"{k}={v}" for k, v in values.items() if v),
                                       "--db", str(server["db"]), "--format", "json"])
        assert res.exit_code == 0, res.output
        want = _json.loads(res.output)
        url = f"{server['url']}/kompass/{name}.json?" + urlencode({**values, "_shape": "objects", "_size": "max"})
        with urllib.request.urlopen(url, timeout=20) as r:
            got = _json.loads(r.read())["rows"]
        assert want and got == want, name


def test_plain_datasette_gets_the_metadata_of_a_kompass_database_only(server, tmp_path):
    """The plugin gives the metadata to kompass databases, whoever started
    Datasette, and to no other SQLite file it serves."""
    import json as _json

    with urllib.request.urlopen(server["url"] + "/-/metadata.json", timeout=10) as r:
        meta = _json.loads(r.read())
    assert meta["title"] == "Kommunkompassen findings" and set(meta["databases"]) == {"kompass"}
    assert set(meta["databases"]["kompass"]["queries"]) == {q.name for q in NAMED_QUERIES}
    from pipeline import datasette_plugin

    other = tmp_path / "other.db"
    sqlite_utils.Database(other)["t"].insert({"a": 1})

    from types import SimpleNamespace

    served = SimpleNamespace(databases={"other": SimpleNamespace(path=str(other)),
                                        "_memory": SimpleNamespace(path=None)})
    assert datasette_plugin.get_metadata(served, None, None, None) == {}
    served.databases["k"] = SimpleNamespace(path=str(server["db"]))
    assert set(datasette_plugin.get_metadata(served, None, None, None)["databases"]) == {"k"}


def test_serve_on_a_busy_port_says_so_before_serving(linked):
    from click.testing import CliRunner

    from pipeline.cli import cli

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        res = CliRunner().invoke(cli, ["serve", "--db", linked["db"], "--port", str(port)])
    assert res.exit_code == 1 and f"127.0.0.1:{port}" in res.output and "--port" in res.output
    assert "Serving" not in res.output and "Traceback" not in res.output
