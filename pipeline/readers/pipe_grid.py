"""The grid of a `|`-delimited text table, recovered from its structure rather than from one layout per rule.

Web pages converted to text write every table cell as its text followed by `|`. Around that:

- a row may open with a bare `|` (Markdown `| a | b |`, converters that mark rows) — a *marker* — or be
  closed by one (after its padding on the same line, `||||`, or alone on a line) — a *closer*;
- slots covered by row or column spans are written as bare `|` after the row's cells — *padding*
  (`label | |||`, `||||` on a line of its own, `|` alone after a row);
- a cell holding paragraphs puts its text on lines of its own (one cell per line), possibly indented, with
  blank lines of spaces between cells, and a long cell may wrap over continuation lines.

The text is cut into tokens, one per `|` (its text, or "" for a bare `|`). A table whose cells are closed by
`|` is cut into rows from what the text shows (`_rows_stream`), which holds for every layout above and any
mix of them:

- a label after a value or a bare `|` opens a row (labels come before values in a row; within a line, labels
  after blank cells are labels placed at their grid column and stay in their row);
- a label after a label opens a row when the template says it opens one (`labels.opens_row`: numbered row
  labels unless they go one level down the label before — 三、本年度办理结果 → （一）予以公开 is one row —,
  第二十条 clause lines, items of table 二, the first cell of a header row);
- a line holding several cells after a line holding several opens a row (such lines hold cells written
  inline, and a converter breaks a line between inline cells only at a row's end);
- with row markers (the table opens with a bare `|`), a row opens at the bare `|` before its first label;
  bare `|` alone at the start of their line before that (or, without markers, before a row's first cell)
  close the row before, and where every row ends in a bare `|` (closers) a row of values after a header row
  opens after the header row's closer;
- a row of values after a row of column headers (table 四) is a row of its own;
- in a padded table every row is the same number of tokens (cells + padding (+ marker)): rows that ran
  together (a row of values after a header row, rows of blank cells) are cut at that number.

Lines of `a | b | c` (cells between `|`, not closed by one) are rows, one per line (`_rows_per_line`).

Markers are dropped. Padding (and closers) stay as empty cells after the row's last printed cell: a bare `|` there may
as well be a blank value cell (`规章 | | | |`), so the text alone cannot say which slots a span covers; the
printed cells of every row are those of the HTML grid (`printed_rows`), and the normaliser trims surplus
blanks. Without markers or padding (cells one per line and nothing else) only labels tell rows apart: the
header rows of the national tables open with a label the template knows (row_openers.csv: 信息内容, 自然人,
商业企业, table 四's 结果维持 unless it continues a run of outcomes after 总计), so the grid is the page's there
too; a header band of an unknown table stays one row (its values are still the page's).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pipeline.document import Cell
from pipeline.labels import column_header, opens_row
from pipeline.numbers import parse
from pipeline.text import clean

T = TypeVar("T")
MD_RULE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


@dataclass(slots=True)
class Token:
    """One cell of the text: its text ("" for a bare `|`) and where its line is."""

    text: str
    line: int  # index of its line in the block
    first: bool = False  # first token on its line
    last: bool = False  # last token on its line
    blank_before: bool = False  # a blank line lies between this token's line and the previous token's
    bol: bool = False  # a bare `|` that is the very first character of its line (a row marker or padding)


def is_value(text: str) -> bool:
    """A printed number, dash or blank (not a label)."""
    return parse(text).state != "text"


def _is_number(text: str) -> bool:
    return bool(text) and parse(text).state in ("number", "dash")


def terminated(lines: list[str], cut: bool = False) -> bool:
    """True when every line of the table ends in `|`: each cell is closed by its `|` (`a | b |`), so a final
    `|` adds no cell; else (`a | b | c`) the text after a line's last `|` is its last cell, blank or not.
    `cut`: the last line stops mid-row and is not counted."""
    piped = [ln.rstrip() for ln in lines if "|" in ln and not MD_RULE_RE.match(ln)]
    if cut and piped and "|" in lines[-1]:
        piped = piped[:-1]
    return bool(piped) and all(ln.endswith("|") for ln in piped)


def tokenize(lines: list[str], *, term: bool, own_rows: set[int] = frozenset(), cut: bool = False) -> list[Token]:
    """Tokens of a table block. `own_rows`: indexes of pipe-less lines that are rows of their own (clause
    lines); `cut`: the block ends the document mid-line, so in a table that closes every cell with `|` the
    unclosed text at its end was cut short and is dropped (nothing is invented where a row is cut off)."""
    tokens: list[Token] = []
    pending: list[str] = []
    blank = False
    last_line = len(lines) - 1

    def emit(texts: list[str], i: int, bol: bool = False) -> None:
        nonlocal blank
        for k, t in enumerate(texts):
            tokens.append(Token(t, i, k == 0, k == len(texts) - 1, blank and k == 0, bol and k == 0))
        if texts:
            blank = False

    for i, raw in enumerate(lines):
        if MD_RULE_RE.match(raw):
            continue
        if "|" not in raw:
            if i in own_rows:
                emit([clean(raw)], i)
            elif raw.strip():
                if term:
                    pending.append(raw.strip())
                else:
                    emit([clean(raw)], i)  # split style: a line without `|` is a row of one cell
            elif tokens or pending:
                blank = True
            continue
        parts = raw.split("|")
        bol = parts[0] == "" and not pending
        texts = []
        for j, part in enumerate(parts[:-1]):
            if j == 0 and pending:
                part = " ".join([*pending, part])
                pending = []
            texts.append(clean(part))
        tail = parts[-1]
        if not term:
            texts.append(clean(tail))  # `a | b | c`: the text after the last `|` is the last cell (maybe blank)
        elif tail.strip():
            pending.append(tail.strip())
        emit(texts, i, bol)
    if pending and not cut:
        emit([clean(" ".join(pending))], last_line)
    return tokens


def _by_line(tokens: list[Token]) -> list[list[Token]]:
    out: list[list[Token]] = []
    for t in tokens:
        if out and out[-1][0].line == t.line:
            out[-1].append(t)
        else:
            out.append([t])
    return out


def _rows_per_line(tokens: list[Token]) -> list[list[Token]]:
    """Rows of `a | b | c` lines: one per line; a label alone on its line joins the line of values below it."""
    rows: list[list[Token]] = []
    joinable = False  # the row so far is one label alone on its line: the values may follow on the next
    for line in _by_line(tokens):
        cells = [t for t in line if t.text]
        if not cells:  # a row marker (`|` alone) is no row; a row of blank cells is (a table printed blank)
            if len(line) > 1:
                rows.append(list(line))
            joinable = False
            continue
        if rows and joinable and _is_number(cells[0].text) and not line[0].blank_before:
            rows[-1].extend(line)
        else:
            rows.append(list(line))
        joinable = len(line) == 1 and not is_value(line[0].text)
    if rows and all(r[0].text == "" for r in rows) and any(t.text for r in rows for t in r):
        rows = [r[1:] for r in rows]  # Markdown: every row opens with `|`
    return rows


def rectangular(rows: list[list[T]], text: Callable[[T], str]) -> list[list[T]]:
    """Rows read one cell per line, re-cut when the table is rectangular but the cut is not: labels placed at
    their grid column print the slots a span covers as blank cells, which the label-after-value rule hands to
    the row before (and the header band runs into the first row). Tried only when the rows differ in length
    and in the number of cells after their labels; see `_chunked` for when the re-cut is taken."""
    data = [i for i, r in enumerate(rows) if any(_is_number(text(t)) for t in r)]
    lengths = Counter(len(r) for r in rows)
    if not data or len(lengths) == 1:
        return rows
    slots = [len(r) - 1 - max(k for k, t in enumerate(r) if text(t) and not is_value(text(t)))
             for r in rows if any(text(t) and not is_value(text(t)) for t in r)]
    base = min((n for n in slots if n), default=0)
    if base and all(n % base == 0 for n in slots):
        return rows  # every row has the same value slots after its labels (or a multiple: blank sub-rows)
    seen = [w for w, _ in lengths.most_common()]  # the widths rows have, then those between them
    widths = seen + [w for w in range(min(seen), max(seen) + 1) if w not in seen]
    return next((c for w in widths if (c := _chunked(rows, w, text)) is not None), rows)


def _chunked(rows: list[list[T]], width: int, text: Callable[[T], str]) -> list[list[T]] | None:
    """The rows as chunks of `width` cells counted back from the table's end, while each reads as a row of the
    same columns as the rows below it (labels, or blank slots, in the first ones and values in the others);
    the cells before the first chunk (no value among them) keep their rows: the header band. None when the
    cut does not fit (a value left above, a row whose labels fall among the values, a chunk that prints
    something but no label) or finds fewer than two labelled rows."""
    flat = [t for r in rows for t in r]
    chunks: list[list[T]] = []
    end = len(flat)
    zone = width  # the first column of values seen so far
    while end >= width:
        chunk = flat[end - width:end]
        names = [k for k, t in enumerate(chunk) if text(t) and not is_value(text(t))]
        numbers = [k for k, t in enumerate(chunk) if _is_number(text(t))]
        if names and max(names) >= min([zone, *numbers]):
            if numbers or any(_is_number(text(t)) for t in flat[:end - width]):
                return None  # a row whose labels and values are not in the columns of the others
            break  # the header band
        zone = min([zone, *numbers])
        chunks.insert(0, chunk)
        end -= width
    if len(chunks) < 2 or any(_is_number(text(t)) for t in flat[:end]):
        return None
    labelled = [any(text(t) and not is_value(text(t)) for t in c) for c in chunks if any(text(t) for t in c)]
    if sum(labelled) < 2 or not all(labelled):
        return None
    names = [k for c in chunks for k, t in enumerate(c) if text(t) and not is_value(text(t))]
    if names and max(names) >= zone:
        return None
    head: list[list[T]] = []
    start = 0
    for r in rows:
        part = r[: max(0, end - start)]
        if part:
            head.append(part)
        start += len(r)
    return head + chunks


# ---- cells one per line (or some inline, some on lines of their own) -------------------------------------
def _kind(t: Token) -> str:
    """"bare" (a `|` with no text: blank cell, padding or row marker), "value" (number or dash) or "label"."""
    if not t.text:
        return "bare"
    return "value" if _is_number(t.text) else "label"


def _row_starts(tokens: list[Token], marked: bool) -> list[int]:
    """Indexes of the tokens that open a row: a label after a value or a bare `|` (labels come before values in
    a row); a label that opens a row of the national tables after another label (`labels.opens_row`); the first
    cell of a line holding several cells after a line holding several (such lines hold cells written inline,
    and a converter breaks a line between inline cells only at a row's end). With row markers (`marked`) a row
    opens at the bare `|` alone at the start of a line before such a label."""
    per_line = Counter(t.line for t in tokens)
    starts: set[int] = set()
    for i in range(1, len(tokens)):
        t, p = tokens[i], tokens[i - 1]
        # within a line, labels after blank cells are labels at their grid column (`| | 2.重复申请 | 4 |`)
        at_start = t.first or (p.first and not p.text and p.bol)
        if _kind(t) == "label" and (at_start if _kind(p) != "label" else opens_row(t.text, p.text)):
            starts.add(i)
        elif t.first and per_line[t.line] >= 2 and per_line[p.line] >= 2:
            starts.add(i)
    if marked:
        starts = {s - 1 if not tokens[s - 1].text and tokens[s - 1].first and tokens[s].text else s for s in starts}
    return sorted(starts | {0})


def _period(segments: list[list[Token]]) -> int | None:
    """Tokens per row in a padded table: every row is its cells plus bare `|` for the slots spans cover (plus
    its marker), the same number for every row; rows glued together (a row of blank cells, a row of values
    after a header row) hold a multiple of it. None when the rows do not show one (the table's last row may
    be left unpadded)."""
    lengths = [len(s) for s in segments[:-1]]
    if len(lengths) < 2:
        return None
    period, count = Counter(lengths).most_common(1)[0]
    if period < 2 or count < 2:
        return None
    return period if sum(1 for n in lengths if n % period == 0) >= 0.9 * len(lengths) else None


def _rows_stream(tokens: list[Token]) -> list[list[Token]]:
    """Rows of a table whose cells stand one per line, or some inline and some on lines of their own."""
    marked = not tokens[0].text  # a bare `|` before the first cell: every row opens with a marker
    starts = _row_starts(tokens, marked)
    segments = [tokens[a:b] for a, b in zip(starts, [*starts[1:], len(tokens)], strict=True)]
    period = _period(segments)
    # rows closed by a bare `|` (the converter writes one after every row): every row but the last ends in one
    closed = len(segments) > 2 and all(not s[-1].text for s in segments[:-1])
    rows: list[list[Token]] = []
    for seg in segments:
        if period:
            while len(seg) > period and seg[period].first:
                rows.append(seg[:period])
                seg = seg[period:]
        else:  # a row of values after a row of column headers (or, marked, opening at its marker)
            k = next((k for k, t in enumerate(seg[1:], 1) if _kind(t) != "label"), len(seg))
            k += closed and k < len(seg) - 1 and not seg[k].text  # the header row's closer
            if 1 < k < len(seg) - 1 and (
                    column_header(seg[k - 1].text or seg[k - 2].text) or (marked and seg[k].bol and seg[k].first)):
                rows.append(seg[:k])
                seg = seg[k:]
        rows.append(seg)
    # a `|` alone at the start of its line before a row is the row before's closer (`||||`, `|`); with markers
    # the last of them is the row's own marker
    for i in range(1, len(rows)):
        k = 0
        while k < len(rows[i]) - 1 and not rows[i][k].text and rows[i][k].bol:
            k += 1
        k -= marked and k > 0
        if k > 0:
            rows[i - 1].extend(rows[i][:k])
            rows[i] = rows[i][k:]
    if marked:
        rows = [r[1:] if not r[0].text else r for r in rows]
    return [r for r in rows if r]


def token_rows(tokens: list[Token], term: bool = True) -> list[list[Token]]:
    """Tokens grouped into table rows (see the module docstring); `term`: the table closes every cell with `|`
    (else `a | b | c` lines are rows, and bare `|` at a line's end are blank cells, not padding)."""
    lines = _by_line(tokens)
    multi = sum(1 for ln in lines if len(ln) >= 2 and any(t.text for t in ln))
    alone = [len(ln) == 1 and bool(ln[0].text) for ln in lines]
    # cells one per line come in runs; a label alone between rows (a clause line) is a row of its own
    single = sum(1 for i, a in enumerate(alone) if a and ((i and alone[i - 1]) or (i + 1 < len(alone) and alone[i + 1])))
    by_line = not term and multi and single <= 0.2 * (multi + single)
    rows = _rows_per_line(tokens) if by_line else _rows_stream(tokens)
    return [r for r in rows if len(r) > 1 or any(t.text for t in r)]


def cells_of(rows: list[list[Token]]) -> list[list[Cell]]:
    """Grid rows of cells, padding kept as empty cells after the row's last printed cell."""
    return [[Cell(t.text, r, c) for c, t in enumerate(row)] for r, row in enumerate(rows)]


def printed_rows(rows: list[list[Cell]]) -> list[list[str]]:
    """A grid as its printed cells: span copies left out, trailing empty cells trimmed, empty rows dropped.

    The same for a page's HTML grid and for the text the page converts to, whatever the text layout.
    """
    out = []
    for row in rows:
        texts = [c.text for c in row if not c.spanned]
        while texts and not texts[-1]:
            texts.pop()
        if texts:
            out.append(texts)
    return out
