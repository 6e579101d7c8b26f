"""Content-addressed raw store: every body saved once under its sha256, atomically, never overwritten.

Layout of a store directory (``OUT/raw/`` for ``ogi scrape --out OUT``)::

    objects/ab/ab12…ef   one file per distinct body, named by its sha256 (never by URL or remote name)
    fetchlog.duckdb      the fetch log and the documents manifest (see ``scrapers.fetchlog``)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .audit import SourceAudit

_HEX = re.compile(r"[0-9a-f]{64}")
LOG_NAME = "fetchlog.duckdb"


class RawStore:
    """Bodies by sha256 under ``root/objects``."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.objects.mkdir(parents=True, exist_ok=True)

    @property
    def log_path(self) -> Path:
        return self.root / LOG_NAME

    def path_for(self, sha256: str) -> Path:
        if not _HEX.fullmatch(sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.objects / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put(self, body: bytes) -> tuple[str, bool]:
        """Store a body; returns (sha256, whether it was new). An existing file is never rewritten."""
        sha = hashlib.sha256(body).hexdigest()
        dest = self.path_for(sha)
        if dest.is_file():
            return sha, False
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, dest)  # fails if dest appeared meanwhile: never overwrite
            except FileExistsError:
                return sha, False
            except OSError:
                if dest.exists():
                    return sha, False
                os.replace(tmp, dest)  # filesystems without hard links
                return sha, True
            return sha, True
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()


def resolve_store_dir(path: Path | str) -> Path:
    """Accept either the store directory itself or the scrape output directory that holds ``raw/``."""
    path = Path(path)
    if not (path / LOG_NAME).exists() and (path / "raw" / LOG_NAME).exists():
        return path / "raw"
    return path


PAGE, ATTACHMENT = "page", "attachment"
PICTURE = "picture"  # an <img> a report page shows (its tables printed as a picture): read with the page


@dataclass(frozen=True)
class StoredDocument:
    """One stored document of the manifest: a body (by sha256) found by a source at a URL.

    ``report_url`` names the report the document belongs to (see ``report_of``): documents with the same
    (source, report_url) are one report, e.g. a report page and the PDF it links."""

    sha256: str
    source: str = ""
    url: str = ""
    final_url: str | None = None
    title: str | None = None
    media_type: str | None = None
    filename: str | None = None
    published: dt.date | None = None
    year: int | None = None
    kind: str | None = None  # page | attachment | picture
    parent_url: str | None = None  # the list or page that linked the document
    report_url: str | None = None
    fetched_at: dt.datetime | None = None
    run_id: int | None = None
    path: str | None = None  # the body in the raw store

    @property
    def location(self) -> str:
        """Where the body was finally served from."""
        return self.final_url or self.url

    @property
    def report(self) -> tuple[str, str]:
        """The report key: (source, report URL)."""
        return self.source, self.report_url or self.location

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> StoredDocument:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in row.items() if k in names})


def report_of(kind: str, url: str, page_url: str | None = None, own_report: bool = False) -> str:
    """The one rule that groups documents into reports. A page is a report of its own (its URL); an attachment
    belongs to the page that links it, unless ``own_report`` (a page linking several reports, one per agency
    or year, as 年报汇总 pages do); a picture (kind picture) belongs to the page that shows it; a document
    linked straight from a list is a report of its own."""
    if kind == PICTURE and page_url:
        return page_url
    if kind == ATTACHMENT and page_url and not own_report:
        return page_url
    return url


def _with_reports(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fill report_url for manifest rows written before it was recorded: an attachment belongs to the stored
    page it was linked from, anything else is its own report."""
    pages = {(r["source"], r.get("final_url") or r["url"]) for r in rows if r.get("kind") == PAGE}
    for r in rows:
        if r.get("report_url"):
            continue
        parent = r.get("parent_url")
        linked = r.get("kind") == ATTACHMENT and (r["source"], parent) in pages
        r["report_url"] = parent if linked else (r.get("final_url") or r["url"])
    return rows


def documents(store_dir: Path | str) -> list[StoredDocument]:
    """The documents manifest, oldest first: one StoredDocument per (source, body, URL) recorded."""
    from .fetchlog import FetchLog

    root = resolve_store_dir(store_dir)
    if not (root / LOG_NAME).exists():
        return []
    store = RawStore(root)
    with FetchLog(root / LOG_NAME, read_only=True) as log:
        rows = _with_reports(log.documents())
    return [StoredDocument.from_row({**row, "path": str(store.path_for(row["sha256"]))}) for row in rows]


def audits(store_dir: Path | str) -> list[SourceAudit]:
    """The discovery audit of each source's latest scrape recorded in the store (expected against found
    years), for the loader's ``quality`` table."""
    from .audit import load_years
    from .fetchlog import FetchLog

    root = resolve_store_dir(store_dir)
    if not (root / LOG_NAME).exists():
        return []
    with FetchLog(root / LOG_NAME, read_only=True) as log:
        rows = log.source_runs()
    latest: dict[str, dict[str, Any]] = {}
    for row in rows:  # oldest first: the last one per source wins
        latest[row["source"]] = row
    return [SourceAudit(src, load_years(r.get("years")), r.get("first_year"), r.get("last_year"))
            for src, r in sorted(latest.items())]
