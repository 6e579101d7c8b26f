"""TRS ``page_div`` dialect (CSRC, Jiangxi, Tibet and Sichuan cities; vendor not established).

``createPageHTML('page_div', P, current, 'common_list', 'shtml', total)``: page 1 ``common_list.shtml``, page n
``common_list_n.shtml`` (1-based; the first page's ``current`` confirms the base). Sections are channel codes
``c<chan>``; articles ``/c<chan>/c<id>/content.shtml``.
"""

from __future__ import annotations

import re

from ..pagers import pager_call
from ..pages import Page
from .base import Family

_CALL = re.compile(r"createPageHTML\s*\(\s*['\"][\w\-]+['\"]\s*,", re.I)
_CONTENT = re.compile(r"/c\d+/(?:c\d+/)?content\.s?html?$", re.I)


class TrsPageDiv(Family, name="trs_pagediv", rank=70, aliases=("page_div", "trs_page_div"),
                 label="TRS page_div (createPageHTML('page_div', …), <prefix>_n.shtml, 1-based)"):
    def detect(self, page: Page) -> bool:
        if _CALL.search(page.html):
            return True
        return "common_list" in page.url or sum(bool(_CONTENT.search(link.url)) for link in page.links) >= 2

    def pages(self, page: Page) -> list[str] | None:
        call = pager_call(page.html, page.url)
        return call.urls(page.url) if call is not None else None


FAMILY = TrsPageDiv()
