"""A report page converted to text the way web-to-text tools write tables (the `|` layouts of real excerpts).

Every table cell is written as its text followed by `|`; the families differ in where lines break:

- `inline`: a row per line, `a | b | c |` (the seed report; traditional-character gateway pages);
- `markdown`: the same with `| ` opening each row (`| a | b |`);
- `lines`: one cell per line, `a |` (a `<td>` holding a `<p>` ends its line);
- `paragraphs`: only the cells that hold a `<p>` or `<br>` end their line, the others stay inline;
- `padded`: one cell per line, indented by runs of spaces, lines of spaces between cells, a line holding
  `| ` opening each row (padded multi-line cells).

Slots covered by a row or column span are written as bare `|` after the row's cells ("padding":
`label | |||`, `||||`), except on the table's last row unless `pad_last_row`. A cell's paragraphs are joined
by a space on one line, or put on lines of their own (continuation lines) where the cell ends its line.

Rows may be marked by a bare `|` opening each (`marker`: `| a | b |`, a line `|` before the row's first
cell) or closing each (`closer`, the converter of the Yangling excerpt: after the row's padding on the same
line, `||||` after a one-cell section row, or a line `|` of its own after a cell that ended its line; the
table's first row then has no bare `|` before it, and its last row none after it unless `close_last`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

FAMILIES = ("inline", "markdown", "lines", "paragraphs", "padded")
_BLOCK = frozenset("p div h1 h2 h3 h4 h5 h6 li ul ol table tr section article br".split())
_SKIP = frozenset("script style head".split())


@dataclass(frozen=True)
class WebTextLayout:
    """How the converter writes tables (see the module docstring); prose is one line per paragraph."""

    family: str = "lines"
    marker: bool = False  # a `|` opening every row ("| a |" inline, a line of its own for one-cell-per-line)
    pad: bool = True  # bare `|` for the slots spans cover
    pad_last_row: bool = False
    indent: int = 0  # spaces before a cell's text on a line of its own (padded: 7)
    gap_lines: bool = False  # lines of spaces between cells on lines of their own
    title: bool = True  # the page's article title as the first line (real excerpts often start with the body)
    closer: bool = False  # a `|` closing every row (after its padding; see the module docstring)
    close_last: bool = True  # with closer: the table's last row is closed too

    @property
    def marks_rows(self) -> bool:
        """Whether the text shows where rows end: a row per line, markers, closers or padding. Without any of these
        (cells one per line, unpadded, unmarked) rows are told apart by their labels only: the template's row
        labels and header-row openers (pipeline/templates/row_openers.csv)."""
        return self.family in ("inline", "markdown") or self.marker or self.pad or self.closer


PRESETS: dict[str, WebTextLayout] = {
    "inline": WebTextLayout("inline"),
    "markdown": WebTextLayout("markdown", marker=True),
    "lines": WebTextLayout("lines"),
    "paragraphs": WebTextLayout("paragraphs"),
    "padded": WebTextLayout("padded", marker=True, indent=7, gap_lines=True),
    "closed": WebTextLayout("lines", closer=True, close_last=False),  # one cell per line, rows closed by `|`
}


def _pieces(td: etree._Element) -> tuple[list[str], bool]:
    """A cell's paragraphs (texts split at <p>, <div>, <br>) and whether it holds any such block."""
    pieces: list[str] = [""]
    blocks = False

    def walk(el: etree._Element) -> None:
        nonlocal blocks
        if el.tag in ("p", "div", "br"):
            blocks = True
            pieces.append("")
        if el.text:
            pieces[-1] += el.text
        for child in el:
            if isinstance(child.tag, str) and child.tag not in _SKIP:
                walk(child)
            if child.tail:
                pieces[-1] += child.tail
        if el.tag in ("p", "div"):
            pieces.append("")

    walk(td)
    texts = [" ".join(p.replace("\xa0", " ").split()) for p in pieces]
    return [t for t in texts if t], blocks


def _grid_width(rows: list[etree._Element]) -> int:
    """Slots per row of the table's grid (spans expanded), as the converter pads rows to it."""
    taken: set[tuple[int, int]] = set()
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rs, cs = int(td.get("rowspan", "1") or 1), int(td.get("colspan", "1") or 1)
            taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
            c += cs
        width = max(width, max((cc for rr, cc in taken if rr == r), default=-1) + 1)
    return width


def _row(tds: list[etree._Element], pads: int, q: WebTextLayout, close: bool = False) -> str:
    own_all = q.family in ("lines", "padded")
    out: list[str] = []
    line_start = True
    if q.marker:
        if own_all:
            out.append("|" + (" " if q.indent else "") + "\n")
        else:
            out.append("| ")
            line_start = False
    for k, td in enumerate(tds):
        pieces, blocks = _pieces(td)
        own = own_all or (q.family == "paragraphs" and blocks)
        if own:
            if not line_start:
                out.append("\n")
            if k and q.gap_lines:
                out.append(" " * max(q.indent - 1, 0) + "\n")
            pad = " " * q.indent
            out.append(pad + ("\n" + pad).join(pieces) + ("  | " if q.indent else " |") + "\n")
            line_start = True
        else:
            out.append(" ".join(pieces) + " | ")
            line_start = False
    pads += close  # the row's closing `|` goes on with its padding (`||||`), or stands on a line of its own
    if pads:
        out.append((" " * max(q.indent - 3, 0) if line_start else "") + "|" * pads)
    elif q.family == "padded":
        out.append(" " * max(q.indent - 3, 0))
    text = "".join(out)
    if not text.endswith("\n"):
        text = (text if q.indent else text.rstrip(" ")) + "\n"
    return text


def _table(table: etree._Element, q: WebTextLayout) -> str:
    rows = [tr for tr in table.iter("tr")]
    width = _grid_width(rows)
    out = []
    for i, tr in enumerate(rows):
        tds = [td for td in tr if td.tag in ("td", "th")]
        last = i == len(rows) - 1
        pads = width - len(tds) if q.pad and (q.pad_last_row or not last) else 0
        out.append(_row(tds, pads, q, close=q.closer and (q.close_last or not last)))
    return "".join(out)


def _prose(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).replace("\xa0", " ").split())


def html_to_text(page: bytes, layout: WebTextLayout | Sequence[WebTextLayout] | None = None,
                 encoding: str = "utf-8") -> str:
    """The article of a generated report page (render_html_page) as a web-to-text tool writes it; several
    layouts are used in turn, one per table (a document mixing layouts; the parts of a split table 三, one
    after the other, share theirs)."""
    layouts = [layout or PRESETS["lines"]] if layout is None or isinstance(layout, WebTextLayout) else list(layout)
    q = layouts[0]
    n_tables = 0
    root = etree.fromstring(page.decode(encoding), etree.HTMLParser())
    article = root.find(".//*[@id='zoom']")
    if article is None:
        raise ValueError("not a generated report page: no #zoom article")
    lines: list[str] = []
    heading = root.find(".//h1")
    if q.title and heading is not None:
        lines.append(_prose(heading) + "\n")
    after_table = False  # tables with nothing between them (a split table 三) share one layout
    for el in article:
        if not isinstance(el.tag, str) or el.tag in _SKIP:
            continue
        tables = [el] if el.tag == "table" else list(el.iter("table"))
        if tables:
            for t in tables:
                n_tables -= after_table
                lines.append(_table(t, layouts[n_tables % len(layouts)]))
                n_tables += 1
                after_table = True
        else:
            text = _prose(el)
            if text:
                lines.append(text + "\n")
                after_table = False
    return "".join(lines)
