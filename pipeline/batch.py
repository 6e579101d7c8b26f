"""The documents of a command line (discover) and one frame per table over their reports (combine); the
extraction itself is pipeline.executors.extract_files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from pipeline.extraction import TABLE_NAMES, Report
from pipeline.output import concat

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
