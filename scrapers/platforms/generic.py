"""Generic static lists (the fallback): the page's links, then 下一页 / page-number links, a
``createPageHTML`` call in any signature, or a page count in script or text (共N页) with guessed
``index_N`` names."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..pagers import link_pages, page_count, pager_call
from ..pages import Page
from .base import Family


def _index_name(page: Page) -> tuple[str, str]:
    """The file-name stem and extension the list's numbered pages use (from the URL or the page's links)."""
    name = urlsplit(page.url).path.rsplit("/", 1)[-1]
    m = re.fullmatch(r"([\w\-]+?)(?:_\d+)?\.(s?html?)", name)
    if m:
        return m.group(1), m.group(2)
    for link in page.links:
        m = re.search(r"/(index|list|default)_\d+\.(s?html?)$", urlsplit(link.url).path)
        if m:
            return m.group(1), m.group(2)
    return "index", "html"


class Generic(Family, name="generic", rank=1000,
              label="generic static list (下一页, page numbers, createPageHTML, 共N页)"):
    def detect(self, page: Page) -> bool:
        return True

    def pages(self, page: Page) -> list[str] | None:
        call = pager_call(page.html, page.url)
        if call is not None:
            return call.urls(page.url)
        if link_pages([(link.url, link.title) for link in page.links], page.url):
            return None
        count = page_count(page.html)
        if count and count > 1:
            stem, ext = _index_name(page)
            from ..pagers import numbered_pages

            return [page.url, *numbered_pages(page.url, count, stem, ext)]
        return None


FAMILY = Generic()
