"""The `ogi run` command's console side: politeness from the options, the run, and what to print."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rich.console import Console

from pipeline.run import codes
from pipeline.run.orchestrate import RunResult, run_pipeline
from pipeline.workers import Limits
from scrapers.console import NORMAL, make_console, markup, text, verbosity
from scrapers.politeness import Politeness


def policy_for(min_interval: float | None, user_agent: str | None, allow_local: bool = False) -> Politeness:
    """The scraper's default politeness, with the command line's overrides."""
    kwargs: dict[str, object] = {"allow_local": allow_local}
    if min_interval is not None:
        kwargs["min_interval"] = max(min_interval, 0.0)
    if user_agent:
        kwargs["user_agent"] = user_agent
    return Politeness(**kwargs)  # type: ignore[arg-type]


def print_outcome(result: RunResult, console: Console, level: int = NORMAL) -> None:
    """Sources table (not when quiet), extraction counts, where the release, the run report and the log are,
    and the exit status."""
    from scrapers.cli import summary_table

    if result.sources and level >= NORMAL:
        console.print(summary_table(result.sources))
    if result.documents or result.extracted:
        by_status = Counter(e.status for e in result.extracted)
        warned = sum(e.library_warnings for e in result.extracted)
        console.print(text(f"documents stored: {len({d.sha256 for d in result.documents})}; extracted by this "
                           f"run: {len(result.extracted)}" + (" (" + ", ".join(f"{n} {s}" for s, n in by_status.items())
                                                               + ")" if by_status else " (all already in the cache)")
                           + (f"; library warnings: {warned} (in the log)" if warned else "")))
    if result.release:
        console.print(text(f"release: {result.release}  (latest: {result.out / 'latest'})"))
    reports = [p for p in result.report_paths if p.parent == result.out]
    if reports and level >= NORMAL:
        console.print(text("run report: " + ", ".join(str(p) for p in reports)))
    if result.log_path:
        console.print(text(f"log: {result.log_path}"))
    style = {codes.OK: "green", codes.SOME_FAILED: "yellow"}.get(result.exit_code, "bold red")
    console.print(markup(f"[{style}]exit {{}}:[/] {{}}", result.exit_code, result.message))


def run_command(targets: list[str], out: Path, *, since: int | None = None, registry: Path | None = None,
                min_interval: float | None = None, user_agent: str | None = None, quiet: bool = False,
                console: Console | None = None, engine: str | None = None, workers: int | None = None,
                scheduler: str | None = None, limits: Limits | None = None, allow_local: bool = False,
                verbose: bool = False) -> int:
    """Run and print; returns the exit status (pipeline.run.codes)."""
    console = console or make_console()
    level = verbosity(quiet, verbose)
    if registry is not None and not registry.is_file():
        console.print(markup("[bold red]exit {}:[/] registry file not found: {}", codes.USAGE, registry))
        return codes.USAGE
    result = run_pipeline(targets, out, since=since, registry_path=registry,
                          policy=policy_for(min_interval, user_agent, allow_local), console=console, level=level,
                          executor={"engine": engine, "workers": workers, "scheduler": scheduler, "limits": limits})
    print_outcome(result, console, level)
    return result.exit_code
