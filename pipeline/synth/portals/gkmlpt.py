"""A Guangdong 政府信息公开目录平台 (gkmlpt) portal (CMS_FAMILIES.md (b) 5).

``<prefix>/gkmlpt/index`` is a Vue shell with ``window._CONFIG = {SID, TREE: [{id, name, post_count, children}]}``
(a 年报 leaf among other categories); ``GET <prefix>/gkmlpt/api/all/<cat>?page=N&sid=S`` → ``{classify:
{post_count}, articles: [{id, title, url, created_at, date, attachment: [{name, url}]}]}``, newest first, page 0
equal to page 1, a fixed page size the client does not choose. ``year_children``: the 年报 node holds nothing and
its per-year children (``2023年``) hold the reports. Variants: ``one_page`` (404 for page ≥ 2, every
row on page 1, as Zhaoqing), ``escaped`` (titles ``%u``-escaped), ``total`` (the count sent as a top-level ``total``,
no ``classify``). A wrong ``sid`` gives no articles. Details
``<prefix>/gkmlpt/content/<a>/<b>/post_<id>.html`` with ``a.nfw-cms-attachment``; attachments
``/attachment/<a>/<b>/<aid>/<postid>.pdf``.
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


def _u(text: str) -> str:
    return "".join(f"%u{ord(c):04X}" if ord(c) > 127 else c for c in text)


FAMILY = "gkmlpt"  # the scrapers.platforms family that crawls it
# how tests/test_scrapers_families.py crawls this portal: fixed variants, and the space random ones come from
CASES: tuple[dict, ...] = (dict(page_size=8, prefix="/zqhjj", port=True, host="www.zq.gov.cn"),
                           dict(variant="one_page", year_children=True), dict(variant="escaped", page_size=10),
                           dict(page_size=7, variant="total"), dict(page_size=9, shell="js"))
SPACE: dict[str, Sequence] = dict(page_size=range(3, 101), variant=("", "one_page", "escaped", "total"),
                                  shell=SHELL_CHOICES,
                                  year_children=(False, True), prefix=("", "/abc", "/zq/hjj"),
                                  sid=("2", "77", "4096", "758019", "999999"))


def build(docs: list[Doc], *, seed: int = 0, prefix: str = "", sid: str = "758019", page_size: int = 100,
          variant: str = "", host: str | None = None, port: int | None = None, year_children: bool = False,
          name: str = "示例市生态环境局") -> Portal:
    rng = random.Random(seed)
    index = f"{prefix}/gkmlpt/index"
    portal = base.new_portal(FAMILY, "gkmlpt", index, name=name, host=host, robots=b"User-agent: *\nDisallow: /gkmlpt/search\n")
    site = portal.site
    origin = f"http://{host or '127.0.0.1'}:{port}" if port else ""
    bodies: Bodies = {}
    meta: dict[int, list[dict[str, object]]] = {}

    def post_of(doc: Doc) -> int:
        return 9_000_000 + doc.doc_id * 7

    def attach(i: int, doc: Doc, n: int, att: File) -> str:
        aid, post = 1_000_000 + doc.doc_id * 10 + n, post_of(doc)
        apath = base.serve_file(site, f"/attachment/{aid // 10**6}/{aid // 10**3}/{aid}/{post}.{att.ext}", att)
        meta.setdefault(i, []).append({"id": aid, "name": att.name, "type": att.ext, "mime": att.content_type,
                                       "size": len(att.body), "url": origin + apath})
        return f'<p><a class="nfw-cms-attachment" href="{apath}">{escape(att.name)}</a></p>'

    def article(doc: Doc, path: str, links: list[str]) -> bytes:
        post = post_of(doc)
        table = (f'<table class="gkmlpt-meta"><tr><td>索引号：</td><td>007{post}</td><td>分类：</td><td>政府信息公开年报</td></tr>'
                 f'<tr><td>发布机构：</td><td>{escape(doc.agency or name)}</td><td>成文日期：</td><td>{doc.published:%Y-%m-%d}</td></tr></table>')
        return base.page_html(doc.title, base.meta_tags(name, "政府信息公开年报", doc, path),
                         f"{table}<h1>{escape(doc.title)}</h1><div class='article-content'>{base.paragraphs_html(doc)}"
                         f"{''.join(links)}</div><script>window._CONFIG = {{DETAIL: {{id: {post}}}}};</script>")

    def detail(doc: Doc) -> str:
        post = post_of(doc)
        return f"{prefix}/gkmlpt/content/{post // 10**6}/{post // 10**3}/post_{post}.html"

    # a file the list links is an attachment of its article page here (the list API names the attachments)
    hrefs = base.publish(site, enumerate(docs), bodies, detail=detail, attach=attach, article=article)
    portal.paths = hrefs
    reports = [(i, d) for i, d in enumerate(docs) if d.is_report]
    notices = [(i, d) for i, d in enumerate(docs) if not d.is_report]
    cats = {2271: ("政府信息公开年报", reports), 2269: ("通知公告", notices)}
    children: list[dict[str, object]] = []
    if year_children:  # the 年报 category holds nothing itself: one child per year holds the reports
        years = sorted({d.year for _i, d in reports if d.year}, reverse=True)
        cats[2271] = ("政府信息公开年报", [])
        for y in years:
            cats[227100 + y % 100] = (f"{y}年", [(i, d) for i, d in reports if d.year == y])
        children = [{"id": 227100 + y % 100, "name": f"{y}年", "post_count": len(cats[227100 + y % 100][1]),
                     "children": [], "jump_url": ""} for y in years]
    tree = [{"id": 2266, "name": "政府信息公开目录", "post_count": len(docs), "jump_url": "",
             "children": [{"id": cid, "name": label, "post_count": len(items), "jump_url": "",
                           "children": children if cid == 2271 else []}
                          for cid, (label, items) in cats.items() if cid in (2271, 2269)]}]
    shell = (f'<div id="app"></div><script>window._CONFIG = {{SID: \'{sid}\', TREE: {json.dumps(tree, ensure_ascii=False)}, '
             "SERVICE_AREA_ID: 1, DETAIL: {}};</script><script src='/gkmlpt/static/js/app.js'></script>")
    site.routes[index] = Route(base.page_html(f"政府信息公开目录 {name}", base.meta_tags(name, "政府信息公开目录"), shell))
    portal.expected.list_paths.add(index)
    portal.expected.never_stored |= {index, f"{prefix}/gkmlpt/api/all/"}
    api = f"{prefix}/gkmlpt/api/all/"

    def answer(req: Request) -> Route | None:
        if not req.route.startswith(api):
            return None
        cat = req.route[len(api):]
        q = req.query
        n = max(1, int(q.get("page") or 1)) if (q.get("page") or "1").isdigit() else 1
        items = [(i, d) for i, d in enumerate(docs)] if cat == "0" else cats.get(int(cat) if cat.isdigit() else -1,
                                                                                   ("", []))[1]
        rows = [(i, d) for i, d, _p in base.ordered([d for _i, d in items])]
        rows = [(items[j][0], d) for j, d in rows]
        if variant == "one_page" and n >= 2:
            return Route(b"<html><body>404 Not Found</body></html>", status=404, conditional=False)
        size = len(rows) if variant == "one_page" else page_size
        if q.get("sid") != sid:
            rows = []
        chunk = rows[(n - 1) * size:n * size]
        articles = [{"id": 9_000_000 + d.doc_id * 7, "title": _u(d.row_title) if variant == "escaped" else d.row_title,
                     "url": origin + hrefs[i], "post_url": hrefs[i], "created_at": f"{d.published:%Y-%m-%d} 10:00:00",
                     "date": f"{d.published:%Y-%m-%d}", "identifier": f"007-{d.doc_id}", "publisher": d.agency,
                     "attachment": meta.get(i, []), "is_expired": False} for i, d in chunk]
        payload: dict[str, object] = {"articles": articles}
        if variant == "total":
            payload["total"] = len(rows)
        else:
            payload["classify"] = {"post_count": len(rows), "pages": math.ceil(len(rows) / size) if rows else 0}
        return Route(json.dumps(payload, ensure_ascii=False).encode(), "application/json", conditional=False)

    site.dynamic.append(answer)
    rng.random()
    base.expect(portal, docs, bodies)
    return portal
