"""HTML reader: find the article of a government CMS page, expand its tables into grids, keep its prose."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from pipeline.document import Cell, Document, Paragraph, ReaderError, Table
from pipeline.readers.encoding import decode
from pipeline.text import clean

MEDIA_TYPE = "text/html"
# Content containers of common Chinese government CMSs (TRS, Hanweb, Ucap, …): tried before the text heuristic.
ARTICLE_HINTS = (
    "//*[@id='zoom']", "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
    "//*[@id='UCAP-CONTENT']", "//*[@class='article-content']", "//*[@id='content']",
    "//*[@class='view TRS_UEDITOR trs_paper_default trs_web']", "//article",
)
_BLOCK = frozenset("p div h1 h2 h3 h4 h5 h6 li ul ol section article header footer blockquote pre "
                   "center dd dt dl form hr tr td th caption title".split())
_SKIP = frozenset("script style noscript head select option template iframe button svg".split())
_META_RE = re.compile(r"""<meta\s+[^>]*?name\s*=\s*["']([A-Za-z]+)["'][^>]*?content\s*=\s*["']([^"']*)["']""", re.I)
_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_MAX_SPAN = 200


def _span(el: etree._Element, name: str) -> int:
    raw = el.get(name) or "1"
    digits = re.match(r"\s*(\d+)", raw)
    n = int(digits.group(1)) if digits else 1
    return min(max(n, 1), _MAX_SPAN)


def cell_text(el: etree._Element) -> str:
    """Text of a cell read across <p>, <br>, <span> and &nbsp; (blocks joined by a space, then cleaned)."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if not isinstance(node.tag, str) or node.tag in _SKIP:
            return
        if node.tag in ("p", "div", "br", "li"):
            parts.append(" ")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return clean("".join(parts))


def _rows(table: etree._Element) -> list[etree._Element]:
    return table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")


def expand(table: etree._Element, index: int) -> Table:
    """Expand rowspan/colspan into a rectangular grid; covered slots get a copy with spanned=True."""
    grid: dict[tuple[int, int], Cell] = {}
    n_rows = 0
    for r, tr in enumerate(_rows(table)):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            text = cell_text(td)
            rs, cs = _span(td, "rowspan"), _span(td, "colspan")
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = Cell(text, r + dr, c + dc, None, bool(dr or dc))
            c += cs
        n_rows = r + 1
    width = max((c for _, c in grid), default=-1) + 1
    rows = [[grid.get((r, c), Cell("", r, c)) for c in range(width)] for r in range(n_rows)]
    while rows and not any(cell.text for cell in rows[-1]):
        rows.pop()
    return Table(rows=rows, index=index)


def _is_data_table(el: etree._Element) -> bool:
    return not el.xpath(".//table")


def _text_len(el: etree._Element) -> int:
    return len("".join(el.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]")))


def find_article(root: etree._Element) -> etree._Element:
    """The element holding the report: a known CMS container, else the densest prose block, widened to its tables."""
    for xp in ARTICLE_HINTS:
        hits = [h for h in root.xpath(xp) if _text_len(h) > 200]
        if hits:
            return hits[0]
    scores: dict[etree._Element, int] = {}
    for p in root.iter("p", "td", "div", "span", "font"):
        own = (p.text or "") + "".join(c.tail or "" for c in p)
        n = len(own.strip())
        if n > 20:
            parent = p.getparent() if p.tag in ("p", "span", "font") else p
            if parent is not None:
                scores[parent] = scores.get(parent, 0) + n
    tables = [t for t in root.iter("table") if _is_data_table(t) and "第二十条" in "".join(t.itertext())
              or _is_data_table(t) and "自然人" in "".join(t.itertext())]
    best = max(scores, key=scores.__getitem__) if scores else None
    nodes = ([best] if best is not None else []) + tables
    if not nodes:
        body = root.find("body")
        return body if body is not None else root
    return _common_ancestor(nodes)


def _common_ancestor(nodes: list[etree._Element]) -> etree._Element:
    paths = [list(n.iterancestors())[::-1] + [n] for n in nodes]
    common = paths[0]
    for path in paths[1:]:
        k = 0
        while k < min(len(common), len(path)) and common[k] is path[k]:
            k += 1
        common = common[:k]
    return common[-1]


def blocks_of(article: etree._Element) -> list[Paragraph | Table]:
    """Prose lines and data tables of the article in reading order."""
    blocks: list[Paragraph | Table] = []
    buf: list[str] = []
    n_tables = 0

    def flush() -> None:
        text = clean("".join(buf))
        buf.clear()
        if text:
            blocks.append(Paragraph(text))

    def walk(node: etree._Element) -> None:
        nonlocal n_tables
        if not isinstance(node.tag, str) or node.tag in _SKIP:
            return
        if node.tag == "table" and _is_data_table(node):
            flush()
            table = expand(node, n_tables)
            n_tables += 1
            if table.rows:
                table.caption = next((b.text for b in reversed(blocks) if isinstance(b, Paragraph)), "")
                blocks.append(table)
            return
        is_block = node.tag in _BLOCK or node.tag == "br"
        if is_block:
            flush()
        if node.text:
            buf.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                buf.append(child.tail)
        if is_block:
            flush()

    walk(article)
    flush()
    return blocks


def read_html(data: bytes, declared_charset: str | None = None) -> Document:
    """Read a government web page (any encoding) into a Document."""
    if not data.strip():
        raise ReaderError("empty file")
    text, _ = decode(data, declared_charset)
    head = text[:20000]
    meta = {k: clean(v) for k, v in _META_RE.findall(head) if v.strip()}
    m = _TITLE_RE.search(head)
    page_title = clean(lxml.html.fromstring(m.group(1)).text_content()) if m and m.group(1).strip() else ""
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ReaderError(f"not an HTML document: {exc}") from exc
    article = find_article(root)
    title = meta.get("ArticleTitle") or page_title
    return Document(blocks=blocks_of(article), media_type=MEDIA_TYPE, title=title, meta=meta)
