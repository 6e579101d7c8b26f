"""A Hanweb jpaas ("JCMS 2") portal, as Zhejiang departments run it (CMS_FAMILIES.md §2 jpaas).

``/col/col<C>/index.html`` renders page 1 and a pager ``<div count="N" rows="R" pageNo="1" queryData="{'webId':…,
'pageId':…,'tagId':…,'tplSetId':…}">``; ``GET /api-gateway/jpaas-publish-server/front/page/build/unit?webId&pageId&
parseType=bulidstatic&pageType=column&tagId&tplSetId&rows&pageNo`` returns ``{success, data: {html}}`` with the
rows of any page. Articles ``/col/col<C>/art/YYYY/art_<uuid>.html``; attachments on the OSS host
``jcms_files/jcms1/web<webid>/site/attach/0/<hex>.pdf`` (on the portal's own host without a port).
"""

from __future__ import annotations

import json
import math
import random
import uuid
from collections.abc import Sequence
from html import escape

from pipeline.synth.server import Request, Route, Site

from . import base
from .base import Bodies, Doc, File, Portal
from .hanweb_jpage import OSS_HOST, _article

API = "/api-gateway/jpaas-publish-server/front/page/build/unit"


FAMILY = "hanweb_jpaas"  # the scrapers.platforms family that crawls it
# how tests/test_scrapers_families.py crawls this portal: fixed variants, and the space random ones come from
CASES: tuple[dict, ...] = (dict(rows=5, port=True, host="jyt.zj.gov.cn"),)
SPACE: dict[str, Sequence] = dict(rows=range(3, 21))


def build(docs: list[Doc], *, seed: int = 0, column: int = 1229564321, webid: int = 3101, rows: int = 15,
          host: str | None = None, port: int | None = None, name: str = "示例省教育厅") -> Portal:
    rng = random.Random(seed)
    col_path = f"/col/col{column}/index.html"
    portal = base.new_portal(FAMILY, "jpaas", col_path, name=name, host=host)
    site = portal.site
    oss = Site(name=name, key="oss")
    if port is not None:
        portal.hosts[OSS_HOST] = oss
    bodies: Bodies = {}
    attach_dir = f"/jcms_files/jcms1/web{webid}/site/attach/0/"

    def attach(_i: int, _doc: Doc, _n: int, att: File) -> str:
        file_path = f"{attach_dir}{rng.getrandbits(128):032x}.{att.ext}"
        href = base.serve_file(site, file_path, att) if port is None else \
            f"http://{OSS_HOST}:{port}" + base.serve_file(oss, file_path, att)
        return f'<p><a href="{escape(href)}">{escape(att.name)}</a></p>'

    hrefs = base.publish(site, enumerate(docs), bodies, attach=attach,
                    detail=lambda d: f"/col/col{column}/art/{d.published:%Y}/art_{uuid.UUID(int=rng.getrandbits(128))}.html",
                    article=lambda doc, path, links: _article(doc, name, path, "".join(links)),
                    direct=lambda _i, d: base.serve_file(site, f"{attach_dir}{rng.getrandbits(128):032x}.{d.direct.ext}", d.direct),
                    page_type="text/html;charset=UTF-8")
    portal.paths = hrefs
    listed = base.ordered(docs)
    tag, tpl = "列表", f"{rng.getrandbits(32):08x}"
    pages = max(1, math.ceil(len(listed) / rows))

    def fragment(n: int) -> str:
        out = []
        for i, doc, pinned in listed[(n - 1) * rows:n * rows]:
            mark = '<i class="top">置顶</i>' if pinned else ""
            out.append(f"<li>{mark}{base.row_anchor(doc, hrefs[i], rng)}<span>{doc.published:%Y-%m-%d}</span></li>")
        return "".join(out)

    query = f"{{'webId':'{webid}','pageId':'{column}','tagId':'{tag}','tplSetId':'{tpl}'}}"
    body = (f'<div class="lm-list"><ul id="list">{fragment(1)}</ul><div class="pagination" id="pagination" '
            f'count="{len(listed)}" rows="{rows}" pageNo="1" queryData="{query}"></div></div>'
            f'<script src="/static/js/jpaas-page.js"></script>')
    site.routes[col_path] = Route(base.page_html(f"政府信息公开年报 {name}", base.meta_tags(name, "政府信息公开年报"), body))
    portal.expected.list_paths.add(col_path)
    portal.expected.never_stored |= {col_path, API}

    def api(req: Request) -> Route | None:
        if req.route != API:
            return None
        q = req.query
        ok = (q.get("webId") == str(webid) and q.get("pageId") == str(column) and q.get("tagId") == tag
              and q.get("tplSetId") == tpl)
        n = int(q.get("pageNo") or 1) if (q.get("pageNo") or "1").isdigit() else 1
        payload = {"success": ok, "data": {"html": fragment(n) if ok and n <= pages else ""}}
        return Route(json.dumps(payload, ensure_ascii=False).encode(), "application/json;charset=UTF-8",
                     conditional=False)

    site.dynamic.append(api)
    base.expect(portal, docs, bodies)
    return portal
