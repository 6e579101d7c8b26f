"""TRS WCM classic (拓尔思) and relatives, Beijing's signature included.

Static list pages: ``index.html`` then ``index_1.html`` … ``index_(P-1).html`` named by the inline
``createPageHTML(P, 0, "index", "html")`` (Beijing: ``createPageHTML(total, P, 0, "index", "html")``), or only
``var countPage = P``. Deep pages can be 300–400-byte stubs: the walk stops at a page adding no link.
Articles ``<col>/YYYYMM/tYYYYMMDD_<id>.html``; attachments ``./P0….pdf`` resolved against the article,
never ``OLDSRC``.
"""

from __future__ import annotations

import re

from ..pagers import js_numbers, pager_call
from ..pages import Page
from .base import Client, Family
from .generic import _index_name

_ARTICLE = re.compile(r"/t\d{8}_\d+(?:_\w+)?\.s?html?", re.I)


class TrsClassic(Family, name="trs_classic", rank=80, aliases=("trs",),
                 label="TRS WCM classic (createPageHTML, index_k.html)"):
    def detect(self, page: Page) -> bool:
        call = pager_call(page.html, page.url)
        if call is not None and not page.html.lower().count("'page_div'") and '"page_div"' not in page.html:
            return True
        low = page.fingerprint()
        return ("trs_editor" in low or "countpage" in low or "createpagehtml" in low
                or sum(bool(_ARTICLE.search(link.url)) for link in page.links) >= 2)

    def pages(self, page: Page) -> list[str] | None:
        call = pager_call(page.html, page.url)
        if call is not None:
            return call.urls(page.url)
        count = js_numbers(page.scripts).get("countPage")
        if count and count > 1:
            stem, ext = _index_name(page)
            return call_urls(page.url, count, stem, self._extensions(page, ext)[0])
        return None

    async def page_urls(self, client: Client, page: Page) -> list[str] | None:
        """With only ``var countPage`` (the pager script is external) and a folder URL, the list pages' extension
        is a guess: the articles' extension first, then the others, each tried on page 2 until one answers."""
        urls = self.pages(page)
        if urls is None or len(urls) < 2 or pager_call(page.html, page.url) is not None or _named(page.url):
            return urls
        count = js_numbers(page.scripts).get("countPage") or 0
        stem, ext = _index_name(page)
        for candidate in self._extensions(page, ext):
            second = call_urls(page.url, 2, stem, candidate)[1]
            if client.stopped or not client.accepts(second):
                return urls
            if await client.fetch(second, referer=page.url, probe=True) is not None:
                return call_urls(page.url, count, stem, candidate)
        return urls

    @staticmethod
    def _extensions(page: Page, default: str) -> list[str]:
        """Candidate extensions of the list's numbered pages: the URL's own, else the articles' most common
        one (lists and articles usually share it: .shtml on Wuhan's), then the rest."""
        if _named(page.url):
            return [default]
        exts = [m.group(1).lower() for link in page.links if (m := _ARTICLE_EXT.search(link.url))]
        first = max(set(exts), key=exts.count) if exts else default
        return [first, *[e for e in ("html", "shtml", "htm") if e != first]]


_ARTICLE_EXT = re.compile(r"/t\d{8}_\d+(?:_\w+)?\.(s?html?)$", re.I)


def _named(url: str) -> bool:
    """Whether the URL names a file (``…/index.shtml``) rather than a folder."""
    from urllib.parse import urlsplit

    return bool(re.search(r"\.\w+$", urlsplit(url).path.rsplit("/", 1)[-1]))


def call_urls(url: str, count: int, stem: str, ext: str) -> list[str]:
    from urllib.parse import urljoin

    return [urljoin(url, f"{stem}.{ext}"), *[urljoin(url, f"{stem}_{k}.{ext}") for k in range(1, min(count, 1000))]]


FAMILY = TrsClassic()
