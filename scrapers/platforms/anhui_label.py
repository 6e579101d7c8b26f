"""The Anhui label platform (also some Jiangxi, Qinghai and Sichuan sites; vendor not established).

Columns ``<prefix>/public/column/<organId>?type=4&action=list&nav=3&catId=<cat>`` render an empty container; their
rows come from ``<prefix>/site/label/8888`` (GET or POST) with ``labelName=publicInfoList, siteId, organId, type,
catId, pageSize, pageIndex (1-based), action=list, isDate, dateFormat, length, file=<template>`` as HTML fragments
(``div.xxgk_navli`` / ``ul.xxgk_nav_list li`` / ``table`` rows). The parameters are read from the page's script
where it spells them, else the platform's usual ones; ``pageCount:N`` in the script gives the page count (in the
site's page size: trusted only when the page spells ``pageSize``, else the walk goes to the end). A
response of 暂无相关信息 or one adding no rows ends the walk. Details ``/public/<org>/<id>.html``.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlencode, urljoin, urlsplit

from ..pagers import js_numbers
from ..pages import Page
from ..urls import query
from .base import Client, Family, Listing, fragment_rows, rows_of

_LABEL_URL = re.compile(r"""['"]((?:https?://[^'"\s]+)?[\w/\-]*/site/label/8888)['"]""")
_BLOCK = re.compile(r"\{[^{}]*labelName[^{}]*\}", re.S)
_KV = re.compile(r"""['"]?(\w+)['"]?\s*:\s*(?:"([^"]*)"|'([^']*)'|([\w.\-/]+))""")
DEFAULTS = {"IsAjax": "1", "dataType": "html", "labelName": "publicInfoList", "type": "4", "action": "list",
            "isDate": "true", "dateFormat": "yyyy-MM-dd", "length": "80", "pageSize": "15",
            "file": "/xxgk/publicInfoList_newest2020"}
EMPTY = "暂无相关信息"


def label_params(page: Page, hints: dict[str, str]) -> dict[str, str]:
    params = dict(DEFAULTS)
    block = _BLOCK.search(page.scripts or page.html)
    if block:
        for key, a, b, c in _KV.findall(block.group(0)):
            params[key] = a or b or c
    q = {k.lower(): v for k, v in query(page.url).items()}
    m = re.search(r"/public/column/(\d+)", urlsplit(page.url).path)
    if m:
        params.setdefault("organId", m.group(1))
    for key in ("catId", "type", "organId"):
        if key.lower() in q and (key not in params or not block):
            params[key] = q[key.lower()]
    site = page.meta("SiteId")
    if site and "siteId" not in params:
        params["siteId"] = site
    for key in ("siteId", "organId", "catId", "file", "labelName", "pageSize"):
        if hints.get(key):
            params[key] = hints[key]
    params.pop("pageIndex", None)
    return params


class AnhuiLabel(Family, name="anhui_label", rank=20, api=True, aliases=("anhui",),
                 label="Anhui label platform (/public/column/ + /site/label/8888 HTML fragments)"):
    def detect(self, page: Page) -> bool:
        low = page.fingerprint()
        return "/site/label/8888" in low or "/public/column/" in urlsplit(page.url).path.lower() or "publicinfolist" in low

    async def list_column(self, client: Client, page: Page) -> Listing:
        listing = Listing(self.name, walked=[page.url])
        listing.add(rows_of(page))
        m = _LABEL_URL.search(page.html)
        path = urlsplit(page.url).path
        prefix = path[: path.find("/public/column/")] if "/public/column/" in path else ""
        endpoint = urljoin(page.url, m.group(1) if m else f"{prefix}/site/label/8888")
        if not client.accepts(endpoint):
            return listing
        params = label_params(page, dict(client.hints))
        numbers = js_numbers(page.scripts or page.html)
        pages = numbers.get("pageCount") or numbers.get("pagecount") or numbers.get("totalPage")
        if "pageSize" not in (_BLOCK.search(page.scripts or page.html) or [""])[0]:
            pages = None  # the page size is ours, the page count the site's: page on until a page comes back empty
        method, n = "GET", 1
        while n <= min(pages or client.max_pages, client.max_pages) and not client.stopped:
            form = {**params, "pageIndex": str(n), "_": str(int(time.time() * 1000))}
            if method == "GET":
                url = f"{endpoint}?{urlencode(form)}"
                got = await client.fetch(url, referer=page.url, probe=True)
                listing.walked.append(url)
            else:
                got = await client.fetch(endpoint, method="POST", data=form, referer=page.url, probe=True)
                listing.walked.append(f"POST {endpoint} pageIndex={n}")
            text = got.text if got is not None else ""
            rows = fragment_rows(text, page.base, page.url) if got is not None else []
            if not rows:
                if n == 1 and method == "GET":
                    method = "POST"
                    continue
                if EMPTY in text and n == 1:
                    listing.notes.append(f"{endpoint}: {EMPTY} (label parameters not accepted)")
                break
            if listing.page_done(rows, client.since):
                break
            n += 1
        return listing


FAMILY = AnhuiLabel()
