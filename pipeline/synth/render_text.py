"""Render a SyntheticReport as plain text with `|`-delimited tables, as web pages converted to text look."""

from __future__ import annotations

from dataclasses import dataclass

from .grid import CellQuirks, GCell, Grid, report_grids
from .values import SyntheticReport

LAYOUTS = ("pipe", "markdown", "lines")
_SECTION_TABLES = {2: ("proactive",), 3: ("requests",), 4: ("reviews",)}


@dataclass(frozen=True)
class TextQuirks(CellQuirks):
    """Text-layout deviations on top of the cell quirks (defaults: the seed file's style)."""

    layout: str = "pipe"  # "pipe" (a | b), "markdown" (| a | b |), "lines" (one cell per line, no pipes)
    trailing_empty: bool = True  # pad rows with empty cells to the table's grid width (not in "lines")
    shift_labels: bool = False  # put labels at their grid column, spanned slots printed as empty cells
    brackets: str = "half"


def _cells(grid: Grid, row: list[GCell], q: TextQuirks) -> list[str]:
    pad = q.trailing_empty and q.layout != "lines"
    if q.shift_labels:
        out = [""] * grid.width
        for c in row:
            out[c.col] = c.text
        return out if pad else out[: max(c.col for c in row) + 1]
    out = [c.text for c in row]
    return out + [""] * (grid.width - len(out)) if pad else out


def format_row(cells: list[str], layout: str) -> list[str]:
    """One table row as printed lines: `a | b | ||` (pipe), `| a | b |` (markdown) or one line per cell."""
    if layout == "lines":
        return cells
    if layout == "markdown":
        return ["| " + " | ".join(cells) + " |"]
    n = len(cells)
    while n and not cells[n - 1]:
        n -= 1
    tail = len(cells) - n
    return [" | ".join(cells[:n]) + ("" if not tail else " |" if tail == 1 else " | " + "|" * (tail - 1))]


def table_rows(report: SyntheticReport, quirks: TextQuirks) -> list[tuple[str, list[list[str]]]]:
    """(table name, rows of printed cells) for every table, in document order."""
    return [(g.name, [_cells(g, r, quirks) for r in g.rows]) for g in report_grids(report, quirks)]


def render_pipe_text(report: SyntheticReport, quirks: TextQuirks | None = None) -> str:
    """The whole report: title, 统计时限 sentence, sections 一–六 with prose and tables."""
    q = quirks or TextQuirks()
    tables = table_rows(report, q)
    lines = [report.title, report.intro]
    for s in report.sections:
        lines.append(s.title)
        lines += [t for t in s.text.split("\n") if t]
        for name, rows in tables:
            if name in _SECTION_TABLES.get(s.number, ()):
                for cells in rows:
                    lines += format_row(cells, q.layout)
    return "\n".join(lines) + "\n"
