"""A Hanweb (大汉) JCMS jpage portal (CMS_FAMILIES.md (b) 4).

``/col/col<C>/index.html``: an empty ``<ul>``, a ``<script type="text/xml">`` datastore holding group 1
(perPage × 3 CDATA ``<li>`` records) and a ``<nextgroup>`` href, then a ``.jpage({totalRecord, perPage,
groupSize: 3})`` call. ``/module/web/jpage/dataproxy.jsp`` answers POST (query ``startrecord/endrecord/
perpage``, form ``col, appid, webid, path, columnid, sourceContentType, unitid, webname, permissiontype``) and
GET ``page=N`` (one group from page N), with ``<totalrecord>``/``<totalpage>`` and an empty recordset past the
end. Variants: ``post_only`` (GET is 405), ``encrypted`` (opaque columnid/unitid in the nextgroup, empty body
past the inline group), ``proxy_only`` (no inline records: the list comes only from the proxy), ``by_group``
(startrecord ignored), ``static`` (Shandong: the column page lists every ``/art/`` link itself and the proxy
answers empty). ``proxy``: the endpoint (older sites ``/module/jpage/dataproxy.jsp``).
``?uid=U&pageNum=N`` on the column URL returns the same page. Articles ``/art/Y/M/D/art_C_<id>.html`` with
``div#zoom`` and the xxgk table; attachments ``downfile.jsp?classid=0&filename=<hex>.pdf`` → 302 →
``/attach/0/<hex>.pdf``; with a port, one on another host of the same government (Zhejiang's OSS) and some
``downfile.jsp`` links redirecting to that host.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from html import escape
from urllib.parse import quote

from pipeline.synth.server import Request, Route, Site

from . import base
from .base import Bodies, Doc, File, Portal

OSS_HOST = "zjjcmspublic.oss-cn-hangzhou-zwynet-d01-a.internet.cloud.zj.gov.cn"
PROXY = "/module/web/jpage/dataproxy.jsp"
OLD_PROXY = "/module/jpage/dataproxy.jsp"  # older JCMS sites


def _record(doc: Doc, href: str, rng: random.Random, pinned: bool) -> str:
    title = doc.row_title
    text = base.cut(title, 18) if len(title) > 20 else title
    attr = "" if doc.no_title_attr else f" title='{escape(title)}'"
    date = f"{doc.published:%Y-%m-%d}"
    if rng.random() < 0.3:  # dates split across lines, as some templates print them
        date = date.replace("-", "-\n")
    mark = "<span class='top'>[置顶]</span>" if pinned else ""
    return f"<li style=<br/>{mark}<a href='{href}'{attr} target='_blank'>{escape(text)}</a><span>{date}</span></li>"


def _datastore(records: list[str], total: int | None, next_href: str | None) -> str:
    inner = "".join(f"<record><![CDATA[{r}]]></record>" for r in records)
    tot = f"<totalrecord>{total}</totalrecord><totalpage>{math.ceil(total / 15) if total else 0}</totalpage>" \
        if total is not None else ""
    nxt = f'<nextgroup><![CDATA[<a href="{next_href}"></a>]]></nextgroup>' if next_href else ""
    return f"<datastore>{tot}{nxt}<recordset>{inner}</recordset></datastore>"


def _article(doc: Doc, name: str, path: str, links: str) -> bytes:
    paras = base.paragraphs_html(doc)
    table = (f'<table class="xxgk"><tr><td>索引号：</td><td>001/{doc.published:%Y}-{doc.doc_id}</td><td>发布机构：</td>'
             f'<td>{escape(doc.agency or name)}</td></tr><tr><td>文号：</td><td></td><td>生成日期：</td>'
             f'<td>{doc.published:%Y-%m-%d}</td></tr></table>')
    body = f'{table}<div class="title">{escape(doc.title)}</div><div id="zoom">{paras}{links}</div>'
    return base.page_html(doc.title, base.meta_tags(name, "政府信息公开年报", doc, path), body)


FAMILY = "hanweb_jpage"  # the scrapers.platforms family that crawls it
# how tests/test_scrapers_families.py crawls this portal: fixed variants, and the space random ones come from
CASES: tuple[dict, ...] = (dict(perpage=4, port=True, host="www.hz.gov.cn"), dict(perpage=3, variant="post_only"),
                           dict(perpage=3, variant="proxy_only"), dict(perpage=3, variant="encrypted"),
                           dict(perpage=2, variant="by_group"), dict(perpage=3, proxy=OLD_PROXY),
                           dict(perpage=3, variant="post_only", proxy=OLD_PROXY), dict(perpage=3, variant="static"),
                           dict(perpage=3, port=True, host="www.zj.gov.cn", variant="proxy_only"))
SPACE: dict[str, Sequence] = dict(perpage=range(2, 21),
                                  variant=("both", "post_only", "proxy_only", "by_group", "static"),
                                  proxy=(PROXY, OLD_PROXY),  # port: CASES only (the OSS host needs a .gov.cn host)
                                  column=range(100, 10**10), unitid=range(1000, 100000))


def build(docs: list[Doc], *, seed: int = 0, column: int = 5985, webid: int = 1, unitid: int = 30617,
          perpage: int = 15, variant: str = "both", host: str | None = None, port: int | None = None,
          name: str = "示例县人民政府", proxy: str = PROXY) -> Portal:
    """``variant``: both | post_only | encrypted | proxy_only | by_group (startrecord ignored: only ``page=N``
    pages, by group, as Weihai's server) | static (Shandong: every row in the column page, the proxy empty).
    With ``port`` (the server's) one attachment is served from the OSS host of the same government, and some
    ``downfile.jsp`` links redirect there. ``proxy``: the dataproxy path (older sites ``OLD_PROXY``)."""
    rng = random.Random(seed)
    col_path = f"/col/col{column}/index.html"
    portal = base.new_portal(FAMILY, "hanweb", col_path, name=name, host=host, hints={"cms": "hanweb"})
    site = portal.site
    oss = Site(name=name, key="oss")
    if port is not None:
        portal.hosts[OSS_HOST] = oss
    bodies: Bodies = {}
    oss_used = False

    def attach(_i: int, _doc: Doc, _n: int, att: File) -> str:
        nonlocal oss_used
        hexname = f"{rng.getrandbits(128):032x}.{att.ext}"
        if port is not None and not oss_used:
            oss_used = True
            href = f"http://{OSS_HOST}:{port}" + base.serve_file(oss, f"/jcms_files/jcms1/web{webid}/site/attach/0/{hexname}", att)
        else:
            href = f"/module/download/downfile.jsp?classid=0&filename={hexname}"
            if rng.random() < 0.5:
                href += f"&showname={quote(att.name)}"
            if port is not None and rng.random() < 0.4:  # the servlet redirects to the OSS host
                oss_path = base.serve_file(oss, f"/jcms_files/jcms1/web{webid}/site/attach/0/{hexname}", att,
                                           "application/octet-stream")
                target = f"http://{OSS_HOST}:{port}{oss_path}"
            else:
                target = base.serve_file(site, f"/attach/0/{hexname}", att, "application/octet-stream")
            site.routes[href] = Route(redirect_to=target, redirect_status=302)
        return f'<p>附件：<a href="{escape(href)}" target="_blank">{escape(att.name)}</a></p>'

    def detail(doc: Doc) -> str:
        p = doc.published
        return f"/art/{p.year}/{p.month}/{p.day}/art_{column}_{doc.doc_id}.html"

    hrefs = base.publish(site, enumerate(docs), bodies, detail=detail, attach=attach,
                    article=lambda doc, path, links: _article(doc, name, path, "".join(links)),
                    direct=lambda _i, d: base.serve_file(site, f"/picture/0/{d.doc_id}.{d.direct.ext}", d.direct),
                    page_type="text/html;charset=UTF-8")
    portal.paths = hrefs
    records = [_record(d, hrefs[i], rng, pinned) for i, d, pinned in base.ordered(docs)]
    total = len(records)
    webname = quote(name)
    col_id, unit_id = (f"{rng.getrandbits(96):024X}", f"{rng.getrandbits(96):024X}") if variant == "encrypted" \
        else (str(column), str(unitid))
    fields = f"appid=1&webid={webid}&path=/&columnid={col_id}&unitid={unit_id}&webname={webname}&permissiontype=0"
    group = perpage * 3
    inline = [] if variant in ("proxy_only", "static") else records[:group]
    listed = "".join(records) if variant == "static" else ""  # Shandong: every row in the page itself
    page = (f'<div class="crumb"><a href="/">首页</a> &gt; <a href="/col/col100/index.html">政务公开</a> &gt; 政府信息公开年报</div>'
            f'<div id="{unitid}"><ul>{listed}</ul><script type="text/xml">'
            f'{_datastore(inline, None, f"{proxy}?page=1&{fields}")}</script></div>'
            f"<script>$(document).ready(function(){{ $('#{unitid}').jpage({{ dataStore: dataStore, perPage: {perpage},"
            f" totalRecord: {total}, proxyUrl: '{proxy}', groupSize: 3, barPosition: 'bottom', openCookies: false,"
            f" showMode: 'full' }}); }});</script>")
    body = base.page_html(f"政府信息公开年报 {name}", base.meta_tags(name, "政府信息公开年报"), page)
    site.routes[col_path] = Route(body)
    portal.expected.list_paths.add(col_path)
    portal.expected.never_stored |= {col_path, proxy}

    def respond(chunk: list[str], next_page: int | None) -> Route:
        nxt = f"{proxy}?page={next_page}&{fields}" if next_page else None
        xml = '<?xml version="1.0" encoding="UTF-8"?>' + _datastore(chunk, total, nxt)
        return Route(xml.encode(), "text/xml;charset=UTF-8", conditional=False, methods=("GET", "POST"))

    def dataproxy(req: Request) -> Route | None:
        if req.route != proxy:
            return None
        if variant == "static":  # the proxy answers nothing: the page lists everything
            return Route(b'<?xml version="1.0" encoding="UTF-8"?><datastore></datastore>', "text/xml",
                         conditional=False, methods=("GET", "POST"))
        if variant == "post_only" and req.method != "POST":
            return Route(b"<html><body>405</body></html>", status=405, methods=("GET", "POST"), conditional=False)
        q = req.params
        if q.get("columnid") != col_id or q.get("unitid") != unit_id:
            return respond([], None)
        if "startrecord" in q and variant == "by_group":  # startrecord ignored: the first group, always
            start, end = 1, group
        elif "startrecord" in q:
            try:
                start, end = int(q["startrecord"]), int(q["endrecord"])
            except (KeyError, ValueError):
                return respond([], None)
        elif q.get("page", "").isdigit():
            n = int(q["page"])
            start, end = (n - 1) * perpage + 1, (n + 2) * perpage
        else:
            return respond([], None)
        if variant == "encrypted" and start > group:
            return Route(b'<?xml version="1.0" encoding="UTF-8"?><datastore></datastore>', "text/xml",
                         conditional=False, methods=("GET", "POST"))
        nxt_page = (end // perpage) + 1 if end < total else None
        return respond(records[start - 1:end], nxt_page)

    def same_column(req: Request) -> Route | None:
        if req.route == col_path and req.query:
            return site.routes[col_path]
        return None

    site.dynamic += [dataproxy, same_column]
    if variant == "encrypted":  # only the inline group can be reached: the rest is not expected
        shown = {hrefs[i] for i, _d, _p in base.ordered(docs)[:group]}
        portal.paths = {i: h for i, h in hrefs.items() if h in shown}
    base.expect(portal, docs, bodies)
    return portal
