"""Data flows one way: readers -> document model -> extraction -> store -> nlp
-> interfaces, all of them using the registry of flag codes and the Swedish
lexicon (the first room). A module imports only from rooms before its own, the OCR
package's layers import only those below them, and the generic PDF layout
never imports OCR (words reach it the same from a text layer or a scan)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"

#: rooms in the order data flows; a module may import from its own room and those before it
ROOMS = ["flags", "document", "readers", "extract", "store", "nlp", "interfaces"]
INTERFACES = {"cli", "queries", "export", "browse", "charts", "dictionary", "review", "ingest", "reading", "api"}
OCR_LAYERS = ["engine", "image", "words", "numbers", "pages"]


def room(module: str) -> str:
    """'pipeline.readers.pdf.layout' -> 'readers'."""
    parts = module.split(".")[1:]
    head = parts[0] if parts else ""
    if head in ("flags", "lexicon", "files"):
        return "flags"
    if head == "document":
        return head
    if head in ("readers", "extract", "nlp"):
        return head
    if head == "store":
        return "store"
    if head in INTERFACES or head in ("__init__", "__main__", ""):
        return "interfaces"
    return "interfaces"


def imports(path: Path) -> list[str]:
    """Absolute names of the pipeline modules ``path`` imports."""
    module = ".".join(path.relative_to(PIPELINE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    if path.name == "__init__.py":
        module = package
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.startswith("pipeline"):
                if node.module:  # "from .. import store" names a module, not its package
                    out.append(name)
                out += [f"{name}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.startswith("pipeline")]
    return out


MODULES = sorted(p for p in PIPELINE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PIPELINE)))
def test_a_module_imports_only_from_rooms_before_its_own(path):
    own = room(".".join(path.relative_to(PIPELINE.parent).with_suffix("").parts))
    later = {r for r in ROOMS[ROOMS.index(own) + 1:]}
    bad = [m for m in imports(path) if room(m) in later and not m.startswith("pipeline.data")]
    assert not bad, f"{path.name} ({own}) imports from a later room: {bad}"


def test_the_ocr_layers_import_only_those_below_and_the_layout_never_ocr():
    ocr = PIPELINE / "readers" / "pdf" / "ocr"
    for i, layer in enumerate(OCR_LAYERS):
        above = {f"pipeline.readers.pdf.ocr.{name}" for name in OCR_LAYERS[i + 1:]} | {"pipeline.readers.pdf.ocr"}
        got = [m for m in imports(ocr / f"{layer}.py") if m in above]
        assert not got, f"ocr/{layer}.py imports a layer above it: {got}"
    generic = [p for p in (PIPELINE / "readers" / "pdf").glob("*.py") if p.stem not in ("__init__", "backend", "debug")]
    assert len(generic) >= 8
    for p in generic:
        assert not [m for m in imports(p) if m.startswith("pipeline.readers.pdf.ocr")], p.name


def test_no_module_sets_another_modules_globals():
    """Progress goes through the call (``ReadProgress``): no ``module.callback = ...`` from outside."""
    for path in MODULES:
        tree = ast.parse(path.read_text("utf-8"))
        imported = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id in imported \
                            and t.value.id[:1].islower() and t.attr.startswith("on_"):
                        pytest.fail(f"{path.name} sets {t.value.id}.{t.attr}")
