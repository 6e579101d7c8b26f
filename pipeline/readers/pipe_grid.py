"""The grid of a `|`-delimited text table, recovered from its structure rather than from one layout per rule.

Web pages converted to text write every table cell as its text followed by `|`. Around that:

- a row may open with a bare `|` (Markdown `| a | b |`, converters that mark rows) — a *marker*;
- slots covered by row or column spans are written as bare `|` after the row's cells — *padding*
  (`label | |||`, `||||` on a line of its own, `|` alone after a row);
- a cell holding paragraphs puts its text on lines of its own (one cell per line), possibly indented, with
  blank lines of spaces between cells, and a long cell may wrap over continuation lines.

The text is cut into tokens, one per `|` (its text, or "" for a bare `|`), and the tokens into rows:

- *row per line* (lines hold several cells, blank ones included; cells alone on their line come singly, e.g.
  a clause line): each line is a row (a line of bare `|`: a row of blank cells, or no row for a lone marker);
  a label alone joins the line of values below it; in a padded table a line short of the table's slots
  (n cells + padding is the same for every row) that is followed by a line of values goes on with it;
- *cell per line* (runs of lines holding one cell): where the table is padded (bare `|` after a cell on its
  line, or several on a line of their own), a run of bare `|` that ends a line, followed by a cell, closes a
  row (padding or markers between rows); a piece that starts with a value (after a blank cell, `|` alone on
  its line) joins the row before when both fit the table's usual number of slots; header rows that fill the
  width (and so need no padding) are cut off the row they ran into; bare `|` beyond a row's slots become
  rows that print nothing or the blank cells opening the next row. Without padding, blank lines separate
  rows (unless they stand between nearly every two cells), and rows are otherwise split where a label
  follows a value, then re-cut from the table's end when labels placed at their grid column (blank cells for
  the slots a span covers) made the label rule cut them wrongly (`rectangular`).

Markers are dropped. Padding stays as empty cells after the row's last printed cell: a bare `|` there may
as well be a blank value cell (`规章 | | | |`), so the text alone cannot say which slots a span covers; the
printed cells of every row are those of the HTML grid (`printed_rows`), and the normaliser trims surplus
blanks.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pipeline.document import Cell
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

    def emit(texts: list[str], i: int) -> None:
        nonlocal blank
        for k, t in enumerate(texts):
            tokens.append(Token(t, i, k == 0, k == len(texts) - 1, blank and k == 0))
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
        emit(texts, i)
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


def _rows_per_line(tokens: list[Token], padded: bool = False) -> list[list[Token]]:
    rows: list[list[Token]] = []
    joinable = False  # the row so far is one label alone on its line: the values may follow on the next
    lines = _by_line(tokens)
    # padded rows all have the table's number of slots: a line short of it that ends in a cell goes on below
    slots = Counter(len(ln) for ln in lines if len(ln) >= 2 and ln[-1].text == "").most_common(1) if padded else []
    width = slots[0][0] if slots else 0
    for line in lines:
        if rows and width and len(rows[-1]) < width and _is_number(line[0].text):
            rows[-1].extend(line)  # a row whose cells holding paragraphs put it on several lines
            joinable = False
            continue
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


def _usual_width(pieces: list[list[Token]]) -> int | None:
    """The usual number of slots of the table's rows: the commonest length of pieces followed by a label."""
    complete = [len(p) for p, nxt in zip(pieces, pieces[1:], strict=False) if nxt[0].text and not is_value(nxt[0].text)]
    counts = Counter(complete or [len(p) for p in pieces[:-1]])
    if not counts:
        return None
    top = max(counts.values())
    return max(n for n, c in counts.items() if c == top)


def _split_at_labels(row: list[Token]) -> list[list[Token]]:
    """Rows of a piece that holds several: a label after a value starts a new row."""
    out: list[list[Token]] = [[]]
    seen_value = False
    for t in row:
        if t.text and not is_value(t.text) and seen_value:
            out.append([])
            seen_value = False
        out[-1].append(t)
        seen_value = seen_value or _is_number(t.text)
    return [r for r in out if r]


def _padded(lines: list[list[Token]]) -> bool:
    """Padding: bare `|` after the last cell of a line, or several on a line of their own (a lone `|` on a
    line may as well be a blank cell or a row marker)."""
    return any(len(ln) >= 2 and ln[-1].text == "" for ln in lines)


def _rows_per_cell(tokens: list[Token]) -> list[list[Token]]:
    padded = _padded(_by_line(tokens))
    starts = [t for t in tokens[1:] if t.first]
    gaps = sum(1 for t in starts if t.blank_before)
    blanks = not padded and 0 < gaps < 0.8 * len(starts)  # blank lines between every cell tell nothing
    pieces: list[list[Token]] = []
    run_ends_line = False  # the bare `|` since the last cell include one that ends its line
    for t in tokens:
        if t.text and pieces:
            pad_break = padded and run_ends_line
            blank_break = blanks and t.blank_before and t.first
            if pad_break or blank_break:
                pieces.append([])
        if not pieces:
            pieces.append([])
        pieces[-1].append(t)
        run_ends_line = (run_ends_line or t.last) if not t.text else False
    if pieces and pieces[0] and pieces[0][0].text == "":
        first = pieces[0]
        k = next((j for j, t in enumerate(first) if t.text), len(first))
        pieces[0] = first[k:]  # a leading marker (or padding of a row that is not there)
        if not pieces[0]:
            pieces.pop(0)
    if not (padded or blanks):
        return rectangular([r for p in pieces for r in _split_at_labels(p)], lambda t: t.text)
    width = _usual_width(pieces)
    rows: list[list[Token]] = []
    for piece in pieces:
        parts = _split_at_labels(piece) if _is_number(_lead(piece)) else [piece]
        for p in parts:
            if rows and width and _is_number(_lead(p)) and len(rows[-1]) + _printed(p) <= width:
                rows[-1].extend(p)  # the rest of a row cut by a blank cell
            else:
                for r in _header_rows(p, width):
                    rows += _split_at_labels(r) if width is None or len(r) > width else [r]
    if padded and width:
        rows = _balanced(rows, width)
    return rows if padded else rectangular(rows, lambda t: t.text)


def _lead(row: list[Token]) -> str:
    return next((t.text for t in row if t.text), "")


def _printed(row: list[Token]) -> int:
    """Slots up to the row's last printed cell (its padding left out)."""
    return 1 + max((k for k, t in enumerate(row) if t.text), default=-1)


def _balanced(rows: list[list[Token]], width: int) -> list[list[Token]]:
    """Bare `|` beyond a row's slots: rows that print nothing (every slot covered by spans), then blank cells
    that open the next row."""
    out: list[list[Token]] = []
    carry: list[Token] = []
    for i, row in enumerate(rows):
        row = carry + row
        carry = []
        extra = len(row) - max(width, _printed(row))
        if extra > 0 and i + 1 < len(rows):
            tail = row[-extra:]
            out.append(row[:-extra])
            n_blank = len(tail) // width
            out += [tail[k * width:(k + 1) * width] for k in range(n_blank)]
            carry = tail[n_blank * width:]
        else:
            out.append(row)
    return out


def _header_rows(piece: list[Token], width: int | None) -> list[list[Token]]:
    """A piece cut into full rows of labels and what follows: rows that fill the table's width need no padding,
    so header rows run into the row below them (`信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |` then
    `规章 |` …). At least one label stays with the row it starts."""
    if not width or len(piece) <= width:
        return [piece]
    labels = next((k for k, t in enumerate(piece) if not t.text or is_value(t.text)), len(piece))
    k = (labels - 1) // width
    return [piece[i * width:(i + 1) * width] for i in range(k)] + [piece[k * width:]]


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


def token_rows(tokens: list[Token], term: bool = True) -> list[list[Token]]:
    """Tokens grouped into table rows (see the module docstring); `term`: the table closes every cell with `|`
    (else `a | b | c` lines are rows, and bare `|` at a line's end are blank cells, not padding)."""
    lines = _by_line(tokens)
    multi = sum(1 for ln in lines if len(ln) >= 2 and any(t.text for t in ln))
    alone = [len(ln) == 1 and bool(ln[0].text) for ln in lines]
    # cells one per line come in runs; a label alone between rows (a clause line) is a row of its own
    single = sum(1 for i, a in enumerate(alone) if a and ((i and alone[i - 1]) or (i + 1 < len(alone) and alone[i + 1])))
    by_line = multi and single <= 0.2 * (multi + single)
    rows = _rows_per_line(tokens, term and _padded(lines)) if by_line else _rows_per_cell(tokens)
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
