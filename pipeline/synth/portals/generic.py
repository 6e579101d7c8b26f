"""A plain portal with no CMS markers: a column at ``/list`` whose pages are joined by 下一页 links
(``style="next"``) or ``?page=N`` links (``style="query"``), reports linked straight as PDFs or as pages.

``style="count"``: a column ``/xxgk/gknb/index.html`` whose pager is drawn by script, so no page links exist;
only a page count tells there are more: Shanghai's jQuery ``.pagination({totalPage: P})`` ("pagination"),
``var totalPage = P`` ("var") or the text 共P页 ("text"). The other pages are ``index_k.html``, numbered from
``index_1`` (``numbering=0``: page 2 is ``index_1``) or from ``index_2`` (``numbering=1``, Shanghai)."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from html import escape

from pipeline.synth.server import Route

from . import base
from .base import Bodies, Doc, File, Portal

FAMILY = "generic"  # the scrapers.platforms family that crawls it
# how tests/test_scrapers_families.py crawls this portal: fixed variants, and the space random ones come from
CASES: tuple[dict, ...] = (dict(style="next"), dict(style="query", per_page=4), dict(iframe=True, per_page=5),
                           dict(style="count", numbering=1, counter="pagination", per_page=3),
                           dict(style="count", numbering=0, counter="text", per_page=4),
                           dict(style="count", numbering=1, counter="var", per_page=2))
SPACE: dict[str, Sequence] = dict(style=("next", "query", "count"), per_page=range(2, 13), numbering=(0, 1),
                                  counter=("pagination", "var", "text"), iframe=(False, False, True))


def build(docs: list[Doc], *, seed: int = 0, style: str = "next", per_page: int = 3, host: str | None = None,
          name: str = "示例乡人民政府", iframe: bool = False, numbering: int = 0, counter: str = "pagination") -> Portal:
    """``iframe``: the column page only embeds the list (Shanghai's ``iframePagerIndex_<node>_<type>_<size>.html
    ?page=N``), which answers only with a Referer."""
    rng = random.Random(seed)
    portal = base.new_portal(FAMILY, "plain", "/list", name=name, host=host, robots=None)
    site = portal.site
    bodies: Bodies = {}
    # a row with nothing to show on an article page links its report file straight
    shown = [dataclasses.replace(d, direct=File(f"{d.title}.pdf", base.fake_pdf(d.title)))
             if d.direct is None and not d.attachments and d.page is None and not d.deleted else d for d in docs]

    def attach(_i: int, _doc: Doc, _n: int, att: File) -> str:
        apath = base.serve_file(site, f"/files/{rng.getrandbits(48):012x}.{att.ext}", att)
        return f'<a href="{apath}">{escape(att.name)}</a>'

    hrefs = base.publish(site, enumerate(shown), bodies, attach=attach,
                    direct=lambda _i, d: base.serve_file(site, f"/doc/{d.doc_id}.{d.direct.ext}", d.direct),
                    detail=lambda d: f"/doc/{d.doc_id}.html",
                    article=lambda doc, path, links: base.page_html(doc.title, base.meta_tags(name, "年报", doc, path),
                                                               f"<h1>{escape(doc.title)}</h1>{base.paragraphs_html(doc)}"
                                                               + "".join(links)))
    portal.paths = hrefs
    rows = [f'<tr><td><a href="{hrefs[i]}">{escape(d.title)}</a></td><td>{d.published.year}年{d.published.month}月'
            f"{d.published.day}日</td></tr>" for i, d, _p in base.ordered(docs) if not _p]
    pages = [rows[k:k + per_page] for k in range(0, len(rows), per_page)] or [[]]
    if style == "count" and not iframe:
        return _counted(portal, docs, bodies, pages, numbering, counter)
    list_url = f"/pagemore/iframePagerIndex_12344_2_{per_page}.html" if iframe else "/list"
    for k, chunk in enumerate(pages):
        if iframe:
            url = f"{list_url}?page={k + 1}"
            nxt = "" if k == len(pages) - 1 else f'<a href="{list_url}?page={k + 2}">下一页</a>'
        else:
            url = "/list" if k == 0 else (f"/list?page={k + 1}" if style == "query" else f"/list/p{k + 1}.html")
            nxt = "" if k == len(pages) - 1 else (
                f'<a href="/list?page={k + 2}">{k + 2}</a>' if style == "query"
                else f'<a href="/list/p{k + 2}.html">下一页</a>')
        route = Route(f"<html><body><table>{''.join(chunk)}</table><div>{nxt}</div></body></html>".encode())
        if iframe:
            route.require_referer = "http"  # any page of the site, never none
        site.routes[url] = route
        portal.expected.list_paths.add(url)
        portal.expected.never_stored.add(url)
    if iframe:
        site.routes["/list"] = Route(base.page_html(f"政府信息公开年报 {name}", base.meta_tags(name, "政府信息公开年报"),
                                               f'<iframe src="{list_url}?page=1" width="100%" height="800"></iframe>'))
        portal.expected.never_stored.add("/list")
    base.expect(portal, docs, bodies)
    return portal


def _counted(portal: Portal, docs: list[Doc], bodies: Bodies, pages: list[list[str]], numbering: int,
             counter: str) -> Portal:
    """The ``style="count"`` column: pages without links to each other, only a count."""
    site, folder = portal.site, "/xxgk/gknb/"
    first = folder + "index.html"
    site.column_path = portal.column_path = first
    total = len(pages)
    for k, chunk in enumerate(pages):
        if counter == "pagination":
            pager = (f'<div id="pagination" class="pagination"></div><script>$("#pagination").pagination({{'
                     f"totalPage: {total}, currentPage: {k + 1}, callback: function(n){{ location.href = n == 1 ? "
                     f"'index.html' : 'index_' + (n - {1 - numbering}) + '.html'; }} }});</script>")
        elif counter == "var":
            pager = f"<script>var totalPage = {total};\nvar currentPage = {k + numbering};</script><div id='pager'></div>"
        else:
            pager = f'<div class="page">共{total}页 当前第{k + 1}页 <span id="pagebar"></span></div>'
        name = "index.html" if k == 0 else f"index_{k + numbering}.html"
        body = base.page_html(f"政府信息公开年报 {site.name}", base.meta_tags(site.name, "政府信息公开年报"),
                              f"<table>{''.join(chunk)}</table>{pager}")
        site.routes[folder + name] = Route(body)
        portal.expected.list_paths.add(folder + name)
        portal.expected.never_stored.add(folder + name)
    site.routes[folder] = site.routes[first]
    portal.expected.never_stored.add(folder)
    base.expect(portal, docs, bodies)
    return portal
