"""A 博达 VSB portal (CMS_FAMILIES.md (b) 7): reverse-numbered static pages.

Page 1 is ``<col>.htm``; later pages ``<col>/<n>.htm`` count down (page 2 = ``<col>/<P-1>.htm``, the last page
``<col>/1.htm``), with ``span.p_next`` (下页), ``span.p_last`` and ``span.p_t`` ("1/P"). Articles
``/info/<tree>/<id>.htm`` (``#vsb_content``); attachments through ``/system/_content/download.jsp?urltype=
news.DownloadAttachUrl&owner=…&wbfileid=…`` named by ``Content-Disposition`` (RFC 5987 ``filename*``, raw GBK or
raw UTF-8 bytes; with ``cut_names`` the link text is cut, so only the header names the file). GBK on request.
``dynamic``: the pages after the first come from ``lm_list.jsp?totalpage=P&PAGENUM=n&urltype=tree.TreeTempUrl&
wbtreeid=T`` (1-based; ``PAGENUM=1`` repeats page 1) instead of the reverse-numbered files.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from html import escape
from urllib.parse import quote

from pipeline.synth.server import Request, Route

from . import base
from .base import SHELL_CHOICES, Bodies, Doc, File, Portal


def _disposition(name: str, style: int) -> str:
    if style == 0:
        return f"attachment; filename*=UTF-8''{quote(name)}"
    raw = name.encode("gbk" if style == 1 else "utf-8").decode("latin-1")
    return f'attachment; filename="{raw}"'


FAMILY = "vsb"  # the scrapers.platforms family that crawls it
# how tests/test_scrapers_families.py crawls this portal: fixed variants, and the space random ones come from
CASES: tuple[dict, ...] = (dict(per_page=6), dict(per_page=9, encoding="gbk"),
                           dict(per_page=5, dynamic=True, cut_names=True))
SPACE: dict[str, Sequence] = dict(per_page=range(3, 21), encoding=("utf-8", "gbk"), dynamic=(False, True),
                                  cut_names=(False, True), shell=SHELL_CHOICES,
                                  column=("/xxgk/zfxxgknb", "/zwgk/nb", "/gk/ndbg"))


def build(docs: list[Doc], *, seed: int = 0, column: str = "/xxgk/zfxxgknb", tree: int = 1648, per_page: int = 12,
          encoding: str = "utf-8", host: str | None = None, name: str = "示例县人民政府", dynamic: bool = False,
          cut_names: bool = False) -> Portal:
    rng = random.Random(seed)
    first = f"{column}.htm"
    portal = base.new_portal(FAMILY, "vsb", first, name=name, host=host, robots=b"User-agent: *\nDisallow: /system/resource/\n")
    site = portal.site
    bodies: Bodies = {}
    charset = f"text/html; charset={'GBK' if encoding == 'gbk' else 'UTF-8'}"

    def download(owner: str, fid: int, file: File, style: int) -> str:
        path = f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner={owner}&wbfileid={fid}"
        return base.serve_file(site, path, file, "application/octet-stream",
                          headers={"Content-Disposition": _disposition(file.name, style)})

    def attach(i: int, _doc: Doc, n: int, att: File) -> str:
        fid = rng.getrandbits(40)
        apath = download(f"{tree}{n}", fid, att, (i + n) % 3)
        shown = base.cut(att.name, 10) if cut_names else att.name
        return (f'<li>附件【<a href="{escape(apath)}" target="_blank">{escape(shown)}</a>】已下载'
                f'<span id="nattach{fid}"><script>getClickTimes({fid},{tree},"wbnewsfile","attach")</script></span>次</li>')

    def article(doc: Doc, path: str, links: list[str]) -> bytes:
        return base.page_html(doc.title, base.meta_tags(name, "政府信息公开年报", doc, path),
                         f'<form name="_newscontent_fromname"><h1>{escape(doc.title)}</h1><div id="vsb_content">'
                         f'{base.paragraphs_html(doc)}</div><ul>{"".join(links)}</ul></form>', encoding)

    hrefs = base.publish(site, enumerate(docs), bodies, attach=attach, article=article, page_type=charset,
                    direct=lambda i, d: download(str(tree), d.doc_id, d.direct, i % 3),
                    detail=lambda d: f"/info/{tree}/{d.doc_id * 3}.htm")
    portal.paths = hrefs
    listed = base.ordered(docs)
    pages = max(1, math.ceil(len(listed) / per_page))
    leaf = column.rsplit("/", 1)[-1]
    lm_list = column.rsplit("/", 1)[0] + "/lm_list.jsp"

    def dyn(n: int) -> str:
        return f"lm_list.jsp?totalpage={pages}&PAGENUM={n}&urltype=tree.TreeTempUrl&wbtreeid={tree}"

    def list_page(k: int, path: str) -> bytes:
        on_first = k == 1
        up = "" if on_first or dynamic else "../"
        rel = (lambda n: f"{leaf}/{n}.htm") if on_first else (lambda n: f"{n}.htm")
        rows = []
        for i, doc, pinned in listed[(k - 1) * per_page:k * per_page]:
            href = ("../" * (path.split("?")[0].count("/") - 1)) + hrefs[i].lstrip("/")
            top = '<img src="/images/top.gif" alt="置顶">' if pinned else ""
            rows.append(f'<li id="line_u8_{i}">{top}{base.row_anchor(doc, href, rng)}<span>{doc.published:%Y-%m-%d}</span></li>')
        nav = [f'<span class="p_t">共{len(listed)}条</span>', f'<span class="p_t">{k}/{pages}</span>']
        if k < pages:
            nxt, last = (dyn(k + 1), dyn(pages)) if dynamic else (rel(pages - k), rel(1))
            nav.append(f'<span class="p_next p_fun"><a href="{escape(nxt)}">下页</a></span>')
            nav.append(f'<span class="p_last p_fun"><a href="{escape(last)}">尾页</a></span>')
        if k > 1:
            prev = dyn(k - 1) if dynamic else (f"{up}{leaf}.htm" if k == 2 else f"{pages - k + 2}.htm")
            nav.insert(0, f'<span class="p_prev p_fun"><a href="{escape(prev)}">上页</a></span>')
        body = (f'<div class="list"><ul>{"".join(rows)}</ul></div><div class="pb_sys_common pb_sys_normal">'
                f'{"".join(nav)}</div>')
        return base.page_html(f"政府信息公开年报-{name}", base.meta_tags(name, "政府信息公开年报"), body, encoding)

    for k in range(1, pages + 1):
        if dynamic and k > 1:
            continue
        path = first if k == 1 else f"{column}/{pages - k + 1}.htm"  # page k is <col>/<P-k+1>.htm
        site.routes[path] = Route(list_page(k, path), charset)
        portal.expected.list_paths.add(path)
        portal.expected.never_stored.add(path)
    if dynamic:
        portal.expected.never_stored.add(lm_list)

        def lm(req: Request) -> Route | None:
            if req.route != lm_list:
                return None
            q = req.query
            n = int(q["PAGENUM"]) if q.get("PAGENUM", "").isdigit() else 1
            if q.get("wbtreeid") != str(tree) or not 1 <= n <= pages:
                return Route(base.page_html("", "", "<div class='list'><ul></ul></div>"), charset, conditional=False)
            return Route(list_page(n, req.path), charset, conditional=False)

        site.dynamic.append(lm)
    base.expect(portal, docs, bodies)
    return portal
