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
from .base import Family
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
            return call_urls(page.url, count, stem, ext)
        return None


def call_urls(url: str, count: int, stem: str, ext: str) -> list[str]:
    from urllib.parse import urljoin

    return [urljoin(url, f"{stem}.{ext}"), *[urljoin(url, f"{stem}_{k}.{ext}") for k in range(1, min(count, 1000))]]


FAMILY = TrsClassic()
