"""`ogi load CACHE_DB --out DIR`: build a release from the extraction cache (register(app) adds the command)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scrapers.console import NORMAL, QuietOpt, VerboseOpt, make_console, markup, text, verbosity

console = make_console()


def load(
    cache_db: Annotated[Path, typer.Argument(help="extraction cache (DuckDB file written by `ogi run`)")],
    out: Annotated[Path, typer.Option("--out", help="release root: OUT/releases/<date>, OUT/latest")] = Path(
        "extracted"),
    store: Annotated[Path | None, typer.Option("--store", help="raw store of the scraper (its documents "
                                                                "manifest gives URLs, fetch times, duplicates)")] = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Build a dated release (Parquet, CSV, DuckDB, datapackage.json) from the extraction cache."""
    level = verbosity(quiet, verbose)
    from pipeline.cache import ExtractionCache
    from pipeline.load import ReleaseError, build_release
    from pipeline.load.summary import summarise

    if not cache_db.is_file():
        console.print(markup("[red]no extraction cache at {}[/]", cache_db))
        raise typer.Exit(2)
    with ExtractionCache(cache_db) as cache:
        frames = cache.frames()
    documents = None
    audits = None
    if store is not None:
        from scrapers.store import audits as stored_audits
        from scrapers.store import documents as manifest

        documents = manifest(store)
        audits = stored_audits(store)
    try:
        release = build_release(frames, out, documents=documents, audits=audits,
                                run_info={"command": "ogi load", "cache": str(cache_db)})
    except ReleaseError as exc:
        console.print(markup("[red]{}[/]", exc))
        raise typer.Exit(3) from exc
    console.print(text(summarise(release) if level >= NORMAL else f"release: {release}"))


def register(app: typer.Typer) -> None:
    app.command("load")(load)
