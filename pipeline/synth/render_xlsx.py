"""Render a SyntheticReport's tables as an Excel workbook (.xlsx with openpyxl, legacy .xls with xlwt), merged
cells as offices merge them.

Layouts seen on portals: one sheet holding the title and the three tables one under another (blank rows
between, section captions above each), or one sheet per table. Numbers are stored as numbers unless the
report prints them with a unit or as a dash (then as text, as typed).
"""

from __future__ import annotations

import io
import random
import re

from .grid import CellQuirks, Grid, report_grids
from .values import SyntheticReport

_CAPTIONS = {"proactive": "二、主动公开政府信息情况", "requests": "三、收到和处理政府信息公开申请情况",
             "reviews": "四、政府信息公开行政复议、行政诉讼情况"}
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _write_grid(ws, grid: Grid, top: int) -> int:
    """Write a grid with its merges from row `top` (1-based); returns the next free row."""
    for row in grid.rows:
        for c in row:
            cell = ws.cell(row=top + c.row, column=1 + c.col)
            cell.value = float(c.text) if c.kind == "value" and _NUMBER.match(c.text) else c.text
            if isinstance(cell.value, float) and cell.value.is_integer():
                cell.value = int(cell.value)
            if c.rowspan > 1 or c.colspan > 1:
                ws.merge_cells(start_row=top + c.row, start_column=1 + c.col,
                               end_row=top + c.row + c.rowspan - 1, end_column=1 + c.col + c.colspan - 1)
    return top + len(grid.rows)


def render_xlsx(report: SyntheticReport, quirks: CellQuirks | None = None, *, sheet_per_table: bool = False,
                split_table3: bool = False) -> bytes:
    """The report's tables 二/三/四 as an .xlsx (title row first; one sheet, or one sheet per table)."""
    from openpyxl import Workbook

    grids = report_grids(report, quirks or CellQuirks(), "unavailable_not_held" if split_table3 else None)
    wb = Workbook()
    ws = wb.active
    ws.title = "统计表"
    ws.cell(row=1, column=1, value=report.title)
    row = 3
    for i, g in enumerate(grids):
        if sheet_per_table and i and g.name != grids[i - 1].name:
            ws = wb.create_sheet({"requests": "表三", "reviews": "表四"}.get(g.name, f"表{i}"))
            row = 1
        if i == 0 or g.name != grids[i - 1].name:
            ws.cell(row=row, column=1, value=_CAPTIONS[g.name])
            row += 1
        row = _write_grid(ws, g, row) + 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render_xls(report: SyntheticReport, quirks: CellQuirks | None = None, *, split_table3: bool = False) -> bytes:
    """The same single-sheet layout as a legacy Excel 97 .xls (BIFF8, xlwt; a .et of WPS is the same format)."""
    import xlwt

    grids = report_grids(report, quirks or CellQuirks(), "unavailable_not_held" if split_table3 else None)
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("统计表")
    ws.write(0, 0, report.title)
    top = 2
    for i, g in enumerate(grids):
        if i == 0 or g.name != grids[i - 1].name:
            ws.write(top, 0, _CAPTIONS[g.name])
            top += 1
        for row in g.rows:
            for c in row:
                value: str | float = float(c.text) if c.kind == "value" and _NUMBER.match(c.text) else c.text
                r, col = top + c.row, c.col
                if c.rowspan > 1 or c.colspan > 1:
                    ws.write_merge(r, r + c.rowspan - 1, col, col + c.colspan - 1, value)
                else:
                    ws.write(r, col, value)
        top += len(g.rows) + 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _render_sheet(report: SyntheticReport, rng: random.Random) -> bytes:
    from .quirks import cell_quirks

    return render_xlsx(report, CellQuirks(**cell_quirks(rng)), sheet_per_table=rng.random() < 0.5,
                       split_table3=rng.random() < 0.3)


def _render_xls(report: SyntheticReport, rng: random.Random) -> bytes:
    from .quirks import cell_quirks

    return render_xls(report, CellQuirks(**cell_quirks(rng)), split_table3=rng.random() < 0.3)


RENDERS = {"xlsx": _render_sheet, "xls": _render_xls}  # pipeline.synth.formats: the formats this module writes
