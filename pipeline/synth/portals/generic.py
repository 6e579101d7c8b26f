"""A plain portal with no CMS markers: a column at ``/list`` whose pages are joined by 下一页 links
(``style="next"``) or ``?page=N`` links (``style="query"``), reports linked straight as PDFs or as pages."""

from __future__ import annotations

import random
from collections.abc import Sequence
from html import escape

from pipeline.synth.server import Route, Site

from .base import Doc, Expected, Portal, default_paragraphs, expect, meta_tags, ordered, page_html, put_beside

FAMILY = "generic"  # the scrapers.platforms family that crawls it
# how tests/test_scrapers_families.py crawls this portal: fixed variants, and the space random ones come from
CASES: tuple[dict, ...] = (dict(style="next"), dict(style="query", per_page=4), dict(iframe=True, per_page=5))
SPACE: dict[str, Sequence] = {}  # the fallback family: its fixed variants only


def build(docs: list[Doc], *, seed: int = 0, style: str = "next", per_page: int = 3, host: str | None = None,
          name: str = "示例乡人民政府", iframe: bool = False) -> Portal:
    """``iframe``: the column page only embeds the list (Shanghai's ``iframePagerIndex_<node>_<type>_<size>.html
    ?page=N``), which answers only with a Referer."""
    rng = random.Random(seed)
    site = Site(name=name, key="plain")
    site.column_path = "/list"
    portal = Portal("generic", site, "/list", Expected(), host=host, name=name)
    bodies: dict[int, list[tuple[str, bytes]]] = {}
    hrefs: dict[int, str] = {}
    for i, doc in enumerate(docs):
        if doc.direct is not None or not doc.attachments and doc.page is None and not doc.deleted:
            file = doc.direct
            if file is None:
                from .base import File, fake_pdf

                file = File(f"{doc.title}.pdf", fake_pdf(doc.title))
            path = f"/doc/{doc.doc_id}.{file.ext}"
            site.routes[path] = Route(file.body, file.content_type)
            hrefs[i], bodies[i] = path, [("direct", file.body)]
            continue
        path = f"/doc/{doc.doc_id}.html"
        if doc.deleted:
            from .base import stub_page

            site.routes[path] = Route(stub_page())
            hrefs[i] = path
            continue
        links, atts = "", []
        for n, att in enumerate(doc.attachments):
            apath = f"/files/{rng.getrandbits(48):012x}.{att.ext}"
            site.routes[apath] = Route(att.body, att.content_type)
            links += f'<a href="{apath}">{escape(att.name)}</a>'
            atts.append((f"att{n}", att.body))
        paras = "".join(f"<p>{escape(p)}</p>" for p in default_paragraphs(doc))
        body = doc.page if doc.page is not None else page_html(doc.title, meta_tags(name, "年报", doc, path),
                                                               f"<h1>{escape(doc.title)}</h1>{paras}{links}")
        site.routes[path] = Route(body, doc.page_type if doc.page is not None else "text/html; charset=utf-8")
        hrefs[i], bodies[i] = path, [("page", body), *atts, *put_beside(site, path, doc)]
    portal.paths = hrefs
    rows = [f'<tr><td><a href="{hrefs[i]}">{escape(d.title)}</a></td><td>{d.published.year}年{d.published.month}月'
            f"{d.published.day}日</td></tr>" for i, d, _p in ordered(docs) if not _p]
    pages = [rows[k:k + per_page] for k in range(0, len(rows), per_page)] or [[]]
    base = f"/pagemore/iframePagerIndex_12344_2_{per_page}.html" if iframe else "/list"
    for k, chunk in enumerate(pages):
        if iframe:
            url = f"{base}?page={k + 1}"
            nxt = "" if k == len(pages) - 1 else f'<a href="{base}?page={k + 2}">下一页</a>'
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
        site.routes["/list"] = Route(page_html(f"政府信息公开年报 {name}", meta_tags(name, "政府信息公开年报"),
                                               f'<iframe src="{base}?page=1" width="100%" height="800"></iframe>'))
        portal.expected.never_stored.add("/list")
    expect(portal, docs, bodies)
    return portal
