"""pdfplumber's ruled-table finder and text assembly, re-implemented for speed with the same results.

The fast PDF path (pdfium_page.py) reads characters and rules through pdfium; these functions turn them into
tables and text exactly as pdfplumber does for the settings pdf.py uses (``vertical_strategy`` and
``horizontal_strategy`` "lines", snap/join/intersection tolerance 3, minimum edge length 3; non-layout text
with x tolerance 1.5 in cells, 3 in prose), including pdfplumber's float arithmetic, so that both paths give
the same grids. What changes is the cost: points are indexed by row and column instead of scanned, edges
grouped instead of compared pairwise, characters binned by row. tests/test_pdf_fast.py checks the
equivalence against pdfplumber's own functions on random inputs.

Objects are pdfplumber-style dicts (``x0``, ``top``, ``x1``, ``bottom``, ...): characters with ``text`` and
``upright``; edges with ``orientation``, ``width`` and ``height``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from itertools import groupby
from operator import itemgetter
from typing import Any

from pipeline.disjoint import DisjointSets

Obj = dict[str, Any]
BBox = tuple[float, float, float, float]

SNAP = 3
JOIN = 3
EDGE_MIN_LENGTH = 3
EDGE_MIN_LENGTH_PREFILTER = 1
INTERSECTION = 3
# pdfplumber.utils.text.LIGATURES: expanded in extracted text
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


# ---- clustering (pdfplumber.utils.clustering) ---------------------------------------------------------
def _cluster_ids(values: Iterable[float], tolerance: float) -> dict[float, int]:
    """Distinct values → cluster index: sorted values chained while each is within tolerance of the last."""
    ids: dict[float, int] = {}
    last: float | None = None
    n = -1
    for v in sorted(set(values)):
        if last is None or (tolerance == 0 or v > last + tolerance):
            n += 1
        ids[v] = n
        last = v
    return ids


def cluster_objects(objs: list, key: Callable[[Any], float], tolerance: float,
                    preserve_order: bool = False) -> list[list]:
    """pdfplumber.utils.cluster_objects: groups of objects whose key values chain within tolerance."""
    ids = _cluster_ids(map(key, objs), tolerance)
    tagged = [(o, ids[key(o)]) for o in objs]
    if not preserve_order:
        tagged.sort(key=itemgetter(1))
    return [[o for o, _ in grp] for _, grp in groupby(tagged, key=itemgetter(1))]


# ---- edges ------------------------------------------------------------------------------------------------
def page_edges(lines: list[Obj], rects: list[Obj], curves: list[Obj]) -> list[Obj]:
    """pdfplumber's Page.edges: line edges, then four edges per rect, then curve segments."""
    edges: list[Obj] = []
    for ln in lines:
        edges.append({**ln, "orientation": "h" if ln["top"] == ln["bottom"] else "v"})
    for r in rects:
        edges.append({**r, "object_type": "rect_edge", "height": 0, "y0": r["y1"], "bottom": r["top"],
                      "orientation": "h"})
        edges.append({**r, "object_type": "rect_edge", "height": 0, "y1": r["y0"], "top": r["top"] + r["height"],
                      "doctop": r["doctop"] + r["height"], "orientation": "h"})
        edges.append({**r, "object_type": "rect_edge", "width": 0, "x1": r["x0"], "orientation": "v"})
        edges.append({**r, "object_type": "rect_edge", "width": 0, "x0": r["x1"], "orientation": "v"})
    for c in curves:
        pts = c["pts"]
        for (ax, ay), (bx, by) in zip(pts, pts[1:], strict=False):
            edges.append({"object_type": "curve_edge", "x0": min(ax, bx), "x1": max(ax, bx), "top": min(ay, by),
                          "bottom": max(ay, by), "width": abs(ax - bx), "height": abs(ay - by),
                          "orientation": "v" if ax == bx else ("h" if ay == by else None)})
    return edges


def _long_enough(e: Obj, min_length: float) -> bool:
    return e["height" if e["orientation"] == "v" else "width"] >= min_length


def _snap(edges: list[Obj], attr: str, tolerance: float) -> list[Obj]:
    """pdfplumber.utils.snap_objects: each cluster moved to its mean (x0 for verticals, top for horizontals)."""
    out: list[Obj] = []
    for cluster in cluster_objects(edges, itemgetter(attr), tolerance):
        avg = sum(map(itemgetter(attr), cluster)) / len(cluster)
        for e in cluster:
            d = avg - e[attr]
            if attr == "x0":
                out.append({**e, "x0": e["x0"] + d, "x1": e["x1"] + d})
            else:
                out.append({**e, "top": e["top"] + d, "bottom": e["bottom"] + d})
    return out


def _join(group: list[Obj], orientation: str, tolerance: float) -> list[Obj]:
    """pdfplumber.table.join_edge_group: collinear edges within tolerance of one another joined."""
    lo, hi, size = ("x0", "x1", "width") if orientation == "h" else ("top", "bottom", "height")
    ordered = sorted(group, key=itemgetter(lo))
    joined = [ordered[0]]
    for e in ordered[1:]:
        last = joined[-1]
        if e[lo] <= last[hi] + tolerance:
            if e[hi] > last[hi]:
                joined[-1] = {**last, hi: e[hi], size: e[hi] - last[lo]}
        else:
            joined.append(e)
    return joined


def table_edges(edges: list[Obj]) -> list[Obj]:
    """The edges pdfplumber's TableFinder keeps for the "lines" strategies: filtered, snapped, joined."""
    v = [e for e in edges if e["orientation"] == "v" and _long_enough(e, EDGE_MIN_LENGTH_PREFILTER)]
    h = [e for e in edges if e["orientation"] == "h" and _long_enough(e, EDGE_MIN_LENGTH_PREFILTER)]
    snapped = _snap(v, "x0", SNAP) + _snap(h, "top", SNAP)

    def group(e: Obj) -> tuple[str, float]:
        return ("h", e["top"]) if e["orientation"] == "h" else ("v", e["x0"])

    merged: list[Obj] = []
    for key, items in groupby(sorted(snapped, key=group), key=group):
        merged.extend(_join(list(items), key[0], JOIN))
    return [e for e in merged if _long_enough(e, EDGE_MIN_LENGTH)]


# ---- intersections, cells, tables ---------------------------------------------------------------------
def _bbox(e: Obj) -> BBox:
    return (e["x0"], e["top"], e["x1"], e["bottom"])


def intersections(edges: list[Obj], tol: float = INTERSECTION) -> dict[tuple[float, float], tuple[set, set]]:
    """pdfplumber.table.edges_to_intersections: vertex → (bboxes of its vertical edges, of its horizontal edges)."""
    vs = sorted((e for e in edges if e["orientation"] == "v"), key=itemgetter("x0", "top"))
    hs = sorted((e for e in edges if e["orientation"] == "h"), key=itemgetter("top", "x0"))
    tops = [h["top"] for h in hs]
    out: dict[tuple[float, float], tuple[set, set]] = {}
    for v in vs:
        x, vtop, vbottom = v["x0"], v["top"], v["bottom"]
        vb = _bbox(v)
        # h["top"] within [v.top - tol, v.bottom + tol]; the comparisons below are pdfplumber's own
        for h in hs[bisect.bisect_left(tops, vtop - tol - 1e-9):bisect.bisect_right(tops, vbottom + tol + 1e-9)]:
            if vtop <= h["top"] + tol and vbottom >= h["top"] - tol and x >= h["x0"] - tol and x <= h["x1"] + tol:
                sets = out.setdefault((x, h["top"]), (set(), set()))
                sets[0].add(vb)
                sets[1].add(_bbox(h))
    return out


def cells(points: dict[tuple[float, float], tuple[set, set]]) -> list[BBox]:
    """pdfplumber.table.intersections_to_cells: for each vertex, the smallest rectangle of connected vertices."""
    ordered = sorted(points)
    below: dict[float, list[tuple[float, float]]] = {}
    right: dict[float, list[tuple[float, float]]] = {}
    for p in ordered:  # sorted by (x, y): same-x lists ascend in y, same-y lists ascend in x
        below.setdefault(p[0], []).append(p)
        right.setdefault(p[1], []).append(p)

    def v_connects(a: tuple[float, float], b: tuple[float, float]) -> bool:
        return not points[a][0].isdisjoint(points[b][0])

    def h_connects(a: tuple[float, float], b: tuple[float, float]) -> bool:
        return not points[a][1].isdisjoint(points[b][1])

    out: list[BBox] = []
    for pt in ordered:
        col, row = below[pt[0]], right[pt[1]]
        downs = col[col.index(pt) + 1:]
        rights = row[row.index(pt) + 1:]
        found = None
        for b in downs:
            if not v_connects(pt, b):
                continue
            for r in rights:
                if not h_connects(pt, r):
                    continue
                corner = (r[0], b[1])
                if corner in points and v_connects(corner, r) and h_connects(corner, b):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            out.append(found)
    return out


def tables_of(cell_boxes: list[BBox]) -> list[list[BBox]]:
    """pdfplumber.table.cells_to_tables: groups of cells that share corners, top to bottom, of two cells or more."""
    sets = DisjointSets(len(cell_boxes))
    owner: dict[tuple[float, float], int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cell_boxes):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            j = owner.setdefault(corner, i)
            if j != i:
                sets.union(i, j)
    groups = [[cell_boxes[i] for i in members] for members in sets.groups()]
    ordered = sorted(groups, key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in ordered if len(t) > 1]


class Row:
    """A row of a table: one cell bbox (or None) per column x0, as pdfplumber's table.Row."""

    __slots__ = ("cells", "bbox")

    def __init__(self, row_cells: list[BBox | None]) -> None:
        self.cells = row_cells
        present = [c for c in row_cells if c is not None]
        self.bbox = (min(c[0] for c in present), min(c[1] for c in present),
                     max(c[2] for c in present), max(c[3] for c in present))


class LatticeTable:
    """A ruled table as pdfplumber's table.Table: ``cells``, ``rows``, ``bbox``, ``extract()``, ``page``."""

    def __init__(self, page: Any, cell_boxes: list[BBox]) -> None:
        self.page = page
        self.cells = cell_boxes
        self.bbox = (min(c[0] for c in cell_boxes), min(c[1] for c in cell_boxes),
                     max(c[2] for c in cell_boxes), max(c[3] for c in cell_boxes))
        ordered = sorted(cell_boxes, key=itemgetter(1, 0))
        xs = sorted({c[0] for c in cell_boxes})
        self.rows = []
        for _top, row_cells in groupby(ordered, key=itemgetter(1)):
            by_x = {c[0]: c for c in row_cells}
            self.rows.append(Row([by_x.get(x) for x in xs]))

    def extract(self, x_tolerance: float = 3, y_tolerance: float = 3) -> list[list[str | None]]:
        """Cell texts row by row (None where no cell starts), from the characters centred in each cell."""
        chars = self.page.chars
        mids = sorted(((ch["top"] + ch["bottom"]) / 2, i) for i, ch in enumerate(chars))
        keys = [m for m, _ in mids]
        out: list[list[str | None]] = []
        for row in self.rows:
            top, bottom = row.bbox[1], row.bbox[3]
            # characters whose vertical middle lies in the row, back in page order (pdfplumber filters in order)
            idx = sorted(i for _, i in mids[bisect.bisect_left(keys, top):bisect.bisect_left(keys, bottom)])
            present = [c for c in row.cells if c is not None]
            starts = [c[0] for c in present]
            # cells of a row share their top; side by side (the rule), a character fits at most one of them
            apart = all(a[2] <= b[0] for a, b in zip(present, present[1:], strict=False))
            inside: list[list[Obj]] = [[] for _ in present]
            for i in idx:
                ch = chars[i]
                if not _inside(ch, row.bbox):
                    continue
                if apart:
                    k = bisect.bisect_right(starts, (ch["x0"] + ch["x1"]) / 2) - 1
                    if k >= 0 and _inside(ch, present[k]):
                        inside[k].append(ch)
                else:  # overlapping cells (a rule that stops short): every cell holding the character
                    for k, cell in enumerate(present):
                        if _inside(ch, cell):
                            inside[k].append(ch)
            texts: list[str | None] = []
            k = 0
            for cell in row.cells:
                if cell is None:
                    texts.append(None)
                    continue
                texts.append(extract_text(inside[k], x_tolerance, y_tolerance) if inside[k] else "")
                k += 1
            out.append(texts)
        return out


def _inside(ch: Obj, bbox: BBox) -> bool:
    h_mid = (ch["x0"] + ch["x1"]) / 2
    v_mid = (ch["top"] + ch["bottom"]) / 2
    return bbox[0] <= h_mid < bbox[2] and bbox[1] <= v_mid < bbox[3]


def find_tables(page: Any, explicit_h: list[Obj] | tuple = ()) -> list[LatticeTable]:
    """pdfplumber's Page.find_tables with both strategies "lines": the tables of the page's ruling (plus
    `explicit_h`, horizontal lines as pdfplumber's explicit_horizontal_lines objects)."""
    extra = [{**ln, "orientation": "h"} for ln in explicit_h]
    edges = table_edges(page_edges(page.lines, page.rects, page.curves) + extra)
    return [LatticeTable(page, group) for group in tables_of(cells(intersections(edges)))]


# ---- text -------------------------------------------------------------------------------------------------
def _words(chars: list[Obj], x_tolerance: float, y_tolerance: float) -> list[tuple[Obj, list[Obj]]]:
    """pdfplumber's WordExtractor for upright left-to-right text: (word, its chars) line by line."""
    out: list[tuple[Obj, list[Obj]]] = []
    for _upright, group in groupby(chars, key=itemgetter("upright")):
        for line in cluster_objects(list(group), itemgetter("top"), y_tolerance):
            word: list[Obj] = []
            for ch in sorted(line, key=itemgetter("x0")):
                if ch["text"].isspace():
                    if word:
                        out.append(_merge(word))
                    word = []
                elif word and (ch["x0"] < word[-1]["x0"] or ch["x0"] > word[-1]["x1"] + x_tolerance
                               or abs(ch["top"] - word[-1]["top"]) > y_tolerance):
                    out.append(_merge(word))
                    word = [ch]
                else:
                    word.append(ch)
            if word:
                out.append(_merge(word))
    return out


def _merge(chars: list[Obj]) -> tuple[Obj, list[Obj]]:
    word = {"text": "".join(LIGATURES.get(c["text"], c["text"]) for c in chars),
            "x0": min(c["x0"] for c in chars), "top": min(c["top"] for c in chars),
            "x1": max(c["x1"] for c in chars), "bottom": max(c["bottom"] for c in chars)}
    return word, chars


def extract_text(chars: list[Obj], x_tolerance: float = 3, y_tolerance: float = 3) -> str:
    """pdfplumber.utils.extract_text (non-layout): words joined by spaces, lines by newlines."""
    words = [w for w, _ in _words(chars, x_tolerance, y_tolerance)]
    lines = cluster_objects(words, itemgetter("top"), y_tolerance)
    return "\n".join(" ".join(w["text"] for w in line) for line in lines)


_LINE_RE = re.compile(r" *([^\n]+?) *(\n|$)")


def text_lines(chars: list[Obj], x_tolerance: float = 3, y_tolerance: float = 3) -> list[Obj]:
    """pdfplumber's Page.extract_text_lines(return_chars=False): text and bbox of each line."""
    tuples = _words(chars, x_tolerance, y_tolerance)
    textmap: list[tuple[str, Obj | None]] = []
    for i, line in enumerate(cluster_objects(tuples, lambda t: t[0]["top"], y_tolerance, preserve_order=True)):
        if i > 0:
            textmap.append(("\n", None))
        for j, (_word, word_chars) in enumerate(line):
            if j > 0:
                textmap.append((" ", None))
            for ch in word_chars:
                textmap.extend((letter, ch) for letter in LIGATURES.get(ch["text"], ch["text"]))
    text = "".join(t for t, _ in textmap)
    out: list[Obj] = []
    for m in _LINE_RE.finditer(text):
        if not m.group(1).strip():
            continue
        inside = [ch for _, ch in textmap[m.start(1):m.end(1)] if ch is not None]
        out.append({"text": m.group(1), "x0": min(c["x0"] for c in inside), "top": min(c["top"] for c in inside),
                    "x1": max(c["x1"] for c in inside), "bottom": max(c["bottom"] for c in inside)})
    return out


def overlaps(a: BBox, b: BBox) -> bool:
    """pdfplumber.utils.get_bbox_overlap(a, b) is not None."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return height >= 0 and width >= 0 and height + width > 0
