"""Crawl sources concurrently: column tree → family listing → report rows → detail pages → attachments.

Per source: its start columns and their sub-columns (year, publisher-group and agency columns) are listed by
the CMS family the registry hints or detection finds (``scrapers.platforms``); rows become reports through
the column's meaning (``scrapers.titles``); cut titles are completed from the detail page; each report's
page and attachments are stored as one report (``scrapers.store.report_of``). List pages are never stored.
Every body goes to the raw store, every request to the fetch log. An anti-bot challenge stops the source at
once (status ``blocked`` with the signal seen). A dry run (``dry_run=True``) stores nothing.
One source's failure is recorded in its result and never stops the others.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from . import audit as audit_mod
from .discovery import HostPolicy, attachment_ext, media_type
from .encoding import filename_from_disposition, safe_name
from .fetchlog import FetchLog, Validators
from .http import Exchange, PoliteClient, Reason
from .pages import Attachment, DetailPage, Page, is_stub, redirect_target
from .platforms import Family, Fetched, Row, family_for
from .platforms.base import SubColumn, frame_lists, is_below, is_list_page, list_markers, subcolumns
from .politeness import Politeness, host_key
from .registry import Source
from .store import ATTACHMENT, PAGE, PICTURE, RawStore, StoredDocument, report_of
from .titles import column_report_year, maybe_report, report_year, title_year, year_label
from .urls import looks_like_column, looks_like_detail

Progress = Callable[..., None]
NEAR_EMPTY = 512  # bytes: a 200 column page this small without links is a WAF blip or a JS shell


@dataclass(frozen=True)
class FoundReport:
    """A report the crawl found (what ``ogi sources check`` prints)."""

    url: str
    title: str
    year: int | None
    published: dt.date | None
    column: str
    attachments: tuple[str, ...] = ()
    stored: bool = False


@dataclass
class SourceResult:
    """What one source's crawl did; ``status`` is ok, partial (some documents failed), blocked (an anti-bot
    challenge stopped it; ``signal`` says which) or failed."""

    source: str
    status: str = "ok"
    reports: int = 0  # report links found (before --since)
    selected: int = 0  # reports at or after --since
    documents: int = 0  # documents of this source in the manifest after the run
    new: int = 0  # documents added to the manifest by this run
    unchanged: int = 0  # bodies reused: 304 Not Modified or already fetched by the resumed run
    skipped: int = 0  # requests robots.txt disallows or outside the source's hosts
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    signal: str | None = None  # the anti-bot challenge that blocked the source
    families: list[str] = field(default_factory=list)  # CMS families of the columns listed
    columns: list[str] = field(default_factory=list)  # columns listed (start columns and sub-columns)
    list_pages: int = 0  # list pages and list API calls made
    found: list[FoundReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    audit: audit_mod.SourceAudit | None = None
    flags: list[str] = field(default_factory=list)  # fewer reports than the last run, none, missing years

    @property
    def years(self) -> dict[int, int]:
        return dict(Counter(r.year for r in self.found if r.year))


@dataclass
class _Column:
    url: str
    annual: bool = True
    year: int | None = None  # a year sub-column's year
    label: str = ""  # the sub-column's link text (a year, a group, an agency)
    start: bool = False
    depth: int = 0  # 0 for a start column
    parent: str | None = None  # the column that linked it (sent as Referer)


@dataclass
class _Candidate:
    row: Row
    column: _Column
    year: int | None
    maybe: bool  # the title is cut or short: the detail page decides


class SourceRun:
    """One source's crawl state; the ``Client`` the families fetch through."""

    def __init__(self, crawler: Crawler, source: Source) -> None:
        self.crawler = crawler
        self.source = source
        self.hints: Mapping[str, str] = source.hints
        self.since = crawler.since
        self.max_pages = int(source.hints.get("max_pages", crawler.max_list_pages))
        extra = [h for h in source.hints.get("hosts", "").split(",") if h]
        self.accepts = HostPolicy(list(source.start_urls), extra)
        self.allow_local = source.hints.get("allow_local") == "1"
        self.start_hosts = {host_key(u) for u in source.start_urls}
        self.result = SourceResult(source.id)
        self.queue: deque[_Column] = deque(_Column(u, annual=True, start=True) for u in source.start_urls)
        self.seen_columns: set[str] = set()
        self.candidates: dict[str, _Candidate] = {}
        self.prefetched: dict[str, Fetched] = {}
        self.fatal = False
        self.blocked: str | None = None

    @property
    def stopped(self) -> bool:
        return self.blocked is not None or self.fatal

    async def fetch(self, url: str, *, method: str = "GET", data: Mapping[str, str] | None = None,
                    referer: str | None = None, probe: bool = False) -> Fetched | None:
        if self.stopped:
            return None
        return await self.crawler._fetch(self, url, method=method, data=data, referer=referer, probe=probe)

    def error(self, text: str) -> None:
        if text not in self.result.errors:
            self.result.errors.append(text)


class Crawler:
    """Crawl into the store at ``store_dir`` (``OUT/raw``) with one shared polite client; ``dry_run`` stores
    nothing and downloads no attachment (``ogi sources check``)."""

    def __init__(
        self,
        store_dir: Path | str | None,
        policy: Politeness | None = None,
        *,
        since: int | None = None,
        max_list_pages: int = 200,
        max_columns: int = 300,
        detail_concurrency: int = 4,
        max_sources: int = 64,
        progress: Progress | None = None,
        on_request: Callable[[Exchange], None] | None = None,
        dry_run: bool = False,
        today: dt.date | None = None,
    ) -> None:
        self.dry_run = dry_run or store_dir is None
        self.store = None if self.dry_run else RawStore(store_dir)  # type: ignore[arg-type]
        self.policy = policy or Politeness()
        self.since = since
        self.max_list_pages = max_list_pages
        self.max_columns = max_columns
        self.detail_concurrency = detail_concurrency
        self.max_sources = max_sources
        self.progress = progress or (lambda *a, **k: None)
        self.on_request = on_request
        self.today = today or dt.date.today()
        self.run_id = 0
        self.resumed = False
        self.log: FetchLog | None = None

    async def run(self, sources: list[Source]) -> list[SourceResult]:
        """Crawl ``sources``; resumes the previous run if it stopped early with the same targets."""
        key = " ".join(sorted(s.id for s in sources)) + (f" since={self.since}" if self.since else "")
        self.memo: dict[tuple[str, str, str], Fetched] = {}
        self.completed: dict[str, Validators] = {}
        self.known: dict[str, Validators] = {}
        self.doc_keys: set[tuple[str, str]] = set()
        if self.store is not None:
            self.log = FetchLog(self.store.log_path)
        try:
            if self.log is not None:
                self.run_id, self.resumed = self.log.begin_run(key)
                self.completed = self.log.completed(self.run_id) if self.resumed else {}
                self.known = self.log.all_validators()
                self.doc_keys = self.log.document_keys()
            limit = asyncio.Semaphore(self.max_sources)
            async with PoliteClient(self.policy) as self.client:

                async def one(src: Source) -> SourceResult:
                    async with limit:
                        return await self._source(src)

                results = list(await asyncio.gather(*(one(s) for s in sources)))
            if self.log is not None:
                self.log.finish_run(self.run_id)
            return results
        finally:
            if self.log is not None:
                self.log.close()

    # one source ------------------------------------------------------------------------------------------
    async def _source(self, src: Source) -> SourceResult:
        run = SourceRun(self, src)
        result = run.result
        self.progress(src.id, "start")
        try:
            start_ok = False
            sem = asyncio.Semaphore(self.detail_concurrency)

            async def report(cand: _Candidate) -> None:
                async with sem:
                    if not run.stopped:
                        await self._report(run, cand)
                self.progress(src.id, "advance")

            while run.queue and not run.stopped:  # a detail page can turn out to be a list: another round
                candidates, ok = await self._discover(run)
                start_ok = start_ok or ok
                chosen = [c for c in candidates if self.since is None or c.year is None or c.year >= self.since]
                result.reports += len(candidates)
                result.selected += len(chosen)
                self.progress(src.id, "reports", total=result.selected)
                await asyncio.gather(*(report(c) for c in chosen))
            if run.blocked:
                result.status, result.signal = "blocked", run.blocked
            elif not start_ok or run.fatal:
                result.status = "failed"
            elif not result.found:
                result.status = "failed"
                run.error("no reports found (zero results is a failure)")
            elif result.errors:
                result.status = "partial"
        except Exception as exc:  # one source never stops the others
            result.status = "failed"
            run.error(f"{type(exc).__name__}: {exc}")
        self._audit(run)
        result.documents = sum(1 for s, _h in self.doc_keys if s == src.id)
        self.progress(src.id, "done", result=result)
        return result

    def _audit(self, run: SourceRun) -> None:
        """Expected against found years, and the comparison with the source's previous run (flags)."""
        result = run.result
        previous = None
        if self.log is not None:
            previous = self.log.last_source_run(result.source, self.run_id)
        first, last = run.hints.get("first_year", ""), run.hints.get("last_year", "")
        result.audit = audit_mod.audit(result.source, result.years, int(first) if first.isdigit() else None,
                                       today=self.today, since=self.since,
                                       previous=previous["reports"] if previous else None,
                                       last_year=int(last) if last.isdigit() else None)
        result.flags = result.audit.flags(result.status)
        if self.log is not None:
            a = result.audit
            self.log.add_source_run(
                run_id=self.run_id, source=result.source, status=result.status, families=",".join(result.families),
                reports=len(result.found), years=audit_mod.dump_years(result.years), first_year=a.first_year,
                last_year=a.last_year, missing=",".join(map(str, a.missing)), signal=result.signal,
                flags="; ".join(result.flags))

    async def _discover(self, run: SourceRun) -> tuple[list[_Candidate], bool]:
        """List the queued columns (and the sub-columns they reveal); returns the new report candidates."""
        src = run.source
        queue, seen, found = run.queue, run.seen_columns, run.candidates
        new: dict[str, _Candidate] = {}
        start_ok = False
        while queue and not run.stopped and len(run.result.columns) < self.max_columns:
            column = queue.popleft()
            if column.url in seen:
                continue
            seen.add(column.url)
            fetched = await run.fetch(column.url, referer=column.parent)
            if fetched is None:
                continue
            start_ok = start_ok or column.start
            kind = media_type(fetched.body, fetched.content_type, attachment_ext(column.url))
            if kind != "text/html":
                if column.start:  # a start URL that is the report itself (a PDF, a text file)
                    run.prefetched[column.url] = fetched
                    title = fetched.filename or ""
                    row = Row(column.url, title, list_url="")
                    new.setdefault(column.url, _Candidate(row, column, report_year(title), False))
                continue
            page = fetched.page()
            shell = redirect_target(page, len(fetched.body))
            if shell is not None and not list_markers(page):  # a redirect shell: the column is where it points
                if run.accepts(shell) and shell not in seen:
                    run.result.notes.append(f"{column.url}: a redirect shell to {shell}")
                    queue.appendleft(_Column(shell, column.annual, column.year, column.label, column.start,
                                             column.depth, column.parent))
                continue
            if column.start and await self._near_empty(run, fetched, page):
                break
            family = family_for(page, src.hints.get("cms"))
            if column.start and self._is_report_page(run, page, family):
                run.prefetched[column.url] = fetched
                detail = DetailPage(page.url, page.html)
                row = Row(column.url, detail.title, detail.published)
                new.setdefault(column.url, _Candidate(row, column, detail.year, detail.year is None))
                continue
            listing = await family.list_column(run, page)
            run.result.columns.append(column.url)
            run.result.list_pages += len(listing.walked)
            if family.name not in run.result.families:
                run.result.families.append(family.name)
            run.result.notes += [f"{column.url}: {n}" for n in listing.notes]
            annual = column.annual or page.is_annual_column
            subs = [*listing.subcolumns, *subcolumns(page, annual)]
            for row in listing.rows:
                cand = self._classify(run, row, column)
                if cand is None or cand.row.url in found or cand.row.url in new:
                    continue
                if await self._is_subcolumn(run, cand):  # a bare 2023年度 link to a list, not an article
                    subs.append(SubColumn(row.url, row.title))
                    continue
                new[cand.row.url] = cand
            for sub in [*subs, *frame_lists(page)]:
                year = year_label(sub.label)
                if sub.url in seen or not run.accepts(sub.url) or (self.since and year and year < self.since):
                    continue
                if column.depth >= 1 and not year and not is_below(sub.url, column.url) and (
                        column.depth >= 2 or not sub.label):
                    continue  # deeper down only years, child folders, one level of groups: never the whole site
                queue.append(_Column(sub.url, annual=True, year=year or column.year,
                                     label=sub.label if not year else column.label, depth=column.depth + 1,
                                     parent=page.url))
        found.update(new)
        return list(new.values()), start_ok

    async def _near_empty(self, run: SourceRun, fetched: Fetched, page: Page) -> bool:
        """A start page that is a near-empty 200 (WAF blip or JS shell) is asked once more; if it is near-empty
        again the source is blocked (never retried into a ban)."""
        if len(fetched.body.strip()) >= NEAR_EMPTY or page.links or is_stub(fetched.body):
            return False
        await asyncio.sleep(max(self.policy.backoff_base, self.policy.min_interval))
        again = await self._fetch(run, fetched.url, fresh=True)
        if again is not None and (len(again.body.strip()) >= NEAR_EMPTY or again.page().links):
            return False
        size = len(again.body) if again is not None else len(fetched.body)
        run.blocked = f"HTTP 200 with a near-empty body ({size} bytes) twice: WAF or JS shell"
        return True

    def _is_report_page(self, run: SourceRun, page: Page, family: Family) -> bool:
        """A start URL that is a report page rather than a column: the page presents an article (its own
        ArticleTitle names a report, or the registry or the URL's shape says so) and shows no pager or list
        API (a sidebar of related reports does not make an article a list)."""
        if family.name not in ("generic", "trs_classic", "vsb") or list_markers(page):
            return False
        article = page.meta("ArticleTitle")
        if article and report_year(article):
            return True
        if run.hints.get("start") == "report" or looks_like_detail(page.url):
            return True
        return False

    async def _is_subcolumn(self, run: SourceRun, cand: _Candidate) -> bool:
        """A row titled only with a year (``2023年度``) whose URL is not an article's may be a year sub-column
        (any list file name: ``fg.shtml``, ``nb2023.htm`` …): open it and look, as a reader would."""
        url = cand.row.url
        if not year_label(cand.row.title) or looks_like_detail(url) or attachment_ext(url):
            return False
        got = await run.fetch(url, referer=cand.row.list_url or None)
        if got is None or media_type(got.body, got.content_type) != "text/html":
            return False
        return is_list_page(got.page())

    def _classify(self, run: SourceRun, row: Row, column: _Column) -> _Candidate | None:
        """Whether a row is a report, in its column's context (None when it is not)."""
        if not run.accepts(row.url) or (looks_like_column(row.url) and not attachment_ext(row.url)):
            return None
        year = column_report_year(row.title, column.year, column.annual and not row.truncated)
        if row.truncated:
            if year is not None or maybe_report(row.title, column.annual):
                return _Candidate(row, column, year or title_year(row.title), True)
            return None
        if year is None:
            return None
        if not report_year(row.title) and column.label:
            row = Row(row.url, f"{column.label} {row.title}", row.published, row.truncated, row.pinned,
                      row.list_url, row.attachments)
        return _Candidate(row, column, year, False)

    # reports and attachments -----------------------------------------------------------------------------
    async def _report(self, run: SourceRun, cand: _Candidate) -> None:
        link = cand.row
        fetched = run.prefetched.get(link.url) or await run.fetch(link.url, referer=link.list_url or None)
        if fetched is None:
            return
        ext = attachment_ext(link.url, link.title)
        kind = media_type(fetched.body, fetched.content_type, ext)
        if kind != "text/html":
            if cand.maybe and cand.year is None:
                return
            self._document(run, fetched, link.title, kind, ATTACHMENT, cand.year, link.published,
                           parent=link.list_url or None, report=fetched.url)
            run.result.found.append(FoundReport(fetched.url, link.title, cand.year, link.published,
                                                cand.column.url, (), True))
            return
        if is_stub(fetched.body):
            run.result.notes.append(f"{link.url}: removed (a meta-refresh stub), not stored")
            return
        if len(fetched.body.strip()) < NEAR_EMPTY and not fetched.page().links:  # a WAF blip: ask once more
            await asyncio.sleep(max(self.policy.backoff_base, self.policy.min_interval))
            again = await self._fetch(run, link.url, referer=link.list_url or None, fresh=True)
            if again is None or len(again.body.strip()) < NEAR_EMPTY:
                run.error(f"{link.url}: a near-empty page twice (WAF or JS shell), not stored")
                return
            fetched = again
        detail = DetailPage(fetched.final_url, fetched.text)
        if not detail.meta("ArticleTitle") and (list_markers(detail) or (is_list_page(detail) and not detail.year)):
            if fetched.final_url not in run.seen_columns:  # a list, not a report: list it as a sub-column
                run.queue.append(_Column(fetched.final_url, annual=True, year=cand.year or cand.column.year,
                                         label=cand.column.label))
                run.result.notes.append(f"{link.url}: a list page, listed as a sub-column (not stored)")
            return
        title, year = link.title, cand.year
        if cand.maybe or not report_year(title):
            if detail.year is not None:
                title, year = detail.title, year or detail.year
            elif cand.maybe and not (cand.year and detail.is_report):
                return  # the cut title did not name a report after all
        if year is None or (self.since is not None and year < self.since):
            return
        published = link.published or detail.published
        self._document(run, fetched, title, kind, PAGE, year, published, parent=link.list_url or None,
                       report=fetched.final_url)
        family = family_for(detail, run.hints.get("cms"))
        found = {a.url: a for a in [*family.attachments(detail), *link.attachments]}
        atts = [a for a in found.values() if run.accepts(a.url)]
        run.result.skipped += len(found) - len(atts)
        own = self._separate_reports(atts)
        names: list[str] = []
        for att in atts:
            names.append(att.url)
            if self.dry_run:
                continue
            got = await run.fetch(att.url, referer=fetched.final_url)
            if got is None:
                continue
            att_kind = media_type(got.body, got.content_type, att.ext)
            if att_kind == "text/html":
                if att.ext:
                    run.error(f"{att.url}: attachment link returned an HTML page")
                continue
            att_year = column_report_year(att.text, None, True) if att.url in own else year
            self._document(run, got, att.text if att.url in own else title, att_kind, ATTACHMENT, att_year,
                           published, parent=fetched.final_url, label=att.text,
                           report=report_of(ATTACHMENT, got.url, fetched.final_url, att.url in own))
        if not self.dry_run:  # tables printed as pictures: stored for the page's extraction, not reports
            for pic in detail.pictures():
                if not run.accepts(pic.url):
                    run.result.skipped += 1
                    continue
                got = await run.fetch(pic.url, referer=fetched.final_url)
                if got is None:
                    continue
                pic_kind = media_type(got.body, got.content_type, pic.ext)
                if pic_kind.startswith("image/"):
                    self._document(run, got, title, pic_kind, PICTURE, year, published, parent=fetched.final_url,
                                   label=pic.text, report=report_of(PICTURE, got.url, fetched.final_url))
        run.result.found.append(FoundReport(fetched.final_url, title, year, published, cand.column.url,
                                            tuple(names), not self.dry_run))

    @staticmethod
    def _separate_reports(atts: list[Attachment]) -> set[str]:
        """Attachments that are reports of their own: a page linking several, each labelled as a report of a
        different agency or year (年报汇总 pages)."""
        labelled = [a for a in atts if column_report_year(a.text, None, True)]
        distinct = {a.text for a in labelled}
        return {a.url for a in labelled} if len(labelled) >= 2 and len(distinct) == len(labelled) else set()

    def _document(self, run: SourceRun, fetched: Fetched, title: str, kind: str, role: str, year: int | None,
                  published: dt.date | None, parent: str | None, report: str, label: str = "") -> None:
        filename = fetched.filename or (safe_name(label) if label and attachment_ext("", label) else None)
        if not filename and role == ATTACHMENT:
            filename = safe_name(unquote(urlsplit(fetched.final_url).path))
        if self.dry_run or self.log is None:
            return
        doc = StoredDocument(
            sha256=fetched.sha256, source=run.source.id, url=fetched.url, final_url=fetched.final_url, title=title,
            media_type=kind, filename=filename, published=published, year=year or None, kind=role,
            parent_url=parent, report_url=report, run_id=self.run_id)
        key = (run.source.id, fetched.sha256)
        new = key not in self.doc_keys and self.log.add_document(
            **{k: getattr(doc, k) for k in ("sha256", "source", "url", "final_url", "title", "media_type",
                                            "filename", "published", "year", "kind", "parent_url", "run_id",
                                            "report_url")})
        self.doc_keys.add(key)
        if new:
            run.result.new += 1
        if fetched.reused:
            run.result.unchanged += 1

    # fetching ------------------------------------------------------------------------------------------
    async def _fetch(self, run: SourceRun, url: str, *, method: str = "GET", data: Mapping[str, str] | None = None,
                     referer: str | None = None, probe: bool = False, fresh: bool = False) -> Fetched | None:
        """Body of ``url``: from this run, from the resumed run, or over HTTP (conditional when known)."""
        form = urlencode(list(data.items())) if data is not None else ""
        memo_key = (method, url, form)
        if memo_key in self.memo and not fresh:
            hit = self.memo[memo_key]
            body = self.store.get(hit.sha256) if self.store is not None else hit.body
            return Fetched(hit.url, hit.final_url, body, hit.content_type, hit.status, hit.filename, hit.sha256,
                           hit.reused)
        done = self.completed.get(url) if method == "GET" and not fresh else None
        if done is not None and self.store is not None and self.store.has(done.sha256):
            fetched = Fetched(url, done.final_url or url, self.store.get(done.sha256), done.content_type,
                              sha256=done.sha256, reused=True)
            self.memo[memo_key] = self._bodiless(fetched)
            return fetched
        known = self.known.get(url) if method == "GET" and not fresh else None
        if known is not None and (self.store is None or not self.store.has(known.sha256)):
            known = None
        stored: dict[str, str] = {}

        def observe(ex: Exchange) -> None:
            sha: str | None = None
            etag = ex.headers.get("etag") if ex.headers is not None else None
            modified = ex.headers.get("last-modified") if ex.headers is not None else None
            ctype = ex.headers.get("content-type") if ex.headers is not None else None
            if ex.status == 200 and ex.body is not None and ex.error is None:
                if self.store is not None:
                    sha, _new = self.store.put(ex.body)
                else:
                    sha = hashlib.sha256(ex.body).hexdigest()
                stored[ex.request_url] = sha
            elif ex.status == 304 and known is not None:
                sha, etag, modified = known.sha256, etag or known.etag, modified or known.last_modified
            if sha is not None and ex.method == "GET":
                self.known[ex.url] = Validators(sha, etag, modified, ex.request_url, ctype)
            if self.log is not None:
                self.log.log_fetch(
                    run_id=self.run_id, source=run.source.id, url=ex.url, final_url=ex.request_url, status=ex.status,
                    content_type=ctype, bytes=ex.nbytes, sha256=sha, etag=etag, last_modified=modified,
                    error=ex.error, conditional=ex.conditional, attempt=ex.attempt,
                    elapsed_ms=round(ex.elapsed * 1000, 1), method=ex.method, form=ex.form,
                    reason=ex.reason.value if ex.reason else None)
            run.result.requests += 1
            if self.on_request is not None:
                self.on_request(ex)

        resp = await self.client.request(
            method, url, data=data, referer=referer, etag=known.etag if known else None,
            last_modified=known.last_modified if known else None, accept_url=run.accepts, observer=observe,
            allow_local=run.allow_local)
        if not resp.exchanges and self.log is not None:  # decided without a request: policy or robots.txt
            self.log.log_fetch(run_id=self.run_id, source=run.source.id, url=url, final_url=resp.final_url,
                               error=resp.error, bytes=0, method=method, form=form or None,
                               reason=resp.reason.value if resp.reason else None)
        reason = resp.reason
        if reason in (Reason.CHALLENGE, Reason.BLOCKED):
            if host_key(resp.final_url) in run.start_hosts or host_key(url) in run.start_hosts:
                run.blocked = resp.signal or resp.error
            else:
                run.error(f"{url}: {resp.error}")
            return None
        if reason is not None and reason.skip:
            run.result.skipped += 1
            if url in run.source.start_urls:
                run.error(f"{url}: {resp.error}")
            return None
        disposition = [v for k, v in resp.headers.raw if k.lower() == b"content-disposition"]
        filename = filename_from_disposition(disposition[0]) if disposition else None
        if resp.not_modified and known is not None and self.store is not None:
            fetched = Fetched(url, resp.final_url, self.store.get(known.sha256), resp.content_type or known.content_type,
                              200, filename, known.sha256, reused=True)
        elif resp.ok and resp.body is not None:
            sha = stored.get(resp.final_url) or hashlib.sha256(resp.body).hexdigest()
            fetched = Fetched(url, resp.final_url, resp.body, resp.content_type, 200, filename, sha)
        else:
            if not (probe and resp.status in (404, 410)):
                run.error(f"{url}: {resp.error or f'HTTP {resp.status}'}")
            if reason is Reason.CIRCUIT_OPEN:
                run.fatal = True
            return None
        self.memo[memo_key] = self._bodiless(fetched)
        return fetched

    def _bodiless(self, f: Fetched) -> Fetched:
        """A memo entry: the body stays in the store (a dry run keeps it in memory)."""
        body = f.body if self.store is None else b""
        return Fetched(f.url, f.final_url, body, f.content_type, f.status, f.filename, f.sha256, f.reused)


def crawl(sources: list[Source], store_dir: Path | str, policy: Politeness | None = None,
          **kwargs: Any) -> list[SourceResult]:
    """Synchronous wrapper around ``Crawler.run``."""
    return asyncio.run(Crawler(store_dir, policy, **kwargs).run(sources))


__all__ = ["Crawler", "FoundReport", "SourceResult", "crawl"]
