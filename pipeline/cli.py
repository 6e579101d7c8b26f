"""The `ogi` command line."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pipeline import libwarnings, schema
from pipeline.batch import combine, discover
from pipeline.executors import ENGINES, check_engine, extract_files
from pipeline.extraction import Report
from pipeline.output import write_tables
from pipeline.run.logs import run_log
from pipeline.version import EXTRACTOR_VERSION
from pipeline.workers import Limits, sigterm_exits
from scrapers.console import (
    NORMAL,
    VERBOSE,
    QuietOpt,
    VerboseOpt,
    make_console,
    make_progress,
    markup,
    text,
    verbosity,
)

app = typer.Typer(help="ogi-reports: China's government information-disclosure annual reports as datasets.",
                  no_args_is_help=True, add_completion=False)
console = make_console()  # not a terminal (cron, CI): wide, and progress as plain lines
log = logging.getLogger("ogi.extract")
library_log = logging.getLogger("ogi.library")
_STATUS_STYLE = {s.name: s.style for s in schema.STATUS_REGISTRY}


def _summary(rows: list[tuple[Path, Report]]) -> Table:
    table = Table(title="ogi extract", show_lines=False)
    for col in ("file", "year", "template", "status", "values", "failed checks", "message"):
        table.add_column(col, overflow="fold")
    for path, rep in rows:
        r = rep.row
        style = _STATUS_STYLE.get(r["status"], "")
        year = "" if r["year"] is None or str(r["year"]) == "<NA>" else str(r["year"])
        msg = r["error"] if isinstance(r["error"], str) else ""
        n_legacy = r.get("n_legacy") or 0
        values = f"{n_legacy} key figures" if n_legacy and not r["n_values"] else str(r["n_values"])
        table.add_row(text(path.name), year, text(r["template"]), text(r["status"], style), values,
                      str(r["n_checks_failed"]), text(msg, width=120))
    return table


def _print_skipped(skipped: list[tuple[Path, str]], shown: int = 10) -> None:
    console.print(markup("[yellow]skipped {} path(s) inside the folders:[/]", len(skipped)))
    for path, why in skipped[:shown]:
        console.print(text(f"  {path}: {why}"))
    if len(skipped) > shown:
        console.print(text(f"  … and {len(skipped) - shown} more"))


EngineOpt = Annotated[str | None, typer.Option("--engine", help=" | ".join(ENGINES) + " (default: a local "
                                                               "process pool; serial for one file)")]
WorkersOpt = Annotated[int | None, typer.Option("--workers", min=1, help="worker processes (default: CPUs)")]
SchedulerOpt = Annotated[str | None, typer.Option("--scheduler", help="address of an existing Dask scheduler, "
                                                  "e.g. tcp://10.0.0.5:8786 (implies --engine dask)")]
TimeLimitOpt = Annotated[float | None, typer.Option("--time-limit", min=0, help="seconds one document may take "
                                                    "before its worker is killed and it is recorded failed "
                                                    "(default $OGI_TIME_LIMIT or 300; 0: no limit)")]


def _limits(time_limit: float | None, workers: int | None) -> Limits:
    return Limits.default(workers or os.cpu_count() or 1, time_s="env" if time_limit is None else time_limit or None)


def _check_engine(engine: str | None, scheduler: str | None) -> None:
    try:
        check_engine(engine, scheduler)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="report files or folders of them")],
    out: Annotated[Path, typer.Option("--out", help="folder for <table>.parquet and <table>.csv")] = Path("extracted"),
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    engine: EngineOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    time_limit: TimeLimitOpt = None,
    follow_symlinks: Annotated[bool, typer.Option("--follow-symlinks", help="follow symbolic links found inside "
                                                  "folders (they may lead outside them); skipped by default")
                               ] = False,
) -> None:
    """Extract the statistical tables of annual reports (text, HTML, PDF, Word) into OUT; the log (documents,
    errors, the libraries' warnings) goes to OUT/logs/extract-<time>.log."""
    level = verbosity(quiet, verbose)
    _check_engine(engine, scheduler)
    with sigterm_exits():
        _extract(paths, out, level, engine, workers, scheduler, _limits(time_limit, workers), follow_symlinks)


def _extract(paths: list[Path], out: Path, level: int, engine: str | None, workers: int | None,
             scheduler: str | None, limits: Limits, follow_symlinks: bool = False) -> None:
    for p in paths:
        if not p.exists():
            console.print(markup("[red]not found:[/] {}", p))
    files = discover([p for p in paths if p.exists()], follow_symlinks=follow_symlinks)
    if files.skipped:
        _print_skipped(files.skipped)
    if not files:
        console.print("[red]no input files[/]")
        raise typer.Exit(2)
    done: list[tuple[Path, Report]] = []
    libraries: Counter = Counter()
    try:
        with run_log(out, dt.datetime.now(dt.UTC), "extract") as log_path:
            log.info("ogi extract: %d files into %s (extractor %s)", len(files), out, EXTRACTOR_VERSION)
            with make_progress(console, level=level, transient=True) as progress:
                task = progress.add_task("extracting", total=len(files))

                def on_done(path: Path, report: Report) -> None:
                    done.append((path, report))
                    _log_document(path, report, libraries, progress.console if level == VERBOSE else None)
                    progress.update(task, advance=1, description=path.name[:40])

                tables = combine(extract_files(files, engine, workers, scheduler, on_done, limits=limits))
            write_tables(tables, out)
            log.info("tables written to %s", out)
    except OSError as exc:
        console.print(markup("[red]cannot write to {}:[/] {}", out, exc.strerror or exc))
        raise typer.Exit(3) from exc
    if level >= NORMAL:
        console.print(_summary(done))
    statuses = [rep.status for _, rep in done]
    processed = sum(s != "failed" for s in statuses)
    console.print(text(f"{len(files)} files: " + ", ".join(f"{statuses.count(s)} {s}" for s in dict.fromkeys(statuses))
                       + f"; {len(tables['requests']) + len(tables['proactive']) + len(tables['reviews'])} values"
                       + (f", {int(tables['legacy']['value'].notna().sum())} pre-2019 key figures"
                          if len(tables["legacy"]) else "") + "; "
                       f"tables written to {out}/; library warnings: {libwarnings.describe(libraries)}; "
                       f"log: {log_path}"))
    if processed == 0:
        raise typer.Exit(1)


def _log_document(path: Path, report: Report, libraries: Counter, echo: Console | None) -> None:
    """One document into the log (status, error, what the libraries warned); echoed with --verbose."""
    r = report.row
    line = f"{path}: {r['status']}, {r['n_values']} values" + (f" - {r['error']}" if r["error"] else "")
    log.log(logging.ERROR if r["status"] == "failed" else logging.INFO, "%s", line)
    for source, message, n in report.library_warnings:
        library_log.warning("%s: %s: %s%s", path.name, source, message, f" (x{n})" if n > 1 else "")
    libraries.update(libwarnings.count(report.library_warnings))
    if echo is not None:
        echo.print(text(line))
        for source, message, n in report.library_warnings:
            echo.print(text(f"  {source}: {message}" + (f" (x{n})" if n > 1 else "")), style="dim")


@app.command()
def run(
    targets: Annotated[list[str] | None, typer.Argument(help="registry source ids or URLs (none: every enabled "
                                                        "source of the registry)")] = None,
    out: Annotated[Path, typer.Option("--out", help="output folder: raw/, cache.duckdb, releases/, latest")
                   ] = Path("extracted"),
    since: Annotated[int | None, typer.Option("--since", help="only reports for this year or later")] = None,
    registry: Annotated[Path | None, typer.Option("--registry", help="source registry CSV (default: the "
                                                  "bundled scrapers/sources.csv)")] = None,
    min_interval: Annotated[float | None, typer.Option("--min-interval", help="seconds between requests to one "
                                                       "host (default: the scraper's, 1.0)")] = None,
    user_agent: Annotated[str | None, typer.Option("--user-agent", help="override the User-Agent")] = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    allow_local_hosts: Annotated[bool, typer.Option("--allow-local-hosts", help="let the scraper connect to "
                                                    "loopback/private addresses (local test servers only)")] = False,
    engine: EngineOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    time_limit: TimeLimitOpt = None,
) -> None:
    """Scrape → extract (only new documents) → build a dated release; exit 0 ok, 1 some sources or documents
    failed (release built), 2 usage, 3 output not writable or release failed, 4 another run holds the lock."""
    from pipeline.run.command import run_command

    _check_engine(engine, scheduler)
    with sigterm_exits():
        code = run_command(list(targets or []), out, since=since, registry=registry, min_interval=min_interval,
                           user_agent=user_agent, quiet=quiet, console=console, engine=engine, workers=workers,
                           scheduler=scheduler, limits=_limits(time_limit, workers), allow_local=allow_local_hosts,
                           verbose=verbose)
    raise typer.Exit(code)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="output folder (as for ogi run)")] = Path("extracted"),
    seed: Annotated[int, typer.Option(help="seed of the generated corpus")] = 2019,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Generate a city's reports, serve them as government sites on 127.0.0.1 and run `ogi run` against them."""
    from pipeline.demo import demo_command

    with sigterm_exits():
        code = demo_command(out, seed, quiet=quiet, console=console, verbose=verbose)
    raise typer.Exit(code)


@app.command()
def dictionary(
    out: Annotated[Path | None, typer.Option("--out", help="write Markdown here instead of stdout")] = None,
) -> None:
    """Print (or write) the data dictionary generated from the schema registry."""
    text = schema.data_dictionary_markdown()
    if out is None:
        print(text)
    else:
        out.write_text(text, encoding="utf-8")


@app.command()
def version() -> None:
    """Print the extractor version."""
    print(EXTRACTOR_VERSION)


def _register_commands() -> None:
    """Commands that live beside what they drive: `ogi scrape` (scrapers/) and `ogi load` (pipeline/load/)."""
    from pipeline.load.cli import register as register_load
    from scrapers.cli import register as register_scrape

    register_scrape(app)
    register_load(app)


_register_commands()

if __name__ == "__main__":
    app()
