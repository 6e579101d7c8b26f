"""Hanweb (大汉) JCMS columns: ``/col/col<C>/index.html`` with a jpage list.

The column page keeps group 1 inline (``<script type="text/xml"><datastore><nextgroup>…<recordset><record>
<![CDATA[<li>…</li>]]>…``) and a jQuery ``.jpage({totalRecord: T, perPage: P, groupSize: 3, …})`` call; the
rest comes from ``/module/web/jpage/dataproxy.jsp`` (older sites ``/module/jpage/dataproxy.jsp``), one group
of perPage × groupSize records per call. The usual call is POST (query ``startrecord/endrecord/perpage``,
form ``col, appid, webid, path, columnid, sourceContentType, unitid, webname, permissiontype``); many sites
also answer GET with the same fields, or the ``page=N`` form of the ``<nextgroup>`` href. Some servers ignore
``startrecord`` and page by group; encrypted variants give an empty body past the inline group. The
column page itself never changes with ``?uid=&pageNum=``. Records' dates may be split across lines.
Attachments: ``/module/download/downfile.jsp?classid=0&filename=<hex>.pdf`` → 302 → ``/attach/…``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ..pagers import js_numbers, parse_datastore
from ..pages import Page
from .base import Client, Family, Listing, Row, fragment_rows, older_than, rows_of

_PROXY = re.compile(r"""((?:https?:)?[\w/.\-]*?/module/(?:web/)?jpage/dataproxy\.jsp(?:\?[^"'<>\s\]]*)?)""", re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?\s*</nextgroup>", re.S | re.I)
_HREF = re.compile(r"""href\s*=\s*['"]([^'"]+)['"]""", re.I)
_JPAGE = re.compile(r"""\$\(\s*['"]#([\w\-]+)['"]\s*\)\s*\.jpage\s*\(\s*\{(.*?)\}\s*\)""", re.S | re.I)
_PROP = re.compile(r"""['"]?(\w+)['"]?\s*:\s*['"]?([^,'"}\s]*)['"]?""")
_COLUMN = re.compile(r"/col/col(\d+)/", re.I)
FORM_KEYS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname", "permissiontype")
PAGING = {"startrecord", "endrecord", "perpage", "page"}


@dataclass
class Jpage:
    """A jpage list: its proxy endpoint, the fields it posts, page and group sizes, the declared total."""

    endpoint: str
    params: dict[str, str] = field(default_factory=dict)
    perpage: int = 15
    group: int = 3
    total: int | None = None
    next_href: str | None = None  # the <nextgroup> href (GET page=N form)
    seen: set[str] = field(default_factory=set)  # records read so far (this listing's state)

    @property
    def batch(self) -> int:
        return self.perpage * self.group

    def form(self) -> dict[str, str]:
        out = {"col": "1", "appid": "1", "path": "/", "sourceContentType": "1", "permissiontype": "0"}
        out.update(self.params)
        return out

    def query_url(self, start: int, end: int, with_form: bool = False) -> str:
        q = {"startrecord": str(start), "endrecord": str(end), "perpage": str(self.perpage)}
        if with_form:
            q.update({k: v for k, v in self.form().items() if k not in q})
        p = urlsplit(self.endpoint)
        return urlunsplit((p.scheme, p.netloc, p.path, urlencode(q), ""))

    def page_url(self, n: int) -> str:
        base = self.next_href or self.query_url(1, 1, with_form=True)
        p = urlsplit(base)
        q = [(k, v) for k, v in parse_qsl(p.query, keep_blank_values=True) if k.lower() not in PAGING]
        return urlunsplit((p.scheme, p.netloc, p.path, urlencode([("page", str(n)), *q]), ""))


def find_jpage(page: Page, hints: dict[str, str] | None = None) -> Jpage | None:
    """The jpage list of a column page: proxy and fields from the <nextgroup> href, the jpage call, the
    column URL and the source's hints (columnid, unitid, webid, perpage)."""
    hints = dict(hints or {})
    html = page.html
    m_next = _NEXTGROUP.search(html)
    next_href = None
    if m_next:
        h = _HREF.search(m_next.group(1))
        next_href = urljoin(page.url, h.group(1).replace("&amp;", "&")) if h else None
    m_proxy = _PROXY.search(html)
    call = _JPAGE.search(html)
    props = {k.lower(): v for k, v in _PROP.findall(call.group(2))} if call else {}
    if not (next_href or m_proxy or call or hints.get("pager") == "hanweb" or "<datastore" in html.lower()):
        return None
    href = next_href or (urljoin(page.url, m_proxy.group(1).replace("&amp;", "&")) if m_proxy else None)
    if href is None and props.get("proxyurl"):
        href = urljoin(page.url, props["proxyurl"])
    if href is None:
        href = urljoin(page.url, "/module/web/jpage/dataproxy.jsp")
    p = urlsplit(href)
    endpoint = urlunsplit((p.scheme, p.netloc, p.path, "", ""))
    params = {k: v for k, v in parse_qsl(p.query, keep_blank_values=True) if k.lower() not in PAGING}
    numbers = {k.lower(): v for k, v in js_numbers(page.scripts).items()}
    for key in ("webid", "columnid", "unitid", "webname", "sourcecontenttype"):
        name = next((k for k in FORM_KEYS if k.lower() == key), key)
        if name not in params:
            value = hints.get(name) or props.get(key) or (str(numbers[key]) if key in numbers else None)
            if value:
                params[name] = value
    if "unitid" not in params and call and call.group(1).isdigit():
        params["unitid"] = call.group(1)
    if "columnid" not in params:
        col = _COLUMN.search(page.url)
        if col:
            params["columnid"] = col.group(1)
    if "columnid" not in params:
        return None
    per = hints.get("perpage") or props.get("perpage") or ""
    perpage = int(per) if per.isdigit() else 15
    group = int(props["groupsize"]) if props.get("groupsize", "").isdigit() else 3
    total = None
    for key in ("totalrecord", "allrecord", "totalrecords", "total"):
        if props.get(key, "").isdigit():
            total = int(props[key])
            break
    _records, inline_total = parse_datastore(html)
    return Jpage(endpoint, params, max(1, perpage), max(1, group), total or inline_total, next_href)


class HanwebJpage(Family, name="hanweb_jpage", rank=60, api=True, aliases=("hanweb", "jpage"),
                  label="Hanweb JCMS jpage (inline <datastore> + dataproxy.jsp XML, POST or GET)"):
    def detect(self, page: Page) -> bool:
        low = page.fingerprint()
        return "<datastore" in low or ".jpage(" in low or "dataproxy.jsp" in low

    def rows(self, page: Page) -> list[Row]:
        records, _total = parse_datastore(page.html)
        rows = rows_of(page)
        for record in records:
            rows += fragment_rows(record, page.base, page.url)
        return rows

    async def list_column(self, client: Client, page: Page) -> Listing:
        listing = Listing(self.name, walked=[page.url])
        records, _total = parse_datastore(page.html)
        listing.add(self.rows(page))
        if not records and "<datastore" not in page.html.lower() and ".jpage(" not in page.html.lower() \
                and "dataproxy.jsp" not in page.html.lower() and client.hints.get("pager") != "hanweb":
            await self.walk(client, page, listing)
            return listing
        jpage = find_jpage(page, dict(client.hints))
        if jpage is None:
            await self.walk(client, page, listing)  # Shandong-style /col/ pages listing /art/ links statically
            return listing
        if not client.accepts(jpage.endpoint):
            listing.notes.append(f"dataproxy endpoint {jpage.endpoint} is outside the source: not asked")
            return listing
        listing.declared = jpage.total
        if older_than(listing.rows, client.since):
            return listing
        # Shandong: the column page lists every dated /art/ row itself and the proxy answers nothing
        static = sum(1 for r in rows_of(page) if r.published is not None) if not records else 0
        if jpage.total and static >= jpage.total:
            return listing
        jpage.seen = set(records)
        await self._batches(client, page, jpage, len(records), listing)
        total = listing.declared or jpage.total
        if total and max(len(jpage.seen), static) < total:
            listing.notes.append(f"dataproxy.jsp returned nothing beyond record {len(jpage.seen)} of {total}: "
                                 "the rest is unreachable (encrypted fields or deep paging refused)")
        return listing

    async def _fetch_batch(self, client: Client, page: Page, jpage: Jpage, start: int, mode: str,
                           listing: Listing) -> tuple[list[str], int | None] | None:
        end = start + jpage.batch - 1
        if mode == "post":
            url = jpage.query_url(start, end)
            got = await client.fetch(url, method="POST", data=jpage.form(), referer=page.url, probe=True)
            listing.walked.append(f"POST {url}")
        elif mode == "get":
            url = jpage.query_url(start, end, with_form=True)
            got = await client.fetch(url, referer=page.url, probe=True)
            listing.walked.append(url)
        else:
            return None
        if got is None:
            return None
        return parse_datastore(got.text)

    async def _batches(self, client: Client, page: Page, jpage: Jpage, inline: int, listing: Listing) -> None:
        """startrecord/endrecord batches, POST first (the usual form), GET when POST is refused; when records
        are still missing afterwards (a server that ignores startrecord and pages by group, or refuses deep
        batches) the ``page=N`` form of the <nextgroup> href is tried."""
        total = jpage.total
        start = inline + 1
        modes = ["post", "get"]
        mode = modes.pop(0)
        first, idle, progressed = True, 0, False
        for _ in range(client.max_pages):
            if client.stopped:
                return
            if total is not None and start > total:
                break
            got = await self._fetch_batch(client, page, jpage, start, mode, listing)
            if first and (got is None or not got[0]):
                if modes:  # this form of the request is refused or empty: the next form, same records
                    mode = modes.pop(0)
                    continue
                break
            first = False
            if got is None:
                break
            records, found_total = got
            total = found_total if found_total is not None else total
            listing.declared = total
            if not records:
                if total is not None and start <= total:
                    listing.notes.append(f"dataproxy.jsp returned nothing from record {start} of {total}")
                break
            before = len(jpage.seen)
            jpage.seen.update(records)
            rows = [r for rec in records for r in fragment_rows(rec, page.base, page.url)]
            listing.add(rows)
            if older_than(rows, client.since):
                return
            new = len(jpage.seen) - before
            progressed = progressed or new > 0
            idle = idle + 1 if new == 0 else 0
            if idle >= 2:
                break  # startrecord is ignored
            start += len(records)
        if (total is not None and len(jpage.seen) >= total) or (total is None and progressed):
            return
        await self._pages(client, page, jpage, listing, total)

    async def _pages(self, client: Client, page: Page, jpage: Jpage, listing: Listing, total: int | None) -> None:
        """The ``page=N`` form (the <nextgroup> href), for servers that page by group."""
        idle = 0
        pages = math.ceil(total / jpage.perpage) if total else client.max_pages
        n = 1
        while n <= min(pages, client.max_pages) and not client.stopped:
            url = jpage.page_url(n)
            got = await client.fetch(url, referer=page.url, probe=True)
            listing.walked.append(url)
            if got is None:
                return
            records, found = parse_datastore(got.text)
            if not records:
                return
            jpage.seen.update(records)
            new = listing.add([r for rec in records for r in fragment_rows(rec, page.base, page.url)])
            if total is not None and len(jpage.seen) >= total:
                return
            idle = idle + 1 if new == 0 else 0
            if idle >= 2:
                return
            m = _NEXTGROUP.search(got.text)
            href = _HREF.search(m.group(1)) if m else None
            nxt = dict(parse_qsl(urlsplit(href.group(1)).query)).get("page") if href else None
            n = int(nxt) if nxt and nxt.isdigit() and int(nxt) > n else n + (len(records) // jpage.perpage or 1)


FAMILY = HanwebJpage()
