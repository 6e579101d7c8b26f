"""OCR of PDF pages: pages without a text layer (scans) and table pictures on pages that have text.

The PDF reader (pipeline.readers.pdf) calls `read_pages` for those pages. A cheap look at every candidate
page (rendered at 60 dpi: are there ruled tables?) picks the table pages; only they, and the title area
of page 1, are rendered at the scan's own resolution and read. The finer pass renders a page again at
twice that resolution, only when a line was read with low confidence.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.document import Cell, ReaderError
from pipeline.ocr import engine, unruled
from pipeline.ocr.grid import find_tables
from pipeline.ocr.image import EXPAND_ANGLE, PageImage, binarise, drop_colour, redo, rotate, skew_angle, turn
from pipeline.ocr.orient import straighten
from pipeline.ocr.page import OcrLine, OcrTable, _text_mask, glyph_height, read_cells, read_page

PROBE_DPI = 60
MIN_DPI, MAX_DPI, DEFAULT_DPI = 150, 300, 200
TITLE_LINES = 8


@dataclass
class PdfOcr:
    """OCR results by page (items in page points, top to bottom) and what it cost."""

    pages: dict[int, list[tuple[float, OcrLine | OcrTable]]] = field(default_factory=dict)
    # page → (dpi, angle, turns, x0, y0, width, height) as read: resolution, straightening, the part of the page read
    geometry: dict[int, tuple[float, ...]] = field(default_factory=dict)
    probed: int = 0
    read: list[int] = field(default_factory=list)
    lines: int = 0
    refined: int = 0
    doubtful: int = 0
    seconds: float = 0.0


def image_boxes(page: pdfium.PdfPage) -> list[tuple[float, float, float, float, int, int]]:
    """(left, bottom, right, top, px_w, px_h) of the page's image objects."""
    out = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            bounds = getattr(obj, "get_bounds", None) or obj.get_pos  # pypdfium2 5 / 4
            left, bottom, right, top = bounds()
            w, h = obj.get_px_size()
        except (pdfium.PdfiumError, AttributeError, TypeError, ValueError):
            continue
        out.append((left, bottom, right, top, w, h))
    return out


def _native_dpi(page: pdfium.PdfPage) -> float:
    """Resolution of the page's largest image (a scan), clamped to MIN_DPI..MAX_DPI."""
    boxes = image_boxes(page)
    if not boxes:
        return DEFAULT_DPI
    left, bottom, right, top, w, _h = max(boxes, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    width_in = max(right - left, 1) / 72
    return float(min(MAX_DPI, max(MIN_DPI, w / width_in)))


def _render(page: pdfium.PdfPage, dpi: float) -> np.ndarray:
    bitmap = page.render(scale=dpi / 72)
    arr = bitmap.to_numpy()
    return arr[..., :3].copy() if arr.ndim == 3 else np.stack([arr] * 3, axis=-1)


def _fine_image(page: pdfium.PdfPage, dpi: float, angle: float, turns: int, crop: tuple, factor: int) -> PageImage:
    """The part of the page read at dpi, rendered again at factor × dpi and straightened the same way."""
    x0, y0, w, h = (round(v * factor) for v in crop)
    fine = _render(page, dpi * factor)[y0:y0 + h, x0:x0 + w]
    return PageImage(redo(drop_colour(fine), angle, turns), dpi * factor, angle, turns)


def has_ruled_table(page: pdfium.PdfPage, min_rows: int = 3) -> bool:
    """A cheap look (60 dpi, no OCR): does the page hold a ruled table (of at least min_rows - 1 rows)?"""
    gray = drop_colour(_render(page, PROBE_DPI))
    ink = binarise(gray)
    angle = skew_angle(ink)
    if abs(angle) >= 0.05:
        ink = binarise(rotate(gray, angle))
    tables, _rules = find_tables(ink, PROBE_DPI, min_rows=min_rows)
    return bool(tables)


def has_table(page: pdfium.PdfPage, min_rows: int = 3) -> bool:
    """A cheap look (60 dpi, no OCR): a ruled table (see has_ruled_table), or text standing in columns row after
    row (a table printed without rules)?"""
    gray = drop_colour(_render(page, PROBE_DPI))
    ink = binarise(gray)
    angle = skew_angle(ink)
    if abs(angle) >= 0.05:
        ink = binarise(rotate(gray, angle))
    tables, rules = find_tables(ink, PROBE_DPI, min_rows=min_rows)
    if tables:
        return True
    text = _text_mask(ink, rules, PROBE_DPI)
    glyph = glyph_height(text, PROBE_DPI)
    # as the page lies, then a quarter turn (a sideways page: its rows of text run down the page)
    return any(unruled.table_regions(unruled.find_blocks(t, glyph), glyph) for t in (text, turn(text, 1)))


def read_pages(data: bytes, pages: list[int], *, title_page: int | None = 1, deadline: float | None = None,
               regions: dict[int, tuple[float, float, float, float]] | None = None) -> PdfOcr:
    """OCR of the given 1-based pages: the table pages among them and the title area of `title_page`.

    regions: for pages that have text, the box (left, bottom, right, top, in points) of the picture to read;
    only tables inside it are kept.
    """
    engine._load()  # OcrUnavailable (status needs_ocr) before any work when the extra is missing
    t0 = time.perf_counter()
    out = PdfOcr()
    regions = regions or {}
    table_pages: set[int] = set()
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ReaderError(f"damaged PDF: {exc}") from exc
    try:
        for pno in pages:
            if deadline is not None and time.monotonic() > deadline:
                raise ReaderError(f"time limit exceeded while reading page {pno} by OCR")
            page = doc[pno - 1]
            try:
                out.probed += 1
                # after a table page even a single ruled row counts: the last row of a table the break cut
                is_table = has_table(page, min_rows=2 if pno - 1 in table_pages else 3)
                if is_table:
                    table_pages.add(pno)
                if not is_table and pno != title_page:
                    continue
                dpi = _native_dpi(page)
                bgr = _render(page, dpi)
                offset = 0.0
                if pno in regions:  # only the picture: the page's text is read from its text layer
                    left, bottom, right, top = regions[pno]
                    height_pt = page.get_height()
                    y0, y1 = round((height_pt - top) * dpi / 72), round((height_pt - bottom) * dpi / 72)
                    x0, x1 = round(left * dpi / 72), round(right * dpi / 72)
                    bgr = bgr[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]
                    offset = max(0.0, height_pt - top)
                    crop = (max(0, x0), max(0, y0), bgr.shape[1], bgr.shape[0])
                else:
                    crop = (0, 0, bgr.shape[1], bgr.shape[0])
                img = straighten(drop_colour(bgr), dpi)

                def finer(page=page, img=img, crop=crop) -> PageImage:
                    return _fine_image(page, img.dpi, img.angle, img.turns, crop, 2)

                result = read_page(img, page_no=pno, title_lines=TITLE_LINES if pno == title_page else 0,
                                   finer=finer)
                items = []
                moved = abs(img.angle) > EXPAND_ANGLE
                for top, item in result.items:
                    if pno in regions and not isinstance(item, OcrTable):
                        continue  # the picture's prose: the text layer has the page's prose already
                    if moved and isinstance(item, OcrTable):
                        item.xs = []  # straightened on a larger canvas: its x is not the next page's
                    items.append((offset + top * 72 / dpi, item))
                out.pages[pno] = items
                out.read.append(pno)
                out.geometry[pno] = (dpi, img.angle, img.turns, *crop)
                out.lines += result.n_lines
                out.refined += result.n_refined
                out.doubtful += result.doubtful
            finally:
                page.close()
    finally:
        doc.close()
    out.seconds = time.perf_counter() - t0
    return out


FINEST = 3  # the identity pass reads cells at three times the scan's resolution


def refiner(data: bytes, geometry: dict[int, tuple[float, ...]]):
    """The finer pass for cells named by the identity checks: their pages rendered at FINEST × the resolution
    they were read at, straightened by the same angle and turns, each cell read alone."""

    def refine(cells: list[Cell]) -> dict[tuple[int, ...], tuple[str, float]]:
        by_page: dict[int, list[tuple[int, ...]]] = {}
        for c in cells:
            if c.box is not None and c.box[0] in geometry:
                by_page.setdefault(c.box[0], []).append(c.box[1:])
        out: dict[tuple[int, ...], tuple[str, float]] = {}
        doc = pdfium.PdfDocument(data)
        try:
            for pno, boxes in by_page.items():
                dpi, angle, turns, *crop = geometry[pno]
                page = doc[pno - 1]
                try:
                    fine = _fine_image(page, dpi, angle, int(turns), tuple(crop), FINEST)
                finally:
                    page.close()
                boxes = list(dict.fromkeys(boxes))
                for box, reading in zip(boxes, read_cells(fine, boxes, FINEST), strict=True):
                    out[(pno, *box)] = reading
        finally:
            doc.close()
        return out

    return refine
