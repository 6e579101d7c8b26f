"""What every generated portal shares: the documents it publishes, list rows as real CMSs print them, article
pages, and what a correct crawl must store.

A portal publishes ``Doc``s (reports, notices about reports, news) in one column or a column tree, in the
manner of its CMS family (``pipeline/synth/portals/<family>.py``), with the pitfalls of CMS_FAMILIES.md
section (b): rows newest first with pinned old rows on top, link text cut with "…" and the full title in
``title=`` (or, for some rows, only on the article page), duplicated and commented-out rows, notices about
reports, several agencies and years, GBK on request, removed articles answering with a meta-refresh stub.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from typing import Any

from pipeline.synth.server import LocalServer, Route, Site

GOV_SUFFIX = ".gov.cn"


@dataclass(frozen=True)
class File:
    """An attachment or a document linked straight from a list."""

    name: str  # the name shown to readers, e.g. 某区2023年政府信息公开工作年度报告.pdf
    body: bytes
    content_type: str = "application/pdf"

    @property
    def ext(self) -> str:
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else "pdf"


@dataclass
class Doc:
    """One published item of a column."""

    title: str  # the full title
    published: dt.date
    year: int | None = None  # the reporting year of a report; None for notices and news
    agency: str = ""
    is_report: bool = True
    page: bytes | None = None  # the article page as the caller rendered it (else the portal renders one)
    page_type: str = "text/html; charset=utf-8"
    paragraphs: tuple[str, ...] = ()  # article text when the portal renders the page
    attachments: tuple[File, ...] = ()
    beside: tuple[File, ...] = ()  # files stored in the article's folder, named relatively by its page (pictures)
    direct: File | None = None  # the list links straight to this file (no article page)
    pinned: bool = False  # shown first with 置顶 (it also keeps its place in date order: a duplicate row)
    list_title: str | None = None  # what the row says when it differs from the title (``2023年度``)
    no_title_attr: bool = False  # the row's text is cut and it has no title= (the article page completes it)
    deleted: bool = False  # the article was removed: its page is a meta-refresh stub (not a report to store)
    group: str = ""  # the sub-column (agency or group label) the row sits in, for column trees
    doc_id: int = 0

    @property
    def row_title(self) -> str:
        return self.list_title or self.title


@dataclass
class Expected:
    """What a correct crawl of a portal stores, and must never store or fetch."""

    documents: dict[str, bytes] = field(default_factory=dict)  # label -> body, each stored exactly once
    reports: dict[str, set[str]] = field(default_factory=dict)  # report path -> sha256 of its documents
    report_titles: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    list_paths: set[str] = field(default_factory=set)  # list pages and list API paths: never stored
    never_stored: set[str] = field(default_factory=set)  # paths: notices, removed articles, list pages
    never_fetched: set[str] = field(default_factory=set)  # paths: commented-out rows, robots-disallowed …
    blocked: str | None = None  # the anti-bot signal the source must be reported blocked with

    def add_report(self, key: str, path: str, docs: list[tuple[str, bytes]], title: str | None,
                   year: int | None) -> None:
        shas = set()
        for label, body in docs:
            self.documents[f"{key}:{label}"] = body
            shas.add(hashlib.sha256(body).hexdigest())
        self.reports[path] = shas
        if title:
            self.report_titles.add(title)
        if year:
            self.years.add(year)


@dataclass
class Portal:
    """A generated portal: its site (and other hosts of the same government), where to start, hints."""

    family: str
    site: Site
    column_path: str
    expected: Expected
    host: str | None = None  # the virtual host name the portal is addressed by (None: 127.0.0.1)
    hosts: dict[str, Site] = field(default_factory=dict)  # other virtual hosts on the same server
    hints: dict[str, str] = field(default_factory=dict)  # registry hints the portal needs
    paths: dict[int, str] = field(default_factory=dict)  # doc index -> the path its list row links to
    name: str = ""

    @property
    def resolve(self) -> dict[str, str]:
        """Host names to map to 127.0.0.1 (``Politeness.resolve``)."""
        names = [h for h in [self.host, *self.hosts] if h]
        return dict.fromkeys(names, "127.0.0.1")


def new_portal(family: str, key: str, column_path: str, *, name: str, host: str | None,
               robots: bytes | None = b"User-agent: *\nDisallow:\n", **fields: Any) -> Portal:
    """A portal of ``family`` on a new site (``key``) whose column starts at ``column_path``, serving ``robots`` as
    its robots.txt; ``fields``: more Portal fields (hints)."""
    site = Site(name=name, key=key)
    site.column_path = column_path
    if robots is not None:
        site.routes["/robots.txt"] = Route(robots, "text/plain")
    return Portal(family, site, column_path, Expected(), host=host, name=name, **fields)


SHELLS = {"meta": "/col/col1053/index.html", "js": "/col/col1053/index.html",
          "first_channel": "/xxgk/redirect_firstChannel.shtml"}


SHELL_CHOICES = (None, None, None, "meta", "js", "first_channel")  # random variants: now and then a shell


@contextmanager
def served(build: Callable[..., Portal], docs: list[Doc], **kwargs: Any) -> Iterator[tuple[Portal, LocalServer]]:
    """Build a portal and serve it on 127.0.0.1 until the block ends: ``port=True`` passes the server's port (absolute
    links to the government's other hosts need it), ``shell=…`` puts the column behind a redirect shell."""
    server = LocalServer(Site())
    if kwargs.pop("port", False):
        kwargs["port"] = server.port
    shell = kwargs.pop("shell", None)
    portal = build(docs, **kwargs)
    if shell:
        redirect_shell(portal, shell)
    server.site, server.hosts = portal.site, {k.lower(): v for k, v in portal.hosts.items()}
    with server:
        yield portal, server


def redirect_shell(portal: Portal, style: str) -> None:
    """Make the portal's advertised column a redirect shell forwarding to the real one, as Hanweb's column
    shells (``<meta refresh>`` or ``location.href``) and TRS's ``redirect_firstChannel.shtml`` do."""
    path = SHELLS[style]
    target = portal.column_path
    if path in portal.site.routes or path == target:
        return
    if style == "meta":
        body = f'<html><head><meta http-equiv="refresh" content="0; url={escape(target)}"></head><body></body></html>'
    else:
        body = (f'<html><head><title>跳转</title><script type="text/javascript">window.location.href = "{target}";'
                "</script></head><body>页面跳转中……</body></html>")
    portal.site.routes[path] = Route(body.encode())
    portal.expected.list_paths.add(path)
    portal.expected.never_stored.add(path)
    portal.column_path = portal.site.column_path = path


def fake_pdf(label: str) -> bytes:
    """A small PDF whose bytes are unique to ``label``."""
    text = f"BT /F1 12 Tf 72 720 Td ({hashlib.sha1(label.encode()).hexdigest()}) Tj ET".encode()
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"3 0 obj<</Length " + str(len(text)).encode() + b">>stream\n" + text + b"\nendstream endobj\n%%EOF\n")


def cut(title: str, n: int) -> str:
    """Link text as CMSs shorten it: the first ``n`` characters and an ellipsis."""
    return title if len(title) <= n else title[:n] + "…"


def row_anchor(doc: Doc, href: str, rng: random.Random, *, cut_at: int = 16, quote: str = '"') -> str:
    """``<a href title>`` with cut text (the full title in ``title=`` unless the doc says otherwise)."""
    title = doc.row_title
    text = cut(title, cut_at) if len(title) > cut_at + 2 else title
    attr = "" if doc.no_title_attr else f" title={quote}{escape(title)}{quote}"
    return f"<a href={quote}{escape(href)}{quote}{attr} target={quote}_blank{quote}>{escape(text)}</a>"


def ordered(docs: list[Doc]) -> list[tuple[int, Doc, bool]]:
    """Rows as lists print them: pinned rows first (marked), then every doc newest first (pinned ones again:
    a duplicated row). Yields (doc index, doc, shown as pinned)."""
    idx = list(enumerate(docs))
    pinned = [(i, d, True) for i, d in idx if d.pinned]
    rest = sorted(idx, key=lambda p: (p[1].published, p[1].doc_id), reverse=True)
    return pinned + [(i, d, False) for i, d in rest]


def meta_tags(site_name: str, column: str, doc: Doc | None = None, url: str = "") -> str:
    """The national website meta tags every portal carries."""
    metas = {"SiteName": site_name, "SiteDomain": "", "SiteIDCode": "1100000001", "ColumnName": column,
             "ColumnType": column}
    if doc is not None:
        metas |= {"ArticleTitle": doc.title, "PubDate": f"{doc.published:%Y-%m-%d} 09:00",
                  "ContentSource": doc.agency or site_name, "Keywords": "政府信息公开", "Url": url}
    return "\n".join(f'<meta name="{k}" content="{escape(v)}">' for k, v in metas.items())


def page_html(title: str, head: str, body: str, encoding: str = "utf-8") -> bytes:
    charset = "gb2312" if encoding.lower() in ("gbk", "gb2312", "gb18030") else encoding
    return (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"\n{head}\n<title>{escape(title)}</title></head>\n<body>\n"
            '<div class="header"><a href="/">首页</a> <a href="/xxgk/">信息公开</a> <a href="/hdjl/">互动交流</a></div>\n'
            f"{body}\n"
            '<div class="footer">主办单位：示例人民政府办公室 <a href="http://www.gov.cn/">中国政府网</a></div>'
            "</body></html>").encode(encoding, "xmlcharrefreplace")


def stub_page() -> bytes:
    """What a removed TRS article answers: a tiny page refreshing to the column."""
    return b'<html><head><meta http-equiv="refresh" content="0;URL=../"></head><body></body></html>'


def default_paragraphs(doc: Doc) -> tuple[str, ...]:
    if doc.paragraphs:
        return doc.paragraphs
    if doc.is_report:
        return (f"根据《中华人民共和国政府信息公开条例》规定，现公布{doc.title}。",
                "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
    return (f"{doc.title}。", "各单位要高度重视，按时完成。")


def put_beside(site: Site, page_path: str, doc: Doc) -> list[tuple[str, bytes]]:
    """Serve the files a page names relatively (its table pictures) in the page's folder."""
    folder = page_path.split("?")[0].rsplit("/", 1)[0] + "/"
    for f in doc.beside:
        site.routes[folder + f.name] = Route(f.body, f.content_type)
    return [(f"beside{n}", f.body) for n, f in enumerate(doc.beside)]


def serve_file(site: Site, path: str, file: File, content_type: str | None = None, **route: Any) -> str:
    """Serve ``file`` at ``path`` (its own content type unless one is given); returns the path."""
    site.routes[path] = Route(file.body, content_type or file.content_type, **route)
    return path


Bodies = dict[int, list[tuple[str, bytes]]]


def publish(site: Site, docs: Iterable[tuple[int, Doc]], bodies: Bodies, *, detail: Callable[[Doc], str],
            attach: Callable[[int, Doc, int, File], Any], article: Callable[[Doc, str, list[Any]], bytes],
            direct: Callable[[int, Doc], str] | None = None,
            page_type: str = "text/html; charset=utf-8") -> dict[int, str]:
    """Serve every (doc index, doc) where its list row will point, the way the family's CMS does; returns doc
    index -> path and fills ``bodies`` (doc index -> the documents a complete crawl stores).

    A file linked straight from the list is served by ``direct(i, doc)`` (which returns its path); without
    ``direct`` such a file is an attachment of its article page, as on CMSs that always show one. An article
    is served at ``detail(doc)``: a meta-refresh stub when removed, else the page the caller rendered
    (``doc.page``) or ``article(doc, path, shown)``, where ``shown`` holds what ``attach(i, doc, n, file)``
    returned for each attachment after serving it (a link, a JSON entry).
    """
    hrefs: dict[int, str] = {}
    for i, doc in docs:
        if doc.direct is not None and direct is not None:
            hrefs[i], bodies[i] = direct(i, doc), [("direct", doc.direct.body)]
            continue
        path = hrefs[i] = detail(doc)
        if doc.deleted:
            site.routes[path] = Route(stub_page())
            continue
        files = [*doc.attachments, *([doc.direct] if doc.direct is not None else [])]
        shown = [attach(i, doc, n, f) for n, f in enumerate(files)]
        body = doc.page if doc.page is not None else article(doc, path, shown)
        site.routes[path] = Route(body, doc.page_type if doc.page is not None else page_type)
        bodies[i] = [("page", body), *((f"att{n}", f.body) for n, f in enumerate(files)),
                     *put_beside(site, path, doc)]
    return hrefs


def paragraphs_html(doc: Doc) -> str:
    """The article's text as ``<p>`` paragraphs."""
    return "".join(f"<p>{escape(p)}</p>" for p in default_paragraphs(doc))


def sample_docs(rng: random.Random, *, agencies: list[str], years: range, notices: int = 2, news: int = 1,
                pinned: int = 1, no_title_attr: int = 1, deleted: int = 0, attachments: float = 0.6,
                direct: float = 0.1) -> list[Doc]:
    """Reports of several agencies and years (with PDF attachments or linked straight), notices about the
    reports and news, some rows pinned, some cut without a title attribute, some removed."""
    docs: list[Doc] = []
    n = 0
    for agency in agencies:
        for year in years:
            n += 1
            title = f"{agency}{year}年{rng.choice(['', '度'])}政府信息公开工作年度报告"
            published = dt.date(year + 1, rng.randint(1, 3), rng.randint(1, 28))
            doc = Doc(title, published, year, agency, doc_id=1000 + n)
            r = rng.random()
            if r < direct:
                doc.direct = File(f"{title}.pdf", fake_pdf(f"direct {title}"))
            elif r < direct + attachments:
                doc.attachments = (File(f"{title}.pdf", fake_pdf(f"att {title}")),)
            docs.append(doc)
    for k in range(notices):
        year = rng.choice(list(years))
        agency = agencies[0]
        title = rng.choice([f"关于做好{year}年政府信息公开工作年度报告编制发布工作的通知",
                            f"{agency}{year}年政府信息公开工作年度报告解读",
                            f"一图读懂{agency}{year}年政府信息公开工作年度报告"])
        docs.append(Doc(title, dt.date(year + 1, 1, 5), None, agency, is_report=False, doc_id=5000 + k))
    for k in range(news):
        year = rng.choice(list(years))
        docs.append(Doc(f"{agencies[0]}召开{year}年政务公开工作推进会", dt.date(year, 6, 1 + k), None,
                        agencies[0], is_report=False, doc_id=6000 + k))
    reports = [d for d in docs if d.is_report]
    old_first = sorted(reports, key=lambda d: d.published)
    for d in old_first[:pinned]:
        d.pinned = True
    for d in rng.sample(reports, min(no_title_attr, len(reports))):
        if not d.direct:
            d.no_title_attr = True
    removable = [d for d in reports if not d.direct and not d.pinned and not d.no_title_attr]
    for d in rng.sample(removable, min(deleted, len(removable))):  # a column of 1–2 reports may have none
        d.deleted = True
    return docs


def expect(portal: Portal, docs: list[Doc], bodies: Bodies) -> None:
    """Fill ``portal.expected`` from what was published: every report not removed, with its documents."""
    exp = portal.expected
    for i, doc in enumerate(docs):
        path = portal.paths.get(i)
        if path is None:
            continue
        if not doc.is_report or doc.deleted:
            exp.never_stored.add(path)
            if not doc.is_report and not doc.deleted:
                exp.never_fetched.add(path)
            continue
        # a file linked straight from a row titled only 2023年度 has no full title anywhere to read
        shown = None if doc.direct is not None and doc.list_title else doc.title
        exp.add_report(f"d{i}", path, bodies.get(i, []), shown, doc.year)
