"""The documents of a command line (discover) and one frame per table over their reports (combine); the
extraction itself is pipeline.executors.extract_files."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from pipeline import schema
from pipeline.extraction import TABLE_NAMES, Report
from pipeline.readers.guards import path_problem

# Files that are never reports: truth files, notes and our own outputs.
_SKIP_SUFFIXES = (".json", ".csv", ".parquet", ".py", ".pyc", ".duckdb", ".log", ".tmp")
_SKIP_NAMES = {"README.md", ".DS_Store"}


class Found(list[Path]):
    """The documents discover() found, in order; `skipped` holds (path, reason) for what it left out."""

    def __init__(self, paths: Iterable[Path] = (), skipped: list[tuple[Path, str]] | None = None) -> None:
        super().__init__(paths)
        self.skipped = skipped or []


def discover(paths: Iterable[Path], follow_symlinks: bool = False) -> Found:
    """Files named on the command line, and the files inside folders (recursively, sorted).

    Inside folders, symbolic links (to files or folders) are not followed unless follow_symlinks (a link may
    lead anywhere outside the folder), and special files (FIFOs, devices, sockets) are never read: both are
    listed in `.skipped` with the reason. Paths named explicitly are taken as given.
    """
    found: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for p in paths:
        if p.is_dir():
            inside: list[Path] = []
            _walk(p, follow_symlinks, inside, skipped)
            found.extend(sorted(inside))
        else:
            found.append(p)
    return Found(dict.fromkeys(found), skipped)


def _walk(root: Path, follow: bool, found: list[Path], skipped: list[tuple[Path, str]]) -> None:
    seen = {os.path.realpath(root)}  # folders entered, so that a link cannot lead into a loop
    for dirpath, dirnames, filenames in os.walk(root, followlinks=follow):
        here = Path(dirpath)
        for d in sorted(dirnames):
            full = here / d
            if full.is_symlink():
                real = os.path.realpath(full)
                if not follow:
                    dirnames.remove(d)
                    skipped.append((full, f"symbolic link to the folder {real} (not followed without "
                                          "--follow-symlinks)"))
                elif real in seen:
                    dirnames.remove(d)
                    skipped.append((full, f"symbolic link to a folder already read ({real})"))
                else:
                    seen.add(real)
        for name in filenames:
            full = here / name
            if not _wanted(full):
                continue
            if full.is_symlink() and not follow:
                skipped.append((full, f"symbolic link to {os.path.realpath(full)} (not followed without "
                                      "--follow-symlinks)"))
                continue
            problem = path_problem(full)
            if problem:
                skipped.append((full, problem))
            else:
                found.append(full)


def _wanted(f: Path) -> bool:
    return not f.name.startswith(".") and f.name not in _SKIP_NAMES and not f.name.endswith(_SKIP_SUFFIXES)


def combine(reports: Iterable[Report]) -> dict[str, pd.DataFrame]:
    """One frame per table over all reports (a document seen twice is kept once, by report_id), each made once
    for the whole batch from the reports' columns."""
    seen: set[str] = set()
    parts: dict[str, list] = {t: [] for t in TABLE_NAMES}
    for r in reports:
        if r.report_id in seen:
            continue
        seen.add(r.report_id)
        for t in TABLE_NAMES:
            parts[t].append(r.tables[t])
    return {t: schema.frame(t, parts[t]) for t in TABLE_NAMES}
