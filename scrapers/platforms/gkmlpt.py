"""Guangdong 政府信息公开目录平台 (gkmlpt): a Vue shell whose lists come only from a JSON API.

``<prefix>/gkmlpt/index`` carries ``window._CONFIG = {SID, TREE: [{id, name, post_count, children}]}``; the
年报 categories are the TREE nodes named so (or the ``#<catid>`` of the start URL; category 0 is everything).
``GET <prefix>/gkmlpt/api/all/<cat>?page=N&sid=S`` → ``{classify: {post_count}, articles: [{title, url,
created_at, attachment: [{name, url}]}]}``: newest first, page 0 equals page 1 (so paging starts at 1), the
page size is the server's (100 usually). Some sites answer 404 from page 2 with every row on page 1; titles can
be ``%u``-escaped. The walk stops at a 404, an empty page, a page adding nothing, or ``post_count``.
"""

from __future__ import annotations

import json
import math
import re
from urllib.parse import urljoin, urlsplit

from ..discovery import attachment_ext
from ..pages import Attachment, Page, json_or_none, parse_date, unescape_js
from ..titles import annual_name
from .base import Client, Family, Listing, Row

_SID = re.compile(r"""\bSID\s*[:=]\s*['"]?(\d+)""")
_NODE = re.compile(r"""["']?id["']?\s*:\s*["']?(\d+)["']?\s*,\s*["']?name["']?\s*:\s*["']([^"']+)["']""")
_NODE_NAME_FIRST = re.compile(r"""["']?name["']?\s*:\s*["']([^"']+)["']\s*,\s*["']?id["']?\s*:\s*["']?(\d+)""")


def _prefix(url: str) -> str:
    path = urlsplit(url).path
    return path[: path.find("/gkmlpt/")] if "/gkmlpt/" in path else ""


def _tree(html: str) -> list | None:
    """The ``TREE`` array of ``window._CONFIG`` as data, when it is JSON (it usually is)."""
    m = re.search(r"TREE\s*:\s*\[", html)
    if not m:
        return None
    start, depth = m.end() - 1, 0
    for i in range(start, min(len(html), start + 2_000_000)):
        c = html[i]
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                try:
                    data = json.loads(html[start:i + 1])
                except ValueError:
                    return None
                return data if isinstance(data, list) else None
    return None


def _walk(nodes: list, inside: bool, out: list[tuple[int, str]]) -> None:
    for node in nodes:
        if not isinstance(node, dict):
            continue
        name, ident = str(node.get("name") or ""), node.get("id")
        chosen = inside or annual_name(name)
        if chosen and str(ident).isdigit():
            out.append((int(ident), name))
        _walk(node.get("children") or [], chosen, out)


def categories(page: Page) -> list[tuple[int, str]]:
    """年报 categories of the TREE and every category below them (per-year children), the start URL's
    ``#catid`` first."""
    frag = urlsplit(page.url).fragment
    chosen = [(int(frag), "#" + frag)] if frag.isdigit() else []
    tree = _tree(page.html)
    if tree is not None:
        found: list[tuple[int, str]] = []
        _walk(tree, False, found)
    else:
        found = [(int(i), n) for i, n in _NODE.findall(page.html)]
        found += [(int(i), n) for n, i in _NODE_NAME_FIRST.findall(page.html)]
        found = [(i, n) for i, n in found if annual_name(n)]
    chosen += [c for c in found if c not in chosen]
    return chosen


class Gkmlpt(Family, name="gkmlpt", rank=10, api=True,
             label="Guangdong gkmlpt (window._CONFIG TREE + /gkmlpt/api/all/<cat> JSON)"):
    def detect(self, page: Page) -> bool:
        low = page.fingerprint()
        return "/gkmlpt/" in urlsplit(page.url).path.lower() and ("_config" in low or "gkmlpt" in low) or (
            "window._config" in low and "tree" in low and "sid" in low)

    async def list_column(self, client: Client, page: Page) -> Listing:
        listing = Listing(self.name, walked=[page.url])
        m = _SID.search(page.html)
        sid = client.hints.get("sid") or (m.group(1) if m else "")
        cats = categories(page) or [(0, "all")]
        if not any(annual_name(n) for _i, n in cats) and cats[0][0] == 0:
            listing.notes.append("no 年报 category in the TREE: listing category 0 (everything)")
        for cat, _name in cats:
            await self._category(client, page, listing, cat, sid)
        return listing

    async def _category(self, client: Client, page: Page, listing: Listing, cat: int, sid: str) -> None:
        api = urljoin(page.url, f"{_prefix(page.url)}/gkmlpt/api/all/{cat}")
        if not client.accepts(api):
            return
        pages: int | None = None
        n, listing.idle = 1, 0  # each category is a list of its own
        while n <= min(pages or client.max_pages, client.max_pages) and not client.stopped:
            url = f"{api}?page={n}&sid={sid}"
            got = await client.fetch(url, referer=page.url, probe=True)
            listing.walked.append(url)
            body = json_or_none(got.text) if got is not None else None
            if not isinstance(body, dict):
                return
            articles = body.get("articles") or []
            if not articles:
                return
            count = (body.get("classify") or {}).get("post_count") if isinstance(body.get("classify"), dict) else None
            count = count if isinstance(count, int) else body.get("total") if isinstance(body.get("total"), int) else None
            if count is not None:
                listing.declared = (listing.declared or 0) + (count if n == 1 else 0)
                pages = max(1, math.ceil(count / len(articles))) if n == 1 else pages
            rows = [row for a in articles if (row := self._row(a, page, url)) is not None]
            if listing.page_done(rows, client.since):
                return
            n += 1

    @staticmethod
    def _row(article: object, page: Page, list_url: str) -> Row | None:
        if not isinstance(article, dict):
            return None
        url = article.get("url") or article.get("post_url")
        title = unescape_js(str(article.get("title") or ""))
        if not url or not title:
            return None
        atts = []
        for att in article.get("attachment") or []:
            if isinstance(att, dict) and att.get("url"):
                aurl = urljoin(page.url, str(att["url"]))
                name = str(att.get("name") or "")
                atts.append(Attachment(aurl, name, attachment_ext(aurl, name)))
        date = parse_date(str(article.get("created_at") or article.get("date") or article.get("display_publish_time")
                              or ""))
        return Row(urljoin(page.url, str(url)), title.strip(), date, False, False, list_url, tuple(atts))


FAMILY = Gkmlpt()
