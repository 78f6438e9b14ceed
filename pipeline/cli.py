"""The command line: each command opens the database and calls one pipeline function."""

from __future__ import annotations

import re
import shutil
import sqlite3
import sys
import time
from pathlib import Path

import click

from . import INTERRUPTED, __version__
from .reading import DEFAULT_TIME_LIMIT


_INTERRUPTED = "\n" + INTERRUPTED


class _Commands(click.Group):
    """Every command: a database that cannot be used is one line, not a traceback."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        # click's own handling, but Ctrl-C at any moment (while the arguments
        # are parsed or a command is set up, too) is the one line below, not "Aborted!"
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.Abort as exc:
            if isinstance(exc.__context__, EOFError):
                click.echo("Aborted!", err=True)
                sys.exit(1)
            click.echo(_INTERRUPTED.lstrip("\n"), err=True)  # click has ended the line
            sys.exit(130)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)

    def invoke(self, ctx: click.Context):
        from .store import DbError

        try:
            return super().invoke(ctx)
        except DbError as exc:
            raise click.ClickException(str(exc)) from None
        except sqlite3.Error as exc:
            # a write that fails half-way (disk full, the file taken away):
            # each report is one transaction, so what was stored before stays
            raise click.ClickException(f"the database could not be written ({exc}); reports stored "
                                       "before this one are kept, run the command again when fixed") from None
        except BrokenPipeError:
            sys.stderr.close()  # output cut short by the reader (| head): not an error
            sys.exit(0)
        except KeyboardInterrupt:
            # each report is one transaction, and derived data is written whole or not at all
            click.echo(_INTERRUPTED, err=True)
            sys.exit(130)
        except OSError as exc:
            # a JSON file or model that cannot be written (disk full, read-only folder)
            raise click.ClickException(f"{exc.filename or 'a file'}: cannot be written "
                                       f"({exc.strerror or exc})") from None


@click.group(cls=_Commands,
             help="kompass: turn Kommunkompassen evaluation reports (PDF, Word, text exports) into a "
                  "SQLite database of scores, strengths and improvement recommendations.")
@click.version_option(__version__, prog_name="kompass")
def cli() -> None:
    pass


@cli.command(help="Read every report in FOLDER (.pdf, .docx, .txt) into the database. "
                  "Unchanged files are skipped, changed files replace their report, and a second file "
                  "of the same municipality and year is kept as a duplicate source with a flag. "
                  "Other files (a README, spreadsheets, Office lock files) are listed as skipped, and "
                  "kompass's own files (the database, its lock, JSON and model) are left alone wherever "
                  "they are. One line per file that fails; exit status 1 if any report failed.")
@click.argument("folder", type=click.Path(exists=True, path_type=Path))
@click.option("--db", "db_path", default="findings.db", show_default=True, type=click.Path(path_type=Path),
              help="SQLite database to fill (created if missing).")
@click.option("--extracted", "extracted_dir", default=None, type=click.Path(path_type=Path),
              help="Folder for one JSON file per report [default: extracted/ beside findings.db, "
                   "<name>-extracted/ beside any other database].")
@click.option("--no-json", is_flag=True, help="Do not write the per-report JSON files.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--models", "models_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of the themes model [default: models/ beside findings.db, "
                   "<name>-models/ beside any other database].")
@click.option("--no-themes", is_flag=True, help="Skip the language steps: no sentence vectors encoded, no "
                                                "themes fitted or assigned, no follow-up links computed.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Files read at once, each in its own process [default: one per core].")
@click.option("--time-limit", "time_limit", type=click.FloatRange(min=1), default=DEFAULT_TIME_LIMIT,
              show_default=True, help="Seconds one file may take to read before it is stopped and reported.")
def ingest(folder: Path, db_path: Path, extracted_dir: Path | None, no_json: bool, quiet: bool,
           models_dir: Path | None, no_themes: bool, jobs: int | None, time_limit: float) -> None:
    from .ingest import ingest as run_ingest
    from .ingest import display_path, links_in, not_a_report, own_files, report_files
    from .store import check_db, companion_folder, open_db, writer_lock

    check_db(db_path)  # before anything else: a database it refuses gets no lock file
    if extracted_dir is None:
        extracted_dir = companion_folder(db_path, "extracted")
    own = own_files(db_path, extracted_dir, _models_dir(db_path, models_dir))
    found = report_files(folder, own)
    why_not = {f: not_a_report(f) for f in found}
    skipped = [(f, why) for f, why in why_not.items() if why is not None] + links_in(folder, own)
    files = [f for f, why in why_not.items() if why is None]
    if not files:
        raise click.ClickException(f"{folder}: no reports to ingest (.pdf, .docx or .txt)"
                                   + (f"; {len(skipped)} other files skipped" if skipped else ""))
    for f, why in skipped:
        click.echo(f"skipped: {display_path(f)}: {why}", err=True)
    failures: list[str] = []
    show_bar = not quiet and sys.stderr.isatty()
    waiting = lambda: click.echo(  # noqa: E731
        f"{db_path}: another kompass ingest is writing to it; waiting for it to finish", err=True)
    with writer_lock(db_path, waiting):
        open_db(db_path).close()  # a database that cannot be used fails here, before any file is read
        with click.progressbar(length=len(files), label="Ingesting", file=sys.stderr,
                               hidden=not show_bar, item_show_func=lambda o: o.path if o else "") as bar:
            def progress(outcome):
                if outcome.status == "failed":
                    line = terminal_safe(f"{outcome.path}: {outcome.message}")
                    failures.append(line)
                    click.echo(("\n" if show_bar else "") + f"error: {line}", err=True)
                for warning in outcome.warnings:
                    click.echo(("\n" if show_bar else "") + terminal_safe(f"warning: {outcome.path}: {warning}"),
                               err=True)
                bar.update(1, outcome)

            def pages(path, done: int, total: int) -> None:
                # a scanned file's pages through OCR, on the bar's line
                bar.label = f"Ingesting ({path.name}: OCR page {done}/{total})" if done < total else "Ingesting"
                bar.render_progress()

            started = time.monotonic()
            summary = run_ingest(files, db_path, None if no_json else extracted_dir, progress, jobs, time_limit,
                                 reading_progress=pages if show_bar else None)
        click.echo(_summary_line(summary, len(files), db_path, time.monotonic() - started)
                   + (f" {len(skipped)} other files skipped (not reports, or links; each said above)." if skipped else ""))
        for o in summary.promoted:
            if o.status == "failed":
                click.echo(f"warning: {o.report_id} could not be rebuilt from {o.path}, its remaining file "
                           f"({o.message}); the report stays as it was", err=True)
            else:
                click.echo(f"Rebuilt {o.report_id} from {o.path}: {o.message or 'its kept file is gone'}.")
        if not no_themes:
            for name, step, echo in (("Vectors", _update_vectors, _echo_vectors),
                                     ("Themes", _update_themes, _echo_update),
                                     ("Follow-up", _update_links, _echo_links)):
                status = _StepStatus(name, shown=show_bar)
                kwargs = {"models_dir": models_dir} if step is _update_themes else {}
                result = step(db_path, progress=status, **kwargs)
                status.clear()
                echo(result, status.seconds())
                if step is _update_themes:
                    _echo_curation(db_path, result)
    if failures:
        sys.exit(1)


class _StepStatus:
    """One line on the terminal that says where a long step stands
    ("Themes: choosing the number of themes 12/25, 8 s"), rewritten in place
    at most a few times a second, and cleared when the step is done. Silent
    when the output is not a terminal."""

    def __init__(self, name: str, shown: bool):
        self.name, self.shown = name, shown
        self.started = time.monotonic()
        self.last = 0.0
        if shown:
            self._write(f"{name}: working")

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.shown or now - self.last < 0.2:
            return
        self.last = now
        count = f" {done}/{total}" if 0 < done < total else (f" ({total})" if not done and total else "")
        self._write(f"{self.name}: {stage}{count}, {now - self.started:.0f} s")

    def _write(self, text: str) -> None:
        width = shutil.get_terminal_size((80, 20)).columns - 1
        click.echo("\r\x1b[K" + text[:width], nl=False, err=True)

    def clear(self) -> None:
        if self.shown:
            click.echo("\r\x1b[K", nl=False, err=True)

    def seconds(self) -> float:
        return time.monotonic() - self.started


def _summary_line(summary, n_files: int, db_path: Path, seconds: float | None = None) -> str:
    """What the run did, in counts that add up: per file (read, unchanged,
    failed; kept or duplicate), per report (new, updated, removed), and what
    the reports read now hold in the database."""
    files = summary.files
    read = sum(o.status in ("stored", "replaced", "duplicate") for o in files)
    unchanged = sum(o.status == "unchanged" for o in files)
    failed = sum(o.status == "failed" for o in files)
    reread = sum(o.status == "replaced" and o.message.startswith("read again: kompass") for o in files)
    roles = summary.roles
    line = (f"{n_files} files: {read} read" + (f" ({reread} again, by newer reading code)" if reread else "")
            + f", {unchanged} unchanged, {failed} failed; {roles.get('stored', 0)} kept as their report's file, "
            f"{roles.get('duplicate', 0)} duplicates (another file of the same report is kept). "
            f"Reports: {summary.new_reports} new, {summary.updated_reports} updated")
    if summary.removed_reports:
        line += f", {summary.removed_reports} removed (their only file now gives another report)"
    stored = summary.stored
    if stored.get("reports"):
        line += (f"; the {stored['reports']} read now hold {stored['findings']} findings and "
                 f"{stored['flags']} flags")
    return line + f". Database {db_path}" + (f"; {seconds:.1f} s." if seconds is not None else ".")


def _models_dir(db_path: Path, models_dir: Path | None) -> Path:
    from .store import companion_folder

    return models_dir if models_dir is not None else companion_folder(db_path, "models")


def _update_themes(db_path: Path, models_dir: Path | None, **kwargs):
    from .nlp.update import update_themes
    from .store import open_db

    db = open_db(db_path)
    try:
        return update_themes(db, _models_dir(db_path, models_dir), **kwargs)
    finally:
        db.close()  # the last connection to close folds the WAL into the file


def _in_db(db_path: Path, step, **kwargs):
    """Run one language step on the database, closed after it."""
    from .store import open_db

    db = open_db(db_path)
    try:
        return step(db, **kwargs)
    finally:
        db.close()


def _update_vectors(db_path: Path, **kwargs):
    from .nlp.vectors import update_vectors

    return _in_db(db_path, update_vectors, **kwargs)


def _echo_vectors(update, seconds: float | None = None) -> None:
    took = f" ({seconds:.1f} s)" if seconds is not None else ""
    rate = f", {update.rate:.0f} a second" if update.encoded else ""
    reused = f", {update.reused} given the vector of the same text" if update.reused else ""
    click.echo(f"Vectors: {update.encoded} findings encoded{rate}{reused}; {update.stored} findings have "
               f"sentence vectors.{took}")


def _update_links(db_path: Path, **kwargs):
    from .nlp.links import update_links

    return _in_db(db_path, update_links, **kwargs)


def _echo_links(update, seconds: float | None = None) -> None:
    took = f" ({seconds:.1f} s)" if seconds is not None else ""
    if update is None:
        click.echo(f"Follow-up: links unchanged.{took}")
        return
    outcomes = ", ".join(f"{update.outcomes.get(k, 0)} {k}" for k in ("addressed", "persisting", "no_match"))
    pairs = f"{update.pairs} pair{'' if update.pairs == 1 else 's'} of evaluations"
    click.echo(f"Follow-up: {update.recommendations} recommendations over {pairs} "
               f"({outcomes}); {update.similar} links to similar recommendations elsewhere.{took}")


def _echo_update(update, seconds: float | None = None) -> None:
    took = f" ({seconds:.1f} s)" if seconds is not None else ""
    _echo_themes(update, took)


def _echo_themes(update, took: str) -> None:
    if update.action == "skipped":
        click.echo(f"Themes: not fitted ({update.message}).{took}")
    elif update.action == "unchanged":
        click.echo(f"Themes: {update.themes} themes (model {update.version}); no new findings.{took}")
    elif update.action == "assigned":
        click.echo(f"Themes: {update.findings} findings assigned to the {update.themes} themes of model "
                   f"{update.version}, {update.outliers} left as outliers.{took}")
    else:
        why = f" ({update.message})" if update.message else ""
        click.echo(f"Themes: {update.action} model {update.version}{why}: {update.themes} themes over "
                   f"{update.findings} findings, {update.outliers} outliers.{took}")


def _fmt_pct(value) -> str:
    return "" if value is None else f"{value:.0f}%"


@cli.group(cls=_Commands, invoke_without_command=True,
           help="List the themes of the findings: size, share of strengths and of improvement "
                "recommendations, municipalities and years it spans, label (and whether a researcher gave "
                "it) and the finding most typical of it. --show ID lists one theme's findings (--show "
                "outliers: those in none). --refit fits the model anew and reports where each old theme "
                "went. The subcommands curate the themes (rename, merge, split, move); the decisions are "
                "kept in the database and applied again after every ingest and refit.")
@click.option("--db", "db_path", default=None, show_default="findings.db",
              type=click.Path(dir_okay=False, path_type=Path))
@click.option("--models", "models_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of the themes model [default: models/ beside findings.db, "
                   "<name>-models/ beside any other database].")
@click.option("--show", "show", default=None, metavar="ID", help="List the findings of theme ID.")
@click.option("--refit", is_flag=True, help="Fit the themes anew on all findings.")
@click.option("--themes", "n_themes", type=click.IntRange(min=2), default=None,
              help="Number of themes for a (re)fit, instead of choosing it.")
@click.option("--plot", "plot", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Draw the 8 largest themes' prevalence over the years (one panel per theme: in how many "
                   "of each year's reports it occurs, k av n, and the share) into this file: FILE.svg the "
                   "chart alone, FILE.png the chart as a picture (needs chromium on PATH), any other name "
                   "the HTML page with the chart and its table.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@click.pass_context
def themes(ctx: click.Context, db_path: Path | None, models_dir: Path | None, show: str | None, refit: bool,
           n_themes: int | None, plot: Path | None, fmt: str) -> None:
    if ctx.invoked_subcommand is not None:
        if show is not None or refit or n_themes is not None or plot is not None:
            raise click.UsageError(f"--show, --refit, --themes and --plot list or fit the themes: "
                                   f"use them without the {ctx.invoked_subcommand} subcommand")
        ctx.obj = {"db_path": db_path}
        return
    if db_path is None:  # the default is taken here: a subcommand may name its own --db
        db_path = Path("findings.db")
    from . import queries
    from .store import open_db

    if plot is not None:
        from .charts import themes_plot_html

        db = open_db(db_path, readonly=True)
        if not db["themes"].exists() or db["themes"].count == 0:
            raise click.ClickException(f"{db_path}: no themes yet (run kompass ingest)")
        if plot.suffix.lower() in (".svg", ".png"):
            from .charts import ChartError, themes_svg, write_chart

            try:
                write_chart(themes_svg(db), plot)
            except ChartError as exc:
                raise click.ClickException(str(exc)) from None
        else:
            _write_page(plot, themes_plot_html(db))
        click.echo(f"wrote {plot}")
        return
    if n_themes is not None and not refit:
        raise click.UsageError("--themes N applies to a fit: use it with --refit")
    if refit:
        from .store import writer_lock

        with writer_lock(db_path, lambda: click.echo(f"{db_path}: an ingest is writing to it; waiting", err=True)):
            update = _update_themes(db_path, models_dir, refit=True, n_themes=n_themes)
        _echo_update(update)
        for m in update.movements:
            went = ", ".join(f"{'outliers' if k is None else f'theme {k}'}: {v}"
                             for k, v in sorted(m.to.items(), key=lambda kv: -kv[1]))
            click.echo(f"  old theme {m.old_id} ({m.old_label}), {m.size} findings: {m.verdict}; {went}")
        _echo_curation(db_path, update)
        if fmt == "table":
            return
    db = open_db(db_path, readonly=True)
    if show is not None:
        if show == "outliers":
            theme_id = None
        elif show.isdigit():
            theme_id = int(show)
            if db["themes"].count_where("id = ?", [theme_id]) == 0:
                raise click.ClickException(f"no theme {theme_id} in {db_path}")
        else:
            raise click.UsageError(f"--show takes a theme id or 'outliers', not {show!r}")
        rows = queries.theme_findings(db, theme_id)
        columns = ["id", "municipality", "year", "area", "kind", "score", "text"]
    else:
        rows = queries.theme_overview(db)
        if not rows:
            raise click.ClickException(f"{db_path}: no themes yet (run kompass ingest, or themes --refit)")
        columns = ["id", "size", "strength_pct", "improvement_pct", "municipalities", "years", "label",
                   "label_source", "representative"]
    _output(rows, columns, fmt)


@cli.group(help="A researcher's codebook (deductive coding): a CSV file of themes (theme,label,description "
                "and optionally keywords, separated by ';') applied to every finding, each finding coded to the "
                "theme it fits best or to none. The codebook is named by its file's stem.")
def codebook() -> None:
    pass


@codebook.command("apply", help="Code every finding of the database with the codebook FILE (CSV, UTF-8). "
                                "Applying it again replaces its earlier coding. A bad codebook is one line "
                                "naming the file and the problem; nothing is written.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--db", "db_path", default="findings.db", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path))
def codebook_apply(file: Path, db_path: Path) -> None:
    from .nlp.codebook import CodebookError, apply_codebook, read_codebook
    from .store import open_db, writer_lock

    try:
        read_codebook(file)  # a bad codebook: one line, before the database is opened for writing
        with writer_lock(db_path, lambda: click.echo(f"{db_path}: an ingest is writing to it; waiting", err=True)):
            db = open_db(db_path)
            try:
                s = apply_codebook(db, file)
            finally:
                db.close()
    except CodebookError as exc:
        raise click.ClickException(str(exc)) from None
    again = " (its earlier coding replaced)" if s.replaced else ""
    click.echo(f"Codebook {s.codebook}{again}: {s.assigned} of {s.findings} findings given a theme, "
               f"{s.unassigned} none; {s.themes_used} of its {s.themes} themes used.")


def _codebook_name(db, db_path: Path, name: str) -> None:
    """An unknown codebook name: one line with the nearest existing one."""
    from .nlp.codebook import nearest_name
    from .store import codebook_names

    names = codebook_names(db)
    if name in names:
        return
    if not names:
        raise click.ClickException(f"{db_path}: no codebook applied yet (kompass codebook apply FILE)")
    near = nearest_name(name, names)
    hint = f"; did you mean {near!r}?" if near else f"; the codebooks are {', '.join(names)}"
    raise click.ClickException(f"{db_path}: no codebook named {name!r}{hint}")


@codebook.command("show", help="The themes of codebook NAME with their number of findings and the best-fitting "
                               "few, then the findings given no theme. --format csv gives every finding with its "
                               "theme and score; json the themes with all their members, and the rest.")
@click.argument("name")
@click.option("--db", "db_path", default="findings.db", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def codebook_show(name: str, db_path: Path, fmt: str) -> None:
    from .nlp.codebook import SHOWN_MEMBERS
    from .store import codebook_findings, codebook_theme_counts, open_db

    db = open_db(db_path, readonly=True)
    _codebook_name(db, db_path, name)
    themes, findings = codebook_theme_counts(db, name), codebook_findings(db, name)
    columns = ["finding_id", "theme", "label", "score", "municipality", "year", "area", "kind", "text"]
    if fmt == "csv":
        _output(findings, columns, "csv")
        return
    members: dict = {}
    for f in findings:
        members.setdefault(f["theme"], []).append(f)
    if fmt == "json":
        import json

        click.echo(json.dumps({"codebook": name,
                               "themes": [dict(t, members=members.get(t["theme"], [])) for t in themes],
                               "unassigned": members.get(None, [])}, ensure_ascii=False, indent=1))
        return
    rows = [{"theme": t["theme"], "label": t["label"], "findings": t["findings"],
             "best fitting": "\n".join(f"- {m['text']}" for m in members.get(t["theme"], [])[:SHOWN_MEMBERS])}
            for t in themes]
    click.echo(_table(rows, ["theme", "label", "findings", "best fitting"], wrap=True))
    none = members.get(None, [])
    click.echo(f"\n{len(none)} finding{'' if len(none) == 1 else 's'} given no theme"
               + (":" if none else "."))
    if none:
        click.echo(_table(none, ["finding_id", "municipality", "year", "area", "kind", "text"], wrap=True))


@codebook.command("list", help="The codebooks applied to the database: themes, themes used, findings given a "
                               "theme and findings given none.")
@click.option("--db", "db_path", default="findings.db", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def codebook_list(db_path: Path, fmt: str) -> None:
    from .store import codebook_overview, open_db

    rows = codebook_overview(open_db(db_path, readonly=True))
    if not rows and fmt == "table":
        click.echo(f"{db_path}: no codebook applied yet (kompass codebook apply FILE)")
        return
    _output(rows, ["codebook", "themes", "themes_used", "assigned", "unassigned"], fmt)


def _echo_curation(db_path: Path, update) -> None:
    """After themes were saved (an ingest, a refit): how many curation
    decisions were applied again, and one line for each that could not be."""
    from .nlp.curation import decisions
    from .store import open_db

    if update.action not in ("fitted", "refitted", "assigned"):
        return
    db = open_db(db_path, readonly=True)
    try:
        done = decisions(db)
    finally:
        db.close()
    if not done:
        return
    missed = [o for o in done if not o.applied]
    click.echo(f"Curation: {len(done) - len(missed)} of {len(done)} decisions applied again"
               + (f"; {len(missed)} not:" if missed else "."))
    for o in missed:
        click.echo(f"  decision {o.seq} ({o.summary}): {o.status}")


# -- curation: kompass themes rename | merge | split | move | curation -----------------
_curation_db_option = click.option(
    "--db", "db_path", default=None, type=click.Path(dir_okay=False, path_type=Path),
    help="The database [default: the --db given to themes, else findings.db].")


def _curation_db_path(ctx: click.Context, db_path: Path | None) -> Path:
    from .store import missing_db

    db_path = db_path or (ctx.obj or {}).get("db_path") or Path("findings.db")
    if not db_path.exists():
        raise click.ClickException(missing_db(db_path))
    return db_path


def _theme_id(value: str, what: str = "theme id") -> int:
    text = value.strip()
    if not text.isdigit():
        lister = "kompass themes --show ID" if "finding" in what else "kompass themes"
        raise click.ClickException(f"{what} must be a number ({lister} lists them), not {value!r}")
    return int(text)


def _curate(ctx: click.Context, db_path: Path | None, action):
    """Run ``action(db, name)`` on the database opened for writing, under the
    writer lock as an ingest and a refit are; a refused decision is one line."""
    from .nlp.curation import CurationError
    from .store import open_db, writer_lock

    path = _curation_db_path(ctx, db_path)
    with writer_lock(path, lambda: click.echo(f"{path}: an ingest is writing to it; waiting", err=True)):
        db = open_db(path)
        try:
            return action(db, str(path))
        except CurationError as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            db.close()


def _theme_line(db, theme_id: int) -> str:
    row = db.execute("select size, label, label_source from themes where id = ?", [theme_id]).fetchone()
    return f"theme {theme_id} ({row[0]} findings): {row[1]} [{row[2]}]"


@themes.command("rename", help="Give theme ID the label LABEL. The theme keeps its id; the label is the "
                               "researcher's (label_source curated) and stays across ingests and refits "
                               "while the id does.")
@click.argument("theme_id", metavar="ID")
@click.argument("label")
@_curation_db_option
@click.pass_context
def themes_rename(ctx: click.Context, theme_id: str, label: str, db_path: Path | None) -> None:
    from .nlp import curation

    tid = _theme_id(theme_id)

    def act(db, name):
        outcome = curation.rename(db, tid, label, name)
        return f"Renamed (decision {outcome.seq}): {_theme_line(db, tid)}"

    click.echo(_curate(ctx, db_path, act))


@themes.command("merge", help="Merge themes: the findings of the later IDs join the first ID, and the later "
                              "themes are gone. Findings the model assigns to a merged-away id later (new "
                              "reports) land in the first.")
@click.argument("theme_ids", metavar="ID ID...", nargs=-1, required=True)
@_curation_db_option
@click.pass_context
def themes_merge(ctx: click.Context, theme_ids: tuple[str, ...], db_path: Path | None) -> None:
    from .nlp import curation

    ids = [_theme_id(t) for t in theme_ids]

    def act(db, name):
        outcome = curation.merge(db, ids, name)
        return f"Merged {', '.join(map(str, ids[1:]))} into {ids[0]} (decision {outcome.seq}): {_theme_line(db, ids[0])}"

    click.echo(_curate(ctx, db_path, act))


@themes.command("split", help="Split theme ID into N themes by k-means on its findings' sentence vectors "
                              "(centred on their mean; fixed seed: the same members give the same parts). "
                              "The largest part keeps the id, the others get new ids.")
@click.argument("theme_id", metavar="ID")
@click.option("--into", "into", default="2", show_default=True, metavar="N|auto",
              help="Number of parts, or auto: the number (2-4) with the highest silhouette.")
@_curation_db_option
@click.pass_context
def themes_split(ctx: click.Context, theme_id: str, into: str, db_path: Path | None) -> None:
    from .nlp import curation
    from .store import curation_decisions

    tid = _theme_id(theme_id)
    if into.strip().lower() == "auto":
        n = None
    elif into.strip().isdigit():
        n = int(into)
    else:
        raise click.ClickException(f"--into takes a number of parts (2, 3, ...) or auto, not {into!r}")

    def act(db, name):
        outcome = curation.split(db, tid, n, name)
        parts = next(d for d in curation_decisions(db) if d["seq"] == outcome.seq)["detail"]["parts"]
        return "\n".join([f"Split theme {tid} into {len(parts)} (decision {outcome.seq}):"]
                         + [f"  {_theme_line(db, p['id'])}" for p in parts])

    click.echo(_curate(ctx, db_path, act))


@themes.command("move", help="Move finding FINDING_ID (a findings.id) to theme THEME_ID, or to none (an "
                             "outlier). The finding stays there across ingests and refits.")
@click.argument("finding_id")
@click.argument("target", metavar="THEME_ID|none")
@_curation_db_option
@click.pass_context
def themes_move(ctx: click.Context, finding_id: str, target: str, db_path: Path | None) -> None:
    from .nlp import curation

    fid = _theme_id(finding_id, "a finding id")
    tid = None if target.strip().lower() in ("none", "outliers", "outlier") else _theme_id(target)

    def act(db, name):
        before = db.execute("select theme_id from findings where id = ?", [fid]).fetchone()
        outcome = curation.move(db, fid, tid, name)
        where = "the outliers" if tid is None else _theme_line(db, tid)
        came = "the outliers" if before is None or before[0] is None else f"theme {before[0]}"
        return f"Moved finding {fid} from {came} to {where} (decision {outcome.seq})"

    click.echo(_curate(ctx, db_path, act))


@themes.command("curation", help="List the curation decisions in the order they are applied, with whether "
                                 "the last ingest or refit could apply each (a theme dissolved in a refit "
                                 "leaves its decisions kept but not applied).")
@_curation_db_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@click.pass_context
def themes_curation(ctx: click.Context, db_path: Path | None, fmt: str) -> None:
    from .nlp.curation import describe
    from .store import curation_decisions, open_db

    path = _curation_db_path(ctx, db_path)
    db = open_db(path, readonly=True)
    rows = [{"seq": d["seq"], "action": d["action"], "decision": describe(d),
             "status": d["status"] or "not applied yet", "created_at": d["created_at"]}
            for d in curation_decisions(db)]
    db.close()
    if not rows:
        if fmt == "json":
            click.echo("[]")
        elif fmt == "csv":
            click.echo("seq,action,decision,status,created_at")
        else:
            click.echo(f"no curation decisions in {path}")
        return
    _output(rows, ["seq", "action", "decision", "status", "created_at"], fmt)


@cli.command("follow-up", help="What became of a municipality's improvement recommendations: for each "
                              "recommendation of the earlier report, the outcome in the later one (addressed: "
                              "a later strength says so; persisting: recommended again; no_match: nothing "
                              "close, with a sentence of the later narrative where one speaks of it), its three "
                              "best later findings with their similarity (candidate: below the threshold); then "
                              "the score change per domain. MUNICIPALITY is a name (Torsås) or kommunkod (0834). "
                              "--review FILE.csv writes the recommendations and their candidates for a "
                              "researcher to mark; --accept FILE.csv stores the verdicts marked in it, which "
                              "every output then shows as reviewed and no recomputation changes.")
@click.argument("municipality", required=False)
@click.option("--db", "db_path", default="findings.db", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "year_from", type=int, default=None, help="Year of the earlier report [default: the "
                                                                 "one before the latest].")
@click.option("--to", "year_to", type=int, default=None, help="Year of the later report [default: the latest].")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--review", "review_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write a CSV of the recommendations and their candidates, with columns to mark the verdict.")
@click.option("--accept", "accept_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Store the verdicts of a marked review CSV (no MUNICIPALITY needed).")
def follow_up(municipality: str | None, db_path: Path, year_from: int | None, year_to: int | None, fmt: str,
              review_path: Path | None, accept_path: Path | None) -> None:
    from . import queries
    from .store import open_db

    if accept_path is not None:
        from .review import ReviewError, accept_review
        from .store import writer_lock

        if review_path is not None:
            raise click.UsageError("--review writes a file to mark and --accept reads a marked one: one at a time")
        with writer_lock(db_path, lambda: click.echo(f"{db_path}: an ingest is writing to it; waiting", err=True)):
            db = open_db(db_path)
            try:
                n = accept_review(db, accept_path)
            except ReviewError as exc:
                raise click.ClickException(str(exc)) from None
        click.echo(f"{accept_path}: {n} verdict{'' if n == 1 else 's'} stored as reviewed in {db_path}; "
                   "rows without a verdict left as computed.")
        return
    if municipality is None:
        raise click.UsageError("name the MUNICIPALITY (or give --accept FILE.csv)")
    db = open_db(db_path, readonly=True)
    _require_links(db, db_path)
    reports = queries.municipality_reports(db, municipality)
    years = [r["year"] for r in reports]
    if not reports:
        raise click.ClickException(queries.no_such_municipality(db, municipality, str(db_path)))
    if len(reports) < 2:
        raise click.ClickException(f"{municipality}: 1 report in {db_path}; follow-up needs two "
                                   "evaluations of the same municipality")
    to = year_to if year_to is not None else years[-1]
    frm = year_from if year_from is not None else max(y for y in years if y < to) if any(y < to for y in years) else None
    by_year = {r["year"]: r for r in reports}
    if frm not in by_year or to not in by_year or frm >= to:
        raise click.ClickException(f"{municipality}: evaluations in {', '.join(map(str, years))}; choose "
                                   "--from and --to among them, earlier first")
    early, late = by_year[frm], by_year[to]
    if review_path is not None:
        from .review import write_review

        n = write_review(db, early, late, review_path)
        click.echo(f"wrote {review_path}: {n} recommendations of {frm} with their {to} candidates; fill in "
                   "verdict (addressed, persisting, no_match) and verdict_target (1-3 or a finding id), then "
                   f"kompass follow-up --accept {review_path}")
        return
    rows = queries.follow_up(db, early["id"], late["id"])
    changes = queries.domain_changes(db, early["id"], late["id"])
    if fmt != "table":
        if fmt == "json":
            import json
            click.echo(json.dumps({"earlier": early, "later": late, "recommendations": rows,
                                   "domains": changes}, ensure_ascii=False, indent=1))
        else:
            _output(rows, list(rows[0]) if rows else ["recommendation_id"], "csv")
        return
    from tabulate import tabulate

    click.echo(f"{early['municipality']}: what became of the {frm} recommendations by {to}")
    table, seen, outcomes = [], set(), {}
    for r in rows:
        first = r["recommendation_id"] not in seen
        seen.add(r["recommendation_id"])
        if first:
            outcome = r["outcome"] + (" (reviewed)" if r["outcome_method"] == "reviewed" else "")
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if r["link_kind"] == "no_match":
            if not r["evidence"]:
                if first:
                    table.append([r["area"], r["recommendation"], outcome, "", ""])
                continue
            later = f"narrative: {r['evidence']}"
        else:
            mark = " *" if r["outcome_method"] == "reviewed" and r["target_id"] == r["reviewed_target_id"] else ""
            later = f"{r['link_kind']}{mark}: {r['target_kind']} (area {r['target_area']}): {r['target']}"
        table.append([r["area"] if first else "", r["recommendation"] if first else "",
                      outcome if first else "", "" if r["score"] is None else f"{r['score']:.2f}", later])
    click.echo(tabulate(table, headers=["area", f"recommendation {frm}", "outcome", "score", f"in {to}"],
                        maxcolwidths=[None, 44, None, None, 64], disable_numparse=True))
    click.echo(f"{len(seen)} recommendations: " + ", ".join(f"{v} {k}" for k, v in sorted(outcomes.items()))
               + f". Each shows its {3} best later findings; candidate: below the threshold"
               + ("; *: the finding a reviewer chose" if any(k.endswith("(reviewed)") for k in outcomes) else "") + ".")
    click.echo("")
    frameworks = {early["framework"], late["framework"]}
    caveat = (f" (framework {early['framework']} -> {late['framework']}: the areas differ, so compare domains "
              "with care)" if len(frameworks) > 1 else "")
    click.echo(f"Score per domain, {frm} -> {to}{caveat}")
    click.echo(tabulate([[d["domain"], _num(d.get("earlier_score")), _num(d.get("later_score")),
                          "" if d["change"] is None else f"{d['change']:+g}"] for d in changes],
                        headers=["domain", str(frm), str(to), "change"], disable_numparse=True))


def _require_links(db, db_path: Path) -> None:
    """Follow-up links that exist and agree with the findings, or one line saying why not."""
    from .nlp.links import links_current

    if not db["links"].exists():
        raise click.ClickException(f"{db_path}: made by an older kompass, without follow-up links: run kompass ingest")
    if not links_current(db):
        raise click.ClickException(f"{db_path}: the follow-up links are missing or out of date (ingested with "
                                   "--no-themes, or by another kompass): run kompass ingest")


def _num(v) -> str:
    return "" if v is None else f"{v:g}"


@cli.command(help="The improvement recommendations of other municipalities nearest to recommendation "
                  "FINDING_ID (a findings.id), and what became of each where that municipality was "
                  "evaluated again.")
@click.argument("finding_id", type=click.IntRange(0, 2 ** 63 - 1))
@click.option("--db", "db_path", default="findings.db", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def similar(finding_id: int, db_path: Path, fmt: str) -> None:
    from . import queries
    from .store import open_db

    db = open_db(db_path, readonly=True)
    _require_links(db, db_path)
    row = next(db.query("select f.text, f.kind, r.municipality, r.year from findings f join reports r "
                        "on r.id = f.report_id where f.id = ?", [finding_id]), None)
    if row is None:
        raise click.ClickException(f"no finding {finding_id} in {db_path}")
    rows = queries.similar(db, finding_id)
    if fmt == "table":
        click.echo(f"{row['municipality']} {row['year']} ({row['kind']}): {row['text']}")
        if not rows:
            click.echo("no similar recommendation in another municipality's reports")
            return
    _output(rows, ["id", "municipality", "year", "area", "score", "text", "became"], fmt)


@cli.command(help="Answer a common question without writing SQL: kompass query --list shows the named "
                  "queries and what they take; kompass query NAME [VALUE...] runs one (values in the order "
                  "listed, or as name=value); kompass query --sql \"SELECT ...\" runs your own, on the "
                  "database opened read-only.")
@click.argument("name", required=False)
@click.argument("values", nargs=-1)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries.")
@click.option("--sql", help="Run this SQL instead of a named query (read-only).")
@click.option("--db", "db_path", default="findings.db", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path))  # checked when used: --list needs none
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def query(name: str | None, values: tuple[str, ...], list_queries: bool, sql: str | None, db_path: Path,
          fmt: str) -> None:
    from . import queries
    from .store import open_db

    if list_queries:
        for q in queries.NAMED_QUERIES:
            args = " ".join(p.name.upper() if p.default is None else f"[{p.name.upper()}]" for p in q.parameters)
            click.echo(f"{q.name} {args}".rstrip() + f"\n    {q.title}. {q.description}")
            for p in q.parameters:
                click.echo(f"    {p.name.upper()}: {p.help}" + (f" [default: {p.default}]" if p.default else ""))
        return
    if (name is None) == (sql is None):
        raise click.UsageError("give a query NAME (kompass query --list shows them) or --sql, one of the two")
    db = open_db(db_path, readonly=True)
    db.execute("pragma query_only = 1")  # a second lock: no statement may write
    queries.sql_functions(db.conn)
    queries.read_only(db.conn)  # no ATTACH, VACUUM INTO, extension or pragma that writes; a time limit
    if sql is not None:
        if values:
            raise click.UsageError("--sql takes no VALUES")
        try:
            cursor = db.execute(sql)
        except sqlite3.Error as exc:
            raise click.ClickException(f"--sql: {_sql_error(exc)}") from None
        columns = [d[0] for d in cursor.description or []]
        rows = [dict(zip(columns, r)) for r in cursor.fetchall()]
    else:
        named = queries.named_query(name)
        if named is None:
            raise click.ClickException(f"no query named {name!r}; kompass query --list shows them")
        given = _query_values(named, values)
        if "municipality" in given:  # any case, name or code, as follow-up takes it
            found = queries.municipality_reports(db, given["municipality"])
            if not found:
                raise click.ClickException(queries.no_such_municipality(db, given["municipality"]))
            given["municipality"] = found[0]["municipality_code"]
        try:
            queries.check_values(db, named, given)
            rows = queries.run_named(db, named, given)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        except sqlite3.Error as exc:
            raise click.ClickException(f"{name}: {_sql_error(exc)}") from None
        columns = list(rows[0]) if rows else []
    if not rows:
        if fmt == "json":
            click.echo("[]")
        elif fmt == "csv" and columns:
            click.echo(",".join(columns))
        else:
            click.echo("no rows", err=True)
        return
    if fmt == "table":
        click.echo(_table(rows, columns, wrap=True))
    else:
        _output(rows, columns, fmt)


def _query_values(named, values: tuple[str, ...]) -> dict[str, str]:
    """VALUES as name=value, or in the order of the query's parameters."""
    names = [p.name for p in named.parameters]
    given: dict[str, str] = {}
    positional = []
    for v in values:
        key, eq, val = v.partition("=")
        if eq and key in names:
            given[key] = val
        elif eq and re.fullmatch(r"[a-z_]+", key) and named.name != "search":
            given[key] = val  # a misspelt name: run_named says which names there are
        else:
            positional.append(v)
    free = [n for n in names if n not in given]
    if len(positional) > len(free):
        raise click.UsageError(f"{named.name} takes {len(names)} value(s) ({', '.join(names) or 'none'}); "
                               f"got {len(values)}")
    given.update(zip(free, positional))
    return given


def _sql_error(exc: sqlite3.Error) -> str:
    from . import queries
    from .document import one_line

    text = one_line(exc)
    if "readonly" in text or "read-only" in text or "query_only" in text.replace(" ", "_"):
        return f"refused: the database is opened read-only ({text}); nothing was changed"
    if "not authorized" in text or "authorization denied" in text:
        return ("refused: a query only reads (no ATTACH, VACUUM INTO, load_extension or pragma that changes "
                "anything); nothing was run")
    if text == "interrupted":
        return f"stopped after {queries.SQL_TIME_LIMIT:g} s, the time limit of one query; nothing was changed"
    return text


@cli.command(help="Write the database as files into DIR for R, Stata, pandas or Excel: every table as CSV "
                  "(UTF-8, header row), findings_long.csv (every finding with its report, municipality, county, "
                  "year, framework, area, domain and theme label), DATA_DICTIONARY.md describing every column, "
                  "and datapackage.json (the same for tools, with column types).")
@click.argument("out_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--db", "db_path", default="findings.db", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path))
def export(out_dir: Path, db_path: Path) -> None:
    from .export import export as export_files
    from .store import open_db

    db = open_db(db_path, readonly=True)
    try:
        written = export_files(db, out_dir)
    except OSError as exc:
        raise click.ClickException(f"{out_dir}: cannot write the export ({exc.strerror or exc})") from None
    click.echo(f"Wrote {len(written)} CSV files to {out_dir} ("
               + ", ".join(f"{name} {n}" for name, n in written if name in ("findings_long.csv", "reports.csv"))
               + " rows), DATA_DICTIONARY.md and datapackage.json.")


@cli.command(help="Browse the database in Datasette, read-only, at http://127.0.0.1:8001 (this machine only "
                  "unless --host says otherwise): facets, full-text search of findings and narrative, the named "
                  "queries, column descriptions. Ctrl-C stops it.")
@click.option("--db", "db_path", default="findings.db", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 opens it to the network.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535))
def serve(db_path: Path, host: str, port: int) -> None:
    from .browse import port_taken
    from .browse import serve as serve_datasette
    from .store import open_db

    open_db(db_path, readonly=True).close()  # not a kompass database: one line, before Datasette starts
    if (why := port_taken(host, port)) is not None:
        raise click.ClickException(why)
    click.echo(f"Serving {db_path} read-only at http://{host}:{port}/ (Ctrl-C stops it)", err=True)
    serve_datasette(db_path, host, port)


@cli.command(help="Write a municipality's profile as one self-contained HTML page in Swedish (charts inline, "
                  "nothing fetched when viewed): the area scores of each evaluation as bars, the radar of the "
                  "latest evaluation on its own areas against the earlier one (across framework revisions through "
                  "the domain crosswalk) and against the mean of other municipalities' reports of its revision "
                  "(when there are at least two), what became of the last recommendations, and the themes of its "
                  "findings. MUNICIPALITY is a name (Torsås) or kommunkod (0834). --charts DIR also writes each "
                  "chart as a file of its own: <report id>-omraden.svg per evaluation and <report id>-spindel.svg "
                  "(.png with --charts-format png).")
@click.argument("municipality")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="HTML file to write [default: profile-<kommunkod>.html].")
@click.option("--charts", "charts_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write each chart into this folder (made if missing), one file per chart.")
@click.option("--charts-format", "charts_format", type=click.Choice(["svg", "png"]), default="svg",
              show_default=True, help="The charts' files: SVG, or PNG drawn by headless chromium (on PATH).")
@click.option("--db", "db_path", default="findings.db", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path))
def profile(municipality: str, out_path: Path | None, charts_dir: Path | None, charts_format: str,
            db_path: Path) -> None:
    from . import queries
    from .charts import ChartError, chromium, profile_charts, profile_html, write_chart
    from .nlp.links import links_current
    from .store import open_db

    db = open_db(db_path, readonly=True)
    reports = queries.municipality_reports(db, municipality)
    if not reports:
        raise click.ClickException(queries.no_such_municipality(db, municipality, str(db_path)))
    reports = [dict(r, county=db["reports"].get(r["id"])["county"]) for r in reports]
    follow = None
    if len(reports) > 1:
        if db["links"].exists() and links_current(db):
            follow = queries.follow_up(db, reports[-2]["id"], reports[-1]["id"])
        else:
            click.echo(f"warning: {db_path}: follow-up links missing or out of date (run kompass ingest); the page "
                       "leaves them out", err=True)
    if charts_dir is not None and charts_format == "png" and chromium() is None:  # before anything is written
        raise click.ClickException("--charts-format png needs chromium on PATH (headless); use svg")
    out_path = out_path or Path(f"profile-{reports[-1]['municipality_code']}.html")
    _write_page(out_path, profile_html(db, reports, follow))
    click.echo(f"wrote {out_path}")
    if charts_dir is not None:
        try:
            charts_dir.mkdir(parents=True, exist_ok=True)
            for stem, svg in profile_charts(db, reports):
                chart = charts_dir / f"{stem}.{charts_format}"
                write_chart(svg, chart)
                click.echo(f"wrote {chart}")
        except ChartError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            raise click.ClickException(f"{charts_dir}: cannot write ({exc.strerror or exc})") from None


def _write_page(path: Path, text: str) -> None:
    """Written beside and renamed into place: never half a page, never through a link."""
    from .files import write_text

    try:
        write_text(path, text)
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot write ({exc.strerror or exc})") from None


@cli.command("debug-page", help="Draw what the PDF reader found on page PAGE of FILE (1-based) as a PNG: "
                               "body lines (blue), table cells (green: ruled, orange: borderless, gutters "
                               "shaded), list markers (red; drawn bullets filled), running headers and "
                               "footers (grey, crossed out), rules (purple). Prints the same as text.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("page", type=click.IntRange(min=1))
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="PNG to write [default: FILE-pPAGE.png in the working directory].")
def debug_page(file: Path, page: int, out_path: Path | None) -> None:
    from .document import ReadError
    from .readers.pdf.debug import draw_page

    if file.suffix.lower() != ".pdf":
        raise click.ClickException(f"{file}: debug-page draws PDF pages; this is a {file.suffix or 'file without extension'}")
    out_path = out_path or Path(f"{file.stem}-p{page}.png")
    try:
        pl = draw_page(file, page, out_path)
    except ReadError as exc:
        raise click.ClickException(f"{file}: {exc}")
    click.echo(f"{file}, page {page}: {len(pl.lines)} body lines, {len(pl.grids)} tables, "
               f"{len(pl.bullets)} drawn bullets, {len(pl.furniture)} running header/footer lines dropped")
    if pl.tagged:
        click.echo("  blocks come from the PDF's structure tree (tags); the drawing shows the layout analysis")
    elif pl.page.tags is not None:
        click.echo("  the page is tagged, but its tags leave text out or are too coarse: blocks come from the layout")
    for g in pl.grids:
        kind = "ruled" if g.ruled else "borderless"
        click.echo(f"  {kind} table at y {g.top:.0f}-{g.bottom:.0f}: {len(g.rows)} rows x {g.n_cols} columns")
    for obj in pl.furniture:
        click.echo(f"  dropped: {obj.text() if hasattr(obj, 'rows') else obj.text}")
    click.echo(f"wrote {out_path}")


def _output(rows: list[dict], columns: list[str], fmt: str) -> None:
    import csv
    import json

    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else columns,
                                extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                             for k, v in row.items()})
    else:
        header = {"strength_pct": "strengths", "improvement_pct": "improvements", "label_source": "source",
                  "municipalities": "munic.", "representative": "most typical finding"}
        click.echo(_table([{c: _cell(row.get(c), c) for c in columns} for row in rows], columns,
                          [header.get(c, c) for c in columns]))


#: a table cell's width on the terminal; longer text is wrapped or cut with "…"
CELL_WIDTH = 60


def terminal_safe(text: str) -> str:
    """``text`` with every control character (an escape sequence's start, a
    carriage return that would overwrite the line) shown as U+FFFD: what a
    file or a database holds never drives the terminal."""
    from .document import CONTROL

    return CONTROL.sub("\ufffd", text.replace("\r", "\ufffd"))


def _table(rows: list[dict], columns: list[str], headers: list[str] | None = None, wrap: bool = False) -> str:
    """``rows`` as an aligned table: numbers to the right, text longer than
    :data:`CELL_WIDTH` wrapped (``wrap``) or cut with "…" (one line a row),
    never cut silently; --format csv or json gives the full values."""
    from tabulate import tabulate

    def text(v) -> str:
        if v is None:
            return ""
        if isinstance(v, float):
            return f"{v:g}"
        v = terminal_safe(str(v))
        return v if wrap or len(v) <= CELL_WIDTH else v[: CELL_WIDTH - 1] + "…"

    numeric = [all(isinstance(r.get(c), (int, float)) or r.get(c) is None for r in rows)
               and any(r.get(c) is not None for r in rows) for c in columns]
    return tabulate([[text(r.get(c)) for c in columns] for r in rows], headers=headers or columns,
                    disable_numparse=True, colalign=["right" if n else "left" for n in numeric],
                    maxcolwidths=CELL_WIDTH if wrap else None)


def _cell(value, column: str):
    return _fmt_pct(value) if column.endswith("_pct") else value


def main() -> None:  # pragma: no cover
    cli(prog_name="kompass")
