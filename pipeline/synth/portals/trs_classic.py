"""A TRS WCM classic portal (CMS_FAMILIES.md (b) 1).

``/<col>/index.html`` then ``index_k.html`` (k < P) named by ``createPageHTML(P, k, "index", "html")`` (or the
Beijing signature ``createPageHTML(total, P, k, "index", "html")``, or, with ``signature="count"``, no call at all:
the pager script is external and only ``var countPage = P`` tells) and ``var countPage = P``; ``index_P`` is
404, or, in the stub variant, a 350-byte stub the pager still counts. Articles ``/<col>/YYYYMM/tYYYYMMDD_<id>
.html`` with the national meta tags, ``div.TRS_Editor`` and attachments ``./P0<YYYYMMDD><12 digits>.pdf``
carrying a dead ``OLDSRC``; optionally attachments that answer 501 without a Referer. Removed articles are
meta-refresh stubs. Column trees: a 年报 root whose sub-columns are years (``2023/``, ``gknb2023/``,
``2023n/``, ``nb_2023n/``) or agencies (rows titled ``2023年度``).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from html import escape

from pipeline.synth.server import Route, Site

from . import base
from .base import SHELL_CHOICES, Bodies, Doc, Expected, File, Portal

ROBOTS = b"User-agent: *\nDisallow: /private/\nDisallow: /search/\n"
YEAR_DIRS = ("{y}/", "gknb{y}/", "{y}n/", "nb_{y}n/", "{y}nb/")


def _date_span(doc: Doc) -> str:
    return f'<span class="date">{doc.published:%Y-%m-%d}</span>'


def list_body(rows: list[str], pager: str, column: str, extra: str = "") -> str:
    lis = "\n".join(rows)
    return (f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="../">政府信息公开</a> &gt; {escape(column)}</div>\n'
            f'{extra}<div class="list"><ul>\n{lis}\n</ul></div>\n<div class="page"><script>{pager}</script></div>')


def trs_pager(pages: int, k: int, signature: str, total: int, prefix: str = "index", ext: str = "html") -> str:
    call = (f'createPageHTML({total}, {pages}, {k}, "{prefix}", "{ext}");' if signature == "B"
            else "" if signature == "count" else f'createPageHTML(countPage, currentPage, "{prefix}", "{ext}");')
    return f"var currentPage = {k};//所在页从0开始\nvar countPage = {pages}//共多少页\n{call}"


def article(doc: Doc, site_name: str, column: str, url: str, links: str, encoding: str, container: str) -> bytes:
    paras = base.paragraphs_html(doc)
    body = (f'<div class="article"><h1>{escape(doc.title)}</h1>'
            f'<div class="xxgk_table">索引号：11350000/{doc.published:%Y}-{doc.doc_id:05d} 发布机构：{escape(doc.agency or site_name)} '
            f'主题分类：政府信息公开年报 发布日期：{doc.published:%Y-%m-%d}</div>'
            f'<div class="{container}">{paras}{links}</div></div>')
    return base.page_html(f"{doc.title}_{site_name}", base.meta_tags(site_name, column, doc, url), body, encoding)


def publish_column(site: Site, folder: str, column: str, site_name: str, docs: list[tuple[int, Doc]],
                   rng: random.Random, portal: Portal, bodies: Bodies, *, encoding: str, referer: bool,
                   ext: str = "html") -> dict[int, str]:
    """Article pages ``<folder>YYYYMM/tYYYYMMDD_<id>.<ext>`` (or files linked straight, ``W0…``) of ``docs``, with
    attachments ``<p class="insertfileTag"><a appendix href="./P0….pdf" OLDSRC="/protect/…">``; returns doc index
    -> href relative to the folder."""

    def attach(_i: int, doc: Doc, n: int, att: File) -> str:
        stamp = f"{doc.published:%Y%m%d}"
        name = f"P0{stamp}{rng.randrange(10**11, 10**12)}{n}.{att.ext}"
        oldsrc = f"/protect/P0{stamp[:6]}/P0{stamp}/{name}"
        sub = f"{folder}{stamp[:6]}/"
        base.serve_file(site, sub + name, att, require_referer=sub if referer else None)
        portal.expected.never_fetched.add(oldsrc)
        return (f'<p class="insertfileTag"><a appendix="true" data-appendix="true" href="./{name}" '
                f'title="{escape(att.name)}" download="{escape(att.name)}" OLDSRC="{oldsrc}">{escape(att.name)}</a></p>')

    hrefs = base.publish(site, docs, bodies, attach=attach,
                    direct=lambda _i, d: base.serve_file(site, f"{folder}{d.published:%Y%m}/W0{d.published:%Y%m%d}{d.doc_id}"
                                                          f".{d.direct.ext}", d.direct),
                    detail=lambda d: f"{folder}{d.published:%Y%m}/t{d.published:%Y%m%d}_{d.doc_id}.{ext}",
                    article=lambda doc, path, links: article(doc, site_name, column, path, "".join(links), encoding,
                                                             "TRS_Editor"),
                    page_type=f"text/html; charset={encoding}")
    return {i: "./" + path[len(folder):] for i, path in hrefs.items()}


def static_list(site: Site, folder: str, column: str, site_name: str, rows: list[str], per_page: int, *,
                signature: str, encoding: str, stub: bool, extra: str = "", ext: str = "html",
                portal: Portal) -> None:
    """``index.html``/``index_k.html`` pages of ``rows`` with the TRS pager."""
    pages = max(1, math.ceil(len(rows) / per_page))
    declared = pages + (1 if stub else 0)
    for k in range(pages):
        chunk = rows[k * per_page:(k + 1) * per_page]
        body = list_body(chunk, trs_pager(declared, k, signature, len(rows), ext=ext), column,
                         extra if k == 0 else "")
        name = "index." + ext if k == 0 else f"index_{k}.{ext}"
        site.routes[folder + name] = Route(base.page_html(f"{column}_{site_name}", base.meta_tags(site_name, column), body,
                                                     encoding), f"text/html; charset={encoding}" if k % 2 == 0
                                           else "text/html")
        portal.expected.list_paths.add(folder + name)
        portal.expected.never_stored.add(folder + name)
    site.routes[folder] = site.routes[folder + "index." + ext]
    portal.expected.never_stored.add(folder)
    if stub:
        site.routes[folder + f"index_{pages}.{ext}"] = Route(b"<html><head><title></title></head><body>"
                                                             + b" " * 300 + b"</body></html>")
        portal.expected.never_stored.add(folder + f"index_{pages}.{ext}")


def rows_for(docs: list[tuple[int, Doc]], hrefs: dict[int, str], rng: random.Random, *, commented: bool,
             exp: Expected, folder: str) -> list[str]:
    out = []
    by_index = dict(docs)
    for i, doc, shown_pinned in base.ordered([d for _i, d in docs]):
        real = list(by_index)[i]
        anchor = base.row_anchor(doc, hrefs[real], rng)
        if shown_pinned:
            out.append(f'<li class="top"><span class="zd">[置顶]</span>{anchor}{_date_span(doc)}</li>')
            continue
        out.append(f"<li>{anchor}{_date_span(doc)}</li>")
        if commented and doc.is_report and rng.random() < 0.5:
            ghost = f"{folder}bak/t{doc.doc_id}_0.html"
            exp.never_fetched.add(ghost)
            out.append(f'<!-- <li><a href="{ghost}" title="{escape(doc.title)}">{escape(base.cut(doc.title, 16))}</a>'
                       f"{_date_span(doc)}</li> -->")
    return out


FAMILY = "trs_classic"  # the scrapers.platforms family that crawls it
# how tests/test_scrapers_families.py crawls this portal: fixed variants, and the space random ones come from
CASES: tuple[dict, ...] = (dict(per_page=7, stub=True, commented=True),
                           dict(per_page=6, signature="B", encoding="gbk", referer=True),
                           dict(per_page=4, tree="year", ext="shtml"),
                           dict(per_page=5, tree="agency", host="www.qx.gov.cn"),
                           dict(per_page=5, signature="count", ext="shtml"),
                           dict(per_page=4, signature="count", tree="agency", ext="shtml"),
                           dict(per_page=6, tree="agency", shell="meta"))
SPACE: dict[str, Sequence] = dict(per_page=range(3, 26), signature=("A", "B", "count"), shell=SHELL_CHOICES, encoding=("utf-8", "gbk"), stub=(False, True),
                                  tree=(None, "year", "agency"), ext=("html", "shtml", "htm"),
                                  column=("/xxgk/zfxxgknb/", "/zwgk/gknb/", "/a/b/ndbg/"))


def build(docs: list[Doc], *, seed: int = 0, column: str = "/xxgk/zfxxgknb/", per_page: int = 20,
          signature: str = "A", encoding: str = "utf-8", stub: bool = False, referer: bool = False,
          tree: str | None = None, commented: bool = False, host: str | None = None,
          name: str = "示例市某某区人民政府", ext: str = "html", faults: bool = False) -> Portal:
    """The portal. ``tree``: None (one column), "year" (year sub-columns) or "agency" (agency sub-columns,
    rows titled ``2023年度``). ``faults``: HTTP faults real portals show (503 then 200, 429 with Retry-After,
    an old address that redirects, a PDF served as text/html, a trickled download, the same report under a
    second URL, a dead report link, a report under a robots-disallowed path)."""
    rng = random.Random(seed)
    portal = base.new_portal(FAMILY, "trs", column, name=name, host=host, robots=ROBOTS, hints={"cms": "trs"})
    site = portal.site
    bodies: Bodies = {}
    indexed = list(enumerate(docs))
    if tree is None:
        hrefs = publish_column(site, column, "政府信息公开年报", name, indexed, rng, portal, bodies, encoding=encoding,
                        referer=referer, ext=ext)
        extra_rows = _faults(site, column, docs, hrefs, portal) if faults else []
        rows = rows_for(indexed, hrefs, rng, commented=commented, exp=portal.expected, folder=column)
        rows[1:1] = extra_rows
        static_list(site, column, "政府信息公开年报", name, rows, per_page, signature=signature, encoding=encoding,
                    stub=stub, portal=portal)
        portal.paths = {i: _abs(column, h) for i, h in hrefs.items()} | portal.paths
    else:
        groups: dict[str, list[tuple[int, Doc]]] = {}
        labels: dict[str, str] = {}
        own: list[tuple[int, Doc]] = []
        for i, doc in indexed:
            if tree == "year" and doc.year:
                key = rng.choice(YEAR_DIRS).format(y=doc.year) if str(doc.year) not in labels else labels[str(doc.year)]
                labels[str(doc.year)] = key
                groups.setdefault(key, []).append((i, doc))
            elif tree == "agency" and doc.is_report and doc.agency and doc.agency != name:
                key = f"bm{int(hashlib.sha1(doc.agency.encode()).hexdigest()[:6], 16) % 1000:03d}/"
                labels[doc.agency] = key
                doc.list_title = doc.list_title or f"{doc.year}年度"
                doc.group = doc.agency
                groups.setdefault(key, []).append((i, doc))
            else:
                own.append((i, doc))
        nav = []
        for label, key in sorted(labels.items(), reverse=True):
            text = f"{label}年" if tree == "year" else label
            nav.append(f'<li><a href="./{key}">{escape(text)}</a></li>')
            sub = column + key
            hrefs = publish_column(site, sub, text, name, groups[key], rng, portal, bodies, encoding=encoding,
                            referer=referer, ext=ext)
            rows = rows_for(groups[key], hrefs, rng, commented=commented, exp=portal.expected, folder=sub)
            static_list(site, sub, f"{text}政府信息公开年报" if tree == "year" else text, name, rows, per_page,
                        signature=signature, encoding=encoding, stub=False, portal=portal)
            portal.paths |= {i: _abs(sub, h) for i, h in hrefs.items()}
        extra = f'<div class="subnav"><ul>{"".join(nav)}</ul></div>\n'
        hrefs = publish_column(site, column, "政府信息公开年报", name, own, rng, portal, bodies, encoding=encoding,
                        referer=referer, ext=ext)
        rows = rows_for(own, hrefs, rng, commented=commented, exp=portal.expected, folder=column)
        static_list(site, column, "政府信息公开年报", name, rows, per_page, signature=signature, encoding=encoding,
                    stub=stub, extra=extra, portal=portal)
        portal.paths |= {i: _abs(column, h) for i, h in hrefs.items()}
    base.expect(portal, docs, bodies)
    return portal


def _faults(site: Site, column: str, docs: list[Doc], hrefs: dict[int, str], portal: Portal) -> list[str]:
    """Inject the faults of ``build(faults=True)``; returns extra list rows."""
    reports = [i for i, d in enumerate(docs) if d.is_report and not d.deleted and d.direct is None]
    pages = {i: _abs(column, hrefs[i]) for i in reports}
    with_att = [i for i in reports if docs[i].attachments]
    site.routes[pages[reports[0]]].fail_first = [(503, {})]  # 503 then 200
    if len(with_att) >= 3:
        atts = [p for p in site.routes if p.startswith(pages[with_att[0]].rsplit("/", 1)[0] + "/P0")]
        site.routes[atts[0]].fail_first = [(429, {"Retry-After": "1"})]
        atts = [p for p in site.routes if p.startswith(pages[with_att[1]].rsplit("/", 1)[0] + "/P0")]
        site.routes[atts[0]].content_type = "text/html; charset=utf-8"  # a PDF served as HTML
        atts = [p for p in site.routes if p.startswith(pages[with_att[2]].rsplit("/", 1)[0] + "/P0")]
        site.routes[atts[0]].trickle_first, site.routes[atts[0]].trickle_delay = 1, 0.02
    moved = reports[1]  # the list links an old address that redirects
    old = f"{column}old/t{docs[moved].doc_id}.html"
    site.routes[old] = Route(redirect_to=pages[moved])
    hrefs[moved] = old
    portal.paths[moved] = old
    dup = pages[reports[2]] + "?from=list"  # the same report under a second URL
    site.routes[dup] = site.routes[pages[reports[2]]]
    title = docs[reports[2]].title
    dead = f"{column}201501/t20150101_404.html"
    private = "/private/t20140101_1.html"
    site.routes[private] = Route(b"<html>secret</html>")
    portal.expected.never_fetched.add(private)
    portal.expected.never_stored |= {dead, private}
    agency = docs[reports[0]].agency
    return [f'<li><a href="{dup}" title="{escape(title)}">{escape(base.cut(title, 10))}</a><span>2024-03-02</span></li>',
            f'<li><a href="{dead}" title="{agency}2014年政府信息公开工作年度报告">2014年报</a><span>2015-01-01</span></li>',
            f'<li><a href="{private}">{agency}2013年政府信息公开工作年度报告</a><span>2014-01-01</span></li>']


def _abs(folder: str, href: str) -> str:
    return folder + href[2:] if href.startswith("./") else href


__all__ = ["File", "build"]
