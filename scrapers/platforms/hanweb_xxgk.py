"""Hanweb 信息公开目录 module (xxgk): ``/module/xxgk/search.jsp`` lists, often inside an iframe.

A column embeds ``/module/xxgk/subjectinfo.jsp?area=…`` (or the start URL is an xxgk page itself); rows are
``tr.tr_main_value_odd|even``; the pager calls ``funGoPage('/module/xxgk/search.jsp', N)`` (or ``funGoPage(N)``).
Later pages: ``POST /module/xxgk/search.jsp?standardXxgk=0&isAllList=1&…&currpage=N&sortfield=,compaltedate:0``
with the form's fields (``infotypeId, jdid, area, divid, vc_title, …``), which the page's hidden inputs, its
URL and the source's hints give. Pinned rows come first (``b_settop``).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode, urljoin, urlsplit

from ..pagers import page_count
from ..pages import Page
from ..urls import query
from .base import Client, Family, Listing, older_than, rows_of

SEARCH = "/module/xxgk/search.jsp"
_GO = re.compile(r"funGoPage\s*\(\s*(?:['\"][^'\"]*['\"]\s*,\s*)?['\"]?(\d+)", re.I)
_FRAME = re.compile(r"""<iframe[^>]+src\s*=\s*["']([^"']*/module/xxgk/[^"']+)["']""", re.I)
FIELDS = ("infotypeId", "jdid", "area", "divid", "vc_title", "vc_number", "vc_filenumber", "vc_all", "texttype",
          "fbtime")


def form_fields(page: Page, hints: dict[str, str]) -> dict[str, str]:
    """The search form's fields: the page's hidden and text inputs, its URL's query, the source's hints."""
    out: dict[str, str] = {}
    if page.doc is not None:
        for el in page.doc.iter("input"):
            name = el.get("name")
            if name and (el.get("type") or "text").lower() in ("hidden", "text", ""):
                out.setdefault(name, el.get("value") or "")
    lower = {k.lower(): k for k in FIELDS}
    for key, value in query(page.url).items():
        out[lower.get(key.lower(), key)] = value
    for key in FIELDS:
        if hints.get(key):
            out[key] = hints[key]
    return out


def search_url(base: str, n: int) -> str:
    q = [("standardXxgk", "0"), ("isAllList", "1"), ("texttype", ""), ("fbtime", ""), ("vc_all", ""),
         ("vc_filenumber", ""), ("vc_title", ""), ("vc_number", ""), ("currpage", str(n)),
         ("sortfield", ",compaltedate:0")]
    return urljoin(base, SEARCH) + "?" + urlencode(q)


class HanwebXxgk(Family, name="hanweb_xxgk", rank=40, api=True, aliases=("xxgk",),
                 label="Hanweb 信息公开目录 (xxgk search.jsp, POST currpage=N)"):
    def detect(self, page: Page) -> bool:
        low = page.fingerprint()
        return "/module/xxgk/" in urlsplit(page.url).path.lower() or "tr_main_value" in low or (
            "/module/xxgk/" in low and ("fungopage" in low or "<iframe" in low))

    async def list_column(self, client: Client, page: Page) -> Listing:
        listing = Listing(self.name, walked=[page.url])
        listing.add(rows_of(page))
        frame = _FRAME.search(page.html)
        if frame and "/module/xxgk/" not in urlsplit(page.url).path:
            url = urljoin(page.url, frame.group(1).replace("&amp;", "&"))
            got = await client.fetch(url, referer=page.url) if client.accepts(url) else None
            listing.walked.append(url)
            if got is None:
                return listing
            page = got.page()
            listing.add(rows_of(page))
        fields = form_fields(page, dict(client.hints))
        pages = max([int(n) for n in _GO.findall(page.html)] + [page_count(page.html) or 0])
        if older_than(listing.rows, client.since) or not fields.get("area") and not fields.get("infotypeId"):
            return listing
        n = 2
        while n <= min(pages or client.max_pages, client.max_pages) and not client.stopped:
            url = search_url(page.url, n)
            got = await client.fetch(url, method="POST", data=fields, referer=page.url, probe=True)
            listing.walked.append(f"POST {url}")
            if got is None:
                break
            rows = rows_of(got.page())
            if listing.page_done(rows, client.since):
                break
            n += 1
        return listing


FAMILY = HanwebXxgk()
