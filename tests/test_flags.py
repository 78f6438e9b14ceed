"""The registry of flag codes (pipeline/data/flags.json): every code the code
raises is registered at the severity it is raised at, every registered code
is raised somewhere, and the table of docs/flags.md is the registry's."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipeline.document import ReaderNote
from pipeline.extract.model import Report
from pipeline.flags import Code, Doubt, Severity, check, markdown, registry

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"
FLAGS_PAGE = PACKAGE.parent / "docs" / "flags.md"
#: the calls that raise a flag, and where their severity and code are
RAISERS = {"flag": (0, 1), "ReaderNote": (0, 1), "add_flag": (2, 3)}


def _severities(node: ast.expr) -> set[str] | None:
    """The severities an argument can be: Severity.X, "x", or either of a
    conditional's; None when it cannot be told from the source."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Severity":
        return {Severity[node.attr].value}
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        a, b = _severities(node.body), _severities(node.orelse)
        return a | b if a is not None and b is not None else None
    return None


def _code(node: ast.expr) -> str | None:
    """The code a raising call's argument names: ``Code.X`` gives "x"."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Code":
        return node.attr.lower()
    return None


def _raised() -> tuple[dict[str, set[str]], list[str]]:
    """Every flag code named (``Code.X``) in a raising call, with its
    severities; and the calls whose code is a variable."""
    codes: dict[str, set[str]] = {}
    dynamic = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name not in RAISERS or len(node.args) <= RAISERS[name][1]:
                continue
            sev_at, code_at = RAISERS[name]
            code = node.args[code_at]
            if _code(code) is not None:
                sev = _severities(node.args[sev_at])
                assert sev is not None, f"{path.name}:{node.lineno}: severity not told from the source"
                codes.setdefault(_code(code), set()).update(sev)
            else:
                dynamic.append(f"{path.relative_to(PACKAGE)}:{ast.unparse(code)}")
    return codes, dynamic


def test_every_code_raised_is_registered_at_its_severity():
    codes, _ = _raised()
    assert len(codes) >= 35
    for code, severities in codes.items():
        assert code in registry(), f"{code} is raised but not registered"
        for sev in severities:
            assert Severity(sev) in registry()[code].severities, (code, sev)


def test_every_registered_code_is_raised_somewhere():
    """Codes named in raising calls, the finding doubts' summary flags and
    the store's duplicate flag, which ingest passes as a tuple."""
    codes, dynamic = _raised()
    # the calls whose code is a variable: a reader's notes carried over, the
    # loop over the finding doubts (named in its table), and the store's
    # flag for a report's other file (named by ingest; checked when raised)
    assert sorted(dynamic) == ["extract/__init__.py:code", "extract/__init__.py:note.code", "store.py:code"]
    source = "".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))
    for code in registry():
        assert code in codes or f"Code.{code.upper()}" in source, f"{code} is registered but never raised"
    assert {f"finding_{d.value}" for d in Doubt} <= set(registry())


def test_no_code_is_written_outside_the_registry():
    """The codes are written once, in flags.json: a string in the package's
    source that is a registered code is a code written twice (raise sites
    name ``Code.X``, made from the registry; a misspelt member fails there)."""
    doubts = {d.value for d in Doubt}  # a doubt's own name may be a code's ("ocr_low_confidence")
    written = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in registry() \
                    and not (path.name == "flags.py" and node.value in doubts):
                written.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}")
    assert not written
    assert len(Code) == len(registry()) and Code.TOTAL_MISMATCH == "total_mismatch"
    assert str(Code.OCR) == "ocr" and f"{Code.OCR}" == "ocr"
    with pytest.raises(AttributeError):
        Code.TOTAL_MISMATCHED  # noqa: B018


def test_an_unregistered_code_or_severity_cannot_be_raised():
    report = Report(None, None, None, None, None, None, None, None)
    report.flag(Severity.WARNING, "total_mismatch", "area scores sum to 370 but the printed total is 373")
    assert report.flags[0].severity == "warning"
    with pytest.raises(ValueError, match="not registered"):
        report.flag(Severity.WARNING, "total_mismatched", "a typo in a code")
    with pytest.raises(ValueError, match="registered as error"):
        report.flag(Severity.INFO, "no_findings", "a severity the code is not raised at")
    with pytest.raises(ValueError, match="not registered"):
        ReaderNote("warning", "ocr_confidence_low", "a reader's typo")
    assert check("info", "total_not_printed") == "info" and check(Severity.WARNING, "total_not_printed") == "warning"


def test_the_documented_table_of_flags_is_the_registry():
    text = FLAGS_PAGE.read_text(encoding="utf-8")
    start = text.index("<!-- flags:")
    block = text[text.index("\n", start) + 1:text.index("<!-- /flags -->")]
    assert block.strip() == markdown().strip(), "run tools/write_docs.py"
    assert all(f"| `{code}` |" in block for code in registry())
