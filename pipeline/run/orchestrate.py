"""`ogi run`: scrape → extract → load under a lock, with progress bars, a log file and a run report.

Scrape the sources into OUT/raw (the scraper's immutable raw store), extract every stored document the
extraction cache (OUT/cache.duckdb) lacks for the current extractor version, then build a dated release
from the whole cache with `pipeline.load.build_release` (which moves OUT/latest). One source or document
failing never stops the others; a failed load leaves the previous release as it was.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.progress import Progress

from pipeline.cache import ExtractionCache
from pipeline.run import codes
from pipeline.run.extract import Extracted, extract_pending, pending
from pipeline.run.lock import LockHeld, RunLock
from pipeline.run.logs import run_log
from pipeline.run.outcome import RunSummary
from pipeline.run.report import blocks, to_html, to_markdown
from pipeline.version import EXTRACTOR_VERSION
from scrapers.cli import source_progress
from scrapers.console import NORMAL, QUIET, VERBOSE, PlainProgress, make_console, make_progress, text
from scrapers.crawl import Crawler, SourceResult
from scrapers.politeness import Politeness
from scrapers.registry import REGISTRY_PATH, RegistryError, Source, load, resolve
from scrapers.store import StoredDocument
from scrapers.store import audits as stored_audits
from scrapers.store import documents as stored_documents

log = logging.getLogger("ogi.run")
CACHE_NAME = "cache.duckdb"
REPORT_NAME = "run-report"


@dataclass
class RunResult:
    """What a run did; `exit_code` follows pipeline.run.codes."""

    out: Path
    targets: list[str]
    started_at: dt.datetime
    exit_code: int = codes.OK
    message: str = ""
    release: Path | None = None
    finished_at: dt.datetime | None = None
    sources: list[SourceResult] = field(default_factory=list)
    extracted: list[Extracted] = field(default_factory=list)
    documents: list[StoredDocument] = field(default_factory=list)
    frames: dict[str, pd.DataFrame] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    log_path: Path | None = None
    report_paths: list[Path] = field(default_factory=list)
    extractor_version: str = EXTRACTOR_VERSION

    def summary(self) -> RunSummary:
        """What the run stored and extracted as typed records: documents by format and status, reports, failed
        checks (from `documents` and the cache's `frames`; empty before the extraction stage)."""
        return RunSummary.of(self.documents, self.frames or {})

    @property
    def duration(self) -> float:
        end = self.finished_at or dt.datetime.now(dt.UTC)
        return (end - self.started_at).total_seconds()

    def fail(self, code: int, message: str) -> RunResult:
        self.exit_code, self.message = code, message
        self.errors.append(message)
        log.error(message)
        return self


def _build_release(frames: dict[str, pd.DataFrame], out: Path, **kwargs: Any) -> Path:
    """pipeline.load.build_release, looked up at call time."""
    from pipeline import load

    return load.build_release(frames, out, **kwargs)


def _errno_text(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def run_pipeline(
    targets: list[str],
    out: Path,
    *,
    since: int | None = None,
    registry_path: Path | None = None,
    policy: Politeness | None = None,
    console: Console | None = None,
    show_progress: bool = True,
    executor: dict[str, Any] | None = None,
    level: int | None = None,
) -> RunResult:
    """Run every stage for `targets` (registry ids or URLs; none = every enabled registry source) into `out`.

    `executor`: engine, workers and scheduler for the extraction stage (pipeline.executors.extract_files);
    `level`: scrapers.console QUIET (no progress), NORMAL or VERBOSE (a line per source and document), by
    default NORMAL, or QUIET when not `show_progress`.
    """
    out = Path(out)
    console = console or make_console()
    result = RunResult(out=out, targets=list(targets), started_at=dt.datetime.now(dt.UTC))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return _finish(result.fail(codes.NOT_WRITABLE, f"cannot write to {out}: {_errno_text(exc)}"))
    lock = RunLock(out)
    try:
        lock.acquire()
    except LockHeld as exc:
        return _finish(result.fail(codes.LOCKED, str(exc)))
    except OSError as exc:
        return _finish(result.fail(codes.NOT_WRITABLE, f"cannot write to {out}: {_errno_text(exc)}"))
    try:
        with run_log(out, result.started_at) as result.log_path:
            log.info("ogi run started: targets=%s since=%s out=%s extractor=%s", targets or "all", since, out,
                     EXTRACTOR_VERSION)
            _stages(result, since=since, registry_path=registry_path, policy=policy, console=console,
                    level=(NORMAL if show_progress else QUIET) if level is None else level, executor=executor or {})
            _write_reports(result)
            log.info("ogi run finished: exit %s (%s)", result.exit_code, result.message)
    except OSError as exc:
        result.fail(codes.NOT_WRITABLE, f"cannot write to {out}: {_errno_text(exc)}")
    finally:
        lock.release()
    return _finish(result)


def _finish(result: RunResult) -> RunResult:
    result.finished_at = dt.datetime.now(dt.UTC)
    return result




def _stages(result: RunResult, *, since: int | None, registry_path: Path | None, policy: Politeness | None,
            console: Console, level: int, executor: dict[str, Any]) -> None:
    out = result.out
    try:
        sources: list[Source] = resolve(result.targets, load(registry_path or REGISTRY_PATH))
    except (RegistryError, OSError) as exc:
        result.fail(codes.USAGE, f"registry: {exc}")
        return
    with make_progress(console, level=level) as progress:
        t0 = time.perf_counter()
        _scrape(result, sources, since, policy, progress)
        result.timings["scrape"] = time.perf_counter() - t0
        if result.exit_code == codes.NOT_WRITABLE:
            return
        t0 = time.perf_counter()
        try:
            with ExtractionCache(out / CACHE_NAME) as cache:
                result.documents = stored_documents(out / "raw")
                task = progress.add_task("extract", total=None)

                def on_done(e: Extracted) -> None:
                    if level == VERBOSE:
                        progress.console.print(text(f"extracted {e.name}: {e.status}"
                                                    + (f" - {e.error}" if e.error else "")))
                    progress.update(task, advance=1, description=f"extract {e.name[:30]}")

                progress.update(task, total=len(pending(result.documents, cache.done())))
                result.extracted = extract_pending(result.documents, cache, on_done, **executor)
                progress.update(task, description=f"extract: {len(result.extracted)} new documents")
                result.frames = cache.frames()
        except OSError as exc:
            result.fail(codes.NOT_WRITABLE, f"extraction cache {out / CACHE_NAME}: {_errno_text(exc)}")
            return
        except Exception as exc:  # noqa: BLE001 - a broken cache file (duckdb) is reported, not a traceback
            log.exception("extraction stage failed")
            result.fail(codes.NOT_WRITABLE, f"extraction cache {out / CACHE_NAME}: {type(exc).__name__}: {exc}")
            return
        result.timings["extract"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        _load(result, progress)
        result.timings["load"] = time.perf_counter() - t0
    if result.exit_code == codes.OK:
        failed_sources = [s.source for s in result.sources if s.status == "failed"]
        blocked = [s.source for s in result.sources if s.status == "blocked"]
        failed_docs = [e for e in result.extracted if e.status == "failed"]
        if failed_sources or blocked or failed_docs:
            parts = ([f"{len(failed_sources)} source(s) failed: {', '.join(failed_sources[:5])}"] if failed_sources
                     else []) + ([f"{len(blocked)} source(s) blocked by anti-bot challenges: {', '.join(blocked[:5])}"]
                                 if blocked else []) + (
                [f"{len(failed_docs)} document(s) failed extraction"] if failed_docs else [])
            result.exit_code, result.message = codes.SOME_FAILED, "; ".join(parts) + "; release built"
        else:
            result.message = "ok; release built"


def _scrape(result: RunResult, sources: list[Source], since: int | None, policy: Politeness | None,
            progress: Progress | PlainProgress) -> None:
    def on_done(res: SourceResult) -> None:
        log.info("source %s: %s%s (%s), %d report links, %d new documents, %d requests%s%s", res.source, res.status,
                 f" [{res.signal}]" if res.signal else "", ",".join(res.families) or "no family", res.reports,
                 res.new, res.requests, f"; errors: {res.errors[:3]}" if res.errors else "",
                 f"; flags: {'; '.join(res.flags)}" if res.flags else "")

    on_progress = source_progress(progress, sources, prefix="scrape ", on_done=on_done)
    try:
        crawler = Crawler(result.out / "raw", policy, since=since, progress=on_progress)
        result.sources = asyncio.run(crawler.run(sources))
        _explain_silent_failures(result.sources, result.out / "raw", crawler.run_id)
    except OSError as exc:
        result.fail(codes.NOT_WRITABLE, f"raw store {result.out / 'raw'}: {_errno_text(exc)}")
    except Exception as exc:  # noqa: BLE001 - extraction and load still run on what is stored
        log.exception("scrape stage failed")
        result.errors.append(f"scrape stage failed: {type(exc).__name__}: {exc}")
        result.sources = [SourceResult(s.id, status="failed", errors=[f"scrape stage failed: {exc}"])
                          for s in sources]


def _explain_silent_failures(results: list[SourceResult], store_dir: Path, run_id: int) -> None:
    """A failed source without an error message (e.g. robots.txt unreachable, so everything counts as
    disallowed) gets the distinct errors of its requests in this run from the fetch log."""
    silent = {r.source: r for r in results if r.status == "failed" and not r.errors}
    if not silent:
        return
    from scrapers.fetchlog import FetchLog
    from scrapers.store import LOG_NAME

    with FetchLog(store_dir / LOG_NAME, read_only=True) as fetchlog:
        for row in fetchlog.fetches(run_id):
            res = silent.get(row["source"])
            if res is not None and row["error"]:
                line = f"{row['url']}: {row['error']}"
                if line not in res.errors:
                    res.errors.append(line)
    for res in silent.values():
        res.errors = res.errors or ["no report found and no request error logged"]


def _run_info(result: RunResult) -> dict[str, Any]:
    return {
        "started_at": result.started_at.isoformat(timespec="seconds"),
        "targets": result.targets,
        "extractor_version": EXTRACTOR_VERSION,
        "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
        "sources": [{"source": s.source, "status": s.status, "families": s.families, "signal": s.signal,
                     "report_links": s.reports, "new_documents": s.new, "requests": s.requests,
                     "years_found": {str(y): n for y, n in sorted(s.years.items())},
                     "missing_years": s.audit.missing if s.audit else [], "flags": s.flags,
                     "errors": s.errors[:20]} for s in result.sources],
        "extracted_this_run": len(result.extracted),
        "extracted_by_status": {st: sum(e.status == st for e in result.extracted)
                                for st in sorted({e.status for e in result.extracted})},
    }


def _load(result: RunResult, progress: Progress | PlainProgress) -> None:
    frames = result.frames or {}
    task = progress.add_task("load: building the release", total=1)
    if not len(frames.get("reports", ())):
        result.fail(codes.SOME_FAILED, "no documents stored or extracted: no release built")
        return
    try:
        result.release = _build_release(frames, result.out, documents=result.documents, run_info=_run_info(result),
                                        audits=stored_audits(result.out / "raw"))
    except OSError as exc:
        log.exception("load failed")
        result.fail(codes.NOT_WRITABLE, f"release not built (previous release left as it was): cannot write "
                                        f"{getattr(exc, 'filename', None) or result.out}: {_errno_text(exc)}")
        return
    except Exception as exc:  # noqa: BLE001 - reported with exit 3; the traceback goes to the log
        log.exception("load failed")
        why = str(exc) if type(exc).__name__ == "ReleaseError" else f"{type(exc).__name__}: {exc}"
        result.fail(codes.NOT_WRITABLE, f"release not built (previous release left as it was): {why}")
        return
    progress.update(task, completed=1, description=f"load: {Path(result.release).name}")
    log.info("release built: %s", result.release)


def _write_reports(result: RunResult) -> None:
    """OUT/run-report.{md,html}, and a copy in the release folder when one was built."""
    result.finished_at = dt.datetime.now(dt.UTC)
    items = blocks(result)
    md, page = to_markdown(items), to_html(items)
    folders = [result.out] + ([Path(result.release)] if result.release else [])
    for folder in folders:
        for ext, body in (("md", md), ("html", page)):
            path = folder / f"{REPORT_NAME}.{ext}"
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(body, encoding="utf-8")
            tmp.replace(path)
            result.report_paths.append(path)
