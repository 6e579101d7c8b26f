"""OCR of pictures: a standalone scan or photo (.jpg, .png, .tif), a 统计表 image inside a web page or a Word file.

A picture's resolution is unknown (a screenshot, a phone photo, a 600 dpi scan): it is judged from the
text itself (body glyphs are about 10.5 pt), and small text is enlarged before reading. Pictures without a
ruled table give only their first lines (a title) when asked, nothing otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from pipeline.document import Block, Cell, Paragraph, Table
from pipeline.ocr.grid import find_tables
from pipeline.ocr.image import PageImage, binarise, decode_image, drop_colour
from pipeline.ocr.orient import straighten
from pipeline.ocr.page import OcrTable, read_cells, read_page

GLYPH_INCHES = 10.5 / 72  # a body glyph's height
MIN_GLYPH_PX = 24  # text smaller than this is enlarged before reading
MIN_SIDE = 120  # smaller pictures are icons, bullets, spacers


@dataclass
class Pictures:
    """The pictures of one document read so far, for the finer identity pass."""

    images: dict[int, PageImage] = field(default_factory=dict)
    read: int = 0

    def refine(self, cells: list[Cell]) -> dict[tuple[int, ...], tuple[str, float]]:
        out: dict[tuple[int, ...], tuple[str, float]] = {}
        by_image: dict[int, list[tuple[int, ...]]] = {}
        for c in cells:
            if c.box is not None and c.box[0] in self.images:
                by_image.setdefault(c.box[0], []).append(c.box[1:])
        for n, boxes in by_image.items():
            img = self.images[n]
            fine = PageImage(cv2.resize(img.gray, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC), img.dpi * 3)
            boxes = list(dict.fromkeys(boxes))
            for box, reading in zip(boxes, read_cells(fine, boxes, 3), strict=True):
                out[(n, *box)] = reading
        return out


def _glyph_px(ink: np.ndarray) -> float | None:
    n, _l, stats, _c = cv2.connectedComponentsWithStats(ink, connectivity=8)
    hs = stats[1:, cv2.CC_STAT_HEIGHT]
    ws = stats[1:, cv2.CC_STAT_WIDTH]
    keep = (hs >= 5) & (hs <= ink.shape[0] * 0.08) & (ws <= ink.shape[1] * 0.08)
    if keep.sum() < 10:
        return None
    return float(np.percentile(hs[keep], 90))


def prepare_picture(data: bytes) -> PageImage | None:
    """The picture deskewed and stood upright, seal and shading removed, enlarged when its text is small; None for icons."""
    bgr, _declared = decode_image(data)
    if min(bgr.shape[:2]) < MIN_SIDE:
        return None
    gray = drop_colour(bgr)
    glyph = _glyph_px(binarise(gray))
    if glyph is not None and glyph < MIN_GLYPH_PX:
        factor = min(4.0, MIN_GLYPH_PX / glyph)
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
        glyph *= factor
    dpi = float(min(600, max(100, (glyph or 30) / GLYPH_INCHES)))
    return straighten(gray, dpi)


def has_table(img: PageImage) -> bool:
    tables, _rules = find_tables(binarise(img.gray), img.dpi)
    return bool(tables)


def read_picture(data: bytes, pictures: Pictures, *, title_lines: int = 0, first_table: int = 0) -> list[Block]:
    """Blocks (prose lines, tables numbered from first_table) of one picture; [] for a picture without text."""
    img = prepare_picture(data)
    if img is None or (not title_lines and not has_table(img)):
        return []
    number = pictures.read + 1
    pictures.read = number
    pictures.images[number] = img

    def finer() -> PageImage:
        return PageImage(cv2.resize(img.gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC), img.dpi * 2)

    result = read_page(img, page_no=None, title_lines=title_lines, finer=finer, source=number)
    blocks: list[Block] = []
    index = first_table
    for _top, item in result.items:
        if isinstance(item, OcrTable):
            caption = blocks[-1].text if blocks and isinstance(blocks[-1], Paragraph) else ""
            blocks.append(Table(rows=item.rows, index=index, caption=caption))
            index += 1
        else:
            blocks.append(Paragraph(item.text))
    return blocks


def image_document_blocks(data: bytes) -> tuple[list[Block], Pictures]:
    pictures = Pictures()
    return read_picture(data, pictures, title_lines=8), pictures


__all__ = ["Pictures", "has_table", "image_document_blocks", "prepare_picture", "read_picture"]
