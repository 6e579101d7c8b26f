"""Crawl sources concurrently: column → list pages → report links → detail pages → attachments.

Every body goes to the raw store, every request to the fetch log, every report document to the manifest.
One source's failure is recorded in its result and never stops the others.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .discovery import HostPolicy, attachment_ext, media_type
from .encoding import decode_html, filename_from_disposition, safe_name
from .fetchlog import FetchLog, Validators
from .http import Exchange, PoliteClient
from .pagers import parse_datastore
from .pages import DetailPage, ListPage, ReportLink
from .politeness import Politeness
from .registry import Source
from .store import RawStore

ROBOTS_ERROR = "disallowed by robots.txt"
Progress = Callable[..., None]


@dataclass
class SourceResult:
    """What one source's crawl did; ``status`` is ok, partial (some documents failed) or failed."""

    source: str
    status: str = "ok"
    reports: int = 0  # report links found (before --since)
    selected: int = 0  # reports at or after --since
    documents: int = 0  # documents of this source in the manifest after the run
    new: int = 0  # documents added to the manifest by this run
    unchanged: int = 0  # bodies reused: 304 Not Modified or already fetched by the resumed run
    skipped: int = 0  # links robots.txt disallows or outside the source's hosts
    requests: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class Fetched:
    url: str
    final_url: str
    body: bytes
    sha256: str
    content_type: str | None
    filename: str | None = None
    reused: bool = False


@dataclass
class _Ctx:
    source: Source
    accepts: HostPolicy
    result: SourceResult
    prefetched: dict[str, Fetched] = field(default_factory=dict)
    fatal: bool = False


class Crawler:
    """Crawl into the store at ``store_dir`` (``OUT/raw``) with one shared polite client."""

    def __init__(
        self,
        store_dir: Path | str,
        policy: Politeness | None = None,
        *,
        since: int | None = None,
        max_list_pages: int = 200,
        detail_concurrency: int = 4,
        max_sources: int = 64,
        progress: Progress | None = None,
        on_request: Callable[[Exchange], None] | None = None,
    ) -> None:
        self.store = RawStore(store_dir)
        self.policy = policy or Politeness()
        self.since = since
        self.max_list_pages = max_list_pages
        self.detail_concurrency = detail_concurrency
        self.max_sources = max_sources
        self.progress = progress or (lambda *a, **k: None)
        self.on_request = on_request
        self.run_id = 0
        self.resumed = False

    async def run(self, sources: list[Source]) -> list[SourceResult]:
        """Crawl ``sources``; resumes the previous run if it stopped early with the same targets."""
        key = " ".join(sorted(s.id for s in sources)) + (f" since={self.since}" if self.since else "")
        self.log = FetchLog(self.store.log_path)
        try:
            self.run_id, self.resumed = self.log.begin_run(key)
            self.completed: dict[str, Validators] = self.log.completed(self.run_id) if self.resumed else {}
            self.memo: dict[str, Fetched] = {}
            self.known: dict[str, Validators] = self.log.all_validators()
            self.doc_keys: set[tuple[str, str]] = self.log.document_keys()
            limit = asyncio.Semaphore(self.max_sources)
            async with PoliteClient(self.policy) as self.client:

                async def one(src: Source) -> SourceResult:
                    async with limit:
                        return await self._source(src)

                results = list(await asyncio.gather(*(one(s) for s in sources)))
            self.log.finish_run(self.run_id)
            return results
        finally:
            self.log.close()

    # one source ------------------------------------------------------------------------------------------
    async def _source(self, src: Source) -> SourceResult:
        extra = [h for h in src.hints.get("hosts", "").split(",") if h]
        ctx = _Ctx(src, HostPolicy(list(src.start_urls), extra), SourceResult(src.id))
        self.progress(src.id, "start")
        try:
            links, start_ok = await self._discover(ctx)
            ctx.result.reports = len(links)
            chosen = [r for r in links if self.since is None or r.year >= self.since]
            ctx.result.selected = len(chosen)
            self.progress(src.id, "reports", total=len(chosen))
            sem = asyncio.Semaphore(self.detail_concurrency)

            async def report(link: ReportLink) -> None:
                async with sem:
                    await self._report(ctx, link)
                self.progress(src.id, "advance")

            await asyncio.gather(*(report(r) for r in chosen))
            if not start_ok:
                ctx.result.status = "failed"
            elif not links:
                ctx.result.status = "failed"
                ctx.result.errors.append("no reports found (zero results is a failure)")
            elif ctx.fatal:
                ctx.result.status = "failed"
            elif ctx.result.errors:
                ctx.result.status = "partial"
        except Exception as exc:  # one source never stops the others
            ctx.result.status = "failed"
            ctx.result.errors.append(f"{type(exc).__name__}: {exc}")
        ctx.result.documents = sum(1 for s, _h in self.doc_keys if s == src.id)
        self.progress(src.id, "done", result=ctx.result)
        return ctx.result

    async def _discover(self, ctx: _Ctx) -> tuple[list[ReportLink], bool]:
        src = ctx.source
        max_pages = int(src.hints.get("max_pages", self.max_list_pages))
        queue: deque[str] = deque(src.start_urls)
        seen: set[str] = set()
        reports: dict[str, ReportLink] = {}
        start_ok = False
        pages = 0
        while queue and pages < max_pages:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            fetched = await self._fetch(ctx, url)
            if fetched is None:
                continue
            pages += 1
            is_start = url in src.start_urls
            start_ok = start_ok or is_start
            kind = media_type(fetched.body, fetched.content_type, attachment_ext(url))
            if kind != "text/html":
                if is_start and attachment_ext(url):
                    reports[url] = ReportLink(url, fetched.filename or "", 0)
                    ctx.prefetched[url] = fetched
                continue
            text, _codec = decode_html(fetched.body, fetched.content_type)
            page = ListPage(fetched.final_url, text, src.hints)
            items = [i for i in page.items() if ctx.accepts(i.url)]
            if not items and is_start:
                detail = DetailPage(fetched.final_url, text)
                if detail.is_report and not page.next_pages():
                    reports[url] = ReportLink(url, detail.title, detail.year or 0, detail.published)
                    ctx.prefetched[url] = fetched
                    continue
            for item in items:
                reports.setdefault(item.url, item)
            if items and self.since is not None and all(i.year < self.since for i in items):
                continue  # lists run newest first: the pages after this one are older still
            hanweb = page.hanweb()
            if hanweb is not None:
                for item in await self._hanweb(ctx, hanweb, fetched.final_url, max_pages):
                    reports.setdefault(item.url, item)
            for nxt in page.next_pages() + page.sub_lists():
                if nxt not in seen and ctx.accepts(nxt):
                    queue.append(nxt)
        return list(reports.values()), start_ok

    async def _hanweb(self, ctx: _Ctx, proxy: Any, column_url: str, max_batches: int) -> list[ReportLink]:
        group = proxy.perpage * 3  # jpage asks for three pages per call
        total = proxy.total
        start, out = 1, []
        for _ in range(max_batches):
            if total is not None and start > total:
                break
            fetched = await self._fetch(ctx, proxy.batch_url(start, start + group - 1))
            if fetched is None:
                break
            text, _codec = decode_html(fetched.body, fetched.content_type)
            records, found_total = parse_datastore(text)
            total = found_total if found_total is not None else total
            if not records:
                break
            out += [i for i in ListPage(column_url, text, ctx.source.hints).items() if ctx.accepts(i.url)]
            start += group
        return out

    # reports and attachments -----------------------------------------------------------------------------
    async def _report(self, ctx: _Ctx, link: ReportLink) -> None:
        ext = attachment_ext(link.url, link.title)
        fetched = ctx.prefetched.get(link.url) or await self._fetch(ctx, link.url)
        if fetched is None:
            return
        kind = media_type(fetched.body, fetched.content_type, ext)
        if kind != "text/html":
            self._document(ctx, fetched, link.title, kind, "attachment", link, parent=link.list_url, ext=ext)
            return
        text, _codec = decode_html(fetched.body, fetched.content_type)
        detail = DetailPage(fetched.final_url, text)
        title = link.title or detail.title
        published = link.published or detail.published
        link = ReportLink(link.url, title, link.year or detail.year or 0, published, link.list_url)
        self._document(ctx, fetched, title, kind, "page", link, parent=link.list_url)
        for att in detail.attachments():
            if not ctx.accepts(att.url):
                ctx.result.skipped += 1
                continue
            got = await self._fetch(ctx, att.url)
            if got is None:
                continue
            att_kind = media_type(got.body, got.content_type, att.ext)
            if att_kind == "text/html":
                ctx.result.errors.append(f"{att.url}: attachment link returned an HTML page")
                continue
            self._document(ctx, got, title, att_kind, "attachment", link, parent=fetched.final_url,
                           ext=att.ext, label=att.text)

    def _document(self, ctx: _Ctx, fetched: Fetched, title: str, kind: str, role: str, link: ReportLink,
                  parent: str | None, ext: str | None = None, label: str = "") -> None:
        filename = fetched.filename or (safe_name(label) if label else None)
        if not filename and role == "attachment":
            filename = safe_name(unquote(urlsplit(fetched.final_url).path))
        key = (ctx.source.id, fetched.sha256)
        new = key not in self.doc_keys and self.log.add_document(
            sha256=fetched.sha256, source=ctx.source.id, url=fetched.url, final_url=fetched.final_url,
            title=title, media_type=kind, filename=filename, published=link.published,
            year=link.year or None, kind=role, parent_url=parent, run_id=self.run_id)
        self.doc_keys.add(key)
        if new:
            ctx.result.new += 1
        if fetched.reused:
            ctx.result.unchanged += 1

    # fetching ------------------------------------------------------------------------------------------
    async def _fetch(self, ctx: _Ctx, url: str) -> Fetched | None:
        """Body of ``url``: from the resumed run, from this run, or over HTTP (conditional when known)."""
        if url in self.memo:
            hit = self.memo[url]
            return Fetched(hit.url, hit.final_url, self.store.get(hit.sha256), hit.sha256, hit.content_type,
                           hit.filename, hit.reused)
        done = self.completed.get(url)
        if done is not None and self.store.has(done.sha256):
            fetched = Fetched(url, done.final_url or url, self.store.get(done.sha256), done.sha256,
                              done.content_type, reused=True)
            self.memo[url] = _bodiless(fetched)
            return fetched
        known = self.known.get(url)
        if known is not None and not self.store.has(known.sha256):
            known = None
        stored: dict[str, str] = {}

        def observe(ex: Exchange) -> None:
            sha: str | None = None
            etag = ex.headers.get("etag") if ex.headers is not None else None
            modified = ex.headers.get("last-modified") if ex.headers is not None else None
            if ex.status == 200 and ex.body is not None and ex.error is None:
                sha, _new = self.store.put(ex.body)
                stored[ex.request_url] = sha
            elif ex.status == 304 and known is not None:
                sha, etag, modified = known.sha256, etag or known.etag, modified or known.last_modified
            if sha is not None:
                self.known[ex.url] = Validators(sha, etag, modified, ex.request_url,
                                                ex.headers.get("content-type") if ex.headers is not None else None)
            self.log.log_fetch(
                run_id=self.run_id, source=ctx.source.id, url=ex.url, final_url=ex.request_url, status=ex.status,
                content_type=ex.headers.get("content-type") if ex.headers is not None else None,
                bytes=ex.nbytes, sha256=sha, etag=etag, last_modified=modified, error=ex.error,
                conditional=ex.conditional, attempt=ex.attempt, elapsed_ms=round(ex.elapsed * 1000, 1))
            ctx.result.requests += 1
            if self.on_request is not None:
                self.on_request(ex)

        resp = await self.client.get(
            url, etag=known.etag if known else None, last_modified=known.last_modified if known else None,
            accept_url=ctx.accepts, observer=observe)
        if not resp.exchanges:  # decided without a request: robots.txt or policy
            self.log.log_fetch(run_id=self.run_id, source=ctx.source.id, url=url, final_url=resp.final_url,
                               error=resp.error, bytes=0)
        if resp.error == ROBOTS_ERROR or (resp.error or "").startswith("redirect to a host outside"):
            ctx.result.skipped += 1
            return None
        disposition = [v for k, v in resp.headers.raw if k.lower() == b"content-disposition"]
        filename = filename_from_disposition(disposition[0]) if disposition else None
        if resp.not_modified and known is not None:
            fetched = Fetched(url, resp.final_url, self.store.get(known.sha256), known.sha256,
                              resp.content_type or known.content_type, filename, reused=True)
        elif resp.ok and resp.body is not None:
            sha = stored.get(resp.final_url) or hashlib.sha256(resp.body).hexdigest()
            fetched = Fetched(url, resp.final_url, resp.body, sha, resp.content_type, filename)
        else:
            error = resp.error or f"HTTP {resp.status}"
            ctx.result.errors.append(f"{url}: {error}")
            if "circuit open" in error:
                ctx.fatal = True
            return None
        self.memo[url] = _bodiless(fetched)
        return fetched


def _bodiless(f: Fetched) -> Fetched:
    """A memo entry: the body stays in the store, not in memory."""
    return Fetched(f.url, f.final_url, b"", f.sha256, f.content_type, f.filename, f.reused)


def crawl(sources: list[Source], store_dir: Path | str, policy: Politeness | None = None,
          **kwargs: Any) -> list[SourceResult]:
    """Synchronous wrapper around ``Crawler.run``."""
    return asyncio.run(Crawler(store_dir, policy, **kwargs).run(sources))

