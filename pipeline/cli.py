"""The `ogi` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline import schema
from pipeline.batch import combine, discover, extract_many
from pipeline.extraction import Report
from pipeline.output import write_tables
from pipeline.version import EXTRACTOR_VERSION

app = typer.Typer(help="ogi-reports: China's government information-disclosure annual reports as datasets.",
                  no_args_is_help=True, add_completion=False)
console = Console(stderr=True)
if not console.is_terminal:  # logs and CI: room for the summary table instead of 80 columns
    console.width = 150
_STATUS_STYLE = {"ok": "green", "partial": "yellow", "no_tables": "blue", "needs_ocr": "magenta", "failed": "red"}


def _summary(rows: list[tuple[Path, Report]]) -> Table:
    table = Table(title="ogi extract", show_lines=False)
    for col in ("file", "year", "template", "status", "values", "failed checks", "message"):
        table.add_column(col, overflow="fold")
    for path, rep in rows:
        r = rep.row
        style = _STATUS_STYLE.get(r["status"], "")
        year = "" if r["year"] is None or str(r["year"]) == "<NA>" else str(r["year"])
        msg = r["error"] if isinstance(r["error"], str) else ""
        table.add_row(path.name, year, str(r["template"]), f"[{style}]{r['status']}[/]", str(r["n_values"]),
                      str(r["n_checks_failed"]), msg[:120])
    return table


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="report files or folders of them")],
    out: Annotated[Path, typer.Option("--out", help="folder for <table>.parquet and <table>.csv")] = Path("extracted"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar or summary table")] = False,
) -> None:
    """Extract the statistical tables of annual reports (text, HTML, PDF, Word) into OUT."""
    for p in paths:
        if not p.exists():
            console.print(f"[red]not found:[/] {p}")
    files = discover([p for p in paths if p.exists()])
    if not files:
        console.print("[red]no input files[/]")
        raise typer.Exit(2)
    done: list[tuple[Path, Report]] = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, disable=quiet, transient=True) as progress:
        task = progress.add_task("extracting", total=len(files))

        def on_done(path: Path, report: Report) -> None:
            done.append((path, report))
            progress.update(task, advance=1, description=path.name[:40])

        tables = combine(extract_many(files, on_done))
    try:
        write_tables(tables, out)
    except OSError as exc:
        console.print(f"[red]cannot write to {out}:[/] {exc.strerror or exc}")
        raise typer.Exit(3) from exc
    if not quiet:
        console.print(_summary(done))
    statuses = [rep.status for _, rep in done]
    processed = sum(s != "failed" for s in statuses)
    console.print(f"{len(files)} files: " + ", ".join(f"{statuses.count(s)} {s}" for s in dict.fromkeys(statuses))
                  + f"; {len(tables['requests']) + len(tables['proactive']) + len(tables['reviews'])} values; "
                  f"tables written to {out}/")
    if processed == 0:
        raise typer.Exit(1)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="folder for the datasets")] = Path("extracted"),
    seed: Annotated[int, typer.Option(help="seed of the generated corpus")] = 2019,
) -> None:
    """Extract the bundled sample reports (the example report and a generated city corpus) into OUT."""
    from pipeline.demo import write_samples

    samples = write_samples(out / "samples", seed)
    console.print(f"{len(samples)} sample reports written to {out / 'samples'}/")
    extract([out / "samples"], out=out, quiet=False)
    console.print(f"datasets: {out}/<table>.parquet and .csv; data dictionary: docs/data_dictionary.md")


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


def _register_optional() -> None:
    """Commands of other packages (the scrapers), registered when present."""
    try:
        from scrapers.cli import register
    except ImportError:
        return
    register(app)


_register_optional()

if __name__ == "__main__":
    app()
