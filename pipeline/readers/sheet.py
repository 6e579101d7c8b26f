"""Spreadsheet reader: .xlsx, .xls, .et (WPS) and .ods through python-calamine, merged cells expanded.

Every sheet becomes table grids like the other readers': a sheet is cut into tables at fully blank rows;
single-text rows above a table's first row of several cells (a sheet title, a caption such as
三、收到和处理政府信息公开申请情况) become prose lines. Merged ranges are expanded into every covered slot
(copies marked spanned), as HTML rowspan/colspan are. Numbers are printed as the sheet shows them
(integers without a decimal point).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

from pipeline.document import Block, Cell, Document, Paragraph, ReaderError, Table
from pipeline.readers.cjk_fold import clean_cell_text, clean_line
from pipeline.readers.pdf import find_title

MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "xls": "application/vnd.ms-excel", "ods": "application/vnd.oasis.opendocument.spreadsheet"}
MAX_CELLS = 2_000_000  # a sheet larger than this is not an annual report


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return clean_cell_text(str(value))


def _merged(sheet) -> list[tuple[int, int, int, int]]:
    """Merged ranges as (r0, c0, r1, c1), inclusive; [] when the format does not say (calamine: xls/ods)."""
    try:
        ranges = sheet.merged_cell_ranges or []
    except (AttributeError, ValueError):
        return []
    out = []
    for (r0, c0), (r1, c1) in ranges:
        out.append((int(r0), int(c0), int(r1), int(c1)))
    return out


def read_sheet(data: bytes) -> Document:
    """Read a workbook: every sheet's tables and title lines, merged cells expanded."""
    if not data:
        raise ReaderError("empty file: the spreadsheet has 0 bytes")
    try:
        from python_calamine import CalamineWorkbook
    except ImportError as exc:
        raise ReaderError(f"reading spreadsheets needs python-calamine: {exc}") from exc
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types for damaged files
        raise ReaderError(f"cannot open the spreadsheet: {type(exc).__name__}: {exc}") from exc
    blocks: list[Block] = []
    n_tables = 0
    for name in wb.sheet_names:
        try:
            sheet = wb.get_sheet_by_name(name)
            values = sheet.to_python(skip_empty_area=False)
        except Exception as exc:  # noqa: BLE001
            raise ReaderError(f"cannot read sheet {name!r}: {type(exc).__name__}: {exc}") from exc
        if sum(len(r) for r in values) > MAX_CELLS:
            raise ReaderError(f"sheet {name!r} has more than {MAX_CELLS} cells: not an annual report")
        n_tables = _sheet_blocks(values, _merged(sheet), blocks, n_tables)
    title = find_title([b.text for b in blocks[:12] if isinstance(b, Paragraph)])
    kind = "xlsx" if data.startswith(b"PK") and b"xl/" in data[:1 << 16] else (
        "ods" if data.startswith(b"PK") else "xls")
    return Document(blocks=blocks, media_type=MEDIA_TYPES[kind], title=title,
                    meta={"sheets": ",".join(wb.sheet_names)})


def _sheet_blocks(values: list[list[Any]], merged: list[tuple[int, int, int, int]], blocks: list[Block],
                  n_tables: int) -> int:
    width = max((len(r) for r in values), default=0)
    texts = [[_text(v) for v in row] + [""] * (width - len(row)) for row in values]
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in merged:
        for r in range(r0, min(r1, len(texts) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                origin[(r, c)] = (r0, c0)
    for (r, c), (r0, c0) in origin.items():  # merged ranges hold their text in the top-left cell only
        if r0 < len(texts) and c0 < width:
            texts[r][c] = texts[r0][c0]
    # tables are runs of non-blank rows; a run's leading rows with one distinct text are prose (titles)
    r = 0
    while r < len(texts):
        if not any(texts[r]):
            r += 1
            continue
        end = r
        while end < len(texts) and any(texts[end]):
            end += 1
        start = r
        while start < end and len({t for t in texts[start] if t}) == 1 and _lone(texts, start, end):
            line = clean_line(next(t for t in texts[start] if t))
            blocks.append(Paragraph(line))
            start += 1
        if start < end:
            cols = [c for c in range(width) if any(texts[i][c] for i in range(start, end))]
            rows = []
            for i in range(start, end):
                row = []
                for j, c in enumerate(cols):
                    o = origin.get((i, c), (i, c))
                    spanned = o != (i, c) and (o[0] >= start)
                    row.append(Cell(texts[i][c], i - start, j, None, spanned))
                rows.append(row)
            caption = blocks[-1].text if blocks and isinstance(blocks[-1], Paragraph) else ""
            blocks.append(Table(rows=rows, index=n_tables, caption=caption))
            n_tables += 1
        r = end
    return n_tables


def _lone(texts: list[list[str]], start: int, end: int) -> bool:
    """A title or caption row (one distinct text) before a table's rows, or in a block of such rows only."""
    if "第二十条" in "".join(texts[start]):  # a clause row of table 二 (merged across it) is a table row
        return False
    return True
