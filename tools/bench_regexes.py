#!/usr/bin/env python3
"""Every regular expression of the pipeline (compiled at module level, or
written into a call inside a function), run on
crafted text of two lengths (runs of spaces, of "1.", of "[bookmark: ", ...):
one whose time grows more than three times when the text doubles (super-linear
backtracking: a crafted report could hold a reader for minutes) is printed.

    .venv/bin/python tools/bench_regexes.py

Exit status 1 when one is found. A benchmark, not a test: it measures time.
"""
import importlib, pkgutil, re, time, sys
from pathlib import Path
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
import pipeline
found = []
for m in pkgutil.walk_packages(pipeline.__path__, "pipeline."):
    if "datasette_plugin" in m.name:
        continue
    try:
        mod = importlib.import_module(m.name)
    except Exception:
        continue
    for name, v in vars(mod).items():
        if isinstance(v, re.Pattern):
            found.append((m.name, name, v))
        if isinstance(v, (tuple, list)) and v and all(isinstance(x, re.Pattern) for x in v):
            found += [(m.name, f"{name}[{i}]", x) for i, x in enumerate(v)]
# and the patterns written into calls inside functions (re.match(r"...", text)), from the source
import ast

for path in sorted(Path(pipeline.__file__).parent.rglob("*.py")):
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                and node.func.attr in ("match", "search", "sub", "fullmatch", "findall", "finditer", "split", "compile")
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            try:
                found.append((path.name, f"line {node.lineno}", re.compile(node.args[0].value)))
            except re.error:
                pass


def inputs(N):
    return ["a" * N, " " * N, "1." * (N // 2), "1 " * (N // 2), "[bookmark: " * (N // 11), "Område " * (N // 7),
          "3.1 " + "ord " * (N // 4), "- " * (N // 2), "a-" * (N // 2), "poäng " * (N // 6), "\t" * N, "1.1 " * (N // 4),
          "Aa " * (N // 3), "x." * (N // 2), "1 av " * (N // 5), "3.1 x – " + "8 " * (N // 2)]
def cost(pat, N):
    worst, which = 0.0, None
    for s in inputs(N):
        t = time.perf_counter()
        for _ in pat.finditer(s):
            pass
        d = time.perf_counter() - t
        if d > worst: worst, which = d, s[:12]
    return worst, which
print(len(found), "patterns", flush=True)
slow = []
for mod, name, pat in found:
    a, _ = cost(pat, 1000)
    b, which = cost(pat, 2000)
    if b > 0.01 and b > 3 * a:
        slow.append(name)
        print(f"{b:.3f}s/{a:.3f}s {mod}.{name} on {which!r}: {pat.pattern[:100]}", flush=True)
print("done")
sys.exit(1 if slow else 0)
