"""Pagers real portals use, read from the page: TRS ``createPageHTML`` in its three signatures, page counts
in script variables or text, 下一页 links and ``?page=N`` links, and Hanweb ``<datastore>`` records.

``createPageHTML`` (CMS_FAMILIES.md §1):
  (A) classic ``(pageCount, current, "index", "html")``: page 1 ``index.html``, page k+1 ``index_k.html``;
  (B) Beijing ``(totalRecords, pageCount, current, "index", "html")``;
  (C) page_div ``('page_div', pageCount, current, 'common_list', 'shtml', totalRecords)``: page n
      ``common_list_n.shtml`` (1-based).
The numbering base is read from the first page's own ``current`` (0 means ``index_1`` is page 2, 1 means
``prefix_2`` is page 2); the signature's usual base applies when it cannot be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree

NEXT_TEXTS = ("下一页", "下页", "后一页", "下一頁", "next", ">", "›", "»", ">>")
PAGE_PARAMS = {"page", "pageno", "pageindex", "curpage", "page_no", "pagenum", "p", "currpage", "pn"}
_TRS_CALL = re.compile(r"createPageHTML\s*\(([^)]*)\)", re.I)
_JS_NUM = re.compile(r"""(?:\bvar\s+|\blet\s+|\bconst\s+|[{,]\s*|\b)(['"]?)([A-Za-z_$][\w$]*)\1\s*[:=]\s*['"]?(\d+)['"]?"""
                     r"""\s*(?=[;,}\n/]|$)""", re.M)
_INDEXED = re.compile(r"(?:^|/)(index|list|page|default|[\w]+_list)_\d+\.s?html?$", re.I)
_COUNT_TEXT = re.compile(r"共\s*(\d+)\s*页|\d+\s*/\s*(\d+)\s*页|第\s*\d+\s*/\s*(\d+)\s*页")
_COUNT_VARS = ("countPage", "pageCount", "totalPage", "totalPages", "pagecount", "page_count", "maxPage", "pageTotal",
               "totalpage", "allPage", "pageNum")


def js_numbers(script: str) -> dict[str, int]:
    """Numeric assignments and object properties in script text: ``var countPage = 3``, ``pageCount: 5``,
    ``searchId: 200210`` (the last one wins, so a page's own value beats a site default set earlier)."""
    out: dict[str, int] = {}
    for _q, name, value in _JS_NUM.findall(script):
        out[name] = int(value)
    return out


def _resolve(arg: str, numbers: dict[str, int]) -> int | str | None:
    arg = arg.strip()
    if not arg:
        return None
    if arg[0] in "'\"":
        return arg.strip("'\" ")
    if arg.isdigit():
        return int(arg)
    name = arg.split(".")[-1].split("||")[0].strip()
    if name in numbers:
        return numbers[name]
    m = re.search(r"\d+", arg)
    return int(m.group(0)) if m and re.fullmatch(r"[\d\s+\-*()]+", arg) else None


@dataclass(frozen=True)
class PagerCall:
    """A parsed ``createPageHTML`` call."""

    pages: int
    current: int | None
    prefix: str
    ext: str
    total: int | None
    base: int  # 0: the page after the first is prefix_1; 1: it is prefix_2

    def urls(self, url: str, limit: int = 1000) -> list[str]:
        """Every page of the list, the first included, resolved against ``url``."""
        first = urljoin(url, f"{self.prefix}.{self.ext}")
        pages = min(self.pages, limit)
        if self.base == 0:
            rest = [urljoin(url, f"{self.prefix}_{k}.{self.ext}") for k in range(1, pages)]
        else:
            rest = [urljoin(url, f"{self.prefix}_{n}.{self.ext}") for n in range(2, pages + 1)]
        return [first, *rest]


def _file_index(url: str, prefix: str) -> int | None:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    m = re.fullmatch(re.escape(prefix) + r"_(\d+)\.\w+", name)
    return int(m.group(1)) if m else None


def pager_call(html: str, url: str) -> PagerCall | None:
    """The ``createPageHTML`` call of a page (variables resolved), whichever signature it uses."""
    m = _TRS_CALL.search(html)
    if not m:
        return None
    numbers = js_numbers(html)
    args = [_resolve(a, numbers) for a in re.split(r",(?=(?:[^'\"]|'[^']*'|\"[^\"]*\")*$)", m.group(1))]
    strings = [i for i, a in enumerate(args) if isinstance(a, str)]
    if len(strings) < 2:
        return None
    prefix_at = strings[-2]
    prefix, ext = str(args[prefix_at]), str(args[strings[-1]])
    if not re.fullmatch(r"[\w\-.]+", prefix) or not re.fullmatch(r"s?html?|jsp|php|aspx?", ext, re.I):
        return None
    before = [a for a in args[:prefix_at] if isinstance(a, int)]
    after = [a for a in args[strings[-1] + 1:] if isinstance(a, int)]
    leading_id = bool(strings) and strings[0] == 0 and prefix_at > 0
    total: int | None = None
    if leading_id:  # (C) page_div
        if len(before) < 1:
            return None
        pages, current = before[0], (before[1] if len(before) > 1 else None)
        total = after[0] if after else None
        default = 1
    elif len(before) >= 3:  # (B) Beijing: total, pages, current
        total, pages, current = before[0], before[1], before[2]
        default = 0
    elif len(before) == 2:  # (A) classic
        pages, current = before
        default = 0
        total = after[0] if after else None
    else:
        return None
    if pages <= 0:
        return None
    here = _file_index(url, prefix)
    if here is None and current in (0, 1):  # on the first page its own index shows the numbering base
        base = current
    else:
        base = default
    return PagerCall(min(pages, 10_000), current, prefix, ext, total, base)


def page_count(html: str) -> int | None:
    """A list's page count from script variables or text (``var countPage = 5``, ``totalPage: 5``, 共5页)."""
    numbers = js_numbers(html)
    for name in _COUNT_VARS:
        if name in numbers and 0 < numbers[name] < 100_000:
            return numbers[name]
    m = _COUNT_TEXT.search(html)
    if m:
        return int(next(g for g in m.groups() if g))
    return None


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


def numbered_pages(url: str, count: int, prefix: str = "index", ext: str = "html") -> list[str]:
    """Candidates when only a page count is known and the numbering base is not: ``prefix_1`` … ``prefix_N``
    (0-based lists end at N-1, 1-based ones start at 2; the walker tolerates a missing first candidate)."""
    return [urljoin(url, f"{prefix}_{k}.{ext}") for k in range(1, min(count, 1000) + 1)]


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
