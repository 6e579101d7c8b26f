"""Table grids recovered from the ruling lines of a page image (OpenCV morphology).

Horizontal and vertical rules are opened out of the ink mask with long thin kernels; a rule must reach
other rules at its ends (or be long), so a dash or an underline inside a cell is not taken for one. The
row and column positions are the clustered rule positions; two neighbouring slots belong to one merged
cell when no rule separates them, as a rowspan/colspan would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from pipeline.disjoint import DisjointSets


@dataclass(frozen=True, slots=True)
class Segment:
    pos: float  # y of a horizontal rule, x of a vertical one
    start: int  # x0 (horizontal) or y0 (vertical)
    end: int
    thick: int


@dataclass
class GridCell:
    """A cell of a ruled table: its slots (row, col range) and its pixel box (inside the rules)."""

    r0: int
    c0: int
    r1: int  # exclusive
    c1: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1


@dataclass
class RuledTable:
    """A ruled table found on a page: rule positions and merged cells."""

    xs: list[float]
    ys: list[float]
    cells: list[GridCell] = field(default_factory=list)

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return int(self.xs[0]), int(self.ys[0]), int(self.xs[-1]), int(self.ys[-1])

    @property
    def width(self) -> int:
        return len(self.xs) - 1

    @property
    def height(self) -> int:
        return len(self.ys) - 1


def line_masks(ink: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """(horizontal, vertical) rule masks: ink runs longer than any glyph stroke, small gaps bridged."""
    h_len = max(15, round(dpi * 0.25))  # 6 mm: longer than a CJK glyph at any body size
    v_len = max(12, round(dpi * 0.16))  # a short row is barely taller than its text: 4 mm
    bridge = max(3, round(dpi / 50))
    closed_h = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (bridge, 1)))
    closed_v = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, bridge)))
    horiz = cv2.morphologyEx(closed_h, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vert = cv2.morphologyEx(closed_v, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    return horiz, vert


def _segments(mask: np.ndarray, horizontal: bool) -> list[Segment]:
    n, _labels, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        if horizontal:
            out.append(Segment(float(centroids[i][1]), int(x), int(x + w), int(h)))
        else:
            out.append(Segment(float(centroids[i][0]), int(y), int(y + h), int(w)))
    return out


def _cluster(values: list[tuple[float, float]], tol: float) -> list[float]:
    """Weighted centres of values closer than tol (value, weight)."""
    out: list[list[float]] = []
    for v, w in sorted(values):
        if out and v - out[-1][0] / out[-1][1] <= tol:
            out[-1][0] += v * w
            out[-1][1] += w
        else:
            out.append([v * w, w])
    return [s / w for s, w in out]


def _touches(seg: Segment, others: list[Segment], at: int, tol: float) -> bool:
    """True when the rule `seg` meets one of the crossing rules `others` at its coordinate `at`."""
    return any(abs(o.pos - at) <= tol and o.start - tol <= seg.pos <= o.end + tol for o in others)


def find_tables(ink: np.ndarray, dpi: float, min_rows: int = 2,
                min_cols: int = 2) -> tuple[list[RuledTable], np.ndarray]:
    """Ruled tables of a page (top to bottom), each with its merged cells, and the mask of their rules."""
    horiz, vert = line_masks(ink, dpi)
    hs, vs = _segments(horiz, True), _segments(vert, False)
    tol = max(3.0, dpi / 30)
    page_w, page_h = ink.shape[1], ink.shape[0]
    # a rule meets crossing rules at both ends, or at one end and runs on (a table cut by the page edge), or is
    # long; text strokes, dashes and underlines inside cells meet no rule
    def ruled(s: Segment, crossing: list[Segment], long: float, min_len: float) -> bool:
        ends = _touches(s, crossing, s.start, tol) + _touches(s, crossing, s.end, tol)
        return ends == 2 or (ends == 1 and s.end - s.start >= 2 * min_len) or s.end - s.start >= long

    h_min, v_min = max(15, round(dpi * 0.25)), max(12, round(dpi * 0.16))
    hs, vs = ([s for s in hs if ruled(s, vs, 0.3 * page_w, h_min)],
              [s for s in vs if ruled(s, hs, 0.3 * page_h, v_min)])
    grid = np.zeros_like(ink)
    if not hs or not vs:
        return [], grid
    for s in hs:
        cv2.line(grid, (s.start, round(s.pos)), (s.end, round(s.pos)), 255, max(1, s.thick))
    for s in vs:
        cv2.line(grid, (round(s.pos), s.start), (round(s.pos), s.end), 255, max(1, s.thick))
    rules = cv2.bitwise_and(cv2.dilate(grid, np.ones((3, 3), np.uint8)), cv2.bitwise_or(horiz, vert))
    rules = cv2.dilate(rules, np.ones((3, 3), np.uint8))
    grid = cv2.dilate(grid, np.ones((3, 3), np.uint8))
    n, _labels, stats, _c = cv2.connectedComponentsWithStats(grid, connectivity=8)
    tables = []
    for i in range(1, n):
        x, y, w, h, _a = stats[i]
        if w < 0.15 * page_w or h < dpi * 0.2:
            continue
        box = (x - tol, y - tol, x + w + tol, y + h + tol)
        th = [s for s in hs if box[1] <= s.pos <= box[3] and s.start >= box[0] and s.end <= box[2]]
        tv = [s for s in vs if box[0] <= s.pos <= box[2] and s.start >= box[1] and s.end <= box[3]]
        table = _table(th, tv, horiz, vert, tol, dpi)
        if table is not None and table.height >= min_rows - 1 and table.width >= min_cols:
            tables.append(table)
    tables.sort(key=lambda t: t.ys[0])
    return tables, rules


def _coverage(mask: np.ndarray, horizontal: bool, pos: float, a: float, b: float, band: int) -> float:
    """Share of the stretch a..b along a rule at pos that the rule mask covers."""
    p = round(pos)
    a_i, b_i = round(a), round(b)
    if b_i <= a_i:
        return 0.0
    if horizontal:
        strip = mask[max(0, p - band): p + band + 1, a_i:b_i]
    else:
        strip = mask[a_i:b_i, max(0, p - band): p + band + 1].T
    if strip.size == 0:
        return 0.0
    return float((strip.max(axis=0) > 0).mean())


def _table(hs: list[Segment], vs: list[Segment], horiz: np.ndarray, vert: np.ndarray, tol: float,
           dpi: float) -> RuledTable | None:
    min_gap = max(6.0, dpi * 0.06)  # rows and columns are at least 1.5 mm apart (double rules merge)
    ys = _cluster([(s.pos, s.end - s.start) for s in hs], min_gap)
    xs = _cluster([(s.pos, s.end - s.start) for s in vs], min_gap)
    if not ys or not xs:
        return None
    # a side without its rule (a table cut by a page break, an open-sided table): the crossing rules' ends
    top, bottom = min(s.start for s in vs), max(s.end for s in vs)
    left, right = min(s.start for s in hs), max(s.end for s in hs)
    if ys[0] - top > min_gap:
        ys.insert(0, float(top))
    if bottom - ys[-1] > min_gap:
        ys.append(float(bottom))
    if xs[0] - left > min_gap:
        xs.insert(0, float(left))
    if right - xs[-1] > min_gap:
        xs.append(float(right))
    if len(ys) < 2 or len(xs) < 2:
        return None
    band = max(2, round(dpi / 60))
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    sets = DisjointSets(n_rows * n_cols)
    union = sets.union
    inset = 0.15
    for r in range(n_rows):
        y0, y1 = ys[r], ys[r + 1]
        span = y1 - y0
        for c in range(n_cols):
            x0, x1 = xs[c], xs[c + 1]
            if c + 1 < n_cols and _coverage(vert, False, x1, y0 + inset * span, y1 - inset * span, band) < 0.5:
                union(r * n_cols + c, r * n_cols + c + 1)
            w = x1 - x0
            if r + 1 < n_rows and _coverage(horiz, True, y1, x0 + inset * w, x1 - inset * w, band) < 0.5:
                union(r * n_cols + c, (r + 1) * n_cols + c)
    cells = []
    for members in sets.groups():
        slots = [divmod(i, n_cols) for i in members]
        r0, r1 = min(r for r, _ in slots), max(r for r, _ in slots) + 1
        c0, c1 = min(c for _, c in slots), max(c for _, c in slots) + 1
        cells.append(GridCell(r0, c0, r1, c1, (round(xs[c0]), round(ys[r0]), round(xs[c1]), round(ys[r1]))))
    cells.sort(key=lambda g: (g.r0, g.c0))
    return RuledTable(xs, ys, cells)
