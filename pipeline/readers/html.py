"""HTML reader: find the article of a government CMS page, expand its tables into grids, keep its prose.

Fast path (same output as the straightforward tree walk): the page is parsed once by libxml2 through lxml's
plain HTML parser (no per-element Python class lookup); the CMS-container hints use libxml2's ID index and one
pass over class attributes instead of seven XPath scans; text lengths and most cell texts are XPath string
values computed in C; short cleaned texts are memoised ("0", "总计" repeat in every table).
The whole page is still parsed: which element is the article depends on the whole page (the first hint in
document order, the densest prose block anywhere), so a text pre-scan that cuts the page could change it.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import lxml.html
from lxml import etree

from pipeline.document import Cell, Document, Paragraph, ReaderError, Table
from pipeline.labels import article_words
from pipeline.readers.encoding import decode
from pipeline.readers.pictures import Found, Resources, insert_pictures, picture_bytes
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
_CELL_BREAK = frozenset(("p", "div", "br", "li"))  # a space before these inside a cell
# A <meta> tag, then its attributes, each read in one pass (one pattern for both backtracked cubically on a
# crafted 20 KB page: 62 s of CPU): tags never overlap, attribute names start only after a separator and
# quantifiers are possessive, so the time is linear in the page head.
_META_TAG_RE = re.compile(r"<meta\s([^>]{0,10000})", re.I)
_ATTR_RE = re.compile(r"""(?<![^\s"'<>/=])([^\s"'<>/=]++)\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s"'<>=`]++))""")
_META_NAME_RE = re.compile(r"[A-Za-z]+")
MAX_TABLE_CELLS = 100_000  # slots of one expanded table: a report table has a few hundred
_SPAN_RE = re.compile(r"\s*(\d+)")
_XML_SPACE_RE = re.compile(r"[ \t\r\n]+")  # what XPath normalize-space() treats as space
_MAX_SPAN = 200
_MIN_HINT_TEXT = 200
_CELL_SCAN = _CELL_BREAK | _SKIP
_INLINE = frozenset("span font b strong i em u a sub sup small big o:p".split())
_string = etree.XPath("string(.)", smart_strings=False)  # the text nodes of a subtree joined, in C
_local = threading.local()
_clean_short = lru_cache(maxsize=4096)(clean)  # pure; short cell texts repeat a lot ("0", "总计", …)


def _clean(text: str) -> str:
    """`clean`, memoised for short texts."""
    return _clean_short(text) if len(text) <= 64 else clean(text)


def _parser() -> etree.HTMLParser:
    """One plain lxml HTML parser per thread (parsers are not thread-safe); same options as lxml.html's."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.HTMLParser()
    return parser


@lru_cache(maxsize=512)
def _span_value(raw: str | None) -> int:
    """A rowspan/colspan attribute as a count: leading digits, 1 when missing or junk, at most _MAX_SPAN."""
    if raw is None:
        return 1
    digits = _SPAN_RE.match(raw or "1")
    n = int(digits.group(1)) if digits else 1
    return min(max(n, 1), _MAX_SPAN)


def cell_text(el: etree._Element) -> str:
    """Text of a cell read across <p>, <br>, <span> and &nbsp; (blocks joined by a space, then cleaned)."""
    if el.tag.__class__ is not str or el.tag in _SKIP:
        return ""
    if not len(el):  # a leaf cell: its own text only
        return _clean(el.text or "")
    first = None
    for node in el.iterdescendants():
        if node.tag in _CELL_SCAN:
            if first is not None or node.tag in _SKIP:
                first = el  # marks: not the simple case
                break
            first = node
    if first is None or (first is not el and el[0] is first and (not el.text or el.text.isspace())):
        # No skipped content and at most one block, opening the cell: the space put before it would be
        # trimmed by clean() anyway, so the string value (all text nodes, comments left out) is the same text.
        return _clean(_string(el))
    parts: list[str] = []
    add = parts.append

    def walk(node: etree._Element) -> None:
        if node.tag in _CELL_BREAK:
            add(" ")
        text = node.text
        if text:
            add(text)
        for child in node:
            tag = child.tag
            if tag.__class__ is str and tag not in _SKIP:  # comments and processing instructions: tail only
                walk(child)
            tail = child.tail
            if tail:
                add(tail)

    walk(el)
    return _clean("".join(parts))


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (./tr, ./thead/tr, ./tbody/tr, ./tfoot/tr) in document order."""
    rows: list[etree._Element] = []
    for child in table:
        tag = child.tag
        if tag == "tr":
            rows.append(child)
        elif tag in ("tbody", "thead", "tfoot"):
            rows.extend(child.iterchildren("tr"))
    return rows


def expand(table: etree._Element, index: int, notes: list[str] | None = None) -> Table:
    """Expand rowspan/colspan into a rectangular grid; covered slots get a copy with spanned=True.

    A rowspan ends at the table's last row (as browsers draw it); a table that would expand to more than
    MAX_TABLE_CELLS slots is not read (a note says so): no report table is that large, and crafted spans
    (thousands of rowspan=200 colspan=200 cells) would take minutes and gigabytes.
    """
    grid: dict[tuple[int, int], Cell] = {}
    n_rows = 0
    rows_of = _rows(table)
    width = 0
    for r, tr in enumerate(rows_of):
        c = 0
        for td in tr:
            tag = td.tag
            if tag != "td" and tag != "th":
                continue
            while (r, c) in grid:
                c += 1
            rs, cs = _span_value(td.get("rowspan")), _span_value(td.get("colspan"))
            rs = min(rs, len(rows_of) - r)
            width = max(width, c + cs)
            if len(grid) + rs * cs > MAX_TABLE_CELLS or len(rows_of) * width > MAX_TABLE_CELLS:
                if notes is not None:
                    notes.append(f"HTML table {index + 1} is larger than {MAX_TABLE_CELLS:,} cells "
                                 f"({len(rows_of):,} rows, at least {width:,} columns): not read")
                return Table(rows=[], index=index)
            text = cell_text(td)
            if rs == 1 and cs == 1:
                grid[(r, c)] = Cell(text, r, c, None, False)
            else:
                for dr in range(rs):
                    for dc in range(cs):
                        grid[(r + dr, c + dc)] = Cell(text, r + dr, c + dc, None, bool(dr or dc))
            c += cs
        n_rows = r + 1
    width = max((c for _, c in grid), default=-1) + 1
    get = grid.get
    rows = [[get((r, c)) or Cell("", r, c) for c in range(width)] for r in range(n_rows)]
    if not any(cell.text for row in rows for cell in row):
        rows = []  # an empty table; trailing empty rows of a real one stay: they may be its blank value row
    return Table(rows=rows, index=index)


def _is_data_table(el: etree._Element) -> bool:
    """A table with no table inside it (an outer layout table is walked into instead)."""
    return next(el.iterdescendants("table"), None) is None


def _text_len(el: etree._Element) -> int:
    """Length of the element's text, without the text of <script> and <style> elements."""
    if el.tag in ("script", "style"):
        return 0
    n = len(_string(el))
    for s in el.iterdescendants("script", "style"):
        n -= len(_string(s))
    return n


# ARTICLE_HINTS by kind, keyed by their rank (position in ARTICLE_HINTS); _hinted() evaluates them without XPath.
_HINT_IDS = {0: "zoom", 2: "UCAP-CONTENT", 4: "content"}  # //*[@id='…']
_HINT_CLASSES = {"article-content": 3, "view TRS_UEDITOR trs_paper_default trs_web": 5}  # //*[@class='…']
_HINT_CLASS_TOKEN = ("TRS_Editor", 1)  # //*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]
_HINT_TAG = ("article", 6)  # //article
_ID_LOOKUP = etree.XPath("id($v)")  # libxml2's ID index: an empty answer means no element has that id


def _class_rank(cls: str) -> int | None:
    """Rank of the class-attribute hint a class value matches (XPath semantics of ARTICLE_HINTS), else None."""
    token, rank = _HINT_CLASS_TOKEN
    if token in cls and token in _XML_SPACE_RE.split(cls):
        return rank
    return _HINT_CLASSES.get(cls)


def _with_id(top: etree._Element, value: str) -> list[etree._Element]:
    """Elements whose id is exactly `value`, in document order (libxml2's ID index says when there are none)."""
    first = _ID_LOOKUP(top, v=value)
    if not first:
        return []
    return [el for el in top.iter(etree.Element) if el.get("id") == value]


def _hinted(root: etree._Element) -> etree._Element | None:
    """The first element (in hint order, then document order) of the known CMS containers with enough text."""
    top = root.getroottree().getroot()  # the hint XPaths are absolute (//)
    zoom = _ID_LOOKUP(top, v="zoom")
    if zoom and zoom[0].get("id") == "zoom" and _text_len(zoom[0]) > _MIN_HINT_TEXT:
        return zoom[0]  # the first id="zoom" in document order, and the first hint wins
    by_rank: dict[int, list[etree._Element]] = {rank: _with_id(top, v) for rank, v in _HINT_IDS.items()}
    by_rank[_HINT_TAG[1]] = list(top.iter(_HINT_TAG[0]))
    for el in top.iter(etree.Element):
        cls = el.get("class")
        if cls is not None:
            rank = _class_rank(cls)
            if rank is not None:
                by_rank.setdefault(rank, []).append(el)
    for rank in sorted(by_rank):
        for el in by_rank[rank]:
            if _text_len(el) > _MIN_HINT_TEXT:
                return el
    return None


def find_article(root: etree._Element) -> etree._Element:
    """The element holding the report: a known CMS container, else the densest prose block, widened to its tables."""
    hit = _hinted(root)
    if hit is not None:
        return hit
    scores: dict[etree._Element, int] = {}
    for p in root.iter("p", "td", "div", "span", "font"):
        own = p.text or ""
        for c in p:
            tail = c.tail
            if tail:
                own += tail
        if len(own) <= 20:  # strip() only shortens
            continue
        n = len(own.strip())
        if n > 20:
            block = p
            while block is not None and block.tag in _INLINE:  # Word pages: the text sits in <span>s of a <p>
                block = block.getparent()
            parent = block.getparent() if block is not None and block.tag == "p" else block
            if parent is not None:
                scores[parent] = scores.get(parent, 0) + n
    tables = []
    for t in root.iter("table"):
        if _is_data_table(t):
            text = _string(t)
            if any(w in text for w in article_words()):
                tables.append(t)
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


def blocks_of(article: etree._Element, images: list[tuple[int, str]] | None = None,
              notes: list[str] | None = None) -> list[Paragraph | Table]:
    """Prose lines and data tables of the article in reading order; `images` collects (block position, src)
    of its <img> elements, `notes` what could not be read (tables too large)."""
    blocks: list[Paragraph | Table] = []
    buf: list[str] = []
    add = buf.append
    n_tables = 0
    last_line = ""  # the latest prose line: a table's caption

    def flush() -> None:
        nonlocal last_line
        if not buf:
            return
        text = _clean("".join(buf))
        buf.clear()
        if text:
            blocks.append(Paragraph(text))
            last_line = text

    def walk(node: etree._Element) -> None:
        nonlocal n_tables
        tag = node.tag
        if tag == "table" and _is_data_table(node):
            flush()
            table = expand(node, n_tables, notes)
            n_tables += 1
            if table.rows:
                table.caption = last_line
                blocks.append(table)
            return
        if tag == "img" and images is not None:
            flush()
            images.append((len(blocks), node.get("src") or node.get("data-src") or ""))
        is_block = tag in _BLOCK or tag == "br"
        if is_block:
            flush()
        text = node.text
        if text:
            add(text)
        for child in node:
            ctag = child.tag
            if ctag.__class__ is str and ctag not in _SKIP:  # comments and processing instructions: tail only
                walk(child)
            tail = child.tail
            if tail:
                add(tail)
        if is_block:
            flush()

    if article.tag.__class__ is str and article.tag not in _SKIP:
        walk(article)
    flush()
    return blocks


def read_html(data: bytes, declared_charset: str | None = None, resources: Resources | None = None) -> Document:
    """Read a government web page (any encoding) into a Document; tables printed as pictures (<img> with a
    data: URI, or whose bytes `resources` gives for its src) are read by OCR where they stand."""
    if not data.strip():
        raise ReaderError("empty file")
    text, _ = decode(data, declared_charset)
    head = text[:20000]
    meta = {k: clean(v) for k, v in meta_tags(head) if v.strip()}
    raw_title = _title_text(head)
    page_title = clean(lxml.html.fromstring(raw_title).text_content()) if raw_title.strip() else ""
    try:
        root = etree.fromstring(text, _parser())
    except (etree.ParserError, ValueError) as exc:
        raise ReaderError(f"not an HTML document: {exc}") from exc
    if root is None:
        raise ReaderError("not an HTML document: Document is empty")
    article = find_article(root)
    title = meta.get("ArticleTitle") or page_title
    images: list[tuple[int, str]] = []
    notes: list[str] = []
    doc = Document(blocks=blocks_of(article, images, notes), media_type=MEDIA_TYPE, title=title, meta=meta,
                   notes=notes)
    found = [Found(pos, b) for pos, src in images if (b := picture_bytes(src, resources))]
    return insert_pictures(doc, found) if found else doc


def meta_tags(head: str) -> list[tuple[str, str]]:
    """(name, content) of the <meta name=… content=…> tags (either order, any quotes), names of letters only;
    linear in the length of `head`."""
    out = []
    for m in _META_TAG_RE.finditer(head):
        attrs = {}
        for a in _ATTR_RE.finditer(m.group(1)):
            key = a.group(1).lower()
            if key not in attrs:
                attrs[key] = next(v for v in a.groups()[1:] if v is not None)
        name, content = attrs.get("name"), attrs.get("content")
        if name is not None and content is not None and _META_NAME_RE.fullmatch(name):
            out.append((name, content))
    return out


def _title_text(head: str) -> str:
    """The text inside the page's first <title>…</title> (found with str.find: no backtracking)."""
    lower = head.lower()
    start = lower.find("<title")
    if start < 0:
        return ""
    open_end = lower.find(">", start)
    end = lower.find("</title>", open_end + 1) if open_end >= 0 else -1
    return head[open_end + 1:end] if end >= 0 else ""
