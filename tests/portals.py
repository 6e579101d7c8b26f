"""Helpers for crawling generated portals (pipeline.synth.portals) served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import hashlib
import random
from pathlib import Path
from typing import Any

from pipeline.synth.portals import Portal, sample_docs
from pipeline.synth.portals.base import served  # noqa: F401 - the tests import it from here
from pipeline.synth.server import LocalServer
from scrapers.crawl import Crawler, SourceResult
from scrapers.politeness import Politeness
from scrapers.registry import Source
from scrapers.store import StoredDocument, documents

INTERVAL = 0.02
AGENCIES = ["某某区人民政府", "某某区教育局", "某某区财政局", "某某街道办事处", "某某镇人民政府"]


def sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def docs(seed: int = 1, agencies: int = 2, years: range = range(2011, 2026), **kw: Any) -> list:
    return sample_docs(random.Random(seed), agencies=AGENCIES[:agencies], years=years, **kw)


def policy(portals: list[Portal] | None = None, **kw: Any) -> Politeness:
    resolve: dict[str, str] = {}
    for p in portals or []:
        resolve |= p.resolve
    return Politeness.for_tests(min_interval=kw.pop("min_interval", INTERVAL), resolve=resolve, **kw)


def source(portal: Portal, server: LocalServer, sid: str = "src", **hints: str) -> Source:
    return Source(sid, start_urls=(server.url(portal.column_path, portal.host),), hints={**portal.hints, **hints})


def crawl(store: Path, sources: list[Source], pol: Politeness, **kw: Any) -> tuple[Crawler, list[SourceResult]]:
    crawler = Crawler(store, pol, **kw)
    return crawler, asyncio.run(crawler.run(sources))


def check_complete(store: Path, source_id: str, portal: Portal, server: LocalServer) -> list[StoredDocument]:
    """Every expected document stored exactly once for the source, nothing else; no list page stored; nothing
    fetched that must not be."""
    exp = portal.expected
    stored = [d for d in documents(store) if d.source == source_id]
    shas = [d.sha256 for d in stored]
    want = {sha(b) for b in exp.documents.values()}
    assert len(shas) == len(set(shas)), "a document was stored twice"
    missing = want - set(shas)
    extra = {d.url for d in stored if d.sha256 not in want}
    assert not missing, f"{len(missing)} documents not stored: {sorted(k for k, b in exp.documents.items() if sha(b) in missing)[:8]}"
    assert not extra, f"stored what is not a report: {sorted(extra)[:5]}"
    for d in stored:
        assert Path(str(d.path)).read_bytes() and sha(Path(str(d.path)).read_bytes()) == d.sha256
    never = {server.url(p, portal.host) for p in exp.never_stored}
    assert not {d.url for d in stored} & never, "a list page or notice was stored"
    assert not exp.never_fetched & set(server.paths()), "fetched what must not be"
    # one report per published report: a page and its attachments share one report_url
    reports = {d.report for d in stored}
    assert len(reports) == len(exp.reports), (len(reports), len(exp.reports))
    return stored
