"""Incremental extraction: every stored document not yet in the cache for this extractor version."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from docformats import extension_for_media_type
from pipeline.cache import ExtractionCache
from pipeline.executors import Item, RawDoc, extract_files
from pipeline.extraction import Report
from pipeline.version import EXTRACTOR_VERSION
from pipeline.workers import Limits
from scrapers.store import PICTURE, StoredDocument

log = logging.getLogger("ogi.run")
library_log = logging.getLogger("ogi.library")
BATCH = 20  # reports stored per cache transaction: a crash loses at most this much work


@dataclass
class Extracted:
    """One document this run extracted (or could not read)."""

    sha256: str
    source: str
    url: str
    name: str
    status: str
    error: str | None
    seconds: float
    library_warnings: int = 0  # what libraries logged while reading it (in the run log)


def document_name(doc: StoredDocument) -> str:
    """A file name for the reader's format sniffing: the served filename, the URL's last part, or the sha256
    with the extension of the media type."""
    ext = extension_for_media_type(doc.media_type)
    for cand in (doc.filename, PurePosixPath(unquote(urlsplit(doc.location).path)).name):
        if cand and PurePosixPath(str(cand)).suffix:
            return str(cand)
    return f"{doc.sha256[:16]}{ext}"


def pictures_by_page(documents: list[StoredDocument]) -> dict[str, tuple[tuple[str, str], ...]]:
    """(URL, stored file) of the pictures each page shows (kind "picture", by their page's URL)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for doc in documents:
        if doc.kind == PICTURE and doc.parent_url and doc.path:
            for url in {doc.url, doc.final_url} - {None, ""}:
                out.setdefault(doc.parent_url, []).append((str(url), str(doc.path)))
    return {k: tuple(v) for k, v in out.items()}


def iso(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat(timespec="seconds")
    return str(value)


def pending(documents: list[StoredDocument], done: set[str]) -> list[StoredDocument]:
    """Manifest rows to extract: one per sha256 (the first row seen), skipping those already done."""
    out: dict[str, StoredDocument] = {}
    for doc in documents:
        sha = doc.sha256
        if doc.kind == PICTURE:  # read as part of the page that shows it
            continue
        if sha not in done and sha not in out:
            out[sha] = doc
    return list(out.values())


def extract_pending(documents: list[StoredDocument], cache: ExtractionCache,
                    on_done: Callable[[Extracted], None] | None = None, *, engine: str | None = None,
                    workers: int | None = None, scheduler: str | None = None,
                    limits: Limits | None = None) -> list[Extracted]:
    """Extract the documents the cache lacks for EXTRACTOR_VERSION on an engine (pipeline.executors), storing
    them in the cache in batches as they complete."""
    todo = pending(documents, cache.done(EXTRACTOR_VERSION))
    shown = pictures_by_page(documents)
    items = [RawDoc(name=document_name(doc), source_url=doc.location, fetched_at=iso(doc.fetched_at),
                    path=str(doc.path), pictures=shown.get(doc.location, ())) for doc in todo]
    doc_of = {item.path: doc for item, doc in zip(items, todo, strict=True)}
    results: list[Extracted] = []
    batch: list[Report] = []

    def done(item: Item, report: Report) -> None:
        assert isinstance(item, RawDoc)
        error = report.row["error"] if isinstance(report.row["error"], str) else None
        doc = doc_of[item.path]
        row = Extracted(doc.sha256, doc.source or "", item.source_url or "", item.name, report.status,
                        error, 0.0, sum(n for _s, _m, n in report.library_warnings))
        log.log(logging.ERROR if report.status == "failed" else logging.INFO, "extracted %s (%s): %s%s",
                row.url, row.name, row.status, f" - {error}" if error else "")
        for source, message, n in report.library_warnings:  # in the log, off the terminal
            library_log.warning("%s: %s: %s%s", row.name, source, message, f" (x{n})" if n > 1 else "")
        results.append(row)
        batch.append(report)
        if on_done is not None:
            on_done(row)
        if len(batch) >= BATCH:
            cache.put(batch)
            batch.clear()

    t0 = time.perf_counter()
    extract_files(items, engine=engine, workers=workers, scheduler=scheduler, on_done=done, limits=limits)
    cache.put(batch)
    per_doc = (time.perf_counter() - t0) / max(len(results), 1)
    for row in results:
        row.seconds = per_doc
    return results
