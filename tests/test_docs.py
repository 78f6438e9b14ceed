"""The documentation as users meet it: a short README that points to every
page of docs/, pages that exist, and the generated pages current."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.write_docs import pages  # noqa: E402


def test_the_readme_is_a_short_guide_that_links_every_page_of_the_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count("\n") < 250
    assert "make ingest" in readme and "make test" in readme
    linked = set(re.findall(r"\]\((docs/[^)#]+)\)", readme))
    assert linked == {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}


def test_links_between_pages_lead_somewhere():
    for page in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name}: {target}"


def test_the_generated_pages_are_current():
    for path, text in pages().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name}: run tools/write_docs.py"
    cli = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    # every command and option is there, as the command itself says
    for name in ("ingest", "query", "follow-up", "themes merge", "codebook apply", "export", "serve", "profile"):
        assert f"## `kompass {name}`" in cli
    assert "--time-limit" in cli and "--jobs" in cli
