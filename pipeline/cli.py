"""The command line: each command opens the database and calls one pipeline function."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__


@click.group(help="kompass: turn Kommunkompassen evaluation reports (PDF, Word, text exports) into a "
                  "SQLite database of scores, strengths and improvement recommendations.")
@click.version_option(__version__, prog_name="kompass")
def cli() -> None:
    pass


@cli.command(help="Read every report in FOLDER (.pdf, .docx, .txt) into the database. "
                  "Unchanged files are skipped, changed files replace their report, and a second file "
                  "of the same municipality and year is kept as a duplicate source with a flag. "
                  "One line per file that fails; exit status 1 if any failed.")
@click.argument("folder", type=click.Path(exists=True, path_type=Path))
@click.option("--db", "db_path", default="findings.db", show_default=True, type=click.Path(path_type=Path),
              help="SQLite database to fill (created if missing).")
@click.option("--extracted", "extracted_dir", default="extracted", show_default=True,
              type=click.Path(path_type=Path), help="Folder for one JSON file per report.")
@click.option("--no-json", is_flag=True, help="Do not write the per-report JSON files.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def ingest(folder: Path, db_path: Path, extracted_dir: Path, no_json: bool, quiet: bool) -> None:
    from .ingest import ingest as run_ingest
    from .ingest import report_files

    files = report_files(folder)
    if not files:
        raise click.ClickException(f"{folder}: no files to ingest")
    failures: list[str] = []
    show_bar = not quiet and sys.stderr.isatty()
    with click.progressbar(length=len(files), label="Ingesting", file=sys.stderr,
                           hidden=not show_bar, item_show_func=lambda o: o.path if o else "") as bar:
        def progress(outcome):
            if outcome.status == "failed":
                line = f"{outcome.path}: {outcome.message}"
                failures.append(line)
                click.echo(("\n" if show_bar else "") + f"error: {line}", err=True)
            bar.update(1, outcome)

        summary = run_ingest(files, db_path, None if no_json else extracted_dir, progress)
    stored = summary.count("stored", "replaced")
    click.echo(
        f"{len(files)} files: {summary.count('stored')} new, {summary.count('replaced')} replaced, "
        f"{summary.count('unchanged')} unchanged, {summary.count('duplicate')} duplicate, "
        f"{len(summary.failed)} failed. "
        f"{sum(o.findings for o in summary.outcomes)} findings and "
        f"{sum(o.flags for o in summary.outcomes)} flags from the {stored} reports read now; database {db_path}."
    )
    if failures:
        sys.exit(1)


def main() -> None:  # pragma: no cover
    cli(prog_name="kompass")
