"""``ogi scrape [SOURCE_ID | URL ...] [--since YEAR] [--out extracted/]``.

Bodies go to ``OUT/raw/objects/`` (content-addressed), the fetch log and documents manifest to
``OUT/raw/fetchlog.duckdb``; read the manifest with ``scrapers.store.documents("OUT/raw")``.
Exit status: 0 when every source is ok or partial, 1 when any source failed, 2 on bad arguments.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from .console import make_console, markup, plain_column, text
from .crawl import Crawler, SourceResult
from .politeness import Politeness
from .registry import RegistryError, Source, load, resolve

STATUS_STYLE = {"ok": "green", "partial": "yellow", "failed": "bold red"}


def summary_table(results: list[SourceResult]) -> Table:
    table = Table(title="scrape summary")
    for col in ("source", "status", "reports", "selected", "new", "unchanged", "stored", "skipped",
                "requests", "errors"):
        table.add_column(col, justify="left" if col in ("source", "status", "errors") else "right")
    for r in results:
        first_error = r.errors[0][:80] + (f" (+{len(r.errors) - 1})" if len(r.errors) > 1 else "") if r.errors else ""
        table.add_row(text(r.source), text(r.status, STATUS_STYLE.get(r.status, "")), str(r.reports), str(r.selected),
                      str(r.new), str(r.unchanged), str(r.documents), str(r.skipped), str(r.requests),
                      text(first_error))
    return table


def scrape(
    targets: list[str],
    since: int | None = None,
    out: Path = Path("extracted"),
    *,
    policy: Politeness | None = None,
    registry_path: Path | None = None,
    console: Console | None = None,
    show_progress: bool = True,
) -> int:
    """Crawl the targets (registry ids or URLs; none = every enabled registry source) into ``out/raw``.
    Returns the exit status."""
    console = console or make_console()
    try:
        registry = load(registry_path) if registry_path else load()
        sources: list[Source] = resolve(targets, registry)
    except (RegistryError, OSError) as exc:
        console.print(markup("[bold red]error:[/] {}", exc))
        return 2
    store_dir = Path(out) / "raw"
    with Progress(plain_column(), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, disable=not show_progress, transient=False) as progress:
        on_progress = source_progress(progress, sources)
        crawler = Crawler(store_dir, policy, since=since, progress=on_progress)
        results = asyncio.run(crawler.run(sources))
    console.print(summary_table(results))
    console.print(text(f"store: {store_dir}  (run {crawler.run_id}{', resumed' if crawler.resumed else ''})"))
    return 1 if any(r.status == "failed" for r in results) else 0


def source_progress(progress: Progress, sources: list[Source], prefix: str = "",
                    on_done: Callable[[SourceResult], None] | None = None) -> Callable[..., None]:
    """A Crawler progress callback: one progress bar per source (listing → reports → status).

    Descriptions hold outside strings (source ids): show them with `scrapers.console.plain_column()`.
    """
    tasks = {s.id: progress.add_task(f"{prefix}{s.id}: listing", total=None) for s in sources}

    def on_progress(source_id: str, event: str, **info: object) -> None:
        task = tasks[source_id]
        if event == "reports":
            progress.update(task, total=info["total"], description=f"{prefix}{source_id}: reports")
        elif event == "advance":
            progress.advance(task)
        elif event == "done":
            result: SourceResult = info["result"]  # type: ignore[assignment]
            progress.update(task, description=f"{prefix}{source_id}: {result.status}")
            if on_done is not None:
                on_done(result)

    return on_progress


def register(app: typer.Typer) -> None:
    """Add the ``scrape`` command to the main ``ogi`` app."""

    @app.command("scrape")
    def scrape_command(
        targets: Annotated[list[str] | None, typer.Argument(help="registry source ids or URLs (none: all)")] = None,
        since: Annotated[int | None, typer.Option("--since", help="only reports for this year or later")] = None,
        out: Annotated[Path, typer.Option("--out", help="output folder; raw store in OUT/raw/")] = Path("extracted"),
        user_agent: Annotated[str | None, typer.Option("--user-agent", help="override the User-Agent")] = None,
        min_interval: Annotated[float, typer.Option(help="seconds between requests to one host")] = 1.0,
    ) -> None:
        """Discover and download annual reports from government portals, politely and incrementally."""
        kwargs: dict[str, object] = {"min_interval": max(min_interval, 0.0)}
        if user_agent:
            kwargs["user_agent"] = user_agent
        raise typer.Exit(scrape(list(targets or []), since, out, policy=Politeness(**kwargs)))  # type: ignore[arg-type]


app = typer.Typer(add_completion=False, help="Scrapers (standalone: python -m scrapers.cli scrape …)")
register(app)


@app.callback()
def _main() -> None:
    """Keeps ``scrape`` a named sub-command when run standalone."""


if __name__ == "__main__":  # pragma: no cover
    app()
