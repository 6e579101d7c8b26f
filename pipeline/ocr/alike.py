"""Crops that print the same thing: short text lines (a table's values) whose pixels match closely.

A table of a quiet year is mostly the same few values printed again and again (0, 1, a dash); reading one of
them stands for the others only when their pixels agree: the same ink box size (within 10%) and a normalised
cross-correlation of their grey levels, scaled to one height, above 0.95. On the corpus scans and the
generated ones no two crops of different text come closer than 0.84; most crops of one text match
at 0.91 or better, so the threshold leaves many copies to be read on their own rather than risk one.
"""

from __future__ import annotations

import cv2
import numpy as np

MATCH = 0.95  # correlation above which two crops print the same text
_HEIGHT = 32  # crops compared at this height
_MAX_ASPECT = 4.0  # only short crops (a few glyphs): long lines are labels, printed once


def _ink_box(gray: np.ndarray) -> np.ndarray | None:
    """The crop's ink (grey levels, ink high) inside its tight box; None without ink."""
    _t, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, _labels, stats, _c = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= 6]
    if not keep:
        return None
    x0 = min(stats[i, 0] for i in keep)
    y0 = min(stats[i, 1] for i in keep)
    x1 = max(stats[i, 0] + stats[i, 2] for i in keep)
    y1 = max(stats[i, 1] + stats[i, 3] for i in keep)
    return 255.0 - gray[y0:y1, x0:x1].astype(np.float32)


def _signature(box: np.ndarray, width: int) -> np.ndarray:
    sig = cv2.resize(box, (width, _HEIGHT), interpolation=cv2.INTER_AREA).ravel()
    sig = sig - sig.mean()
    norm = float(np.linalg.norm(sig))
    return sig / norm if norm > 0 else sig


def groups(crops: list[np.ndarray]) -> list[list[tuple[int, float]]]:
    """Crops grouped by appearance: (index, correlation with the group's first member, its representative) per
    member; crops that are long, blank or like no other stand alone."""
    out: list[list[tuple[int, float]]] = []
    reps: dict[int, list[tuple[int, int, np.ndarray, int]]] = {}  # signature width → (h, w, signature, group)
    for i, crop in enumerate(crops):
        box = _ink_box(crop)
        if box is None or box.shape[1] > _MAX_ASPECT * box.shape[0] or box.shape[0] < 4:
            out.append([(i, 1.0)])
            continue
        h, w = box.shape
        width = max(4, round(w * _HEIGHT / h))
        sig = _signature(box, width)
        for rh, rw, rsig, g in reps.get(width, []):
            if abs(rh - h) <= max(2, 0.1 * h) and abs(rw - w) <= max(2, 0.1 * w):
                corr = float(rsig @ sig)
                if corr >= MATCH:
                    out[g].append((i, corr))
                    break
        else:
            reps.setdefault(width, []).append((h, w, sig, len(out)))
            out.append([(i, 1.0)])
    return out
