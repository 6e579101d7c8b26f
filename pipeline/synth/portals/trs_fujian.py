"""A Fujian "数字福建" TRS hycloud-style portal (CMS_FAMILIES.md (b) 3, after the real Pingtan column).

The column page holds the first rows statically (``<dl><dd><a href="./YYYYMM/tYYYYMMDD_N.htm" title>``), the
``ChnlId``/``SiteId`` meta tags, ``SiteInfo.searchId`` and a ``require(["list2.trsapi"…])`` call with
``listArgs = {channelid: SiteInfo.searchId, classsql: "" || "chnlid=<C>", sortfield}``. Every row is reachable
through ``POST /fjdzapp/search`` (form ``channelid, classsql, sortfield, page, prepage``; ``page`` 1-based) →
``{pageCount, data: [{chnldocurl, docpuburl, doctitle, docreltime, pubdate, fileno, chnlid}]}``. Variant
``get_fails``: GET on the search endpoint is 405; ``keys="docpuburl"``: records name their page only in
``docpuburl`` (``chnldocurl`` empty). Article attachments appear only in a JS ``apps`` array
(and a PDF viewer iframe).
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from html import escape

from pipeline.synth.server import Request, Route

from . import base
from .base import SHELL_CHOICES, Bodies, Doc, File, Portal

SEARCH = "/fjdzapp/search"


def _article(doc: Doc, name: str, path: str, apps: list[dict[str, str]]) -> bytes:
    paras = base.paragraphs_html(doc)
    viewer = (f'<iframe src="/generic2/web/viewer.html?file={escape(apps[0]["path"])}" width="100%"></iframe>'
              if apps else "")
    apps = [{"name": a["name"], "url": a["url"]} for a in apps]
    script = (f"<script>var apps = {json.dumps(apps, ensure_ascii=False)};\nvar apps1 = [];\n"
              "for (var i = 0; i < apps.length; i++) { /* rendered by the template */ }</script>")
    body = (f'<div class="article"><h2>{escape(doc.title)}</h2><div class="TRS_Editor">{paras}</div>'
            f'<div class="fj" ms-controller="fj"><ul ms-repeat="apps"><li><a ms-attr-href="el.url" ms-text="el.name">'
            f"</a></li></ul></div>{viewer}</div>{script}")
    return base.page_html(doc.title, base.meta_tags(name, "政府信息公开年报", doc, path), body)


FAMILY = "trs_fujian"  # the scrapers.platforms family that crawls it
# how tests/test_scrapers_families.py crawls this portal: fixed variants, and the space random ones come from
CASES: tuple[dict, ...] = (dict(static_rows=10, host="www.pt.gov.cn"), dict(get_fails=True, max_prepage=7),
                           dict(static_rows=3, keys="docpuburl"), dict(static_rows=8, max_prepage=3))
SPACE: dict[str, Sequence] = dict(static_rows=range(1, 26), max_prepage=range(5, 101), get_fails=(False, True),
                                  keys=("both", "docpuburl"), shell=SHELL_CHOICES)


def build(docs: list[Doc], *, seed: int = 0, column: str = "/zwgk/zfxxgk/zfxxgknb/", chnl: int = 1813,
          search_id: int = 200210, static_rows: int = 10, max_prepage: int = 100, get_fails: bool = False,
          host: str | None = None, name: str = "示例综合实验区管理委员会", keys: str = "both") -> Portal:
    rng = random.Random(seed)
    portal = base.new_portal(FAMILY, "fujian", column, name=name, host=host, robots=b"User-agent: *\nDisallow: /uc/\n")
    site = portal.site
    bodies: Bodies = {}

    def folder(doc: Doc) -> str:
        return f"{column}{doc.published:%Y%m}/"

    def attach(_i: int, doc: Doc, _n: int, att: File) -> dict[str, str]:
        fname = f"P0{doc.published:%Y%m%d}{rng.randrange(10**9, 10**10)}.{att.ext}"
        return {"name": att.name, "url": f"./{fname}", "path": base.serve_file(site, folder(doc) + fname, att)}

    hrefs = base.publish(site, enumerate(docs), bodies, attach=attach,
                    direct=lambda _i, d: base.serve_file(site, f"{folder(d)}P0{d.published:%Y%m%d}{d.doc_id}.{d.direct.ext}",
                                                    d.direct),
                    detail=lambda d: f"{folder(d)}t{d.published:%Y%m%d}_{d.doc_id}.htm",
                    article=lambda doc, path, apps: _article(doc, name, path, apps))
    portal.paths = hrefs
    rows = base.ordered(docs)
    static = []
    for i, doc, pinned in rows[:static_rows]:
        href = "./" + hrefs[i][len(column):]
        title = escape(doc.row_title)
        attr = "" if doc.no_title_attr else f' title="{title}"'
        text = escape(doc.row_title[:20] + "…" if len(doc.row_title) > 22 else doc.row_title)
        mark = '<span class="zd">置顶</span>' if pinned else ""
        static.append(f'<dl><dd class="trt-col-sm-24">{mark}<a href="{href}" target="_blank"{attr}>{text}</a></dd>'
                      f'<dd class="trt-col-4">{doc.published:%Y-%m-%d}</dd></dl>')
    page = (f'<div class="tabs" ms-controller="list"><div class="rules_tabs_01" ms-visible="showStatic">{"".join(static)}'
            '</div><div ms-visible="!showStatic" style="display: none"><dl ms-repeat="list"><dd><a ms-attr-href='
            '"el.chnldocurl" ms-attr-title="el.doctitle" ms-text="el.doctitle|html"></a></dd></dl></div>'
            '<div class="page_base" ms-controller="list_pagebar"></div></div>'
            f"<script>var SiteInfo = {{ itpSiteId: 21, searchId: {search_id}, //默认的文档检索频道的ID\n"
            'defaultPgTemp: "pgBar_pt.html" };</script>'
            '<script>require(["list2.trsapi", "tools"], function(listModel, tools) { listModel({ quickMode: "动静结合",'
            ' maxStaticIndex: 1, listArgs: { channelid: SiteInfo.searchId, classsql: "" || '
            f'"chnlid={chnl}", sortfield: "-docorderpri,-docreltime" }}, pagebar: {{ prepage: 10, recordCount: '
            f"'{len(rows)}', pgTemp: \"pgBar_xxgk.html\" }} }}); }});</script>")
    head = base.meta_tags(name, "政府信息公开年报") + f'\n<meta name="ChnlId" content="{chnl}">\n<meta name="SiteId" content="4"/>'
    for path in (column, column + "index.htm"):
        site.routes[path] = Route(base.page_html(f"政府信息公开年报_{name}", head, page))
        portal.expected.list_paths.add(path)
        portal.expected.never_stored.add(path)
    portal.expected.never_stored.add(SEARCH)

    def search(req: Request) -> Route | None:
        if req.route != SEARCH:
            return None
        if get_fails and req.method != "POST":
            return Route(b"<html><body>405</body></html>", status=405, methods=("GET", "POST"), conditional=False)
        q = req.params
        if q.get("channelid") != str(search_id) or f"chnlid={chnl}" not in q.get("classsql", ""):
            return Route(json.dumps({"pageCount": 0, "data": []}).encode(), "application/json", conditional=False,
                         methods=("GET", "POST"))
        per = min(int(q.get("prepage") or 10), max_prepage)
        n = int(q.get("page") or 1)
        chunk = rows[(n - 1) * per:n * per]
        data = [{"chnldocurl": hrefs[i] if keys != "docpuburl" else "", "docpuburl": hrefs[i], "doctitle": d.row_title,
                 "docreltime": f"{d.published:%Y-%m-%d} 09:00:00", "pubdate": f"{d.published:%Y-%m-%d}",
                 "fileno": "", "docsourcename": name, "chnlid": chnl, "doctype": 20} for i, d, _p in chunk]
        body = {"pageCount": math.ceil(len(rows) / per), "data": data, "page": n}
        return Route(json.dumps(body, ensure_ascii=False).encode(), "application/json;charset=UTF-8",
                     conditional=False, methods=("GET", "POST"))

    site.dynamic.append(search)
    base.expect(portal, docs, bodies)
    return portal
