"""The seam between the crawler and the CMS families: what a family gets (a ``Client`` to fetch through) and
what it gives back (a ``Listing`` of rows and sub-columns, a detail page's attachments).

A family module defines one ``Family`` subclass: ``detect`` (is this page ours?), ``list_column`` (every row
of a column, walking the family's own pager or list API), ``attachments`` (of a detail page). The crawler
decides which rows are reports (``scrapers.titles``), fetches details and stores documents.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from ..pagers import link_pages
from ..pages import Attachment, Link, Page, attachments, fragment, links_of
from ..titles import annual_name, column_report_year, group_label, year_label
from ..urls import looks_like_column, looks_like_detail


@dataclass(frozen=True)
class Row:
    """One row of a list: where it points, its fullest title, whether that may be cut, its date."""

    url: str
    title: str
    published: dt.date | None = None
    truncated: bool = False
    pinned: bool = False
    list_url: str = ""
    attachments: tuple[Attachment, ...] = ()  # when the list API names them (gkmlpt)

    @classmethod
    def of(cls, link: Link, list_url: str) -> Row:
        return cls(link.url, link.title, link.published, link.truncated, link.pinned, list_url)


@dataclass(frozen=True)
class SubColumn:
    url: str
    label: str


@dataclass
class Listing:
    """What a family found in one column."""

    family: str
    rows: list[Row] = field(default_factory=list)
    subcolumns: list[SubColumn] = field(default_factory=list)
    walked: list[str] = field(default_factory=list)  # list pages and API calls made
    declared: int | None = None  # rows the site says the column holds
    notes: list[str] = field(default_factory=list)
    idle: int = field(default=0, repr=False)  # list pages in a row that added nothing

    def page_done(self, rows: list[Row], since: int | None) -> bool:
        """Add one list page's rows; True when paging should stop: two pages in a row added nothing new, or
        every dated row is before ``since`` (lists run newest first)."""
        self.idle = self.idle + 1 if self.add(rows) == 0 else 0
        return self.idle >= 2 or older_than(rows, since)

    def add(self, rows: list[Row]) -> int:
        """Add rows not seen yet (by URL); returns how many were new."""
        have = {r.url for r in self.rows}
        new = [r for r in rows if r.url not in have and not have.add(r.url)]  # type: ignore[func-returns-value]
        self.rows += new
        return len(new)


@dataclass
class Fetched:
    """A successful response as families see it."""

    url: str
    final_url: str
    body: bytes
    content_type: str | None
    status: int = 200
    filename: str | None = None
    sha256: str = ""
    reused: bool = False

    @property
    def text(self) -> str:
        from ..encoding import decode_html

        return decode_html(self.body, self.content_type)[0]

    def page(self) -> Page:
        return Page(self.final_url, self.text)


class Client(Protocol):
    """What the crawler lends a family: polite fetching within the source's hosts, and the source's hints."""

    hints: Mapping[str, str]
    since: int | None
    max_pages: int

    def accepts(self, url: str) -> bool: ...

    @property
    def stopped(self) -> bool: ...

    async def fetch(self, url: str, *, method: str = "GET", data: Mapping[str, str] | None = None,
                    referer: str | None = None, probe: bool = False) -> Fetched | None: ...


def rows_of(page: Page, links: list[Link] | None = None) -> list[Row]:
    return [Row.of(link, page.url) for link in (page.links if links is None else links)]


def fragment_rows(html: str, base: str, list_url: str) -> list[Row]:
    """Rows of an HTML fragment (a CDATA record, a JSON ``html`` field, a label response)."""
    return [Row.of(link, list_url) for link in links_of(fragment(html), base)]


def older_than(rows: list[Row], since: int | None, annual: bool = True) -> bool:
    """Every dated, unpinned report row is before ``since`` (lists run newest first: stop paging)."""
    if since is None:
        return False
    years = [column_report_year(r.title, None, annual) for r in rows if not r.pinned]
    years = [y for y in years if y]
    return bool(years) and all(y < since for y in years)


def _ancestor(candidate: str, here: str) -> bool:
    c, h = urlsplit(candidate), urlsplit(here)
    cpath = c.path if c.path.endswith("/") else c.path.rsplit("/", 1)[0] + "/"
    hdir = h.path.rsplit("/", 1)[0] + "/"
    return c.netloc == h.netloc and hdir.startswith(cpath) and hdir != cpath and not c.query


def is_below(candidate: str, here: str) -> bool:
    """Whether ``candidate`` lies in the folder of ``here`` (a child column), on the same host."""
    c, h = urlsplit(candidate), urlsplit(here)
    folder = h.path.rsplit("/", 1)[0] + "/"
    return c.netloc == h.netloc and c.path.startswith(folder) and c.path != h.path


_FRAME_LIST = re.compile(r"pagemore|iframepager|list|column|subject|index", re.I)


def frame_lists(page: Page) -> list[SubColumn]:
    """Lists a column embeds in an ``<iframe>`` (Shanghai's ``iframePagerIndex_…html?page=N``, 信息公开
    platforms): listed like sub-columns, with the column as Referer. PDF viewers and media are not lists."""
    if page.doc is None:
        return []
    out = []
    for el in page.doc.iter("iframe"):
        src = (el.get("src") or "").strip()
        if not src or src.lower().startswith(("javascript:", "about:")):
            continue
        url = urljoin(page.base, src)
        if urlsplit(url).scheme in ("http", "https") and _FRAME_LIST.search(urlsplit(url).path) \
                and "viewer" not in url.lower() and "/module/xxgk/" not in url:
            out.append(SubColumn(url, ""))
    return out


def subcolumns(page: Page, annual: bool) -> list[SubColumn]:
    """Child columns of a 年报 column: column-shaped links on the same host labelled with a year (``2023年``)
    or a publisher group or agency (``部门年报``, ``区教育局``), and 年报-named columns below this one's folder;
    never the column itself or one of its ancestors (breadcrumbs), nor a sibling section of the site nav."""
    here = urlsplit(page.url)
    out: dict[str, SubColumn] = {}
    for link in page.links:
        parts = urlsplit(link.url)
        if parts.netloc != here.netloc or link.url == page.url or not looks_like_column(link.url):
            continue
        if _ancestor(link.url, page.url) or parts.path in ("", "/"):
            continue
        label = link.title
        named = annual_name(label) and len(label) <= 16 and is_below(link.url, page.url)
        if year_label(label) or (annual and group_label(label)) or named:
            out.setdefault(link.url, SubColumn(link.url, label))
    return list(out.values())


_LIST_MARKERS = ("createpagehtml", "<datastore", ".jpage(", "list2.trsapi", "/site/label/8888", "fungopage(",
                 "jpaas-publish-server", "window._config", "class=\"p_t\"", "pagination(")


def list_markers(page: Page) -> bool:
    """A pager or list-API marker (createPageHTML, jpage datastore, list2.trsapi, label 8888, 下一页 links …)."""
    from ..pagers import link_pages, page_count

    low = page.fingerprint()
    if any(m in low for m in _LIST_MARKERS) or page_count(page.html):
        return True
    return bool(link_pages([(link.url, link.title) for link in page.links], page.url))


def is_list_page(page: Page) -> bool:
    """Whether a page lists documents rather than presents one: a pager or list-API marker, or several report
    or article links, and no article title of its own."""
    if page.meta("ArticleTitle"):
        return False
    if list_markers(page):
        return True
    reports = sum(1 for link in page.links if column_report_year(link.title, None, True))
    articles = sum(1 for link in page.links if looks_like_detail(link.url))
    return reports >= 2 or articles >= 5


def new_content(links: list[Link], seen: set[str]) -> int:
    """Links not seen on earlier pages of the list, pager links left out."""
    fresh = 0
    for link in links:
        if link.url in seen:
            continue
        seen.add(link.url)
        if looks_like_detail(link.url) or not looks_like_column(link.url):
            fresh += 1
    return fresh


def same_page(a: str, b: str) -> bool:
    """Two URLs of one list page: equal, or a folder and its ``index.*`` file."""
    a, b = a.split("#")[0], b.split("#")[0]
    if a == b:
        return True
    for x, y in ((a, b), (b, a)):
        if x.endswith("/") and y.startswith(x) and re.fullmatch(r"(?:index|default)\.s?html?", y[len(x):], re.I):
            return True
    return False


class Family:
    """A CMS family. Subclasses override ``detect`` and usually ``list_column``; the default lists a static
    column: the page's rows, then its pager's pages (explicit URLs first, else 下一页/page-number links)."""

    name = "generic"
    label = "generic static list (下一页 and page-number links)"
    api = False  # rows come from requests beyond the static pages (a list proxy, a JSON or label API)
    rank = 500  # detection order, lowest first: API families, then static dialects, the generic list last
    aliases: tuple[str, ...] = ()  # other names a registry ``cms`` hint may give the family

    def __init_subclass__(cls, **meta: object) -> None:
        """``class X(Family, name=…, label=…, rank=…, api=…, aliases=…)``: a family's facts in its class line."""
        super().__init_subclass__()
        for key, value in meta.items():
            if key not in ("name", "label", "api", "rank", "aliases"):
                raise TypeError(f"{cls.__name__}: unknown family attribute {key!r}")
            setattr(cls, key, value)

    def detect(self, page: Page) -> bool:
        return False

    def pages(self, page: Page) -> list[str] | None:
        """Every page of the list when the pager says so (the first included), else None."""
        return None

    async def page_urls(self, client: Client, page: Page) -> list[str] | None:
        """``pages``, when a family must ask the site to settle a guess (e.g. the file extension)."""
        return self.pages(page)

    def rows(self, page: Page) -> list[Row]:
        return rows_of(page)

    def attachments(self, page: Page) -> list[Attachment]:
        return attachments(page)

    async def list_column(self, client: Client, page: Page) -> Listing:
        listing = Listing(self.name, walked=[page.url])
        listing.add(self.rows(page))
        await self.walk(client, page, listing)
        return listing

    async def walk(self, client: Client, page: Page, listing: Listing) -> None:
        """The pages after the first: an explicit sequence (stop at the first missing page after a success,
        a stub, or a page adding nothing), else pager links breadth-first."""
        seen = {link.url for link in page.links}
        if older_than(listing.rows, client.since):
            return
        explicit = await self.page_urls(client, page)
        if explicit is not None:
            todo = [u for u in explicit if not same_page(u, page.url)]
            misses = 0
            for n, url in enumerate(todo[: client.max_pages]):
                if client.stopped:
                    return
                got = await client.fetch(url, referer=page.url, probe=True)
                listing.walked.append(url)
                if got is None:
                    misses += 1
                    if n == 0 and misses == 1:  # the numbering base was a guess: 1-based lists start at _2
                        continue
                    return
                nxt = got.page()
                if new_content(nxt.links, seen) == 0:
                    listing.notes.append(f"{url}: adds no new links (stub or end of list): stopped")
                    return
                rows = self.rows(nxt)
                listing.add(rows)
                if older_than(rows, client.since):
                    return
            return
        queue = [u for u in link_pages([(link.url, link.title) for link in page.links], page.url)]
        visited = {page.url}
        while queue and len(visited) < client.max_pages and not client.stopped:
            url = queue.pop(0)
            if url in visited or not client.accepts(url):
                continue
            visited.add(url)
            got = await client.fetch(url, referer=page.url, probe=True)
            listing.walked.append(url)
            if got is None:
                continue
            nxt = got.page()
            if new_content(nxt.links, seen) == 0:
                continue
            rows = self.rows(nxt)
            listing.add(rows)
            if older_than(rows, client.since):
                return
            queue += [u for u in link_pages([(link.url, link.title) for link in nxt.links], nxt.url)
                      if u not in visited]
