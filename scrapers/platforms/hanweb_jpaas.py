"""Hanweb jpaas ("JCMS 2", Zhejiang departments): page 1 rendered, other pages from a JSON API.

The column's pager element carries ``count``, ``rows``, ``pageNo`` and ``queryData="{'webId':…,'pageId':…,
'tagId':…,'tplSetId':…}"``; ``GET /api-gateway/jpaas-publish-server/front/page/build/unit`` with ``webId, pageId,
parseType=bulidstatic, pageType=column, tagId, tplSetId, rows, pageNo`` returns ``{success, data: {html}}``,
a ready-rendered list fragment. Some servers ignore ``pageNo``: the walk stops when pages add nothing.
"""

from __future__ import annotations

import math
import re
from urllib.parse import urlencode, urljoin

from ..pages import Page, json_or_none
from .base import Client, Family, Listing, fragment_rows, older_than, rows_of

API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
_PAIR = re.compile(r"""['"](\w+)['"]\s*:\s*['"]([^'"]*)['"]""")


def pager(page: Page) -> tuple[dict[str, str], int | None, int] | None:
    """(queryData, count, rows) of the jpaas pager element."""
    if page.doc is None:
        return None
    for el in page.doc.iter():
        if not isinstance(el.tag, str):
            continue
        data = el.get("querydata") or el.get("queryData")
        if not data:
            continue
        q = dict(_PAIR.findall(data))
        count = el.get("count") or el.get("total")
        rows = el.get("rows") or el.get("pagesize")
        return q, int(count) if count and count.isdigit() else None, int(rows) if rows and rows.isdigit() else 15
    return None


class HanwebJpaas(Family, name="hanweb_jpaas", rank=50, api=True, aliases=("jpaas",),
                  label="Hanweb jpaas (queryData pager + front/page/build/unit JSON)"):
    def detect(self, page: Page) -> bool:
        low = page.fingerprint()
        return "jpaas-publish-server" in low or ("querydata=" in low and "pageid" in low)

    async def list_column(self, client: Client, page: Page) -> Listing:
        listing = Listing(self.name, walked=[page.url])
        listing.add(rows_of(page))
        found = pager(page)
        if found is None:
            await self.walk(client, page, listing)
            return listing
        q, count, rows = found
        listing.declared = count
        pages = math.ceil(count / rows) if count else client.max_pages
        endpoint = urljoin(page.url, API)
        if not client.accepts(endpoint) or older_than(listing.rows, client.since):
            return listing
        for n in range(2, min(pages, client.max_pages) + 1):
            if client.stopped:
                break
            params = {"webId": q.get("webId", ""), "pageId": q.get("pageId", ""), "parseType": "bulidstatic",
                      "pageType": "column", "tagId": q.get("tagId", ""), "tplSetId": q.get("tplSetId", ""),
                      "rows": str(rows), "pageNo": str(n)}
            url = f"{endpoint}?{urlencode(params)}"
            got = await client.fetch(url, referer=page.url, probe=True)
            listing.walked.append(url)
            body = json_or_none(got.text) if got is not None else None
            data = body.get("data") if isinstance(body, dict) else None
            html = data.get("html") if isinstance(data, dict) else (data if isinstance(data, str) else None)
            if not html:
                break
            new_rows = fragment_rows(html, page.base, page.url)
            if listing.page_done(new_rows, client.since):
                break
        return listing


FAMILY = HanwebJpaas()
