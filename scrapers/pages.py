"""Page objects (spatula style): a list page yields report links and further list pages; a detail page
yields its title, dates, metadata block and attachments."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from .discovery import attachment_ext, clean_title, report_year
from .pagers import HanwebProxy, hanweb_proxy, link_pages, parse_datastore, trs_pages

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}\s*年?度?$")
_METADATA = re.compile(r"(索引号|发布机构|发文机关|主题分类|成文日期|发布日期|发布时间|公开日期)\s*[:：]\s*([^\s|]+)")


def parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    m = _DATE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    text = _XML_DECL.sub("", text)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def _links(doc: lxml.html.HtmlElement | None, base: str) -> list[tuple[str, str, lxml.html.HtmlElement]]:
    if doc is None:
        return []
    out = []
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            continue
        url = urljoin(base, href).split("#")[0]
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        text = clean_title(a.text_content())
        title = clean_title(a.get("title"))
        out.append((url, title if len(title) > len(text) else text, a))
    return out


@dataclass(frozen=True)
class ReportLink:
    """A report as a list page shows it."""

    url: str
    title: str
    year: int
    published: dt.date | None = None
    list_url: str = ""


def _date_near(a: lxml.html.HtmlElement, title: str, report_anchors: set[int]) -> dt.date | None:
    node = a
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            break
        others = [x for x in parent.iter("a") if id(x) in report_anchors and x is not a]
        if others:
            break
        date = parse_date(clean_title(parent.text_content()).replace(title, " "))
        if date:
            return date
        node = parent
    return None


@dataclass
class ListPage:
    """A column list page (or a Hanweb datastore): report links, sub-columns and further pages."""

    url: str
    html: str
    hints: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.doc = parse_html(self.html)
        self._links = _links(self.doc, self.url)
        records, self.total_records = parse_datastore(self.html)
        for record in records:  # Hanweb keeps its first records inline, inside a <script type="text/xml">
            self._links += _links(parse_html(f"<div>{record}</div>"), self.url)

    def items(self) -> list[ReportLink]:
        anchors = {id(a) for url, title, a in self._links if report_year(title)}
        seen: dict[str, ReportLink] = {}
        for url, title, a in self._links:
            year = report_year(title)
            if year is None or url in seen:
                continue
            seen[url] = ReportLink(url, title, year, _date_near(a, title, anchors), self.url)
        return list(seen.values())

    def next_pages(self) -> list[str]:
        """Further pages of this list (pager links and TRS JavaScript pages)."""
        if self.hints.get("pager") == "none":
            return []
        pages = link_pages([(u, t) for u, t, _a in self._links], self.url)
        pages += trs_pages(self.html, self.url)
        return list(dict.fromkeys(p for p in pages if p != self.url))

    def sub_lists(self) -> list[str]:
        """Year or type sub-columns below this column (``2022年``, ``部门年报`` …)."""
        base = self.url.rsplit("/", 1)[0] + "/"
        out = []
        for url, title, _a in self._links:
            if not url.startswith(base) or url == self.url or attachment_ext(url) or report_year(title):
                continue
            if _YEAR_ONLY.match(title) or ("年报" in title and len(title) <= 12):
                out.append(url)
        return list(dict.fromkeys(out))

    def hanweb(self) -> HanwebProxy | None:
        return hanweb_proxy(self.html, self.url, self.hints)


@dataclass(frozen=True)
class Attachment:
    url: str
    text: str
    ext: str


@dataclass
class DetailPage:
    """A report's own page: title, publication date, metadata block (索引号, 发布机构, 主题分类…), attachments."""

    url: str
    html: str

    def __post_init__(self) -> None:
        self.doc = parse_html(self.html)
        self._links = _links(self.doc, self.url)

    def _meta(self, *names: str) -> str | None:
        if self.doc is None:
            return None
        for name in names:
            for el in self.doc.iter("meta"):
                if (el.get("name") or "").lower() == name.lower() and el.get("content"):
                    return clean_title(el.get("content"))
        return None

    @property
    def metadata(self) -> dict[str, str]:
        if self.doc is None:
            return {}
        text = clean_title(self.doc.text_content()[:20000])
        return {k: v for k, v in reversed(_METADATA.findall(text))}

    @property
    def title(self) -> str:
        candidates = [self._meta("ArticleTitle", "title")]
        if self.doc is not None:
            for tag in ("h1", "h2", "h3"):
                candidates += [clean_title(el.text_content()) for el in self.doc.iter(tag)]
            page_title = self.doc.find(".//title")
            if page_title is not None:
                whole = clean_title(page_title.text_content())
                candidates += [whole, re.split(r"[_|]| - ", whole)[0].strip()]
        for cand in candidates:
            if cand and report_year(cand):
                return cand
        return next((c for c in candidates if c), "")

    @property
    def year(self) -> int | None:
        return report_year(self.title)

    @property
    def published(self) -> dt.date | None:
        meta = self._meta("PubDate", "pubdate", "publishdate", "firstpublishedtime", "Maketime")
        md = self.metadata
        return parse_date(meta) or parse_date(md.get("发布日期") or md.get("发布时间") or md.get("公开日期")
                                               or md.get("成文日期"))

    @property
    def is_report(self) -> bool:
        topic = self.metadata.get("主题分类", "") + (self._meta("ColumnName", "ColumnType") or "")
        return self.year is not None or "年报" in topic or "年度报告" in topic

    def attachments(self) -> list[Attachment]:
        out: dict[str, Attachment] = {}
        for url, text, _a in self._links:
            ext = attachment_ext(url, text)
            if ext and url not in out:
                out[url] = Attachment(url, text, ext)
        return list(out.values())
