"""Tables printed without rules on a page image: cells aligned by position only (a Word table with its borders
removed, a table typeset with spaces).

Ink is gathered into blocks: the glyphs of a line joined across the small gaps between characters, the lines
of a cell joined across their leading; columns and rows apart stay apart, as their gaps are wider. A stretch
of the page where blocks stand side by side, row after row, is a table. Its blocks are read first (with the
page's other lines), and the grid is built from what they say and where they stand:

- rows: the value blocks (numbers, dashes) side by side make the body rows; blocks beside no value make rows
  of their own (headers, clause lines); a block reaching over several rows spans them (a group label), unless
  its lines stand one beside each row (labels of rows set close together);
- columns: value columns from the centres of the value blocks, label columns from the left edges of the label
  blocks; a block covers the columns its edges fall in;
- a row set alone spans the table's width (a clause line), and where a header and the rows under it leave the
  same value columns empty, their cells reach over them (a single value column under a wide header), as the
  merged cells of a ruled table would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from pipeline.document import Cell
from pipeline.numbers import parse

_JOIN_X, _JOIN_Y = 0.6, 0.7  # gaps (in glyph heights) bridged between the glyphs of a line, the lines of a cell
_GUTTER = 1.5  # blocks this far apart on one line stand in different columns (wider than CJK punctuation leaves)
_PUNCT_GAP = 1.2  # a line cut after or before CJK punctuation (its white is inside the glyph) is joined again
_OPEN, _CLOSE = "“‘（《〈【(", "”’）》〉】)、，。：；！？,.:;"
_TALL = 2.6  # blocks taller than this many glyphs (group labels, wrapped cells) do not seed a table
_MIN_ROWS = 3  # rows of blocks side by side that make a table
_ROW_GAP = 3.5  # glyph heights between rows of one table (a wrapped row, a clause line in between)


@dataclass
class Block:
    """Ink read as one unit: a cell's lines. ``bands`` are its text lines (page pixels), read into ``text``."""

    box: tuple[int, int, int, int]
    bands: list[tuple[int, int, int, int]]
    text: str = ""
    confidence: float = 1.0
    lines: list[str] = field(default_factory=list)  # the text of each band

    @property
    def xc(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def yc(self) -> float:
        return (self.box[1] + self.box[3]) / 2

    @property
    def value(self) -> bool:
        return bool(self.text) and parse(self.text).state in ("number", "dash")


def find_blocks(free: np.ndarray, glyph: float) -> list[tuple[int, int, int, int]]:
    """Boxes of the ink blocks of a text mask (rules, ruled tables and specks already removed)."""
    kx, ky = max(3, round(_JOIN_X * glyph)), max(3, round(_JOIN_Y * glyph))
    joined = cv2.dilate(free, cv2.getStructuringElement(cv2.MORPH_RECT, (kx, ky)), anchor=(kx // 2, ky // 2))
    n, labels, stats, _c = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, _a = stats[i]
        inside = free[y:y + h, x:x + w] & (labels[y:y + h, x:x + w] == i).astype(np.uint8) * 255
        ys, xs = np.nonzero(inside)
        if not len(xs):
            continue
        box = (x + int(xs.min()), y + int(ys.min()), x + int(xs.max()) + 1, y + int(ys.max()) + 1)
        if box[3] - box[1] >= 0.35 * glyph or box[2] - box[0] >= 0.35 * glyph:
            out.append(box)
    return sorted(out, key=lambda b: (b[1], b[0]))


def table_regions(boxes: list[tuple[int, int, int, int]], glyph: float) -> list[list[int]]:
    """Groups of block indices that form tables: rows of blocks side by side (at least _MIN_ROWS of them, close
    together), with every block that reaches into their stretch of the page."""
    short = [i for i, b in enumerate(boxes) if b[3] - b[1] <= _TALL * glyph and b[3] - b[1] >= 0.4 * glyph]
    # seeds: blocks with a neighbour on their line across a gutter (the nearest block each side; prose cut at its
    # punctuation has only narrow gaps between neighbours)
    seeds = []
    for i in short:
        b = boxes[i]
        yc = (b[1] + b[3]) / 2
        line = [boxes[j] for j in short if j != i and abs((boxes[j][1] + boxes[j][3]) / 2 - yc) <= 0.6 * glyph]
        gaps = [min((o[0] - b[2] for o in line if o[0] >= b[2]), default=None),
                min((b[0] - o[2] for o in line if o[2] <= b[0]), default=None)]
        if any(g is not None and g >= _GUTTER * glyph for g in gaps):
            seeds.append(i)
    if not seeds:
        return []
    left, right = min(boxes[i][0] for i in seeds), max(boxes[i][2] for i in seeds)
    # cells of the table between rows of side-by-side blocks (a label wrapped over many lines beside its
    # values, a group label): narrower than the table, inside it; prose paragraphs run its whole width
    cells = sorted((b[1], b[3]) for b in boxes if b[0] >= left - glyph and b[2] <= right + glyph
                   and b[2] - b[0] < 0.7 * (right - left))

    def bridged(y0: float, y1: float) -> bool:
        reach = y0
        for a, b in cells:
            if a <= reach + _ROW_GAP * glyph and b > reach:
                reach = b
            if reach + _ROW_GAP * glyph >= y1:
                return True
        return reach + _ROW_GAP * glyph >= y1

    stretches: list[list[float]] = []  # [y0, y1, n_rows, last_yc]
    for i in sorted(seeds, key=lambda i: boxes[i][1]):
        b = boxes[i]
        yc = (b[1] + b[3]) / 2
        if stretches and (b[1] <= stretches[-1][1] + _ROW_GAP * glyph or bridged(stretches[-1][1], b[1])):
            s = stretches[-1]
            s[1] = max(s[1], b[3])
            if yc - s[3] > 0.6 * glyph:
                s[2] += 1
                s[3] = yc
        else:
            stretches.append([b[1], b[3], 1, yc])
    out = []
    for y0, y1, rows, _yc in stretches:
        if rows >= _MIN_ROWS:
            out.append([i for i, b in enumerate(boxes) if b[3] > y0 and b[1] < y1])
    return out


def _clusters(values: list[float], gap: float) -> list[list[int]]:
    """Indices of values grouped where sorted neighbours are closer than gap."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out: list[list[int]] = []
    for i in order:
        if out and values[i] - values[out[-1][-1]] <= gap:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _rejoin(blocks: list[Block], glyph: float) -> list[Block]:
    """Blocks of one line cut at the white inside CJK punctuation (…危及 | “三安全…, …处理的， | 只…) joined again:
    a one-line block right after a line of another block, the join at punctuation."""
    from pipeline.ocr.page import _join

    out = sorted(blocks, key=lambda b: (b.box[0], b.box[1]))
    joined = True
    while joined:
        joined = False
        for b in out:
            if len(b.bands) != 1:
                continue
            for a in out:
                if a is b or not 0 <= b.box[0] - a.box[2] <= _PUNCT_GAP * glyph:
                    continue
                k = next((k for k, band in enumerate(a.bands) if abs((band[1] + band[3]) / 2 - b.yc) <= 0.3 * glyph
                          and band[2] >= a.box[2] - 0.5 * glyph), None)
                lines = a.lines if len(a.lines) == len(a.bands) else [a.text]
                if k is None or k >= len(lines) or not lines[k] or not b.text or not (
                        lines[k][-1] in _CLOSE or b.text[0] in _OPEN):
                    continue
                lines = lines[:k] + [lines[k] + b.text] + lines[k + 1:]
                band = a.bands[k]
                bands = a.bands[:k] + [(band[0], min(band[1], b.box[1]), b.box[2], max(band[3], b.box[3]))] + a.bands[k + 1:]
                box = (a.box[0], min(a.box[1], b.box[1]), max(a.box[2], b.box[2]), max(a.box[3], b.box[3]))
                out[out.index(a)] = Block(box, bands, _join(lines), min(a.confidence, b.confidence), lines)
                out.remove(b)
                joined = True
                break
            if joined:
                break
    return out


def tables_of(blocks: list[Block], glyph: float, page_no: int | None, source: int | None,
              dpi: float) -> list[tuple[int, object, float]]:
    """(top, OcrTable or a line of text, confidence) from one region's read blocks: the region is cut at section
    headings standing alone in their row (the caption of the next table), each part made a table when its blocks
    hold values, else given back as lines of text."""
    from pipeline.sections import section_heading

    blocks = _rejoin([b for b in blocks if b.text], glyph)
    out: list[tuple[int, object, float]] = []
    part: list[Block] = []

    def flush() -> None:
        table = _grid(part, glyph, page_no, source, dpi) if part else None
        if table is not None:
            out.append((table.top, table, 1.0))
        else:
            for y, row in _rows_of(part, glyph):
                out.append((y, " ".join(b.text for b in row), min(b.confidence for b in row)))
        part.clear()

    for y, row in _rows_of(blocks, glyph):
        # a speck read as a lone doubtful glyph does not keep a heading from standing alone
        kept = [b for b in row if len(b.text) > 1 or b.confidence >= 0.5] or row
        text = "".join(b.text for b in kept)
        alone = all(len(b.bands) == 1 and not b.value for b in kept) and not any(
            b not in row and b.box[1] < max(r.box[3] for r in kept) and b.box[3] > min(r.box[1] for r in kept)
            for b in blocks)
        if alone and section_heading(text):
            flush()
            out.append((y, text, min(b.confidence for b in row)))
        else:
            part.extend(row)
    flush()
    return out


def _rows_of(blocks: list[Block], glyph: float) -> list[tuple[int, list[Block]]]:
    """Blocks grouped by the height of their centres, top to bottom: (top, blocks left to right)."""
    rows = []
    for c in _clusters([b.yc for b in blocks], 0.6 * glyph):
        row = sorted((blocks[i] for i in c), key=lambda b: b.box[0])
        rows.append((min(b.box[1] for b in row), row))
    return sorted(rows, key=lambda r: r[0])


def _grid(blocks: list[Block], glyph: float, page_no: int | None, source: int | None, dpi: float):
    """The OcrTable of a table's read blocks, or None when they do not make a table of values."""
    from pipeline.ocr.page import OcrTable

    values = [b for b in blocks if b.value]
    if len(values) < 2:
        return None
    # value columns: centres of the value blocks; label columns: left edges of the other blocks left of them
    vcols = [sorted(values[i].xc for i in c) for c in _clusters([b.xc for b in values], 1.0 * glyph)]
    centres = [float(np.median(c)) for c in vcols]
    left_edge = min(b.box[0] for b in values if b.xc <= centres[0] + glyph)
    bounds = [left_edge - 0.5 * glyph] + [(a + b) / 2 for a, b in zip(centres, centres[1:], strict=False)]
    rows_y = [float(np.median([values[i].yc for i in c])) for c in _clusters([b.yc for b in values], 0.6 * glyph)]
    reach = 0.3 * glyph

    def rows_covered(b: Block) -> list[int]:
        return [r for r, y in enumerate(rows_y) if b.box[1] - reach <= y <= b.box[3] + reach]

    # label columns start where the labels of value rows start (a header centred above them starts none)
    labels_left = [b for b in blocks if b.xc < bounds[0] and not b.value and rows_covered(b)]
    starts = [min(blocks_x) for blocks_x in (
        [labels_left[i].box[0] for i in c] for c in _clusters([b.box[0] for b in labels_left], 1.0 * glyph))]
    xs = sorted(starts) + bounds  # column starts
    if starts and xs[len(starts)] - xs[len(starts) - 1] < glyph:  # a label column starting at the value area
        xs.pop(len(starts))
    step = centres[-1] - centres[-2] if len(centres) > 1 else 2 * (centres[-1] - bounds[-1])
    xs.append(max(centres[-1] + step / 2, max(b.box[2] for b in values) + 1))
    n_cols = len(xs) - 1
    n_labels = n_cols - len(centres)

    def col_of(x: float) -> int:
        return max(0, min(n_cols - 1, int(np.searchsorted(xs, x, side="right")) - 1))

    # rows: value blocks side by side; other blocks give rows of their own where they meet no value row
    placed: list[tuple[Block, list[int]]] = []  # block → body rows it covers
    extra: list[Block] = []
    for b in blocks:
        covered = rows_covered(b)
        if len(covered) > 1 and len(b.bands) == len(covered) and all(
                abs((band[1] + band[3]) / 2 - rows_y[r]) <= 0.5 * glyph for band, r in zip(b.bands, covered,
                                                                                        strict=True)):
            lines = b.lines
            if len(lines) == len(covered) and all(lines):  # labels of rows set close together: one line per row
                for line, band, r in zip(lines, b.bands, covered, strict=True):
                    placed.append((Block(band, [band], line, b.confidence, [line]), [r]))
                continue
        if covered:
            placed.append((b, covered))
        else:
            extra.append(b)
    # rows of their own: blocks beside no value row, grouped by height on the page
    own_y = [float(np.median([extra[i].yc for i in c])) for c in _clusters([b.yc for b in extra], 0.6 * glyph)]
    all_y = sorted([(y, "body", k) for k, y in enumerate(rows_y)] + [(y, "own", k) for k, y in enumerate(own_y)])
    row_of = {(kind, k): r for r, (_y, kind, k) in enumerate(all_y)}
    cells: list[tuple[int, int, int, int, Block]] = []  # r0, r1, c0, c1, block
    for b, covered in placed:
        r0, r1 = row_of[("body", covered[0])], row_of[("body", covered[-1])] + 1
        c0 = col_of(b.xc) if b.value else col_of(b.box[0])
        c1 = c0 + 1 if b.value else max(c0 + 1, col_of(b.box[2] - 1) + 1)
        cells.append((r0, r1, c0, min(c1, n_labels) if c0 < n_labels else c1, b))
    for b in extra:
        r = row_of[("own", min(range(len(own_y)), key=lambda k: abs(own_y[k] - b.yc)))]
        # above the value columns, a header names the columns whose centres it covers
        inside = [c for c in range(n_labels, n_cols) if b.box[0] <= centres[c - n_labels] <= b.box[2]]
        if inside:
            c0, c1 = inside[0], inside[-1] + 1
        else:
            c0 = col_of(b.xc if b.box[0] >= bounds[0] else b.box[0])
            c1 = c0 + 1
        cells.append((r, r + 1, c0, c1, b))
    n_rows = len(all_y)
    grid: dict[tuple[int, int], int] = {}
    for k, (r0, r1, c0, c1, _b) in enumerate(cells):
        for r in range(r0, r1):
            for c in range(c0, c1):
                grid.setdefault((r, c), k)
    _widen(grid, cells, n_rows, n_cols, n_labels, {row_of[("own", k)] for k in range(len(own_y))})
    slots: dict[tuple[int, int], Cell] = {}
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    origin: dict[int, tuple[int, int]] = {}
    for (r, c), k in sorted(grid.items()):
        origin.setdefault(k, (r, c))
    for (r, c), k in grid.items():
        b = cells[k][4]
        o = origin[k]
        slots[(r, c)] = Cell(b.text, r, c, page_no, (r, c) != o, b.confidence, (source or 0, *b.box))
        spans[(r, c)] = o
    rows = [[slots.get((r, c)) or Cell("", r, c, page_no) for c in range(n_cols)] for r in range(n_rows)]
    for r in range(n_rows):
        for c in range(n_cols):
            spans.setdefault((r, c), (r, c))
    ys = [float(min(b.box[1] for b in blocks)), *[(a + b) / 2 for a, b in zip([y for y, *_ in all_y],
                                                                             [y for y, *_ in all_y][1:],
                                                                             strict=False)],
          float(max(b.box[3] for b in blocks))]
    # no column rules to give: a part of the table on the next page may find other label columns, so it is not
    # re-gridded on this one's (its rows are read from their own labels and values)
    return OcrTable(rows, spans, [], ys, int(ys[0]), dpi)


def _widen(grid: dict[tuple[int, int], int], cells: list, n_rows: int, n_cols: int, n_labels: int,
           own_rows: set[int]) -> None:
    """Spans a ruled table would show: a lone cell in its row reaches across the table (a clause line); under a
    header, value columns left empty by the header and every row of its run belong to the cells beside them."""
    for r in range(n_rows):
        ks = {grid[(r, c)] for c in range(n_cols) if (r, c) in grid}
        if len(ks) == 1 and r in own_rows and all(cells[k][0] == r == cells[k][1] - 1 for k in ks):
            k = ks.pop()
            for c in range(n_cols):
                grid[(r, c)] = k
    used = [frozenset(c for c in range(n_labels, n_cols) if (r, c) in grid) for r in range(n_rows)]
    r = 0
    while r < n_rows:
        if r not in own_rows or not used[r] or len(used[r]) == n_cols - n_labels:
            r += 1
            continue
        end = r + 1
        while end < n_rows and end not in own_rows and used[end] and used[end] <= used[r]:
            end += 1
        if end - r >= 2:
            for rr in range(r, end):
                occupied = sorted(used[rr])
                for c in range(n_labels, n_cols):
                    if (rr, c) in grid:
                        continue
                    near = min(occupied, key=lambda o: (abs(o - c), o))
                    if (rr, near) in grid:
                        grid[(rr, c)] = grid[(rr, near)]
        r = end
