#!/usr/bin/env python3
"""Dump the seed blocks parsed by kompass's tools/make_renditions.parse_seed to JSON.

Run with kompass's interpreter (it has python-docx, which make_renditions imports),
from anywhere:
    .venv/bin/python tools/other_producers/dump_blocks.py [--out DIR]
Writes <out>/blocks-<year>.json (default <out>: <repo>/build/other-producers);
build_fpdf2.py, build_weasyprint.py and build_groff.py read these.
"""
import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "build" / "other-producers"

sys.path[:0] = [str(REPO), str(REPO / "tools")]
sys.dont_write_bytecode = True  # leave no __pycache__ in the repository's tools/
from make_renditions import SEED_DIR, SEEDS, Heading, Para, Table, parse_seed  # noqa: E402


def para(p: Para) -> dict:
    return {"text": p.text, "kind": p.kind}


def block(b) -> dict:
    if isinstance(b, Heading):
        return {"type": "heading", "level": b.level, "text": b.text}
    if isinstance(b, Table):
        return {"type": "table", "kind": b.kind, "n_cols": b.n_cols,
                "rows": [[[para(p) for p in cell] for cell in row] for row in b.rows]}
    return {"type": "para", **para(b)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    out = ap.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        blocks = parse_seed((SEED_DIR / seed.src).read_text(encoding="utf-8"), seed)
        data = {"key": seed.key, "year": seed.year, "municipality": seed.municipality,
                "running_header": seed.running_header, "blocks": [block(b) for b in blocks]}
        path = out / f"blocks-{seed.year}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{path}: {len(blocks)} blocks")


if __name__ == "__main__":
    main()
