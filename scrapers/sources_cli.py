"""``ogi sources list`` (the registry) and ``ogi sources check SOURCE_ID | URL`` (a live dry run).

``check`` is what a registry maintainer runs before adding a portal: the CMS family detected per column, the
columns and list pages walked, the reports found per year with their attachments, the discovery audit
(expected against found years) and any anti-bot signal. Nothing is stored and no attachment is downloaded
(detail pages are read to list them). Exit 0 when reports were found, 1 when none or the source failed or was
blocked, 2 on bad arguments.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .audit import compact
from .console import NORMAL, QUIET, VERBOSE, QuietOpt, VerboseOpt, make_console, markup, text, verbosity
from .crawl import Crawler, SourceResult
from .options import AllowLocal, politeness
from .politeness import Politeness
from .registry import REGISTRY_PATH, RegistryError, Source, load, resolve

STATUS_STYLE = {"ok": "green", "partial": "yellow", "blocked": "bold magenta", "failed": "bold red"}


def list_sources(registry: dict[str, Source], show_all: bool = False) -> Table:
    table = Table(title=f"{len(registry)} sources")
    for col in ("id", "agency", "region", "level", "cms", "start", "enabled"):
        table.add_column(col, overflow="fold")
    for src in registry.values():
        enabled = src.hints.get("disabled") != "1"
        if not enabled and not show_all:
            continue
        table.add_row(text(src.id), text(src.agency), text(src.region), src.level, text(src.hints.get("cms", "")),
                      text(" ".join(src.start_urls)), "yes" if enabled else "no")
    return table


def check_report(result: SourceResult, console: Console, level: int = NORMAL) -> None:
    """What a dry run found for one source (QUIET: its status line; VERBOSE: every error and note)."""
    style = STATUS_STYLE.get(result.status, "white")
    console.print(markup(f"[bold]{{}}[/]: [{style}]{{}}[/]{{}}", result.source, result.status,
                         f" — {result.signal}" if result.signal else ""))
    if level == QUIET:
        return
    cap = None if level == VERBOSE else 10
    console.print(text(f"  family: {', '.join(result.families) or 'none detected'}; columns listed: "
                       f"{len(result.columns)}; list pages and list API calls: {result.list_pages}; requests: "
                       f"{result.requests}"))
    for column in result.columns:
        console.print(text(f"    column {column}"))
    a = result.audit
    if a is not None and a.first_year is not None:
        console.print(text(f"  expected years {a.first_year}–{a.last_year}; found "
                           f"{len([y for y in a.found if a.found[y]])}; missing: {compact(a.missing) or 'none'}"))
    for flag in result.flags:
        console.print(markup("  [yellow]flag:[/] {}", flag))
    for err in result.errors[:cap]:
        console.print(markup("  [red]error:[/] {}", err))
    for note in result.notes[:cap]:
        console.print(text(f"  note: {note}"))
    table = Table(title=f"reports found: {len(result.found)}", show_lines=False)
    for col in ("year", "published", "title", "url", "attachments"):
        table.add_column(col, overflow="fold")
    for r in sorted(result.found, key=lambda r: (-(r.year or 0), r.url)):
        table.add_row(str(r.year or ""), str(r.published or ""), text(r.title), text(r.url), text("\n".join(r.attachments)))
    console.print(table)


def check(targets: list[str], *, registry_path: Path | None = None, policy: Politeness | None = None,
          since: int | None = None, console: Console | None = None, max_pages: int = 200,
          level: int = NORMAL) -> tuple[int, list[SourceResult]]:
    """Dry-run the targets; returns (exit status, results)."""
    console = console or make_console(stderr=False)
    try:
        sources = resolve(targets, load(registry_path or REGISTRY_PATH))
    except (RegistryError, OSError) as exc:
        console.print(markup("[bold red]error:[/] {}", exc))
        return 2, []
    crawler = Crawler(None, policy, since=since, dry_run=True, max_list_pages=max_pages)
    results = asyncio.run(crawler.run(sources))
    for result in results:
        check_report(result, console, level)
    bad = any(r.status in ("failed", "blocked") or not r.found for r in results)
    return (1 if bad else 0), results


def register(app: typer.Typer) -> None:
    """Add ``ogi sources list|check`` to the main app."""
    sources = typer.Typer(add_completion=False, help="The source registry: list it, dry-run a source or URL.",
                          no_args_is_help=True)

    @sources.command("list")
    def list_command(
        registry: Annotated[Path | None, typer.Option("--registry", help="source registry CSV")] = None,
        show_all: Annotated[bool, typer.Option("--all", help="include disabled sources")] = False,
        quiet: QuietOpt = False,
        verbose: VerboseOpt = False,
    ) -> None:
        """The registry's sources (id, agency, region, level, cms hint, start URLs); --quiet: the ids alone."""
        level = verbosity(quiet, verbose)
        console = make_console(stderr=False)
        try:
            reg = load(registry or REGISTRY_PATH)
        except (RegistryError, OSError) as exc:
            console.print(markup("[bold red]error:[/] {}", exc))
            raise typer.Exit(2) from exc
        if level == QUIET:
            for src in reg.values():
                if show_all or src.hints.get("disabled") != "1":
                    console.print(text(src.id))
            return
        console.print(list_sources(reg, show_all))
        if level == VERBOSE:
            console.print(text(f"registry: {registry or REGISTRY_PATH}"))

    @sources.command("check")
    def check_command(
        targets: Annotated[list[str], typer.Argument(help="registry source ids or URLs")],
        registry: Annotated[Path | None, typer.Option("--registry", help="source registry CSV")] = None,
        since: Annotated[int | None, typer.Option("--since", help="only reports for this year or later")] = None,
        user_agent: Annotated[str | None, typer.Option("--user-agent", help="override the User-Agent")] = None,
        min_interval: Annotated[float, typer.Option(help="seconds between requests to one host")] = 1.0,
        max_pages: Annotated[int, typer.Option(help="list pages walked per column at most")] = 200,
        allow_local_hosts: AllowLocal = False,
        quiet: QuietOpt = False,
        verbose: VerboseOpt = False,
    ) -> None:
        """Live dry run: family detected, lists walked, reports found per year and their attachments; stores
        nothing. --quiet: a status line per source."""
        code, _results = check(list(targets), registry_path=registry, since=since, max_pages=max_pages,
                               policy=politeness(min_interval, user_agent, allow_local_hosts),
                               level=verbosity(quiet, verbose))
        raise typer.Exit(code)

    app.add_typer(sources, name="sources")
