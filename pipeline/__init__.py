"""kompass: Kommunkompassen reports to a SQLite database of scores and findings."""

__version__ = "0.1.0"

#: what Ctrl-C says, whenever it comes: each report is one transaction, and
#: derived data is written whole or not at all
INTERRUPTED = ("interrupted: what was stored before is kept, nothing is half-written; "
               "the same command goes on from there")


def __getattr__(name: str):
    # the Python API (pipeline.api), loaded when first asked for: reading a
    # report in a worker process does not need it
    if name in ("connect", "Kompass"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
