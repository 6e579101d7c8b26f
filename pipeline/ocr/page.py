"""One page image → its tables (cells with text and confidence) and a few prose lines, by OCR.

Only what the extraction needs is read: the cells of the ruled tables, the blocks of the tables printed
without rules (pipeline.ocr.unruled, outside the ruled ones), the line or two above each table
(its caption), and the first lines of the page when asked (the title area). Text lines are found from the
ink itself (row profile inside each cell), so the detection model never runs; every line is read by the
recogniser (pipeline.ocr.engine), short ones packed together. A cell read with low confidence is read again
alone, from an image at twice the resolution, before anything is accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from pipeline.document import Cell
from pipeline.ocr import engine
from pipeline.ocr import unruled as unruled_tables
from pipeline.ocr.grid import RuledTable, find_tables
from pipeline.ocr.image import PageImage, binarise
from pipeline.readers.cjk_fold import clean_cell_text, clean_line, is_page_number

LOW_CONFIDENCE = 0.9  # a character read with less probability than this is doubtful
_NUMERIC = set("0123456789.,-—－%")


@dataclass
class OcrLine:
    text: str
    confidence: float
    top: int  # pixels


@dataclass
class OcrTable:
    """A table read from the image: rows of Cells (spans expanded, copies marked spanned)."""

    rows: list[list[Cell]]
    spans: dict[tuple[int, int], tuple[int, int]]  # slot → origin slot
    xs: list[float]
    ys: list[float]
    top: int
    dpi: float


@dataclass
class _Item:
    """One text line to read: a band of a cell, a caption or a title line."""

    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in page pixels
    owner: tuple  # ("cell", table_no, cell_no, band_no) | ("line", y)
    reading: engine.Reading | None = None


@dataclass
class PageOcr:
    """Everything read from one page, in reading order, and what was doubtful."""

    items: list[tuple[int, OcrLine | OcrTable]] = field(default_factory=list)
    n_lines: int = 0
    n_refined: int = 0
    doubtful: int = 0


def _text_mask(ink: np.ndarray, rules: np.ndarray, dpi: float) -> np.ndarray:
    """Ink without the table rules, without lines longer than any glyph (a page edge, its shadow, a scanner
    streak, a rule of a table that is not ruled all round) and without speckle."""
    text = cv2.bitwise_and(ink, cv2.bitwise_not(rules))
    long_v, long_h = max(9, round(dpi * 0.45)), max(12, round(dpi * 0.6))  # 32 pt, 43 pt: taller, wider than glyphs
    stray = cv2.bitwise_or(
        cv2.morphologyEx(text, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long_v))),
        cv2.morphologyEx(text, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long_h, 1))))
    # the scan's border: a broken line along the image edge (the paper's edge, its shadow), joined across its gaps
    m, bridge = max(4, round(dpi * 0.15)), max(3, round(dpi * 0.05))
    long_edge = max(9, round(dpi * 0.3))
    for side in ("left", "right", "top", "bottom"):
        vertical = side in ("left", "right")
        band = (np.s_[:, :m] if side == "left" else np.s_[:, -m:] if side == "right" else np.s_[:m, :] if side == "top"
                else np.s_[-m:, :])
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, bridge) if vertical else (bridge, 1))
        joined = cv2.morphologyEx(text[band], cv2.MORPH_CLOSE, kernel)
        n, labels, stats, _c = cv2.connectedComponentsWithStats(joined, connectivity=8)
        w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
        length = h if vertical else w
        # long and thin on average (a slanted line has a wide box but little ink per unit of length)
        edge_line = (length >= long_edge) & (stats[:, cv2.CC_STAT_AREA] <= length * max(2.0, dpi * 0.03))
        edge_line[0] = False
        if edge_line.any():
            stray[band] |= edge_line[labels].astype(np.uint8) * 255
    if stray.any():
        text = cv2.bitwise_and(text, cv2.bitwise_not(cv2.dilate(stray, np.ones((3, 3), np.uint8))))
    n, labels, stats, _c = cv2.connectedComponentsWithStats(text, connectivity=8)
    min_area = max(4, round(12 * (dpi / 150) ** 2))  # specks are smaller than a hyphen
    x, y, w, h = (stats[:, k] for k in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))
    # the scan's border: thin marks on the image edge, or along it within 2 mm (the paper's edge, its shadow),
    # are not text
    big_h, big_w = text.shape
    m, long = dpi * 0.08, dpi * 0.2
    edge = (x == 0) | (y == 0) | (x + w >= big_w) | (y + h >= big_h)
    along = (((x < m) | (x + w > big_w - m)) & (h >= 3 * w) & (h >= long)) | (
        ((y < m) | (y + h > big_h - m)) & (w >= 3 * h) & (w >= long))
    border = (edge & (np.minimum(w, h) <= max(2, dpi * 0.04))) | along
    keep = ((stats[:, cv2.CC_STAT_AREA] >= min_area) & ~border).astype(np.uint8) * 255
    keep[0] = 0
    return keep[labels]


def _runs(profile: np.ndarray, min_gap: int = 1) -> list[tuple[int, int]]:
    """[start, end) runs of non-zero entries, joining runs separated by fewer than min_gap zeros."""
    on = np.flatnonzero(profile > 0)
    if not len(on):
        return []
    breaks = np.flatnonzero(np.diff(on) > min_gap)
    starts = np.concatenate(([on[0]], on[breaks + 1]))
    ends = np.concatenate((on[breaks], [on[-1]])) + 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def text_bands(mask: np.ndarray, glyph: float) -> list[tuple[int, int, int, int]]:
    """Text lines in a mask region as (x0, y0, x1, y1): row-profile runs, the strokes of one glyph
    (三, 二) merged while the merged run stays within one glyph height. Marks far from the text and much
    fainter than it (the arc of a seal, a scratch) are left out; a lone mark (a dash) is kept."""
    rows = _runs(mask.sum(axis=1))
    merged: list[list[int]] = []
    for y0, y1 in rows:
        if merged and y1 - merged[-1][0] <= 1.15 * glyph and (
                merged[-1][1] - merged[-1][0] < 0.8 * glyph or y1 - y0 < 0.8 * glyph):
            merged[-1][1] = y1
        else:
            merged.append([y0, y1])
    segments = []  # (band, x0, x1, ink)
    for b, (y0, y1) in enumerate(merged):
        cols = mask[y0:y1].sum(axis=0) // 255
        for x0, x1 in _runs(cols, min_gap=max(2, round(glyph))):
            segments.append((b, x0, x1, int(cols[x0:x1].sum())))
    if len(segments) > 1:
        most = max(s[3] for s in segments)
        segments = [s for s in segments if s[3] >= 0.15 * most or s[3] >= 0.06 * glyph * glyph]
    out = []
    for b, (y0, y1) in enumerate(merged):
        mine = [s for s in segments if s[0] == b]
        if mine:
            x0, x1 = min(s[1] for s in mine), max(s[2] for s in mine)
            rows_on = np.flatnonzero(mask[y0:y1, x0:x1].sum(axis=1) > 0)
            out.append((x0, y0 + int(rows_on[0]), x1, y0 + int(rows_on[-1]) + 1))
    return out


def glyph_height(text: np.ndarray, dpi: float) -> float:
    """Typical height of a CJK glyph on the page (pixels), from the heights of text runs."""
    n, _l, stats, _c = cv2.connectedComponentsWithStats(text, connectivity=8)
    hs = stats[1:, cv2.CC_STAT_HEIGHT]
    hs = hs[(hs >= dpi * 0.06) & (hs <= dpi * 0.4)]
    return float(np.percentile(hs, 90)) if len(hs) >= 5 else dpi * 0.15


def _crop(gray: np.ndarray, rules: np.ndarray, box: tuple[int, int, int, int], pad: int) -> np.ndarray:
    """A text line's pixels (rules whitened) on a white margin, as the recogniser was trained on."""
    x0, y0, x1, y1 = box
    h, w = gray.shape
    x0, y0, x1, y1 = max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad)
    crop = gray[y0:y1, x0:x1].copy()
    crop[rules[y0:y1, x0:x1] > 0] = 255
    th = y1 - y0
    my, mx = max(2, round(0.2 * th)), max(4, round(0.5 * th))
    return cv2.copyMakeBorder(crop, my, my, mx, mx, cv2.BORDER_CONSTANT, value=255)


def _join(texts: list[str]) -> str:
    """A cell's lines as one text; the parts of a number wrapped over two lines are joined without a space."""
    texts = [t for t in texts if t]
    if len(texts) > 1 and all(set(t) <= _NUMERIC | set("元万次件个") for t in texts):
        return "".join(texts)
    return clean_cell_text("\n".join(texts))


def read_page(img: PageImage, *, page_no: int | None, title_lines: int = 0,
              finer: Callable[[], PageImage] | None = None, source: int | None = None) -> PageOcr:
    """Tables, captions and (title_lines > 0) the first lines of a page image.

    source (the page number, or the image's number in its document) is the first member of every cell's
    box, which names the cell for the finer pass."""
    gray, dpi = img.gray, img.dpi
    ink = binarise(gray)
    tables, rules = find_tables(ink, dpi)
    text = _text_mask(ink, rules, dpi)
    glyph = glyph_height(text, dpi)
    pad = 1
    margin = max(2, round(dpi / 60))
    items: list[_Item] = []
    for t_no, table in enumerate(tables):
        for c_no, cell in enumerate(table.cells):
            x0, y0, x1, y1 = cell.box
            x0, y0, x1, y1 = x0 + margin, y0 + margin, x1 - margin, y1 - margin
            if x1 - x0 < 3 or y1 - y0 < 3:
                continue
            for b_no, (bx0, by0, bx1, by1) in enumerate(text_bands(text[y0:y1, x0:x1], glyph)):
                items.append(_Item((x0 + bx0, y0 + by0, x0 + bx1, y0 + by1), ("cell", t_no, c_no, b_no)))
    # captions: the last two text lines above each table; the title area: the first lines of the page
    covered = np.zeros(gray.shape[0], bool)
    for table in tables:
        covered[int(table.ys[0]) - pad: int(table.ys[-1]) + pad] = True
    free = text.copy()
    free[covered] = 0
    # tables printed without rules, in what the ruled tables leave: their blocks are read like cells
    spans = [(int(t.ys[0]), int(t.ys[-1])) for t in tables]
    unruled: list[list[unruled_tables.Block]] = []
    boxes = unruled_tables.find_blocks(free, glyph)
    for region in unruled_tables.table_regions(boxes, glyph):
        blocks = []
        for i in region:
            x0, y0, x1, y1 = boxes[i]
            bands = [(x0 + a, y0 + b, x0 + c, y0 + d) for a, b, c, d in text_bands(free[y0:y1, x0:x1], glyph)]
            blocks.append(unruled_tables.Block(boxes[i], bands))
        for b_no, block in enumerate(blocks):
            items += [_Item(band, ("block", len(unruled), b_no, k)) for k, band in enumerate(block.bands)]
        top, bottom = min(boxes[i][1] for i in region), max(boxes[i][3] for i in region)
        free[max(0, top - pad): bottom + pad] = 0
        spans.append((top, bottom))
        unruled.append(blocks)
    lines = [b for b in text_bands(free, glyph) if b[3] - b[1] >= 0.4 * glyph]
    wanted: set[tuple[int, int, int, int]] = set(lines[:title_lines])
    for top, bottom in spans:  # a caption above, a note or the next section's heading below
        above = [b for b in lines if b[3] <= top]
        below = [b for b in lines if b[1] >= bottom]
        wanted.update(above[-2:] + below[:2])
    items += [_Item(b, ("line", b[1])) for b in sorted(wanted, key=lambda b: b[1])]
    readings = engine.recognise([_crop(gray, rules, it.box, pad) for it in items], alike=True)
    for it, reading in zip(items, readings, strict=True):
        it.reading = _missed(reading, it.box, glyph)
    result = PageOcr(n_lines=len(items))
    doubtful = [it for it in items if _doubtful(it)]
    if doubtful and finer is not None:
        result.n_refined = refine_items(doubtful, img, finer(), rules, glyph)
    result.doubtful = sum(1 for it in items if _doubtful(it))
    for t_no, table in enumerate(tables):
        result.items.append((int(table.ys[0]), _assemble(table, t_no, items, page_no, dpi, page_no if source is None else source)))
    for u_no, blocks in enumerate(unruled):
        parts: dict[int, list[tuple[int, str, float]]] = {}
        for it in items:
            if it.owner[0] == "block" and it.owner[1] == u_no and it.reading is not None:
                parts.setdefault(it.owner[2], []).append((it.owner[3], it.reading.text, it.reading.confidence))
        for b_no, block in enumerate(blocks):
            read = sorted(parts.get(b_no, []))
            block.lines = [p[1] for p in read]
            block.text = _join(block.lines)
            block.confidence = min((p[2] for p in read), default=1.0)
            if _implausible(block.text):
                block.confidence = min(block.confidence, 0.5)
        found = unruled_tables.tables_of(blocks, glyph, page_no, page_no if source is None else source, dpi)
        result.items += [(top, OcrLine(clean_line(text), conf, top)) if isinstance(text, str) else (top, text)
                         for top, text, conf in found]
    for it in items:
        if it.owner[0] == "line" and it.reading is not None and it.reading.text and not is_page_number(
                it.reading.text, bare=True):
            result.items.append((it.box[1], OcrLine(clean_line(it.reading.text), it.reading.confidence, it.box[1])))
    result.items.sort(key=lambda x: x[0])
    return result


def _doubtful(it: _Item) -> bool:
    """A reading to read again: a digit (or a short value) below LOW_CONFIDENCE, or any line read poorly."""
    r = it.reading
    if r is None:
        return False
    if any(ch.isdigit() and p < LOW_CONFIDENCE for ch, p in zip(r.text, r.chars, strict=False)):
        return True
    short = len(r.text) <= 3 and it.owner[0] in ("cell", "block")
    return r.confidence < (LOW_CONFIDENCE if short else 0.5) or (short and _implausible(r.text))


def _implausible(text: str) -> bool:
    """A short cell read as Latin letters alone (a C, an O with a digit): no cell of the tables prints that, a
    broken or faded digit does."""
    return 0 < len(text) <= 3 and any(ch.isascii() and ch.isalpha() for ch in text) and not any(
        "\u4e00" <= ch <= "\u9fff" for ch in text)


def refine_items(items: list[_Item], img: PageImage, fine: PageImage, rules: np.ndarray, glyph: float = 0.0) -> int:
    """Read doubtful lines again, one by one, from the finer image; keep the more confident reading."""
    scale = fine.gray.shape[1] / img.gray.shape[1]
    fine_rules = cv2.resize(rules, (fine.gray.shape[1], fine.gray.shape[0]), interpolation=cv2.INTER_NEAREST)
    pad = 2
    crops = []
    for it in items:
        x0, y0, x1, y1 = (round(v * scale) for v in it.box)
        crops.append(_crop(fine.gray, fine_rules, (x0, y0, x1, y1), pad))
    changed = 0
    for it, again in zip(items, engine.recognise(crops, pack=False), strict=True):
        again = _missed(again, it.box, glyph) if glyph else again
        if it.reading is None or again.confidence > it.reading.confidence:
            changed += it.reading is None or again.text != it.reading.text
            it.reading = again
    return changed


def _missed(reading: engine.Reading, box: tuple[int, int, int, int], glyph: float) -> engine.Reading:
    """A line of glyph-sized ink read as nothing is a miss (confidence 0: read again, then flagged), not a
    blank read for sure; specks smaller than a glyph's part read as nothing are nothing."""
    if reading.text or box[3] - box[1] < 0.5 * glyph or box[2] - box[0] < 0.3 * glyph:
        return reading
    return engine.Reading("", 0.0, ())


def _assemble(table: RuledTable, t_no: int, items: list[_Item], page_no: int | None, dpi: float,
              source: int | None) -> OcrTable:
    texts: dict[int, list[tuple[int, str, float, tuple[float, ...]]]] = {}
    for it in items:
        if it.owner[0] == "cell" and it.owner[1] == t_no and it.reading is not None:
            texts.setdefault(it.owner[2], []).append((it.owner[3], it.reading.text, it.reading.confidence,
                                                      it.reading.chars))
    slots: dict[tuple[int, int], Cell] = {}
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for c_no, cell in enumerate(table.cells):
        parts = sorted(texts.get(c_no, []))
        text = _join([p[1] for p in parts])
        # a cell with no ink reads blank for sure; one with text has its lowest character probability; ink of a
        # glyph's size read as nothing leaves the cell blank and doubtful
        confidence = min((p[2] for p in parts), default=1.0)
        if _implausible(text):  # read again finer and still letters: kept as read, doubtful
            confidence = min(confidence, 0.5)
        for r in range(cell.r0, cell.r1):
            for c in range(cell.c0, cell.c1):
                slots[(r, c)] = Cell(text, r, c, page_no, (r, c) != (cell.r0, cell.c0), confidence,
                                     (source or 0, *cell.box))
                spans[(r, c)] = (cell.r0, cell.c0)
    rows = [[slots.get((r, c)) or Cell("", r, c, page_no) for c in range(table.width)] for r in range(table.height)]
    return OcrTable(rows, spans, list(table.xs), list(table.ys), int(table.ys[0]), dpi)


def read_cells(fine: PageImage, boxes: list[tuple[int, int, int, int]], scale: float) -> list[tuple[str, float]]:
    """Cells read again one by one from a finer image: (text, confidence) per cell box (given at 1/scale)."""
    margin = max(2, round(fine.dpi / 60))
    crops, owners = [], []
    for k, box in enumerate(boxes):
        x0, y0, x1, y1 = (round(v * scale) for v in box)
        x0, y0, x1, y1 = x0 + margin, y0 + margin, x1 - margin, y1 - margin
        region = fine.gray[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]
        if region.size == 0:
            continue
        ink = binarise(region)
        _tables, rules = find_tables(ink, fine.dpi)
        text = _text_mask(ink, rules, fine.dpi)
        glyph = glyph_height(text, fine.dpi)
        for bx0, by0, bx1, by1 in text_bands(text, glyph):
            crops.append(_crop(region, rules, (bx0, by0, bx1, by1), 2))
            owners.append(k)
    readings = engine.recognise(crops, pack=False)
    parts: dict[int, list[engine.Reading]] = {}
    for k, r in zip(owners, readings, strict=True):
        parts.setdefault(k, []).append(r)
    out = []
    for k in range(len(boxes)):
        rs = parts.get(k, [])
        text = _join([r.text for r in rs])
        out.append((text, min((r.confidence for r in rs), default=1.0)))
    return out
