"""An Anhui label-platform portal (``/public/column/`` + ``/site/label/8888``; CMS_FAMILIES.md (b) 6).

``<prefix>/public/column/<org>?type=4&action=list&nav=3&catId=<cat>`` holds an empty list container, ``pageCount:
P`` and the label call's parameters in its script; ``<prefix>/site/label/8888`` (GET or POST) with ``labelName=
publicInfoList, siteId, organId, type, catId, pageSize, pageIndex (1-based), action=list, file=…`` returns an HTML
fragment of ``div.xxgk_navli`` rows; without ``file`` or ``labelName`` it answers 暂无相关信息. Details
``/public/<org>/<id>.html``; attachments ``/group6/M00/…``. Variant ``hidden_params``: the script only names the
label URL, so the crawler must supply the platform's usual parameters; ``post_only``: the label answers GET with
暂无相关信息 (the page's ajax call is a POST); ``markup``: the fragment's rows as ``div.xxgk_navli`` ("navli"),
``ul.xxgk_nav_list li`` ("navlist") or ``table.r_xh_b`` rows ("table").
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from html import escape

from pipeline.synth.server import Request, Route

from . import base
from .base import Bodies, Doc, File, Portal

FILE = "/xxgk/publicInfoList_newest2020"


FAMILY = "anhui_label"  # the scrapers.platforms family that crawls it
# how tests/test_scrapers_families.py crawls this portal: fixed variants, and the space random ones come from
CASES: tuple[dict, ...] = (dict(page_size=6), dict(hidden_params=True, prefix="/zwgk"),
                           dict(page_size=5, post_only=True), dict(page_size=5, markup="navlist"),
                           dict(page_size=4, markup="table", post_only=True, prefix="/zwgk"))
SPACE: dict[str, Sequence] = dict(page_size=range(3, 31), hidden_params=(False, True), prefix=("", "/zwgk", "/hs/zwgk"),
                                  post_only=(False, True), markup=("navli", "navlist", "table"))


def build(docs: list[Doc], *, seed: int = 0, org: int = 6789011, cat: int = 15071, site_id: int = 6786,
          page_size: int = 15, prefix: str = "", hidden_params: bool = False, host: str | None = None,
          name: str = "示例县人民政府", post_only: bool = False, markup: str = "navli") -> Portal:
    rng = random.Random(seed)
    column = f"{prefix}/public/column/{org}?type=4&action=list&nav=3&catId={cat}"
    portal = base.new_portal(FAMILY, "anhui", column, name=name, host=host, robots=b"User-agent: *\nDisallow: /manager/\n")
    site = portal.site
    bodies: Bodies = {}

    def group6(ext: str) -> str:
        return f"/group6/M00/{rng.randrange(256):02X}/{rng.randrange(256):02X}/{rng.getrandbits(80):020x}.{ext}"

    def attach(_i: int, _doc: Doc, _n: int, att: File) -> str:
        apath = base.serve_file(site, group6(att.ext), att)
        return f'<p><a href="{apath}" target="_blank">{escape(att.name)}</a></p>'

    def article(doc: Doc, path: str, links: list[str]) -> bytes:
        return base.page_html(doc.title, base.meta_tags(name, "政府信息公开年报", doc, path) + f'<meta name="SiteId" content="{site_id}">',
                         f'<div class="wzbt">{escape(doc.title)}</div><div class="j-fontContent">{base.paragraphs_html(doc)}</div>'
                         + "".join(links))

    hrefs = base.publish(site, enumerate(docs), bodies, direct=lambda _i, d: base.serve_file(site, group6(d.direct.ext), d.direct),
                    detail=lambda d: f"{prefix}/public/{org}/{d.doc_id * 13}.html", attach=attach, article=article)
    portal.paths = hrefs
    listed = base.ordered(docs)
    pages = max(1, math.ceil(len(listed) / page_size))
    label = f"{prefix}/site/label/8888"
    params = (f'IsAjax: 1, dataType: "html", labelName: "publicInfoList", siteId: "{site_id}", organId: "{org}", '
              f'type: 4, catId: "{cat}", pageSize: {page_size}, pageIndex: 1, action: "list", isDate: true, '
              f'dateFormat: "yyyy-MM-dd", length: 50, file: "{FILE}"')
    method = "POST" if post_only else "GET"
    script = (f"<script>var pageCount = {pages};\n$(function(){{ $.ajax({{ url: '{label}', type: '{method}', "
              + ("data: getParams()" if hidden_params else f"data: {{ {params} }}")
              + f", success: function(d){{ $('#xxgk_lmcon').html(d); }} }}); $('#page').pagination({{pageCount:{pages},"
              " current: 1}); });</script>")
    body = f'<div class="xxgk_rcon"><div id="xxgk_lmcon"></div><div id="page"></div></div>{script}'
    site.routes[column] = Route(base.page_html(f"政府信息公开年报-{name}", base.meta_tags(name, "政府信息公开年报")
                                          + f'<meta name="SiteId" content="{site_id}">', body))
    portal.expected.list_paths.add(column)
    portal.expected.never_stored |= {column, label}

    def fragment(n: int, size: int) -> str:
        rows = []
        for i, doc, pinned in listed[(n - 1) * size:n * size]:
            attr = "" if doc.no_title_attr else f' title="{escape(doc.row_title)}"'
            top = '<span class="zd">[置顶]</span>' if pinned else ""
            a = f'{top}<a href="{hrefs[i]}"{attr} target="_blank">{escape(base.cut(doc.row_title, 20))}</a>'
            date = f'<span class="date">{doc.published:%Y-%m-%d}</span>'
            if markup == "navlist":
                rows.append(f"<li>{a}{date}</li>")
            elif markup == "table":
                rows.append(f'<tr><td class="xh">{doc.doc_id}</td><td class="bt">{a}</td><td class="rq">{date}</td></tr>')
            else:
                rows.append(f'<div class="xxgk_navli"><ul><li class="mc">{a}</li><li class="rq">{date}</li></ul></div>')
        if not rows:
            return '<div class="no-data">暂无相关信息</div>'
        if markup == "navlist":
            return f'<ul class="xxgk_nav_list">{"".join(rows)}</ul>'
        if markup == "table":
            return f'<table class="r_xh_b"><tr><th>序号</th><th>名称</th><th>日期</th></tr>{"".join(rows)}</table>'
        return "".join(rows)

    def answer(req: Request) -> Route | None:
        if req.route != label:
            return None
        q = req.params
        ok = (q.get("labelName") == "publicInfoList" and q.get("file") and q.get("organId") == str(org)
              and q.get("catId", q.get("catIds")) == str(cat))
        size = int(q.get("pageSize") or 15) if (q.get("pageSize") or "15").isdigit() else 15
        n = int(q.get("pageIndex") or 1) if (q.get("pageIndex") or "1").isdigit() else 1
        html = fragment(n, size) if ok and (req.method == "POST" or not post_only) else "暂无相关信息"
        return Route(html.encode(), "text/html;charset=UTF-8", conditional=False, methods=("GET", "POST"))

    site.dynamic.append(answer)
    base.expect(portal, docs, bodies)
    return portal
