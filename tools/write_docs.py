#!/usr/bin/env python3
"""Write the README's generated parts from the data they describe.

    .venv/bin/python tools/write_docs.py [--check]

* the table of flag codes, between ``<!-- flags: ... -->`` and
  ``<!-- /flags -->``, from ``pipeline/data/flags.json``
  (:func:`pipeline.flags.markdown`).

``--check`` writes nothing and exits 1 when the README is not current (the
tests run the same comparison).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.flags import markdown  # noqa: E402

README = ROOT / "README.md"
BLOCK = re.compile(r"(<!-- flags: [^\n]*-->\n)(.*?)(<!-- /flags -->)", re.S)


def written(text: str) -> str:
    """``text`` (the README) with its generated parts written again."""
    if not BLOCK.search(text):
        raise SystemExit(f"{README}: no <!-- flags: ... --> block")
    return BLOCK.sub(lambda m: m.group(1) + markdown() + "\n" + m.group(3), text, count=1)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only say whether the README is current")
    args = ap.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    new = written(text)
    if args.check:
        if new != text:
            print(f"{README.name} is not current: run tools/write_docs.py")
            return 1
        return 0
    if new != text:
        README.write_text(new, encoding="utf-8")
        print(f"wrote {README.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
