"""A Hanweb 信息公开目录 (xxgk) portal (CMS_FAMILIES.md (b) 4, xxgk).

The column page embeds ``<iframe src="/module/xxgk/subjectinfo.jsp?area=<unit>&infotypeId=<code>">``; that page
holds the first rows (``tr.tr_main_value_odd|even``), a search form with its hidden fields and a pager of
``funGoPage('/module/xxgk/search.jsp', N)`` calls. Later pages: ``POST /module/xxgk/search.jsp?standardXxgk=0&
isAllList=1&…&currpage=N&sortfield=,compaltedate:0`` with the form fields (``infotypeId, jdid, area, divid,
vc_title…``); without ``area`` and ``infotypeId`` it lists nothing. Pinned rows first (``b_settop``).
``iframe=False``: the column page holds the form and the first rows itself; ``go="number"``: the pager calls
``funGoPage(N)`` without the path.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from html import escape

from pipeline.synth.server import Request, Route

from . import base
from .base import Bodies, Doc, File, Portal
from .hanweb_jpage import _article

SEARCH = "/module/xxgk/search.jsp"
SUBJECT = "/module/xxgk/subjectinfo.jsp"


FAMILY = "hanweb_xxgk"  # the scrapers.platforms family that crawls it
# how tests/test_scrapers_families.py crawls this portal: fixed variants, and the space random ones come from
CASES: tuple[dict, ...] = (dict(per_page=6), dict(per_page=5, iframe=False), dict(per_page=5, go="number"),
                           dict(per_page=4, iframe=False, go="number"))
SPACE: dict[str, Sequence] = dict(per_page=range(3, 21), iframe=(True, False), go=("path", "number"))


def build(docs: list[Doc], *, seed: int = 0, column: int = 1229, area: str = "11330100002489763P",
          infotype: str = "A0203", per_page: int = 15, host: str | None = None,
          name: str = "示例市人民政府办公室", iframe: bool = True, go: str = "path") -> Portal:
    rng = random.Random(seed)
    col_path = f"/col/col{column}/index.html"
    portal = base.new_portal(FAMILY, "xxgk", col_path, name=name, host=host)
    site = portal.site
    bodies: Bodies = {}

    def attach(_i: int, _doc: Doc, _n: int, att: File) -> str:
        hexname = f"{rng.getrandbits(128):032x}.{att.ext}"
        href = f"/module/download/downfile.jsp?classid=0&filename={hexname}"
        site.routes[href] = Route(redirect_to=f"/attach/0/{hexname}", redirect_status=302)
        base.serve_file(site, f"/attach/0/{hexname}", att, "application/octet-stream")
        return f'<a href="{escape(href)}">{escape(att.name)}</a>'

    def direct(_i: int, doc: Doc) -> str:
        path = f"/module/download/downfile.jsp?classid=0&filename={doc.doc_id:032x}.{doc.direct.ext}"
        return base.serve_file(site, path, doc.direct, "application/octet-stream")

    hrefs = base.publish(site, enumerate(docs), bodies, direct=direct, attach=attach,
                    detail=lambda d: f"/art/{d.published.year}/{d.published.month}/{d.published.day}/art_{column}_{d.doc_id}.html",
                    article=lambda doc, path, links: _article(doc, name, path, "".join(links)),
                    page_type="text/html;charset=UTF-8")
    portal.paths = hrefs
    rows = base.ordered(docs)
    pages = max(1, math.ceil(len(rows) / per_page))

    def table(n: int) -> str:
        out = []
        for k, (i, doc, pinned) in enumerate(rows[(n - 1) * per_page:n * per_page]):
            cls = "tr_main_value_odd" if k % 2 == 0 else "tr_main_value_even"
            title = doc.row_title
            attr = "" if doc.no_title_attr else f' title="{escape(title)}"'
            mark = '<img src="/images/zd.gif" alt="置顶">' if pinned else ""
            out.append(f'<tr class="{cls}"><td>{doc.published:%Y}-{doc.doc_id}</td><td>{mark}<a href="{escape(hrefs[i])}"'
                       f' target="_blank"{attr}>{escape(base.cut(title, 18))}</a></td><td>{doc.published:%Y-%m-%d}</td></tr>')
        call = (lambda k: f"funGoPage({k})") if go == "number" else (lambda k: f"funGoPage('{SEARCH}', {k})")
        pager = " ".join(f"<a href=\"javascript:{call(k)}\">{k}</a>" for k in range(1, pages + 1))
        return (f'<table class="xxgk_list">{"".join(out)}</table><div class="pager">共{pages}页 {pager}</div>')

    form = (f'<form id="searchform" method="post" action="{SEARCH}"><input type="hidden" name="infotypeId" value="{infotype}">'
            f'<input type="hidden" name="jdid" value="3"><input type="hidden" name="area" value="{area}">'
            '<input type="hidden" name="divid" value="div1"><input type="text" name="vc_title" value="">'
            '<input type="hidden" name="vc_number" value=""><input type="hidden" name="vc_filenumber" value="">'
            '<input type="hidden" name="texttype" value=""><input type="hidden" name="fbtime" value=""></form>')
    subject_path = f"{SUBJECT}?area={area}&infotypeId={infotype}&jdid=3"
    site.routes[subject_path] = Route(base.page_html("信息公开目录", "", form + table(1)))
    col_page = (f'<div class="crumb">首页 &gt; 政府信息公开年报</div><iframe src="{escape(subject_path)}" width="100%" '
                'height="900" frameborder="0"></iframe>') if iframe else (
        f'<div class="crumb">首页 &gt; 政府信息公开年报</div><div class="xxgk">{form}{table(1)}</div>'
        '<script src="/module/xxgk/js/xxgk.js"></script>')
    site.routes[col_path] = Route(base.page_html(f"政府信息公开年报_{name}", base.meta_tags(name, "政府信息公开年报"), col_page))
    portal.expected.list_paths |= {col_path, subject_path} if iframe else {col_path}
    portal.expected.never_stored |= {col_path, subject_path, SEARCH}

    def search(req: Request) -> Route | None:
        if req.route != SEARCH:
            return None
        q = req.params
        if q.get("area") != area or q.get("infotypeId") != infotype:
            return Route(base.page_html("信息公开目录", "", "<table></table>暂无相关信息"), conditional=False,
                         methods=("POST",))
        n = int(q.get("currpage") or 1)
        return Route(base.page_html("信息公开目录", "", table(n) if n <= pages else "<table></table>"), conditional=False,
                     methods=("POST",))

    site.dynamic.append(search)
    base.expect(portal, docs, bodies)
    return portal
