"""``ogi scrape [SOURCE_ID | URL ...] [--since YEAR] [--out extracted/]`` and ``ogi sources list|check``.

Bodies go to ``OUT/raw/objects/`` (content-addressed), the fetch log and documents manifest to
``OUT/raw/fetchlog.duckdb``; read the manifest with ``scrapers.store.documents("OUT/raw")``.
Exit status of ``scrape``: 0 when every source is ok or partial, 1 when any source failed or was blocked,
2 on bad arguments, 3 when the output folder cannot be written.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from .console import (
    NORMAL,
    QUIET,
    VERBOSE,
    PlainProgress,
    QuietOpt,
    VerboseOpt,
    make_console,
    make_progress,
    markup,
    text,
    verbosity,
)
from .crawl import Crawler, SourceResult
from .options import AllowLocal, politeness
from .politeness import Politeness
from .registry import RegistryError, Source, load, resolve

STATUS_STYLE = {"ok": "green", "partial": "yellow", "blocked": "bold magenta", "failed": "bold red"}
NOT_WRITABLE = 3


def problem_text(r: SourceResult) -> str:
    """The first thing to tell about a source: the anti-bot signal, its first error, its flags."""
    if r.signal:
        return f"blocked: {r.signal}"
    parts = []
    if r.errors:
        parts.append(r.errors[0][:100] + (f" (+{len(r.errors) - 1})" if len(r.errors) > 1 else ""))
    parts += [f for f in r.flags if not (r.errors and f == "no reports found")]
    return "; ".join(parts)


def summary_table(results: list[SourceResult]) -> Table:
    table = Table(title="scrape summary")
    for col in ("source", "status", "family", "reports", "selected", "new", "unchanged", "stored", "skipped",
                "requests", "errors"):
        table.add_column(col, justify="left" if col in ("source", "status", "family", "errors") else "right",
                         overflow="fold" if col == "errors" else "ellipsis")
    for r in results:
        table.add_row(text(r.source), text(r.status, STATUS_STYLE.get(r.status, "")), text(",".join(r.families)),
                      str(r.reports), str(r.selected), str(r.new), str(r.unchanged), str(r.documents), str(r.skipped),
                      str(r.requests), text(problem_text(r)))
    return table


def writable(folder: Path) -> str | None:
    """None when files can be created in ``folder`` (made if missing), else why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix=".ogi-write-test-")
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        return getattr(exc, "strerror", None) or str(exc)
    return None


def scrape(
    targets: list[str],
    since: int | None = None,
    out: Path = Path("extracted"),
    *,
    policy: Politeness | None = None,
    registry_path: Path | None = None,
    console: Console | None = None,
    show_progress: bool = True,
    level: int | None = None,
) -> int:
    """Crawl the targets (registry ids or URLs; none = every enabled registry source) into ``out/raw``.
    Returns the exit status. `level`: QUIET (no progress, no table), NORMAL, VERBOSE (a line per source)."""
    console = console or make_console()
    shown = (NORMAL if show_progress else QUIET) if level is None else level  # the progress display
    level = NORMAL if level is None else level
    try:
        registry = load(registry_path) if registry_path else load()
        sources: list[Source] = resolve(targets, registry)
    except (RegistryError, OSError) as exc:
        console.print(markup("[bold red]error:[/] {}", exc))
        return 2
    store_dir = Path(out) / "raw"
    why = writable(store_dir)
    if why:
        console.print(markup(f"[bold red]exit {NOT_WRITABLE}:[/] cannot write to {{}}: {{}}", store_dir, why))
        return NOT_WRITABLE
    try:
        with make_progress(console, level=shown) as progress:
            echo = progress.console if level == VERBOSE else None
            on_progress = source_progress(progress, sources, on_done=lambda r: _source_line(r, echo))
            crawler = Crawler(store_dir, policy, since=since, progress=on_progress)
            results = asyncio.run(crawler.run(sources))
    except (OSError, duckdb.Error) as exc:  # the store or its fetch log (in use, damaged, disk full)
        console.print(markup(f"[bold red]exit {NOT_WRITABLE}:[/] cannot write to {{}}: {{}}", store_dir,
                             getattr(exc, "strerror", None) or exc))
        return NOT_WRITABLE
    if level >= NORMAL:
        console.print(summary_table(results))
    console.print(text(f"store: {store_dir}  (run {crawler.run_id}{', resumed' if crawler.resumed else ''})"))
    return 1 if any(r.status in ("failed", "blocked") for r in results) else 0


def _source_line(result: SourceResult, echo: Console | None) -> None:
    if echo is not None:
        echo.print(text(f"{result.source}: {result.status}, {result.reports} reports, {result.new} new, "
                        f"{result.requests} requests" + (f"; {result.errors[0]}" if result.errors else "")))


def source_progress(progress: Progress | PlainProgress, sources: list[Source], prefix: str = "",
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
            progress.stop_task(task)
            if on_done is not None:
                on_done(result)

    return on_progress


def register(app: typer.Typer) -> None:
    """Add the ``scrape`` and ``sources`` commands to the main ``ogi`` app."""

    @app.command("scrape")
    def scrape_command(
        targets: Annotated[list[str] | None, typer.Argument(help="registry source ids or URLs (none: all)")] = None,
        since: Annotated[int | None, typer.Option("--since", help="only reports for this year or later")] = None,
        out: Annotated[Path, typer.Option("--out", help="output folder; raw store in OUT/raw/")] = Path("extracted"),
        registry: Annotated[Path | None, typer.Option("--registry", help="source registry CSV")] = None,
        user_agent: Annotated[str | None, typer.Option("--user-agent", help="override the User-Agent")] = None,
        min_interval: Annotated[float, typer.Option(help="seconds between requests to one host")] = 1.0,
        allow_local_hosts: AllowLocal = False,
        quiet: QuietOpt = False,
        verbose: VerboseOpt = False,
    ) -> None:
        """Discover and download annual reports from government portals, politely and incrementally."""
        level = verbosity(quiet, verbose)
        raise typer.Exit(scrape(list(targets or []), since, out, registry_path=registry,
                                policy=politeness(min_interval, user_agent, allow_local_hosts), level=level))

    from .sources_cli import register as register_sources

    register_sources(app)


app = typer.Typer(add_completion=False, help="Scrapers (standalone: python -m scrapers.cli scrape …)")
register(app)


@app.callback()
def _main() -> None:
    """Keeps ``scrape`` a named sub-command when run standalone."""


if __name__ == "__main__":  # pragma: no cover
    app()
