"""kompass: Kommunkompassen reports to a SQLite database of scores and findings."""

__version__ = "0.1.0"


def __getattr__(name: str):
    # the Python API (pipeline.api), loaded when first asked for: reading a
    # report in a worker process does not need it
    if name in ("connect", "Kompass"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
