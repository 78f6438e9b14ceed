#!/usr/bin/env python3
"""Write the documentation's generated parts from what they describe.

    .venv/bin/python tools/write_docs.py [--check]

* ``docs/flags.md``: the table of flag codes, between ``<!-- flags: ... -->``
  and ``<!-- /flags -->``, from ``pipeline/data/flags.json``
  (:func:`pipeline.flags.markdown`);
* ``docs/cli.md``: every command's ``--help``, as ``kompass`` prints it
  (:func:`cli_reference`).

``--check`` writes nothing and exits 1 when a page is not current (the tests
run the same comparison).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.cli import cli  # noqa: E402
from pipeline.flags import markdown  # noqa: E402

FLAGS = ROOT / "docs" / "flags.md"
CLI = ROOT / "docs" / "cli.md"
BLOCK = re.compile(r"(<!-- flags: [^\n]*-->\n)(.*?)(<!-- /flags -->)", re.S)
#: the width the help is wrapped at, whatever the terminal writing the page
WIDTH = 100


def flags_page(text: str) -> str:
    """``text`` (docs/flags.md) with its table written again."""
    if not BLOCK.search(text):
        raise SystemExit(f"{FLAGS}: no <!-- flags: ... --> block")
    return BLOCK.sub(lambda m: m.group(1) + markdown() + "\n" + m.group(3), text, count=1)


def _helps(command: click.Command, parent: click.Context | None, name: str):
    ctx = click.Context(command, info_name=name, parent=parent, terminal_width=WIDTH, max_content_width=WIDTH)
    yield ctx.command_path, command.get_help(ctx)
    if isinstance(command, click.Group):
        for sub in command.list_commands(ctx):
            yield from _helps(command.get_command(ctx, sub), ctx, sub)


def cli_reference() -> str:
    """Every command's help, in the order ``kompass --help`` lists them."""
    out = ["# Command-line reference", "",
           "Every command of `kompass` and its options, as `--help` prints them (this page is written by",
           "`tools/write_docs.py` from the commands themselves; a test checks it is current).", ""]
    helps = list(_helps(cli, None, "kompass"))
    out += [f"- [`{path}`](#{path.replace(' ', '-')})" for path, _ in helps[1:]] + [""]
    for path, text in helps:
        out += [f'<a id="{path.replace(" ", "-")}"></a>', f"## `{path}`", "", "```", text.rstrip(), "```", ""]
    return "\n".join(out)


def pages() -> dict[Path, str]:
    """Each generated page and what it should hold."""
    return {FLAGS: flags_page(FLAGS.read_text(encoding="utf-8")), CLI: cli_reference()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only say whether the pages are current")
    args = ap.parse_args(argv)
    stale = 0
    for path, new in pages().items():
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if new == old:
            continue
        if args.check:
            print(f"{path.relative_to(ROOT)} is not current: run tools/write_docs.py")
            stale += 1
        else:
            path.write_text(new, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
