"""TRS hycloud-style portals of Fujian ("数字福建"): a static first screen plus ``POST /fjdzapp/search``.

The column page carries ``<meta name="ChnlId">``, ``SiteInfo.searchId`` and ``require(["list2.trsapi"…])`` with
``listArgs = {channelid: <searchId>, classsql: "chnlid=<C>", sortfield: "-docorderpri,-docreltime"}``; the first
rows are server-rendered (``quickMode: "动静结合"``), the rest come from the JSON search API (form ``channelid,
classsql, sortfield, page, prepage``; ``page`` 1-based) → ``{pageCount, data: [{chnldocurl | docpuburl, doctitle,
docreltime, pubdate, …}]}``. POST is the form the site uses; GET is tried only when POST is refused. Article
attachments often exist only in JS ``apps``/``apps1`` arrays (read by ``pages.attachments``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urljoin

from ..pagers import js_numbers
from ..pages import Page, json_or_none, parse_date, unescape_js
from .base import Client, Family, Listing, Row, older_than, rows_of

_LIST_ARGS = re.compile(r"listArgs\s*:\s*\{(.*?)\}", re.S | re.I)
_ARG = re.compile(r"(\w+)\s*:\s*([^,\n}]+)")
_STRINGS = re.compile(r"""["']([^"']*)["']""")
SEARCH = "/fjdzapp/search"
PREPAGE = 100


def list_args(page: Page, hints: dict[str, str]) -> dict[str, str] | None:
    """channelid, classsql and sortfield of the list2.trsapi call (variables like ``SiteInfo.searchId``
    resolved; ``classsql`` from the ChnlId meta tag when the call does not spell it)."""
    m = _LIST_ARGS.search(page.html)
    numbers = js_numbers(page.scripts or page.html)
    args: dict[str, str] = {}
    if m:
        for key, raw in _ARG.findall(m.group(1)):
            raw = raw.strip()
            strings = [s for s in _STRINGS.findall(raw) if s]
            if strings:
                args[key] = strings[-1]
            elif raw.isdigit():
                args[key] = raw
            else:
                name = raw.split(".")[-1].strip()
                if name in numbers:
                    args[key] = str(numbers[name])
    chnl = page.meta("ChnlId") or hints.get("chnlid")
    if "channelid" not in args:
        ident = hints.get("channelid") or (str(numbers["searchId"]) if "searchId" in numbers else None)
        if ident is None:
            return None
        args["channelid"] = ident
    if "classsql" not in args and chnl:
        args["classsql"] = f"chnlid={chnl}"
    args.setdefault("sortfield", "-docorderpri,-docreltime")
    return {k: args[k] for k in ("channelid", "classsql", "sortfield") if k in args}


def _rows(data: Any, base: str, list_url: str) -> list[Row]:
    out = []
    for item in data if isinstance(data, list) else []:
        if not isinstance(item, dict):
            continue
        url = item.get("chnldocurl") or item.get("docpuburl") or item.get("url")
        title = unescape_js(str(item.get("doctitle") or item.get("title") or ""))
        if not url or not title:
            continue
        date = parse_date(str(item.get("docreltime") or item.get("pubdate") or ""))
        out.append(Row(urljoin(base, str(url)), re.sub(r"<[^>]+>", "", title).strip(), date, False, False, list_url))
    return out


class TrsFujian(Family, name="trs_fujian", rank=30, api=True, aliases=("fujian", "hycloud"),
                label="TRS hycloud (Fujian): static first screen + POST /fjdzapp/search JSON"):
    def detect(self, page: Page) -> bool:
        low = page.fingerprint()
        return "list2.trsapi" in low or SEARCH in low or ('name="chnlid"' in low and "ms-controller" in low)

    async def list_column(self, client: Client, page: Page) -> Listing:
        listing = Listing(self.name, walked=[page.url])
        listing.add(rows_of(page))
        args = list_args(page, dict(client.hints))
        if args is None:
            listing.notes.append("list2.trsapi arguments not found: only the static rows")
            return listing
        endpoint = urljoin(page.url, client.hints.get("search_url", SEARCH))
        if not client.accepts(endpoint):
            return listing
        if older_than(listing.rows, client.since):
            return listing
        method = "POST"
        n, pages, idle = 1, None, 0
        answered: set[str] = set()  # rows the API gave (the static screen may hold more rows than an API page)
        while n <= client.max_pages and not client.stopped and (pages is None or n <= pages):
            form = {**args, "page": str(n), "prepage": str(PREPAGE)}
            if method == "POST":
                got = await client.fetch(endpoint, method="POST", data=form, referer=page.url, probe=True)
                listing.walked.append(f"POST {endpoint} page={n}")
            else:
                url = f"{endpoint}?{urlencode(form)}"
                got = await client.fetch(url, referer=page.url, probe=True)
                listing.walked.append(url)
            body = json_or_none(got.text) if got is not None else None
            if not isinstance(body, dict):
                if n == 1 and method == "POST":
                    method = "GET"
                    continue
                break
            count = body.get("pageCount") or body.get("pagecount") or body.get("totalPage")
            if isinstance(count, int | str) and str(count).isdigit():
                pages = int(count)
            rows = _rows(body.get("data") or body.get("list") or [], page.url, page.url)
            if not rows:
                break
            listing.add(rows)
            fresh = {r.url for r in rows} - answered
            answered |= fresh
            idle = 0 if fresh else idle + 1  # the same API page again: ``page`` is ignored
            if idle >= 2 or older_than(rows, client.since):
                break
            n += 1
        return listing


FAMILY = TrsFujian()
