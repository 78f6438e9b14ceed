"""kompass: Kommunkompassen reports to a SQLite database of scores and findings."""

__version__ = "0.1.0"
