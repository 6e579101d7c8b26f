"""Incremental extraction: every stored document not yet in the cache for this extractor version."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from pipeline import extraction
from pipeline.cache import ExtractionCache
from pipeline.extraction import Report
from pipeline.version import EXTRACTOR_VERSION

log = logging.getLogger("ogi.run")
_EXT_BY_MEDIA = {"application/pdf": ".pdf", "text/html": ".html", "text/plain": ".txt", "application/msword": ".doc",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
                 "application/vnd.ms-works": ".wps"}
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


def document_name(doc: dict[str, Any]) -> str:
    """A file name for the reader's format sniffing: the served filename, the URL's last part, or the sha256
    with the extension of the media type."""
    ext = _EXT_BY_MEDIA.get(str(doc.get("media_type") or ""), "")
    for cand in (doc.get("filename"), PurePosixPath(unquote(urlsplit(doc.get("final_url") or doc.get("url") or "")
                                                             .path)).name):
        if cand and PurePosixPath(str(cand)).suffix:
            return str(cand)
    return f"{doc['sha256'][:16]}{ext}"


def iso(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat(timespec="seconds")
    return str(value)


def pending(documents: list[dict[str, Any]], done: set[str]) -> list[dict[str, Any]]:
    """Manifest rows to extract: one per sha256 (the first row seen), skipping those already done."""
    out: dict[str, dict[str, Any]] = {}
    for doc in documents:
        sha = doc["sha256"]
        if sha not in done and sha not in out:
            out[sha] = doc
    return list(out.values())


def extract_pending(documents: list[dict[str, Any]], cache: ExtractionCache,
                    on_done: Callable[[Extracted], None] | None = None) -> list[Extracted]:
    """Extract the documents the cache lacks for EXTRACTOR_VERSION, storing them in batches."""
    todo = pending(documents, cache.done(EXTRACTOR_VERSION))
    results: list[Extracted] = []
    batch: list[Report] = []
    for doc in todo:
        name = document_name(doc)
        url = doc.get("final_url") or doc.get("url") or ""
        t0 = time.perf_counter()
        try:
            data = Path(doc["path"]).read_bytes()
        except OSError as exc:
            done = Extracted(doc["sha256"], doc.get("source") or "", url, name, "failed",
                             f"raw object unreadable: {exc.strerror or exc}", 0.0)
            log.error("%s: %s", url, done.error)
        else:
            report = extraction.extract_document(data, name, source_url=url, source_path=doc["path"],
                                                 fetched_at=iso(doc.get("fetched_at")))
            batch.append(report)
            error = report.row["error"] if isinstance(report.row["error"], str) else None
            done = Extracted(doc["sha256"], doc.get("source") or "", url, name, report.status, error,
                             time.perf_counter() - t0)
            log.info("extracted %s (%s): %s%s", url, name, done.status, f" - {error}" if error else "")
        results.append(done)
        if on_done is not None:
            on_done(done)
        if len(batch) >= BATCH:
            cache.put(batch)
            batch = []
    cache.put(batch)
    return results
