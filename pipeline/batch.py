"""Extract many documents: one bad file never stops the others."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pandas as pd

from pipeline.executors import extract_files, resolve
from pipeline.extraction import TABLE_NAMES, Report
from pipeline.output import concat
from pipeline.workers import Limits

# Files that are never reports: truth files, notes and our own outputs.
_SKIP_SUFFIXES = (".json", ".csv", ".parquet", ".py", ".pyc", ".duckdb", ".log", ".tmp")
_SKIP_NAMES = {"README.md", ".DS_Store"}


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files named on the command line, and the files inside folders (recursively, sorted)."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(f for f in sorted(p.rglob("*")) if f.is_file() and _wanted(f))
        else:
            found.append(p)
    return list(dict.fromkeys(found))


def _wanted(f: Path) -> bool:
    return not f.name.startswith(".") and f.name not in _SKIP_NAMES and not f.name.endswith(_SKIP_SUFFIXES)


def extract_many(files: list[Path], on_done: Callable[[Path, Report], None] | None = None,
                 engine: str | None = None, workers: int | None = None,
                 scheduler: str | None = None, limits: Limits | None = None) -> Iterator[Report]:
    """Reports of the files in input order, extracted on an engine of pipeline.executors (every engine runs
    documents in supervised worker processes, with per-document time and memory limits).

    on_done(path, report) is called as each document completes; the default engine is a local process pool
    of os.cpu_count() workers (serial for one file).
    """
    if scheduler and engine is None:
        engine = "dask"
    engine, n = resolve(engine, workers, len(files))
    yield from extract_files(files, engine, n, scheduler, on_done, limits=limits)  # type: ignore[arg-type]


def combine(reports: Iterable[Report]) -> dict[str, pd.DataFrame]:
    """One frame per table over all reports (a document seen twice is kept once, by report_id)."""
    seen: set[str] = set()
    parts: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLE_NAMES}
    for r in reports:
        if r.report_id in seen:
            continue
        seen.add(r.report_id)
        for t in TABLE_NAMES:
            parts[t].append(r.frames()[t])
    return {t: concat(parts[t], t) for t in TABLE_NAMES}
