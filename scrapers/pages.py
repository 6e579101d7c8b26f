"""Page objects (spatula style): a parsed page with its links as a person reads them (full titles, dates,
pinned rows), its column name, and, for an article, its title, dates, metadata block and attachments.

HTML comments are not content: commented-out duplicate rows are never read.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

import lxml.html
from lxml import etree

import docformats

from .discovery import attachment_ext
from .titles import annual_name, best_title, clean_title, column_report_year, report_year, year_label
from .urls import is_servlet

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_METADATA = re.compile(r"(索引号|发布机构|发文机关|主题分类|成文日期|发布日期|发布时间|公开日期|生成日期)\s*[:：]\s*([^\s|]+)")
_PINNED = re.compile(r"置顶|settop|\btop\b|zhiding|\bzd\b", re.I)
_REFRESH = re.compile(r"<meta[^>]+http-equiv\s*=\s*['\"]?refresh", re.I)
_QUOTED = re.compile(r"""["']([^"'<>\s]{1,600})["']""")
_BLOCK = re.compile(r"\{[^{}]{1,1500}\}")
_FIELD = re.compile(r"""["']?(name|url|title|filename|fileurl|path)["']?\s*:\s*["']([^"']{1,400})["']""", re.I)
_IMAGE_KEYS = {f.key for f in docformats.FORMATS if f.media_types[0].startswith("image/")}
_DOC_EXTS = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ofd", ".rtf")
STUB_BYTES = 1024  # a deleted TRS article answers with a meta refresh of at most ~512 bytes


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


def fragment(text: str) -> lxml.html.HtmlElement | None:
    """An HTML fragment (a CDATA record, a JSON ``html`` field) as a document."""
    return parse_html(f"<html><body><div>{text}</div></body></html>")


def unescape_js(text: str) -> str:
    """JavaScript string escapes found in inline data: ``\\/``, ``\\uXXXX``, ``%uXXXX``."""
    text = text.replace("\\/", "/")
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return re.sub(r"%u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


@dataclass(frozen=True)
class Link:
    """An anchor as a reader sees it: absolute URL, fullest title, whether that title may be cut, the row's
    date and whether the row is pinned (置顶)."""

    url: str
    title: str
    truncated: bool = False
    published: dt.date | None = None
    pinned: bool = False
    text: str = ""


def _row_of(a: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    node = a
    for _ in range(4):
        parent = node.getparent()
        if parent is None:
            break
        node = parent
        if node.tag in ("li", "tr", "dl", "dd", "p") or len(node.findall(".//a")) > 1:
            break
    return node


def _pinned(a: lxml.html.HtmlElement) -> bool:
    row = _row_of(a)
    if "置顶" in (row.text_content() or ""):
        return True
    for el in row.iter():
        if not isinstance(el.tag, str):
            continue
        attrs = " ".join(str(el.get(k) or "") for k in ("class", "id", "alt", "src", "title"))
        if _PINNED.search(attrs):
            return True
    return False


def _date_near(a: lxml.html.HtmlElement, title: str) -> dt.date | None:
    node = a
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            break
        if len([x for x in parent.iter("a") if x.get("href")]) > 1:
            break
        text = clean_title(parent.text_content())
        date = parse_date(text.replace(title, " ")) or parse_date(re.sub(r"\s+", "", text.replace(title, " ")))
        if date:
            return date
        node = parent
    return None


def links_of(doc: lxml.html.HtmlElement | None, base: str) -> list[Link]:
    """Every http(s) anchor with its fullest title (``title=`` over cut text), date and pinned flag."""
    if doc is None:
        return []
    out = []
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "#", "tel:", "data:")):
            continue
        url = urljoin(base, href).split("#")[0]
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        text = clean_title(a.text_content())
        title, cut = best_title(text, a.get("title"))
        if not title:
            continue
        out.append(Link(url, title, cut, _date_near(a, title), _pinned(a), text))
    return out


@dataclass
class Page:
    """A fetched HTML page."""

    url: str
    html: str
    doc: lxml.html.HtmlElement | None = field(init=False, repr=False)
    base: str = field(init=False)

    def __post_init__(self) -> None:
        self.doc = parse_html(self.html)
        self.base = self.url
        if self.doc is not None:
            for el in self.doc.iter("base"):
                if el.get("href"):
                    self.base = urljoin(self.url, el.get("href").strip())
                    break
        self._links: list[Link] | None = None

    @property
    def links(self) -> list[Link]:
        if self._links is None:
            self._links = links_of(self.doc, self.base)
        return self._links

    def meta(self, *names: str) -> str | None:
        if self.doc is None:
            return None
        wanted = {n.lower() for n in names}
        for el in self.doc.iter("meta"):
            if (el.get("name") or "").lower() in wanted and el.get("content"):
                return clean_title(el.get("content"))
        return None

    @property
    def scripts(self) -> str:
        """Inline script text (where JS pagers and data arrays live)."""
        if self.doc is None:
            return ""
        return "\n".join(el.text or "" for el in self.doc.iter("script") if not el.get("src"))

    @property
    def page_title(self) -> str:
        if self.doc is None:
            return ""
        el = self.doc.find(".//title")
        return clean_title(el.text_content()) if el is not None else ""

    @property
    def column_name(self) -> str:
        """The column's name: ``ColumnName`` meta, else the first part of <title>."""
        name = self.meta("ColumnName")
        if name:
            return name
        return re.split(r"[_|\-–—]| - ", self.page_title)[0].strip()

    @property
    def is_annual_column(self) -> bool:
        return annual_name(self.column_name) or annual_name(urlsplit(self.url).path)

    @property
    def text(self) -> str:
        return clean_title(self.doc.text_content()) if self.doc is not None else ""

    def fingerprint(self) -> str:
        """Lower-cased source text for family detection."""
        return self.html[:400_000].lower()


_REFRESH_URL = re.compile(r"""<meta[^>]+http-equiv\s*=\s*['"]?refresh['"]?[^>]*content\s*=\s*['"]?\s*\d*\s*;?\s*url\s*=\s*"""
                          r"""['"]?([^'">\s]+)""", re.I)
_JS_GO = re.compile(r"""(?:window\.|document\.|self\.|top\.)?location(?:\.href)?\s*=\s*['"]([^'"]+)['"]"""
                    r"""|location\.(?:replace|assign)\s*\(\s*['"]([^'"]+)['"]""", re.I)
SHELL_BYTES = 4096


def redirect_target(page: Page, body_size: int) -> str | None:
    """Where a redirect shell sends the reader (a small page that only forwards by ``<meta refresh>`` or
    ``location.href = …``: Hanweb's column shells, ``redirect_firstChannel.shtml``), else None. A refresh to
    the page's own folder or an ancestor (a removed page falling back to ``../``) or to the site root is not a
    column to follow."""
    if body_size > SHELL_BYTES or len(page.links) > 2:
        return None
    m = _REFRESH_URL.search(page.html)
    target = m.group(1) if m else None
    if target is None:
        js = _JS_GO.search(page.scripts or page.html)
        target = (js.group(1) or js.group(2)) if js else None
    if not target or target.lower().startswith(("javascript:", "#")):
        return None
    url = urljoin(page.url, target.strip())
    here, there = urlsplit(page.url), urlsplit(url)
    if there.scheme not in ("http", "https") or url.split("#")[0] == page.url.split("#")[0]:
        return None
    folder = here.path.rsplit("/", 1)[0] + "/"
    if there.netloc == here.netloc and not there.query and (there.path in ("", "/") or (
            there.path.endswith("/") and folder.startswith(there.path))):
        return None
    return url


def is_stub(body: bytes) -> bool:
    """A removed article's page: a tiny body that only refreshes elsewhere (TRS ``<meta refresh … URL=../>``)."""
    if len(body) > STUB_BYTES:
        return False
    text = body.decode("utf-8", "replace")
    return bool(_REFRESH.search(text)) or "location.href" in text or "location.replace" in text


@dataclass(frozen=True)
class Attachment:
    url: str
    text: str
    ext: str | None


def attachments(page: Page) -> list[Attachment]:
    """A detail page's attachments: links to documents (by path, ``filename=``-style query, link text,
    ``download=``/``title=``), download servlets (downfile.jsp, download.jsp, /attach/, FastDFS), embedded
    viewers (``viewer.html?file=``), and document URLs that only inline scripts carry (Fujian ``apps[]``
    arrays, escaped ``\\/`` strings). ``OLDSRC`` is never used: hrefs resolve against the page URL."""
    out: dict[str, Attachment] = {}

    def add(url: str, text: str) -> None:
        url = url.split("#")[0]
        if urlsplit(url).scheme not in ("http", "https") or url in out or url == page.url:
            return
        viewer = dict(parse_qsl(urlsplit(url).query)).get("file")
        if viewer and "viewer" in urlsplit(url).path.lower():
            url = urljoin(url, unquote(viewer))
        ext = attachment_ext(url, text)
        if ext or is_servlet(url):
            out.setdefault(url, Attachment(url, clean_title(text), ext))

    if page.doc is not None:
        for a in page.doc.iter("a"):
            href = (a.get("href") or "").strip()
            if not href or href.lower().startswith(("javascript:", "mailto:", "#")):
                continue
            label = a.get("download") or a.get("title") or a.text_content() or ""
            if label and not attachment_ext("", label) and attachment_ext("", a.text_content() or ""):
                label = a.text_content() or label
            add(urljoin(page.base, href), clean_title(label))
        for tag, attr in (("iframe", "src"), ("embed", "src"), ("object", "data")):
            for el in page.doc.iter(tag):
                src = (el.get(attr) or "").strip()
                if src:
                    add(urljoin(page.base, src), "")
    scripts = unescape_js(page.scripts)[:2_000_000]
    for block in _BLOCK.findall(scripts):  # {name: "…", url: "…"} objects (Fujian apps[] arrays)
        fields = {k.lower(): v for k, v in _FIELD.findall(block)}
        url = fields.get("url") or fields.get("fileurl") or fields.get("path")
        name = fields.get("name") or fields.get("title") or fields.get("filename") or ""
        if url and (attachment_ext(url, name) or is_servlet(url)):
            add(urljoin(page.base, url), name)
    for value in _QUOTED.findall(scripts):  # any other document path in a script string
        if "/" in value and value.lower().endswith(_DOC_EXTS):
            add(urljoin(page.base, value), "")
    return list(out.values())


@dataclass
class DetailPage(Page):
    """A report's own page: title, publication date, metadata block (索引号, 发布机构, 主题分类…), attachments."""

    @property
    def metadata(self) -> dict[str, str]:
        if self.doc is None:
            return {}
        text = clean_title(self.doc.text_content()[:20000])
        return {k: v for k, v in reversed(_METADATA.findall(text))}

    @property
    def title(self) -> str:
        candidates = [self.meta("ArticleTitle", "title")]
        if self.doc is not None:
            for tag in ("h1", "h2", "h3"):
                candidates += [clean_title(el.text_content()) for el in self.doc.iter(tag)]
            whole = self.page_title
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
        meta = self.meta("PubDate", "pubdate", "publishdate", "firstpublishedtime", "Maketime")
        md = self.metadata
        return parse_date(meta) or parse_date(md.get("发布日期") or md.get("发布时间") or md.get("公开日期")
                                               or md.get("生成日期") or md.get("成文日期"))

    @property
    def is_report(self) -> bool:
        """The page presents an annual report: its title names one, or its metadata files it as a 年报 and
        its own title carries a year."""
        if self.year is not None:
            return True
        topic = self.metadata.get("主题分类", "")
        return ("年报" in topic or "年度报告" in topic) and year_label(self.title) is not None

    def pictures(self, limit: int = 30) -> list[Attachment]:
        """<img> pictures the report may print its tables as (a 统计表 picture): those stored beside the page
        (the CMS's article folder) or labelled as a table; site chrome (logos, banners, icons) is left out."""
        if self.doc is None:
            return []
        base = self.url.rsplit("/", 1)[0] + "/"
        out: dict[str, Attachment] = {}
        for img in self.doc.iter("img"):
            src = (img.get("src") or img.get("data-src") or "").strip()
            if not src or src.lower().startswith("data:"):
                continue
            url = urljoin(self.url, src).split("#")[0]
            ext = attachment_ext(url)
            label = clean_title(img.get("alt") or img.get("title") or "")
            if ext is None or (docformats.by_extension(ext) or docformats.by_key("text")).key not in _IMAGE_KEYS:
                continue
            small = any((img.get(a) or "").isdigit() and int(img.get(a)) < 100 for a in ("width", "height"))
            if small or not (url.startswith(base) or "表" in label):
                continue
            out.setdefault(url, Attachment(url, label, ext))
        return list(out.values())[:limit]

    def attachments(self) -> list[Attachment]:
        return attachments(self)


@dataclass(frozen=True)
class ReportLink:
    """A report as a list shows it (after the column context and the detail page are taken into account)."""

    url: str
    title: str
    year: int
    published: dt.date | None = None
    list_url: str = ""


@dataclass
class ListPage(Page):
    """A static list page read generically: its report links (in a 年報 column, short titles count)."""

    hints: dict[str, str] = field(default_factory=dict)

    def items(self) -> list[ReportLink]:
        annual = self.is_annual_column or self.hints.get("start") == "column"
        seen: dict[str, ReportLink] = {}
        for link in self.links + self.record_links():
            year = column_report_year(link.title, None, annual and not link.truncated)
            if year is None or link.url in seen or attachment_ext(link.url) is None and _is_nav(link):
                continue
            seen[link.url] = ReportLink(link.url, link.title, year, link.published, self.url)
        return list(seen.values())

    def record_links(self) -> list[Link]:
        """Links inside Hanweb ``<datastore>`` records kept inline in a <script type="text/xml">."""
        from .pagers import parse_datastore

        out: list[Link] = []
        records, _total = parse_datastore(self.html)
        for record in records:
            out += links_of(fragment(record), self.base)
        return out


def _is_nav(link: Link) -> bool:
    """A bare year label pointing to a folder is a year sub-column, not a report."""
    from .urls import looks_like_column

    return year_label(link.title) is not None and looks_like_column(link.url)


def json_or_none(text: str) -> object | None:
    text = text.strip().lstrip("\ufeff")
    if not text or text[0] not in "[{":
        m = re.match(r"^[\w$.]+\s*\((.*)\)\s*;?\s*$", text, re.S)  # JSONP
        if not m:
            return None
        text = m.group(1)
    try:
        return json.loads(text)
    except ValueError:
        return None
