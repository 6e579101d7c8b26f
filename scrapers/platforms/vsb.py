"""博达 VSB (Visual SiteBuilder): static pages numbered in reverse, or ``lm_list.jsp``.

Page 1 is ``<col>.htm``; page 2 is ``<col>/<P-1>.htm`` and the last ``<col>/1.htm``, P from ``span.p_t``
("1/P") or the 尾页/下页 links; dynamic lists ``lm_list.jsp?totalpage=N&PAGENUM=n&…&wbtreeid=…``. Articles
``/info/<tree>/<id>.htm``; attachments through ``/system/_content/download.jsp?…wbfileid=…``, named by the
link text or ``Content-Disposition``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ..pages import Page
from .base import Family

_PT = re.compile(r"""class=["']?p_t["']?[^>]*>[^<]{0,40}?(\d+)\s*/\s*(\d+)\s*页?\s*<""", re.I)
_INFO = re.compile(r"/info/\d+/\d+\.htm", re.I)


class Vsb(Family, name="vsb", rank=90, label="博达 VSB (<col>.htm, then <col>/<n>.htm counting down)"):
    def detect(self, page: Page) -> bool:
        low = page.fingerprint()
        if "lm_list.jsp" in low or "wbtreeid" in low or "p_next p_fun" in low or "_sitegray" in low:
            return True
        return sum(bool(_INFO.search(link.url)) for link in page.links) >= 2 and "p_t" in low

    def pages(self, page: Page) -> list[str] | None:
        path = urlsplit(page.url).path
        m = _PT.search(page.html)
        if "lm_list.jsp" in page.url.lower() or "lm_list.jsp" in page.html.lower():
            return self._dynamic(page)
        if m and path.lower().endswith(".htm"):
            current, total = int(m.group(1)), int(m.group(2))
            if current != 1 or total <= 1:
                return None
            base = path[:-4]
            if re.search(r"/\d+$", base):  # not on page 1: follow the links instead
                return None
            return [page.url] + [urljoin(page.url, f"{base}/{n}.htm") for n in range(total - 1, 0, -1)]
        return None

    @staticmethod
    def _dynamic(page: Page) -> list[str] | None:
        """This page, then every other ``PAGENUM`` of the ``lm_list.jsp`` its pager links (1-based; the static
        ``<col>.htm`` is page 1, so ``PAGENUM=1`` is not asked again)."""
        here = dict(parse_qsl(urlsplit(page.url).query))
        current = int(here["PAGENUM"]) if here.get("PAGENUM", "").isdigit() else 1
        for link in page.links:
            parts = urlsplit(link.url)
            q = dict(parse_qsl(parts.query, keep_blank_values=True))
            if parts.path.lower().endswith("lm_list.jsp") and q.get("totalpage", "").isdigit():
                total = int(q["totalpage"])
                out = [page.url]
                for n in range(1, min(total, 10_000) + 1):
                    if n != current:
                        q["PAGENUM"] = str(n)
                        out.append(urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(q), "")))
                return out
        return None


FAMILY = Vsb()
