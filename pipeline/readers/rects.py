"""Axis-aligned boxes in near-linear time: merging overlapping boxes, and finding the box that holds a point.

A PDF page may hold tens of thousands of ruling lines (hostile or generated files); comparing every box with
every other is quadratic (a one-page PDF took minutes). Both operations here index boxes on a uniform grid
of at most GRID × GRID cells over the boxes' extent, so each box is compared only with boxes near it, and
both count their work: past `budget` steps they raise TooMuchWork (crafted layouts can still pack thousands
of boxes into one cell), so the caller can fall back to a cheap answer in bounded time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

Box = tuple[float, float, float, float]  # x0, top, x1, bottom
GRID = 128
_MIN_CELL = 4.0  # points: finer cells only cost memory


class TooMuchWork(Exception):
    """The boxes need more than the work budget (a crafted or degenerate layout)."""


def _overlap(a: Sequence[float], b: Sequence[float]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


class _Grid:
    """Cell ranges of boxes over a fixed extent."""

    def __init__(self, boxes: Sequence[Sequence[float]]) -> None:
        self.x0 = min(b[0] for b in boxes)
        self.y0 = min(b[1] for b in boxes)
        width = max(b[2] for b in boxes) - self.x0
        height = max(b[3] for b in boxes) - self.y0
        self.cw = max(width / GRID, _MIN_CELL)
        self.ch = max(height / GRID, _MIN_CELL)
        self.n = GRID

    def span(self, b: Sequence[float]) -> tuple[int, int, int, int]:
        """(i0, i1, j0, j1): the inclusive column and row ranges of the cells a box touches."""
        last = self.n - 1

        def cell(v: float, origin: float, size: float) -> int:
            if not math.isfinite(v):
                return 0 if v < 0 else last
            return min(max(int((v - origin) // size), 0), last)

        return (cell(b[0], self.x0, self.cw), cell(b[2], self.x0, self.cw),
                cell(b[1], self.y0, self.ch), cell(b[3], self.y0, self.ch))


def merge_overlapping(boxes: Iterable[Sequence[float]], budget: int | None = None) -> list[Box]:
    """Merge boxes that overlap (touching counts) into their bounding box, again and again until no two
    overlap. The result does not depend on the order of the boxes (a bounding box only grows, so whatever
    overlaps once always does); returned in no particular order. TooMuchWork past `budget` steps."""
    work = [budget if budget is not None else math.inf]

    def spend(n: int) -> None:
        work[0] -= n
        if work[0] < 0:
            raise TooMuchWork(f"more than {budget} steps to merge {len(items)} boxes")

    items = [list(map(float, b)) for b in boxes]
    items = [b for b in items if not any(math.isnan(v) for v in b)]
    if len(items) < 2:
        return [tuple(b) for b in items]  # type: ignore[misc]
    grid = _Grid(items)
    cells: dict[tuple[int, int], list[int]] = {}
    live: dict[int, list[float]] = {}
    spans: dict[int, tuple[int, int, int, int]] = {}
    next_id = 0

    def hits_of(box: list[float]) -> list[int]:
        i0, i1, j0, j1 = grid.span(box)
        if (i1 - i0 + 1) * (j1 - j0 + 1) > len(live):
            spend(len(live))
            return [k for k, m in live.items() if _overlap(m, box)]
        found: set[int] = set()
        spend((i1 - i0 + 1) * (j1 - j0 + 1))
        for i in range(i0, i1 + 1):
            for j in range(j0, j1 + 1):
                ids = cells.get((i, j))
                if not ids:
                    continue
                spend(len(ids))
                current = [k for k in dict.fromkeys(ids) if k in live]  # drop ids of boxes merged away
                if len(current) != len(ids):
                    cells[(i, j)] = current
                found.update(k for k in current if _overlap(live[k], box))
        return list(found)

    def insert(k: int, old: tuple[int, int, int, int] | None) -> None:
        """Register box k in the cells of its span that its previous span `old` did not cover."""
        i0, i1, j0, j1 = spans[k] = grid.span(live[k])
        spend((i1 - i0 + 1) * (j1 - j0 + 1))
        for i in range(i0, i1 + 1):
            inside_old_column = old is not None and old[0] <= i <= old[1]
            for j in range(j0, j1 + 1):
                if inside_old_column and old[2] <= j <= old[3]:  # type: ignore[index]
                    continue
                cells.setdefault((i, j), []).append(k)

    for b in items:
        box = b
        keep: int | None = None  # the id that survives a merge (the largest box hit), so its cells stay
        while True:
            hits = [k for k in hits_of(box) if k != keep]
            if not hits:
                break
            for k in hits:
                m = live[k]
                box = [min(box[0], m[0]), min(box[1], m[1]), max(box[2], m[2]), max(box[3], m[3])]
            if keep is None:
                keep = max(hits, key=lambda k: (spans[k][1] - spans[k][0] + 1) * (spans[k][3] - spans[k][2] + 1))
                hits.remove(keep)
            for k in hits:
                del live[k]
                del spans[k]
            live[keep] = box
        if keep is None:
            keep = next_id
            next_id += 1
            live[keep] = box
            insert(keep, None)
        elif grid.span(box) != spans[keep]:
            insert(keep, spans[keep])
    return [tuple(b) for b in live.values()]  # type: ignore[misc]


def merge_pairwise(boxes: Iterable[Sequence[float]], limit: int) -> list[Box] | None:
    """merge_overlapping's result, pair by pair (each box against the merged boxes so far, again until nothing
    changes): cheaper than the grid while the merged boxes stay few, as on a report's page (its rules merge
    into one box per table). None once it would compare more than `limit` pairs (many disjoint boxes: the
    grid's case)."""
    out_boxes = [list(map(float, b)) for b in boxes]
    out_boxes = [b for b in out_boxes if not any(math.isnan(v) for v in b)]
    work = 0
    changed = True
    while changed:
        changed = False
        out: list[list[float]] = []
        for b in out_boxes:
            work += len(out)
            if work > limit:
                return None
            for m in out:
                if b[0] <= m[2] and m[0] <= b[2] and b[1] <= m[3] and m[1] <= b[3]:
                    m[0], m[1], m[2], m[3] = min(m[0], b[0]), min(m[1], b[1]), max(m[2], b[2]), max(m[3], b[3])
                    changed = True
                    break
            else:
                out.append(b)
        out_boxes = out
    return [tuple(b) for b in out_boxes]  # type: ignore[misc]


class PointIndex:
    """Which of a set of boxes hold a point, looked up through a grid instead of testing every box.

    Building and lookups share one work budget (TooMuchWork past it)."""

    def __init__(self, boxes: Iterable[Sequence[float]], budget: int | None = None) -> None:
        self.boxes = [tuple(map(float, b)) for b in boxes]
        self.boxes = [b for b in self.boxes if not any(math.isnan(v) for v in b)]
        self.grid = _Grid(self.boxes) if self.boxes else None
        self.cells: dict[tuple[int, int], list[int]] = {}
        self.budget = budget if budget is not None else math.inf
        if self.grid is None:
            return
        for k, b in enumerate(self.boxes):
            i0, i1, j0, j1 = self.grid.span(b)
            self._spend((i1 - i0 + 1) * (j1 - j0 + 1))
            for i in range(i0, i1 + 1):
                for j in range(j0, j1 + 1):
                    self.cells.setdefault((i, j), []).append(k)

    def _spend(self, n: int) -> None:
        self.budget -= n
        if self.budget < 0:
            raise TooMuchWork(f"too many boxes to look points up in ({len(self.boxes)})")

    def holds(self, x: float, y: float) -> bool:
        """True when some box holds the point (x, y) (edges included)."""
        if self.grid is None or math.isnan(x) or math.isnan(y):
            return False
        i, _, j, _ = self.grid.span((x, y, x, y))
        ids = self.cells.get((i, j), ())
        self._spend(len(ids) + 1)
        return any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in (self.boxes[k] for k in ids))
