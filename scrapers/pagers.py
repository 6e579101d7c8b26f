"""The pagers real portals use: 下一页 links, ``?page=N``, TRS ``createPageHTML`` and Hanweb ``dataproxy.jsp``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree

NEXT_TEXTS = ("下一页", "下页", "后一页", "下一頁", "next", ">", "›", "»")
PAGE_PARAMS = {"page", "pageno", "pageindex", "curpage", "page_no", "pagenum", "p", "currpage", "pn"}
_TRS_CALL = re.compile(r"createPageHTML\s*\(([^)]*)\)", re.I)
_JS_VAR = re.compile(r"\b(?:var\s+)?([A-Za-z_]\w*)\s*=\s*(\d+)\s*(?:;|//|\n|$)", re.M)
_INDEXED = re.compile(r"(?:^|/)(index|list|page|default)_\d+\.s?html?$", re.I)


def trs_pages(html: str, url: str) -> list[str]:
    """Pages named by TRS WCM's ``createPageHTML(total, current, "index", "html")`` (variables resolved,
    an optional leading element id and trailing record count tolerated): index.html, index_1.html, …"""
    m = _TRS_CALL.search(html)
    if not m:
        return []
    variables = {name: int(val) for name, val in _JS_VAR.findall(html)}
    numbers: list[int] = []
    strings: list[str] = []
    for raw in m.group(1).split(","):
        arg = raw.strip()
        if not arg:
            continue
        if arg[0] in "'\"":
            strings.append(arg.strip("'\" "))
        elif arg.isdigit():
            numbers.append(int(arg))
        elif re.fullmatch(r"[A-Za-z_]\w*", arg) and arg in variables:
            numbers.append(variables[arg])
    if len(numbers) < 2 or len(strings) < 2:
        return []
    total = min(numbers[0], 1000)
    prefix, suffix = strings[-2], strings[-1]
    pages = [urljoin(url, f"{prefix}.{suffix}")]
    pages += [urljoin(url, f"{prefix}_{i}.{suffix}") for i in range(1, total)]
    return pages


def link_pages(links: list[tuple[str, str]], url: str) -> list[str]:
    """Further list pages among a page's (absolute URL, text) links: 下一页 / next anchors, the same path
    with a page-number parameter (``?page=N``), and ``index_N.html``-style siblings."""
    here = urlsplit(url)
    here_dir = here.path.rsplit("/", 1)[0] + "/"
    found: list[str] = []
    for href, text in links:
        parts = urlsplit(href)
        if parts.netloc != here.netloc or href.split("#")[0] == url:
            continue
        label = text.strip().lower()
        if label in NEXT_TEXTS or label.startswith(("下一页", "下页")) or label in ("尾页", "末页", "最后一页"):
            found.append(href)
            continue
        if parts.path == here.path and parts.query:
            keys = {k.lower() for k, v in parse_qsl(parts.query) if v.isdigit()}
            if keys & PAGE_PARAMS:
                found.append(href)
                continue
        if parts.path.startswith(here_dir) and _INDEXED.search(parts.path) and "/" not in parts.path[len(here_dir):]:
            found.append(href)
    return found


@dataclass(frozen=True)
class HanwebProxy:
    """A Hanweb (大汉) jpage list: where its records come from and how many per page."""

    endpoint: str  # absolute URL of dataproxy.jsp
    params: dict[str, str]  # columnid, unitid, webid, path, … as the page gives them
    perpage: int
    total: int | None

    def batch_url(self, start: int, end: int) -> str:
        query = {"startrecord": str(start), "endrecord": str(end), "perpage": str(self.perpage)}
        query.update({k: v for k, v in self.params.items() if k not in query})
        p = urlsplit(self.endpoint)
        return urlunsplit((p.scheme, p.netloc, p.path, urlencode(query), ""))


_PROXY_HREF = re.compile(r"""([\w/.\-]*?/module/web/jpage/dataproxy\.jsp(?:\?[^"'<>\s\]]*)?)""", re.I)
_PERPAGE = re.compile(r"""perpage['"]?\s*[:=]\s*['"]?(\d+)""", re.I)
_TOTAL = re.compile(r"""totalrecord['"]?\s*[:=]\s*['"]?(\d+)""", re.I)
_COLUMN = re.compile(r"/col/col(\d+)/")


def hanweb_proxy(html: str, url: str, hints: dict[str, str] | None = None) -> HanwebProxy | None:
    """Find a Hanweb jpage list in a page (its ``dataproxy.jsp`` link, ``perPage``, ``totalRecord``)."""
    hints = hints or {}
    m = _PROXY_HREF.search(html)
    if not m and hints.get("pager") != "hanweb":
        return None
    href = (m.group(1) if m else "/module/web/jpage/dataproxy.jsp").replace("&amp;", "&")
    endpoint = urljoin(url, href)
    params = {k: v for k, v in parse_qsl(urlsplit(endpoint).query, keep_blank_values=True)
              if k.lower() not in ("startrecord", "endrecord", "perpage", "page")}
    if "columnid" not in params:
        col = hints.get("columnid") or (_COLUMN.search(url).group(1) if _COLUMN.search(url) else None)
        if col is None:
            return None
        params["columnid"] = col
    for key in ("unitid", "webid"):
        if key in hints and key not in params:
            params[key] = hints[key]
    per = _PERPAGE.search(html)
    perpage = int(hints.get("perpage") or (per.group(1) if per else 15))
    tot = _TOTAL.search(html)
    endpoint = urlunsplit(urlsplit(endpoint)._replace(query="", fragment=""))
    return HanwebProxy(endpoint, params, max(1, perpage), int(tot.group(1)) if tot else None)


_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_TOTAL_TAG = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)


def parse_datastore(text: str) -> tuple[list[str], int | None]:
    """The HTML fragments in a Hanweb ``<datastore>`` (inline in a page or from dataproxy.jsp) and its
    ``<totalrecord>`` when given."""
    records = _RECORD.findall(text)
    if not records and "<datastore" in text.lower():
        try:
            root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(recover=True))
            records = [r.text or "" for r in root.iter("record")] if root is not None else []
        except etree.XMLSyntaxError:
            records = []
    total = _TOTAL_TAG.search(text)
    return records, int(total.group(1)) if total else None
