"""A TRS ``page_div`` portal (CMS_FAMILIES.md (b) 2).

``/<sec>/c<chan>/<prefix>.shtml`` then ``<prefix>_2.shtml`` … (1-based) named by ``createPageHTML('page_div',
P, cur, '<prefix>', 'shtml', total)``; articles ``/<sec>/c<chan>/c<doc>/content.shtml``. The 年报 column can
be a tree of year sub-columns (``c<chan><y>/<prefix>.shtml``), each paged the same way.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from html import escape

from pipeline.synth.server import Route, Site

from . import base
from .base import Bodies, Doc, Expected, File, Portal
from .trs_classic import ROBOTS, article

PREFIXES = ("common_list", "fg", "xlist", "list_yw", "dc_list")


def _publish(site: Site, sec: str, chan: int, name: str, column: str, docs: list[tuple[int, Doc]],
             rng: random.Random, portal: Portal, bodies: Bodies, encoding: str) -> dict[int, str]:
    """Each doc in a folder of its own, ``<sec>c<chan>/c<id><nnn>/``: ``content.shtml`` and ``files/…``."""
    folders: dict[int, str] = {}  # id(doc) -> its folder

    def folder(doc: Doc) -> str:
        folders[id(doc)] = f"{sec}c{chan}/c{doc.doc_id}{rng.randrange(100, 999)}/"
        return folders[id(doc)]

    def attach(_i: int, doc: Doc, _n: int, att: File) -> str:
        fname = f"files/{rng.getrandbits(64):016x}.{att.ext}"
        base.serve_file(site, folders[id(doc)] + fname, att)
        return f'<p><a href="{fname}" title="{escape(att.name)}">{escape(att.name)}</a></p>'

    return base.publish(site, docs, bodies, attach=attach, detail=lambda d: folder(d) + "content.shtml",
                   direct=lambda _i, d: base.serve_file(site, f"{folder(d)}{d.doc_id}.{d.direct.ext}", d.direct),
                   article=lambda doc, path, links: article(doc, name, column, path, "".join(links), encoding,
                                                            "TRS_Editor"),
                   page_type=f"text/html; charset={encoding}")


def _list(site: Site, folder: str, prefix: str, column: str, name: str, rows: list[str], per_page: int,
          encoding: str, portal: Portal, extra: str = "") -> str:
    pages = max(1, math.ceil(len(rows) / per_page))
    for n in range(1, pages + 1):
        chunk = rows[(n - 1) * per_page:n * per_page]
        pager = f"createPageHTML('page_div', {pages}, {n}, '{prefix}', 'shtml', {len(rows)});"
        body = (f'{extra if n == 1 else ""}<div class="list"><ul>{"".join(chunk)}</ul></div>'
                f'<div id="page_div"></div><script>{pager}</script>')
        path = folder + (f"{prefix}.shtml" if n == 1 else f"{prefix}_{n}.shtml")
        site.routes[path] = Route(base.page_html(f"{column}-{name}", base.meta_tags(name, column), body, encoding),
                                  f"text/html; charset={encoding}")
        portal.expected.list_paths.add(path)
        portal.expected.never_stored.add(path)
    return folder + f"{prefix}.shtml"


def _rows(docs: list[tuple[int, Doc]], hrefs: dict[int, str], rng: random.Random) -> list[str]:
    real = [i for i, _d in docs]
    out = []
    for j, doc, pinned in base.ordered([d for _i, d in docs]):
        mark = '<span class="top">置顶</span>' if pinned else ""
        out.append(f"<li>{mark}{base.row_anchor(doc, hrefs[real[j]], rng, quote=chr(39))}"
                   f"<span>{doc.published:%Y-%m-%d}</span></li>")
    return out


FAMILY = "trs_pagediv"  # the scrapers.platforms family that crawls it
# how tests/test_scrapers_families.py crawls this portal: fixed variants, and the space random ones come from
CASES: tuple[dict, ...] = (dict(per_page=6, prefix="common_list"), dict(per_page=4, tree=True, prefix="fg", encoding="gbk"))
SPACE: dict[str, Sequence] = dict(per_page=range(3, 21), tree=(False, True), prefix=PREFIXES, chan=range(100, 1000000))


def build(docs: list[Doc], *, seed: int = 0, sec: str = "/zwgk/", chan: int = 100028, prefix: str | None = None,
          per_page: int = 15, tree: bool = False, encoding: str = "utf-8", host: str | None = None,
          name: str = "示例市某某区人民政府") -> Portal:
    rng = random.Random(seed)
    prefix = prefix or rng.choice(PREFIXES)
    site = Site(name=name, key="pagediv")
    portal = Portal("trs_pagediv", site, "", Expected(), host=host, name=name)
    site.routes["/robots.txt"] = Route(ROBOTS, "text/plain")
    bodies: Bodies = {}
    indexed = list(enumerate(docs))
    if not tree:
        hrefs = _publish(site, sec, chan, name, "政府信息公开年报", indexed, rng, portal, bodies, encoding)
        portal.column_path = _list(site, f"{sec}c{chan}/", prefix, "政府信息公开年报", name, _rows(indexed, hrefs, rng),
                                   per_page, encoding, portal)
        portal.paths = hrefs
    else:
        years = sorted({d.year for d in docs if d.year}, reverse=True)
        nav = "".join(f'<li><a href="{sec}c{chan}{y}/{prefix}.shtml">{y}年度</a></li>' for y in years)
        own = [(i, d) for i, d in indexed if not d.year]
        for y in years:
            group = [(i, d) for i, d in indexed if d.year == y]
            hrefs = _publish(site, sec, int(f"{chan}{y}"), name, f"{y}年度", group, rng, portal, bodies, encoding)
            _list(site, f"{sec}c{chan}{y}/", prefix, f"{y}年度", name, _rows(group, hrefs, rng), per_page, encoding,
                  portal)
            portal.paths |= hrefs
        hrefs = _publish(site, sec, chan, name, "政府信息公开年报", own, rng, portal, bodies, encoding)
        portal.column_path = _list(site, f"{sec}c{chan}/", prefix, "政府信息公开年报", name, _rows(own, hrefs, rng),
                                   per_page, encoding, portal, extra=f'<ul class="years">{nav}</ul>')
        portal.paths |= hrefs
    site.column_path = portal.column_path
    base.expect(portal, docs, bodies)
    return portal
